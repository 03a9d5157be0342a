import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyBaseLogger } from 'fastify';
import { AppConfig, createProcessLogger, requireDatabaseUrl } from '@app/config';
import { migrateDatabase } from '@app/db';
import { OperatorsService } from '@app/members';
import { awaitStartupDependencies, configureQueueBackend, ShutdownState } from '@app/queue';
import { clientErrorAsProblem, frameworkErrorAsProblem } from './common/framework-errors.js';
import { setupOpenApi } from './common/openapi.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { serverWithShortcut, type ShortcutSlot } from './common/hub-server.js';
import { registerJsonBodyParser } from './common/json-body.js';
import { requestIdFor } from './common/request-id.js';
import { installRouteProtection } from './common/route-protection.js';
import { installSecurityHeaders } from './common/security-headers.js';
import { tlsServerOptions } from './common/tls-server-options.js';
import { validationPipe } from './common/validation.js';
import { HubModule } from './hub.module.js';
import { installWellKnownFastPath, registerWellKnownMemberRoute } from './provisioning/well-known-member.route.js';
import { registerProvisioningBodyParsers } from './provisioning/xml-body-parser.js';
import { registerMessageLogBodyParsing } from './message-log/message-log-body.js';
import { registerOperatorSignIn } from './operators/operator-sign-in.js';
import { registerConsole } from './console/console-routes.js';
import { registerQueueDashboard } from './queues/queue-dashboard.js';
import { installHttpMetrics, registerMetricsRoute } from './metrics/metrics-route.js';
import { installLiGate } from './li/li-gate.js';
import { LiAdministrators, LiKeyRotation } from '@app/li';

/**
 * Builds the hub (used by main.ts and by the e2e tests): Fastify with JSON request logs
 * and request ids, problem+json errors everywhere, rate limiting, OpenAPI at /docs,
 * PostgreSQL and Redis waited for, migrations applied and the bootstrap operator installed
 * before it serves. Stopping it on a signal is main.ts's part (hub-shutdown.ts).
 */
export async function createHubApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createProcessLogger(config.hub.logLevel, 'hub');
  Logger.overrideLogger(logger.nest);
  await awaitStartupDependencies(config, {
    warn: (line) => Logger.warn(line, 'Startup'),
    log: (line) => Logger.log(line, 'Startup'),
  });
  await migrateDatabase(requireDatabaseUrl(config), (m) => Logger.log(m, 'Migrations'));
  const queueConnection = await configureQueueBackend(config);
  // Fastify writes two log lines per request at info and below; nothing per request above it.
  const requestLogsOff = ['fatal', 'error', 'warn', 'silent'].includes(config.hub.logLevel);
  const shortcut: ShortcutSlot = {};
  const shutdown = new ShutdownState();
  const adapter = new FastifyAdapter({
    // our own node server, so that cache hits of the well-known route can skip Fastify (see below)
    serverFactory: serverWithShortcut(shortcut, config.hub.timeouts, shutdown),
    // the process's pino logger: Fastify's request logs and Nest's lines in one format
    loggerInstance: logger.pino,
    genReqId: requestIdFor,
    // errors answered below Nest (router, Node's HTTP parser) in problem+json too
    frameworkErrors: frameworkErrorAsProblem,
    clientErrorHandler: clientErrorAsProblem,
    trustProxy: config.hub.trustProxy,
    bodyLimit: 1024 * 1024,
    // HUB_TLS_CERT/HUB_TLS_KEY: HTTPS with optional client certificates (mutual TLS by pin)
    ...(config.hub.tls ? { https: tlsServerOptions(config.hub.tls) } : {}),
    // a child logger per request costs ~1.5 µs even when request logs (info) are off
    ...(requestLogsOff ? { childLoggerFactory: (logger: FastifyBaseLogger) => logger } : {}),
  });
  const app = await NestFactory.create<NestFastifyApplication>(HubModule.forRoot(config, queueConnection, shutdown), adapter, {
    logger: logger.nest,
    abortOnError: false,
    // JSON only, through the depth-limited parser (registerJsonBodyParser); no form bodies
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // synchronous: an async hook makes every reply wait for a promise (measured on the hot path)
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    done();
  });
  installHttpMetrics(app);
  const protection = await installRouteProtection(app, config);
  await installSecurityHeaders(app, config);
  // after the request-id and security-header hooks (LI answers carry them too), before any route
  installLiGate(app, config);
  registerJsonBodyParser(app);
  registerProvisioningBodyParsers(fastify);
  registerMessageLogBodyParsing(fastify);
  // before any plain route: awaiting a plugin makes Fastify settle the routes registered so far, and a
  // route settled before Nest installs its error handler (in init) would answer errors with Fastify's
  await registerQueueDashboard(app, config, protection);
  await registerOperatorSignIn(app, protection);
  await registerConsole(app, protection);
  registerWellKnownMemberRoute(app);
  registerMetricsRoute(app, config);
  // Only when Fastify would not log the request either: the fast path writes no access log.
  if (requestLogsOff) installWellKnownFastPath(app, shortcut);
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(validationPipe);

  setupOpenApi(app);

  await app.get(OperatorsService).ensureBootstrapOperator(config.hub.bootstrapOperatorToken);
  if (config.li) await app.get(LiAdministrators).ensureBootstrapAdministrators();
  // a rotated LI_SECRET_KEY: re-seal what older keys sealed and recompute the active targets' index
  if (config.li?.previousKeys.length) await app.get(LiKeyRotation).rotate();
  await app.init();
  await fastify.ready();
  return app;
}
