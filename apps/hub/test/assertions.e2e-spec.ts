import { createPublicKey, randomBytes, verify as cryptoVerify, type JsonWebKey } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ALL_CHANGED, ChangeBus, HubKeyRepository, TransactionRunner } from '@app/db';
import { AssertionVerificationError, HubKeysService, NoHubSigningKeyError, SecretBox, verifyAssertion } from '@app/interconnect';
import { AuditTrail } from '@app/audit';
import { createActiveMember, operatorAuth, testConfig, type ActiveMember } from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

const HUB = 'hub.test.example';
const SECRET = randomBytes(32);
type Jwks = { keys: (JsonWebKey & { kid: string })[] };

/**
 * A verifier that shares no code with the hub (no jose): Node's crypto.verify over the JWS signing
 * input with the JWK from the JWKS, then the claims checked by hand. Returns the claims or the
 * reason it refuses.
 */
function independentVerify(
  token: string,
  jwks: Jwks,
  expected: { issuer: string; audience: string },
): { ok: true; claims: Record<string, unknown>; kid: string } | { ok: false; reason: string } {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [h, p, s] = parts;
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg: string; kid: string; typ: string };
  if (header.typ !== 'interconnect-assertion+jwt') return { ok: false, reason: 'wrong-type' };
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) return { ok: false, reason: 'unknown-key' };
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const input = Buffer.from(`${h}.${p}`, 'ascii');
  const signature = Buffer.from(s, 'base64url');
  const valid =
    header.alg === 'EdDSA'
      ? cryptoVerify(null, input, key, signature)
      : header.alg === 'ES256'
        ? cryptoVerify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature)
        : false;
  if (!valid) return { ok: false, reason: 'bad-signature' };
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (claims.iss !== expected.issuer) return { ok: false, reason: 'wrong-issuer' };
  if (claims.aud !== expected.audience) return { ok: false, reason: 'wrong-audience' };
  if (typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000) return { ok: false, reason: 'expired' };
  return { ok: true, claims, kid: header.kid };
}

/** Re-encodes the payload with one claim changed, keeping header and signature. */
function tamper(token: string, change: Record<string, unknown>): string {
  const [h, p, s] = token.split('.');
  const claims = { ...JSON.parse(Buffer.from(p, 'base64url').toString('utf8')), ...change };
  return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
}

