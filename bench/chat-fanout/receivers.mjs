// Child process of the chat fan-out benchmark: N member gateways as plain HTTP servers on
// 127.0.0.1 that verify nothing, read the body, answer 204 and note when each delivery id first
// arrived (performance.timeOrigin + now(): comparable across processes on one machine).
// IPC: → {type:'ports', ports}; ← {type:'reset'} → {type:'reset'}; ← {type:'arrivals', keys}
// → {type:'arrivals', last: {key: ms}} where key is a delivery id without its network suffix
// (`chat-<room>-<seq>`) and `last` is the latest first-arrival over the networks, with `count`
// deliveries seen per key.
import http from 'node:http';

const networks = Number(process.argv[2] ?? 10);
/** key (chat-<room>-<seq>) → { last, count } */
let arrivals = new Map();
let total = 0;

const now = () => performance.timeOrigin + performance.now();

function handle(req, res) {
  const key = req.headers['idempotency-key'];
  req.on('data', () => undefined);
  req.on('end', () => {
    const at = now();
    total++;
    if (typeof key === 'string') {
      const message = key.slice(0, key.lastIndexOf('-'));
      const seen = arrivals.get(message);
      if (!seen) arrivals.set(message, { first: at, last: at, count: 1, ids: new Set([key]) });
      else if (!seen.ids.has(key)) {
        seen.ids.add(key);
        seen.count++;
        seen.last = Math.max(seen.last, at);
      }
    }
    res.writeHead(204).end();
  });
}

const ports = [];
for (let i = 0; i < networks; i++) {
  const server = http.createServer({ keepAliveTimeout: 60_000 }, handle);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  ports.push(server.address().port);
}
process.send({ type: 'ports', ports });
process.on('message', (m) => {
  if (m.type === 'reset') {
    arrivals = new Map();
    total = 0;
    process.send({ type: 'reset' });
  } else if (m.type === 'arrivals') {
    const last = {};
    const first = {};
    const count = {};
    for (const key of m.keys) {
      const seen = arrivals.get(key);
      if (seen) {
        last[key] = seen.last;
        first[key] = seen.first;
        count[key] = seen.count;
      }
    }
    process.send({ type: 'arrivals', first, last, count, total });
  }
});
process.on('disconnect', () => process.exit(0));
