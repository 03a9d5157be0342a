import { jest } from '@jest/globals';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey } from 'jose';
import { UnauthenticatedError } from '@app/common';
import {
  MemberKeyRecord,
  MemberRequestJwsError,
  VerifyMemberRequestOptions,
  verifyMemberRequestJws,
} from './member-request-jws.js';

const HUB = 'hub.test.example';
const A = 'a.example.com';
const NOW = new Date('2030-06-01T12:00:00Z');
const at = (s: number) => new Date(NOW.getTime() + s * 1000);
const KID = 'key-1';

interface MemberKey {
  privateKey: CryptoKey;
  record: MemberKeyRecord;
}

async function memberKey(alg: 'EdDSA' | 'ES256'): Promise<MemberKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  const jwk = (await exportJWK(publicKey)) as Record<string, unknown>;
  return { privateKey, record: { jwk, notBefore: at(-86400), notAfter: null, status: 'active' } };
}

interface TokenOptions {
  alg?: string;
  kid?: string;
  iss?: string;
  aud?: string | string[];
  iat?: number;
  exp?: number;
  jti?: string | null;
}

function sign(key: CryptoKey | Uint8Array, o: TokenOptions = {}): Promise<string> {
  const iat = o.iat ?? 0;
  const claims: Record<string, unknown> = {
    iss: o.iss ?? A,
    aud: o.aud ?? HUB,
    iat: NOW.getTime() / 1000 + iat,
    exp: NOW.getTime() / 1000 + (o.exp ?? iat + 60),
  };
  if (o.jti !== null) claims.jti = o.jti ?? 'jti-1';
  return new SignJWT(claims).setProtectedHeader({ alg: o.alg ?? 'EdDSA', kid: o.kid ?? KID }).sign(key);
}

function options(keys: Record<string, MemberKeyRecord>, now = NOW): VerifyMemberRequestOptions & { seen: Set<string> } {
  const seen = new Set<string>();
  return {
    hubDomain: HUB,
    now,
    seen,
    resolveKey: (iss, kid) => Promise.resolve(iss === A ? (keys[kid] ?? null) : null),
    seenJti: (iss, jti) => {
      const fresh = !seen.has(`${iss} ${jti}`);
      seen.add(`${iss} ${jti}`);
      return Promise.resolve(fresh);
    },
  };
}

async function reason(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MemberRequestJwsError);
  expect(error).toBeInstanceOf(UnauthenticatedError);
  return (error as MemberRequestJwsError).reason;
}

