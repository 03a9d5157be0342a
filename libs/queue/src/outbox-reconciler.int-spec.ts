import { getQueueToken } from '@nestjs/bullmq';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type ConnectionOptions, type Queue, UnrecoverableError, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig, ConfigModule } from '@app/config';
import { DbModule, JobReceiptRepository, migrateDatabase, TransactionRunner } from '@app/db';
import { testConfig, truncateAll, waitFor } from '@app/testing';
import { configureQueueBackend } from './queue-connection.js';
import { JobName, QueueName } from './job-catalogue.js';
import { OutboxDispatcher } from './outbox-dispatcher.js';
import { OutboxReconciler } from './outbox-reconciler.js';
import { OutboxWriter } from './outbox-writer.js';
import { QueueCounters } from './queue-counters.js';
import { QUEUE_CONNECTION, QueueModule } from './queue.module.js';

async function startContext(config: AppConfig): Promise<INestApplicationContext> {
  await migrateDatabase(config.db.url as string);
  const connection = await configureQueueBackend(config);
  @Module({
    imports: [ConfigModule.forRoot(config), DbModule, QueueModule.forRoot(connection, config.queue.prefix)],
    providers: [OutboxDispatcher, OutboxReconciler],
  })
  class TestModule {}
  const app = await NestFactory.createApplicationContext(TestModule, { logger: false });
  // the tests run the passes themselves: stop both timers
  await app.get(OutboxDispatcher).beforeApplicationShutdown();
  await app.get(OutboxReconciler).beforeApplicationShutdown();
  return app;
}

const payload = (domain: string) => ({
  memberId: '00000000-0000-4000-8000-000000000001',
  domain,
  from: null,
  to: 'pending' as const,
  reason: null,
  at: new Date().toISOString(),
});

interface OutboxState {
  dispatched_at: Date | null;
  redispatches: number;
  settled_at: Date | null;
  parked_at: Date | null;
  last_error: string | null;
  due: boolean;
}

// The same contract on the embedded default (BullMQ's PostgreSQL backend) and on Redis.
describe.each([
  ['BullMQ PostgreSQL backend', { REDIS_URL: '' }],
  ['Redis', {}],
])(`${OutboxReconciler.name} on %s (integration)`, (_backend, overrides) => {
  let app: INestApplicationContext;
  let queue: Queue;
  const config = testConfig({ ...overrides, OUTBOX_RECONCILE_GRACE_MS: '60000' });
  const db = () => app.get(DataSource);
  const reconcile = () => app.get(OutboxReconciler).reconcileOnce();

  beforeAll(async () => {
    app = await startContext(config);
    queue = app.get<Queue>(getQueueToken(QueueName.MemberEvents));
  });
  afterAll(() => app?.close());
  beforeEach(async () => {
    await truncateAll(db());
    await queue.obliterate({ force: true });
  });

  /** One committed member-events row, dispatched to the queue; returns its job id. */
  const dispatched = async (domain: string): Promise<string> => {
    const jobId = await app
      .get(TransactionRunner)
      .run((m) => app.get(OutboxWriter).enqueue(JobName.MemberStatusChanged, payload(domain), m));
    expect(await app.get(OutboxDispatcher).dispatchOnce()).toBe(1);
    return jobId;
  };
  /** As if the dispatch happened longer ago than the grace period. */
  const ageDispatches = () => db().query(`UPDATE outbox SET dispatched_at = now() - interval '2 minutes'`);
  const outboxRow = async (): Promise<OutboxState> =>
    (
      await db().query(
        `SELECT dispatched_at, redispatches, settled_at, parked_at, last_error,
                dispatched_at < now() - interval '1 minute' AS due FROM outbox`,
      )
    )[0];

  it('should add a job the queue lost again, under the same id, once', async () => {
    const jobId = await dispatched('lost.example.com');
    await queue.obliterate({ force: true }); // the backend lost its data
    await ageDispatches();

    const report = await reconcile();
    expect(report).toMatchObject({ redispatched: 1, settled: 0, stillQueued: 0, parked: 0 });
    const job = await queue.getJob(jobId);
    expect(job?.name).toBe(JobName.MemberStatusChanged);
    expect(job?.data.domain).toBe('lost.example.com');
    expect(job?.opts.attempts).toBe(8);
    expect(await outboxRow()).toMatchObject({ redispatches: 1, settled_at: null, due: false });
    expect(app.get(QueueCounters).value('outbox_redispatched_total', { queue: QueueName.MemberEvents })).toBeGreaterThanOrEqual(
      1,
    );

    // looked at again only after another grace period
    expect(await reconcile()).toMatchObject({ redispatched: 0, settled: 0, stillQueued: 0 });
  });

  it('should settle a row whose receipt exists and never add its job again', async () => {
    const jobId = await dispatched('done.example.com');
    await app
      .get(TransactionRunner)
      .run((m) =>
        app
          .get(JobReceiptRepository)
          .recordOnce(
            { jobId, queue: QueueName.MemberEvents, jobName: JobName.MemberStatusChanged, result: {}, attemptsMade: 0 },
            m,
          ),
      );
    await queue.obliterate({ force: true }); // a completed job BullMQ removed, or a lost one: the receipt decides
    await ageDispatches();

    expect(await reconcile()).toMatchObject({ settled: 1, redispatched: 0 });
    expect(await queue.getJob(jobId)).toBeUndefined();
    expect((await outboxRow()).settled_at).not.toBeNull();
    await ageDispatches();
    expect(await reconcile()).toMatchObject({ settled: 0, redispatched: 0, stillQueued: 0 });
  });

  it('should leave a job that is still queued alone and look at it again later', async () => {
    const jobId = await dispatched('waiting.example.com');
    await ageDispatches();

    expect(await reconcile()).toMatchObject({ stillQueued: 1, redispatched: 0 });
    expect(await queue.getJobState(jobId)).toBe('waiting');
    expect(await outboxRow()).toMatchObject({ redispatches: 0, settled_at: null, due: false });
  });

  it('should not look at a row dispatched within the grace period', async () => {
    await dispatched('recent.example.com');
    await queue.obliterate({ force: true });

    expect(await reconcile()).toMatchObject({ redispatched: 0, settled: 0, stillQueued: 0 });
  });

  it('should park the row of a job that failed for good and then leave it alone', async () => {
    const jobId = await dispatched('failing.example.com');
    const worker = new Worker(
      QueueName.MemberEvents,
      () => {
        throw new UnrecoverableError('the payload is wrong');
      },
      { connection: app.get<ConnectionOptions>(QUEUE_CONNECTION), prefix: config.queue.prefix },
    );
    try {
      await waitFor(async () => (await queue.getJobState(jobId)) === 'failed');
    } finally {
      await worker.close();
    }
    await ageDispatches();

    expect(await reconcile()).toMatchObject({ parked: 1, redispatched: 0 });
    const row = await outboxRow();
    expect(row.parked_at).not.toBeNull();
    expect(row.last_error).toBe('the payload is wrong');
    await queue.obliterate({ force: true });
    await ageDispatches();
    expect(await reconcile()).toMatchObject({ parked: 0, redispatched: 0, stillQueued: 0 });
  });
});
