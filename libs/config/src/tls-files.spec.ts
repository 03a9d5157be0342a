import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCa, issueServerCert, type TestCa, type TestCert } from '@app/testing';
import { ConfigError, loadConfig } from './app-config.js';

describe('HUB_TLS_* configuration', () => {
  let dir: string;
  let ca: TestCa;
  let server: TestCert;
  let other: TestCert;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const refused = (env: Record<string, string>, variable: string, message: RegExp) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    const error = (() => {
      try {
        loadConfig(env);
      } catch (e) {
        return e as Error;
      }
      return new Error('no error');
    })();
    expect(error.message).toMatch(new RegExp(`\\n  ${variable}: `));
    expect(error.message).toMatch(message);
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tls-config-'));
    ca = createTestCa();
    server = issueServerCert(ca, 'hub.example.net');
    other = issueServerCert(ca, 'other.example.net');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should read the certificate, key and client CA files', () => {
    const config = loadConfig({
      HUB_TLS_CERT: file('cert.pem', server.certPem),
      HUB_TLS_KEY: file('key.pem', server.keyPem),
      HUB_TLS_CLIENT_CA: file('ca.pem', ca.certPem),
    });
    expect(config.hub.tls).toEqual({ cert: server.certPem, key: server.keyPem, clientCa: ca.certPem });
  });

  it('should leave TLS off when nothing (or empty values) is set, and the client CA optional', () => {
    expect(loadConfig({}).hub.tls).toBeUndefined();
    expect(loadConfig({ HUB_TLS_CERT: '', HUB_TLS_KEY: '', HUB_TLS_CLIENT_CA: '' }).hub.tls).toBeUndefined();
    const config = loadConfig({ HUB_TLS_CERT: file('c2.pem', server.certPem), HUB_TLS_KEY: file('k2.pem', server.keyPem) });
    expect(config.hub.tls?.clientCa).toBeUndefined();
  });

  it('should name the variable whose file is missing', () => {
    refused(
      { HUB_TLS_CERT: join(dir, 'nope.pem'), HUB_TLS_KEY: file('k3.pem', server.keyPem) },
      'HUB_TLS_CERT',
      /cannot read the file .*nope\.pem \(ENOENT\)/,
    );
    refused(
      {
        HUB_TLS_CERT: file('c4.pem', server.certPem),
        HUB_TLS_KEY: file('k4.pem', server.keyPem),
        HUB_TLS_CLIENT_CA: join(dir, 'missing-ca.pem'),
      },
      'HUB_TLS_CLIENT_CA',
      /ENOENT/,
    );
  });

  it('should require both HUB_TLS_CERT and HUB_TLS_KEY', () => {
    refused({ HUB_TLS_CERT: file('c5.pem', server.certPem) }, 'HUB_TLS_KEY', /required when HUB_TLS_CERT is set/);
    refused({ HUB_TLS_KEY: file('k6.pem', server.keyPem) }, 'HUB_TLS_CERT', /required when HUB_TLS_KEY is set/);
    refused({ HUB_TLS_CLIENT_CA: file('ca7.pem', ca.certPem) }, 'HUB_TLS_CLIENT_CA', /needs HUB_TLS_CERT and HUB_TLS_KEY/);
  });

  it('should refuse files that do not hold what the variable names', () => {
    refused(
      { HUB_TLS_CERT: file('c8.pem', 'hello'), HUB_TLS_KEY: file('k8.pem', server.keyPem) },
      'HUB_TLS_CERT',
      /not a PEM file/,
    );
    refused(
      { HUB_TLS_CERT: file('c9.pem', server.keyPem), HUB_TLS_KEY: file('k9.pem', server.keyPem) },
      'HUB_TLS_CERT',
      /does not hold a PEM certificate/,
    );
    refused(
      { HUB_TLS_CERT: file('c10.pem', server.certPem), HUB_TLS_KEY: file('k10.pem', server.certPem) },
      'HUB_TLS_KEY',
      /does not hold an unencrypted PEM private key/,
    );
  });

  it('should refuse a key that does not belong to the certificate', () => {
    refused(
      { HUB_TLS_CERT: file('c11.pem', server.certPem), HUB_TLS_KEY: file('k11.pem', other.keyPem) },
      'HUB_TLS_KEY',
      /is not the private key of the certificate in HUB_TLS_CERT/,
    );
  });
});
