import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { DomainError, InvalidInputError } from '@app/common';
import { describeQueryError } from '@app/db';
import { PROBLEM_CONTENT_TYPE, ProblemDocument, problemTitle, problemType, STATUS_BY_KIND } from './problem-details.js';
import { problemSlugForCode } from './problem-types.js';

interface ErrorWithStatus {
  statusCode?: number;
  status?: number;
  code?: string;
  message?: string;
}

const UNIQUE_VIOLATION = '23505';
// string too long, numeric out of range, bad datetime format or out of range, NUL or an
// untranslatable character, bad text representation
const UNSTORABLE_VALUE = new Set(['22001', '22003', '22007', '22008', '22021', '22P02', '22P05']);

/** The SQLSTATE of a TypeORM QueryFailedError (the driver's code is copied onto it). */
function sqlStateOf(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name !== 'QueryFailedError') return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** Builds the problem document for any error; unknown errors become an opaque 500 with a logged error id. */
export function toProblem(error: unknown, request: FastifyRequest, logger: Logger): ProblemDocument {
  const base = { instance: request.url, requestId: String(request.id) };
  if (error instanceof DomainError) {
    const status = STATUS_BY_KIND[error.kind];
    return {
      type: problemType(error.kind),
      title: problemTitle(status),
      status,
      detail: error.message,
      ...base,
      ...(error instanceof InvalidInputError && error.invalidParams.length ? { invalidParams: error.invalidParams } : {}),
      ...error.details,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const detail = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? error.message);
    return { type: problemType(String(status)), title: problemTitle(status), status, detail: String(detail), ...base };
  }
  const candidate = error as ErrorWithStatus;
  const status = candidate?.statusCode ?? candidate?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      type: problemType(problemSlugForCode(candidate.code) ?? String(status)),
      title: problemTitle(status),
      status,
      detail: candidate.message,
      ...base,
    };
  }
  // Last line of defence for values that passed validation but not PostgreSQL: a unique violation
  // is a conflict (two concurrent creations), a value the column cannot hold is bad input. Logged,
  // since validation should have caught it first.
  const sqlState = sqlStateOf(error);
  if (sqlState && (sqlState === UNIQUE_VIOLATION || UNSTORABLE_VALUE.has(sqlState))) {
    const conflict = sqlState === UNIQUE_VIOLATION;
    logger.warn(`database refused a value on ${request.method} ${request.url} (SQLSTATE ${sqlState})`);
    const status = conflict ? 409 : 400;
    return {
      type: problemType(conflict ? 'conflict' : 'invalid-input'),
      title: problemTitle(status),
      status,
      detail: conflict ? 'conflicts with an existing resource' : 'a value is outside what the hub can store',
      ...base,
    };
  }
  const errorId = randomUUID();
  logger.error(`unhandled error ${errorId} on ${request.method} ${request.url}: ${describeUnhandled(error, sqlState)}`);
  return { type: problemType('internal'), title: problemTitle(500), status: 500, detail: 'internal error', errorId, ...base };
}

/**
 * The stack of an unexpected error, except that a database error's own message is replaced by the
 * part of it that quotes no value (PostgreSQL quotes the offending input, which may be member data).
 */
function describeUnhandled(error: unknown, sqlState: string | undefined): string {
  const stack = (error as Error)?.stack ?? String(error);
  if (!sqlState) return stack;
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
  return [describeQueryError(error), ...frames].join('\n');
}

export function sendProblem(reply: FastifyReply, problem: ProblemDocument): void {
  if (problem.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="clearing-house"');
  void reply.status(problem.status).header('Content-Type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** The one place HTTP errors are shaped: domain errors, Nest/Fastify errors and crashes alike. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    sendProblem(http.getResponse<FastifyReply>(), toProblem(error, request, this.logger));
  }
}
