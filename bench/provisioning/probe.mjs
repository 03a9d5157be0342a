// Preloaded into the hub under test (node --import ./probe.mjs …) by run.mjs; never used in
// production. It adds nothing to the request path: it counts the SQL statements the hub's `pg`
// clients send (a wrapper around pg.Client#query, reached only when the hub queries the
// database), so that run.mjs can show which statements, if any, ran during a measured round.
// IPC: {type:'queries'} → {type:'queries', total, byStatement: {statement prefix: count}};
// {type:'memory'} → {type:'memory', heapUsedMiB, heapTotalMiB, rssMiB} (read on request only).
import { createRequire } from 'node:module';
import path from 'node:path';

let total = 0;
const byStatement = new Map();
// the same CommonJS module instance the hub's `import pg from 'pg'` gets
const pg = createRequire(path.resolve(process.env.BENCH_PROBE_MAIN ?? 'dist/apps/hub/apps/hub/src/main.js'))('pg');
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(config, ...rest) {
  const text = typeof config === 'string' ? config : (config?.text ?? '');
  const key = text.replace(/\s+/g, ' ').trim().slice(0, 100);
  total++;
  byStatement.set(key, (byStatement.get(key) ?? 0) + 1);
  return originalQuery.call(this, config, ...rest);
};

process.on('message', (message) => {
  if (message?.type === 'queries') {
    process.send({ type: 'queries', total, byStatement: Object.fromEntries(byStatement) });
  } else if (message?.type === 'memory') {
    const m = process.memoryUsage();
    const mib = (n) => Math.round(n / 2 ** 20);
    process.send({ type: 'memory', heapUsedMiB: mib(m.heapUsed), heapTotalMiB: mib(m.heapTotal), rssMiB: mib(m.rss) });
  }
});
// the IPC channel must not keep the hub alive on its own once Nest shuts down
process.channel?.unref();
