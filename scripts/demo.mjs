#!/usr/bin/env node
// `npm run demo [-- --keep] [-- --data-dir DIR]`: a small federation, told as a story.
//
// Starts the hub and the worker through scripts/start.mjs (so exactly `npm start`'s modes: with
// nothing configured an embedded PostgreSQL and BullMQ's PostgreSQL backend; with DATABASE_URL /
// REDIS_URL, from the environment or .env, those servers), plus three small local HTTP servers
// standing in for the Peer Networks' chat gateways. Then, through the hub's HTTP API and its SIP
// listener only (scripts/demo/scenario.mjs): three Peer Networks (SIP, XMPP, Matrix) apply, are
// approved and publish their provisioning documents; agreements; tailored provisioning over HTTP and
// SIP OPTIONS; an N-way chat pushed to the gateways; message logging and search; a block. It prints
// the story with the URLs to open (scripts/demo/story.mjs) and stops everything, or with --keep
// keeps running until Ctrl-C.
//
// Its own hub, always: the demo needs settings a running hub may not have (OUTBOUND_ALLOW_LOOPBACK
// for its gateways on 127.0.0.1, a known operator token), and it must not change a database by
// surprise. Embedded mode uses a directory of its own (default .data/demo), emptied at each run, never
// .data/pg. Against configured servers it adds its networks to that database (with a run tag in the
// domains when they exist already), sets federation mode to `agreement`, and needs
// HUB_BOOTSTRAP_OPERATOR_TOKEN (otherwise the bootstrap operator's token would be replaced).
// Ports: HUB_PORT (else 3000) and 5060 for SIP when free, otherwise free ones.
// See docs/operations.md#demo. Checked by apps/hub/test/demo.e2e-spec.ts.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGateway } from './demo/gateways.mjs';
import { DemoStepFailed, eventually, hubApi } from './demo/hub-api.mjs';
import { demoDomains, runScenario } from './demo/scenario.mjs';
import { renderStory } from './demo/story.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const START = join(ROOT, 'scripts/start.mjs');
const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 300_000; // the first run builds the apps
const STOP_TIMEOUT_MS = 40_000;

const say = (message) => process.stdout.write(`[demo] ${message}\n`);
const warn = (message) => process.stderr.write(`[demo] ${message}\n`);
const displayPath = (p) => {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !rel.startsWith(sep) ? rel : p;
};

process.chdir(ROOT);
const options = parseArguments(process.argv.slice(2));
if (existsSync('.env')) process.loadEnvFile('.env'); // as npm start does: the environment wins
process.exitCode = await main();

