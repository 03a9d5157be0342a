/** The web console's page (a single-page app: its views are in the URL's fragment) and its assets. */
export const CONSOLE_PATH = '/console';
export const CONSOLE_ASSETS_PATH = `${CONSOLE_PATH}/assets`;

export const isConsoleRoute = (url: string): boolean => url === CONSOLE_PATH || url.startsWith(`${CONSOLE_PATH}/`);
