import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { MessageLogBatchHandler } from '@app/message-log';
import { FailedJobs, type JobHandlerMap, jobRef, JobName, QueueName } from '@app/queue';
import { CatalogueWorkerHost } from './catalogue-worker-host.js';

/** Transport only: committed message-log batches go to the message-log library's post-processing. */
@Processor(QueueName.MessageLog, { autorun: false })
export class MessageLogProcessor extends CatalogueWorkerHost<QueueName.MessageLog> {
  protected readonly handlers: JobHandlerMap<QueueName.MessageLog> = {
    [JobName.MessageLogBatchCommitted]: (job) => this.handler.batchCommitted(jobRef(job), job.data),
  };

  constructor(
    private readonly handler: MessageLogBatchHandler,
    @Inject(APP_CONFIG) config: AppConfig,
    failures: FailedJobs,
  ) {
    super(QueueName.MessageLog, config, failures);
  }
}
