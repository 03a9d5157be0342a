import { getQueueToken } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { JobReceiptRepository, OutboxRepository, TransactionRunner, type UnsettledOutboxRow } from '@app/db';
import { OUTBOX_JOB_ID_PREFIX, OUTBOX_JOBS, outboxJobId } from './job-catalogue.js';
import { ADD_TIMEOUT_MS, groupBy, outboxJob } from './outbox-dispatcher.js';
import { QueueCounters } from './queue-counters.js';
import { withTimeout } from './with-timeout.js';
import { PollingLoop } from './polling-loop.js';

/** What one reconciliation pass did with the rows it looked at. */
export interface ReconcileReport {
  /** rows whose receipt exists: done for good */
  settled: number;
  /** rows whose job had vanished from its queue: added again under the same job id */
  redispatched: number;
  /** rows whose job is still in its queue (waiting, delayed, running): looked at again later */
  stillQueued: number;
  /** rows whose job failed for good without anyone parking the row (the worker died first) */
  parked: number;
  /** redispatched rows per `queue/job`, for the log line and the counters */
  redispatchedByJob: Record<string, number>;
  /** the parked rows' jobs with their failure reasons */
  parkedJobs: Array<{ jobId: string; queue: string; job: string; reason: string }>;
}

type Outcome = 'settled' | 'redispatched' | 'stillQueued' | 'parked';

/**
 * The outbox, not the queue backend, decides what is done. The dispatcher hands a row to BullMQ;
 * the job's handler commits a receipt (job_receipts, keyed by the job id) with its effect. This
 * service looks at dispatched rows older than OUTBOX_RECONCILE_GRACE_MS that are neither settled
 * nor parked, at worker start and every OUTBOX_RECONCILE_INTERVAL_MS:
 * - a receipt exists: the row is settled and never looked at again;
 * - the job is missing from its queue (Redis lost it: no persistence, a failover, an fsync window;
 *   or BullMQ removed it): it is added again under the same job id, so at most one copy exists and
 *   its handler, finding no receipt, applies the effect once;
 * - the job failed for good: the row is parked (normally the worker parks it when it fails);
 * - otherwise (waiting, delayed, running): looked at again after another grace period.
 */
