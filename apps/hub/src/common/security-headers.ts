import helmet from 'helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { onRequestHookHandler, RouteOptions } from 'fastify';
import type { AppConfig } from '@app/config';
import { isConsoleRoute } from '../console/console-paths.js';
import { SIGN_IN_PATH } from '../operators/sign-in-paths.js';
import { isQueueDashboardRoute } from '../queues/queue-dashboard-paths.js';

/**
 * Not helmet's no-referrer: under that policy a browser sends `Origin: null` even with a form or
 * fetch() POST to the page's own origin (Fetch, "append a request Origin header"), and the hub's
 * own pages (the sign-in form, the dashboard, the console) could then never pass the Origin check
 * that cookie-borne changes need. same-origin still sends nothing to other sites.
 */
const OWN_ORIGIN_REFERRER = { policy: 'same-origin' as const };

/** Where SwaggerModule serves the UI (create-hub-app.ts). */
const DOCS_PATH = '/docs';

/**
 * Headers every response carries, and the Swagger UI's Content-Security-Policy. Call before the
 * routes are registered (SwaggerModule.setup, app.init()).
 *
 * - `X-Content-Type-Options: nosniff` on every response Fastify writes, problem documents included
 *   (the well-known fast path writes it too).
 * - `Cache-Control: no-store` unless the route says otherwise: API keys, operator tokens and every
 *   other answer of an authenticated route stay out of caches; the routes meant to be cached
 *   (provisioning views, the federation stream, the JWKS) set their own Cache-Control.
 * - helmet's headers on the pages a browser opens (/docs, the queue dashboard, the operator sign-in) only: a CSP allowing only the hub's own scripts (Swagger UI
 *   loads its bundle and its init script from /docs, no inline script) and its inline styles. No
 *   upgrade-insecure-requests on a hub served over plain HTTP, where it would break the page.
 *   helmet runs as a hook of those routes alone: @fastify/helmet adds two hooks (one async, one
 *   closure per request) to every route even with `global: false`, which measurably slowed the
 *   provisioning hot path and grew the hub's old generation (docs/benchmarks.md).
 * - The web console gets a stricter policy of its own: it is all the hub's code, so nothing but its
 *   own script and stylesheet loads (no inline style either), it talks to its own origin only, and
 *   Trusted Types forbid string-to-DOM sinks (innerHTML and the like), which the console never uses.
 */
export async function installSecurityHeaders(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // synchronous, like the request-id hook: an async hook makes every reply wait for a promise
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Cache-Control', 'no-store');
    done();
  });
  const docsHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'frame-ancestors': ["'none'"],
        'form-action': ["'self'"],
        'upgrade-insecure-requests': config.hub.tls ? [] : null,
      },
    },
    // HSTS only where the hub itself serves HTTPS
    strictTransportSecurity: config.hub.tls ? undefined : false,
    referrerPolicy: OWN_ORIGIN_REFERRER,
  });
  const consoleHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'none'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'"],
        'connect-src': ["'self'"],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        'require-trusted-types-for': ["'script'"],
        'trusted-types': ["'none'"],
        ...(config.hub.tls ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    strictTransportSecurity: config.hub.tls ? undefined : false,
    referrerPolicy: OWN_ORIGIN_REFERRER,
  });
  const hook =
    (headers: typeof docsHeaders): onRequestHookHandler =>
    (request, reply, done) => {
      headers(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
    };
  const applyDocsHeaders = hook(docsHeaders);
  const applyConsoleHeaders = hook(consoleHeaders);
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const docs = route.url === DOCS_PATH || route.url.startsWith(`${DOCS_PATH}/`) || route.url.startsWith(`${DOCS_PATH}-`);
    const apply = isConsoleRoute(route.url)
      ? applyConsoleHeaders
      : docs || isQueueDashboardRoute(route.url) || route.url === SIGN_IN_PATH
        ? applyDocsHeaders
        : undefined;
    if (apply) {
      const own = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
      route.onRequest = [...own, apply];
    }
  });
}
