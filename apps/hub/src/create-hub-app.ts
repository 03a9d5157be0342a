import rateLimit from '@fastify/rate-limit';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import { AppConfig, createJsonLogger, requireDatabaseUrl } from '@app/config';
import { migrateDatabase } from '@app/db';
import { OperatorsService } from '@app/members';
import { configureQueueBackend, redisOptionsFromUrl } from '@app/queue';
import { clientErrorAsProblem, frameworkErrorAsProblem } from './common/framework-errors.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { serverWithShortcut, type ShortcutSlot } from './common/hub-server.js';
import { registerJsonBodyParser } from './common/json-body.js';
import { requestIdFor } from './common/request-id.js';
import { tlsServerOptions } from './common/tls-server-options.js';
import { validationPipe } from './common/validation.js';
import { HubModule } from './hub.module.js';
import { installWellKnownFastPath, registerWellKnownMemberRoute } from './provisioning/well-known-member.route.js';
import { registerProvisioningBodyParsers } from './provisioning/xml-body-parser.js';
import { registerMessageLogBodyParsing } from './message-log/message-log-body.js';

/**
 * Builds the hub (used by main.ts and by the e2e tests): Fastify with JSON request logs
 * and request ids, problem+json errors everywhere, rate limiting, OpenAPI at /docs,
 * migrations applied and the bootstrap operator installed before it serves.
 */
export async function createHubApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createJsonLogger(config.hub.logLevel, 'hub');
  Logger.overrideLogger(logger);
  await migrateDatabase(requireDatabaseUrl(config), (m) => Logger.log(m, 'Migrations'));
  const queueConnection = await configureQueueBackend(config);
  // Fastify writes two log lines per request at info and below; nothing per request above it.
  const requestLogsOff = ['fatal', 'error', 'warn', 'silent'].includes(config.hub.logLevel);
  const shortcut: ShortcutSlot = {};
  const adapter = new FastifyAdapter({
    // our own node server, so that cache hits of the well-known route can skip Fastify (see below)
    serverFactory: serverWithShortcut(shortcut),
    logger: {
      level: config.hub.logLevel,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    },
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
  const app = await NestFactory.create<NestFastifyApplication>(HubModule.forRoot(config, queueConnection), adapter, {
    logger,
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
  // Shared counters across hub replicas when Redis exists; a Redis outage must not block applications.
  const rateLimitStore = config.queue.redisUrl
    ? new Redis({ ...redisOptionsFromUrl(config.queue.redisUrl), maxRetriesPerRequest: 1, connectTimeout: 500 })
    : undefined;
  rateLimitStore?.on('error', () => undefined);
  fastify.addHook('onClose', async () => {
    rateLimitStore?.disconnect();
  });
  await app.register(rateLimit, {
    global: false,
    max: config.hub.applicationsRateLimitPerMinute,
    timeWindow: 60_000,
    skipOnError: true,
    ...(rateLimitStore ? { redis: rateLimitStore } : {}),
    nameSpace: `${config.queue.prefix}:rate-limit:`,
  });
  registerJsonBodyParser(app);
  registerProvisioningBodyParsers(fastify);
  registerMessageLogBodyParsing(fastify);
  registerWellKnownMemberRoute(app);
  // Only when Fastify would not log the request either: the fast path writes no access log.
  if (requestLogsOff) installWellKnownFastPath(app, shortcut);
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(validationPipe);
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Presence & IM clearing house')
      .setDescription('Member registry, provisioning and interconnection for a federation of Peer Networks.')
      .setVersion('1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        description:
          'operator token (hubop_…), member API key (hubmk_…) or a member-signed JWS; members may also use a pinned TLS client certificate',
      })
      .build(),
  );
  document.paths['/.well-known/pres-im-provisioning/{domain}'] = {
    get: {
      tags: ['provisioning'],
      summary: "A member's current document as served to the caller (with the caller's override); a plain Fastify route",
      parameters: [{ name: 'domain', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': { description: 'the document (XML, or JSON by Accept)' },
        '304': { description: 'not modified' },
        '404': { description: 'unknown or not visible' },
      },
    },
  };
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });

  await app.get(OperatorsService).ensureBootstrapOperator(config.hub.bootstrapOperatorToken);
  await app.init();
  await fastify.ready();
  return app;
}
