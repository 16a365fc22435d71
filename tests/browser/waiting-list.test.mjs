// Browser test: the shared waiting list through the pages (docs/waiting-list.md).
// gp.patel opens the waiting list and sees only Riverside Surgery's patients,
// with weeks waited; opens a pathway at Northgate Cardiology; asks for a
// priority review with no reason (an error) and then with one (pending);
// clinician.cardio answers it with a new priority; the GP sees the answer in
// the inbox and on the pathway.  A second request while one is open shows
// the API's 409.  analyst.icb sees the inequalities chart and table and
// downloads the CSV; the refer page shows the estimated wait for a service;
// patient.demo sees their own waiting times.
//
//   make && node --test tests/browser/waiting-list.test.mjs
//
// Screenshots go to /tmp/shots/ (SHOTS_DIR overrides): 7x-*.png.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  patientsOf, refer, startBrowserTest, stopBrowserTest, trustService,
} from './lib/setup.mjs';
import { nhs334, signIn, signOut, stepper } from './lib/browser.mjs';

const SHOTS_DIR = process.env.SHOTS_DIR || '/tmp/shots';
const REVIEW_REASON = 'Chest pain now comes on at rest, twice this week. ECG unchanged. Please review her priority.';
const ANSWER = 'Moved up to P2: we will see her in clinic within 4 weeks, with an echocardiogram on the day.';

async function shot(page, name) {
  await mkdir(SHOTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS_DIR, `${name}.png`), fullPage: true });
}

