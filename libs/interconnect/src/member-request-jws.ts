import { compactVerify, errors, importJWK } from 'jose';
import { UnauthenticatedError } from '@app/common';
import { SIGNING_ALGORITHMS, SigningAlgorithm, PublicSigningJwk, algorithmsFor, parsePublicSigningJwk } from './signing-jwk.js';

/**
 * A member authenticates a call with a short-lived compact JWS signed by one of its registered
 * keys. Header: `alg` (EdDSA, Ed25519 or ES256; never `none`, HS* or anything else) and `kid`.
 * Claims: `iss` = the member's domain, `aud` = the hub's domain, `iat`, `exp` (exp - iat ≤ 300 s),
 * `jti` (single use). Further claims (e.g. binding the request method and path) are returned for
 * the caller to check.
 *
 * Checks, in this order (the first failure is reported):
 *   malformed · alg-not-allowed · unknown-key · key-revoked · key-not-yet-valid · key-expired ·
 *   alg-not-allowed (for that key's type) · bad-signature · malformed (claims) · wrong-audience ·
 *   not-yet-valid (iat/nbf in the future) · expired · lifetime-too-long · replayed
 * The jti is recorded last, so only a token that passed every other check can consume it.
 */

export const MAX_MEMBER_REQUEST_LIFETIME_SECONDS = 300;
const MAX_TOKEN_LENGTH = 8192;
const MAX_ID_LENGTH = 256;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export type MemberRequestJwsReason =
  | 'malformed'
  | 'alg-not-allowed'
  | 'unknown-key'
  | 'key-revoked'
  | 'key-not-yet-valid'
  | 'key-expired'
  | 'bad-signature'
  | 'wrong-audience'
  | 'not-yet-valid'
  | 'expired'
  | 'lifetime-too-long'
  | 'replayed';

export class MemberRequestJwsError extends UnauthenticatedError {
  constructor(
    readonly reason: MemberRequestJwsReason,
    message: string,
  ) {
    super(`signed request rejected (${reason}): ${message}`, { reason });
  }
}

/** A registered member key as the credential store reports it. */
export interface MemberKeyRecord {
  jwk: Record<string, unknown>;
  notBefore: Date;
  /** Exclusive; null: no end. */
  notAfter: Date | null;
  status: 'active' | 'revoked';
}

export interface VerifyMemberRequestOptions {
  hubDomain: string;
  /** The key `kid` registered by member `iss` (lower-cased), or null. */
  resolveKey: (iss: string, kid: string) => Promise<MemberKeyRecord | null>;
  /**
   * Records the jti; true if it was not seen before. `expiresAt` is when the record may be
   * forgotten: after it the token is refused as expired anyway (exp + clock tolerance).
   */
  seenJti: (iss: string, jti: string, expiresAt: Date) => Promise<boolean>;
  now?: Date;
  /** Tolerance for the member's clock on iat/nbf/exp (not on key validity); default 30 s. */
  clockToleranceSeconds?: number;
}

export interface VerifiedMemberRequest {
  domain: string;
  kid: string;
  jti: string;
  expiresAt: Date;
  claims: Record<string, unknown>;
}

const reject = (reason: MemberRequestJwsReason, message: string) => new MemberRequestJwsError(reason, message);

function jsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch {
    throw reject('malformed', `the ${what} is not base64url-encoded JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw reject('malformed', `the ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH;
const isNumericDate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export async function verifyMemberRequestJws(token: string, options: VerifyMemberRequestOptions): Promise<VerifiedMemberRequest> {
  const now = options.now ?? new Date();
  const nowSeconds = now.getTime() / 1000;
  const tolerance = options.clockToleranceSeconds ?? 30;

  // 1. shape and header, before anything is looked up
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
    throw reject('malformed', 'not a compact JWS');
  }
  const [headerPart, payloadPart] = token.split('.');
  const header = jsonObject(Buffer.from(headerPart, 'base64url'), 'header');
  const alg = header.alg;
  if (typeof alg !== 'string') throw reject('malformed', 'the header has no alg');
  if (!SIGNING_ALGORITHMS.includes(alg as SigningAlgorithm)) {
    throw reject('alg-not-allowed', `alg ${JSON.stringify(alg)} is not one of ${SIGNING_ALGORITHMS.join(', ')}`);
  }
  if (!isId(header.kid)) throw reject('malformed', 'the header has no kid');
  const kid = header.kid;
  const unverified = jsonObject(Buffer.from(payloadPart, 'base64url'), 'payload');
  if (!isId(unverified.iss)) throw reject('malformed', 'the payload has no iss');
  const domain = unverified.iss.toLowerCase();

  // 2. the key: registered, active, within its validity (no tolerance: the hub's own records)
  const record = await options.resolveKey(domain, kid);
  if (!record) throw reject('unknown-key', `no key ${kid} registered for ${domain}`);
  if (record.status === 'revoked') throw reject('key-revoked', `key ${kid} of ${domain} is revoked`);
  if (now.getTime() < record.notBefore.getTime())
    throw reject('key-not-yet-valid', `key ${kid} is valid from ${record.notBefore.toISOString()}`);
  if (record.notAfter && now.getTime() >= record.notAfter.getTime()) {
    throw reject('key-expired', `key ${kid} was valid until ${record.notAfter.toISOString()}`);
  }
  let jwk: PublicSigningJwk;
  try {
    jwk = parsePublicSigningJwk(record.jwk);
  } catch {
    throw reject('unknown-key', `key ${kid} of ${domain} is not a usable signing key`);
  }
  if (!algorithmsFor(jwk).includes(alg as SigningAlgorithm)) {
    throw reject('alg-not-allowed', `alg ${alg} cannot be used with key ${kid}`);
  }

  // 3. the signature
  let payloadBytes: Uint8Array;
  try {
    ({ payload: payloadBytes } = await compactVerify(token, await importJWK(jwk, alg), { algorithms: [alg] }));
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed)
      throw reject('bad-signature', `not signed by key ${kid} of ${domain}`);
    throw reject('malformed', error instanceof Error ? error.message : String(error));
  }

  // 4. the claims, read from the verified bytes
  const claims = jsonObject(payloadBytes, 'payload');
  const { aud, iat, exp, nbf, jti } = claims;
  if (!isNumericDate(iat) || !isNumericDate(exp)) throw reject('malformed', 'iat and exp must be NumericDate values');
  if (nbf !== undefined && !isNumericDate(nbf)) throw reject('malformed', 'nbf must be a NumericDate value');
  if (exp <= iat) throw reject('malformed', 'exp must be after iat');
  if (!isId(jti)) throw reject('malformed', 'jti is required');
  if (typeof claims.iss !== 'string' || claims.iss.toLowerCase() !== domain) throw reject('malformed', 'iss changed');
  const hub = options.hubDomain.toLowerCase();
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.some((a) => typeof a === 'string' && a.toLowerCase() === hub)) {
    throw reject('wrong-audience', `the audience is not ${hub}`);
  }
  if (iat > nowSeconds + tolerance || (nbf !== undefined && nbf > nowSeconds + tolerance)) {
    throw reject('not-yet-valid', 'issued or valid only in the future');
  }
  if (nowSeconds >= exp + tolerance) throw reject('expired', `expired at ${new Date(exp * 1000).toISOString()}`);
  if (exp - iat > MAX_MEMBER_REQUEST_LIFETIME_SECONDS) {
    throw reject('lifetime-too-long', `exp - iat must be at most ${MAX_MEMBER_REQUEST_LIFETIME_SECONDS} s`);
  }

  // 5. single use
  if (!(await options.seenJti(domain, jti, new Date((exp + tolerance) * 1000)))) {
    throw reject('replayed', `jti ${jti} was already used`);
  }
  return { domain, kid, jti, expiresAt: new Date(exp * 1000), claims };
}
