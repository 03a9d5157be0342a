import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ChatEventsHandler } from '@app/chat';
import { FailedJobs, type JobHandlerMap, jobRef, JobName, QueueName } from '@app/queue';
import { CatalogueWorkerHost } from './catalogue-worker-host.js';

/**
 * Chat jobs taken at once. A chat job only waits for the batch its event is logged in
 * (ChatEventsHandler logs the events of the jobs running at once together), so more of them at
 * once make fewer, larger batches of the message log — fewer transactions and statements per
 * message — rather than more work in parallel.
 */
export const CHAT_JOBS_AT_ONCE = 50;

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

  protected override configureWorker(): void {
    this.worker.concurrency = Math.max(this.config.queue.concurrency, CHAT_JOBS_AT_ONCE);
  }
}
