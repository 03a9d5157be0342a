import { CONSOLE_PATH } from '../console/console-paths.js';
import { DASHBOARD_PATH } from '../queues/queue-dashboard-paths.js';

/** The operators' browser sign-in (sets the session cookie) and sign-out. */
export const SIGN_IN_PATH = '/admin/sign-in';
export const SIGN_OUT_PATH = '/admin/sign-out';
/**
 * The session cookie is set once per path and sent to these paths only: /admin (the admin API, the
 * queue dashboard, the sign-in form) and /console (the web console's page and assets). Not to the
 * member API, the well-known routes or /docs, which never read it.
 */
export const SESSION_COOKIE_PATHS = ['/admin', CONSOLE_PATH] as const;

/** Where the sign-in form may send the browser afterwards: the console or a dashboard page, nothing else (no open redirect). */
export function signInReturnPath(next: unknown): string {
  if (typeof next !== 'string' || next.length > 512 || next.includes('//')) return CONSOLE_PATH;
  if (next === CONSOLE_PATH) return next;
  return /^\/admin\/queues(\/[A-Za-z0-9._~%:/-]*)?$/.test(next) ? next : CONSOLE_PATH;
}

/** The pages a signed-in operator can open, for the sign-in page's links. */
export const OPERATOR_PAGES = [
  { path: CONSOLE_PATH, title: 'the web console' },
  { path: `${DASHBOARD_PATH}/`, title: 'the queue dashboard' },
] as const;
