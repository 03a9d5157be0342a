// CPU profile of a server under load with Linux `perf` (run.mjs, profile phase). The server runs
// with `node --perf-basic-prof`, so JIT-compiled JavaScript frames carry their function name and
// file in the samples; perf samples on-CPU time only (cpu-clock) and sees everything the
// process does: JavaScript, V8 builtins and GC, llhttp, libuv and the kernel (syscalls and
// the loopback TCP path).
//
// Why not V8's own profiler (node --cpu-prof / inspector)? On these 2-core VMs with the server
// pinned to one core it recorded only ~35–50% of the process's CPU time and charged the rest to
// "(idle)" or to the writev syscall, so its per-category figures were not usable.
//
// Each sample is charged to one category:
//   1. kernel (by the syscall that led there: writev = TCP send incl. loopback delivery, read, …);
//   2. V8 garbage collection (any GC frame on the stack);
//   3. otherwise the nearest JavaScript frame with a source location, categorised by package
//      or file (V8 builtins, IC handlers and runtime calls go to the JavaScript that called them);
//   4. otherwise native Node code (llhttp, libuv, bindings).
// Inclusive figures count each JavaScript function once per stack.
//
// The symbol map (/tmp/perf-<pid>.map) is append-only: once V8 frees code (e.g. the database
// client's, compiled while seeding) the address range is reused by newer code, and perf would
// name samples after whichever entry it picks. cleanPerfMap() keeps, for overlapping ranges, the
// newest entry only, i.e. the code that was there at the end (the profiled, steady-state code).
// Usage as a script: node perf-profile.mjs <perf.data> [cpuUsPerRequest]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function packageOf(url) {
  const i = url.lastIndexOf('/node_modules/');
  if (i < 0) return null;
  const rest = url.slice(i + '/node_modules/'.length).split('/');
  return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
}

const PACKAGE_CATEGORIES = [
  [/^@nestjs\/core$/, 'Nest core (router proxy, execution context, guards/pipes/interceptors consumers)'],
  [/^@nestjs\/platform-fastify$/, 'Nest Fastify adapter'],
  [/^@nestjs\/common$/, 'Nest common'],
  [/^rxjs$/, 'rxjs (Nest handler plumbing)'],
  [/^@fastify\/middie$/, '@fastify/middie (Nest middleware runner, onRequest hook)'],
  [
    /^(fastify|find-my-way|@fastify\/.*|fast-json-stringify|fast-querystring|fast-uri|avvio|toad-cache|process-warning|abstract-logging)$/,
    'Fastify',
  ],
  [
    /^(pino|pino-std-serializers|sonic-boom|thread-stream|fast-redact|@pinojs\/.*|on-exit-leak-free|quick-format-unescaped|safe-stable-stringify)$/,
    'logging (pino child logger per request)',
  ],
  [/^(class-validator|class-transformer)$/, 'class-validator/transformer'],
  [/^(typeorm|pg|pg-pool|pg-protocol)$/, 'database client'],
];

