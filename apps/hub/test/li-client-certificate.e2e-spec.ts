import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCa, issueClientCert, issueServerCert, testConfig, type TestCa, type TestCert } from '@app/testing';
import { LiAdministrators } from '@app/li';
import { DataSource } from 'typeorm';
import { liEnv, x1Answers, x1Message, x1Request } from './li-fixtures.js';
import { startTestHub, type TestHub } from './test-hub.js';

const fingerprint = (cert: TestCert) => createHash('sha256').update(new X509Certificate(cert.certPem).raw).digest('hex');

describe('LI administrator authentication by client certificate (e2e)', () => {
  let dir: string;
  let hub: TestHub;
  let ca: TestCa;
  let port: number;
  let officer: TestCert;
  let stranger: TestCert;
  let foreign: TestCert;

  beforeAll(async () => {
    ca = createTestCa('LI Test CA');
    officer = issueClientCert(ca, 'li-officer');
    stranger = issueClientCert(ca, 'someone-else');
    const other = createTestCa('Other CA');
    // the officer's fingerprint issued by another CA: registered, but not chaining to HUB_TLS_CLIENT_CA
    foreign = issueClientCert(other, 'li-officer-elsewhere');
    dir = mkdtempSync(join(tmpdir(), 'hub-li-mtls-'));
    const server = issueServerCert(ca, 'localhost');
    writeFileSync(join(dir, 'server.pem'), server.certPem);
    writeFileSync(join(dir, 'server.key'), server.keyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'client-ca.pem'), ca.certPem);
    hub = await startTestHub(
      testConfig(
        liEnv({
          HUB_TLS_CERT: join(dir, 'server.pem'),
          HUB_TLS_KEY: join(dir, 'server.key'),
          HUB_TLS_CLIENT_CA: join(dir, 'client-ca.pem'),
          LI_ADMINISTRATORS: JSON.stringify([
            { name: 'officer', certSha256: fingerprint(officer) },
            { name: 'elsewhere', certSha256: fingerprint(foreign) },
          ]),
        }),
      ),
    );
    await hub.reset();
    await hub.app.get(LiAdministrators).ensureBootstrapAdministrators();
    await hub.app.listen(0, '127.0.0.1');
    port = (hub.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const keepalive = (client?: TestCert, token?: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const body = x1Request(x1Message('KeepaliveRequest'));
      const req = https.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/li/x1',
          ca: ca.certPem,
          agent: false,
          ...(client ? { cert: client.certPem, key: client.keyPem } : {}),
          headers: {
            'Content-Type': 'application/xml',
            'Content-Length': Buffer.byteLength(body),
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  it("should accept an LI administrator's client certificate that chains to HUB_TLS_CLIENT_CA", async () => {
    const res = await keepalive(officer);
    expect(res.status).toBe(200);
    expect(x1Answers(res.text)[0].type).toBe('KeepaliveResponse');
  });

  it('should answer the unknown-route 404 to another certificate, one of another CA, and no certificate', async () => {
    for (const client of [stranger, foreign, undefined]) expect((await keepalive(client)).status).toBe(404);
  });

  it('should not fall back to the certificate when an Authorization header does not authenticate', async () => {
    expect((await keepalive(officer, 'not-an-li-token-0123456789')).status).toBe(404);
  });

  it('should disable an administrator that came from LI_ADMINISTRATORS once it is removed from it', async () => {
    const db = hub.app.get(DataSource);
    await db.query(`INSERT INTO li_administrators (name, token_hash) VALUES ('retired', $1)`, [randomBytes(32)]);
    await hub.app.get(LiAdministrators).ensureBootstrapAdministrators();
    const rows = (await db.query(
      `SELECT name, disabled_at IS NOT NULL AS disabled FROM li_administrators ORDER BY name`,
    )) as Array<{
      name: string;
      disabled: boolean;
    }>;
    expect(rows).toEqual([
      { name: 'elsewhere', disabled: false },
      { name: 'officer', disabled: false },
      { name: 'retired', disabled: true },
    ]);
  });
});
