import type { DataSource } from 'typeorm';
import type { QueueHealth } from './queue-health.js';
import { Readiness, readinessHttpStatus } from './readiness.js';
import { ShutdownState } from './shutdown-state.js';

function readiness(database: boolean, queue: boolean, shutdown = new ShutdownState()): Readiness {
  const dataSource = { query: () => (database ? Promise.resolve([{ '?column?': 1 }]) : Promise.reject(new Error('down'))) };
  const queues = { check: () => Promise.resolve({ ok: queue }) };
  return new Readiness(dataSource as unknown as DataSource, queues as unknown as QueueHealth, shutdown);
}

describe(Readiness.name, () => {
  it('should be ok when PostgreSQL and the queue backend answer', async () => {
    const report = await readiness(true, true).ready({ queue: false });
    expect(report).toEqual({ status: 'ok', checks: { database: 'ok', queue: 'ok' } });
    expect(readinessHttpStatus(report)).toBe(200);
  });

  it('should stay ready but degraded without the queue backend when the process does not need it', async () => {
    const report = await readiness(true, false).ready({ queue: false });
    expect(report).toEqual({ status: 'degraded', checks: { database: 'ok', queue: 'down' } });
    expect(readinessHttpStatus(report)).toBe(200);
  });

  it('should be unavailable without the queue backend when the process needs it', async () => {
    const report = await readiness(true, false).ready({ queue: true });
    expect(report).toEqual({ status: 'unavailable', checks: { database: 'ok', queue: 'down' } });
    expect(readinessHttpStatus(report)).toBe(503);
  });

  it('should be unavailable without PostgreSQL whatever the queue backend does', async () => {
    const report = await readiness(false, true).ready({ queue: false });
    expect(report).toEqual({ status: 'unavailable', checks: { database: 'down', queue: 'ok' } });
    expect(readinessHttpStatus(report)).toBe(503);
  });

  it('should answer draining (503) at once once the stop has begun, while liveness stays ok', async () => {
    const shutdown = new ShutdownState();
    const probe = readiness(true, true, shutdown);
    shutdown.beginDraining();
    const report = await probe.ready({ queue: true });
    expect(report).toEqual({ status: 'draining' });
    expect(readinessHttpStatus(report)).toBe(503);
    expect(probe.live()).toEqual({ status: 'ok' });
  });
});
