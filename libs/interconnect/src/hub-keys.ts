import { createPrivateKey, type JsonWebKey, randomUUID, sign } from 'node:crypto';
import { createLocalJWKSet, errors, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { InvalidInputError, UnauthenticatedError } from '@app/common';
import { SERVICES, Service } from './decision.js';
import { PublicSigningJwk, jwkThumbprint, parsePublicSigningJwk } from './signing-jwk.js';

/**
 * The hub's signing keys and the assertions it signs with them.
 *
 * An assertion says "the hub, `iss`, vouches that member `sub` may interconnect with member `aud`
 * for the services in `scope`" for at most five minutes. Peers verify it offline against the
 * hub's JWKS (`/.well-known/jwks.json`). Header: `{ alg, kid, typ: "interconnect-assertion+jwt" }`
 * (explicit typing, RFC 8725 §3.11, so no other hub-signed JWT can pass for an assertion).
 * Claims: `iss`, `sub`, `aud` (strings), `scope` (space-separated service names, as in RFC 8693
 * §4.2), `jti`, `iat`, `exp` (NumericDate seconds).
 */

export type HubKeyAlgorithm = 'EdDSA' | 'ES256';
export const HUB_KEY_ALGORITHMS: readonly HubKeyAlgorithm[] = ['EdDSA', 'ES256'];
export const MAX_ASSERTION_TTL_SECONDS = 300;
export const ASSERTION_TYPE = 'interconnect-assertion+jwt';
/** Default clock tolerance when verifying (seconds), and the matching publication leeway. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;

export type HubPublicJwk = PublicSigningJwk & { kid: string; alg: HubKeyAlgorithm; use: 'sig' };

export interface Jwks<K = HubPublicJwk> {
  keys: K[];
}

/** When a key starts signing and when it stops (null: not scheduled to retire yet). */
export interface HubKeySchedule {
  kid: string;
  createdAt: Date;
  retiresAt: Date | null;
}

export interface HubSigningKey extends HubKeySchedule {
  alg: HubKeyAlgorithm;
  publicJwk: HubPublicJwk;
  /** Extractable when freshly generated (so it can be stored encrypted), not when imported. */
  privateKey: CryptoKey;
  /**
   * Signs bytes with the private key, synchronously (HTTP message signatures: node:crypto's
   * one-shot sign takes tens of microseconds, less than a WebCrypto job's trip to the thread
   * pool). The key object it uses is held by the function alone, so it cannot be exported.
   * ES256 signatures are r || s (IEEE P1363), the form JWS and RFC 9421 use.
   */
  signBytes: (data: Uint8Array) => Buffer;
}

/** A synchronous signer over a private JWK (see HubSigningKey.signBytes). */
function bytesSigner(privateJwk: JWK, alg: HubKeyAlgorithm): (data: Uint8Array) => Buffer {
  const key = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' });
  return alg === 'ES256' ? (data) => sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }) : (data) => sign(null, data, key);
}

export interface GenerateHubKeyOptions {
  alg?: HubKeyAlgorithm;
  createdAt?: Date;
  retiresAt?: Date | null;
}

/** A new key pair; `kid` is the RFC 7638 thumbprint of the public key. Ed25519 unless asked otherwise. */
export async function generateHubKey(options: GenerateHubKeyOptions = {}): Promise<HubSigningKey> {
  const alg = options.alg ?? 'EdDSA';
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = toHubPublicJwk(parsePublicSigningJwk(await exportJWK(publicKey)), alg);
  return {
    kid: publicJwk.kid,
    alg,
    publicJwk,
    privateKey,
    signBytes: bytesSigner(await exportJWK(privateKey), alg),
    createdAt: options.createdAt ?? new Date(),
    retiresAt: options.retiresAt ?? null,
  };
}

/** The private JWK of a freshly generated key, to be stored encrypted at rest. */
export async function exportHubPrivateJwk(key: HubSigningKey): Promise<JWK> {
  return exportJWK(key.privateKey);
}

export interface StoredHubKey {
  kid: string;
  alg: string;
  publicJwk: Record<string, unknown>;
  privateJwk: JWK;
  createdAt: Date;
  retiresAt: Date | null;
}

