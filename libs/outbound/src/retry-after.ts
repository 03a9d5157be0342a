/**
 * How long a `Retry-After` header (RFC 9110 §10.2.3) asks to wait, in ms: delay-seconds or an
 * HTTP-date (a date in the past means now). Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // an HTTP-date always names its day or month; a bare number with a sign or a fraction is not one
  if (!/[A-Za-z]/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}
