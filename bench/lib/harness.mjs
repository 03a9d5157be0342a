// What every runner in bench/ needs around its measurement: child processes pinned to cores
// (taskset), their CPU time from /proc, the machine's per-core jiffies, free ports, IPC with a
// child, and a small HTTP client for seeding (keep-alive agent, JSON bodies). Linux only, like the
// benchmarks themselves (BENCHMARKING.md).
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { HUB_NODE_FLAGS } from '../../scripts/hub-node-flags.mjs';

const succeeds = (file, args) => {
  try {
    execFileSync(file, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();
export const HAS_PERF = succeeds('perf', ['--version']);
export const HAS_TASKSET = succeeds('taskset', ['-c', '0', 'true']) && os.availableParallelism() >= 2;

/** The hub's node flags in a benchmark: its production ones, then BENCH_HUB_NODE_ARGS (e.g. --trace-gc). */
export function hubNodeFlags(env = process.env) {
  return [...HUB_NODE_FLAGS, ...(env.BENCH_HUB_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)];
}

/** Deletes the Redis keys under `prefix:` that a run's queues left; nothing to do if Redis is gone. */
export async function deleteRedisKeys(url, prefix) {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // Redis gone: nothing to clean
  } finally {
    redis.disconnect();
  }
}

/**
 * Child processes of one run: started on a core (when `pin` and taskset allow it), their last 200
 * output lines kept for error messages (and every chunk appended to `logFile` if given), all of
 * them tracked so that the runner's cleanup can stop whatever is left.
 */
export function childProcesses({ cwd, env = process.env, pin = true }) {
  const pinning = pin && HAS_TASKSET;
  const children = new Set();

  const pinned = (core, args) => (pinning ? ['taskset', ['-c', core, ...args]] : [args[0], args.slice(1)]);

  function startChild(name, core, args, extra = {}) {
    const [cmd, argv] = pinned(core, args);
    const child = spawn(cmd, argv, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe', ...(extra.ipc ? ['ipc'] : [])],
      env: extra.env ?? env,
    });
    child.name = name;
    child.tail = [];
    const keep = (chunk) => {
      if (extra.logFile) appendFileSync(extra.logFile, chunk);
      for (const line of chunk.toString().split('\n')) if (line) child.tail.push(line);
      if (child.tail.length > 200) child.tail.splice(0, child.tail.length - 200);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    children.add(child);
    child.exited.then(() => children.delete(child));
    return child;
  }

  return {
    pinning,
    pinned,
    startChild,
    /** Sets the CPU affinity of every thread of a process (taskset -a -p). */
    setAffinity(pid, cores) {
      if (pinning) execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
    },
    async stopAll() {
      for (const child of [...children]) await stopChild(child);
    },
  };
}

export async function stopChild(child, graceMs = 8000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const done = await Promise.race([child.exited, sleep(graceMs).then(() => null)]);
  if (!done) {
    child.kill('SIGKILL');
    await child.exited;
  }
}

/** The distinct CPU affinity lists of a process's threads (to prove the pinning). */
export function threadAffinities(pid) {
  const lists = new Set();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const m = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'));
    if (m) lists.add(m[1]);
  }
  return [...lists];
}

/**
 * Every running PostgreSQL process (postmaster included, so backends forked later inherit it) on
 * `core`, the database's own core for the run (BENCHMARKING.md). Returns how many processes and the
 * distinct affinities found afterwards (to prove it), and `restore`, which puts them back on every
 * core: call it at cleanup.
 */
export function pinPostgres(core) {
  const pids = () =>
    readdirSync('/proc').filter((d) => {
      try {
        return /^\d+$/.test(d) && readlinkSync(`/proc/${d}/exe`).includes('postgres');
      } catch {
        return false;
      }
    });
  const set = (list, cores) => {
    for (const pid of list) {
      try {
        execFileSync('taskset', ['-a', '-p', '-c', cores, pid], { stdio: 'ignore' });
      } catch {
        // a backend that ended meanwhile
      }
    }
  };
  const found = pids();
  if (found.length === 0) throw new Error('BENCH_PG_CORE: no PostgreSQL process found in /proc');
  set(found, core);
  const affinities = new Set();
  for (const pid of found) {
    try {
      for (const a of threadAffinities(pid)) affinities.add(a);
    } catch {
      // ended meanwhile
    }
  }
  return {
    processes: found.length,
    affinities: [...affinities].join('|'),
    restore: async () => set(pids(), `0-${os.availableParallelism() - 1}`),
  };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** utime and stime of a process (all its threads), in µs; undefined when it is gone. */
export function cpuTimes(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: (Number(fields[11]) * 1e6) / CLK_TCK, system: (Number(fields[12]) * 1e6) / CLK_TCK };
  } catch {
    return undefined;
  }
}

