import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { JobReceiptRepository, MessageLogStatsRepository, TransactionRunner } from '@app/db';
import { JobName, type JobRef, type MessageLogBatchCommittedPayload, OutboxWriter, QueueName } from '@app/queue';

export type BatchHandled = { outcome: 'duplicate' } | { outcome: 'counted'; records: number };

/**
 * Post-processing of a committed batch (queue message-log): the per-day statistics and, while
 * lawful interception is enabled, the batch's matching job (queue lawful-interception) for EVERY
 * batch, so this job's work, receipt and timing never depend on whether anything is intercepted.
 * The effect and the job's receipt commit in one transaction, so a worker killed mid-job leaves
 * neither and the retried job counts once.
 */
@Injectable()
export class MessageLogBatchHandler {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: OutboxWriter,
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
      if (this.config.li) {
        const { origin, fromSeq, toSeq } = payload;
        await this.outbox.enqueue(JobName.LiMatchLogBatch, { origin, fromSeq, toSeq }, manager);
      }
      return { outcome: 'counted' as const, records };
    });
  }
}
