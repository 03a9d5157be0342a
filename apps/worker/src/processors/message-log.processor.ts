import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { MessageLogBatchHandler } from '@app/message-log';
import { JobName, type MessageLogBatchCommittedPayload, QueueName } from '@app/queue';
import { CatalogueWorkerHost } from './catalogue-worker-host.js';

/** Transport only: committed message-log batches go to the message-log library's post-processing. */
@Processor(QueueName.MessageLog, { autorun: false })
export class MessageLogProcessor extends CatalogueWorkerHost {
  constructor(
    private readonly handler: MessageLogBatchHandler,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super(QueueName.MessageLog, config);
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as JobName.MessageLogBatchCommitted;
    switch (name) {
      case JobName.MessageLogBatchCommitted:
        return this.handler.batchCommitted(
          { id: String(job.id), attemptsMade: job.attemptsMade },
          job.data as MessageLogBatchCommittedPayload,
        );
      default: {
        const unknownName: never = name;
        throw new UnrecoverableError(`unknown job ${String(unknownName)} on ${QueueName.MessageLog}`);
      }
    }
  }
}
