import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { certificatePins } from '@app/interconnect';
import {
  createActiveMember,
  createTestCa,
  issueClientCert,
  memberDocument,
  operatorAuth,
  testConfig,
  type ActiveMember,
} from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

describe('authorized interconnection (e2e)', () => {
  let hub: TestHub;
  let a: ActiveMember;
  let b: ActiveMember;
  const http = () => request(hub.app.getHttpServer());
  const auth = (m: ActiveMember) => ({ Authorization: `Bearer ${m.token}` });
  const decision = async (from: ActiveMember, peer: string, service = 'im') =>
    (await http().get('/v1/interconnect/decisions').query({ peer, service }).set(auth(from)).expect(200)).body;
  /** the operators' explanation: a member is told about a peer hidden from it only what it would be told about an unknown domain */
  const operatorView = async (from: ActiveMember, peer: string, service = 'im') =>
    (
      await http()
        .get('/admin/v1/interconnect/decisions')
        .query({ requestor: from.domain, peer, service })
        .set(operatorAuth)
        .expect(200)
    ).body;
  const setMode = (mode: string) => http().put('/admin/v1/federation/mode').set(operatorAuth).send({ mode }).expect(200);

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
  });
  afterAll(() => hub.close());
  beforeEach(async () => {
    await hub.reset();
    a = await createActiveMember(hub.app, 'a.example.com');
    b = await createActiveMember(hub.app, 'b.example.org');
  });

  it('should allow active members in open federation and explain the rules', async () => {
    const d = await decision(a, b.domain);
    expect(d).toMatchObject({ allowed: true, reason: 'allowed-open-federation' });
    expect(d.rules.map((r: { rule: string }) => r.rule)).toContain('federation-policy');
  });

  it('should refuse at once when the target blocks the requestor, and allow again when unblocked', async () => {
    await http().post('/v1/interconnect/blocks').set(auth(b)).send({ peer: a.domain }).expect(204);
    expect(await operatorView(a, b.domain)).toMatchObject({ allowed: false, reason: 'blocked-by-target' });
    expect(await decision(a, b.domain)).toMatchObject({ allowed: false, reason: 'target-unknown' });
    await http().delete(`/v1/interconnect/blocks/${a.domain}`).set(auth(b)).expect(204);
    expect((await decision(a, b.domain)).allowed).toBe(true);
  });

  it('should refuse a pair blocked by operators', async () => {
    await http().post('/admin/v1/blocks').set(operatorAuth).send({ a: b.domain, b: a.domain, reason: 'dispute' }).expect(204);
    expect(await operatorView(a, b.domain)).toMatchObject({ allowed: false, reason: 'blocked-by-operator' });
  });

  it('should refuse when the target denies the requestor in its Peer Network Privacy', async () => {
    await http()
      .put('/v1/provisioning')
      .set(auth(b))
      .send(memberDocument(b.domain, { deny: [a.domain] }))
      .expect(201);
    expect(await operatorView(a, b.domain)).toMatchObject({ allowed: false, reason: 'denied-by-privacy' });
  });

  it('should refuse every interconnection of a suspended member at once', async () => {
    await http().post(`/admin/v1/members/${b.domain}/suspend`).set(operatorAuth).send({}).expect(200);
    const res = await http()
      .get('/admin/v1/interconnect/decisions')
      .query({ requestor: a.domain, peer: b.domain, service: 'im' })
      .set(operatorAuth)
      .expect(200);
    expect(res.body).toMatchObject({ allowed: false, reason: 'target-not-active' });
  });

  it('should require an accepted agreement for the service in agreement mode', async () => {
    await setMode('agreement');
    expect(await decision(a, b.domain)).toMatchObject({ allowed: false, reason: 'no-agreement' });
    const offer = await http()
      .post('/v1/interconnect/offers')
      .set(auth(a))
      .send({ peer: b.domain, services: ['im', 'presence'] })
      .expect(201);
    expect((await decision(a, b.domain)).allowed).toBe(false);
    await http().post(`/v1/interconnect/agreements/${offer.body.id}/accept`).set(auth(a)).expect(403);
    for (const step of ['accept', 'reject', 'revoke']) {
      for (const id of ['not-a-uuid', '99999999999999999999', '00000000-0000-0000-0000-000000000000']) {
        const res = await http().post(`/v1/interconnect/agreements/${id}/${step}`).set(auth(b));
        expect([res.status, res.headers['content-type']]).toEqual([404, expect.stringContaining('application/problem+json')]);
      }
    }
    await http().post(`/v1/interconnect/agreements/${offer.body.id}/accept`).set(auth(b)).expect(200);
    expect(await decision(a, b.domain, 'im')).toMatchObject({ allowed: true, reason: 'allowed-by-agreement' });
    expect((await decision(b, a.domain, 'presence')).allowed).toBe(true);
    expect(await decision(a, b.domain, 'file-transfer')).toMatchObject({ allowed: false, reason: 'service-not-in-agreement' });
    await http().post(`/v1/interconnect/agreements/${offer.body.id}/revoke`).set(auth(b)).expect(200);
    expect((await decision(a, b.domain)).allowed).toBe(false);
  });

  it('should stop counting an agreement past its expiry without any job running', async () => {
    await setMode('agreement');
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const offer = await http()
      .post('/v1/interconnect/offers')
      .set(auth(a))
      .send({ peer: b.domain, services: ['im'], expiresAt })
      .expect(201);
    await http().post(`/v1/interconnect/agreements/${offer.body.id}/accept`).set(auth(b)).expect(200);
    expect((await decision(a, b.domain)).allowed).toBe(true);
    await new Promise((r) => setTimeout(r, 1700));
    expect(await decision(a, b.domain)).toMatchObject({ allowed: false, reason: 'agreement-expired' });
  });

  it('should hide agreements between other members', async () => {
    const offer = await http()
      .post('/v1/interconnect/offers')
      .set(auth(a))
      .send({ peer: b.domain, services: ['im'] })
      .expect(201);
    const c = await createActiveMember(hub.app, 'c.example.net');
    await http().post(`/v1/interconnect/agreements/${offer.body.id}/revoke`).set(auth(c)).expect(404);
  });

  it('should dry-run a policy change without applying it', async () => {
    const res = await http()
      .post('/admin/v1/federation/dry-run')
      .set(operatorAuth)
      .send({ requestor: a.domain, peer: b.domain, service: 'im', mode: 'agreement' })
      .expect(200);
    expect(res.body.current.allowed).toBe(true);
    expect(res.body.proposed).toMatchObject({ allowed: false, reason: 'no-agreement' });
    expect((await http().get('/admin/v1/federation/mode').set(operatorAuth).expect(200)).body.mode).toBe('open');
  });

  it('should verify a connecting party by certificate pin and stop once the pin is revoked', async () => {
    const ca = createTestCa();
    const cert = issueClientCert(ca, 'edge.a.example.com');
    const added = await http()
      .post('/v1/interconnect/credentials')
      .set(auth(a))
      .send({ kind: 'certificate-pin', certificatePem: cert.certPem })
      .expect(201);
    const pin = certificatePins(cert.certPem).certSha256Hex;
    const ok = await http()
      .post('/v1/interconnect/verify')
      .set(auth(b))
      .send({ claimedDomain: a.domain, certificatePin: pin, service: 'im' })
      .expect(200);
    expect(ok.body).toMatchObject({ authentic: true, decision: { allowed: true }, credential: { type: 'certificate-pin' } });
    const wrongDomain = await http()
      .post('/v1/interconnect/verify')
      .set(auth(b))
      .send({ claimedDomain: 'c.example.net', certificatePin: pin, service: 'im' });
    expect(wrongDomain.body.authentic).toBe(false);
    await http().delete(`/v1/interconnect/credentials/${added.body.id}`).set(auth(a)).expect(204);
    const revoked = await http()
      .post('/v1/interconnect/verify')
      .set(auth(b))
      .send({ claimedDomain: a.domain, certificatePin: pin, service: 'im' })
      .expect(200);
    expect(revoked.body).toMatchObject({ authentic: false, reason: 'credential-not-recognised', validUntil: null });
  });

  it('should verify by key id and refuse private keys and unsupported curves', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const added = await http()
      .post('/v1/interconnect/credentials')
      .set(auth(a))
      .send({ kind: 'jwk', jwk: publicKey.export({ format: 'jwk' }) })
      .expect(201);
    const res = await http()
      .post('/v1/interconnect/verify')
      .set(auth(b))
      .send({ claimedDomain: a.domain, keyId: added.body.kid, service: 'presence' })
      .expect(200);
    expect(res.body.authentic).toBe(true);
    await http()
      .post('/v1/interconnect/credentials')
      .set(auth(a))
      .send({ kind: 'jwk', jwk: privateKey.export({ format: 'jwk' }) })
      .expect(400);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    await http().post('/v1/interconnect/credentials').set(auth(a)).send({ kind: 'jwk', jwk: rsa }).expect(400);
  });

  it('should keep a hash-chained transparency log that verifies and detects an altered entry', async () => {
    await http()
      .post('/v1/interconnect/offers')
      .set(auth(a))
      .send({ peer: b.domain, services: ['im'] })
      .expect(201);
    const kinds = async (m: ActiveMember) =>
      (await http().get('/v1/transparency/entries').set(auth(m)).expect(200)).body.items.map((e: { kind: string }) => e.kind);
    expect(await kinds(b)).toEqual(['peering.offered']);
    await http().post('/v1/interconnect/blocks').set(auth(b)).send({ peer: a.domain }).expect(204);
    await setMode('agreement');
    // the block hides a from b (the one visibility rule): entries naming a are left out, b's own block is not
    expect(await kinds(b)).toEqual(['block.member.added']);
    const chain = await http().get('/v1/transparency/chain').expect(200);
    expect(chain.body.items).toHaveLength(3);
    expect(chain.body.items[1].prevHash).toBe(chain.body.items[0].hash);
    await http().get('/admin/v1/transparency/verification').set(operatorAuth).expect(200, { ok: true });
    await hub.app
      .get(DataSource)
      .query(
        `UPDATE transparency_log SET entry = jsonb_set(entry, '{services}', '["file-transfer"]') WHERE kind = 'peering.offered'`,
      );
    const broken = await http().get('/admin/v1/transparency/verification').set(operatorAuth).expect(200);
    expect(broken.body).toMatchObject({ ok: false, brokenAt: chain.body.items[0].seq, reason: 'hash-mismatch' });
  });

  it('should protect every interconnect route', async () => {
    await http().get('/v1/interconnect/decisions').query({ peer: b.domain, service: 'im' }).expect(401);
    await http().post('/v1/interconnect/offers').send({}).expect(401);
    await http().get('/v1/transparency/entries').expect(401);
    await http().put('/admin/v1/federation/mode').set(auth(a)).send({ mode: 'open' }).expect(403);
    await http().post('/admin/v1/blocks').send({ a: a.domain, b: b.domain }).expect(401);
    await http().get('/admin/v1/interconnect/decisions').set(auth(a)).expect(403);
    await http().get('/v1/interconnect/decisions').query({ peer: b.domain, service: 'teleport' }).set(auth(a)).expect(400);
  });

  it('should apply blocks to provisioning views exactly as to decisions', async () => {
    await http().put('/v1/provisioning').set(auth(b)).send(memberDocument(b.domain)).expect(201);
    await http().get(`/.well-known/pres-im-provisioning/${b.domain}`).set(auth(a)).expect(200);
    await http().post('/admin/v1/blocks').set(operatorAuth).send({ a: a.domain, b: b.domain }).expect(204);
    await http().get(`/.well-known/pres-im-provisioning/${b.domain}`).set(auth(a)).expect(404);
    await http().delete('/admin/v1/blocks').set(operatorAuth).send({ a: a.domain, b: b.domain }).expect(204);
    await http().get(`/.well-known/pres-im-provisioning/${b.domain}`).set(auth(a)).expect(200);
  });

  it('should refuse a certificate pin already registered by another member', async () => {
    const cert = issueClientCert(createTestCa(), 'shared.example');
    await http()
      .post('/v1/interconnect/credentials')
      .set(auth(a))
      .send({ kind: 'certificate-pin', certificatePem: cert.certPem })
      .expect(201);
    await http()
      .post('/v1/interconnect/credentials')
      .set(auth(b))
      .send({ kind: 'certificate-pin', certificatePem: cert.certPem })
      .expect(409);
  });
});
