import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Job, JobType, Queue } from 'bullmq';
import type { EntityManager } from 'typeorm';
import { AuditTrail } from '@app/audit';
import {
  type ActorContext,
  ConflictError,
  decodeCursor,
  encodeCursor,
  NotFoundError,
  type Page,
  UnavailableError,
} from '@app/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { type OutboxMessageEntity, OutboxRepository, type ParkedOutboxRow, TransactionRunner } from '@app/db';
import { OPERATOR_QUEUES, operatorQueue, OUTBOX_JOB_ID_PREFIX, outboxJobKey, type QueueName } from './job-catalogue.js';
import { ADD_TIMEOUT_MS, outboxJob } from './outbox-dispatcher.js';
import { withTimeout } from './with-timeout.js';

/** A job as an operator sees it: what the queue backend still knows of it, and whether its outbox row is parked. */
export interface AdministeredJob {
  id: string;
  queue: QueueName;
  name: string;
  /** its state in the queue backend; `missing` when the backend no longer has it */
  state: JobType | 'missing' | 'unknown';
  parkedAt: Date | null;
  attemptsMade: number | null;
  failedReason: string | null;
  failedAt: Date | null;
  createdAt: Date | null;
  payload: Record<string, unknown> | null;
}

/** An AdministeredJob as JSON answers carry it (dates as ISO strings). */
export type AdministeredJobJson = Omit<AdministeredJob, 'parkedAt' | 'failedAt' | 'createdAt'> & {
  parkedAt: string | null;
  failedAt: string | null;
  createdAt: string | null;
};

export const administeredJobJson = (job: AdministeredJob): AdministeredJobJson => ({
  ...job,
  parkedAt: job.parkedAt?.toISOString() ?? null,
  failedAt: job.failedAt?.toISOString() ?? null,
  createdAt: job.createdAt?.toISOString() ?? null,
});

export interface QueueOverview {
  name: QueueName;
  counts: Record<string, number>;
  /** outbox rows waiting for an operator (the parked listing's size) */
  parked: number;
}

export type JobAction = 'retried' | 'discarded';

/** What an action on a job is audited with, in the action's transaction. */
export interface JobActionRecord {
  action: JobAction;
  queue: QueueName;
  jobId: string;
  job: string;
  /** its state in the queue backend before the action */
  state: string;
  parked: boolean;
  failedReason: string | null;
}

/** Where an action on a job is audited: the operators' audit trail, or the LI-only one for the confidential queue. */
export type JobActionAudit = (record: JobActionRecord, manager: EntityManager) => Promise<void>;

const JOB_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const COUNTED_STATES: JobType[] = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'];

/**
 * What operators do with jobs that failed for good, on either queue backend: list a queue's
 * failed set (what the backend holds) and its parked outbox rows (what PostgreSQL says is left
 * undone), retry one, discard one. Retries and discards change the outbox row and write their
 * audit entry in one transaction, and touch the queue before that transaction commits: if the
 * queue backend does not answer, nothing changes. Only queues the catalogue shows to operators
 * exist here; any other name is a 404 like an unknown one.
 */
