import { getQueueToken } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { OutboxMessageEntity, OutboxRepository, TransactionRunner } from '@app/db';
import { JOB_CATALOGUE, JobName, outboxJobId } from './job-catalogue.js';
import { withTimeout } from './with-timeout.js';
import { PollingLoop } from './polling-loop.js';

/** How long the queue backend may take to accept a batch of jobs. */
export const ADD_TIMEOUT_MS = 5000;

/** The BullMQ job of an outbox row: its catalogue options and the id derived from its job key. */
export function outboxJob(row: Pick<OutboxMessageEntity, 'jobName' | 'jobKey' | 'payload'>) {
  return {
    name: row.jobName,
    data: row.payload,
    opts: { ...JOB_CATALOGUE[row.jobName as JobName]?.options, jobId: outboxJobId(row.jobKey) },
  };
}

/**
 * Moves committed outbox rows to BullMQ. Rows are claimed with FOR UPDATE SKIP LOCKED and
 * marked dispatched in the same transaction only after the queue accepted them; if the
 * queue backend is down the transaction rolls back and the rows wait for the next tick.
 * A job added just before a failure is added again with the same jobId, which BullMQ ignores.
 * A dispatched row is not done yet: the OutboxReconciler watches it until its receipt exists.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxDispatcher.name);
  private failing = false;
  private readonly loop = new PollingLoop(
    () => this.dispatchOnce(),
    (dispatched) => (dispatched >= this.config.outbox.batchSize ? 0 : this.config.outbox.pollIntervalMs),
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly outbox: OutboxRepository,
    private readonly moduleRef: ModuleRef,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  /** Stops before the database pool closes, letting a tick in progress finish. */
  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /** Dispatches one batch; returns how many rows went to the queues. */
  async dispatchOnce(): Promise<number> {
    let claimed: OutboxMessageEntity[] = [];
    try {
      const count = await this.tx.run(async (manager) => {
        claimed = await this.outbox.claimPending(this.config.outbox.batchSize, manager);
        if (claimed.length === 0) return 0;
        for (const [queueName, rows] of this.groupByQueue(claimed)) {
          const queue = this.moduleRef.get<Queue>(getQueueToken(queueName), { strict: false });
          const jobs = rows.map(outboxJob);
          await withTimeout(queue.addBulk(jobs), ADD_TIMEOUT_MS, `adding ${jobs.length} job(s) to ${queueName}`);
        }
        await this.outbox.markDispatched(
          claimed.map((r) => r.id),
          manager,
        );
        return claimed.length;
      });
      if (this.failing) this.logger.log('outbox dispatch recovered');
      this.failing = false;
      return count;
    } catch (error) {
      const message = (error as Error).message;
      if (!this.failing) this.logger.warn(`outbox dispatch failed, rows kept for retry: ${message}`);
      this.failing = true;
      if (claimed.length)
        await this.outbox
          .recordFailure(
            claimed.map((r) => r.id),
            message,
          )
          .catch(() => undefined);
      throw error;
    }
  }

  private groupByQueue(rows: OutboxMessageEntity[]): Map<string, OutboxMessageEntity[]> {
    return groupBy(rows, (row) => row.queue);
  }
}

export function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
