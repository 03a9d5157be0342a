import http from 'node:http';
import https from 'node:https';
import type { FastifyServerFactory, FastifyServerFactoryHandler } from 'fastify';
import type { AppConfig } from '@app/config';
import type { ShutdownState } from '@app/queue';

/** Answers a request and returns true, or returns false having written nothing. */
export type RequestShortcut = (request: http.IncomingMessage, response: http.ServerResponse) => boolean;

/** Set once the app is built (the shortcut needs its services), cleared when Fastify starts closing. */
export interface ShortcutSlot {
  current?: RequestShortcut;
}

/**
 * Fastify's `serverFactory`: the very server Fastify would create itself (fastify/lib/server.js,
 * HTTP/1.1: HTTPS when `https` options are given, the same timeouts), except that its request
 * listener first offers each request to the slot's shortcut and hands it to Fastify only when
 * the shortcut declines. An exception in the shortcut before it wrote anything also hands the
 * request to Fastify, so the shortcut can never make a request fail that Fastify would answer.
 *
 * The timeouts are the hub's (HUB_HEADERS_TIMEOUT_MS, HUB_REQUEST_TIMEOUT_MS, HUB_KEEP_ALIVE_TIMEOUT_MS,
 * HUB_IDLE_TIMEOUT_MS), not Fastify's defaults (no request or idle limit): a client that sends its
 * headers or body too slowly gets Node's 408 and its connection closed, and a silent connection is
 * closed. Node checks the header and request deadlines every connectionsCheckingInterval, so that
 * interval follows the shortest deadline.
 *
 * One difference with Fastify's own server: with a serverFactory Fastify does not bind the extra
 * addresses of a host name that resolves to several (HUB_HOST=localhost → 127.0.0.1 and ::1);
 * it listens on the first only. The hub's default and production hosts are addresses.
 *
 * Once the hub is stopping (`shutdown.draining`), every answer carries `Connection: close`: a client
 * on a kept-alive connection reconnects for its next request, and its load balancer, which now sees
 * the hub not ready, sends that one to another replica (hub-shutdown.ts).
 */
export function serverWithShortcut(
  slot: ShortcutSlot,
  timeouts: AppConfig['hub']['timeouts'],
  shutdown: ShutdownState,
): FastifyServerFactory {
  return (handler: FastifyServerFactoryHandler, options: Record<string, unknown>) => {
    const listener = (request: http.IncomingMessage, response: http.ServerResponse) => {
      if (shutdown.draining) response.setHeader('Connection', 'close');
      const shortcut = slot.current;
      if (shortcut) {
        try {
          if (shortcut(request, response)) return;
        } catch (error) {
          if (response.headersSent) return void response.destroy(error as Error);
        }
      }
      handler(request, response);
    };
    const limits: http.ServerOptions = {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      connectionsCheckingInterval: Math.min(
        30_000,
        Math.max(50, Math.floor(Math.min(timeouts.headersMs, timeouts.requestMs) / 4)),
      ),
    };
    const tls = options.https === true ? {} : (options.https as https.ServerOptions | undefined);
    const server = tls
      ? https.createServer({ ...tls, ...limits }, listener)
      : http.createServer({ ...((options.http ?? {}) as http.ServerOptions), ...limits }, listener);
    server.keepAliveTimeout = timeouts.keepAliveMs;
    server.setTimeout(timeouts.idleMs);
    const maxRequestsPerSocket = options.maxRequestsPerSocket as number | null | undefined;
    if (maxRequestsPerSocket && maxRequestsPerSocket > 0) server.maxRequestsPerSocket = maxRequestsPerSocket;
    return server;
  };
}
