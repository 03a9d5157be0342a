import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** A run of consecutive chain positions of one origin about to be removed (hashes in hex). */
export interface SeqRun {
  origin: string;
  fromSeq: number;
  toSeq: number;
  count: number;
  /** prev_hash of the first record of the run */
  hashBefore: string;
  /** chain_hash of the last record of the run */
  hashAfter: string;
}

export interface NewCheckpoint extends SeqRun {
  signature: string;
  reason: 'retention';
}

/**
 * Serialises retention with itself (several workers) and with the placing of legal holds, so a
 * hold committed before a deletion batch starts is always seen by it.
 */
const RETENTION_LOCK_KEY = 0x68756272; // "hubr"
const PARTITION_NAME = /^message_log_p\d{8}$/;

/**
 * Gaps and islands over (origin, seq) of the rows `src` yields: consecutive seqs share
 * seq - row_number(), so each group is one contiguous run; its hashes come from its two ends.
 */
const runsSql = (src: string, materialized: boolean) => `
  WITH src AS ${materialized ? '' : 'NOT '}MATERIALIZED (${src}),
  runs AS (
    SELECT origin, min(seq) AS from_seq, max(seq) AS to_seq, count(*) AS n
    FROM (SELECT origin, seq, seq - row_number() OVER (PARTITION BY origin ORDER BY seq) AS grp FROM src) s
    GROUP BY origin, grp
  )
  SELECT r.origin, r.from_seq, r.to_seq, r.n, encode(f.prev_hash, 'hex') AS hash_before,
         encode(l.chain_hash, 'hex') AS hash_after
  FROM runs r
  JOIN src f ON f.origin = r.origin AND f.seq = r.from_seq
  JOIN src l ON l.origin = r.origin AND l.seq = r.to_seq
  ORDER BY r.origin, r.from_seq`;

type RunRow = { origin: string; from_seq: string; to_seq: string; n: string; hash_before: string; hash_after: string };
const toRun = (r: RunRow): SeqRun => ({
  origin: r.origin,
  fromSeq: Number(r.from_seq),
  toSeq: Number(r.to_seq),
  count: Number(r.n),
  hashBefore: r.hash_before,
  hashAfter: r.hash_after,
});

function checkedPartition(name: string): string {
  if (!PARTITION_NAME.test(name)) throw new Error(`'${name}' is not a message-log partition`);
  return name;
}

/**
 * Removal of expired message-log records (retention): whole partitions or bounded row batches,
 * each in the caller's transaction together with the checkpoints that attest it.
 */
