import request from 'supertest';
import type { AppConfig } from '@app/config';
import { ProvisioningFetchUsage } from '@app/provisioning';
import {
  type ActiveMember,
  createActiveMember,
  delegateLogging,
  inviteAndJoin,
  memberAuth,
  messageRecord,
  operatorAuth,
  publishMemberDocument,
  testConfig,
} from '@app/testing';
import { startTestHub, type TestHub } from './test-hub.js';

type Counts = Record<'messagesLogged' | 'chatMessages' | 'chatDeliveries' | 'provisioningFetches' | 'assertionsIssued', number>;
interface Row extends Counts {
  period: string;
  member: string | null;
  peer?: string;
}
const NONE: Counts = { messagesLogged: 0, chatMessages: 0, chatDeliveries: 0, provisioningFetches: 0, assertionsIssued: 0 };
const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);

describe('usage report (e2e)', () => {
  let config: AppConfig;
  let hub: TestHub;
  let a: ActiveMember;
  let b: ActiveMember;
  let c: ActiveMember;
  const http = () => request(hub.app.getHttpServer());
  // a test near midnight UTC may count on two days: the range covers both and the rows are summed
  const range = { from: day(-1), to: day(2), granularity: 'day' };

  /** The report's rows of one member (and peer), summed over the days of the range. */
  const totals = (rows: Row[], member: string | null, peer?: string): Counts =>
    rows
      .filter((r) => r.member === member && r.peer === peer)
      .reduce(
        (sum, r) =>
          Object.fromEntries(Object.keys(NONE).map((k) => [k, sum[k as keyof Counts] + r[k as keyof Counts]])) as Counts,
        {
          ...NONE,
        },
      );
  const readReport = async () =>
    (await http().get('/admin/v1/usage').query(range).set(operatorAuth).expect(200)).body as {
      members: Row[];
      pairs: Row[];
    };

  beforeAll(async () => {
    // fetch counts go to PostgreSQL only when the test flushes them or the hub stops
    config = testConfig({ USAGE_FLUSH_INTERVAL_MS: '3600000' });
    hub = await startTestHub(config);
    await hub.reset();
    [a, b, c] = [await createActiveMember(hub.app), await createActiveMember(hub.app), await createActiveMember(hub.app)];
    await delegateLogging(hub.app, a, { delegate: ['n-way-chat'] });
    await publishMemberDocument(hub.app, b);
    await publishMemberDocument(hub.app, c);

    // messages logged by a: 3 to b, 2 to c, 1 to both; a resent record is a duplicate, not counted again
    const records = [
      ...[1, 2, 3].map(() => messageRecord(a.domain, b.domain)),
      ...[1, 2].map(() => messageRecord(a.domain, c.domain)),
      messageRecord(a.domain, b.domain, { recipients: [`sip:bob@${b.domain}`, `sip:carol@${c.domain}`] }),
    ];
    const logged = await http().post('/v1/message-log').set(memberAuth(a)).send(records).expect(200);
    expect(logged.body.counts).toEqual({ accepted: 6, duplicates: 0, rejected: 0 });
    await http().post('/v1/message-log').set(memberAuth(a)).send([records[0]]).expect(200);

    // provisioning fetches: a fetches b's document twice (the second from the fast path) and c's once; someone anonymous the hub's
    for (const target of [b, b, c]) {
      await http().get(`/.well-known/pres-im-provisioning/${target.domain}`).set(memberAuth(a)).expect(200);
    }
    await http().get('/.well-known/pres-im-provisioning').expect(200);

    // assertions: a asks for two towards b
    for (let i = 0; i < 2; i++) {
      await http()
        .post('/v1/interconnect/assertions')
        .set(memberAuth(a))
        .send({ peer: b.domain, service: 'presence' })
        .expect(201);
    }

    // chat: alice (a) and bob (b) in a room, alice posts two messages; b pulls and acknowledges them
    const alice = `xmpp:alice@${a.domain}`;
    const room = (await http().post('/v1/chat/rooms').set(memberAuth(a)).send({ owner: alice }).expect(201)).body as {
      id: string;
    };
    await inviteAndJoin(hub.app, room.id, { member: a, user: alice }, { member: b, user: `xmpp:bob@${b.domain}` });
    for (const body of ['one', 'two']) {
      await http()
        .post(`/v1/chat/rooms/${room.id}/messages`)
        .set(memberAuth(a))
        .send({ from: alice, clientId: body, body })
        .expect(201);
    }
    const pulled = await http().get('/v1/chat/deliveries').set(memberAuth(b)).expect(200);
    await http().post('/v1/chat/deliveries/ack').set(memberAuth(b)).send({ upTo: pulled.body.next }).expect(200);

    await hub.app.get(ProvisioningFetchUsage).flush();
  });
  afterAll(() => hub?.close());

  const expectTheCounts = (report: { members: Row[]; pairs: Row[] }, fetchesByA = 3) => {
    expect(totals(report.members, a.domain)).toEqual({
      ...NONE,
      messagesLogged: 6,
      chatMessages: 2,
      provisioningFetches: fetchesByA,
      assertionsIssued: 2,
    });
    expect(totals(report.members, b.domain)).toEqual({ ...NONE, chatDeliveries: 2 });
    expect(totals(report.members, c.domain)).toEqual(NONE);
    expect(totals(report.members, null)).toEqual({ ...NONE, provisioningFetches: 1 });
    expect(totals(report.pairs, a.domain, b.domain)).toEqual({
      ...NONE,
      messagesLogged: 4,
      chatMessages: 2,
      provisioningFetches: fetchesByA - 1,
      assertionsIssued: 2,
    });
    expect(totals(report.pairs, a.domain, c.domain)).toEqual({ ...NONE, messagesLogged: 3, provisioningFetches: 1 });
    expect(totals(report.pairs, b.domain, a.domain)).toEqual({ ...NONE, chatDeliveries: 2 });
  };

  it('should count every kind of work per member and per peering pair, exactly', async () => {
    expectTheCounts(await readReport());
  });

  it('should give the same figures per month, for one member, and as CSV', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const nextMonth = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString().slice(0, 10);
    const byMonth = await http()
      .get('/admin/v1/usage')
      .query({ from: `${month}-01`, to: nextMonth, granularity: 'month', member: a.domain })
      .set(operatorAuth)
      .expect(200);
    expect(byMonth.body.members).toEqual([
      {
        period: month,
        member: a.domain,
        messagesLogged: 6,
        chatMessages: 2,
        chatDeliveries: 0,
        provisioningFetches: 3,
        assertionsIssued: 2,
      },
    ]);
    expect((byMonth.body.pairs as Row[]).map((r) => r.peer).sort()).toEqual([b.domain, c.domain].sort());

    const today = { from: day(0), to: day(1), granularity: 'day', member: b.domain };
    const csv = await http().get('/admin/v1/usage').query(today).set(operatorAuth).set('Accept', 'text/csv').expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const expected =
      'period,member,peer,messages_logged,chat_messages,chat_deliveries,provisioning_fetches,assertions_issued\r\n' +
      `${day(0)},${b.domain},,0,0,2,0,0\r\n${day(0)},${b.domain},${a.domain},0,0,2,0,0\r\n`;
    // unless the traffic straddled midnight UTC
    if (csv.text.split('\r\n').length === 4) expect(csv.text).toBe(expected);
    const again = await http()
      .get('/admin/v1/usage')
      .query({ ...today, format: 'csv' })
      .set(operatorAuth)
      .expect(200);
    expect(again.text).toBe(csv.text);
  });

  it('should keep the counts across a restart, fetches counted since the last flush included', async () => {
    await http().get(`/.well-known/pres-im-provisioning/${b.domain}`).set(memberAuth(a)).expect(200);
    await hub.close();
    hub = await startTestHub(config);
    expectTheCounts(await readReport(), 4);
  });

  it('should let auditors read it and refuse members and callers without credentials', async () => {
    const auditor = await http()
      .post('/admin/v1/operators')
      .set(operatorAuth)
      .send({ name: 'usage-auditor', role: 'auditor' })
      .expect(201);
    await http()
      .get('/admin/v1/usage')
      .query(range)
      .set({ Authorization: `Bearer ${auditor.body.token as string}` })
      .expect(200);
    await http().get('/admin/v1/usage').query(range).set(memberAuth(a)).expect(403);
    await http().get('/admin/v1/usage').query(range).expect(401);
  });

  it.each([
    [{ to: day(1), granularity: 'day' }, 'from'],
    [{ from: '2026-02-30', to: day(1), granularity: 'day' }, 'from'],
    [{ from: '26-01-01', to: day(1), granularity: 'day' }, 'from'],
    [{ from: day(0), to: 'tomorrow', granularity: 'day' }, 'to'],
    [{ from: day(0), to: day(0), granularity: 'day' }, 'to'],
    [{ from: day(1), to: day(0), granularity: 'day' }, 'to'],
    [{ from: day(-400), to: day(0), granularity: 'day' }, 'to'],
    [{ from: day(-4000), to: day(0), granularity: 'month' }, 'to'],
    [{ from: day(0), to: day(1), granularity: 'week' }, 'granularity'],
    [{ from: day(0), to: day(1) }, 'granularity'],
    [{ from: day(0), to: day(1), granularity: 'day', member: 'not a domain!' }, 'member'],
    [{ from: day(0), to: day(1), granularity: 'day', format: 'xml' }, 'format'],
    [{ from: `${day(0)}\u0000`, to: day(1), granularity: 'day' }, 'from'],
  ])('should refuse %j with a 400 naming %s', async (query, field) => {
    const res = await http().get('/admin/v1/usage').query(query).set(operatorAuth).expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((res.body.invalidParams as Array<{ name: string }>).map((p) => p.name)).toContain(field);
  });
});
