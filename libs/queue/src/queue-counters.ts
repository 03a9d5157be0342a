import { Injectable } from '@nestjs/common';
import { type LabelledCounter, MetricsRegistry } from '@app/metrics';
import { isMeasuredQueue } from './queue-metrics.js';

/** What the counters count; the names and help texts are those a metrics endpoint exports. */
export const QUEUE_COUNTERS = {
  outbox_redispatched_total: 'outbox jobs found missing from their queue without a receipt and added again',
  outbox_parked_total: 'outbox rows parked for an operator because their job failed for good',
  jobs_failed_total: 'jobs that failed for good (attempts or stall limit spent, or a permanent error)',
  job_schedules_restored_total: 'job schedules found missing and created again',
} as const;

export type QueueCounterName = keyof typeof QUEUE_COUNTERS;

export interface CounterSample {
  name: QueueCounterName;
  help: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** Labels each counter is exported with (`hub_<name>`). */
const EXPORTED_LABELS: Record<QueueCounterName, readonly string[]> = {
  outbox_redispatched_total: ['queue', 'job'],
  outbox_parked_total: ['queue', 'job'],
  jobs_failed_total: ['queue', 'job'],
  job_schedules_restored_total: ['schedule'],
};

/**
 * Monotonic counters of the durability machinery (reconciler, final failures, schedules), kept
 * per process, for logs, tests and the metrics endpoint to read. A queue hidden from operators
 * (lawful interception) is not counted: metrics are an operators' view.
 */
@Injectable()
export class QueueCounters {
  private readonly samples = new Map<string, CounterSample>();
  private readonly exported: Record<QueueCounterName, LabelledCounter<string>>;

  constructor(metrics: MetricsRegistry) {
    this.exported = Object.fromEntries(
      (Object.keys(QUEUE_COUNTERS) as QueueCounterName[]).map((name) => [
        name,
        metrics.counter(`hub_${name}`, QUEUE_COUNTERS[name], EXPORTED_LABELS[name]),
      ]),
    ) as Record<QueueCounterName, LabelledCounter<string>>;
  }

  increment(name: QueueCounterName, labels: Record<string, string>, by = 1): void {
    // a queue hidden from operators is not counted at all, not only left out of the export
    if (by <= 0 || (labels.queue !== undefined && !isMeasuredQueue(labels.queue))) return;
    this.exported[name].cell(...EXPORTED_LABELS[name].map((label) => labels[label] ?? '')).inc(by);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))}`;
    const sample = this.samples.get(key);
    if (sample) sample.value += by;
    else this.samples.set(key, { name, help: QUEUE_COUNTERS[name], labels: { ...labels }, value: by });
  }

  /** The sum of `name` over every sample whose labels include `labels`. */
  value(name: QueueCounterName, labels: Record<string, string> = {}): number {
    let total = 0;
    for (const sample of this.samples.values()) {
      if (sample.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => sample.labels[k] === v)) total += sample.value;
    }
    return total;
  }

  /** Every sample, copied. */
  read(): CounterSample[] {
    return [...this.samples.values()].map((s) => ({ ...s, labels: { ...s.labels } }));
  }
}
