import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { JobName, outboxJobId, QueueName } from '@app/queue';
import {
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

const LOCK_MS = 1000;

/**
 * A job whose worker is killed (SIGKILL) twice while running it is handed out again each time
 * and completes once, instead of failing for good with "job stalled more than allowable limit".
 * The job is a webhook delivery whose receiver does not answer the first two attempts, so each
 * crash is sure to hit it while it runs.
 */
describe('a job interrupted by two worker crashes (e2e)', () => {
  let hub: TestHub;
  let receiver: WebhookReceiver;
  let worker: CompiledApp | undefined;
  // the receiver is a local test server
  const config = testConfig({ WORKER_LOCK_DURATION_MS: String(LOCK_MS), OUTBOUND_ALLOW_LOOPBACK: 'true' });
  const db = () => hub.app.get(DataSource);

  beforeAll(async () => {
    ensureCompiled();
    hub = await startTestHub(config);
    await hub.reset();
    // the first two requests get no answer: the worker sending them is killed meanwhile
    receiver = await startWebhookReceiver((_req, index) => (index < 2 ? new Promise<number>(() => undefined) : 204));
  }, 240_000);
  afterAll(async () => {
    await worker?.kill();
    await hub?.close();
    await receiver?.close();
  });

  it('should hand the job out again after each crash and complete it once', async () => {
    const subscriber = await createActiveMember(hub.app);
    await publishMemberDocument(hub.app, subscriber, { changeNotification: `${receiver.url}/hook` });
    const publisher = await createActiveMember(hub.app);
    const env = compiledAppEnv(config, {
      WORKER_LOCK_DURATION_MS: String(LOCK_MS),
      OUTBOUND_ALLOW_LOOPBACK: 'true',
      // an attempt would otherwise end on its own before the crash
      WEBHOOK_TIMEOUT_MS: '60000',
      OUTBOUND_HEADERS_TIMEOUT_MS: '60000',
    });
    worker = startCompiled('worker', env);
    await publishMemberDocument(hub.app, publisher);

    for (const crash of [1, 2]) {
      // the worker is inside the delivery (its request arrived, no answer yet): kill it there
      await waitFor(async () => receiver.requests.length >= crash, 90_000, 20);
      await worker.kill('SIGKILL');
      worker = startCompiled('worker', env);
    }

    const [{ job_key: jobKey }] = await waitFor(async () => {
      const rows: Array<{ job_key: string }> = await db().query('SELECT job_key FROM outbox WHERE job_name = $1', [
        JobName.DeliverChangeNotification,
      ]);
      return rows.length ? rows : null;
    });
    const jobId = outboxJobId(jobKey);
    const receipts = await waitFor(
      async () => {
        const rows: Array<{ result: { status?: number } }> = await db().query(
          'SELECT result FROM job_receipts WHERE job_id = $1',
          [jobId],
        );
        return rows.length ? rows : null;
      },
      90_000,
      100,
    );
    expect(receipts).toHaveLength(1);
    expect(receipts[0].result.status).toBe(204);
    // at least once: the same notification three times, one key, and completed once
    expect(receiver.requests).toHaveLength(3);
    expect(receiver.requests.map((r) => r.headers['idempotency-key'])).toEqual([jobId, jobId, jobId]);
    const queue = hub.app.get<Queue>(getQueueToken(QueueName.ChangeNotifications));
    await waitFor(async () => (await queue.getJobState(jobId)) === 'completed');
    expect((await queue.getJob(jobId))?.stalledCounter).toBe(2);
  }, 240_000);
});
