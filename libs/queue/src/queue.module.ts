import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import { MetricsModule } from '@app/metrics';
import { ALL_QUEUES } from './job-catalogue.js';
import { FailedJobs } from './failed-jobs.js';
import { OutboxWriter } from './outbox-writer.js';
import { QueueCounters } from './queue-counters.js';
import { QueueHealth } from './queue-health.js';
import { QueueMetrics } from './queue-metrics.js';
import { Readiness } from './readiness.js';
import { ShutdownState } from './shutdown-state.js';

export const QUEUE_CONNECTION = Symbol('QUEUE_CONNECTION');

/** The module's own services, each provided and exported. */
const SHARED = [OutboxWriter, QueueHealth, Readiness, QueueCounters, FailedJobs, QueueMetrics];

/**
 * Registers every queue of the catalogue on the chosen backend (see configureQueueBackend).
 * `shutdown` is the process's stop state, shared with what runs outside Nest (the hub's HTTP server).
 */
@Global()
@Module({})
export class QueueModule {
  static forRoot(connection: ConnectionOptions, prefix: string, shutdown = new ShutdownState()): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        MetricsModule,
        BullModule.forRoot({ connection, prefix }),
        BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
      ],
      providers: [...SHARED, { provide: QUEUE_CONNECTION, useValue: connection }, { provide: ShutdownState, useValue: shutdown }],
      exports: [BullModule, MetricsModule, ...SHARED, QUEUE_CONNECTION, ShutdownState],
    };
  }
}
