import { Logger } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE, problemTitle, problemType } from './problem-details.js';
import { sendProblem, toProblem } from './problem-details.filter.js';

const logger = new Logger('ProblemDetails');

/**
 * Fastify's router answers a malformed URL (400) or an over-long path parameter (414) before any
 * route, hook or Nest filter runs; this gives those answers the problem+json shape of every other.
 */
export function frameworkErrorAsProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  sendProblem(reply, toProblem(error, request, logger));
}

const CLIENT_ERRORS: Record<string, { status: number; detail: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, detail: 'the request headers are larger than the hub accepts' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, detail: 'the request was not received in time' },
};

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (headers too large, a
 * Content-Length that contradicts the body or Transfer-Encoding, malformed request lines, request
 * timeouts): the server's 'clientError'. Answered as problem+json, then the connection is closed,
 * as Node and Fastify do, since the rest of the stream cannot be trusted.
 */
export function clientErrorAsProblem(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, detail } = CLIENT_ERRORS[error.code ?? ''] ?? { status: 400, detail: 'the request is not valid HTTP/1.1' };
  // a response already under way on this socket (its headers sent) cannot be followed by another
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const body = JSON.stringify({ type: problemType(String(status)), title: problemTitle(status), status, detail });
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