/** Category of a JavaScript source location (file URL, path or node: URL). */
export function categoryOfUrl(url) {
  const pkg = packageOf(url);
  if (pkg) {
    for (const [re, name] of PACKAGE_CATEGORIES) if (re.test(pkg)) return name;
    return `package ${pkg}`;
  }
  if (url.startsWith('node:')) {
    const mod = url.slice(5).replace(/^internal\//, '');
    if (mod.startsWith('crypto') || mod.startsWith('internal/crypto')) return 'Node crypto (sha256 of the API key, randomUUID)';
    if (/^(_http|http)/.test(mod)) return 'Node http (JavaScript)';
    if (/^(net|stream|streams|stream_base_commons|tcp|dns)/.test(mod)) return 'Node net/streams (JavaScript)';
    if (/^(process\/task_queues|timers|async_hooks|process\/promises)/.test(mod)) return 'Node microtasks/nextTick/timers';
    if (mod.startsWith('url')) return 'Node url (domainToASCII)';
    return `Node other (${mod.split('/')[0]})`;
  }
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const rel = path.relative(ROOT, file);
  if (rel.startsWith('dist/')) return `hub ${rel.replace(/^dist\/apps\/hub\//, '').replace(/\.js$/, '')}`;
  if (rel.startsWith('bench/')) return `bench ${path.basename(rel)}`;
  return `other ${rel}`;
}

// "JS:*member file:///…/x.js:28:9", "JS:~get node:_http_incoming:109:7", older "LazyCompile:*f /x.js:1"
const JS_FRAME = /^(?:JS|LazyCompile|Function|Script):[*~^+]?(.*?) ((?:file:\/\/|node:|\/)\S*?)(?::\d+)?(?::\d+)?$/;
const GC_FRAME =
  /v8::internal::(Heap::(CollectGarbage|PerformGarbageCollection|Scavenge|MarkCompact)|ScavengerCollector|Scavenger::|MarkCompactCollector|MinorMarkCompactCollector|IncrementalMarking|ConcurrentMarking|MinorGCJob|ScavengeJob|MemoryAllocator::Unmapper|Heap::FinalizeIncrementalMarking|GCTracer)/;

function jsFrame(sym) {
  const m = JS_FRAME.exec(sym);
  if (!m) return null;
  const loc = /:(\d+):\d+$/.exec(sym) ?? /:(\d+)$/.exec(sym);
  return { name: m[1] || '(anonymous)', url: m[2], line: loc ? Number(loc[1]) : 0 };
}

function shortLocation(url, line) {
  const pkg = packageOf(url);
  if (pkg) return `${pkg}/${url.slice(url.lastIndexOf('/') + 1)}:${line}`;
  if (url.startsWith('file://') || url.startsWith('/')) {
    const file = url.startsWith('file://') ? fileURLToPath(url) : url;
    return `${path.relative(ROOT, file).replace(/^dist\/apps\/hub\//, '')}:${line}`;
  }
  return `${url}:${line}`;
}

function kernelCategory(frames) {
  const faults = frames.some((f) => f.dso === '[kernel.kallsyms]' && /page_fault|do_anonymous_page|handle_mm_fault/.test(f.sym));
  if (faults) return 'kernel: page faults (heap growth)';
  const user = frames.find((f) => f.dso !== '[kernel.kallsyms]');
  if (!user) return 'kernel: interrupts/softirq/scheduler';
  const s = user.sym;
  if (/writev|write/.test(s)) return 'kernel: socket write (TCP send, loopback delivery, waking the client)';
  if (/read/.test(s)) return 'kernel: socket read';
  if (/epoll/.test(s)) return 'kernel: epoll';
  if (/futex|pthread|sem_/.test(s)) return 'kernel: futex (thread wake-ups)';
  if (/madvise|mmap|munmap|mprotect/.test(s)) return 'kernel: memory mapping (V8 heap)';
  return `kernel: other (${s.split('(')[0].slice(0, 40)})`;
}

/** Rewrites /tmp/perf-<pid>.map keeping only the newest entry of overlapping address ranges. */
export function cleanPerfMap(pid) {
  const file = `/tmp/perf-${pid}.map`;
  if (!existsSync(file)) return { entries: 0, kept: 0 };
  const entries = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
    // user-space addresses are below 2^47: exact as numbers
    if (m)
      entries.push({
        start: Number.parseInt(m[1], 16),
        end: Number.parseInt(m[1], 16) + Number.parseInt(m[2], 16),
        line,
        order: entries.length,
      });
  }
  // clusters of overlapping ranges; in each, newest first, an entry survives unless a newer
  // surviving one overlaps it
  const kept = [];
  const flush = (cluster) => {
    if (cluster.length === 1) return void kept.push(cluster[0]);
    const survivors = [];
    for (const e of cluster.sort((x, y) => y.order - x.order)) {
      if (!survivors.some((k) => k.start < e.end && e.start < k.end)) survivors.push(e);
    }
    kept.push(...survivors);
  };
  entries.sort((x, y) => x.start - y.start);
  let cluster = [];
  let clusterEnd = 0;
  for (const e of entries) {
    if (cluster.length && e.start >= clusterEnd) {
      flush(cluster);
      cluster = [];
    }
    cluster.push(e);
    if (cluster.length === 1 || e.end > clusterEnd) clusterEnd = e.end;
  }
  if (cluster.length) flush(cluster);
  kept.sort((a, b) => a.order - b.order);
  writeFileSync(file, `${kept.map((e) => e.line).join('\n')}\n`);
  return { entries: entries.length, kept: kept.length };
}

