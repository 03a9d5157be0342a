import type { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  type AuthenticatedRequest,
  authenticateOperator,
  CredentialVerifier,
  hasSessionCookie,
  type OperatorPrincipal,
} from '@app/auth';
import { UnauthenticatedError } from '@app/common';
import { sendProblem, toProblem } from '../common/problem-details.filter.js';
import type { RouteProtection } from '../common/route-protection.js';
import { SIGN_IN_PATH } from './sign-in-paths.js';

/**
 * The first step of every request to an operator's browser pages (the web console, the queue
 * dashboard): the operator, authenticated as on the admin API (a bearer operator token, or the
 * session cookie of the sign-in form; a change made with the cookie must carry the hub's Origin),
 * under the refused-credentials limit. When it fails, the request is answered here: a browser
 * asking for a page (`returnTo`, Accept: text/html) without a valid sign-in is sent to the sign-in
 * form and comes back to `returnTo` afterwards; anything else gets the problem (401, 403, 429).
 * Returns undefined when it has answered.
 */
export async function operatorOfBrowserRequest(
  verifier: CredentialVerifier,
  protection: RouteProtection,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Logger,
  returnTo?: string,
): Promise<OperatorPrincipal | undefined> {
  const presented = request.headers.authorization !== undefined || hasSessionCookie(request.headers);
  try {
    return await protection.withFailureLimit(request, reply, presented, () =>
      authenticateOperator(verifier, request as unknown as AuthenticatedRequest),
    );
  } catch (error) {
    const page = returnTo !== undefined && SAFE_METHODS.has(request.method) && acceptsHtml(request);
    if (error instanceof UnauthenticatedError && page) {
      void reply.redirect(`${SIGN_IN_PATH}?next=${encodeURIComponent(returnTo)}`, 303);
    } else {
      sendProblem(reply, toProblem(error, request, logger));
    }
    return undefined;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

function acceptsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}
