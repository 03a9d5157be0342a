#!/usr/bin/env node
// Benchmark of GET /.well-known/pres-im-provisioning/{domain} for an authenticated requestor
// (per-requestor view, 1,000 members) against an in-run baseline: a bare Fastify server
// returning the very same bytes. Method, figures and discussion:
// docs/benchmarks.md.
//
//   npm run build && npm run bench:provisioning
//
// Steps: fresh database → built hub pinned to core 0 (with probe.mjs counting its SQL) →
// 1,000 members seeded over the admin and member APIs (a document each; the target stores
// per-peer overrides, one for the benchmarked requestor) → exact response bytes captured →
// bare Fastify on core 0 serving them → autocannon on core 1 (load.mjs): warm-up, interleaved
// hub/bare rounds with server CPU from /proc and the database's transaction count, fixed-rate
// runs at 50% of the hub's maximum → cache invalidation check → (if perf exists) CPU profile
// of both servers by category (perf-profile.mjs) → JSON in bench/results/, summary line last.
//
// Environment (all optional): BENCH_MEMBERS=1000 BENCH_DURATION_S=10
// BENCH_ROUNDS=5 BENCH_WARMUP_S=5 BENCH_CONNECTIONS=10 BENCH_SEED_CONCURRENCY=16 BENCH_OVERRIDES=10
// BENCH_LOG_LEVEL=warn BENCH_PROFILE=1 (0: no profile) BENCH_TIMEOUT_S=1500
// BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_REDIS_URL=redis://127.0.0.1:6379
// BENCH_DB=hub_bench_provisioning BENCH_KEEP_DB=0 BENCH_SEED_CORES=0,1
// BENCH_HUB_MAIN=dist/apps/hub/apps/hub/src/main.js (to measure another build of the hub)
// BENCH_HUB_NODE_ARGS="--trace-gc" (node flags for the hub, after its own: scripts/hub-node-flags.mjs) BENCH_HUB_LOG=<file> (its output)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, rmSync, mkdtempSync, statSync } from 'node:fs';
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
  HAS_TASKSET,
  hubNodeFlags,
  ipcRequest,
  machineTimes,
  memberDocument,
  pool,
  request,
  seedMember,
  stopChild,
  threadAffinities,
  waitForHttp,
} from '../lib/harness.mjs';
import { cleanPerfMap, summarizePerf } from './perf-profile.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
process.chdir(ROOT);

const env = process.env;
const int = (name, dflt) => (env[name] === undefined || env[name] === '' ? dflt : Number.parseInt(env[name], 10));
const CFG = {
  members: int('BENCH_MEMBERS', 1000),
  rounds: Math.max(3, int('BENCH_ROUNDS', 5)),
  durationS: int('BENCH_DURATION_S', 10),
  warmupS: int('BENCH_WARMUP_S', 5),
  connections: int('BENCH_CONNECTIONS', 10),
  pipelining: 1,
  seedConcurrency: int('BENCH_SEED_CONCURRENCY', 16),
  overrides: int('BENCH_OVERRIDES', 10),
  logLevel: env.BENCH_LOG_LEVEL || 'warn',
  profile: env.BENCH_PROFILE !== '0',
  timeoutS: int('BENCH_TIMEOUT_S', 1500),
  pgAdminUrl: env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379',
  database: env.BENCH_DB || 'hub_bench_provisioning',
  keepDb: env.BENCH_KEEP_DB === '1',
  hubDomain: 'hub.bench.example',
  serverCore: '0',
  loadCore: '1',
};
const HUB_MAIN = env.BENCH_HUB_MAIN || 'dist/apps/hub/apps/hub/src/main.js';
const PROBE = pathToFileURL(path.join(HERE, 'probe.mjs')).href;
const RESULTS_DIR = path.join(ROOT, 'bench/results');
const STAMP = new Date().toISOString().replace(/[:.]/g, '-');
const TMP = mkdtempSync(path.join(os.tmpdir(), 'bench-provisioning-'));
const REDIS_PREFIX = `bench-prov-${process.pid}-${Date.now().toString(36)}`;
const OPERATOR_TOKEN = `hubop_bench_${randomBytes(24).toString('base64url')}`;

const log = (...args) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);
let finished = false;

// ---------------------------------------------------------------- process & child helpers