describe('hub-signed assertions (e2e)', () => {
  let hub: TestHub;
  let a: ActiveMember;
  let b: ActiveMember;
  const http = () => request(hub.app.getHttpServer());
  const auth = (m: ActiveMember) => ({ Authorization: `Bearer ${m.token}` });
  const assertion = async (from: ActiveMember, peer: string, service = 'im', ttlSeconds?: number) =>
    (
      await http()
        .post('/v1/interconnect/assertions')
        .set(auth(from))
        .send({ peer, service, ...(ttlSeconds ? { ttlSeconds } : {}) })
        .expect(201)
    ).body as { assertion: string; expiresAt: string; kid: string };
  const jwks = async (): Promise<Jwks> => JSON.parse((await http().get('/.well-known/jwks.json').expect(200)).text);
  const rotate = async () => (await http().post('/admin/v1/hub-keys/rotate').set(operatorAuth).expect(201)).body;
  /** Another hub replica or a later process (another HUB_SECRET_KEY, or none) on the same database. */
  const otherProcess = (secretKey: Buffer | undefined, rotationDays = 30) =>
    new HubKeysService(
      { ...hub.config, hubKeys: { secretKey, rotationDays } },
      hub.app.get(HubKeyRepository),
      hub.app.get(TransactionRunner),
      hub.app.get(AuditTrail),
      hub.app.get(ChangeBus),
    );
  const rows = (): Promise<Record<string, unknown>[]> =>
    hub.app.get(DataSource).query('SELECT * FROM hub_signing_keys ORDER BY created_at');

  beforeAll(async () => {
    hub = await startTestHub(testConfig({ HUB_SECRET_KEY: SECRET.toString('hex') }));
  });
  afterAll(() => hub.close());
  beforeEach(async () => {
    await hub.reset();
    // TRUNCATE announces nothing: make every cache start over, as after a missed notification
    hub.app.get(ChangeBus).deliverLocally([ALL_CHANGED]);
    a = await createActiveMember(hub.app, 'a.example.com');
    b = await createActiveMember(hub.app, 'b.example.org');
  });

  it('should issue an assertion that verifies with the published JWKS, independently and with verifyAssertion', async () => {
    const issued = await assertion(a, b.domain, 'im', 120);
    const res = await http().get('/.well-known/jwks.json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/jwk-set\+json/);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const keys: Jwks = JSON.parse(res.text);
    expect(keys.keys.map((k) => k.kid)).toEqual([issued.kid]);
    expect(keys.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(keys.keys[0]).not.toHaveProperty('d');

    const independent = independentVerify(issued.assertion, keys, { issuer: HUB, audience: b.domain });
    expect(independent).toMatchObject({ ok: true, kid: issued.kid });
    const claims = (independent as { claims: Record<string, number | string> }).claims;
    expect(claims).toMatchObject({ iss: HUB, sub: a.domain, aud: b.domain, scope: 'im' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(120);
    expect(new Date(issued.expiresAt).getTime()).toBe(Number(claims.exp) * 1000);

    const verified = await verifyAssertion(issued.assertion, keys, { issuer: HUB, audience: b.domain });
    expect(verified).toMatchObject({ iss: HUB, sub: a.domain, aud: b.domain, scope: ['im'] });
  });

  it('should cap the lifetime at 5 minutes by default and refuse a longer one', async () => {
    const issued = await assertion(a, b.domain, 'presence');
    const claims = await verifyAssertion(issued.assertion, await jwks(), { issuer: HUB, audience: b.domain });
    expect(claims.exp - claims.iat).toBe(300);
    const res = await http()
      .post('/v1/interconnect/assertions')
      .set(auth(a))
      .send({ peer: b.domain, service: 'im', ttlSeconds: 301 })
      .expect(400);
    expect(res.body.invalidParams.map((p: { name: string }) => p.name)).toContain('ttlSeconds');
  });

  it('should reject a tampered payload or signature', async () => {
    const issued = await assertion(a, b.domain);
    const keys = await jwks();
    const forged = tamper(issued.assertion, { sub: 'mallory.example.net' });
    expect(independentVerify(forged, keys, { issuer: HUB, audience: b.domain })).toEqual({ ok: false, reason: 'bad-signature' });
    await expect(verifyAssertion(forged, keys, { issuer: HUB, audience: b.domain })).rejects.toMatchObject({
      reason: 'bad-signature',
    });
    const widened = tamper(issued.assertion, { scope: 'im file-transfer' });
    expect(independentVerify(widened, keys, { issuer: HUB, audience: b.domain })).toMatchObject({ ok: false });
    const [h, p, s] = issued.assertion.split('.');
    const sig = Buffer.from(s, 'base64url');
    sig[0] ^= 1;
    const badSig = `${h}.${p}.${sig.toString('base64url')}`;
    expect(independentVerify(badSig, keys, { issuer: HUB, audience: b.domain })).toEqual({ ok: false, reason: 'bad-signature' });
    await expect(verifyAssertion(badSig, keys, { issuer: HUB, audience: b.domain })).rejects.toBeInstanceOf(
      AssertionVerificationError,
    );
  });

  it('should reject an expired assertion', async () => {
    const issued = await assertion(a, b.domain, 'im', 1);
    const keys = await jwks();
    await new Promise((r) => setTimeout(r, 2100));
    expect(independentVerify(issued.assertion, keys, { issuer: HUB, audience: b.domain })).toEqual({
      ok: false,
      reason: 'expired',
    });
    await expect(
      verifyAssertion(issued.assertion, keys, { issuer: HUB, audience: b.domain, clockToleranceSeconds: 0 }),
    ).rejects.toMatchObject({ reason: 'expired' });
  });

  it('should reject the assertion for any audience other than the peer', async () => {
    const c = await createActiveMember(hub.app, 'c.example.net');
    const issued = await assertion(a, b.domain);
    const keys = await jwks();
    expect(independentVerify(issued.assertion, keys, { issuer: HUB, audience: c.domain })).toEqual({
      ok: false,
      reason: 'wrong-audience',
    });
    await expect(verifyAssertion(issued.assertion, keys, { issuer: HUB, audience: c.domain })).rejects.toMatchObject({
      reason: 'wrong-audience',
    });
    await expect(verifyAssertion(issued.assertion, keys, { issuer: 'evil.example', audience: b.domain })).rejects.toMatchObject({
      reason: 'wrong-issuer',
    });
  });

  it('should refuse with 403 and the decision when the pair may not interconnect', async () => {
    await http().put('/admin/v1/federation/mode').set(operatorAuth).send({ mode: 'agreement' }).expect(200);
    const res = await http().post('/v1/interconnect/assertions').set(auth(a)).send({ peer: b.domain, service: 'im' }).expect(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 403, reason: 'no-agreement' });
    expect(res.body.rules).toContainEqual(expect.objectContaining({ rule: 'federation-policy', outcome: 'fail' }));
    expect(res.body).not.toHaveProperty('assertion');

    // a peer that blocked the caller is refused like a domain that is not a member
    await http().post('/v1/interconnect/blocks').set(auth(b)).send({ peer: a.domain }).expect(204);
    const blocked = await http()
      .post('/v1/interconnect/assertions')
      .set(auth(a))
      .send({ peer: b.domain, service: 'im' })
      .expect(403);
    expect(blocked.body).toMatchObject({ status: 403, reason: 'target-unknown' });

    const unknown = await http()
      .post('/v1/interconnect/assertions')
      .set(auth(a))
      .send({ peer: 'nobody.example.com', service: 'im' })
      .expect(403);
    expect(unknown.body.reason).toBe('target-unknown');
    const self = await http()
      .post('/v1/interconnect/assertions')
      .set(auth(a))
      .send({ peer: a.domain, service: 'im' })
      .expect(403);
    expect(self.body.reason).toBe('same-member');
  });

  it('should not let an assertion outlive the agreement that allows it', async () => {
    await http().put('/admin/v1/federation/mode').set(operatorAuth).send({ mode: 'agreement' }).expect(200);
    expect(
      (await http().post('/v1/interconnect/assertions').set(auth(a)).send({ peer: b.domain, service: 'im' }).expect(403)).body
        .reason,
    ).toBe('no-agreement');
    const agreementEnds = new Date(Date.now() + 60_000);
    const offer = await http()
      .post('/v1/interconnect/offers')
      .set(auth(a))
      .send({ peer: b.domain, services: ['im'], expiresAt: agreementEnds.toISOString() })
      .expect(201);
    await http().post(`/v1/interconnect/agreements/${offer.body.id}/accept`).set(auth(b)).expect(200);
    const issued = await assertion(a, b.domain, 'im', 300);
    expect(new Date(issued.expiresAt).getTime()).toBeLessThanOrEqual(agreementEnds.getTime());
    expect(new Date(issued.expiresAt).getTime()).toBeGreaterThan(Date.now() + 50_000);
    const claims = await verifyAssertion(issued.assertion, await jwks(), { issuer: HUB, audience: b.domain });
    expect(claims.exp * 1000).toBeLessThanOrEqual(agreementEnds.getTime());
  });

  it('should sign with a new key after rotation while the old key stays published and its assertions verify', async () => {
    const before = await assertion(a, b.domain);
    const rotated = await rotate();
    expect(rotated).toMatchObject({ alg: 'EdDSA', retiresAt: null });
    expect(rotated.kid).not.toBe(before.kid);

    const after = await assertion(a, b.domain);
    expect(after.kid).toBe(rotated.kid);
    const keys = await jwks();
    expect(keys.keys.map((k) => k.kid).sort()).toEqual([before.kid, rotated.kid].sort());
    for (const issued of [before, after]) {
      expect(independentVerify(issued.assertion, keys, { issuer: HUB, audience: b.domain })).toMatchObject({
        ok: true,
        kid: issued.kid,
      });
      await expect(verifyAssertion(issued.assertion, keys, { issuer: HUB, audience: b.domain })).resolves.toMatchObject({
        sub: a.domain,
      });
    }

    const list = await http().get('/admin/v1/hub-keys').set(operatorAuth).expect(200);
    expect(list.body.items.map((k: { kid: string }) => k.kid)).toEqual([rotated.kid, before.kid]);
    const [current, old] = list.body.items;
    expect(current).toMatchObject({ retiresAt: null, publishedUntil: null, published: true });
    expect(old.retiresAt).not.toBeNull();
    // published until its last assertion (≤ 300 s) expired, plus the verifiers' clock tolerance
    expect(new Date(old.publishedUntil).getTime() - new Date(old.retiresAt).getTime()).toBe(330_000);
    expect(old.published).toBe(true);
    for (const item of list.body.items)
      expect(Object.keys(item).sort()).toEqual(['alg', 'createdAt', 'kid', 'published', 'publishedUntil', 'retiresAt'].sort());

    const audit = await http().get('/admin/v1/audit').query({ action: 'hub-key.created' }).set(operatorAuth).expect(200);
    expect(audit.body.items.map((e: { target: { id: string } }) => e.target.id)).toContain(rotated.kid);
  });

  it('should rotate automatically once the key is HUB_KEY_ROTATION_DAYS old', async () => {
    const first = await assertion(a, b.domain);
    const service = hub.app.get(HubKeysService);
    const day = 86_400_000;
    expect((await service.signingKey(new Date(Date.now() + 29 * day))).kid).toBe(first.kid);
    const later = new Date(Date.now() + 31 * day);
    const next = await service.signingKey(later);
    expect(next.kid).not.toBe(first.kid);
    const stored = await rows();
    expect(stored.find((r) => r.kid === first.kid)?.retires_at).toEqual(later);
    // scheduled on the hub's clock, not the database's
    expect(stored.find((r) => r.kid === next.kid)?.created_at).toEqual(later);
  });

  it('should give a sender that must leave no trace the key as it is: never created, never rotated, nothing audited', async () => {
    const service = hub.app.get(HubKeysService);
    const day = 86_400_000;
    const audited = async () =>
      ((await http().get('/admin/v1/audit').set(operatorAuth).expect(200)).body as { items: Array<{ action: string }> }).items
        .map((e) => e.action)
        .filter((action) => action.startsWith('hub-key.'));
    await expect(service.currentSigningKey()).rejects.toThrow(NoHubSigningKeyError);
    expect(await rows()).toHaveLength(0);

    const first = await assertion(a, b.domain);
    expect((await service.currentSigningKey()).kid).toBe(first.kid);
    // overdue for rotation: still the same key, and still the only one
    expect((await service.currentSigningKey(new Date(Date.now() + 31 * day))).kid).toBe(first.kid);
    expect((await rows()).map((r) => r.kid)).toEqual([first.kid]);
    expect(await audited()).toEqual(['hub-key.created']);
  });

  it('should store the private key only encrypted (AES-256-GCM with HUB_SECRET_KEY)', async () => {
    const issued = await assertion(a, b.domain);
    const [row] = await rows();
    expect(row.kid).toBe(issued.kid);
    const sealed = String(row.private_key_encrypted);
    expect(sealed).toMatch(/^v1\./);
    const privateJwk = JSON.parse(new SecretBox(SECRET).openText(sealed, issued.kid)) as { d: string; x: string };
    expect(privateJwk.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const everything = JSON.stringify(row);
    expect(everything).not.toContain(privateJwk.d);
    expect(everything).not.toContain(Buffer.from(privateJwk.d, 'base64url').toString('hex'));
    expect(everything).not.toContain(Buffer.from(privateJwk.d, 'base64url').toString('base64'));
    expect(row.public_jwk).not.toHaveProperty('d');
    // the sealed value is bound to its row
    expect(() => new SecretBox(SECRET).open(sealed, 'another-kid')).toThrow();
    // and nothing the API returns carries it
    const list = await http().get('/admin/v1/hub-keys').set(operatorAuth).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(privateJwk.d);
    expect(JSON.stringify(await jwks())).not.toContain(privateJwk.d);
  });

  it('should keep keys it cannot decrypt for verification only and make a new signing key', async () => {
    const old = await assertion(a, b.domain);
    const later = otherProcess(undefined); // e.g. a restart without HUB_SECRET_KEY
    const fresh = await later.signingKey();
    expect(fresh.kid).not.toBe(old.kid);
    const keys = await later.jwks();
    expect(keys.keys.map((k) => k.kid).sort()).toEqual([old.kid, fresh.kid].sort());
    expect(independentVerify(old.assertion, keys, { issuer: HUB, audience: b.domain })).toMatchObject({ ok: true });
    // the key it could not open retires when it would have been rotated anyway, not before
    const stored = await rows();
    const oldRow = stored.find((r) => r.kid === old.kid) as { created_at: Date; retires_at: Date };
    expect(oldRow.retires_at.getTime() - oldRow.created_at.getTime()).toBe(30 * 86_400_000);
    // the process that holds HUB_SECRET_KEY goes on signing with its key, and publishes both
    const again = await assertion(a, b.domain);
    expect(again.kid).toBe(old.kid);
    expect((await jwks()).keys.map((k) => k.kid).sort()).toEqual([old.kid, fresh.kid].sort());
  });

  it('should create one signing key when replicas start signing at the same time', async () => {
    const replicas = [hub.app.get(HubKeysService), otherProcess(SECRET), otherProcess(SECRET)];
    const keys = await Promise.all(replicas.map((r) => r.signingKey()));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    expect(await rows()).toHaveLength(1);
  });

  describe('authentication', () => {
    let auditorToken: string;
    beforeEach(async () => {
      const auditor = await http()
        .post('/admin/v1/operators')
        .set(operatorAuth)
        .send({ name: 'audrey', role: 'auditor' })
        .expect(201);
      auditorToken = auditor.body.token;
    });

    it('should require a member key for assertions and serve the JWKS to anyone', async () => {
      const res = await http().post('/v1/interconnect/assertions').send({ peer: b.domain, service: 'im' }).expect(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      await http().get('/.well-known/jwks.json').expect(200);
    });

    it('should let only admins rotate and operators list, never members', async () => {
      await http().post('/admin/v1/hub-keys/rotate').expect(401);
      await http().get('/admin/v1/hub-keys').expect(401);
      await http().post('/admin/v1/hub-keys/rotate').set(auth(a)).expect(403);
      await http().get('/admin/v1/hub-keys').set(auth(a)).expect(403);
      await http().post('/admin/v1/hub-keys/rotate').set('Authorization', `Bearer ${auditorToken}`).expect(403);
      await http().get('/admin/v1/hub-keys').set('Authorization', `Bearer ${auditorToken}`).expect(200);
      expect(await rows()).toHaveLength(0);
    });
  });
});
