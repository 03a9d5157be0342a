import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ChangeNotificationsHandler } from '@app/provisioning';
import { JobName, ProvisioningPublishedPayload, QueueName } from '@app/queue';

/** Transport only: a published version is fanned out to its subscribers by the provisioning library. */
@Processor(QueueName.ProvisioningChanges)
export class ProvisioningChangesProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ProvisioningChangesProcessor.name);
  private lastError = '';

  constructor(
    private readonly handler: ChangeNotificationsHandler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.queue.concurrency;
  }

  /** Lets jobs in flight finish while the database is still open (BullMQ's own close comes later, with it). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as JobName.ProvisioningPublished;
    switch (name) {
      case JobName.ProvisioningPublished:
        return this.handler.fanOut(
          { id: String(job.id), attemptsMade: job.attemptsMade },
          job.data as ProvisioningPublishedPayload,
        );
      default: {
        const unknownName: never = name;
        throw new UnrecoverableError(`unknown job ${String(unknownName)} on ${QueueName.ProvisioningChanges}`);
      }
    }
  }

  /** Connection errors repeat on every reconnect attempt; log each distinct one once. */
  @OnWorkerEvent('error')
  onError(error: Error): void {
    if (error.message === this.lastError) return;
    this.lastError = error.message;
    this.logger.warn(`${QueueName.ProvisioningChanges} worker: ${error.message}`);
  }

  @OnWorkerEvent('ready')
  onReady(): void {
    this.lastError = '';
  }
}
