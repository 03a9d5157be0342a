import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createActiveMember, DisposableRedis, operatorAuth, testConfig, waitFor } from '@app/testing';
import { OutboxDispatcher } from '@app/queue';
import { startTestHub, startTestWorker, TestHub } from '../../hub/test/test-hub.js';

interface Receipt {
  job_id: string;
  result: { domain: string; from: string | null; to: string };
}

describe('member-events worker (e2e)', () => {
  let redis: DisposableRedis;
  let hub: TestHub;
  let worker: INestApplicationContext;
  const http = () => request(hub.app.getHttpServer());
  const db = () => hub.app.get(DataSource);
  const receiptsFor = (domain: string): Promise<Receipt[]> =>
    db().query(`SELECT job_id, result FROM job_receipts WHERE result->>'domain' = $1 ORDER BY completed_at`, [domain]);

  beforeAll(async () => {
    // a private Redis so this test can take it down without disturbing anything else
    redis = await DisposableRedis.start();
    const config = testConfig({ REDIS_URL: redis.url });
    hub = await startTestHub(config);
    await hub.reset();
    worker = await startTestWorker(config);
  });
  afterAll(async () => {
    await worker?.close();
    await hub?.close();
    await redis?.down();
  });

  it('should deliver a member-events job for every status change', async () => {
    const { domain } = await createActiveMember(hub.app);
    await http().post(`/admin/v1/members/${domain}/suspend`).set(operatorAuth).send({}).expect(200);
    const receipts = await waitFor(async () => {
      const rows = await receiptsFor(domain);
      return rows.length === 3 ? rows : null;
    });
    expect(receipts.map((r) => r.result.to).sort()).toEqual(['active', 'pending', 'suspended']);
    expect(receipts.every((r) => r.job_id.startsWith('outbox-'))).toBe(true);
    const pending = await db().query('SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL');
    expect(pending[0].n).toBe(0);
  });

  it('should keep the event in the outbox while Redis is down and deliver it when Redis is back', async () => {
    const { domain } = await createActiveMember(hub.app);
    await waitFor(async () => (await receiptsFor(domain)).length === 2);

    await redis.down();
    await http().post(`/admin/v1/members/${domain}/suspend`).set(operatorAuth).send({ reason: 'outage test' }).expect(200);
    // the state change committed even though the queue is unreachable; the event waits in the outbox
    await new Promise((r) => setTimeout(r, 1500));
    const waiting = await db().query(
      `SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL AND payload->>'domain' = $1`,
      [domain],
    );
    expect(waiting[0].n).toBe(1);
    expect(await receiptsFor(domain)).toHaveLength(2);

    await redis.up();
    const receipts = await waitFor(async () => {
      const rows = await receiptsFor(domain);
      return rows.length === 3 ? rows : null;
    }, 30_000);
    expect(receipts.at(-1)?.result).toEqual({ domain, from: 'active', to: 'suspended' });
  });

  it('should not apply a redelivered job twice', async () => {
    const { domain } = await createActiveMember(hub.app);
    await waitFor(async () => (await receiptsFor(domain)).length === 2);
    // simulate a dispatcher that crashed after adding the jobs but before marking the rows
    await db().query(`UPDATE outbox SET dispatched_at = NULL WHERE payload->>'domain' = $1`, [domain]);
    await worker.get(OutboxDispatcher).dispatchOnce();
    await new Promise((r) => setTimeout(r, 500));
    expect(await receiptsFor(domain)).toHaveLength(2);
  });
});
