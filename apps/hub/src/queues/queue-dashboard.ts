import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuditTrail } from '@app/audit';
import { actorOf, type AuthenticatedRequest, CredentialVerifier } from '@app/auth';
import { ForbiddenError } from '@app/common';
import type { AppConfig } from '@app/config';
import { TransactionRunner } from '@app/db';
import { OPERATOR_QUEUES } from '@app/queue';
import { sendProblem, toProblem } from '../common/problem-details.filter.js';
import type { RouteProtection } from '../common/route-protection.js';
import { operatorOfBrowserRequest } from '../operators/operator-browser-guard.js';
import { SIGN_IN_PATH } from '../operators/sign-in-paths.js';
import { DASHBOARD_PATH, isReadOnlyDashboardPath, READ_ONLY_DASHBOARD_PATH } from './queue-dashboard-paths.js';

/** The bull-board pages (a browser gets them as HTML; anything else under the board is its JSON API or its assets). */
const PAGE_ROUTES = new Set(['', '/', '/metrics-history', '/job-schedulers', '/queue/:queueName', '/queue/:queueName/:jobId']);

/**
 * What an admin may change from the dashboard (route templates under the board): retry, remove and
 * promote jobs, pause and resume queues. Adding or editing jobs, emptying or obliterating queues,
 * editing schedulers, limits and concurrency are refused: jobs come from the outbox and the
 * catalogue, and a hand-made job would bypass both. Parked jobs are better retried through
 * POST /admin/v1/queues/{queue}/jobs/{jobId}/retry, which also reopens their outbox row.
 */
const ADMIN_ACTIONS = new Set([
  'PUT /api/queues/:queueName/:jobId/retry',
  'PUT /api/queues/:queueName/retry/:queueStatus',
  'PUT /api/queues/:queueName/:jobId/clean',
  'PUT /api/queues/:queueName/:jobId/promote',
  'PUT /api/queues/:queueName/promote',
  'PUT /api/queues/:queueName/pause',
  'PUT /api/queues/:queueName/resume',
  'PUT /api/queues/pause',
  'PUT /api/queues/resume',
]);

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * The queue dashboard (bull-board) at /admin/queues, for operators: admins get the full board,
 * auditors a read-only one at /admin/queues/read-only (an auditor opening /admin/queues is sent
 * there). Both show the catalogue's operator-visible queues only. Every request authenticates
 * before anything else (bearer operator token, or the session cookie of the sign-in form), under
 * the refused-credentials limit; the server refuses every change on the read-only board and every
 * change an auditor tries, whatever the page shows. Changes made by admins are audited.
 */
export async function registerQueueDashboard(
  app: NestFastifyApplication,
  config: AppConfig,
  protection: RouteProtection,
): Promise<void> {
  const verifier = app.get(CredentialVerifier);
  const audit = app.get(AuditTrail, { strict: false });
  const tx = app.get(TransactionRunner);
  const logger = new Logger('QueueDashboard');
  const queues = OPERATOR_QUEUES.map((name) => app.get<Queue>(getQueueToken(name), { strict: false }));
  const onPostgres = config.queue.backend !== 'redis';
  const board = (basePath: string, readOnlyMode: boolean) => {
    const server = new BullBoardFastifyAdapter();
    server.setBasePath(basePath);
    createBullBoard({
      queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode, description: backendNote(onPostgres) })),
      serverAdapter: server,
      options: {
        uiConfig: {
          boardTitle: readOnlyMode ? 'Hub queues (read-only)' : 'Hub queues',
          miscLinks: [{ text: 'Sign-in and sign-out', url: SIGN_IN_PATH }],
          hideDocsLink: true,
          // the PostgreSQL backend has no Redis INFO; the board then shows what BullMQ's own datastore reports
          hideRedisDetails: false,
        },
      },
    });
    return server;
  };

  const guard = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0];
    const unsafe = !SAFE_METHODS.has(request.method);
    const operator = await operatorOfBrowserRequest(verifier, protection, request, reply, logger, path);
    if (!operator) return reply;
    try {
      const template = boardTemplate(request);
      if (isReadOnlyDashboardPath(path)) {
        if (unsafe) throw new ForbiddenError('the read-only dashboard changes nothing');
        return;
      }
      if (operator.role !== 'admin') {
        if (!unsafe && PAGE_ROUTES.has(template)) {
          return reply.redirect(`${READ_ONLY_DASHBOARD_PATH}${request.url.slice(DASHBOARD_PATH.length)}`, 303);
        }
        throw new ForbiddenError(`the dashboard at ${DASHBOARD_PATH} is for admins; auditors read ${READ_ONLY_DASHBOARD_PATH}`);
      }
      if (unsafe && !ADMIN_ACTIONS.has(`${request.method} ${template}`)) {
        throw new ForbiddenError('this change is not available from the dashboard; see docs/operations.md (Queue dashboard)');
      }
    } catch (error) {
      sendProblem(reply, toProblem(error, request, logger));
      return reply;
    }
  };

  // bull-board changes the queue backend, not PostgreSQL: the entry is written once the change answered
  const auditChange = async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = (request as unknown as AuthenticatedRequest).principal;
    if (SAFE_METHODS.has(request.method) || reply.statusCode >= 400 || principal?.kind !== 'operator') return;
    const params = request.params as Record<string, string | undefined>;
    try {
      await tx.run((manager) =>
        audit.record(
          actorOf(principal, request),
          {
            action: 'queue-dashboard.change',
            targetType: 'queue',
            targetId: params.queueName ?? 'all',
            details: { method: request.method, route: boardTemplate(request), params },
          },
          manager,
        ),
      );
    } catch (error) {
      logger.error(`a dashboard change by operator ${principal.operatorId} was not audited: ${(error as Error).message}`);
    }
  };

  await app.register(async (scope: FastifyInstance) => {
    // problem+json for anything thrown here (Nest's handler is installed only later, in init)
    scope.setErrorHandler((error, request, reply) => sendProblem(reply, toProblem(error, request, logger)));
    scope.addHook('onRequest', guard);
    scope.addHook('onResponse', auditChange);
    await scope.register(board(DASHBOARD_PATH, false).registerPlugin(), { prefix: DASHBOARD_PATH });
    await scope.register(board(READ_ONLY_DASHBOARD_PATH, true).registerPlugin(), { prefix: READ_ONLY_DASHBOARD_PATH });
  });
}

/** The route template under its board (`/api/queues/:queueName/:jobId/retry`), '' for the board's root. */
function boardTemplate(request: FastifyRequest): string {
  const url = request.routeOptions.url ?? '';
  const base = url.startsWith(READ_ONLY_DASHBOARD_PATH) ? READ_ONLY_DASHBOARD_PATH : DASHBOARD_PATH;
  return url.slice(base.length);
}

/** Shown under every queue's name: what the board can show on this backend. */
function backendNote(onPostgres: boolean): string {
  return onPostgres
    ? "BullMQ on PostgreSQL (embedded default): the queues live in PostgreSQL's bullmq schema. There is no Redis here, so the board's Redis panel shows the database's own figures; the failed jobs the outbox parked are also at GET /admin/v1/queues/{queue}/parked."
    : 'BullMQ on Redis. The outbox in PostgreSQL decides what is done: parked jobs (failed for good) are listed at GET /admin/v1/queues/{queue}/parked, also when Redis no longer has them.';
}
