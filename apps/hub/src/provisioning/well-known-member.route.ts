import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { authenticateRequest, CredentialVerifier, type AuthenticatedRequest, type MemberPrincipal } from '@app/auth';
import { ProvisioningFetchUsage, ProvisioningViews } from '@app/provisioning';
import { normalizeDomain } from '@app/common';
import type { ShortcutSlot } from '../common/hub-server.js';
import { HttpMetrics } from '../metrics/http-metrics.js';
import { sendProblem, toProblem } from '../common/problem-details.filter.js';
import { requestedFormat, sendView } from './send-view.js';
import { WellKnownFastPath } from './well-known-fast-path.js';

export const WELL_KNOWN_MEMBER_PATH = '/.well-known/pres-im-provisioning/:domain';

/**
 * `GET /.well-known/pres-im-provisioning/{domain}`: a member's document as served to the caller.
 * Anyone may ask; an Authorization header or a pinned client certificate makes it the member's
 * view (the same rules as OptionalMemberAuthGuard), and a hidden member is a 404 like an unknown one.
 *
 * This is the federation's hot path, so it is registered as a plain Fastify route: the Nest
 * pipeline (guards, pipes, interceptors, exception zone) doubled the CPU per request in
 * bench/provisioning. It stays transport only: the same credential check, the same view service
 * and the same problem documents as the Nest routes, with no database query on a cache hit.
 */
export function registerWellKnownMemberRoute(app: NestFastifyApplication): void {
  const verifier = app.get(CredentialVerifier);
  const views = app.get(ProvisioningViews);
  const usage = app.get(ProvisioningFetchUsage);
  const logger = new Logger('ProblemDetails');
  app
    .getHttpAdapter()
    .getInstance()
    .get<{ Params: { domain: string } }>(WELL_KNOWN_MEMBER_PATH, async (request, reply) => {
      try {
        // usually done already, before the body (route-protection.ts); then this returns at once
        await authenticateRequest(verifier, request as unknown as AuthenticatedRequest, 'optional-member');
        const member = (request as unknown as AuthenticatedRequest).principal as MemberPrincipal | undefined;
        const format = requestedFormat(request);
        const requestor = member?.domain ?? null;
        const view = await views.memberView(request.params.domain, requestor, format);
        usage.fetched('http', requestor, normalizeDomain(request.params.domain));
        sendView(request, reply, view, format, requestor);
      } catch (error) {
        sendProblem(reply, toProblem(error, request, logger));
      }
      return reply;
    });
}

/**
 * Puts the route's cache-hit fast path (WellKnownFastPath) in front of Fastify, on the hub's own
 * server (serverWithShortcut). It is taken out again as soon as Fastify starts closing, so that
 * requests arriving during shutdown get Fastify's 503 as before.
 */
export function installWellKnownFastPath(app: NestFastifyApplication, slot: ShortcutSlot): void {
  const fastify = app.getHttpAdapter().getInstance();
  const fastPath = new WellKnownFastPath(
    app.get(CredentialVerifier),
    app.get(ProvisioningViews),
    app.get(ProvisioningFetchUsage),
    fastify.initialConfig.maxParamLength ?? 100,
    {
      ok: app.get(HttpMetrics).cells(WELL_KNOWN_MEMBER_PATH, 'GET', 200),
      notModified: app.get(HttpMetrics).cells(WELL_KNOWN_MEMBER_PATH, 'GET', 304),
    },
  );
  slot.current = (request, response) => fastPath.serve(request, response);
  fastify.addHook('preClose', (done) => {
    slot.current = undefined;
    done();
  });
}
