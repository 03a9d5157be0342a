import type { FastifyRequest } from 'fastify';

/**
 * Whether a browser request comes from the hub's own pages: its Origin (sent with every POST and
 * PUT a browser makes) names this host and scheme. The session cookie is SameSite=Strict already;
 * this is the server's own check for requests that change something.
 */
export function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined)
    return request.headers['sec-fetch-site'] === undefined || request.headers['sec-fetch-site'] === 'same-origin';
  return origin === `${request.protocol}://${request.host}`;
}
