import { Injectable, Logger } from '@nestjs/common';
import { OutboxRepository } from '@app/db';
import { outboxJobKey, QUEUE_SHOWN_TO_OPERATORS, type QueueName } from './job-catalogue.js';
import { QueueCounters } from './queue-counters.js';

/** What a worker knows of a job that will not be retried again. */
export interface FailedJob {
  id: string;
  name: string;
  attemptsMade: number;
}

/**
 * A job that failed for good (attempts or stall limit spent, or a permanent error) is never
 * dropped silently: it is logged with its queue, id and reason, stays in its queue's failed set
 * (kept 30 days by the catalogue), and an outbox-fed job's row is parked so that the reconciler
 * leaves it to an operator. A row the worker could not park is parked by the reconciler.
 */
@Injectable()
export class FailedJobs {
  private readonly logger = new Logger(FailedJobs.name);

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly counters: QueueCounters,
  ) {}

  /** `detail`: what the job is about, for the log line (no secrets). */
  async failedForGood(queue: QueueName, job: FailedJob, reason: string, detail = ''): Promise<void> {
    this.counters.increment('jobs_failed_total', { queue, job: job.name });
    // a job of a queue hidden from operators is named in the log by its id alone, without its reason
    const what = QUEUE_SHOWN_TO_OPERATORS[queue]
      ? `job ${job.id} (${queue}/${job.name}${detail ? `, ${detail}` : ''}) failed for good after ${job.attemptsMade} attempt(s): ${reason}`
      : `job ${job.id} of a confidential queue failed for good`;
    const jobKey = outboxJobKey(job.id);
    if (jobKey === undefined) {
      this.logger.warn(`${what}; kept in the failed set, the schedule runs it again`);
      return;
    }
    try {
      const parked = await this.outbox.park(jobKey, reason);
      if (parked) this.counters.increment('outbox_parked_total', { queue, job: job.name });
      this.logger.warn(
        parked
          ? `${what}; parked (kept in the failed set and in the outbox for an operator)`
          : `${what}; kept in the failed set (its outbox row was already parked or settled)`,
      );
    } catch (error) {
      this.logger.warn(`${what}; the outbox row could not be parked now (${(error as Error).message}), the reconciler will`);
    }
  }
}
