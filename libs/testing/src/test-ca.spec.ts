import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createTestCa, issueClientCert, issueServerCert } from './test-ca.js';

describe(createTestCa.name, () => {
  it('should make a self-signed CA certificate with its key', () => {
    const ca = createTestCa('Unit Test CA');
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe('CN=Unit Test CA');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
  });

  it('should refuse a common name that could inject into the subject', () => {
    expect(() => createTestCa('x/O=evil')).toThrow('unsupported characters');
  });
});

describe(issueClientCert.name, () => {
  it('should issue a client certificate for the name, signed by the CA, with its key', () => {
    const ca = createTestCa();
    const client = issueClientCert(ca, 'a.example.com');
    const cert = new X509Certificate(client.certPem);
    const caCert = new X509Certificate(ca.certPem);
    expect(cert.subject).toBe('CN=a.example.com');
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // clientAuth
    expect(cert.checkPrivateKey(createPrivateKey(client.keyPem))).toBe(true);
  });

  it('should re-issue for an existing key when asked', () => {
    const ca = createTestCa();
    const first = issueClientCert(ca, 'a.example.com');
    const second = issueClientCert(ca, 'a.example.com', { keyPem: first.keyPem });
    const spki = (pem: string) => new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
    expect(spki(second.certPem).equals(spki(first.certPem))).toBe(true);
    expect(new X509Certificate(second.certPem).serialNumber).not.toBe(new X509Certificate(first.certPem).serialNumber);
  });
});

describe(issueServerCert.name, () => {
  it('should issue a server certificate valid for the host name and the loopback addresses', () => {
    const ca = createTestCa();
    const cert = new X509Certificate(issueServerCert(ca, 'localhost').certPem);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
  });
});
