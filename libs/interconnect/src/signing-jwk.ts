import { createHash, createPublicKey } from 'node:crypto';
import { InvalidInputError } from '@app/common';

/**
 * The public signing keys this federation accepts, for members and for the hub alike:
 * Ed25519 (RFC 8037, JWS alg `EdDSA`, or `Ed25519` per RFC 9864) and ECDSA P-256 (JWS alg `ES256`).
 */
export type PublicSigningJwk = { kty: 'OKP'; crv: 'Ed25519'; x: string } | { kty: 'EC'; crv: 'P-256'; x: string; y: string };

export type SigningAlgorithm = 'EdDSA' | 'Ed25519' | 'ES256';
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['EdDSA', 'Ed25519', 'ES256'];

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];
const B64URL_32_BYTES = /^[A-Za-z0-9_-]{43}$/;

/**
 * Validates a public signing JWK and reduces it to its key members (anything else, such as
 * `kid`, `use` or `alg`, is dropped). Refuses private keys, other key types and curves, and
 * coordinates that are not a point of the curve. Throws an InvalidInputError naming `field`.
 */
export function parsePublicSigningJwk(value: unknown, field = 'jwk'): PublicSigningJwk {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw InvalidInputError.forField(field, 'must be a JWK object');
  const jwk = value as Record<string, unknown>;
  if (PRIVATE_MEMBERS.some((m) => m in jwk))
    throw InvalidInputError.forField(field, 'must be a public key: it contains private key material');
  let key: PublicSigningJwk;
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string') {
    key = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  } else if (jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.x === 'string' && typeof jwk.y === 'string') {
    key = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  } else {
    throw InvalidInputError.forField(field, 'must be an Ed25519 (kty OKP) or P-256 (kty EC) public key');
  }
  if (!B64URL_32_BYTES.test(key.x) || (key.kty === 'EC' && !B64URL_32_BYTES.test(key.y))) {
    throw InvalidInputError.forField(field, 'has malformed coordinates (32 bytes, base64url without padding)');
  }
  try {
    createPublicKey({ key, format: 'jwk' });
  } catch {
    throw InvalidInputError.forField(field, 'is not a valid point on its curve');
  }
  return key;
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url): the `kid` of hub keys and the default `kid` of member keys. */
export function jwkThumbprint(jwk: PublicSigningJwk): string {
  // the required members only, in lexicographic order, no whitespace (RFC 7638 §3.2)
  const members =
    jwk.kty === 'OKP' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members), 'utf8').digest('base64url');
}

/** The JWS algorithms a key may be used with. */
export function algorithmsFor(jwk: PublicSigningJwk): SigningAlgorithm[] {
  return jwk.kty === 'OKP' ? ['EdDSA', 'Ed25519'] : ['ES256'];
}
