import { Counter, Histogram, type MetricType, type Registry } from 'prom-client';

// prom-client's typings declare the type as a numeric enum; its registry writes (and needs) the string
const COUNTER = 'counter' as unknown as MetricType;
const HISTOGRAM = 'histogram' as unknown as MetricType;

/** One label combination of a LabelledCounter: incrementing it is one addition, nothing is looked up or allocated. */
export class CounterCell {
  value = 0;

  inc(by = 1): void {
    if (by > 0) this.value += by;
  }
}

/** One label combination of a LabelledHistogram: observing is a short loop over the buckets and three additions. */
export class HistogramCell {
  /** per bucket (the last one: above every bound), the observations that fell into it */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]) i++;
    this.counts[i]++;
    this.sum += value;
    this.count++;
  }
}

const SEPARATOR = '\u0000';

type Labels<L extends string> = Partial<Record<L, string | number>>;

/** Label combinations, each bound once to its cell. */
class Cells<L extends string, C> {
  private readonly entries = new Map<string, { labels: Labels<L>; cell: C }>();

  constructor(
    private readonly names: readonly L[],
    private readonly create: () => C,
  ) {}

  get(values: readonly string[]): C {
    const key = values.join(SEPARATOR);
    let entry = this.entries.get(key);
    if (!entry) {
      const labels = Object.fromEntries(this.names.map((n, i) => [n, values[i] ?? ''])) as Labels<L>;
      this.entries.set(key, (entry = { labels, cell: this.create() }));
    }
    return entry.cell;
  }

  all(): IterableIterator<{ labels: Labels<L>; cell: C }> {
    return this.entries.values();
  }
}

/**
 * A prom-client counter whose label combinations are bound once (`cell(...)`, kept by the caller
 * where it is hot) and then incremented as plain numbers: prom-client's own `inc` builds and
 * hashes a label string on every call. The registry reads the cells at scrape time through
 * `get()`, which writes the same exposition as prom-client's counter.
 */
export class LabelledCounter<L extends string> extends Counter<L> {
  private readonly cells: Cells<L, CounterCell>;

  constructor(
    registry: Registry,
    private readonly metric: { name: string; help: string; labelNames: readonly L[] },
  ) {
    super({ ...metric, registers: [registry] });
    this.cells = new Cells(metric.labelNames, () => new CounterCell());
  }

  /** The cell of these label values (in labelNames order), created on first use and kept. */
  cell(...values: string[]): CounterCell {
    return this.cells.get(values);
  }

  override get(): ReturnType<Counter<L>['get']> {
    const values = [...this.cells.all()].map(({ labels, cell }) => ({ labels, value: cell.value }));
    const { name, help } = this.metric;
    return Promise.resolve({ name, help, type: COUNTER, aggregator: 'sum' as const, collect: () => undefined, values });
  }

  override reset(): void {
    // prom-client's constructor calls reset() before this class's fields exist
    const cells = this.cells as Cells<L, CounterCell> | undefined;
    for (const { cell } of cells?.all() ?? []) cell.value = 0;
  }
}

/**
 * A prom-client histogram with cells like LabelledCounter's, exposed with cumulative `le`
 * buckets, `_sum` and `_count` as prom-client's own histogram writes them.
 */
export class LabelledHistogram<L extends string> extends Histogram<L> {
  private readonly cells: Cells<L, HistogramCell>;
  private readonly bounds: readonly number[];

  constructor(
    registry: Registry,
    private readonly metric: { name: string; help: string; labelNames: readonly L[]; buckets: readonly number[] },
  ) {
    super({ ...metric, buckets: [...metric.buckets], registers: [registry] });
    const bounds = [...metric.buckets].sort((a, b) => a - b);
    this.bounds = bounds;
    this.cells = new Cells(metric.labelNames, () => new HistogramCell(bounds));
  }

  /** The cell of these label values (in labelNames order), created on first use and kept. */
  cell(...values: string[]): HistogramCell {
    return this.cells.get(values);
  }

  override get(): ReturnType<Histogram<L>['get']> {
    const { name, help } = this.metric;
    const values: Array<{ labels: Labels<L>; value: number; metricName: string }> = [];
    // `le` is the exposition's bucket label, not one of the metric's own; first, where prom-client writes it
    const withBound = (labels: Labels<L>, le: number | string) => ({ le, ...labels }) as Labels<L>;
    for (const { labels, cell } of this.cells.all()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += cell.counts[i];
        values.push({ labels: withBound(labels, le), value: cumulative, metricName: `${name}_bucket` });
      });
      values.push({ labels: withBound(labels, '+Inf'), value: cell.count, metricName: `${name}_bucket` });
      values.push({ labels, value: cell.sum, metricName: `${name}_sum` });
      values.push({ labels, value: cell.count, metricName: `${name}_count` });
    }
    return Promise.resolve({ name, help, type: HISTOGRAM, aggregator: 'sum' as const, collect: () => undefined, values });
  }

  /** What the registry reads for the text exposition (prom-client's histogram has its own; this one is get()). */
  getForPromString(): ReturnType<Histogram<L>['get']> {
    return this.get();
  }

  override reset(): void {
    // prom-client's constructor calls reset() before this class's fields exist
    const cells = this.cells as Cells<L, HistogramCell> | undefined;
    for (const { cell } of cells?.all() ?? []) {
      cell.counts.fill(0);
      cell.sum = 0;
      cell.count = 0;
    }
  }
}