/** Re-creates a key from storage, checking that kid, public and private halves belong together. */
export async function importHubKey(stored: StoredHubKey): Promise<HubSigningKey> {
  const alg = stored.alg as HubKeyAlgorithm;
  if (!HUB_KEY_ALGORITHMS.includes(alg)) throw InvalidInputError.forField('alg', `unsupported hub key algorithm ${stored.alg}`);
  const publicJwk = toHubPublicJwk(parsePublicSigningJwk(stored.publicJwk, 'publicJwk'), alg);
  if (publicJwk.kid !== stored.kid) throw InvalidInputError.forField('kid', 'is not the thumbprint of the public key');
  const { d: _d, ...publicHalf } = stored.privateJwk;
  if (jwkThumbprint(parsePublicSigningJwk(publicHalf, 'privateJwk')) !== stored.kid) {
    throw InvalidInputError.forField('privateJwk', 'does not belong to the public key');
  }
  const privateKey = await importJWK(stored.privateJwk, alg, { extractable: false });
  if (privateKey instanceof Uint8Array || privateKey.type !== 'private')
    throw InvalidInputError.forField('privateJwk', 'is not a private key');
  return {
    kid: stored.kid,
    alg,
    publicJwk,
    privateKey,
    signBytes: bytesSigner(stored.privateJwk, alg),
    createdAt: stored.createdAt,
    retiresAt: stored.retiresAt,
  };
}

function toHubPublicJwk(jwk: PublicSigningJwk, alg: HubKeyAlgorithm): HubPublicJwk {
  return { ...jwk, kid: jwkThumbprint(jwk), alg, use: 'sig' };
}

/** The JWKS document: `{ keys: [...] }` with public members only. */
export function jwksDocument(keys: readonly { publicJwk: HubPublicJwk }[]): Jwks {
  return { keys: keys.map((k) => ({ ...k.publicJwk })) };
}

const signs = (k: HubKeySchedule, t: number) => k.createdAt.getTime() <= t && (k.retiresAt === null || t < k.retiresAt.getTime());
const newestFirst = (x: HubKeySchedule, y: HubKeySchedule) =>
  y.createdAt.getTime() - x.createdAt.getTime() || (x.kid < y.kid ? -1 : x.kid > y.kid ? 1 : 0);

/**
 * The key to sign with at `now`: the newest key that has started (createdAt ≤ now) and not retired
 * (now < retiresAt). With `prePublishSeconds`, a new key is preferred only once it has been
 * published that long (so verifiers caching the JWKS have seen it); until then the previous key
 * keeps signing, unless no other key can. Null when no key can sign: generate one.
 */
export function activeSigningKey<K extends HubKeySchedule>(
  keys: readonly K[],
  now: Date = new Date(),
  options: { prePublishSeconds?: number } = {},
): K | null {
  const t = now.getTime();
  const candidates = keys.filter((k) => signs(k, t)).sort(newestFirst);
  const seasoned = candidates.find((k) => k.createdAt.getTime() + (options.prePublishSeconds ?? 0) * 1000 <= t);
  return seasoned ?? candidates[0] ?? null;
}

/**
 * The keys to publish at `now`, newest first: every key not yet retired (including keys created
 * for a future start, so verifiers learn them in advance), and every retired key while an
 * assertion it signed can still be accepted, i.e. until retiresAt + maxTtl + leeway (the
 * verifiers' clock tolerance).
 */
export function keysToPublish<K extends HubKeySchedule>(
  keys: readonly K[],
  now: Date = new Date(),
  options: { maxTtlSeconds?: number; leewaySeconds?: number } = {},
): K[] {
  const keepMs =
    ((options.maxTtlSeconds ?? MAX_ASSERTION_TTL_SECONDS) + (options.leewaySeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS)) * 1000;
  const t = now.getTime();
  return keys.filter((k) => k.retiresAt === null || t < k.retiresAt.getTime() + keepMs).sort(newestFirst);
}

export interface AssertionRequest {
  /** The hub's domain. */
  issuer: string;
  /** Member A, who presents the assertion. */
  subject: string;
  /** Member B, who verifies it. */
  audience: string;
  scope: readonly Service[];
  /** 1..300 */
  ttlSeconds: number;
}

export interface AssertionClaims {
  iss: string;
  sub: string;
  aud: string;
  scope: Service[];
  jti: string;
  iat: number;
  exp: number;
}

