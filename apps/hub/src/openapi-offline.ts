import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '@app/config';
import { buildOpenApiDocument } from './common/openapi.js';
import { HubModule } from './hub.module.js';

/**
 * The hub's OpenAPI document without a database, Redis or a listening socket: Nest's preview mode
 * scans the modules and their controllers' metadata but instantiates no provider, which is all the
 * document needs. The same function builds the document served at /docs, so the two cannot differ.
 */
export async function createOfflineOpenApiDocument(): Promise<OpenAPIObject> {
  // the defaults: the document depends on no setting, and the export must not fail on a local .env
  const config = loadConfig({});
  const app = await NestFactory.create<NestFastifyApplication>(HubModule.forRoot(config, {}), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
