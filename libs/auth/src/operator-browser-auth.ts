import { ForbiddenError, UnauthenticatedError } from '@app/common';
import { CredentialVerifier } from './credential-verifier.service.js';
import type { AuthenticatedRequest, OperatorPrincipal } from './principal.js';
import { authenticateRequest } from './request-authentication.js';

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

/**
 * Pages an operator opens in a browser (the queue dashboard): an Authorization header is checked
 * exactly as on the admin API (an operator token; a member's credentials are refused with 403);
 * without one, the operator session cookie set by the sign-in form. Sets request.principal.
 * Returns how the caller was authenticated, so that the caller can guard cookie-borne requests
 * against cross-site use.
 */
export async function authenticateOperatorBrowser(
  verifier: CredentialVerifier,
  request: AuthenticatedRequest,
): Promise<{ operator: OperatorPrincipal; by: 'bearer' | 'cookie' }> {
  if (request.headers.authorization !== undefined) {
    await authenticateRequest(verifier, request, 'operator');
    return { operator: request.principal as OperatorPrincipal, by: 'bearer' };
  }
  if (cookieValue(request.headers.cookie, OPERATOR_SESSION_COOKIE) === undefined) {
    throw new UnauthenticatedError('sign in at /admin/sign-in, or send Authorization: Bearer <operator token>');
  }
  const operator = await operatorOfSessionCookie(verifier, request.headers.cookie);
  if (!operator) throw new UnauthenticatedError('the sign-in has expired or ended: sign in again at /admin/sign-in');
  request.principal = operator;
  return { operator, by: 'cookie' };
}

/** An action only admins may take (auditors read). */
export function requireAdmin(operator: OperatorPrincipal, what: string): void {
  if (operator.role !== 'admin') throw new ForbiddenError(`${what} requires the admin role; you are ${operator.role}`);
}
