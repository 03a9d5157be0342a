import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { UnauthenticatedError } from '@app/common';
import type { AppConfig } from '@app/config';
import { METRICS_PATH, metricsScrapeAllowed, MetricsRegistry } from '@app/metrics';
import { sendProblem, toProblem } from '../common/problem-details.filter.js';
import { HttpMetrics } from './http-metrics.js';

/**
 * Counts every request Fastify answers (onResponse, with the route template, never the URL). Added
 * before any route, so that every route gets it.
 */
export function installHttpMetrics(app: NestFastifyApplication): void {
  const http = app.get(HttpMetrics);
  // synchronous: an async hook makes every reply wait for a promise (measured on the hot path)
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      http.record(request.routeOptions.url, request.method, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
}

/**
 * `GET /metrics` on the main port, unless HUB_METRICS_PORT moves it to a port of its own
 * (HubMetricsServer); then the main port answers 404 there like for any unknown path. A plain
 * Fastify route like the well-known one: the Nest pipeline has nothing to add to it.
 */
export function registerMetricsRoute(app: NestFastifyApplication, config: AppConfig): void {
  if (config.metrics.hubPort !== undefined) return;
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(MetricsRegistry);
  const logger = new Logger('ProblemDetails');
  fastify.get(METRICS_PATH, async (request, reply) => {
    if (!metricsScrapeAllowed(request.headers.authorization, config.metrics.token)) {
      const refused = new UnauthenticatedError('the metrics need the METRICS_TOKEN as a bearer token');
      sendProblem(reply, toProblem(refused, request, logger));
      return reply;
    }
    return reply
      .header('Content-Type', metrics.contentType)
      .header('Cache-Control', 'no-store')
      .send(await metrics.exposition());
  });
}
