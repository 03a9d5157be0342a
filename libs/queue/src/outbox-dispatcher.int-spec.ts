import { getQueueToken } from '@nestjs/bullmq';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig, ConfigModule } from '@app/config';
import { DbModule, migrateDatabase, OutboxRepository, TransactionRunner } from '@app/db';
import { testConfig, truncateAll } from '@app/testing';
import { configureQueueBackend } from './queue-connection.js';
import { JobName, QueueName } from './job-catalogue.js';
import { OutboxDispatcher } from './outbox-dispatcher.js';
import { OutboxWriter } from './outbox-writer.js';
import { QueueModule } from './queue.module.js';

async function startContext(config: AppConfig): Promise<INestApplicationContext> {
  await migrateDatabase(config.db.url as string);
  const connection = await configureQueueBackend(config);
  @Module({
    imports: [ConfigModule.forRoot(config), DbModule, QueueModule.forRoot(connection, config.queue.prefix)],
    providers: [OutboxDispatcher],
  })
  class TestModule {}
  return NestFactory.createApplicationContext(TestModule, { logger: false });
}

const payload = (domain: string) => ({
  memberId: '00000000-0000-4000-8000-000000000001',
  domain,
  from: null,
  to: 'pending' as const,
  reason: null,
  at: new Date().toISOString(),
});

// The embedded default runs BullMQ on PostgreSQL; production runs it on Redis. Same contract on both.
describe.each([
  ['BullMQ PostgreSQL backend', { REDIS_URL: '' }],
  ['Redis', {}],
])(`${OutboxDispatcher.name} on %s (integration)`, (_backend, overrides) => {
  let app: INestApplicationContext;
  let queue: Queue;

  beforeAll(async () => {
    app = await startContext(testConfig({ ...overrides, OUTBOX_POLL_INTERVAL_MS: '60000' }));
    queue = app.get<Queue>(getQueueToken(QueueName.MemberEvents));
  });
  afterAll(() => app?.close());
  beforeEach(async () => {
    await truncateAll(app.get(DataSource));
    await queue.obliterate({ force: true });
  });

  const enqueue = (domain: string) =>
    app.get(TransactionRunner).run((m) => app.get(OutboxWriter).enqueue(JobName.MemberStatusChanged, payload(domain), m));

  it('should move committed outbox rows to the queue with a job id derived from the row', async () => {
    const jobId = await enqueue('a.example.com');
    expect(jobId).toMatch(/^outbox-[0-9a-f-]{36}$/);
    expect(await app.get(OutboxDispatcher).dispatchOnce()).toBe(1);
    const job = await queue.getJob(jobId);
    expect(job?.name).toBe(JobName.MemberStatusChanged);
    expect(job?.data.domain).toBe('a.example.com');
    expect(job?.opts.attempts).toBe(8);
    expect(await app.get(OutboxDispatcher).dispatchOnce()).toBe(0);
  });

  it('should not create a second job when a row is dispatched again', async () => {
    await enqueue('b.example.com');
    await app.get(OutboxDispatcher).dispatchOnce();
    await app.get(DataSource).query('UPDATE outbox SET dispatched_at = NULL');
    await app.get(OutboxDispatcher).dispatchOnce();
    expect(await queue.getJobCountByTypes('waiting', 'active', 'completed', 'delayed', 'prioritized')).toBe(1);
  });

  it('should clear the error of a failed dispatch once a later dispatch succeeds', async () => {
    await enqueue('d.example.com');
    const [{ id }] = await app.get(DataSource).query('SELECT id FROM outbox');
    await app.get(OutboxRepository).recordFailure([String(id)], 'adding 1 job(s) to member-events timed out after 5000 ms');
    expect(await app.get(OutboxDispatcher).dispatchOnce()).toBe(1);
    const [row] = await app.get(DataSource).query('SELECT dispatched_at, dispatch_attempts, last_error FROM outbox');
    expect(row).toMatchObject({ dispatch_attempts: 2, last_error: null });
    expect(row.dispatched_at).not.toBeNull();
  });

  it('should not dispatch rows of a transaction that rolled back', async () => {
    await expect(
      app.get(TransactionRunner).run(async (m) => {
        await app.get(OutboxWriter).enqueue(JobName.MemberStatusChanged, payload('c.example.com'), m);
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect(await app.get(OutboxDispatcher).dispatchOnce()).toBe(0);
  });
});
