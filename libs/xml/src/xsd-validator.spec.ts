import { InvalidInputError } from '@app/common';
import { findProvisioningSchemaPath, schemaErrors, validateProvisioningXml } from './xsd-validator.js';
import { fixture, invalidFixtures, SCHEMA_PATH, VALID_FIXTURES } from './test-support.js';

async function rejection(p: Promise<unknown>): Promise<InvalidInputError> {
  try {
    await p;
  } catch (err) {
    return err as InvalidInputError;
  }
  throw new Error('expected a rejection');
}

describe(validateProvisioningXml.name, () => {
  it('should find the schema by walking up from the module', () => {
    expect(findProvisioningSchemaPath()).toBe(SCHEMA_PATH);
  });

  it.each(VALID_FIXTURES)('should validate %s', async (f) => {
    await expect(validateProvisioningXml(fixture(f))).resolves.toBeUndefined();
  });

  it('should have 30 broken variants to reject', () => {
    expect(invalidFixtures()).toHaveLength(30);
  });

  it.each(invalidFixtures())('should reject invalid/%s with a line number and the validator message', async (f) => {
    const err = await rejection(validateProvisioningXml(fixture(`invalid/${f}`)));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toMatch(/is not valid against pres-im-provisioning\.xsd: line \d+: /);
    expect(err.invalidParams.length).toBeGreaterThanOrEqual(1);
    for (const p of err.invalidParams) {
      expect(p.name).toMatch(/^line \d+$/);
      expect(p.reason).toMatch(/Schemas validity error|error/);
    }
    // each variant breaks exactly one rule
    expect(err.invalidParams).toHaveLength(1);
  });

  it("should accept a member's chat gateway after its change-notification webhook, and not before it", async () => {
    const webhook = '<change-notification uri="https://b.example.org/hooks/pres-im-provisioning"/>';
    const gateway = '<chat-delivery uri="https://chat.b.example.org/hub-events"/>';
    const doc = fixture('example-b-clearing-house-member.xml');
    expect(doc).toContain(webhook);
    await expect(validateProvisioningXml(doc.replace(webhook, webhook + gateway))).resolves.toBeUndefined();
    await expect(validateProvisioningXml(doc.replace(webhook, gateway + webhook))).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('should point at the offending line', async () => {
    const err = await rejection(validateProvisioningXml(fixture('invalid/wrong-element-order.xml')));
    const line = fixture('invalid/wrong-element-order.xml')
      .split('\n')
      .findIndex((l) => l.includes('<presence-features>'));
    expect(err.invalidParams[0]).toEqual({
      name: `line ${line + 1}`,
      reason: expect.stringContaining("presence-features': This element is not expected"),
    });
  });

  it('should measure the cost of one validation', async () => {
    const doc = fixture('example-a-peer-network.xml');
    await schemaErrors(doc); // warm-up
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      expect(await schemaErrors(doc)).toEqual([]);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 8 }, () => schemaErrors(doc)));
    const parallel = (performance.now() - t0) / 8;
    // xmllint-wasm starts a worker thread and a fresh WebAssembly instance per call
    process.stdout.write(
      `xmllint-wasm validation: median ${times[2].toFixed(1)} ms sequential, ${parallel.toFixed(1)} ms/document with 8 in parallel\n`,
    );
    expect(times[2]).toBeLessThan(2000);
  });
});
