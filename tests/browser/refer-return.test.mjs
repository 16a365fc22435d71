// Browser test: a GP refers a patient, the hospital triager returns it with
// advice, and the GP sees the advice - through the real pages, on a real
// Seam server with the demo data, in Debian's Chromium.
//
//   make && node --test tests/browser/
//
// Screenshots of each step go to build/screenshots/.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { patientsOf, servicesList, startBrowserTest, stopBrowserTest } from './lib/setup.mjs';
import { escapeRegExp, nhs334, shot, signIn, signOut, stepper } from './lib/browser.mjs';

const REASON = 'Exertional chest pain for 6 weeks, ?stable angina';
const SUMMARY = 'Central chest tightness on walking uphill, eases with rest within 5 minutes.\n'
  + 'ECG: sinus rhythm, no acute changes. BP 148/92. Started aspirin 75 mg and GTN spray.';
const RETURN_REASON = 'Does not meet the criteria for a cardiology clinic yet.';
const ADVICE = 'Please arrange a lipid profile and HbA1c, start atorvastatin 20 mg, '
  + 'and refer to the rapid access chest pain clinic if symptoms worsen.';

describe('refer, return with advice, GP review', { timeout: 300000 }, () => {
  let server;
  let browser;
  let page;
  let patient;
  let cardiology;
  let referralId;
  const step = stepper(it, () => page, () => server);

  before(async () => {
    ({ server, browser, page } = await startBrowserTest());

    // What the demo data holds, from the API, so the UI steps use real names.
    const gpToken = await server.token('gp.patel');
    const patients = await patientsOf(server, gpToken);
    assert.ok(patients.length > 0, 'gp.patel has registered patients');
    patient = patients[0];

    cardiology = (await servicesList(server, gpToken, { accepting: true })).find((s) => s.trust && s.trust.code === 'RZA'
      && (s.specialty === 'Cardiology' || s.name === 'Cardiology'));
    assert.ok(cardiology, 'Cardiology at RZA accepts referrals');
  });

  after(() => stopBrowserTest(server, browser));

  step('the sign-in page lists demo personas under a clear development warning', async () => {
    await page.goto(`${server.url}/`);
    const warning = page.locator('#dev-warning');
    await warning.waitFor();
    assert.match(await warning.textContent(), /Development sign-in — demo personas only/);
    await page.locator('button.seam-persona[data-username="gp.patel"]').waitFor();
    const names = await page.locator('button.seam-persona').evaluateAll((bs) => bs.map((b) => b.dataset.username));
    for (const u of ['gp.patel', 'triage.cardio', 'booking.rza', 'lead.rza', 'patient.demo']) {
      assert.ok(names.includes(u), `persona ${u} listed`);
    }
    await shot(page, '01-sign-in');
  });

  step('gp.patel signs in to the inbox and opens the practice referrals', async () => {
    await signIn(page, server.url, 'gp.patel', /\/inbox\.html/);
    assert.match(await page.locator('#signed-in-role').textContent(), /GP, Riverside Surgery/);
    await page.locator('h1', { hasText: 'Inbox' }).waitFor();
    await Promise.all([
      page.waitForURL(/\/referrals\.html/),
      page.locator('.nhsuk-header__navigation-link', { hasText: 'Referrals' }).click(),
    ]);
    await page.locator('h1', { hasText: "Your practice's referrals" }).waitFor();
    await page.locator('#referrals-table').waitFor();
    await shot(page, '02-gp-referrals');
  });

  step('the GP refers the patient to Cardiology at Northgate, urgent', async () => {
    await Promise.all([page.waitForURL(/\/refer\.html/), page.locator('#refer-button').click()]);
    await page.locator('h1', { hasText: 'Refer a patient' }).waitFor();

    await page.locator('#patient-q').fill(nhs334(patient.nhs_number));
    await page.locator('#patient-search-button').click();
    const rowSel = `#patient-table tr[data-nhs-number="${patient.nhs_number}"]`;
    await page.locator(rowSel).waitFor();
    assert.match(await page.locator(rowSel).textContent(), new RegExp(escapeRegExp(patient.family_name), 'i'));
    await page.locator(`${rowSel} button.seam-select-patient`).click();
    assert.equal((await page.locator('#chosen-nhs-number').textContent()).trim(), nhs334(patient.nhs_number));

    await page.waitForFunction(() => !document.querySelector('#service_id').disabled);
    await page.locator('#service_id').selectOption(String(cardiology.id));
    await page.locator('#priority-urgent').check();
    const info = page.locator('#service-info');
    await info.waitFor();
    assert.match(await info.textContent(), /Northgate/);
    await page.locator('#reason').fill(REASON);
    await page.locator('#clinical_summary').fill(SUMMARY);
    await shot(page, '03-refer-form');

    // A double click must not send the referral twice (the button is
    // disabled while sending, and both clicks carry one Idempotency-Key).
    const gpToken = await server.token('gp.patel');
    const count = async () => (await server.api(`/referrals?patient=${patient.nhs_number}`, { token: gpToken })).body.total;
    const before = await count();
    await Promise.all([page.waitForURL(/\/referral\.html\?id=\d+/), page.locator('#submit-referral').dblclick()]);
    referralId = new URL(page.url()).searchParams.get('id');
    assert.ok(referralId, 'referral id in the URL');
    assert.equal(await count(), before + 1, 'exactly one referral created');
  });

  step('the new referral awaits triage, held by the Northgate triager', async () => {
    const status = page.locator('#status-line');
    await status.waitFor();
    assert.match(await status.textContent(), /Awaiting triage/);
    assert.match(await status.textContent(), /Urgent/);
    const holder = await page.locator('#holder').textContent();
    assert.match(holder, /Who holds this now/);
    assert.match(holder, /Northgate Hospitals/);
    assert.match(holder, /Triager/);
    assert.match(await page.locator('#success-banner').textContent(), /Referral sent to Cardiology/);
    const details = await page.locator('#referral-details').textContent();
    assert.ok(details.includes(REASON), 'reason shown');
    assert.ok(details.includes(nhs334(patient.nhs_number)), 'NHS number shown 3-3-4');
    assert.match(await page.locator('#timeline').textContent(), /Referral sent/);
    // A GP cannot triage: no triage form for them.
    assert.equal(await page.locator('#triage-form').count(), 0);
    await shot(page, '04-referral-awaiting-triage');
  });

  step('triage.cardio sees the referral on the worklist', async () => {
    await signOut(page);
    await signIn(page, server.url, 'triage.cardio', /\/worklist\.html/);
    const row = page.locator(`#worklist-table tr[data-referral-id="${referralId}"]`);
    await row.waitFor();
    const text = await row.textContent();
    assert.match(text, /Triage/);
    assert.match(text, new RegExp(escapeRegExp(patient.family_name), 'i'));
    assert.match(text, /Urgent/);
    await shot(page, '05-triager-worklist');
    await Promise.all([
      page.waitForURL(new RegExp(`referral\\.html\\?id=${referralId}$`)),
      row.locator('a', { hasText: 'Open' }).click(),
    ]);
  });

  step('the triager returns it with advice', async () => {
    await page.locator('#triage-form').waitFor();
    await page.locator('#decision-return').check();
    await page.locator('#advice').waitFor({ state: 'visible' });
    await page.locator('#triage-comment').fill(RETURN_REASON);
    await page.locator('#advice').fill(ADVICE);
    await shot(page, '06-triage-return-form');
    await page.locator('#triage-form button[type="submit"]').click();
    const banner = page.locator('#success-banner');
    await banner.waitFor();
    assert.match(await banner.textContent(), /returned to the GP practice/i);
    assert.match(await page.locator('#status-line').textContent(), /Returned with advice/);
    assert.match(await page.locator('#holder').textContent(), /Riverside Surgery/);
    assert.equal(await page.locator('#triage-form').count(), 0, 'no triage form once returned');
    assert.match(await page.locator('#timeline').textContent(), /Returned to the GP with advice/);
    await shot(page, '07-returned-seen-by-triager');
  });

  step('the GP sees the returned referral highlighted, with the advice', async () => {
    await signOut(page);
    await signIn(page, server.url, 'gp.patel', /\/inbox\.html/);
    // The returned referral needs the GP's action, in the inbox.
    const item = page.locator(`#inbox-actions li[data-type="returned_referral"][data-id="${referralId}"]`);
    await item.waitFor();
    assert.match(await item.textContent(), /Referral returned with advice/);
    await page.goto(`${server.url}/referrals.html`);
    const bannerText = await page.locator('#returned-banner').textContent();
    assert.match(bannerText, /\d+ referrals? returned with advice needs? your review/);
    await shot(page, '08-gp-referrals-banner');
    // The banner's link filters the list to the returned referrals.
    await Promise.all([
      page.waitForURL(/status=returned/),
      page.locator('#returned-banner a', { hasText: 'Show returned referrals' }).click(),
    ]);
    const row = page.locator(`#referrals-table tr[data-referral-id="${referralId}"]`);
    await row.waitFor();
    assert.match(await row.getAttribute('class'), /seam-row--returned/);
    assert.match(await row.textContent(), /Returned with advice/);
    assert.match(await row.textContent(), /Riverside Surgery — GP/);
    await shot(page, '09-gp-referrals-returned');

    await Promise.all([
      page.waitForURL(new RegExp(`referral\\.html\\?id=${referralId}$`)),
      row.locator('a', { hasText: 'View' }).click(),
    ]);
    const advice = page.locator('#return-advice');
    await advice.waitFor();
    assert.ok((await page.locator('#return-advice-text').textContent()).includes(ADVICE), 'advice text shown');
    assert.ok((await advice.textContent()).includes(RETURN_REASON), 'return reason shown');
    const holder = await page.locator('#holder').textContent();
    assert.match(holder, /Riverside Surgery/);
    assert.match(holder, /GP/);
    assert.doesNotMatch(holder, /Northgate/);
    // The GP can now resubmit or close.
    await page.locator('#resubmit-form').waitFor();
    await page.locator('#close-form').waitFor();
    await shot(page, '10-gp-returned-referral');
  });

  step('no JavaScript errors on any page', async () => {
    assert.deepEqual(page.errors, []);
  });
});
