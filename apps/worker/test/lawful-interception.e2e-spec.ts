import { createHash, randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { HubKeysService } from '@app/interconnect';
import { domainTarget, LiSealer, userTarget } from '@app/li';
import {
  type ActiveMember,
  createActiveMember,
  operatorAuth,
  delegateLogging,
  inviteAndJoin,
  memberAuth as auth,
  messageRecord,
  publishMemberDocument,
  type ReceivedRequest,
  receivedTargetUri,
  startWebhookReceiver,
  testConfig,
  verifyHubRequest,
  waitFor,
  type WebhookReceiver,
} from '@app/testing';
import { startTestHub, startTestWorker, type TestHub } from '../../hub/test/test-hub.js';
import { LiTaskFixtures, recordsTaken } from './li-task-fixtures.js';

interface Agency {
  receiver: WebhookReceiver;
  /** while true, it answers 503 */
  down: boolean;
  /** the requests it answered 2xx to, in arrival order */
  took: ReceivedRequest[];
  did: string;
}

describe('lawful interception: matching and delivery (e2e)', () => {
  let hub: TestHub;
  let worker: INestApplicationContext;
  let tasks: LiTaskFixtures;
  let a: ActiveMember;
  let b: ActiveMember;
  let c: ActiveMember;
  const agencies: Agency[] = [];
  const http = () => request(hub.app.getHttpServer());
  const db = () => hub.app.get(DataSource);

  const agency = async (): Promise<Agency> => {
    const ag = { down: false, took: [] as ReceivedRequest[] } as Agency;
    ag.receiver = await startWebhookReceiver((r) => {
      if (ag.down) return { status: 503, headers: { 'retry-after': '0' } };
      ag.took.push(r);
      return 204;
    });
    agencies.push(ag);
    ag.did = await tasks.destination(`${ag.receiver.url}/x2x3`);
    return ag;
  };
  const logBatch = (from: ActiveMember, records: Array<Record<string, unknown>>) =>
    http().post('/v1/message-log').set(auth(from)).send(records).expect(200);
  /** Every matching job of what was committed so far has run (its receipt is written with its records). */
  const matched = () =>
    waitFor(async () => {
      const rows: Array<{ n: number }> = await db().query(
        `SELECT count(*)::int AS n FROM outbox o WHERE o.queue = 'lawful-interception'
          AND NOT EXISTS (SELECT 1 FROM job_receipts r WHERE r.job_id = 'outbox-' || o.job_key)`,
      );
      const pendingVisible: Array<{ n: number }> = await db().query(
        `SELECT count(*)::int AS n FROM outbox o WHERE o.queue IN ('message-log', 'chat')
          AND NOT EXISTS (SELECT 1 FROM job_receipts r WHERE r.job_id = 'outbox-' || o.job_key)`,
      );
      return rows[0].n === 0 && pendingVisible[0].n === 0 ? true : null;
    });

  beforeAll(async () => {
    const config = testConfig({
      OUTBOUND_ALLOW_LOOPBACK: 'true',
      HUB_SECRET_KEY: randomBytes(32).toString('hex'),
      LI_SECRET_KEY: randomBytes(32).toString('hex'),
      LI_DELIVERY_SCAN_INTERVAL_MS: '100',
      LI_DELIVERY_RETRY_BASE_MS: '50',
      LI_DELIVERY_RETRY_MAX_MS: '200',
      LI_DELIVERY_ALERT_AFTER_FAILURES: '3',
      LI_KEEPALIVE_INTERVAL_MS: '400',
      OUTBOUND_CIRCUIT_OPEN_MS: '100',
    });
    hub = await startTestHub(config);
    await hub.reset();
    worker = await startTestWorker(config);
    tasks = new LiTaskFixtures(hub.app.get(DataSource), worker.get(LiSealer));
  });
  afterAll(async () => {
    await worker?.close();
    await hub?.close();
    await Promise.all(agencies.map((ag) => ag.receiver.close()));
  });
  beforeEach(async () => {
    await hub.reset();
    // the reset removed the hub's signing key, which a running hub always has (LI delivery never creates one)
    await hub.app.get(HubKeysService).signingKey();
    a = await createActiveMember(hub.app, 'a.example.com');
    b = await createActiveMember(hub.app, 'b.example.org');
    c = await createActiveMember(hub.app, 'c.example.net');
    await publishMemberDocument(hub.app, a, { delegate: ['logging', 'n-way-chat'] });
    await delegateLogging(hub.app, b);
  });

  it('should deliver the IRI of a targeted user’s logged messages, the CC too where asked, signed, numbered per task', async () => {
    const ag = await agency();
    const iriOnly = await tasks.activate({
      targets: [userTarget('sip:alice@A.EXAMPLE.com:5061;transport=tls')],
      deliveryType: 'iri',
      destinationIds: [ag.did],
    });
    const withContent = await tasks.activate({
      targets: [userTarget('sip:alice@a.example.com')],
      deliveryType: 'iri-and-cc',
      destinationIds: [ag.did],
    });
    const digest = createHash('sha256').update('by digest').digest('hex');
    const records = [
      messageRecord(a.domain, b.domain, { body: 'first' }),
      messageRecord(a.domain, b.domain, { sender: `sip:carol@${a.domain}`, body: 'not intercepted' }),
      messageRecord(a.domain, b.domain, { body: undefined, bodySha256: digest }),
    ];
    await logBatch(a, records);

    await waitFor(
      async () => (recordsTaken(ag.took, withContent).length === 4 && recordsTaken(ag.took, iriOnly).length === 2) || null,
    );
    const [iri1, cc1, iri2, cc2] = recordsTaken(ag.took, withContent);
    expect(iri1).toEqual({
      sequence: 1,
      type: 'iri',
      xid: withContent,
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      source: 'message-log',
      event: 'message',
      messageId: records[0].messageId,
      network: a.domain,
      from: 'sip:alice@a.example.com',
      to: [`sip:bob@${b.domain}`],
      room: null,
      at: new Date(records[0].timestamp as string).toISOString(),
      direction: 'outbound',
    });
    expect(cc1).toEqual({
      sequence: 2,
      type: 'cc',
      xid: withContent,
      correlationId: iri1.correlationId,
      messageId: records[0].messageId,
      contentType: 'text/plain',
      body: 'first',
      bodySha256: createHash('sha256').update('first').digest('hex'),
    });
    expect(iri2).toMatchObject({ sequence: 3, type: 'iri', messageId: records[2].messageId });
    expect(cc2).toMatchObject({ sequence: 4, type: 'cc', body: null, bodySha256: digest });
    expect(recordsTaken(ag.took, iriOnly).map((r) => [r.type, r.sequence, r.correlationId])).toEqual([
      ['iri', 1, iri1.correlationId],
      ['iri', 2, iri2.correlationId],
    ]);
    expect(JSON.stringify(recordsTaken(ag.took))).not.toContain('not intercepted');

    const jwks = (await http().get('/.well-known/jwks.json').expect(200)).body as { keys: Array<Record<string, unknown>> };
    for (const r of ag.took) {
      const verified = verifyHubRequest(
        { method: r.method, targetUri: receivedTargetUri('http', r.headers, r.path), headers: r.headers, body: r.body },
        jwks,
        { required: ['@method', '@target-uri', 'content-digest', 'content-type', 'idempotency-key'] },
      );
      expect(jwks.keys.map((k) => k.kid)).toContain(verified.keyid);
      expect(r.path).toBe('/x2x3');
      expect(r.json).toMatchObject({ hub: hub.config.hub.domain, destinationId: ag.did });
    }
    // once the agency has them, the hub keeps no copy (while they wait they are sealed: the next test)
    await waitFor(async () => (await db().query('SELECT count(*)::int AS n FROM li_records'))[0].n === 0 || null);
  });

  it('should match every user of a targeted domain, only within the task’s validity window', async () => {
    const ag = await agency();
    const now = Date.now();
    const xid = await tasks.activate({
      targets: [domainTarget(b.domain)],
      deliveryType: 'iri',
      destinationIds: [ag.did],
      validFrom: new Date(now - 3_600_000),
      validUntil: new Date(now + 3_600_000),
    });
    const before = messageRecord(a.domain, b.domain, { timestamp: new Date(now - 2 * 3_600_000).toISOString() });
    const inside = messageRecord(a.domain, b.domain, { recipients: [`xmpp:dave@${b.domain}`] });
    const elsewhere = messageRecord(a.domain, c.domain);
    await logBatch(a, [before, inside, elsewhere]);
    await matched();

    await waitFor(async () => recordsTaken(ag.took, xid).length === 1 || null);
    expect(recordsTaken(ag.took, xid).map((r) => r.type === 'iri' && r.messageId)).toEqual([inside.messageId]);
  });

  it('should deliver a room’s membership events and messages that involve a targeted user once each, with the room', async () => {
    const ag = await agency();
    const carol = `xmpp:carol@${c.domain}`;
    const alice = `xmpp:alice@${a.domain}`;
    const xid = await tasks.activate({ targets: [userTarget(carol)], deliveryType: 'iri-and-cc', destinationIds: [ag.did] });
    const room = (await http().post('/v1/chat/rooms').set(auth(a)).send({ owner: alice }).expect(201)).body as {
      id: string;
      uri: string;
    };
    await inviteAndJoin(hub.app, room.id, { member: a, user: alice }, { member: c, user: carol });
    await http()
      .post(`/v1/chat/rooms/${room.id}/messages`)
      .set(auth(a))
      .send({ from: alice, clientId: 'm1', body: 'hello carol' })
      .expect(201);
    await matched();

    await waitFor(async () => recordsTaken(ag.took, xid).length === 4 || null);
    const got = recordsTaken(ag.took, xid);
    // room events are matched as their jobs run, several at once: the stream follows the order
    // matching committed, not the room's (docs/lawful-interception.md, "Records")
    const kind = (r: (typeof got)[number]) => (r.type === 'iri' ? `${r.type}:${r.event}` : r.type);
    expect(got.map(kind).sort()).toEqual(['cc', 'iri:invited', 'iri:joined', 'iri:message']);
    const of = (k: string) => got.find((r) => kind(r) === k)!;
    expect(of('iri:invited')).toMatchObject({ source: 'chat', room: room.uri, from: alice, to: [carol], messageId: null });
    expect(of('iri:joined')).toMatchObject({ from: carol, room: room.uri });
    const message = of('iri:message');
    expect(message).toMatchObject({ from: alice, to: [carol], room: room.uri, messageId: expect.stringMatching(/^chat-/) });
    expect(of('cc')).toMatchObject({ type: 'cc', body: 'hello carol', correlationId: message.correlationId });
    expect(got.map((r) => r.sequence)).toEqual([1, 2, 3, 4]);
  });

  it('should keep records while a destination is down and deliver all of them in order once it is back, also after deactivation', async () => {
    const ag = await agency();
    ag.down = true;
    const xid = await tasks.activate({
      targets: [userTarget(`sip:alice@${a.domain}`)],
      deliveryType: 'iri',
      destinationIds: [ag.did],
    });
    const sent: string[] = [];
    for (let i = 0; i < 4; i++) {
      const batch = [messageRecord(a.domain, b.domain), messageRecord(a.domain, b.domain)];
      sent.push(...batch.map((r) => r.messageId as string));
      await logBatch(a, batch);
    }
    await matched();
    // at rest, nothing of what waits is readable
    const stored: Array<{ sealed: Buffer }> = await db().query('SELECT sealed FROM li_records');
    expect(stored).toHaveLength(sent.length);
    for (const row of stored) expect(row.sealed.toString('latin1')).not.toMatch(/alice|a\.example\.com/);
    // it is tried again and again, and past the budget every failure is flagged
    await waitFor(async () => {
      const rows: Array<{ outcome: string }> = await db().query(`SELECT outcome FROM li_delivery_log WHERE destination_id = $1`, [
        ag.did,
      ]);
      return rows.some((r) => r.outcome === 'retrying-at-cap') || null;
    });
    await tasks.deactivate(xid);
    const afterDeactivation = messageRecord(a.domain, b.domain);
    await logBatch(a, [afterDeactivation]);
    await matched();
    ag.down = false;

    await waitFor(async () => recordsTaken(ag.took, xid).length === sent.length || null, 15_000);
    const got = recordsTaken(ag.took, xid);
    // in stream order; batches are matched as their jobs run, not necessarily in the order they were logged
    expect(got.map((r) => r.sequence)).toEqual(sent.map((_, i) => i + 1));
    expect(got.map((r) => (r.type === 'iri' ? r.messageId : '')).sort()).toEqual([...sent].sort());
    // the delivery log's entry is written when the agency's answer is settled, just after it took the records
    const latest = async () =>
      (
        (await db().query(`SELECT outcome FROM li_delivery_log WHERE destination_id = $1 ORDER BY id DESC LIMIT 1`, [
          ag.did,
        ])) as Array<{ outcome: string }>
      )[0]?.outcome;
    await waitFor(async () => (await latest()) === 'delivered' || null, 15_000);
    expect(await latest()).toBe('delivered');
  });

  it('should send keepalives to a destination that gets nothing', async () => {
    const ag = await agency();
    await waitFor(async () => ag.took.filter((r) => (r.json as { type?: string }).type === 'keepalive').length >= 2 || null);
    const keepalive = ag.took.find((r) => (r.json as { type?: string }).type === 'keepalive');
    expect(keepalive?.json).toEqual({
      type: 'keepalive',
      hub: hub.config.hub.domain,
      destinationId: ag.did,
      at: expect.any(String),
    });
  });

  it('should answer operators about the LI queue as about an unknown queue', async () => {
    const probe = async (method: 'get' | 'post', path: (queue: string) => string) => {
      const answer = async (queue: string) => {
        const call = method === 'post' ? http().post(path(queue)).send({}) : http().get(path(queue));
        const res = await call.set(operatorAuth);
        return {
          status: res.status,
          type: res.headers['content-type'],
          body: res.text.replaceAll(queue, '<queue>').replace(/"requestId":"[^"]*"/, ''),
        };
      };
      expect(await answer('lawful-interception')).toEqual(await answer('no-such-queue'));
    };
    await probe('get', (q) => `/admin/v1/queues/${q}/failed`);
    await probe('get', (q) => `/admin/v1/queues/${q}/parked`);
    await probe('post', (q) => `/admin/v1/queues/${q}/jobs/outbox-00000000-0000-4000-8000-000000000000/retry`);
    await probe('post', (q) => `/admin/v1/queues/${q}/jobs/outbox-00000000-0000-4000-8000-000000000000/discard`);
    const { queues } = (await http().get('/admin/v1/queues').set(operatorAuth).expect(200)).body as {
      queues: Array<{ name: string }>;
    };
    expect(queues.map((q) => q.name)).not.toContain('lawful-interception');
  });

  it('should show operators the same queues, usage and audit whether the traffic was targeted or not', async () => {
    const carol = `xmpp:carol@${c.domain}`;
    const alice = `xmpp:alice@${a.domain}`;
    const traffic = async () => {
      await logBatch(a, [messageRecord(a.domain, b.domain), messageRecord(a.domain, c.domain)]);
      const room = (await http().post('/v1/chat/rooms').set(auth(a)).send({ owner: alice }).expect(201)).body as { id: string };
      await inviteAndJoin(hub.app, room.id, { member: a, user: alice }, { member: c, user: carol });
      await http()
        .post(`/v1/chat/rooms/${room.id}/messages`)
        .set(auth(a))
        .send({ from: alice, clientId: 'm', body: 'hi' })
        .expect(201);
      await matched();
    };
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const operatorView = async () => {
      const queues = (await http().get('/admin/v1/queues').set(operatorAuth).expect(200)).body as {
        queues: Array<{ name: string }>;
      };
      const usage = await http()
        .get('/admin/v1/usage')
        .query({ from: today, to: tomorrow, granularity: 'day' })
        .set(operatorAuth)
        .expect(200);
      const audit = await http().get('/admin/v1/audit').set(operatorAuth).expect(200);
      // the receipts of the jobs that enqueue matching (other queues' jobs of the previous test may still finish after a reset)
      const receipts: Array<{ queue: string; result: unknown }> = await db().query(
        `SELECT queue, result FROM job_receipts WHERE queue IN ('message-log', 'chat') ORDER BY queue, job_name, completed_at`,
      );
      return {
        queues: queues.queues.map((q) => q.name),
        usage: usage.body as unknown,
        audit: (audit.body as { items: Array<{ action: string }> }).items.map((e) => e.action).sort(),
        receipts: receipts
          .map(
            (r) => `${r.queue} ${JSON.stringify(r.result).replace(/[0-9a-f]{8}-[0-9a-f-]{27}|[0-9a-z]{20}|msg-[0-9-]+/g, 'id')}`,
          )
          .sort(),
      };
    };

    // the same LI set-up both times (a destination, which gets keepalives signed with the hub's key); only the task differs
    const keptAlive = async (ag: Agency) => waitFor(async () => ag.took.length > 0 || null);
    await keptAlive(await agency());
    await traffic();
    const untargeted = await operatorView();
    await hub.reset();
    await hub.app.get(HubKeysService).signingKey();
    a = await createActiveMember(hub.app, 'a.example.com');
    b = await createActiveMember(hub.app, 'b.example.org');
    c = await createActiveMember(hub.app, 'c.example.net');
    await publishMemberDocument(hub.app, a, { delegate: ['logging', 'n-way-chat'] });
    await delegateLogging(hub.app, b);
    const ag = await agency();
    await keptAlive(ag);
    const xid = await tasks.activate({
      targets: [userTarget(alice), domainTarget(b.domain)],
      deliveryType: 'iri-and-cc',
      destinationIds: [ag.did],
    });
    await traffic();
    await waitFor(async () => recordsTaken(ag.took, xid).length > 0 || null);

    expect(await operatorView()).toEqual(untargeted);
  });
});
