// The console's end-to-end scenarios. Each gets {browser, base, admin, viewer, shot(page, name), env} and answers
// what the Java side should check on the server (run ids), or throws.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import { newPage } from './browser.mjs';
import { startProxy } from './proxy.mjs';
import {
  action, attemptRows, background, call, confirm, details, detailsStatus, eventually, fieldsText, logLines, request,
  rowBadge, scheduleRow, signIn, signedInCountingPosts, sleep, trigger, waitForLog, waitForStatus,
} from './page.mjs';

const GREEN = 'rgb(26, 127, 55)';
const RED = 'rgb(207, 34, 46)';
const DARK = 'rgb(36, 41, 47)';
const BLUE = 'rgb(9, 105, 218)';
const GREY = 'rgb(110, 119, 129)';
const LILAC = 'rgb(251, 239, 255)';
const APRICOT = 'rgb(255, 241, 229)';

const uuid = () => randomUUID();

export const scenarios = {
  /** Sign in (a wrong token first), trigger demo.sleep, watch progress reach 100 and the badge turn green. */
  async trigger({ browser, base, admin, shot }) {
    const page = await newPage(browser);
    const response = await page.goto(base);
    assert.match(response.headers()['content-security-policy'], /default-src 'self'/);
    await page.getByLabel('Bearer token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually('the rejected token message', async () =>
      /rejected|Invalid bearer token/.test(await page.locator('#login-error').textContent()));
    assert.equal(await page.evaluate(() => sessionStorage.getItem('jobstream.token')), null);

    await signIn(page, base, admin);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('jobstream.token')), admin);
    assert.match(await page.locator('#whoami').textContent(), /admin/);
    await eventually('the live feed indicator', async () =>
      (await page.locator('#feed-connection').getAttribute('data-level')) === 'ok');

    const posts = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
      assert.ok(!request.url().includes(admin), `token in URL ${request.url()}`);
    });
    await page.getByText('Trigger a run').click();
    await page.locator('#trigger-job').selectOption('demo.sleep');
    await page.getByLabel('Params (JSON object)').fill('{"items": -1}');
    await page.getByRole('button', { name: 'Trigger', exact: true }).click();
    assert.match(await page.locator('#trigger-error').textContent(), /"items" must be at least 0/);
    assert.equal(await page.getByLabel('Params (JSON object)').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(posts, [], 'invalid params must not be sent');

    const id = await trigger(page, { params: { items: 4, delay_ms: 400 } });
    const seen = new Set();
    await eventually('progress 100', async () => {
      const value = Number(await page.locator('#details-progress').getAttribute('value'));
      seen.add(value);
      return value === 100;
    }, 20000);
    assert.ok([...seen].some((value) => value > 0 && value < 100), `progress went through ${[...seen]}`);
    await waitForStatus(page, id, 'completed');
    await eventually('GREEN badge colour', async () => (await background(rowBadge(page, id))) === GREEN);
    assert.equal(await page.locator(`#runs tr[data-id="${id}"] progress`).getAttribute('value'), '100');
    await waitForLog(page, 'ended: completed');
    const lines = await logLines(page);
    for (let item = 1; item <= 4; item++) {
      assert.equal(lines.filter((line) => line.includes(`[ ${item} / 4 ] Processing item ${item}...`)).length, 1);
    }
    assert.match(await page.locator('#details-fields').textContent(), /"processed": 4/);
    assert.equal(await page.locator('#log-connection').getAttribute('data-level'), 'off');
    await shot(page, 'run-completed');
    assert.equal(posts.length, 1);
    return { page, result: { run: id } };
  },

  /** Pause, resume, cancel (after declining once), delete; a 409 shown from its detail; force-cancel. */
  async control({ browser, base, admin, shot }) {
    const page = await newPage(browser);
    await signIn(page, base, admin);
    const id = await trigger(page, { params: { items: 60, delay_ms: 250 } });
    await waitForStatus(page, id, 'running');
    await eventually('BLUE badge colour', async () => (await background(rowBadge(page, id))) === BLUE);

    let release;
    const held = new Promise((resolve) => {
      release = resolve;
    });
    await page.route('**/v1/runs/*/pause', async (route) => {
      await held;
      await route.continue();
    });
    await action(page, 'Pause').click();
    for (const name of ['Pause', 'Resume', 'Cancel', 'Force cancel']) {
      assert.equal(await action(page, name).isDisabled(), true, `${name} disabled while the pause is in flight`);
    }
    release();
    await waitForStatus(page, id, 'paused');
    await eventually('GREY badge colour', async () => (await background(rowBadge(page, id))) === GREY);
    await waitForLog(page, 'state: paused');
    assert.equal(await action(page, 'Resume').isDisabled(), false);
    assert.equal(await action(page, 'Pause').isDisabled(), true);
    await shot(page, 'run-paused');

    await action(page, 'Resume').click();
    await waitForStatus(page, id, 'running');
    await waitForLog(page, 'state: running');

    await action(page, 'Cancel').click();
    await confirm(page, /Cancel this run\?/, 'Keep it');
    await sleep(300);
    assert.equal(await detailsStatus(page).textContent(), 'running');
    await action(page, 'Cancel').click();
    await confirm(page, /Cancel this run\?/, 'Cancel');
    await waitForStatus(page, id, 'cancelled');
    await eventually('DARK badge colour', async () => (await background(rowBadge(page, id))) === DARK);
    await waitForLog(page, 'ended: cancelled');

    await action(page, 'Delete').click();
    await confirm(page, /Delete this run/, 'Delete');
    await eventually('the deleted run gone from the table', async () =>
      (await page.locator(`#runs tr[data-id="${id}"]`).count()) === 0 && !(await details(page).isVisible()));
    await eventually('the announcement', async () => /deleted/.test(await page.locator('#status').textContent()));

    const workspace = uuid();
    const second = await trigger(page, { params: { items: 60, delay_ms: 250 }, workspace });
    await waitForStatus(page, second, 'running');
    await details(page).getByRole('button', { name: 'Close run details' }).click();
    await page.locator('#trigger-form').getByRole('button', { name: 'Trigger', exact: true }).click();
    await eventually('the conflict', async () => /already running|active/i.test(
      await page.locator('#trigger-error').textContent()));
    await page.getByRole('button', { name: /Open the active run/ }).click();
    await eventually('the active run opened', async () =>
      (await details(page).getAttribute('data-run-id')) === second && (await details(page).isVisible()));
    await action(page, 'Force cancel').click();
    await confirm(page, /Force-cancel this run\?/, 'Force cancel');
    await waitForStatus(page, second, 'cancelled');
    await eventually('the force-cancel error code', async () =>
      /force_cancelled/.test(await page.locator('#details-fields').textContent()));
    return { page, result: { deleted: id, forced: second } };
  },

  /** A failed run shows its error in red; its JOB_FAILED error event is listed and resolved from the Errors tab. */
  async failure({ browser, base, admin, shot }) {
    const page = await newPage(browser);
    await signIn(page, base, admin);
    const id = await trigger(page, { params: { items: 3, delay_ms: 50, fail_at: 2 } });
    await waitForStatus(page, id, 'failed');
    await eventually('RED badge colour', async () => (await background(rowBadge(page, id))) === RED);
    await eventually('the error', async () =>
      /Failed at item 2 of 3 \(fail_at\)/.test(await page.locator('#details-fields').textContent()));
    await waitForLog(page, 'ended: failed');

    await page.getByRole('tab', { name: 'Runs' }).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByRole('tab', { name: 'Errors' }).getAttribute('aria-selected'), 'true');
    const row = page.locator('#errors tbody tr').filter({ hasText: 'JOB_FAILED' });
    await eventually('the error event', async () => (await row.count()) === 1);
    assert.match(await row.textContent(), /Failed at item 2 of 3/);
    await shot(page, 'errors');

    await row.getByRole('button', { name: `Open run ${id}` }).click();
    await eventually('the failed run opened from its error', async () =>
      (await page.locator('#panel-runs').isVisible()) && (await details(page).getAttribute('data-run-id')) === id);
    await page.getByRole('tab', { name: 'Errors' }).click();
    await eventually('the error event again', async () => (await row.count()) === 1);
    await row.getByRole('button', { name: /Resolve error event/ }).click();
    await eventually('resolved by admin', async () => /by admin/.test(await row.locator('.resolved').textContent()));
    await page.locator('#error-filters').getByRole('button', { name: 'Apply' }).click();
    await eventually('no unresolved event left', async () =>
      (await page.locator('#errors tbody tr').count()) === 0 && (await page.locator('#errors-empty').isVisible()));
    return { page, result: { run: id } };
  },

  /** The self-test streamed into its modal, ending with the pass/fail count. */
  async selftest({ browser, base, admin, shot }) {
    const page = await newPage(browser);
    await signIn(page, base, admin);
    const opener = page.getByRole('button', { name: 'Run self-test' });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: 'Self-test' });
    await dialog.waitFor();
    await eventually('the self-test summary', async () =>
      /passed, \d+ failed/.test(await dialog.locator('#selftest-summary').textContent()), 90000);
    const summary = await dialog.locator('#selftest-summary').textContent();
    const checks = await dialog.locator('#selftest-checks li').allTextContents();
    assert.equal(summary, 'Passed: 7 passed, 0 failed', `${summary}\n${checks.join('\n')}`);
    assert.equal(await dialog.locator('#selftest-checks li.pass').count(), 7);
    await shot(page, 'selftest');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await opener.evaluate((button) => button === document.activeElement), true);
    await eventually('the self-test\'s deleted runs gone from the table', async () =>
      (await page.locator('#runs tbody tr').count()) === 0);
    return { page, result: {} };
  },

  /** Live rows update in place: no reload, scroll, open run and typed filter text survive; cursor paging. */
  async live({ browser, base, admin }) {
    const runs = Array.from({ length: 55 }, () => ({ workspace_id: uuid(), params: { items: 0 } }));
    await call(base, admin, 'POST', '/v1/jobs/demo.sleep/runs/batch', { runs });
    const page = await newPage(browser, { width: 1400, height: 600 });
    await signIn(page, base, admin);
    assert.equal(await page.locator('#runs tbody tr').count(), 50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await eventually('the second page', async () => (await page.locator('#runs tbody tr').count()) === 55);
    assert.equal(await page.getByRole('button', { name: 'Load more' }).isVisible(), false);

    const opened = await page.locator('#runs tbody tr').nth(3).getAttribute('data-id');
    await page.getByRole('button', { name: `Open run ${opened}` }).click();
    await eventually('details open', async () => (await details(page).getAttribute('data-run-id')) === opened);
    await page.locator('#filter-workspace').fill('typed but not applied');
    await page.evaluate(() => {
      document.querySelectorAll('#runs tbody tr').forEach((tr) => {
        tr.survivor = true;
      });
      window.scrollTo(0, 450); // into the rows: with the table's head at the top, the head is the scroll anchor
    });
    const scrolled = await page.evaluate(() => window.scrollY);
    assert.ok(scrolled > 0, 'the page can scroll');
    const watchedId = await page.locator('#runs tbody tr').nth(10).getAttribute('data-id');
    const watched = page.locator(`#runs tr[data-id="${watchedId}"]`);
    const before = (await watched.boundingBox()).y;
    let navigations = 0;
    page.on('framenavigated', () => navigations++);

    const created = await call(base, admin, 'POST', '/v1/jobs/demo.sleep/runs',
      { workspace_id: uuid(), params: { items: 3, delay_ms: 300 } });
    await eventually('the new run at the top of the table', async () =>
      (await page.locator('#runs tbody tr').first().getAttribute('data-id')) === created.id);
    await eventually('the new run completed', async () => (await rowBadge(page, created.id).textContent()) === 'completed');
    assert.equal(await page.locator(`#runs tr[data-id="${created.id}"] progress`).getAttribute('value'), '100');
    assert.equal(await page.locator('#runs tbody tr').count(), 56);
    assert.equal(await page.evaluate(() => [...document.querySelectorAll('#runs tbody tr')]
      .filter((tr) => !tr.survivor).length), 1, 'only the new row is new: the others were updated in place');
    // the row in view stays where it was (the browser's scroll anchoring absorbs the row added above it)
    assert.ok(Math.abs((await watched.boundingBox()).y - before) <= 2, 'the rows in view did not move');
    assert.ok(await page.evaluate(() => window.scrollY) >= scrolled, 'the page did not scroll back');
    assert.equal(await page.locator('#filter-workspace').inputValue(), 'typed but not applied');
    assert.equal(await details(page).getAttribute('data-run-id'), opened);
    assert.equal(navigations, 0);
    return { page, result: { run: created.id } };
  },

  /**
   * A flow: demo.fanout's parent lists its children, each a link with its status; a child names its parent, a link
   * back; a run triggered with depends_on shows it waiting, then the run it waited for.
   */
  async flow({ browser, base, admin, shot }) {
    const workspace = uuid();
    const parent = await call(base, admin, 'POST', '/v1/jobs/demo.fanout/runs',
      { workspace_id: workspace, params: { children: 2, items: 1, delay_ms: 10, hold_ms: 0 } });
    const after = await call(base, admin, 'POST', '/v1/jobs/demo.sleep/runs',
      { workspace_id: workspace, params: { items: 0 }, depends_on: [parent.id] });
    const page = await newPage(browser, { width: 1400, height: 900 });
    await signIn(page, base, admin);
    await page.evaluate((id) => { location.hash = `run=${id}`; }, after.id);
    await eventually('the dependent open', async () => (await details(page).getAttribute('data-run-id')) === after.id);
    assert.match(await fieldsText(page), /Waits for/);
    const waitsFor = page.locator('#details-fields ul[aria-label="Waits for"] button');
    assert.equal(await waitsFor.getAttribute('data-run'), parent.id);

    await eventually('the dependent completed', async () =>
      (await call(base, admin, 'GET', `/v1/runs/${after.id}`)).status === 'completed', 30000);
    await waitsFor.click();
    await eventually('the parent open', async () => (await details(page).getAttribute('data-run-id')) === parent.id);
    const children = page.locator('#details-fields ul[aria-label="Children"] li');
    await eventually('two children with their status', async () => (await children.count()) === 2
      && (await children.locator('.badge').allTextContents()).every((status) => status === 'completed'));
    const child = await children.first().locator('button').getAttribute('data-run');
    await shot(page, 'run-flow');
    await children.first().locator('button').click();
    await eventually('the child open', async () => (await details(page).getAttribute('data-run-id')) === child);
    assert.match(await fieldsText(page), /Parent/);
    assert.equal(await page.locator('#details-fields .flow-run button').first().getAttribute('data-run'), parent.id);
    return { page, result: { parent: parent.id, child, dependent: after.id } };
  },

  /**
   * Runs made in the same instant are told apart (an id's last characters, the whole id a click away), and a fragment
   * changed in the open tab shows what it names without a reload.
   */
  async fragments({ browser, base, admin }) {
    const runs = Array.from({ length: 5 }, () => ({ workspace_id: uuid(), params: { items: 0 } }));
    const made = await call(base, admin, 'POST', '/v1/jobs/demo.sleep/runs/batch', { runs });
    const ids = made.results.map((result) => result.run.id);
    const page = await newPage(browser, { width: 1400, height: 800 });
    await signIn(page, base, admin);
    await page.locator('#tab-runs').click();
    const shown = await Promise.all(ids.map((id) => page.locator(`#runs tr[data-id="${id}"] th button`).textContent()));
    assert.deepEqual(shown, ids.map((id) => id.slice(-8)), 'each row shows the end of its id');
    assert.equal(new Set(shown).size, ids.length, 'no two rows look alike');
    assert.equal(await page.locator(`#runs tr[data-id="${ids[0]}"] th button`).getAttribute('title'), ids[0]);

    await page.evaluate(() => { window.survivor = true; }); // gone if the page reloads
    await page.evaluate(() => { location.hash = 'tab=errors'; });
    await eventually('the errors tab', async () =>
      (await page.locator('#tab-errors').getAttribute('aria-selected')) === 'true');
    await page.evaluate((id) => { location.hash = `run=${id}`; }, ids[2]);
    await eventually('the run named', async () => (await details(page).getAttribute('data-run-id')) === ids[2]);
    await page.evaluate(() => { location.hash = 'tab=runs&status=failed'; });
    await eventually('the runs filtered', async () => (await page.locator('#filter-status').inputValue()) === 'failed');
    await eventually('the run closed', async () => await details(page).isHidden());
    await page.evaluate(() => { location.hash = 'tab=overview'; });
    await eventually('the overview', async () =>
      (await page.locator('#tab-overview').getAttribute('aria-selected')) === 'true');
    await eventually('how fresh its counts are', async () =>
      /runs that ended are counted up to/.test(await page.locator('#overview-updated').textContent()));
    assert.equal(await page.evaluate(() => window.survivor), true, 'no reload');
    return { page, result: { runs: ids.length } };
  },

  /** A network drop: both indicators leave green; the log resumes with Last-Event-ID and shows no line twice. */
  async reconnect({ browser, base, admin, shot }) {
    const network = await startProxy(base);
    try {
      const page = await newPage(browser);
      await signIn(page, network.url, admin);
      const id = await trigger(page, { params: { items: 24, delay_ms: 250 } });
      await waitForLog(page, '[ 3 / 24 ]');
      network.down();
      for (const indicator of ['#log-connection', '#feed-connection']) {
        await eventually(`${indicator} off green`, async () =>
          ['warn', 'down'].includes(await page.locator(indicator).getAttribute('data-level')), 10000);
      }
      assert.match(await page.locator('#log-connection').textContent(), /Reconnecting in \d+ s/);
      await shot(page, 'reconnecting');
      await waitForLog(page, '[ 3 / 24 ]');
      await sleep(2000);
      network.up();
      await eventually('the feed indicator green again', async () =>
        (await page.locator('#feed-connection').getAttribute('data-level')) === 'ok', 20000);
      await waitForLog(page, 'ended: completed', 30000);
      const lines = await logLines(page);
      for (let item = 1; item <= 24; item++) {
        const count = lines.filter((line) => line.includes(`[ ${item} / 24 ] Processing item ${item}...`)).length;
        assert.equal(count, 1, `item ${item} logged ${count} times:\n${lines.join('\n')}`);
      }
      await waitForStatus(page, id, 'completed');
      return { page, result: { run: id } };
    } finally {
      network.close();
    }
  },

  /** Runs of every outcome side by side, one of them open and running: the picture in the README. */
  async overview({ browser, base, admin, shot }) {
    const start = (params) => call(base, admin, 'POST', '/v1/jobs/demo.sleep/runs?wait=10',
      { workspace_id: uuid(), params });
    await start({ items: 3, delay_ms: 20 });
    await start({ items: 4, delay_ms: 20, fail_at: 3 });
    const cancelled = await call(base, admin, 'POST', '/v1/jobs/demo.sleep/runs',
      { workspace_id: uuid(), params: { items: 50, delay_ms: 200 } });
    await eventually('a running run', async () =>
      (await call(base, admin, 'GET', `/v1/runs/${cancelled.id}`)).status === 'running');
    await call(base, admin, 'POST', `/v1/runs/${cancelled.id}/cancel`);
    await call(base, admin, 'POST', '/v1/jobs/errors.rollup/runs?wait=10', { dry_run: true });
    const page = await newPage(browser, { width: 1280, height: 760 });
    await signIn(page, base, admin);
    const id = await trigger(page, { params: { items: 40, delay_ms: 150 } });
    await page.locator('#trigger summary').click();
    await waitForLog(page, '[ 12 / 40 ]');
    const statuses = await page.locator('#runs tbody .badge').allTextContents();
    for (const status of ['running', 'cancelled', 'failed', 'completed']) {
      assert.ok(statuses.includes(status), `${status} in ${statuses}`);
    }
    await page.evaluate(() => document.activeElement.blur());
    await page.screenshot({ path: shot.path('console'), fullPage: false });
    await call(base, admin, 'POST', `/v1/runs/${id}/cancel?force=true`);
    return { page, result: {} };
  },

  /** On a phone-sized screen: no sideways scrolling; run details as a sheet; Escape closes it. */
  async narrow({ browser, base, admin, shot }) {
    const page = await newPage(browser, { width: 390, height: 844 });
    await signIn(page, base, admin);
    const id = await trigger(page, { params: { items: 2, delay_ms: 100 } });
    await waitForStatus(page, id, 'completed');
    const box = await details(page).boundingBox();
    assert.ok(box.width >= 380, `details fill the screen: ${JSON.stringify(box)}`);
    await shot(page, 'narrow-details');
    await page.keyboard.press('Escape');
    await details(page).waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate((runId) => document.activeElement.getAttribute('aria-label')
      === `Open run ${runId}`, id), true, 'focus back on the run');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
      'no sideways scrolling');
    await shot(page, 'narrow-runs');
    return { page, result: {} };
  },

  /** A click held while the run's progress re-renders its panel still acts: its buttons are updated, not replaced. */
  async heldClick({ browser, base, admin }) {
    const page = await newPage(browser);
    await signIn(page, base, admin);
    const id = await trigger(page, { params: { items: 100, delay_ms: 50 } });
    await waitForStatus(page, id, 'running');
    const progress = () => page.locator('#details-progress').evaluate((bar) => bar.value);
    const before = await progress();
    const box = await eventually('the Pause button in place', () => action(page, 'Pause').boundingBox());
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await eventually('the progress moving while the button is held', async () => (await progress()) > before + 2);
    await page.mouse.up();
    await waitForStatus(page, id, 'paused');
    await call(base, admin, 'POST', `/v1/runs/${id}/cancel?force=true`);
    return { page, result: { run: id } };
  },

  /** A failed run shows its attempts; a Retry refused (the job's slot is taken) shows why; Retry runs attempt 2. */
  async retry({ browser, base, admin, shot }) {
    const page = await newPage(browser);
    await signIn(page, base, admin);
    const workspace = uuid();
    const id = await trigger(page, { params: { items: 2, delay_ms: 10, fail_at: 1 }, workspace });
    await waitForStatus(page, id, 'failed');
    await waitForLog(page, 'ended: failed');
    await eventually('one failed attempt', async () => (await attemptRows(page).count()) === 1);
    const first = attemptRows(page).first();
    assert.equal(await first.locator('th').textContent(), '1');
    assert.equal(await first.locator('.badge').textContent(), 'failed');
    assert.match(await first.locator('.message').textContent(), /Failed at item 1 of 2 \(fail_at\)/);
    assert.match(await fieldsText(page), /Attempt 1 of 1 Priority 0 Timeout none/);
    const retry = action(page, 'Retry');
    assert.equal(await retry.isDisabled(), false);

    const blocker = await call(base, admin, 'POST', '/v1/jobs/demo.sleep/runs',
      { workspace_id: workspace, params: { items: 100, delay_ms: 100 } });
    await retry.click();
    await eventually('the refusal', async () => /Cannot retry: another run of this job and workspace is active/
      .test(await page.locator('#details-error').textContent()));
    assert.equal(await detailsStatus(page).textContent(), 'failed');
    await call(base, admin, 'POST', `/v1/runs/${blocker.id}/cancel?force=true`);

    await retry.click();
    const retried = new RegExp(`Retry: run ${id.slice(-8)} is queued as attempt 2`);
    await eventually('the retry announced', async () => retried.test(await page.locator('#status').textContent()));
    assert.equal(await page.locator('#details-error').textContent(), '');
    await waitForLog(page, 'state: queued (retry)');
    await waitForLog(page, 'started: attempt 2');
    await eventually('two failed attempts', async () => (await attemptRows(page).count()) === 2
      && (await attemptRows(page).nth(1).locator('.badge').textContent()) === 'failed');
    await waitForStatus(page, id, 'failed');
    assert.equal(await attemptRows(page).nth(0).locator('.badge').textContent(), 'failed');
    assert.match(await fieldsText(page), /Attempt 2 of 2/);
    assert.equal((await logLines(page)).filter((line) => line.includes('ended: failed')).length, 2);
    const steps = ['Queued', 'Attempt 1 started', 'Attempt 1 failed', 'Attempt 2 started', 'Attempt 2 failed'];
    await eventually('the timeline of both attempts', async () =>
      JSON.stringify(await page.locator('#timeline .step-label').allTextContents()) === JSON.stringify(steps));
    const gaps = await page.locator('#timeline .step-gap').allTextContents();
    assert.equal(gaps.length, 4, `a duration since the step before, after the first: ${gaps}`);
    await shot(page, 'run-retried');
    return { page, result: { run: id, blocker: blocker.id } };
  },

  /** Asked for later (delay, priority): scheduled, and deleted before it is due; after a failed attempt: retrying. */
  async limits({ browser, base, admin, shot }) {
    const page = await newPage(browser);
    await signIn(page, base, admin);
    const workspace = uuid();
    const body = { workspace_id: workspace };
    const first = (await call(base, admin, 'POST', '/v1/jobs/demo.rated/runs', body)).id;
    const second = (await call(base, admin, 'POST', '/v1/jobs/demo.rated/runs', body)).id;
    await eventually('the first run of the workspace completed', async () =>
      (await call(base, admin, 'GET', `/v1/runs/${first}`)).status === 'completed');
    await page.locator(`#runs tr[data-id="${second}"] th button`).click();
    await eventually('the second run shown throttled', async () => (await detailsStatus(page).textContent())
      === 'throttled');
    assert.match(await fieldsText(page), new RegExp(`Throttled until .+ Limit key ${workspace}`));
    await shot(page, 'run-throttled');

    // a run that calls a webhook lists its deliveries once it ended
    const target = new URL('/q/health/live', base.replace('localhost', '127.0.0.1')).toString();
    await call(base, admin, 'PUT', '/v1/webhooks/console-hook', { url: target });
    const called = (await call(base, admin, 'POST', '/v1/jobs/demo.noop/runs', { webhook: 'console-hook' })).id;
    await eventually('a delivery of its end tried', async () => {
      const answer = await call(base, admin, 'GET', `/v1/runs/${called}/deliveries`);
      return answer.deliveries.length === 1 && answer.deliveries[0].attempts.length >= 1;
    });
    await page.locator(`#runs tr[data-id="${called}"] th button`).click();
    await eventually('the delivery in the panel', async () => (await page.locator('#deliveries tbody tr').count()) >= 1
      && await page.locator('#details-deliveries').isVisible());
    const row = (await page.locator('#deliveries tbody tr').first().innerText()).replace(/\s+/g, ' ');
    assert.match(row, /^1 (delivered|pending|failed) 1 .+ \d{3} /);
    assert.match(await fieldsText(page), /Webhook console-hook/);
    await shot(page, 'run-deliveries');
    return { page, result: { throttled: second, called } };
  },

  async waiting({ browser, base, admin, shot }) {
    const { page, posts } = await signedInCountingPosts(browser, base, admin);
    await page.getByText('Trigger a run').click();
    await page.locator('#trigger-delay').fill('soon');
    await page.getByRole('button', { name: 'Trigger', exact: true }).click();
    assert.match(await page.locator('#trigger-error').textContent(), /Delay must be a duration such as 90s/);
    assert.equal(await page.locator('#trigger-delay').getAttribute('aria-invalid'), 'true');
    await page.locator('#trigger-delay').fill('15m');
    await page.locator('#trigger-priority').fill('101');
    await page.getByRole('button', { name: 'Trigger', exact: true }).click();
    assert.match(await page.locator('#trigger-error').textContent(), /Priority must be a whole number from -100/);
    assert.deepEqual(posts, [], 'invalid fields must not be sent');

    await page.locator('#trigger-priority').fill('7');
    const later = await trigger(page, { params: { items: 1 }, workspace: uuid() });
    await waitForStatus(page, later, 'scheduled');
    await eventually('LILAC badge colour', async () => (await background(rowBadge(page, later))) === LILAC);
    assert.match(await page.locator('#details-status').textContent(), /scheduled\s*due /);
    assert.match(await fieldsText(page), /Runs after .+ Priority 7 Timeout none/);
    const run = await call(base, admin, 'GET', `/v1/runs/${later}`);
    assert.equal(run.priority, 7);
    const ahead = Date.parse(run.run_after) - Date.parse(run.created_at);
    assert.ok(Math.abs(ahead - 15 * 60000) < 5000, `due 15 min after it was created: ${ahead} ms`);
    await shot(page, 'run-scheduled');
    await action(page, 'Delete').click();
    await confirm(page, /Delete this run/, 'Delete');
    await eventually('the deleted run gone from the table', async () =>
      (await page.locator(`#runs tr[data-id="${later}"]`).count()) === 0 && !(await details(page).isVisible()));

    await page.locator('#trigger-delay').fill('');
    await page.locator('#trigger-priority').fill('');
    const failing = await trigger(page,
      { job: 'demo.throttled', params: { items: 1, delay_ms: 10, fail_at: 1 }, workspace: uuid() });
    await waitForStatus(page, failing, 'retrying');
    await eventually('APRICOT badge colour', async () => (await background(rowBadge(page, failing))) === APRICOT);
    assert.match(await fieldsText(page), /Attempt 2 of 3 Next attempt /);
    assert.equal(await attemptRows(page).first().locator('.badge').textContent(), 'failed');
    await shot(page, 'run-retrying');
    await call(base, admin, 'POST', `/v1/runs/${failing}/cancel?force=true`);
    return { page, result: { scheduled: later, retrying: failing } };
  },

  /**
   * The Schedules tab: the maintenance jobs' schedules (declared in code: no Delete); a schedule added with the form,
   * its next fire times previewed while typed and a bad cron or zone shown inline, then disabled and deleted.
   */
  /**
   * Params by form and by JSON editor: demo.sleep's simple fields make a form kept in step with the JSON; a job whose
   * schema nests (test.export) gets the JSON editor alone, checked before it is sent, and the service's violations
   * (a date the console lets through) are shown. Answers the runs it triggered.
   */
  async params({ browser, base, admin, shot }) {
    const { page, posts } = await signedInCountingPosts(browser, base, admin);
    await page.getByText('Trigger a run').click();
    await page.locator('#trigger-job').selectOption('demo.sleep');
    const form = page.locator('#trigger-params-form');
    const editor = page.getByLabel('Params (JSON object)');
    assert.equal(await form.isVisible(), true, 'demo.sleep has a form');
    const items = form.getByLabel('items');
    assert.equal(await items.inputValue(), '5', 'the form shows the defaults the editor holds');
    await items.fill('3');
    await form.getByLabel('delay_ms').fill('20');
    assert.deepEqual(JSON.parse(await editor.inputValue()), { items: 3, delay_ms: 20 });
    await editor.fill('{"items": 4, "delay_ms": 20, "fail_at": 9}');
    assert.equal(await form.getByLabel('fail_at').inputValue(), '9', 'the form follows the editor');
    await shot(page, 'params-form');
    await items.fill('-2');
    await page.getByRole('button', { name: 'Trigger', exact: true }).click();
    assert.match(await page.locator('#trigger-error').textContent(), /"items" must be at least 0/);
    assert.equal(await items.getAttribute('aria-invalid'), 'true', 'the field is marked');
    assert.deepEqual(posts, [], 'invalid params must not be sent');
    await items.fill('2');
    await form.getByLabel('fail_at').fill('');
    await page.getByRole('button', { name: 'Trigger', exact: true }).click();
    const sleep = await eventually('the demo.sleep run', async () => {
      const id = await page.locator('#details').getAttribute('data-run-id');
      return id && (await page.locator('#details').isVisible()) ? id : null;
    });
    await details(page).getByRole('button', { name: 'Close run details' }).click();

    await page.getByText('Trigger a run').click();
    if (!(await page.locator('#trigger-job').isVisible())) await page.getByText('Trigger a run').click();
    await page.locator('#trigger-job').selectOption('test.export');
    assert.equal(await form.isVisible(), false, 'a nested schema has the JSON editor alone');
    assert.match(await page.locator('#trigger-params-help').textContent(),
      /format \(one of csv, xlsx\), columns \(array, required\), filter \(object\)/);
    await editor.fill('{"columns": ["id"], "filter": {"since": "soon"}}');
    await page.getByRole('button', { name: 'Trigger', exact: true }).click();
    assert.match(await page.locator('#trigger-error').textContent(), /"filter.since" must be a date like 2024-05-31/);
    assert.deepEqual(posts.length, 1, 'only the valid demo.sleep trigger was sent');
    // a date of the right shape that is no day: the service says so, with where
    await editor.fill('{"columns": ["id", ""], "filter": {"since": "2024-02-30"}}');
    await page.getByRole('button', { name: 'Trigger', exact: true }).click();
    assert.match(await page.locator('#trigger-error').textContent(), /"columns\[1\]" must not be empty/);
    await editor.fill('{"columns": ["id"], "filter": {"since": "2024-02-30"}}');
    await page.getByRole('button', { name: 'Trigger', exact: true }).click();
    await eventually('the service\'s violation', async () =>
      /\/filter\/since must be a valid RFC 3339 full-date/.test(await page.locator('#trigger-error').textContent()));
    assert.equal(await editor.getAttribute('aria-invalid'), 'true', 'the editor holds what the service refused');
    await shot(page, 'params-json-editor');
    await editor.fill('{"columns": ["id", "total"], "filter": {"since": "2024-05-31"}}');
    await page.getByRole('button', { name: 'Trigger', exact: true }).click();
    const exported = await eventually('the test.export run', async () => {
      const id = await page.locator('#details').getAttribute('data-run-id');
      return id && id !== sleep && (await page.locator('#details').isVisible()) ? id : null;
    });
    return { page, result: { sleep, exported } };
  },

  async schedules({ browser, base, admin, shot }) {
    const page = await newPage(browser);
    await signIn(page, base, admin);
    const previews = [];
    page.on('request', (sent) => {
      if (sent.url().includes('/v1/schedules/preview')) previews.push(sent.url());
    });
    await page.getByRole('tab', { name: 'Schedules' }).click();
    const code = page.locator('#schedules tbody tr[data-source="code"]');
    await eventually('the code schedules', async () => (await code.count()) >= 2);
    for (const job of ['errors.rollup', 'errors.cleanup']) {
      const row = code.filter({ has: page.locator('th', { hasText: job }) });
      assert.equal(await row.count(), 1, job);
      assert.match(await row.textContent(), /system.*enabled\s*code/);
      assert.equal(await row.getByRole('button', { name: /^Disable schedule/ }).count(), 1);
      assert.equal(await row.getByRole('button', { name: /^Delete/ }).count(), 0, `${job} has no Delete`);
    }

    await page.getByText('Add a schedule').click();
    const cron = page.getByLabel('Cron');
    const zone = page.getByLabel('Time zone');
    const preview = page.locator('#schedule-preview');
    assert.equal(await zone.inputValue(), 'UTC');
    await page.locator('#schedule-job').selectOption('demo.sleep');
    await cron.pressSequentially('*/5 * * * *', { delay: 20 });
    await eventually('five fire times previewed', async () => (await preview.locator('time').count()) === 5);
    const times = await preview.locator('time').evaluateAll((nodes) => nodes.map((node) => node.dateTime));
    for (const iso of times) {
      const at = new Date(iso);
      assert.ok(at.getUTCMinutes() % 5 === 0 && at.getUTCSeconds() === 0 && at > Date.now(), `${iso} in ${times}`);
    }
    assert.ok(previews.length < 11, `previews are debounced, not one a keystroke: ${previews.length}`);

    const bad = await request(base, admin, 'GET', `/v1/schedules/preview?cron=${encodeURIComponent('61 * * * *')}`);
    assert.equal(bad.status, 400);
    await cron.fill('61 * * * *');
    await eventually('the bad cron shown', async () =>
      (await preview.textContent()) === bad.body.detail && (await preview.locator('time').count()) === 0);
    assert.match(bad.body.detail, /'cron'/);
    assert.equal(await cron.getAttribute('aria-invalid'), 'true');
    await shot(page, 'schedule-bad-cron');

    await cron.fill('*/5 * * * *');
    await zone.fill('Mars/Olympus');
    await eventually('the bad zone shown', async () => /'time_zone'/.test(await preview.textContent()));
    assert.equal(await zone.getAttribute('aria-invalid'), 'true');
    assert.equal(await cron.getAttribute('aria-invalid'), null);
    await page.getByRole('button', { name: 'Add schedule' }).click();
    await eventually('the refused schedule', async () =>
      /'time_zone' must be an IANA time zone/.test(await page.locator('#schedule-error').textContent()));

    const workspace = uuid();
    await zone.fill('Europe/Paris');
    await page.locator('#schedule-workspace').fill(workspace);
    await page.locator('#schedule-priority').fill('5');
    await page.getByLabel('Params of each run (JSON object)').fill('{"items": 1}');
    await eventually('the preview in Paris', async () =>
      /Europe\/Paris/.test(await preview.textContent()) && (await preview.locator('time').count()) === 5);
    await page.getByRole('button', { name: 'Add schedule' }).click();
    const added = page.locator('#schedules tbody tr[data-source="api"]');
    await eventually('the schedule listed', async () => (await added.count()) === 1);
    const id = await added.getAttribute('data-id');
    assert.equal(await page.locator('#schedule-error').textContent(), '');
    assert.match(await page.locator('#status').textContent(),
      /Added a schedule of demo\.sleep: \*\/5 \* \* \* \* \(Europe\/Paris\)/);
    const row = scheduleRow(page, id);
    assert.equal(await row.getAttribute('aria-current'), 'true');
    assert.match(await row.locator('th').textContent(), /demo\.sleep\s*priority 5\s*\{"items":1\}/);
    assert.match(await row.textContent(), /\*\/5 \* \* \* \*\s*Europe\/Paris\s*enabled/);
    assert.equal(await row.locator('.fire-times time').count(), 3);
    assert.match(await row.textContent(), /none yet/);
    const stored = await call(base, admin, 'GET', `/v1/schedules/${id}`);
    assert.deepEqual([stored.job, stored.workspace_id, stored.cron, stored.time_zone, stored.priority, stored.params,
      stored.enabled, stored.created_by],
    ['demo.sleep', workspace, '*/5 * * * *', 'Europe/Paris', 5, { items: 1 }, true, 'admin']);
    await shot(page, 'schedules');

    await row.getByRole('button', { name: `Disable schedule ${id}` }).click();
    await eventually('shown disabled', async () => /disabled/.test(await row.locator('.state').textContent()));
    assert.equal(await row.locator('.fire-times').count(), 0);
    assert.equal((await call(base, admin, 'GET', `/v1/schedules/${id}`)).enabled, false);
    assert.equal(await row.getByRole('button', { name: `Enable schedule ${id}` }).count(), 1);

    await row.getByRole('button', { name: `Delete schedule ${id}` }).click();
    await confirm(page, /Delete the schedule of demo\.sleep \(\*\/5 \* \* \* \*, Europe\/Paris\)\?/, 'Keep it');
    assert.equal(await row.count(), 1);
    await row.getByRole('button', { name: `Delete schedule ${id}` }).click();
    await confirm(page, /Delete the schedule of demo\.sleep/, 'Delete');
    await eventually('the schedule gone', async () => (await row.count()) === 0);
    assert.equal((await request(base, admin, 'GET', `/v1/schedules/${id}`)).status, 404);
    assert.ok(await code.count() >= 2, 'the code schedules stay');
    return { page, result: { schedule: id } };
  },

  /** From a schedule to the run its last tick made, and from that run back to its schedule. */
  async fired({ browser, base, admin, env, shot }) {
    const page = await newPage(browser);
    await signIn(page, base, admin);
    const tab = page.getByRole('tab', { name: 'Schedules' });
    await tab.click();
    const row = scheduleRow(page, env.SCHEDULE_ID);
    await row.waitFor();
    assert.equal(await row.locator('.badge').textContent(), 'completed', "the last run's outcome");
    await row.getByRole('button', { name: `Open last run ${env.RUN_ID}` }).click();
    await eventually('the run opened', async () =>
      (await details(page).getAttribute('data-run-id')) === env.RUN_ID && (await details(page).isVisible()));
    assert.equal(await page.getByRole('tab', { name: 'Runs' }).getAttribute('aria-selected'), 'true');
    assert.match(await fieldsText(page), new RegExp(`Schedule from schedule ${env.SCHEDULE_ID.slice(-8)}`));
    await details(page).getByRole('button', { name: `Open schedule ${env.SCHEDULE_ID}` }).click();
    await eventually('the schedule shown and focused', async () => (await tab.getAttribute('aria-selected')) === 'true'
      && (await row.getAttribute('aria-current')) === 'true'
      && (await row.locator('th').evaluate((th) => th === document.activeElement)));
    await shot(page, 'schedule-of-run');
    return { page, result: {} };
  },

  /** An operator limited to one workspace: triggers there (prefilled), pauses and cancels; no delete, no self-test. */
  async operator({ browser, base, env, shot }) {
    const page = await newPage(browser);
    await signIn(page, base, env.OPERATOR_TOKEN);
    assert.equal(await page.locator('#whoami').textContent(),
      `operator-1 (operator, viewer; workspaces ${env.WORKSPACE})`);
    assert.equal(await page.getByRole('button', { name: 'Run self-test' }).isVisible(), false);
    assert.equal(await page.locator(`#runs tr[data-id="${env.HIDDEN_RUN_ID}"]`).count(), 0, 'a run of another workspace');
    await page.getByText('Trigger a run').click();
    assert.equal(await page.locator('#trigger-workspace').inputValue(), env.WORKSPACE);
    const id = await trigger(page, { params: { items: 60, delay_ms: 250 }, workspace: env.WORKSPACE });
    await waitForStatus(page, id, 'running');
    const names = await page.locator('#details-actions button').allTextContents();
    assert.deepEqual(names, ['Pause', 'Resume', 'Cancel', 'Force cancel', 'Retry']);
    assert.equal(await action(page, 'Retry').isDisabled(), true, 'a running run cannot be retried');
    await action(page, 'Pause').click();
    await waitForStatus(page, id, 'paused');
    await action(page, 'Cancel').click();
    await confirm(page, /Cancel this run\?/, 'Cancel');
    await waitForStatus(page, id, 'cancelled');
    await eventually('who cancelled it', async () =>
      /Controlled by\s*operator-1/.test(await page.locator('#details-fields').textContent()));
    await shot(page, 'operator');

    await page.getByRole('tab', { name: 'Schedules' }).click();
    await page.locator('#schedules-empty').waitFor();
    assert.equal(await page.locator('#schedules tbody tr').count(), 0, 'the schedules of other workspaces');
    await page.getByText('Add a schedule').click();
    const jobs = await page.locator('#schedule-job option').allTextContents();
    assert.ok(jobs.includes('demo.sleep') && !jobs.includes('errors.rollup'), `system jobs not offered: ${jobs}`);
    assert.equal(await page.locator('#schedule-workspace').inputValue(), env.WORKSPACE);
    return { page, result: { run: id } };
  },

  /**
   * The overview after a known set of runs (of env.JOB: COMPLETED completed, FAILED failed): its
   * tiles and job table match GET /v1/stats, the chart has a point per minute of the hour and follows new ends live; a
   * job's failed runs are a link whose view (tab, filters, then the open run) is in the URL and survives a reload.
   */
  async dashboard({ browser, base, admin, env, shot }) {
    const page = await newPage(browser);
    await signIn(page, base, admin, { tab: null });
    assert.equal(await page.getByRole('tab', { name: 'Overview' }).getAttribute('aria-selected'), 'true');
    const job = env.JOB;
    const completed = Number(env.COMPLETED);
    const failed = Number(env.FAILED);
    const row = page.locator(`#overview-jobs tr[data-job="${job}"]`);
    await eventually('the job in the table', async () => (await row.count()) === 1);
    const cells = async () => (await row.locator('th, td').allTextContents()).map((text) => text.trim());
    const stats = await call(base, admin, 'GET', '/v1/stats?window=1h');
    const api = stats.jobs.find((entry) => entry.job === job);
    assert.equal(api.runs, completed + failed);
    const shown = await cells();
    assert.deepEqual(shown.slice(0, 4), [job, String(completed + failed), String(completed), String(failed)]);
    assert.equal(shown[4], `${((failed / (completed + failed)) * 100).toFixed(failed / (completed + failed) < 0.1 ? 1 : 0)} %`);
    const tile = async (key) => (await page.locator(`#overview-tiles [data-key="${key}"] .tile-value`).textContent());
    assert.equal(await tile('failed_last_hour'), String(stats.now.failed_last_hour));
    assert.equal(await tile('queued'), String(stats.now.queued));
    assert.equal(await page.locator('#overview-chart').getAttribute('data-points'), '60');
    assert.equal(await page.locator('#overview-chart canvas').count(), 1);
    assert.equal(await page.locator('#overview-queue').getAttribute('data-points'), '60', 'the queue sampled');
    assert.equal(await page.locator('#overview-queue canvas').count(), 1);
    assert.match(await page.locator('#overview-chart-summary').textContent(),
      new RegExp(`${stats.series.reduce((sum, bucket) => sum + bucket.completed, 0)} completed, ${failed} failed`));
    await shot(page, 'overview');

    // live: three more runs end, and the table follows (the sweep adds ends every 10 s, 5 s behind; the page reads
    // every 10 s)
    for (let i = 0; i < 3; i++) {
      await call(base, admin, 'POST', `/v1/jobs/${job}/runs`, { workspace_id: uuid(), params: { items: 0 } });
    }
    await eventually('the new ends in the table', async () =>
      (await cells())[1] === String(completed + failed + 3), 45000);

    // a job's failed runs: a link to the runs tab, filtered, and a URL that shows the same after a reload
    await row.getByRole('button', { name: `${failed} failed runs of ${job}` }).click();
    assert.equal(await page.getByRole('tab', { name: 'Runs' }).getAttribute('aria-selected'), 'true');
    const failedRows = page.locator('#runs tbody tr');
    await eventually('the failed runs listed', async () => (await failedRows.count()) === failed);
    const url = new URL(page.url());
    const fragment = new URLSearchParams(url.hash.slice(1));
    assert.equal(fragment.get('tab'), 'runs');
    assert.equal(fragment.get('job'), job);
    assert.equal(fragment.get('status'), 'failed');
    const first = await failedRows.first().getAttribute('data-id');
    await page.getByRole('button', { name: `Open run ${first}` }).click();
    await eventually('the run in the URL', async () => new URL(page.url()).hash.includes(`run=${first}`));
    assert.ok(!page.url().includes(admin), 'no token in the URL');

    await page.reload();
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 15000 });
    await eventually('the run open again', async () => (await details(page).getAttribute('data-run-id')) === first
      && (await details(page).isVisible()));
    assert.equal(await page.locator('#filter-job').inputValue(), job);
    assert.equal(await page.locator('#filter-status').inputValue(), 'failed');
    await eventually('the same runs listed', async () => (await failedRows.count()) === failed);

    // a link opened in a new tab of the same session (the token is in this tab's session storage only)
    const shared = new URL(base);
    shared.hash = 'tab=overview&window=24h';
    await page.goto(shared.toString()); // the same document, another fragment: read when the page loads
    await page.reload();
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 15000 });
    assert.equal(await page.getByRole('tab', { name: 'Overview' }).getAttribute('aria-selected'), 'true');
    assert.equal(await page.locator('#overview-window').inputValue(), '24h');
    await eventually('a point per hour of the day', async () =>
      (await page.locator('#overview-chart').getAttribute('data-points')) === '24');
    return { page, result: {} };
  },

  /**
   * The replicas tab: this replica up and busy with the run it executes, a silent one lost, a stopped one stopped, as
   * GET /v1/replicas says, and the workers outside the service up or lost; it follows the run's end live, and its
   * place in the URL survives a reload.
   */
  async replicas({ browser, base, admin, env, shot }) {
    const page = await newPage(browser);
    await signIn(page, base, admin, { tab: 'Replicas' });
    const api = await call(base, admin, 'GET', '/v1/replicas');
    const self = api.replicas.find((replica) => replica.self);
    const row = (id) => page.locator(`#replicas tr[data-id="${id}"]`);
    const cell = async (id, name) => (await row(id).locator(`.${name}`).textContent()).trim();
    await eventually('every replica listed', async () =>
      (await page.locator('#replicas tbody tr').count()) === api.replicas.length);
    assert.deepEqual(await page.locator('#replicas tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.id)),
      api.replicas.map((replica) => replica.id), 'in the order of the API: running ones first');
    assert.equal(await row(self.id).locator('.badge').textContent(), 'up');
    assert.match(await row(self.id).locator('th').textContent(), /\(this one\)/);
    await eventually('the run it executes', async () => (await cell(self.id, 'executing')) === '1 running');
    assert.match(await cell(self.id, 'engines'), new RegExp(`\\d+ / ${self.engines_max}$`));
    assert.equal(await row(env.LOST).locator('.badge').textContent(), 'lost');
    assert.equal(await row(env.STOPPED).locator('.badge').textContent(), 'stopped');
    assert.equal(await cell(env.STOPPED, 'ended'), (42).toLocaleString());
    assert.match(await page.locator('#replicas-summary').textContent(), /1 up, 1 lost, 1 stopped/);
    // the workers outside the service, below: one in touch, one silent for longer than stale-after
    const worker = (id) => page.locator(`#workers tbody tr[data-id="worker:exporter/${id}"]`);
    await eventually('every worker listed', async () =>
      (await page.locator('#workers tbody tr').count()) === api.workers.length);
    assert.equal(await worker(env.WORKER).locator('.badge').textContent(), 'up');
    assert.equal((await worker(env.WORKER).locator('.jobs').textContent()).trim(), 'reports.export, reports.mail');
    assert.equal(await worker(env.LOST_WORKER).locator('.badge').textContent(), 'lost');
    const up = api.workers.filter((w) => w.state === 'up').length;
    assert.match(await page.locator('#workers-summary').textContent(),
      new RegExp(`^${up} up, ${api.workers.length - up} lost`), 'as GET /v1/replicas counts them');
    await shot(page, 'replicas');

    // live: the run ends, and the row follows without a reload
    await call(base, admin, 'POST', `/v1/runs/${env.RUN_ID}/cancel?force=true`);
    await eventually('no run executing', async () => (await cell(self.id, 'executing')) === '0', 20000);

    assert.equal(new URLSearchParams(new URL(page.url()).hash.slice(1)).get('tab'), 'replicas');
    await page.reload();
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 15000 });
    assert.equal(await page.getByRole('tab', { name: 'Replicas' }).getAttribute('aria-selected'), 'true');
    await eventually('listed again', async () => (await row(env.LOST).count()) === 1);
    return { page, result: {} };
  },

  /**
   * Bulk actions on the filtered runs: the confirmation says how many the server counted, "Keep it" changes nothing,
   * and the bulk run's progress is followed to its end; other workspaces are left alone.
   */
  async bulk({ browser, base, admin, env, shot }) {
    const page = await newPage(browser);
    await signIn(page, base, admin);
    const filter = async (workspace, status) => {
      await page.locator('#filter-job').selectOption('demo.sleep');
      await page.locator('#filter-workspace').fill(workspace);
      await page.locator('#filter-status').selectOption(status);
      await page.getByRole('button', { name: 'Apply' }).click();
    };
    const listed = async (workspace, status) => (await call(base, admin, 'GET',
      `/v1/runs?job=demo.sleep&workspace_id=${workspace}&status=${status}&limit=100`)).runs.length;

    await filter(env.FAILED_IN, 'failed');
    await eventually('the failed runs listed', async () => (await page.locator('#runs tbody tr').count()) === 30);
    await page.getByRole('button', { name: 'Retry all failed…' }).click();
    await confirm(page, new RegExp(`^Retry 30 failed runs of job demo\\.sleep in workspace ${env.FAILED_IN}\\?`),
      'Retry 30');
    await eventually('the bulk retry done', async () => (await page.locator('#bulk-text').textContent())
      === 'Retried 30 runs.', 30000);
    assert.equal(await page.locator('#bulk-progress').getAttribute('value'), '30');
    assert.equal(await listed(env.FAILED_IN, 'failed'), 0);
    assert.equal(await listed(env.OTHER, 'failed'), 5, 'another workspace is left alone');
    await shot(page, 'bulk');

    await filter(env.QUEUED_IN, '');
    await page.getByRole('button', { name: 'Cancel all queued…' }).click();
    await confirm(page, /^Cancel 12 queued runs of job demo\.sleep in workspace .*Scheduled and retrying ones too/,
      'Keep it');
    assert.equal(await listed(env.QUEUED_IN, 'queued'), 12, 'kept');
    await page.getByRole('button', { name: 'Cancel all queued…' }).click();
    await confirm(page, /^Cancel 12 queued runs/, 'Cancel 12');
    await eventually('the bulk cancel done', async () => (await page.locator('#bulk-text').textContent())
      === 'Cancelled 12 runs.', 30000);
    assert.equal(await listed(env.QUEUED_IN, 'cancelled'), 12);

    await page.getByRole('button', { name: 'Open the bulk run' }).click();
    await eventually('the bulk run open', async () => (await details(page).isVisible())
      && (await detailsStatus(page).textContent()) === 'completed');
    const bulk = await details(page).getAttribute('data-run-id');
    await waitForLog(page, 'Done: 12 runs cancelled, 0 refused');
    return { page, result: { bulk } };
  },

  /** A viewer's token: the runs, a run and its log, the errors — and no action button anywhere. */
  async viewer({ browser, base, viewer, env, shot }) {
    const page = await newPage(browser);
    await signIn(page, base, viewer);
    assert.match(await page.locator('#whoami').textContent(), /viewer/);
    const run = env.RUN_ID;
    await eventually('the failed run listed', async () => (await rowBadge(page, run).textContent()) === 'failed');
    await page.getByRole('button', { name: `Open run ${run}` }).click();
    await eventually('details open', async () => (await details(page).getAttribute('data-run-id')) === run);
    await waitForLog(page, 'ended: failed');
    assert.equal(await page.locator('#details-actions button').count(), 0);
    assert.equal(await page.locator('#details-actions').isVisible(), false);
    assert.equal(await page.getByRole('button', { name: 'Retry' }).count(), 0);
    await eventually('the failed attempt', async () => (await attemptRows(page).count()) === 1);
    assert.equal(await attemptRows(page).first().locator('.badge').textContent(), 'failed');
    assert.equal(await page.getByText('Trigger a run').isVisible(), false);
    assert.equal(await page.getByRole('button', { name: 'Run self-test' }).isVisible(), false);
    await shot(page, 'viewer');
    await page.getByRole('tab', { name: 'Errors' }).click();
    const row = page.locator('#errors tbody tr').filter({ hasText: 'JOB_FAILED' });
    await eventually('the error event', async () => (await row.count()) === 1);
    assert.equal(await page.locator('#panel-errors').getByRole('button', { name: /Resolve/ }).count(), 0);
    assert.equal((await row.locator('.resolved').textContent()).trim(), 'open');

    await page.getByRole('tab', { name: 'Schedules' }).click();
    const schedules = page.locator('#schedules tbody tr');
    await eventually('the code schedules', async () => (await schedules.count()) >= 2);
    const listed = (await schedules.allTextContents()).join('\n');
    assert.match(listed, /errors\.rollup[^\n]*5 0 \* \* \*/);
    assert.match(listed, /errors\.cleanup[^\n]*30 0 \* \* \*/);
    assert.equal(await page.locator('#panel-schedules').getByRole('button', { name: /^(Enable|Disable|Delete|Add)/ })
      .count(), 0);
    assert.equal(await page.getByText('Add a schedule').isVisible(), false);
    await shot(page, 'viewer-schedules');
    return { page, result: {} };
  },
};
