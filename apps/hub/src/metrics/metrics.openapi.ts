import type { PathItemObject } from '@nestjs/swagger';
import { problemContent } from '../common/openapi.decorators.js';

const EXAMPLE = `# HELP hub_http_requests_total HTTP requests answered, by method, route template and status
# TYPE hub_http_requests_total counter
hub_http_requests_total{method="GET",route="/.well-known/pres-im-provisioning/:domain",status="200"} 1027
`;

/** `GET /metrics`, registered on Fastify (metrics-route.ts); the metrics are listed in docs/operations.md. */
export function metricsPathItems(): Record<string, PathItemObject> {
  return {
    '/metrics': {
      get: {
        tags: ['operations'],
        operationId: 'Metrics_scrape',
        summary: 'Prometheus metrics of this hub process',
        description:
          'The Prometheus text exposition (format 0.0.4): process metrics and the hub\'s own (docs/operations.md, "Metrics"). ' +
          'No credentials unless METRICS_TOKEN is configured; then `Authorization: Bearer <METRICS_TOKEN>` is required. ' +
          'With HUB_METRICS_PORT the route is served on that port only, and this port answers 404. Labels never carry a user URI.',
        security: [{}, { metricsToken: [] }],
        responses: {
          '200': {
            description: 'the metrics',
            content: { 'text/plain; version=0.0.4': { schema: { type: 'string' }, example: EXAMPLE } },
          },
          '401': { description: 'METRICS_TOKEN is configured and the request does not carry it', content: problemContent() },
          '404': { description: 'HUB_METRICS_PORT is set: the metrics are served on that port only', content: problemContent() },
          '429': { description: 'too many requests from this address', content: problemContent() },
        },
      },
    },
  };
}
