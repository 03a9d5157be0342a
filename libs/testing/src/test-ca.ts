import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * TEST HELPER: a throwaway certificate authority and certificates issued by it, made with the
 * `openssl` command line (P-256 keys, 2 days validity, our own minimal config so the system
 * openssl.cnf does not matter). For unit tests of pins and the mutual-TLS end-to-end tests; never
 * for production. Nothing runs at import time.
 */

export interface TestCa {
  certPem: string;
  keyPem: string;
}

export interface TestCert {
  certPem: string;
  keyPem: string;
}

const CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[client_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = @alt_names
[alt_names]
`;

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9 .*_-]{0,62}$/;

function withOpenssl<T>(work: (run: (...args: string[]) => void, dir: string) => T, altNames: string[] = []): T {
  const dir = mkdtempSync(join(tmpdir(), 'test-ca-'));
  try {
    const config = join(dir, 'openssl.cnf');
    writeFileSync(config, CONFIG + altNames.join('\n') + '\n');
    const run = (...args: string[]) => {
      const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, OPENSSL_CONF: config } });
      if (result.error) throw new Error(`openssl could not be run: ${result.error.message}`);
      if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
    };
    return work(run, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function subject(cn: string): string {
  if (!SAFE_NAME.test(cn)) throw new Error(`test certificate common name ${JSON.stringify(cn)} has unsupported characters`);
  return `/CN=${cn}`;
}

const NEW_P256_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

/** A self-signed CA certificate (CA:TRUE, keyCertSign) and its private key. */
export function createTestCa(cn = 'Clearing House Test CA'): TestCa {
  return withOpenssl((run, dir) => {
    const args = ['-config', 'openssl.cnf', '-extensions', 'ca_ext', ...NEW_P256_KEY, '-sha256', '-days', '2'];
    run('req', '-x509', ...args, '-subj', subject(cn), '-keyout', 'ca.key', '-out', 'ca.pem');
    return { certPem: read(dir, 'ca.pem'), keyPem: read(dir, 'ca.key') };
  });
}

export interface IssueOptions {
  /** Re-use this private key (PEM) instead of generating one: a re-issued certificate with the same SPKI. */
  keyPem?: string;
}

function issue(
  ca: TestCa,
  cn: string,
  extensions: 'client_ext' | 'server_ext',
  altNames: string[],
  options: IssueOptions,
): TestCert {
  return withOpenssl((run, dir) => {
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    writeFileSync(join(dir, 'ca.key'), ca.keyPem, { mode: 0o600 });
    if (options.keyPem) {
      writeFileSync(join(dir, 'cert.key'), options.keyPem, { mode: 0o600 });
      run('req', '-new', '-config', 'openssl.cnf', '-key', 'cert.key', '-subj', subject(cn), '-out', 'cert.csr');
    } else {
      run(
        'req',
        '-new',
        '-config',
        'openssl.cnf',
        ...NEW_P256_KEY,
        '-subj',
        subject(cn),
        '-keyout',
        'cert.key',
        '-out',
        'cert.csr',
      );
    }
    const serial = `0x${randomBytes(12).toString('hex')}`;
    const signing = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', serial, '-sha256', '-days', '2'];
    run('x509', '-req', '-in', 'cert.csr', ...signing, '-extfile', 'openssl.cnf', '-extensions', extensions, '-out', 'cert.pem');
    return { certPem: read(dir, 'cert.pem'), keyPem: read(dir, 'cert.key') };
  }, altNames);
}

/** A client certificate (extendedKeyUsage clientAuth) for `cn`, signed by `ca`. */
export function issueClientCert(ca: TestCa, cn: string, options: IssueOptions = {}): TestCert {
  return issue(ca, cn, 'client_ext', [], options);
}

/** A server certificate (serverAuth) for `hostname`, also valid for 127.0.0.1 and ::1. */
export function issueServerCert(ca: TestCa, hostname = 'localhost', options: IssueOptions = {}): TestCert {
  return issue(ca, hostname, 'server_ext', [`DNS.1 = ${hostname}`, 'IP.1 = 127.0.0.1', 'IP.2 = ::1'], options);
}
