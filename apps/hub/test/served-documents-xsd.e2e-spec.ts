import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { createActiveMember, memberDocument, testConfig, type ActiveMember } from '@app/testing';
import { toProvisioningXml, type ProvisioningDocument } from '@app/xml';
import { startTestHub, TestHub } from './test-hub.js';

/**
 * Every document the hub serves validates against the
 * shipped XSD with an independent validator, the system `xmllint --schema` (libxml2-utils),
 * not the WebAssembly build the hub itself uses.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCHEMA = join(ROOT, 'libs/xml/schema/pres-im-provisioning.xsd');
const FIXTURES = join(ROOT, 'libs/xml/fixtures');
const XML = 'application/pres-im-provisioning+xml';
const JSON_TYPE = 'application/pres-im-provisioning+json';
/** The test hub takes the clearing house named in example B, so B's membership block is for this hub. */
const HUB_DOMAIN = 'hub.example.net';

const INSTALL_HINT = 'xmllint is required by this test: apt-get install -y libxml2-utils';

let workDir: string;
let fileCounter = 0;

/** Runs the system xmllint on `xml`; resolves to its exit status and stderr. */
function xmllint(name: string, xml: string): { status: number | null; stderr: string; file: string } {
  const file = join(workDir, `${String(++fileCounter).padStart(2, '0')}-${name.replace(/[^a-z0-9.-]+/gi, '_')}.xml`);
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', SCHEMA, file], { encoding: 'utf8', timeout: 30_000 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${INSTALL_HINT} (spawn xmllint: ENOENT)` : `running xmllint failed: ${r.error.message}`);
  }
  return { status: r.status, stderr: r.stderr, file };
}

/** Fails with xmllint's own message unless `xml` validates against the shipped XSD. */
function expectSchemaValid(name: string, xml: string): void {
  expect(typeof xml).toBe('string');
  expect(xml.length).toBeGreaterThan(0);
  const { status, stderr, file } = xmllint(name, xml);
  if (status !== 0) {
    throw new Error(`${name}: xmllint --schema exited ${status} for ${file}\n${stderr}\n--- document ---\n${xml.slice(0, 4000)}`);
  }
}

