import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ChatEventsHandler } from '@app/chat';
import { FailedJobs, type JobHandlerMap, jobRef, JobName, QueueName } from '@app/queue';
import { CatalogueWorkerHost } from './catalogue-worker-host.js';

/** Transport only: committed room events go to the chat library's post-processing. */
@Processor(QueueName.Chat, { autorun: false })
export class ChatProcessor extends CatalogueWorkerHost<QueueName.Chat> {
  protected readonly handlers: JobHandlerMap<QueueName.Chat> = {
    [JobName.ChatEventCommitted]: (job) => this.handler.eventCommitted(jobRef(job), job.data),
  };

  constructor(
    private readonly handler: ChatEventsHandler,
    @Inject(APP_CONFIG) config: AppConfig,
    failures: FailedJobs,
  ) {
    super(QueueName.Chat, config, failures);
  }
}
