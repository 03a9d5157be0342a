import request from 'supertest';
import { DataSource } from 'typeorm';
import { createActiveMember, memberDocument, testConfig, type ActiveMember } from '@app/testing';
import { toProvisioningXml } from '@app/xml';
import { startTestHub, TestHub } from './test-hub.js';

const XML = 'application/pres-im-provisioning+xml';

describe('provisioning publishing and retrieval (e2e)', () => {
  let hub: TestHub;
  let a: ActiveMember;
  let b: ActiveMember;
  const http = () => request(hub.app.getHttpServer());
  const auth = (m: ActiveMember) => ({ Authorization: `Bearer ${m.token}` });
  const publishXml = (m: ActiveMember, xml: string) =>
    http().put('/v1/provisioning').set(auth(m)).set('Content-Type', XML).send(xml);

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
  });
  afterAll(() => hub.close());
  beforeEach(async () => {
    await hub.reset();
    a = await createActiveMember(hub.app, 'a.example.com');
    b = await createActiveMember(hub.app, 'b.example.org');
  });

  it('should publish an XML document as version 1 and serve it to a peer with ETag and 304', async () => {
    const published = await publishXml(b, toProvisioningXml(memberDocument(b.domain))).expect(201);
    expect(published.body).toMatchObject({ seq: 1, created: true });
    const res = await http().get(`/.well-known/pres-im-provisioning/${b.domain}`).set(auth(a)).expect(200);
    expect(res.headers['content-type']).toContain(XML);
    expect(res.text).toContain(`for="${a.domain}"`);
    expect(res.text).not.toContain('clearing-house-membership');
    expect(res.headers.vary).toContain('Authorization');
    expect(res.headers['cache-control']).toContain('private');
    await http()
      .get(`/.well-known/pres-im-provisioning/${b.domain}`)
      .set(auth(a))
      .set('If-None-Match', res.headers.etag)
      .expect(304);
  });

  it('should accept the JSON form, give identical content the same ver, and not create a version for it', async () => {
    const first = await publishXml(b, toProvisioningXml(memberDocument(b.domain))).expect(201);
    const again = await http().put('/v1/provisioning').set(auth(b)).send(memberDocument(b.domain)).expect(200);
    expect(again.body).toMatchObject({ seq: 1, ver: first.body.ver, created: false });
    const changed = await http()
      .put('/v1/provisioning')
      .set(auth(b))
      .send(memberDocument(b.domain, { edge: 'edge2.b.example.org' }))
      .expect(201);
    expect(changed.body.seq).toBe(2);
    expect(changed.body.ver).not.toBe(first.body.ver);
    const versions = await http().get('/v1/provisioning/versions').set(auth(b)).expect(200);
    expect(versions.body.items.map((v: { seq: number }) => v.seq)).toEqual([2, 1]);
    const v1 = await http().get('/v1/provisioning/versions/1').set(auth(b)).expect(200);
    expect(v1.body.document.connectivity.dnsNames.dnsName[0].value).toBe('edge.b.example.org');
  });

  it('should serve JSON when asked by Accept', async () => {
    await publishXml(b, toProvisioningXml(memberDocument(b.domain))).expect(201);
    const res = await http()
      .get(`/.well-known/pres-im-provisioning/${b.domain}`)
      .set(auth(a))
      .set('Accept', 'application/json')
      .expect(200);
    expect(res.headers['content-type']).toContain('application/pres-im-provisioning+json');
    expect(JSON.parse(res.text)).toMatchObject({ domain: b.domain, for: a.domain });
  });

  it("should refuse a document for another member's domain and store nothing", async () => {
    const res = await publishXml(b, toProvisioningXml(memberDocument(a.domain))).expect(400);
    expect(res.body.invalidParams[0]).toMatchObject({ name: '/domain' });
    const rows = await hub.app.get(DataSource).query('SELECT count(*)::int AS n FROM provisioning_versions');
    expect(rows[0].n).toBe(0);
  });

  it('should refuse an expired document naming expires, and store nothing', async () => {
    const expired = { ...memberDocument(b.domain), expires: '2024-05-02T10:00:00Z' };
    const res = await publishXml(b, toProvisioningXml(expired)).expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.invalidParams).toEqual([
      { name: '/expires', reason: expect.stringContaining('expired at 2024-05-02T10:00:00Z') },
    ]);
    const rows = await hub.app.get(DataSource).query('SELECT count(*)::int AS n FROM provisioning_versions');
    expect(rows[0].n).toBe(0);
  });

  it('should refuse a schema-invalid document quoting the validator with a line number', async () => {
    const xml = toProvisioningXml(memberDocument(b.domain), { prettyPrint: true }).replace(
      '<connectivity>',
      '<connectivity><bogus/>',
    );
    const res = await publishXml(b, xml).expect(400);
    expect(res.body.detail).toMatch(/line \d+/);
    expect(res.body.detail).toContain('bogus');
  });

  it.each([
    [
      'XXE',
      `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><pres-im-provisioning>&x;</pres-im-provisioning>`,
    ],
    ['billion laughs', `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><l>&b;</l>`],
  ])('should refuse %s quickly with nothing stored', async (_name, xml) => {
    const started = Date.now();
    await publishXml(b, xml).expect(400);
    expect(Date.now() - started).toBeLessThan(1000);
    const rows = await hub.app.get(DataSource).query('SELECT count(*)::int AS n FROM provisioning_versions');
    expect(rows[0].n).toBe(0);
  });

  it('should refuse a 10 MB body with 413 and an unknown media type with 415', async () => {
    const big = `<?xml version="1.0"?><pres-im-provisioning>${'x'.repeat(10 * 1024 * 1024)}</pres-im-provisioning>`;
    const res = await publishXml(b, big);
    expect(res.status).toBe(413);
    await http().put('/v1/provisioning').set(auth(b)).set('Content-Type', 'text/plain').send('hello').expect(415);
  });

  it('should answer 404 for a member the caller may not see, exactly as for an unknown domain', async () => {
    await publishXml(b, toProvisioningXml(memberDocument(b.domain, { visibleToAll: false, allow: ['c.example.net'] }))).expect(
      201,
    );
    const hidden = await http().get(`/.well-known/pres-im-provisioning/${b.domain}`).set(auth(a)).expect(404);
    const unknown = await http().get('/.well-known/pres-im-provisioning/nobody.example.net').set(auth(a)).expect(404);
    expect(hidden.body.title).toBe(unknown.body.title);
    expect(hidden.body.type).toBe(unknown.body.type);
  });

  it('should apply deny lists, allow lists and directory listing', async () => {
    await publishXml(b, toProvisioningXml(memberDocument(b.domain, { deny: [a.domain] }))).expect(201);
    await http().get(`/.well-known/pres-im-provisioning/${b.domain}`).set(auth(a)).expect(404);
    await http()
      .put('/v1/provisioning')
      .set(auth(b))
      .send(memberDocument(b.domain, { visibleToAll: false, allow: [a.domain], listed: false }))
      .expect(201);
    await http().get(`/.well-known/pres-im-provisioning/${b.domain}`).set(auth(a)).expect(200);
    await http().get(`/.well-known/pres-im-provisioning/${b.domain}`).expect(404);
  });

  it('should show anonymous callers only members visible to all and listed', async () => {
    await publishXml(b, toProvisioningXml(memberDocument(b.domain, { listed: true, visibleToAll: true }))).expect(201);
    await publishXml(a, toProvisioningXml(memberDocument(a.domain, { listed: false }))).expect(201);
    const res = await http().get(`/.well-known/pres-im-provisioning/${b.domain}`).expect(200);
    expect(res.headers['cache-control']).toContain('public');
    await http().get(`/.well-known/pres-im-provisioning/${a.domain}`).expect(404);
    const hubDoc = await http().get('/.well-known/pres-im-provisioning').expect(200);
    expect(hubDoc.text).toContain('role="clearing-house"');
    expect(hubDoc.text).toContain(`domain="${b.domain}"`);
    expect(hubDoc.text).not.toContain(`domain="${a.domain}"`);
  });

  it('should hide a suspended member at once and show it again when reinstated', async () => {
    await publishXml(b, toProvisioningXml(memberDocument(b.domain))).expect(201);
    await http().get(`/.well-known/pres-im-provisioning/${b.domain}`).set(auth(a)).expect(200);
    await http()
      .post(`/admin/v1/members/${b.domain}/suspend`)
      .set({ Authorization: `Bearer ${hub.config.hub.bootstrapOperatorToken}` })
      .send({})
      .expect(200);
    await http().get(`/.well-known/pres-im-provisioning/${b.domain}`).set(auth(a)).expect(404);
    await http()
      .post(`/admin/v1/members/${b.domain}/reinstate`)
      .set({ Authorization: `Bearer ${hub.config.hub.bootstrapOperatorToken}` })
      .send({})
      .expect(200);
    await http().get(`/.well-known/pres-im-provisioning/${b.domain}`).set(auth(a)).expect(200);
  });

  it("should serve a peer's override to that peer only", async () => {
    await publishXml(b, toProvisioningXml(memberDocument(b.domain))).expect(201);
    const base = await http().get(`/.well-known/pres-im-provisioning/${b.domain}`).set(auth(a)).expect(200);
    await http()
      .put(`/v1/provisioning/overrides/${a.domain}`)
      .set(auth(b))
      .send({ connectivity: { dnsNames: { dnsName: [{ service: 'any', protocol: 'sip', value: 'edge-for-a.b.example.org' }] } } })
      .expect(200);
    const forA = await http().get(`/.well-known/pres-im-provisioning/${b.domain}`).set(auth(a)).expect(200);
    expect(forA.text).toContain('edge-for-a.b.example.org');
    expect(forA.headers.etag).not.toBe(base.headers.etag);
    const c = await createActiveMember(hub.app, 'c.example.net');
    const forC = await http().get(`/.well-known/pres-im-provisioning/${b.domain}`).set(auth(c)).expect(200);
    expect(forC.text).not.toContain('edge-for-a');
    await http().delete(`/v1/provisioning/overrides/${a.domain}`).set(auth(b)).expect(204);
    const back = await http().get(`/.well-known/pres-im-provisioning/${b.domain}`).set(auth(a)).expect(200);
    expect(back.headers.etag).toBe(base.headers.etag);
  });

  it('should reject an override that would change who may see the member', async () => {
    const res = await http()
      .put(`/v1/provisioning/overrides/${a.domain}`)
      .set(auth(b))
      .send({ clearingHouseMembership: null })
      .expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('should stream the aggregated view and filter it by since', async () => {
    await publishXml(b, toProvisioningXml(memberDocument(b.domain))).expect(201);
    const all = await http().get('/v1/federation/provisioning').set(auth(a)).expect(200);
    expect(all.text).toContain(`domain="${b.domain}"`);
    expect(all.text).toContain('edge.b.example.org');
    const later = new Date(Date.now() + 60_000).toISOString();
    const none = await http().get('/v1/federation/provisioning').query({ since: later }).set(auth(a)).expect(200);
    expect(none.text).not.toContain(`domain="${b.domain}"`);
    await http().get('/v1/federation/provisioning').query({ since: 'tomorrow' }).expect(400);
  });

  it('should list visible changes for polling', async () => {
    await publishXml(b, toProvisioningXml(memberDocument(b.domain))).expect(201);
    await publishXml(a, toProvisioningXml(memberDocument(a.domain, { visibleToAll: false }))).expect(201);
    const c = await createActiveMember(hub.app, 'c.example.net');
    const res = await http().get('/v1/provisioning/changes').set(auth(c)).expect(200);
    expect(res.body.items.map((i: { domain: string }) => i.domain)).toEqual([b.domain]);
    const next = await http().get('/v1/provisioning/changes').query({ cursor: res.body.nextCursor }).set(auth(c)).expect(200);
    expect(next.body.items).toEqual([]);
  });

  it('should require an active member key for the member endpoints and a valid one when given on public ones', async () => {
    await http().put('/v1/provisioning').set('Content-Type', XML).send('<x/>').expect(401);
    await http().get('/v1/provisioning/versions').expect(401);
    await http()
      .get(`/.well-known/pres-im-provisioning/${b.domain}`)
      .set('Authorization', 'Bearer hubmk_wrong-wrong-wrong-wrong')
      .expect(401);
  });

  it('should refuse overrides before a document exists and overrides that break the document', async () => {
    await http().put(`/v1/provisioning/overrides/${a.domain}`).set(auth(b)).send({ chatFeatures: null }).expect(409);
    await publishXml(b, toProvisioningXml(memberDocument(b.domain))).expect(201);
    const broken = await http()
      .put(`/v1/provisioning/overrides/${a.domain}`)
      .set(auth(b))
      .send({ connectivity: { tls: { minVersion: '1.3' } } });
    expect(broken.status).toBe(400);
    const injected = await http()
      .put(`/v1/provisioning/overrides/${a.domain}`)
      .set(auth(b))
      .send({ clearingHouse: { topology: { mode: 'hub' } } });
    expect(injected.status).toBe(400);
  });

  it('should refuse a JSON document above the document size limit with 413', async () => {
    const doc = memberDocument(b.domain);
    const padded = {
      ...doc,
      contact: Array.from({ length: 6000 }, (_, i) => ({ type: 'admin', value: `mailto:admin${i}@b.example.org` })),
    };
    await http().put('/v1/provisioning').set(auth(b)).send(padded).expect(413);
  });

  it('should answer 304 on the own document with the format-specific ETag', async () => {
    await publishXml(b, toProvisioningXml(memberDocument(b.domain))).expect(201);
    const json = await http().get('/v1/provisioning').set(auth(b)).set('Accept', 'application/json').expect(200);
    expect(json.headers.etag).toMatch(/\.json"$/);
    await http()
      .get('/v1/provisioning')
      .set(auth(b))
      .set('Accept', 'application/json')
      .set('If-None-Match', json.headers.etag)
      .expect(304);
  });
});
