import { createHash, randomBytes } from 'node:crypto';

import {
  findSipParam,
  formatVia,
  parseCSeq,
  parseNameAddr,
  parseSipUri,
  parseVia,
  splitHeaderList,
  splitOutsideQuotes,
  stampReceivedVia,
  uriScheme,
  type SipVia,
} from './sip-headers.js';
import {
  getHeader,
  getHeaderValues,
  type SipHeader,
  type SipParseError,
  type SipRequest,
  type SipResponse,
} from './sip-message.js';

/** Media type of the provisioning document. */
export const PRES_IM_PROVISIONING_CONTENT_TYPE = 'application/pres-im-provisioning+xml';

/** Methods this server implements (the `Allow` header). */
export const SIP_ALLOWED_METHODS: readonly string[] = ['OPTIONS'];

/** Default `Server` header value. */
export const DEFAULT_SIP_SERVER_NAME = 'pres-im-clearing-house';

export type SipTransport = 'udp' | 'tcp';

/** Where a request came from. */
export interface SipRemoteInfo {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly transport: SipTransport;
}

/**
 * What is known about the requestor of an OPTIONS. Nothing in it is authenticated: the From URI
 * is whatever the client wrote.
 */
export interface SipRequestorHint extends SipRemoteInfo {
  readonly requestUri: string;
  /** The From header's URI, or null if it is not a parseable name-addr. */
  readonly fromUri: string | null;
  /** Lower-cased host of the From URI when it is a sip/sips URI, else null. */
  readonly fromDomain: string | null;
}

/** The document to return in the 200 OK. */
export interface SipProvisioningDocument {
  readonly body: string;
  readonly contentType: string;
}

/**
 * Looks up the provisioning document for the domain in the Request-URI (lower-cased, without
 * port or trailing dot; may be an IP literal). Returns null when the hub does not answer for
 * that domain (404). A rejection yields a 500.
 */
export type SipProvisioningResolver = (
  targetDomain: string,
  requestor: SipRequestorHint,
) => Promise<SipProvisioningDocument | null>;

export interface OptionsResponderOptions {
  /** `Server` header value (default {@link DEFAULT_SIP_SERVER_NAME}). */
  readonly serverName?: string;
  /** `Accept` header of 200 responses (default `[application/pres-im-provisioning+xml]`). */
  readonly accept?: readonly string[];
  /** Option tags for `Supported` (header omitted when empty, the default) and honoured in `Require`. */
  readonly supported?: readonly string[];
  /** Secret mixed into generated To tags; default: random per process. */
  readonly tagSecret?: string | Buffer;
  /**
   * warn-agent of the `Warning: 399` header that explains a 400 (default: the server name with
   * characters other than letters, digits, `_`, `.` and `-` replaced by `-`).
   */
  readonly warningAgent?: string;
  /** Called when the resolver rejects (the response is then a 500). */
  readonly onResolverError?: (error: unknown, request: SipRequest) => void;
}

/** Extra content for {@link buildSipResponse}. */
export interface SipResponseExtras {
  /** Headers inserted after the mandatory ones (before Content-Type/Content-Length). */
  readonly headers?: readonly SipHeader[];
  readonly body?: Buffer;
  /** Required when `body` is non-empty. */
  readonly contentType?: string;
  /** Adds Allow, Accept and Supported (for 200 to OPTIONS). */
  readonly capabilities?: boolean;
  /** Adds a `Warning: 399 <agent> "<text>"` header. */
  readonly warning?: string;
}

const PROCESS_TAG_SECRET = randomBytes(32);
const SINGLE_HEADERS = ['From', 'To', 'Call-ID', 'CSeq'] as const;

/** Top Via of a request (first element of the first Via header), or null when unusable. */
function topVia(request: Pick<SipRequest, 'headers'>): { via: SipVia; firstLineRest: string[] } | null {
  const first = getHeader(request, 'Via');
  if (first === undefined) {
    return null;
  }
  const elements = splitOutsideQuotes(first, ',');
  const via = parseVia(elements[0]);
  if (!via) {
    return null;
  }
  return { via, firstLineRest: elements.slice(1).map((e) => e.trim()) };
}

function toTag(request: SipRequest, via: SipVia, secret: string | Buffer): string {
  const fromTag = findSipParam(parseNameAddr(getHeader(request, 'From') ?? '')?.params ?? [], 'tag')?.value ?? '';
  const branch = findSipParam(via.params, 'branch')?.value ?? '';
  return createHash('sha256')
    .update(secret)
    .update([getHeader(request, 'Call-ID') ?? '', fromTag, branch, getHeader(request, 'CSeq') ?? ''].join('\0'))
    .digest('hex')
    .slice(0, 16);
}

