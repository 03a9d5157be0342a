import type { OpenAPIObject, ResponseObject } from '@nestjs/swagger';

const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } };
const X1_XML = {
  'application/xml': { schema: { type: 'string' as const, description: 'an X1Response (libs/xml/schema/li-x1.xsd)' } },
};
const UNKNOWN: ResponseObject = {
  description:
    'not an LI administrator (no credentials, an operator, a member, anything else), or LI disabled: the same answer as for a route that does not exist',
  content: PROBLEM,
};
const INTERNAL: ResponseObject = { description: 'an unexpected error; its id is not logged with any detail', content: PROBLEM };
const LIMIT = {
  name: 'limit',
  in: 'query' as const,
  required: false,
  schema: { type: 'integer' as const, minimum: 1, maximum: 500, default: 100 },
};
const BEFORE = {
  name: 'before',
  in: 'query' as const,
  required: false,
  schema: { type: 'string' as const },
  description: 'the `next` of the previous page',
};
/** A 200 answer carrying a page of `entrySchema` entries and the cursor of the next page. */
const page = (entrySchema: string): ResponseObject => ({
  description: 'a page of entries',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['entries', 'next'],
        properties: {
          entries: { type: 'array', items: { $ref: `#/components/schemas/${entrySchema}` } },
          next: { type: 'string', nullable: true },
        },
      },
    },
  },
});
const X1_EXAMPLE =
  '<?xml version="1.0" encoding="UTF-8"?><X1Request xmlns="urn:pres-im-clearing-house:li:x1:1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
  '<x1RequestMessage xsi:type="KeepaliveRequest"><admfIdentifier>admf.agency.example</admfIdentifier><neIdentifier>hub.example</neIdentifier>' +
  '<messageTimestamp>2026-01-01T00:00:00Z</messageTimestamp><version>v1</version><x1TransactionId>6f1c0e56-1a8e-4d0e-9a51-6d4c1c7b4a11</x1TransactionId>' +
  '</x1RequestMessage></X1Request>';

/**
 * The lawful-interception routes, in a document of their own (openapi-li.json, written next to the
 * hub's by export-openapi.ts): the contract served at /docs/openapi.json to everyone carries
 * nothing of LI (docs/lawful-interception.md explains why). The routes are answered by the LI gate,
 * not Nest controllers, so this document is written by hand.
 */
