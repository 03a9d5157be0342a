import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openTestDataSource, truncateAll } from '@app/testing';
import { LiDeliveryRepository } from './li-delivery.repository.js';
import { type LiSendBatch, type NewLiRecord, LiRecordRepository } from './li-record.repository.js';

const HOLDER = 'worker-1';
const LEASE_MS = 60_000;

describe('LiRecordRepository: records numbered per stream when first sent, deleted once delivered (integration)', () => {
  let dataSource: DataSource;
  let delivery: LiDeliveryRepository;
  const records = new LiRecordRepository();
  const destination = randomUUID();
  const [taskA, taskB] = [randomUUID(), randomUUID()];
  const stored = (xid: string, label: string): NewLiRecord => ({ xid, destinationId: destination, sealed: Buffer.from(label) });
  const append = (...rows: NewLiRecord[]) => dataSource.transaction((m) => records.append(rows, m));
  const next = (limit = 10, holder = HOLDER) => dataSource.transaction((m) => records.nextBatch(destination, holder, limit, m));
  const delivered = (batch: LiSendBatch | null) =>
    dataSource.transaction((m) =>
      records.delivered(
        destination,
        (batch?.records ?? []).map((r) => r.id),
        m,
      ),
    );
  /** A batch as `A1:a1 B1:b1`: task, number, content; `resent` marks a batch sent again. */
  const view = (batch: LiSendBatch | null) =>
    batch &&
    `${batch.resent ? 'resent ' : ''}${batch.records.map((r) => `${r.xid === taskA ? 'A' : 'B'}${r.seq}:${r.sealed.toString()}`).join(' ')}`;
  const stillStored = async () =>
    ((await dataSource.query(`SELECT sealed FROM li_records ORDER BY id`)) as Array<{ sealed: Buffer }>).map((r) =>
      r.sealed.toString(),
    );

  beforeAll(async () => {
    dataSource = await openTestDataSource();
    delivery = new LiDeliveryRepository(dataSource);
  });
  afterAll(() => dataSource?.destroy());
  beforeEach(async () => {
    await truncateAll(dataSource);
    expect(await delivery.lease(destination, HOLDER, LEASE_MS)).not.toBeNull();
  });

  it('should number each stream in the order the records are sent, and delete them once delivered', async () => {
    await append(stored(taskA, 'a1'), stored(taskB, 'b1'), stored(taskA, 'a2'));
    const first = await next();
    expect(view(first)).toBe('A1:a1 B1:b1 A2:a2');
    await delivered(first);
    expect(await stillStored()).toEqual([]);

    await append(stored(taskA, 'a3'));
    expect(view(await next())).toBe('A3:a3');
  });

  it('should send the batch of a failed attempt again unchanged, and number a late record after it', async () => {
    await append(stored(taskA, 'a1'), stored(taskA, 'a2'), stored(taskA, 'a3'));
    expect(view(await next(2))).toBe('A1:a1 A2:a2');
    // the attempt failed; meanwhile a matching job that committed late stored a record with a lower id
    const [{ lowest }] = await dataSource.query(`SELECT min(id) AS lowest FROM li_records`);
    await append(stored(taskA, 'late'));
    await dataSource.query(`UPDATE li_records SET id = $1::bigint - 1 WHERE sealed = 'late'`, [lowest]);

    const retry = await next(2);
    expect(view(retry)).toBe('resent A1:a1 A2:a2');
    expect(view(await next(2))).toBe('resent A1:a1 A2:a2');
    await delivered(retry);
    expect(view(await next())).toBe('A3:late A4:a3');
    expect(await stillStored()).toEqual(['late', 'a3']);
  });

  it('should not be held up by a batch in flight whose records are gone', async () => {
    await append(stored(taskA, 'a1'));
    expect(view(await next())).toBe('A1:a1');
    await dataSource.query(`DELETE FROM li_records`);
    await append(stored(taskA, 'a2'));
    expect(view(await next())).toBe('A2:a2');
  });

  it('should give nothing to a worker that does not hold the lease, and number nothing for it', async () => {
    await append(stored(taskA, 'a1'));
    expect(await next(10, 'worker-2')).toBeNull();
    await delivery.release(destination, HOLDER);
    expect(await next()).toBeNull();
    expect(await dataSource.query(`SELECT * FROM li_record_streams`)).toEqual([]);
    expect(await dataSource.query(`SELECT in_flight_ids FROM li_delivery_state`)).toEqual([{ in_flight_ids: null }]);
  });
});
