import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { ChatDeliveryBody } from '@app/chat';
import type { AppConfig } from '@app/config';
import { ALL_QUEUES, redisOptionsFromUrl } from '@app/queue';
import {
  childPort,
  type ActiveMember,
  compiledAppEnv,
  type CompiledApp,
  createActiveMember,
  ensureCompiled,
  hubRequest,
  inviteAndJoin,
  memberAuth as auth,
  memberDocument,
  type MemberDocumentOptions,
  messageRecord,
  openTestDataSource,
  operatorAuth,
  startCompiled,
  startWebhookReceiver,
  testConfig,
  truncateAll,
  waitFor,
  type WebhookReceiver,
} from '@app/testing';

/**
 * Scale-out as deployed: two hub processes and two worker processes (the compiled apps, no memory
 * shared with each other or with this test) on one PostgreSQL and one Redis. A change made through
 * one hub must be in force on the other within a second, and the work the two workers share must be
 * done once: each message-log batch counted once, each chat delivery and change notification
 * received once.
 */
describe('two hubs and two workers on one PostgreSQL and one Redis (e2e)', () => {
  let config: AppConfig;
  let db: DataSource;
  const processes: CompiledApp[] = [];
  const receivers: WebhookReceiver[] = [];
  let hubs: [string, string];

  /** How long `probe` took to hold on the second hub after the change was answered by the first (fails past a second). */
  const effectiveWithin = async (probe: () => Promise<boolean>): Promise<number> => {
    const startedAt = Date.now();
    await waitFor(async () => (await probe()) || null, 1000, 20);
    return Date.now() - startedAt;
  };
  const receiver = async () => {
    const r = await startWebhookReceiver(() => 204);
    receivers.push(r);
    return r;
  };
  /** Publishes `member`'s document through `hub` (201: a new version). */
  const publish = (hub: string, member: ActiveMember, options: MemberDocumentOptions) =>
    hubRequest(hub).put('/v1/provisioning').set(auth(member)).send(memberDocument(member.domain, options)).expect(201);

  beforeAll(async () => {
    ensureCompiled();
    config = testConfig({ HUB_SECRET_KEY: randomBytes(32).toString('hex'), OUTBOUND_ALLOW_LOOPBACK: 'true' });
    db = await openTestDataSource();
    await truncateAll(db);
    const shared = {
      // the replicas of one deployment share the key sealing the hub's signing keys
      HUB_SECRET_KEY: config.hubKeys.secretKey!.toString('hex'),
      OUTBOUND_ALLOW_LOOPBACK: 'true',
      HUB_PUBLIC_RATE_LIMIT: '100000',
      HUB_APPLICATIONS_RATE_LIMIT: '10000',
      OUTBOX_POLL_INTERVAL_MS: '50',
      CHAT_PUSH_SCAN_INTERVAL_MS: '100',
    };
    const hubPorts = [await childPort(), await childPort()];
    const healthPorts = [await childPort(), await childPort()];
    for (const port of hubPorts)
      processes.push(startCompiled('hub', compiledAppEnv(config, { ...shared, HUB_PORT: String(port) })));
    for (const port of healthPorts) {
      processes.push(startCompiled('worker', compiledAppEnv(config, { ...shared, WORKER_HEALTH_PORT: String(port) })));
    }
    hubs = hubPorts.map((p) => `http://127.0.0.1:${p}`) as [string, string];
    const ready = async (url: string) => (await fetch(url).catch(() => undefined))?.ok ?? false;
    for (const url of [
      ...hubs.map((h) => `${h}/health/ready`),
      ...healthPorts.map((p) => `http://127.0.0.1:${p}/health/ready`),
    ]) {
      await waitFor(async () => (await ready(url)) || processes.some((p) => p.proc.exitCode !== null) || null, 120_000, 100);
    }
    const exited = processes.filter((p) => p.proc.exitCode !== null);
    if (exited.length) throw new Error(`an app exited during start-up:\n${exited.map((p) => p.output()).join('\n')}`);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGTERM')));
    await Promise.all(receivers.map((r) => r.close()));
    await db?.destroy();
  }, 60_000);

  it('should have both workers consuming every queue', async () => {
    const connection = new Redis({ ...redisOptionsFromUrl(config.queue.redisUrl!), maxRetriesPerRequest: null });
    try {
      for (const name of ALL_QUEUES) {
        const queue = new Queue(name, { connection, prefix: config.queue.prefix });
        expect([name, await queue.getWorkersCount()]).toEqual([name, 2]);
        await queue.close();
      }
    } finally {
      connection.disconnect();
    }
  });

  it('should enforce a block made through one hub on the other within a second', async () => {
    const a = await createActiveMember(hubs[0]);
    const b = await createActiveMember(hubs[0]);
    await publish(hubs[0], b, {});
    const decision = async () =>
      (await hubRequest(hubs[1]).get('/v1/interconnect/decisions').query({ peer: b.domain, service: 'im' }).set(auth(a))).body
        .reason as string;
    const view = async () => (await hubRequest(hubs[1]).get(`/.well-known/pres-im-provisioning/${b.domain}`).set(auth(a))).status;
    // the second hub has both answers cached
    expect([await decision(), await view()]).toEqual(['allowed-open-federation', 200]);

    await hubRequest(hubs[0]).post('/v1/interconnect/blocks').set(auth(b)).send({ peer: a.domain }).expect(204);
    // a peer that blocked the caller is answered like a domain that is not a member
    expect(await effectiveWithin(async () => (await decision()) === 'target-unknown' && (await view()) === 404)).toBeLessThan(
      1000,
    );
  });

  it('should enforce a suspension made through one hub on the other within a second', async () => {
    const a = await createActiveMember(hubs[0]);
    const b = await createActiveMember(hubs[0]);
    await publish(hubs[0], a, {});
    const own = async () => (await hubRequest(hubs[1]).get('/v1/members/me').set(auth(a))).status;
    const seenByPeer = async () =>
      (await hubRequest(hubs[1]).get(`/.well-known/pres-im-provisioning/${a.domain}`).set(auth(b))).status;
    expect([await own(), await seenByPeer()]).toEqual([200, 200]);

    await hubRequest(hubs[0])
      .post(`/admin/v1/members/${a.domain}/suspend`)
      .set(operatorAuth)
      .send({ reason: 'unpaid' })
      .expect(200);
    // its key no longer works and its peers no longer see it
    expect(await effectiveWithin(async () => (await own()) === 403 && (await seenByPeer()) === 404)).toBeLessThan(1000);
  });

  it('should serve a version published through one hub on the other within a second', async () => {
    const a = await createActiveMember(hubs[0]);
    const b = await createActiveMember(hubs[0]);
    await publish(hubs[0], a, { edge: `edge1.${a.domain}` });
    const served = () => hubRequest(hubs[1]).get(`/.well-known/pres-im-provisioning/${a.domain}`).set(auth(b));
    const before = await served().expect(200);
    expect(before.text).toContain(`edge1.${a.domain}`);

    const published = await publish(hubs[0], a, { edge: `edge2.${a.domain}` });
    expect(published.body.seq).toBe(2);
    // the second hub had the first version's view cached for b; it serves the second one
    expect(
      await effectiveWithin(async () => {
        const now = await served();
        return now.headers.etag !== before.headers.etag && now.text.includes(`edge2.${a.domain}`);
      }),
    ).toBeLessThan(1000);
  });

  it('should count each message-log batch once whichever hub took it and whichever worker processed it', async () => {
    const a = await createActiveMember(hubs[0]);
    const b = await createActiveMember(hubs[1]);
    await publish(hubs[1], a, { delegate: ['logging'] });
    const batches = 24;
    const perBatch = 5;
    await Promise.all(
      Array.from({ length: batches }, async (_, i) => {
        const records = Array.from({ length: perBatch }, () => messageRecord(a.domain, b.domain));
        const res = await hubRequest(hubs[i % 2])
          .post('/v1/message-log')
          .set(auth(a))
          .send(records)
          .expect(200);
        expect(res.body.counts).toEqual({ accepted: perBatch, duplicates: 0, rejected: 0 });
      }),
    );
    const counted = async () =>
      Number(
        (await db.query(`SELECT coalesce(sum(records), 0) AS n FROM message_log_daily_stats WHERE origin = $1`, [a.domain]))[0].n,
      );
    const receipts = async () =>
      Number((await db.query(`SELECT count(*) AS n FROM job_receipts WHERE queue = 'message-log'`))[0].n);
    await waitFor(async () => (await receipts()) === batches || null);
    // a batch processed twice would have been added to the daily counters twice
    expect(await counted()).toBe(batches * perBatch);
    await new Promise((r) => setTimeout(r, 1000));
    expect([await receipts(), await counted()]).toEqual([batches, batches * perBatch]);
  });

  it('should push each chat event once to each gateway, and notify each subscriber of a new version once', async () => {
    const gateways = { b: await receiver(), c: await receiver() };
    const hooks = { b: await receiver(), c: await receiver() };
    const a = await createActiveMember(hubs[0]);
    const b = await createActiveMember(hubs[1]);
    const c = await createActiveMember(hubs[0]);
    await publish(hubs[0], a, { delegate: ['n-way-chat'] });
    await publish(hubs[1], b, { chatDelivery: `${gateways.b.url}/chat`, changeNotification: `${hooks.b.url}/hook` });
    await publish(hubs[0], c, { chatDelivery: `${gateways.c.url}/chat`, changeNotification: `${hooks.c.url}/hook` });
    const alice = `xmpp:alice@${a.domain}`;
    const room = (await hubRequest(hubs[0]).post('/v1/chat/rooms').set(auth(a)).send({ owner: alice }).expect(201)).body as {
      id: string;
    };
    await inviteAndJoin(hubs[1], room.id, { member: a, user: alice }, { member: b, user: `sip:bob@${b.domain}` });
    await inviteAndJoin(hubs[0], room.id, { member: a, user: alice }, { member: c, user: `sip:carol@${c.domain}` });
    const messages = 30;
    for (let i = 1; i <= messages; i++) {
      await hubRequest(hubs[i % 2])
        .post(`/v1/chat/rooms/${room.id}/messages`)
        .set(auth(a))
        .send({ from: alice, clientId: `c${i}`, body: `m${i}` })
        .expect(201);
    }
    const messagesAt = (gateway: WebhookReceiver) =>
      gateway.requests
        .map((r) => r.json as ChatDeliveryBody)
        .filter((d) => d.roomId === room.id && d.event.kind === 'message')
        .map((d) => d.event.content.body);
    const expected = Array.from({ length: messages }, (_, i) => `m${i + 1}`);
    for (const gateway of Object.values(gateways)) {
      await waitFor(async () => messagesAt(gateway).length >= messages || null);
    }

    // a new version of a's document, published through the second hub, for both subscribers
    const ver = (await publish(hubs[1], a, { delegate: ['n-way-chat'], edge: `edge2.${a.domain}` })).body.ver as string;
    const notifiedOf = (hook: WebhookReceiver) => hook.requests.filter((r) => (r.json as { ver?: string }).ver === ver).length;
    for (const hook of Object.values(hooks)) await waitFor(async () => notifiedOf(hook) >= 1 || null);

    // leave time for a second copy by the other worker to arrive, if there were one
    await new Promise((r) => setTimeout(r, 1500));
    for (const gateway of Object.values(gateways)) {
      // in order and once each: every gateway answered 204, so nothing had a reason to be sent again
      expect(messagesAt(gateway)).toEqual(expected);
      const ids = gateway.requests.map((r) => (r.json as ChatDeliveryBody).deliveryId);
      expect(new Set(ids).size).toBe(ids.length);
    }
    expect([notifiedOf(hooks.b), notifiedOf(hooks.c)]).toEqual([1, 1]);
  });
});
