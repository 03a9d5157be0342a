import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { ALL_QUEUES, QueueName } from './job-catalogue.js';
import { withTimeout } from './with-timeout.js';

/** Readiness probe for the queue backend: a cheap round trip with a deadline. */
@Injectable()
export class QueueHealth implements OnApplicationBootstrap {
  private readonly logger = new Logger('Queues');
  private lastError = '';

  constructor(private readonly moduleRef: ModuleRef) {}

  /** Producers' connection errors repeat on every reconnect attempt; log each distinct one once. */
  onApplicationBootstrap(): void {
    for (const name of ALL_QUEUES) {
      this.queue(name).on('error', (error: Error) => {
        if (error.message === this.lastError) return;
        this.lastError = error.message;
        this.logger.warn(`queue ${name}: ${error.message}`);
      });
    }
  }

  queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }

  /** A cheap round trip to the queue backend; not ok when it fails or takes longer than `timeoutMs`. */
  async check(timeoutMs: number): Promise<{ ok: boolean; error?: string }> {
    try {
      await withTimeout(this.queue(QueueName.MemberEvents).getJobCounts('waiting'), timeoutMs, 'the queue backend probe');
      return { ok: true };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }
}
