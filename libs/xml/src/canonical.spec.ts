import { canonicalJson, canonicalXml, computeVer } from './canonical.js';
import { toProvisioningXml } from './json-to-xml.js';
import type { ProvisioningDocument } from './model.js';
import { parseProvisioningJson, parseProvisioningXml, provisioningXmlToJson } from './provisioning.js';
import { EXTENSIONS_XML, fixture, golden, VALID_FIXTURES } from './test-support.js';
import { validateProvisioningXml } from './xsd-validator.js';

/** Reverse the attribute order of every start tag (the fixtures have no quotes inside values). */
function reverseAttributes(xml: string): string {
  return xml.replace(/<([A-Za-z][\w:.-]*)(\s[^<>]*?)(\/?)>/g, (_, name: string, attrs: string, slash: string) => {
    const list = [...attrs.matchAll(/([\w:.-]+)\s*=\s*"([^"]*)"/g)].map((m) => `${m[1]}="${m[2]}"`);
    return `<${name} ${list.reverse().join('\n     ')}${slash}>`;
  });
}

const VER = /^[A-Za-z0-9_-]{43}$/;

describe(computeVer.name, () => {
  let docs: Record<string, ProvisioningDocument>;
  beforeAll(() => {
    docs = Object.fromEntries(VALID_FIXTURES.map((f) => [f, provisioningXmlToJson(fixture(f))]));
  });

  it('should be a 43-character base64url SHA-256, usable as ContentHash and ETag', () => {
    for (const d of Object.values(docs)) expect(computeVer(d)).toMatch(VER);
  });

  it('should stay the same for the same content in other whitespace, attribute order, prefixes and lexical forms', async () => {
    for (const f of VALID_FIXTURES) {
      const xml = fixture(f);
      const ver = computeVer(docs[f]);
      const variants = [
        toProvisioningXml(docs[f]), // no insignificant whitespace, schema order, comments dropped
        toProvisioningXml(docs[f], { prettyPrint: true }),
        reverseAttributes(xml),
        xml.replace(/="true"/g, '="1"').replace(/="false"/g, '="0"'),
        xml.replace(/<(\/?)([a-z])/g, '<$1p:$2').replace('xmlns=', 'xmlns:p='), // prefixed
        xml.replace(/<(domain|dns-name[^>]*|transport)>([^<]+)</g, '<$1>\n      $2  \n   <'), // whitespace in text
      ];
      for (const v of variants) expect(computeVer(await parseProvisioningXml(v))).toBe(ver);
    }
  });

  it('should ignore the copy attributes for, ver, published and generated', () => {
    const d = docs['example-b-clearing-house-member.xml'];
    const copy = {
      ...d,
      for: 'other.example.net',
      ver: 'abcdefgh',
      published: '2030-01-01T00:00:00Z',
      generated: '2031-01-01T00:00:00Z',
    };
    delete (copy as Partial<ProvisioningDocument>).generated;
    expect(computeVer(copy)).toBe(computeVer(d));
  });

  it('should be the same for the XML and the JSON form', async () => {
    for (const f of VALID_FIXTURES) {
      const fromJson = await parseProvisioningJson(JSON.stringify(docs[f]));
      expect(computeVer(fromJson)).toBe(computeVer(docs[f]));
      // also without the normalizing round trip: JSON key order and string whitespace do not matter
      const messy = JSON.parse(JSON.stringify(docs[f]), (_k, v: unknown) =>
        v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
      ) as ProvisioningDocument;
      messy.domain = ` ${messy.domain}\n`;
      expect(computeVer(messy)).toBe(computeVer(docs[f]));
    }
    const ext = provisioningXmlToJson(EXTENSIONS_XML);
    expect(computeVer(await parseProvisioningJson(ext))).toBe(computeVer(ext));
  });

  it('should change when the content changes', () => {
    const a = docs['example-a-peer-network.xml'];
    const ver = computeVer(a);
    const changed: ProvisioningDocument[] = [
      { ...a, expires: '2024-05-03T10:00:00Z' },
      { ...a, connectivity: { ...a.connectivity, maxConnections: 9 } },
      // order of repeated elements is significant
      { ...a, connectivity: { ...a.connectivity, dnsNames: { dnsName: [...a.connectivity.dnsNames.dnsName].reverse() } } },
      { ...a, $any: ['<x:e xmlns:x="urn:x"/>'] },
      { ...a, '{urn:x}a': '1' },
      { ...a, chatFeatures: { ...a.chatFeatures, cpim: { supported: false } } },
    ];
    const vers = changed.map(computeVer);
    expect(new Set([ver, ...vers]).size).toBe(changed.length + 1);
  });

  it('should canonicalize extension fragments (attribute order, whitespace, declarations) but keep prefixes', () => {
    const b = docs['example-b-clearing-house-member.xml'];
    const v1 = computeVer({ ...b, $any: ['<x:e xmlns:x="urn:x" b="2"   a="1"><x:f> t </x:f>\n</x:e>'] });
    const v2 = computeVer({ ...b, $any: ['<x:e a="1" xmlns:y="urn:unused" b="2" xmlns:x="urn:x">\n  <x:f> t </x:f></x:e>'] });
    const v3 = computeVer({ ...b, $any: ['<y:e xmlns:y="urn:x" a="1" b="2"><y:f> t </y:f></y:e>'] });
    expect(v2).toBe(v1);
    expect(v3).not.toBe(v1);
  });

  it('should keep a pinned value for example B (stored vers must not change between releases)', () => {
    const d = docs['example-b-clearing-house-member.xml'];
    const g = golden('example-b-clearing-house-member.ver', `${computeVer(d)}\n`);
    expect(g.actual).toBe(g.expected);
    const cj = golden('example-b-clearing-house-member.canonical.json', `${canonicalJson(d)}\n`);
    expect(cj.actual).toBe(cj.expected);
  });
});

describe(canonicalXml.name, () => {
  it('should be byte-identical across whitespace, attribute order and XML/JSON forms, and valid', async () => {
    for (const f of VALID_FIXTURES) {
      const d = provisioningXmlToJson(fixture(f));
      const c = canonicalXml(d);
      expect(canonicalXml(provisioningXmlToJson(reverseAttributes(fixture(f))))).toBe(c);
      expect(canonicalXml(await parseProvisioningJson(JSON.stringify(d)))).toBe(c);
      expect(c).not.toMatch(/>\s+</);
      expect(c.slice(0, c.indexOf('>'))).not.toMatch(/ (for|ver|published|generated)="/); // root start tag
      await validateProvisioningXml(c);
    }
  });

  it('should match its golden files', () => {
    for (const [name, xml] of [
      ['example-a-peer-network', fixture('example-a-peer-network.xml')],
      ['extensions', EXTENSIONS_XML],
    ]) {
      const g = golden(`${name}.canonical.xml`, `${canonicalXml(provisioningXmlToJson(xml))}\n`);
      expect(g.actual).toBe(g.expected);
    }
  });
});
