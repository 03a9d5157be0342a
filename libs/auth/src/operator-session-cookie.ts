import type { CredentialVerifier } from './credential-verifier.service.js';
import type { OperatorPrincipal } from './principal.js';

/** The cookie of an operator's browser session (HttpOnly, SameSite=Strict, Secure over HTTPS). */
export const OPERATOR_SESSION_COOKIE = 'hub_operator_session';

/** The value of a cookie in a Cookie header, undefined without one (the first wins, as browsers send the most specific first). */
export function cookieValue(header: string | string[] | undefined, name: string): string | undefined {
  const value = Array.isArray(header) ? header.join('; ') : header;
  if (!value) return undefined;
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether the request presents an operator session cookie at all (valid or not). */
export const hasSessionCookie = (headers: { cookie?: string | string[] }): boolean =>
  cookieValue(headers.cookie, OPERATOR_SESSION_COOKIE) !== undefined;

/** A session token as the hub issues them; anything else is not looked up. */
const SESSION_TOKEN = /^hubos_[A-Za-z0-9_-]{43}$/;

/** The operator signed in with the session cookie of this Cookie header; null without a live session. */
export async function operatorOfSessionCookie(
  verifier: CredentialVerifier,
  cookieHeader: string | string[] | undefined,
): Promise<OperatorPrincipal | null> {
  const session = cookieValue(cookieHeader, OPERATOR_SESSION_COOKIE);
  return session !== undefined && SESSION_TOKEN.test(session) ? verifier.operatorBySession(session) : null;
}

/** What sameOrigin reads of a request (Fastify's request has all of it). */
export interface OriginFacts {
  headers: Record<string, string | string[] | undefined>;
  protocol?: string;
  host?: string;
}

/**
 * Whether a browser request comes from the hub's own pages: its Origin (sent with every POST, PUT,
 * PATCH and DELETE a browser makes) names this host and scheme; without an Origin, Fetch Metadata
 * must not say another site sent it. The session cookie is SameSite=Strict already; this is the
 * server's own check for requests that change something.
 */
export function sameOrigin(request: OriginFacts): boolean {
  const origin = request.headers.origin;
  if (origin === undefined)
    return request.headers['sec-fetch-site'] === undefined || request.headers['sec-fetch-site'] === 'same-origin';
  return origin === `${request.protocol}://${request.host}`;
}
