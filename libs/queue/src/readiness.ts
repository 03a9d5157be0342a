import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QueueHealth } from './queue-health.js';

export type DependencyState = 'ok' | 'down';

/** The body of /health/live and /health/ready, the same in the hub and the worker. */
export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks?: { database: DependencyState; queue: DependencyState };
}

/** Liveness and readiness of a process: up/down per dependency, nothing more (the endpoints are public). */
@Injectable()
export class Readiness {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queues: QueueHealth,
  ) {}

  live(): HealthReport {
    return { status: 'ok' };
  }

  async ready(): Promise<HealthReport> {
    const [database, queue] = await Promise.all([
      this.dataSource.query('SELECT 1').then(
        () => true,
        () => false,
      ),
      this.queues.check().then((r) => r.ok),
    ]);
    return {
      status: database && queue ? 'ok' : 'unavailable',
      checks: { database: database ? 'ok' : 'down', queue: queue ? 'ok' : 'down' },
    };
  }
}