/** Busy, idle and steal jiffies of the whole machine ('all') and of each core ('0', '1', …). */
export function machineTimes() {
  const out = {};
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const m = /^cpu(\d*) (.*)$/.exec(line);
    if (!m) continue;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = m[2].trim().split(/\s+/).map(Number);
    out[m[1] || 'all'] = { busy: user + nice + system + irq + softirq, idle: idle + iowait, iowait, steal };
  }
  return out;
}

/** Sends `message` (if any) to a child and waits for its reply of `replyType` (or its 'error'). */
export function ipcRequest(child, message, replyType, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`no '${replyType}' from ${child.name} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m) => {
      if (m?.type === replyType || m?.type === 'error') {
        clearTimeout(timer);
        child.off('message', onMessage);
        if (m.type === 'error') reject(new Error(`${child.name}: ${m.message}`));
        else resolve(m);
      }
    };
    child.on('message', onMessage);
    if (message) child.send(message);
  });
}

/** Keep-alive connections for the seeding requests; destroy it in the runner's cleanup. */
export const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function request(port, method, urlPath, { token, body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        agent,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, raw: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${urlPath} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** A JSON API call that must answer one of the `expected` statuses; returns the parsed body. */
export async function api(port, method, urlPath, options, expected) {
  const res = await request(port, method, urlPath, options);
  if (!expected.includes(res.status)) {
    throw new Error(`${method} ${urlPath} → ${res.status}: ${res.raw.toString().slice(0, 500)}`);
  }
  return res.raw.length ? JSON.parse(res.raw.toString()) : undefined;
}

export async function waitForHttp(port, urlPath, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${child.name} exited early:\n${child.tail.slice(-40).join('\n')}`);
    }
    try {
      if ((await request(port, 'GET', urlPath)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${child.name} not ready on :${port}${urlPath} within ${timeoutMs} ms:\n${child.tail.slice(-40).join('\n')}`);
}

/** Runs `fn` over `items` with at most `concurrency` at a time; results in input order. */
export async function pool(items, concurrency, fn) {
  let next = 0;
  const results = new Array(items.length);
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i], i);
      }
    }),
  );
  return results;
}

/**
 * A small valid clearing-house-member document (JSON model), the shape of libs/testing's
 * memberDocument(): visible to all, listed, optionally delegating services and declaring a chat gateway.
 */
export function memberDocument(domain, { hubDomain, delegate = [], chatDelivery } = {}) {
  return {
    version: '1.0',
    role: 'clearing-house-member',
    domain,
    connectivity: { dnsNames: { dnsName: [{ service: 'any', protocol: 'sip', value: `edge.${domain}` }] } },
    clearingHouseMembership: [
      {
        clearingHouse: hubDomain,
        listed: true,
        peerNetworkPrivacy: { visibleToAll: true },
        ...(delegate.length ? { delegatedServices: { service: delegate.map((type) => ({ type })) } } : {}),
        ...(chatDelivery ? { chatDelivery: { uri: chatDelivery } } : {}),
      },
    ],
  };
}

/** An active member over the admin API (apply as operator, approve) that publishes `document`; returns its API key. */
export async function seedMember(port, operatorToken, { domain, protocols, document }) {
  await api(
    port,
    'POST',
    '/admin/v1/members',
    { token: operatorToken, body: { domain, displayName: `Bench ${domain}`, protocols } },
    [201],
  );
  const approved = await api(port, 'POST', `/admin/v1/members/${domain}/approve`, { token: operatorToken, body: {} }, [200]);
  await api(port, 'PUT', '/v1/provisioning', { token: approved.apiKey.token, body: document }, [201]);
  return approved.apiKey.token;
}
