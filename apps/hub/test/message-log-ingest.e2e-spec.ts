import request from 'supertest';
import { DataSource } from 'typeorm';
import { createActiveMember, delegateLogging, messageRecord, operatorAuth, testConfig, type ActiveMember } from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

describe('message log ingest (e2e)', () => {
  let hub: TestHub;
  let a: ActiveMember;
  let b: ActiveMember;
  const http = () => request(hub.app.getHttpServer());
  const auth = (m: ActiveMember) => ({ Authorization: `Bearer ${m.token}` });
  const post = (m: ActiveMember, body: unknown) =>
    http()
      .post('/v1/message-log')
      .set(auth(m))
      .send(body as object);
  const rowCount = async (origin: string) =>
    Number((await hub.app.get(DataSource).query('SELECT count(*) FROM message_log WHERE origin = $1', [origin]))[0].count);

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
  });
  afterAll(() => hub.close());
  beforeEach(async () => {
    await hub.reset();
    a = await createActiveMember(hub.app, 'a.example.com');
    b = await createActiveMember(hub.app, 'b.example.org');
    await delegateLogging(hub.app, a);
  });

  it('should commit a batch and answer with each record accepted and its chain position', async () => {
    const records = [messageRecord(a.domain, b.domain), messageRecord(a.domain, b.domain)];
    const res = await post(a, records).expect(200);
    expect(res.body.counts).toEqual({ accepted: 2, duplicates: 0, rejected: 0 });
    expect(res.body.accepted.map((r: { seq: number }) => r.seq)).toEqual([1, 2]);
    expect(await rowCount(a.domain)).toBe(2);
  });

  it('should accept a duplicate id again without a second row, within a batch and across batches', async () => {
    const record = messageRecord(a.domain, b.domain);
    const first = await post(a, { records: [record, { ...record, body: 'same id, other body' }] }).expect(200);
    expect(first.body.counts).toEqual({ accepted: 1, duplicates: 1, rejected: 0 });
    const again = await post(a, [{ ...record, timestamp: new Date().toISOString() }]).expect(200);
    expect(again.body).toMatchObject({ batchId: null, duplicates: [{ messageId: record.messageId, seq: 1 }] });
    expect(await rowCount(a.domain)).toBe(1);
  });

  it('should commit the new records of a batch that also resubmits a logged id, continuing the chain without a gap', async () => {
    const logged = messageRecord(a.domain, b.domain);
    await post(a, [logged]).expect(200);
    const [x, y] = [messageRecord(a.domain, b.domain), messageRecord(a.domain, b.domain)];
    const mixed = await post(a, [x, logged, y]).expect(200);
    expect(mixed.body.counts).toEqual({ accepted: 2, duplicates: 1, rejected: 0 });
    expect(mixed.body.duplicates).toEqual([{ index: 1, messageId: logged.messageId, seq: 1 }]);
    expect(mixed.body.accepted).toEqual([
      { index: 0, messageId: x.messageId, seq: 2 },
      { index: 2, messageId: y.messageId, seq: 3 },
    ]);
    expect(await rowCount(a.domain)).toBe(3);
  });

  it('should reject invalid records with a reason and the field, and commit the valid ones', async () => {
    const res = await post(a, [
      messageRecord(a.domain, b.domain),
      messageRecord(a.domain, b.domain, { sender: 'not a uri' }),
      messageRecord(a.domain, b.domain, { body: undefined }),
      messageRecord(a.domain, b.domain, { bodySha256: 'ab'.repeat(32) }),
      messageRecord(b.domain, a.domain),
      messageRecord(a.domain, b.domain, { timestamp: '2001-01-01T00:00:00Z' }),
      messageRecord(a.domain, 'stranger.example.net'),
      messageRecord(a.domain, b.domain, { body: undefined, bodySha256: 'cd'.repeat(32) }),
    ]).expect(200);
    expect(res.body.accepted.map((r: { index: number }) => r.index)).toEqual([0, 7]);
    const reasons = Object.fromEntries(
      res.body.rejected.map((r: { index: number; reason: string; field?: string }) => [r.index, `${r.reason}:${r.field ?? ''}`]),
    );
    expect(reasons).toEqual({
      1: 'invalid:sender',
      2: 'invalid:body',
      3: 'invalid:body',
      4: 'origin-not-caller:origin',
      5: 'timestamp-out-of-window:timestamp',
      6: 'participant-not-member:recipients[0]',
    });
    expect(await rowCount(a.domain)).toBe(2);
  });

  it('should store only the digest when the member sends no body', async () => {
    const digest = 'ef'.repeat(32);
    await post(a, [messageRecord(a.domain, b.domain, { body: undefined, bodySha256: digest })]).expect(200);
    const [row] = await hub.app.get(DataSource).query("SELECT body, encode(body_sha256, 'hex') AS d FROM message_log");
    expect(row).toEqual({ body: null, d: digest });
  });

  it('should reject records between networks that may not interconnect, from the batch after a block', async () => {
    // the first batch leaves an allowed decision for the pair in the directory's cache
    await post(a, [messageRecord(a.domain, b.domain)]).expect(200);
    await http().post('/v1/interconnect/blocks').set(auth(b)).send({ peer: a.domain }).expect(204);
    const res = await post(a, [messageRecord(a.domain, b.domain)]).expect(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    // a network that blocked the origin is hidden from it: rejected like one that is not a member
    expect(res.body.rejected[0]).toMatchObject({
      reason: 'participant-not-member',
      field: 'recipients[0]',
      detail: `${b.domain} is not a member network`,
    });
    expect(await rowCount(a.domain)).toBe(1);
  });

  it("should refuse a member key of the hub's own name, so nothing enters the hub's relay chain", async () => {
    // registered before the hub's names were reserved: only possible in the database now
    const squatter = await createActiveMember(hub.app, 'squatter.example.net');
    await hub.app.get(DataSource).query(`UPDATE members SET domain = 'hub.test.example' WHERE domain = $1`, [squatter.domain]);
    const renamed = { ...squatter, domain: 'hub.test.example' };
    await delegateLogging(hub.app, renamed);
    const res = await post(renamed, [messageRecord(renamed.domain, b.domain)]).expect(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.detail).toContain('a name of the clearing house itself');
    expect(await rowCount('hub.test.example')).toBe(0);
  });

  it('should log inbound messages only when a recipient belongs to the origin', async () => {
    const inbound = messageRecord(a.domain, b.domain, {
      direction: 'inbound',
      sender: `xmpp:carol@${b.domain}`,
      recipients: [`xmpp:dave@chat.${a.domain}/phone`],
    });
    const wrong = messageRecord(a.domain, b.domain, { direction: 'inbound' });
    const res = await post(a, [inbound, wrong]).expect(200);
    expect(res.body.accepted).toHaveLength(1);
    expect(res.body.rejected[0]).toMatchObject({ index: 1, reason: 'origin-not-party' });
    const [row] = await hub.app.get(DataSource).query('SELECT recipients, tags FROM message_log');
    expect(row.recipients).toEqual([`xmpp:dave@chat.${a.domain}`]);
    expect(row.tags).toEqual(expect.arrayContaining([`n:${a.domain}`, `n:${b.domain}`, `u:xmpp:carol@${b.domain}`]));
  });

  it('should accept JSON Lines and reject a malformed line as that record only', async () => {
    const lines = [
      JSON.stringify(messageRecord(a.domain, b.domain)),
      '{not json',
      JSON.stringify(messageRecord(a.domain, b.domain)),
    ];
    const res = await http()
      .post('/v1/message-log')
      .set(auth(a))
      .set('Content-Type', 'application/jsonl')
      .send(lines.join('\n'))
      .expect(200);
    expect(res.body.counts).toEqual({ accepted: 2, duplicates: 0, rejected: 1 });
    expect(res.body.rejected[0]).toMatchObject({ index: 1, reason: 'invalid' });
  });

  it('should refuse members that did not delegate logging, other callers, and oversize batches', async () => {
    await post(b, [messageRecord(b.domain, a.domain)]).expect(403);
    await http()
      .post('/v1/message-log')
      .send([messageRecord(a.domain, b.domain)])
      .expect(401);
    await http()
      .post('/v1/message-log')
      .set(operatorAuth)
      .send([messageRecord(a.domain, b.domain)])
      .expect(401);
    const tooMany = Array.from({ length: 1001 }, () => messageRecord(a.domain, b.domain));
    await post(a, tooMany).expect(413);
    await post(a, []).expect(400);
    await post(a, { nothing: true }).expect(400);
    expect(await rowCount(a.domain)).toBe(0);
  });

  it('should refuse a suspended member', async () => {
    await http().post(`/admin/v1/members/${a.domain}/suspend`).set(operatorAuth).send({}).expect(200);
    await post(a, [messageRecord(a.domain, b.domain)]).expect(403);
  });

  it('should emit one outbox event per committed batch', async () => {
    await post(a, [messageRecord(a.domain, b.domain), messageRecord(a.domain, b.domain)]).expect(200);
    const rows = await hub.app.get(DataSource).query("SELECT payload FROM outbox WHERE job_name = 'message-log-batch-committed'");
    expect(rows).toHaveLength(1);
    expect(rows[0].payload).toMatchObject({ origin: a.domain, fromSeq: 1, toSeq: 2, records: 2 });
  });

  it('should tell peers that the clearing house logs for a member that delegated logging', async () => {
    const res = await http().get(`/.well-known/pres-im-provisioning/${a.domain}`).set(auth(b)).expect(200);
    expect(res.text).toMatch(/<logging enabled="true" performed-by="clearing-house"\/>/);
  });
});
