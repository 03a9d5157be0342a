import type { DataSource } from 'typeorm';
import {
  childPort,
  type ActiveMember,
  compiledAppEnv,
  type CompiledApp,
  createActiveMember,
  delegateLogging,
  ensureCompiled,
  messageRecord,
  openTestDataSource,
  startCompiled,
  testConfig,
  truncateAll,
  waitFor,
} from '@app/testing';

const LOOPS = 4;
const PER_BATCH = 20;
const SHUTDOWN_DELAY_MS = 1500;

/** What became of one message-log batch sent to the stopping hub. */
interface Sent {
  ids: string[];
  sentAt: number;
  status?: number;
  /** the network error's code when no answer came */
  error?: string;
}

interface Probe {
  at: number;
  path: string;
  status: number | string;
  body?: unknown;
  connection?: string | null;
}

const errorCode = (error: unknown) => {
  const e = error as { cause?: { code?: string; errors?: Array<{ code?: string }> }; code?: string };
  return e.cause?.code ?? e.cause?.errors?.[0]?.code ?? e.code ?? String(error);
};

/**
 * SIGTERM to the hub and the worker in the middle of steady message-log ingest loses nothing: every
 * batch answered 2xx is in the log and is counted by a worker, every other request was refused
 * cleanly (503, or no connection), never a 500; readiness turns 503 `draining` at once while
 * liveness stays 200 and the hub keeps serving for HUB_SHUTDOWN_DELAY_MS; both exit 0.
 */