const { startChild, setAffinity, stopAll } = childProcesses({ cwd: ROOT, env });
const SEED_CORES = env.BENCH_SEED_CORES || '0,1';

const cpuMicros = (pid) => {
  const t = cpuTimes(pid);
  return t.user + t.system;
};

/** Which code was measured: the commit, whether sources differ from it, when dist was built. */
function buildInfo() {
  const git = (...args) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
    } catch {
      return undefined;
    }
  };
  const dirty = git('status', '--porcelain', '--', 'apps', 'libs', 'migrations');
  let autocannonVersion;
  try {
    autocannonVersion = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/autocannon/package.json'), 'utf8')).version;
  } catch {
    autocannonVersion = undefined;
  }
  return {
    hubMain: HUB_MAIN,
    hubMainBuiltAt: existsSync(HUB_MAIN) ? statSync(HUB_MAIN).mtime.toISOString() : undefined,
    commit: git('rev-parse', 'HEAD'),
    sourcesDifferFromCommit: dirty ? dirty.split('\n').length : 0,
    autocannon: autocannonVersion,
  };
}

// ---------------------------------------------------------------- HTTP helpers

// ---------------------------------------------------------------- documents

const memberDomain = (i) => `m${String(i).padStart(4, '0')}.bench.example`;

/** The per-requestor override: a different edge proxy for one peer (JSON Merge Patch). */
const overrideFor = (domain, peer) => ({
  connectivity: {
    dnsNames: { dnsName: [{ service: 'any', protocol: 'sip', value: `edge-for-${peer.split('.')[0]}.${domain}` }] },
  },
});

// ---------------------------------------------------------------- load generation

async function runLoad(port, pathName, token, { durationS, overallRate, recordLatencies, serverPid }) {
  const spec = {
    url: `http://127.0.0.1:${port}${pathName}`,
    connections: CFG.connections,
    pipelining: CFG.pipelining,
    duration: durationS,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    overallRate,
    recordLatencies,
  };
  const cpuBefore = cpuTimes(serverPid);
  const coresBefore = machineTimes();
  const wallBefore = process.hrtime.bigint();
  const child = startChild('autocannon', CFG.loadCore, [process.execPath, path.join(HERE, 'load.mjs'), JSON.stringify(spec)]);
  const out = [];
  child.stdout.on('data', (c) => out.push(c));
  const { code } = await Promise.race([
    child.exited,
    sleep((durationS + 30) * 1000).then(async () => {
      await stopChild(child, 1000);
      return { code: 'timeout' };
    }),
  ]);
  const cpuAfter = cpuTimes(serverPid);
  const coresAfter = machineTimes();
  const cpuUs = cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system;
  const wallS = Number(process.hrtime.bigint() - wallBefore) / 1e9;
  if (code !== 0) throw new Error(`autocannon failed (${code}):\n${child.tail.slice(-20).join('\n')}`);
  const result = JSON.parse(Buffer.concat(out).toString().trim().split('\n').pop());
  if (result.non2xx || result.errors || result.timeouts) {
    throw new Error(`unexpected responses against :${port}: ${JSON.stringify(result.statusCodeStats)} errors=${result.errors}`);
  }
  result.serverCpuUs = cpuUs;
  result.serverCpuUsPerRequest = cpuUs / result.requests;
  result.serverUserUsPerRequest = (cpuAfter.user - cpuBefore.user) / result.requests;
  result.serverSystemUsPerRequest = (cpuAfter.system - cpuBefore.system) / result.requests;
  result.serverCpuUtil = cpuUs / 1e6 / wallS;
  // the server core's busy time not spent by the server (other tenants, PostgreSQL, kernel
  // threads…), and hypervisor steal, as fractions of the run: a quality indicator of the round
  const core = (id) => {
    const a = coresAfter[id];
    const b = coresBefore[id];
    if (!a || !b) return undefined;
    const busyS = (a.busy - b.busy) / CLK_TCK;
    return { busy: busyS / wallS, steal: (a.steal - b.steal) / CLK_TCK / wallS };
  };
  const serverCore = core(CFG.serverCore);
  result.serverCoreOtherLoad = serverCore ? Math.max(0, serverCore.busy - result.serverCpuUtil) : undefined;
  result.serverCoreSteal = serverCore?.steal;
  return result;
}

