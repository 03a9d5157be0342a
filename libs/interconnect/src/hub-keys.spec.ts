import { createHash, createPublicKey, verify } from 'node:crypto';
import { SignJWT } from 'jose';
import { InvalidInputError } from '@app/common';
import {
  ASSERTION_TYPE,
  AssertionVerificationError,
  HubKeyAlgorithm,
  HubKeySchedule,
  HubSigningKey,
  activeSigningKey,
  exportHubPrivateJwk,
  generateHubKey,
  importHubKey,
  jwksDocument,
  keysToPublish,
  signAssertion,
  verifyAssertion,
} from './hub-keys.js';

const HUB = 'hub.test.example';
const A = 'a.example.com';
const B = 'b.example.org';
const NOW = new Date('2030-06-01T12:00:00Z');
const seconds = (n: number) => new Date(NOW.getTime() + n * 1000);
const request = { issuer: HUB, subject: A, audience: B, scope: ['im', 'presence'] as const, ttlSeconds: 300 };

async function expectRejected(promise: Promise<unknown>, reason: string): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AssertionVerificationError);
  expect((error as AssertionVerificationError).reason).toBe(reason);
}

/** Verification with node:crypto only: no jose involved. */
function verifyIndependently(token: string, jwks: { keys: Record<string, unknown>[] }): Record<string, unknown> {
  const [headerB64, payloadB64, signatureB64] = token.split('.');
  const header = JSON.parse(Buffer.from(headerB64, 'base64url').toString('utf8')) as { alg: string; kid: string; typ: string };
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error('no such kid');
  const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
  const input = Buffer.from(`${headerB64}.${payloadB64}`, 'ascii');
  const signature = Buffer.from(signatureB64, 'base64url');
  const ok =
    header.alg === 'EdDSA'
      ? verify(null, input, publicKey, signature)
      : header.alg === 'ES256' && verify('sha256', input, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  if (!ok) throw new Error('bad signature');
  return { header, ...(JSON.parse(Buffer.from(payloadB64, 'base64url').toString('utf8')) as Record<string, unknown>) };
}

describe(generateHubKey.name, () => {
  it.each<[HubKeyAlgorithm, Record<string, unknown>]>([
    ['EdDSA', { kty: 'OKP', crv: 'Ed25519' }],
    ['ES256', { kty: 'EC', crv: 'P-256' }],
  ])('should make a %s key whose kid is the RFC 7638 thumbprint', async (alg, shape) => {
    const key = await generateHubKey({ alg, createdAt: NOW });
    expect(key.publicJwk).toMatchObject({ ...shape, alg, use: 'sig', kid: key.kid });
    expect(key.publicJwk).not.toHaveProperty('d');
    const { kty, crv, x, y } = key.publicJwk as Record<string, string>;
    const required =
      kty === 'OKP' ? `{"crv":"${crv}","kty":"${kty}","x":"${x}"}` : `{"crv":"${crv}","kty":"${kty}","x":"${x}","y":"${y}"}`;
    expect(key.kid).toBe(createHash('sha256').update(required).digest('base64url'));
  });

  it('should default to Ed25519, starting now and not retiring', async () => {
    const key = await generateHubKey();
    expect(key).toMatchObject({ alg: 'EdDSA', retiresAt: null });
    expect(Math.abs(key.createdAt.getTime() - Date.now())).toBeLessThan(5000);
  });
});

describe(importHubKey.name, () => {
  it('should round-trip a stored key that still signs verifiable assertions', async () => {
    const original = await generateHubKey({ alg: 'ES256', createdAt: NOW });
    const stored = { ...original, publicJwk: { ...original.publicJwk }, privateJwk: await exportHubPrivateJwk(original) };
    const imported = await importHubKey(stored);
    const token = await signAssertion(request, imported, NOW);
    await expect(verifyAssertion(token, jwksDocument([original]), { issuer: HUB, audience: B, now: NOW })).resolves.toMatchObject(
      { sub: A },
    );
  });

  it('should refuse a private key that does not belong to the public key', async () => {
    const [one, other] = await Promise.all([generateHubKey(), generateHubKey()]);
    const stored = { ...one, privateJwk: await exportHubPrivateJwk(other) };
    await expect(importHubKey(stored)).rejects.toThrow(InvalidInputError);
  });
});

describe(signAssertion.name, () => {
  it('should sign iss, sub, aud, scope, jti, iat and exp with typ and kid in the header', async () => {
    const key = await generateHubKey({ createdAt: NOW });
    const claims = verifyIndependently(await signAssertion(request, key, NOW), jwksDocument([key]));
    expect(claims).toEqual({
      header: { alg: 'EdDSA', kid: key.kid, typ: ASSERTION_TYPE },
      iss: HUB,
      sub: A,
      aud: B,
      scope: 'presence im',
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      iat: NOW.getTime() / 1000,
      exp: NOW.getTime() / 1000 + 300,
    });
  });

  it('should use a fresh jti every time', async () => {
    const key = await generateHubKey();
    const jti = async () => (verifyIndependently(await signAssertion(request, key), jwksDocument([key])) as { jti: string }).jti;
    expect(await jti()).not.toBe(await jti());
  });

  it.each([
    ['a ttl over 300 s', { ttlSeconds: 301 }],
    ['a zero ttl', { ttlSeconds: 0 }],
    ['an empty scope', { scope: [] }],
    ['an unknown service', { scope: ['video'] }],
    ['no audience', { audience: '' }],
  ])('should refuse %s', async (_label, change) => {
    const key = await generateHubKey();
    await expect(signAssertion({ ...request, ...change } as typeof request, key)).rejects.toThrow(InvalidInputError);
  });
});

describe(verifyAssertion.name, () => {
  let edKey: HubSigningKey;
  let esKey: HubSigningKey;
  const options = { issuer: HUB, audience: B, now: seconds(10) };

  beforeAll(async () => {
    [edKey, esKey] = await Promise.all([generateHubKey({ createdAt: NOW }), generateHubKey({ alg: 'ES256', createdAt: NOW })]);
  });

  it.each(['EdDSA', 'ES256'])('should verify a %s assertion with the published JWKS', async (alg) => {
    const key = alg === 'EdDSA' ? edKey : esKey;
    const token = await signAssertion(request, key, NOW);
    const jwks = jwksDocument(keysToPublish([edKey, esKey], NOW));
    await expect(verifyAssertion(token, jwks, options)).resolves.toEqual({
      iss: HUB,
      sub: A,
      aud: B,
      scope: ['presence', 'im'],
      jti: expect.any(String),
      iat: NOW.getTime() / 1000,
      exp: NOW.getTime() / 1000 + 300,
    });
  });

  it.each(['EdDSA', 'ES256'])('should produce %s signatures that node:crypto verifies from the JWK alone', async (alg) => {
    const key = alg === 'EdDSA' ? edKey : esKey;
    const jwks = JSON.parse(JSON.stringify(jwksDocument([edKey, esKey]))) as { keys: Record<string, unknown>[] };
    const token = await signAssertion(request, key, NOW);
    expect(verifyIndependently(token, jwks)).toMatchObject({ sub: A, aud: B });
    const tampered = token.replace(
      /\.([^.]+)\./,
      (_m, p: string) =>
        `.${Buffer.from(Buffer.from(p, 'base64url').toString().replace(A, 'evil.example')).toString('base64url')}.`,
    );
    expect(() => verifyIndependently(tampered, jwks)).toThrow('bad signature');
  });

  it('should reject a tampered payload', async () => {
    const [h, p, s] = (await signAssertion(request, edKey, NOW)).split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, scope: 'presence im file-transfer' })).toString('base64url');
    await expectRejected(verifyAssertion(`${h}.${forged}.${s}`, jwksDocument([edKey]), options), 'bad-signature');
  });

  it('should reject an expired assertion', async () => {
    const token = await signAssertion({ ...request, ttlSeconds: 60 }, edKey, NOW);
    await expectRejected(verifyAssertion(token, jwksDocument([edKey]), { ...options, now: seconds(60 + 31) }), 'expired');
  });

  it('should accept an assertion just expired within the clock tolerance', async () => {
    const token = await signAssertion({ ...request, ttlSeconds: 60 }, edKey, NOW);
    await expect(verifyAssertion(token, jwksDocument([edKey]), { ...options, now: seconds(60 + 29) })).resolves.toBeDefined();
  });

  it('should reject an assertion for another audience', async () => {
    const token = await signAssertion(request, edKey, NOW);
    await expectRejected(
      verifyAssertion(token, jwksDocument([edKey]), { ...options, audience: 'c.example.net' }),
      'wrong-audience',
    );
  });

  it('should reject an assertion from another issuer', async () => {
    const token = await signAssertion(request, edKey, NOW);
    await expectRejected(
      verifyAssertion(token, jwksDocument([edKey]), { ...options, issuer: 'other-hub.example' }),
      'wrong-issuer',
    );
  });

  it('should reject an unknown kid', async () => {
    const token = await signAssertion(request, edKey, NOW);
    await expectRejected(verifyAssertion(token, jwksDocument([esKey]), options), 'unknown-key');
  });

  it('should reject an assertion signed by a key that claims a published kid', async () => {
    const impostor = await generateHubKey({ createdAt: NOW });
    const token = await signAssertion(request, { ...impostor, kid: edKey.kid }, NOW);
    await expectRejected(verifyAssertion(token, jwksDocument([edKey]), options), 'bad-signature');
  });

  it('should reject a hub-signed JWT of another type', async () => {
    const token = await new SignJWT({ scope: 'im' })
      .setProtectedHeader({ alg: 'EdDSA', kid: edKey.kid, typ: 'JWT' })
      .setIssuer(HUB)
      .setSubject(A)
      .setAudience(B)
      .setJti('x')
      .setIssuedAt(NOW)
      .setExpirationTime(seconds(60))
      .sign(edKey.privateKey);
    await expectRejected(verifyAssertion(token, jwksDocument([edKey]), options), 'wrong-type');
  });

  it('should reject a lifetime over 300 s even when correctly signed', async () => {
    const token = await new SignJWT({ scope: 'im' })
      .setProtectedHeader({ alg: 'EdDSA', kid: edKey.kid, typ: ASSERTION_TYPE })
      .setIssuer(HUB)
      .setSubject(A)
      .setAudience(B)
      .setJti('x')
      .setIssuedAt(NOW)
      .setExpirationTime(seconds(3600))
      .sign(edKey.privateKey);
    await expectRejected(verifyAssertion(token, jwksDocument([edKey]), options), 'lifetime-too-long');
  });

  it('should reject alg none', async () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${enc({ alg: 'none', kid: edKey.kid, typ: ASSERTION_TYPE })}.${enc({ iss: HUB, sub: A, aud: B })}.`;
    await expectRejected(verifyAssertion(token, jwksDocument([edKey]), options), 'alg-not-allowed');
  });

  it('should reject garbage as malformed', async () => {
    await expectRejected(verifyAssertion('not.a.jwt', jwksDocument([edKey]), options), 'malformed');
  });
});

describe(activeSigningKey.name, () => {
  const key = (kid: string, createdAt: number, retiresAt: number | null): HubKeySchedule => ({
    kid,
    createdAt: seconds(createdAt),
    retiresAt: retiresAt === null ? null : seconds(retiresAt),
  });

  it('should choose the newest key that has started and not retired', () => {
    const keys = [key('old', -7200, 0), key('current', -3600, null), key('newer', -60, null), key('future', 600, null)];
    expect(activeSigningKey(keys, NOW)?.kid).toBe('newer');
  });

  it('should keep the previous key signing until a new key has been published long enough', () => {
    const keys = [key('current', -3600, null), key('new', -60, null)];
    expect(activeSigningKey(keys, NOW, { prePublishSeconds: 300 })?.kid).toBe('current');
    expect(activeSigningKey(keys, seconds(240), { prePublishSeconds: 300 })?.kid).toBe('new');
  });

  it('should use a new key at once when no other key can sign', () => {
    expect(activeSigningKey([key('new', -60, null)], NOW, { prePublishSeconds: 300 })?.kid).toBe('new');
  });

  it('should stop using a key at its retirement instant and return null when none is left', () => {
    expect(activeSigningKey([key('a', -3600, 0)], seconds(-1))?.kid).toBe('a');
    expect(activeSigningKey([key('a', -3600, 0)], NOW)).toBeNull();
  });
});

describe(keysToPublish.name, () => {
  const key = (kid: string, createdAt: number, retiresAt: number | null): HubKeySchedule => ({
    kid,
    createdAt: seconds(createdAt),
    retiresAt: retiresAt === null ? null : seconds(retiresAt),
  });

  it('should publish active and upcoming keys, newest first', () => {
    const keys = [key('current', -3600, null), key('future', 600, null)];
    expect(keysToPublish(keys, NOW).map((k) => k.kid)).toEqual(['future', 'current']);
  });

  it('should keep a retired key while its last assertions can still be accepted', () => {
    const keys = [key('retired', -7200, -100), key('current', -3600, null)];
    // retired 100 s ago: its assertions live up to 300 s plus 30 s of verifier clock tolerance
    expect(keysToPublish(keys, NOW).map((k) => k.kid)).toEqual(['current', 'retired']);
    expect(keysToPublish(keys, seconds(229)).map((k) => k.kid)).toEqual(['current', 'retired']);
    expect(keysToPublish(keys, seconds(230)).map((k) => k.kid)).toEqual(['current']);
  });

  it('should verify an assertion signed just before rotation with the JWKS published after it', async () => {
    const old = await generateHubKey({ createdAt: seconds(-3600), retiresAt: NOW });
    const fresh = await generateHubKey({ createdAt: seconds(-600) });
    const token = await signAssertion(
      request,
      activeSigningKey([old, fresh], seconds(-1), { prePublishSeconds: 900 })!,
      seconds(-1),
    );
    const jwks = jwksDocument(keysToPublish([old, fresh], seconds(200)));
    expect(jwks.keys.map((k) => k.kid)).toEqual([fresh.kid, old.kid]);
    await expect(verifyAssertion(token, jwks, { issuer: HUB, audience: B, now: seconds(200) })).resolves.toMatchObject({
      sub: A,
    });
  });
});
