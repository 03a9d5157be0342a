import http from 'node:http';
import https from 'node:https';
import type { FastifyServerFactory, FastifyServerFactoryHandler } from 'fastify';

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
 * One difference with Fastify's own server: with a serverFactory Fastify does not bind the extra
 * addresses of a host name that resolves to several (HUB_HOST=localhost → 127.0.0.1 and ::1);
 * it listens on the first only. The hub's default and production hosts are addresses.
 */
export function serverWithShortcut(slot: ShortcutSlot): FastifyServerFactory {
  return (handler: FastifyServerFactoryHandler, options: Record<string, unknown>) => {
    const listener = (request: http.IncomingMessage, response: http.ServerResponse) => {
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
    const tls = options.https === true ? {} : (options.https as https.ServerOptions | undefined);
    const server = tls
      ? https.createServer(tls, listener)
      : http.createServer((options.http ?? {}) as http.ServerOptions, listener);
    server.keepAliveTimeout = options.keepAliveTimeout as number;
    server.requestTimeout = options.requestTimeout as number;
    server.setTimeout(options.connectionTimeout as number);
    const maxRequestsPerSocket = options.maxRequestsPerSocket as number | null | undefined;
    if (maxRequestsPerSocket && maxRequestsPerSocket > 0) server.maxRequestsPerSocket = maxRequestsPerSocket;
    return server;
  };
}
