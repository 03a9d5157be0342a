import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OutboxRepository } from '@app/db';
import { JOB_CATALOGUE, JobName, JobPayloads, outboxJobId } from './job-catalogue.js';

/** Records the intent to run a job inside the caller's transaction (the transactional outbox). */
@Injectable()
export class OutboxWriter {
  constructor(private readonly outbox: OutboxRepository) {}

  /** Returns the BullMQ job id the row will be dispatched under. */
  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], manager: EntityManager): Promise<string> {
    const jobKey = await this.outbox.append(
      { queue: JOB_CATALOGUE[name].queue, jobName: name, payload: payload as unknown as Record<string, unknown> },
      manager,
    );
    return outboxJobId(jobKey);
  }
}
