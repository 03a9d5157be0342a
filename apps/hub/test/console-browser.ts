import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it): playwright-core downloads no browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ConsoleBrowser {
  browser: Browser;
  /** A fresh browser context (no cookies) with one page; errors the page reports are collected. */
  newPage(): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/**
 * Headless Chromium, nothing fetched from the network by the browser itself. Playwright gives every
 * launch a fresh profile of its own (a new --user-data-dir in a temporary directory, removed on
 * close; it refuses one passed in `args`), and every context below starts without cookies.
 */
export async function launchConsoleBrowser(): Promise<ConsoleBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        // the 401s the test provokes on purpose and the browser's own favicon request show as failed
        // resource loads; anything else (a policy violation, a script error) is a defect
        const expected = /status of 401/.test(message.text()) || message.location().url.endsWith('/favicon.ico');
        if (message.type() === 'error' && !expected) errors.push(`console: ${message.text()} (${message.location().url})`);
      });
      return { page, errors };
    },
    close: () => browser.close(),
  };
}
