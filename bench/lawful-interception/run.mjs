#!/usr/bin/env node
// Benchmark of lawful-interception matching: message-log ingest and chat fan-out with lawful
// interception enabled and 0 active tasks, against the same traffic with 10,000 active tasks none
// of which matches, and with 10,000 tasks that match 1 % of the messages, in one run (arms
// interleaved, order alternating per round). Method, figures and decision: docs/benchmarks.md.
//
//   npm run bench:lawful-interception     (builds first if dist is missing; BENCH_BUILD=1 always)
//
// One hub and one worker (built dist, NODE_ENV=development for loopback receivers), chat gateways
// and the agency's destination as local HTTP receivers answering 204 (bench/chat-fanout/receivers.mjs).
// Tasks are written straight into li_tasks / li_task_targets (sealed and indexed exactly as the hub
// does: tasks.mjs), since provisioning 10,000 tasks over X1 is not what is measured.
//
// Per arm, end to end: a message is done when it is committed, its post-processing jobs have
// receipts (statistics or chat log and push, and the interception matching job) and the records
// it produced reached the agency. Throughput = messages / (last done - first sent); the ingest
// p99 is the latency of POST /v1/message-log as the member sees it.
//
// Environment (all optional): BENCH_TASKS=10000 BENCH_MATCH_PERCENT=1 BENCH_RECORDS=50000
// BENCH_BATCH=500 BENCH_CONCURRENCY=4 BENCH_ORIGINS=4 BENCH_CHAT_MESSAGES=1000 BENCH_CHAT_ROOMS=4
// BENCH_ROOM_SIZE=20 (plus one room holding the targeted user, which gets 1 % of the messages) BENCH_ROUNDS=3 BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres
// BENCH_REDIS_URL=redis://127.0.0.1:6379 BENCH_DB=hub_bench_li BENCH_LOG_LEVEL=warn BENCH_BUILD=0
// BENCH_PG_CORE=1 (unset: unpinned): every PostgreSQL process on that core for the run, and the hub, worker,
// receivers and this runner on the other cores (the database on a core of its own)
//
// Besides throughput, each arm reports the CPU time the hub and the worker spent per record (or
// per chat message) from the first request until everything was done (/proc): the steadier figure.
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  api,
  childProcesses,
  cpuTimes,
  deleteRedisKeys,
  freePort,
  ipcRequest,
  memberDocument,
  pinPostgres,
  pool,
  request,
  seedMember,
  waitForHttp,
} from '../lib/harness.mjs';
import { generateBatches, originDomain, recipientDomain } from '../message-log/records.mjs';
import { installTasks, removeTasks } from './tasks.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const env = process.env;
const int = (name, dflt) => (env[name] === undefined || env[name] === '' ? dflt : Number.parseInt(env[name], 10));
const CFG = {
  tasks: int('BENCH_TASKS', 10_000),
  matchPercent: Number(env.BENCH_MATCH_PERCENT ?? 1),
  records: int('BENCH_RECORDS', 50_000),
  batchSize: int('BENCH_BATCH', 500),
  concurrency: int('BENCH_CONCURRENCY', 4),
  origins: int('BENCH_ORIGINS', 4),
  recipients: 4,
  chatMessages: int('BENCH_CHAT_MESSAGES', 1000),
  chatRooms: int('BENCH_CHAT_ROOMS', 4),
  roomSize: int('BENCH_ROOM_SIZE', 20),
  networks: 4,
  rounds: Math.max(1, int('BENCH_ROUNDS', 3)),
  pgCore: env.BENCH_PG_CORE || null,
  pgUrl: env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  database: env.BENCH_DB ?? 'hub_bench_li',
  logLevel: env.BENCH_LOG_LEVEL ?? 'warn',
  hubDomain: 'hub.bench.example',
};
const ARMS = (env.BENCH_ARMS ?? 'none,tasks,match').split(',');
const HUB_MAIN = 'dist/apps/hub/apps/hub/src/main.js';
const WORKER_MAIN = 'dist/apps/worker/apps/worker/src/main.js';
const OPERATOR_TOKEN = `bench-operator-${randomBytes(16).toString('hex')}`;
const LI_KEY = randomBytes(32);
const PREFIX = `benchli${randomBytes(3).toString('hex')}`;
// with PostgreSQL on a core of its own, everything else (hub, worker, receivers, this runner) on the other cores
const APP_CORES = CFG.pgCore
  ? Array.from({ length: os.cpus().length }, (_, i) => String(i))
      .filter((c) => c !== CFG.pgCore)
      .join(',')
  : null;
