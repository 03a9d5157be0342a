import { ChildProcess, execSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '@app/config';
import { TEST_OPERATOR_TOKEN } from './test-config.js';

const ROOT = process.cwd(); // npm test runs jest from the project root
const MAINS = {
  hub: 'dist/apps/hub/apps/hub/src/main.js',
  worker: 'dist/apps/worker/apps/worker/src/main.js',
} as const;

/**
 * The compiled apps as separate processes, for tests that must kill one with SIGKILL (a crash
 * cannot be simulated inside the test process). CI builds before testing; a local run builds when
 * dist/ is missing (after source changes, run `npm run build` first).
 */
export function ensureCompiled(): void {
  if (!Object.values(MAINS).every((m) => existsSync(join(ROOT, m)))) {
    execSync('npm run build', { cwd: ROOT, stdio: 'inherit', timeout: 240_000 });
  }
}

/**
 * The environment that makes a compiled app share a test app's database, queues (same Redis and
 * key prefix) and hub domain, with the test operator token; `extra` adds or overrides variables.
 */
export function compiledAppEnv(config: AppConfig, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: config.db.url ?? '',
    REDIS_URL: config.queue.redisUrl ?? '',
    REDIS_KEY_PREFIX: config.queue.prefix,
    HUB_DOMAIN: config.hub.domain,
    HUB_BOOTSTRAP_OPERATOR_TOKEN: TEST_OPERATOR_TOKEN,
    HUB_SIP_ENABLED: 'false',
    HUB_LOG_LEVEL: 'error',
    WORKER_HEALTH_PORT: '0',
    ...extra,
  };
}

export interface CompiledApp {
  proc: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function startCompiled(app: keyof typeof MAINS, env: Record<string, string>): CompiledApp {
  const proc = spawn(process.execPath, [MAINS[app]], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    exited,
    output: () => output,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}
