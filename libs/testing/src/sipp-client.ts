import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The OPTIONS scenario shipped with libs/sip (expects 200 with the provisioning content type). */
export const SIPP_OPTIONS_SCENARIO = fileURLToPath(new URL('../../sip/test/options.sipp.xml', import.meta.url));

export interface SippResult {
  readonly code: number | null;
  readonly output: string;
}

/** Fails (never skips) with the install hint when the real SIP client is missing. */
export function requireSipp(): void {
  const probe = spawnSync('sipp', ['-v'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.error) {
    throw new Error(
      `SIPp is required by the SIP OPTIONS tests but could not be run (${probe.error.message}). ` +
        'Install the Debian package sip-tester (apt-get install -y sip-tester) so that `sipp` is on PATH.',
    );
  }
}

/** Sends one OPTIONS for `domain` with SIPp over UDP (u1) or TCP (t1); exit code 0 means the scenario passed. */
export function runSippOptions(
  transport: 'u1' | 't1',
  port: number,
  domain: string,
  cwd: string,
  host = '127.0.0.1',
): Promise<SippResult> {
  const args = [
    ...['-sf', SIPP_OPTIONS_SCENARIO, '-key', 'domain', domain, '-m', '1', '-t', transport, '-i', host, '-nostdin'],
    ...['-timeout', '20s', '-timeout_error', '-trace_err', '-error_file', join(cwd, `errors-${transport}-${domain}.log`)],
    `${host}:${port}`,
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