describe('SIGTERM to the hub and the worker under load (e2e)', () => {
  const config = testConfig();
  let db: DataSource;
  const apps: CompiledApp[] = [];
  let hubUrl: string;
  let healthPort: number;
  let origin: ActiveMember;
  let peer: ActiveMember;
  const env = (extra: Record<string, string>) =>
    compiledAppEnv(config, { OUTBOX_POLL_INTERVAL_MS: '50', HUB_SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS), ...extra });
  const start = (app: 'hub' | 'worker', extra: Record<string, string>) => {
    const started = startCompiled(app, env(extra));
    apps.push(started);
    return started;
  };
  const ok = async (url: string) => (await fetch(url).catch(() => undefined))?.ok === true;

  beforeAll(async () => {
    ensureCompiled();
    db = await openTestDataSource();
    await truncateAll(db);
  }, 240_000);
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.kill('SIGKILL')));
    await db?.destroy();
  });

  it('should answer or refuse cleanly every request, keep every acknowledged batch, and exit 0', async () => {
    const hubPort = await childPort();
    healthPort = await childPort();
    hubUrl = `http://127.0.0.1:${hubPort}`;
    const hub = start('hub', { HUB_PORT: String(hubPort) });
    const worker = start('worker', { WORKER_HEALTH_PORT: String(healthPort) });
    await waitFor(() => ok(`${hubUrl}/health/ready`), 60_000, 100);
    await waitFor(() => ok(`http://127.0.0.1:${healthPort}/health/ready`), 60_000, 100);
    origin = await createActiveMember(hubUrl);
    peer = await createActiveMember(hubUrl);
    await delegateLogging(hubUrl, origin);

    const sent: Sent[] = [];
    const loop = async () => {
      for (;;) {
        const records = Array.from({ length: PER_BATCH }, () => messageRecord(origin.domain, peer.domain));
        const batch: Sent = { ids: records.map((r) => String(r.messageId)), sentAt: Date.now() };
        sent.push(batch);
        try {
          const res = await fetch(`${hubUrl}/v1/message-log`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${origin.token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify(records),
          });
          batch.status = res.status;
          await res.arrayBuffer();
        } catch (error) {
          batch.error = errorCode(error);
          if (batch.error === 'ECONNREFUSED') return; // the listener is closed: the hub is going
        }
      }
    };
    const probes: Probe[] = [];
    let probing = true;
    const probe = async (base: string, path: string) => {
      while (probing) {
        const at = Date.now();
        try {
          const res = await fetch(`${base}${path}`);
          const connection = res.headers.get('connection');
          probes.push({ at, path: `${base}${path}`, status: res.status, body: await res.json(), connection });
        } catch (error) {
          probes.push({ at, path: `${base}${path}`, status: errorCode(error) });
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const workerHealth = `http://127.0.0.1:${healthPort}`;
    const probing$ = [probe(hubUrl, '/health/ready'), probe(hubUrl, '/health/live'), probe(workerHealth, '/health/ready')];
    const loops = Array.from({ length: LOOPS }, () => loop());

    await waitFor(async () => sent.filter((b) => b.status === 200).length >= 30, 30_000, 10);
    const signalledAt = Date.now();
    hub.proc.kill('SIGTERM');
    worker.proc.kill('SIGTERM');
    const [hubExit, workerExit] = await Promise.all([hub.exited, worker.exited]);
    await Promise.all(loops);
    probing = false;
    await Promise.all(probing$);
    expect([hubExit.code, workerExit.code]).toEqual([0, 0]);

    // every request: answered 200, or refused cleanly (503, or the closed listener); nothing else
    const outcomes = new Set(sent.map((b) => b.status ?? b.error));
    for (const outcome of outcomes) expect([200, 503, 'ECONNREFUSED']).toContain(outcome);
    // the hub kept serving during the delay, after readiness had turned
    expect(sent.filter((b) => b.status === 200 && b.sentAt > signalledAt + 200).length).toBeGreaterThan(0);

    const during = (path: string) =>
      probes.filter((p) => p.path === path && p.at > signalledAt + 100 && p.at < signalledAt + SHUTDOWN_DELAY_MS - 200);
    expect(during(`${hubUrl}/health/ready`).length).toBeGreaterThan(0);
    for (const p of during(`${hubUrl}/health/ready`)) expect([p.status, p.body]).toEqual([503, { status: 'draining' }]);
    // still served, each answer closing its connection so that the client's next request goes elsewhere
    for (const p of during(`${hubUrl}/health/live`)) {
      expect([p.status, p.body, p.connection]).toEqual([200, { status: 'ok' }, 'close']);
    }
    const workerDraining = probes.filter((p) => p.path === `${workerHealth}/health/ready` && p.at > signalledAt + 100);
    // a probe cut by the health server's own close counts as not ready, like a refused one
    for (const p of workerDraining) expect([503, 'ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET']).toContain(p.status);

    // every acknowledged record is in the log; nothing else is
    const acked = sent.filter((b) => b.status === 200).flatMap((b) => b.ids);
    const logged: Array<{ message_id: string }> = await db.query('SELECT message_id FROM message_log WHERE origin = $1', [
      origin.domain,
    ]);
    expect(logged.map((r) => r.message_id).sort()).toEqual([...acked].sort());

    // a replacement worker counts every acknowledged batch once: none was lost in the queue
    const replacement = start('worker', { WORKER_HEALTH_PORT: String(healthPort) });
    const counted = async () =>
      Number(
        (
          await db.query('SELECT coalesce(sum(records), 0) AS n FROM message_log_daily_stats WHERE origin = $1', [origin.domain])
        )[0].n,
      );
    await waitFor(async () => (await counted()) === acked.length || null, 30_000, 100);
    const receipts = await db.query(`SELECT count(*)::int AS n FROM job_receipts WHERE queue = 'message-log'`);
    expect(receipts[0].n).toBe(acked.length / PER_BATCH);
    // the first worker may have counted everything already: stop the replacement once it has started
    // (a signal while it still waits for PostgreSQL and Redis ends it with Node's default, by design)
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${healthPort}/health/ready`).catch(() => null))?.status === 200 || null,
      30_000,
      50,
    );
    await replacement.kill('SIGTERM');
    expect(await replacement.exited).toEqual({ code: 0, signal: null });
  }, 120_000);
});