/** Signs an assertion with `key` (choose it with activeSigningKey). Returns the compact JWS. */
export async function signAssertion(
  request: AssertionRequest,
  key: Pick<HubSigningKey, 'kid' | 'alg' | 'privateKey'>,
  now: Date = new Date(),
): Promise<string> {
  for (const field of ['issuer', 'subject', 'audience'] as const) {
    if (typeof request[field] !== 'string' || request[field] === '')
      throw InvalidInputError.forField(field, 'must be a non-empty string');
  }
  const { ttlSeconds } = request;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_ASSERTION_TTL_SECONDS) {
    throw InvalidInputError.forField('ttlSeconds', `must be an integer from 1 to ${MAX_ASSERTION_TTL_SECONDS}`);
  }
  const unknown = request.scope.filter((s) => !SERVICES.includes(s));
  if (request.scope.length === 0 || unknown.length > 0) {
    throw InvalidInputError.forField('scope', `must list one or more of ${SERVICES.join(', ')}`);
  }
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ scope: SERVICES.filter((s) => request.scope.includes(s)).join(' ') })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: ASSERTION_TYPE })
    .setIssuer(request.issuer)
    .setSubject(request.subject)
    .setAudience(request.audience)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(key.privateKey);
}

export type AssertionErrorReason =
  | 'malformed'
  | 'alg-not-allowed'
  | 'wrong-type'
  | 'unknown-key'
  | 'bad-signature'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'not-yet-valid'
  | 'expired'
  | 'lifetime-too-long';

export class AssertionVerificationError extends UnauthenticatedError {
  constructor(
    readonly reason: AssertionErrorReason,
    message: string,
  ) {
    super(`assertion rejected (${reason}): ${message}`, { reason });
  }
}

export interface VerifyAssertionOptions {
  issuer: string;
  audience: string;
  now?: Date;
  clockToleranceSeconds?: number;
}

/**
 * Verifies an assertion against a JWKS (e.g. the hub's published one). Resolves to the claims, or
 * rejects with an AssertionVerificationError naming the reason.
 */
export async function verifyAssertion(
  token: string,
  jwks: { keys: readonly JWK[] },
  options: VerifyAssertionOptions,
): Promise<AssertionClaims> {
  const now = options.now ?? new Date();
  const tolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, createLocalJWKSet({ keys: [...jwks.keys] }), {
      algorithms: [...HUB_KEY_ALGORITHMS],
      typ: ASSERTION_TYPE,
      issuer: options.issuer,
      audience: options.audience,
      currentDate: now,
      clockTolerance: tolerance,
      requiredClaims: ['iss', 'sub', 'aud', 'jti', 'iat', 'exp', 'scope'],
    }));
  } catch (error) {
    throw assertionError(error);
  }
  const { iss, sub, aud, jti, iat, exp, scope } = payload;
  if (typeof sub !== 'string' || sub === '' || typeof jti !== 'string' || jti === '' || typeof scope !== 'string') {
    throw new AssertionVerificationError('malformed', 'sub, jti and scope must be non-empty strings');
  }
  if (typeof aud !== 'string') throw new AssertionVerificationError('malformed', 'aud must be a single audience');
  const services = scope.split(' ');
  if (!services.every((s): s is Service => (SERVICES as readonly string[]).includes(s))) {
    throw new AssertionVerificationError('malformed', `unknown service in scope "${scope}"`);
  }
  const [issuedAt, expiresAt] = [iat as number, exp as number];
  if (issuedAt > now.getTime() / 1000 + tolerance) throw new AssertionVerificationError('not-yet-valid', 'issued in the future');
  if (expiresAt - issuedAt > MAX_ASSERTION_TTL_SECONDS) {
    throw new AssertionVerificationError('lifetime-too-long', `valid for more than ${MAX_ASSERTION_TTL_SECONDS} s`);
  }
  return { iss: iss as string, sub, aud, scope: services, jti, iat: issuedAt, exp: expiresAt };
}

function assertionError(error: unknown): AssertionVerificationError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof errors.JWTExpired) return new AssertionVerificationError('expired', message);
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return new AssertionVerificationError('malformed', message);
    const byClaim: Record<string, AssertionErrorReason> = {
      iss: 'wrong-issuer',
      aud: 'wrong-audience',
      typ: 'wrong-type',
      iat: 'not-yet-valid',
      nbf: 'not-yet-valid',
    };
    return new AssertionVerificationError(byClaim[error.claim] ?? 'malformed', message);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new AssertionVerificationError('alg-not-allowed', message);
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new AssertionVerificationError('unknown-key', message);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new AssertionVerificationError('bad-signature', message);
  return new AssertionVerificationError('malformed', message);
}
