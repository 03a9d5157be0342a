/**
 * SIP message model, parser and serializer (RFC 3261 §7, §18.3, §20). Dependency-free.
 */

/** A header as received or to be sent. `name` is the canonical long form (`v` → `Via`). */
export interface SipHeader {
  readonly name: string;
  readonly value: string;
}

interface SipMessageBase {
  /** `SIP/2.0` (upper-cased). */
  readonly version: string;
  /** Header lines in order, one entry per header line (comma lists are not split). */
  readonly headers: readonly SipHeader[];
  readonly body: Buffer;
}

export interface SipRequest extends SipMessageBase {
  readonly type: 'request';
  readonly method: string;
  readonly requestUri: string;
}

export interface SipResponse extends SipMessageBase {
  readonly type: 'response';
  readonly statusCode: number;
  readonly reasonPhrase: string;
}

export type SipMessage = SipRequest | SipResponse;

/**
 * Thrown by {@link parseSipMessage}. When the start line and at least part of the headers could
 * be read, `partial` holds that best-effort message (without body) so a `400` can be built.
 */
export class SipParseError extends Error {
  override readonly name = 'SipParseError';

  constructor(
    message: string,
    readonly partial: SipMessage | null = null,
  ) {
    super(message);
  }
}

export interface ParseSipMessageOptions {
  /**
   * Parse only the start line and headers, ignoring Content-Length and any body (used to answer
   * a stream message whose body cannot be framed).
   */
  readonly headersOnly?: boolean;
  /** Maximum number of header lines (default 256). */
  readonly maxHeaders?: number;
}

const COMPACT_FORMS: Readonly<Record<string, string>> = {
  a: 'Accept-Contact',
  b: 'Referred-By',
  c: 'Content-Type',
  d: 'Request-Disposition',
  e: 'Content-Encoding',
  f: 'From',
  i: 'Call-ID',
  j: 'Reject-Contact',
  k: 'Supported',
  l: 'Content-Length',
  m: 'Contact',
  n: 'Identity-Info',
  o: 'Event',
  r: 'Refer-To',
  s: 'Subject',
  t: 'To',
  u: 'Allow-Events',
  v: 'Via',
  x: 'Session-Expires',
  y: 'Identity',
};

const CANONICAL_NAMES = new Map<string, string>(
  [
    'Accept',
    'Accept-Encoding',
    'Accept-Language',
    'Alert-Info',
    'Allow',
    'Authentication-Info',
    'Authorization',
    'Call-ID',
    'Call-Info',
    'Contact',
    'Content-Disposition',
    'Content-Encoding',
    'Content-Language',
    'Content-Length',
    'Content-Type',
    'CSeq',
    'Date',
    'Error-Info',
    'Expires',
    'From',
    'In-Reply-To',
    'Max-Forwards',
    'MIME-Version',
    'Min-Expires',
    'Organization',
    'Priority',
    'Proxy-Authenticate',
    'Proxy-Authorization',
    'Proxy-Require',
    'Record-Route',
    'Reply-To',
    'Require',
    'Retry-After',
    'Route',
    'Server',
    'Subject',
    'Supported',
    'Timestamp',
    'To',
    'Unsupported',
    'User-Agent',
    'Via',
    'Warning',
    'WWW-Authenticate',
    ...Object.values(COMPACT_FORMS),
  ].map((name) => [name.toLowerCase(), name]),
);

const TOKEN = /^[!%'*+\-.0-9A-Z_`a-z~]+$/;
const REQUEST_LINE = /^(\S+)[ \t]+(\S+)[ \t]+(SIP\/\d+\.\d+)[ \t]*$/i;
const STATUS_LINE = /^(SIP\/\d+\.\d+)[ \t]+(\d{3})(?:[ \t]+(.*))?$/i;
const HEADER_LINE = /^([^:\s]+)[ \t]*:[ \t]*(.*)$/s;
const DEFAULT_MAX_HEADERS = 256;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Expands a compact form and fixes the case of well-known headers
 * (`v` → `Via`, `call-id` → `Call-ID`); unknown names are returned unchanged.
 */
export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  return COMPACT_FORMS[lower] ?? CANONICAL_NAMES.get(lower) ?? name;
}

