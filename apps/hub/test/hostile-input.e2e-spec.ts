import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  createActiveMember,
  delegateLogging,
  memberDocument,
  messageRecord,
  operatorAuth,
  testConfig,
  type ActiveMember,
} from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

const NUL = 'a\u0000b';
const PROBLEM = /^application\/problem\+json/;
const raw = (json: string) => Buffer.from(json, 'utf8').toString('base64url');

/** Every row of every table, so a test can show that a refused request stored nothing. */
async function snapshot(dataSource: DataSource): Promise<Record<string, number>> {
  const tables: Array<{ name: string }> = await dataSource.query(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) counts[name] = Number((await dataSource.query(`SELECT count(*) FROM "${name}"`))[0].count);
  return counts;
}

function expectProblem(res: request.Response, status: number, field?: string): void {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status, type: expect.stringMatching(PROBLEM) });
  if (field !== undefined) expect(res.body.invalidParams?.map((p: { name: string }) => p.name)).toContain(field);
}

describe('hostile input (e2e)', () => {
  let hub: TestHub;
  let a: ActiveMember;
  let b: ActiveMember;
  const http = () => request(hub.app.getHttpServer());
  const auth = (m: ActiveMember) => ({ Authorization: `Bearer ${m.token}` });

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

  it('should refuse a NUL character in any body field with 400 naming it, storing nothing', async () => {
    const writes: Array<[string, string, Record<string, string>, Record<string, unknown>, string]> = [
      ['post', '/v1/applications', {}, { domain: 'z.example.com', displayName: NUL, protocols: ['sip'] }, 'displayName'],
      [
        'post',
        '/v1/applications',
        {},
        { domain: 'z.example.com', displayName: 'Z', protocols: ['sip'], contacts: { admin: [NUL] } },
        'contacts.admin[0]',
      ],
      [
        'post',
        '/admin/v1/members',
        operatorAuth,
        { domain: 'z.example.com', displayName: NUL, protocols: ['sip'] },
        'displayName',
      ],
      ['patch', `/admin/v1/members/${b.domain}`, operatorAuth, { displayName: NUL }, 'displayName'],
      ['post', `/admin/v1/members/${b.domain}/suspend`, operatorAuth, { reason: NUL }, 'reason'],
      ['post', `/admin/v1/members/${b.domain}/keys`, operatorAuth, { label: NUL }, 'label'],
      ['post', '/admin/v1/operators', operatorAuth, { name: NUL, role: 'admin' }, 'name'],
      ['put', '/admin/v1/federation/mode', operatorAuth, { mode: 'closed', reason: NUL }, 'reason'],
      ['post', '/admin/v1/blocks', operatorAuth, { a: a.domain, b: b.domain, reason: NUL }, 'reason'],
      ['post', '/admin/v1/message-log/holds', operatorAuth, { scope: 'member', value: a.domain, reason: NUL }, 'reason'],
      ['post', '/v1/interconnect/blocks', auth(a), { peer: b.domain, reason: NUL }, 'reason'],
      ['post', '/v1/interconnect/credentials', auth(a), { kind: 'certificate-pin', sha256: 'a'.repeat(64), label: NUL }, 'label'],
      ['post', '/v1/interconnect/offers', auth(a), { peer: b.domain, services: ['im'], [`x${NUL}`]: 1 }, `x${NUL}`],
      ['put', `/v1/provisioning/overrides/${b.domain}`, auth(a), { note: NUL }, 'note'],
    ];
    const before = await snapshot(hub.app.get(DataSource));
    for (const [method, path, headers, body, field] of writes) {
      const res = await http()[method as 'post'](path).set(headers).send(body);
      expectProblem(res, 400, field);
      expect(res.body.invalidParams).toContainEqual({ name: field, reason: 'must not contain the NUL character (U+0000)' });
    }
    expect(await snapshot(hub.app.get(DataSource))).toEqual(before);
  });

  it('should refuse an unpaired surrogate in a body field with 400 naming it, storing nothing', async () => {
    // reasons and labels also go into the RFC 8785 hashes of the transparency log, which cannot hold one
    const lone = 'a\ud800b';
    const writes: Array<[string, string, Record<string, string>, Record<string, unknown>, string]> = [
      ['post', '/v1/interconnect/blocks', auth(a), { peer: b.domain, reason: lone }, 'reason'],
      ['post', '/admin/v1/blocks', operatorAuth, { a: a.domain, b: b.domain, reason: lone }, 'reason'],
      ['put', '/admin/v1/federation/mode', operatorAuth, { mode: 'agreement', reason: lone }, 'reason'],
      ['post', `/admin/v1/members/${b.domain}/suspend`, operatorAuth, { reason: lone }, 'reason'],
      [
        'post',
        '/v1/interconnect/credentials',
        auth(a),
        { kind: 'certificate-pin', sha256: 'a'.repeat(64), label: lone },
        'label',
      ],
    ];
    const before = await snapshot(hub.app.get(DataSource));
    for (const [method, path, headers, body, field] of writes) {
      // JSON.stringify writes the lone surrogate as the escape "\ud800", as a hostile client sends it
      const call = http()[method as 'post'](path).set(headers);
      const res = await call.set('Content-Type', 'application/json').send(JSON.stringify(body));
      expectProblem(res, 400, field);
      expect(res.body.invalidParams).toContainEqual({
        name: field,
        reason: 'contains an unpaired UTF-16 surrogate (not a Unicode character)',
      });
    }
    expect(await snapshot(hub.app.get(DataSource))).toEqual(before);
  });

  it('should refuse a NUL character in a provisioning document, JSON or XML, storing nothing', async () => {
    const before = await snapshot(hub.app.get(DataSource));
    const doc = memberDocument(a.domain, { edge: `edge${NUL}.a.example.com` });
    const json = await http().put('/v1/provisioning').set(auth(a)).send(doc);
    expectProblem(json, 400, '/connectivity/dnsNames/dnsName/0/value');
    const xml = await http()
      .put('/v1/provisioning')
      .set(auth(a))
      .set('Content-Type', 'application/xml')
      .send('<?xml version="1.0"?><provisioning domain="a\u0000b"/>');
    expect(xml.status).toBeGreaterThanOrEqual(400);
    expect(xml.status).toBeLessThan(500);
    expect(xml.headers['content-type']).toMatch(PROBLEM);
    expect(await snapshot(hub.app.get(DataSource))).toEqual(before);
  });

  it('should refuse a NUL character in query and path parameters with 400 naming them', async () => {
    const reads: Array<[string, Record<string, string>, Record<string, string>, string]> = [
      ['/admin/v1/audit', operatorAuth, { action: NUL }, 'action'],
      ['/admin/v1/audit', operatorAuth, { targetId: NUL }, 'targetId'],
      ['/admin/v1/audit', operatorAuth, { actorId: NUL }, 'actorId'],
      ['/admin/v1/message-log', operatorAuth, { participant: NUL }, 'participant'],
      ['/v1/message-log', auth(a), { room: NUL }, 'room'],
      ['/admin/v1/message-log/stats', operatorAuth, { origin: NUL }, 'origin'],
      ['/v1/interconnect/decisions', auth(a), { peer: NUL, service: 'im' }, 'peer'],
      ['/v1/federation/provisioning', {}, { since: NUL }, 'since'],
      ['/admin/v1/members/a%00b', operatorAuth, {}, 'domain'],
      ['/v1/applications/a%00b', {}, {}, 'id'],
    ];
    for (const [path, headers, query, field] of reads)
      expectProblem(await http().get(path).query(query).set(headers), 400, field);
  });

  it('should refuse non-integer and out-of-range integers naming the field', async () => {
    for (const afterSeq of ['abc', '1.5', '-1', '99999999999999999999', '1e400', 'NaN', '0x10', '']) {
      const res = await http().get('/v1/transparency/chain').query({ afterSeq });
      expectProblem(res, 400, 'afterSeq');
      expect(res.body.invalidParams[0].reason).toMatch(/^must be a whole number from 0 to \d+$/);
    }
    for (const [path, headers] of [
      ['/admin/v1/transparency', operatorAuth],
      ['/v1/transparency/entries', auth(a)],
    ] as const) {
      expectProblem(await http().get(path).query({ afterSeq: '99999999999999999999' }).set(headers), 400, 'afterSeq');
    }
    expectProblem(await http().get('/admin/v1/audit').query({ limit: '1e3' }).set(operatorAuth), 400, 'limit');
    expectProblem(await http().get('/v1/message-log/verify').query({ from: '1.5' }).set(auth(a)), 400, 'from');
    expectProblem(await http().get('/v1/provisioning/versions/99999999999').set(auth(a)), 400, 'seq');
    await http().get('/v1/transparency/chain').query({ afterSeq: '0' }).expect(200);
  });

  it('should refuse forged cursors with 400 naming cursor', async () => {
    const forged = [
      '!!!',
      raw('{"a":1}'),
      raw('[1]'),
      raw('null'),
      raw(JSON.stringify({ id: 1e300, seq: 1e300, domain: 'a\u0000', t: '99999999999999999999', o: 'x', s: 1 })),
      raw(JSON.stringify({ id: '99999999999999999999', seq: 2 ** 31, domain: '', t: -1, o: '', s: -1 })),
    ];
    const routes: Array<[string, Record<string, string>]> = [
      ['/admin/v1/audit', operatorAuth],
      ['/admin/v1/members', operatorAuth],
      ['/v1/provisioning/versions', auth(a)],
      ['/v1/provisioning/changes', auth(a)],
      ['/v1/message-log', auth(a)],
    ];
    for (const [path, headers] of routes) {
      for (const cursor of forged) expectProblem(await http().get(path).query({ cursor }).set(headers), 400, 'cursor');
    }
  });

  it('should refuse dates outside 1970–9999 on search, export, stats and audit in plain words', async () => {
    const bad = ['0000-01-01', '-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00Z', '2026-02-30', 'garbage'];
    const ok = { from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' };
    const routes: Array<[string, Record<string, string>, string[], Record<string, string>]> = [
      ['/v1/message-log', auth(a), ['from', 'to'], {}],
      ['/admin/v1/message-log', operatorAuth, ['from', 'to'], {}],
      ['/v1/message-log/export', auth(a), ['from', 'to'], ok],
      ['/admin/v1/message-log/export', operatorAuth, ['from', 'to'], ok],
      ['/v1/message-log/stats', auth(a), ['from', 'to'], {}],
      ['/admin/v1/message-log/stats', operatorAuth, ['from', 'to'], {}],
      ['/admin/v1/audit', operatorAuth, ['since', 'until'], {}],
      ['/v1/federation/provisioning', {}, ['since'], {}],
    ];
    for (const [path, headers, fields, base] of routes) {
      for (const field of fields) {
        for (const value of bad) {
          const res = await http()
            .get(path)
            .query({ ...base, [field]: value })
            .set(headers);
          expectProblem(res, 400, field);
          expect(JSON.stringify(res.body)).not.toMatch(/Date instance|NaN|ISO 8601 date string/);
        }
      }
    }
    const offer = await http()
      .post('/v1/interconnect/offers')
      .set(auth(a))
      .send({ peer: b.domain, services: ['im'], expiresAt: '+275760-09-13T00:00:00Z' });
    expectProblem(offer, 400, 'expiresAt');
  });

  it('should answer hostile input on the operations routes (queues, usage, chat gateways) with 4xx naming the field', async () => {
    const forged = ['!!!', raw('{"offset":-1}'), raw('{"offset":1e300}'), raw('{"id":"99999999999999999999"}'), raw('null')];
    for (const list of ['failed', 'parked']) {
      for (const cursor of forged)
        expectProblem(
          await http().get(`/admin/v1/queues/message-log/${list}`).query({ cursor }).set(operatorAuth),
          400,
          'cursor',
        );
      for (const limit of ['0', '101', '1.5', '1e3', '99999999999999999999'])
        expectProblem(await http().get(`/admin/v1/queues/message-log/${list}`).query({ limit }).set(operatorAuth), 400, 'limit');
      expectProblem(await http().get(`/admin/v1/queues/a%00b/${list}`).set(operatorAuth), 400, 'queue');
      expectProblem(await http().get(`/admin/v1/queues/no-such-queue/${list}`).set(operatorAuth), 404);
    }
    for (const jobId of ['a%2Fb', 'a%00b', '..', '-x']) {
      for (const action of ['retry', 'discard'])
        expectProblem(await http().post(`/admin/v1/queues/message-log/jobs/${jobId}/${action}`).set(operatorAuth), 400, 'jobId');
    }
    // past the router's parameter limit: refused before any handler
    expectProblem(
      await http()
        .post(`/admin/v1/queues/message-log/jobs/${'x'.repeat(1000)}/retry`)
        .set(operatorAuth),
      414,
    );
    const day = { from: '2026-12-01', to: '2026-12-02', granularity: 'day' };
    for (const [field, value] of [
      ['from', NUL],
      ['from', '2026-02-30'],
      ['from', '0000-01-01'],
      ['to', '+275760-09-13'],
      ['to', 'x'.repeat(11)],
      ['granularity', 'week'],
      ['format', NUL],
    ]) {
      expectProblem(
        await http()
          .get('/admin/v1/usage')
          .query({ ...day, [field]: value })
          .set(operatorAuth),
        400,
        field,
      );
    }
    for (const action of ['retry', 'discard'])
      expectProblem(await http().post(`/admin/v1/chat/destinations/a%00b/${action}`).set(operatorAuth), 400, 'network');
    expectProblem(
      await http()
        .post(`/admin/v1/chat/destinations/${'a'.repeat(64)}.example/retry`)
        .set(operatorAuth),
      400,
      'network',
    );
  });

  it('should refuse JSON nested deeper than the limit on every JSON route, 400,000 levels included', async () => {
    const deep = '['.repeat(400_000) + ']'.repeat(400_000);
    // routes open to anyone take 64 KiB at most (a larger body is a 413 before any parsing)
    const deepButSmall = '['.repeat(30_000) + ']'.repeat(30_000);
    const routes: Array<[string, string, Record<string, string>, string]> = [
      ['post', '/v1/applications', {}, deepButSmall],
      ['post', '/admin/v1/operators', operatorAuth, deep],
      ['put', '/v1/provisioning', auth(a), deep],
      ['post', '/v1/message-log', auth(a), deep],
      ['post', '/v1/interconnect/offers', auth(a), deep],
    ];
    const before = await snapshot(hub.app.get(DataSource));
    for (const [method, path, headers, body] of routes) {
      const res = await http()[method as 'post'](path).set(headers).set('Content-Type', 'application/json').send(body);
      expectProblem(res, 400, 'body');
    }
    const nested = await http()
      .post('/v1/applications')
      .set('Content-Type', 'application/json')
      .send(
        `{"domain":"z.example.com","displayName":"Z","protocols":["sip"],"contacts":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`,
      );
    expectProblem(nested, 400, 'body');
    expect(await snapshot(hub.app.get(DataSource))).toEqual(before);
  });

  it('should answer 415 when a JSON route is given another content type', async () => {
    for (const type of [
      'application/xml',
      'text/plain',
      'application/jsonl',
      'application/octet-stream',
      'application/x-www-form-urlencoded',
    ]) {
      const res = await http().post('/admin/v1/operators').set(operatorAuth).set('Content-Type', type).send('name=x');
      expectProblem(res, 415);
    }
    expect(await hub.app.get(DataSource).query(`SELECT 1 FROM operators WHERE name = 'x'`)).toEqual([]);
    expectProblem(
      await http()
        .post('/admin/v1/operators')
        .set(operatorAuth)
        .send([{ name: 'x', role: 'admin' }]),
      400,
      'body',
    );
  });

  it('should give 409 to all but one of concurrent creations of the same operator', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => http().post('/admin/v1/operators').set(operatorAuth).send({ name: 'same', role: 'admin' })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expectProblem(r, 409);
    const count = await hub.app.get(DataSource).query(`SELECT count(*) FROM operators WHERE name = 'same'`);
    expect(Number(count[0].count)).toBe(1);
  });

  it('should not let a PATCH clear a required member field with null', async () => {
    const res = await http().patch(`/admin/v1/members/${b.domain}`).set(operatorAuth).send({ displayName: null });
    expectProblem(res, 400, 'displayName');
  });

  it('should state validation failures in plain words', async () => {
    const res = await http().get('/admin/v1/audit').query({ limit: 'abc', since: 'x', bogus: '1' }).set(operatorAuth);
    expectProblem(res, 400);
    const text = JSON.stringify(res.body.invalidParams);
    expect(text).not.toMatch(/Date instance|NaN|integer number|should not exist/);
    expect(res.body.invalidParams).toContainEqual({ name: 'bogus', reason: 'is not a field of this request' });
  });

  it('should reject only the record whose body carries a NUL character, listing every invalid field', async () => {
    const good = messageRecord(a.domain, b.domain);
    const bad = messageRecord(a.domain, b.domain, { body: NUL, direction: 'sideways', timestamp: 'now' });
    const res = await http().post('/v1/message-log').set(auth(a)).send([good, bad]).expect(200);
    expect(res.body.counts).toEqual({ accepted: 1, duplicates: 0, rejected: 1 });
    const [rejected] = res.body.rejected;
    expect(rejected).toMatchObject({ index: 1, reason: 'invalid' });
    expect(rejected.invalidParams.map((p: { name: string }) => p.name).sort()).toEqual(['body', 'direction', 'timestamp']);
    expect(JSON.stringify(rejected)).not.toMatch(/Invalid|received/);
    const rows = await hub.app.get(DataSource).query('SELECT count(*) FROM message_log WHERE origin = $1', [a.domain]);
    expect(Number(rows[0].count)).toBe(1);
  });

  it('should reject only the JSON Lines record nested too deeply', async () => {
    const good = JSON.stringify(messageRecord(a.domain, b.domain));
    const res = await http()
      .post('/v1/message-log')
      .set(auth(a))
      .set('Content-Type', 'application/jsonl')
      .send(`${'['.repeat(400_000)}${']'.repeat(400_000)}\n${good}\n`)
      .expect(200);
    expect(res.body.counts).toEqual({ accepted: 1, duplicates: 0, rejected: 1 });
    expect(res.body.rejected[0].detail).toMatch(/nests/);
  });
});
