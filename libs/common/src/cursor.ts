import { InvalidInputError } from './domain-errors.js';

/** Opaque keyset-pagination cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor<K extends string>(cursor: string, fields: readonly K[]): Record<K, string> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) {
      const record = parsed as Record<string, unknown>;
      if (fields.every((f) => typeof record[f] === 'string' || typeof record[f] === 'number')) {
        return Object.fromEntries(fields.map((f) => [f, String(record[f])])) as Record<K, string>;
      }
    }
  } catch {
    // fall through to the error below
  }
  throw InvalidInputError.forField('cursor', 'is not a cursor returned by this API');
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