describe(verifyMemberRequestJws.name, () => {
  let ed: MemberKey;
  let es: MemberKey;

  beforeAll(async () => {
    [ed, es] = await Promise.all([memberKey('EdDSA'), memberKey('ES256')]);
  });

  it.each([
    ['EdDSA', 'Ed25519 (EdDSA)'],
    ['Ed25519', 'Ed25519 (fully specified alg)'],
    ['ES256', 'P-256'],
  ])('should accept a request signed with alg %s by a registered %s key', async (alg) => {
    const key = alg === 'ES256' ? es : ed;
    const token = await sign(key.privateKey, { alg });
    await expect(verifyMemberRequestJws(token, options({ [KID]: key.record }))).resolves.toEqual({
      domain: A,
      kid: KID,
      jti: 'jti-1',
      expiresAt: at(60),
      claims: expect.objectContaining({ iss: A, aud: HUB, jti: 'jti-1' }),
    });
  });

  it('should record the jti with the instant after which the token is refused anyway', async () => {
    const o = options({ [KID]: ed.record });
    const seenJti = jest.fn(o.seenJti);
    await verifyMemberRequestJws(await sign(ed.privateKey), { ...o, seenJti });
    expect(seenJti).toHaveBeenCalledWith(A, 'jti-1', at(60 + 30));
  });

  it('should reject a forged request signed with another key under the registered kid', async () => {
    const forger = await memberKey('EdDSA');
    const o = options({ [KID]: ed.record });
    const seenJti = jest.fn(o.seenJti);
    expect(await reason(verifyMemberRequestJws(await sign(forger.privateKey), { ...o, seenJti }))).toBe('bad-signature');
    expect(seenJti).not.toHaveBeenCalled();
  });

  it('should reject a request whose claims were altered after signing', async () => {
    const [h, p, s] = (await sign(ed.privateKey)).split('.');
    const altered = Buffer.from(Buffer.from(p, 'base64url').toString().replace('jti-1', 'jti-2')).toString('base64url');
    expect(await reason(verifyMemberRequestJws(`${h}.${altered}.${s}`, options({ [KID]: ed.record })))).toBe('bad-signature');
  });

  it('should reject an expired request', async () => {
    const token = await sign(ed.privateKey, { iat: -200, exp: -31 });
    expect(await reason(verifyMemberRequestJws(token, options({ [KID]: ed.record })))).toBe('expired');
  });

  it('should tolerate 30 s of clock skew on exp', async () => {
    const token = await sign(ed.privateKey, { iat: -200, exp: -29 });
    await expect(verifyMemberRequestJws(token, options({ [KID]: ed.record }))).resolves.toMatchObject({ domain: A });
  });

  it('should reject a replayed request', async () => {
    const o = options({ [KID]: ed.record });
    const token = await sign(ed.privateKey);
    await verifyMemberRequestJws(token, o);
    expect(await reason(verifyMemberRequestJws(token, o))).toBe('replayed');
  });

  it('should reject a request for another audience', async () => {
    const token = await sign(ed.privateKey, { aud: 'other-hub.example' });
    expect(await reason(verifyMemberRequestJws(token, options({ [KID]: ed.record })))).toBe('wrong-audience');
  });

  it('should accept the hub among several audiences', async () => {
    const token = await sign(ed.privateKey, { aud: ['other-hub.example', HUB.toUpperCase()] });
    await expect(verifyMemberRequestJws(token, options({ [KID]: ed.record }))).resolves.toMatchObject({ domain: A });
  });

  it('should reject a request signed with a revoked key', async () => {
    const token = await sign(ed.privateKey);
    expect(await reason(verifyMemberRequestJws(token, options({ [KID]: { ...ed.record, status: 'revoked' } })))).toBe(
      'key-revoked',
    );
  });

  it('should reject a request signed with a key not yet valid', async () => {
    const token = await sign(ed.privateKey);
    expect(await reason(verifyMemberRequestJws(token, options({ [KID]: { ...ed.record, notBefore: at(1) } })))).toBe(
      'key-not-yet-valid',
    );
  });

  it('should reject a request signed with a key past its validity', async () => {
    const token = await sign(ed.privateKey);
    expect(await reason(verifyMemberRequestJws(token, options({ [KID]: { ...ed.record, notAfter: NOW } })))).toBe('key-expired');
  });

  it('should reject an unknown kid or a kid registered by another member', async () => {
    expect(await reason(verifyMemberRequestJws(await sign(ed.privateKey, { kid: 'other' }), options({ [KID]: ed.record })))).toBe(
      'unknown-key',
    );
    expect(
      await reason(verifyMemberRequestJws(await sign(ed.privateKey, { iss: 'c.example.net' }), options({ [KID]: ed.record }))),
    ).toBe('unknown-key');
  });

  it('should reject a lifetime over 300 s', async () => {
    const token = await sign(ed.privateKey, { exp: 301 });
    expect(await reason(verifyMemberRequestJws(token, options({ [KID]: ed.record })))).toBe('lifetime-too-long');
  });

  it('should reject a request issued in the future, which would stretch its lifetime', async () => {
    const token = await sign(ed.privateKey, { iat: 600, exp: 660 });
    expect(await reason(verifyMemberRequestJws(token, options({ [KID]: ed.record })))).toBe('not-yet-valid');
  });

  it('should reject exp before iat as malformed', async () => {
    const token = await sign(ed.privateKey, { iat: 0, exp: -1 });
    expect(await reason(verifyMemberRequestJws(token, options({ [KID]: ed.record })))).toBe('malformed');
  });

  it('should require a jti', async () => {
    const token = await sign(ed.privateKey, { jti: null });
    expect(await reason(verifyMemberRequestJws(token, options({ [KID]: ed.record })))).toBe('malformed');
  });

  it('should reject alg none without looking up any key', async () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${enc({ alg: 'none', kid: KID })}.${enc({ iss: A, aud: HUB, iat: NOW.getTime() / 1000, exp: NOW.getTime() / 1000 + 60, jti: 'n' })}.`;
    const o = options({ [KID]: ed.record });
    const resolveKey = jest.fn(o.resolveKey);
    expect(await reason(verifyMemberRequestJws(token, { ...o, resolveKey }))).toBe('alg-not-allowed');
    expect(resolveKey).not.toHaveBeenCalled();
  });

  it('should reject HS256 keyed with the public key (algorithm confusion)', async () => {
    const secret = Buffer.from(JSON.stringify(ed.record.jwk));
    const token = await sign(new Uint8Array(secret), { alg: 'HS256' });
    expect(await reason(verifyMemberRequestJws(token, options({ [KID]: ed.record })))).toBe('alg-not-allowed');
  });

  it('should reject an alg that does not fit the registered key type', async () => {
    const token = await sign(es.privateKey, { alg: 'ES256' });
    expect(await reason(verifyMemberRequestJws(token, options({ [KID]: ed.record })))).toBe('alg-not-allowed');
  });

  it.each([['garbage'], ['a.b'], ['e30.e30.'], [`${'a'.repeat(9000)}.e30.x`]])('should reject %s as malformed', async (token) => {
    expect(await reason(verifyMemberRequestJws(token, options({ [KID]: ed.record })))).toBe('malformed');
  });
});
