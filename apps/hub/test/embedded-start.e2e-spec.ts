/**
 * Start-up smoke test of the embedded default: `node scripts/start.mjs` with neither DATABASE_URL nor
 * REDIS_URL, i.e. an embedded PostgreSQL plus BullMQ on its PostgreSQL backend, exactly as a newcomer
 * runs `npm start`. Runs the compiled apps (builds them first if dist/ is missing).
 */
import { ChildProcess, execSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { childPort, processesMentioning, within } from '@app/testing';

const ROOT = process.cwd(); // npm test runs jest from the project root
const TOKEN = 'embedded-start-smoke-test-token-0123456789';
const DOMAIN = 'embedded-start.example';
const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Started {
  proc: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

describe('npm start (embedded)', () => {
  let base: string;
  let dir: string;
  let ports: { hub: number; worker: number; pg: number };
  let current: Started | undefined;
  let memberKey: string;
  let kids: string[];

  const env = (): NodeJS.ProcessEnv => ({
    ...process.env,
    // scripts/test.mjs provides both to jest; the point here is to run without them. Empty rather than
    // deleted, so that a developer's .env cannot fill them in (start.mjs never overrides a set variable).
    DATABASE_URL: '',
    REDIS_URL: '',
    EMBEDDED_PG_DIR: dir,
    EMBEDDED_PG_PORT: String(ports.pg),
    HUB_HOST: '127.0.0.1',
    HUB_PORT: String(ports.hub),
    WORKER_HEALTH_PORT: String(ports.worker),
    HUB_BOOTSTRAP_OPERATOR_TOKEN: TOKEN,
    // the SIP listener is covered by sip-options.e2e-spec.ts; 5060 may be taken on a CI machine
    HUB_SIP_ENABLED: 'false',
  });
  const hubUrl = (path: string) => `http://127.0.0.1:${ports.hub}${path}`;
  const jwksKids = async () =>
    ((await (await fetch(hubUrl('/.well-known/jwks.json'))).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);

  function start(): Started {
    const proc = spawn(process.execPath, ['scripts/start.mjs'], { cwd: ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (chunk: Buffer) => {
      out = (out + chunk.toString()).slice(-20_000);
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      proc.once('exit', (code, signal) => resolve({ code, signal })),
    );
    current = { proc, exited, output: () => out };
    return current;
  }

  /** Polls a URL until it answers 200; fails early (with the process output) if start.mjs exits. */
  async function waitForOk(started: Started, url: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let gone = false;
    void started.exited.then(() => (gone = true));
    while (Date.now() < deadline) {
      if (gone) throw new Error(`start.mjs exited before ${url} was ready:\n${started.output()}`);
      const status = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) return;
      await sleep(250);
    }
    throw new Error(`${url} not ready within ${timeoutMs} ms:\n${started.output()}`);
  }

  async function stop(started: Started): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    started.proc.kill('SIGTERM');
    const result = await within(started.exited, 20_000);
    if (!result) throw new Error(`start.mjs did not exit within 20 s of SIGTERM:\n${started.output()}`);
    return result;
  }

  async function query<T>(sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${ports.pg}/hub` });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    if (
      !existsSync(join(ROOT, 'dist/apps/hub/apps/hub/src/main.js')) ||
      !existsSync(join(ROOT, 'dist/apps/worker/apps/worker/src/main.js'))
    ) {
      execSync('npm run build', { cwd: ROOT, stdio: 'inherit', timeout: 170_000 });
    }
    // as root, initdb runs as user postgres, which must be able to traverse every ancestor
    base = mkdtempSync(join(tmpdir(), 'hub-embedded-start-'));
    chmodSync(base, 0o755);
    dir = join(base, 'pg');
    ports = { hub: await childPort(), worker: await childPort(), pg: await childPort() };
  }, 180_000);

  // a failed test leaves its start.mjs running; the next one would find the data directory in use
  afterEach(async () => {
    if (current && current.proc.exitCode === null && current.proc.signalCode === null) {
      current.proc.kill('SIGTERM');
      await within(current.exited, 20_000);
      if (current.proc.exitCode === null && current.proc.signalCode === null) current.proc.kill('SIGKILL');
    }
  }, 30_000);

  afterAll(async () => {
    // a SIGKILLed start.mjs leaves its helper to stop PostgreSQL; give it a moment before deleting
    for (let i = 0; i < 100 && base && processesMentioning(base).length; i++) await sleep(200);
    if (base) rmSync(base, { recursive: true, force: true });
  }, 60_000);

  it('should run hub and worker on an embedded PostgreSQL, process a member event, and stop cleanly on SIGTERM', async () => {
    const started = start();
    // start.mjs may rebuild first when a source is newer than dist/
    await waitForOk(started, hubUrl('/health/ready'), 120_000);
    expect(started.output()).toContain(`database: embedded PostgreSQL 18 at ${dir} (port ${ports.pg})`);
    expect(started.output()).toContain('queues: BullMQ PostgreSQL backend (REDIS_URL not set)');

    const created = await fetch(hubUrl('/admin/v1/members'), {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ domain: DOMAIN, displayName: 'Embedded start', protocols: ['sip'] }),
    });
    expect(created.status).toBe(201);
    const approved = await fetch(hubUrl(`/admin/v1/members/${DOMAIN}/approve`), { method: 'POST', headers: auth, body: '{}' });
    expect(approved.status).toBe(200);
    const body = (await approved.json()) as { member: { status: string }; apiKey: { token: string } };
    expect(body.member.status).toBe('active');
    expect(body.apiKey.token).toMatch(/^hubmk_/);
    memberKey = body.apiKey.token;

    await waitForOk(started, `http://127.0.0.1:${ports.worker}/health/ready`, 30_000);

    // the status changes went through the outbox into BullMQ (PostgreSQL backend) and the worker
    const deadline = Date.now() + 30_000;
    let receipts = 0;
    while (Date.now() < deadline && receipts === 0) {
      receipts = (await query<{ n: number }>(`SELECT count(*)::int AS n FROM job_receipts`))[0].n;
      if (!receipts) await sleep(250);
    }
    expect(receipts).toBeGreaterThan(0);
    // and the queue really is BullMQ's PostgreSQL backend (its schema lives in the same database)
    const [{ ok }] = await query<{ ok: boolean }>(`SELECT to_regclass('bullmq.job') IS NOT NULL AS ok`);
    expect(ok).toBe(true);

    kids = await jwksKids();
    expect(kids).toHaveLength(1);

    const { code, signal } = await stop(started);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dir, 'postmaster.pid'))).toBe(false);
    expect(processesMentioning(dir)).toEqual([]);
  }, 180_000);

  it('should keep the generated key-encryption key beside the data directory, readable only by its owner', () => {
    expect(statSync(join(base, 'hub-secret-key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(base, 'hub-secret-key'), 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('should keep the data across a restart on the same directory', async () => {
    expect(memberKey).toBeDefined(); // set by the previous test
    const started = start();
    await waitForOk(started, hubUrl('/health/ready'), 120_000);

    const member = await fetch(hubUrl(`/admin/v1/members/${DOMAIN}`), { headers: auth });
    expect(member.status).toBe(200);
    expect(((await member.json()) as { status: string }).status).toBe('active');
    // the key issued before the restart still authenticates the member
    const me = await fetch(hubUrl('/v1/members/me'), { headers: { Authorization: `Bearer ${memberKey}` } });
    expect(me.status).toBe(200);
    // the hub's signing key of the first start is still the one in use: no unusable key was added
    expect(await jwksKids()).toEqual(kids);

    const { code, signal } = await stop(started);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dir, 'postmaster.pid'))).toBe(false);
    expect(processesMentioning(dir)).toEqual([]);
  }, 180_000);

  it('should start a killed worker again and keep the hub up', async () => {
    const started = start();
    await waitForOk(started, `http://127.0.0.1:${ports.worker}/health/ready`, 120_000);
    const [worker] = processesMentioning('dist/apps/worker/apps/worker/src/main.js').filter((pid) =>
      readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`EMBEDDED_PG_DIR=${dir}`),
    );
    expect(worker).toBeDefined();
    process.kill(worker, 'SIGKILL');

    await waitForOk(started, hubUrl('/health/ready'), 10_000);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !/starting it again/.test(started.output())) await sleep(100);
    expect(started.output()).toMatch(/worker exited unexpectedly \(SIGKILL\); starting it again in 1 s/);
    await waitForOk(started, `http://127.0.0.1:${ports.worker}/health/ready`, 60_000);
    expect(started.proc.exitCode).toBeNull();

    const { code, signal } = await stop(started);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(processesMentioning(dir)).toEqual([]);
  }, 180_000);
});

