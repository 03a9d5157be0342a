import { Injectable } from '@nestjs/common';
import { type CounterCell, MetricsRegistry } from '@app/metrics';

/** How a provisioning document was fetched: HTTP (a member's or the hub's document), the federation document, SIP OPTIONS. */
export type FetchChannel = 'http' | 'federation' | 'sip';

/**
 * Provisioning fetches by channel and the rendered-view cache's hits and misses. The cells are
 * bound once here, so the hot path (the well-known fast path) adds to a number and nothing else.
 */
@Injectable()
export class ProvisioningMetrics {
  readonly fetches: Readonly<Record<FetchChannel, CounterCell>>;
  readonly cacheHits: CounterCell;
  readonly cacheMisses: CounterCell;

  constructor(metrics: MetricsRegistry) {
    const fetches = metrics.counter(
      'hub_provisioning_fetches_total',
      'provisioning documents served, by channel (http: a member or the hub document; federation: the aggregated document; sip: SIP OPTIONS)',
      ['channel'],
    );
    this.fetches = { http: fetches.cell('http'), federation: fetches.cell('federation'), sip: fetches.cell('sip') };
    const cache = metrics.counter(
      'hub_provisioning_view_cache_total',
      'lookups of rendered provisioning views: hit (served from memory) or miss (computed from PostgreSQL and rendered)',
      ['result'],
    );
    this.cacheHits = cache.cell('hit');
    this.cacheMisses = cache.cell('miss');
  }
}