@Injectable()
export class OutboxReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxReconciler.name);
  private failing = false;
  private readonly loop = new PollingLoop(
    async () => {
      const report = await this.reconcileOnce();
      return report.settled + report.redispatched + report.stillQueued + report.parked;
    },
    (looked) => (looked >= this.config.outbox.batchSize ? 0 : this.config.outbox.reconcileIntervalMs),
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly outbox: OutboxRepository,
    private readonly receipts: JobReceiptRepository,
    private readonly counters: QueueCounters,
    private readonly moduleRef: ModuleRef,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  /** Stops before the database pool closes, letting a pass in progress finish. */
  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass over at most OUTBOX_BATCH_SIZE due rows. */
  async reconcileOnce(): Promise<ReconcileReport> {
    try {
      const report = await this.tx.run((manager) => this.reconcile(manager));
      this.record(report);
      if (this.failing) this.logger.log('outbox reconciliation recovered');
      this.failing = false;
      return report;
    } catch (error) {
      if (!this.failing) this.logger.warn(`outbox reconciliation failed, retried in the next pass: ${(error as Error).message}`);
      this.failing = true;
      throw error;
    }
  }

  private async reconcile(manager: EntityManager): Promise<ReconcileReport> {
    const rows = await this.outbox.claimUnsettled(
      {
        graceMs: this.config.outbox.reconcileGraceMs,
        jobNames: OUTBOX_JOBS,
        receiptPrefix: OUTBOX_JOB_ID_PREFIX,
        limit: this.config.outbox.batchSize,
      },
      manager,
    );
    const outcomes = new Map<UnsettledOutboxRow, Outcome>();
    const open = rows.filter((row) => {
      if (row.receipted) outcomes.set(row, 'settled');
      return !row.receipted;
    });
    const states = await withTimeout(
      Promise.all(open.map((row) => this.queue(row.queue).getJobState(outboxJobId(row.jobKey)))),
      ADD_TIMEOUT_MS,
      `reading the state of ${open.length} job(s)`,
    );
    const missing: UnsettledOutboxRow[] = [];
    const parkedJobs: ReconcileReport['parkedJobs'] = [];
    for (const [i, row] of open.entries()) {
      if (states[i] === 'unknown') missing.push(row);
      else if (states[i] !== 'failed') outcomes.set(row, 'stillQueued');
      else {
        const reason = await this.parkFailed(row, manager);
        outcomes.set(row, reason === undefined ? 'stillQueued' : 'parked');
        if (reason !== undefined) parkedJobs.push({ jobId: outboxJobId(row.jobKey), queue: row.queue, job: row.jobName, reason });
      }
    }
    // a job may have finished (receipt) and been removed from the queue since the claim: look again
    const doneMeanwhile = await this.receipts.findDone(
      missing.map((row) => outboxJobId(row.jobKey)),
      manager,
    );
    const lost = missing.filter((row) => {
      const done = doneMeanwhile.has(outboxJobId(row.jobKey));
      outcomes.set(row, done ? 'settled' : 'redispatched');
      return !done;
    });
    for (const [queueName, group] of groupBy(lost, (row) => row.queue)) {
      const jobs = group.map(outboxJob);
      await withTimeout(this.queue(queueName).addBulk(jobs), ADD_TIMEOUT_MS, `adding ${jobs.length} job(s) to ${queueName}`);
    }
    const ids = (outcome: Outcome) => rows.filter((row) => outcomes.get(row) === outcome).map((row) => row.id);
    await this.outbox.markSettled(ids('settled'), manager);
    await this.outbox.markRedispatched(ids('redispatched'), manager);
    await this.outbox.postponeCheck(ids('stillQueued'), manager);
    const redispatchedByJob: Record<string, number> = {};
    for (const row of lost) {
      const key = `${row.queue}/${row.jobName}`;
      redispatchedByJob[key] = (redispatchedByJob[key] ?? 0) + 1;
    }
    return {
      settled: ids('settled').length,
      redispatched: lost.length,
      stillQueued: ids('stillQueued').length,
      parked: ids('parked').length,
      redispatchedByJob,
      parkedJobs,
    };
  }

  /** Parks the row of a job that failed for good; returns the reason, undefined when the job left the failed set meanwhile. */
  private async parkFailed(row: UnsettledOutboxRow, manager: EntityManager): Promise<string | undefined> {
    const job = await withTimeout(this.queue(row.queue).getJob(outboxJobId(row.jobKey)), ADD_TIMEOUT_MS, 'reading a failed job');
    if (!job) return undefined;
    const reason = job.failedReason || 'failed';
    return (await this.outbox.park(row.jobKey, reason, manager)) ? reason : undefined;
  }

  private record(report: ReconcileReport): void {
    for (const parked of report.parkedJobs) {
      this.counters.increment('outbox_parked_total', { queue: parked.queue, job: parked.job });
      this.logger.warn(
        `job ${parked.jobId} (${parked.queue}/${parked.job}) had failed for good: ${parked.reason}; outbox row parked`,
      );
    }
    for (const [key, count] of Object.entries(report.redispatchedByJob)) {
      const [queue, job] = key.split('/');
      this.counters.increment('outbox_redispatched_total', { queue, job }, count);
    }
    if (report.redispatched === 0) return;
    const detail = Object.entries(report.redispatchedByJob)
      .map(([key, count]) => `${key} ${count}`)
      .join(', ');
    this.logger.warn(
      `outbox reconciliation: ${report.redispatched} job(s) without a receipt were missing from their queue and were added again (${detail}); ${report.settled} settled, ${report.stillQueued} still queued`,
    );
  }

  private queue(name: string): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}
