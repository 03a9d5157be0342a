/**
 * Test helpers for libs/xml specs (not exported from the library).
 * Golden files live in libs/xml/fixtures/golden/; run the specs with UPDATE_GOLDEN=1 to rewrite them.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const XML_LIB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES_DIR = join(XML_LIB_DIR, 'fixtures');
export const GOLDEN_DIR = join(FIXTURES_DIR, 'golden');
export const SCHEMA_PATH = join(XML_LIB_DIR, 'schema', 'pres-im-provisioning.xsd');

export const VALID_FIXTURES = [
  'example-a-peer-network.xml',
  'example-b-clearing-house-member.xml',
  'example-c-clearing-house.xml',
] as const;

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES_DIR, name), 'utf8');
}

export function invalidFixtures(): string[] {
  return readdirSync(join(FIXTURES_DIR, 'invalid'))
    .filter((f) => f.endsWith('.xml'))
    .sort();
}

/** Compare `actual` with golden file `name` (or write it when UPDATE_GOLDEN=1). */
export function golden(name: string, actual: string): { expected: string; actual: string } {
  const file = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  if (!existsSync(file)) throw new Error(`golden file ${name} is missing (run the spec with UPDATE_GOLDEN=1)`);
  return { expected: readFileSync(file, 'utf8'), actual };
}

export async function collect(chunks: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

/**
 * A document exercising what the three reference examples do not: prefixes, extension
 * attributes and elements (with an unqualified child and whitespace), an embedded member
 * document, `members/@since`, empty wrappers, `1`/`0` booleans, `0100`, decimals and an exponent-size rate.
 */
export const EXTENSIONS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<!-- extension test document -->
<pip:pres-im-provisioning xmlns:pip="urn:ietf:params:xml:ns:pres-im-provisioning"
    xmlns:x="urn:example:ext" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
    x:trace="abc" domain="hub.example.net" role="clearing-house" version="1.0"
    generated="2024-05-01T10:05:00Z" for="a.example.com" ver="previous-ver-0001">
  <pip:contact type="noc" x:pager="  yes  ">
     mailto:noc@hub.example.net
  </pip:contact>
  <pip:connectivity>
    <pip:dns-names>
      <pip:dns-name protocol="sip" service="any" port="05061">sip.hub.example.net</pip:dns-name>
    </pip:dns-names>
    <pip:tls only="1" mutual-auth="0"/>
    <pip:cipher-suites/>
    <pip:max-connections> 0100 </pip:max-connections>
    <x:hint level="2">
      <x:note>keep   this  <x:b>bold</x:b> text</x:note>
      <plain xmlns="">no namespace</plain>
    </x:hint>
  </pip:connectivity>
  <pip:presence-features>
    <pip:usage-profile max-notify-rate="20.50" max-message-rate="0.0000001"/>
  </pip:presence-features>
  <pip:clearing-house>
    <pip:topology mode="hub"/>
    <pip:members since="2024-05-01T00:00:00Z">
      <pip:member domain="b.example.org" status="active" ver="abcdefgh12345678">
        <pip:certificate sha256="3f1c0e5a9b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e"/>
        <pip:pres-im-provisioning version="1.0" role="clearing-house-member" domain="b.example.org">
          <pip:connectivity>
            <pip:dns-names><pip:dns-name service="any" protocol="sip">edge.b.example.org</pip:dns-name></pip:dns-names>
          </pip:connectivity>
          <pip:clearing-house-membership clearing-house="hub.example.net">
            <pip:listed>1</pip:listed>
            <pip:peer-network-privacy visible-to-all="true"><pip:allow/></pip:peer-network-privacy>
          </pip:clearing-house-membership>
        </pip:pres-im-provisioning>
      </pip:member>
      <pip:member domain="c.example.net" status="withdrawn"/>
    </pip:members>
  </pip:clearing-house>
  <pip:feature uri="urn:ietf:params:sip-option-tags:view-share" supported="true"/>
  <ds:Signature><ds:SignedInfo Id="si">
    <ds:Reference URI=""/></ds:SignedInfo><ds:SignatureValue>AAAA&amp;&lt;</ds:SignatureValue></ds:Signature>
</pip:pres-im-provisioning>
`;
