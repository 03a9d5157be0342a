import { InvalidInputError } from '@app/common';
import { indentXml, plainDecimal, toProvisioningXml } from './json-to-xml.js';
import type { ProvisioningDocument } from './model.js';
import { provisioningXmlToJson } from './provisioning.js';
import { EXTENSIONS_XML, fixture, golden, VALID_FIXTURES } from './test-support.js';

describe(toProvisioningXml.name, () => {
  it.each([...VALID_FIXTURES, 'extensions'])('should write %s as its golden file (pretty and compact)', (f) => {
    const doc = provisioningXmlToJson(f === 'extensions' ? EXTENSIONS_XML : fixture(f));
    const base = f.replace(/\.xml$/, '');
    const pretty = golden(`${base}.pretty.xml`, toProvisioningXml(doc, { prettyPrint: true }));
    expect(pretty.actual).toBe(pretty.expected);
    const compact = golden(`${base}.compact.xml`, toProvisioningXml(doc));
    expect(compact.actual).toBe(compact.expected);
    const json = golden(`${base}.json`, `${JSON.stringify(doc, null, 2)}\n`);
    expect(json.actual).toBe(json.expected);
  });

  it('should write children in schema order whatever the JSON key order', () => {
    const doc = provisioningXmlToJson(fixture('example-a-peer-network.xml'));
    const reversed = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reversed)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reversed(x)]),
            )
          : v;
    expect(toProvisioningXml(reversed(doc))).toBe(toProvisioningXml(doc));
  });

  it('should write booleans as true/false and numbers in plain decimal notation', () => {
    const doc: ProvisioningDocument = {
      version: '1.0',
      role: 'peer-network',
      domain: 'example.com',
      connectivity: {
        dnsNames: { dnsName: [{ service: 'any', protocol: 'sip', value: 'sip.example.com' }] },
        tls: { only: false },
      },
      presenceFeatures: { usageProfile: { maxNotifyRate: 1e-7, maxMessageRate: 20.5, maxSubscriptions: 1e15 } },
    };
    const xml = toProvisioningXml(doc, { xmlDeclaration: false });
    expect(xml).toContain('<tls only="false"/>');
    expect(xml).toContain('max-subscriptions="1000000000000000" max-notify-rate="0.0000001" max-message-rate="20.5"');
    expect(xml.startsWith('<pres-im-provisioning xmlns="urn:ietf:params:xml:ns:pres-im-provisioning"')).toBe(true);
  });

  it('should give foreign attributes generated prefixes and keep xml:lang', () => {
    const doc = {
      version: '1.0',
      role: 'peer-network',
      domain: 'example.com',
      '{urn:b}y': '2',
      '{urn:a}x': '1',
      '{http://www.w3.org/XML/1998/namespace}lang': 'en',
      connectivity: { dnsNames: { dnsName: [{ service: 'any', protocol: 'sip', value: 'sip.example.com', '{urn:a}z': '3' }] } },
    };
    const xml = toProvisioningXml(doc, { xmlDeclaration: false });
    expect(xml).toContain('xml:lang="en" xmlns:ns1="urn:a" ns1:x="1" xmlns:ns2="urn:b" ns2:y="2"');
    expect(provisioningXmlToJson(xml)).toEqual(doc);
  });

  it('should throw InvalidInputError with JSON pointers for structural errors', () => {
    expect(() => toProvisioningXml({ version: '1.0', connectivity: [] })).toThrow(InvalidInputError);
    try {
      toProvisioningXml({ version: 1, role: 'peer-network', domain: 'a.example', connectivity: { dnsNames: {} }, $any: 'x' });
    } catch (err) {
      expect((err as InvalidInputError).invalidParams).toEqual([
        { name: '/version', reason: 'must be a JSON string (got an integer)' },
        { name: '/$any', reason: 'must be an array of XML fragments' },
      ]);
    }
    expect.assertions(2);
  });
});

describe(plainDecimal.name, () => {
  it('should write attributes and extension fragments that read back exactly, entity-like text included', () => {
    const tricky = 'Tom &amp; Jerry &x; &#38; <b> "q"';
    const fragment = '<x:note xmlns:x="urn:example:x" x:label="a &amp;amp; b">c &amp;lt; d</x:note>';
    const doc: ProvisioningDocument = {
      version: '1.0',
      role: 'peer-network',
      domain: 'example.com',
      connectivity: { dnsNames: { dnsName: [{ service: 'any', protocol: 'sip', value: 'sip.example.com' }] } },
      chatFeatures: { emoticons: { supported: true, emoticon: [{ text: ':-&amp;', meaning: tricky }] } },
      $any: [fragment],
    };
    const back = provisioningXmlToJson(toProvisioningXml(doc));
    expect(back.chatFeatures?.emoticons?.emoticon?.[0]).toEqual({ text: ':-&amp;', meaning: tricky });
    expect(back.$any?.[0]).toContain('x:label="a &amp;amp; b"');
    expect(back.$any?.[0]).toContain('>c &amp;lt; d<');
  });

  it('should never use an exponent', () => {
    expect(plainDecimal(20)).toBe('20');
    expect(plainDecimal(0.5)).toBe('0.5');
    expect(plainDecimal(1e-7)).toBe('0.0000001');
    expect(plainDecimal(1.25e-10)).toBe('0.000000000125');
    expect(plainDecimal(1e21)).toBe('1000000000000000000000');
    expect(plainDecimal(1.5e22)).toBe('15000000000000000000000');
    expect(plainDecimal(-2.5e-7)).toBe('-0.00000025');
  });
});

describe(indentXml.name, () => {
  it('should indent element-only content and leave text and mixed content untouched', () => {
    expect(indentXml('<?xml version="1.0"?><a><b x="1"/><c>t</c><d>m <e>x</e> n</d><f><g/></f></a>')).toBe(
      '<?xml version="1.0"?>\n<a>\n  <b x="1"/>\n  <c>t</c>\n  <d>m <e>x</e> n</d>\n  <f>\n    <g/>\n  </f>\n</a>\n',
    );
  });
});
