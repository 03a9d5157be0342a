import type { Job } from 'bullmq';
import { CircuitOpenError, OutboundResponseError } from '@app/outbound';
import { WEBHOOK_BACKOFF } from '@app/queue';
import { longestBackoffMs, webhookBackoff } from './webhook-backoff.js';

const job = { opts: { attempts: 10, backoff: { type: WEBHOOK_BACKOFF, delay: 60_000, jitter: 0.5 } } } as unknown as Job;

describe('webhookBackoff', () => {
  const strategy = webhookBackoff(200);

  it('should back off exponentially from the configured base, within its jitter', () => {
    const delay = strategy(3, WEBHOOK_BACKOFF, new Error('boom'), job) as number;
    expect(delay).toBeGreaterThanOrEqual(400);
    expect(delay).toBeLessThanOrEqual(800);
  });

  it("should wait at least as long as the receiver's Retry-After", () => {
    const error = new OutboundResponseError(503, 'POST https://r.example/hook answered 503', 5000);
    expect(strategy(1, WEBHOOK_BACKOFF, error, job)).toBe(5000);
  });

  it('should wait at least until an open circuit lets a probe through', () => {
    expect(strategy(1, WEBHOOK_BACKOFF, new CircuitOpenError('https://r.example', 30_000), job)).toBe(30_000);
  });

  it('should keep the backoff when it is longer than Retry-After', () => {
    const error = new OutboundResponseError(503, 'answered 503', 1);
    expect(strategy(5, WEBHOOK_BACKOFF, error, job)).toBeGreaterThanOrEqual(1600);
  });
});

describe('longestBackoffMs', () => {
  it("should be the wait before the job's last attempt", () => {
    expect(longestBackoffMs(job, undefined)).toBe(60_000 * 256);
    expect(longestBackoffMs(job, 200)).toBe(200 * 256);
  });
});
