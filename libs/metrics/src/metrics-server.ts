import type { IncomingMessage, ServerResponse } from 'node:http';
import { METRICS_PATH, metricsScrapeAllowed } from './metrics-access.js';
import type { MetricsRegistry } from './metrics-registry.js';

const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * Answers a request for the metrics on a small node server (the worker's health server, the
 * hub's separate metrics port) and returns true, or returns false for any other path. The answers
 * match the hub's own route: the exposition, or a 401 problem when a token is configured and the
 * request does not carry it.
 */
export async function answerMetricsRequest(
  request: IncomingMessage,
  response: ServerResponse,
  metrics: MetricsRegistry,
  token: string | undefined,
): Promise<boolean> {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== METRICS_PATH) return false;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    writeProblem(response, 405, 'Method Not Allowed', `${METRICS_PATH} answers GET only`, { Allow: 'GET, HEAD' });
    return true;
  }
  if (!metricsScrapeAllowed(request.headers.authorization, token)) {
    writeProblem(response, 401, 'Unauthorized', 'the metrics need the METRICS_TOKEN as a bearer token', {
      'WWW-Authenticate': 'Bearer realm="clearing-house"',
    });
    return true;
  }
  const body = await metrics.exposition();
  response.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' });
  response.end(request.method === 'HEAD' ? undefined : body);
  return true;
}

/** The problem types these small servers answer with; the hub's own stack names them alike. */
const SLUGS: Record<number, string> = { 401: 'unauthenticated', 404: 'not-found' };

/** A problem+json answer from a small node server (no Nest, no Fastify behind it). */
export function writeProblem(
  response: ServerResponse,
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): void {
  const slug = SLUGS[status] ?? String(status);
  response
    .writeHead(status, { ...headers, 'Content-Type': PROBLEM_CONTENT_TYPE })
    .end(JSON.stringify({ type: `/problems/${slug}`, title, status, detail }));
}