describe('npm start (worker health port)', () => {
  it('should give the worker a free health port when WORKER_HEALTH_PORT is not set', async () => {
    const base = mkdtempSync(join(tmpdir(), 'hub-embedded-port-'));
    chmodSync(base, 0o755);
    const hubPort = await childPort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: '',
      REDIS_URL: '',
      EMBEDDED_PG_DIR: join(base, 'pg'),
      HUB_HOST: '127.0.0.1',
      HUB_PORT: String(hubPort),
      HUB_SIP_ENABLED: 'false',
    };
    delete env.WORKER_HEALTH_PORT;
    const proc = spawn(process.execPath, ['scripts/start.mjs'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise((r) => proc.once('exit', r));
    try {
      let ready: RegExpMatchArray | null = null;
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline && proc.exitCode === null && !(ready = /worker health (http:\/\/[^\s]+)/.exec(out)))
        await sleep(250);
      expect(ready).not.toBeNull();
      const port = Number(new URL(ready![1]).port);
      expect(port).not.toBe(3001);
      expect(port).not.toBe(hubPort);
      let status = 0;
      while (Date.now() < deadline && status !== 200) {
        status = await fetch(ready![1]).then(
          (r) => r.status,
          () => 0,
        );
        if (status !== 200) await sleep(250);
      }
      expect(status).toBe(200);
    } finally {
      proc.kill('SIGTERM');
      await within(exited, 20_000);
      for (let i = 0; i < 100 && processesMentioning(base).length; i++) await sleep(200);
      rmSync(base, { recursive: true, force: true });
    }
  }, 180_000);
});
