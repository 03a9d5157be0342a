/**
 * PostgreSQL COPY text format (https://www.postgresql.org/docs/current/sql-copy.html, "Text
 * Format"): one line per row, columns separated by tabs, `\N` for NULL, and backslash, tab,
 * newline and carriage return escaped in values.
 */
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const NULL = '\\N';

export function copyValue(value: string | null): string {
  if (value === null) return NULL;
  return NEEDS_ESCAPE.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

const ARRAY_NEEDS_ESCAPE = /["\\\t\n\r]/;

/**
 * copyValue for a value the caller knows needs no escaping (no backslash, tab, newline or carriage
 * return), without testing it again.
 */
export function plainCopyValue(value: string | null): string {
  return value ?? NULL;
}

/** copyTextArray for elements the caller knows need no escaping (nor quote): quoting and joining. */
export function plainCopyTextArray(values: readonly string[]): string {
  return values.length === 0 ? '{}' : `{"${values.join('","')}"}`;
}

/** A text[] value: every element double-quoted (quotes and backslashes escaped), then escaped for COPY. */
export function copyTextArray(values: readonly string[]): string {
  // the common case: nothing to escape in any element, so quoting and joining is all there is
  if (!values.some((v) => ARRAY_NEEDS_ESCAPE.test(v))) return plainCopyTextArray(values);
  return copyValue(`{${values.map((v) => `"${v.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`);
}

/** A bytea value from hex: `\x…` in bytea's hex format, its backslash escaped for COPY. */
export function copyByteaHex(hex: string): string {
  return `\\\\x${hex}`;
}

export function copyRow(values: readonly string[]): string {
  return `${values.join('\t')}\n`;
}
