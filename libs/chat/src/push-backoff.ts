import { backoffDelay } from '@app/common';
import type { ChatPushConfig } from '@app/config';

/**
 * How long a gateway rests after its `failures`-th failure in a row: the shared backoff with up to
 * half of it taken off at random, so gateways failing together do not come back together; never
 * sooner than the receiver asked (Retry-After, or the circuit's probe).
 */
export function pushRetryDelayMs(
  failures: number,
  config: Pick<ChatPushConfig, 'retryBaseMs' | 'retryMaxMs'>,
  retryAfterMs = 0,
  random: () => number = Math.random,
): number {
  const backoff = backoffDelay(failures, { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs, jitter: 0.5, random });
  return Math.max(backoff, retryAfterMs);
}
