// The load generator of bench/message-log, one process per measured run (run.mjs starts it with
// `taskset -c 1`, away from the hub's core, and talks to it over IPC).
//
// 1. generates the run's records (records.mjs) and, per batch, either the JSON request body
//    (target "hub": POST /v1/message-log; target "relay": the same body to relay.mjs, the floor
//    arm) or the rows the hub would store as COPY text (targets
//    "copy": COPY into message_log, and "copy-keys": COPY into message_log_keys and message_log
//    in one transaction), opens its connections, then reports {type:'ready'};
// 2. on {type:'go'} starts the clock and sends:
//    - mode "max" (closed loop): `concurrency` workers, worker w sending batches w, w+C, w+2C…
//      one after the other (with origins a multiple of C, no two batches of one origin are in
//      flight at once, so none waits on another's chain lock);
//    - mode "rate" (open loop): batch k is due at t0 + k/rate and is sent when due, whatever
//      is still in flight; its latency counts from when it was due (no coordinated omission);
// 3. reports {type:'done'} with the wall time, every batch's latency (sorted, ms) and its own CPU.
//
// Usage: node load.mjs '<json>' {target, mode, port?, relayPort?, tokens?, dbUrl?, batches, batchSize,
//   origins, recipients, concurrency, rate?, runTag, seed, prefix?, now?}
import http from 'node:http';
import pg from 'pg';
import { copyKeysAndLog, copyLog } from './copy.mjs';
import { copyChunks, generateBatches, jsonBody, keyRows } from './records.mjs';

const spec = JSON.parse(process.argv[2]);
const send = (m) => process.send(m);

process.on('uncaughtException', (error) => {
  send({ type: 'error', message: String(error?.stack ?? error) });
  process.exit(1);
});

const genStart = process.hrtime.bigint();
const batches = generateBatches(spec);
let payloads;
let bytes = 0;
// the hub and the relay (the floor arm) take the JSON body over HTTP; the others COPY directly
const overHttp = spec.target === 'hub' || spec.target === 'relay';
if (overHttp) {
  payloads = batches.map(jsonBody);
} else {
  payloads = copyChunks(batches);
  if (spec.target === 'copy-keys') {
    // the idempotency keys the hub writes next to each record (origin, message id, ts, seq)
    payloads = payloads.map((rows) => ({ rows, keys: keyRows(rows) }));
  }
}
for (const p of payloads) bytes += Buffer.isBuffer(p) ? p.length : p.rows.length + p.keys.length;
batches.length = 0; // only the payloads are needed from here on
const generationMs = Number(process.hrtime.bigint() - genStart) / 1e6;

// ---------------------------------------------------------------- targets

const serverPort = spec.target === 'relay' ? spec.relayPort : spec.port;
// the open loop gets as many connections as the COPY arms' pool, all opened before the clock: a
// burst of due batches then waits for a connection in both arms alike, and no TCP handshake is
// timed in one arm only
const connections = spec.mode === 'rate' ? Math.max(spec.concurrency, 16) : spec.concurrency;
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });

function post(batchIndex) {
  const body = payloads[batchIndex];
  const origin = batchIndex % spec.origins;
  const relay = spec.target === 'relay';
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: serverPort,
        method: 'POST',
        path: relay ? '/relay' : '/v1/message-log',
        agent,
        headers: {
          authorization: `Bearer ${spec.tokens[origin]}`,
          'content-type': 'application/json',
          'content-length': body.length,
          ...(relay ? { 'x-batch': String(batchIndex) } : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200) return reject(new Error(`batch ${batchIndex}: ${res.statusCode} ${text.slice(0, 400)}`));
          const counts = JSON.parse(text).counts;
          if (counts.accepted !== spec.batchSize) {
            return reject(new Error(`batch ${batchIndex}: ${JSON.stringify(counts)} ${text.slice(0, 400)}`));
          }
          resolve();
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(120_000, () => req.destroy(new Error(`batch ${batchIndex} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

const clients = [];
async function openClients(n) {
  for (let i = 0; i < n; i++) {
    const c = new pg.Client({ connectionString: spec.dbUrl, application_name: `bench-message-log-copy-${i}` });
    await c.connect();
    clients.push(c);
  }
}
function copy(client, batchIndex) {
  const p = payloads[batchIndex];
  return spec.target === 'copy' ? copyLog(client, p) : copyKeysAndLog(client, p);
}

// ---------------------------------------------------------------- runs

const latencies = new Float64Array(payloads.length);

async function runMax() {
  const work = (w) => async () => {
    const client = clients[w];
    for (let b = w; b < payloads.length; b += spec.concurrency) {
      const t = process.hrtime.bigint();
      await (overHttp ? post(b) : copy(client, b));
      latencies[b] = Number(process.hrtime.bigint() - t) / 1e6;
    }
  };
  await Promise.all(Array.from({ length: Math.min(spec.concurrency, payloads.length) }, (_, w) => work(w)()));
}

async function runRate() {
  // open loop; for COPY, a pool of connections large enough that no batch waits for one
  const idle = [...clients];
  const waiting = [];
  const acquire = () => (idle.length ? Promise.resolve(idle.pop()) : new Promise((r) => waiting.push(r)));
  const release = (c) => (waiting.length ? waiting.shift()(c) : idle.push(c));
  const intervalMs = 1000 / spec.rate;
  const t0 = performance.now() + 5;
  const inFlight = [];
  let next = 0;
  let maxInFlight = 0;
  let current = 0;
  let failure;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (!failure && next < payloads.length && t0 + next * intervalMs <= now) {
        const b = next++;
        const due = t0 + b * intervalMs;
        current++;
        maxInFlight = Math.max(maxInFlight, current);
        const done = overHttp
          ? post(b)
          : acquire().then((c) =>
              copy(c, b).finally(() => {
                release(c);
              }),
            );
        inFlight.push(
          done.then(
            () => {
              latencies[b] = performance.now() - due;
              current--;
            },
            (error) => {
              failure ??= error;
            },
          ),
        );
      }
      if (failure || next >= payloads.length) return resolve();
      setTimeout(tick, Math.max(0, t0 + next * intervalMs - performance.now()));
    };
    setTimeout(tick, 5);
  });
  await Promise.all(inFlight);
  if (failure) throw failure;
  return { maxInFlight };
}

if (overHttp) {
  // open the keep-alive sockets before the clock starts
  await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise((resolve, reject) => {
          http
            .get({ host: '127.0.0.1', port: serverPort, path: '/health/live', agent }, (res) => {
              res.resume();
              res.on('end', resolve);
            })
            .on('error', reject);
        }),
    ),
  );
} else {
  await openClients(connections);
}
const backendPids = overHttp
  ? []
  : await Promise.all(clients.map(async (c) => (await c.query('SELECT pg_backend_pid() AS p')).rows[0].p));

send({ type: 'ready', generationMs, bytes, batches: payloads.length, backendPids });
await new Promise((resolve) => process.once('message', (m) => m?.type === 'go' && resolve()));

const cpu0 = process.cpuUsage();
const start = process.hrtime.bigint();
const extra = spec.mode === 'rate' ? await runRate() : await runMax();
const wallS = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage(cpu0);

const sorted = Array.from(latencies).sort((a, b) => a - b);
const pct = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
send({
  type: 'done',
  wallS,
  batches: payloads.length,
  records: payloads.length * spec.batchSize,
  recordsPerS: (payloads.length * spec.batchSize) / wallS,
  batchesPerS: payloads.length / wallS,
  generationMs,
  bytes,
  latencyMs: { p50: pct(50), p90: pct(90), p99: pct(99), p99_9: pct(99.9), max: sorted[sorted.length - 1], n: sorted.length },
  loadGenCpuUs: cpu.user + cpu.system,
  ...extra,
});
// the orchestrator reads the CPU time of this run's PostgreSQL backends before they go away
await Promise.race([
  new Promise((resolve) => process.once('message', (m) => m?.type === 'bye' && resolve())),
  new Promise((resolve) => setTimeout(resolve, 30_000).unref()),
]);
for (const c of clients) await c.end();
agent.destroy();
process.disconnect();
