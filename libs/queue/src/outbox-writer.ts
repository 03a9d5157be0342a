import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OutboxRepository } from '@app/db';
import { JOB_CATALOGUE, JobName, JobPayloads } from './job-catalogue.js';

/** Records the intent to run a job inside the caller's transaction (the transactional outbox). */
@Injectable()
export class OutboxWriter {
  constructor(private readonly outbox: OutboxRepository) {}

  enqueue<N extends JobName>(name: N, payload: JobPayloads[N], manager: EntityManager): Promise<string> {
    return this.outbox.append(
      { queue: JOB_CATALOGUE[name].queue, jobName: name, payload: payload as unknown as Record<string, unknown> },
      manager,
    );
  }
}
