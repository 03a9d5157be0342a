#!/usr/bin/env node
// `npm start`: build if needed, then run the hub and the worker side by side.
//
//  * Builds (`npm run build`) when dist/ is missing or older than a source file.
//  * Loads `.env` from the project root if present (never overrides the environment).
//  * No DATABASE_URL: runs an embedded PostgreSQL (data under EMBEDDED_PG_DIR, default .data/pg)
//    and hands its URL to both apps. No REDIS_URL: the apps run BullMQ on its PostgreSQL backend.
//  * Embedded mode without HUB_SECRET_KEY: the key encrypting the hub's signing keys is generated once
//    into a file beside the data directory (.data/hub-secret-key, mode 0600) and reused, so the keys
//    stay usable across restarts instead of a new one being published on every start.
//  * WORKER_HEALTH_PORT unset: the worker's health endpoint gets a free port (printed in the ready
//    line), so two hubs on one machine never compete for it. Likewise HUB_SIP_PORT unset while 5060
//    is taken: the SIP listener takes free ports.
//  * SIGINT/SIGTERM/SIGHUP: SIGTERM to hub and worker, wait for them (15 s, then SIGKILL), then stop
//    the embedded PostgreSQL, then exit 0. If the worker dies on its own it is started again, with a
//    growing delay (1 s doubling to 30 s; back to 1 s after a minute of running). If the hub dies on
//    its own (or the worker exits with a configuration error), the other app and the database are
//    stopped too and the exit code is non-zero.
//
// The embedded PostgreSQL is owned by a helper process (this script run with --embedded-pg-owner)
// in its own session, so a Ctrl-C in the terminal (SIGINT to the whole foreground process group)
// reaches the hub and the worker but not PostgreSQL: the apps drain first, the database stops last.
// The helper also stops PostgreSQL when this process disappears (even on SIGKILL), so no orphan
// postmaster keeps the data directory locked. See docs/operations.md.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HUB_NODE_FLAGS } from './hub-node-flags.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);
const HUB_MAIN = join(ROOT, 'dist/apps/hub/apps/hub/src/main.js');
const WORKER_MAIN = join(ROOT, 'dist/apps/worker/apps/worker/src/main.js');
const EMBEDDED_WRAPPER = join(ROOT, 'dist/apps/hub/libs/db/src/embedded-postgres.js');
const BUILD_STAMP = join(ROOT, 'dist/.build-stamp');
const CONSOLE_PAGE = join(ROOT, 'dist/console/index.html');
/**
 * How long the apps get to stop before SIGKILL: 15 s, or longer when their own drain settings
 * (HUB_SHUTDOWN_DELAY_MS, HUB_SHUTDOWN_TIMEOUT_MS, WORKER_SHUTDOWN_TIMEOUT_MS; defaults as in
 * libs/config) add up to more, so that npm start never cuts a drain it was configured to allow.
 */
const childStopTimeoutMs = (env) => {
  const ms = (name, fallback) => (env[name] && Number.isFinite(Number(env[name])) ? Number(env[name]) : fallback);
  const delay = ms('HUB_SHUTDOWN_DELAY_MS', env.NODE_ENV === 'production' ? 5000 : 0);
  const drain = Math.max(ms('HUB_SHUTDOWN_TIMEOUT_MS', 10_000), ms('WORKER_SHUTDOWN_TIMEOUT_MS', 10_000));
  return Math.max(15_000, delay + drain + 5000);
};
const PG_STOP_TIMEOUT_MS = 20_000;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const WORKER_RESTART_MIN_MS = 1000;
const WORKER_RESTART_MAX_MS = 30_000;
/** a worker that ran this long before dying starts again after the shortest delay */
const WORKER_STABLE_MS = 60_000;
/** EX_CONFIG: the app refused its configuration; starting it again cannot help */
const EXIT_CONFIG = 78;
// Loaded into hub and worker: if this process disappears without stopping them (SIGKILL), they get
// re-parented; they notice within a second and stop through their own SIGTERM handling instead of
// lingering without a database. The timer is unref'd, so it never keeps an app alive, and it sends
// one SIGTERM only: a second one would cut the app's drain short.
const APP_PRELOAD =
  'data:text/javascript,const p=process.ppid;const t=setInterval(()=>{if(process.ppid!==p){clearInterval(t);' +
  'console.error("[start] parent process gone: stopping");process.kill(process.pid,"SIGTERM")}},1000).unref()';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (message) => process.stdout.write(`[start] ${message}\n`);
