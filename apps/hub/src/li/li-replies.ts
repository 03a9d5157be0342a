import type { FastifyRequest } from 'fastify';
import { DomainError, type InvalidParam } from '@app/common';
import { PROBLEM_CONTENT_TYPE, problemTitle, problemType, STATUS_BY_KIND } from '../common/problem-details.js';

/** What an /li route answers: written by the gate, never through Nest (see li-gate.ts). */
export interface LiReply {
  status: number;
  contentType: string;
  body: string;
}

export function jsonReply(status: number, value: unknown): LiReply {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}

/** A domain error as the same problem document every other route answers with. */
export function problemReply(request: FastifyRequest, error: DomainError): LiReply {
  const status = STATUS_BY_KIND[error.kind];
  const invalidParams: InvalidParam[] = 'invalidParams' in error ? (error.invalidParams as InvalidParam[]) : [];
  return {
    status,
    contentType: PROBLEM_CONTENT_TYPE,
    body: JSON.stringify({
      type: problemType(error.kind),
      title: problemTitle(status),
      status,
      detail: error.message,
      instance: request.url,
      requestId: String(request.id),
      ...(invalidParams.length ? { invalidParams } : {}),
    }),
  };
}

/** An unexpected failure: no detail in the answer or in the normal log (li_audit has it under the error id). */
export function internalErrorReply(request: FastifyRequest, errorId: string): LiReply {
  return {
    status: 500,
    contentType: PROBLEM_CONTENT_TYPE,
    body: JSON.stringify({
      type: problemType('internal'),
      title: problemTitle(500),
      status: 500,
      detail: 'internal error',
      errorId,
      instance: request.url,
      requestId: String(request.id),
    }),
  };
}
