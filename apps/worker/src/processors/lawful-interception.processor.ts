import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { LiMatchHandler } from '@app/li';
import { FailedJobs, type JobHandlerMap, jobRef, JobName, QueueName } from '@app/queue';
import { CatalogueWorkerHost } from './catalogue-worker-host.js';

/**
 * Transport only: interception matching of committed batches and room events. Its jobs return
 * nothing, so nothing the queue backend keeps says whether anything matched.
 */
@Processor(QueueName.LawfulInterception, { autorun: false })
export class LawfulInterceptionProcessor extends CatalogueWorkerHost<QueueName.LawfulInterception> {
  protected readonly handlers: JobHandlerMap<QueueName.LawfulInterception> = {
    [JobName.LiMatchLogBatch]: (job) => this.handler.logBatchCommitted(jobRef(job), job.data),
    [JobName.LiMatchChatEvent]: (job) => this.handler.chatEventCommitted(jobRef(job), job.data),
  };

  constructor(
    private readonly handler: LiMatchHandler,
    @Inject(APP_CONFIG) config: AppConfig,
    failures: FailedJobs,
  ) {
    super(QueueName.LawfulInterception, config, failures);
  }
}
