import { InvalidInputError } from './domain-errors.js';
import { hasNul, MAX_INT32, MAX_SAFE_BIGINT } from './input-checks.js';

/** Opaque keyset-pagination cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * What each field of a sort key holds: `bigint` a non-negative whole number PostgreSQL's bigint
 * and JavaScript both hold exactly, `int` one that fits PostgreSQL's integer, `text` a string of
 * 1–512 characters without U+0000.
 */
export type CursorFieldKind = 'bigint' | 'int' | 'text';

const MAX_CURSOR_LENGTH = 2048;
const MAX_TEXT = 512;

function fieldValue(kind: CursorFieldKind, value: unknown): string | undefined {
  if (kind !== 'text') {
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string' || !/^\d{1,16}$/.test(text)) return undefined;
    return Number(text) <= (kind === 'int' ? MAX_INT32 : MAX_SAFE_BIGINT) ? text : undefined;
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT || hasNul(value)) return undefined;
  return value;
}

/**
 * The sort key a cursor of this API carries, each field checked against its kind; anything else
 * (garbage, JSON of another shape, numbers no column holds) is a 400 naming `cursor`.
 */
export function decodeCursor<K extends string>(cursor: string, fields: Readonly<Record<K, CursorFieldKind>>): Record<K, string> {
  if (cursor.length <= MAX_CURSOR_LENGTH && /^[A-Za-z0-9_-]+$/.test(cursor)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const record = parsed as Record<string, unknown>;
      const out = {} as Record<K, string>;
      let ok = true;
      for (const field of Object.keys(fields) as K[]) {
        const value = Object.hasOwn(record, field) ? fieldValue(fields[field], record[field]) : undefined;
        if (value === undefined) ok = false;
        else out[field] = value;
      }
      if (ok) return out;
    }
  }
  throw InvalidInputError.forField('cursor', 'is not a cursor returned by this API');
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
