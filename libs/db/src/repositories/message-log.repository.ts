import { finished } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import type { PoolClient, QueryResult } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, EntityManager } from 'typeorm';
import { KEYS_COPY_COLUMNS, LOG_COPY_COLUMNS, type LogBatchText } from './log-batch-text.js';
import { type NewOutboxMessage, OutboxRepository } from './outbox.repository.js';
import { type UsageIncrement, UsageCountersRepository } from './usage-counters.repository.js';

export interface ChainHead {
  lastSeq: number;
  lastHash: string;
}

/** What a batch's transaction can do under its chain lock (MessageLogRepository.appendBatch). */
export interface LogAppend {
  /**
   * Whether this attempt must look up the ids already logged (findLogged). False on the first
   * attempt of MessageLogRepository.append: the keys' primary key catches a resubmission, and the
   * batch is then redone with true.
   */
  readonly duplicatesPossible: boolean;
  /** Message ids of the origin already logged, with their seq. */
  findLogged(messageIds: string[]): Promise<Map<string, number>>;
  /** COPY the batch's keys and rows, their chain links set. */
  copy(batch: LogBatchText): Promise<void>;
}

export interface LogAppendOutcome<T> {
  result: T;
  /**
   * the chain head the batch ends at, the outbox row announcing it and the usage it adds (one
   * aggregated upsert per batch); null: nothing to commit
   */
  commit: { head: ChainHead; outbox: NewOutboxMessage; usage?: UsageIncrement[] } | null;
}

interface PooledDriver {
  obtainMasterConnection(): Promise<[PoolClient, (error?: Error) => void]>;
}

const GENESIS = '0'.repeat(64);
// Serialises partition DDL across hub and worker processes.
const PARTITIONS_LOCK_KEY = 0x6875626d; // "hubm"
const DAY_MS = 86_400_000;

/** PostgreSQL's "no partition of relation … found for row" (a timestamp outside every partition). */
export function isMissingPartitionError(error: unknown): boolean {
  const e = pgErrorOf(error);
  // told apart from a CHECK violation (same SQLSTATE) by its fields, not by the message text,
  // which follows the server's lc_messages: a CHECK names its constraint, a missing partition
  // names only the partitioned table
  return e.code === '23514' && e.table === 'message_log' && e.constraint === undefined;
}

/**
 * A COPY into message_log_keys that met an id already logged: the batch carried a resubmitted
 * record, which the optimistic append (no duplicate lookup) cannot tell apart by itself.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  const e = pgErrorOf(error);
  return e.code === '23505' && e.constraint === 'message_log_keys_pkey';
}

type PgErrorFields = { code?: string; table?: string; constraint?: string };

/** The fields of pg's error: appendBatch sends every statement through pg itself, not TypeORM. */
function pgErrorOf(error: unknown): PgErrorFields {
  return (error as PgErrorFields | null) ?? {};
}

export const partitionName = (day: Date): string => `message_log_p${day.toISOString().slice(0, 10).replaceAll('-', '')}`;
export const utcDay = (at: Date): Date => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);

/**
 * The message log's write path and partitions (tables in migration MessageLogPartitioned). All
 * writes of a batch happen in one transaction (appendBatch), under the lock on the origin's chain head.
 */