const warn = (message) => process.stderr.write(`[start] ${message}\n`);
const alive = (child) => child && child.exitCode === null && child.signalCode === null;
const exited = (child) => new Promise((r) => (alive(child) ? child.once('exit', () => r()) : r()));
const withTimeout = (promise, ms) => Promise.race([promise.then(() => true), sleep(ms).then(() => false)]);
/** postgres://user:pass@host:port/db -> host:port/db (no credentials in logs) */
const redact = (url) => {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
};
const displayPath = (p) => {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !rel.startsWith(sep) ? rel : p;
};

process.chdir(ROOT); // relative paths (.env, EMBEDDED_PG_DIR) are relative to the project root

if (process.argv[2] === '--embedded-pg-owner') await runEmbeddedPgOwner();
else await main();

// ---------------------------------------------------------------------------------------------
// main process
// ---------------------------------------------------------------------------------------------

async function main() {
  /** @type {{ hub?: import('node:child_process').ChildProcess, worker?: import('node:child_process').ChildProcess }} */
  const apps = {};
  let build; // the `npm run build` child while it runs
  let owner; // the embedded PostgreSQL owner process
  let pgReady = false;
  let shuttingDown = false;
  let shutdownSignalAt = 0;
  let forced = false;

  async function shutdown(code) {
    if (shuttingDown) return;
    shuttingDown = true;
    if (alive(build)) {
      process.kill(-build.pid, 'SIGTERM'); // the whole build (npm, sh, nest, tsc), not just npm
      await exited(build);
    }
    const running = Object.entries(apps).filter(([, c]) => alive(c));
    if (running.length) say(`stopping ${running.map(([n]) => n).join(' and ')}…`);
    for (const [, child] of running) child.kill('SIGTERM');
    const stopTimeoutMs = childStopTimeoutMs(process.env);
    if (!(await withTimeout(Promise.all(running.map(([, c]) => exited(c))), stopTimeoutMs))) {
      for (const [name, child] of running.filter(([, c]) => alive(c))) {
        warn(`${name} did not stop within ${stopTimeoutMs / 1000} s: SIGKILL`);
        child.kill('SIGKILL');
      }
      await Promise.all(running.map(([, c]) => exited(c)));
    }
    if (alive(owner)) {
      if (pgReady) say('stopping embedded PostgreSQL…');
      if (owner.connected) owner.send({ type: 'stop' });
      else owner.kill('SIGTERM'); // IPC already closed; SIGTERM asks for the same clean stop
      if (!(await withTimeout(exited(owner), PG_STOP_TIMEOUT_MS))) {
        warn('embedded PostgreSQL did not stop in time; killing its owner (the next start recovers the cluster)');
        owner.kill('SIGKILL');
        await exited(owner);
      }
    }
    if (code === 0) say('stopped');
    process.exit(code);
  }

  // Registered before anything is started: a signal at any point leads to an orderly stop.
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (!shuttingDown) {
        say(`${signal} received`);
        shutdownSignalAt = Date.now();
        void shutdown(0);
      } else if (!forced && shutdownSignalAt && Date.now() - shutdownSignalAt > 2000) {
        // A later signal (e.g. Ctrl-C pressed again): do not wait for the apps to drain; PostgreSQL is
        // still stopped cleanly. Signals within 2 s of the first are duplicates: `npm start` forwards the
        // terminal's SIGINT to us although we got it from the terminal already.
        forced = true;
        warn(`${signal} received again: killing hub and worker`);
        for (const child of Object.values(apps)) if (alive(child)) child.kill('SIGKILL');
      }
    });
  }

  loadDotEnv();

  if (needsBuild()) {
    const startedAt = new Date();
    say(
      existsSync(HUB_MAIN) && existsSync(WORKER_MAIN)
        ? 'sources changed since the last build: npm run build'
        : 'no build yet: npm run build',
    );
    // own process group, so that stopping it reaches nest and tsc too
    build = spawn('npm', ['run', 'build'], { stdio: 'inherit', env: process.env, detached: true });
    const code = await new Promise((r) => build.once('exit', (c, s) => r(c ?? (s ? 1 : 0))));
    if (shuttingDown) return;
    if (code !== 0) {
      warn(`build failed (exit ${code}); fix the errors above, then run npm start again`);
      process.exit(code);
    }
    // the stamp carries the time the build started: a file edited during the build triggers the next one
    writeFileSync(BUILD_STAMP, `${startedAt.toISOString()}\n`);
    utimesSync(BUILD_STAMP, startedAt, startedAt);
  }
  if (shuttingDown) return;

  const env = { ...process.env };

  // --- database ---
  if (!env.DATABASE_URL) {
    const dir = resolve(env.EMBEDDED_PG_DIR || '.data/pg');
    owner = spawn(process.execPath, [SELF, '--embedded-pg-owner'], {
      // own session: a terminal Ctrl-C does not reach PostgreSQL before the apps have drained
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...env, EMBEDDED_PG_DIR: dir },
    });
    owner.on('error', (error) => {
      // a 'stop' sent while the owner is exiting anyway: nothing to do
      if (!['EPIPE', 'ERR_IPC_CHANNEL_CLOSED'].includes(error.code)) warn(`embedded PostgreSQL owner: ${error.message}`);
    });
    owner.on('exit', (code, signal) => {
      if (!shuttingDown && pgReady) {
        warn(`embedded PostgreSQL stopped unexpectedly (${signal ?? `exit ${code}`}); see ${displayPath(dir)}.log`);
        void shutdown(1);
      }
    });
    const result = await new Promise((r) => {
      owner.on('message', (m) => {
        if (m?.type === 'ready' || m?.type === 'error') r(m);
      });
      owner.once('exit', (code, signal) => r({ type: 'error', message: `owner process exited (${signal ?? `exit ${code}`})` }));
    });
    if (result.type === 'error') {
      if (shuttingDown) return; // a signal arrived during the start; shutdown() waits for the owner
      warn(`embedded PostgreSQL did not start: ${result.message}`);
      if (result.logTail) warn(`last PostgreSQL log lines (${displayPath(dir)}.log):\n${result.logTail}`);
      await withTimeout(exited(owner), 5000); // it exits right after reporting
      await shutdown(1);
      return;
    }
    pgReady = true;
    if (shuttingDown) return;
    env.DATABASE_URL = result.url;
    if (!env.HUB_SECRET_KEY) {
      const keyFile = join(dirname(dir), 'hub-secret-key');
      try {
        env.HUB_SECRET_KEY = embeddedSecretKey(keyFile);
      } catch (error) {
        warn(String(error?.message ?? error));
        await shutdown(EXIT_CONFIG);
        return;
      }
      say(`hub key encryption: ${displayPath(keyFile)} (set HUB_SECRET_KEY to use your own)`);
    }
    say(`database: embedded PostgreSQL ${result.version} at ${displayPath(dir)} (port ${result.port})`);
    say(`          psql ${result.url}   (log: ${displayPath(dir)}.log; set DATABASE_URL to use your own server)`);
  } else {
    say(`database: PostgreSQL at ${redact(env.DATABASE_URL)} (DATABASE_URL)`);
  }

  // --- queues ---
  if (env.REDIS_URL) say(`queues: Redis at ${redact(env.REDIS_URL)} (REDIS_URL)`);
  else say('queues: BullMQ PostgreSQL backend (REDIS_URL not set)');

  if (!env.HUB_BOOTSTRAP_OPERATOR_TOKEN) {
    warn('HUB_BOOTSTRAP_OPERATOR_TOKEN is not set: no bootstrap operator is installed by this start, so the');
    warn('  /admin API accepts only operators created earlier. To get one, start with a token of 32+ characters:');
    warn('    HUB_BOOTSTRAP_OPERATOR_TOKEN=$(openssl rand -hex 32) npm start     (or put it in .env)');
    warn('  and use it as "Authorization: Bearer <token>".');
  }

  if (!env.WORKER_HEALTH_PORT) env.WORKER_HEALTH_PORT = String(await freePort(env.HUB_HOST || '127.0.0.1'));
  // another local hub may hold the SIP default; a second clone then still starts
  if (!env.HUB_SIP_PORT && env.HUB_SIP_ENABLED !== 'false' && !(await sipPortFree(env.HUB_SIP_HOST || '127.0.0.1', 5060))) {
    env.HUB_SIP_PORT = '0';
    say('SIP port 5060 is in use: the SIP listener takes free ports (see its log line); set HUB_SIP_PORT to choose one');
  }

  // --- apps ---
  const launch = (name, file, flags) => {
    const child = spawn(process.execPath, ['--enable-source-maps', ...flags, '--import', APP_PRELOAD, file], {
      stdio: 'inherit',
      env,
      detached: false,
    });
    apps[name] = child;
    // lets the owner give the apps time to drain if this process is SIGKILLed
    if (alive(owner) && owner.connected) owner.send({ type: 'apps', pids: Object.values(apps).map((c) => c.pid) });
    return child;
  };
  const stopOnExit = (name, child, onCrash) => {
    child.once('exit', (code, signal) => {
      if (shuttingDown) return;
      if (signal === 'SIGINT') {
        // the terminal's Ctrl-C reached the app before our own handler ran
        say(`${name} stopped by SIGINT`);
        void shutdown(0);
        return;
      }
      if (onCrash && code !== EXIT_CONFIG) {
        onCrash(code, signal);
        return;
      }
      warn(`${name} exited unexpectedly (${signal ?? `exit ${code}`}); stopping everything`);
      void shutdown(typeof code === 'number' && code !== 0 ? code : 1);
    });
  };

  stopOnExit('hub', launch('hub', HUB_MAIN, HUB_NODE_FLAGS));

  let workerDelay = WORKER_RESTART_MIN_MS;
  const startWorker = () => {
    const startedAt = Date.now();
    stopOnExit('worker', launch('worker', WORKER_MAIN, []), (code, signal) => {
      if (Date.now() - startedAt >= WORKER_STABLE_MS) workerDelay = WORKER_RESTART_MIN_MS;
      warn(`worker exited unexpectedly (${signal ?? `exit ${code}`}); starting it again in ${workerDelay / 1000} s`);
      const delay = workerDelay;
      workerDelay = Math.min(workerDelay * 2, WORKER_RESTART_MAX_MS);
      setTimeout(() => {
        if (!shuttingDown) startWorker();
      }, delay);
    });
  };
  startWorker();
  void announceWhenReady(env, () => shuttingDown);
}

