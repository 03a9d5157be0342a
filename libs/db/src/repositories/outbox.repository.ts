import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { OutboxMessageEntity } from '../entities/outbox-message.entity.js';

export interface NewOutboxMessage {
  queue: string;
  jobName: string;
  payload: Record<string, unknown>;
}

/** A dispatched row the reconciler looks at: `receipted` when its job's receipt exists. */
export interface UnsettledOutboxRow {
  id: string;
  jobKey: string;
  queue: string;
  jobName: string;
  payload: Record<string, unknown>;
  receipted: boolean;
}

/** A parked row as an operator sees it (queue administration). */
export interface ParkedOutboxRow {
  id: string;
  jobKey: string;
  queue: string;
  jobName: string;
  payload: Record<string, unknown>;
  parkedAt: Date;
  reason: string | null;
}

/** Which rows the reconciler claims: dispatched longer ago than `graceMs`, of the named jobs, whose receipts are `receiptPrefix` + job key. */
export interface UnsettledQuery {
  graceMs: number;
  jobNames: string[];
  receiptPrefix: string;
  limit: number;
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(OutboxMessageEntity);
  }

  /** Must be called with the transaction that makes the announced change; returns the row's job key. */
  async append(message: NewOutboxMessage, manager: EntityManager): Promise<string> {
    const result = await this.repo(manager).insert(message as Parameters<Repository<OutboxMessageEntity>['insert']>[0]);
    return String((result.generatedMaps[0] as { jobKey: string }).jobKey);
  }

  /** Several rows in one statement. */
  async appendMany(messages: NewOutboxMessage[], manager: EntityManager): Promise<void> {
    if (messages.length === 0) return;
    await manager.query(
      `INSERT INTO outbox (queue, job_name, payload)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::jsonb[])`,
      [messages.map((m) => m.queue), messages.map((m) => m.jobName), messages.map((m) => JSON.stringify(m.payload))],
    );
  }

  /**
   * The same row as `append` as one SQL statement with its values inlined by `literal` (the
   * connection's escapeLiteral): for a transaction that sends it in one round trip with its commit.
   */
  static insertStatement(message: NewOutboxMessage, literal: (value: string) => string): string {
    return `INSERT INTO outbox (queue, job_name, payload) VALUES (${literal(message.queue)}, ${literal(message.jobName)}, ${literal(JSON.stringify(message.payload))}::jsonb)`;
  }

  /** Oldest undispatched rows, locked; concurrent dispatchers skip each other's rows. */
  claimPending(limit: number, manager: EntityManager): Promise<OutboxMessageEntity[]> {
    return this.repo(manager)
      .createQueryBuilder('o')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .where('o.dispatched_at IS NULL')
      .orderBy('o.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  async markDispatched(ids: string[], manager: EntityManager): Promise<void> {
    await manager.query(
      'UPDATE outbox SET dispatched_at = now(), dispatch_attempts = dispatch_attempts + 1, last_error = NULL WHERE id = ANY($1::bigint[])',
      [ids],
    );
  }

  /**
   * Dispatched rows neither settled nor parked, oldest dispatch first, locked (concurrent
   * reconcilers skip each other's rows), each with whether its job's receipt exists. The partial
   * index idx_outbox_unsettled holds exactly the open rows, so settled history is never scanned.
   */
  async claimUnsettled(query: UnsettledQuery, manager: EntityManager): Promise<UnsettledOutboxRow[]> {
    const rows: Array<{
      id: string;
      job_key: string;
      queue: string;
      job_name: string;
      payload: Record<string, unknown>;
      receipted: boolean;
    }> = await manager.query(
      `SELECT o.id, o.job_key, o.queue, o.job_name, o.payload,
                EXISTS (SELECT 1 FROM job_receipts r WHERE r.job_id = $3 || o.job_key::text) AS receipted
           FROM outbox o
          WHERE o.dispatched_at IS NOT NULL AND o.settled_at IS NULL AND o.parked_at IS NULL
            AND o.dispatched_at < now() - make_interval(secs => $1::double precision / 1000)
            AND o.job_name = ANY($2::varchar[])
          ORDER BY o.dispatched_at
          LIMIT $4
          FOR UPDATE OF o SKIP LOCKED`,
      [query.graceMs, query.jobNames, query.receiptPrefix, query.limit],
    );
    return rows.map((r) => ({
      id: String(r.id),
      jobKey: r.job_key,
      queue: r.queue,
      jobName: r.job_name,
      payload: r.payload,
      receipted: r.receipted,
    }));
  }

  /** The rows' jobs left their receipts: done, never looked at again. */
  async markSettled(ids: string[], manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await manager.query('UPDATE outbox SET settled_at = now() WHERE id = ANY($1::bigint[])', [ids]);
  }

  /** The rows' jobs were missing from the queue and were added again. */
  async markRedispatched(ids: string[], manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(
      `UPDATE outbox SET dispatched_at = now(), dispatch_attempts = dispatch_attempts + 1, redispatches = redispatches + 1,
              last_error = NULL
        WHERE id = ANY($1::bigint[])`,
      [ids],
    );
  }

  /** The rows' jobs are still in the queue (waiting, delayed, running): looked at again after another grace period. */
  async postponeCheck(ids: string[], manager: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    await manager.query('UPDATE outbox SET dispatched_at = now() WHERE id = ANY($1::bigint[])', [ids]);
  }

  /**
   * The row's job failed for good: kept for an operator with the reason, no longer re-dispatched.
   * Only an open row can be parked (the predicate lets the lookup use idx_outbox_unsettled).
   */
  async park(jobKey: string, reason: string, manager?: EntityManager): Promise<boolean> {
    const [, affected]: [unknown, number] = await (manager ?? this.dataSource.manager).query(
      `UPDATE outbox SET parked_at = now(), last_error = $2
        WHERE job_key = $1::uuid AND dispatched_at IS NOT NULL AND settled_at IS NULL AND parked_at IS NULL`,
      [jobKey, reason.slice(0, 2000)],
    );
    return affected > 0;
  }

  /**
   * Parked rows of a queue still waiting for an operator, newest first, below `beforeId`: not
   * discarded, and without a receipt (a job retried from the dashboard that then succeeded is done).
   * Served by idx_outbox_parked.
   */
  async listParked(query: {
    queue: string;
    beforeId?: string;
    limit: number;
    receiptPrefix: string;
  }): Promise<ParkedOutboxRow[]> {
    const rows: Array<ParkedRowSql> = await this.dataSource.query(
      `SELECT ${PARKED_COLUMNS} FROM outbox o
        WHERE o.queue = $1 AND o.parked_at IS NOT NULL AND o.discarded_at IS NULL AND ($2::bigint IS NULL OR o.id < $2::bigint)
          AND NOT EXISTS (SELECT 1 FROM job_receipts r WHERE r.job_id = $4 || o.job_key::text)
        ORDER BY o.id DESC LIMIT $3`,
      [query.queue, query.beforeId ?? null, query.limit, query.receiptPrefix],
    );
    return rows.map(parkedRow);
  }

  /** How many rows per queue listParked would list. */
  async countParked(receiptPrefix: string): Promise<Map<string, number>> {
    const rows: Array<{ queue: string; parked: string }> = await this.dataSource.query(
      `SELECT o.queue, count(*) AS parked FROM outbox o
        WHERE o.parked_at IS NOT NULL AND o.discarded_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM job_receipts r WHERE r.job_id = $1 || o.job_key::text)
        GROUP BY o.queue`,
      [receiptPrefix],
    );
    return new Map(rows.map((r) => [r.queue, Number(r.parked)]));
  }

  /** The parked rows (not discarded) among these job keys, by job key. */
  async findParked(jobKeys: string[]): Promise<Map<string, ParkedOutboxRow>> {
    if (jobKeys.length === 0) return new Map();
    const rows: Array<ParkedRowSql> = await this.dataSource.query(
      `SELECT ${PARKED_COLUMNS} FROM outbox o
        WHERE o.job_key = ANY($1::uuid[]) AND o.parked_at IS NOT NULL AND o.discarded_at IS NULL`,
      [jobKeys],
    );
    return new Map(rows.map((r) => [r.job_key, parkedRow(r)]));
  }

  /** The row of a job key, locked until the transaction ends (an operator acting on it). */
  lockByJobKey(jobKey: string, manager: EntityManager): Promise<OutboxMessageEntity | null> {
    return this.repo(manager).findOne({ where: { jobKey }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * An operator retries a parked row's job: the row is open again as if just dispatched, so the
   * reconciler settles it once its receipt exists, adds it again if the queue loses it, and the
   * worker parks it again if it fails for good once more.
   */
  async unpark(id: string, manager: EntityManager): Promise<void> {
    await manager.query('UPDATE outbox SET parked_at = NULL, last_error = NULL, dispatched_at = now() WHERE id = $1', [id]);
  }

  /** An operator gives a parked row's job up: it stays parked (the record of the failure), no longer listed. */
  async discard(id: string, manager: EntityManager): Promise<void> {
    await manager.query('UPDATE outbox SET discarded_at = now() WHERE id = $1', [id]);
  }

  async recordFailure(ids: string[], error: string): Promise<void> {
    await this.dataSource.query(
      'UPDATE outbox SET dispatch_attempts = dispatch_attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])',
      [ids, error.slice(0, 2000)],
    );
  }

  countPending(): Promise<number> {
    return this.repo().createQueryBuilder('o').where('o.dispatched_at IS NULL').getCount();
  }
}

interface ParkedRowSql {
  id: string;
  job_key: string;
  queue: string;
  job_name: string;
  payload: Record<string, unknown>;
  parked_at: Date;
  last_error: string | null;
}

const PARKED_COLUMNS = 'o.id, o.job_key, o.queue, o.job_name, o.payload, o.parked_at, o.last_error';

const parkedRow = (r: ParkedRowSql): ParkedOutboxRow => ({
  id: String(r.id),
  jobKey: r.job_key,
  queue: r.queue,
  jobName: r.job_name,
  payload: r.payload,
  parkedAt: r.parked_at,
  reason: r.last_error,
});
