import type { PathItemObject } from '@nestjs/swagger';
import { problemContent } from '../common/openapi.decorators.js';
import { HTML, INTERNAL, OPERATOR_BROWSER_SECURITY, SEE_OTHER } from '../operators/operator-sign-in.openapi.js';
import { CONSOLE_ASSETS } from './console-assets.js';

const PROBLEMS = {
  '401': { description: 'no operator credentials, or unknown or expired ones', content: problemContent() },
  '403': { description: "a member's credentials", content: problemContent() },
  '429': { description: 'too many refused credentials from this address', content: problemContent() },
  '503': { description: 'the console has not been built (npm run build)', content: problemContent() },
  '500': INTERNAL,
};

/** The web console's page and assets, registered on Fastify (not Nest controllers). */
export function consolePathItems(): Record<string, PathItemObject> {
  return {
    '/console': {
      get: {
        tags: ['admin: console'],
        operationId: 'Console_page',
        summary: 'The web console (a single-page app calling the admin API) for operators',
        description:
          'An operator token (Authorization: Bearer) or the session cookie of POST /admin/sign-in. The page shows what the admin API answers and changes nothing by itself: auditors see it read-only because the API refuses their changes.',
        security: OPERATOR_BROWSER_SECURITY,
        responses: {
          '200': { description: 'the console page', content: HTML },
          '303': SEE_OTHER('a browser (Accept: text/html) without a sign-in goes to /admin/sign-in?next=/console'),
          ...PROBLEMS,
        },
      },
    },
    '/console/assets/{file}': {
      get: {
        tags: ['admin: console'],
        operationId: 'Console_asset',
        summary: "The console's script or stylesheet (built from npm packages and apps/console; no CDN)",
        security: OPERATOR_BROWSER_SECURITY,
        parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string', enum: Object.keys(CONSOLE_ASSETS) } }],
        responses: {
          '200': {
            description: 'the file',
            content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } },
          },
          '404': { description: 'not one of the console files', content: problemContent() },
          ...PROBLEMS,
        },
      },
    },
  };
}
