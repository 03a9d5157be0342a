import { InvalidInputError } from '@app/common';
import {
  camel,
  type ComplexType,
  PROVISIONING_NAMESPACE,
  ROOT_ELEMENT,
  ROOT_TYPE,
  scalarKind,
  typeIndex,
} from './content-model.js';
import type { ProvisioningDocument } from './model.js';
import { serializeCanonical, textContent, type XmlElement } from './xml-tree.js';

/** xs:token whitespace collapse: trim, and runs of whitespace become one space. */
export function collapse(s: string): string {
  return s.replace(/[\t\n\r ]+/g, ' ').trim();
}

/** JSON pointer token escaping (RFC 6901). */
export function pointerToken(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

function fail(el: XmlElement, reason: string): never {
  throw new InvalidInputError(`provisioning document: line ${el.line}: ${reason}`, [{ name: `line ${el.line}`, reason }]);
}

/** Convert the lexical value of an attribute or text-only element to its JSON scalar. */
export function parseScalar(xmlName: string, lexical: string, el: XmlElement): string | number | boolean {
  const v = collapse(lexical);
  switch (scalarKind(xmlName)) {
    case 'boolean':
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      return fail(el, `${xmlName}: "${v}" is not an xs:boolean`);
    case 'integer':
      if (!/^[+-]?[0-9]+$/.test(v)) fail(el, `${xmlName}: "${v}" is not an integer`);
      return Number(v) + 0; // + 0 turns -0 into 0
    case 'number':
      if (!/^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/.test(v)) fail(el, `${xmlName}: "${v}" is not an xs:decimal`);
      return Number(v) + 0;
    case 'string':
      return v;
  }
}

/** Line → JSON pointer of the element starting on it (used to explain validator errors for JSON input). */
export type LinePointers = Map<number, string>;

/**
 * Line → JSON pointer for every element of a document written from the JSON model (one start
 * tag per line, as `toProvisioningXml` pretty-prints). Elements that are not part of the
 * vocabulary can only come from `$any` there, so they are counted as `$any` items. Never throws.
 */
export function linePointers(root: XmlElement): LinePointers {
  const lines: LinePointers = new Map();
  const set = (line: number, p: string): void => {
    if (!lines.has(line)) lines.set(line, p || '/');
  };
  const walk = (el: XmlElement, t: ComplexType, path: string): void => {
    set(el.line, path);
    const idx = typeIndex(t);
    const counts = new Map<string, number>();
    let any = 0;
    for (const c of el.children) {
      if (typeof c === 'string') continue;
      const def = c.uri === PROVISIONING_NAMESPACE ? idx.byName.get(c.local) : undefined;
      if (!def) {
        set(c.line, `${path}/$any/${any++}`);
        continue;
      }
      const key = camel(c.local);
      let p = `${path}/${key}`;
      if (def.repeat) {
        const n = counts.get(key) ?? 0;
        counts.set(key, n + 1);
        p += `/${n}`;
      }
      if (def.type === 'simple') set(c.line, p);
      else walk(c, def.type, p);
    }
  };
  walk(root, ROOT_TYPE, '');
  return lines;
}

function mapElement(el: XmlElement, t: ComplexType): Record<string, unknown> {
  const idx = typeIndex(t);
  const own = new Map<string, string>();
  const obj: Record<string, unknown> = {};
  const foreign: [string, string][] = [];
  for (const a of el.attrs) {
    if (a.uri === '') {
      if (!idx.attrSet.has(a.local)) fail(el, `attribute ${a.local} is not allowed on ${el.local}`);
      own.set(a.local, a.value);
    } else if (a.uri === PROVISIONING_NAMESPACE) {
      fail(el, `attribute {${a.uri}}${a.local} is not allowed on ${el.local}`);
    } else foreign.push([`{${a.uri}}${a.local}`, a.value]);
  }
  // attributes in schema order, then foreign attributes sorted: deterministic whatever the input order
  for (const name of t.attrs) {
    const v = own.get(name);
    if (v !== undefined) obj[camel(name)] = parseScalar(name, v, el);
  }
  foreign.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [k, v] of foreign) obj[k] = v;

  if (t.text) {
    if (el.children.some((c) => typeof c !== 'string')) fail(el, `${el.local} has text content only`);
    obj.value = collapse(textContent(el));
    return obj;
  }
  const any: string[] = [];
  for (const c of el.children) {
    if (typeof c === 'string') {
      if (/\S/.test(c)) fail(el, `${el.local} does not allow text content`);
      continue;
    }
    if (c.uri !== PROVISIONING_NAMESPACE) {
      any.push(serializeCanonical(c));
      continue;
    }
    const def = idx.byName.get(c.local);
    if (!def) fail(c, `element ${c.local} is not allowed in ${el.local}`);
    const key = camel(c.local);
    let value: unknown;
    if (def.type === 'simple') {
      if (c.attrs.length) fail(c, `${c.local} takes no attributes`);
      if (c.children.some((x) => typeof x !== 'string')) fail(c, `${c.local} has text content only`);
      value = parseScalar(c.local, textContent(c), c);
    } else value = mapElement(c, def.type);
    if (def.repeat) {
      const arr = (obj[key] as unknown[] | undefined) ?? [];
      arr.push(value);
      obj[key] = arr;
    } else {
      if (key in obj) fail(c, `${c.local} may occur only once in ${el.local}`);
      obj[key] = value;
    }
  }
  if (any.length) obj.$any = any;
  return obj;
}

/**
 * Map a parsed provisioning document (root `pres-im-provisioning` in our namespace) to the JSON
 * model. Assumes (but defensively re-checks the structure of) a schema-valid document.
 */
export function treeToDocument(root: XmlElement): ProvisioningDocument {
  if (root.uri !== PROVISIONING_NAMESPACE || root.local !== ROOT_ELEMENT) {
    fail(root, `the root element must be {${PROVISIONING_NAMESPACE}}${ROOT_ELEMENT}`);
  }
  return mapElement(root, ROOT_TYPE) as unknown as ProvisioningDocument;
}