describe('documents served by the hub validate with xmllint --schema (e2e)', () => {
  let hub: TestHub;
  /** example A's domain: a peer-network document without a membership block */
  let ex: ActiveMember;
  /** example B's domain: visible-to-all="false", allow a.example.com and c.example.net */
  let b: ActiveMember;
  /** listed and visible to all: the one member anonymous callers see */
  let a: ActiveMember;
  /** not listed, denies example.com */
  let c: ActiveMember;

  const http = () => request(hub.app.getHttpServer());
  const auth = (m: ActiveMember) => ({ Authorization: `Bearer ${m.token}` });
  const as = (m: ActiveMember | null) => (m ? auth(m) : {});
  const getXml = async (path: string, caller: ActiveMember | null, query: Record<string, string> = {}) => {
    const res = await http().get(path).query(query).set(as(caller)).set('Accept', XML).expect(200);
    expect(res.headers['content-type']).toContain(XML);
    return res;
  };
  const getJson = async (path: string, caller: ActiveMember | null, query: Record<string, string> = {}) => {
    const res = await http().get(path).query(query).set(as(caller)).set('Accept', JSON_TYPE).expect(200);
    expect(res.headers['content-type']).toContain(JSON_TYPE);
    return res;
  };
  const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
  const rootVer = (xml: string) => /<pres-im-provisioning\b[^>]*?\sver="([^"]+)"/.exec(xml)?.[1];

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'served-xsd-'));
    hub = await startTestHub(testConfig({ HUB_DOMAIN }));
    await hub.reset();
    ex = await createActiveMember(hub.app, 'example.com');
    b = await createActiveMember(hub.app, 'b.example.org');
    a = await createActiveMember(hub.app, 'a.example.com');
    c = await createActiveMember(hub.app, 'c.example.net');

    const publish = (m: ActiveMember, body: string, type: string) =>
      http().put('/v1/provisioning').set(auth(m)).set('Content-Type', type).send(body).expect(201);
    // The two member fixtures exactly as shipped (their hub-set `for`/`generated` are ignored on input).
    await publish(ex, fixture('example-a-peer-network.xml'), XML);
    await publish(b, fixture('example-b-clearing-house-member.xml'), XML);
    await publish(
      a,
      toProvisioningXml(
        memberDocument(a.domain, {
          hubDomain: HUB_DOMAIN,
          listed: true,
          changeNotification: 'https://a.example.com/hooks/pip',
          delegate: ['logging'],
        }),
      ),
      XML,
    );
    // c publishes the JSON form.
    await publish(
      c,
      JSON.stringify(memberDocument(c.domain, { hubDomain: HUB_DOMAIN, listed: false, deny: [ex.domain] })),
      JSON_TYPE,
    );

    // b serves a different edge and a narrower chat feature set to a.example.com only.
    await http()
      .put(`/v1/provisioning/overrides/${a.domain}`)
      .set(auth(b))
      .send({
        connectivity: { dnsNames: { dnsName: [{ service: 'any', protocol: 'sip', value: 'edge-for-a.b.example.org' }] } },
        chatFeatures: { emoticons: null, fileTransfer: { supported: false } },
      })
      .expect(200);
    // example.com hides its presence-features from c.example.net and adds a contact.
    await http()
      .put(`/v1/provisioning/overrides/${c.domain}`)
      .set(auth(ex))
      .send({ presenceFeatures: null, contact: [{ type: 'noc', value: 'mailto:noc-for-c@example.com' }] })
      .expect(200);
  });

  afterAll(async () => {
    await hub?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('should have the system xmllint, and it should reject a broken document (the check is not vacuous)', () => {
    const probe = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
    if (probe.error) throw new Error(`${INSTALL_HINT} (${probe.error.message})`);
    expectSchemaValid('fixture-a', fixture('example-a-peer-network.xml'));
    const broken = xmllint(
      'broken',
      fixture('example-b-clearing-house-member.xml').replace('<connectivity>', '<connectivity><bogus/>'),
    );
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toContain('bogus');
  });

  describe('member views (GET /.well-known/pres-im-provisioning/{domain})', () => {
    it('should validate the anonymous view of a listed, visible-to-all member', async () => {
      const res = await getXml(`/.well-known/pres-im-provisioning/${a.domain}`, null);
      expect(res.text).not.toContain('clearing-house-membership');
      // a delegated logging, which its own document does not mention: peers are told the hub logs
      expect(res.text).toContain('<chat-features><logging enabled="true" performed-by="clearing-house"/></chat-features>');
      expect(res.headers.etag).toBe(`"${rootVer(res.text)}"`);
      expectSchemaValid('member-a-anonymous', res.text);
    });

    it("should validate example B served to a peer with that peer's override", async () => {
      const res = await getXml(`/.well-known/pres-im-provisioning/${b.domain}`, a);
      expect(res.text).toContain(`for="${a.domain}"`);
      expect(res.text).toContain('edge-for-a.b.example.org');
      expect(res.text).not.toContain('<emoticons');
      expect(res.text).not.toContain('clearing-house-membership');
      expect(res.headers.etag).toBe(`"${rootVer(res.text)}"`);
      expectSchemaValid('member-b-for-a-override', res.text);
    });

    it('should validate example B served to a peer without an override', async () => {
      const res = await getXml(`/.well-known/pres-im-provisioning/${b.domain}`, c);
      expect(res.text).toContain(`for="${c.domain}"`);
      expect(res.text).toContain('edge.b.example.org');
      expectSchemaValid('member-b-for-c', res.text);
    });

    it('should validate example A (peer-network, no membership block) served to peers, with and without an override', async () => {
      const forC = await getXml(`/.well-known/pres-im-provisioning/${ex.domain}`, c);
      expect(forC.text).toContain('noc-for-c@example.com');
      expect(forC.text).not.toContain('<presence-features');
      expectSchemaValid('member-example-for-c-override', forC.text);
      const forA = await getXml(`/.well-known/pres-im-provisioning/${ex.domain}`, a);
      expect(forA.text).toContain('role="peer-network"');
      expectSchemaValid('member-example-for-a', forA.text);
    });

    it("should validate a member's view of its own document (with its membership block)", async () => {
      const res = await getXml(`/.well-known/pres-im-provisioning/${b.domain}`, b);
      expect(res.text).toContain('clearing-house-membership');
      expectSchemaValid('member-b-for-b', res.text);
    });

    it('should validate the JSON form once converted back with toProvisioningXml', async () => {
      for (const [name, path, caller] of [
        ['json-member-b-for-a-override', `/.well-known/pres-im-provisioning/${b.domain}`, a],
        ['json-member-example-for-c-override', `/.well-known/pres-im-provisioning/${ex.domain}`, c],
        ['json-member-a-anonymous', `/.well-known/pres-im-provisioning/${a.domain}`, null],
      ] as const) {
        const res = await getJson(path, caller);
        const doc = JSON.parse(res.text) as ProvisioningDocument;
        expect(res.headers.etag).toBe(`"${doc.ver}.json"`);
        expectSchemaValid(name, toProvisioningXml(doc));
      }
    });
  });

  describe("the hub's own document (GET /.well-known/pres-im-provisioning)", () => {
    it('should validate the anonymous document', async () => {
      const res = await getXml('/.well-known/pres-im-provisioning', null);
      expect(res.text).toContain('role="clearing-house"');
      expect(res.text).toContain(`domain="${a.domain}"`);
      expect(res.text).not.toContain(`domain="${b.domain}"`);
      expectSchemaValid('hub-anonymous', res.text);
    });

    it.each([
      ['a', () => a],
      ['b', () => b],
      ['example.com', () => ex],
    ])('should validate the document computed for member %s', async (label, who) => {
      const res = await getXml('/.well-known/pres-im-provisioning', who());
      expect(res.text).toContain(`for="${who().domain}"`);
      expectSchemaValid(`hub-for-${label}`, res.text);
    });

    it('should validate the JSON form once converted back', async () => {
      const res = await getJson('/.well-known/pres-im-provisioning', a);
      expectSchemaValid('json-hub-for-a', toProvisioningXml(JSON.parse(res.text) as ProvisioningDocument));
    });
  });

  describe("a member's own stored document (GET /v1/provisioning)", () => {
    it.each([
      ['example.com', () => ex],
      ['b', () => b],
      ['a', () => a],
      ['c (published as JSON)', () => c],
    ])('should validate the current document of %s', async (label, who) => {
      const res = await getXml('/v1/provisioning', who());
      expect(res.headers.etag).toBe(`"${rootVer(res.text)}"`);
      expectSchemaValid(`own-${label}`, res.text);
    });
  });

  describe('the aggregated view (GET /v1/federation/provisioning)', () => {
    const past = '2000-01-01T00:00:00Z';

    it.each([
      ['anonymous', () => null],
      ['a', () => a],
      ['b', () => b],
      ['c', () => c],
      ['example.com', () => ex],
    ])('should validate the full view for %s', async (label, who) => {
      const res = await getXml('/v1/federation/provisioning', who());
      expectSchemaValid(`federation-${label}`, res.text);
    });

    it('should embed documents with overrides applied and still validate', async () => {
      const res = await getXml('/v1/federation/provisioning', a);
      expect(res.text).toContain('edge-for-a.b.example.org');
      // a sees its own membership block, never b's allow list or webhook
      expect(res.text).not.toContain('<peer domain="c.example.net"/>');
      expect(res.text).not.toContain('https://b.example.org/hooks/');
      expectSchemaValid('federation-for-a-with-override', res.text);
    });

    it.each([
      ['a, since the past', () => a, past],
      ['anonymous, since the past', () => null, past],
      ['b, since the future (no members)', () => b, '2999-01-01T00:00:00Z'],
    ])('should validate the delta view for %s', async (label, who, since) => {
      const res = await getXml('/v1/federation/provisioning', who(), { since });
      expect(res.text).toMatch(/<members[^>]*\ssince="/);
      expectSchemaValid(`federation-since-${label}`, res.text);
    });

    it('should validate the JSON form once converted back', async () => {
      const res = await getJson('/v1/federation/provisioning', a);
      expectSchemaValid('json-federation-for-a', toProvisioningXml(JSON.parse(res.text) as ProvisioningDocument));
    });
  });

  /**
   * An override is checked against the member's document current when it is stored, and merged
   * into whatever document is current when it is served. Whatever the hub accepts (or refuses)
   * along the way, what it serves must still validate.
   */
  describe('overrides that do not fit the current document', () => {
    const tlsOverride = { connectivity: { tls: { minVersion: '1.3' } } };
    const viewsFor = async (target: ActiveMember, peer: ActiveMember, label: string) => {
      const view = await http().get(`/.well-known/pres-im-provisioning/${target.domain}`).set(auth(peer)).set('Accept', XML);
      if (view.status === 200) expectSchemaValid(`${label}-member-view`, view.text);
      else expect(view.status).toBe(404);
      const federation = await getXml('/v1/federation/provisioning', peer);
      expectSchemaValid(`${label}-federation`, federation.text);
    };

    it('should serve valid documents when the override was stored before the first publish', async () => {
      const d = await createActiveMember(hub.app, 'd.example.net');
      await http().put(`/v1/provisioning/overrides/${a.domain}`).set(auth(d)).send(tlsOverride);
      await http()
        .put('/v1/provisioning')
        .set(auth(d))
        .send(memberDocument(d.domain, { hubDomain: HUB_DOMAIN }));
      await viewsFor(d, a, 'override-before-publish');
    });

    it('should serve valid documents when a new version no longer fits a stored override', async () => {
      const e = await createActiveMember(hub.app, 'e.example.net');
      const base = memberDocument(e.domain, { hubDomain: HUB_DOMAIN });
      const withTls = { ...base, connectivity: { ...base.connectivity, tls: { only: true } } } as ProvisioningDocument;
      await http().put('/v1/provisioning').set(auth(e)).send(withTls).expect(201);
      await http().put(`/v1/provisioning/overrides/${a.domain}`).set(auth(e)).send(tlsOverride).expect(200);
      await http().put('/v1/provisioning').set(auth(e)).send(base);
      await viewsFor(e, a, 'override-after-republish');
    });
  });
});
