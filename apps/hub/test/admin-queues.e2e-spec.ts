import request from 'supertest';
import { DataSource } from 'typeorm';
import { encodeCursor } from '@app/common';
import { OPERATOR_QUEUES, outboxJobKey, QueueName } from '@app/queue';
import { createActiveMember, operatorAuth, waitFor } from '@app/testing';
import { type QueueBackendName, type QueueBench, startQueueBench } from './queue-fixtures.js';

const QUEUE = QueueName.ChangeNotifications;
const BACKENDS: QueueBackendName[] = ['redis', 'postgresql'];

describe.each(BACKENDS)('admin queue routes on the %s backend (e2e)', (backend) => {
  let bench: QueueBench;
  const http = () => request(bench.hub.app.getHttpServer());
  const db = () => bench.hub.app.get(DataSource);
  const auditor = () => ({ Authorization: `Bearer ${bench.auditorToken}` });
  const parkedIds = async () =>
    (
      (await http().get(`/admin/v1/queues/${QUEUE}/parked`).set(operatorAuth).expect(200)).body.items as Array<{ id: string }>
    ).map((j) => j.id);
  const auditOf = async (jobId: string) =>
    (await http().get(`/admin/v1/audit?targetType=queue-job&targetId=${QUEUE}/${jobId}`).set(operatorAuth).expect(200)).body
      .items as Array<{ action: string; actor: { type: string } }>;

  beforeAll(async () => {
    bench = await startQueueBench(backend);
  });
  afterAll(() => bench?.close());
  beforeEach(() => {
    bench.refusing.value = true;
  });

  it('should list a job that failed for good in the failed set and as parked, to auditors too', async () => {
    const jobId = await bench.parkedDelivery();
    const parked = await http().get(`/admin/v1/queues/${QUEUE}/parked`).set(auditor()).expect(200);
    const item = (parked.body.items as Array<Record<string, unknown>>).find((j) => j.id === jobId);
    expect(item).toMatchObject({
      queue: QUEUE,
      name: 'deliver-change-notification',
      state: 'failed',
      parkedAt: expect.any(String),
      failedReason: expect.stringMatching(/answered 404/),
      attemptsMade: 1,
      payload: expect.objectContaining({ subscriberDomain: expect.any(String) }),
    });
    const failed = await http().get(`/admin/v1/queues/${QUEUE}/failed`).set(auditor()).expect(200);
    expect((failed.body.items as Array<{ id: string; parkedAt: string | null }>).find((j) => j.id === jobId)).toMatchObject({
      parkedAt: expect.any(String),
    });
    const overview = await http().get('/admin/v1/queues').set(auditor()).expect(200);
    expect(overview.body.backend).toBe(backend);
    expect((overview.body.queues as Array<{ name: string }>).map((q) => q.name)).toEqual(OPERATOR_QUEUES);
    const queue = (overview.body.queues as Array<{ name: string; counts: { failed: number }; parked: number }>).find(
      (q) => q.name === QUEUE,
    );
    expect(queue!.counts.failed).toBeGreaterThanOrEqual(1);
    expect(queue!.parked).toBeGreaterThanOrEqual(1);
  });

  it('should retry a parked job for an admin only, deliver it, and audit the retry', async () => {
    const jobId = await bench.parkedDelivery();
    await http().post(`/admin/v1/queues/${QUEUE}/jobs/${jobId}/retry`).set(auditor()).expect(403);
    bench.refusing.value = false;
    const retried = await http().post(`/admin/v1/queues/${QUEUE}/jobs/${jobId}/retry`).set(operatorAuth).expect(200);
    expect(retried.body).toMatchObject({ id: jobId, state: 'waiting', parkedAt: null });

    await waitFor(async () => {
      const rows: unknown[] = await db().query('SELECT 1 FROM job_receipts WHERE job_id = $1', [jobId]);
      return rows.length > 0;
    });
    expect(bench.receiver.requests.filter((r) => r.headers['idempotency-key'] === jobId)).toHaveLength(2);
    expect(await parkedIds()).not.toContain(jobId);
    const [row] = (await db().query('SELECT parked_at FROM outbox WHERE job_key = $1', [outboxJobKey(jobId)])) as Array<{
      parked_at: Date | null;
    }>;
    expect(row.parked_at).toBeNull();
    expect(await auditOf(jobId)).toEqual([
      expect.objectContaining({ action: 'queue-job.retry', actor: expect.objectContaining({ type: 'operator' }) }),
    ]);
    // done: nothing left to retry
    await http().post(`/admin/v1/queues/${QUEUE}/jobs/${jobId}/retry`).set(operatorAuth).expect(409);
  });

  it('should discard a parked job: no longer failed nor parked, its row kept as discarded, audited', async () => {
    const jobId = await bench.parkedDelivery();
    await http().post(`/admin/v1/queues/${QUEUE}/jobs/${jobId}/discard`).set(auditor()).expect(403);
    await http().post(`/admin/v1/queues/${QUEUE}/jobs/${jobId}/discard`).set(operatorAuth).expect(200);

    expect(await parkedIds()).not.toContain(jobId);
    const failed = await http().get(`/admin/v1/queues/${QUEUE}/failed?limit=100`).set(operatorAuth).expect(200);
    expect((failed.body.items as Array<{ id: string }>).map((j) => j.id)).not.toContain(jobId);
    const [row] = (await db().query('SELECT parked_at, discarded_at FROM outbox WHERE job_key = $1', [
      outboxJobKey(jobId),
    ])) as Array<{
      parked_at: Date | null;
      discarded_at: Date | null;
    }>;
    expect(row.parked_at).not.toBeNull();
    expect(row.discarded_at).not.toBeNull();
    expect((await auditOf(jobId)).map((a) => a.action)).toEqual(['queue-job.discard']);
    await http().post(`/admin/v1/queues/${QUEUE}/jobs/${jobId}/discard`).set(operatorAuth).expect(409);
    await http().post(`/admin/v1/queues/${QUEUE}/jobs/${jobId}/retry`).set(operatorAuth).expect(409);
  });

  it('should page the parked rows with a cursor', async () => {
    await bench.parkedDelivery();
    await bench.parkedDelivery();
    const first = await http().get(`/admin/v1/queues/${QUEUE}/parked?limit=1`).set(operatorAuth).expect(200);
    expect(first.body.items).toHaveLength(1);
    const second = await http()
      .get(`/admin/v1/queues/${QUEUE}/parked?limit=1&cursor=${first.body.nextCursor as string}`)
      .set(operatorAuth)
      .expect(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });

  it('should refuse bad input with a problem naming the field, and unknown queues and jobs with 404', async () => {
    const member = await createActiveMember(bench.hub.app);
    await http().get(`/admin/v1/queues/${QUEUE}/parked`).expect(401);
    await http()
      .get(`/admin/v1/queues/${QUEUE}/parked`)
      .set({ Authorization: `Bearer ${member.token}` })
      .expect(403);
    for (const cursor of [
      'garbage!',
      encodeCursor({ id: '-1' }),
      encodeCursor({ offset: 'x' }),
      encodeCursor({ id: '99999999999999999999' }),
    ]) {
      for (const list of ['parked', 'failed']) {
        const res = await http()
          .get(`/admin/v1/queues/${QUEUE}/${list}?cursor=${encodeURIComponent(cursor)}`)
          .set(operatorAuth);
        expect(res.status).toBe(400);
        expect(res.body.invalidParams).toEqual([expect.objectContaining({ name: 'cursor' })]);
      }
    }
    for (const limit of ['0', '101', '1.5', 'x']) {
      const res = await http().get(`/admin/v1/queues/${QUEUE}/failed?limit=${limit}`).set(operatorAuth).expect(400);
      expect(res.body.invalidParams).toEqual([expect.objectContaining({ name: 'limit' })]);
    }
    await http().get('/admin/v1/queues/no-such-queue/failed').set(operatorAuth).expect(404);
    await http().post('/admin/v1/queues/no-such-queue/jobs/outbox-x/retry').set(operatorAuth).expect(404);
    const badId = await http()
      .post(`/admin/v1/queues/${QUEUE}/jobs/${encodeURIComponent('a b\u0000')}/retry`)
      .set(operatorAuth)
      .expect(400);
    expect(badId.body.invalidParams).toEqual([expect.objectContaining({ name: 'jobId' })]);
    await http()
      .post(`/admin/v1/queues/${QUEUE}/jobs/outbox-00000000-0000-4000-8000-000000000000/retry`)
      .set(operatorAuth)
      .expect(404);
    await http().post(`/admin/v1/queues/${QUEUE}/jobs/outbox-not-a-uuid/discard`).set(operatorAuth).expect(404);
  });
});
