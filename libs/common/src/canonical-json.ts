/**
 * RFC 8785 (JSON Canonicalization Scheme): object members sorted by their UTF-16 code units, no
 * whitespace, numbers as ECMAScript serialises them, strings escaped as JSON.stringify does
 * (which is what the RFC prescribes). Like JSON.stringify, `toJSON` is honoured (Dates become ISO
 * strings) and `undefined` members are left out; unlike it, values that cannot be represented
 * faithfully (non-finite numbers, bigint, functions, symbols, lone surrogates, `undefined` at the
 * top or in arrays) throw instead of being silently altered.
 *
 * The one encoder behind every hash and signature of the hub: provisioning `ver`, the
 * transparency and message-log chains, retention checkpoints.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, '$');
}

function serialize(value: unknown, path: string): string {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
      return string(value, path);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${path} is not a finite number`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((v, i) => serialize(v, `${path}[${i}]`)).join(',')}]`;
      return object(value as Record<string, unknown>, path);
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      throw new TypeError(`canonicalJson: ${path} is ${typeof value}, which JSON cannot represent`);
  }
}

function object(value: Record<string, unknown>, path: string): string {
  const members: string[] = [];
  // default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires
  for (const key of Object.keys(value).sort()) {
    const member = value[key];
    if (member === undefined) continue;
    members.push(`${string(key, path)}:${serialize(member, `${path}.${key}`)}`);
  }
  return `{${members.join(',')}}`;
}

const LONE_SURROGATE = /\p{Cs}/u;

function string(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) throw new TypeError(`canonicalJson: ${path} contains a lone surrogate`);
  return JSON.stringify(value);
}
