import type { FastifyRequest } from 'fastify';
import { type DomainError, InvalidInputError, UnsupportedMediaTypeError } from '@app/common';
import {
  type LiAdministrator,
  LiAdministrators,
  LiAuditLog,
  LiDeliveryLog,
  LiMatchingJobs,
  LiTasks,
  type X1Answer,
  X1_MAX_BYTES,
  X1Endpoint,
} from '@app/li';
import { jsonReply, type LiReply } from './li-replies.js';

export interface LiRouteContext {
  request: FastifyRequest;
  administrator: LiAdministrator;
  /** the path's captured parameters */
  params: string[];
  query: URLSearchParams;
  body: Buffer;
}

export interface LiRoute {
  method: 'GET' | 'POST';
  path: RegExp;
  /** the largest body read (0: none is read) */
  maxBody: number;
  handle(context: LiRouteContext): Promise<LiReply>;
  /** how a refusal before `handle` (a body too large) is answered; default: a problem document */
  refuse?(administrator: LiAdministrator, error: DomainError): Promise<LiReply>;
}

export interface LiServices {
  x1: X1Endpoint;
  administrators: LiAdministrators;
  tasks: LiTasks;
  audit: LiAuditLog;
  deliveries: LiDeliveryLog;
  matchingJobs: LiMatchingJobs;
}

const UUID = '([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})';
const XML_TYPES = /^(application|text)\/xml\s*(;|$)/i;
const JSON_TYPE = /^application\/json\s*(;|$)/i;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
/** an outbox-fed job's id: the matching jobs are all fed by the outbox */
const OUTBOX_JOB_ID = '(outbox-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})';

/** Every route under /li (documented in openapi-li.json, li.openapi.ts). */
export function liRoutes(services: LiServices): LiRoute[] {
  return [
    {
      method: 'POST',
      path: /^\/li\/x1$/,
      maxBody: X1_MAX_BYTES,
      async handle({ request, administrator, body }) {
        const type = request.headers['content-type'] ?? '';
        const answer = XML_TYPES.test(type)
          ? await services.x1.handle(administrator, body)
          : await services.x1.refuseDocument(administrator, 415, 'an X1 request is sent as application/xml');
        return xmlReply(answer);
      },
      async refuse(administrator, error) {
        return xmlReply(await services.x1.refuseDocument(administrator, 413, error.message));
      },
    },
    {
      method: 'POST',
      path: new RegExp(`^/li/v1/tasks/${UUID}/approve$`),
      maxBody: 0,
      async handle({ administrator, params }) {
        const task = await services.tasks.approve(administrator, params[0].toLowerCase());
        return jsonReply(200, { xid: task.xid, state: task.state, approvedBy: task.approvedBy });
      },
    },
    {
      method: 'GET',
      path: /^\/li\/v1\/administrators$/,
      maxBody: 0,
      async handle({ administrator }) {
        return jsonReply(200, { administrators: await services.administrators.list(administrator) });
      },
    },
    {
      method: 'POST',
      path: /^\/li\/v1\/administrators$/,
      maxBody: 16 * 1024,
      async handle({ request, administrator, body }) {
        const input = newAdministrator(request, body);
        const created = await services.administrators.create(administrator, input);
        return jsonReply(201, created);
      },
    },
    {
      method: 'POST',
      path: new RegExp(`^/li/v1/administrators/${UUID}/disable$`),
      maxBody: 0,
      async handle({ administrator, params }) {
        return jsonReply(200, await services.administrators.disable(administrator, params[0].toLowerCase()));
      },
    },
    {
      method: 'GET',
      path: /^\/li\/v1\/audit$/,
      maxBody: 0,
      async handle({ administrator, query }) {
        const { limit, before } = pageParams(query);
        await services.audit.record({ administratorId: administrator.id, action: 'read-audit', outcome: 'ok' });
        return pageReply(await services.audit.list(limit, before), limit);
      },
    },
    {
      method: 'GET',
      path: /^\/li\/v1\/deliveries$/,
      maxBody: 0,
      async handle({ administrator, query }) {
        const { limit, before } = pageParams(query);
        const destinationId = query.get('destinationId') ?? undefined;
        if (destinationId !== undefined && !new RegExp(`^${UUID}$`).test(destinationId)) {
          throw InvalidInputError.forField('destinationId', 'must be a destination id (UUID)');
        }
        await services.audit.record({ administratorId: administrator.id, action: 'read-delivery-log', outcome: 'ok' });
        return pageReply(
          await services.deliveries.list({ destinationId: destinationId?.toLowerCase(), beforeId: before, limit }),
          limit,
        );
      },
    },
    {
      method: 'GET',
      path: /^\/li\/v1\/matching\/parked$/,
      maxBody: 0,
      async handle({ administrator, query }) {
        const limit = integerParam(query.get('limit'), 'limit', 1, 100) ?? 50;
        // decodeCursor refuses a forged or malformed one (400 naming the field)
        const cursor = query.get('cursor') ?? undefined;
        return jsonReply(200, await services.matchingJobs.parked(administrator, { cursor, limit }));
      },
    },
    {
      method: 'POST',
      path: new RegExp(`^/li/v1/matching/parked/${OUTBOX_JOB_ID}/retry$`),
      maxBody: 0,
      async handle({ administrator, params }) {
        return jsonReply(200, await services.matchingJobs.retry(administrator, params[0].toLowerCase()));
      },
    },
  ];
}

/** A log page's `limit` (1–500, default 100) and `before` (the id the previous page ended at). */
function pageParams(query: URLSearchParams): { limit: number; before: string | undefined } {
  const limit = integerParam(query.get('limit'), 'limit', 1, 500) ?? 100;
  const before = query.get('before') ?? undefined;
  if (before !== undefined && !/^[1-9][0-9]{0,18}$/.test(before)) {
    throw InvalidInputError.forField('before', 'must be an entry id');
  }
  return { limit, before };
}

/** A log page and the cursor of the next one (null on the last page). */
function pageReply(entries: ReadonlyArray<{ id: string }>, limit: number): LiReply {
  const next = entries.length === limit ? entries[entries.length - 1].id : null;
  return jsonReply(200, { entries, next });
}

function xmlReply(answer: X1Answer): LiReply {
  return { status: answer.status, contentType: 'application/xml; charset=utf-8', body: answer.xml };
}

function newAdministrator(request: FastifyRequest, body: Buffer): { name: string; certSha256?: string } {
  if (!JSON_TYPE.test(request.headers['content-type'] ?? '')) {
    throw new UnsupportedMediaTypeError('the body must be application/json');
  }
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw InvalidInputError.forField('body', 'is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw InvalidInputError.forField('body', 'must be an object {name, certSha256?}');
  }
  const { name, certSha256, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) throw InvalidInputError.forField(unknown[0], 'is not a property of an LI administrator');
  if (typeof name !== 'string' || name.trim() === '' || name.trim().length > 100) {
    throw InvalidInputError.forField('name', 'must be a string of 1 to 100 characters');
  }
  if (certSha256 !== undefined && (typeof certSha256 !== 'string' || !SHA256_HEX.test(certSha256))) {
    throw InvalidInputError.forField('certSha256', 'must be 64 hex characters (SHA-256 of the certificate, DER)');
  }
  return { name: name.trim(), ...(certSha256 !== undefined ? { certSha256: certSha256.toLowerCase() } : {}) };
}

function integerParam(value: string | null, name: string, min: number, max: number): number | undefined {
  if (value === null) return undefined;
  const n = /^[0-9]{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw InvalidInputError.forField(name, `must be an integer from ${min} to ${max}`);
  return n;
}
