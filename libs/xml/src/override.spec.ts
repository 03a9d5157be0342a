import { InvalidInputError } from '@app/common';
import { computeVer } from './canonical.js';
import type { ProvisioningDocument } from './model.js';
import { applyOverride, assertOverridePatch, mergeOverride, type ProvisioningOverridePatch } from './override.js';
import { provisioningXmlToJson } from './provisioning.js';
import { fixture } from './test-support.js';

describe(applyOverride.name, () => {
  let base: ProvisioningDocument;
  beforeAll(() => {
    base = provisioningXmlToJson(fixture('example-a-peer-network.xml'));
  });

  it('should merge objects, replace arrays wholesale and delete with null (RFC 7386), then validate', async () => {
    const patch: ProvisioningOverridePatch = {
      connectivity: {
        dnsNames: { dnsName: [{ service: 'any', protocol: 'sip', value: 'edge-for-b.example.com' }] },
        maxConnections: 2,
        cipherSuites: null,
      },
      chatFeatures: { fileTransfer: null, images: { supported: false } },
    };
    const before = structuredClone(base);
    const out = await applyOverride(base, patch);
    expect(base).toEqual(before); // the base is not modified
    expect(out.connectivity.dnsNames.dnsName).toEqual([{ service: 'any', protocol: 'sip', value: 'edge-for-b.example.com' }]);
    expect(out.connectivity.maxConnections).toBe(2);
    expect(out.connectivity.cipherSuites).toBeUndefined();
    expect(out.connectivity.tls).toEqual(base.connectivity.tls);
    expect(out.chatFeatures?.fileTransfer).toBeUndefined();
    // objects merge: animated/maxSize/type survive, supported changes
    expect(out.chatFeatures?.images).toEqual({ ...base.chatFeatures!.images, supported: false });
    expect(computeVer(out)).not.toBe(computeVer(base));
  });

  it('should return the base content for an empty patch', async () => {
    expect(computeVer(await applyOverride(base, {}))).toBe(computeVer(base));
  });

  it('should reject a result that is no longer schema-valid, quoting the validator with JSON pointers', async () => {
    const err = await applyOverride(base, { connectivity: { dnsNames: null } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).message).toMatch(/not valid against pres-im-provisioning\.xsd/);
    const err2 = await applyOverride(base, { connectivity: { tls: { minVersion: '0.9' } } }).catch((e: unknown) => e);
    expect((err2 as InvalidInputError).invalidParams).toEqual([
      { name: '/connectivity/tls', reason: expect.stringContaining("'0.9'") },
    ]);
  });

  it('should reject structural errors of the merged document (unknown keys, wrong types)', async () => {
    const err = await applyOverride(base, { connectivity: { colour: 'red', maxConnections: '2' } }).catch((e: unknown) => e);
    expect((err as InvalidInputError).invalidParams.map((p) => p.name)).toEqual([
      '/connectivity/colour',
      '/connectivity/maxConnections',
    ]);
  });
});

describe(assertOverridePatch.name, () => {
  it('should refuse identity, hub-set and privacy keys at the root', () => {
    for (const key of ['domain', 'role', 'version', 'for', 'ver', 'published', 'generated', 'clearingHouseMembership']) {
      expect(() => assertOverridePatch({ [key]: null })).toThrow(InvalidInputError);
    }
  });

  it('should refuse non-objects and prototype keys', () => {
    expect(() => assertOverridePatch([])).toThrow(/must be a JSON object/);
    expect(() => assertOverridePatch(JSON.parse('{"connectivity":{"__proto__":{"x":1}}}'))).toThrow(/__proto__/);
  });
});

describe(mergeOverride.name, () => {
  it('should follow the RFC 7386 examples', () => {
    const merge = (t: unknown, p: unknown): unknown => mergeOverride(t as ProvisioningDocument, p as ProvisioningOverridePatch);
    expect(merge({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(merge({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(merge({ a: 'b' }, { a: null })).toEqual({});
    expect(merge({ a: 'b', b: 'c' }, { a: null })).toEqual({ b: 'c' });
    expect(merge({ a: ['b'] }, { a: 'c' })).toEqual({ a: 'c' });
    expect(merge({ a: 'c' }, { a: ['b'] })).toEqual({ a: ['b'] });
    expect(merge({ a: { b: 'c' } }, { a: { b: 'd', c: null } })).toEqual({ a: { b: 'd' } });
    expect(merge({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(merge({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(merge({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });
});