/**
 * Reads `perf script` output of a recording and summarises it. Shares are of on-CPU samples;
 * with `cpuUsPerRequest` (measured from /proc in the same run) they are also given in µs per
 * request.
 */
export async function summarizePerf(dataFile, { cpuUsPerRequest, tid } = {}) {
  const child = spawn('perf', ['script', '-i', dataFile, '-F', 'tid,period,ip,sym,dso'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const rl = createInterface({ input: child.stdout, crlfDelay: Infinity });
  const self = new Map();
  const selfSymbols = new Map();
  const inclusiveFns = new Map();
  const inclusiveCats = new Map();
  const threads = new Map();
  let total = 0;
  let header = null;
  let frames = [];
  const flush = () => {
    if (!header) return;
    const weight = header.period;
    threads.set(
      header.tid === tid ? 'main thread' : 'other threads',
      (threads.get(header.tid === tid ? 'main thread' : 'other threads') ?? 0) + weight,
    );
    total += weight;
    const leaf = frames[0];
    let category;
    if (!leaf) category = 'unknown';
    else if (leaf.dso === '[kernel.kallsyms]') category = kernelCategory(frames);
    else if (frames.some((f) => GC_FRAME.test(f.sym))) category = 'V8 garbage collection';
    else {
      const js = frames.map((f) => jsFrame(f.sym)).find(Boolean);
      if (js) category = categoryOfUrl(js.url);
      else if (frames.some((f) => /llhttp/.test(f.sym))) category = 'Node native: llhttp (HTTP parser)';
      else category = 'Node native: libuv, bindings, V8 API';
    }
    self.set(category, (self.get(category) ?? 0) + weight);
    const leafName = leaf
      ? jsFrame(leaf.sym)
        ? `${jsFrame(leaf.sym).name} ${shortLocation(jsFrame(leaf.sym).url, jsFrame(leaf.sym).line)}`
        : `${leaf.sym} [${path.basename(leaf.dso)}]`
      : 'unknown';
    selfSymbols.set(leafName, (selfSymbols.get(leafName) ?? 0) + weight);
    const seenFns = new Set();
    const seenCats = new Set();
    for (const f of frames) {
      const js = jsFrame(f.sym);
      if (!js) continue;
      const key = `${js.name} ${shortLocation(js.url, js.line)}`;
      seenFns.add(key);
      seenCats.add(categoryOfUrl(js.url));
    }
    for (const k of seenFns) inclusiveFns.set(k, (inclusiveFns.get(k) ?? 0) + weight);
    for (const k of seenCats) inclusiveCats.set(k, (inclusiveCats.get(k) ?? 0) + weight);
  };
  for await (const line of rl) {
    if (!line.trim()) {
      flush();
      header = null;
      frames = [];
      continue;
    }
    if (!line.startsWith('\t')) {
      // sample header: "<tid> <period>" (right-aligned); stack frames follow, one per line after a tab
      flush();
      const [t, period] = line.trim().split(/\s+/);
      header = { tid: Number(t), period: Number(period) };
      frames = [];
      continue;
    }
    const m = /^\s*[0-9a-f]+\s+(.*)\s+\((.*)\)\s*$/.exec(line);
    if (m) frames.push({ sym: m[1].replace(/\+0x[0-9a-f]+$/, ''), dso: m[2] });
  }
  flush();
  await new Promise((resolve) => child.on('close', resolve));

  const scale = (w) => (cpuUsPerRequest ? Number(((w / total) * cpuUsPerRequest).toFixed(2)) : undefined);
  const share = (w) => Number(((100 * w) / total).toFixed(2));
  const rows = (m, n) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, w]) => ({ name: k, percent: share(w), usPerRequest: scale(w) }));
  return {
    samplesCpuMs: Math.round(total / 1e6),
    cpuUsPerRequest,
    threads: Object.fromEntries([...threads.entries()].map(([k, w]) => [k, share(w)])),
    selfByCategory: rows(self, 60),
    inclusiveByCategory: rows(inclusiveCats, 30),
    topSelf: rows(selfSymbols, 40),
    topInclusiveJs: rows(inclusiveFns, 120),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const summary = await summarizePerf(process.argv[2], {
    cpuUsPerRequest: process.argv[3] ? Number(process.argv[3]) : undefined,
  });
  console.log(JSON.stringify(summary, null, 2));
}
