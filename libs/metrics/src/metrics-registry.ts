import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { LabelledCounter, LabelledHistogram } from './labelled-metrics.js';

/** Latency buckets in seconds: the hot path answers in tens of microseconds, batches take up to seconds. */
export const DURATION_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The process's metrics: prom-client's default process metrics, and the metrics each library
 * defines through it. One registry per application (not prom-client's global one), so a hub and a
 * worker built in the same process (the tests) each have their own. Label values are only ever
 * route templates, queue names, member domains, outcomes and reasons: never a user's URI.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): LabelledCounter<L> {
    return new LabelledCounter(this.registry, { name, help, labelNames });
  }

  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: readonly number[] = DURATION_BUCKETS,
  ): LabelledHistogram<L> {
    return new LabelledHistogram(this.registry, { name, help, labelNames, buckets });
  }

  /** A gauge read at scrape time: `collect` sets its values (it may query a backend). */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect: (gauge: Gauge<L>) => Promise<void>,
  ): Gauge<L> {
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        await collect(this);
      },
    });
  }

  /** The exposition in Prometheus text format 0.0.4. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
