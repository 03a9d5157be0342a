import { normalizeDomain } from '@app/common';

/**
 * Participants and rooms of logged messages are URIs of the member networks' protocols. The hub
 * only needs their host (which member network they belong to), and a normal form to index and
 * search them by:
 *
 *   sip:alice@a.example[:port][;params]  sips:…  (user part kept, host lower-cased, params dropped)
 *   xmpp:alice@a.example[/resource]      im:alice@a.example   pres:alice@a.example
 *   xmpp:room@conference.a.example       (a MUC room)
 *   @alice:a.example  !room:a.example  #alias:a.example      (Matrix identifiers)
 *   matrix:u/alice:a.example  matrix:r/alias:a.example  matrix:roomid/id:a.example
 */
export interface ParticipantUri {
  /** normal form: scheme lower-case, host lower-case ASCII, no port, parameters or resource */
  uri: string;
  host: string;
}

const ADDRESS_SCHEMES = new Set(['sip', 'sips', 'xmpp', 'im', 'pres']);
const MATRIX_SIGILS: Record<string, string> = { '@': 'u', '!': 'roomid', '#': 'r' };
const MATRIX_KINDS = new Set(['u', 'r', 'roomid']);
// a URI is a single line of visible characters of the Basic Multilingual Plane: no whitespace or
// controls (also keeps the separator used to pass arrays to PostgreSQL out of the data), and no
// surrogates, paired or lone (not unicode mode, which is slower: it tests code units)
const VISIBLE = /^[\x21-\x7e\u00a0-\ud7ff\ue000-\uffff]+$/;

export class ParticipantUriError extends Error {}

export function parseParticipantUri(input: string): ParticipantUri {
  if (input.length > 512) throw new ParticipantUriError('is longer than 512 characters');
  if (!VISIBLE.test(input)) throw new ParticipantUriError('must be one URI without spaces or control characters');
  return inNormalForm(input) ?? parse(input);
}

/**
 * The usual input, an address URI already in normal form (lower-case scheme, user@host with a
 * host seen before in normal form, nothing after it), parsed without a new string but its host.
 */
// Stryker disable next-line BlockStatement: the fast path only falls back to parse() more often: same answer (the property test in the spec)
function inNormalForm(input: string): ParticipantUri | null {
  // Stryker disable next-line StringLiteral: the fast path only falls back to parse() more often: same answer (the property test in the spec)
  const colon = input.indexOf(':');
  if (!hasLowerAddressScheme(input, colon)) return null;
  // Stryker disable next-line StringLiteral: the fast path only falls back to parse() more often: same answer (the property test in the spec)
  const at = input.lastIndexOf('@');
  if (at <= colon + 1) return null;
  // Stryker disable next-line ArithmeticOperator: scanning the scheme too finds no delimiter in it
  for (let i = colon + 1; i < input.length; i++) {
    const c = input.charCodeAt(i);
    // parameters, a resource or headers; or a port
    // Stryker disable next-line EqualityOperator: the fast path only falls back to parse() more often: same answer (the property test in the spec)
    if (c === 0x3b || c === 0x2f || c === 0x3f || (c === 0x3a && i > at)) return null;
  }
  // Stryker disable next-line ArithmeticOperator,MethodExpression: the fast path only falls back to parse() more often: same answer (the property test in the spec)
  const hostPart = input.slice(at + 1);
  return normalisedHosts.get(hostPart) === hostPart ? { uri: input, host: hostPart } : null;
}

// Stryker disable next-line BlockStatement: the fast path only falls back to parse() more often: same answer (the property test in the spec)
function hasLowerAddressScheme(input: string, colon: number): boolean {
  // Stryker disable next-line BooleanLiteral: the fast path only falls back to parse() more often: same answer (the property test in the spec)
  for (const scheme of ADDRESS_SCHEMES) if (scheme.length === colon && input.startsWith(scheme)) return true;
  return false;
}