function quoteWarning(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&').replace(/[\r\n]+/g, ' ')}"`;
}

/**
 * Builds a response to `request` per RFC 3261 §8.2.6: all Via headers copied in order with the
 * topmost stamped with `received`/`rport` (§18.2.1, RFC 3581), From, Call-ID and CSeq copied,
 * To copied with a tag added when it has none (deterministic per transaction, so retransmissions
 * get the same tag), then Server and the extras. Returns null when the request has no usable
 * topmost Via (nowhere to send a response) or is an ACK (never answered).
 */
export function buildSipResponse(
  request: SipRequest,
  remote: SipRemoteInfo,
  statusCode: number,
  reasonPhrase: string,
  options: OptionsResponderOptions = {},
  extras: SipResponseExtras = {},
): SipResponse | null {
  if (request.method === 'ACK') {
    return null;
  }
  const top = topVia(request);
  if (!top) {
    return null;
  }
  const headers: SipHeader[] = [];
  const stamped = formatVia(stampReceivedVia(top.via, remote.remoteAddress, remote.remotePort));
  headers.push({ name: 'Via', value: [stamped, ...top.firstLineRest].join(', ') });
  for (const value of getHeaderValues(request, 'Via').slice(1)) {
    headers.push({ name: 'Via', value });
  }
  const from = getHeader(request, 'From');
  if (from !== undefined) {
    headers.push({ name: 'From', value: from });
  }
  const to = getHeader(request, 'To');
  if (to !== undefined) {
    const parsed = parseNameAddr(to);
    const needsTag = parsed !== null && statusCode > 100 && findSipParam(parsed.params, 'tag') === undefined;
    const tag = needsTag ? toTag(request, top.via, options.tagSecret ?? PROCESS_TAG_SECRET) : null;
    headers.push({ name: 'To', value: tag === null ? to : `${to};tag=${tag}` });
  }
  for (const name of ['Call-ID', 'CSeq']) {
    const value = getHeader(request, name);
    if (value !== undefined) {
      headers.push({ name, value });
    }
  }
  headers.push({ name: 'Server', value: options.serverName ?? DEFAULT_SIP_SERVER_NAME });
  if (extras.capabilities) {
    headers.push({ name: 'Allow', value: SIP_ALLOWED_METHODS.join(', ') });
    headers.push({
      name: 'Accept',
      value: (options.accept ?? [PRES_IM_PROVISIONING_CONTENT_TYPE]).join(', '),
    });
    if (options.supported && options.supported.length > 0) {
      headers.push({ name: 'Supported', value: options.supported.join(', ') });
    }
  }
  if (extras.warning !== undefined) {
    const agent = options.warningAgent ?? (options.serverName ?? DEFAULT_SIP_SERVER_NAME).replace(/[^\w.-]/g, '-');
    headers.push({ name: 'Warning', value: `399 ${agent} ${quoteWarning(extras.warning)}` });
  }
  headers.push(...(extras.headers ?? []));
  const body = extras.body ?? Buffer.alloc(0);
  if (body.length > 0) {
    headers.push({ name: 'Content-Type', value: extras.contentType ?? 'application/octet-stream' });
  }
  headers.push({ name: 'Content-Length', value: String(body.length) });
  return { type: 'response', version: 'SIP/2.0', statusCode, reasonPhrase, headers, body };
}

/**
 * Builds the `400 Bad Request` for a message that failed to parse, when enough of it was read
 * (a request line, a usable top Via; never for ACK or responses). Otherwise null: drop it.
 */
export function buildBadRequestResponse(
  error: SipParseError,
  remote: SipRemoteInfo,
  options: OptionsResponderOptions = {},
): SipResponse | null {
  const partial = error.partial;
  if (!partial || partial.type !== 'request') {
    return null;
  }
  return buildSipResponse(partial, remote, 400, 'Bad Request', options, { warning: error.message });
}

/** Checks the headers every request must carry once (RFC 3261 §8.1.1); returns a problem or null. */
function mandatoryHeaderProblem(request: SipRequest): string | null {
  for (const name of SINGLE_HEADERS) {
    const count = getHeaderValues(request, name).length;
    if (count === 0) {
      return `Missing ${name} header`;
    }
    if (count > 1) {
      return `Multiple ${name} headers`;
    }
  }
  for (const name of ['From', 'To']) {
    if (!parseNameAddr(getHeader(request, name) ?? '')) {
      return `Malformed ${name} header`;
    }
  }
  if (!/^\S+$/.test(getHeader(request, 'Call-ID') ?? '')) {
    return 'Malformed Call-ID header';
  }
  const cseq = parseCSeq(getHeader(request, 'CSeq') ?? '');
  if (!cseq) {
    return 'Malformed CSeq header';
  }
  if (cseq.method !== request.method) {
    return 'CSeq method does not match the request method';
  }
  const maxForwards = getHeaderValues(request, 'Max-Forwards');
  if (maxForwards.length > 1 || (maxForwards.length === 1 && !/^\d{1,3}$/.test(maxForwards[0]))) {
    return 'Malformed Max-Forwards header';
  }
  return null;
}

