import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openTestDataSource, truncateAll } from '@app/testing';
import { LiDeliveryRepository } from './li-delivery.repository.js';
import { type NewLiRecord, type PendingLiRecord, LiRecordRepository } from './li-record.repository.js';

const HOLDER = 'worker-1';
const LEASE_MS = 60_000;

describe('LiRecordRepository: records numbered per stream when first sent (integration)', () => {
  let dataSource: DataSource;
  let records: LiRecordRepository;
  let delivery: LiDeliveryRepository;
  const destination = randomUUID();
  const [taskA, taskB] = [randomUUID(), randomUUID()];
  const stored = (xid: string, label: string): NewLiRecord => ({ xid, destinationId: destination, sealed: Buffer.from(label) });
  const append = (...rows: NewLiRecord[]) => dataSource.transaction((m) => records.append(rows, m));
  const number = (pending: PendingLiRecord[], holder = HOLDER) =>
    dataSource.transaction((m) => records.number(destination, holder, pending, m));
  const delivered = (pending: PendingLiRecord[]) =>
    dataSource.transaction((m) =>
      records.delivered(
        destination,
        pending.map((r) => r.id),
        m,
      ),
    );
  const view = (rows: Array<{ xid: string; seq: number | null; sealed: Buffer }>) =>
    rows.map((r) => `${r.xid === taskA ? 'A' : 'B'}${r.seq ?? '-'}:${r.sealed.toString()}`);

  beforeAll(async () => {
    dataSource = await openTestDataSource();
    records = new LiRecordRepository(dataSource);
    delivery = new LiDeliveryRepository(dataSource);
  });
  afterAll(() => dataSource?.destroy());
  beforeEach(async () => {
    await truncateAll(dataSource);
    expect(await delivery.lease(destination, HOLDER, LEASE_MS)).not.toBeNull();
  });

  it('should store records unnumbered and number each stream in the order they are sent', async () => {
    await append(stored(taskA, 'a1'), stored(taskB, 'b1'), stored(taskA, 'a2'));
    const pending = await records.pending(destination, 10);
    expect(view(pending)).toEqual(['A-:a1', 'B-:b1', 'A-:a2']);

    expect(view((await number(pending)) ?? [])).toEqual(['A1:a1', 'B1:b1', 'A2:a2']);
    await delivered(pending);
    await append(stored(taskA, 'a3'));
    expect(view((await number(await records.pending(destination, 10))) ?? [])).toEqual(['A3:a3']);
  });

  it('should resend what a failed attempt numbered first, with its numbers, and number later records after it', async () => {
    await append(stored(taskA, 'a1'), stored(taskA, 'a2'), stored(taskA, 'a3'));
    const first = await number(await records.pending(destination, 2));
    expect(view(first ?? [])).toEqual(['A1:a1', 'A2:a2']);
    // the attempt failed; meanwhile a record stored by a matching job that committed late
    const late = await dataSource.query(`SELECT min(id) AS id FROM li_records`);
    await append(stored(taskA, 'late'));
    await dataSource.query(`UPDATE li_records SET id = $1::bigint - 1 WHERE sealed = 'late'`, [late[0].id]);

    const retry = await records.pending(destination, 2);
    expect(view(retry)).toEqual(['A1:a1', 'A2:a2']);
    expect(view((await number(retry)) ?? [])).toEqual(['A1:a1', 'A2:a2']);
    await delivered(retry);
    // the late record (the lowest id) and the next one get the numbers after those already given
    expect(view((await number(await records.pending(destination, 10))) ?? [])).toEqual(['A3:late', 'A4:a3']);
  });

  it('should number nothing for a worker that does not hold the lease', async () => {
    await append(stored(taskA, 'a1'));
    const pending = await records.pending(destination, 10);
    expect(await number(pending, 'worker-2')).toBeNull();
    await delivery.release(destination, HOLDER);
    expect(await number(pending)).toBeNull();
    expect(view(await records.pending(destination, 10))).toEqual(['A-:a1']);
    expect(await dataSource.query(`SELECT * FROM li_record_streams`)).toEqual([]);
  });
});
