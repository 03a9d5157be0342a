import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { PRES_IM_PROVISIONING_CONTENT_TYPE, type SipProvisioningResolver } from './options-responder.js';
import { SipServer } from './sip-server.js';

/**
 * Interoperability with a real SIP client: SIPp (Debian package `sip-tester`) runs
 * libs/sip/test/options.sipp.xml against the server. SIPp is required: without it these tests
 * fail, they are not skipped.
 */
const SCENARIO = fileURLToPath(new URL('../test/options.sipp.xml', import.meta.url));
const DOCUMENT =
  '<?xml version="1.0" encoding="UTF-8"?>\n<pres-im-provisioning xmlns="urn:ietf:params:xml:ns:pres-im-provisioning" domain="hub.example.net" role="clearing-house"/>\n';

const resolver: SipProvisioningResolver = async (domain) => {
  switch (domain) {
    case 'hub.example.net':
      return { body: DOCUMENT, contentType: PRES_IM_PROVISIONING_CONTENT_TYPE };
    case 'plain.example.net':
      return { body: DOCUMENT, contentType: 'text/plain' };
    default:
      return null;
  }
};

interface SippResult {
  readonly code: number | null;
  readonly output: string;
}

function requireSipp(): void {
  const probe = spawnSync('sipp', ['-v'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.error) {
    throw new Error(
      `SIPp is required by the SIP OPTIONS interoperability test but could not be run (${probe.error.message}). ` +
        'Install the Debian package sip-tester (apt-get install -y sip-tester) so that `sipp` is on PATH.',
    );
  }
}

function runSipp(transport: 'u1' | 't1', port: number, domain: string, cwd: string): Promise<SippResult> {
  const args = [
    '-sf',
    SCENARIO,
    '-key',
    'domain',
    domain,
    '-m',
    '1',
    '-t',
    transport,
    '-i',
    '127.0.0.1',
    '-nostdin',
    '-timeout',
    '20s',
    '-timeout_error',
    '-trace_err',
    '-error_file',
    join(cwd, `errors-${transport}-${domain}.log`),
    `127.0.0.1:${port}`,
  ];
  return new Promise((resolve) => {
    const child = spawn('sipp', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-8000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', (error) => {
      clearTimeout(killer);
      resolve({ code: null, output: `${output}\n${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    });
  });
}

describe(`${SipServer.name} with SIPp`, () => {
  let server: SipServer;
  let workDir: string;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'sipp-'));
    server = new SipServer({ resolver });
    await server.start({ host: '127.0.0.1', port: 0, udp: true, tcp: true });
  });

  afterAll(async () => {
    await server.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('should have sipp available on PATH', () => {
    expect(requireSipp).not.toThrow();
  });

  it('should answer a SIPp OPTIONS over UDP with the provisioning document', async () => {
    requireSipp();

    const result = await runSipp('u1', server.udpPort!, 'hub.example.net', workDir);

    expect(result).toMatchObject({ code: 0 });
  });

  it('should answer a SIPp OPTIONS over TCP with the provisioning document', async () => {
    requireSipp();

    const result = await runSipp('t1', server.tcpPort!, 'hub.example.net', workDir);

    expect(result).toMatchObject({ code: 0 });
  });

  it('should make the SIPp scenario fail for an unknown domain', async () => {
    requireSipp();

    const result = await runSipp('u1', server.udpPort!, 'unknown.example.com', workDir);

    expect(result.code).not.toBe(0);
  });

  it('should make the SIPp scenario fail when the Content-Type is not the provisioning type', async () => {
    requireSipp();

    const result = await runSipp('u1', server.udpPort!, 'plain.example.net', workDir);

    expect(result.code).not.toBe(0);
  });
});
