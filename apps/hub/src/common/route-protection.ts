import rateLimit from '@fastify/rate-limit';
import { RequestMethod } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, preParsingAsyncHookHandler, RouteOptions } from 'fastify';
import { Redis } from 'ioredis';
import {
  authenticateRequest,
  type AuthenticatedRequest,
  CredentialVerifier,
  hasSessionCookie,
  MemberAuthGuard,
  OperatorAuthGuard,
  OptionalMemberAuthGuard,
  type RouteAuthentication,
} from '@app/auth';
import { UnauthenticatedError } from '@app/common';
import type { AppConfig } from '@app/config';
import { redisOptionsFromUrl } from '@app/queue';
import { WELL_KNOWN_MEMBER_PATH } from '../provisioning/well-known-member.route.js';
import { isConsoleRoute } from '../console/console-paths.js';
import { isQueueDashboardRoute } from '../queues/queue-dashboard-paths.js';

/** What each guard requires; a route with several guards is protected by the strictest. */
const AUTHENTICATION_BY_GUARD = new Map<unknown, RouteAuthentication>([
  [OptionalMemberAuthGuard, 'optional-member'],
  [MemberAuthGuard, 'member'],
  [OperatorAuthGuard, 'operator'],
]);
const STRICTNESS: RouteAuthentication[] = ['optional-member', 'member', 'operator'];

/** Routes the hub registers on Fastify itself (not Nest controllers), with their guards' rule. */
const PLAIN_ROUTES: Record<string, RouteAuthentication> = { [`GET ${WELL_KNOWN_MEMBER_PATH}`]: 'optional-member' };

/** Bodies anyone may send (membership applications) are small; the 1 MiB default is for authenticated callers. */
export const PUBLIC_BODY_LIMIT = 64 * 1024;

/**
 * Authentication before the body, and rate limits where no credentials are needed. Must run after
 * NestFactory.create and before app.init() (Nest registers its routes in init, and the onRoute hook
 * installed here has to see them).
 *
 * - A route that requires credentials (its guard is MemberAuthGuard or OperatorAuthGuard) checks them
 *   in a preParsing hook, before Fastify reads the body: an unauthenticated caller gets its 401
 *   without the hub buffering up to the route's body limit (16 MiB on the message log). The guard
 *   then finds the request already authenticated (libs/auth authenticateRequest), so each request
 *   is authenticated once, by the same code. A refused request with a body closes its connection, so
 *   Node does not read the rest of the body either.
 * - Every other route (public, optional member credentials, Swagger UI, the plain well-known route)
 *   is rate-limited per client address: HUB_PUBLIC_RATE_LIMIT requests per minute and route, or the
 *   route's own limit (applications: HUB_APPLICATIONS_RATE_LIMIT). Requests of an authenticated
 *   member are not counted (optional credentials are checked first, in the same preParsing hook).
 *   Cache hits of the well-known fast path never reach Fastify: they are always authenticated.
 * - Credentials that are refused (401) count against their address: past HUB_AUTH_FAILURE_LIMIT in
 *   a minute, every request of that address that presents credentials gets 429 before any lookup,
 *   so guessing keys or flooding the credential check with bogus ones costs the hub nothing more.
 */
