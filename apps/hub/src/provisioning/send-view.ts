import type { FastifyReply, FastifyRequest } from 'fastify';
import { DATE_REASON, InvalidInputError, parseSaneDate } from '@app/common';
import type { RenderedView, ViewFormat } from '@app/provisioning';
import { contentTypeOf, matchesIfNoneMatch, negotiateFormat } from './content-negotiation.js';

/** The format the caller asked for, or a 406 problem. */
export function requestedFormat(request: FastifyRequest): ViewFormat {
  const format = negotiateFormat(request.headers.accept);
  if (!format) {
    throw Object.assign(new Error('this resource is available as application/pres-im-provisioning+xml or +json'), {
      statusCode: 406,
    });
  }
  return format;
}

/** A view depends on the format asked for and on who asks. */
export const VIEW_VARY = 'Accept, Authorization';

/** A member's view must never be served by a shared cache to anyone else; the anonymous one may. */
export function viewCacheControl(requestor: string | null): string {
  return requestor ? 'private, no-cache' : 'public, max-age=60';
}

/**
 * Sends a provisioning view with validators: ETag (the ver), 304 on a matching If-None-Match,
 * and caching that never lets a shared cache hand one requestor's view to another.
 */
export function sendView(
  request: FastifyRequest,
  reply: FastifyReply,
  view: RenderedView,
  format: ViewFormat,
  requestor: string | null,
): void {
  reply.header('ETag', view.etag).header('Vary', VIEW_VARY).header('Cache-Control', viewCacheControl(requestor));
  if (matchesIfNoneMatch(request.headers['if-none-match'], view.etag)) {
    void reply.status(304).send();
    return;
  }
  void reply.type(contentTypeOf(format)).send(view.body);
}

export function parseSince(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = parseSaneDate(value);
  if (!date) throw InvalidInputError.forField('since', DATE_REASON);
  return date;
}
