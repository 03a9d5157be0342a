#!/usr/bin/env node
// Benchmark of POST /v1/message-log: 1,000,000 records ingested through
// the HTTP API in batches of 1,000 with several batches in flight, against an in-run baseline:
// raw COPY (pg-copy-streams) of the very same rows into the same table with the same indexes.
// Method, figures and discussion: docs/benchmarks.md.
//
//   npm run bench:message-log            (builds first if dist is missing or older than the sources)
//
// Steps: build check → fresh database → built hub pinned to core 0 (probe.mjs times its SQL) →
// origin members (delegating logging) and recipient members seeded over the admin API → a
// check batch (the hub's stored rows equal the baseline's generated rows) → warm-up → rounds,
// each: hub (HTTP), COPY (message_log only), relay (the floor: the same HTTP body to a bare
// Fastify server, relay.mjs, that writes the pre-generated keys + rows) and COPY+keys
// (message_log_keys and message_log in one transaction), order alternating, tables truncated and a CHECKPOINT before every run, the
// load generator in its own process on core 1 (load.mjs; bodies generated before the clock),
// CPU of the hub and of PostgreSQL from /proc → fixed offered rate at 50 % of the hub's maximum
// batch rate (open loop), hub, COPY and relay in turn, each batch's latency → the same with small
// batches (BENCH_LATENCY_BATCH, at half the hub's maximum rate for that size) → JSON in
// bench/results/, summary line last.
//
// No worker runs: the outbox rows of the committed batches simply accumulate (and are
// truncated between runs); the hub only writes them.
//
// Environment (all optional): BENCH_RECORDS=1000000 BENCH_BATCH=1000 BENCH_ORIGINS=16
// BENCH_RECIPIENTS=16 BENCH_CONCURRENCY=8 BENCH_ROUNDS=3 BENCH_SMALL_ROUNDS=0 (extra rounds of
// BENCH_SMALL_RECORDS=200000) BENCH_WARMUP_RECORDS=50000 BENCH_FIXED_S=20 BENCH_FIXED_RUNS=3
// BENCH_COPY_KEYS=1 (0: no COPY+keys arm) BENCH_RELAY=1 (0: no relay arm) BENCH_PROFILE=1 (0: no perf profile)
// BENCH_PROFILE_RECORDS=200000 BENCH_PIN=1 BENCH_DB_POOL_MAX (hub's DB_POOL_MAX; unset:
// its default, 10) BENCH_LOG_LEVEL=warn BENCH_TIMEOUT_S=1800 BENCH_BUILD=1 (0: use dist as it is)
// BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_REDIS_URL=redis://127.0.0.1:6379
// BENCH_DB=hub_bench_message_log BENCH_KEEP_DB=0 BENCH_HUB_MAIN=dist/apps/hub/apps/hub/src/main.js
// BENCH_HUB_NODE_ARGS="--trace-gc" (node flags for the hub, after its own: scripts/hub-node-flags.mjs) BENCH_HUB_LOG=<file> (its output)
// BENCH_LATENCY_BATCH=100 (0: none) BENCH_LATENCY_RECORDS=200000: the fixed-rate runs again with
// batches of that size, at half the hub's maximum rate for that size
// BENCH_PG_CORE=1 (unset: PostgreSQL unpinned): every PostgreSQL process on that core for the run,
// hub and load generator on core 0; restored to every core at the end
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  agent,
  api,
  childProcesses,
  deleteRedisKeys,
  CLK_TCK,
  cpuTimes,
  freePort,
  HAS_PERF,
  hubNodeFlags,
  ipcRequest,
  machineTimes,
  memberDocument,
  pinPostgres,
  pool,
  seedMember,
  threadAffinities,
  waitForHttp,
} from '../lib/harness.mjs';
import { cleanPerfMap, summarizePerf } from '../provisioning/perf-profile.mjs';
import { expectedRow, generateBatches, originDomain, recipientDomain } from './records.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
process.chdir(ROOT);

const env = process.env;
const int = (name, dflt) => (env[name] === undefined || env[name] === '' ? dflt : Number.parseInt(env[name], 10));
const CFG = {
  records: int('BENCH_RECORDS', 1_000_000),
  batchSize: int('BENCH_BATCH', 1000),
  origins: int('BENCH_ORIGINS', 16),
  recipients: int('BENCH_RECIPIENTS', 16),
  concurrency: int('BENCH_CONCURRENCY', 8),
  rounds: Math.max(2, int('BENCH_ROUNDS', 3)),
  smallRounds: int('BENCH_SMALL_ROUNDS', 0),
  smallRecords: int('BENCH_SMALL_RECORDS', 200_000),
  warmupRecords: int('BENCH_WARMUP_RECORDS', 50_000),
  fixedS: int('BENCH_FIXED_S', 20),
  fixedRuns: Math.max(1, int('BENCH_FIXED_RUNS', 3)),
  // acknowledgement latency with small batches as well: its own maximum rate, then fixed-rate runs
  latencyBatch: int('BENCH_LATENCY_BATCH', 100),
  latencyRecords: int('BENCH_LATENCY_RECORDS', 200_000),
  copyKeys: env.BENCH_COPY_KEYS !== '0',
  relay: env.BENCH_RELAY !== '0',
  profile: env.BENCH_PROFILE !== '0',
  profileRecords: int('BENCH_PROFILE_RECORDS', 200_000),
  pin: env.BENCH_PIN !== '0',
  dbPoolMax: env.BENCH_DB_POOL_MAX || undefined,
  logLevel: env.BENCH_LOG_LEVEL || 'warn',
  timeoutS: int('BENCH_TIMEOUT_S', 1800),
  build: env.BENCH_BUILD !== '0',
  pgAdminUrl: env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379',
  database: env.BENCH_DB || 'hub_bench_message_log',
  keepDb: env.BENCH_KEEP_DB === '1',
  hubDomain: 'hub.bench.example',
  serverCore: '0',
  // BENCH_PG_CORE=1: PostgreSQL gets core 1 to itself (the deployment where the database does not
  // share its cores with the hub) and the load generator joins the hub's core 0; unset, PostgreSQL
  // is left on both cores as BENCHMARKING.md says for end-to-end paths
  pgCore: env.BENCH_PG_CORE || null,
  loadCore: env.BENCH_PG_CORE ? '0' : '1',
};
const HUB_MAIN = env.BENCH_HUB_MAIN || 'dist/apps/hub/apps/hub/src/main.js';
const PROBE = pathToFileURL(path.join(HERE, 'probe.mjs')).href;
const RESULTS_DIR = path.join(ROOT, 'bench/results');
const STAMP = new Date().toISOString().replace(/[:.]/g, '-');
const REDIS_PREFIX = `bench-mlog-${process.pid}-${Date.now().toString(36)}`;
const OPERATOR_TOKEN = `hubop_bench_${randomBytes(24).toString('base64url')}`;