function parse(input: string): ParticipantUri {
  const sigil = MATRIX_SIGILS[input[0]];
  if (sigil) return matrix(sigil, input.slice(1));
  const colon = input.indexOf(':');
  const scheme = input.slice(0, colon).toLowerCase();
  const rest = input.slice(colon + 1);
  if (scheme === 'matrix') {
    const slash = rest.indexOf('/');
    const kind = rest.slice(0, slash);
    if (slash < 0 || !MATRIX_KINDS.has(kind))
      throw new ParticipantUriError(`'${input}' is not a matrix: URI (u/, r/ or roomid/)`);
    return matrix(kind, rest.slice(slash + 1));
  }
  if (!ADDRESS_SCHEMES.has(scheme)) {
    throw new ParticipantUriError(
      `'${input}' has no supported scheme (sip, sips, xmpp, im, pres, matrix or a Matrix identifier)`,
    );
  }
  const at = rest.lastIndexOf('@', firstDelimiter(rest, 0));
  const user = at >= 0 ? rest.slice(0, at) : '';
  // Stryker disable next-line ArithmeticOperator: the user part (before at) holds no delimiter, so the search may start anywhere before the host
  const end = firstDelimiter(rest, at + 1);
  const hostPart = rest.slice(at + 1, end);
  const bareHost = stripPort(hostPart);
  const host = domainOf(bareHost, input);
  if (scheme !== 'xmpp' && user === '') throw new ParticipantUriError(`'${input}' has no user part`);
  // already in normal form (the usual case): the input is the URI, no new string
  // Stryker disable ConditionalExpression,EqualityOperator,BlockStatement: a shortcut; not taking it builds the same string
  if (
    user !== '' &&
    end === rest.length &&
    bareHost === hostPart &&
    host === hostPart &&
    colon === scheme.length &&
    input.startsWith(scheme)
  ) {
    return { uri: input, host };
  }
  // Stryker restore ConditionalExpression,EqualityOperator,BlockStatement
  return { uri: `${scheme}:${user ? `${user}@` : ''}${host}`, host };
}

function matrix(kind: string, localAndServer: string): ParticipantUri {
  const colon = localAndServer.indexOf(':');
  if (colon <= 0) throw new ParticipantUriError(`'${localAndServer}' is not a Matrix identifier (local:server)`);
  const host = domainOf(stripPort(localAndServer.slice(colon + 1)), localAndServer);
  return { uri: `matrix:${kind}/${localAndServer.slice(0, colon)}:${host}`, host };
}

/** The first ';', '/' or '?' at or after `from` (where parameters, a resource or headers start), or the length. */
function firstDelimiter(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3b || c === 0x2f || c === 0x3f) return i;
  }
  return s.length;
}

function stripPort(hostPort: string): string {
  // Stryker disable next-line StringLiteral: a fast path; replace() leaves a host without a port unchanged
  return hostPort.includes(':') ? hostPort.replace(/:\d{1,5}$/, '') : hostPort;
}

// Hosts repeat across the records of a batch and across batches; normalising one (IDNA, label
// checks) costs more than the rest of parsing its URI. Invalid hosts are not cached.
const HOST_CACHE_LIMIT = 10_000;
const normalisedHosts = new Map<string, string>();

function domainOf(host: string, input: string): string {
  const cached = normalisedHosts.get(host);
  // Stryker disable next-line ConditionalExpression: a cache; normalising again gives the same domain
  if (cached !== undefined) return cached;
  let domain: string;
  try {
    // Stryker disable next-line StringLiteral: the field name of an error replaced just below
    domain = normalizeDomain(host, 'host');
  } catch {
    throw new ParticipantUriError(`'${input}' has no valid domain name as its host`);
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator: bounds the cache's memory only
  if (normalisedHosts.size >= HOST_CACHE_LIMIT) normalisedHosts.clear();
  normalisedHosts.set(host, domain);
  return domain;
}