/** All values of a header (compact or long name, case-insensitive), one per header line. */
export function getHeaderValues(message: Pick<SipMessage, 'headers'>, name: string): string[] {
  const wanted = canonicalHeaderName(name).toLowerCase();
  return message.headers.filter((h) => h.name.toLowerCase() === wanted).map((h) => h.value);
}

/** First value of a header, or undefined. */
export function getHeader(message: Pick<SipMessage, 'headers'>, name: string): string | undefined {
  return getHeaderValues(message, name)[0];
}

/**
 * Locates the empty line ending the header section, accepting CRLF or bare LF line ends.
 * `headEnd` is the offset of the LF terminating the last header line; `bodyStart` the first
 * byte after the empty line.
 */
export function findHeaderEnd(buf: Buffer, from = 0): { headEnd: number; bodyStart: number } | null {
  let i = buf.indexOf(LF, from);
  while (i !== -1) {
    const next = buf[i + 1];
    if (next === LF) {
      return { headEnd: i, bodyStart: i + 2 };
    }
    if (next === CR && buf[i + 2] === LF) {
      return { headEnd: i, bodyStart: i + 3 };
    }
    i = buf.indexOf(LF, i + 1);
  }
  return null;
}

/** Splits a header section into unfolded logical lines (RFC 3261 §7.3.1 line folding). */
function unfoldLines(text: string): string[] {
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && lines.length > 0) {
      lines[lines.length - 1] = `${lines[lines.length - 1].trimEnd()} ${line.trim()}`;
    } else {
      lines.push(line);
    }
  }
  return lines;
}

function parseHeaderLines(lines: readonly string[], maxHeaders: number): { headers: SipHeader[]; errors: string[] } {
  const headers: SipHeader[] = [];
  const errors: string[] = [];
  if (lines.length > maxHeaders) {
    errors.push(`Too many header lines (${lines.length} > ${maxHeaders})`);
  }
  for (const line of lines.slice(0, maxHeaders)) {
    const match = HEADER_LINE.exec(line);
    if (!match || !TOKEN.test(match[1])) {
      errors.push(`Malformed header line '${truncate(line)}'`);
      continue;
    }
    headers.push({ name: canonicalHeaderName(match[1]), value: match[2].trim() });
  }
  return { headers, errors };
}

function truncate(text: string, max = 60): string {
  const printable = text.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}

/**
 * Reads Content-Length from the headers. Returns null when absent; throws a plain Error when
 * a value is not a number or several values disagree.
 */
function contentLengthOf(headers: readonly SipHeader[]): number | null {
  const values = getHeaderValues({ headers }, 'Content-Length');
  if (values.length === 0) {
    return null;
  }
  let result: number | null = null;
  for (const value of values) {
    if (!/^\d{1,15}$/.test(value)) {
      throw new Error(`Invalid Content-Length '${truncate(value)}'`);
    }
    const length = Number(value);
    if (result !== null && result !== length) {
      throw new Error('Conflicting Content-Length headers');
    }
    result = length;
  }
  return result;
}

/**
 * Reads the Content-Length of a header section (start line + headers, without the empty line),
 * for stream framing. Returns null when absent; throws {@link SipParseError} when invalid.
 */
export function readContentLength(head: Buffer): number | null {
  const lines = unfoldLines(head.toString('utf8')).slice(1);
  const headers = lines
    .map((line) => HEADER_LINE.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && TOKEN.test(m[1]))
    .map((m) => ({ name: canonicalHeaderName(m[1]), value: m[2].trim() }));
  try {
    return contentLengthOf(headers);
  } catch (error) {
    throw new SipParseError((error as Error).message);
  }
}

/**
 * Parses one SIP message (a UDP datagram or a framed stream message).
 *
 * Leading CRLFs are ignored (RFC 3261 §7.5). The body is Content-Length bytes when the header is
 * present (extra bytes are discarded, RFC 3261 §18.3), otherwise the rest of the buffer.
 * Throws {@link SipParseError} on malformed input; never throws anything else.
 */
