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

  /** The sum over the samples of counter or gauge `name` whose labels include `labels`; 0 when none. */
  value(name: string, labels: Record<string, string> = {}): number {
    let total = 0;
    for (const sample of this.family(name)?.metrics ?? []) {
      if (!Object.entries(labels).every(([k, v]) => sample.labels?.[k] === v)) continue;
      total += Number(sample.value ?? 0);
    }
    return total;
  }

  /**
   * The summed `_count` of histogram `name` over the series whose labels include `labels`. The
   * parser merges a histogram's labelled series into one sample (it keeps no labels for them), so
   * the `_count` lines are read from the text, once the parser has accepted the whole scrape.
   */
  histogramCount(name: string, labels: Record<string, string> = {}): number {
    if (this.family(name)?.type !== 'HISTOGRAM') return 0;
    let total = 0;
    for (const line of this.text.split('\n')) {
      const match = new RegExp(`^${name}_count\\{(.*)\\} (\\S+)$`).exec(line);
      if (!match) continue;
      const series = Object.fromEntries([...match[1].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
      if (Object.entries(labels).every(([k, v]) => series[k] === v)) total += Number(match[2]);
    }
    return total;
  }
}
