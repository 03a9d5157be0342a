/**
 * Checks on untrusted input shared by the HTTP edge and the domain libraries: values PostgreSQL or
 * the JavaScript runtime cannot hold are refused with a plain reason before they reach either.
 */
import type { InvalidParam } from './domain-errors.js';

/** PostgreSQL text cannot hold U+0000, so a string carrying it could never be stored or compared. */
export const NUL_REASON = 'must not contain the NUL character (U+0000)';

export const hasNul = (text: string): boolean => text.includes('\u0000');

/**
 * A UTF-16 surrogate that is not half of a pair (JSON's "\\ud800" gives one) is not a Unicode
 * character: stored as UTF-8 it would silently become U+FFFD, and the RFC 8785 encoder behind every
 * hash and signature refuses it.
 */
export const LONE_SURROGATE_REASON = 'contains an unpaired UTF-16 surrogate (not a Unicode character)';

// in a `u` regex a paired surrogate is one code point, so only lone halves match
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** Why `text` can be neither stored nor hashed as it is, or undefined when it can. */
function unstorableTextReason(text: string): string | undefined {
  if (hasNul(text)) return NUL_REASON;
  return hasLoneSurrogate(text) ? LONE_SURROGATE_REASON : undefined;
}

/**
 * Every string in `value` that carries U+0000 or an unpaired surrogate, by its path
 * (`contacts.admin[0]`, a key's own path when the key carries it), at most `limit` of them.
 * Iterative, so a deep value cannot overflow the stack.
 */
export function unstorableTextParams(value: unknown, root = '', limit = 20): InvalidParam[] {
  const found: InvalidParam[] = [];
  const stack: Array<[unknown, string]> = [[value, root]];
  while (stack.length > 0 && found.length < limit) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') {
      const reason = unstorableTextReason(current);
      if (reason) found.push({ name: path || 'value', reason });
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push([current[i], `${path}[${i}]`]);
    } else if (typeof current === 'object' && current !== null && !Buffer.isBuffer(current)) {
      const keys = Object.keys(current);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i];
        const child = path ? `${path}.${key}` : key;
        const reason = unstorableTextReason(key);
        if (reason) found.push({ name: child, reason });
        else stack.push([(current as Record<string, unknown>)[key], child]);
      }
    }
  }
  return found;
}

/**
 * The instants the hub accepts in filters and bodies. PostgreSQL refuses year 0 and JavaScript
 * dates end at ±275760; nothing the hub stores predates 1970 or follows 9999.
 */
export const EARLIEST_DATE = new Date('1970-01-01T00:00:00.000Z');
export const LATEST_DATE = new Date('9999-12-31T23:59:59.999Z');
export const DATE_REASON = 'must be a date (2026-12-01) or date and time (2026-12-01T10:00:00Z) between 1970 and 9999';

// a calendar date, optionally with a time and a zone: the ISO 8601 forms people write
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** The instant an ISO 8601 text names, or undefined when it is not one or lies outside 1970–9999. */
export function parseSaneDate(text: unknown): Date | undefined {
  if (typeof text !== 'string' || text.length > 40) return undefined;
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const [month, day] = [Number(m[2]), Number(m[3])];
  // Date.parse rolls 2026-02-31 over into March; refuse days the month does not have
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(Number(m[1]), month, 0)).getUTCDate()) return undefined;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) return undefined;
  const date = new Date(text.replace(' ', 'T'));
  const time = date.getTime();
  if (Number.isNaN(time) || time < EARLIEST_DATE.getTime() || time > LATEST_DATE.getTime()) return undefined;
  return date;
}

/** The largest integer PostgreSQL's bigint and JavaScript's number both hold exactly. */
export const MAX_SAFE_BIGINT = Number.MAX_SAFE_INTEGER;
/** The largest value of PostgreSQL's integer. */
export const MAX_INT32 = 2 ** 31 - 1;

/** A whole number written in decimal digits (optionally signed) within [min, max], or undefined. */
export function parseSafeInteger(text: unknown, min = 0, max = MAX_SAFE_BIGINT): number | undefined {
  let value: number;
  if (typeof text === 'number') value = text;
  else if (typeof text === 'string' && /^-?\d{1,16}$/.test(text)) value = Number(text);
  else return undefined;
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
}

/** How deeply nested a JSON body may be; the hub's own documents need fewer than 10 levels. */
export const MAX_JSON_DEPTH = 32;

/**
 * True when the JSON text nests arrays and objects deeper than `max`. Scans the raw text without
 * recursion and skips string contents with indexOf, so a 400,000-level body is refused in one
 * linear pass before JSON.parse or class-transformer could recurse into it.
 */
export function exceedsJsonDepth(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // to the closing quote: one not preceded by an odd run of backslashes
      let end = text.indexOf('"', i + 1);
      while (end !== -1) {
        let backslashes = 0;
        for (let j = end - 1; text.charCodeAt(j) === 0x5c; j--) backslashes++;
        if (backslashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end === -1) return false; // unterminated: JSON.parse refuses it
      i = end;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}
