import { createHash, createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * TEST HELPER: a minimal receiver-side verifier of HTTP Message Signatures (RFC 9421) and
 * Content-Digest (RFC 9530), written from the RFC texts alone, independently of the hub's signer
 * (libs/outbound), so the two cannot share a mistake. It is what a member's webhook endpoint does:
 *
 * 1. recompute the SHA-256 of the body and compare it with `Content-Digest` (RFC 9530 §2);
 * 2. read the signature's covered components and parameters from `Signature-Input` (an RFC 8941
 *    dictionary member: an inner list of strings with parameters) and its bytes from `Signature`;
 * 3. check the required components are covered and created/expires against the clock;
 * 4. find the key by `keyid` in the hub's JWKS;
 * 5. rebuild the signature base (RFC 9421 §2.5) from the request as received, and verify.
 */

export interface ReceivedHttpRequest {
  method: string;
  /** the absolute target URI as the receiver sees it, e.g. https://receiver.example:8443/hook */
  targetUri: string;
  headers: IncomingHttpHeaders;
  body: string | Buffer;
}

export interface JsonWebKeySet {
  keys: Array<Record<string, unknown>>;
}

export interface VerifyOptions {
  label?: string;
  now?: Date;
  /** components that must be covered */
  required?: string[];
  /** allowed clock difference, seconds */
  skewSeconds?: number;
}

export interface VerifiedHubSignature {
  keyid: string;
  created: number;
  expires: number | undefined;
  components: string[];
  signatureBase: string;
}

export type SignatureFailureReason =
  | 'digest-missing'
  | 'digest-mismatch'
  | 'signature-missing'
  | 'malformed'
  | 'component-not-covered'
  | 'expired'
  | 'created-in-future'
  | 'unknown-key'
  | 'wrong-algorithm'
  | 'bad-signature';

export class SignatureCheckFailed extends Error {
  constructor(
    readonly reason: SignatureFailureReason,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

const fail = (reason: SignatureFailureReason, detail: string): never => {
  throw new SignatureCheckFailed(reason, detail);
};

const DEFAULT_REQUIRED = ['@method', '@target-uri', 'content-digest', 'idempotency-key'];

export function verifyHubRequest(
  request: ReceivedHttpRequest,
  jwks: JsonWebKeySet,
  options: VerifyOptions = {},
): VerifiedHubSignature {
  checkContentDigest(request);
  const label = options.label ?? 'hub';
  const input = field(request.headers, 'signature-input') ?? fail('signature-missing', 'no Signature-Input');
  const signatureField = field(request.headers, 'signature') ?? fail('signature-missing', 'no Signature');
  const member = dictionaryMember(input, label) ?? fail('signature-missing', `no signature labelled ${label}`);
  const { components, params } = parseInnerList(member);
  const signatureItem = dictionaryMember(signatureField, label) ?? fail('signature-missing', `no Signature ${label}`);
  const bytes = /^:([A-Za-z0-9+/]*={0,2}):$/.exec(signatureItem)?.[1] ?? fail('malformed', 'Signature is not a byte sequence');

  for (const needed of options.required ?? DEFAULT_REQUIRED) {
    if (!components.includes(needed)) fail('component-not-covered', needed);
  }
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const skew = options.skewSeconds ?? 30;
  const created = typeof params.created === 'number' ? params.created : fail('malformed', 'created is not an integer');
  const expires = params.expires === undefined ? undefined : Number(params.expires);
  if (created > now + skew) fail('created-in-future', String(created));
  if (expires !== undefined && expires < now - skew) fail('expired', String(expires));
  const keyid = typeof params.keyid === 'string' ? params.keyid : fail('malformed', 'keyid is not a string');

  const jwk = jwks.keys.find((k) => k.kid === keyid) ?? fail('unknown-key', keyid);
  const base = buildBase(request, components, member.slice(member.indexOf('(')));
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  const signature = Buffer.from(bytes, 'base64');
  let valid: boolean;
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    if (params.alg !== undefined && params.alg !== 'ed25519') fail('wrong-algorithm', String(params.alg));
    valid = verify(null, Buffer.from(base, 'utf8'), key, signature);
  } else if (jwk.kty === 'EC' && jwk.crv === 'P-256') {
    if (params.alg !== undefined && params.alg !== 'ecdsa-p256-sha256') fail('wrong-algorithm', String(params.alg));
    valid = verify('sha256', Buffer.from(base, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }, signature);
  } else {
    return fail('wrong-algorithm', `unsupported key ${String(jwk.kty)}`);
  }
  if (!valid) fail('bad-signature', `signature by ${keyid} does not verify`);
  return { keyid, created, expires, components, signatureBase: base };
}

/** RFC 9530: the sha-256 member of Content-Digest must equal the SHA-256 of the body as received. */
function checkContentDigest(request: ReceivedHttpRequest): void {
  const header = field(request.headers, 'content-digest') ?? fail('digest-missing', 'no Content-Digest');
  const member = dictionaryMember(header, 'sha-256') ?? fail('digest-missing', 'no sha-256 digest');
  const claimed = Buffer.from(/^:([A-Za-z0-9+/]*={0,2}):$/.exec(member)?.[1] ?? fail('malformed', 'digest'), 'base64');
  const actual = createHash('sha256').update(request.body).digest();
  if (claimed.length !== actual.length || !timingSafeEqual(claimed, actual))
    fail('digest-mismatch', 'body and Content-Digest differ');
}

/** RFC 9421 §2.5: `"<component>": <value>` lines, then `"@signature-params": <the inner list with parameters>`. */
function buildBase(request: ReceivedHttpRequest, components: string[], serializedParams: string): string {
  const lines = components.map((name) => {
    if (name === '@method') return `"@method": ${request.method.toUpperCase()}`;
    if (name === '@target-uri') return `"@target-uri": ${request.targetUri}`;
    if (name.startsWith('@')) return fail('malformed', `derived component ${name} not supported by this verifier`);
    const value = field(request.headers, name) ?? fail('malformed', `covered field ${name} is absent`);
    return `"${name}": ${value}`;
  });
  lines.push(`"@signature-params": ${serializedParams}`);
  return lines.join('\n');
}

/** A header field's value as one string: repeated fields joined with ", ", surrounding spaces removed (RFC 9421 §2.1). */
function field(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.map((v) => v.trim()).join(', ') : value).trim();
}

