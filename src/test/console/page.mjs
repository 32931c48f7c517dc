// What the scenarios do on the console page, as a user would: by roles and labels.
import assert from 'node:assert/strict';

import { newPage } from './browser.mjs';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` (which throws or returns falsy until it holds) for up to `timeout` ms. */
export async function eventually(what, check, timeout = 15000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value !== false && value !== undefined && value !== null) return value;
      last = new Error(`${what}: not yet`);
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeout} ms waiting for ${what}: ${last.message}`);
    await sleep(50);
  }
}

/** Signs in on `base` (a link with a fragment shows its view), then opens the tab `tab` unless null. */
export async function signIn(page, base, token, { tab = 'Runs' } = {}) {
  await page.goto(base);
  await page.getByLabel('Bearer token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('body[data-ready="true"]').waitFor({ timeout: 15000 });
  if (tab) await page.getByRole('tab', { name: tab, exact: true }).click();
}

/** A new page signed in, with the URLs of the POSTs it sends from now on (to show that nothing invalid was sent). */
export async function signedInCountingPosts(browser, base, token) {
  const page = await newPage(browser);
  await signIn(page, base, token);
  const posts = [];
  page.on('request', (sent) => {
    if (sent.method() === 'POST') posts.push(sent.url());
  });
  return { page, posts };
}

/** Triggers a run from the form and answers its id, once its details are open. */
export async function trigger(page, { job = 'demo.sleep', params, workspace = '' }) {
  const form = page.locator('#trigger');
  if (!(await form.evaluate((details) => details.open))) await page.getByText('Trigger a run').click();
  await page.locator('#trigger-job').selectOption(job);
  await page.locator('#trigger-workspace').fill(workspace);
  await page.getByLabel('Params (JSON object)').fill(JSON.stringify(params));
  const before = await page.locator('#details').getAttribute('data-run-id');
  await page.getByRole('button', { name: 'Trigger', exact: true }).click();
  return eventually('the new run in the details panel', async () => {
    const id = await page.locator('#details').getAttribute('data-run-id');
    return id && id !== before && (await page.locator('#details').isVisible()) ? id : null;
  });
}

export const details = (page) => page.locator('#details');
export const detailsStatus = (page) => page.locator('#details-status .badge');
export const rowBadge = (page, id) => page.locator(`#runs tr[data-id="${id}"] .badge`);
export const action = (page, name) => page.locator('#details-actions').getByRole('button', { name, exact: true });
export const attemptRows = (page) => page.locator('#attempts tbody tr');
/** The run's fields as they read ("Attempt 1 of 1 Priority 0 …"), on one line. */
export const fieldsText = async (page) =>
  (await page.locator('#details-fields').evaluate((list) => list.innerText)).replace(/\s+/g, ' ');
export const scheduleRow = (page, id) => page.locator(`#schedules tr[data-id="${id}"]`);

export async function waitForStatus(page, id, status, timeout = 15000) {
  await eventually(`run ${id} shown as ${status}`, async () => (await detailsStatus(page).textContent()) === status
    && (await rowBadge(page, id).textContent()) === status, timeout);
}

export async function logLines(page) {
  return page.locator('#log li').allTextContents();
}

export async function waitForLog(page, text, timeout = 15000) {
  await eventually(`log line "${text}"`, async () => (await logLines(page)).some((line) => line.includes(text)), timeout);
}

export async function confirm(page, expected, answer) {
  const dialog = page.locator('#confirm');
  await dialog.waitFor({ state: 'visible' });
  assert.match(await dialog.locator('#confirm-text').textContent(), expected);
  await dialog.getByRole('button', { name: answer, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}

export const background = (locator) => locator.evaluate((node) => getComputedStyle(node).backgroundColor);

/** Sends a request to the API from the test; answers its status and JSON body, whatever the status. */
export async function request(base, token, method, path, body) {
  const response = await fetch(new URL(path, base), {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, text };
}

/** Calls the API as an admin from the test (to set up or to check what the page did); throws unless it is a 2xx. */
export async function call(base, token, method, path, body) {
  const answer = await request(base, token, method, path, body);
  if (answer.status < 200 || answer.status > 299) {
    throw new Error(`${method} ${path}: HTTP ${answer.status} ${answer.text}`);
  }
  return answer.body;
}
