import { errorCodes } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { DomainErrorKind } from '@app/common';
import { problemTitle, STATUS_BY_KIND } from './problem-details.js';

/** What a problem `type` URI (/problems/{slug}) explains. */
export interface ProblemType {
  slug: string;
  title: string;
  status: number;
  description: string;
}

const KIND_DESCRIPTIONS: Record<DomainErrorKind, [title: string, description: string]> = {
  'invalid-input': [
    'Invalid input',
    'The request could not be accepted as sent: a field is missing, malformed, out of range or of the wrong type. ' +
      '`invalidParams` lists every offending field with the reason. Nothing was stored: fix the named fields and send the request again.',
  ],
  unauthenticated: [
    'Not authenticated',
    'The route needs credentials and the request carried none, or an unknown, revoked or expired API key, operator token or signed request. ' +
      'Send `Authorization: Bearer <token>` (members may instead present their pinned TLS client certificate).',
  ],
  forbidden: [
    'Forbidden',
    'The credentials are valid but may not do this: member credentials on the operator API, an auditor asking for a change, ' +
      'a member that is not active, or an interconnection the policy refuses. Sending the same request again will not help.',
  ],
  'not-found': [
    'Not found',
    'There is no such resource. A member hidden from the caller is answered exactly like an unknown one.',
  ],
  conflict: [
    'Conflict',
    'The request conflicts with the current state: the thing exists already, or its state does not allow this change ' +
      '(for example approving a member that is not pending). Read the current state before deciding again.',
  ],
  unprocessable: [
    'Unprocessable',
    'The input is well formed but cannot be acted on as a whole, for example a message-log batch whose every record was rejected; ' +
      'the problem carries the per-record result.',
  ],
  'unsupported-media-type': [
    'Unsupported media type',
    "The request body's Content-Type is not one this route accepts; the detail names the ones it does.",
  ],
  'payload-too-large': ['Payload too large', 'The request body is larger than this route accepts; the detail names the limit.'],
  unavailable: ['Service unavailable', 'A dependency of the hub (PostgreSQL or the queue backend) is unavailable. Retry later.'],
};

/** Notes for the HTTP status slugs the hub's own stack answers with (routing, negotiation, rate limits). */
const STATUS_NOTES: Record<number, string> = {
  400: 'The request is malformed at the HTTP level (for example a body that is not valid JSON).',
  404: 'No route answers this method and path.',
  405: 'The path exists but not with this method.',
  406: 'None of the media types the Accept header names is available for this resource; the detail names those that are.',
  408: 'The request was not received in time.',
  413: 'The request body is larger than the hub accepts.',
  415: "The request body's Content-Type is not accepted here.",
  429: 'Too many requests from this address in the current window; retry after the number of seconds in Retry-After.',
  431: 'The request headers are too large.',
};

function byKind(): ProblemType[] {
  return (Object.keys(KIND_DESCRIPTIONS) as DomainErrorKind[]).map((kind) => {
    const [title, description] = KIND_DESCRIPTIONS[kind];
    return { slug: kind, title, status: STATUS_BY_KIND[kind], description };
  });
}

function byStatus(): ProblemType[] {
  return Object.keys(STATUS_CODES)
    .map(Number)
    .filter((status) => status >= 400 && status <= 599)
    .map((status) => ({
      slug: String(status),
      title:
        problemTitle(status) === 'Client Error' || problemTitle(status) === 'Server Error'
          ? STATUS_CODES[status]!
          : problemTitle(status),
      status,
      description: `${STATUS_NOTES[status] ?? `The HTTP status ${status} (${STATUS_CODES[status]}).`} The detail says more about this occurrence.`,
    }));
}

/** Errors Fastify raises before the hub's code runs, typed by their code (FST_ERR_CTP_BODY_TOO_LARGE → fst-err-ctp-body-too-large). */
function byFrameworkCode(): ProblemType[] {
  const types: ProblemType[] = [];
  for (const [code, ErrorClass] of Object.entries(errorCodes)) {
    const sample = new (ErrorClass as new () => Error & { statusCode?: number })();
    const status = sample.statusCode;
    if (typeof status !== 'number' || status < 400 || status > 499) continue;
    types.push({
      slug: frameworkSlug(code),
      title: problemTitle(status),
      status,
      description: `Refused by the HTTP layer before the request reached the hub's routes: ${sample.message.replace(/%[sdijo]/g, '…')}.`,
    });
  }
  return types;
}

function frameworkSlug(code: string): string {
  return code.toLowerCase().replace(/_/g, '-');
}

const INTERNAL: ProblemType = {
  slug: 'internal',
  title: 'Internal error',
  status: 500,
  description:
    'An unexpected error in the hub. Nothing about its cause is revealed; `errorId` identifies the log entry that describes it: quote it to the operators of the hub.',
};

/** Every problem type the hub can emit, by slug. */
export const PROBLEM_TYPES: ReadonlyMap<string, ProblemType> = new Map(
  [...byKind(), INTERNAL, ...byStatus(), ...byFrameworkCode()].map((t) => [t.slug, t]),
);

/** The slug of an error code that has its own page (Fastify's), or undefined: then the status types it. */
export function problemSlugForCode(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  const slug = frameworkSlug(code);
  return PROBLEM_TYPES.has(slug) ? slug : undefined;
}
