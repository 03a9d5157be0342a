import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { ALL_QUEUES, QueueName } from './job-catalogue.js';

const PROBE_TIMEOUT_MS = 1500;

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

  async check(): Promise<{ ok: boolean; error?: string }> {
    const probe = this.queue(QueueName.MemberEvents).getJobCounts('waiting');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('queue backend did not answer in time')), PROBE_TIMEOUT_MS);
    });
    try {
      await Promise.race([probe, timeout]);
      return { ok: true };
    } catch (error) {
      probe.catch(() => undefined);
      return { ok: false, error: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }
}
