import { INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, createProcessLogger, requireDatabaseUrl } from '@app/config';
import { migrateDatabase } from '@app/db';
import { awaitStartupDependencies, configureQueueBackend } from '@app/queue';
import { WorkerModule } from './worker.module.js';

/**
 * Builds the worker (used by main.ts and by the e2e tests): PostgreSQL and Redis waited for, then
 * processors, outbox dispatcher, health. Stopping it on a signal is main.ts's part (worker-shutdown.ts);
 * `beforeInit` runs just before the app's init, where the processors start.
 */
export async function createWorkerApp(
  config: AppConfig,
  options: { beforeInit?: () => void } = {},
): Promise<INestApplicationContext> {
  const logger = createProcessLogger(config.hub.logLevel, 'worker');
  Logger.overrideLogger(logger.nest);
  await awaitStartupDependencies(config, {
    warn: (line) => Logger.warn(line, 'Startup'),
    log: (line) => Logger.log(line, 'Startup'),
  });
  await migrateDatabase(requireDatabaseUrl(config), (m) => Logger.log(m, 'Migrations'));
  const queueConnection = await configureQueueBackend(config);
  // the queue workers start taking jobs during the app's init
  options.beforeInit?.();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, queueConnection), {
    logger: logger.nest,
    abortOnError: false,
  });
  return app;
}
