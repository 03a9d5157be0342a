#!/usr/bin/env node
// Benchmark of hub-hosted chat fan-out: messages posted through the hub's API into rooms of 10,
// 100 and 1,000 participants spread over 10 receiving networks, pushed by the worker to each
// network's gateway (local HTTP receivers that verify nothing, receivers.mjs), against an in-run
// floor arm: a minimal BullMQ → signed HTTP POST loop (floor.mjs) delivering the same payloads to
// the same receivers. Method, figures and decisions: docs/benchmarks.md.
//
//   npm run bench:chat-fanout            (builds first if dist is missing; BENCH_BUILD=1 always)
//
// Per room size: rooms set up over the API (invitations and joins; their events are pushed too,
// then the run waits for the gateways to be drained) → BENCH_ROUNDS rounds, each the hub and the
// floor at maximum rate in alternating order (BENCH_CONCURRENCY posters in a closed loop,
// BENCH_MESSAGES messages, round-robin over the rooms; deliveries/s from the first post to the last
// first-arrival) → both at a fixed offered rate of half the hub's maximum message rate for
// BENCH_FIXED_S seconds (open loop): accept (the 201, or the floor's add resolving) → last
// delivery of that message, p50/p99. One delivery = one event to one network (10 per message).
//
// Environment (all optional): BENCH_SIZES=10,100,1000 BENCH_ROOMS=4 (rooms per size; size 1000:
// half) BENCH_MESSAGES=1500 (size 1000: a third) BENCH_CONCURRENCY=8 BENCH_ROUNDS=3 BENCH_FIXED_S=8
// BENCH_WORKER_NODE_ARGS="--cpu-prof" (node flags for the worker)
// BENCH_FLOOR_CONCURRENCY=20 (2 per network, as the hub's OUTBOUND_CONCURRENCY_PER_DESTINATION)
// BENCH_PG_CORE=1 (unset: unpinned): every PostgreSQL process on that core for the run
// BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_REDIS_URL=redis://127.0.0.1:6379
// BENCH_DB=hub_bench_chat BENCH_LOG_LEVEL=warn BENCH_BUILD=0
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
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
  stopChild,
  waitForHttp,
} from '../lib/harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const env = process.env;
const CFG = {
  sizes: (env.BENCH_SIZES ?? '10,100,1000').split(',').map(Number),
  networks: 10,
  rooms: Number(env.BENCH_ROOMS ?? 4),
  messages: Number(env.BENCH_MESSAGES ?? 1500),
  concurrency: Number(env.BENCH_CONCURRENCY ?? 8),
  rounds: Number(env.BENCH_ROUNDS ?? 3),
  fixedS: Number(env.BENCH_FIXED_S ?? 8),
  floorConcurrency: Number(env.BENCH_FLOOR_CONCURRENCY ?? 20),
  pgCore: env.BENCH_PG_CORE || null,
  pgUrl: env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  database: env.BENCH_DB ?? 'hub_bench_chat',
  logLevel: env.BENCH_LOG_LEVEL ?? 'warn',
  hubDomain: 'hub.bench.example',
};
const HUB_MAIN = 'dist/apps/hub/apps/hub/src/main.js';
const WORKER_MAIN = 'dist/apps/worker/apps/worker/src/main.js';
const OPERATOR_TOKEN = `bench-operator-${randomBytes(16).toString('hex')}`;
const PREFIX = `benchchat${randomBytes(3).toString('hex')}`;
const { startChild, stopAll } = childProcesses({ cwd: ROOT, pin: false });
const log = (...a) => console.log(`[chat-fanout ${new Date().toISOString().slice(11, 19)}]`, ...a);
const now = () => performance.timeOrigin + performance.now();
const round = (x, d = 2) => (Number.isFinite(x) ? Number(x.toFixed(d)) : x);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/** CPU time (user + system) a process has used so far, in ms: what an arm costs, whatever else the machine runs. */
function cpuMsOf(pid) {
  const t = cpuTimes(pid);
  if (!t) throw new Error(`process ${pid} is gone`);
  return (t.user + t.system) / 1000;
}

const cleanups = [];
async function cleanup() {
  await stopAll();
  for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
}
process.on('SIGINT', () => cleanup().then(() => process.exit(130)));