/** The raw value of `key` in an RFC 8941 dictionary (enough for byte sequences and inner lists with string items). */
function dictionaryMember(dictionary: string, key: string): string | undefined {
  let rest = dictionary;
  while (rest.length) {
    const match = /^\s*([a-z*][a-z0-9_.*-]*)=/.exec(rest) ?? fail('malformed', `dictionary ${dictionary}`);
    rest = rest.slice(match[0].length);
    const value = takeValue(rest);
    if (match[1] === key) return value.trim();
    rest = rest.slice(value.length).replace(/^\s*,?/, '');
  }
  return undefined;
}

/** One dictionary value: up to the next comma outside strings, parentheses and byte sequences. */
function takeValue(text: string): string {
  let depth = 0;
  let inString = false;
  let inBytes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ':' && depth === 0) inBytes = !inBytes;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0 && !inBytes) return text.slice(0, i);
  }
  return text;
}

/** `("a" "b");k=1;s="x"` → the strings and the parameters (integers and strings). */
function parseInnerList(value: string): { components: string[]; params: Record<string, string | number> } {
  const match = /^\(([^)]*)\)(.*)$/.exec(value) ?? fail('malformed', `not an inner list: ${value}`);
  const components = [...match[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
  const params: Record<string, string | number> = {};
  for (const p of match[2].matchAll(/;([a-z*][a-z0-9_.*-]*)=("(?:[^"\\]|\\.)*"|-?\d+)/g)) {
    params[p[1]] = p[2].startsWith('"') ? p[2].slice(1, -1) : Number(p[2]);
  }
  return { components, params };
}

/** The target URI a receiver reconstructs from what it received: its scheme, the Host header and the request target. */
export function receivedTargetUri(scheme: 'http' | 'https', headers: IncomingHttpHeaders, path: string): string {
  return `${scheme}://${String(headers.host)}${path}`;
}
