import { spawnSync } from 'node:child_process';
import {
  federationDocumentJsonStream,
  federationDocumentStream,
  type FederationHead,
  type FederationMemberEntry,
} from './federation-stream.js';
import type { ProvisioningDocument } from './model.js';
import { provisioningXmlToJson } from './provisioning.js';
import { collect, fixture, golden, SCHEMA_PATH } from './test-support.js';
import { validateProvisioningXml } from './xsd-validator.js';

/** Independent validation with the system libxml2 (`xmllint`, Debian package libxml2-utils). */
function systemXmllint(xml: string): { status: number | null; output: string } {
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', SCHEMA_PATH, '-'], { input: xml, encoding: 'utf8' });
  if (r.error) throw new Error(`xmllint not available (apt-get install -y libxml2-utils): ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function hubDocument(): ProvisioningDocument {
  const c = provisioningXmlToJson(fixture('example-c-clearing-house.xml'));
  delete c.clearingHouse!.members;
  return c;
}

function memberB(): ProvisioningDocument {
  // the copy served to others: without the clearing-house-membership block (docs §12.7)
  const { clearingHouseMembership: _omitted, ...served } = provisioningXmlToJson(fixture('example-b-clearing-house-member.xml'));
  return {
    ...served,
    for: 'a.example.com',
    ver: 'mn72Eqi5yXD1-lbAlK0xGE2VdSVBbjtC5VI9HBTSD7c',
    published: '2024-05-01T10:00:00Z',
  };
}

function entries(): FederationMemberEntry[] {
  return [
    {
      domain: 'b.example.org',
      status: 'active',
      ver: 'mn72Eqi5yXD1-lbAlK0xGE2VdSVBbjtC5VI9HBTSD7c',
      published: new Date('2024-05-01T10:00:00Z'),
      provisioningUri: 'https://hub.example.net/.well-known/pres-im-provisioning/b.example.org',
      certificate: [
        { sha256: '3f1c0e5a9b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e', subject: 'edge.b.example.org' },
      ],
      document: memberB(),
    },
    {
      domain: 'c.example.net',
      status: 'active',
      ver: 'abcdefgh12345678',
      published: '2024-04-30T08:00:00Z',
      document: provisioningXmlToJson(fixture('example-a-peer-network.xml')),
    },
    { domain: 'd.example.com', status: 'withdrawn' },
  ];
}

async function* slowly<T>(items: T[]): AsyncIterable<T> {
  for (const i of items) {
    await new Promise((r) => setImmediate(r));
    yield i;
  }
}

const head: FederationHead = {
  hubDomain: 'hub.example.net',
  for: 'a.example.com',
  generated: new Date('2024-05-01T10:05:00Z'),
  document: hubDocument(),
};

describe(federationDocumentStream.name, () => {
  it('should yield the head, one chunk per member and the tail', async () => {
    const chunks = await collect(federationDocumentStream(head, slowly(entries())));
    expect(chunks).toHaveLength(5);
    expect(chunks[0]).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><pres-im-provisioning /);
    expect(chunks[0]).toMatch(/<members>$/);
    expect(chunks[0]).not.toContain('<member ');
    expect(chunks.slice(1, 4).map((c) => /^\n<member domain="([^"]+)"/.exec(c)?.[1])).toEqual([
      'b.example.org',
      'c.example.net',
      'd.example.com',
    ]);
    expect(chunks[4]).toBe('\n</members></clearing-house></pres-im-provisioning>\n');
  });

  it('should produce a document that validates with xmllint-wasm and with the system xmllint', async () => {
    const xml = (await collect(federationDocumentStream(head, entries()))).join('');
    await expect(validateProvisioningXml(xml)).resolves.toBeUndefined();
    const sys = systemXmllint(xml);
    expect(sys.output).toContain('validates');
    expect(sys.status).toBe(0);
    const g = golden('federation.xml', xml);
    expect(g.actual).toBe(g.expected);
  });

  it('should map to the hub document with the members embedded', async () => {
    const xml = (await collect(federationDocumentStream(head, entries()))).join('');
    const doc = provisioningXmlToJson(xml);
    expect(doc).toMatchObject({
      version: '1.0',
      role: 'clearing-house',
      domain: 'hub.example.net',
      for: 'a.example.com',
      generated: '2024-05-01T10:05:00Z',
    });
    expect(doc.clearingHouse?.topology).toEqual({ mode: 'hub' });
    const members = doc.clearingHouse?.members?.member ?? [];
    expect(members.map((m) => [m.domain, m.status, m.published])).toEqual([
      ['b.example.org', 'active', '2024-05-01T10:00:00Z'],
      ['c.example.net', 'active', '2024-04-30T08:00:00Z'],
      ['d.example.com', 'withdrawn', undefined],
    ]);
    expect(members[0].presImProvisioning).toEqual(memberB());
  });

  it('should write a delta with members/@since, and valid documents for no members and no hub document', async () => {
    const delta = (await collect(federationDocumentStream({ ...head, since: '2024-05-01T00:00:00Z' }, [entries()[2]]))).join('');
    expect(delta).toContain('<members since="2024-05-01T00:00:00Z">');
    const empty = (
      await collect(federationDocumentStream({ hubDomain: 'hub.example.net', generated: '2024-05-01T10:05:00Z' }, []))
    ).join('');
    expect(provisioningXmlToJson(empty).connectivity).toEqual({
      dnsNames: { dnsName: [{ service: 'any', protocol: 'sip', value: 'hub.example.net' }] },
    });
    for (const xml of [delta, empty]) {
      await validateProvisioningXml(xml);
      expect(systemXmllint(xml).status).toBe(0);
    }
  });

  it('should stop pulling members when the consumer stops', async () => {
    let pulled = 0;
    let closed = false;
    async function* source(): AsyncIterable<FederationMemberEntry> {
      try {
        for (;;) {
          pulled++;
          yield { domain: `m${pulled}.example.com`, status: 'active' };
        }
      } finally {
        closed = true;
      }
    }
    for await (const chunk of federationDocumentStream(head, source())) {
      if (chunk.includes('m3.example.com')) break;
    }
    expect(pulled).toBe(3);
    expect(closed).toBe(true);
  });
});

describe(federationDocumentJsonStream.name, () => {
  it('should yield JSON chunks that form the JSON form of the XML document', async () => {
    const chunks = await collect(federationDocumentJsonStream(head, slowly(entries())));
    expect(chunks).toHaveLength(5);
    expect(chunks[0]).toMatch(/"member":\[$/);
    expect(chunks[2].startsWith(',{"domain":"c.example.net"')).toBe(true);
    const fromJson = JSON.parse(chunks.join('')) as ProvisioningDocument;
    const fromXml = provisioningXmlToJson((await collect(federationDocumentStream(head, entries()))).join(''));
    expect(fromJson).toEqual(fromXml);
  });

  it('should omit the member key when there are no members', async () => {
    const chunks = await collect(federationDocumentJsonStream({ ...head, since: new Date('2024-05-01T00:00:00Z') }, []));
    expect(chunks).toHaveLength(1);
    expect(JSON.parse(chunks[0]).clearingHouse.members).toEqual({ since: '2024-05-01T00:00:00Z' });
  });

  it('should close the member source when the consumer stops', async () => {
    let closed = false;
    function* source(): Iterable<FederationMemberEntry> {
      try {
        for (let i = 1; ; i++) yield { domain: `m${i}.example.com`, status: 'active' };
      } finally {
        closed = true;
      }
    }
    let n = 0;
    for await (const _ of federationDocumentJsonStream(head, source())) if (++n === 3) break;
    expect(closed).toBe(true);
  });
});
