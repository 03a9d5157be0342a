import { isIP, isIPv6 } from 'node:net';

/** One `;name[=value]` parameter, in the order it appeared. A flag parameter has value `null`. */
export interface SipParam {
  readonly name: string;
  readonly value: string | null;
}

/** A `sip:` / `sips:` URI (RFC 3261 §19.1). `host` is lower-cased, IPv6 without brackets. */
export interface SipUri {
  readonly scheme: 'sip' | 'sips';
  readonly user: string | null;
  readonly host: string;
  readonly port: number | null;
  readonly params: readonly SipParam[];
}

/** A name-addr or addr-spec header value (From, To, Contact…) with its header parameters. */
export interface SipNameAddr {
  readonly displayName: string | null;
  readonly uri: string;
  readonly params: readonly SipParam[];
}

/** One via-parm of a Via header (RFC 3261 §20.42). */
export interface SipVia {
  readonly protocol: string;
  readonly version: string;
  readonly transport: string;
  /** As written in sent-by (IPv6 keeps its brackets). */
  readonly host: string;
  readonly port: number | null;
  readonly params: readonly SipParam[];
}

export interface SipCSeq {
  readonly seq: number;
  readonly method: string;
}

const TOKEN = /^[!%'*+\-.0-9A-Z_`a-z~]+$/;
const HOSTNAME = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.?$/i;

/** True when `value` is a SIP token (RFC 3261 §25.1). */
export function isSipToken(value: string): boolean {
  return TOKEN.test(value);
}

/**
 * Splits `value` on `separator` wherever it is not inside a quoted string or `<…>`.
 * Used for comma-separated header lists and `;`-separated parameters.
 */
export function splitOutsideQuotes(value: string, separator: ',' | ';'): string[] {
  const parts: string[] = [];
  let current = '';
  let inQuotes = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (inQuotes) {
      current += ch;
      if (ch === '\\' && i + 1 < value.length) {
        current += value[++i];
      } else if (ch === '"') {
        inQuotes = false;
      }
      continue;
    }
    if (ch === '"') {
      inQuotes = true;
    } else if (ch === '<') {
      inAngle = true;
    } else if (ch === '>') {
      inAngle = false;
    } else if (ch === separator && !inAngle) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}

/** Splits a comma-separated header value into its trimmed, non-empty elements. */
export function splitHeaderList(value: string): string[] {
  return splitOutsideQuotes(value, ',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/**
 * Parses `;a=1;b;c="x"` (leading `;` optional) into parameters. Returns null when a parameter
 * name is not a token.
 */
export function parseSipParams(text: string): SipParam[] | null {
  const trimmed = text.trim();
  if (trimmed === '') {
    return [];
  }
  const body = trimmed.startsWith(';') ? trimmed.slice(1) : trimmed;
  const params: SipParam[] = [];
  for (const raw of splitOutsideQuotes(body, ';')) {
    const part = raw.trim();
    const eq = part.indexOf('=');
    const name = (eq === -1 ? part : part.slice(0, eq)).trim();
    if (!isSipToken(name)) {
      return null;
    }
    const value = eq === -1 ? null : part.slice(eq + 1).trim();
    params.push({ name, value });
  }
  return params;
}

/** Serializes parameters back to `;a=1;b`. */
export function formatSipParams(params: readonly SipParam[]): string {
  return params.map((p) => (p.value === null ? `;${p.name}` : `;${p.name}=${p.value}`)).join('');
}

/** Finds a parameter by case-insensitive name. */
export function findSipParam(params: readonly SipParam[], name: string): SipParam | undefined {
  const wanted = name.toLowerCase();
  return params.find((p) => p.name.toLowerCase() === wanted);
}

/** Returns the lower-cased scheme of a URI (`sip`, `sips`, `tel`…), or null if there is none. */
export function uriScheme(uri: string): string | null {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(uri.trim());
  return match ? match[1].toLowerCase() : null;
}

/** Parses `host[:port]` where host may be `[IPv6]`. Host is returned without brackets, lower-cased. */
function parseHostPort(text: string): { host: string; bracketed: boolean; port: number | null } | null {
  let host: string;
  let rest: string;
  let bracketed = false;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) {
      return null;
    }
    host = text.slice(1, close);
    rest = text.slice(close + 1);
    if (!isIPv6(host)) {
      return null;
    }
    bracketed = true;
  } else {
    const colon = text.indexOf(':');
    host = colon === -1 ? text : text.slice(0, colon);
    rest = colon === -1 ? '' : text.slice(colon);
    if (host === '' || !(isIP(host) === 4 || HOSTNAME.test(host))) {
      return null;
    }
  }
  let port: number | null = null;
  if (rest !== '') {
    const match = /^:(\d{1,5})$/.exec(rest);
    if (!match) {
      return null;
    }
    port = Number(match[1]);
    if (port > 65535) {
      return null;
    }
  }
  return { host: host.toLowerCase(), bracketed, port };
}

/** Parses a `sip:`/`sips:` URI. Returns null for any other scheme or a malformed URI. */
export function parseSipUri(uri: string): SipUri | null {
  const match = /^(sips?):(.*)$/is.exec(uri.trim());
  if (!match) {
    return null;
  }
  const scheme = match[1].toLowerCase() as 'sip' | 'sips';
  let rest = match[2];
  const question = rest.indexOf('?');
  if (question !== -1) {
    rest = rest.slice(0, question);
  }
  let user: string | null = null;
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(':');
    user = colon === -1 ? userinfo : userinfo.slice(0, colon);
    if (user === '' || /[\s<>"]/.test(user)) {
      return null;
    }
    rest = rest.slice(at + 1);
  }
  const semicolon = rest.indexOf(';');
  const hostPortText = semicolon === -1 ? rest : rest.slice(0, semicolon);
  const hostPort = parseHostPort(hostPortText);
  if (!hostPort) {
    return null;
  }
  const params = semicolon === -1 ? [] : parseSipParams(rest.slice(semicolon));
  if (!params) {
    return null;
  }
  return { scheme, user, host: hostPort.host, port: hostPort.port, params };
}

function unquote(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return trimmed.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return trimmed;
}

/**
 * Parses a name-addr (`"Bob" <sip:bob@b.example>;tag=1`) or addr-spec (`sip:bob@b.example;tag=1`)
 * header value. In the addr-spec form everything after the first `;` is a header parameter
 * (RFC 3261 §20.10). Returns null when malformed.
 */
export function parseNameAddr(value: string): SipNameAddr | null {
  const trimmed = value.trim();
  if (trimmed === '') {
    return null;
  }
  let inQuotes = false;
  let open = -1;
  for (let i = 0; i < trimmed.length; i++) {
    const ch = trimmed[i];
    if (inQuotes) {
      if (ch === '\\') {
        i++;
      } else if (ch === '"') {
        inQuotes = false;
      }
    } else if (ch === '"') {
      inQuotes = true;
    } else if (ch === '<') {
      open = i;
      break;
    }
  }
  if (inQuotes) {
    return null;
  }
  if (open !== -1) {
    const close = trimmed.indexOf('>', open);
    if (close === -1) {
      return null;
    }
    const uri = trimmed.slice(open + 1, close).trim();
    const params = parseSipParams(trimmed.slice(close + 1));
    if (uri === '' || uriScheme(uri) === null || !params) {
      return null;
    }
    const display = unquote(trimmed.slice(0, open));
    return { displayName: display === '' ? null : display, uri, params };
  }
  const semicolon = trimmed.indexOf(';');
  const uri = (semicolon === -1 ? trimmed : trimmed.slice(0, semicolon)).trim();
  const params = semicolon === -1 ? [] : parseSipParams(trimmed.slice(semicolon));
  if (uri === '' || /\s/.test(uri) || uriScheme(uri) === null || !params) {
    return null;
  }
  return { displayName: null, uri, params };
}

/** Parses one via-parm (`SIP/2.0/UDP host:port;branch=z9hG4bK…`). Returns null when malformed. */
export function parseVia(value: string): SipVia | null {
  const match = /^\s*([^\s/]+)\s*\/\s*([^\s/]+)\s*\/\s*([^\s/;]+)\s+([^;\s]+)\s*((?:;.*)?)$/s.exec(value);
  if (!match) {
    return null;
  }
  const [, protocol, version, transport, sentBy, paramText] = match;
  if (!isSipToken(protocol) || !isSipToken(version) || !isSipToken(transport)) {
    return null;
  }
  const hostPort = parseHostPort(sentBy);
  const params = parseSipParams(paramText);
  if (!hostPort || !params) {
    return null;
  }
  const host = hostPort.bracketed ? `[${hostPort.host}]` : hostPort.host;
  return { protocol, version, transport, host, port: hostPort.port, params };
}

/** Serializes a via-parm. */
export function formatVia(via: SipVia): string {
  const port = via.port === null ? '' : `:${via.port}`;
  return `${via.protocol}/${via.version}/${via.transport} ${via.host}${port}${formatSipParams(via.params)}`;
}

/** Parses `CSeq: 314159 OPTIONS`. Returns null when malformed. */
export function parseCSeq(value: string): SipCSeq | null {
  const match = /^\s*(\d{1,10})\s+(\S+)\s*$/.exec(value);
  if (!match || !isSipToken(match[2])) {
    return null;
  }
  const seq = Number(match[1]);
  if (seq > 0x7fffffff) {
    return null;
  }
  return { seq, method: match[2] };
}

/** `::ffff:192.0.2.1` → `192.0.2.1`; other addresses unchanged (IPv6 lower-cased). */
export function normalizeIpAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) {
    return mapped[1];
  }
  return address.toLowerCase();
}

