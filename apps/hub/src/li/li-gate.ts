import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { DomainError, PayloadTooLargeError } from '@app/common';
import type { AppConfig } from '@app/config';
import { LiAdministrators, LiAuditLog, LiDeliveryLog, LiMatchingJobs, LiTasks, X1Endpoint } from '@app/li';
import { QueueAdministration } from '@app/queue';
import { authenticateLiAdministrator } from './li-authentication.js';
import { internalErrorReply, type LiReply, problemReply } from './li-replies.js';
import { type LiRoute, liRoutes } from './li-routes.js';

/** Is the request's path /li or under /li/ (the query is not part of it)? */
export function isLiPath(url: string): boolean {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return path === '/li' || path.startsWith('/li/');
}

/**
 * Lawful interception's routes are not registered with the router at all: an onRequest hook
 * answers them for LI administrators only, and lets every other request under /li go on to the
 * router, which finds no route there and gives the hub's unknown-route 404 — the very same answer
 * (status, headers, body, log lines) as for any path that does not exist, because it is that
 * answer. The caller is authenticated from its headers and TLS connection before a byte of the
 * body is read; an administrator's body is then read up to the route's limit.
 *
 * An administrator's request leaves the access log's "incoming request" line (written by Fastify
 * before any hook, the same for a probe) but no completion line: its outcome is in li_audit only.
 * Without LI_SECRET_KEY nothing is installed and everything under /li is an unknown route.
 */
export function installLiGate(app: NestFastifyApplication, config: AppConfig): void {
  if (!config.li) return;
  const fastify = app.getHttpAdapter().getInstance();
  const administrators = app.get(LiAdministrators);
  const audit = app.get(LiAuditLog);
  const routes = liRoutes({
    x1: app.get(X1Endpoint),
    administrators,
    tasks: app.get(LiTasks),
    audit,
    deliveries: app.get(LiDeliveryLog),
    matchingJobs: new LiMatchingJobs(app.get(QueueAdministration), audit),
  });
  // synchronous for every other path, so the rest of the hub pays one string test
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!isLiPath(request.url)) {
      done();
      return;
    }
    serve(request, reply, routes, administrators, audit, config).then(
      (served) => {
        if (!served) done();
      },
      () => {
        if (!reply.sent) done();
      },
    );
  });
}

/** Answers an LI administrator's request to a known LI route; false: leave it to the router (unknown route). */
async function serve(
  request: FastifyRequest,
  reply: FastifyReply,
  routes: LiRoute[],
  administrators: LiAdministrators,
  audit: LiAuditLog,
  config: AppConfig,
): Promise<boolean> {
  const administrator = await authenticateLiAdministrator(request, administrators, config);
  if (!administrator) return false;
  const query = request.url.indexOf('?');
  const path = query === -1 ? request.url : request.url.slice(0, query);
  let params: string[] = [];
  const route = routes.find((r) => {
    const match = r.method === request.method ? r.path.exec(path) : null;
    if (match) params = match.slice(1);
    return match !== null;
  });
  if (!route) return false;
  const silent = request.log.child({}, { level: 'silent' });
  request.log = silent;
  reply.log = silent;
  let answer: LiReply;
  try {
    const body = route.maxBody > 0 ? await readBody(request, route.maxBody) : Buffer.alloc(0);
    answer = await route.handle({
      request,
      administrator,
      params,
      query: new URLSearchParams(query === -1 ? '' : request.url.slice(query + 1)),
      body,
    });
  } catch (error) {
    if (error instanceof PayloadTooLargeError) void reply.header('Connection', 'close');
    if (error instanceof DomainError) {
      answer = route.refuse ? await route.refuse(administrator, error) : problemReply(request, error);
    } else {
      const errorId = randomUUID();
      await audit.recordInternalError(administrator, errorId, error, { route: `${request.method} ${path}` });
      answer = internalErrorReply(request, errorId);
    }
  }
  void reply.status(answer.status).header('Content-Type', answer.contentType).send(answer.body);
  return true;
}

/** The raw body, refused (PayloadTooLargeError) past `limit` bytes without reading the rest. */
async function readBody(request: FastifyRequest, limit: number): Promise<Buffer> {
  const tooLarge = () => new PayloadTooLargeError(`the request body is larger than ${limit} bytes`, { maxBytes: limit });
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