async function main() {
  const env = { ...process.env };
  if (env.NODE_ENV === 'production') {
    warn('NODE_ENV=production: the demo runs a development hub (OUTBOUND_ALLOW_LOOPBACK=true) and refuses production settings.');
    return 78;
  }
  const configured = Boolean(env.DATABASE_URL);
  if (configured && !env.HUB_BOOTSTRAP_OPERATOR_TOKEN) {
    warn('DATABASE_URL is set but HUB_BOOTSTRAP_OPERATOR_TOKEN is not. The demo acts as the bootstrap operator,');
    warn('and starting the hub with a token of its own would replace that operator`s token in your database.');
    warn('Set HUB_BOOTSTRAP_OPERATOR_TOKEN (32+ characters) to the token you use, or run without DATABASE_URL.');
    return 78;
  }
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const pidFile = join(dataDir, 'demo.pid');
  const other = runningDemo(pidFile);
  if (other) {
    warn(`another demo (pid ${other}) uses ${displayPath(dataDir)}; stop it first or pass --data-dir`);
    return 1;
  }
  writeFileSync(pidFile, `${process.pid}\n`);
  const logFile = join(dataDir, 'demo.log');

  const token = env.HUB_BOOTSTRAP_OPERATOR_TOKEN || `demo-${randomBytes(24).toString('hex')}`;
  const hubDomain = env.HUB_DOMAIN || 'clearing-house.localhost';
  const hubPort = (await tcpPortFree(Number(env.HUB_PORT) || 3000)) ? Number(env.HUB_PORT) || 3000 : await freeTcpPort();
  const sipPort = (await sipPortFree(Number(env.HUB_SIP_PORT) || 5060)) ? Number(env.HUB_SIP_PORT) || 5060 : await freeSipPort();
  const workerPort = await freeTcpPort();
  Object.assign(env, {
    HUB_HOST: HOST,
    HUB_PORT: String(hubPort),
    HUB_SIP_ENABLED: 'true',
    HUB_SIP_HOST: HOST,
    HUB_SIP_PORT: String(sipPort),
    WORKER_HEALTH_PORT: String(workerPort),
    HUB_BOOTSTRAP_OPERATOR_TOKEN: token,
    HUB_DOMAIN: hubDomain,
    // the gateways listen on 127.0.0.1 over plain http: a development setting
    OUTBOUND_ALLOW_LOOPBACK: 'true',
    // set (even empty), so that start.mjs cannot take them from .env again
    DATABASE_URL: env.DATABASE_URL ?? '',
    REDIS_URL: env.REDIS_URL ?? '',
  });
  if (configured) {
    // hub and worker must seal the hub's signing keys with the same key
    if (!env.HUB_SECRET_KEY) env.HUB_SECRET_KEY = randomBytes(32).toString('hex');
  } else {
    // a fresh embedded cluster for every run, in the demo's own directory
    for (const stale of ['pg', 'pg.log', 'pg.init', 'hub-secret-key'])
      rmSync(join(dataDir, stale), { recursive: true, force: true });
    Object.assign(env, { EMBEDDED_PG_DIR: join(dataDir, 'pg'), EMBEDDED_PG_PORT: '' });
  }

  const gateways = {};
  let hub;
  let stopping;
  const stopAll = () =>
    (stopping ??= (async () => {
      if (hub) await hub.stop();
      await Promise.all(Object.values(gateways).map((g) => g.close()));
      rmSync(pidFile, { force: true });
    })());
  let interrupted = false;
  const onSignal = (signal) => {
    if (interrupted) return;
    interrupted = true;
    say(`${signal}: stopping the hub and the worker…`);
    void stopAll().then(() => process.exit(options.keep && storyDone ? 0 : 130));
  };
  let storyDone = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);

  try {
    for (const key of ['atlantic', 'borealis', 'cumulus']) gateways[key] = await startGateway(key);
    say(`starting the hub and the worker (scripts/start.mjs; their log: ${displayPath(logFile)})`);
    hub = startHub(env, logFile);
    const base = `http://${HOST}:${hubPort}`;
    await hub.ready([`${base}/health/ready`, `http://${HOST}:${workerPort}/health/ready`]);
    const api = hubApi(base);
    const domains = demoDomains(configured ? await runTag(api, token) : '');
    const facts = await runScenario({
      api,
      operatorToken: token,
      hubDomain,
      domains,
      gateways,
      sip: { host: HOST, port: sipPort },
      say: (step) => say(`${step}…`),
    });
    const mode = [
      configured ? `PostgreSQL at ${redact(env.DATABASE_URL)}` : `embedded PostgreSQL in ${displayPath(join(dataDir, 'pg'))}`,
      env.REDIS_URL ? `queues on Redis at ${redact(env.REDIS_URL)}` : "queues on BullMQ's PostgreSQL backend",
    ].join(', ');
    const story = renderStory(facts, {
      base,
      mode,
      tokenShown: process.env.HUB_BOOTSTRAP_OPERATOR_TOKEN ? '$HUB_BOOTSTRAP_OPERATOR_TOKEN (yours)' : token,
      logFile: displayPath(logFile),
    });
    process.stdout.write(`\n${story.join('\n')}\n\n`);
    if (options.factsFile) writeFileSync(options.factsFile, `${JSON.stringify(facts, null, 2)}\n`);
    storyDone = true;
    if (options.keep) {
      say('the hub and the worker keep running; Ctrl-C stops them (the embedded data is kept until the next demo)');
      await hub.exited;
      if (!interrupted) {
        warn(`the hub or the worker stopped on its own; see ${displayPath(logFile)}`);
        await stopAll();
        return 1;
      }
      return new Promise(() => {}); // onSignal exits
    }
    say('stopping the hub and the worker (run with -- --keep to explore afterwards)…');
    await stopAll();
    say('done');
    return 0;
  } catch (error) {
    if (interrupted) return new Promise(() => {});
    warn(error instanceof DemoStepFailed ? error.message : (error?.stack ?? String(error)));
    if (hub) warn(`last lines of ${displayPath(logFile)}:\n${hub.tail()}`);
    await stopAll();
    return 1;
  }
}

