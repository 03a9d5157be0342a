import type { PathItemObject } from '@nestjs/swagger';
import { problemContent } from '../common/openapi.decorators.js';

export const HTML = { 'text/html': { schema: { type: 'string' } } };
export const SEE_OTHER = (where: string) => ({
  description: `see other: ${where}`,
  headers: { Location: { schema: { type: 'string' } } },
});
export const INTERNAL = { description: 'an unexpected error; `errorId` is logged by the hub', content: problemContent() };
/** The operators' browser pages take what the admin API takes: an operator token, or the session cookie. */
export const OPERATOR_BROWSER_SECURITY: Array<Record<string, string[]>> = [{ bearer: [] }, { operatorSession: [] }];

/** The operators' browser sign-in form and sign-out, registered on Fastify (not Nest controllers). */
export function operatorSignInPathItems(): Record<string, PathItemObject> {
  return {
    '/admin/sign-in': {
      get: {
        tags: ['admin: sign-in'],
        operationId: 'OperatorSignIn_form',
        summary: 'The operator sign-in form (or, when signed in, who you are and a sign-out button)',
        security: [],
        parameters: [{ name: 'next', in: 'query', required: false, schema: { type: 'string', example: '/console' } }],
        responses: {
          '200': { description: 'the form', content: HTML },
          '429': { description: 'rate limited', content: problemContent() },
          '500': INTERNAL,
        },
      },
      post: {
        tags: ['admin: sign-in'],
        operationId: 'OperatorSignIn_signIn',
        summary:
          'Sign in with an operator token: sets the session cookie of the web console, the queue dashboard and the admin API (8 hours)',
        description:
          "The cookie is `hub_operator_session`, set twice (Path=/admin and Path=/console): HttpOnly, SameSite=Strict, Secure when the request came over HTTPS; it holds a session token, never the operator token. The request must come from the hub's own page (Origin). Refused tokens count against HUB_AUTH_FAILURE_LIMIT.",
        security: [],
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                required: ['token'],
                properties: {
                  token: { type: 'string', description: 'an operator token' },
                  next: { type: 'string', example: '/console', description: 'the console (default) or a queue dashboard page' },
                },
              },
              example: { token: 'hubop_…', next: '/console' },
            },
          },
        },
        responses: {
          '303': SEE_OTHER('signed in: to `next` (the console or a dashboard page) with Set-Cookie'),
          '400': { description: 'no token', content: HTML },
          '401': { description: 'unknown or disabled operator token: the form again, with the message', content: HTML },
          '403': { description: "not sent from the hub's own page", content: HTML },
          '429': { description: 'too many refused credentials from this address', content: HTML },
          '500': INTERNAL,
        },
      },
    },
    '/admin/sign-out': {
      post: {
        tags: ['admin: sign-in'],
        operationId: 'OperatorSignIn_signOut',
        summary: 'End the browser session: the session is deleted and the cookie cleared',
        security: [],
        responses: {
          '303': SEE_OTHER('/admin/sign-in'),
          '403': { description: "not sent from the hub's own page", content: HTML },
          '500': INTERNAL,
        },
      },
    },
  };
}
