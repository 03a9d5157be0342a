import request from 'supertest';
import { DataSource } from 'typeorm';
import { operatorAuth, testConfig } from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

const application = (domain: string) => ({
  domain,
  displayName: 'Applicant',
  protocols: ['xmpp'],
  contacts: { security: ['mailto:sec@applicant.example'] },
});

describe('membership applications (e2e)', () => {
  let hub: TestHub;
  const http = () => request(hub.app.getHttpServer());

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
  });
  afterAll(() => hub.close());
  beforeEach(() => hub.reset());

  it('should accept an application without credentials and create a pending member', async () => {
    const res = await http().post('/v1/applications').send(application('Applicant.Example.org')).expect(202);
    expect(res.body).toMatchObject({ domain: 'applicant.example.org', status: 'pending' });
    expect(res.body.applicationId).toMatch(/^[0-9a-f-]{36}$/);
    const member = await http().get('/admin/v1/members/applicant.example.org').set(operatorAuth).expect(200);
    expect(member.body.status).toBe('pending');
    const status = await http().get(`/v1/applications/${res.body.applicationId}`).expect(200);
    expect(status.body.status).toBe('pending');
  });

  it('should audit the application as an anonymous action', async () => {
    await http().post('/v1/applications').send(application('audited.example.org')).expect(202);
    const audit = await http().get('/admin/v1/audit').query({ action: 'member.applied' }).set(operatorAuth).expect(200);
    expect(audit.body.items[0]).toMatchObject({ actor: { type: 'anonymous' }, target: { id: 'audited.example.org' } });
  });

  it('should answer an application for a registered domain, in any spelling, like any other and store nothing', async () => {
    await http().post('/v1/applications').send(application('dup.example.org')).expect(202);
    const members = async () => (await http().get('/admin/v1/members').set(operatorAuth).expect(200)).body.items;
    const stored = await members();
    const taken = await http().post('/v1/applications').send(application('DUP.example.org.'));
    const free = await http().post('/v1/applications').send(application('FREE.example.org.'));
    const seen = (res: request.Response, domain: string) => ({
      status: res.status,
      type: res.headers['content-type'],
      body: res.text
        .replaceAll(domain, 'D')
        .replace(/"applicationId":"[0-9a-f-]{36}"/, '"applicationId":"…"')
        .replace(/"claimSecret":"hubac_[A-Za-z0-9_-]+"/, '"claimSecret":"hubac_…"'),
    });
    expect(seen(taken, 'dup.example.org')).toEqual(seen(free, 'free.example.org'));
    expect(taken.status).toBe(202);
    expect(taken.body.claimSecret).toHaveLength(free.body.claimSecret.length);
    expect(taken.body.applicationId).not.toBe(stored[0].id);
    expect((await members()).map((m: { domain: string }) => m.domain).sort()).toEqual(['dup.example.org', 'free.example.org']);
    const audit = await http()
      .get('/admin/v1/audit')
      .query({ action: 'member.application-refused' })
      .set(operatorAuth)
      .expect(200);
    expect(audit.body.items[0]).toMatchObject({
      target: { id: taken.body.applicationId },
      details: { domain: 'dup.example.org' },
    });
    // and its status answers like that of a real application still waiting for an operator
    const takenStatus = await http().get(`/v1/applications/${taken.body.applicationId}`);
    const freeStatus = await http().get(`/v1/applications/${free.body.applicationId}`);
    const statusSeen = (res: request.Response, domain: string) =>
      seen(res, domain).body.replace(/"statusChangedAt":"[^"]*"/, '"statusChangedAt":"…"');
    expect(takenStatus.status).toBe(200);
    expect(statusSeen(takenStatus, 'dup.example.org')).toBe(statusSeen(freeStatus, 'free.example.org'));
  });

  it.each([
    ['hub.test.example', 'reserved for the clearing house'],
    ['Rooms.HUB.test.example.', 'reserved for the clearing house'],
    ['p\u0430ypal.example.org', 'mixes scripts'],
    ['xn--pypal-4ve.example.org', 'mixes scripts'],
    ['\u0430\u0440\u0440\u04CF\u0435.example.org', 'whole-script confusable'],
    ['a\uD800b.example.org', 'unpaired UTF-16 surrogate'],
  ])('should refuse the domain %p with 400 naming the field and store nothing', async (domain, reason) => {
    // JSON.stringify writes a lone surrogate as the escape "\ud800", as a hostile client would send it
    const body = JSON.stringify(application(domain));
    const res = await http().post('/v1/applications').set('Content-Type', 'application/json').send(body).expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.invalidParams).toEqual([{ name: 'domain', reason: expect.stringContaining(reason) }]);
    expect((await http().get('/admin/v1/members').set(operatorAuth).expect(200)).body.items).toEqual([]);
  });

  it('should refuse a display name with an unpaired surrogate instead of storing U+FFFD', async () => {
    const body = JSON.stringify({ ...application('surrogate.example.org'), displayName: 'Bad \uD83D name' });
    const res = await http().post('/v1/applications').set('Content-Type', 'application/json').send(body).expect(400);
    expect(res.body.invalidParams).toEqual([
      { name: 'displayName', reason: expect.stringContaining('unpaired UTF-16 surrogate') },
    ]);
    await http().get('/admin/v1/members/surrogate.example.org').set(operatorAuth).expect(404);
  });

  it("should refuse an operator's registration of the hub's own name", async () => {
    const res = await http().post('/admin/v1/members').set(operatorAuth).send(application('hub.test.example')).expect(400);
    expect(res.body.invalidParams).toEqual([
      { name: 'domain', reason: expect.stringContaining('reserved for the clearing house') },
    ]);
  });

  it.each([
    ['not_a_domain', 'domain'],
    ['localhost', 'domain'],
    ['a..b.example', 'domain'],
  ])('should answer 400 naming the field for domain %p', async (domain, field) => {
    const res = await http().post('/v1/applications').send(application(domain)).expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.invalidParams.map((p: { name: string }) => p.name)).toContain(field);
  });

  it('should answer 400 naming each invalid field of the body', async () => {
    const res = await http()
      .post('/v1/applications')
      .send({ domain: 'ok.example.org', protocols: ['irc'], contacts: { admin: ['nope'] }, extra: true })
      .expect(400);
    const names = res.body.invalidParams.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['displayName', 'protocols', 'extra']));
  });

  it('should answer 400 for an invalid contact URI', async () => {
    const res = await http()
      .post('/v1/applications')
      .send({ ...application('contact.example.org'), contacts: { admin: ['javascript:alert(1)'] } })
      .expect(400);
    expect(res.body.invalidParams).toEqual([{ name: 'contacts.admin[0]', reason: expect.stringContaining('not a contact URI') }]);
  });

  it('should answer 400 for malformed JSON and 415 for other media types', async () => {
    const bad = await http().post('/v1/applications').set('Content-Type', 'application/json').send('{"domain":').expect(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    await http().post('/v1/applications').set('Content-Type', 'text/csv').send('a,b').expect(415);
  });

  it('should return a one-time claim secret, not cacheable, and store only its hash', async () => {
    const res = await http().post('/v1/applications').send(application('claim-hash.example.org')).expect(202);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.claimSecret).toMatch(/^hubac_[A-Za-z0-9_-]{43}$/);
    const [row] = await hub.app
      .get(DataSource)
      .query(`SELECT claim_secret_hash FROM members WHERE domain = 'claim-hash.example.org'`);
    expect(row.claim_secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(res.body.claimSecret);
  });

  it('should answer 404 for an unknown application id', async () => {
    await http().get('/v1/applications/00000000-0000-4000-8000-000000000000').expect(404);
    await http().get('/v1/applications/garbage').expect(404);
  });
});

