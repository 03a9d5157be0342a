// One autocannon run in its own process (run.mjs starts it with `taskset -c 1`, away from the
// server's core). Prints one JSON line with autocannon's figures, the load generator's own CPU
// use, and, when asked, a 10 µs-resolution latency histogram of its own (autocannon's keeps
// whole milliseconds only).
// Usage: node load.mjs '<json>'  {url, connections, pipelining, duration, headers,
//                                  overallRate?, recordLatencies?}
import autocannon from 'autocannon';

const opts = JSON.parse(process.argv[2]);
const BUCKET_US = 10;
const buckets = opts.recordLatencies ? new Uint32Array(20_000) : null; // up to 200 ms

const cpuBefore = process.cpuUsage();
const started = process.hrtime.bigint();
const instance = autocannon({
  url: opts.url,
  connections: opts.connections,
  pipelining: opts.pipelining,
  duration: opts.duration,
  headers: opts.headers,
  ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
});
if (buckets) {
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode < 200 || statusCode > 299) return;
    buckets[Math.min(buckets.length - 1, Math.floor((responseTimeMs * 1000) / BUCKET_US))]++;
  });
}
const result = await instance;
const wallS = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuBefore);

const percentile = (p) => {
  if (!buckets) return undefined;
  let count = 0;
  for (const n of buckets) count += n;
  const target = Math.ceil((p / 100) * count);
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i];
    if (seen >= target) return ((i + 1) * BUCKET_US) / 1000; // upper edge, ms
  }
  return undefined;
};

process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    durationS: result.duration,
    rps: result.requests.total / result.duration,
    rpsMeanOfSeconds: result.requests.average,
    bytesPerResponse: result.requests.total ? result.throughput.total / result.requests.total : 0,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      p99_9: result.latency.p99_9,
      max: result.latency.max,
      mean: result.latency.mean,
    },
    rawLatencyMs: buckets
      ? { p50: percentile(50), p90: percentile(90), p99: percentile(99), p99_9: percentile(99.9) }
      : undefined,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodeStats: result.statusCodeStats,
    loadGenCpuUtil: (cpu.user + cpu.system) / 1e6 / wallS,
  })}\n`,
);
