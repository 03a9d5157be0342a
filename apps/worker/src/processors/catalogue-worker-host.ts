import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import type { QueueName } from '@app/queue';

/**
 * What every processor of the job catalogue shares: concurrency from config, draining before the
 * database pool closes, and connection errors logged once per distinct message (they repeat on
 * every reconnect attempt while Redis is down).
 */
export abstract class CatalogueWorkerHost extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(this.constructor.name);
  private lastError = '';

  protected constructor(
    private readonly queueName: QueueName,
    protected readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.queue.concurrency;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    if (error.message === this.lastError) return;
    this.lastError = error.message;
    this.logger.warn(`${this.queueName} worker: ${error.message}`);
  }

  @OnWorkerEvent('ready')
  onReady(): void {
    this.lastError = '';
  }
}
