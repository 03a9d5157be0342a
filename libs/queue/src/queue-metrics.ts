import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { type HistogramCell, MetricsRegistry } from '@app/metrics';
import { ALL_QUEUES, QUEUE_SHOWN_TO_OPERATORS, type QueueName } from './job-catalogue.js';
import { withTimeout } from './with-timeout.js';

/**
 * The queues metrics may name: those the catalogue shows to operators, and no other. A queue
 * declared hidden (lawful interception) never appears in a metric, not even as a zero, so its
 * existence cannot be read from a scrape.
 */
export function queuesToMeasure(shown: Readonly<Record<string, boolean>> = QUEUE_SHOWN_TO_OPERATORS): string[] {
  return Object.keys(shown).filter((queue) => shown[queue] === true);
}

const MEASURED: ReadonlySet<string> = new Set(queuesToMeasure());

/** Whether metrics may name `queue` (see queuesToMeasure). */
export const isMeasuredQueue = (queue: string): boolean => MEASURED.has(queue);

/** The job states whose sizes the depth gauge reports. */
export const MEASURED_JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

const DEPTH_TIMEOUT_MS = 2000;

/** Job run times per queue, job and outcome (worker). Jobs of hidden queues are not measured. */
@Injectable()
export class QueueMetrics {
  private readonly durations;
  private readonly cells = new Map<string, HistogramCell>();

  constructor(metrics: MetricsRegistry) {
    this.durations = metrics.histogram(
      'hub_queue_job_duration_seconds',
      'run time of one attempt of a job, by queue, job name and outcome (completed or failed; a failed attempt may be retried)',
      ['queue', 'job', 'outcome'],
    );
  }

  /** One attempt of `job` on `queue` ended after `seconds`. */
  attemptEnded(queue: QueueName, job: string, outcome: 'completed' | 'failed', seconds: number): void {
    if (!isMeasuredQueue(queue)) return;
    const key = `${queue} ${job} ${outcome}`;
    let cell = this.cells.get(key);
    if (!cell) this.cells.set(key, (cell = this.durations.cell(queue, job, outcome)));
    cell.observe(seconds);
  }
}

/**
 * Queue depth, read from the queue backend at scrape time (the worker's metrics only, so that a
 * sum over the processes does not count each queue once per hub as well). A backend that does
 * not answer leaves the gauge empty for that scrape rather than holding the scrape.
 */
@Injectable()
export class QueueDepthMetrics {
  private readonly logger = new Logger(QueueDepthMetrics.name);
  private failing = false;

  constructor(metrics: MetricsRegistry, moduleRef: ModuleRef) {
    const queues = ALL_QUEUES.filter(isMeasuredQueue);
    metrics.gauge(
      'hub_queue_jobs',
      'jobs in a queue by state (waiting, active, delayed, failed), read at scrape time',
      ['queue', 'state'],
      async (gauge) => {
        gauge.reset();
        try {
          const counts = await Promise.all(
            queues.map((name) =>
              withTimeout(
                moduleRef.get<Queue>(getQueueToken(name), { strict: false }).getJobCounts(...MEASURED_JOB_STATES),
                DEPTH_TIMEOUT_MS,
                `counting the jobs of ${name}`,
              ),
            ),
          );
          queues.forEach((queue, i) => {
            for (const state of MEASURED_JOB_STATES) gauge.set({ queue, state }, counts[i][state] ?? 0);
          });
          this.failing = false;
        } catch (error) {
          if (!this.failing) this.logger.warn(`queue depth not read for the metrics: ${(error as Error).message}`);
          this.failing = true;
          gauge.reset();
        }
      },
    );
  }
}