// ---------------------------------------------------------------- database probes

/** Transactions committed or rolled back in the benchmark database (cumulative, as flushed). */
async function dbTransactions(admin) {
  const { rows } = await admin.query(
    'SELECT coalesce(sum(xact_commit + xact_rollback), 0)::bigint AS n FROM pg_stat_database WHERE datname = $1',
    [CFG.database],
  );
  return Number(rows[0].n);
}

/** Sequential + index scans per table of the benchmark database (cumulative). */
async function dbTableScans(db) {
  const { rows } = await db.query(
    `SELECT relname, coalesce(seq_scan,0) + coalesce(idx_scan,0) AS scans FROM pg_stat_user_tables ORDER BY relname`,
  );
  return Object.fromEntries(rows.map((r) => [r.relname, Number(r.scans)]));
}

const diffCounts = (after, before) => {
  const out = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0)) out[k] = v - (before[k] ?? 0);
  return out;
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x, digits = 2) => (x === undefined || x === null ? x : Number(x.toFixed(digits)));

// ---------------------------------------------------------------- main

async function main() {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(CFG.database))
    throw new Error(`BENCH_DB must be a plain lower-case identifier, not '${CFG.database}'`);
  if (!existsSync(HUB_MAIN)) throw new Error(`${HUB_MAIN} not found: run npm run build first`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  if (!HAS_TASKSET) log('WARNING: taskset unavailable or fewer than 2 cores: running unpinned');
  const startedAt = new Date();
  const results = {
    benchmark: 'provisioning',
    startedAt: startedAt.toISOString(),
    config: { ...CFG, pinned: HAS_TASKSET, clkTck: CLK_TCK },
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      loadavgAtStart: os.loadavg(),
      node: process.version,
      kernel: os.release(),
      totalMemGiB: round(os.totalmem() / 2 ** 30, 1),
    },
    build: buildInfo(),
  };

  // 1. fresh database
  const admin = new pg.Client({ connectionString: CFG.pgAdminUrl, application_name: 'bench-provisioning' });
  await admin.connect();
  cleanups.push(() => admin.end().catch(() => undefined));
  await admin.query(`DROP DATABASE IF EXISTS ${CFG.database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${CFG.database}`);
  if (!CFG.keepDb)
    cleanups.push(() => admin.query(`DROP DATABASE IF EXISTS ${CFG.database} WITH (FORCE)`).catch(() => undefined));
  const dbUrl = new URL(CFG.pgAdminUrl);
  dbUrl.pathname = `/${CFG.database}`;
  results.machine.postgres = (await admin.query('SHOW server_version')).rows[0].server_version;
  cleanups.push(() => deleteRedisKeys(CFG.redisUrl, REDIS_PREFIX));

  // 2. the hub, pinned to the server core, with the query-counting probe
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
  };
  log(`starting hub on :${hubPort} (core ${CFG.serverCore}, HUB_LOG_LEVEL=${CFG.logLevel}, db ${CFG.database})`);
  // with a profile to take, both servers run with --perf-basic-prof (a symbol map for perf,
  // written when code is compiled: nothing per request), so that the profiled processes are
  // the measured ones
  const PERF_FLAGS = CFG.profile && HAS_PERF ? ['--perf-basic-prof'] : [];
  results.hubNodeFlags = hubNodeFlags(env);
  const hub = startChild(
    'hub',
    CFG.serverCore,
    [process.execPath, ...PERF_FLAGS, ...results.hubNodeFlags, '--import', PROBE, HUB_MAIN],
    {
      env: { ...hubEnv, BENCH_PROBE_MAIN: path.resolve(HUB_MAIN) },
      ipc: true,
      logFile: env.BENCH_HUB_LOG,
    },
  );
  await waitForHttp(hubPort, '/health/live', hub, 90_000);
  const db = new pg.Client({ connectionString: dbUrl.toString(), application_name: 'bench-provisioning-stats' });
  await db.connect();
  cleanups.push(() => db.end().catch(() => undefined));

  // 3. seed: N active members, each approved over the admin API and publishing a document.
  // Publishing validates every document with xmllint-wasm in worker threads (~100 ms of CPU
  // each): the hub may use both cores while seeding, and is pinned back to its core (all
  // threads) before anything is measured.
  setAffinity(hub.pid, SEED_CORES);
  const seedStart = Date.now();
  let seeded = 0;
  const domains = Array.from({ length: CFG.members }, (_, i) => memberDomain(i));
  const tokens = await pool(domains, CFG.seedConcurrency, async (domain) => {
    const document = memberDocument(domain, { hubDomain: CFG.hubDomain });
    const token = await seedMember(hubPort, OPERATOR_TOKEN, { domain, protocols: ['sip'], document });
    if (++seeded % 100 === 0) log(`  ${seeded} members published`);
    return token;
  });
  const publishedS = (Date.now() - seedStart) / 1000;
  // the target of the benchmarked request (the middle member) stores overrides for its next
  // CFG.overrides neighbours, the first of which is the benchmarked requestor
  const targetIndex = Math.floor(CFG.members / 2);
  const overridePeers = Array.from(
    { length: Math.min(CFG.overrides, CFG.members - 1) },
    (_, k) => domains[(targetIndex + 1 + k) % CFG.members],
  );
  await pool(overridePeers, CFG.seedConcurrency, async (peer) => {
    const domain = domains[targetIndex];
    await api(
      hubPort,
      'PUT',
      `/v1/provisioning/overrides/${peer}`,
      { token: tokens[targetIndex], body: overrideFor(domain, peer) },
      [200, 201],
    );
  });
  results.seed = {
    members: CFG.members,
    overrides: overridePeers.length,
    seconds: round((Date.now() - seedStart) / 1000, 1),
    publishSeconds: round(publishedS, 1),
    cores: SEED_CORES,
  };
  setAffinity(hub.pid, CFG.serverCore);
  log(`seeded ${CFG.members} members with documents and overrides in ${results.seed.seconds} s`);

  // 4. the benchmarked request: member T's document as seen by member R (T has an override for R)
  const target = domains[targetIndex];
  const requestor = domains[(targetIndex + 1) % CFG.members];
  const requestorToken = tokens[(targetIndex + 1) % CFG.members];
  const benchPath = `/.well-known/pres-im-provisioning/${target}`;
  const first = await request(hubPort, 'GET', benchPath, { token: requestorToken });
  const second = await request(hubPort, 'GET', benchPath, { token: requestorToken });
  const other = await request(hubPort, 'GET', benchPath, { token: tokens[(targetIndex + 2) % CFG.members] });
  const anonymous = await request(hubPort, 'GET', benchPath);
  const body = first.raw.toString();
  const expectedEdge = overrideFor(target, requestor).connectivity.dnsNames.dnsName[0].value;
  const checks = {
    status200: first.status === 200,
    forRequestor: body.includes(`for="${requestor}"`),
    overrideApplied: body.includes(expectedEdge),
    membershipHidden: !body.includes('clearingHouseMembership') && !body.includes('clearing-house-membership'),
    stableBytes: first.raw.equals(second.raw) && first.headers.etag === second.headers.etag,
    differsForOtherRequestor: other.status === 200 && !other.raw.equals(first.raw) && other.headers.etag !== first.headers.etag,
    differsForAnonymous: anonymous.status === 200 && !anonymous.raw.equals(first.raw),
  };
  results.request = {
    method: 'GET',
    path: benchPath,
    requestor,
    target,
    bodyBytes: first.raw.length,
    hubHeaders: first.headers,
    checks,
  };
  if (!Object.values(checks).every(Boolean)) {
    throw new Error(`the benchmarked view is not what it should be: ${JSON.stringify(checks)}\n${body}`);
  }
  writeFileSync(path.join(TMP, 'body.bin'), first.raw);
  const copied = ['content-type', 'etag', 'vary', 'cache-control'];
  const bareHeaders = Object.fromEntries(copied.filter((h) => first.headers[h] !== undefined).map((h) => [h, first.headers[h]]));
  log(`benchmarked request: GET ${benchPath} as ${requestor} → ${first.raw.length} bytes, ETag ${first.headers.etag}`);

  // 5. the baseline: bare Fastify serving the same bytes and content headers, same core
  const barePort = await freePort();
  const bareSpec = path.join(TMP, 'bare.json');
  writeFileSync(bareSpec, JSON.stringify({ port: barePort, bodyFile: path.join(TMP, 'body.bin'), headers: bareHeaders }));
  const bare = startChild('bare-fastify', CFG.serverCore, [
    process.execPath,
    ...PERF_FLAGS,
    path.join(HERE, 'bare-server.mjs'),
    bareSpec,
  ]);
  cleanups.push(() => {
    for (const c of [hub, bare]) rmSync(`/tmp/perf-${c.pid}.map`, { force: true });
  });
  await waitForHttp(barePort, benchPath, bare, 30_000);
  const bareRes = await request(barePort, 'GET', benchPath, { token: requestorToken });
  if (!bareRes.raw.equals(first.raw)) throw new Error('the bare server does not return the same bytes');
  results.request.bareHeaders = bareRes.headers;

  results.pinning = {
    hub: threadAffinities(hub.pid),
    bare: threadAffinities(bare.pid),
    loadGenerator: CFG.loadCore,
    hubThreads: readdirSync(`/proc/${hub.pid}/task`).length,
  };
  log(
    `pinning: hub threads on ${results.pinning.hub.join('|')}, bare on ${results.pinning.bare.join('|')}, autocannon on ${CFG.loadCore}`,
  );

  const targets = {
    hub: { port: hubPort, pid: hub.pid, token: requestorToken },
    base: { port: barePort, pid: bare.pid, token: requestorToken },
  };
  const load = (which, opts) =>
    runLoad(targets[which].port, benchPath, targets[which].token, { ...opts, serverPid: targets[which].pid });

  // 6. warm-up both (JIT, caches, connection setup)
  log(`warm-up ${CFG.warmupS} s each`);
  results.warmup = { hub: await load('hub', { durationS: CFG.warmupS }), base: await load('base', { durationS: CFG.warmupS }) };

  // DB stats of the idle backends are flushed by PostgreSQL within ~10 s of idleness: wait, then
  // measure the hub's background transaction rate over an idle window of one round's length
  await sleep(11_000);
  const idle = {
    t0: Date.now(),
    tx0: await dbTransactions(admin),
    q0: (await ipcRequest(hub, { type: 'queries' }, 'queries')).byStatement,
    cpu0: cpuMicros(hub.pid),
  };
  await sleep(CFG.durationS * 1000);
  await sleep(1500);
  const idleTx = (await dbTransactions(admin)) - idle.tx0;
  const idleQ = diffCounts((await ipcRequest(hub, { type: 'queries' }, 'queries')).byStatement, idle.q0);
  const idleS = (Date.now() - idle.t0) / 1000;
  results.idle = {
    seconds: round(idleS, 1),
    dbTransactions: idleTx,
    hubStatements: idleQ,
    hubCpuUtil: round((cpuMicros(hub.pid) - idle.cpu0) / 1e6 / idleS, 4),
  };

  // 7. interleaved rounds (the order alternates each round: H B, B H, H B, …)
  const rounds = [];
  const scans0 = await dbTableScans(db);
  for (let r = 0; r < CFG.rounds; r++) {
    const order = r % 2 === 0 ? ['hub', 'base'] : ['base', 'hub'];
    const entry = { round: r + 1, order };
    for (const which of order) {
      if (which === 'hub') {
        const tx0 = await dbTransactions(admin);
        const q0 = (await ipcRequest(hub, { type: 'queries' }, 'queries')).byStatement;
        const t0 = Date.now();
        const res = await load('hub', { durationS: CFG.durationS });
        await sleep(1500); // let this round's stats reach pg_stat_database
        const windowS = (Date.now() - t0) / 1000;
        const txDelta = (await dbTransactions(admin)) - tx0;
        const statements = diffCounts((await ipcRequest(hub, { type: 'queries' }, 'queries')).byStatement, q0);
        const statementCount = Object.values(statements).reduce((a, b) => a + b, 0);
        res.memory = await ipcRequest(hub, { type: 'memory' }, 'memory');
        const idleStatementRate = Object.values(idleQ).reduce((a, b) => a + b, 0) / idleS;
        res.db = {
          windowS: round(windowS, 2),
          transactions: txDelta,
          transactionsNetOfIdle: txDelta - (idleTx / idleS) * windowS,
          hubStatements: statements,
          hubStatementsNetOfIdle: statementCount - idleStatementRate * windowS,
        };
        entry.hub = res;
      } else {
        entry.base = await load('base', { durationS: CFG.durationS });
      }
    }
    entry.ratio = entry.hub.rps / entry.base.rps;
    entry.cpuRatio = entry.hub.serverCpuUsPerRequest / entry.base.serverCpuUsPerRequest;
    log(
      `round ${r + 1}: hub ${Math.round(entry.hub.rps)} rps ${round(entry.hub.serverCpuUsPerRequest, 1)} µs/req p99 ${entry.hub.latencyMs.p99} ms | ` +
        `bare ${Math.round(entry.base.rps)} rps ${round(entry.base.serverCpuUsPerRequest, 1)} µs/req p99 ${entry.base.latencyMs.p99} ms | ` +
        `ratio ${round(entry.ratio, 3)} cpu×${round(entry.cpuRatio, 3)} | load-gen CPU ${round(entry.hub.loadGenCpuUtil, 2)}/${round(entry.base.loadGenCpuUtil, 2)} | ` +
        `other load on core ${CFG.serverCore} ${round(entry.hub.serverCoreOtherLoad, 2)}/${round(entry.base.serverCoreOtherLoad, 2)} | ` +
        `hub heap ${entry.hub.memory.heapUsedMiB}/${entry.hub.memory.heapTotalMiB} MiB rss ${entry.hub.memory.rssMiB} MiB`,
    );
    rounds.push(entry);
  }
  const scans1 = await dbTableScans(db);
  results.rounds = rounds;

  // 8. fixed offered rate at 50% of the hub's measured maximum (H B H B H)
  const hubRps = median(rounds.map((r) => r.hub.rps));
  const baseRps = median(rounds.map((r) => r.base.rps));
  const halfRate = Math.max(1, Math.round(hubRps / 2));
  log(`fixed rate ${halfRate} req/s (50% of the hub's ${Math.round(hubRps)})`);
  const fixed = { offeredRate: halfRate, hub: [], base: [] };
  for (const which of ['hub', 'base', 'hub', 'base', 'hub']) {
    const res = await load(which, { durationS: CFG.durationS, overallRate: halfRate, recordLatencies: true });
    fixed[which].push(res);
    log(
      `  ${which}: ${Math.round(res.rps)} req/s p50 ${res.latencyMs.p50} p99 ${res.latencyMs.p99} p99.9 ${res.latencyMs.p99_9} max ${res.latencyMs.max} ms ` +
        `(10 µs histogram: p99 ${res.rawLatencyMs.p99} ms) ${round(res.serverCpuUsPerRequest, 1)} µs/req`,
    );
  }
  results.fixedRate = fixed;

  // 10. functional check of the cache after the measurements: a change of the override
  // invalidates the view, the next request is a miss (its queries counted), then hits again
  {
    const q0 = (await ipcRequest(hub, { type: 'queries' }, 'queries')).byStatement;
    const before = await request(hubPort, 'GET', benchPath, { token: requestorToken });
    const q1 = (await ipcRequest(hub, { type: 'queries' }, 'queries')).byStatement;
    const changed = {
      connectivity: { dnsNames: { dnsName: [{ service: 'any', protocol: 'sip', value: `edge-changed.${target}` }] } },
    };
    await api(
      hubPort,
      'PUT',
      `/v1/provisioning/overrides/${requestor}`,
      { token: tokens[targetIndex], body: changed },
      [200, 201],
    );
    await sleep(1000); // let the work the change starts in the background (notifications) settle
    const q2 = (await ipcRequest(hub, { type: 'queries' }, 'queries')).byStatement;
    const missStarted = process.hrtime.bigint();
    const miss = await request(hubPort, 'GET', benchPath, { token: requestorToken });
    const missMs = Number(process.hrtime.bigint() - missStarted) / 1e6;
    const q3 = (await ipcRequest(hub, { type: 'queries' }, 'queries')).byStatement;
    const hit = await request(hubPort, 'GET', benchPath, { token: requestorToken });
    const q4 = (await ipcRequest(hub, { type: 'queries' }, 'queries')).byStatement;
    results.cacheCheck = {
      hitStatementsBeforeChange: diffCounts(q1, q0),
      invalidatedByOverrideChange:
        miss.headers.etag !== before.headers.etag && miss.raw.toString().includes(`edge-changed.${target}`),
      missStatements: diffCounts(q3, q2),
      missMs: round(missMs, 2),
      hitStatementsAfterMiss: diffCounts(q4, q3),
      hitSameBytesAsMiss: hit.raw.equals(miss.raw),
    };
  }

  // 11. optional: where the CPU time goes, hub and bare side by side (Linux perf, see
  // perf-profile.mjs), in one more loaded run of each measured server.
  if (CFG.profile && HAS_PERF) {
    try {
      await profileBoth();
    } catch (error) {
      results.profile = { failed: String(error?.message ?? error) };
      log(`profile phase failed (the measurements above stand): ${results.profile.failed}`);
    }
  } else if (CFG.profile) {
    results.profile = { skipped: 'perf is not available' };
  }
  async function profileBoth() {
    results.profile = {
      method: 'perf record -F 999 -g -p <pid> (cpu-clock) on the measured servers, started with node --perf-basic-prof',
    };
    for (const [which, child] of [
      ['hub', hub],
      ['base', bare],
    ]) {
      const perfFile = path.join(TMP, `perf.${which}.data`);
      const loading = load(which, { durationS: CFG.durationS + 2 });
      await sleep(1000);
      const perf = startChild('perf', CFG.loadCore, [
        'perf',
        'record',
        '-F',
        '999',
        '-g',
        '-o',
        perfFile,
        '-p',
        String(child.pid),
        '--',
        'sleep',
        String(CFG.durationS),
      ]);
      await Promise.race([perf.exited, sleep((CFG.durationS + 20) * 1000)]);
      const res = await loading;
      const symbolMap = cleanPerfMap(child.pid);
      results.profile[which] = {
        rps: res.rps,
        serverCpuUsPerRequest: res.serverCpuUsPerRequest,
        symbolMap,
        ...(await summarizePerf(perfFile, { cpuUsPerRequest: res.serverCpuUsPerRequest, tid: child.pid })),
      };
    }
    const byName = (rows) => Object.fromEntries(rows.map((r) => [r.name, r.usPerRequest]));
    const h = byName(results.profile.hub.selfByCategory);
    const b = byName(results.profile.base.selfByCategory);
    results.profile.hubMinusBaseUsPerRequest = Object.fromEntries(
      [...new Set([...Object.keys(h), ...Object.keys(b)])]
        .map((k) => [k, { hub: h[k] ?? 0, base: b[k] ?? 0, diff: round((h[k] ?? 0) - (b[k] ?? 0), 2) }])
        .sort((x, y) => y[1].diff - x[1].diff),
    );
  }

  // 12. figures
  const hubCpu = median(rounds.map((r) => r.hub.serverCpuUsPerRequest));
  const baseCpu = median(rounds.map((r) => r.base.serverCpuUsPerRequest));
  const hubRequests = rounds.reduce((a, r) => a + r.hub.requests, 0);
  const netTx = rounds.reduce((a, r) => a + r.hub.db.transactionsNetOfIdle, 0);
  const netStatements = rounds.reduce((a, r) => a + r.hub.db.hubStatementsNetOfIdle, 0);
  const hubP99AtHalf = median(fixed.hub.map((r) => r.latencyMs.p99));
  // the headline ratios are medians of the per-round (paired, back-to-back) ratios, which
  // cancel slow drift of the shared machine; the ratio of the medians is kept alongside
  const summary = {
    ratio: median(rounds.map((r) => r.ratio)),
    ratioOfMedians: hubRps / baseRps,
    hubRps,
    baseRps,
    hubCpuUs: hubCpu,
    baseCpuUs: baseCpu,
    cpuRatio: median(rounds.map((r) => r.cpuRatio)),
    cpuRatioOfMedians: hubCpu / baseCpu,
    serverCoreOtherLoadMedian: median(rounds.flatMap((r) => [r.hub.serverCoreOtherLoad, r.base.serverCoreOtherLoad])),
    hubP99MsAtHalf: hubP99AtHalf,
    hubP99MsAtHalfRawHistogram: median(fixed.hub.map((r) => r.rawLatencyMs.p99)),
    baseP99MsAtHalf: median(fixed.base.map((r) => r.latencyMs.p99)),
    hubCpuUsAtHalf: median(fixed.hub.map((r) => r.serverCpuUsPerRequest)),
    baseCpuUsAtHalf: median(fixed.base.map((r) => r.serverCpuUsPerRequest)),
    cpuRatioAtHalf:
      median(fixed.hub.map((r) => r.serverCpuUsPerRequest)) / median(fixed.base.map((r) => r.serverCpuUsPerRequest)),
    offeredRateAtHalf: halfRate,
    dbTxPerReq: Math.max(0, netTx) / hubRequests,
    dbTxDuringHubRounds: rounds.reduce((a, r) => a + r.hub.db.transactions, 0),
    hubStatementsPerReq: Math.max(0, netStatements) / hubRequests,
    hubStatementsDuringHubRounds: rounds.map((r) => r.hub.db.hubStatements),
    tableScansDuringRounds: diffCounts(scans1, scans0),
    hubRequestsMeasured: hubRequests,
    loadGenCpuUtilDrivingBase: median(rounds.map((r) => r.base.loadGenCpuUtil)),
    loadGenCpuUtilDrivingHub: median(rounds.map((r) => r.hub.loadGenCpuUtil)),
    fixedRateAchieved: [...fixed.hub, ...fixed.base].every((r) => r.rps >= 0.95 * halfRate),
    logLevel: CFG.logLevel,
  };
  summary.targets = {
    rpsAtLeast85PercentOfBare: summary.ratio >= 0.85,
    cpuPerRequestAtMost1_2xBare: summary.cpuRatio <= 1.2,
    p99AtHalfMaxAtMost5ms: summary.hubP99MsAtHalf <= 5,
    noDbQueryOnCacheHit: summary.hubStatementsPerReq < 0.001 && summary.dbTxPerReq < 0.001,
  };
  results.summary = summary;
  results.finishedAt = new Date().toISOString();
  results.machine.loadavgAtEnd = os.loadavg();
  const out = path.join(RESULTS_DIR, `provisioning-${STAMP}.json`);
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`raw figures: ${path.relative(ROOT, out)}`);
  if (summary.loadGenCpuUtilDrivingBase > 0.85) {
    log(
      `note: autocannon used ${round(summary.loadGenCpuUtilDrivingBase * 100, 0)}% of its core against the bare server: base_rps may be capped by the load generator (ratio then flatters the hub); cpu_ratio is not affected`,
    );
  }
  log(
    `targets: ${Object.entries(summary.targets)
      .map(([k, v]) => `${k}=${v ? 'met' : 'NOT MET'}`)
      .join(' ')}`,
  );
  if (results.profile?.hubMinusBaseUsPerRequest) {
    const p = results.profile;
    log(
      `perf profile (CPU µs per request by category; profiled run: hub ${round(p.hub.serverCpuUsPerRequest, 1)}, bare ${round(p.base.serverCpuUsPerRequest, 1)}):`,
    );
    log(`  ${'category'.padEnd(70)}     hub    bare  hub-bare`);
    for (const [k, v] of Object.entries(p.hubMinusBaseUsPerRequest)) {
      if (Math.abs(v.diff) < 0.15 && v.hub < 0.15) continue;
      log(
        `  ${k.slice(0, 70).padEnd(70)} ${String(v.hub).padStart(7)} ${String(v.base).padStart(7)} ${String(v.diff).padStart(9)}`,
      );
    }
  }
  return summary;
}

// ---------------------------------------------------------------- lifecycle

const cleanups = [];
async function cleanup() {
  await stopAll();
  // last registered first: the database is dropped before the admin connection closes
  for (const fn of cleanups.splice(0).reverse()) await fn();
  rmSync(TMP, { recursive: true, force: true });
  agent.destroy();
}

const deadline = setTimeout(async () => {
  log(`time limit of ${CFG.timeoutS} s reached: stopping`);
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
    `ratio=${f(s.ratio, 3)} hub_rps=${Math.round(s.hubRps)} base_rps=${Math.round(s.baseRps)} ` +
      `hub_cpu_us=${f(s.hubCpuUs, 1)} base_cpu_us=${f(s.baseCpuUs, 1)} cpu_ratio=${f(s.cpuRatio, 3)} ` +
      `hub_p99_ms_at_half=${f(s.hubP99MsAtHalf, 2)} db_tx_per_req=${f(s.dbTxPerReq, 5)}`,
  );
} catch (error) {
  finished = true;
  log(`FAILED: ${error?.stack ?? error}`);
  await cleanup();
  clearTimeout(deadline);
  process.exit(1);
}