const log = (...args) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);
let finished = false;

// ---------------------------------------------------------------- processes

const PROFILE = CFG.profile && HAS_PERF;
const TMP = mkdtempSync(path.join(os.tmpdir(), 'bench-message-log-'));

const { pinning: PINNED, startChild, setAffinity, stopAll } = childProcesses({ cwd: ROOT, env, pin: CFG.pin });

const git = (...args) => {
  try {
    return execFileSync('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
};

/** Newest modification time under the given roots (sources of the build). */
function newestSource() {
  let newest = 0;
  let file;
  const walk = (p) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p)) if (e !== 'node_modules' && e !== 'dist') walk(path.join(p, e));
    } else if (/\.(ts|json)$/.test(p) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(p) && st.mtimeMs > newest) {
      newest = st.mtimeMs;
      file = p;
    }
  };
  for (const root of ['apps', 'libs', 'migrations']) if (existsSync(root)) walk(root);
  for (const f of ['tsconfig.json', 'tsconfig.build.json', 'nest-cli.json']) {
    if (existsSync(f) && statSync(f).mtimeMs > newest) {
      newest = statSync(f).mtimeMs;
      file = f;
    }
  }
  return { mtimeMs: newest, file };
}

/** Other benchmarks running from this checkout (they run its dist/: never rebuild under them). */
function otherBenchmarks() {
  let out;
  try {
    out = execFileSync('pgrep', ['-af', 'bench/'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  } catch {
    return [];
  }
  return out
    .split('\n')
    .filter(Boolean)
    .filter((line) => {
      const pid = Number(line.split(' ')[0]);
      if (pid === process.pid || pid === process.ppid) return false;
      let cwd;
      try {
        cwd = readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        return false;
      }
      return (cwd === ROOT || line.includes(ROOT)) && /node/.test(line) && !line.includes('bench/message-log/');
    });
}

/** Builds the hub (npm run build) only if dist is missing or older than the sources. */
function ensureBuilt() {
  if (HUB_MAIN !== 'dist/apps/hub/apps/hub/src/main.js' || !CFG.build) {
    if (!existsSync(HUB_MAIN)) throw new Error(`${HUB_MAIN} not found`);
    return { built: false, reason: 'BENCH_BUILD=0 or BENCH_HUB_MAIN given' };
  }
  const src = newestSource();
  const distMtime = existsSync(HUB_MAIN) ? statSync(HUB_MAIN).mtimeMs : 0;
  if (distMtime && distMtime >= src.mtimeMs) return { built: false, reason: 'dist is newer than the sources' };
  const others = otherBenchmarks();
  if (others.length) {
    throw new Error(
      `dist is ${distMtime ? `older than ${src.file}` : 'missing'} but another benchmark is running from this checkout, ` +
        `and a build deletes dist/ under it:\n  ${others.join('\n  ')}\nrerun when it has finished (or BENCH_BUILD=0 to measure dist as it is)`,
    );
  }
  log(`dist is ${distMtime ? `older than ${src.file}` : 'missing'}: npm run build`);
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return { built: true, reason: distMtime ? `older than ${src.file}` : 'missing' };
}

// ---------------------------------------------------------------- HTTP helpers

// ---------------------------------------------------------------- statistics

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return undefined;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x, digits = 2) => (x === undefined || x === null || !Number.isFinite(x) ? x : Number(x.toFixed(digits)));
const diffStatements = (after, before) => {
  const out = {};
  for (const [k, v] of Object.entries(after)) {
    const b = before[k] ?? { count: 0, ms: 0 };
    if (v.count - b.count) out[k] = { count: v.count - b.count, ms: v.ms - b.ms };
  }
  return out;
};

// ---------------------------------------------------------------- main

async function main() {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(CFG.database))
    throw new Error(`BENCH_DB must be a plain lower-case identifier, not '${CFG.database}'`);
  if (CFG.records % CFG.batchSize || CFG.warmupRecords % CFG.batchSize || CFG.smallRecords % CFG.batchSize)
    throw new Error('BENCH_RECORDS, BENCH_WARMUP_RECORDS and BENCH_SMALL_RECORDS must be multiples of BENCH_BATCH');
  if (CFG.latencyBatch > 0 && CFG.latencyRecords % CFG.latencyBatch)
    throw new Error('BENCH_LATENCY_RECORDS must be a multiple of BENCH_LATENCY_BATCH');
  if (CFG.origins % CFG.concurrency && CFG.concurrency % CFG.origins)
    log(`note: ${CFG.origins} origins for ${CFG.concurrency} in flight: batches of one origin will wait on its chain lock`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const build = ensureBuilt();
  if (!PINNED) log(`running unpinned (${CFG.pin ? 'taskset unavailable or fewer than 2 cores' : 'BENCH_PIN=0'})`);
  const results = {
    benchmark: 'message-log',
    startedAt: new Date().toISOString(),
    config: { ...CFG, pinned: PINNED, clkTck: CLK_TCK },
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      loadavgAtStart: os.loadavg(),
      node: process.version,
      kernel: os.release(),
      totalMemGiB: round(os.totalmem() / 2 ** 30, 1),
    },
    build: {
      ...build,
      hubMain: HUB_MAIN,
      hubMainBuiltAt: statSync(HUB_MAIN).mtime.toISOString(),
      commit: git('rev-parse', 'HEAD'),
      sourcesDifferFromCommit: (git('status', '--porcelain', '--', 'apps', 'libs', 'migrations') || '')
        .split('\n')
        .filter(Boolean),
    },
  };

  // 1. fresh database
  const admin = new pg.Client({ connectionString: CFG.pgAdminUrl, application_name: 'bench-message-log-admin' });
  await admin.connect();
  cleanups.push(() => admin.end().catch(() => undefined));
  await admin.query(`DROP DATABASE IF EXISTS ${CFG.database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${CFG.database}`);
  if (!CFG.keepDb)
    cleanups.push(() => admin.query(`DROP DATABASE IF EXISTS ${CFG.database} WITH (FORCE)`).catch(() => undefined));
  const dbUrl = new URL(CFG.pgAdminUrl);
  dbUrl.pathname = `/${CFG.database}`;
  const settings = await admin.query(
    `SELECT name, setting, unit FROM pg_settings WHERE name IN ('server_version', 'shared_buffers', 'synchronous_commit',
       'fsync', 'wal_level', 'max_wal_size', 'checkpoint_timeout', 'gin_pending_list_limit', 'full_page_writes')`,
  );
  results.machine.postgres = Object.fromEntries(
    settings.rows.map((r) => [r.name, r.unit ? `${r.setting} ${r.unit}` : r.setting]),
  );
  cleanups.push(() => deleteRedisKeys(CFG.redisUrl, REDIS_PREFIX));

  // 2. the hub, pinned to the server core, with the SQL-timing probe
  const hubPort = await freePort();
  const hubEnv = {
    ...env,
    NODE_ENV: 'production',
    // production refuses to start without it (the hub's signing keys at rest)
    HUB_SECRET_KEY: randomBytes(32).toString('hex'),
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: CFG.redisUrl,
    REDIS_KEY_PREFIX: REDIS_PREFIX,
    HUB_HOST: '127.0.0.1',
    HUB_PORT: String(hubPort),
    HUB_DOMAIN: CFG.hubDomain,
    HUB_BOOTSTRAP_OPERATOR_TOKEN: OPERATOR_TOKEN,
    HUB_LOG_LEVEL: CFG.logLevel,
    HUB_SIP_ENABLED: 'false',
    BENCH_PROBE_MAIN: path.resolve(HUB_MAIN),
    ...(CFG.dbPoolMax ? { DB_POOL_MAX: CFG.dbPoolMax } : {}),
  };
  log(`starting hub on :${hubPort} (core ${PINNED ? CFG.serverCore : 'any'}, HUB_LOG_LEVEL=${CFG.logLevel}, db ${CFG.database})`);
  // with a profile to take, the hub runs with --perf-basic-prof throughout (a symbol map for
  // perf, written when code is compiled: nothing per request), so the profiled process is the
  // measured one
  const PERF_FLAGS = PROFILE ? ['--perf-basic-prof'] : [];
  results.hubNodeFlags = hubNodeFlags(env);
  const hub = startChild(
    'hub',
    CFG.serverCore,
    [process.execPath, ...PERF_FLAGS, ...results.hubNodeFlags, '--import', PROBE, HUB_MAIN],
    {
      env: hubEnv,
      ipc: true,
      logFile: env.BENCH_HUB_LOG,
    },
  );
  cleanups.push(() => rmSync(`/tmp/perf-${hub.pid}.map`, { force: true }));
  await waitForHttp(hubPort, '/health/live', hub, 90_000);
  // the floor arm's server, on the hub's core (idle while the hub runs)
  const relayPort = await freePort();
  const relay = CFG.relay
    ? startChild(
        'relay',
        CFG.serverCore,
        [
          process.execPath,
          path.join(HERE, 'relay.mjs'),
          JSON.stringify({ port: relayPort, dbUrl: dbUrl.toString(), poolMax: Number(CFG.dbPoolMax ?? 10) }),
        ],
        { ipc: true },
      )
    : undefined;
  if (relay) await ipcRequest(relay, null, 'listening', 60_000);
  const db = new pg.Client({ connectionString: dbUrl.toString(), application_name: 'bench-message-log-stats' });
  await db.connect();
  cleanups.push(() => db.end().catch(() => undefined));
  const ownPids = new Set([
    (await admin.query('SELECT pg_backend_pid() AS p')).rows[0].p,
    (await db.query('SELECT pg_backend_pid() AS p')).rows[0].p,
  ]);

  // 3. seed: origin members (delegating logging) and recipient members, each approved over the
  // admin API and publishing a document (validated with xmllint-wasm in worker threads: the hub
  // may use both cores while seeding, then goes back to its core)
  setAffinity(hub.pid, '0,1');
  const seedStart = Date.now();
  const members = [
    ...Array.from({ length: CFG.origins }, (_, i) => ({ domain: originDomain(i), delegate: ['logging'] })),
    ...Array.from({ length: CFG.recipients }, (_, i) => ({ domain: recipientDomain(i), delegate: [] })),
  ];
  const tokens = await pool(members, 8, ({ domain, delegate }) =>
    seedMember(hubPort, OPERATOR_TOKEN, {
      domain,
      protocols: ['sip', 'xmpp'],
      document: memberDocument(domain, { hubDomain: CFG.hubDomain, delegate }),
    }),
  );
  const originTokens = tokens.slice(0, CFG.origins);
  setAffinity(hub.pid, PINNED ? CFG.serverCore : '0,1');
  results.seed = { origins: CFG.origins, recipients: CFG.recipients, seconds: round((Date.now() - seedStart) / 1000, 1) };
  log(
    `seeded ${CFG.origins} origin members (delegating logging) and ${CFG.recipients} recipient members in ${results.seed.seconds} s`,
  );
  const partitions = (
    await db.query(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'message_log'::regclass ORDER BY 1`,
    )
  ).rows.map((r) => r.relname);
  results.partitions = { count: partitions.length, first: partitions[0], last: partitions.at(-1) };
  results.indexes = (
    await db.query(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename IN ('message_log', 'message_log_keys',
       'message_log_chains', 'outbox') ORDER BY 1, 2`)
  ).rows;

  const truncate = async () => {
    await db.query('TRUNCATE message_log, message_log_keys, message_log_chains, outbox');
    await db.query('CHECKPOINT');
  };

  // 4. a check batch: what the hub stores is what the baseline writes
  {
    const [batch] = generateBatches({
      batches: 1,
      batchSize: 20,
      origins: 1,
      recipients: CFG.recipients,
      runTag: 'check',
      seed: 7,
    });
    const res = await api(hubPort, 'POST', '/v1/message-log', { token: originTokens[0], body: batch.records }, [200]);
    if (res.counts.accepted !== 20) throw new Error(`check batch: ${JSON.stringify(res.counts)} ${JSON.stringify(res.rejected)}`);
    const stored = await db.query(
      `SELECT message_id, sender, recipients, tags, body, encode(body_sha256, 'hex') AS sha FROM message_log ORDER BY seq`,
    );
    for (const [i, r] of batch.records.entries()) {
      const want = expectedRow(r);
      const got = stored.rows[i];
      const same =
        got.message_id === r.messageId &&
        got.sender === want.sender &&
        JSON.stringify(got.recipients) === JSON.stringify(want.recipients) &&
        JSON.stringify(got.tags) === JSON.stringify(want.tags) &&
        got.body === want.body &&
        got.sha === want.bodySha256;
      if (!same)
        throw new Error(`check batch: the hub stored ${JSON.stringify(got)}, the baseline would write ${JSON.stringify(want)}`);
    }
    const again = await api(hubPort, 'POST', '/v1/message-log', { token: originTokens[0], body: batch.records }, [200]);
    if (again.counts.duplicates !== 20) throw new Error(`check batch resent: ${JSON.stringify(again.counts)}`);
    results.checkBatch = { rowsMatchBaseline: true, resentAsDuplicates: true, storedRecords: stored.rows.length };
    await truncate();
  }

  // 5. runs: one load process each (generation, then the clock), CPU from /proc
  const pgProcesses = async () =>
    (
      await db.query(
        `SELECT pid, backend_type, datname FROM pg_stat_activity
         WHERE (datname = $1 AND backend_type = 'client backend') OR backend_type IN
           ('walwriter', 'checkpointer', 'background writer', 'autovacuum worker', 'autovacuum launcher')`,
        [CFG.database],
      )
    ).rows.filter((r) => !ownPids.has(r.pid));
  const queries = async () => (await ipcRequest(hub, { type: 'queries' }, 'queries')).byStatement;
  let runNo = 0;

  async function measure(target, mode, { records, rate, perfFile, batchSize = CFG.batchSize } = {}) {
    runNo++;
    const batches = mode === 'rate' ? Math.max(1, Math.round(rate * CFG.fixedS)) : records / batchSize;
    const spec = {
      target,
      mode,
      port: hubPort,
      tokens: originTokens,
      dbUrl: dbUrl.toString(),
      batches,
      batchSize,
      origins: CFG.origins,
      recipients: CFG.recipients,
      concurrency: CFG.concurrency,
      rate,
      runTag: `run${runNo}`,
      seed: 1,
      // the relay generates the same batches as the load generator: same ids and timestamps
      ...(target === 'relay' ? { relayPort, prefix: `run${runNo}-relay`, now: Date.now() } : {}),
    };
    await truncate();
    if (target === 'relay') await ipcRequest(relay, { type: 'prepare', spec }, 'prepared', 300_000);
    // the server under test: the hub, or the relay in its runs (its CPU goes in the hub fields)
    const server = target === 'relay' ? relay : hub;
    const child = startChild(
      `load-${target}`,
      CFG.loadCore,
      [process.execPath, path.join(HERE, 'load.mjs'), JSON.stringify(spec)],
      {
        ipc: true,
      },
    );
    const failed = child.exited.then(({ code, signal }) => {
      throw new Error(`load generator exited (${code ?? signal}):\n${child.tail.slice(-30).join('\n')}`);
    });
    failed.catch(() => undefined);
    const ready = await Promise.race([ipcRequest(child, null, 'ready', 300_000), failed]);
    const pgBefore = await pgProcesses();
    const cpuPg0 = new Map(pgBefore.map((p) => [p.pid, { ...p, cpu: cpuTimes(p.pid) }]));
    const q0 = await queries();
    const hub0 = cpuTimes(server.pid);
    const m0 = machineTimes();
    const t0 = process.hrtime.bigint();
    child.send({ type: 'go' });
    const perf = perfFile
      ? startChild('perf', CFG.loadCore, ['perf', 'record', '-F', '999', '-g', '-o', perfFile, '-p', String(hub.pid)])
      : undefined;
    const done = await Promise.race([ipcRequest(child, null, 'done', CFG.timeoutS * 1000), failed]);
    // snapshots first, while the load generator still holds its connections (it waits for 'bye')
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    const hub1 = cpuTimes(server.pid);
    const m1 = machineTimes();
    const pgEnd = new Map(pgBefore.map((p) => [p.pid, cpuTimes(p.pid)]));
    const pgAfter = await pgProcesses();
    for (const p of pgAfter) if (!pgEnd.has(p.pid)) pgEnd.set(p.pid, cpuTimes(p.pid));
    const q1 = await queries();
    if (perf) {
      perf.kill('SIGINT');
      await Promise.race([perf.exited, sleep(30_000)]);
    }
    child.send({ type: 'bye' });
    await Promise.race([child.exited, sleep(10_000)]);
    if (target === 'relay') await ipcRequest(relay, { type: 'release' }, 'released');
    // PostgreSQL CPU: the benchmark database's backends (the hub's pool, or the COPY
    // connections) and the shared background processes (WAL writer, checkpointer…); a backend
    // that appeared during the run counts from zero
    const pgCpu = { backends: 0, background: 0, byType: {} };
    const seen = new Map([...pgBefore, ...pgAfter].map((p) => [p.pid, p]));
    for (const p of seen.values()) {
      const after = pgEnd.get(p.pid);
      if (!after) continue;
      const before = cpuPg0.get(p.pid)?.cpu ?? { user: 0, system: 0 };
      const us = after.user + after.system - before.user - before.system;
      if (p.backend_type === 'client backend') pgCpu.backends += us;
      else pgCpu.background += us;
      pgCpu.byType[p.backend_type] = (pgCpu.byType[p.backend_type] ?? 0) + us;
    }
    const gone = pgBefore.filter((p) => !pgEnd.get(p.pid)).length;
    const hubUs = hub1.user + hub1.system - hub0.user - hub0.system;
    const busyUs = ((m1.all.busy - m0.all.busy) * 1e6) / CLK_TCK;
    const statements = target === 'hub' ? diffStatements(q1, q0) : {};
    const n = done.records;
    const run = {
      target,
      mode,
      records: n,
      batches: done.batches,
      wallS: done.wallS,
      recordsPerS: done.recordsPerS,
      batchesPerS: done.batchesPerS,
      offeredBatchesPerS: rate,
      maxInFlight: done.maxInFlight,
      latencyMs: done.latencyMs,
      generationMs: done.generationMs,
      payloadBytes: done.bytes,
      hubCpuUsPerRecord: hubUs / n,
      hubUserUsPerRecord: (hub1.user - hub0.user) / n,
      hubSystemUsPerRecord: (hub1.system - hub0.system) / n,
      hubCoreUtil: hubUs / 1e6 / wallS,
      pgBackendsCpuUsPerRecord: pgCpu.backends / n,
      pgBackgroundCpuUsPerRecord: pgCpu.background / n,
      pgCpuUsPerRecord: (pgCpu.backends + pgCpu.background) / n,
      pgCpuUtil: (pgCpu.backends + pgCpu.background) / 1e6 / wallS,
      pgCpuByType: Object.fromEntries(Object.entries(pgCpu.byType).map(([k, v]) => [k, round(v / n, 3)])),
      pgBackendsGoneDuringRun: gone,
      loadGenCpuUsPerRecord: done.loadGenCpuUs / n,
      loadGenCpuUtil: done.loadGenCpuUs / 1e6 / done.wallS,
      machineBusyCores: busyUs / 1e6 / wallS,
      machineIowaitCores: ((m1.all.iowait - m0.all.iowait) * 1e6) / CLK_TCK / 1e6 / wallS,
      machineStealCores: ((m1.all.steal - m0.all.steal) * 1e6) / CLK_TCK / 1e6 / wallS,
      // busy time that neither the hub, PostgreSQL nor the load generator accounts for (other tenants)
      otherCores: Math.max(0, (busyUs - hubUs - pgCpu.backends - pgCpu.background - done.loadGenCpuUs) / 1e6 / wallS),
    };
    if (target === 'hub') {
      const perBatch = {};
      for (const [k, v] of Object.entries(statements)) {
        perBatch[k] = { perBatch: round(v.count / done.batches, 3), msPerBatch: round(v.ms / done.batches, 3) };
      }
      run.statements = perBatch;
      run.statementsPerBatch = Object.values(statements).reduce((a, v) => a + v.count, 0) / done.batches;
      run.dbMsPerBatch = Object.values(statements).reduce((a, v) => a + v.ms, 0) / done.batches;
    }
    // what was committed
    const counts = (
      await db.query(`SELECT (SELECT count(*) FROM message_log)::int AS rows, (SELECT count(*) FROM message_log_keys)::int AS keys,
         (SELECT coalesce(sum(last_seq), 0)::int FROM message_log_chains) AS chained, (SELECT count(*) FROM outbox)::int AS outbox`)
    ).rows[0];
    run.committed = counts;
    const want = {
      hub: { rows: n, keys: n, chained: n, outbox: done.batches },
      copy: { rows: n, keys: 0, chained: 0, outbox: 0 },
      'copy-keys': { rows: n, keys: n, chained: 0, outbox: 0 },
      relay: { rows: n, keys: n, chained: 0, outbox: 0 },
    }[target];
    if (JSON.stringify(counts) !== JSON.stringify(want))
      throw new Error(`${target} run: committed ${JSON.stringify(counts)}, expected ${JSON.stringify(want)}`);
    const l = run.latencyMs;
    log(
      `  ${target.padEnd(9)} ${mode} ${n} records in ${round(run.wallS, 1)} s: ${Math.round(run.recordsPerS)} rec/s ` +
        `(${round(run.batchesPerS, 1)} batches/s) | batch p50 ${round(l.p50, 1)} p99 ${round(l.p99, 1)} max ${round(l.max, 1)} ms | ` +
        `CPU µs/rec hub ${round(run.hubCpuUsPerRecord, 1)} pg ${round(run.pgBackendsCpuUsPerRecord, 1)}+${round(run.pgBackgroundCpuUsPerRecord, 1)} ` +
        `load ${round(run.loadGenCpuUsPerRecord, 1)} | hub core ${round(run.hubCoreUtil, 2)} pg ${round(run.pgCpuUtil, 2)} other ${round(run.otherCores, 2)} ` +
        `(generation ${round(done.generationMs / 1000, 1)} s)`,
    );
    if (ready.batches !== done.batches) throw new Error('load generator: batch count changed');
    return run;
  }

  const arms = ['hub', 'copy', ...(CFG.relay ? ['relay'] : []), ...(CFG.copyKeys ? ['copy-keys'] : [])];
  const pinnedPostgres = PINNED && CFG.pgCore !== null ? pinPostgres(CFG.pgCore) : null;
  if (pinnedPostgres) cleanups.push(pinnedPostgres.restore);
  const postgres = pinnedPostgres?.affinities ?? 'unpinned';
  results.pinning = { hub: threadAffinities(hub.pid), loadGenerator: PINNED ? CFG.loadCore : 'any', postgres };
  log(
    `pinning: hub threads on ${results.pinning.hub.join('|')}, load generator on ${results.pinning.loadGenerator}, PostgreSQL ${postgres === 'unpinned' ? postgres : `on ${postgres}`}`,
  );

  // 6. warm-up (JIT, connections, buffers)
  log(`warm-up: ${CFG.warmupRecords} records each`);
  results.warmup = [];
  for (const target of arms) results.warmup.push(await measure(target, 'max', { records: CFG.warmupRecords }));

  // 7. interleaved rounds, order alternating: hub copy copy-keys, copy-keys copy hub, …
  const rounds = [];
  const roundSizes = [
    ...Array.from({ length: CFG.rounds }, () => CFG.records),
    ...Array.from({ length: CFG.smallRounds }, () => CFG.smallRecords),
  ];
  for (const [r, records] of roundSizes.entries()) {
    const order = r % 2 === 0 ? arms : [...arms].reverse();
    log(`round ${r + 1}/${roundSizes.length}: ${records} records, ${order.join(' → ')}`);
    const entry = { round: r + 1, records, order };
    for (const target of order) entry[target] = await measure(target, 'max', { records });
    entry.ratio = entry.hub.recordsPerS / entry.copy.recordsPerS;
    if (entry['copy-keys']) entry.ratioToCopyKeys = entry.hub.recordsPerS / entry['copy-keys'].recordsPerS;
    if (entry.relay) entry.relayRatio = entry.relay.recordsPerS / entry.copy.recordsPerS;
    log(
      `round ${r + 1}: ratio hub/copy ${round(entry.ratio, 3)}${entry['copy-keys'] ? `, hub/copy-keys ${round(entry.ratioToCopyKeys, 3)}` : ''}` +
        `${entry.relay ? `, relay/copy ${round(entry.relayRatio, 3)}` : ''}`,
    );
    rounds.push(entry);
  }
  results.rounds = rounds;
  const full = rounds.filter((r) => r.records === CFG.records);
  const hubRps = median(full.map((r) => r.hub.recordsPerS));
  const copyRps = median(full.map((r) => r.copy.recordsPerS));

  // 8. fixed offered rate: 50 % of the hub's maximum batch rate, open loop (hub, copy, relay, hub, …)
  const rate = hubRps / CFG.batchSize / 2;
  log(`fixed rate: ${round(rate, 2)} batches/s (50 % of the hub's ${round(hubRps / CFG.batchSize, 2)}), ${CFG.fixedS} s per run`);
  const fixed = { offeredBatchesPerS: rate, ...(await fixedRateRuns(rate, CFG.batchSize)) };
  results.fixedRate = fixed;

  // 8b. the same with small batches (BENCH_LATENCY_BATCH records): a batch's acknowledgement
  // latency has a floor of the batch's own COPY, so the latency a member can get is measured
  // where that floor is low; the hub's maximum rate at that size first, then hub, copy, relay, hub, …
  const small = CFG.latencyBatch > 0 && CFG.latencyBatch !== CFG.batchSize ? await smallBatchLatency() : undefined;
  results.smallBatchFixedRate = small;

  async function smallBatchLatency() {
    const batchSize = CFG.latencyBatch;
    log(`small batches: ${batchSize} records per batch, maximum rate over ${CFG.latencyRecords} records`);
    const max = { hub: await measure('hub', 'max', { records: CFG.latencyRecords, batchSize }) };
    max.copy = await measure('copy', 'max', { records: CFG.latencyRecords, batchSize });
    const smallRate = max.hub.batchesPerS / 2;
    log(`small batches, fixed rate: ${round(smallRate, 2)} batches/s (50 % of the hub's ${round(max.hub.batchesPerS, 2)})`);
    return { batchSize, max, offeredBatchesPerS: smallRate, ...(await fixedRateRuns(smallRate, batchSize)) };
  }

  /** Open-loop runs at `rate` batches/s: hub, copy (, relay), hub, …, starting and ending with the hub. */
  async function fixedRateRuns(rate, batchSize) {
    const baselines = ['copy', ...(CFG.relay ? ['relay'] : [])];
    const runs = { hub: [], ...Object.fromEntries(baselines.map((b) => [b, []])) };
    for (let i = 0; i < CFG.fixedRuns; i++) {
      runs.hub.push(await measure('hub', 'rate', { rate, batchSize }));
      if (i === CFG.fixedRuns - 1) break;
      for (const b of baselines) runs[b].push(await measure(b, 'rate', { rate, batchSize }));
    }
    return runs;
  }

  // 9. where the hub's CPU goes: Linux perf on the hub during one more maximum-rate run
  // (bench/provisioning/perf-profile.mjs charges every sample to one category)
  if (PROFILE) {
    try {
      const perfFile = path.join(TMP, 'perf.hub.data');
      log(`profile: perf record on the hub during ${CFG.profileRecords} records`);
      const run = await measure('hub', 'max', { records: CFG.profileRecords, perfFile });
      const symbolMap = cleanPerfMap(hub.pid);
      results.profile = {
        method: 'perf record -F 999 -g -p <hub pid> (cpu-clock), hub started with node --perf-basic-prof; µs per record',
        run,
        symbolMap,
        ...(await summarizePerf(perfFile, { cpuUsPerRequest: run.hubCpuUsPerRecord, tid: hub.pid })),
      };
      log(`perf profile, hub CPU µs per record by category (profiled run: ${round(run.hubCpuUsPerRecord, 1)} µs/record):`);
      for (const row of results.profile.selfByCategory.slice(0, 25)) {
        log(
          `  ${row.name.slice(0, 80).padEnd(80)} ${String(row.usPerRequest).padStart(7)}  ${String(row.percent).padStart(6)} %`,
        );
      }
    } catch (error) {
      results.profile = { failed: String(error?.message ?? error) };
      log(`profile failed (the measurements above stand): ${results.profile.failed}`);
    }
  } else if (CFG.profile) {
    results.profile = { skipped: 'perf is not available' };
  }

  // 10. figures
  const med = (list, f) => median(list.map(f));
  const summary = {
    ratio: med(full, (r) => r.ratio),
    ratioOfMedians: hubRps / copyRps,
    ratioAllRounds: med(rounds, (r) => r.ratio),
    hubRps,
    copyRps,
    copyKeysRps: CFG.copyKeys ? med(full, (r) => r['copy-keys'].recordsPerS) : undefined,
    ratioToCopyKeys: CFG.copyKeys ? med(full, (r) => r.ratioToCopyKeys) : undefined,
    // the floor arm: the ceiling of the ratio for a server that only parses the JSON and writes keys + log
    relayRps: CFG.relay ? med(full, (r) => r.relay.recordsPerS) : undefined,
    relayRatio: CFG.relay ? med(full, (r) => r.relayRatio) : undefined,
    relayCpuUsPerRecord: CFG.relay ? med(full, (r) => r.relay.hubCpuUsPerRecord) : undefined,
    pgCpuUsPerRecordRelay: CFG.relay ? med(full, (r) => r.relay.pgCpuUsPerRecord) : undefined,
    hubCpuUsPerRecord: med(full, (r) => r.hub.hubCpuUsPerRecord),
    hubCoreUtil: med(full, (r) => r.hub.hubCoreUtil),
    pgCpuUsPerRecordHub: med(full, (r) => r.hub.pgCpuUsPerRecord),
    pgBackendsCpuUsPerRecordHub: med(full, (r) => r.hub.pgBackendsCpuUsPerRecord),
    pgCpuUsPerRecordCopy: med(full, (r) => r.copy.pgCpuUsPerRecord),
    pgBackendsCpuUsPerRecordCopy: med(full, (r) => r.copy.pgBackendsCpuUsPerRecord),
    pgCpuUsPerRecordCopyKeys: CFG.copyKeys ? med(full, (r) => r['copy-keys'].pgCpuUsPerRecord) : undefined,
    statementsPerBatch: med(full, (r) => r.hub.statementsPerBatch),
    dbMsPerBatch: med(full, (r) => r.hub.dbMsPerBatch),
    hubBatchP99MsAtMax: med(full, (r) => r.hub.latencyMs.p99),
    offeredBatchesPerSAtHalf: rate,
    batchP99MsAtHalf: med(fixed.hub, (r) => r.latencyMs.p99),
    batchP50MsAtHalf: med(fixed.hub, (r) => r.latencyMs.p50),
    copyBatchP99MsAtHalf: med(fixed.copy, (r) => r.latencyMs.p99),
    relayBatchP99MsAtHalf: CFG.relay ? med(fixed.relay, (r) => r.latencyMs.p99) : undefined,
    hubCpuUsPerRecordAtHalf: med(fixed.hub, (r) => r.hubCpuUsPerRecord),
    fixedRateAchieved: [...fixed.hub, ...fixed.copy, ...(fixed.relay ?? [])].every((r) => r.batchesPerS >= 0.95 * rate),
    smallBatch: small?.batchSize,
    smallBatchRatio: small ? small.max.hub.recordsPerS / small.max.copy.recordsPerS : undefined,
    smallBatchOfferedPerSAtHalf: small?.offeredBatchesPerS,
    smallBatchP99MsAtHalf: small ? med(small.hub, (r) => r.latencyMs.p99) : undefined,
    smallBatchP50MsAtHalf: small ? med(small.hub, (r) => r.latencyMs.p50) : undefined,
    smallCopyBatchP99MsAtHalf: small ? med(small.copy, (r) => r.latencyMs.p99) : undefined,
    smallRelayBatchP99MsAtHalf: small && CFG.relay ? med(small.relay, (r) => r.latencyMs.p99) : undefined,
    otherCoresMedian: med(
      rounds.flatMap((r) => arms.map((a) => r[a])),
      (x) => x.otherCores,
    ),
    outboxRowsAccumulate: 'no worker runs: each hub batch leaves one outbox row (truncated between runs)',
  };
  summary.targets = {
    atLeast70PercentOfCopy: summary.ratio >= 0.7,
    batchP99AtHalfAtMost25ms: summary.batchP99MsAtHalf <= 25,
    ...(small ? { smallBatchP99AtHalfAtMost25ms: summary.smallBatchP99MsAtHalf <= 25 } : {}),
  };
  results.summary = summary;
  results.finishedAt = new Date().toISOString();
  results.machine.loadavgAtEnd = os.loadavg();
  const out = path.join(RESULTS_DIR, `message-log-${STAMP}.json`);
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`raw figures: ${path.relative(ROOT, out)}`);
  log(
    `targets: ${Object.entries(summary.targets)
      .map(([k, v]) => `${k}=${v ? 'met' : 'NOT MET'}`)
      .join(' ')}`,
  );
  return summary;
}

