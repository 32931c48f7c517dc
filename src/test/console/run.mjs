// Runs one console scenario in headless Chromium and prints its result as the last line of stdout (JSON).
// Usage: BASE_URL=… ADMIN_TOKEN=… [VIEWER_TOKEN=…] [SHOTS=dir] node run.mjs <scenario>
// Exit 0: passed; 1: failed (the reason, the page's console errors and a screenshot "<scenario>-failed.png").
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { launch } from './browser.mjs';
import { scenarios } from './scenarios.mjs';

const name = process.argv[2];
const scenario = scenarios[name];
if (!scenario) {
  console.error(`unknown scenario "${name}"; one of ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
const shots = process.env.SHOTS || 'target/console';
mkdirSync(shots, { recursive: true });
const pages = [];
const shot = (page, file) => page.screenshot({ path: shot.path(file), fullPage: true });
shot.path = (file) => join(shots, `${file}.png`);

const browser = await launch();
const open = browser.newContext.bind(browser);
browser.newContext = async (...args) => {
  const context = await open(...args);
  context.on('page', (page) => pages.push(page));
  return context;
};
let failed = false;
try {
  const { page, result } = await scenario({
    browser,
    base: process.env.BASE_URL,
    admin: process.env.ADMIN_TOKEN,
    viewer: process.env.VIEWER_TOKEN,
    env: process.env,
    shot,
  });
  if (page.problems.length) throw new Error(`the page reported errors:\n${page.problems.join('\n')}`);
  console.log(JSON.stringify(result));
} catch (error) {
  failed = true;
  console.error(`scenario ${name} failed: ${error.stack || error}`);
  for (const page of pages) {
    if (page.problems && page.problems.length) console.error(`page errors:\n${page.problems.join('\n')}`);
    await shot(page, `${name}-failed`).catch(() => {});
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
