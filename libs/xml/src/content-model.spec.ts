import { readFileSync } from 'node:fs';
import { camel, type ChildDef, type ComplexType, kebab, ROOT_TYPE, scalarKind } from './content-model.js';
import { SCHEMA_PATH } from './test-support.js';
import { parseXmlTree, type XmlElement } from './xml-tree.js';

/** The content model derived mechanically from the XSD (docs/provisioning.md, end of "Mapping rules"). */
interface Derived {
  name: string;
  attrs: { name: string; type: string }[];
  children: { name: string; type: string; repeat: boolean }[];
  text: boolean;
}

const XS = 'http://www.w3.org/2001/XMLSchema';
const els = (e: XmlElement, local?: string): XmlElement[] =>
  e.children.filter((c): c is XmlElement => typeof c !== 'string' && c.uri === XS && (!local || c.local === local));
const attr = (e: XmlElement, n: string): string | undefined => e.attrs.find((a) => a.local === n && !a.uri)?.value;
const strip = (q: string): string => q.replace(/^[a-z]+:/, '');

function deriveFromXsd(): { types: Map<string, Derived>; rootType: string; simpleTypes: Map<string, string> } {
  const schema = parseXmlTree(readFileSync(SCHEMA_PATH, 'utf8'));
  const types = new Map<string, Derived>();
  const simpleTypes = new Map<string, string>();
  for (const st of els(schema, 'simpleType')) {
    const restriction = els(st, 'restriction')[0];
    simpleTypes.set(attr(st, 'name')!, strip(attr(restriction, 'base')!));
  }
  const rootEl = els(schema, 'element').find((e) => attr(e, 'name') === 'pres-im-provisioning')!;
  const rootType = strip(attr(rootEl, 'type')!);
  for (const ctEl of els(schema, 'complexType')) {
    const name = attr(ctEl, 'name')!;
    const simpleContent = els(ctEl, 'simpleContent')[0];
    const attrHost = simpleContent ? els(simpleContent, 'extension')[0] : ctEl;
    const seq = els(ctEl, 'sequence')[0];
    types.set(name, {
      name,
      text: Boolean(simpleContent),
      attrs: els(attrHost, 'attribute').map((a) => ({ name: attr(a, 'name')!, type: strip(attr(a, 'type')!) })),
      children: seq
        ? els(seq, 'element').map((e) => {
            const ref = attr(e, 'ref');
            return {
              name: ref ? strip(ref) : attr(e, 'name')!,
              type: ref ? rootType : strip(attr(e, 'type')!),
              repeat: (attr(e, 'maxOccurs') ?? '1') !== '1',
            };
          })
        : [],
    });
  }
  return { types, rootType, simpleTypes };
}

/** Resolve a simple type to its XSD built-in base. */
function builtin(type: string, simpleTypes: Map<string, string>): string {
  let t = type;
  for (let i = 0; i < 10 && simpleTypes.has(t); i++) t = simpleTypes.get(t)!;
  return t;
}

function expectedKind(builtinType: string): string {
  if (builtinType === 'boolean') return 'boolean';
  if (['unsignedShort', 'nonNegativeInteger', 'positiveInteger', 'integer'].includes(builtinType)) return 'integer';
  if (builtinType === 'decimal') return 'number';
  return 'string';
}

describe('content model', () => {
  const { types, rootType, simpleTypes } = deriveFromXsd();

  it('should match the XSD: every type, attribute (in order), child (in schema order) and repetition', () => {
    const seen = new Set<ComplexType>();
    const compare = (t: ComplexType, xsdName: string, path: string): void => {
      if (seen.has(t)) return;
      seen.add(t);
      const d = types.get(xsdName);
      expect({ path, type: xsdName, known: Boolean(d) }).toEqual({ path, type: xsdName, known: true });
      expect({ path, name: t.name }).toEqual({ path, name: xsdName });
      expect({ path, attrs: t.attrs }).toEqual({ path, attrs: d!.attrs.map((a) => a.name) });
      expect({ path, text: t.text }).toEqual({ path, text: d!.text });
      expect({ path, children: t.children.map((c: ChildDef) => [c.name, c.repeat, c.type === 'simple']) }).toEqual({
        path,
        children: d!.children.map((c) => [c.name, c.repeat, !types.has(c.type)]),
      });
      t.children.forEach((c, i) => {
        if (c.type !== 'simple') compare(c.type, d!.children[i].type, `${path}/${c.name}`);
      });
    };
    compare(ROOT_TYPE, rootType, 'pres-im-provisioning');
    // every complex type of the XSD is reachable from the root
    expect([...types.keys()].filter((n) => ![...seen].some((t) => t.name === n))).toEqual([]);
  });

  it('should type every scalar as the XSD does (boolean, integer, decimal, string)', () => {
    const mismatches: string[] = [];
    for (const d of types.values()) {
      for (const a of d.attrs) {
        const want = expectedKind(builtin(a.type, simpleTypes));
        if (scalarKind(a.name) !== want) mismatches.push(`${d.name}/@${a.name}: ${scalarKind(a.name)} != ${want}`);
      }
      for (const c of d.children) {
        if (types.has(c.type)) continue;
        const want = expectedKind(builtin(c.type, simpleTypes));
        if (scalarKind(c.name) !== want) mismatches.push(`${d.name}/${c.name}: ${scalarKind(c.name)} != ${want}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('should list exactly the repeatable names of docs/provisioning.md', () => {
    const repeatable = new Set<string>();
    for (const d of types.values()) for (const c of d.children) if (c.repeat) repeatable.add(c.name);
    expect([...repeatable].sort()).toEqual(
      [
        'accepted-issuer',
        'address',
        'certificate',
        'cipher-suite',
        'clearing-house-membership',
        'contact',
        'dns-name',
        'domain',
        'emoticon',
        'endpoint',
        'error',
        'extension',
        'feature',
        'format',
        'map',
        'member',
        'method',
        'peer',
        'presented',
        'service',
        'session-mode',
        'transport',
        'type',
      ].sort(),
    );
  });

  it('should camelCase names reversibly', () => {
    expect(camel('dns-names')).toBe('dnsNames');
    expect(camel('n-way-chat')).toBe('nWayChat');
    expect(camel('sha256')).toBe('sha256');
    expect(kebab('visibleToAll')).toBe('visible-to-all');
    for (const d of types.values()) {
      for (const n of [...d.attrs.map((a) => a.name), ...d.children.map((c) => c.name)]) expect(kebab(camel(n))).toBe(n);
    }
  });
});