function parseArguments(args) {
  const parsed = { keep: false, dataDir: '.data/demo', factsFile: undefined };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--keep') parsed.keep = true;
    else if (arg === '--data-dir' && args[i + 1]) parsed.dataDir = args[++i];
    else if (arg === '--facts' && args[i + 1]) parsed.factsFile = resolve(args[++i]);
    else {
      process.stderr.write(
        `usage: npm run demo [-- --keep] [-- --data-dir DIR] [-- --facts FILE]\n` +
          '  --keep      keep the hub and the worker running after the story (Ctrl-C stops them)\n' +
          '  --data-dir  where the embedded PostgreSQL and the log go (default .data/demo; emptied at each run)\n' +
          '  --facts     also write the facts the story is told from, as JSON\n',
      );
      process.exit(64);
    }
  }
  return parsed;
}

/** start.mjs as a child: `[start]` lines echoed, everything (the apps' logs too) into `logFile`. */
function startHub(env, logFile) {
  const log = createWriteStream(logFile, { flags: 'w' });
  const child = spawn(process.execPath, [START], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = [];
  let partial = '';
  const onData = (chunk) => {
    log.write(chunk);
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop();
    for (const l of lines) {
      tail.push(l);
      if (tail.length > 30) tail.shift();
      if (l.startsWith('[start] ')) process.stdout.write(`${l}\n`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return {
    exited,
    tail: () => tail.join('\n'),
    async ready(urls) {
      let gone = false;
      void exited.then(() => (gone = true));
      for (const url of urls) {
        await eventually(
          `${url} to answer 200 (see the log)`,
          async () => {
            if (gone) throw new DemoStepFailed('scripts/start.mjs exited before the hub and the worker were ready');
            return (await fetch(url, { signal: AbortSignal.timeout(2000) }).catch(() => undefined))?.ok;
          },
          READY_TIMEOUT_MS,
        );
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      // the timer is cleared: left running, it would keep the demo alive for its whole length after "done"
      let timer;
      const stopped = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r(undefined), STOP_TIMEOUT_MS)))]);
      clearTimeout(timer);
      if (!stopped) {
        warn(`scripts/start.mjs did not stop within ${STOP_TIMEOUT_MS / 1000} s: SIGKILL`);
        child.kill('SIGKILL');
        await exited;
      }
      await new Promise((r) => log.end(r));
    },
  };
}

/** '' when the demo's domains are free in this database, else a short tag that makes them new. */
async function runTag(api, token) {
  const taken = async (domains) => {
    for (const domain of Object.values(domains)) {
      const res = await api.call('GET', `/admin/v1/members/${domain}`, { auth: token, expect: [200, 404] });
      if (res.status === 200) return true;
    }
    return false;
  };
  if (!(await taken(demoDomains('')))) return '';
  for (;;) {
    const tag = randomBytes(2).toString('hex');
    if (!(await taken(demoDomains(tag)))) return tag;
  }
}

/** The pid of a live demo that wrote `pidFile`, if any. */
function runningDemo(pidFile) {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    if (!pid || pid === process.pid) return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('demo.mjs') ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** postgres://user:pass@host:port/db -> postgres://host:port/db */
function redact(url) {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}

function tcpPortFree(port) {
  return new Promise((r) => {
    const server = createServer();
    server.once('error', () => r(false));
    server.listen(port, HOST, () => server.close(() => r(true)));
  });
}

function freeTcpPort() {
  return new Promise((r, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => r(port));
    });
  });
}

function udpPortFree(port) {
  return new Promise((r) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      r(false);
    });
    socket.bind(port, HOST, () => socket.close(() => r(true)));
  });
}

async function sipPortFree(port) {
  return (await tcpPortFree(port)) && udpPortFree(port);
}

/** A port free for both UDP and TCP (the SIP listener binds both). */
async function freeSipPort() {
  for (;;) {
    const port = await freeTcpPort();
    if (await udpPortFree(port)) return port;
  }
}
