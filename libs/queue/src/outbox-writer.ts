import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type NewOutboxMessage, OutboxRepository } from '@app/db';
import { JOB_CATALOGUE, JobName, JobPayloads, outboxJobId } from './job-catalogue.js';

/** Records the intent to run a job inside the caller's transaction (the transactional outbox). */
@Injectable()
export class OutboxWriter {
  constructor(private readonly outbox: OutboxRepository) {}

  /** Returns the BullMQ job id the row will be dispatched under. */
  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], manager: EntityManager): Promise<string> {
    const jobKey = await this.outbox.append(this.message(name, payload), manager);
    return outboxJobId(jobKey);
  }

  /** Several jobs of one name, in one statement. */
  async enqueueMany<N extends JobName>(name: N, payloads: Array<JobPayloads[N]>, manager: EntityManager): Promise<void> {
    await this.outbox.appendMany(
      payloads.map((p) => this.message(name, p)),
      manager,
    );
  }

  /**
   * The outbox row of a job, typed by the catalogue, for a repository that writes it in its own
   * transaction (the message log's ingest commits it with the batch in one round trip).
   */
  message<N extends JobName>(name: N, payload: JobPayloads[N]): NewOutboxMessage {
    return { queue: JOB_CATALOGUE[name].queue, jobName: name, payload: payload as unknown as Record<string, unknown> };
  }
}
