import { InvalidInputError, type InvalidParam } from '@app/common';
import { create } from 'xmlbuilder2';
import { xmlLiteral } from './xml-literal.js';
import {
  camel,
  type ComplexType,
  kebab,
  PROVISIONING_NAMESPACE,
  ROOT_ELEMENT,
  ROOT_TYPE,
  scalarKind,
  typeIndex,
} from './content-model.js';
import type { ProvisioningDocument } from './model.js';
import { assertSafeXml } from './safe-xml.js';
import { parseXmlTree, XML_NAMESPACE, XMLNS_NAMESPACE, type XmlElement } from './xml-tree.js';
import { pointerToken } from './xml-to-json.js';

export type XMLBuilder = ReturnType<typeof create>;

export interface ToXmlOptions {
  /** Indent with two spaces, one element per line. Default false (compact). */
  prettyPrint?: boolean;
  /** Write `<?xml version="1.0" encoding="UTF-8"?>`. Default true. */
  xmlDeclaration?: boolean;
}

/** Characters allowed in XML 1.0 documents. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const CLARK = /^\{([^{}]+)\}([A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_.\-\u00B7\u00C0-\uFFFF]*)$/u;

/** Write a number in plain decimal notation (no exponent, no trailing zeros). */
export function plainDecimal(n: number): string {
  const s = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, int, frac = '', expS] = m;
  const digits = int + frac;
  const exp = Number(expS);
  const point = 1 + exp; // position of the decimal point within `digits`
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign + out;
}

class Writer {
  readonly errors: InvalidParam[] = [];
  private readonly prefixes = new Map<string, string>();

  constructor(private readonly maxFragmentBytes: number) {}

  private error(path: string, reason: string): void {
    if (this.errors.length < 50) this.errors.push({ name: path || '/', reason });
  }

  private checkString(path: string, v: string): boolean {
    if (NOT_XML_CHAR.test(v)) {
      this.error(path, 'contains a character that XML does not allow');
      return false;
    }
    return true;
  }

  /** Lexical XML form of a JSON scalar, or undefined after recording a type error. */
  scalar(xmlName: string, v: unknown, path: string): string | undefined {
    const kind = scalarKind(xmlName);
    switch (kind) {
      case 'boolean':
        if (typeof v === 'boolean') return v ? 'true' : 'false';
        break;
      case 'integer':
        if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
        break;
      case 'number':
        if (typeof v === 'number' && Number.isFinite(v)) return plainDecimal(v);
        break;
      case 'string':
        if (typeof v === 'string') return this.checkString(path, v) ? v : undefined;
        break;
    }
    this.error(path, `must be a JSON ${kind === 'integer' ? 'integer' : kind} (got ${describe(v)})`);
    return undefined;
  }

  private prefixFor(uri: string): string {
    if (uri === XML_NAMESPACE) return 'xml';
    let p = this.prefixes.get(uri);
    if (!p) {
      p = `ns${this.prefixes.size + 1}`;
      this.prefixes.set(uri, p);
    }
    return p;
  }

  /** Write element `name` of complex type `t` with JSON value `value` under `parent`. */
  complex(parent: XMLBuilder, name: string, t: ComplexType, value: unknown, path: string): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.error(path, `must be a JSON object (got ${describe(value)})`);
      return;
    }
    const obj = value as Record<string, unknown>;
    const idx = typeIndex(t);
    const foreign: [string, string, string][] = [];
    let any: unknown;
    for (const key of Object.keys(obj)) {
      const p = `${path}/${pointerToken(key)}`;
      if (obj[key] === undefined) continue;
      if (key === '$any') any = obj[key];
      else if (key.startsWith('{')) {
        const m = CLARK.exec(key);
        const v = obj[key];
        if (!m || m[1] === XMLNS_NAMESPACE) this.error(p, 'is not a valid {namespace-uri}local-name attribute key');
        else if (typeof v !== 'string') this.error(p, `must be a JSON string (got ${describe(v)})`);
        else if (this.checkString(p, v) && this.checkString(p, m[1])) foreign.push([m[1], m[2], v]);
      } else if (key === 'value' && t.text) {
        if (typeof obj[key] !== 'string') this.error(p, `must be a JSON string (got ${describe(obj[key])})`);
      } else {
        const xmlName = kebab(key);
        if (camel(xmlName) !== key || (!idx.byName.has(xmlName) && !idx.attrSet.has(xmlName))) {
          this.error(p, `unknown key "${key}" in ${name}`);
        }
      }
    }
    if (t.text && typeof obj.value !== 'string') {
      if (obj.value === undefined) this.error(`${path}/value`, 'is required (the text of the element)');
      return;
    }
    const el = parent.ele(PROVISIONING_NAMESPACE, name);
    for (const a of t.attrs) {
      const v = obj[camel(a)];
      if (v === undefined) continue;
      const s = this.scalar(a, v, `${path}/${camel(a)}`);
      if (s !== undefined) el.att(a, xmlLiteral(s));
    }
    foreign.sort((a, b) => (a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    for (const [uri, local, v] of foreign) el.att(uri, `${this.prefixFor(uri)}:${local}`, xmlLiteral(v));
    if (t.text) {
      const text = obj.value as string;
      if (this.checkString(`${path}/value`, text)) el.txt(xmlLiteral(text));
      return;
    }
    for (const c of t.children) {
      const key = camel(c.name);
      const v = obj[key];
      if (v === undefined) continue;
      const p = `${path}/${key}`;
      if (c.repeat) {
        if (!Array.isArray(v)) {
          this.error(p, `must be a JSON array (${c.name} can repeat)`);
          continue;
        }
        v.forEach((item, i) => this.child(el, c.name, c.type, item, `${p}/${i}`));
      } else if (Array.isArray(v)) {
        this.error(p, `must not be an array (${c.name} occurs at most once)`);
      } else this.child(el, c.name, c.type, v, p);
    }
    if (any !== undefined) {
      if (!Array.isArray(any)) this.error(`${path}/$any`, 'must be an array of XML fragments');
      else any.forEach((f, i) => this.fragment(el, f, `${path}/$any/${i}`));
    }
  }

  private child(parent: XMLBuilder, name: string, type: ComplexType | 'simple', v: unknown, path: string): void {
    if (type !== 'simple') return this.complex(parent, name, type, v, path);
    const s = this.scalar(name, v, path);
    if (s !== undefined) parent.ele(PROVISIONING_NAMESPACE, name).txt(xmlLiteral(s));
  }

  /** Parse an `$any` fragment with the same hardened parser and import it as nodes. */
  private fragment(parent: XMLBuilder, f: unknown, path: string): void {
    if (typeof f !== 'string') {
      this.error(path, `must be a string holding one XML element (got ${describe(f)})`);
      return;
    }
    let tree: XmlElement;
    try {
      tree = parseXmlTree(
        assertSafeXml(f, { maxBytes: this.maxFragmentBytes, what: 'extension fragment' }),
        'extension fragment',
      );
    } catch (err) {
      this.error(path, err instanceof Error ? err.message : String(err));
      return;
    }
    importElement(parent, tree);
  }
}

