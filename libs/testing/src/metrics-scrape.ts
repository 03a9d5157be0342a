import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';

/** A scrape of /metrics read with a real Prometheus text-format parser. */
export class MetricsScrape {
  readonly families: PrometheusFamily[];

  constructor(readonly text: string) {
    this.families = parsePrometheusTextFormat(text);
  }

  family(name: string): PrometheusFamily | undefined {
    return this.families.find((f) => f.name === name);
  }

  /** The sum over the samples of `name` whose labels include `labels` (a histogram: its count); 0 when none. */
  value(name: string, labels: Record<string, string> = {}): number {
    let total = 0;
    for (const sample of this.family(name)?.metrics ?? []) {
      if (!Object.entries(labels).every(([k, v]) => sample.labels?.[k] === v)) continue;
      total += Number(sample.value ?? sample.count ?? 0);
    }
    return total;
  }
}
