import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** A record to store for one destination of its task, in stream order within the call. */
export interface NewLiRecord {
  xid: string;
  destinationId: string;
  sealed: Buffer;
}

/** A record waiting for its destination. */
export interface PendingLiRecord {
  id: string;
  xid: string;
  seq: number;
  sealed: Buffer;
}

/** Interception records per (task, destination) stream: numbered on the way in, marked delivered on the way out. */
@Injectable()
export class LiRecordRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores records, numbering each (task, destination) stream on from its last number. The
   * streams' counters are taken in one statement in a fixed order (xid, destination), so two
   * matchers writing to the same streams wait for each other instead of deadlocking, and a
   * stream's numbers follow commit order.
   */
  async append(records: readonly NewLiRecord[], manager: EntityManager): Promise<number> {
    if (records.length === 0) return 0;
    const counts = new Map<string, { xid: string; destinationId: string; n: number }>();
    for (const r of records) {
      const key = `${r.xid} ${r.destinationId}`;
      const stream = counts.get(key);
      if (stream) stream.n++;
      else counts.set(key, { xid: r.xid, destinationId: r.destinationId, n: 1 });
    }
    const streams = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
    const taken: Array<{ xid: string; destinationId: string; lastSeq: string }> = await manager.query(
      `INSERT INTO li_record_streams AS s (xid, destination_id, last_seq)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[])
       ON CONFLICT (xid, destination_id) DO UPDATE SET last_seq = s.last_seq + EXCLUDED.last_seq
       RETURNING s.xid, s.destination_id AS "destinationId", s.last_seq::text AS "lastSeq"`,
      [streams.map((s) => s.xid), streams.map((s) => s.destinationId), streams.map((s) => s.n)],
    );
    const next = new Map<string, number>();
    for (const t of taken) {
      const key = `${t.xid} ${t.destinationId}`;
      next.set(key, Number(t.lastSeq) - (counts.get(key)?.n ?? 0) + 1);
    }
    const seqs = records.map((r) => {
      const key = `${r.xid} ${r.destinationId}`;
      const seq = next.get(key) ?? 1;
      next.set(key, seq + 1);
      return seq;
    });
    await manager.query(
      `INSERT INTO li_records (xid, destination_id, seq, sealed)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::bytea[])`,
      [records.map((r) => r.xid), records.map((r) => r.destinationId), seqs, records.map((r) => r.sealed)],
    );
    return records.length;
  }

  /** The destination's oldest undelivered records, in the order they were stored (each stream in its order). */
  async pending(destinationId: string, limit: number): Promise<PendingLiRecord[]> {
    const rows: Array<{ id: string; xid: string; seq: string; sealed: Buffer }> = await this.dataSource.query(
      `SELECT id::text AS id, xid, seq::text AS seq, sealed FROM li_records
        WHERE destination_id = $1 AND delivered_at IS NULL ORDER BY id LIMIT $2`,
      [destinationId, limit],
    );
    return rows.map((r) => ({ id: r.id, xid: r.xid, seq: Number(r.seq), sealed: r.sealed }));
  }

  /** Marks records delivered. */
  async delivered(destinationId: string, ids: readonly string[], manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(
      `UPDATE li_records SET delivered_at = now() WHERE destination_id = $1 AND id = ANY($2::bigint[]) AND delivered_at IS NULL`,
      [destinationId, ids],
    );
  }
}