describe('waiting list: GP asks for a priority review, the clinician answers', { timeout: 300000 }, () => {
  let server;
  let browser;
  let page;
  let gp;
  let cardiology;
  let target; // the pathway reviewed
  let second; // another pathway, for the 409
  const step = stepper(it, () => page, () => server);

  // An open pathway of a Riverside patient at Northgate Cardiology with no
  // review open; made by a referral if the demo data has none.
  async function findPathway(skip = []) {
    const wl = await server.api(`/waiting-list?trust=RZA&service=${cardiology.id}&page_size=200`, { token: gp });
    assert.equal(wl.status, 200, JSON.stringify(wl.body));
    const found = wl.body.items.find((p) => p.open && !p.open_review && !skip.includes(p.id));
    if (found) return found;
    const patients = await patientsOf(server, gp);
    const patient = patients.find((p) => !skip.length || p.nhs_number !== target.patient.nhs_number) || patients[0];
    const ref = await refer(server, gp, {
      patient, service: cardiology,
      reason: 'Exertional chest pain', clinical_summary: 'Two months of exertional chest tightness.',
    });
    const again = await server.api(`/waiting-list?patient=${patient.nhs_number}&service=${cardiology.id}`, { token: gp });
    const made = again.body.items.find((p) => p.referral_id === ref.id);
    assert.ok(made, `a pathway for referral ${ref.id}: ${JSON.stringify(again.body)}`);
    return made;
  }

  before(async () => {
    ({ server, browser, page } = await startBrowserTest());
    gp = await server.token('gp.patel');
    cardiology = await trustService(server, gp, 'RZA', 'Cardiology');
    target = await findPathway();
    second = await findPathway([target.id]);
  });

  after(() => stopBrowserTest(server, browser));

  step('gp.patel sees only their practice\'s patients, with weeks waited', async () => {
    await signIn(page, server.url, 'gp.patel', /\/inbox\.html/);
    await Promise.all([
      page.waitForURL(/\/waiting-list\.html/),
      page.locator('.nhsuk-header__navigation-link', { hasText: 'Waiting list' }).click(),
    ]);
    const table = page.locator('#waiting-list-table');
    await table.waitFor();
    assert.match(await page.locator('h1').textContent(), /Your practice's waiting list/);
    assert.match(await page.locator('#wl-summary').textContent(), /\d+\s+waiting.*over 18 weeks.*over 52 weeks.*not yet prioritised/s);

    // Every row is a Riverside patient: the API says so for each NHS number shown.
    const shown = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => ({
      nhs: r.dataset.nhsNumber, weeks: r.querySelector('[data-weeks]').dataset.weeks,
    })));
    assert.ok(shown.length > 0, 'the waiting list has rows');
    const wl = await server.api('/waiting-list?page_size=50', { token: gp });
    const practiceOf = new Map(wl.body.items.map((p) => [p.patient.nhs_number, p.patient.practice.code]));
    for (const r of shown) {
      assert.equal(practiceOf.get(r.nhs), 'Z00001', `row ${r.nhs} is a Riverside Surgery patient`);
      assert.match(r.weeks, /^\d+$/, `weeks waited for ${r.nhs}`);
    }
    await shot(page, '70-waiting-list-gp');

    // Filter to the patient, then open the pathway from the row.
    await page.fill('#patient', nhs334(target.patient.nhs_number));
    await page.selectOption('#trust', 'RZA');
    await page.selectOption('#service', String(cardiology.id));
    await Promise.all([page.waitForURL(/patient=/), page.click('#apply-filters')]);
    const row = page.locator(`#waiting-list-table tr[data-pathway-id="${target.id}"]`);
    await row.waitFor();
    await Promise.all([page.waitForURL(new RegExp(`pathway\\.html\\?id=${target.id}$`)), row.locator('a').first().click()]);
    await page.locator('#wait-panel').waitFor();
    assert.match(await page.locator('h1').textContent(), /Cardiology/);
    assert.match(await page.locator('#weeks-waited').textContent(), /^\d+ weeks?$/);
  });

  step('an empty review request shows the error; a real one is pending', async () => {
    await page.locator('#request-form button[type="submit"]').click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    assert.match(await summary.textContent(), /Enter why the priority should be reviewed/);
    assert.match(await page.locator('#review-reason-error').textContent(), /Enter why the priority should be reviewed/);
    await shot(page, '71-pathway-review-empty');

    await page.fill('#review-reason', REVIEW_REASON);
    await page.locator('#request-form button[type="submit"]').click();
    await page.locator('#success-banner').waitFor();
    assert.match(await page.locator('#success-banner').textContent(), /Priority review requested/);
    const card = page.locator('.seam-review[data-status="open"]');
    await card.waitFor();
    assert.match(await card.textContent(), /Waiting for the hospital/);
    assert.match(await card.textContent(), /Chest pain now comes on at rest/);
    assert.equal(await page.locator('#request-form').count(), 0, 'no second request while one is open');
    assert.equal(await page.locator('.nhsuk-error-summary').count(), 0);
    await shot(page, '72-pathway-review-pending');
  });

  step('clinician.cardio answers the review with a new priority', async () => {
    await signOut(page);
    await signIn(page, server.url, 'clinician.cardio', /\/worklist\.html/);
    await page.goto(`${server.url}/pathway.html?id=${target.id}`);
    const form = page.locator('#answer-form');
    await form.waitFor();
    // Nothing chosen: the form says what is missing.
    await form.locator('button[type="submit"]').click();
    await page.locator('.nhsuk-error-summary').waitFor();
    assert.match(await page.locator('.nhsuk-error-summary').textContent(), /Select whether to change the priority/);

    const current = target.priority && target.priority.code;
    const next = current === 'P2' ? 'P3' : 'P2';
    await page.check('#outcome-reprioritised');
    await page.check(`#answer-priority-${next}`);
    await page.fill('#answer-reason', ANSWER);
    await shot(page, '73-pathway-answer-form');
    await form.locator('button[type="submit"]').click();
    await page.locator('#success-banner').waitFor();
    assert.match(await page.locator('#success-banner').textContent(), /Answer sent/);
    assert.match(await page.locator('#current-priority').textContent(), new RegExp(next));
    assert.equal(await page.locator('#answer-form').count(), 0);
    assert.match(await page.locator('#priority-history').textContent(), new RegExp(next));
    target.newPriority = next;
    await shot(page, '74-pathway-answered-clinician');
  });

  step('the GP sees the answer in the inbox and on the pathway', async () => {
    await signOut(page);
    await signIn(page, server.url, 'gp.patel', /\/inbox\.html/);
    const item = page.locator(`#information-list li[data-type="priority_review"][data-id="${target.id}"]`);
    await item.waitFor();
    assert.match(await item.textContent(), new RegExp(target.newPriority));
    await Promise.all([
      page.waitForURL(new RegExp(`pathway\\.html\\?id=${target.id}`)),
      item.locator('a', { hasText: 'See the answer' }).click(),
    ]);
    const answer = page.locator('.seam-review[data-status="answered"] .seam-review__answer');
    await answer.waitFor();
    assert.match(await answer.textContent(), /Reprioritised/);
    assert.match(await answer.textContent(), /Moved up to P2|we will see her in clinic/);
    assert.match(await page.locator('#current-priority').textContent(), new RegExp(target.newPriority));
    await shot(page, '75-pathway-answered-gp');
  });

  step('a request while another is open shows the API\'s 409', async () => {
    await page.goto(`${server.url}/pathway.html?id=${second.id}`);
    await page.locator('#request-form').waitFor();
    // Someone else at the practice asks first.
    const other = await server.api(`/pathways/${second.id}/priority-review`, {
      method: 'POST', token: await server.token('admin.riverside'), body: { reason: 'Patient phoned: pain worse.' },
    });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    await page.fill('#review-reason', 'Worse at night now.');
    await page.locator('#request-form button[type="submit"]').click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    assert.match(await summary.textContent(), /already open/i, 'the API\'s message is shown');
    // The page now shows the review that beat it, and no form to ask again.
    await page.locator('.seam-review[data-status="open"]').waitFor();
    assert.match(await page.locator('.seam-review[data-status="open"]').textContent(), /Patient phoned: pain worse/);
    assert.equal(await page.locator('#request-form').count(), 0);
    await shot(page, '76-pathway-review-409');
  });

  step('the refer page shows the estimated wait for the chosen service', async () => {
    await page.goto(`${server.url}/refer.html`);
    await page.locator('#service_id:not([disabled])').waitFor();
    await page.selectOption('#service_id', String(cardiology.id));
    const ew = page.locator(`#estimated-wait[data-service-id="${cardiology.id}"]`);
    await ew.waitFor();
    await page.waitForFunction(() => !/Finding out/.test(document.querySelector('#estimated-wait').textContent));
    assert.match(await ew.textContent(), /Most patients are treated within \d+(\.\d)? weeks \(median \d+(\.\d)? weeks\), based on \d+ recent clock stops|Not enough recent data/);
    await shot(page, '77-refer-estimated-wait');
  });

  step('analyst.icb sees the inequalities chart and table, and downloads the CSV', async () => {
    await signOut(page);
    await signIn(page, server.url, 'analyst.icb', /\/worklist\.html/);
    await Promise.all([
      page.waitForURL(/\/inequalities\.html/),
      page.locator('.nhsuk-header__navigation-link', { hasText: 'Inequalities' }).click(),
    ]);
    await page.locator('#rtt-table').waitFor();
    assert.equal(await page.locator('canvas#rtt-chart').count(), 1);
    await page.waitForFunction(() => window.Chart && window.Chart.getChart(document.getElementById('rtt-chart')));
    assert.equal(await page.locator('#rtt-table tbody tr[data-group]').count(), 11, 'deciles 1-10 and unknown');
    assert.match(await page.locator('#rtt-total').textContent(), /Everyone/);
    assert.match(await page.locator('#rtt-heading').textContent(), /IMD decile/);
    await page.locator('#gap-sentence').waitFor();
    await shot(page, '78-inequalities-icb');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    assert.match(download.suggestedFilename(), /\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    assert.equal(lines[0], 'group,label,waiting,over_18_weeks,pct_over_18_weeks,median_weeks,over_52_weeks,pct_over_52_weeks');
    assert.match(lines[lines.length - 1], /^total,/);

    // Another dimension redraws the chart with that dimension's groups.
    await page.selectOption('#by', 'age_band');
    await Promise.all([page.waitForURL(/by=age_band/), page.click('#filters button[type="submit"]')]);
    await page.locator('#rtt-table tbody tr[data-group="80+"]').waitFor();
    assert.equal(await page.locator('#gap-sentence').count(), 0, 'no deprivation gap for age bands');

    // One practice of the ICB, by deprivation again.
    await page.selectOption('#scope', 'practice:Z00001');
    await page.selectOption('#by', 'imd_decile');
    await Promise.all([page.waitForURL(/scope=practice/), page.click('#filters button[type="submit"]')]);
    await page.locator('#rtt-table').waitFor();
    assert.match(await page.locator('h1, #rtt-heading').allTextContents().then((t) => t.join(' ')), /Riverside/);
  });

  step('analyst.icb narrows the ICB\'s waiting list to one practice', async () => {
    await page.goto(`${server.url}/waiting-list.html`);
    await page.locator('#practice').waitFor();
    await page.selectOption('#practice', 'Z00001');
    await Promise.all([page.waitForURL(/practice=Z00001/), page.click('#apply-filters')]);
    await page.locator('#wl-summary').waitFor();
    const rows = page.locator('table tbody tr');
    assert.ok(await rows.count() > 0, 'Riverside Surgery has patients waiting');
    const texts = await rows.allTextContents();
    assert.ok(texts.every((t) => /Riverside Surgery/.test(t)), 'every row is a Riverside Surgery patient');
  });

  step('patient.demo sees their own waiting times', async () => {
    await signOut(page);
    await signIn(page, server.url, 'patient.demo', /\/referrals\.html/);
    await Promise.all([
      page.waitForURL(/\/my-waits\.html/),
      page.locator('.nhsuk-header__navigation-link', { hasText: 'My waiting times' }).click(),
    ]);
    await page.locator('h1', { hasText: 'Your waiting times' }).waitFor();
    await page.locator('.seam-my-wait, #empty-state').first().waitFor();
    await shot(page, '79-patient-waits');
    assert.deepEqual(page.errors, []);
  });
});
