import type { FastifyInstance } from 'fastify';
import { MAX_DOCUMENT_BYTES } from '@app/provisioning';
import { depthLimitedJsonParser } from '../common/json-body.js';

export const XML_MEDIA_TYPES = ['application/pres-im-provisioning+xml', 'application/xml', 'text/xml'];

/**
 * XML bodies reach the handler as raw bytes, never parsed here: the provisioning library's
 * hostile-input gate sees them first. Fastify refuses anything above the document limit with
 * 413 while reading, so a 10 MB upload is cut off early. `+json` is parsed like JSON.
 */
export function registerProvisioningBodyParsers(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(XML_MEDIA_TYPES, { parseAs: 'buffer', bodyLimit: MAX_DOCUMENT_BYTES }, (_request, body, done) =>
    done(null, body),
  );
  fastify.addContentTypeParser(
    'application/pres-im-provisioning+json',
    { parseAs: 'string', bodyLimit: MAX_DOCUMENT_BYTES },
    depthLimitedJsonParser(fastify),
  );
}