@Injectable()
export class MessageLogPruneRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Takes the retention lock until the transaction ends. */
  async lockRetention(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [RETENTION_LOCK_KEY]);
  }

  /** Every origin that has a chain. */
  async origins(): Promise<string[]> {
    const rows: Array<{ origin: string }> = await this.dataSource.query('SELECT origin FROM message_log_chains ORDER BY origin');
    return rows.map((r) => r.origin);
  }

  /**
   * Whether the partition still exists: the partition list is read before the retention lock, so
   * another run (another worker) may have dropped it meanwhile.
   */
  async partitionExists(partition: string, manager: EntityManager): Promise<boolean> {
    const [row]: Array<{ oid: string | null }> = await manager.query('SELECT to_regclass($1) AS oid', [
      checkedPartition(partition),
    ]);
    return row?.oid != null;
  }

  /** Whether the partition holds a record carrying one of `tags`. */
  async partitionHasTagged(partition: string, tags: string[], manager: EntityManager): Promise<boolean> {
    if (tags.length === 0) return false;
    const rows: unknown[] = await manager.query(`SELECT 1 FROM ${checkedPartition(partition)} WHERE tags && $1::text[] LIMIT 1`, [
      tags,
    ]);
    return rows.length > 0;
  }

  /** The contiguous seq runs of every origin in the partition. */
  async partitionRuns(partition: string, manager: EntityManager): Promise<SeqRun[]> {
    const src = `SELECT origin, seq, prev_hash, chain_hash FROM ${checkedPartition(partition)}`;
    return ((await manager.query(runsSql(src, false))) as RunRow[]).map(toRun);
  }

  /**
   * Deletes the partition's idempotency keys, then drops it, provided it still holds exactly
   * `expectedRecords` (the records its checkpoints cover). Ingest may still write a late record
   * into an old partition: the count is taken under the lock DROP needs anyway (which also keeps
   * writers out until commit), and false means nothing must be committed.
   */
  async dropPartition(partition: string, expectedRecords: number, manager: EntityManager): Promise<boolean> {
    const name = checkedPartition(partition);
    await manager.query(
      `DELETE FROM message_log_keys k USING ${name} m WHERE k.origin = m.origin AND k.message_id = m.message_id`,
    );
    await manager.query('LOCK TABLE message_log IN ACCESS EXCLUSIVE MODE');
    const [{ n }]: Array<{ n: string }> = await manager.query(`SELECT count(*) AS n FROM ${name}`);
    if (Number(n) !== expectedRecords) return false;
    await manager.query(`DROP TABLE ${name}`);
    return true;
  }

  /**
   * The next batch (at most `limit` records, lowest seqs first) of `origin`'s records older than
   * `cutoff` and carrying none of `heldTags`, as contiguous runs.
   */
  async expiredRuns(origin: string, cutoff: Date, heldTags: string[], limit: number, manager: EntityManager): Promise<SeqRun[]> {
    const src = `SELECT origin, seq, prev_hash, chain_hash FROM message_log
                 WHERE origin = $1 AND ts < $2 AND NOT (tags && $3::text[]) ORDER BY seq LIMIT $4`;
    const rows: RunRow[] = await manager.query(runsSql(src, true), [origin, cutoff, heldTags, limit]);
    return rows.map(toRun);
  }

  /**
   * Deletes `origin`'s records older than `cutoff`, carrying none of `heldTags`, up to seq
   * `throughSeq` (the end of the batch expiredRuns returned), and their idempotency keys.
   */
  async deleteExpired(
    origin: string,
    cutoff: Date,
    heldTags: string[],
    throughSeq: number,
    manager: EntityManager,
  ): Promise<{ records: number; keys: number }> {
    const [row]: Array<{ records: string; keys: string }> = await manager.query(
      `WITH gone AS (
         DELETE FROM message_log WHERE origin = $1 AND ts < $2 AND NOT (tags && $3::text[]) AND seq <= $4 RETURNING message_id
       ), keys AS (
         DELETE FROM message_log_keys k USING gone WHERE k.origin = $1 AND k.message_id = gone.message_id RETURNING 1
       )
       SELECT (SELECT count(*) FROM gone) AS records, (SELECT count(*) FROM keys) AS keys`,
      [origin, cutoff, heldTags, throughSeq],
    );
    return { records: Number(row.records), keys: Number(row.keys) };
  }

  /** Records of `origin` older than `cutoff` kept because they carry one of `heldTags`. */
  async countTagged(origin: string, cutoff: Date, heldTags: string[]): Promise<number> {
    if (heldTags.length === 0) return 0;
    const [row]: Array<{ n: string }> = await this.dataSource.query(
      'SELECT count(*) AS n FROM message_log WHERE origin = $1 AND ts < $2 AND tags && $3::text[]',
      [origin, cutoff, heldTags],
    );
    return Number(row.n);
  }

  async insertCheckpoints(checkpoints: NewCheckpoint[], manager: EntityManager): Promise<void> {
    if (checkpoints.length === 0) return;
    const col = <T>(f: (c: NewCheckpoint) => T) => checkpoints.map(f);
    await manager.query(
      `INSERT INTO message_log_checkpoints (origin, from_seq, to_seq, record_count, hash_before, hash_after, signature, reason)
       SELECT u.origin, u.from_seq, u.to_seq, u.n, decode(u.hash_before, 'hex'), decode(u.hash_after, 'hex'), u.signature, u.reason
       FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[])
            AS u(origin, from_seq, to_seq, n, hash_before, hash_after, signature, reason)`,
      [
        col((c) => c.origin),
        col((c) => c.fromSeq),
        col((c) => c.toSeq),
        col((c) => c.count),
        col((c) => c.hashBefore),
        col((c) => c.hashAfter),
        col((c) => c.signature),
        col((c) => c.reason),
      ],
    );
  }
}
