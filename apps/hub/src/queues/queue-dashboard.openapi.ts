import type { PathItemObject } from '@nestjs/swagger';
import { problemContent } from '../common/openapi.decorators.js';

import { HTML, INTERNAL, OPERATOR_BROWSER_SECURITY, SEE_OTHER } from '../operators/operator-sign-in.openapi.js';

/**
 * The queue dashboard's page, registered on Fastify (not a Nest controller). The dashboard's own
 * JSON API and assets under /admin/queues/ are bull-board's (pinned version), described in
 * docs/operations.md.
 */
export function queueDashboardPathItems(): Record<string, PathItemObject> {
  return {
    // also served as /admin/queues/ (the board's own links use the slash); OpenAPI paths take none
    '/admin/queues': {
      get: {
        tags: ['admin: queues'],
        operationId: 'QueueDashboard_page',
        summary: 'The queue dashboard (bull-board) for admins; auditors are sent to /admin/queues/read-only/',
        description:
          'An operator token (Authorization: Bearer) or the session cookie of POST /admin/sign-in. Only the catalogue queues shown to operators appear. Changes from the board are limited to retrying, removing and promoting jobs and pausing queues, refused for auditors, and audited.',
        security: OPERATOR_BROWSER_SECURITY,
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
  };
}
