import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { ALL_CHANGED, ChangeBus } from '@app/db';
import type { AppConfig } from '@app/config';
import { OperatorsService } from '@app/members';
import { truncateAll } from '@app/testing';
import { createHubApp } from '../src/create-hub-app.js';
import { createWorkerApp } from '../../worker/src/create-worker-app.js';

export interface TestHub {
  app: NestFastifyApplication;
  config: AppConfig;
  /** Truncates every table and reinstalls the bootstrap operator. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestHub(config: AppConfig): Promise<TestHub> {
  const app = await createHubApp(config);
  return {
    app,
    config,
    async reset() {
      await truncateAll(app.get(DataSource));
      // TRUNCATE announces nothing: drop every in-process cache as a missed notification would
      app.get(ChangeBus).deliverLocally([ALL_CHANGED]);
      await app.get(OperatorsService).ensureBootstrapOperator(config.hub.bootstrapOperatorToken);
    },
    close: () => app.close(),
  };
}

export function startTestWorker(config: AppConfig): Promise<INestApplicationContext> {
  return createWorkerApp(config);
}
