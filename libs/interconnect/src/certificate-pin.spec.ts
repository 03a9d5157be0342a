import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { InvalidInputError } from '@app/common';
import { certificatePins, normalizePinSha256, pinMatches } from './certificate-pin.js';
import { TestCa, TestCert, createTestCa, issueClientCert } from '@app/testing';

/** openssl as an independent oracle: stdin in, stdout out. */
function openssl(args: string[], input: string | Buffer): Buffer {
  const result = spawnSync('openssl', args, { input });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr.toString()}`);
  return result.stdout;
}
const sha256Hex = (bytes: Buffer) => openssl(['dgst', '-sha256', '-r'], bytes).toString().split(' ')[0];

describe(certificatePins.name, () => {
  let ca: TestCa;
  let client: TestCert;

  beforeAll(() => {
    ca = createTestCa();
    client = issueClientCert(ca, 'a.example.com');
  });

  it('should hash the DER certificate like openssl does', () => {
    const der = openssl(['x509', '-outform', 'DER'], client.certPem);
    const pins = certificatePins(client.certPem);
    expect(pins.certSha256Hex).toBe(sha256Hex(der));
    expect(pins.certSha256).toBe(Buffer.from(sha256Hex(der), 'hex').toString('base64url'));
  });

  it('should hash the SubjectPublicKeyInfo like openssl does', () => {
    const spki = openssl(['pkey', '-pubin', '-outform', 'DER'], openssl(['x509', '-noout', '-pubkey'], client.certPem));
    const pins = certificatePins(client.certPem);
    expect(pins.spkiSha256Hex).toBe(sha256Hex(spki));
    expect(pins.spkiSha256).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(pins.spkiSha256, 'base64url').toString('hex')).toBe(pins.spkiSha256Hex);
  });

  it('should give the same pins for PEM, DER and a parsed certificate', () => {
    const pins = certificatePins(client.certPem);
    expect(certificatePins(new X509Certificate(client.certPem).raw)).toEqual(pins);
    expect(certificatePins(new X509Certificate(client.certPem))).toEqual(pins);
  });

  it('should keep the SPKI pin and change the certificate pin when a certificate is re-issued for the same key', () => {
    const reissued = issueClientCert(ca, 'a.example.com', { keyPem: client.keyPem }).certPem;
    expect(certificatePins(reissued).spkiSha256).toBe(certificatePins(client.certPem).spkiSha256);
    expect(certificatePins(reissued).certSha256).not.toBe(certificatePins(client.certPem).certSha256);
  });

  it('should refuse something that is not a certificate', () => {
    expect(() => certificatePins('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toThrow(InvalidInputError);
  });
});

describe(pinMatches.name, () => {
  let client: TestCert;
  let other: TestCert;

  beforeAll(() => {
    const ca = createTestCa();
    client = issueClientCert(ca, 'a.example.com');
    other = issueClientCert(ca, 'a.example.com');
  });

  it('should match both pin kinds of the pinned certificate', () => {
    const pins = certificatePins(client.certPem);
    expect(pinMatches({ type: 'certificate', sha256: pins.certSha256 }, client.certPem)).toBe(true);
    expect(pinMatches({ type: 'spki', sha256: pins.spkiSha256 }, client.certPem)).toBe(true);
  });

  it('should not match another certificate, even with the same subject and issuer', () => {
    const pins = certificatePins(client.certPem);
    expect(pinMatches({ type: 'certificate', sha256: pins.certSha256 }, other.certPem)).toBe(false);
    expect(pinMatches({ type: 'spki', sha256: pins.spkiSha256 }, other.certPem)).toBe(false);
  });

  it('should not confuse the two pin kinds', () => {
    const pins = certificatePins(client.certPem);
    expect(pinMatches({ type: 'spki', sha256: pins.certSha256 }, client.certPem)).toBe(false);
  });

  it('should accept the pin as hex, as base64 and as an openssl fingerprint', () => {
    const pins = certificatePins(client.certPem);
    const fingerprint = openssl(['x509', '-noout', '-fingerprint', '-sha256'], client.certPem).toString().trim().split('=')[1];
    expect(pinMatches({ type: 'certificate', sha256: fingerprint }, client.certPem)).toBe(true);
    expect(pinMatches({ type: 'certificate', sha256: pins.certSha256Hex.toUpperCase() }, client.certPem)).toBe(true);
    expect(pinMatches({ type: 'spki', sha256: Buffer.from(pins.spkiSha256Hex, 'hex').toString('base64') }, client.certPem)).toBe(
      true,
    );
  });
});

describe(normalizePinSha256.name, () => {
  const hex = 'ab'.repeat(32);
  const b64url = Buffer.from(hex, 'hex').toString('base64url');

  it('should store every accepted spelling as base64url', () => {
    expect(normalizePinSha256(hex)).toBe(b64url);
    expect(normalizePinSha256(hex.toUpperCase().replace(/(..)(?!$)/g, '$1:'))).toBe(b64url);
    expect(normalizePinSha256(Buffer.from(hex, 'hex').toString('base64'))).toBe(b64url);
    expect(normalizePinSha256(` ${b64url} `)).toBe(b64url);
  });

  it.each([['abc'], ['ab'.repeat(31)], ['ab'.repeat(33)], ['!'.repeat(43)]])('should refuse %s', (value) => {
    expect(() => normalizePinSha256(value)).toThrow(InvalidInputError);
  });
});
