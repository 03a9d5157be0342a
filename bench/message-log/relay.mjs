// The benchmark's floor arm (run.mjs starts it pinned to the hub's core): a bare Fastify server
// that takes the very same POST body as the hub, lets Fastify parse the JSON as the hub's does,
// and writes the rows the hub would store for that batch (keys + log, generated before the
// clock, chain hashes included) in one transaction of four round trips, as the hub does:
// BEGIN, COPY keys, COPY log, COMMIT. It answers with an accepted list of the hub's shape. No
// authentication, validation, authorization, hashing or row text: what is left is what any
// hub that receives JSON over HTTP and stores keys + log must spend, so its rate is the ceiling
// of the hub's ratio on this machine.
//
// Usage: node relay.mjs '<json>' {port, dbUrl, poolMax}
// IPC: {type:'prepare', spec} (the load generator's generation parameters) → {type:'prepared'};
//      {type:'release'} → {type:'released'}
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { copyKeysAndLog } from './copy.mjs';
import { copyChunks, generateBatches, keyRows } from './records.mjs';

const config = JSON.parse(process.argv[2]);
const send = (m) => process.send(m);
process.on('uncaughtException', (error) => {
  send({ type: 'error', message: String(error?.stack ?? error) });
  process.exit(1);
});

// fastify is a dependency of @nestjs/platform-fastify; take the same copy the hub runs on
const require = createRequire(path.resolve('node_modules/@nestjs/platform-fastify/package.json'));
const Fastify = (await import(require.resolve('fastify'))).default;

const db = new pg.Pool({ connectionString: config.dbUrl, max: config.poolMax, application_name: 'bench-message-log-relay' });
let payloads = [];

const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
app.post('/relay', async (request, reply) => {
  const records = request.body;
  const p = payloads[Number(request.headers['x-batch'])];
  if (!Array.isArray(records) || !p || records.length !== p.records) return reply.code(400).send({ error: 'unknown batch' });
  const client = await db.connect();
  try {
    await copyKeysAndLog(client, p);
  } finally {
    client.release();
  }
  const accepted = records.map((r, index) => ({ index, messageId: r.messageId, seq: index + 1 }));
  return {
    batchId: null,
    origin: records[0].origin,
    accepted,
    duplicates: [],
    rejected: [],
    counts: { accepted: accepted.length, duplicates: 0, rejected: 0 },
  };
});
app.get('/health/live', async () => ({ status: 'ok' }));
await app.listen({ port: config.port, host: '127.0.0.1' });

process.on('message', (m) => {
  if (m?.type === 'prepare') {
    const batches = generateBatches(m.spec);
    payloads = copyChunks(batches).map((rows, b) => ({ rows, keys: keyRows(rows), records: batches[b].records.length }));
    send({ type: 'prepared', batches: payloads.length });
  } else if (m?.type === 'release') {
    payloads = [];
    send({ type: 'released' });
  }
});
send({ type: 'listening' });