async function main() {
  if (env.BENCH_BUILD === '1' || !existsSync(path.join(ROOT, HUB_MAIN)) || !existsSync(path.join(ROOT, WORKER_MAIN))) {
    log('building');
    execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
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
  if (CFG.pgCore) {
    const pinned = pinPostgres(CFG.pgCore);
    cleanups.push(pinned.restore);
    log(`PostgreSQL pinned to core ${CFG.pgCore} (${pinned.processes} processes)`);
  }

  const receivers = startChild('receivers', null, [process.execPath, path.join(HERE, 'receivers.mjs'), String(CFG.networks)], {
    ipc: true,
  });
  const { ports } = await ipcRequest(receivers, null, 'ports');
  log(`${ports.length} receiving gateways listening`);
  const hubPort = await freePort();
  const appEnv = {
    ...env,
    NODE_ENV: 'development',
    DATABASE_URL: new URL(CFG.database, CFG.pgUrl.replace(/[^/]*$/, '')).toString(),
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
    WORKER_HEALTH_PORT: String(await freePort()),
  };
  const hub = startChild('hub', null, [process.execPath, HUB_MAIN], { env: appEnv });
  log(`starting hub on :${hubPort} and worker (db ${CFG.database})`);
  await waitForHttp(hubPort, '/health/ready', hub, 120_000);
  let worker;
  const startWorker = async () => {
    const flags = (env.BENCH_WORKER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
    worker = startChild('worker', null, [process.execPath, ...flags, WORKER_MAIN], { env: appEnv });
    await waitForHttp(Number(appEnv.WORKER_HEALTH_PORT), '/health/ready', worker, 120_000);
  };
  await startWorker();
  const floorQueue = `${PREFIX}-floor`;
  const floor = startChild(
    'floor',
    null,
    [process.execPath, path.join(HERE, 'floor.mjs'), CFG.redisUrl, floorQueue, String(CFG.floorConcurrency)],
    { ipc: true },
  );
  await ipcRequest(floor, null, 'ready');
  const queue = new Queue(floorQueue, { connection: { url: CFG.redisUrl } });
  cleanups.push(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  // members: one sending network (delegates n-way-chat), ten receiving networks with gateways
  const member = async (domain, doc) => ({
    domain,
    token: await seedMember(hubPort, OPERATOR_TOKEN, {
      domain,
      protocols: ['xmpp'],
      document: memberDocument(domain, { hubDomain: CFG.hubDomain, ...doc }),
    }),
  });
  const sender = await member('sender.bench.example', { delegate: ['n-way-chat'] });
  const gateways = ports.map((port) => `http://127.0.0.1:${port}/chat/events`);
  const networks = await pool(gateways, 4, (gw, i) => member(`r${i}.bench.example`, { chatDelivery: gw }));
  const senderUser = 'xmpp:sender@sender.bench.example';

  async function drained() {
    for (;;) {
      const { items } = await api(hubPort, 'GET', '/admin/v1/chat/destinations', { token: OPERATOR_TOKEN }, [200]);
      // the sending network has no gateway: its deliveries (others' joins) wait for a pull that never comes
      if (items.every((d) => d.mode === 'pull' || d.pending === 0)) return;
      await sleep(200);
    }
  }

  /** Waits until the worker has no chat job left (the message log's copies), so the next arm runs alone. */
  async function workerIdle() {
    for (;;) {
      const { queues } = await api(hubPort, 'GET', '/admin/v1/queues', { token: OPERATOR_TOKEN }, [200]);
      const chat = queues.find((q) => q.name === 'chat');
      const busy = (chat?.counts.waiting ?? 0) + (chat?.counts.active ?? 0) + (chat?.counts.delayed ?? 0);
      if (busy === 0) return;
      await sleep(200);
    }
  }

  async function setUpRooms(size, count) {
    const rooms = [];
    for (let r = 0; r < count; r++) {
      const room = await api(hubPort, 'POST', '/v1/chat/rooms', { token: sender.token, body: { owner: senderUser } }, [201]);
      const users = Array.from({ length: size }, (_, u) => ({
        net: networks[u % CFG.networks],
        user: `xmpp:u${u}-${room.id.slice(0, 4)}@${networks[u % CFG.networks].domain}`,
      }));
      await pool(users, 4, async ({ net, user }) => {
        await api(
          hubPort,
          'POST',
          `/v1/chat/rooms/${room.id}/invitations`,
          { token: sender.token, body: { by: senderUser, user } },
          [200],
        );
        await api(hubPort, 'POST', `/v1/chat/rooms/${room.id}/join`, { token: net.token, body: { user } }, [200]);
      });
      rooms.push(room);
    }
    await drained();
    return rooms;
  }

  /** The floor's payloads: the hub's body shape, with the same recipients per network. */
  function floorJobs(room, seq, size, text) {
    return networks.map((net, i) => {
      const recipients = Array.from({ length: size / CFG.networks }, (_, u) => `xmpp:u${u * CFG.networks + i}@${net.domain}`);
      const deliveryId = `chat-${room.id}-${seq}-${net.domain}`;
      const body = JSON.stringify({
        deliveryId,
        hub: CFG.hubDomain,
        roomId: room.id,
        roomUri: room.uri,
        recipients,
        event: {
          seq,
          kind: 'message',
          actor: senderUser,
          user: null,
          content: { body: text, mediaType: 'text/plain' },
          createdAt: new Date().toISOString(),
        },
      });
      return { name: 'deliver', data: { url: gateways[i], body, key: deliveryId }, opts: { removeOnComplete: true } };
    });
  }

  let floorSeq = 1_000_000;
  /** Sends one message through an arm; resolves to its key (chat-<room>-<seq>) and accept time. */
  async function sendOne(arm, room, size, i) {
    const text = `message ${i} ${'x'.repeat(80)}`;
    if (arm === 'hub') {
      const t0 = now();
      const res = await request(hubPort, 'POST', `/v1/chat/rooms/${room.id}/messages`, {
        token: sender.token,
        body: { from: senderUser, clientId: randomBytes(8).toString('hex'), body: text },
      });
      if (res.status !== 201) throw new Error(`post → ${res.status}: ${res.raw.toString().slice(0, 300)}`);
      const acceptedAt = now();
      return { key: `chat-${room.id}-${JSON.parse(res.raw.toString()).seq}`, acceptedAt, postMs: acceptedAt - t0 };
    }
    const seq = floorSeq++;
    const t0 = now();
    await queue.addBulk(floorJobs(room, seq, size, text));
    const acceptedAt = now();
    return { key: `chat-${room.id}-${seq}`, acceptedAt, postMs: acceptedAt - t0 };
  }

  async function arrivalsOf(sent, timeoutMs = 120_000) {
    const keys = sent.map((s) => s.key);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reply = await ipcRequest(receivers, { type: 'arrivals', keys }, 'arrivals');
      const complete = keys.every((k) => reply.count[k] === CFG.networks);
      if (complete || Date.now() > deadline) return { ...reply, complete };
      await sleep(100);
    }
  }

  async function maxRate(arm, rooms, size, messages) {
    await ipcRequest(receivers, { type: 'reset' }, 'reset');
    const started = now();
    const sent = await pool(
      Array.from({ length: messages }, (_, i) => i),
      CFG.concurrency,
      (i) => sendOne(arm, rooms[i % rooms.length], size, i),
    );
    const acceptedBy = Math.max(...sent.map((s) => s.acceptedAt));
    const { last, complete } = await arrivalsOf(sent);
    if (!complete) throw new Error(`${arm}: not every delivery arrived`);
    await workerIdle();
    const end = Math.max(...Object.values(last));
    const seconds = (end - started) / 1000;
    return {
      deliveriesPerS: round((messages * CFG.networks) / seconds, 0),
      messagesPerS: round(messages / seconds, 1),
      acceptedPerS: round(messages / ((acceptedBy - started) / 1000), 1),
      seconds: round(seconds, 2),
    };
  }

  /**
   * The fan-out alone: `messages` accepted while nothing delivers (the hub's worker stopped; the
   * floor's queue paused), then delivery starts; deliveries/s from the first arrival to the last.
   */
  async function drainRate(arm, rooms, size, messages) {
    await ipcRequest(receivers, { type: 'reset' }, 'reset');
    if (arm === 'hub') await stopChild(worker);
    else await queue.pause();
    const sent = await pool(
      Array.from({ length: messages }, (_, i) => i),
      CFG.concurrency,
      (i) => sendOne(arm, rooms[i % rooms.length], size, i),
    );
    if (arm === 'hub') await startWorker();
    const pid = arm === 'hub' ? worker.pid : floor.pid;
    const cpuBefore = cpuMsOf(pid);
    if (arm === 'floor') await queue.resume();
    const { last, first, complete } = await arrivalsOf(sent);
    if (!complete) throw new Error(`${arm}: not every delivery arrived`);
    await workerIdle();
    const cpuMs = cpuMsOf(pid) - cpuBefore;
    const seconds = (Math.max(...Object.values(last)) - Math.min(...Object.values(first))) / 1000;
    return {
      deliveriesPerS: round((messages * CFG.networks) / seconds, 0),
      seconds: round(seconds, 2),
      // the worker's (or the floor process's) own CPU per delivery, the message log's share included
      cpuUsPerDelivery: round((cpuMs * 1000) / (messages * CFG.networks), 0),
    };
  }

  async function fixedRate(arm, rooms, size, perS) {
    await ipcRequest(receivers, { type: 'reset' }, 'reset');
    const count = Math.max(1, Math.round(perS * CFG.fixedS));
    const interval = 1000 / perS;
    const started = now();
    const pending = [];
    for (let i = 0; i < count; i++) {
      const due = started + i * interval;
      const wait = due - now();
      if (wait > 0) await sleep(wait);
      pending.push(sendOne(arm, rooms[i % rooms.length], size, i));
    }
    const sent = await Promise.all(pending);
    const { last, complete } = await arrivalsOf(sent);
    if (!complete) throw new Error(`${arm}: not every delivery arrived at the fixed rate`);
    const latencies = sent.map((s) => last[s.key] - s.acceptedAt);
    const accepts = sent.map((s) => s.postMs);
    return {
      offeredPerS: round(perS, 1),
      messages: count,
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      acceptP50Ms: round(percentile(accepts, 50)),
      acceptP99Ms: round(percentile(accepts, 99)),
    };
  }

  async function runSize(size) {
    const roomCount = size >= 1000 ? Math.max(1, Math.floor(CFG.rooms / 2)) : CFG.rooms;
    const messages = size >= 1000 ? Math.round(CFG.messages / 3) : CFG.messages;
    const setupStart = Date.now();
    const rooms = await setUpRooms(size, roomCount);
    log(`size ${size}: ${roomCount} room(s) set up in ${round((Date.now() - setupStart) / 1000, 1)} s`);
    // warm-up of both arms
    await drainRate('hub', rooms, size, Math.min(200, messages));
    await drainRate('floor', rooms, size, Math.min(200, messages));
    const rounds = [];
    for (let r = 0; r < CFG.rounds; r++) {
      const order = r % 2 ? ['floor', 'hub'] : ['hub', 'floor'];
      const round_ = {};
      for (const arm of order) round_[arm] = await drainRate(arm, rooms, size, messages);
      round_.ratio = round(round_.hub.deliveriesPerS / round_.floor.deliveriesPerS, 3);
      log(
        `size ${size} round ${r + 1}: fan-out hub ${round_.hub.deliveriesPerS}/s, floor ${round_.floor.deliveriesPerS}/s, ratio ${round_.ratio}; CPU per delivery hub ${round_.hub.cpuUsPerDelivery} µs, floor ${round_.floor.cpuUsPerDelivery} µs`,
      );
      rounds.push(round_);
    }
    const endToEnd = { hub: await maxRate('hub', rooms, size, messages), floor: await maxRate('floor', rooms, size, messages) };
    log(
      `size ${size} end to end (posting included): hub ${endToEnd.hub.deliveriesPerS}/s, floor ${endToEnd.floor.deliveriesPerS}/s`,
    );
    const hubMax = endToEnd.hub.messagesPerS;
    const half = hubMax / 2;
    const fixed = { hub: await fixedRate('hub', rooms, size, half), floor: await fixedRate('floor', rooms, size, half) };
    await drained();
    const summary = {
      rooms: roomCount,
      messages,
      ratio: median(rounds.map((x) => x.ratio)),
      hubDeliveriesPerS: median(rounds.map((x) => x.hub.deliveriesPerS)),
      floorDeliveriesPerS: median(rounds.map((x) => x.floor.deliveriesPerS)),
      hubCpuUsPerDelivery: median(rounds.map((x) => x.hub.cpuUsPerDelivery)),
      floorCpuUsPerDelivery: median(rounds.map((x) => x.floor.cpuUsPerDelivery)),
      hubP50Ms: fixed.hub.p50Ms,
      hubP99Ms: fixed.hub.p99Ms,
      floorP50Ms: fixed.floor.p50Ms,
      floorP99Ms: fixed.floor.p99Ms,
      halfRatePerS: round(half, 1),
      hubEndToEndDeliveriesPerS: endToEnd.hub.deliveriesPerS,
      floorEndToEndDeliveriesPerS: endToEnd.floor.deliveriesPerS,
      hubAcceptedPerS: endToEnd.hub.acceptedPerS,
      rounds,
      endToEnd,
      fixed,
    };
    log(
      `size ${size}: ratio=${summary.ratio} hub=${summary.hubDeliveriesPerS}/s floor=${summary.floorDeliveriesPerS}/s; at ${summary.halfRatePerS} msg/s p50/p99 hub ${summary.hubP50Ms}/${summary.hubP99Ms} ms, floor ${summary.floorP50Ms}/${summary.floorP99Ms} ms`,
    );
    return summary;
  }

  const results = { config: { ...CFG, pgUrl: undefined }, node: process.version, sizes: {} };
  for (const size of CFG.sizes) {
    results.sizes[size] = await runSize(size);
  }

  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  const file = path.join(ROOT, `bench/results/chat-fanout-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  log(`results: ${path.relative(ROOT, file)}`);
  console.log(
    CFG.sizes
      .map((s) => {
        const r = results.sizes[s];
        return `size${s}: ratio=${r.ratio} hub_dps=${r.hubDeliveriesPerS} floor_dps=${r.floorDeliveriesPerS} hub_cpu_us=${r.hubCpuUsPerDelivery} floor_cpu_us=${r.floorCpuUsPerDelivery} hub_p99_ms=${r.hubP99Ms} floor_p99_ms=${r.floorP99Ms}`;
      })
      .join(' | '),
  );
}

main()
  .then(cleanup)
  .catch(async (error) => {
    console.error(error);
    await cleanup();
    process.exit(1);
  });
