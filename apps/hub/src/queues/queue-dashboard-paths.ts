/** Where the queue dashboard is served: admins get the full board, auditors the read-only one. */
export const DASHBOARD_PATH = '/admin/queues';
export const READ_ONLY_DASHBOARD_PATH = `${DASHBOARD_PATH}/read-only`;

export const isQueueDashboardRoute = (url: string): boolean => url === DASHBOARD_PATH || url.startsWith(`${DASHBOARD_PATH}/`);

export const isReadOnlyDashboardPath = (path: string): boolean =>
  path === READ_ONLY_DASHBOARD_PATH || path.startsWith(`${READ_ONLY_DASHBOARD_PATH}/`);
