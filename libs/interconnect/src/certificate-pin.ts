import { X509Certificate, createHash, timingSafeEqual } from 'node:crypto';
import { InvalidInputError } from '@app/common';

/**
 * TLS client-certificate pins: SHA-256 of the whole certificate (DER) or of its
 * SubjectPublicKeyInfo (DER; survives re-issuing a certificate for the same key, as in RFC 7469).
 * Stored as base64url without padding.
 */

export type PinType = 'certificate' | 'spki';

export interface CertificatePin {
  type: PinType;
  /** SHA-256 as base64url, base64, or hex (colons allowed, as `openssl x509 -fingerprint` prints it). */
  sha256: string;
}

export interface CertificatePins {
  certSha256: string;
  spkiSha256: string;
  certSha256Hex: string;
  spkiSha256Hex: string;
}

/** PEM text, DER bytes, or a parsed certificate (e.g. from `tlsSocket.getPeerX509Certificate()`). */
export type CertificateInput = string | Uint8Array | X509Certificate;

function parse(cert: CertificateInput): X509Certificate {
  if (cert instanceof X509Certificate) return cert;
  try {
    return new X509Certificate(typeof cert === 'string' ? cert : Buffer.from(cert));
  } catch {
    throw InvalidInputError.forField('certificate', 'is not an X.509 certificate (PEM or DER)');
  }
}

function digests(cert: CertificateInput): { certificate: Buffer; spki: Buffer } {
  const x509 = parse(cert);
  const spki = x509.publicKey.export({ type: 'spki', format: 'der' });
  return { certificate: createHash('sha256').update(x509.raw).digest(), spki: createHash('sha256').update(spki).digest() };
}

export function certificatePins(cert: CertificateInput): CertificatePins {
  const { certificate, spki } = digests(cert);
  return {
    certSha256: certificate.toString('base64url'),
    spkiSha256: spki.toString('base64url'),
    certSha256Hex: certificate.toString('hex'),
    spkiSha256Hex: spki.toString('hex'),
  };
}

function pinBytes(value: string): Buffer | null {
  const v = value.trim();
  if (/^[0-9a-f]{64}$/i.test(v) || /^[0-9a-f]{2}(:[0-9a-f]{2}){31}$/i.test(v)) return Buffer.from(v.replaceAll(':', ''), 'hex');
  if (/^[A-Za-z0-9_-]{43}$/.test(v)) return Buffer.from(v, 'base64url');
  if (/^[A-Za-z0-9+/]{43}=$/.test(v)) return Buffer.from(v, 'base64');
  return null;
}

/** The stored form of a SHA-256 pin (base64url); throws an InvalidInputError naming `field`. */
export function normalizePinSha256(value: string, field = 'sha256'): string {
  const bytes = typeof value === 'string' ? pinBytes(value) : null;
  if (!bytes || bytes.length !== 32)
    throw InvalidInputError.forField(field, 'must be a SHA-256 digest in base64url, base64 or hex');
  return bytes.toString('base64url');
}

/** Does the certificate match the pin? Throws on a malformed pin or certificate. */
export function pinMatches(pin: CertificatePin, cert: CertificateInput): boolean {
  const expected = Buffer.from(normalizePinSha256(pin.sha256), 'base64url');
  const { certificate, spki } = digests(cert);
  switch (pin.type) {
    case 'certificate':
      return timingSafeEqual(expected, certificate);
    case 'spki':
      return timingSafeEqual(expected, spki);
  }
  throw InvalidInputError.forField('type', "must be 'certificate' or 'spki'");
}
