import { DataSource } from 'typeorm';
import { MessageLogVerification } from '@app/message-log';
import {
  childPort,
  compiledAppEnv,
  createActiveMember,
  delegateLogging,
  ensureCompiled,
  messageRecord,
  startCompiled,
  testConfig,
  waitFor,
  type ActiveMember,
  type CompiledApp,
} from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

const LOOPS = 8;
const PER_BATCH = 200;

/**
 * A hub process killed with SIGKILL in the middle of heavy ingest: every batch it acknowledged is
 * in the log, every other batch is either wholly there (committed, answer lost) or wholly absent,
 * and each origin's chain is still gap-free and verifies.
 */
describe('message log under a hub crash (e2e)', () => {
  let setup: TestHub;
  let crashing: CompiledApp | undefined;
  let members: ActiveMember[];
  let peer: ActiveMember;
  const config = testConfig();
  const db = () => setup.app.get(DataSource);

  beforeAll(async () => {
    ensureCompiled();
    setup = await startTestHub(config);
    await setup.reset();
    peer = await createActiveMember(setup.app, 'peer.example.org');
    members = [];
    for (const d of ['o1.example.com', 'o2.example.com']) {
      const m = await createActiveMember(setup.app, d);
      await delegateLogging(setup.app, m);
      members.push(m);
    }
  }, 240_000);
  afterAll(async () => {
    await crashing?.kill();
    await setup?.close();
  });

  it('should lose no acknowledged record and leave no partial batch', async () => {
    const port = await childPort();
    crashing = startCompiled('hub', compiledAppEnv(config, { HUB_PORT: String(port) }));
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${url}/health/ready`)).ok, 60_000, 100);

    const sent: Array<{ ids: string[]; acked: boolean }> = [];
    let stop = false;
    const loop = async (member: ActiveMember) => {
      while (!stop) {
        const records = Array.from({ length: PER_BATCH }, () => messageRecord(member.domain, peer.domain));
        const batch = { ids: records.map((r) => `${member.domain}/${String(r.messageId)}`), acked: false };
        sent.push(batch);
        try {
          const res = await fetch(`${url}/v1/message-log`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${member.token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify(records),
          });
          const body = (await res.json()) as { counts?: { accepted: number } };
          batch.acked = res.status === 200 && body.counts?.accepted === PER_BATCH;
        } catch {
          return; // the hub is gone
        }
      }
    };
    const loops = Array.from({ length: LOOPS }, (_, i) => loop(members[i % members.length]));
    await waitFor(async () => sent.filter((b) => b.acked).length >= 20, 60_000, 5);
    await crashing.kill('SIGKILL');
    stop = true;
    await Promise.all(loops);

    const logged = new Set<string>(
      (await db().query('SELECT origin, message_id FROM message_log')).map(
        (r: { origin: string; message_id: string }) => `${r.origin}/${r.message_id}`,
      ),
    );
    const acked = sent.filter((b) => b.acked);
    expect(acked.length).toBeGreaterThanOrEqual(20);
    for (const batch of acked) expect(batch.ids.every((id) => logged.has(id))).toBe(true);
    for (const batch of sent) {
      const present = batch.ids.filter((id) => logged.has(id)).length;
      expect([0, PER_BATCH]).toContain(present);
    }
    const [{ keys }] = await db().query('SELECT count(*)::int AS keys FROM message_log_keys');
    expect(keys).toBe(logged.size);

    for (const m of members) {
      const [{ n }] = await db().query('SELECT count(*)::int AS n FROM message_log WHERE origin = $1', [m.domain]);
      const report = await setup.app.get(MessageLogVerification).verify(m.domain);
      expect(report).toMatchObject({ ok: true, checkedRecords: n, checkedCheckpoints: 0 });
    }
  }, 180_000);
});