function importElement(parent: XMLBuilder, el: XmlElement): void {
  const child = parent.ele(el.uri || null, el.prefix ? `${el.prefix}:${el.local}` : el.local);
  for (const a of el.attrs) child.att(a.uri || null, a.prefix ? `${a.prefix}:${a.local}` : a.local, xmlLiteral(a.value));
  let run = '';
  const flush = (): void => {
    if (/\S/.test(run)) child.txt(xmlLiteral(run));
    run = '';
  };
  for (const c of el.children) {
    if (typeof c === 'string') run += c;
    else {
      flush();
      importElement(child, c);
    }
  }
  flush();
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function structuralError(errors: InvalidParam[]): InvalidInputError {
  const first = errors.slice(0, 5).map((e) => `${e.name}: ${e.reason}`);
  return new InvalidInputError(
    `provisioning document (JSON) does not match the model: ${first.join('; ')}${errors.length > 5 ? ` (+${errors.length - 5} more)` : ''}`,
    errors,
  );
}

/**
 * Write `value` as element `name` of type `t` under `parent` (used by the federation stream to
 * serialize single members). Throws InvalidInputError on structural errors.
 */
export function writeElement(parent: XMLBuilder, name: string, t: ComplexType, value: unknown, path = ''): void {
  const w = new Writer(DEFAULT_FRAGMENT_BYTES);
  w.complex(parent, name, t, value, path);
  if (w.errors.length) throw structuralError(w.errors);
}

const DEFAULT_FRAGMENT_BYTES = 256 * 1024;

/**
 * JSON model → XML (xmlbuilder2), children in schema order (docs/provisioning.md, JSON form
 * rule 8): JSON key order carries no meaning; `$any` elements come after the other children;
 * foreign attributes get generated prefixes `ns1`, `ns2`…; numbers are written in plain decimal
 * notation. A structural problem (wrong JSON type, unknown key, a malformed `$any` fragment)
 * throws {@link InvalidInputError} with JSON pointers. The result is NOT schema-validated here:
 * use `validateProvisioningDocument` for untrusted input.
 */
export function toProvisioningXml(doc: ProvisioningDocument | unknown, options: ToXmlOptions = {}): string {
  const root = options.xmlDeclaration === false ? create() : create({ version: '1.0', encoding: 'UTF-8' });
  writeElement(root, ROOT_ELEMENT, ROOT_TYPE, doc);
  const compact = root.end({ prettyPrint: false, headless: options.xmlDeclaration === false });
  return options.prettyPrint ? indentXml(compact) : compact;
}

interface Tok {
  start: string;
  end?: string;
  children: (Tok | string)[];
}

/**
 * Pretty-print compact XML as written by xmlbuilder2 (no comments, CDATA or PIs; `<` and `>`
 * escaped in text and attribute values): two-space indentation, one element per line in
 * element-only content, and elements that contain any text (text-only or mixed content, e.g.
 * inside extension fragments) written inline untouched. xmlbuilder2's own prettyPrint indents
 * mixed content, which would change the text of extension elements.
 */
export function indentXml(compact: string): string {
  const top: Tok = { start: '', children: [] };
  const stack: Tok[] = [top];
  let decl = '';
  for (const m of compact.matchAll(/<[^>]*>|[^<]+/g)) {
    const t = m[0];
    const cur = stack[stack.length - 1];
    if (t.startsWith('<?')) decl = t;
    else if (t.startsWith('</')) {
      cur.end = t;
      stack.pop();
    } else if (t.startsWith('<')) {
      const tok: Tok = { start: t, children: [] };
      cur.children.push(tok);
      if (!t.endsWith('/>')) stack.push(tok);
    } else cur.children.push(t);
  }
  const inline = (n: Tok | string): string =>
    typeof n === 'string' ? n : n.start + n.children.map(inline).join('') + (n.end ?? '');
  const lines: string[] = decl ? [decl] : [];
  const print = (n: Tok, level: number): void => {
    const pad = '  '.repeat(level);
    if (!n.end || n.children.some((c) => typeof c === 'string')) {
      lines.push(pad + inline(n));
      return;
    }
    lines.push(pad + n.start);
    for (const c of n.children) print(c as Tok, level + 1);
    lines.push(pad + n.end);
  };
  for (const c of top.children) if (typeof c !== 'string') print(c, 0);
  return `${lines.join('\n')}\n`;
}
