import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  actorOf,
  cookieValue,
  CredentialVerifier,
  OPERATOR_SESSION_COOKIE,
  operatorOfSessionCookie,
  sameOrigin,
} from '@app/auth';
import { DomainError, UnauthenticatedError } from '@app/common';
import { OPERATOR_SESSION_HOURS, OperatorSessions } from '@app/members';
import { sendProblem, toProblem } from '../common/problem-details.filter.js';
import type { RouteProtection } from '../common/route-protection.js';
import { OPERATOR_PAGES, SESSION_COOKIE_PATHS, SIGN_IN_PATH, SIGN_OUT_PATH, signInReturnPath } from './sign-in-paths.js';
import { escapeHtml } from '../problems/problem-page.js';

const FORM_BODY_LIMIT = 16 * 1024;
const MAX_TOKEN_LENGTH = 8192;

/**
 * The operators' browser sign-in: a form takes an operator token and answers with the session
 * cookie the web console, the queue dashboard and the admin API accept (HttpOnly: no script reads
 * it; SameSite=Strict: no other site sends it; Secure when the request came over HTTPS; one cookie
 * for each of SESSION_COOKIE_PATHS; OPERATOR_SESSION_HOURS long).
 * The token itself never goes into the cookie. Plain Fastify routes with a form parser of their
 * own: the rest of the hub takes JSON only. A refused token counts against HUB_AUTH_FAILURE_LIMIT,
 * and the routes are rate-limited per address like every public route.
 */
export async function registerOperatorSignIn(app: NestFastifyApplication, protection: RouteProtection): Promise<void> {
  const sessions = app.get(OperatorSessions, { strict: false });
  const verifier = app.get(CredentialVerifier);
  const logger = new Logger('OperatorSignIn');

  const showForm = async (request: FastifyRequest, reply: FastifyReply) => {
    const next = signInReturnPath((request.query as Record<string, unknown>).next);
    const operator = await operatorOfSessionCookie(verifier, request.headers.cookie);
    return page(reply, 200, operator ? signedInPage(operator.name, operator.role, next) : signInPage(next));
  };

  const signIn = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const next = signInReturnPath(body.next);
    if (!sameOrigin(request))
      return page(reply, 403, signInPage(next, 'This form must be sent from the hub’s own sign-in page.'));
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH)
      return page(reply, 400, signInPage(next, 'Enter your operator token.'));
    try {
      const signedIn = await protection.withFailureLimit(request, reply, true, () =>
        sessions.signIn(token, actorOf(undefined, request)),
      );
      setSessionCookie(reply, request, signedIn.token, OPERATOR_SESSION_HOURS * 3600);
      return reply.redirect(next, 303);
    } catch (error) {
      const problem = toProblem(error, request, logger);
      const message = error instanceof UnauthenticatedError ? 'Unknown or disabled operator token.' : problem.detail;
      if (error instanceof DomainError || problem.status < 500) return page(reply, problem.status, signInPage(next, message));
      throw error;
    }
  };

  const signOut = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!sameOrigin(request))
      return page(reply, 403, signInPage(signInReturnPath(undefined), 'Sign out from the hub’s own pages.'));
    const session = cookieValue(request.headers.cookie, OPERATOR_SESSION_COOKIE);
    if (session !== undefined && session.length <= MAX_TOKEN_LENGTH) await sessions.signOut(session);
    setSessionCookie(reply, request, '', 0);
    return reply.redirect(SIGN_IN_PATH, 303);
  };

  await app.register(async (scope: FastifyInstance) => {
    // problem+json for anything thrown here (Nest's handler is installed only later, in init)
    scope.setErrorHandler((error, request, reply) => sendProblem(reply, toProblem(error, request, logger)));
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
    scope.get(SIGN_IN_PATH, { bodyLimit: FORM_BODY_LIMIT }, showForm);
    scope.post(SIGN_IN_PATH, { bodyLimit: FORM_BODY_LIMIT }, signIn);
    scope.post(SIGN_OUT_PATH, { bodyLimit: FORM_BODY_LIMIT }, signOut);
  });
}

function setSessionCookie(reply: FastifyReply, request: FastifyRequest, value: string, maxAgeSeconds: number): void {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header(
    'Set-Cookie',
    SESSION_COOKIE_PATHS.map(
      (path) => `${OPERATOR_SESSION_COOKIE}=${value}; Path=${path}; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`,
    ),
  );
}

function page(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.status(status).header('Content-Type', 'text/html; charset=utf-8').send(html);
}

function layout(body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Clearing house: operator sign-in</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem;color:#1d2329}
label,input,button{display:block;width:100%;box-sizing:border-box;font-size:1rem}input{padding:.5rem;margin:.4rem 0 1rem}
button{padding:.6rem;cursor:pointer}.error{color:#a4161a}form.inline{margin-top:1.5rem}</style></head>
<body>${body}</body></html>`;
}

function signInPage(next: string, error?: string): string {
  return layout(`<h1>Operator sign-in</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${SIGN_IN_PATH}">
<label for="token">Operator token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<input type="hidden" name="next" value="${escapeHtml(next)}">
<button type="submit">Sign in</button>
</form>
<p>The sign-in lasts ${OPERATOR_SESSION_HOURS} hours. Your token is not kept in the browser.</p>`);
}

function signedInPage(name: string, role: string, next: string): string {
  return layout(`<h1>Signed in</h1>
<p>You are signed in as <strong>${escapeHtml(name)}</strong> (${escapeHtml(role)}).</p>
<p><a href="${escapeHtml(next)}">Continue</a> to where you were going, or open
${OPERATOR_PAGES.map((p) => `<a href="${p.path}">${p.title}</a>`).join(' or ')}.</p>
<form class="inline" method="post" action="${SIGN_OUT_PATH}"><button type="submit">Sign out</button></form>`);
}