@Injectable()
export class QueueAdministration {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
    private readonly tx: TransactionRunner,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditTrail,
  ) {}

  get backend(): 'redis' | 'postgresql' {
    return this.config.queue.backend === 'redis' ? 'redis' : 'postgresql';
  }

  async overview(): Promise<QueueOverview[]> {
    const parked = await this.outbox.countParked(OUTBOX_JOB_ID_PREFIX);
    return Promise.all(
      OPERATOR_QUEUES.map(async (name) => ({
        name,
        counts: await this.answer(this.queue(name).getJobCounts(...COUNTED_STATES), `counting the jobs of ${name}`),
        parked: parked.get(name) ?? 0,
      })),
    );
  }

  /** The queue's failed set, most recently failed first; the cursor is a position in it. */
  async failedJobs(queueName: string, query: { cursor?: string; limit: number }): Promise<Page<AdministeredJob>> {
    const queue = this.visibleQueue(queueName);
    const start = query.cursor ? Number(decodeCursor(query.cursor, { offset: 'int' }).offset) : 0;
    const jobs = (
      await this.answer(this.queue(queue).getJobs(['failed'], start, start + query.limit - 1, false), `listing ${queue}`)
    ).filter((job): job is Job => Boolean(job));
    const keys = jobs.map((job) => outboxJobKey(String(job.id))).filter((k): k is string => k !== undefined && JOB_KEY.test(k));
    const parked = await this.outbox.findParked(keys);
    const items = jobs.map((job) => describeJob(queue, job, 'failed', parked.get(outboxJobKey(String(job.id)) ?? '') ?? null));
    return { items, nextCursor: jobs.length === query.limit ? encodeCursor({ offset: start + jobs.length }) : null };
  }

  /** The queue's parked outbox rows still waiting for an operator, newest first, with what the backend knows of each job. */
  parkedJobs(queueName: string, query: { cursor?: string; limit: number }): Promise<Page<AdministeredJob>> {
    return this.parkedJobsIn(this.visibleQueue(queueName), query);
  }

  /**
   * parkedJobs for any queue of the catalogue, operator-visible or not: the confidential queue's
   * callers (LI administrators) come through here, never through an operator route.
   */
  async parkedJobsIn(queue: QueueName, query: { cursor?: string; limit: number }): Promise<Page<AdministeredJob>> {
    const beforeId = query.cursor ? decodeCursor(query.cursor, { id: 'bigint' }).id : undefined;
    const rows = await this.outbox.listParked({ queue, beforeId, limit: query.limit, receiptPrefix: OUTBOX_JOB_ID_PREFIX });
    const items = await Promise.all(
      rows.map(async (row) => {
        const jobId = `${OUTBOX_JOB_ID_PREFIX}${row.jobKey}`;
        const job = await this.answer(this.queue(queue).getJob(jobId), `reading job ${jobId}`);
        if (!job) return describeRow(queue, row);
        return describeJob(queue, job, await this.answer(job.getState(), `reading job ${jobId}`), row);
      }),
    );
    const last = rows.at(-1);
    return { items, nextCursor: rows.length === query.limit && last ? encodeCursor({ id: last.id }) : null };
  }

  /**
   * Runs a failed or parked job again with a fresh retry budget: a job still in the failed set is
   * retried there, a parked job the backend no longer has is added again from its outbox row;
   * the row is unparked, so the outbox tracks it like any dispatched job.
   */
  retry(queueName: string, jobId: string, actor: ActorContext): Promise<AdministeredJob> {
    return this.retryIn(this.visibleQueue(queueName), jobId, this.operatorAudit(actor));
  }

  /** retry for any queue of the catalogue, audited by `audit` (see parkedJobsIn). */
  retryIn(queue: QueueName, jobId: string, audit: JobActionAudit): Promise<AdministeredJob> {
    return this.act(queue, jobId, audit, 'retried', async ({ job, row, manager }) => {
      if (row) await this.outbox.unpark(row.id, manager);
      if (job) {
        await this.answer(job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }), `retrying ${jobId}`);
      } else if (row) {
        const { name, data, opts } = outboxJob(row);
        await this.answer(this.queue(queue).add(name, data, opts), `adding ${jobId} again`);
      }
    });
  }

  /** Gives a failed or parked job up for good: removed from the failed set, its outbox row marked discarded. */
  discard(queueName: string, jobId: string, actor: ActorContext): Promise<AdministeredJob> {
    return this.act(
      this.visibleQueue(queueName),
      jobId,
      this.operatorAudit(actor),
      'discarded',
      async ({ job, row, manager }) => {
        if (row) await this.outbox.discard(row.id, manager);
        if (job) await this.answer(job.remove(), `removing ${jobId}`);
      },
    );
  }

  /** An operator's action goes to the operators' audit trail. */
  private operatorAudit(actor: ActorContext): JobActionAudit {
    return (record, manager) =>
      this.audit.record(
        actor,
        {
          action: `queue-job.${record.action === 'retried' ? 'retry' : 'discard'}`,
          targetType: 'queue-job',
          targetId: `${record.queue}/${record.jobId}`,
          details: {
            queue: record.queue,
            job: record.job,
            state: record.state,
            parked: record.parked,
            failedReason: record.failedReason,
          },
        },
        manager,
      );
  }

  /**
   * One action on one job, in one transaction with its audit entry: the outbox row (if the job
   * came from the outbox) is locked, the job must be failed in its queue or its row parked (and
   * not discarded), and `change` touches the queue last, before the commit.
   */
  private async act(
    queue: QueueName,
    jobId: string,
    audit: JobActionAudit,
    action: JobAction,
    change: (target: ActionTarget) => Promise<void>,
  ): Promise<AdministeredJob> {
    const jobKey = outboxJobKey(jobId);
    return this.tx.run(async (manager) => {
      const locked = jobKey !== undefined && JOB_KEY.test(jobKey) ? await this.outbox.lockByJobKey(jobKey, manager) : null;
      const row = locked && locked.queue === queue ? locked : null;
      const job = await this.answer(this.queue(queue).getJob(jobId), `reading job ${jobId}`);
      if (!job && !row) throw new NotFoundError(`no job ${jobId} in queue ${queue}`);
      const state = job ? await this.answer(job.getState(), `reading job ${jobId}`) : 'missing';
      const parked = row !== null && row.parkedAt !== null && row.discardedAt === null;
      if (state !== 'failed' && !parked) {
        throw new ConflictError(
          `job ${jobId} is ${row?.discardedAt ? 'discarded' : state}: only a failed or parked job can be ${action}`,
        );
      }
      const described =
        row && !job
          ? describeRow(queue, toParkedRow(row))
          : describeJob(queue, job as Job, state as JobType | 'unknown', row && parked ? toParkedRow(row) : null);
      await audit({ action, queue, jobId, job: described.name, state, parked, failedReason: described.failedReason }, manager);
      await change({ job: state === 'failed' ? job : undefined, row: parked && row ? row : undefined, manager });
      return { ...described, state: action === 'retried' ? 'waiting' : described.state, parkedAt: null };
    });
  }

  /** The queue of that name if operators may see it; 404 otherwise, the same for a hidden queue as for none. */
  private visibleQueue(name: string): QueueName {
    const queue = operatorQueue(name);
    if (!queue) throw new NotFoundError(`no queue ${name}`);
    return queue;
  }

  private queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }

  /** A queue backend that is down may never answer: give up after a while with a 503. */
  private async answer<T>(promise: Promise<T>, what: string): Promise<T> {
    try {
      return await withTimeout(promise, ADD_TIMEOUT_MS, what);
    } catch (error) {
      throw new UnavailableError(`the queue backend (${this.backend}) did not answer ${what}: ${(error as Error).message}`);
    }
  }
}

