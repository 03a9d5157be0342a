import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { Counter, Histogram, Registry } from 'prom-client';
import { MetricsRegistry } from './metrics-registry.js';

/** The exposition of one family, as the registry writes it. */
const familyText = async (registry: Registry, name: string) => registry.getSingleMetricAsString(name);

describe('LabelledCounter and LabelledHistogram', () => {
  it('should expose a counter cell per label combination with its total', async () => {
    const metrics = new MetricsRegistry();
    const counter = metrics.counter('test_requests_total', 'requests', ['route', 'status']);
    const ok = counter.cell('/a/:id', '200');
    ok.inc();
    ok.inc(2);
    counter.cell('/a/:id', '404').inc();
    expect(counter.cell('/a/:id', '200')).toBe(ok);

    const family = parsePrometheusTextFormat(await metrics.exposition()).find((f) => f.name === 'test_requests_total');
    expect(family?.type).toBe('COUNTER');
    expect(family?.metrics).toEqual([
      { labels: { route: '/a/:id', status: '200' }, value: '3' },
      { labels: { route: '/a/:id', status: '404' }, value: '1' },
    ]);
  });

  it("should write a counter exactly as prom-client's own counter does", async () => {
    const metrics = new MetricsRegistry();
    metrics.counter('test_same_total', 'same', ['a', 'b']).cell('x', 'y').inc(5);
    const reference = new Registry();
    new Counter({ name: 'test_same_total', help: 'same', labelNames: ['a', 'b'], registers: [reference] }).inc(
      { a: 'x', b: 'y' },
      5,
    );
    expect(await familyText(metrics.registry, 'test_same_total')).toBe(await familyText(reference, 'test_same_total'));
  });

  it("should write a histogram exactly as prom-client's own histogram does (cumulative buckets, sum, count)", async () => {
    const metrics = new MetricsRegistry();
    const values = [0.05, 0.1, 0.5, 3];
    const histogram = metrics.histogram('test_duration_seconds', 'durations', ['route'], [0.1, 1]);
    values.forEach((v) => histogram.cell('/b').observe(v));
    const reference = new Registry();
    const own = new Histogram({
      name: 'test_duration_seconds',
      help: 'durations',
      labelNames: ['route'],
      buckets: [0.1, 1],
      registers: [reference],
    });
    values.forEach((v) => own.observe({ route: '/b' }, v));

    const text = await familyText(metrics.registry, 'test_duration_seconds');
    expect(text).toBe(await familyText(reference, 'test_duration_seconds'));
    expect(text).toContain('test_duration_seconds_bucket{le="1",route="/b"} 3');
    expect(parsePrometheusTextFormat(text)[0].type).toBe('HISTOGRAM');
  });

  it('should keep the metrics of two registries apart (a hub and a worker in one process)', async () => {
    const [a, b] = [new MetricsRegistry(), new MetricsRegistry()];
    a.counter('test_shared_total', 'shared name', ['x']).cell('1').inc();
    b.counter('test_shared_total', 'shared name', ['x']);
    expect(await familyText(a.registry, 'test_shared_total')).toContain('test_shared_total{x="1"} 1');
    expect(await familyText(b.registry, 'test_shared_total')).not.toContain('x="1"');
  });

  it('should include the default process metrics', async () => {
    expect(await new MetricsRegistry().exposition()).toContain('# TYPE process_cpu_seconds_total counter');
  });
});
