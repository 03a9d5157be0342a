import { hash } from 'node:crypto';

/** A key the hub signs with: `kid` as published in its JWKS, `alg` its JWS algorithm. */
export interface OutboundSigningKey {
  kid: string;
  alg: string;
  /** signs the signature base synchronously; for ES256 the signature is r || s, 32 bytes each (RFC 9421 §3.3.4) */
  signBytes(data: Uint8Array): Buffer;
}

/** Where the client gets the key to sign with, at every request (keys rotate). */
export interface SigningKeySource {
  signingKey(): Promise<OutboundSigningKey>;
}

/** Label of the hub's signature in `Signature-Input` and `Signature`. */
export const SIGNATURE_LABEL = 'hub';
/** Header fields covered by the signature, besides the derived components @method and @target-uri. */
export const SIGNED_FIELDS = ['content-digest', 'content-type', 'idempotency-key'] as const;
/** Seconds after `created` at which the signature expires (`expires` parameter). */
export const SIGNATURE_TTL_SECONDS = 300;

/** RFC 9421 algorithm names per JWS alg. */
const ALGORITHMS: Record<string, string> = { EdDSA: 'ed25519', Ed25519: 'ed25519', ES256: 'ecdsa-p256-sha256' };

/** RFC 9530 `Content-Digest` of a body: `sha-256=:<base64>:`. */
export function contentDigest(body: Uint8Array | string): string {
  // one-shot: no Hash object per request
  return `sha-256=:${hash('sha256', body, 'base64')}:`;
}

export interface SignatureParameters {
  created: number;
  expires: number;
  keyid: string;
  alg: string;
}

export interface RequestToSign {
  method: string;
  /** the absolute target URI as requested */
  targetUri: string;
  /** lower-case field names; every SIGNED_FIELDS name must be present */
  headers: Readonly<Record<string, string>>;
}

/** The `@signature-params` value: the covered components, then created, expires, keyid and alg. */
export function signatureParamsValue(components: readonly string[], p: SignatureParameters): string {
  const list = components.map((c) => `"${c}"`).join(' ');
  return `(${list});created=${p.created};expires=${p.expires};keyid="${p.keyid}";alg="${p.alg}"`;
}

/** The signature base of RFC 9421 §2.5: one line per covered component, then @signature-params; no final newline. */
export function signatureBase(request: RequestToSign, params: SignatureParameters): string {
  const components = ['@method', '@target-uri', ...SIGNED_FIELDS];
  const lines = [`"@method": ${request.method.toUpperCase()}`, `"@target-uri": ${request.targetUri}`];
  for (const field of SIGNED_FIELDS) {
    const value = request.headers[field];
    if (value === undefined) throw new Error(`the signed field ${field} is missing`);
    lines.push(`"${field}": ${value.trim()}`);
  }
  lines.push(`"@signature-params": ${signatureParamsValue(components, params)}`);
  return lines.join('\n');
}

/**
 * `Signature-Input` and `Signature` headers (RFC 9421) signing `request` with `key` at `now`.
 * The covered fields must already be in `request.headers` exactly as they will be sent.
 */
export async function signRequest(
  request: RequestToSign,
  key: OutboundSigningKey,
  now = new Date(),
): Promise<{ 'signature-input': string; signature: string }> {
  const algorithm = ALGORITHMS[key.alg];
  if (!algorithm) throw new Error(`no HTTP message signature algorithm for key ${key.kid} (${key.alg})`);
  const created = Math.floor(now.getTime() / 1000);
  const params = { created, expires: created + SIGNATURE_TTL_SECONDS, keyid: key.kid, alg: algorithm };
  const base = signatureBase(request, params);
  const signature = key.signBytes(Buffer.from(base, 'utf8'));
  const components = ['@method', '@target-uri', ...SIGNED_FIELDS];
  return {
    'signature-input': `${SIGNATURE_LABEL}=${signatureParamsValue(components, params)}`,
    signature: `${SIGNATURE_LABEL}=:${signature.toString('base64')}:`,
  };
}