/** What an action changes: the job if it is in the failed set, the outbox row if it is parked, in the action's transaction. */
interface ActionTarget {
  job: Job | undefined;
  row: OutboxMessageEntity | undefined;
  manager: EntityManager;
}

const toParkedRow = (row: OutboxMessageEntity): ParkedOutboxRow => ({
  id: row.id,
  jobKey: row.jobKey,
  queue: row.queue,
  jobName: row.jobName,
  payload: row.payload,
  parkedAt: row.parkedAt as Date,
  reason: row.lastError,
});

const dateOrNull = (ms: number | undefined): Date | null => (ms ? new Date(ms) : null);

function describeJob(queue: QueueName, job: Job, state: JobType | 'unknown', row: ParkedOutboxRow | null): AdministeredJob {
  return {
    id: String(job.id),
    queue,
    name: job.name,
    state,
    parkedAt: row?.parkedAt ?? null,
    attemptsMade: job.attemptsMade,
    failedReason: job.failedReason || row?.reason || null,
    failedAt: state === 'failed' ? dateOrNull(job.finishedOn) : null,
    createdAt: dateOrNull(job.timestamp),
    payload: (job.data as Record<string, unknown> | undefined) ?? null,
  };
}

/** A parked job the queue backend no longer has (removed after 30 days, or Redis lost it): its outbox row is all there is. */
function describeRow(queue: QueueName, row: ParkedOutboxRow): AdministeredJob {
  return {
    id: `${OUTBOX_JOB_ID_PREFIX}${row.jobKey}`,
    queue,
    name: row.jobName,
    state: 'missing',
    parkedAt: row.parkedAt,
    attemptsMade: null,
    failedReason: row.reason,
    failedAt: null,
    createdAt: null,
    payload: row.payload,
  };
}