/**
 * Answers a parsed request as a stateless UAS that implements OPTIONS only:
 * - no answer (null) to ACK or to a request without a usable top Via;
 * - `505` for a SIP version other than 2.0; `400` (with a Warning) for missing, duplicated or
 *   malformed From/To/Call-ID/CSeq/Max-Forwards or a CSeq method mismatch;
 * - `405` with Allow for any method but OPTIONS;
 * - `416` for a non-sip Request-URI scheme, `400` for a malformed sip URI;
 * - `420` with Unsupported when Require lists an option tag not in `options.supported`;
 * - otherwise asks `resolver` for the Request-URI host: `404` when it returns null, `500` when
 *   it rejects, else `200 OK` with the document, Allow, Accept and (optionally) Supported.
 */
export async function respondToSipRequest(
  request: SipRequest,
  remote: SipRemoteInfo,
  resolver: SipProvisioningResolver,
  options: OptionsResponderOptions = {},
): Promise<SipResponse | null> {
  if (request.method === 'ACK' || !topVia(request)) {
    return null;
  }
  const respond = (statusCode: number, reason: string, extras?: SipResponseExtras): SipResponse | null =>
    buildSipResponse(request, remote, statusCode, reason, options, extras);

  if (request.version !== 'SIP/2.0') {
    return respond(505, 'Version Not Supported');
  }
  const problem = mandatoryHeaderProblem(request);
  if (problem) {
    return respond(400, 'Bad Request', { warning: problem });
  }
  if (request.method !== 'OPTIONS') {
    return respond(405, 'Method Not Allowed', {
      headers: [{ name: 'Allow', value: SIP_ALLOWED_METHODS.join(', ') }],
    });
  }
  const scheme = uriScheme(request.requestUri);
  if (scheme === null) {
    return respond(400, 'Bad Request', { warning: 'Malformed Request-URI' });
  }
  if (scheme !== 'sip' && scheme !== 'sips') {
    return respond(416, 'Unsupported URI Scheme');
  }
  const uri = parseSipUri(request.requestUri);
  if (!uri) {
    return respond(400, 'Bad Request', { warning: 'Malformed Request-URI' });
  }
  const supported = new Set((options.supported ?? []).map((tag) => tag.toLowerCase()));
  const unsupported = getHeaderValues(request, 'Require')
    .flatMap(splitHeaderList)
    .filter((tag) => !supported.has(tag.toLowerCase()));
  if (unsupported.length > 0) {
    return respond(420, 'Bad Extension', {
      headers: [{ name: 'Unsupported', value: unsupported.join(', ') }],
    });
  }

  const fromUri = parseNameAddr(getHeader(request, 'From') ?? '')?.uri ?? null;
  const fromSip = fromUri === null ? null : parseSipUri(fromUri);
  const hint: SipRequestorHint = {
    ...remote,
    requestUri: request.requestUri,
    fromUri,
    fromDomain: fromSip ? fromSip.host.replace(/\.$/, '') : null,
  };
  let document: SipProvisioningDocument | null;
  try {
    document = await resolver(uri.host.replace(/\.$/, ''), hint);
  } catch (error) {
    options.onResolverError?.(error, request);
    return respond(500, 'Server Internal Error');
  }
  if (!document) {
    return respond(404, 'Not Found');
  }
  return respond(200, 'OK', {
    body: Buffer.from(document.body, 'utf8'),
    contentType: document.contentType,
    capabilities: true,
  });
}

/**
 * Where to send a response over UDP (RFC 3261 §18.2.2, RFC 3581 §4): the source address of the
 * request, to the source port when the top Via carries `rport`, else to the sent-by port
 * (default 5060). Over TCP the response goes back on the same connection.
 */
export function udpResponseTarget(response: SipResponse, remote: SipRemoteInfo): { address: string; port: number } {
  const top = topVia(response);
  if (!top || findSipParam(top.via.params, 'rport') !== undefined) {
    return { address: remote.remoteAddress, port: remote.remotePort };
  }
  return { address: remote.remoteAddress, port: top.via.port ?? 5060 };
}
