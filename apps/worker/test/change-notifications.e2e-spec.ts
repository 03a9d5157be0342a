import { randomBytes } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { InterconnectDecisions } from '@app/interconnect';
import { ChangeNotificationsHandler, type ChangeNotificationBody } from '@app/provisioning';
import { JobName, outboxJobId, outboxJobKey, type ProvisioningPublishedPayload, QueueName } from '@app/queue';
import {
  ActiveMember,
  createActiveMember,
  memberDocument,
  MemberDocumentOptions,
  operatorAuth,
  ReceivedRequest,
  receivedTargetUri,
  startWebhookReceiver,
  testConfig,
  waitFor,
  WebhookReceiver,
  WebhookResponder,
  verifyHubRequest,
} from '@app/testing';
import { startTestHub, startTestWorker, TestHub } from '../../hub/test/test-hub.js';

const RETRY_DELAY_MS = 200;

interface Delivery {
  subscriber: string;
  jobId: string;
}

describe('change-notifications worker (e2e)', () => {
  let hub: TestHub;
  let worker: INestApplicationContext;
  const receivers: WebhookReceiver[] = [];
  const http = () => request(hub.app.getHttpServer());
  const db = () => hub.app.get(DataSource);
  const queue = () => worker.get<Queue>(getQueueToken(QueueName.ChangeNotifications), { strict: false });
  const pause = (ms = 5 * RETRY_DELAY_MS) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    // retries 200 ms apart instead of the catalogue's 60 s; the receivers listen on 127.0.0.1 over
    // plain http, which only the development setting allows; hub and worker share the key sealing
    // the hub's signing keys, as replicas of one deployment do
    const config = testConfig({
      WEBHOOK_RETRY_DELAY_MS: String(RETRY_DELAY_MS),
      WEBHOOK_TIMEOUT_MS: '2000',
      OUTBOUND_ALLOW_LOOPBACK: 'true',
      HUB_SECRET_KEY: randomBytes(32).toString('hex'),
    });
    hub = await startTestHub(config);
    await hub.reset();
    worker = await startTestWorker(config);
  });
  afterAll(async () => {
    await worker?.close();
    await hub?.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  const publish = async (member: ActiveMember, options: MemberDocumentOptions = {}) => {
    const res = await http()
      .put('/v1/provisioning')
      .set({ Authorization: `Bearer ${member.token}` })
      .send(memberDocument(member.domain, options))
      .expect(201);
    return res.body as { seq: number; ver: string; published: string };
  };

  /** An active member whose own document subscribes it to change notifications at a fresh local receiver. */
  const subscriber = async (respond?: WebhookResponder) => {
    const receiver = await startWebhookReceiver(respond);
    receivers.push(receiver);
    const member = await createActiveMember(hub.app);
    await publish(member, { changeNotification: `${receiver.url}/hook` });
    return { member, receiver };
  };

  const about = (domain: string) => (r: ReceivedRequest) => (r.json as ChangeNotificationBody | undefined)?.domain === domain;
  const notificationsAbout = (receiver: WebhookReceiver, domain: string) => receiver.requests.filter(about(domain));

  /** The deliveries the fan-out of `domain`'s publications enqueued, once it has run (its receipt and rows commit together). */
  const deliveriesFor = async (domain: string): Promise<Delivery[]> => {
    await waitFor(async () => {
      const rows: unknown[] = await db().query(`SELECT 1 FROM job_receipts WHERE job_name = $1 AND result->>'domain' = $2`, [
        JobName.ProvisioningPublished,
        domain,
      ]);
      return rows.length > 0;
    });
    const rows: Array<{ job_key: string; subscriber: string }> = await db().query(
      `SELECT job_key, payload->>'subscriberDomain' AS subscriber FROM outbox WHERE job_name = $1 AND payload->>'domain' = $2`,
      [JobName.DeliverChangeNotification, domain],
    );
    return rows.map((r) => ({ subscriber: r.subscriber, jobId: outboxJobId(r.job_key) }));
  };

  const deliveryTo = async (publisher: string, subscriberDomain: string): Promise<Delivery> => {
    const delivery = (await deliveriesFor(publisher)).find((d) => d.subscriber === subscriberDomain);
    if (!delivery) throw new Error(`no delivery of ${publisher} to ${subscriberDomain} was enqueued`);
    return delivery;
  };

  const receiptOf = async (jobId: string) => {
    const rows: Array<{ result: Record<string, unknown>; attempts_made: number }> = await db().query(
      'SELECT result, attempts_made FROM job_receipts WHERE job_id = $1',
      [jobId],
    );
    return rows[0];
  };

  /** The job once it has failed for good (read after its state, so failedReason is there). */
  const failedJob = (jobId: string) =>
    waitFor(async () => ((await queue().getJobState(jobId)) === 'failed' ? queue().getJob(jobId) : null));

  it('should notify a member that may see the publisher exactly once, with the new ver', async () => {
    const { member: watcher, receiver } = await subscriber();
    const publisher = await createActiveMember(hub.app);
    const version = await publish(publisher);

    const [notification] = await waitFor(async () => {
      const received = notificationsAbout(receiver, publisher.domain);
      return received.length ? received : null;
    });
    expect(notification.method).toBe('POST');
    expect(notification.path).toBe('/hook');
    expect(notification.json).toEqual({
      domain: publisher.domain,
      seq: 1,
      ver: version.ver,
      published: version.published,
      hub: 'hub.test.example',
    });
    const { jobId } = await deliveryTo(publisher.domain, watcher.domain);
    expect(notification.headers).toMatchObject({
      'content-type': 'application/json',
      'idempotency-key': jobId,
      'x-hub-event': 'provisioning-changed',
    });
    expect(notification.headers['user-agent']).toMatch(/^pres-im-clearing-house/);
    // what a member's endpoint does: fetch the hub's JWKS and verify digest and signature
    const jwks = (await http().get('/.well-known/jwks.json').expect(200)).body as { keys: Array<Record<string, unknown>> };
    const verified = verifyHubRequest(
      {
        method: notification.method,
        targetUri: receivedTargetUri('http', notification.headers, notification.path),
        headers: notification.headers,
        body: notification.body,
      },
      jwks,
    );
    expect(jwks.keys.map((k) => k.kid)).toContain(verified.keyid);
    expect(verified.components).toEqual(expect.arrayContaining(['@method', '@target-uri', 'content-digest', 'idempotency-key']));
    const receipt = await waitFor(() => receiptOf(jobId));
    expect(receipt.result).toMatchObject({ subscriberDomain: watcher.domain, ver: version.ver, status: 204 });
    await pause();
    expect(notificationsAbout(receiver, publisher.domain)).toHaveLength(1);
  });

  it("should not notify a member the publisher's allow list leaves out", async () => {
    const allowed = await subscriber();
    const excluded = await subscriber();
    const publisher = await createActiveMember(hub.app);
    await publish(publisher, { visibleToAll: false, allow: [allowed.member.domain] });

    const subscribers = (await deliveriesFor(publisher.domain)).map((d) => d.subscriber);
    expect(subscribers).toContain(allowed.member.domain);
    expect(subscribers).not.toContain(excluded.member.domain);
    await waitFor(async () => notificationsAbout(allowed.receiver, publisher.domain).length === 1);
    await pause();
    expect(notificationsAbout(excluded.receiver, publisher.domain)).toHaveLength(0);
  });

  it("should not notify a member on the publisher's deny list", async () => {
    const visible = await subscriber();
    const denied = await subscriber();
    const publisher = await createActiveMember(hub.app);
    await publish(publisher, { visibleToAll: true, deny: [denied.member.domain] });

    const subscribers = (await deliveriesFor(publisher.domain)).map((d) => d.subscriber);
    expect(subscribers).toContain(visible.member.domain);
    expect(subscribers).not.toContain(denied.member.domain);
    await waitFor(async () => notificationsAbout(visible.receiver, publisher.domain).length === 1);
    await pause();
    expect(notificationsAbout(denied.receiver, publisher.domain)).toHaveLength(0);
  });

  it('should deliver on a retry after the receiver answered 500', async () => {
    const publisher = await createActiveMember(hub.app);
    let seen = 0;
    const { member: watcher, receiver } = await subscriber((req) => (about(publisher.domain)(req) && seen++ === 0 ? 500 : 204));
    await publish(publisher);

    const { jobId } = await deliveryTo(publisher.domain, watcher.domain);
    const receipt = await waitFor(() => receiptOf(jobId));
    expect(receipt).toMatchObject({ attempts_made: 1, result: { status: 204 } });
    const received = notificationsAbout(receiver, publisher.domain);
    expect(received).toHaveLength(2);
    expect(received.map((r) => r.headers['idempotency-key'])).toEqual([jobId, jobId]);
  });

  it('should not retry a delivery the receiver refuses with 404', async () => {
    const { member: watcher, receiver } = await subscriber(() => 404);
    const publisher = await createActiveMember(hub.app);
    await publish(publisher);

    const { jobId } = await deliveryTo(publisher.domain, watcher.domain);
    const job = await failedJob(jobId);
    expect(job.failedReason).toMatch(/answered 404/);
    expect(job.attemptsMade).toBe(1);
    await pause();
    expect(notificationsAbout(receiver, publisher.domain)).toHaveLength(1);
    expect(await receiptOf(jobId)).toBeUndefined();
    // failed for good: its outbox row is parked with the reason, and the reconciler leaves it to an operator
    const [row] = await waitFor(async () => {
      const rows: Array<{ parked_at: Date | null; last_error: string | null }> = await db().query(
        'SELECT parked_at, last_error FROM outbox WHERE job_key = $1',
        [outboxJobKey(jobId)],
      );
      return rows[0]?.parked_at ? rows : null;
    });
    expect(row.last_error).toMatch(/answered 404/);
  });

  it('should refuse to store a change-notification URI the hub would not call, naming the field', async () => {
    const watcher = await createActiveMember(hub.app);
    for (const uri of ['ftp://127.0.0.1/hook', 'http://receiver.example/hook', 'https://10.0.0.1/hook']) {
      const res = await http()
        .put('/v1/provisioning')
        .set({ Authorization: `Bearer ${watcher.token}` })
        .send(memberDocument(watcher.domain, { changeNotification: uri }))
        .expect(400);
      expect(res.body.invalidParams).toEqual([
        {
          name: '/clearingHouseMembership/0/changeNotification/uri',
          reason: expect.stringMatching(/does not call this webhook/),
        },
      ]);
    }
    await http()
      .get('/v1/provisioning')
      .set({ Authorization: `Bearer ${watcher.token}` })
      .expect(404);
  });

  it('should wait as long as a receiver answering 503 asks with Retry-After before retrying', async () => {
    const publisher = await createActiveMember(hub.app);
    let seen = 0;
    const { member: watcher, receiver } = await subscriber((req) =>
      about(publisher.domain)(req) && seen++ === 0 ? { status: 503, headers: { 'retry-after': '2' } } : 204,
    );
    await publish(publisher);

    const { jobId } = await deliveryTo(publisher.domain, watcher.domain);
    const receipt = await waitFor(() => receiptOf(jobId));
    expect(receipt).toMatchObject({ attempts_made: 1, result: { status: 204 } });
    const [first, second] = notificationsAbout(receiver, publisher.domain);
    // the backoff alone would have retried after about 200 ms
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(2000);
  });

  it('should park a delivery whose receiver asks to wait beyond the retry budget', async () => {
    const publisher = await createActiveMember(hub.app);
    const { member: watcher, receiver } = await subscriber((req) =>
      about(publisher.domain)(req) ? { status: 503, headers: { 'retry-after': '86400' } } : 204,
    );
    await publish(publisher);

    const { jobId } = await deliveryTo(publisher.domain, watcher.domain);
    const job = await failedJob(jobId);
    expect(job.failedReason).toMatch(/answered 503; Retry-After asks for 86400 s, beyond the retry budget/);
    expect(job.attemptsMade).toBe(1);
    expect(notificationsAbout(receiver, publisher.domain)).toHaveLength(1);
  });

  it('should keep delivering to a healthy receiver while another never answers', async () => {
    const publisher = await createActiveMember(hub.app);
    let inFlight = 0;
    let mostInFlight = 0;
    const stuck = await subscriber((req) => {
      if (!about(publisher.domain)(req)) return 204;
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      // never answers: the hub gives up after WEBHOOK_TIMEOUT_MS (2 s)
      return new Promise<number>(() => undefined);
    });
    const healthy = await subscriber();
    for (let i = 0; i < 5; i++) await publish(publisher, { edge: `edge${i}.${publisher.domain}` });

    await waitFor(async () => notificationsAbout(healthy.receiver, publisher.domain).length === 5);
    await waitFor(async () => notificationsAbout(stuck.receiver, publisher.domain).length > 0);
    // all arrived before the first stuck request even timed out: the stuck receiver holds at most
    // OUTBOUND_CONCURRENCY_PER_DESTINATION (2) of the 5 worker slots, the others keep flowing
    const lastHealthy = Math.max(...notificationsAbout(healthy.receiver, publisher.domain).map((r) => r.receivedAt));
    const firstStuck = Math.min(...notificationsAbout(stuck.receiver, publisher.domain).map((r) => r.receivedAt));
    expect(lastHealthy).toBeLessThan(firstStuck + 2000);
    expect(mostInFlight).toBeLessThanOrEqual(2);
  });

  it('should not deliver to a subscriber suspended before its delivery is retried', async () => {
    const publisher = await createActiveMember(hub.app);
    let watcherDomain = '';
    const { member: watcher, receiver } = await subscriber(async (req) => {
      if (!about(publisher.domain)(req)) return 204;
      await http().post(`/admin/v1/members/${watcherDomain}/suspend`).set(operatorAuth).send({}).expect(200);
      return 503;
    });
    watcherDomain = watcher.domain;
    await publish(publisher);

    const { jobId } = await deliveryTo(publisher.domain, watcher.domain);
    const receipt = await waitFor(() => receiptOf(jobId));
    expect(receipt.result).toMatchObject({ skipped: 'subscriber is no longer active' });
    await pause();
    expect(notificationsAbout(receiver, publisher.domain)).toHaveLength(1);
  });

  it('should not deliver to a subscriber the publisher blocked before its delivery is retried', async () => {
    const publisher = await createActiveMember(hub.app);
    let watcherDomain = '';
    const { member: watcher, receiver } = await subscriber(async (req) => {
      if (!about(publisher.domain)(req)) return 204;
      await http()
        .post('/v1/interconnect/blocks')
        .set({ Authorization: `Bearer ${publisher.token}` })
        .send({ peer: watcherDomain })
        .expect(204);
      // the retry must find the block: wait until the worker's own decisions know of it
      await waitFor(async () => !(await worker.get(InterconnectDecisions).visible(watcherDomain, publisher.domain)));
      return 503;
    });
    watcherDomain = watcher.domain;
    await publish(publisher);

    const { jobId } = await deliveryTo(publisher.domain, watcher.domain);
    const receipt = await waitFor(() => receiptOf(jobId));
    expect(receipt.result).toMatchObject({ skipped: 'subscriber may no longer see the publisher' });
    await pause();
    expect(notificationsAbout(receiver, publisher.domain)).toHaveLength(1);
  });

  describe(ChangeNotificationsHandler.name, () => {
    const publishedPayload = async (domain: string): Promise<ProvisioningPublishedPayload> => {
      const rows: Array<{ payload: ProvisioningPublishedPayload }> = await db().query(
        `SELECT payload FROM outbox WHERE job_name = $1 AND payload->>'domain' = $2`,
        [JobName.ProvisioningPublished, domain],
      );
      return rows[0].payload;
    };

    it('should not fan out twice when the published job is redelivered', async () => {
      await subscriber();
      const publisher = await createActiveMember(hub.app);
      await publish(publisher);
      const before = await deliveriesFor(publisher.domain);
      expect(before.length).toBeGreaterThan(0);
      const [{ job_id }]: Array<{ job_id: string }> = await db().query(
        `SELECT job_id FROM job_receipts WHERE job_name = $1 AND result->>'domain' = $2`,
        [JobName.ProvisioningPublished, publisher.domain],
      );

      const again = await worker
        .get(ChangeNotificationsHandler)
        .fanOut({ id: job_id, attemptsMade: 1 }, await publishedPayload(publisher.domain));
      expect(again).toEqual({ outcome: 'duplicate' });
      expect(await deliveriesFor(publisher.domain)).toHaveLength(before.length);
    });

    it('should not fan out for a publisher that is no longer active', async () => {
      await subscriber();
      const publisher = await createActiveMember(hub.app);
      await publish(publisher);
      const before = await deliveriesFor(publisher.domain);
      await http().post(`/admin/v1/members/${publisher.domain}/suspend`).set(operatorAuth).send({}).expect(200);

      const result = await worker
        .get(ChangeNotificationsHandler)
        .fanOut({ id: `test-fan-out-${publisher.domain}`, attemptsMade: 0 }, await publishedPayload(publisher.domain));
      expect(result).toEqual({ outcome: 'skipped', reason: 'publisher is no longer active' });
      expect(await deliveriesFor(publisher.domain)).toHaveLength(before.length);
    });
  });
});
