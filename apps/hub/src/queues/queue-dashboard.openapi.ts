import type { PathItemObject } from '@nestjs/swagger';
import { problemContent } from '../common/openapi.decorators.js';

const HTML = { 'text/html': { schema: { type: 'string' } } };
const SEE_OTHER = (where: string) => ({
  description: `see other: ${where}`,
  headers: { Location: { schema: { type: 'string' } } },
});
const INTERNAL = { description: 'an unexpected error; `errorId` is logged by the hub', content: problemContent() };

/**
 * The browser routes for operators, registered on Fastify (not Nest controllers): the queue
 * dashboard's page and the sign-in form. The dashboard's own JSON API and assets under
 * /admin/queues/ are bull-board's (pinned version), described in docs/operations.md.
 */
export function operatorBrowserPathItems(): Record<string, PathItemObject> {
  return {
    '/admin/queues/': {
      get: {
        tags: ['admin: queues'],
        operationId: 'QueueDashboard_page',
        summary: 'The queue dashboard (bull-board) for admins; auditors are sent to /admin/queues/read-only/',
        description:
          'An operator token (Authorization: Bearer) or the session cookie of POST /admin/sign-in. Only the catalogue queues shown to operators appear. Changes from the board are limited to retrying, removing and promoting jobs and pausing queues, refused for auditors, and audited.',
        security: [{ bearer: [] }, { operatorSession: [] }],
        responses: {
          '200': { description: 'the dashboard page', content: HTML },
          '303': SEE_OTHER(
            'a browser (Accept: text/html) without a sign-in goes to /admin/sign-in; an auditor to the read-only board',
          ),
          '401': { description: 'no operator credentials, or unknown or expired ones', content: problemContent() },
          '403': { description: "a member's credentials", content: problemContent() },
          '429': { description: 'too many refused credentials from this address', content: problemContent() },
          '500': INTERNAL,
        },
      },
    },
    '/admin/sign-in': {
      get: {
        tags: ['admin: queues'],
        operationId: 'OperatorSignIn_form',
        summary: 'The operator sign-in form (or, when signed in, who you are and a sign-out button)',
        security: [],
        parameters: [{ name: 'next', in: 'query', required: false, schema: { type: 'string', example: '/admin/queues/' } }],
        responses: {
          '200': { description: 'the form', content: HTML },
          '429': { description: 'rate limited', content: problemContent() },
          '500': INTERNAL,
        },
      },
      post: {
        tags: ['admin: queues'],
        operationId: 'OperatorSignIn_signIn',
        summary: 'Sign in with an operator token: sets the session cookie the queue dashboard accepts (8 hours)',
        description:
          "The cookie is `hub_operator_session`: HttpOnly, SameSite=Strict, Path=/admin, Secure when the request came over HTTPS; it holds a session token, never the operator token. The request must come from the hub's own page (Origin). Refused tokens count against HUB_AUTH_FAILURE_LIMIT.",
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
                  next: { type: 'string', example: '/admin/queues/' },
                },
              },
              example: { token: 'hubop_…', next: '/admin/queues/' },
            },
          },
        },
        responses: {
          '303': SEE_OTHER('signed in: to `next` (a dashboard page) with Set-Cookie'),
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
        tags: ['admin: queues'],
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