// ---------------------------------------------------------------- lifecycle

const cleanups = [];
async function cleanup() {
  await stopAll();
  for (const fn of cleanups.splice(0).reverse()) await fn();
  rmSync(TMP, { recursive: true, force: true });
  agent.destroy();
}

const deadline = setTimeout(async () => {
  log(`time limit of ${CFG.timeoutS} s reached: stopping`);
  finished = true;
  await cleanup();
  process.exit(2);
}, CFG.timeoutS * 1000);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (finished) return;
    finished = true;
    log(`${signal}: stopping`);
    await cleanup();
    process.exit(130);
  });
}

try {
  const s = await main();
  finished = true;
  await cleanup();
  clearTimeout(deadline);
  const f = (x, d) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
  console.log(
    `ratio=${f(s.ratio, 3)} hub_rps=${Math.round(s.hubRps)} copy_rps=${Math.round(s.copyRps)} ` +
      `copy_keys_rps=${s.copyKeysRps ? Math.round(s.copyKeysRps) : 'n/a'} hub_cpu_us_per_rec=${f(s.hubCpuUsPerRecord, 1)} ` +
      (s.relayRps
        ? `relay_ratio=${f(s.relayRatio, 3)} relay_rps=${Math.round(s.relayRps)} relay_cpu_us_per_rec=${f(s.relayCpuUsPerRecord, 1)} `
        : '') +
      `pg_cpu_us_per_rec=${f(s.pgCpuUsPerRecordHub, 1)} copy_pg_cpu_us_per_rec=${f(s.pgCpuUsPerRecordCopy, 1)} ` +
      `stmts_per_batch=${f(s.statementsPerBatch, 1)} batch_p99_ms_at_half=${f(s.batchP99MsAtHalf, 1)} ` +
      `copy_batch_p99_ms_at_half=${f(s.copyBatchP99MsAtHalf, 1)} ` +
      (s.relayRps ? `relay_batch_p99_ms_at_half=${f(s.relayBatchP99MsAtHalf, 1)} ` : '') +
      `half_rate_batches_s=${f(s.offeredBatchesPerSAtHalf, 2)}` +
      (s.smallBatch
        ? ` small_batch=${s.smallBatch} small_ratio=${f(s.smallBatchRatio, 3)} small_batch_p99_ms_at_half=${f(s.smallBatchP99MsAtHalf, 1)} ` +
          `small_copy_batch_p99_ms_at_half=${f(s.smallCopyBatchP99MsAtHalf, 1)} ` +
          (s.relayRps ? `small_relay_batch_p99_ms_at_half=${f(s.smallRelayBatchP99MsAtHalf, 1)} ` : '') +
          `small_half_rate_batches_s=${f(s.smallBatchOfferedPerSAtHalf, 2)}`
        : '') +
      (CFG.pgCore === null ? '' : ` pg_core=${CFG.pgCore}`),
  );
} catch (error) {
  finished = true;
  log(`FAILED: ${error?.stack ?? error}`);
  await cleanup();
  clearTimeout(deadline);
  process.exit(1);
}