export async function installRouteProtection(app: NestFastifyApplication, config: AppConfig): Promise<RouteProtection> {
  const fastify = app.getHttpAdapter().getInstance();
  const verifier = app.get(CredentialVerifier);
  const authentication = routeAuthentication(app);
  const unmatched = new Set(authentication.keys());

  // created once the rate-limit plugin is registered below (routes are added after that, in init)
  const limits: { failures?: FailureLimiter } = {};
  const withFailureLimit: RouteProtection['withFailureLimit'] = async (request, reply, presented, authenticate) => {
    const { failures } = limits;
    if (presented && failures) {
      const seen = await failures(request, { increment: false });
      if (seen.remaining === 0) {
        reply.header('Retry-After', String(Math.max(1, seen.ttlInSeconds)));
        throw Object.assign(new Error('too many refused credentials from this address; retry after Retry-After seconds'), {
          statusCode: 429,
        });
      }
    }
    try {
      return await authenticate();
    } catch (error) {
      if (presented && failures && error instanceof UnauthenticatedError) await failures(request);
      throw error;
    }
  };
  const authenticateBeforeBody = (kind: RouteAuthentication): preParsingAsyncHookHandler =>
    async function authenticateBeforeBody(request, reply) {
      try {
        // operator routes also take the browser session cookie (the console calls the admin API with it)
        const presented =
          request.headers.authorization !== undefined || (kind === 'operator' && hasSessionCookie(request.headers));
        await withFailureLimit(request, reply, presented, () =>
          authenticateRequest(verifier, request as unknown as AuthenticatedRequest, kind),
        );
      } catch (error) {
        if (hasBody(request)) reply.header('Connection', 'close');
        throw error;
      }
    };

  fastify.addHook('onRoute', (route: RouteOptions) => {
    // the queue dashboard and the console authenticate their own routes (bearer or session cookie), before the body
    if (isQueueDashboardRoute(route.url) || isConsoleRoute(route.url)) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const keys = methods.flatMap((m) => [`${m} ${route.url}`, ...(m === 'HEAD' ? [`GET ${route.url}`] : [])]);
    keys.forEach((k) => unmatched.delete(k));
    const kinds = keys.map((k) => authentication.get(k) ?? PLAIN_ROUTES[k]).filter((k) => k !== undefined);
    const kind = kinds.sort((a, b) => STRICTNESS.indexOf(b) - STRICTNESS.indexOf(a))[0];
    if (kind) route.preParsing = [authenticateBeforeBody(kind), ...toArray(route.preParsing)];
    if (kind === 'member' || kind === 'operator') return;
    route.bodyLimit = Math.min(route.bodyLimit ?? PUBLIC_BODY_LIMIT, PUBLIC_BODY_LIMIT);
    if (route.config?.rateLimit === undefined) {
      route.config = { ...route.config, rateLimit: { max: config.hub.publicRateLimitPerMinute } };
    }
  });
  fastify.addHook('onReady', (done) => {
    // a controller route the table computed under another path than Nest registered: fail at boot
    done(unmatched.size ? new Error(`route protection: no Fastify route for ${[...unmatched].join(', ')}`) : undefined);
  });

  // Shared counters across hub replicas when Redis exists; a Redis outage must not block callers.
  const rateLimitStore = config.queue.redisUrl
    ? new Redis({ ...redisOptionsFromUrl(config.queue.redisUrl), maxRetriesPerRequest: 1, connectTimeout: 500 })
    : undefined;
  rateLimitStore?.on('error', () => undefined);
  fastify.addHook('onClose', async () => {
    rateLimitStore?.disconnect();
  });
  await app.register(rateLimit, {
    global: false,
    max: config.hub.applicationsRateLimitPerMinute,
    timeWindow: 60_000,
    // after the route's own preParsing hook above, before the body is read
    hook: 'preParsing',
    allowList: (request) => (request as unknown as AuthenticatedRequest).principal?.kind === 'member',
    skipOnError: true,
    ...(rateLimitStore ? { redis: rateLimitStore } : {}),
    nameSpace: `${config.queue.prefix}:rate-limit:`,
  });
  limits.failures = fastify.createRateLimit({
    max: config.hub.authFailuresPerMinute,
    timeWindow: 60_000,
    allowList: () => false,
    keyGenerator: (request) => `auth-failures:${request.ip}`,
  }) as FailureLimiter;
  return { withFailureLimit };
}

/** What routes that authenticate themselves (the queue dashboard, the sign-in form) share with the others. */
export interface RouteProtection {
  /**
   * Runs `authenticate` under HUB_AUTH_FAILURE_LIMIT: when credentials are `presented` and the
   * address is past the limit, a 429 (with Retry-After) before any lookup; a refusal (401) counts.
   */
  withFailureLimit<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    presented: boolean,
    authenticate: () => Promise<T>,
  ): Promise<T>;
}

/** Counts (or, with `increment: false`, reads) an address's refused credentials in the current minute. */
type FailureLimiter = (
  request: FastifyRequest,
  options?: { increment: boolean },
) => Promise<{ remaining: number; ttlInSeconds: number }>;

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function toArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** `METHOD /path` → the authentication its guards require, for every controller route that has a guard. */
function routeAuthentication(app: NestFastifyApplication): Map<string, RouteAuthentication> {
  const table = new Map<string, RouteAuthentication>();
  const scanner = new MetadataScanner();
  for (const wrapper of new DiscoveryService(app.get(ModulesContainer)).getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
    if (!controller) continue;
    const classGuards = (Reflect.getMetadata(GUARDS_METADATA, controller) ?? []) as unknown[];
    for (const name of scanner.getAllMethodNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name] as object;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const guards = [...classGuards, ...((Reflect.getMetadata(GUARDS_METADATA, handler) ?? []) as unknown[])];
      const kind = guards
        .map((g) => AUTHENTICATION_BY_GUARD.get(g))
        .filter((k) => k !== undefined)
        .sort((a, b) => STRICTNESS.indexOf(b) - STRICTNESS.indexOf(a))[0];
      if (!kind) continue;
      const path = [Reflect.getMetadata(PATH_METADATA, controller), Reflect.getMetadata(PATH_METADATA, handler)]
        .flatMap((p: string | string[] | undefined) => (Array.isArray(p) ? p : [p ?? '']))
        .map((p) => p.replace(/^\/+|\/+$/g, ''))
        .filter((p) => p !== '')
        .join('/');
      table.set(`${RequestMethod[method]} /${path}`, kind);
    }
  }
  return table;
}
