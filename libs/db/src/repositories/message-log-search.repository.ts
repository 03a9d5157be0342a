import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * A row's place in the search order (ts, origin, seq). `tsMicros` is the timestamp in microseconds
 * since the epoch, as digits: PostgreSQL keeps microseconds and a JS Date only milliseconds, so a
 * cursor made from a Date could skip or repeat rows that share a millisecond.
 */
export interface LogPosition {
  tsMicros: string;
  origin: string;
  seq: string;
}

/** What a search selects; every condition must hold. Values are already normalised. */
export interface LogCriteria {
  /** tags the row must all carry ('n:…' for visibility and member, 'u:…' participant, 'r:…' room) */
  tags: string[];
  origin?: string;
  messageId?: string;
  /** inclusive */
  from?: Date;
  /** exclusive */
  to?: Date;
  /** only rows logged at or before this instant (fixes what a paged export contains) */
  loggedUpTo?: Date;
  /** rows strictly after this position */
  after?: LogPosition;
  limit: number;
}

/** One stored record as searches return it (hashes in hex). */
export interface LogRow {
  position: LogPosition;
  ts: Date;
  origin: string;
  seq: number;
  messageId: string;
  direction: string;
  sender: string;
  recipients: string[];
  room: string | null;
  contentType: string;
  body: string | null;
  bodySha256: string;
  prevHash: string;
  chainHash: string;
  batchId: string;
  loggedAt: Date;
}

interface RawLogRow {
  ts: Date;
  ts_us: string;
  origin: string;
  seq: string;
  message_id: string;
  direction: string;
  sender: string;
  recipients: string[];
  room: string | null;
  content_type: string;
  body: string | null;
  body_sha256: string;
  prev_hash: string;
  chain_hash: string;
  batch_id: string;
  logged_at: Date;
}

const MICROS_TO_TS = (param: string) => `('epoch'::timestamptz + ${param}::bigint * interval '1 microsecond')`;

/**
 * The message log's read path (table in migration MessageLogPartitioned): keyset pages in
 * (ts, origin, seq) order. Each page is one short statement, so a long export never holds a
 * snapshot or locks on the partitions that retention must drop.
 */
@Injectable()
export class MessageLogSearchRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findPage(criteria: LogCriteria, manager: EntityManager = this.dataSource.manager): Promise<LogRow[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [];
    if (criteria.tags.length > 0) where.push(`l.tags @> ${param(criteria.tags)}::text[]`);
    if (criteria.origin !== undefined) where.push(`l.origin = ${param(criteria.origin)}`);
    if (criteria.messageId !== undefined) where.push(`(l.ts, l.origin, l.seq) IN (${keysOf(criteria, param)})`);
    if (criteria.from) where.push(`l.ts >= ${param(criteria.from.toISOString())}::timestamptz`);
    if (criteria.to) where.push(`l.ts < ${param(criteria.to.toISOString())}::timestamptz`);
    if (criteria.loggedUpTo) where.push(`l.logged_at <= ${param(criteria.loggedUpTo.toISOString())}::timestamptz`);
    if (criteria.after) {
      const ts = MICROS_TO_TS(param(criteria.after.tsMicros));
      // the plain ts bound lets the ts index and partition pruning do the work; the row comparison breaks ties
      where.push(
        `l.ts >= ${ts}`,
        `(l.ts, l.origin, l.seq) > (${ts}, ${param(criteria.after.origin)}, ${param(criteria.after.seq)}::bigint)`,
      );
    }
    const rows: RawLogRow[] = await manager.query(
      `SELECT l.ts, (extract(epoch FROM l.ts) * 1000000)::bigint::text AS ts_us, l.origin, l.seq::text AS seq,
              l.message_id, l.direction, l.sender, l.recipients, l.room, l.content_type, l.body,
              encode(l.body_sha256, 'hex') AS body_sha256, encode(l.prev_hash, 'hex') AS prev_hash,
              encode(l.chain_hash, 'hex') AS chain_hash, l.batch_id, l.logged_at
       FROM message_log l
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY l.ts, l.origin, l.seq
       LIMIT ${param(criteria.limit)}`,
      params,
    );
    return rows.map(toLogRow);
  }
}

/**
 * The (ts, origin, seq) of a message id, from the idempotency keys rather than a scan of the log.
 * Their primary key is (origin, message_id), so without an origin the id is looked up once per
 * origin that has a chain (every key's origin has one, written in the same transaction): a few
 * index probes instead of reading every key.
 */
function keysOf(criteria: LogCriteria, param: (value: unknown) => string): string {
  const id = param(criteria.messageId);
  if (criteria.origin !== undefined) {
    return `SELECT k.ts, k.origin, k.seq FROM message_log_keys k WHERE k.origin = ${param(criteria.origin)} AND k.message_id = ${id}`;
  }
  return `SELECT k.ts, k.origin, k.seq FROM message_log_chains c
          CROSS JOIN LATERAL (SELECT ts, origin, seq FROM message_log_keys WHERE origin = c.origin AND message_id = ${id}) k`;
}

function toLogRow(r: RawLogRow): LogRow {
  return {
    position: { tsMicros: r.ts_us, origin: r.origin, seq: r.seq },
    ts: r.ts,
    origin: r.origin,
    seq: Number(r.seq),
    messageId: r.message_id,
    direction: r.direction,
    sender: r.sender,
    recipients: r.recipients,
    room: r.room,
    contentType: r.content_type,
    body: r.body,
    bodySha256: r.body_sha256,
    prevHash: r.prev_hash,
    chainHash: r.chain_hash,
    batchId: r.batch_id,
    loggedAt: r.logged_at,
  };
}
