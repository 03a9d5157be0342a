import { ForbiddenError, UnauthenticatedError } from '@app/common';
import { bearerToken } from './bearer-token.js';
import { CredentialVerifier } from './credential-verifier.service.js';
import { hasSessionCookie, operatorOfSessionCookie, sameOrigin } from './operator-session-cookie.js';
import type { AuthenticatedRequest, OperatorPrincipal } from './principal.js';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Who may call a route, as its guard says: an active member, an operator, or anyone (an optional
 * member credential chooses the member's view). The hub runs the same check before it reads a
 * request's body (so an unauthenticated caller cannot make it buffer a large body), and the guard
 * then only checks what is left (the operator's role); each request is authenticated once, which
 * matters for signed requests, whose jti may be used only once.
 */
export type RouteAuthentication = 'member' | 'operator' | 'optional-member';

/** Requests whose credentials were already checked, and for what kind of route (the principal, if any, is set). */
const authenticatedRequests = new WeakMap<object, RouteAuthentication>();

/** Checks the request's credentials for a route of that kind and sets request.principal; throws a 401/403 domain error. */
export async function authenticateRequest(
  verifier: CredentialVerifier,
  request: AuthenticatedRequest,
  kind: RouteAuthentication,
): Promise<void> {
  if (authenticatedRequests.get(request) === kind) return;
  switch (kind) {
    case 'member':
      request.principal = await requiredMember(verifier, request);
      break;
    case 'optional-member':
      request.principal = (await activeMember(verifier, request)) ?? undefined;
      break;
    case 'operator':
      request.principal = await operator(verifier, request);
      break;
  }
  authenticatedRequests.set(request, kind);
}

/** An operator, as on the admin API (bearer token or session cookie); for the hub's plain Fastify routes (console, dashboard). */
export async function authenticateOperator(
  verifier: CredentialVerifier,
  request: AuthenticatedRequest,
): Promise<OperatorPrincipal> {
  await authenticateRequest(verifier, request, 'operator');
  return request.principal as OperatorPrincipal;
}

async function activeMember(verifier: CredentialVerifier, request: AuthenticatedRequest) {
  const member = await verifier.memberForRequest(request);
  if (member && member.status !== 'active') throw new ForbiddenError(`member ${member.domain} is ${member.status}`);
  return member;
}

async function requiredMember(verifier: CredentialVerifier, request: AuthenticatedRequest) {
  const member = await activeMember(verifier, request);
  if (!member) {
    throw new UnauthenticatedError(
      'missing member credentials: send Authorization: Bearer <API key or signed request>, or a registered TLS client certificate',
    );
  }
  return member;
}

/**
 * An operator token in Authorization; without that header, the session cookie of the browser
 * sign-in (the web console and the queue dashboard call the admin API with it). A change made with
 * the cookie must come from the hub's own pages: the browser attaches a cookie to any request, and
 * SameSite=Strict is the browser's rule, the Origin check the hub's own.
 */
async function operator(verifier: CredentialVerifier, request: AuthenticatedRequest): Promise<OperatorPrincipal> {
  if (request.headers.authorization === undefined) {
    if (!hasSessionCookie(request.headers)) {
      throw new UnauthenticatedError(
        'missing operator credentials: send Authorization: Bearer <operator token>, or sign in at /admin/sign-in',
      );
    }
    const signedIn = await operatorOfSessionCookie(verifier, request.headers.cookie);
    if (!signedIn) throw new UnauthenticatedError('the sign-in has expired or ended: sign in again at /admin/sign-in');
    if (!SAFE_METHODS.has(request.method) && !sameOrigin(request)) {
      throw new ForbiddenError("a change made with the session cookie must come from the hub's own pages (Origin)");
    }
    return signedIn;
  }
  const token = bearerToken(request.headers.authorization);
  const found = await verifier.operator(token);
  if (!found) {
    if (await verifier.member(token)) throw new ForbiddenError('member credentials cannot use the operator API');
    throw new UnauthenticatedError('unknown or disabled operator token');
  }
  return found;
}