/** A port nobody listens on now (the kernel's choice), for the worker's health endpoint. */
function freePort(host) {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Whether both UDP and TCP `port` can be bound on `host` now. */
async function sipPortFree(host, port) {
  const tcp = await new Promise((r) => {
    const server = createServer();
    server.once('error', () => r(false));
    server.listen(port, host, () => server.close(() => r(true)));
  });
  if (!tcp) return false;
  return new Promise((r) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', () => {
      socket.close();
      r(false);
    });
    socket.bind(port, host, () => socket.close(() => r(true)));
  });
}

/**
 * The embedded mode's HUB_SECRET_KEY: read from `file`, or generated into it (0600) on the first start.
 * Without it every start would encrypt a fresh signing key that the next start cannot open.
 */
function embeddedSecretKey(file) {
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(key)) {
      throw new Error(
        `${displayPath(file)} does not hold 64 hex characters; restore it or delete it (a new key cannot open the stored signing keys)`,
      );
    }
    return key;
  }
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600); // the mode above is subject to the umask
  return key;
}

/** Prints one line with the URLs once the hub answers (purely informative). */
async function announceWhenReady(env, stopped) {
  const host = !env.HUB_HOST || env.HUB_HOST === '0.0.0.0' || env.HUB_HOST === '::' ? '127.0.0.1' : env.HUB_HOST;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${env.HUB_PORT || 3000}`;
  const workerPort = env.WORKER_HEALTH_PORT;
  for (let i = 0; i < 600 && !stopped(); i++) {
    const ok = await fetch(`${base}/health/live`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      if (!stopped()) {
        say(
          `ready: hub ${base} (web console ${base}/console, OpenAPI UI ${base}/docs)` +
            (workerPort !== '0' ? `, worker health ${base.replace(/:\d+$/, '')}:${workerPort}/health/ready` : ''),
        );
      }
      return;
    }
    await sleep(500);
  }
}

function loadDotEnv() {
  const file = join(ROOT, '.env');
  if (!existsSync(file)) return;
  if (typeof process.loadEnvFile === 'function') {
    process.loadEnvFile(file); // existing variables win
  } else {
    for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
      const m = line.match(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/);
      if (!m || m[1] in process.env) continue;
      let value = m[2];
      if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
      else value = value.replace(/\s+#.*$/, '');
      process.env[m[1]] = value;
    }
  }
  say('loaded .env (variables already set in the environment win)');
}

/** dist/ is stale when an app entry point is missing or a source file is newer than the last build. */
function needsBuild() {
  if (![HUB_MAIN, WORKER_MAIN, EMBEDDED_WRAPPER, CONSOLE_PAGE].every((file) => existsSync(file))) return true;
  const outputs = Math.min(statSync(HUB_MAIN).mtimeMs, statSync(WORKER_MAIN).mtimeMs);
  const builtAt = Math.max(outputs, existsSync(BUILD_STAMP) ? statSync(BUILD_STAMP).mtimeMs : 0);
  let newest = 0;
  const consider = (file) => {
    if (existsSync(file)) newest = Math.max(newest, statSync(file).mtimeMs);
  };
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!['node_modules', 'dist', 'test'].includes(entry.name)) walk(path);
      } else if (
        /\.(ts|json|html|css)$/.test(entry.name) &&
        !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name) &&
        !entry.name.endsWith('.d.ts')
      ) {
        consider(path);
      }
    }
  };
  for (const dir of ['apps', 'libs', 'migrations']) walk(join(ROOT, dir));
  for (const file of ['tsconfig.json', 'nest-cli.json']) consider(join(ROOT, file));
  return newest > builtAt;
}

// ---------------------------------------------------------------------------------------------
// embedded PostgreSQL owner (runs detached, in its own session)
// ---------------------------------------------------------------------------------------------

/** The pid of a live embedded-PG owner process whose postmaster runs on `dir`, if any (Linux /proc). */
function liveOwnerOf(dir) {
  try {
    const pid = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
    const cmdline = readFileSync(`/proc/${ppid}/cmdline`, 'utf8');
    return ppid !== process.pid && cmdline.includes('--embedded-pg-owner') ? ppid : undefined;
  } catch {
    return undefined; // no pid file, postmaster gone, or no /proc: nothing to protect
  }
}

async function runEmbeddedPgOwner() {
  const dir = resolve(process.env.EMBEDDED_PG_DIR || '.data/pg');
  const port = process.env.EMBEDDED_PG_PORT ? Number(process.env.EMBEDDED_PG_PORT) : undefined;
  const send = (message) => {
    if (process.connected) process.send(message);
  };
  let handle;
  let stopRequested = false;
  let stopping;

  const stop = () =>
    (stopping ??= (async () => {
      try {
        await handle?.stop();
      } catch (error) {
        process.stderr.write(`[start] embedded PostgreSQL: stop failed: ${error?.message ?? error}\n`);
      }
      process.exit(0);
    })());
  const requestStop = () => {
    stopRequested = true;
    if (handle) void stop();
  };
  // Handlers first: the wrapper strips embedded-postgres' own signal hooks, so these are the only ones.
  for (const signal of SIGNALS) process.on(signal, requestStop);
  let appPids = [];
  const running = (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  // The parent went away without a 'stop' (it was SIGKILLed): the apps stop by themselves (see
  // APP_PRELOAD); give them up to 15 s, then stop PostgreSQL so no orphan keeps the directory locked.
  process.on('disconnect', async () => {
    for (let i = 0; i < 150 && appPids.some(running); i++) await sleep(100);
    requestStop();
  });
  process.on('message', (m) => {
    if (m?.type === 'stop') requestStop();
    if (m?.type === 'apps') appPids = m.pids.filter(Boolean);
  });

  mkdirSync(dirname(dir), { recursive: true });
  const logFile = `${dir}.log`;
  const log = createWriteStream(logFile, { flags: 'w' });
  const tail = [];
  const onLog = (line) => {
    log.write(line.endsWith('\n') ? line : `${line}\n`);
    tail.push(line.trimEnd());
    if (tail.length > 20) tail.shift();
  };

  try {
    // The wrapper stops any postmaster it finds on this directory (to clean up after a SIGKILL).
    // That must not hit a cluster another `npm start` is still using.
    const owner = liveOwnerOf(dir);
    if (owner) throw new Error(`${dir} is in use by another npm start (pid ${owner}); stop it first or set EMBEDDED_PG_DIR`);
    const { startEmbeddedPostgres } = await import(pathToFileURL(EMBEDDED_WRAPPER).href);
    handle = await startEmbeddedPostgres({ dir, port, log: onLog });
  } catch (error) {
    send({ type: 'error', message: String(error?.message ?? error), logTail: tail.join('\n') });
    process.exit(1);
  }
  if (stopRequested) return stop();

  const version = readFileSync(join(dir, 'PG_VERSION'), 'utf8').trim();
  send({ type: 'ready', url: handle.url, port: handle.port, version });

  // Notice a postmaster that dies under us (the parent then stops the apps and exits non-zero).
  const pid = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch {
      if (stopping) return;
      process.stderr.write(`[start] embedded PostgreSQL (pid ${pid}) is gone\n`);
      process.exit(1);
    }
  }, 1000);
}
