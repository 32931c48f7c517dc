// Launches Debian's Chromium (not a Playwright-downloaded browser) headless, and opens pages that record every
// console error, uncaught page error and CSP violation, so that a scenario can fail on them.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

// A failed request (a 409 the page shows, a drop the page recovers from) is logged by Chromium as a console
// error too; those are the page's business. Everything else (CSP violations included) is a problem.
const EXPECTED = /Failed to load resource|net::ERR_/;

/** A page in a context of its own (own sessionStorage) that records console errors and page errors. */
export async function newPage(browser, viewport = { width: 1400, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !EXPECTED.test(message.text())) page.problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => page.problems.push(`page error: ${error.message}`));
  return page;
}
