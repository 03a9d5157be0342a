import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { ChangeNotificationBody } from '@app/provisioning';
import { JobName, jobSchedules, outboxJobId, QueueCounters, QueueName } from '@app/queue';
import {
  childPort,
  type ActiveMember,
  createActiveMember,
  delegateLogging,
  DisposableRedis,
  memberDocument,
  messageRecord,
  startWebhookReceiver,
  testConfig,
  waitFor,
  type WebhookReceiver,
} from '@app/testing';
import { startTestHub, startTestWorker, TestHub } from '../../hub/test/test-hub.js';

const BATCHES = 20;
const PER_BATCH = 50;
const SUBSCRIBERS = 3;

/**
 * Redis without persistence, restarted (it comes back empty) under a backlog of committed work:
 * the outbox and the receipts, not Redis, decide what is done, so the reconciler adds every lost
 * job again and each effect is applied exactly once. Also: schedules come back, and the hub stays
 * ready for ingest while Redis is down.
 */
describe('background work when Redis loses its data (e2e)', () => {
  let redis: DisposableRedis;
  let hub: TestHub;
  let worker: INestApplicationContext;
  let workerHealthUrl: string;
  const receivers: WebhookReceiver[] = [];
  const http = () => request(hub.app.getHttpServer());
  const db = () => hub.app.get(DataSource);
  const queue = (name: QueueName) => hub.app.get<Queue>(getQueueToken(name));
  const counters = () => worker.get(QueueCounters);
  const count = async (sql: string, params: unknown[] = []) => Number((await db().query(sql, params))[0].n);
  /** Restarts Redis; it runs without persistence, so it comes back empty. */
  const wipeRedis = async () => {
    await redis.down();
    await redis.up();
  };

  beforeAll(async () => {
    redis = await DisposableRedis.start();
    const healthPort = await childPort();
    const config = testConfig({
      REDIS_URL: redis.url,
      WORKER_HEALTH_PORT: String(healthPort),
      OUTBOX_RECONCILE_GRACE_MS: '1000',
      OUTBOX_RECONCILE_INTERVAL_MS: '200',
      WORKER_SCHEDULE_CHECK_INTERVAL_MS: '200',
      // a failed delivery waits a minute for its retry: it is still pending when Redis loses it
      WEBHOOK_RETRY_DELAY_MS: '60000',
      WEBHOOK_TIMEOUT_MS: '5000',
      // the receivers are local test servers
      OUTBOUND_ALLOW_LOOPBACK: 'true',
    });
    hub = await startTestHub(config);
    await hub.reset();
    worker = await startTestWorker(config);
    workerHealthUrl = `http://${config.hub.host}:${healthPort}/health/ready`;
  });
  afterAll(async () => {
    await worker?.close();
    await hub?.close();
    await redis?.down();
    await Promise.all(receivers.map((r) => r.close()));
  });

  const ingest = (member: ActiveMember, peer: ActiveMember, size: number) =>
    http()
      .post('/v1/message-log')
      .set({ Authorization: `Bearer ${member.token}` })
      .send(Array.from({ length: size }, () => messageRecord(member.domain, peer.domain)))
      .expect(200);

  const publish = (member: ActiveMember, changeNotification?: string) =>
    http()
      .put('/v1/provisioning')
      .set({ Authorization: `Bearer ${member.token}` })
      .send(memberDocument(member.domain, changeNotification ? { changeNotification } : {}))
      .expect(201);

  it('should post-process every committed batch exactly once and deliver every pending webhook after a wipe', async () => {
    const origin = await createActiveMember(hub.app);
    const peer = await createActiveMember(hub.app);
    await delegateLogging(hub.app, origin);
    const publisher = await createActiveMember(hub.app);
    let receiversUp = false;
    const about = (body: unknown) => (body as ChangeNotificationBody | undefined)?.domain === publisher.domain;
    for (let i = 0; i < SUBSCRIBERS; i++) {
      // notifications about the publisher fail (503) until Redis has lost them; others succeed
      const receiver = await startWebhookReceiver((req) => (about(req.json) && !receiversUp ? 503 : 204));
      receivers.push(receiver);
      await publish(await createActiveMember(hub.app), `${receiver.url}/hook`);
    }
    const mine = receivers.slice(-SUBSCRIBERS);

    // the backlog: batches committed and handed to Redis but not yet processed (queue paused) ...
    await queue(QueueName.MessageLog).pause();
    for (let i = 0; i < BATCHES; i++) await ingest(origin, peer, PER_BATCH);
    await waitFor(
      async () =>
        (await count(`SELECT count(*) AS n FROM outbox WHERE job_name = $1 AND dispatched_at IS NOT NULL`, [
          JobName.MessageLogBatchCommitted,
        ])) === BATCHES,
    );
    // ... and webhook deliveries waiting for their retry after a first failed attempt
    await publish(publisher);
    const deliveries = await waitFor(async () => {
      const rows: Array<{ job_key: string }> = await db().query(
        `SELECT job_key FROM outbox WHERE job_name = $1 AND payload->>'domain' = $2`,
        [JobName.DeliverChangeNotification, publisher.domain],
      );
      return rows.length === SUBSCRIBERS ? rows.map((r) => outboxJobId(r.job_key)) : null;
    });
    const notificationQueue = queue(QueueName.ChangeNotifications);
    await waitFor(async () => {
      const states = await Promise.all(deliveries.map((id) => notificationQueue.getJobState(id)));
      return states.every((s) => s === 'delayed');
    });
    expect(await count('SELECT count(*) AS n FROM job_receipts WHERE job_name = $1', [JobName.MessageLogBatchCommitted])).toBe(0);
    const redispatchedBefore = counters().value('outbox_redispatched_total', { queue: QueueName.MessageLog });

    await wipeRedis();
    receiversUp = true;

    await waitFor(
      async () =>
        (await count('SELECT count(*) AS n FROM job_receipts WHERE job_name = $1', [JobName.MessageLogBatchCommitted])) ===
          BATCHES && (await count('SELECT count(*) AS n FROM job_receipts WHERE job_id = ANY($1)', [deliveries])) === SUBSCRIBERS,
      60_000,
      100,
    );
    // exactly once: the daily counters equal the stored rows
    const stored = await count('SELECT count(*) AS n FROM message_log WHERE origin = $1', [origin.domain]);
    expect(stored).toBe(BATCHES * PER_BATCH);
    expect(
      await count('SELECT coalesce(sum(records), 0) AS n FROM message_log_daily_stats WHERE origin = $1', [origin.domain]),
    ).toBe(stored);
    expect(
      await count('SELECT coalesce(sum(batches), 0) AS n FROM message_log_daily_stats WHERE origin = $1', [origin.domain]),
    ).toBe(BATCHES);
    // every webhook arrived: a failed attempt before the wipe, then one delivery with the same Idempotency-Key
    for (const receiver of mine) {
      const received = receiver.requests.filter((r) => about(r.json));
      expect(received).toHaveLength(2);
      expect(new Set(received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
      expect(deliveries).toContain(received[0].headers['idempotency-key']);
    }
    // every lost row was dispatched again once, and counted
    const redispatches: Array<{ redispatches: number }> = await db().query(
      `SELECT redispatches FROM outbox WHERE job_name = $1 OR job_key::text = ANY($2)`,
      [JobName.MessageLogBatchCommitted, deliveries.map((id) => id.replace(/^outbox-/, ''))],
    );
    expect(redispatches).toHaveLength(BATCHES + SUBSCRIBERS);
    expect(redispatches.every((r) => r.redispatches === 1)).toBe(true);
    expect(counters().value('outbox_redispatched_total', { queue: QueueName.MessageLog }) - redispatchedBefore).toBe(BATCHES);
    expect(counters().value('outbox_redispatched_total', { queue: QueueName.ChangeNotifications })).toBeGreaterThanOrEqual(
      SUBSCRIBERS,
    );
  }, 120_000);

  it('should create the job schedules again after a wipe', async () => {
    const maintenance = queue(QueueName.MessageLogMaintenance);
    const ids = jobSchedules(hub.config).map((s) => s.id);
    const installed = async () => (await Promise.all(ids.map((id) => maintenance.getJobScheduler(id)))).every(Boolean);
    await waitFor(installed);
    const restoredBefore = counters().value('job_schedules_restored_total');

    await wipeRedis();

    await waitFor(
      async () => (await installed()) && counters().value('job_schedules_restored_total') - restoredBefore === ids.length,
    );
    const every = (await Promise.all(ids.map((id) => maintenance.getJobScheduler(id)))).map((s) => s?.every);
    expect(every).toEqual(ids.map(() => hub.config.messageLog.maintenanceIntervalMs));
  });

  it('should keep the hub ready for ingest while Redis is down, and report the worker not ready', async () => {
    const origin = await createActiveMember(hub.app);
    const peer = await createActiveMember(hub.app);
    await delegateLogging(hub.app, origin);

    await redis.down();
    try {
      const ready = await http().get('/health/ready').expect(200);
      expect(ready.body).toEqual({ status: 'degraded', checks: { database: 'ok', queue: 'down' } });
      await ingest(origin, peer, 7);
      const workerReady = await fetch(workerHealthUrl);
      expect(workerReady.status).toBe(503);
      expect(await workerReady.json()).toEqual({ status: 'unavailable', checks: { database: 'ok', queue: 'down' } });
    } finally {
      await redis.up();
    }

    await waitFor(async () => (await http().get('/health/ready')).body.status === 'ok', 30_000, 100);
    // the batch accepted during the outage waited in the outbox and is counted once Redis is back
    await waitFor(
      async () =>
        (await count('SELECT coalesce(sum(records), 0) AS n FROM message_log_daily_stats WHERE origin = $1', [origin.domain])) ===
        7,
      30_000,
      100,
    );
    expect((await fetch(workerHealthUrl)).status).toBe(200);
  });
});
