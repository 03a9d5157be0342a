import { InvalidInputError, PayloadTooLargeError } from '@app/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toProvisioningXml } from './json-to-xml.js';
import type { ProvisioningDocument } from './model.js';
import {
  parseProvisioningJson,
  parseProvisioningXml,
  provisioningXmlToJson,
  validateProvisioningDocument,
} from './provisioning.js';
import { EXTENSIONS_XML, fixture, VALID_FIXTURES, XML_LIB_DIR } from './test-support.js';

async function rejection(p: Promise<unknown>): Promise<InvalidInputError> {
  try {
    await p;
  } catch (err) {
    return err as InvalidInputError;
  }
  throw new Error('expected a rejection');
}

/** The JSON code blocks of docs/provisioning.md ("Example B in JSON", extensions example). */
function docsJsonExamples(): unknown[] {
  const md = readFileSync(join(XML_LIB_DIR, '..', '..', 'docs', 'provisioning.md'), 'utf8');
  return [...md.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]));
}

const clone = <T>(v: T): T => structuredClone(v);

describe(parseProvisioningXml.name, () => {
  it.each([...VALID_FIXTURES, 'extensions'])('should round-trip %s XML→JSON→XML→JSON identically', async (f) => {
    const xml = f === 'extensions' ? EXTENSIONS_XML : fixture(f);
    const json1 = await parseProvisioningXml(xml);
    for (const prettyPrint of [false, true]) {
      const xml2 = toProvisioningXml(json1, { prettyPrint });
      const json2 = await parseProvisioningXml(xml2);
      expect(json2).toEqual(json1);
      // and the XML written from the second JSON is byte-identical
      expect(toProvisioningXml(json2, { prettyPrint })).toBe(xml2);
    }
    // the JSON form validates and maps back to the same model
    expect(await parseProvisioningJson(JSON.stringify(json1))).toEqual(json1);
  });

  it('should map example B exactly as docs/provisioning.md shows it', async () => {
    const [exampleB] = docsJsonExamples();
    expect(await parseProvisioningXml(fixture('example-b-clearing-house-member.xml'))).toEqual(exampleB);
  });

  it('should map types, whitespace, extensions and embedded documents by the JSON-form rules', async () => {
    const doc = await parseProvisioningXml(Buffer.from(EXTENSIONS_XML));
    expect(doc['{urn:example:ext}trace']).toBe('abc');
    expect(Object.keys(doc).slice(0, 8)).toEqual([
      'version',
      'role',
      'domain',
      'for',
      'ver',
      'generated',
      '{urn:example:ext}trace',
      'contact',
    ]);
    expect(doc.contact).toEqual([{ type: 'noc', '{urn:example:ext}pager': '  yes  ', value: 'mailto:noc@hub.example.net' }]);
    expect(doc.connectivity.dnsNames.dnsName[0].port).toBe(5061);
    expect(doc.connectivity.tls).toEqual({ only: true, mutualAuth: false });
    expect(doc.connectivity.cipherSuites).toEqual({});
    expect(doc.connectivity.maxConnections).toBe(100);
    expect(doc.connectivity.$any).toEqual([
      '<x:hint xmlns:x="urn:example:ext" level="2"><x:note>keep   this  <x:b>bold</x:b> text</x:note><plain>no namespace</plain></x:hint>',
    ]);
    expect(doc.presenceFeatures?.usageProfile).toEqual({ maxNotifyRate: 20.5, maxMessageRate: 1e-7 });
    const members = doc.clearingHouse?.members;
    expect(members?.since).toBe('2024-05-01T00:00:00Z');
    expect(members?.member?.map((m) => [m.domain, m.status])).toEqual([
      ['b.example.org', 'active'],
      ['c.example.net', 'withdrawn'],
    ]);
    const embedded = members?.member?.[0].presImProvisioning;
    expect(embedded?.clearingHouseMembership?.[0]).toEqual({
      clearingHouse: 'hub.example.net',
      listed: true,
      peerNetworkPrivacy: { visibleToAll: true, allow: {} },
    });
    expect(doc.$any).toEqual([
      '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo Id="si"><ds:Reference URI=""/></ds:SignedInfo><ds:SignatureValue>AAAA&amp;&lt;</ds:SignatureValue></ds:Signature>',
    ]);
    // no `xmlns=""` is lost: the unqualified child stays unqualified in the written XML
    expect(toProvisioningXml(doc)).toContain('<plain xmlns="">no namespace</plain>');
  });

  it('should refuse hostile input before parsing', async () => {
    for (const f of ['xxe.xml', 'billion-laughs.xml', 'dtd-internal.xml']) {
      const err = await rejection(parseProvisioningXml(fixture(`hostile/${f}`)));
      expect(err).toBeInstanceOf(InvalidInputError);
      expect(err.message).toMatch(/line 2:1: <!DOCTYPE is not allowed/);
    }
  });

  it('should report well-formedness errors with line and column', async () => {
    const err = await rejection(parseProvisioningXml('<pres-im-provisioning>\n  <a></b>\n</pres-im-provisioning>'));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toMatch(/not well-formed XML: line 2:\d+: /);
    expect(err.invalidParams[0].name).toBe('line 2');
  });

  it('should refuse input larger than maxBytes with 413', async () => {
    await expect(parseProvisioningXml(fixture('example-a-peer-network.xml'), { maxBytes: 1000 })).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
  });
});

