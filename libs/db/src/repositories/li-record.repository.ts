import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** A record to store for one destination of its task, in stream order within the call. */
export interface NewLiRecord {
  xid: string;
  destinationId: string;
  sealed: Buffer;
}

/** A record waiting for its destination; numbered when it is first sent. */
export interface PendingLiRecord {
  id: string;
  xid: string;
  seq: number | null;
  sealed: Buffer;
}

/** A record about to be sent, with its number in its (task, destination) stream. */
export type NumberedLiRecord = PendingLiRecord & { seq: number };

/**
 * Interception records per (task, destination) stream: stored unnumbered by matching, numbered by
 * the one delivery worker that holds the destination's lease when it first sends them, marked
 * delivered on the way out.
 */
@Injectable()
export class LiRecordRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores records without numbers: matching jobs running at once share no row, so none waits
   * for another's commit (a per-stream counter here held its row lock until each job's commit).
   */
  async append(records: readonly NewLiRecord[], manager: EntityManager): Promise<number> {
    if (records.length === 0) return 0;
    await manager.query(
      `INSERT INTO li_records (xid, destination_id, sealed)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bytea[])`,
      [records.map((r) => r.xid), records.map((r) => r.destinationId), records.map((r) => r.sealed)],
    );
    return records.length;
  }

  /**
   * Numbers the records that have no number yet, each stream on from its last number, in the
   * order given (the order they are sent in), so a stream's numbers follow the order its
   * destination receives them. Only while `holder` leases the destination (its state row is locked
   * for the transaction, so two workers never number one stream); null when the lease is gone.
   */
  async number(
    destinationId: string,
    holder: string,
    records: readonly PendingLiRecord[],
    manager: EntityManager,
  ): Promise<NumberedLiRecord[] | null> {
    const held: unknown[] = await manager.query(
      `SELECT 1 FROM li_delivery_state WHERE destination_id = $1 AND leased_by = $2 AND leased_until > now() FOR UPDATE`,
      [destinationId, holder],
    );
    if (held.length === 0) return null;
    const unnumbered = records.filter((r) => r.seq === null);
    const counts = new Map<string, number>();
    for (const r of unnumbered) counts.set(r.xid, (counts.get(r.xid) ?? 0) + 1);
    const next = new Map<string, number>();
    if (counts.size > 0) {
      const xids = [...counts.keys()].sort();
      const taken: Array<{ xid: string; lastSeq: string }> = await manager.query(
        `INSERT INTO li_record_streams AS s (xid, destination_id, last_seq)
         SELECT x, $1, n FROM unnest($2::uuid[], $3::bigint[]) AS t(x, n)
         ON CONFLICT (xid, destination_id) DO UPDATE SET last_seq = s.last_seq + EXCLUDED.last_seq
         RETURNING s.xid, s.last_seq::text AS "lastSeq"`,
        [destinationId, xids, xids.map((x) => counts.get(x))],
      );
      for (const t of taken) next.set(t.xid, Number(t.lastSeq) - (counts.get(t.xid) ?? 0) + 1);
    }
    const numbered = records.map((r): NumberedLiRecord => {
      if (r.seq !== null) return { ...r, seq: r.seq };
      const seq = next.get(r.xid) ?? 1;
      next.set(r.xid, seq + 1);
      return { ...r, seq };
    });
    const fresh = numbered.filter((r, i) => records[i].seq === null);
    if (fresh.length > 0) {
      await manager.query(
        `UPDATE li_records r SET seq = t.seq FROM unnest($2::bigint[], $3::bigint[]) AS t(id, seq)
          WHERE r.destination_id = $1 AND r.id = t.id AND r.seq IS NULL`,
        [destinationId, fresh.map((r) => r.id), fresh.map((r) => r.seq)],
      );
    }
    return numbered;
  }

  /**
   * The destination's next records to send: first those numbered by an earlier attempt that
   * failed (in their streams' order), then unnumbered ones in the order they were stored. A record
   * stored late by a matching job that committed after others gets its number when it is sent,
   * after every number already given, so each stream's numbers only ever rise at the destination.
   */
  async pending(destinationId: string, limit: number): Promise<PendingLiRecord[]> {
    const rows: Array<{ id: string; xid: string; seq: string | null; sealed: Buffer }> = await this.dataSource.query(
      `SELECT id::text AS id, xid, seq::text AS seq, sealed FROM li_records
        WHERE destination_id = $1 AND delivered_at IS NULL ORDER BY seq, id LIMIT $2`,
      [destinationId, limit],
    );
    return rows.map((r) => ({ id: r.id, xid: r.xid, seq: r.seq === null ? null : Number(r.seq), sealed: r.sealed }));
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