@Injectable()
export class MessageLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The message log's write path: appends one batch (appendBatch) whose records fall in
   * [span.from, span.to]. Most batches carry no resubmitted id, so the first attempt appends
   * without looking the ids up (`tx.duplicatesPossible` false: one statement and an index probe
   * per record less) and lets the keys' primary key catch a resubmission: the batch is then redone
   * with the lookup. A timestamp in a day whose partition does not exist yet also gets one retry,
   * after creating the partitions of the span. `work` runs once per attempt and must refill the
   * same rows each time (the failed attempt's transaction was rolled back).
   */
  async append<T>(
    origin: string,
    span: { from: Date; to: Date },
    work: (head: ChainHead, tx: LogAppend) => Promise<LogAppendOutcome<T>>,
  ): Promise<T> {
    let duplicatesPossible = false;
    let partitionsEnsured = false;
    for (;;) {
      try {
        return await this.appendBatch(origin, work, duplicatesPossible);
      } catch (error) {
        if (!duplicatesPossible && isDuplicateKeyError(error)) {
          duplicatesPossible = true;
        } else if (!partitionsEnsured && isMissingPartitionError(error)) {
          await this.ensureDailyPartitions(utcDay(span.from), span.to);
          partitionsEnsured = true;
        } else {
          throw error;
        }
      }
    }
  }

  /**
   * One attempt of a batch's transaction on a connection of its own, in four round trips: `BEGIN` with the
   * lock on the origin's chain head (created at the genesis), the two COPYs, and the new chain
   * head with the outbox row, the batch's usage counters and `COMMIT`. Through TypeORM the same work took seven: its
   * transaction's BEGIN and COMMIT are statements of their own, and parameters need the extended
   * protocol, which sends one statement per round trip. `work` links the rows under the lock and
   * says what to commit; with nothing to commit, or on any error, the transaction is rolled back.
   */
  async appendBatch<T>(
    origin: string,
    work: (head: ChainHead, tx: LogAppend) => Promise<LogAppendOutcome<T>>,
    duplicatesPossible = true,
  ): Promise<T> {
    const [client, release] = await this.connection();
    let broken: unknown;
    try {
      const originText = client.escapeLiteral(origin);
      const [, locked] = (await client.query(
        `BEGIN; INSERT INTO message_log_chains (origin, last_seq, last_hash) VALUES (${originText}, 0, decode('${GENESIS}', 'hex'))
         ON CONFLICT (origin) DO UPDATE SET origin = EXCLUDED.origin
         RETURNING last_seq, encode(last_hash, 'hex') AS last_hash`,
      )) as unknown as [QueryResult, QueryResult<{ last_seq: string; last_hash: string }>];
      const head = { lastSeq: Number(locked.rows[0].last_seq), lastHash: locked.rows[0].last_hash };
      const outcome = await work(head, {
        duplicatesPossible,
        findLogged: (messageIds) => findLogged(client, origin, messageIds),
        copy: (batch) => copyBatch(client, batch),
      });
      if (!outcome.commit) {
        await client.query('ROLLBACK');
        return outcome.result;
      }
      const { head: next, outbox, usage } = outcome.commit;
      if (!Number.isSafeInteger(next.lastSeq) || !/^[0-9a-f]{64}$/.test(next.lastHash)) {
        throw new Error(`appendBatch: no chain head ${next.lastSeq}/${next.lastHash}`);
      }
      const literal = (v: string) => client.escapeLiteral(v);
      const counted = UsageCountersRepository.addStatement(usage ?? [], literal);
      await client.query(
        `UPDATE message_log_chains SET last_seq = ${next.lastSeq}, last_hash = decode('${next.lastHash}', 'hex'), updated_at = now()
         WHERE origin = ${originText}; ${OutboxRepository.insertStatement(outbox, literal)};${counted ? ` ${counted};` : ''} COMMIT`,
      );
      return outcome.result;
    } catch (error) {
      // a connection that cannot even roll back is closed, not returned to the pool
      await client.query('ROLLBACK').catch((e: unknown) => (broken = e));
      throw error;
    } finally {
      release(broken instanceof Error ? broken : undefined);
    }
  }

  /** A connection of TypeORM's pool, outside its query runners (COPY and multi-statement SQL). */
  private connection(): Promise<[PoolClient, (error?: Error) => void]> {
    return (this.dataSource.driver as unknown as PooledDriver).obtainMasterConnection();
  }

  /**
   * Creates the daily partitions covering [from, to] that do not exist yet; returns their names.
   * Idempotent and safe to run from several processes at once.
   */
  async ensureDailyPartitions(from: Date, to: Date): Promise<string[]> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [PARTITIONS_LOCK_KEY]);
      const existing = new Set((await this.partitionNames(manager)).map((p) => p.name));
      const created: string[] = [];
      for (let day = utcDay(from); day.getTime() <= to.getTime(); day = new Date(day.getTime() + DAY_MS)) {
        const name = partitionName(day);
        if (existing.has(name)) continue;
        const next = new Date(day.getTime() + DAY_MS);
        await manager.query(
          `CREATE TABLE ${name} PARTITION OF message_log FOR VALUES FROM ('${day.toISOString()}') TO ('${next.toISOString()}')`,
        );
        created.push(name);
      }
      return created;
    });
  }

  /** The log's partitions with their ranges, oldest first. */
  async partitions(): Promise<Array<{ name: string; from: Date; to: Date }>> {
    return this.partitionNames(this.dataSource.manager);
  }

  private async partitionNames(manager: EntityManager): Promise<Array<{ name: string; from: Date; to: Date }>> {
    const rows: Array<{ name: string; bound: string | null }> = await manager.query(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'message_log'::regclass ORDER BY c.relname`,
    );
    // a partition dropped by a concurrent run while the catalogue was read has no bound left: gone
    return rows.flatMap((r) => {
      if (r.bound === null) return [];
      const [from, to] = [...r.bound.matchAll(/'([^']+)'/g)].map((m) => new Date(m[1]));
      return [{ name: r.name, from, to }];
    });
  }
}

/** Message ids of `origin` already logged, with their seq (only meaningful under the chain lock). */
async function findLogged(client: PoolClient, origin: string, messageIds: string[]): Promise<Map<string, number>> {
  const { rows } = await client.query<{ message_id: string; seq: string }>(
    'SELECT message_id, seq FROM message_log_keys WHERE origin = $1 AND message_id = ANY($2::text[])',
    [origin, messageIds],
  );
  return new Map(rows.map((r) => [r.message_id, Number(r.seq)]));
}

/** COPY into the keys and the log: the bulk path PostgreSQL has (an INSERT from unnest() parameters cost it half again as much CPU per record). */
async function copyBatch(client: PoolClient, batch: LogBatchText): Promise<void> {
  if (batch.rows === 0) return;
  await copyInto(client, `COPY message_log_keys (${KEYS_COPY_COLUMNS}) FROM STDIN`, batch.keyBytes());
  await copyInto(client, `COPY message_log (${LOG_COPY_COLUMNS}) FROM STDIN`, batch.logBytes());
  batch.markCopied();
}

/**
 * The whole batch in one write. Not `pipeline(Readable.from([bytes]), …)`: that pair leaves
 * ~9 KB per call (its AbortController and async-iterator stream) that young-generation collections
 * cannot free, so every COPY promoted garbage to the old generation and the hub paid for it in
 * mark-compact pauses (docs/benchmarks.md, message-log decisions). The stream's 'finish' comes only
 * after PostgreSQL's ReadyForQuery; an ErrorResponse rejects.
 */
function copyInto(client: PoolClient, sql: string, bytes: Buffer): Promise<void> {
  const copy = client.query(copyFrom(sql));
  const done = finished(copy);
  copy.end(bytes);
  return done;
}
