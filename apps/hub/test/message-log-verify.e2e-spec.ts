import request from 'supertest';
import { DataSource } from 'typeorm';
import { MessageLogRetention } from '@app/message-log';
import { createActiveMember, delegateLogging, messageRecord, operatorAuth, testConfig, type ActiveMember } from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

describe('message log chain verification (e2e)', () => {
  let hub: TestHub;
  let a: ActiveMember;
  let b: ActiveMember;
  const http = () => request(hub.app.getHttpServer());
  const db = () => hub.app.get(DataSource);
  const verify = (query = '') =>
    http()
      .get(`/v1/message-log/verify${query}`)
      .set({ Authorization: `Bearer ${a.token}` })
      .expect(200);
  const adminVerify = (query: string) => http().get(`/admin/v1/message-log/verify?${query}`).set(operatorAuth);
  const verifyAudits = async () =>
    (await http().get('/admin/v1/audit').query({ action: 'message-log.verify' }).set(operatorAuth).expect(200)).body.items;

  beforeAll(async () => {
    hub = await startTestHub(testConfig({ MESSAGE_LOG_ACCEPT_PAST_DAYS: '365', MESSAGE_LOG_RETENTION_DAYS: '30' }));
  });
  afterAll(() => hub.close());
  beforeEach(async () => {
    await hub.reset();
    a = await createActiveMember(hub.app, 'a.example.com');
    b = await createActiveMember(hub.app, 'b.example.org');
    await delegateLogging(hub.app, a);
    const records = Array.from({ length: 5 }, () => messageRecord(a.domain, b.domain));
    records[3] = messageRecord(a.domain, b.domain, { body: undefined, bodySha256: 'ab'.repeat(32) });
    await http()
      .post('/v1/message-log')
      .set({ Authorization: `Bearer ${a.token}` })
      .send(records)
      .expect(200);
  });

  it('should verify an intact chain, whole or by range', async () => {
    expect((await verify()).body).toEqual({
      origin: a.domain,
      ok: true,
      checkedRecords: 5,
      checkedCheckpoints: 0,
      firstSeq: 1,
      lastSeq: 5,
      range: { from: 1, to: 5 },
      head: { seq: 5 },
    });
    expect((await verify('?from=2&to=4')).body).toMatchObject({ ok: true, checkedRecords: 3, firstSeq: 2, lastSeq: 4 });
    expect((await adminVerify(`origin=${a.domain}&from=3`).expect(200)).body).toMatchObject({ ok: true, checkedRecords: 3 });
  });

  it("should audit an operator's verification with its outcome, and not a member's", async () => {
    await verify();
    expect(await verifyAudits()).toEqual([]);
    await adminVerify(`origin=${a.domain}&from=2&to=4`).expect(200);
    await db().query("UPDATE message_log SET body = 'x' WHERE origin = $1 AND seq = 5", [a.domain]);
    await adminVerify(`origin=${a.domain.toUpperCase()}`).expect(200);
    const [broken, intact] = await verifyAudits();
    expect(intact).toMatchObject({
      action: 'message-log.verify',
      actor: { type: 'operator' },
      target: { type: 'message-log', id: a.domain },
      details: { range: { from: 2, to: 4 }, ok: true, checkedRecords: 3, brokenAt: null },
    });
    expect(broken).toMatchObject({
      target: { id: a.domain },
      details: { range: { from: 1, to: 5 }, ok: false, checkedRecords: 4, brokenAt: { seq: 5, reason: 'body-digest-mismatch' } },
    });
  });

  it('should not audit an operator verification refused as bad input', async () => {
    await adminVerify(`origin=${a.domain}&from=4&to=2`).expect(400);
    expect(await verifyAudits()).toEqual([]);
  });

  it.each([
    ['the body', "body = 'x'", 'body-digest-mismatch'],
    ['the sender', "sender = 'sip:mallory@a.example.com'", 'hash-mismatch'],
    ['the timestamp', "ts = ts + interval '1 second'", 'hash-mismatch'],
    ['the chain hash', "chain_hash = decode(repeat('cd', 32), 'hex')", 'hash-mismatch'],
  ])('should find a row whose %s was edited in the database', async (_what, assignment, reason) => {
    await db().query(`UPDATE message_log SET ${assignment} WHERE origin = $1 AND seq = 3`, [a.domain]);
    const res = await verify();
    expect(res.body).toMatchObject({ ok: false, checkedRecords: 2, brokenAt: { seq: 3, reason } });
    expect(res.body.brokenAt.messageId).toEqual(expect.any(String));
  });

  it('should find a row deleted outside retention, in the middle or at the end', async () => {
    await db().query('DELETE FROM message_log WHERE origin = $1 AND seq = 2', [a.domain]);
    expect((await verify()).body).toMatchObject({ ok: false, brokenAt: { seq: 2, reason: 'seq-gap' } });
    expect((await verify('?from=3')).body).toMatchObject({ ok: true });
    await db().query('DELETE FROM message_log WHERE origin = $1 AND seq = 5', [a.domain]);
    expect((await verify('?from=3')).body).toMatchObject({ ok: false, brokenAt: { seq: 5, reason: 'seq-gap' } });
  });

  it('should find a retention checkpoint that was altered after signing', async () => {
    await http()
      .post('/v1/message-log')
      .set({ Authorization: `Bearer ${a.token}` })
      .send([messageRecord(a.domain, b.domain, { timestamp: daysAgo(60) })])
      .expect(200);
    await hub.app.get(MessageLogRetention).enforce();
    expect((await verify()).body).toMatchObject({ ok: true, checkedRecords: 5, checkedCheckpoints: 1, lastSeq: 6 });
    await db().query("UPDATE message_log_checkpoints SET to_seq = 7, hash_after = decode(repeat('ef', 32), 'hex')");
    expect((await verify()).body).toMatchObject({ ok: false, brokenAt: { seq: 6, reason: 'checkpoint-signature-invalid' } });
  });

  it('should refuse ranges that are inverted or too long', async () => {
    await http()
      .get('/v1/message-log/verify?from=4&to=2')
      .set({ Authorization: `Bearer ${a.token}` })
      .expect(400);
    await http()
      .get('/v1/message-log/verify?from=1&to=100001')
      .set({ Authorization: `Bearer ${a.token}` })
      .expect(400);
    await http()
      .get('/v1/message-log/verify?from=zero')
      .set({ Authorization: `Bearer ${a.token}` })
      .expect(400);
    await adminVerify('from=1').expect(400);
  });

  it('should answer an empty verification for an origin without records', async () => {
    expect((await adminVerify(`origin=${b.domain}`).expect(200)).body).toMatchObject({
      ok: true,
      checkedRecords: 0,
      range: null,
      head: null,
    });
  });
});
