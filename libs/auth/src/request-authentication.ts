import { ForbiddenError, UnauthenticatedError } from '@app/common';
import { bearerToken } from './bearer-token.js';
import { CredentialVerifier } from './credential-verifier.service.js';
import type { AuthenticatedRequest } from './principal.js';

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

async function operator(verifier: CredentialVerifier, request: AuthenticatedRequest) {
  const token = bearerToken(request.headers.authorization);
  const found = await verifier.operator(token);
  if (!found) {
    if (await verifier.member(token)) throw new ForbiddenError('member credentials cannot use the operator API');
    throw new UnauthenticatedError('unknown or disabled operator token');
  }
  return found;
}
