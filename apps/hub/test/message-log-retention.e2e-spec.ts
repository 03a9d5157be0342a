import request from 'supertest';
import { DataSource } from 'typeorm';
import { partitionName, utcDay } from '@app/db';
import { MessageLogPartitions, MessageLogRetention } from '@app/message-log';
import { createActiveMember, delegateLogging, messageRecord, operatorAuth, testConfig, type ActiveMember } from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

describe('message log retention and legal holds (e2e)', () => {
  let hub: TestHub;
  let a: ActiveMember;
  let b: ActiveMember;
  let auditorToken: string;
  const http = () => request(hub.app.getHttpServer());
  const db = () => hub.app.get(DataSource);
  const enforce = () => hub.app.get(MessageLogRetention).enforce();
  const log = async (m: ActiveMember, records: Record<string, unknown>[]) => {
    const res = await http()
      .post('/v1/message-log')
      .set({ Authorization: `Bearer ${m.token}` })
      .send(records)
      .expect(200);
    expect(res.body.counts.accepted).toBe(records.length);
  };
  const seqs = async (origin: string) =>
    (await db().query('SELECT seq FROM message_log WHERE origin = $1 ORDER BY seq', [origin])).map((r: { seq: string }) =>
      Number(r.seq),
    );
  const keyCount = async (origin: string) =>
    Number((await db().query('SELECT count(*) AS n FROM message_log_keys WHERE origin = $1', [origin]))[0].n);
  const verify = (m: ActiveMember) =>
    http()
      .get('/v1/message-log/verify')
      .set({ Authorization: `Bearer ${m.token}` })
      .expect(200);
  const hold = (scope: string, value: string) =>
    http().post('/admin/v1/message-log/holds').set(operatorAuth).send({ scope, value, reason: 'case 117' }).expect(201);

  beforeAll(async () => {
    hub = await startTestHub(testConfig({ MESSAGE_LOG_ACCEPT_PAST_DAYS: '365', MESSAGE_LOG_RETENTION_DAYS: '30' }));
  });
  afterAll(() => hub.close());
  beforeEach(async () => {
    await hub.reset();
    // an earlier test may have dropped old partitions: recreate them as the worker's upkeep would
    await hub.app.get(MessageLogPartitions).ensureAhead();
    a = await createActiveMember(hub.app, 'a.example.com');
    b = await createActiveMember(hub.app, 'b.example.org');
    await delegateLogging(hub.app, a);
    await delegateLogging(hub.app, b);
    const auditor = await http()
      .post('/admin/v1/operators')
      .set(operatorAuth)
      .send({ name: 'audrey', role: 'auditor' })
      .expect(201);
    auditorToken = auditor.body.token;
  });

  it('should remove only unheld expired records, with checkpoints that keep the chain verifiable', async () => {
    await log(a, [
      messageRecord(a.domain, b.domain, { timestamp: daysAgo(100) }),
      messageRecord(a.domain, b.domain, { timestamp: daysAgo(100), sender: `sip:carol@${a.domain}` }),
      messageRecord(a.domain, b.domain, { timestamp: daysAgo(100) }),
      messageRecord(a.domain, b.domain, { timestamp: daysAgo(1) }),
    ]);
    await hold('participant', `SIP:carol@A.Example.com;transport=tcp`);
    const report = await enforce();
    expect(report).toMatchObject({ deletedRecords: 2, heldRecords: 1, checkpoints: 2, droppedPartitions: [] });
    expect(await seqs(a.domain)).toEqual([2, 4]);
    expect(await keyCount(a.domain)).toBe(2);
    const checkpoints = await db().query(
      'SELECT from_seq, to_seq, record_count, reason FROM message_log_checkpoints ORDER BY from_seq',
    );
    expect(checkpoints).toEqual([
      { from_seq: '1', to_seq: '1', record_count: '1', reason: 'retention' },
      { from_seq: '3', to_seq: '3', record_count: '1', reason: 'retention' },
    ]);
    expect((await verify(a)).body).toMatchObject({ ok: true, checkedRecords: 2, checkedCheckpoints: 2, firstSeq: 1, lastSeq: 4 });
  });

  it("should apply a member's own retention and the default to the others", async () => {
    await http().put(`/admin/v1/message-log/retention/${a.domain}`).set(operatorAuth).send({ days: 10 }).expect(200);
    await log(a, [messageRecord(a.domain, b.domain, { timestamp: daysAgo(20) })]);
    await log(b, [messageRecord(b.domain, a.domain, { timestamp: daysAgo(20) })]);
    await enforce();
    expect(await seqs(a.domain)).toEqual([]);
    expect(await seqs(b.domain)).toEqual([1]);
    expect((await verify(a)).body).toMatchObject({ ok: true, checkedRecords: 0, checkedCheckpoints: 1 });
  });

  it('should drop a whole partition when every record in it expired and none is held', async () => {
    await log(a, [messageRecord(a.domain, b.domain, { timestamp: daysAgo(200) }), messageRecord(a.domain, b.domain)]);
    const name = partitionName(utcDay(new Date(daysAgo(200))));
    const report = await enforce();
    expect(report.droppedPartitions).toContain(name);
    expect(report).toMatchObject({ droppedRecords: 1, deletedRecords: 0 });
    expect(await db().query('SELECT 1 FROM pg_class WHERE relname = $1', [name])).toHaveLength(0);
    expect(await keyCount(a.domain)).toBe(1);
    expect((await verify(a)).body).toMatchObject({ ok: true, checkedRecords: 1, checkedCheckpoints: 1 });
  });

  it('should drop a partition once when two runs enforce retention at the same time', async () => {
    await log(a, [messageRecord(a.domain, b.domain, { timestamp: daysAgo(200) }), messageRecord(a.domain, b.domain)]);
    const name = partitionName(utcDay(new Date(daysAgo(200))));
    const reports = await Promise.all([enforce(), enforce(), enforce()]);
    expect(reports.filter((r) => r.droppedPartitions.includes(name))).toHaveLength(1);
    expect(reports.reduce((n, r) => n + r.droppedRecords, 0)).toBe(1);
    expect((await verify(a)).body).toMatchObject({ ok: true, checkedRecords: 1, checkedCheckpoints: 1 });
  });

  it('should keep a held partition, and delete its records once the hold is released', async () => {
    await log(a, [messageRecord(a.domain, b.domain, { timestamp: daysAgo(200) })]);
    const name = partitionName(utcDay(new Date(daysAgo(200))));
    const placed = await hold('member', 'B.Example.org.');
    expect(placed.body).toMatchObject({ scope: 'member', value: b.domain, active: true });
    expect((await enforce()).droppedPartitions).not.toContain(name);
    expect(await seqs(a.domain)).toEqual([1]);
    await http()
      .post(`/admin/v1/message-log/holds/${placed.body.id}/release`)
      .set(operatorAuth)
      .send({ reason: 'case closed' })
      .expect(200);
    await http()
      .post(`/admin/v1/message-log/holds/${placed.body.id}/release`)
      .set(operatorAuth)
      .send({ reason: 'again' })
      .expect(409);
    expect((await enforce()).droppedPartitions).toContain(name);
    expect(await seqs(a.domain)).toEqual([]);
    const audit = await db().query(
      "SELECT action, actor_type, target_id, details FROM audit_log WHERE action LIKE 'message-log.%' ORDER BY id",
    );
    expect(audit.map((e: { action: string; actor_type: string }) => `${e.action}:${e.actor_type}`)).toEqual([
      'message-log.hold.placed:operator',
      'message-log.hold.released:operator',
      'message-log.retention.enforced:system',
    ]);
    expect(audit[2].details).toMatchObject({ droppedRecords: 1, checkpoints: 1, droppedPartitions: [name] });
  });

  it('should list, set and clear per-member retention, audited', async () => {
    await http()
      .put(`/admin/v1/message-log/retention/${a.domain}`)
      .set(operatorAuth)
      .send({ days: 7 })
      .expect(200, { memberDomain: a.domain, days: 7 });
    const settings = await http()
      .get('/admin/v1/message-log/retention')
      .set({ Authorization: `Bearer ${auditorToken}` })
      .expect(200);
    expect(settings.body).toMatchObject({ defaultDays: 30, overrides: [{ memberDomain: a.domain, days: 7 }] });
    await http().put('/admin/v1/message-log/retention/nobody.example.net').set(operatorAuth).send({ days: 7 }).expect(404);
    await http().put(`/admin/v1/message-log/retention/${a.domain}`).set(operatorAuth).send({ days: 0 }).expect(400);
    await http().delete(`/admin/v1/message-log/retention/${a.domain}`).set(operatorAuth).expect(204);
    await http().delete(`/admin/v1/message-log/retention/${a.domain}`).set(operatorAuth).expect(404);
    expect((await http().get('/admin/v1/message-log/retention').set(operatorAuth).expect(200)).body.overrides).toEqual([]);
    const audit = await db().query(
      "SELECT action, details FROM audit_log WHERE action LIKE 'message-log.retention.%' ORDER BY id",
    );
    expect(audit).toEqual([
      { action: 'message-log.retention.set', details: { days: 7, previous: null } },
      { action: 'message-log.retention.cleared', details: { days: 30, previous: 7 } },
    ]);
  });

  it('should normalise hold values, refuse invalid ones and list active holds', async () => {
    const room = await hold('room', `xmpp:Room@Conference.${a.domain}/nick`);
    expect(room.body.value).toBe(`xmpp:Room@conference.${a.domain}`);
    await http()
      .post('/admin/v1/message-log/holds')
      .set(operatorAuth)
      .send({ scope: 'participant', value: 'not a uri', reason: 'x' })
      .expect(400);
    await http()
      .post('/admin/v1/message-log/holds')
      .set(operatorAuth)
      .send({ scope: 'planet', value: a.domain, reason: 'x' })
      .expect(400);
    const other = await hold('member', a.domain);
    await http()
      .post(`/admin/v1/message-log/holds/${other.body.id}/release`)
      .set(operatorAuth)
      .send({ reason: 'done' })
      .expect(200);
    const active = await http().get('/admin/v1/message-log/holds?active=true').set(operatorAuth).expect(200);
    expect(active.body.items.map((h: { id: string }) => h.id)).toEqual([room.body.id]);
    const all = await http()
      .get('/admin/v1/message-log/holds')
      .set({ Authorization: `Bearer ${auditorToken}` })
      .expect(200);
    expect(all.body.items).toHaveLength(2);
    await http()
      .post('/admin/v1/message-log/holds/00000000-0000-0000-0000-000000000000/release')
      .set(operatorAuth)
      .send({ reason: 'x' })
      .expect(404);
  });

  it('should let only operators in, and only admins change anything', async () => {
    const member = { Authorization: `Bearer ${a.token}` };
    const auditor = { Authorization: `Bearer ${auditorToken}` };
    await http().get('/admin/v1/message-log/retention').expect(401);
    await http().get('/admin/v1/message-log/retention').set(member).expect(403);
    await http().get('/admin/v1/message-log/holds').set(member).expect(403);
    await http().get(`/admin/v1/message-log/verify?origin=${a.domain}`).set(member).expect(403);
    await http().put(`/admin/v1/message-log/retention/${a.domain}`).set(auditor).send({ days: 5 }).expect(403);
    await http().delete(`/admin/v1/message-log/retention/${a.domain}`).set(auditor).expect(403);
    await http()
      .post('/admin/v1/message-log/holds')
      .set(auditor)
      .send({ scope: 'member', value: a.domain, reason: 'x' })
      .expect(403);
    await http().get(`/admin/v1/message-log/verify?origin=${a.domain}`).set(auditor).expect(200);
    await http().get('/v1/message-log/verify').expect(401);
    await http().get('/v1/message-log/verify').set(operatorAuth).expect(401);
  });
});
