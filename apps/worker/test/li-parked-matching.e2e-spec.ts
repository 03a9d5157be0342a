import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { HubKeysService } from '@app/interconnect';
import { LiAdministrators, type LiMatchingJob, LiSealer, userTarget } from '@app/li';
import { QueueName } from '@app/queue';
import {
  type ActiveMember,
  createActiveMember,
  delegateLogging,
  memberAuth as auth,
  messageRecord,
  operatorAuth,
  publishMemberDocument,
  type ReceivedRequest,
  startWebhookReceiver,
  testConfig,
  waitFor,
  type WebhookReceiver,
} from '@app/testing';
import { lea, liEnv } from '../../hub/test/li-fixtures.js';
import { startTestHub, startTestWorker, type TestHub } from '../../hub/test/test-hub.js';
import { LiTaskFixtures, recordsTaken } from './li-task-fixtures.js';

describe('lawful interception: parked matching jobs (e2e)', () => {
  let hub: TestHub;
  let worker: INestApplicationContext;
  let tasks: LiTaskFixtures;
  let agency: WebhookReceiver;
  const took: ReceivedRequest[] = [];
  let a: ActiveMember;
  let b: ActiveMember;
  const http = () => request(hub.app.getHttpServer());
  const db = () => hub.app.get(DataSource);
  const liQueue = () => hub.app.get<Queue>(getQueueToken(QueueName.LawfulInterception), { strict: false });

  beforeAll(async () => {
    const config = testConfig(
      liEnv({
        HUB_SECRET_KEY: randomBytes(32).toString('hex'),
        LI_DELIVERY_SCAN_INTERVAL_MS: '100',
        LI_DELIVERY_RETRY_BASE_MS: '50',
        LI_DELIVERY_RETRY_MAX_MS: '200',
      }),
    );
    hub = await startTestHub(config);
    await hub.reset();
    worker = await startTestWorker(config);
    tasks = new LiTaskFixtures(db(), worker.get(LiSealer));
    agency = await startWebhookReceiver((r) => {
      took.push(r);
      return 204;
    });
  });
  afterAll(async () => {
    await liQueue()?.resume();
    await worker?.close();
    await hub?.close();
    await agency?.close();
  });
  beforeEach(async () => {
    await hub.reset();
    await hub.app.get(HubKeysService).signingKey();
    await hub.app.get(LiAdministrators).ensureBootstrapAdministrators();
    a = await createActiveMember(hub.app, 'a.example.com');
    b = await createActiveMember(hub.app, 'b.example.org');
    await publishMemberDocument(hub.app, a, { delegate: ['logging'] });
    await delegateLogging(hub.app, b);
  });

  /**
   * A logged batch whose matching job failed for good and which the queue backend has lost since:
   * the queue is paused so the job cannot run, then its outbox row is parked and the job removed.
   */
  async function parkedMatchingJob(): Promise<{ jobId: string; messageId: string }> {
    await liQueue().pause();
    try {
      const record = messageRecord(a.domain, b.domain, { body: 'matched only after a retry' });
      await http().post('/v1/message-log').set(auth(a)).send([record]).expect(200);
      const jobId = await waitFor(async () => {
        const rows: Array<{ job_key: string }> = await db().query(
          `SELECT job_key FROM outbox WHERE queue = 'lawful-interception' AND dispatched_at IS NOT NULL`,
        );
        const id = rows[0] ? `outbox-${rows[0].job_key}` : undefined;
        return id && (await liQueue().getJob(id)) ? id : null;
      });
      await db().query(`UPDATE outbox SET parked_at = now(), last_error = 'simulated: failed for good' WHERE job_key = $1`, [
        jobId.slice('outbox-'.length),
      ]);
      await (await liQueue().getJob(jobId))!.remove();
      return { jobId, messageId: String(record.messageId) };
    } finally {
      await liQueue().resume();
    }
  }

  const parkedList = async () => {
    const res = await http().get('/li/v1/matching/parked').set(lea).expect(200);
    return res.body as { entries: LiMatchingJob[]; next: string | null };
  };

  it('should show an LI administrator a parked matching job and, retried, deliver the interception it had missed', async () => {
    const did = await tasks.destination(`${agency.url}/x2x3`);
    const xid = await tasks.activate({
      targets: [userTarget(`sip:alice@${a.domain}`)],
      deliveryType: 'iri',
      destinationIds: [did],
    });
    const { jobId, messageId } = await parkedMatchingJob();

    expect(await parkedList()).toEqual({
      entries: [
        expect.objectContaining({
          id: jobId,
          name: 'li-match-log-batch',
          state: 'missing',
          failedReason: 'simulated: failed for good',
          payload: expect.objectContaining({ origin: a.domain, fromSeq: expect.any(Number), toSeq: expect.any(Number) }),
        }),
      ],
      next: null,
    });
    expect(recordsTaken(took, xid)).toEqual([]);

    const retried = await http().post(`/li/v1/matching/parked/${jobId}/retry`).set(lea).expect(200);
    expect(retried.body).toMatchObject({ id: jobId, state: 'waiting', parkedAt: null });
    await waitFor(async () => recordsTaken(took, xid).length === 1 || null);
    expect(recordsTaken(took, xid)[0]).toMatchObject({ type: 'iri', xid, messageId });
    expect((await parkedList()).entries).toEqual([]);

    // done once: a second retry finds nothing parked
    await http().post(`/li/v1/matching/parked/${jobId}/retry`).set(lea).expect(409);
    const audit = (await http().get('/li/v1/audit').set(lea).expect(200)).body as {
      entries: Array<{ action: string; outcome: string; detail: Record<string, unknown> | null }>;
    };
    expect(audit.entries.filter((e) => e.action === 'retry-matching-job').map((e) => [e.outcome, e.detail?.jobId])).toEqual([
      ['conflict', jobId],
      ['ok', jobId],
    ]);
    // the operators' audit trail and queue routes know nothing of it
    const operatorAudit: Array<{ n: number }> = await db().query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action LIKE 'queue-job.%'`,
    );
    expect(operatorAudit[0].n).toBe(0);
    await http().get('/admin/v1/queues/lawful-interception/parked').set(operatorAuth).expect(404);
  });

  it('should answer an unknown job with 404 and a bad limit or cursor with a problem naming it', async () => {
    const unknown = await http().post(`/li/v1/matching/parked/outbox-${randomUUID()}/retry`).set(lea);
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=1e3', 'limit'],
      ['cursor=%00', 'cursor'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      [`cursor=${'A'.repeat(5000)}`, 'cursor'],
      [`cursor=${Buffer.from(JSON.stringify({ id: '9'.repeat(40) })).toString('base64url')}`, 'cursor'],
    ]) {
      const res = await http().get(`/li/v1/matching/parked?${query}`).set(lea);
      expect([res.status, (res.body as { invalidParams?: Array<{ name: string }> }).invalidParams?.[0]?.name]).toEqual([
        400,
        field,
      ]);
    }
  });
});
