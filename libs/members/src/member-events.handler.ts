import { Injectable } from '@nestjs/common';
import { JobReceiptRepository, TransactionRunner } from '@app/db';
import { type JobRef, MemberStatusChangedPayload, QueueName, JobName } from '@app/queue';

/**
 * Consumer side of `member-events`. For now the effect is recording the event as delivered;
 * notifications hang off this handler later. Idempotent: a redelivered job changes nothing.
 */
@Injectable()
export class MemberEventsHandler {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly receipts: JobReceiptRepository,
  ) {}

  async statusChanged(job: JobRef, payload: MemberStatusChangedPayload): Promise<{ delivered: boolean }> {
    const delivered = await this.tx.run((manager) =>
      this.receipts.recordOnce(
        {
          jobId: job.id,
          queue: QueueName.MemberEvents,
          jobName: JobName.MemberStatusChanged,
          result: { domain: payload.domain, from: payload.from, to: payload.to },
          attemptsMade: job.attemptsMade,
        },
        manager,
      ),
    );
    return { delivered };
  }
}
