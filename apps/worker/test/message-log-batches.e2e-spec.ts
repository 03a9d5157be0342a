import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { MessageLogBatchHandler } from '@app/message-log';
import { QueueName } from '@app/queue';
import {
  compiledAppEnv,
  createActiveMember,
  delegateLogging,
  ensureCompiled,
  messageRecord,
  operatorAuth,
  startCompiled,
  testConfig,
  waitFor,
  type ActiveMember,
  type CompiledApp,
} from '@app/testing';
import { startTestHub, startTestWorker, TestHub } from '../../hub/test/test-hub.js';

const BATCHES = 150;
const PER_BATCH = 40;

describe('message-log post-processing worker (e2e)', () => {
  let hub: TestHub;
  let a: ActiveMember;
  let b: ActiveMember;
  const config = testConfig({ WORKER_LOCK_DURATION_MS: '1500' });
  const db = () => hub.app.get(DataSource);
  const http = () => request(hub.app.getHttpServer());
  const ingest = (batches: number, size: number) =>
    Promise.all(
      Array.from({ length: batches }, () =>
        http()
          .post('/v1/message-log')
          .set({ Authorization: `Bearer ${a.token}` })
          .send(Array.from({ length: size }, () => messageRecord(a.domain, b.domain)))
          .expect(200),
      ),
    );
  const counted = async () =>
    Number((await db().query('SELECT coalesce(sum(records), 0) AS n FROM message_log_daily_stats'))[0].n);
  const receipts = async () =>
    Number((await db().query("SELECT count(*) AS n FROM job_receipts WHERE job_name = 'message-log-batch-committed'"))[0].n);

  beforeAll(async () => {
    hub = await startTestHub(config);
  });
  afterAll(() => hub.close());
  beforeEach(async () => {
    await hub.reset();
    a = await createActiveMember(hub.app, 'a.example.com');
    b = await createActiveMember(hub.app, 'b.example.org');
    await delegateLogging(hub.app, a);
  });

  it('should count every committed batch once in the daily statistics', async () => {
    await ingest(3, 5);
    const worker: INestApplicationContext = await startTestWorker(config);
    try {
      await waitFor(async () => (await counted()) === 15 && (await receipts()) === 3, 20_000);
      const mine = await http()
        .get('/v1/message-log/stats')
        .set({ Authorization: `Bearer ${a.token}` })
        .expect(200);
      expect(mine.body.items).toEqual([
        { origin: a.domain, day: new Date().toISOString().slice(0, 10), records: 15, bodyBytes: expect.any(Number), batches: 3 },
      ]);
      const others = await http()
        .get('/v1/message-log/stats')
        .set({ Authorization: `Bearer ${b.token}` })
        .expect(200);
      expect(others.body.items).toEqual([]);
      const all = await http().get('/admin/v1/message-log/stats').query({ origin: a.domain }).set(operatorAuth).expect(200);
      expect(all.body.items).toHaveLength(1);
      await http()
        .get('/admin/v1/message-log/stats')
        .set({ Authorization: `Bearer ${a.token}` })
        .expect(403);
      await http().get('/admin/v1/message-log/stats').query({ from: 'yesterday' }).set(operatorAuth).expect(400);
    } finally {
      await worker.close();
    }
  });

  it('should not count a redelivered job twice', async () => {
    await ingest(1, 4);
    const [{ payload }] = await db().query("SELECT payload FROM outbox WHERE job_name = 'message-log-batch-committed'");
    const handler = hub.app.get(MessageLogBatchHandler);
    const job = { id: 'outbox-redelivered', attemptsMade: 0 };
    expect(await handler.batchCommitted(job, payload)).toEqual({ outcome: 'counted', records: 4 });
    expect(await handler.batchCommitted({ ...job, attemptsMade: 1 }, payload)).toEqual({ outcome: 'duplicate' });
    expect(await counted()).toBe(4);
  });

  it('should redo the jobs of a worker killed mid-job without counting anything twice', async () => {
    ensureCompiled();
    await ingest(BATCHES, PER_BATCH);
    const env = compiledAppEnv(config, { WORKER_LOCK_DURATION_MS: '1500', WORKER_CONCURRENCY: '5' });
    const queue = hub.app.get<Queue>(getQueueToken(QueueName.MessageLog));
    let first: CompiledApp | undefined = startCompiled('worker', env);
    let second: CompiledApp | undefined;
    try {
      await waitFor(async () => (await receipts()) >= 10, 60_000, 10);
      // kill while jobs are active: their transactions roll back with the connection
      const activeAtKill = await waitFor(async () => (await queue.getActiveCount()) || null, 10_000, 1);
      await first.kill('SIGKILL');
      first = undefined;
      const doneAtKill = await receipts();
      expect(doneAtKill).toBeLessThan(BATCHES);
      expect(activeAtKill).toBeGreaterThan(0);
      second = startCompiled('worker', env);
      await waitFor(async () => (await receipts()) === BATCHES, 90_000, 100);
      expect(await counted()).toBe(BATCHES * PER_BATCH);
      const [{ n }] = await db().query('SELECT count(*) AS n FROM message_log');
      expect(Number(n)).toBe(BATCHES * PER_BATCH);
    } finally {
      await first?.kill();
      await second?.kill('SIGTERM');
    }
  }, 180_000);
});
