import { type AdministeredJob, administeredJobJson, type AdministeredJobJson, QueueAdministration, QueueName } from '@app/queue';
import type { LiAdministrator } from './li-administrators.service.js';
import { LiAuditLog } from './li-audit-log.js';

/** A matching job as an LI administrator sees it: ids only, like its payload (the queue goes without saying). */
export type LiMatchingJob = Omit<AdministeredJobJson, 'queue'>;

/**
 * Matching jobs that failed for good (parked), for LI administrators only: a parked job is a batch
 * or room event that nobody has matched yet, so its interceptions are missing until it is retried.
 * Operators never see the confidential queue; LI administrators list and retry its parked jobs
 * here, audited in li_audit. There is no discard: matching is never given up on purpose.
 */
export class LiMatchingJobs {
  constructor(
    private readonly queues: QueueAdministration,
    private readonly audit: LiAuditLog,
  ) {}

  async parked(
    administrator: LiAdministrator,
    query: { cursor?: string; limit: number },
  ): Promise<{ entries: LiMatchingJob[]; next: string | null }> {
    const page = await this.audit.refusalsAudited(
      { administratorId: administrator.id, action: 'list-parked-matching-jobs' },
      () => this.queues.parkedJobsIn(QueueName.LawfulInterception, query),
    );
    await this.audit.record({ administratorId: administrator.id, action: 'list-parked-matching-jobs', outcome: 'ok' });
    return { entries: page.items.map(toMatchingJob), next: page.nextCursor };
  }

  /** Runs a parked matching job again with a fresh retry budget (BullMQ's failed set or its outbox row). */
  async retry(administrator: LiAdministrator, jobId: string): Promise<LiMatchingJob> {
    const entry = { administratorId: administrator.id, action: 'retry-matching-job', detail: { jobId } };
    const job = await this.audit.refusalsAudited(entry, () =>
      this.queues.retryIn(QueueName.LawfulInterception, jobId, ({ job: name, state, parked, failedReason }, manager) =>
        this.audit.record({ ...entry, outcome: 'ok', detail: { jobId, job: name, state, parked, failedReason } }, manager),
      ),
    );
    return toMatchingJob(job);
  }
}

function toMatchingJob(job: AdministeredJob): LiMatchingJob {
  const { queue: _queue, ...rest } = administeredJobJson(job);
  return rest;
}
