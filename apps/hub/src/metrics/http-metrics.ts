import { Injectable } from '@nestjs/common';
import { type CounterCell, type HistogramCell, MetricsRegistry } from '@app/metrics';

/** Route label of a request no route matched (a 404 from the router): the raw URL is never a label. */
export const UNMATCHED_ROUTE = 'unmatched';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const OTHER_METHOD = METHODS.length;

/** The cells one answer adds to. */
export interface RequestCells {
  readonly count: CounterCell;
  readonly duration: HistogramCell;
}

/**
 * HTTP requests answered by the hub, by method, route template (Fastify's `routeOptions.url`, e.g.
 * `/v1/members/:domain`) and status, with their latency. The cells of each combination are bound
 * on its first request and kept, so a request costs two map lookups (no string is built) and a few
 * additions.
 */
@Injectable()
export class HttpMetrics {
  private readonly requests;
  private readonly durations;
  /** route template → (status × 8 + method index) → cells */
  private readonly byRoute = new Map<string, Map<number, RequestCells>>();

  constructor(metrics: MetricsRegistry) {
    this.requests = metrics.counter('hub_http_requests_total', 'HTTP requests answered, by method, route template and status', [
      'method',
      'route',
      'status',
    ]);
    this.durations = metrics.histogram(
      'hub_http_request_duration_seconds',
      'time from the start of a request to its answer, by method, route template and status',
      ['method', 'route', 'status'],
    );
  }

  /** One answered request; `route` undefined: no route matched. */
  record(route: string | undefined, method: string, status: number, seconds: number): void {
    const cells = this.cells(route ?? UNMATCHED_ROUTE, method, status);
    cells.count.value++;
    cells.duration.observe(seconds);
  }

  /** The cells of one combination, for a caller that keeps them (the well-known fast path). */
  cells(route: string, method: string, status: number): RequestCells {
    let byKey = this.byRoute.get(route);
    if (!byKey) this.byRoute.set(route, (byKey = new Map()));
    const index = methodIndex(method);
    const key = status * 8 + index;
    let cells = byKey.get(key);
    if (!cells) {
      const labels = [index === OTHER_METHOD ? 'other' : METHODS[index], route, String(status)];
      cells = { count: this.requests.cell(...labels), duration: this.durations.cell(...labels) };
      byKey.set(key, cells);
    }
    return cells;
  }
}

function methodIndex(method: string): number {
  const index = (METHODS as readonly string[]).indexOf(method);
  return index === -1 ? OTHER_METHOD : index;
}