describe('collecting the API key of an approved application (e2e)', () => {
  let hub: TestHub;
  const http = () => request(hub.app.getHttpServer());
  const collect = (domain: string, secret?: string) => {
    const req = http().post(`/v1/applications/${domain}/api-key`);
    return secret === undefined ? req : req.set('Authorization', `Bearer ${secret}`);
  };
  const apply = async (domain: string): Promise<string> =>
    (await http().post('/v1/applications').send(application(domain)).expect(202)).body.claimSecret as string;
  const approve = (domain: string) => http().post(`/admin/v1/members/${domain}/approve`).set(operatorAuth).send({}).expect(200);
  /** The parts of a problem answer that could differ between cases (the request id always does). */
  const shape = (res: request.Response) => ({
    status: res.status,
    contentType: res.headers['content-type'],
    body: { ...res.body, instance: undefined, requestId: undefined },
  });

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
  });
  afterAll(() => hub.close());
  beforeEach(() => hub.reset());

  it('should hand out a working API key once after approval, not cacheable', async () => {
    const secret = await apply('collect.example.org');
    await approve('collect.example.org');
    const res = await collect('collect.example.org', secret).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.apiKey).toMatchObject({ label: 'applicant', token: expect.stringMatching(/^hubmk_/) });
    const me = await http().get('/v1/members/me').set('Authorization', `Bearer ${res.body.apiKey.token}`).expect(200);
    expect(me.body.domain).toBe('collect.example.org');
  });

  it('should answer a second collection like an unknown domain', async () => {
    const secret = await apply('twice.example.org');
    await approve('twice.example.org');
    await collect('twice.example.org', secret).expect(200);
    const again = await collect('twice.example.org', secret).expect(404);
    const unknown = await collect('unknown-domain.example.org', secret).expect(404);
    expect(shape(again)).toEqual(shape(unknown));
    const keys = await http().get('/admin/v1/members/twice.example.org/keys').set(operatorAuth).expect(200);
    expect(keys.body.items.map((k: { label: string }) => k.label).sort()).toEqual(['applicant', 'initial']);
  });

  it('should answer a pending application, a wrong secret and an unknown domain identically with 404', async () => {
    const secret = await apply('pending.example.org');
    const otherSecret = await apply('other.example.org');
    await approve('other.example.org');
    const pending = await collect('pending.example.org', secret).expect(404);
    const wrong = await collect('other.example.org', secret).expect(404);
    const notAClaim = await collect('other.example.org', 'hubmk_' + 'x'.repeat(43)).expect(404);
    const unknown = await collect('nobody.example.org', secret).expect(404);
    expect(pending.headers['content-type']).toContain('application/problem+json');
    for (const res of [wrong, notAClaim, unknown]) {
      expect({ ...shape(res), body: { ...shape(res).body, detail: undefined } }).toEqual({
        ...shape(pending),
        body: { ...shape(pending).body, detail: undefined },
      });
      expect(res.body.detail).toBe(pending.body.detail);
    }
    // the pending applicant can still collect once approved
    await approve('pending.example.org');
    await collect('pending.example.org', secret).expect(200);
    await collect('other.example.org', otherSecret).expect(200);
  });

  it('should answer 401 without bearer credentials', async () => {
    await apply('nocreds.example.org');
    await approve('nocreds.example.org');
    const res = await collect('nocreds.example.org').expect(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    await http().post('/v1/applications/nocreds.example.org/api-key').set('Authorization', 'Basic abc').expect(401);
  });

  it('should not hand out a key to a suspended member', async () => {
    const secret = await apply('suspended.example.org');
    await approve('suspended.example.org');
    await http().post('/admin/v1/members/suspended.example.org/suspend').set(operatorAuth).send({ reason: 'test' }).expect(200);
    await collect('suspended.example.org', secret).expect(404);
  });
});

describe('membership applications rate limit (e2e)', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub(testConfig({ HUB_APPLICATIONS_RATE_LIMIT: '2' }));
    await hub.reset();
  });
  afterAll(() => hub.close());

  it('should answer 429 problem+json once a client exceeds the limit', async () => {
    const http = request(hub.app.getHttpServer());
    await http.post('/v1/applications').send(application('r1.example.org')).expect(202);
    await http.post('/v1/applications').send(application('r2.example.org')).expect(202);
    const res = await http.post('/v1/applications').send(application('r3.example.org')).expect(429);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['retry-after']).toBeDefined();
    await http.get('/admin/v1/members/r3.example.org').set(operatorAuth).expect(404);
  });
});