export function parseSipMessage(buf: Buffer, options: ParseSipMessageOptions = {}): SipMessage {
  let start = 0;
  while (start < buf.length && (buf[start] === CR || buf[start] === LF)) {
    start++;
  }
  if (start === buf.length) {
    throw new SipParseError('Empty message');
  }
  const data = buf.subarray(start);
  const end = findHeaderEnd(data);
  if (!end && !options.headersOnly) {
    throw new SipParseError('Header section is not terminated by an empty line');
  }
  const headEnd = end ? end.headEnd : data.length;
  const bodyStart = end ? end.bodyStart : data.length;
  const lines = unfoldLines(
    data
      .subarray(0, headEnd)
      .toString('utf8')
      .replace(/[\r\n]+$/, ''),
  );
  const startLine = lines[0];

  let message: SipMessage;
  const empty = Buffer.alloc(0);
  const request = REQUEST_LINE.exec(startLine);
  const status = request ? null : STATUS_LINE.exec(startLine);
  const { headers, errors } = parseHeaderLines(lines.slice(1), options.maxHeaders ?? DEFAULT_MAX_HEADERS);
  if (request && TOKEN.test(request[1])) {
    message = {
      type: 'request',
      method: request[1],
      requestUri: request[2],
      version: request[3].toUpperCase(),
      headers,
      body: empty,
    };
  } else if (status) {
    const statusCode = Number(status[2]);
    if (statusCode < 100 || statusCode > 699) {
      throw new SipParseError(`Invalid status code ${statusCode}`);
    }
    message = {
      type: 'response',
      version: status[1].toUpperCase(),
      statusCode,
      reasonPhrase: (status[3] ?? '').trim(),
      headers,
      body: empty,
    };
  } else {
    throw new SipParseError(`Malformed start line '${truncate(startLine)}'`);
  }
  if (errors.length > 0) {
    throw new SipParseError(errors[0], message);
  }
  if (options.headersOnly) {
    return message;
  }

  let contentLength: number | null;
  try {
    contentLength = contentLengthOf(headers);
  } catch (error) {
    throw new SipParseError((error as Error).message, message);
  }
  const available = data.length - bodyStart;
  if (contentLength !== null && contentLength > available) {
    throw new SipParseError(`Message body is shorter than Content-Length (${available} < ${contentLength})`, message);
  }
  const body = Buffer.from(data.subarray(bodyStart, bodyStart + (contentLength ?? available)));
  return { ...message, body };
}

function sanitizeHeaderValue(value: string): string {
  return value.replace(/[\r\n]+[ \t]*/g, ' ');
}

function serialize(startLine: string, headers: readonly SipHeader[], body: Buffer): Buffer {
  let head = `${startLine}\r\n`;
  let lengthWritten = false;
  for (const header of headers) {
    const name = canonicalHeaderName(header.name);
    if (name === 'Content-Length') {
      if (!lengthWritten) {
        head += `Content-Length: ${body.length}\r\n`;
        lengthWritten = true;
      }
      continue;
    }
    head += `${name}: ${sanitizeHeaderValue(header.value)}\r\n`;
  }
  if (!lengthWritten) {
    head += `Content-Length: ${body.length}\r\n`;
  }
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'utf8'), body]);
}

/**
 * Serializes a response with long header names. Content-Length is always written (at the
 * position of an existing Content-Length header, else last) with the actual body length.
 * CR/LF inside header values are replaced by spaces.
 */
export function serializeSipResponse(response: SipResponse): Buffer {
  const reason = sanitizeHeaderValue(response.reasonPhrase);
  return serialize(`${response.version} ${response.statusCode} ${reason}`, response.headers, response.body);
}

/** Serializes a request (same rules as {@link serializeSipResponse}). */
export function serializeSipRequest(request: SipRequest): Buffer {
  return serialize(`${request.method} ${request.requestUri} ${request.version}`, request.headers, request.body);
}

/** Serializes either kind of message. */
export function serializeSipMessage(message: SipMessage): Buffer {
  return message.type === 'request' ? serializeSipRequest(message) : serializeSipResponse(message);
}
