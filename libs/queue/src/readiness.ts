import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QueueHealth } from './queue-health.js';
import { ShutdownState } from './shutdown-state.js';

export type DependencyState = 'ok' | 'down';

/**
 * The body of /health/live and /health/ready, the same in the hub and the worker. `degraded`: the
 * process serves what it is for, but a dependency it can do without is down (the hub without its
 * queue backend: the outbox keeps the work until the worker can hand it over). `draining`: the
 * process received SIGTERM and is finishing the work it has; it takes no more (no checks are run).
 */
export interface HealthReport {
  status: 'ok' | 'degraded' | 'unavailable' | 'draining';
  checks?: { database: DependencyState; queue: DependencyState };
}

/** What a process needs to be ready: the hub needs PostgreSQL only, the worker its queue backend too. */
export interface ReadinessNeeds {
  queue: boolean;
}

/** How long the probe waits for the queue backend: shorter where it is optional, so a load balancer's probe (often 1 s) gets its answer in time. */
const QUEUE_PROBE_MS = { needed: 1500, optional: 750 };

/** 200 while the process can serve (ok or degraded), 503 when it cannot or is stopping. */
export const readinessHttpStatus = (report: HealthReport): 200 | 503 =>
  report.status === 'unavailable' || report.status === 'draining' ? 503 : 200;

/** Liveness and readiness of a process: up/down per dependency, nothing more (the endpoints are public). */
@Injectable()
export class Readiness {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queues: QueueHealth,
    private readonly shutdown: ShutdownState,
  ) {}

  live(): HealthReport {
    return { status: 'ok' };
  }

  async ready(needs: ReadinessNeeds): Promise<HealthReport> {
    // answered at once: the probe must turn the moment the stop begins, whatever the dependencies do
    if (this.shutdown.draining) return { status: 'draining' };
    const [database, queue] = await Promise.all([
      this.dataSource.query('SELECT 1').then(
        () => true,
        () => false,
      ),
      this.queues.check(needs.queue ? QUEUE_PROBE_MS.needed : QUEUE_PROBE_MS.optional).then((r) => r.ok),
    ]);
    const status = !database || (needs.queue && !queue) ? 'unavailable' : queue ? 'ok' : 'degraded';
    return { status, checks: { database: database ? 'ok' : 'down', queue: queue ? 'ok' : 'down' } };
  }
}
