import type { FastifyInstance } from 'fastify';
import { UnsupportedMediaTypeError } from '@app/common';

/** The ingest route: a batch of up to 1,000 records, each with an inline body of up to 64 KiB. */
export const MESSAGE_LOG_INGEST_PATH = '/v1/message-log';
export const MAX_BATCH_BYTES = 16 * 1024 * 1024;
export const JSON_LINES_MEDIA_TYPES = ['application/jsonl', 'application/x-ndjson', 'application/json-lines'];

/**
 * Only the ingest route accepts bodies above the global 1 MiB limit, and JSON Lines reaches it as
 * text (split per line by the message-log library, so a bad line rejects that record only). The
 * onRoute hook must be installed before Nest registers its routes (app.init()).
 */
export function registerMessageLogBodyParsing(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.url === MESSAGE_LOG_INGEST_PATH && methods.includes('POST')) route.bodyLimit = MAX_BATCH_BYTES;
  });
  fastify.addContentTypeParser(JSON_LINES_MEDIA_TYPES, { parseAs: 'string' }, (request, body, done) =>
    request.routeOptions.url === MESSAGE_LOG_INGEST_PATH
      ? done(null, body)
      : done(new UnsupportedMediaTypeError(`JSON Lines is accepted only by POST ${MESSAGE_LOG_INGEST_PATH}`)),
  );
}
