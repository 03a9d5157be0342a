import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey } from 'jose';
import request from 'supertest';
import {
  createActiveMember,
  memberDocument,
  operatorAuth,
  TEST_OPERATOR_TOKEN,
  testConfig,
  type ActiveMember,
  createTestCa,
  issueClientCert,
  issueServerCert,
  type TestCa,
  type TestCert,
} from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

const HUB_DOMAIN = 'hub.test.example';

interface HttpsResponse {
  status: number;
  body: Record<string, unknown>;
}

interface CallOptions {
  client?: TestCert;
  token?: string;
  body?: unknown;
}

/** One HTTPS request on a fresh connection (no TLS session or socket shared between calls). */
function httpsCall(port: number, caPem: string, method: string, path: string, options: CallOptions = {}): Promise<HttpsResponse> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        ca: caPem,
        ...(options.client ? { cert: options.client.certPem, key: options.client.keyPem } : {}),
        agent: false,
        headers: {
          Accept: 'application/json',
          ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, unknown>;
          try {
            body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            body = { text };
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * A hub serving HTTPS with a server certificate from `ca` (files written to a temp dir), listening
 * on an ephemeral port, and the helpers the tests use over it.
 */
async function startTlsHub(ca: TestCa, clientCa: TestCa | null) {
  const dir = mkdtempSync(join(tmpdir(), 'hub-mtls-'));
  const server = issueServerCert(ca, 'localhost');
  writeFileSync(join(dir, 'server.pem'), server.certPem);
  writeFileSync(join(dir, 'server.key'), server.keyPem, { mode: 0o600 });
  const env: Record<string, string> = { HUB_TLS_CERT: join(dir, 'server.pem'), HUB_TLS_KEY: join(dir, 'server.key') };
  if (clientCa) {
    writeFileSync(join(dir, 'client-ca.pem'), clientCa.certPem);
    env.HUB_TLS_CLIENT_CA = join(dir, 'client-ca.pem');
  }
  let hub: TestHub;
  try {
    hub = await startTestHub(testConfig(env));
    await hub.app.listen(0, '127.0.0.1');
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const port = (hub.app.getHttpServer().address() as AddressInfo).port;
  const call = (method: string, path: string, options: CallOptions = {}) => httpsCall(port, ca.certPem, method, path, options);
  const operator = (method: string, path: string, body: unknown = {}) => call(method, path, { token: TEST_OPERATOR_TOKEN, body });
  return {
    hub,
    call,
    operator,
    me: (options: { client?: TestCert; token?: string } = {}) => call('GET', '/v1/members/me', options),
    /** Created and approved over HTTPS with the operator token; returns its first API key. */
    async activeMember(domain: string): Promise<ActiveMember> {
      const created = await operator('POST', '/admin/v1/members', {
        domain,
        displayName: `Network ${domain}`,
        protocols: ['sip', 'xmpp'],
        contacts: { admin: [`mailto:admin@${domain}`] },
      });
      expect(created.status).toBe(201);
      const approved = await operator('POST', `/admin/v1/members/${domain}/approve`);
      expect(approved.status).toBe(200);
      const apiKey = approved.body.apiKey as { token: string; id: string };
      return { domain, id: created.body.id as string, token: apiKey.token, keyId: apiKey.id };
    },
    /** Registers the certificate's pin with the member's API key, over the same HTTPS server. */
    async registerPin(member: ActiveMember, cert: TestCert, pinType?: 'spki') {
      const res = await call('POST', '/v1/interconnect/credentials', {
        token: member.token,
        body: { kind: 'certificate-pin', certificatePem: cert.certPem, ...(pinType ? { pinType } : {}) },
      });
      expect(res.status).toBe(201);
      return res.body as { id: string; sha256: string; pinType: string };
    },
    async close() {
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type TlsHub = Awaited<ReturnType<typeof startTlsHub>>;

/**
 * Mutual TLS: the hub serves HTTPS itself (HUB_TLS_CERT/HUB_TLS_KEY) with a client CA
 * (HUB_TLS_CLIENT_CA), all generated here; real HTTPS requests with and without client certificates.
 */
describe('member authentication by TLS client certificate pin (e2e)', () => {
  let tls: TlsHub;
  let ca: TestCa;
  let pinned: TestCert;
  let unknown: TestCert;
  let foreign: TestCert;
  let a: ActiveMember;
  let b: ActiveMember;
  const me = (options: { client?: TestCert; token?: string } = {}) => tls.me(options);

  beforeAll(async () => {
    ca = createTestCa('Member Auth Test CA');
    pinned = issueClientCert(ca, 'a-client');
    unknown = issueClientCert(ca, 'stranger');
    foreign = issueClientCert(createTestCa('Some Other CA'), 'a-client-elsewhere');
    tls = await startTlsHub(ca, ca);
  });
  afterAll(() => tls?.close());
  beforeEach(async () => {
    await tls.hub.reset();
    a = await tls.activeMember('a.example.com');
    b = await tls.activeMember('b.example.org');
  });

  it('should authenticate a registered pinned client certificate without any Authorization header', async () => {
    await tls.registerPin(a, pinned);
    const res = await me({ client: pinned });
    expect(res.status).toBe(200);
    expect(res.body.domain).toBe(a.domain);
  });

  it('should answer 401 to an unknown client certificate and to no credentials at all', async () => {
    await tls.registerPin(a, pinned);
    const stranger = await me({ client: unknown });
    expect(stranger.status).toBe(401);
    expect((await me()).status).toBe(401);
  });

  it('should refuse the pinned certificate at once after the pin is revoked', async () => {
    const pin = await tls.registerPin(a, pinned);
    expect((await me({ client: pinned })).status).toBe(200); // now cached
    const revoked = await tls.call('DELETE', `/v1/interconnect/credentials/${pin.id}`, { token: a.token });
    expect(revoked.status).toBe(204);
    expect((await me({ client: pinned })).status).toBe(401);
  });

  it('should keep accepting API keys over HTTPS, with or without a client certificate', async () => {
    const plain = await me({ token: a.token });
    expect(plain.status).toBe(200);
    expect(plain.body.domain).toBe(a.domain);
    // the Authorization header decides; the (unknown) certificate is not consulted
    expect((await me({ token: a.token, client: unknown })).status).toBe(200);
  });

  it('should never fall back to the certificate when an Authorization header does not authenticate', async () => {
    await tls.registerPin(a, pinned);
    const res = await me({ token: 'hubmk_not-a-real-key-0123456789', client: pinned });
    expect(res.status).toBe(401);
  });

  it('should match an SPKI pin for a re-issued certificate with the same key', async () => {
    const reissued = issueClientCert(ca, 'a-client-renewed', { keyPem: pinned.keyPem });
    await tls.registerPin(a, pinned, 'spki');
    expect((await me({ client: reissued })).status).toBe(200);
    // a certificate pin of the old certificate would not match the new one
    await tls.hub.reset();
    a = await tls.activeMember('a.example.com');
    await tls.registerPin(a, pinned);
    expect((await me({ client: reissued })).status).toBe(401);
  });

  it('should refuse a pinned certificate that does not chain to HUB_TLS_CLIENT_CA', async () => {
    await tls.registerPin(a, foreign);
    expect((await me({ client: foreign })).status).toBe(401);
  });

  it('should answer 403 to the pinned certificate of a suspended member', async () => {
    await tls.registerPin(a, pinned);
    const suspended = await tls.operator('POST', `/admin/v1/members/${a.domain}/suspend`);
    expect(suspended.status).toBe(200);
    expect((await me({ client: pinned })).status).toBe(403);
  });

  it('should serve optional-auth routes to a pinned certificate as that member and to an unknown one anonymously', async () => {
    await tls.registerPin(a, pinned);
    const published = await tls.call('PUT', '/v1/provisioning', {
      token: b.token,
      body: memberDocument(b.domain, { visibleToAll: false, allow: [a.domain] }),
    });
    expect(published.status).toBe(201);
    const path = `/.well-known/pres-im-provisioning/${b.domain}`;
    expect((await tls.call('GET', path, { client: pinned })).status).toBe(200);
    expect((await tls.call('GET', path, { client: unknown })).status).toBe(404);
    expect((await tls.call('GET', path)).status).toBe(404);
  });
});

/**
 * Without HUB_TLS_CLIENT_CA the pin alone decides: a self-managed (here: another CA's, untrusted)
 * certificate authenticates once its pin is registered; unknown certificates still do not.
 */
describe('member authentication by pin without a client CA (e2e)', () => {
  let tls: TlsHub;
  let own: TestCert;
  let stranger: TestCert;

  beforeAll(async () => {
    const memberCa = createTestCa('Member Private CA');
    own = issueClientCert(memberCa, 'a-client');
    stranger = issueClientCert(memberCa, 'stranger');
    tls = await startTlsHub(createTestCa('Hub Server CA'), null);
  });
  afterAll(() => tls?.close());

  it('should authenticate a pinned certificate from any issuer and refuse an unknown one', async () => {
    await tls.hub.reset();
    const a = await tls.activeMember('a.example.com');
    await tls.registerPin(a, own);
    const res = await tls.me({ client: own });
    expect(res.status).toBe(200);
    expect(res.body.domain).toBe(a.domain);
    expect((await tls.me({ client: stranger })).status).toBe(401);
  });
});

/** Signed requests: a short-lived JWS signed with a registered key, over plain HTTP. */
describe('member authentication by signed request (e2e)', () => {
  let hub: TestHub;
  let a: ActiveMember;
  let privateKey: CryptoKey;
  let kid: string;
  let credentialId: string;
  const http = () => request(hub.app.getHttpServer());
  const now = () => Math.floor(Date.now() / 1000);

  const sign = (
    key: CryptoKey,
    claims: { iss?: string; aud?: string; iat?: number; exp?: number; jti?: string; kid?: string } = {},
  ) => {
    const iat = claims.iat ?? now();
    return new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', kid: claims.kid ?? kid })
      .setIssuer(claims.iss ?? a.domain)
      .setAudience(claims.aud ?? HUB_DOMAIN)
      .setIssuedAt(iat)
      .setExpirationTime(claims.exp ?? iat + 120)
      .setJti(claims.jti ?? randomUUID())
      .sign(key);
  };
  const me = (token: string) => http().get('/v1/members/me').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
  });
  afterAll(() => hub?.close());
  beforeEach(async () => {
    await hub.reset();
    a = await createActiveMember(hub.app, 'a.example.com');
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    privateKey = pair.privateKey;
    const res = await http()
      .post('/v1/interconnect/credentials')
      .set('Authorization', `Bearer ${a.token}`)
      .send({ kind: 'jwk', jwk: await exportJWK(pair.publicKey) })
      .expect(201);
    kid = res.body.kid;
    credentialId = res.body.id;
    expect(kid).toEqual(expect.any(String));
  });

  it('should authenticate a valid signed request', async () => {
    const res = await me(await sign(privateKey)).expect(200);
    expect(res.body.domain).toBe(a.domain);
  });

  it('should refuse a replayed token', async () => {
    const token = await sign(privateKey);
    await me(token).expect(200);
    const replay = await me(token).expect(401);
    expect(replay.body.reason).toBe('replayed');
  });

  it('should refuse an expired token', async () => {
    const res = await me(await sign(privateKey, { iat: now() - 600, exp: now() - 400 })).expect(401);
    expect(res.body.reason).toBe('expired');
  });

  it('should refuse a token that lives longer than 5 minutes', async () => {
    const res = await me(await sign(privateKey, { exp: now() + 301 })).expect(401);
    expect(res.body.reason).toBe('lifetime-too-long');
  });

  it('should refuse a token for another audience', async () => {
    const res = await me(await sign(privateKey, { aud: 'other-hub.example.net' })).expect(401);
    expect(res.body.reason).toBe('wrong-audience');
  });

  it('should refuse a token forged with another key under the registered kid', async () => {
    const forger = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const res = await me(await sign(forger.privateKey)).expect(401);
    expect(res.body.reason).toBe('bad-signature');
  });

  it('should refuse a token claiming another member as issuer', async () => {
    const b = await createActiveMember(hub.app, 'b.example.org');
    const res = await me(await sign(privateKey, { iss: b.domain })).expect(401);
    expect(res.body.reason).toBe('unknown-key');
  });

  it('should refuse a key at once after it is revoked', async () => {
    await me(await sign(privateKey)).expect(200); // key now cached
    await http().delete(`/v1/interconnect/credentials/${credentialId}`).set('Authorization', `Bearer ${a.token}`).expect(204);
    const res = await me(await sign(privateKey)).expect(401);
    expect(res.body.reason).toBe('key-revoked');
  });

  it('should answer 403 to a valid signed request of a suspended member', async () => {
    await http().post(`/admin/v1/members/${a.domain}/suspend`).set(operatorAuth).send({}).expect(200);
    await me(await sign(privateKey)).expect(403);
  });

  it('should authenticate a signed request on optional-auth routes and refuse a bad one there', async () => {
    const b = await createActiveMember(hub.app, 'b.example.org');
    await http()
      .put('/v1/provisioning')
      .set('Authorization', `Bearer ${b.token}`)
      .send(memberDocument(b.domain, { visibleToAll: false, allow: [a.domain] }))
      .expect(201);
    const path = `/.well-known/pres-im-provisioning/${b.domain}`;
    await http()
      .get(path)
      .set('Authorization', `Bearer ${await sign(privateKey)}`)
      .expect(200);
    await http().get(path).expect(404);
    const bad = await http()
      .get(path)
      .set('Authorization', `Bearer ${await sign(privateKey, { aud: 'elsewhere.example' })}`);
    expect(bad.status).toBe(401);
  });

  it('should keep accepting the API key alongside signed requests', async () => {
    await http().get('/v1/members/me').set('Authorization', `Bearer ${a.token}`).expect(200);
  });
});