describe(provisioningXmlToJson.name, () => {
  it('should map trusted XML synchronously, like the validating parser', async () => {
    for (const f of VALID_FIXTURES) {
      expect(provisioningXmlToJson(fixture(f))).toEqual(await parseProvisioningXml(fixture(f)));
    }
  });
});

describe(parseProvisioningJson.name, () => {
  let exampleB: ProvisioningDocument;
  beforeAll(async () => {
    exampleB = await parseProvisioningXml(fixture('example-b-clearing-house-member.xml'));
  });

  it('should accept the extensions example of docs/provisioning.md', async () => {
    const [, extensions] = docsJsonExamples();
    const doc = await parseProvisioningJson(extensions);
    expect(doc['{urn:example:ext}trace']).toBe('abc');
    expect(doc.$any).toEqual(['<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">…</ds:Signature>']);
  });

  it('should normalize the JSON input (whitespace, key order) to the model', async () => {
    const messy = clone(exampleB) as unknown as Record<string, unknown>;
    (messy.connectivity as ProvisioningDocument['connectivity']).dnsNames.dnsName[0].value = '  edge.b.example.org ';
    const reordered = Object.fromEntries(Object.entries(messy).reverse());
    expect(await parseProvisioningJson(Buffer.from(JSON.stringify(reordered)))).toEqual(exampleB);
  });

  it('should reject unknown keys, kebab-case keys and wrong JSON types with JSON pointers (400)', async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately malformed input
    const bad = clone(exampleB) as unknown as Record<string, any>;
    bad.colour = 'red';
    bad.connectivity['dns-names'] = bad.connectivity.dnsNames;
    bad.connectivity.dnsNames.dnsName[0].port = '5061';
    bad.connectivity.srvRecords.used = 'true';
    bad.contact = bad.contact[0];
    bad.connectivity.maxConnections = 4.5;
    const err = await rejection(parseProvisioningJson(bad));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.invalidParams.map((p) => p.name).sort()).toEqual(
      [
        '/colour',
        '/connectivity/dns-names',
        '/connectivity/dnsNames/dnsName/0/port',
        '/connectivity/srvRecords/used',
        '/contact',
        '/connectivity/maxConnections',
      ].sort(),
    );
    expect(err.message).toMatch(/does not match the model/);
  });

  it('should validate through the XSD and name the offending element by JSON pointer', async () => {
    const bad = clone(exampleB);
    bad.connectivity.dnsNames.dnsName[0].value = 'not_a_domain';
    bad.chatFeatures!.logging!.performedBy = 'self' as never;
    const err = await rejection(validateProvisioningDocument(bad));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.invalidParams).toEqual([
      { name: '/connectivity/dnsNames/dnsName/0', reason: expect.stringContaining('not_a_domain') },
      { name: '/chatFeatures/logging', reason: expect.stringContaining("'self'") },
    ]);
    expect(err.message).toMatch(/provisioning document \(JSON\) is not valid against pres-im-provisioning\.xsd: \/connectivity/);
  });

  it('should report a missing required section at the element found in its place', async () => {
    const bad = clone(exampleB) as Partial<ProvisioningDocument>;
    delete bad.connectivity;
    const err = await rejection(parseProvisioningJson(bad));
    expect(err.invalidParams).toEqual([{ name: '/authorizationPrivacy', reason: expect.stringContaining('connectivity') }]);
    delete bad.authorizationPrivacy;
    delete bad.presenceFeatures;
    delete bad.chatFeatures;
    delete bad.clearingHouseMembership;
    const err2 = await rejection(parseProvisioningJson(bad));
    expect(err2.invalidParams).toEqual([{ name: '/', reason: expect.stringContaining('Missing child element') }]);
  });

  it('should parse $any fragments with the hardened parser', async () => {
    const withDtd = {
      ...clone(exampleB),
      $any: ['<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x:e xmlns:x="urn:x">&e;</x:e>'],
    };
    const err = await rejection(parseProvisioningJson(withDtd));
    expect(err.invalidParams).toEqual([{ name: '/$any/0', reason: expect.stringMatching(/DOCTYPE is not allowed/) }]);
    const inOurNamespace = { ...clone(exampleB), $any: ['<colour xmlns="urn:ietf:params:xml:ns:pres-im-provisioning"/>'] };
    const err2 = await rejection(parseProvisioningJson(inOurNamespace));
    expect(err2.invalidParams[0]).toEqual({ name: '/$any/0', reason: expect.stringContaining('colour') });
  });

  it('should reject non-objects, bad JSON and oversized JSON', async () => {
    await expect(parseProvisioningJson('[1]')).rejects.toThrow(/must be a JSON object/);
    await expect(parseProvisioningJson('{"version":')).rejects.toThrow(/not valid JSON/);
    await expect(parseProvisioningJson('{}'.padEnd(300_000, ' '))).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it('should reject strings with characters XML cannot carry', async () => {
    const bad = clone(exampleB);
    bad.contact![0].value = 'mailto:a\u0000@b.example.org';
    const err = await rejection(parseProvisioningJson(bad));
    expect(err.invalidParams).toEqual([{ name: '/contact/0/value', reason: expect.stringContaining('character') }]);
  });
});
