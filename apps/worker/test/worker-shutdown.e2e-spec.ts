import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { JobName, outboxJobId, QueueName } from '@app/queue';
import {
  childPort,
  type CompiledApp,
  compiledAppEnv,
  createActiveMember,
  ensureCompiled,
  publishMemberDocument,
  startCompiled,
  startWebhookReceiver,
  testConfig,
  waitFor,
  type WebhookReceiver,
} from '@app/testing';
import { startTestHub, TestHub } from '../../hub/test/test-hub.js';

const ANSWER_AFTER_MS = 2500;
const LOCK_MS = 1000;

/**
 * SIGTERM to a worker in the middle of a job: the worker takes no new job, its readiness turns 503,
 * and the job (a change-notification delivery whose receiver answers slowly) completes once before
 * the worker exits 0, neither retried nor stalled. A job outlasting WORKER_SHUTDOWN_TIMEOUT_MS is
 * abandoned (exit 1) and completed by the next worker once its lock expires.
 */
describe('a worker stopped while it runs a job (e2e)', () => {
  let hub: TestHub;
  let receiver: WebhookReceiver;
  const workers: CompiledApp[] = [];
  const config = testConfig({ WORKER_LOCK_DURATION_MS: String(LOCK_MS), OUTBOUND_ALLOW_LOOPBACK: 'true' });
  const db = () => hub.app.get(DataSource);
  const env = (extra: Record<string, string> = {}) =>
    compiledAppEnv(config, {
      WORKER_LOCK_DURATION_MS: String(LOCK_MS),
      OUTBOUND_ALLOW_LOOPBACK: 'true',
      OUTBOX_POLL_INTERVAL_MS: '50',
      WEBHOOK_TIMEOUT_MS: '60000',
      OUTBOUND_HEADERS_TIMEOUT_MS: '60000',
      ...extra,
    });
  const startWorker = (extra?: Record<string, string>) => {
    const worker = startCompiled('worker', env(extra));
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    ensureCompiled();
    hub = await startTestHub(config);
  }, 240_000);
  // each test's subscriber alone: an earlier one's notifications would go to a closed receiver
  beforeEach(() => hub.reset());
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
    await receiver?.close();
  });
  afterAll(async () => {
    await hub?.close();
  });

  /** Publishes a document the subscriber is notified of; returns the notification job's id. */
  const notificationJob = async (): Promise<string> => {
    const subscriber = await createActiveMember(hub.app);
    await publishMemberDocument(hub.app, subscriber, { changeNotification: `${receiver.url}/hook` });
    const publisher = await createActiveMember(hub.app);
    await publishMemberDocument(hub.app, publisher);
    const [{ job_key: jobKey }] = await waitFor(async () => {
      const rows: Array<{ job_key: string }> = await db().query(
        'SELECT job_key FROM outbox WHERE job_name = $1 AND payload::text LIKE $2',
        [JobName.DeliverChangeNotification, `%${publisher.domain}%`],
      );
      return rows.length ? rows : null;
    });
    return outboxJobId(jobKey);
  };
  const receiptOf = (jobId: string) =>
    waitFor(async () => {
      const rows: Array<{ result: { status?: number } }> = await db().query('SELECT result FROM job_receipts WHERE job_id = $1', [
        jobId,
      ]);
      return rows.length ? rows : null;
    });
  const queue = () => hub.app.get<Queue>(getQueueToken(QueueName.ChangeNotifications));

  it('should finish the job in flight, neither retried nor stalled, and exit 0', async () => {
    receiver = await startWebhookReceiver(() => new Promise<number>((r) => setTimeout(() => r(204), ANSWER_AFTER_MS)));
    const healthPort = await childPort();
    const worker = startWorker({ WORKER_HEALTH_PORT: String(healthPort) });
    const jobId = await notificationJob();
    await waitFor(async () => receiver.requests.length >= 1 || null, 60_000, 20);

    const signalledAt = Date.now();
    worker.proc.kill('SIGTERM');
    // the signal is handled at the worker's next turn: readiness turns while the job is still in flight
    const ready = await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${healthPort}/health/ready`);
        return res.status === 503 ? [res.status, await res.json()] : null;
      },
      ANSWER_AFTER_MS / 2,
      20,
    );
    expect(ready).toEqual([503, { status: 'draining' }]);
    expect(receiver.requests).toHaveLength(1);
    const { code } = await worker.exited;
    expect(code).toBe(0);
    // it waited for the receiver's answer
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(ANSWER_AFTER_MS - 500);

    const receipts = await receiptOf(jobId);
    expect(receipts.map((r) => r.result.status)).toEqual([204]);
    expect(receiver.requests).toHaveLength(1);
    const job = await queue().getJob(jobId);
    expect([await queue().getJobState(jobId), job?.attemptsMade, job?.stalledCounter]).toEqual(['completed', 1, 0]);
  }, 60_000);

  it('should abandon a job outlasting WORKER_SHUTDOWN_TIMEOUT_MS (exit 1) and leave it to the next worker', async () => {
    // the first request gets no answer; the next one 204
    receiver = await startWebhookReceiver((_req, index) => (index === 0 ? new Promise<number>(() => undefined) : 204));
    const worker = startWorker({ WORKER_SHUTDOWN_TIMEOUT_MS: '1000' });
    const jobId = await notificationJob();
    await waitFor(async () => receiver.requests.length >= 1 || null, 60_000, 20);

    const signalledAt = Date.now();
    worker.proc.kill('SIGTERM');
    expect((await worker.exited).code).toBe(1);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(worker.output()).not.toContain('"level":50'); // a warning, not an error

    startWorker();
    const receipts = await receiptOf(jobId);
    expect(receipts.map((r) => r.result.status)).toEqual([204]);
    expect(receiver.requests).toHaveLength(2);
  }, 60_000);
});
