import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** A record to store for one destination of its task, in stream order within the call. */
export interface NewLiRecord {
  xid: string;
  destinationId: string;
  sealed: Buffer;
}

/** A record to send, with its number in its (task, destination) stream. */
export interface LiRecordToSend {
  id: string;
  xid: string;
  seq: number;
  sealed: Buffer;
}

/** The records to send a destination next; `resent` when it is the batch an attempt that failed sent. */
export interface LiSendBatch {
  records: LiRecordToSend[];
  resent: boolean;
}

/**
 * Interception records waiting for their destination. Matching stores them without numbers, so
 * matching jobs running at once share no row. The delivery worker that holds a destination's
 * lease numbers the next batch when it first sends it and keeps that batch on the destination's
 * delivery state until it is acknowledged; then the records are deleted. Each record is written
 * once and deleted once; its number is never written to its row.
 */
@Injectable()
export class LiRecordRepository {
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
   * What to send the destination next: the batch in flight, unchanged (same records, same
   * numbers), until it is acknowledged; else its oldest `limit` records, each numbered on from its
   * stream's last number, recorded as in flight. A record stored late by a matching job that
   * committed after others is numbered after every number already given, so each stream's numbers
   * only rise at the destination. Only while `holder` leases the destination (its state row is
   * locked for the transaction, so two workers never number one stream): null when the lease is gone.
   */
  async nextBatch(destinationId: string, holder: string, limit: number, manager: EntityManager): Promise<LiSendBatch | null> {
    const [state]: Array<{ ids: string[] | null; seqs: string[] | null }> = await manager.query(
      `SELECT in_flight_ids::text[] AS ids, in_flight_seqs::text[] AS seqs FROM li_delivery_state
        WHERE destination_id = $1 AND leased_by = $2 AND leased_until > now() FOR UPDATE`,
      [destinationId, holder],
    );
    if (!state) return null;
    if (state.ids?.length && state.seqs) {
      const rows = await this.rows(manager, `destination_id = $1 AND id = ANY($2::bigint[])`, [destinationId, state.ids]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      const records = state.ids.flatMap((id, i): LiRecordToSend[] => {
        const row = byId.get(id);
        return row ? [{ ...row, seq: Number(state.seqs?.[i]) }] : [];
      });
      if (records.length > 0) return { records, resent: true };
      // nothing of it is left to send: it must not hold the destination up
      await this.clearInFlight(destinationId, manager);
    }
    const rows = await this.rows(manager, `destination_id = $1 ORDER BY id LIMIT $2`, [destinationId, limit]);
    if (rows.length === 0) return { records: [], resent: false };
    const records = await this.number(destinationId, rows, manager);
    await manager.query(
      `UPDATE li_delivery_state SET in_flight_ids = $2::bigint[], in_flight_seqs = $3::bigint[] WHERE destination_id = $1`,
      [destinationId, records.map((r) => r.id), records.map((r) => r.seq)],
    );
    return { records, resent: false };
  }

  /** The batch in flight reached its destination: its records are deleted (the agency has them) and nothing is in flight. */
  async delivered(destinationId: string, ids: readonly string[], manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM li_records WHERE destination_id = $1 AND id = ANY($2::bigint[])`, [destinationId, ids]);
    await this.clearInFlight(destinationId, manager);
  }

  private async clearInFlight(destinationId: string, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE li_delivery_state SET in_flight_ids = NULL, in_flight_seqs = NULL WHERE destination_id = $1`, [
      destinationId,
    ]);
  }

  private rows(
    manager: EntityManager,
    where: string,
    params: unknown[],
  ): Promise<Array<{ id: string; xid: string; sealed: Buffer }>> {
    return manager.query(`SELECT id::text AS id, xid, sealed FROM li_records WHERE ${where}`, params);
  }

  /** Numbers `rows` in the order given, each stream on from its last number (one statement for the counters). */
  private async number(
    destinationId: string,
    rows: ReadonlyArray<{ id: string; xid: string; sealed: Buffer }>,
    manager: EntityManager,
  ): Promise<LiRecordToSend[]> {
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.xid, (counts.get(r.xid) ?? 0) + 1);
    const xids = [...counts.keys()].sort();
    const taken: Array<{ xid: string; lastSeq: string }> = await manager.query(
      `INSERT INTO li_record_streams AS s (xid, destination_id, last_seq)
       SELECT x, $1, n FROM unnest($2::uuid[], $3::bigint[]) AS t(x, n)
       ON CONFLICT (xid, destination_id) DO UPDATE SET last_seq = s.last_seq + EXCLUDED.last_seq
       RETURNING s.xid, s.last_seq::text AS "lastSeq"`,
      [destinationId, xids, xids.map((x) => counts.get(x))],
    );
    const next = new Map(taken.map((t) => [t.xid, Number(t.lastSeq) - (counts.get(t.xid) ?? 0) + 1]));
    return rows.map((r) => {
      const seq = next.get(r.xid) ?? 1;
      next.set(r.xid, seq + 1);
      return { ...r, seq };
    });
  }
}
