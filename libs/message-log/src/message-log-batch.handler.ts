import { Injectable } from '@nestjs/common';
import { JobReceiptRepository, MessageLogStatsRepository, TransactionRunner } from '@app/db';
import { JobName, type JobRef, type MessageLogBatchCommittedPayload, QueueName } from '@app/queue';

export type BatchHandled = { outcome: 'duplicate' } | { outcome: 'counted'; records: number };

/**
 * Post-processing of a committed batch (queue message-log). Today: the per-day statistics; the
 * interception matcher of a later issue hooks in here. The effect and the job's receipt commit in
 * one transaction, so a worker killed mid-job leaves neither and the retried job counts once.
 */
@Injectable()
export class MessageLogBatchHandler {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly receipts: JobReceiptRepository,
    private readonly stats: MessageLogStatsRepository,
  ) {}

  batchCommitted(job: JobRef, payload: MessageLogBatchCommittedPayload): Promise<BatchHandled> {
    return this.tx.run(async (manager) => {
      // a concurrent run of the same job (a stalled job handed out again) waits here until the first commits
      const first = await this.receipts.recordOnce(
        {
          jobId: job.id,
          queue: QueueName.MessageLog,
          jobName: JobName.MessageLogBatchCommitted,
          result: { batchId: payload.batchId, fromSeq: payload.fromSeq, toSeq: payload.toSeq },
          attemptsMade: job.attemptsMade,
        },
        manager,
      );
      if (!first) return { outcome: 'duplicate' as const };
      const records = await this.stats.addBatch(payload.origin, payload.fromSeq, payload.toSeq, manager);
      return { outcome: 'counted' as const, records };
    });
  }
}
