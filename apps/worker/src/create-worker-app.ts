import { INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, createProcessLogger, requireDatabaseUrl } from '@app/config';
import { migrateDatabase } from '@app/db';
import { configureQueueBackend } from '@app/queue';
import { WorkerModule } from './worker.module.js';

/** Builds the worker (used by main.ts and by the e2e tests): processors, outbox dispatcher, health. */
export async function createWorkerApp(config: AppConfig): Promise<INestApplicationContext> {
  const logger = createProcessLogger(config.hub.logLevel, 'worker');
  Logger.overrideLogger(logger.nest);
  await migrateDatabase(requireDatabaseUrl(config), (m) => Logger.log(m, 'Migrations'));
  const queueConnection = await configureQueueBackend(config);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, queueConnection), {
    logger: logger.nest,
    abortOnError: false,
  });
  app.enableShutdownHooks();
  return app;
}
