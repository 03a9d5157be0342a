/** Where the queue dashboard is served: admins get the full board, auditors the read-only one. */
export const DASHBOARD_PATH = '/admin/queues';
export const READ_ONLY_DASHBOARD_PATH = `${DASHBOARD_PATH}/read-only`;
/** The operators' browser sign-in (sets the session cookie the dashboard accepts) and sign-out. */
export const SIGN_IN_PATH = '/admin/sign-in';
export const SIGN_OUT_PATH = '/admin/sign-out';
/** The session cookie is sent to these paths only. */
export const SESSION_COOKIE_PATH = '/admin';

export const isQueueDashboardRoute = (url: string): boolean => url === DASHBOARD_PATH || url.startsWith(`${DASHBOARD_PATH}/`);

export const isReadOnlyDashboardPath = (path: string): boolean =>
  path === READ_ONLY_DASHBOARD_PATH || path.startsWith(`${READ_ONLY_DASHBOARD_PATH}/`);

/** Where the sign-in form may send the browser afterwards: a dashboard page, nothing else (no open redirect). */
export function dashboardReturnPath(next: unknown): string {
  return typeof next === 'string' &&
    next.length <= 512 &&
    /^\/admin\/queues(\/[A-Za-z0-9._~%:/-]*)?$/.test(next) &&
    !next.includes('//')
    ? next
    : `${DASHBOARD_PATH}/`;
}