/**
 * Applies RFC 3261 §18.2.1 and RFC 3581 §4 to the topmost Via of a received request:
 * adds `received=<source address>` when sent-by is a host name or differs from the source
 * address, and fills a value-less `rport` with the source port (adding `received` in that case
 * even when the address matches). A `received` already present is overwritten with the source.
 */
export function stampReceivedVia(via: SipVia, sourceAddress: string, sourcePort: number): SipVia {
  const source = normalizeIpAddress(sourceAddress);
  const sentByHost = normalizeIpAddress(via.host.replace(/^\[(.*)\]$/, '$1'));
  const rport = findSipParam(via.params, 'rport');
  const fillRport = rport !== undefined && rport.value === null;
  const needsReceived = fillRport || isIP(sentByHost) === 0 || sentByHost !== source;
  const params: SipParam[] = [];
  let receivedWritten = false;
  for (const param of via.params) {
    const name = param.name.toLowerCase();
    if (name === 'received') {
      if (!receivedWritten) {
        params.push({ name: param.name, value: source });
        receivedWritten = true;
      }
      continue;
    }
    if (name === 'rport' && fillRport) {
      params.push({ name: param.name, value: String(sourcePort) });
      continue;
    }
    params.push(param);
  }
  if (needsReceived && !receivedWritten) {
    params.push({ name: 'received', value: source });
  }
  return { ...via, params };
}
