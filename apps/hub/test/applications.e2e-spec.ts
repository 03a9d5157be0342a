import request from 'supertest';
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

  it('should answer 409 for a domain that is already registered, in any spelling', async () => {
    await http().post('/v1/applications').send(application('dup.example.org')).expect(202);
    const res = await http().post('/v1/applications').send(application('DUP.example.org.')).expect(409);
    expect(res.body.detail).toContain('dup.example.org');
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

  it('should answer 404 for an unknown application id', async () => {
    await http().get('/v1/applications/00000000-0000-4000-8000-000000000000').expect(404);
    await http().get('/v1/applications/garbage').expect(404);
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
