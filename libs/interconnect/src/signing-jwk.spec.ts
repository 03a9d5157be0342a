import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { InvalidInputError } from '@app/common';
import { algorithmsFor, jwkThumbprint, parsePublicSigningJwk } from './signing-jwk.js';

describe(parsePublicSigningJwk.name, () => {
  it.each(['EdDSA', 'ES256'])('should keep only the key members of a %s public key', async (alg) => {
    const jwk = { ...(await exportJWK((await generateKeyPair(alg)).publicKey)), kid: 'k', use: 'sig', alg };
    const parsed = parsePublicSigningJwk(jwk);
    expect(Object.keys(parsed).sort()).toEqual(alg === 'EdDSA' ? ['crv', 'kty', 'x'] : ['crv', 'kty', 'x', 'y']);
  });

  it('should refuse a private key', async () => {
    const jwk = await exportJWK((await generateKeyPair('EdDSA', { extractable: true })).privateKey);
    expect(() => parsePublicSigningJwk(jwk)).toThrow('private key material');
  });

  it.each([
    ['an RSA key', { kty: 'RSA', n: 'AQAB', e: 'AQAB' }],
    ['a P-384 key', { kty: 'EC', crv: 'P-384', x: 'a', y: 'b' }],
    ['an X25519 key', { kty: 'OKP', crv: 'X25519', x: 'a'.repeat(43) }],
    ['a short coordinate', { kty: 'OKP', crv: 'Ed25519', x: 'abc' }],
    ['a point off the curve', { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'A'.repeat(43) }],
    ['not an object', 'jwk'],
  ])('should refuse %s', (_label, jwk) => {
    expect(() => parsePublicSigningJwk(jwk)).toThrow(InvalidInputError);
  });
});

describe(jwkThumbprint.name, () => {
  it.each(['EdDSA', 'ES256'])('should agree with jose on the RFC 7638 thumbprint of a %s key', async (alg) => {
    const jwk = parsePublicSigningJwk(await exportJWK((await generateKeyPair(alg)).publicKey));
    expect(jwkThumbprint(jwk)).toBe(await calculateJwkThumbprint(jwk, 'sha256'));
  });

  it('should match the RFC 8037 appendix A.3 example', () => {
    const jwk = parsePublicSigningJwk({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' });
    expect(jwkThumbprint(jwk)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });
});

describe(algorithmsFor.name, () => {
  it('should pair Ed25519 with EdDSA/Ed25519 and P-256 with ES256', () => {
    expect(algorithmsFor({ kty: 'OKP', crv: 'Ed25519', x: 'x' })).toEqual(['EdDSA', 'Ed25519']);
    expect(algorithmsFor({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' })).toEqual(['ES256']);
  });
});
