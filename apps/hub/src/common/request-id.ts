import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Reuses a caller's X-Request-Id when it is safe to log, otherwise mints one. */
export function requestIdFor(request: IncomingMessage): string {
  return callerRequestId(request) ?? randomUUID();
}

/**
 * The same rule with a cheaper minted id, for the well-known fast path (which answers without
 * Fastify): a caller's safe id is echoed, as on every route; otherwise the id is this process's
 * random prefix followed by a counter, shaped like a UUID (8-4-4-4-12 hex digits) so logs and
 * clients see one format. Unique per process by the counter and across processes and restarts
 * by the 74 random bits of the prefix; unlike randomUUID it is not unpredictable, which a
 * correlation id does not need.
 */
export function cheapRequestIdFor(request: IncomingMessage): string {
  return callerRequestId(request) ?? `${PROCESS_PREFIX}${(++counter).toString(16).padStart(12, '0')}`;
}

const PROCESS_PREFIX = randomUUID().slice(0, 24); // "xxxxxxxx-xxxx-4xxx-yxxx-"
let counter = 0;

function callerRequestId(request: IncomingMessage): string | undefined {
  const incoming = request.headers['x-request-id'];
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value && SAFE_ID.test(value) ? value : undefined;
}
