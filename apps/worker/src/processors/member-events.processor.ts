import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { Job, UnrecoverableError } from 'bullmq';
import { MemberEventsHandler } from '@app/members';
import { JobName, MemberStatusChangedPayload, QueueName } from '@app/queue';

/** Transport only: checks the job name and hands the payload to the members library. */
@Processor(QueueName.MemberEvents)
export class MemberEventsProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MemberEventsProcessor.name);
  private lastError = '';

  constructor(
    private readonly handler: MemberEventsHandler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.queue.concurrency;
  }

  /** Drain in-flight jobs while the database pool is still open (it closes in the shutdown phase). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as JobName.MemberStatusChanged;
    switch (name) {
      case JobName.MemberStatusChanged:
        return this.handler.statusChanged(
          { id: String(job.id), attemptsMade: job.attemptsMade },
          job.data as MemberStatusChangedPayload,
        );
      default: {
        const unknownName: never = name;
        throw new UnrecoverableError(`unknown job ${String(unknownName)} on ${QueueName.MemberEvents}`);
      }
    }
  }

  /** Connection errors repeat on every reconnect attempt; log each distinct one once. */
  @OnWorkerEvent('error')
  onError(error: Error): void {
    if (error.message === this.lastError) return;
    this.lastError = error.message;
    this.logger.warn(`${QueueName.MemberEvents} worker: ${error.message}`);
  }

  @OnWorkerEvent('ready')
  onReady(): void {
    this.lastError = '';
  }
}
