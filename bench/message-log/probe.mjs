// Preloaded into the hub under test (node --import ./probe.mjs …) by run.mjs; never used in
// production. It wraps pg.Client#query to count the SQL statements the hub sends, by statement,
// and the time each took as the hub saw it (from the call until the result arrived: queueing on
// the connection, the round trip, PostgreSQL's work and lock waits). Cost: a Map update and two
// clock reads per statement, a handful per batch of 1,000 records.
// IPC: {type:'queries'} → {type:'queries', total, byStatement: {prefix: {count, ms}}}.
import { createRequire } from 'node:module';
import path from 'node:path';

let total = 0;
const byStatement = new Map();
const pg = createRequire(path.resolve(process.env.BENCH_PROBE_MAIN ?? 'dist/apps/hub/apps/hub/src/main.js'))('pg');
const originalQuery = pg.Client.prototype.query;

function account(key, started) {
  const entry = byStatement.get(key);
  entry.ms += Number(process.hrtime.bigint() - started) / 1e6;
}

pg.Client.prototype.query = function timedQuery(config, ...rest) {
  const text = typeof config === 'string' ? config : (config?.text ?? '');
  const key = text.slice(0, 160).replace(/\s+/g, ' ').trim().slice(0, 70);
  total++;
  if (!byStatement.has(key)) byStatement.set(key, { count: 0, ms: 0 });
  byStatement.get(key).count++;
  const started = process.hrtime.bigint();
  const callback = rest.findIndex((x) => typeof x === 'function');
  if (callback >= 0) {
    const cb = rest[callback];
    rest[callback] = function timedCallback(...args) {
      account(key, started);
      return cb.apply(this, args);
    };
    return originalQuery.call(this, config, ...rest);
  }
  const result = originalQuery.call(this, config, ...rest);
  if (result && typeof result.then === 'function') {
    result.then(
      () => account(key, started),
      () => account(key, started),
    );
  }
  return result;
};

process.on('message', (message) => {
  if (message?.type === 'queries') {
    process.send({ type: 'queries', total, byStatement: Object.fromEntries(byStatement) });
  }
});
process.channel?.unref();