const { pinning, startChild, setAffinity, stopAll } = childProcesses({ cwd: ROOT, pin: APP_CORES !== null && APP_CORES !== '' });
const log = (...a) => console.error(`[lawful-interception ${new Date().toISOString().slice(11, 19)}]`, ...a);
const now = () => performance.now();
const round = (x, d = 3) => (Number.isFinite(x) ? Number(x.toFixed(d)) : x);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

const cleanups = [];
async function cleanup() {
  await stopAll();
  for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
}
process.on('SIGINT', () => cleanup().then(() => process.exit(130)));

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
cleanups.push(async () => agent.destroy());

/** POSTs a pre-serialised JSON body; resolves to [status, ms]. */
function postRaw(port, urlPath, token, body) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: urlPath,
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve([res.statusCode, now() - t0]));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  if (env.BENCH_BUILD === '1' || !existsSync(path.join(ROOT, HUB_MAIN)) || !existsSync(path.join(ROOT, WORKER_MAIN))) {
    log('building');
    execSync('npm run build', { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const admin = new pg.Client({ connectionString: CFG.pgUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${CFG.database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${CFG.database}`);
  cleanups.push(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${CFG.database} WITH (FORCE)`);
    await admin.end();
  });
  cleanups.push(() => deleteRedisKeys(CFG.redisUrl, PREFIX));
  const dbUrl = new URL(CFG.database, CFG.pgUrl.replace(/[^/]*$/, '')).toString();

  // chat gateways of the receiving networks, and one more port: the agency
  const receivers = startChild(
    'receivers',
    APP_CORES,
    [process.execPath, path.join(ROOT, 'bench/chat-fanout/receivers.mjs'), String(CFG.networks + 1)],
    { ipc: true },
  );
  const { ports } = await ipcRequest(receivers, null, 'ports');
  const agencyUrl = `http://127.0.0.1:${ports[CFG.networks]}/li/records`;
  const hubPort = await freePort();
  const appEnv = {
    ...env,
    NODE_ENV: 'development',
    DATABASE_URL: dbUrl,
    REDIS_URL: CFG.redisUrl,
    REDIS_KEY_PREFIX: PREFIX,
    HUB_HOST: '127.0.0.1',
    HUB_PORT: String(hubPort),
    HUB_DOMAIN: CFG.hubDomain,
    HUB_BOOTSTRAP_OPERATOR_TOKEN: OPERATOR_TOKEN,
    HUB_SECRET_KEY: randomBytes(32).toString('hex'),
    HUB_LOG_LEVEL: CFG.logLevel,
    HUB_SIP_ENABLED: 'false',
    HUB_PUBLIC_RATE_LIMIT: '1000000',
    HUB_AUTH_FAILURE_LIMIT: '1000000',
    OUTBOUND_ALLOW_LOOPBACK: 'true',
    LI_SECRET_KEY: LI_KEY.toString('hex'),
    LI_DELIVERY_SCAN_INTERVAL_MS: '200',
    WORKER_HEALTH_PORT: String(await freePort()),
  };
  const hub = startChild('hub', APP_CORES, [process.execPath, HUB_MAIN], { env: appEnv });
  log(`starting hub on :${hubPort} and worker (db ${CFG.database})`);
  await waitForHttp(hubPort, '/health/ready', hub, 120_000);
  const worker = startChild('worker', APP_CORES, [process.execPath, WORKER_MAIN], { env: appEnv });
  await waitForHttp(Number(appEnv.WORKER_HEALTH_PORT), '/health/ready', worker, 120_000);
  if (CFG.pgCore) {
    const pinned = pinPostgres(CFG.pgCore);
    cleanups.push(pinned.restore);
    setAffinity(process.pid, APP_CORES);
    log(
      `PostgreSQL pinned to core ${CFG.pgCore} (${pinned.processes} processes: ${pinned.affinities}); ` +
        (pinning ? `hub, worker, receivers and this runner on ${APP_CORES}` : 'the rest unpinned (no taskset)'),
    );
  }
  /** CPU µs used so far by the hub and by the worker (user + system). */
  const appCpu = () => {
    const total = (t) => (t ? t.user + t.system : Number.NaN);
    return { hub: total(cpuTimes(hub.pid)), worker: total(cpuTimes(worker.pid)) };
  };
  const cpuPer = (before, units) => {
    const after = appCpu();
    return { hubUs: (after.hub - before.hub) / units, workerUs: (after.worker - before.worker) / units };
  };
  const db = new pg.Client({ connectionString: dbUrl, application_name: 'bench-li' });
  await db.connect();
  cleanups.push(() => db.end());

  // members: origins delegating logging (and one of them n-way-chat), recipients with chat gateways
  const member = async (domain, doc) =>
    seedMember(hubPort, OPERATOR_TOKEN, {
      domain,
      protocols: ['sip', 'xmpp'],
      document: memberDocument(domain, { hubDomain: CFG.hubDomain, ...doc }),
    });
  const originTokens = await pool(
    Array.from({ length: CFG.origins }, (_, i) => i),
    2,
    (i) => member(originDomain(i), { delegate: ['logging', 'n-way-chat'] }),
  );
  const gateways = ports.slice(0, CFG.networks).map((port) => `http://127.0.0.1:${port}/chat/events`);
  const recipientTokens = await pool(
    Array.from({ length: CFG.recipients }, (_, i) => i),
    2,
    (i) => member(recipientDomain(i), i < CFG.networks ? { chatDelivery: gateways[i] } : {}),
  );
  log(`${CFG.origins} origins and ${CFG.recipients} receiving networks seeded`);

  // rooms on the first origin, of BENCH_ROOM_SIZE users over the receiving networks; the last one
  // also holds the user the matching arm targets (every message of a room reaches all its users,
  // so a targeted user's room is matched by all its messages: it gets 1 % of them)
  const chatOrigin = originDomain(0);
  const chatTarget = `xmpp:li-chat-target@${chatOrigin}`;
  const room = async (r, withTarget) => {
    const owner = `xmpp:sender${r}@${chatOrigin}`;
    const created = await api(hubPort, 'POST', '/v1/chat/rooms', { token: originTokens[0], body: { owner } }, [201]);
    const join = async (token, user) => {
      await api(
        hubPort,
        'POST',
        `/v1/chat/rooms/${created.id}/invitations`,
        { token: originTokens[0], body: { by: owner, user } },
        [200],
      );
      await api(hubPort, 'POST', `/v1/chat/rooms/${created.id}/join`, { token, body: { user } }, [200]);
    };
    if (withTarget) await join(originTokens[0], chatTarget);
    await pool(
      Array.from({ length: CFG.roomSize - (withTarget ? 2 : 1) }, (_, u) => u),
      4,
      (u) => join(recipientTokens[u % CFG.networks], `xmpp:m${u}-r${r}@${recipientDomain(u % CFG.networks)}`),
    );
    return { ...created, owner };
  };
  const rooms = [];
  for (let r = 0; r < CFG.chatRooms; r++) rooms.push(await room(r, false));
  const targetRoom = await room(CFG.chatRooms, true);
  log(`${rooms.length} rooms of ${CFG.roomSize}`);

  // one destination (the agency); the users the matching arm targets
  const destinationId = await installTasks(db, LI_KEY, { destinationUrl: agencyUrl, tasks: 0, targets: [] });
  const logTargets = Array.from({ length: CFG.origins }, (_, o) => `sip:li-target${o}@${originDomain(o)}`);
  const matchEvery = Math.round(100 / CFG.matchPercent);

  async function setTasks(arm) {
    await removeTasks(db);
    if (arm === 'none') return;
    const targets = arm === 'match' ? [...logTargets, chatTarget] : [];
    await installTasks(db, LI_KEY, { destinationId, tasks: CFG.tasks, targets });
  }

  /** How many LI records have been numbered so far: what an arm produced is the difference. */
  const numbered = async () => (await db.query(`SELECT coalesce(sum(last_seq), 0)::int AS n FROM li_record_streams`)).rows[0].n;

  /**
   * The arm's first outbox id still without its receipt (or null), looking from `from` on: rows
   * below it are settled for good, so each poll starts where the last one stopped and reads only
   * the arm's newest rows, not every row of the run (a count over the growing tables took a few
   * ms of the database's core every 20 ms by the last arms).
   */
  const firstUnsettled = async (from) =>
    (
      await db.query(
        `SELECT min(o.id)::text AS id FROM outbox o
          WHERE o.id >= $1 AND o.queue IN ('message-log', 'chat', 'lawful-interception')
            AND NOT EXISTS (SELECT 1 FROM job_receipts r WHERE r.job_id = 'outbox-' || o.job_key)`,
        [from],
      )
    ).rows[0].id;
  const deliveriesPending = async () =>
    (
      await db.query(
        `SELECT EXISTS (SELECT 1 FROM li_records) AS li,
                EXISTS (SELECT 1 FROM chat_deliveries WHERE delivered_at IS NULL AND network <> $1) AS chat`,
        [chatOrigin],
      )
    ).rows[0];
  const lastOutboxId = async () => (await db.query(`SELECT coalesce(max(id), 0)::text AS id FROM outbox`)).rows[0].id;

  /**
   * Waits until every job and delivery the arm caused is done; when that was seen (ms, bench
   * clock), and when the jobs alone were (everything matched, records perhaps still in delivery).
   * Every job of these queues comes from an outbox row and leaves one receipt; a job that causes
   * further jobs (a chat message's job logs it, and that batch is matched) writes their outbox
   * rows in its receipt's transaction, so once the requests are answered and every outbox row
   * written since the arm began has its receipt, the jobs are done.
   */
  async function settled(outboxFrom) {
    const deadline = Date.now() + 600_000;
    let cursor = outboxFrom;
    let jobsAt;
    for (;;) {
      if (jobsAt === undefined) {
        const unsettled = await firstUnsettled(cursor);
        if (unsettled === null) jobsAt = now();
        else cursor = unsettled;
      }
      if (jobsAt !== undefined) {
        const pending = await deliveriesPending();
        if (!pending.li && !pending.chat) return { at: now(), jobsAt };
      }
      if (Date.now() > deadline) throw new Error(`not settled: outbox row ${cursor} or deliveries pending`);
      await sleep(20);
    }
  }

  /**
   * Between arms: what one arm left behind (dead rows, insert-only partitions due for vacuum,
   * dirty buffers) is cleaned up now, so autovacuum and checkpoints do not run inside the next
   * arm, and every arm starts in the same state whatever ran before it.
   */
  async function quiesce() {
    await db.query('VACUUM (ANALYZE)');
    await db.query('CHECKPOINT');
  }

  let runNo = 0;
  async function ingestRun(arm, records = CFG.records) {
    runNo++;
    const batches = generateBatches({
      batches: records / CFG.batchSize,
      batchSize: CFG.batchSize,
      origins: CFG.origins,
      recipients: CFG.recipients,
      runTag: `li${runNo}`,
    });
    // the same mix in every arm: one record in `matchEvery` is sent by a user the matching arm targets
    let n = 0;
    let owed = 0;
    for (const b of batches) {
      for (const r of b.records) {
        if (n++ % matchEvery === 0) owed++;
        if (owed > 0 && r.direction === 'outbound') {
          r.sender = logTargets[b.origin];
          owed--;
        }
      }
    }
    const bodies = batches.map((b) => ({ token: originTokens[b.origin], body: Buffer.from(JSON.stringify(b.records)) }));
    await quiesce();
    const numberedBefore = await numbered();
    const outboxFrom = await lastOutboxId();
    const latencies = [];
    const cpuBefore = appCpu();
    const start = now();
    await pool(bodies, CFG.concurrency, async ({ token, body }) => {
      const [status, ms] = await postRaw(hubPort, '/v1/message-log', token, body);
      if (status !== 200 && status !== 201) throw new Error(`POST /v1/message-log → ${status}`);
      latencies.push(ms);
    });
    const acked = now();
    const done = await settled(outboxFrom);
    return {
      arm,
      records,
      cpuPerRecord: cpuPer(cpuBefore, records),
      recordsPerS: records / ((done.at - start) / 1000),
      ingestRecordsPerS: records / ((acked - start) / 1000),
      jobsDoneS: (done.jobsAt - start) / 1000,
      settledS: (done.at - start) / 1000,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      liRecordsProduced: (await numbered()) - numberedBefore,
    };
  }

  async function chatRun(arm, messages = CFG.chatMessages) {
    await quiesce();
    const numberedBefore = await numbered();
    const outboxFrom = await lastOutboxId();
    const latencies = [];
    const cpuBefore = appCpu();
    const start = now();
    await pool(
      Array.from({ length: messages }, (_, i) => i),
      CFG.concurrency,
      async (i) => {
        const room = i % matchEvery === 0 ? targetRoom : rooms[i % rooms.length];
        const from = room.owner;
        const t0 = now();
        const res = await request(hubPort, 'POST', `/v1/chat/rooms/${room.id}/messages`, {
          token: originTokens[0],
          body: { from, clientId: randomBytes(8).toString('hex'), body: `message ${i} ${'x'.repeat(80)}` },
        });
        if (res.status !== 201) throw new Error(`chat post → ${res.status}: ${res.raw.toString().slice(0, 200)}`);
        latencies.push(now() - t0);
      },
    );
    const done = await settled(outboxFrom);
    return {
      arm,
      messages,
      cpuPerMessage: cpuPer(cpuBefore, messages),
      messagesPerS: messages / ((done.at - start) / 1000),
      jobsDoneS: (done.jobsAt - start) / 1000,
      settledS: (done.at - start) / 1000,
      postP99: percentile(latencies, 99),
      liRecordsProduced: (await numbered()) - numberedBefore,
    };
  }

  // warm-up: every arm once, a fifth of a run (JIT, connections, buffers, the tasks' index pages)
  log('warm-up');
  for (const arm of ARMS) {
    await setTasks(arm);
    await ingestRun(arm, Math.max(CFG.batchSize, Math.round(CFG.records / 5 / CFG.batchSize) * CFG.batchSize));
    await chatRun(arm, Math.max(10, Math.round(CFG.chatMessages / 5)));
  }
  const rounds = [];
  for (let r = 0; r < CFG.rounds; r++) {
    const order = r % 2 === 0 ? ARMS : [...ARMS].reverse();
    const entry = { round: r + 1, order, ingest: {}, chat: {} };
    for (const arm of order) {
      await setTasks(arm);
      entry.ingest[arm] = await ingestRun(arm);
      entry.chat[arm] = await chatRun(arm);
      const i = entry.ingest[arm];
      const c = entry.chat[arm];
      log(
        `round ${r + 1} ${arm.padEnd(5)}: ingest ${Math.round(i.recordsPerS)} rec/s end to end (acks ${Math.round(i.ingestRecordsPerS)} rec/s, ` +
          `p99 ${round(i.p99, 1)} ms, jobs ${round(i.jobsDoneS, 2)} s, all ${round(i.settledS, 2)} s), LI records ${i.liRecordsProduced} | chat ${round(c.messagesPerS, 1)} msg/s end to end ` +
          `(post p99 ${round(c.postP99, 1)} ms), LI records ${c.liRecordsProduced} | CPU per record hub ${round(i.cpuPerRecord.hubUs, 1)} µs, ` +
          `worker ${round(i.cpuPerRecord.workerUs, 1)} µs; per chat message hub ${Math.round(c.cpuPerMessage.hubUs)} µs, worker ${Math.round(c.cpuPerMessage.workerUs)} µs`,
      );
    }
    rounds.push(entry);
  }
  const med = (f) => median(rounds.map(f));
  const cpuSum = (c) => c.hubUs + c.workerUs;
  const summary = {
    ingestRatioTasks: med((r) => r.ingest.tasks.recordsPerS / r.ingest.none.recordsPerS),
    ingestRatioMatch: med((r) => r.ingest.match.recordsPerS / r.ingest.none.recordsPerS),
    chatRatioTasks: med((r) => r.chat.tasks.messagesPerS / r.chat.none.messagesPerS),
    chatRatioMatch: med((r) => r.chat.match.messagesPerS / r.chat.none.messagesPerS),
    ingestP99MsNone: med((r) => r.ingest.none.p99),
    ingestP99MsTasks: med((r) => r.ingest.tasks.p99),
    ingestP99MsMatch: med((r) => r.ingest.match.p99),
    ingestRpsNone: med((r) => r.ingest.none.recordsPerS),
    // CPU of hub + worker per record, as a ratio to the arm without tasks: what matching costs
    ingestCpuRatioTasks: med((r) => cpuSum(r.ingest.tasks.cpuPerRecord) / cpuSum(r.ingest.none.cpuPerRecord)),
    ingestCpuRatioMatch: med((r) => cpuSum(r.ingest.match.cpuPerRecord) / cpuSum(r.ingest.none.cpuPerRecord)),
    chatCpuRatioTasks: med((r) => cpuSum(r.chat.tasks.cpuPerMessage) / cpuSum(r.chat.none.cpuPerMessage)),
    chatCpuRatioMatch: med((r) => cpuSum(r.chat.match.cpuPerMessage) / cpuSum(r.chat.none.cpuPerMessage)),
    chatMpsNone: med((r) => r.chat.none.messagesPerS),
  };
  summary.targetMet = ['ingestRatioTasks', 'ingestRatioMatch', 'chatRatioTasks', 'chatRatioMatch'].every(
    (k) => summary[k] >= 0.95,
  );
  const results = {
    benchmark: 'lawful-interception',
    config: CFG,
    machine: { cpus: os.cpus().length, node: process.version },
    rounds,
    summary,
  };
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  const out = path.join(ROOT, 'bench/results', `lawful-interception-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`raw figures: ${path.relative(ROOT, out)}`);
  return summary;
}

try {
  const s = await main();
  await cleanup();
  const f = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
  console.log(
    `ingest_ratio_tasks=${f(s.ingestRatioTasks)} ingest_ratio_match=${f(s.ingestRatioMatch)} ` +
      `chat_ratio_tasks=${f(s.chatRatioTasks)} chat_ratio_match=${f(s.chatRatioMatch)} ` +
      `ingest_p99_ms_none=${f(s.ingestP99MsNone, 1)} ingest_p99_ms_tasks=${f(s.ingestP99MsTasks, 1)} ` +
      `ingest_p99_ms_match=${f(s.ingestP99MsMatch, 1)} ingest_rps_none=${Math.round(s.ingestRpsNone)} ` +
      `chat_mps_none=${f(s.chatMpsNone, 1)} ingest_cpu_ratio_tasks=${f(s.ingestCpuRatioTasks)} ` +
      `ingest_cpu_ratio_match=${f(s.ingestCpuRatioMatch)} chat_cpu_ratio_tasks=${f(s.chatCpuRatioTasks)} ` +
      `chat_cpu_ratio_match=${f(s.chatCpuRatioMatch)} target=${s.targetMet ? 'met' : 'NOT MET'}`,
  );
} catch (error) {
  log(`FAILED: ${error?.stack ?? error}`);
  await cleanup();
  process.exit(1);
}
