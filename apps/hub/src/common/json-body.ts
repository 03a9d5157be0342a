import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { exceedsJsonDepth, InvalidInputError, MAX_JSON_DEPTH } from '@app/common';

type Done = (error: Error | null, body?: unknown) => void;
export type JsonBodyParser = (request: FastifyRequest, body: string | Buffer, done: Done) => void;

/**
 * Fastify's JSON parser (which refuses `__proto__` and `constructor.prototype` keys) behind a
 * nesting limit checked on the raw text: a body nested deeper than MAX_JSON_DEPTH is a 400 before
 * JSON.parse, and so before class-transformer or any other recursive walk, ever sees it.
 */
export function depthLimitedJsonParser(fastify: FastifyInstance): JsonBodyParser {
  const parse = fastify.getDefaultJsonParser('error', 'error') as unknown as (
    request: FastifyRequest,
    body: string,
    done: Done,
  ) => void;
  return (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (exceedsJsonDepth(text)) {
      return done(InvalidInputError.forField('body', `nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`));
    }
    parse(request, text, done);
  };
}

/**
 * Every application/json route parses through the depth-limited parser. The hub takes no form or
 * plain-text bodies (Nest's own parsers are off, see createHubApp), so Fastify answers those
 * content types with 415 before any handler runs.
 */
export function registerJsonBodyParser(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('text/plain');
  app.useBodyParser('application/json', {}, depthLimitedJsonParser(fastify));
}