export function liOpenApiDocument(): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: {
      title: 'Presence & IM clearing house: lawful interception',
      version: '1',
      description:
        "X1-shaped tasking (modelled on ETSI TS 103 221-1) and the LI administrators' routes. Every route answers exactly like an unknown route (404) to anyone who is not an LI administrator, and everywhere when LI is disabled.",
    },
    servers: [{ url: '/', description: 'this hub' }],
    security: [{ liBearer: [] }],
    tags: [
      { name: 'li: X1', description: 'task and destination provisioning' },
      { name: 'li: administration', description: 'LI administrators, four eyes, the LI audit log' },
    ],
    paths: {
      '/li/x1': {
        post: {
          tags: ['li: X1'],
          operationId: 'Li_x1',
          summary: 'An X1Request (one to 16 messages); answered by an X1Response, one response message per request message',
          description:
            'The body (at most 64 KiB, UTF-8) passes the hostile-XML gate (no DTD, entity other than the predefined ones, processing instruction, nesting deeper than 12) before any parser, then li-x1.xsd. A document refused by either is answered with one ErrorResponse naming the problem; otherwise each message is carried out and answered in order (an ErrorResponse with errorCode for a refused message).',
          requestBody: { required: true, content: { 'application/xml': { schema: { type: 'string' }, example: X1_EXAMPLE } } },
          responses: {
            '200': { description: 'the X1Response', content: X1_XML },
            '400': {
              description: 'an X1Response with one ErrorResponse: hostile, malformed or schema-invalid XML',
              content: X1_XML,
            },
            '404': UNKNOWN,
            '413': { description: 'an X1Response with one ErrorResponse: the body is larger than 64 KiB', content: X1_XML },
            '415': { description: 'an X1Response with one ErrorResponse: not application/xml, or not UTF-8', content: X1_XML },
            '500': INTERNAL,
          },
        },
      },
      '/li/v1/tasks/{xid}/approve': {
        post: {
          tags: ['li: administration'],
          operationId: 'Li_approveTask',
          summary: 'Four eyes: approve a task awaiting approval (by another LI administrator than its creator)',
          parameters: [{ name: 'xid', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: {
            '200': {
              description: 'the task is active',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['xid', 'state', 'approvedBy'],
                    properties: {
                      xid: { type: 'string', format: 'uuid' },
                      state: { type: 'string', enum: ['active'] },
                      approvedBy: { type: 'string', format: 'uuid' },
                    },
                  },
                },
              },
            },
            '403': { description: 'the caller activated the task itself', content: PROBLEM },
            '404': { description: 'no such task; or, to anyone else, the unknown-route answer', content: PROBLEM },
            '409': { description: 'the task is not awaiting approval', content: PROBLEM },
            '500': INTERNAL,
          },
        },
      },
      '/li/v1/administrators': {
        get: {
          tags: ['li: administration'],
          operationId: 'Li_listAdministrators',
          summary: 'The LI administrators (never their tokens)',
          responses: {
            '200': {
              description: 'the administrators',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['administrators'],
                    properties: { administrators: { type: 'array', items: { $ref: '#/components/schemas/LiAdministrator' } } },
                  },
                },
              },
            },
            '404': UNKNOWN,
            '500': INTERNAL,
          },
        },
        post: {
          tags: ['li: administration'],
          operationId: 'Li_createAdministrator',
          summary: 'Create a further LI administrator; its bearer token is returned once',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['name'],
                  additionalProperties: false,
                  properties: {
                    name: { type: 'string', minLength: 1, maxLength: 100 },
                    certSha256: {
                      type: 'string',
                      pattern: '^[0-9a-fA-F]{64}$',
                      description: 'SHA-256 of its client certificate (DER)',
                    },
                  },
                },
                example: { name: 'second-officer' },
              },
            },
          },
          responses: {
            '201': {
              description: 'created',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['administrator', 'token'],
                    properties: {
                      administrator: { $ref: '#/components/schemas/LiAdministrator' },
                      token: { type: 'string', description: 'hubli_…, shown only here' },
                    },
                  },
                },
              },
            },
            '400': { description: 'an invalid field (named in invalidParams)', content: PROBLEM },
            '404': UNKNOWN,
            '409': { description: 'the name is taken', content: PROBLEM },
            '413': { description: 'the body is larger than 16 KiB', content: PROBLEM },
            '415': { description: 'not application/json', content: PROBLEM },
            '500': INTERNAL,
          },
        },
      },
      '/li/v1/administrators/{id}/disable': {
        post: {
          tags: ['li: administration'],
          operationId: 'Li_disableAdministrator',
          summary: 'Disable an LI administrator created through this API, at once (audited)',
          description:
            'Its token and certificate stop authenticating with its next request. One from LI_ADMINISTRATORS is removed from that configuration instead; no administrator disables itself.',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: {
            '200': {
              description: 'disabled',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['id', 'name', 'disabledAt'],
                    properties: {
                      id: { type: 'string', format: 'uuid' },
                      name: { type: 'string' },
                      disabledAt: { type: 'string', format: 'date-time' },
                    },
                  },
                },
              },
            },
            '404': {
              description: 'no active administrator with this id, or not an LI administrator (see above)',
              content: PROBLEM,
            },
            '409': { description: 'the caller itself, or an administrator from LI_ADMINISTRATORS', content: PROBLEM },
            '500': INTERNAL,
          },
        },
      },
      '/li/v1/audit': {
        get: {
          tags: ['li: administration'],
          operationId: 'Li_audit',
          summary: 'The LI audit log, newest first (reading it is audited too)',
          parameters: [LIMIT, BEFORE],
          responses: {
            '200': page('LiAuditEntry'),
            '400': { description: 'an invalid limit or before', content: PROBLEM },
            '404': UNKNOWN,
            '500': INTERNAL,
          },
        },
      },
      '/li/v1/deliveries': {
        get: {
          tags: ['li: administration'],
          operationId: 'Li_deliveries',
          summary:
            'The delivery log: every attempt to reach a destination (records or a keepalive), newest first (reading it is audited)',
          description:
            'A destination is never given up: while it is down its records wait in order and it is tried again with capped exponential backoff; once its failures in a row reach LI_DELIVERY_ALERT_AFTER_FAILURES every further one is logged as `retrying-at-cap`.',
          parameters: [
            {
              name: 'destinationId',
              in: 'query',
              required: false,
              schema: { type: 'string', format: 'uuid' },
              description: 'only this destination (DID)',
            },
            LIMIT,
            BEFORE,
          ],
          responses: {
            '200': page('LiDeliveryLogEntry'),
            '400': { description: 'an invalid destinationId, limit or before', content: PROBLEM },
            '404': UNKNOWN,
            '500': INTERNAL,
          },
        },
      },
      '/li/v1/matching/parked': {
        get: {
          tags: ['li: administration'],
          operationId: 'Li_parkedMatchingJobs',
          summary: 'Matching jobs that failed for good (parked), newest first (reading them is audited)',
          description:
            'A parked job is a message-log batch or a room event that has not been matched: its interceptions are missing until it is retried. Operators never see these jobs.',
          parameters: [
            { ...LIMIT, schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } },
            {
              name: 'cursor',
              in: 'query',
              required: false,
              schema: { type: 'string' },
              description: 'the `next` of the previous page',
            },
          ],
          responses: {
            '200': page('LiMatchingJob'),
            '400': { description: 'an invalid limit or cursor', content: PROBLEM },
            '404': UNKNOWN,
            '500': INTERNAL,
            '503': { description: 'the queue backend did not answer', content: PROBLEM },
          },
        },
      },
      '/li/v1/matching/parked/{jobId}/retry': {
        post: {
          tags: ['li: administration'],
          operationId: 'Li_retryMatchingJob',
          summary: 'Run a parked matching job again with a fresh retry budget (audited)',
          parameters: [
            {
              name: 'jobId',
              in: 'path',
              required: true,
              schema: { type: 'string', pattern: '^outbox-[0-9a-fA-F-]{36}$' },
              example: 'outbox-4f3c2d1e-9a8b-4c7d-8e6f-5a4b3c2d1e0f',
            },
          ],
          responses: {
            '200': {
              description: 'queued again (state `waiting`)',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/LiMatchingJob' } } },
            },
            '404': { description: 'no such matching job, or not an LI administrator (see above)', content: PROBLEM },
            '409': { description: 'the job is not parked (already retried, running or done)', content: PROBLEM },
            '500': INTERNAL,
            '503': { description: 'the queue backend did not answer; nothing changed', content: PROBLEM },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        liBearer: {
          type: 'http',
          scheme: 'bearer',
          description: "an LI administrator's token (never an operator's or a member's)",
        },
      },
      schemas: {
        ProblemDetails: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            requestId: { type: 'string' },
            invalidParams: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'reason'],
                properties: { name: { type: 'string' }, reason: { type: 'string' } },
              },
            },
          },
        },
        LiAdministrator: {
          type: 'object',
          required: ['id', 'name', 'hasToken', 'certSha256', 'createdBy', 'createdAt'],
          properties: {
            id: { type: 'string', format: 'uuid' },
            name: { type: 'string' },
            hasToken: { type: 'boolean' },
            certSha256: { type: 'string', nullable: true },
            createdBy: { type: 'string', format: 'uuid', nullable: true, description: 'null: from LI_ADMINISTRATORS' },
            createdAt: { type: 'string', format: 'date-time' },
          },
        },
        LiAuditEntry: {
          type: 'object',
          required: ['id', 'at', 'administratorId', 'action', 'xid', 'outcome', 'detail'],
          properties: {
            id: { type: 'string' },
            at: { type: 'string', format: 'date-time' },
            administratorId: { type: 'string', format: 'uuid', nullable: true },
            action: { type: 'string', example: 'activate-task' },
            xid: { type: 'string', format: 'uuid', nullable: true },
            outcome: { type: 'string', description: "'ok' or the kind of error that refused the action" },
            detail: { type: 'object', nullable: true, additionalProperties: true, description: 'opened from its sealed form' },
          },
        },
        LiMatchingJob: {
          type: 'object',
          required: ['id', 'name', 'state', 'parkedAt', 'attemptsMade', 'failedReason', 'failedAt', 'createdAt', 'payload'],
          properties: {
            id: { type: 'string', example: 'outbox-4f3c2d1e-9a8b-4c7d-8e6f-5a4b3c2d1e0f' },
            name: { type: 'string', enum: ['li-match-log-batch', 'li-match-chat-event'] },
            state: { type: 'string', description: "its state in the queue backend; 'missing' when the backend no longer has it" },
            parkedAt: { type: 'string', format: 'date-time', nullable: true },
            attemptsMade: { type: 'integer', nullable: true },
            failedReason: { type: 'string', nullable: true },
            failedAt: { type: 'string', format: 'date-time', nullable: true },
            createdAt: { type: 'string', format: 'date-time', nullable: true },
            payload: {
              type: 'object',
              nullable: true,
              additionalProperties: true,
              description: 'ids only: {origin, fromSeq, toSeq} of a message-log batch, {roomId, seq} of a room event',
            },
          },
        },
        LiDeliveryLogEntry: {
          type: 'object',
          required: ['id', 'at', 'destinationId', 'outcome', 'records', 'failures', 'error', 'retryInMs'],
          properties: {
            id: { type: 'string' },
            at: { type: 'string', format: 'date-time' },
            destinationId: { type: 'string', format: 'uuid' },
            outcome: { type: 'string', enum: ['delivered', 'failed', 'retrying-at-cap', 'keepalive', 'keepalive-failed'] },
            records: { type: 'integer', description: 'records delivered, or carried by the failed request' },
            failures: { type: 'integer', description: 'failures in a row after this attempt' },
            error: {
              type: 'string',
              nullable: true,
              description: "the agency's answer or the transport error (opened from its sealed form)",
            },
            retryInMs: { type: 'integer', nullable: true, description: 'when a failed destination is tried again' },
          },
        },
      },
    },
  };
}
