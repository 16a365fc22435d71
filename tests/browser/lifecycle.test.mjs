// Browser test: the rest of a referral's life through the pages - the GP
// resubmits a returned referral with an answer, the triager accepts it
// (raising the priority), the booking team books it, the clinician records
// attendance and discharges.  Also: a field error from the API shown against
// its field, an expired token sending the user back to sign in, and a
// server without --dev.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startSeam } from './lib/server.mjs';
import {
  actOn, patientsOf, refer, startBrowserTest, stopBrowserTest, trustService,
} from './lib/setup.mjs';
import { launchChromium, newPage, shot, signIn, signOut, stepper } from './lib/browser.mjs';

const ANSWER = 'Lipids and HbA1c normal; on atorvastatin for 4 weeks; still has angina on minimal exertion.';
const DISCHARGE = 'Exercise ECG normal. Non-cardiac chest pain; no follow-up needed.';

describe('resubmit, accept, book, attend, discharge', { timeout: 300000 }, () => {
  let server;
  let browser;
  let page;
  let referralId;
  const step = stepper(it, () => page, () => server);

  before(async () => {
    ({ server, browser, page } = await startBrowserTest());

    // A referral returned with advice, made through the API.
    const gp = await server.token('gp.patel');
    const triager = await server.token('triage.cardio');
    const patients = await patientsOf(server, gp);
    const patient = patients[1] || patients[0];
    const cardiology = await trustService(server, gp, 'RZA', 'Cardiology', { accepting: true });
    const created = await refer(server, gp, {
      patient, service: cardiology,
      reason: 'Chest pain on exertion', clinical_summary: 'Three months of exertional chest pain.',
    });
    referralId = created.id;
    await actOn(server, referralId, [
      [triager, 'triage', { decision: 'return', comment: 'Needs primary care work-up first.', advice: 'Check lipids and HbA1c; start a statin.', version: created.version }],
    ]);
    // The registrar works in Cardiology only here (the demo also gives them Respiratory Medicine,
    // whose tasks would push this referral's attendance off the first page of their worklist).
    const only = await server.api('/users/clinician.cardio/services', {
      method: 'PUT', token: await server.token('admin'), body: { services: [cardiology.id] },
    });
    assert.equal(only.status, 200, JSON.stringify(only.body));
  });

  after(() => stopBrowserTest(server, browser));

  async function openReferral() {
    await page.goto(`${server.url}/referral.html?id=${referralId}`);
    await page.locator('#status-line').waitFor();
  }

  async function statusText() {
    return (await page.locator('#status-line').textContent()).replace(/\s+/g, ' ');
  }

  step('a missing answer is shown against its field, from the API', async () => {
    await signIn(page, server.url, 'gp.patel', /\/inbox\.html/);
    await openReferral();
    assert.match(await statusText(), /Returned with advice/);
    await page.locator('#resubmit-form button[type="submit"]').click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    assert.match(await summary.textContent(), /answer to the specialist.s advice/i);
    // The summary links to the field, and the field shows the error too.
    assert.equal(await summary.locator('a').getAttribute('href'), '#resubmit-comment');
    const group = page.locator('.nhsuk-form-group--error', { has: page.locator('#resubmit-comment') });
    assert.equal(await group.count(), 1, 'the answer field is marked in error');
    assert.match(await group.locator('.nhsuk-error-message').textContent(), /answer to the specialist.s advice/i);
    assert.ok(await summary.evaluate((el) => el === document.activeElement), 'focus moves to the error summary');
    assert.match(await statusText(), /Returned with advice/, 'nothing changed');
    await shot(page, '21-resubmit-error');
  });

  step('the GP resubmits with an answer; it goes back to the triager', async () => {
    await page.locator('#resubmit-comment').fill(ANSWER);
    await page.locator('#resubmit-form button[type="submit"]').click();
    await page.locator('#success-banner').waitFor();
    assert.equal(await page.locator('.nhsuk-error-summary').count(), 0, 'the old error is cleared');
    assert.match(await statusText(), /Awaiting triage/);
    const holder = await page.locator('#holder').textContent();
    assert.match(holder, /Northgate Hospitals/);
    assert.match(holder, /Triager/);
    const timeline = await page.locator('#timeline').textContent();
    assert.match(timeline, /Resubmitted by the GP/);
    assert.ok(timeline.includes(ANSWER), 'the answer is in the history');
    await signOut(page);
  });

  step('the triager accepts it and raises the priority', async () => {
    await signIn(page, server.url, 'triage.cardio', /\/worklist\.html/);
    await openReferral();
    await page.locator('#decision-accept').check();
    await page.locator('#triage-priority').selectOption('urgent');
    await page.locator('#triage-comment').fill('Accepted after work-up.');
    await page.locator('#triage-form button[type="submit"]').click();
    await page.locator('#success-banner').waitFor();
    assert.match(await statusText(), /Awaiting booking/);
    assert.match(await statusText(), /Urgent/);
    assert.match(await page.locator('#holder').textContent(), /Booking team/);
    await signOut(page);
  });

  step('the booking team books it in UK time', async () => {
    await signIn(page, server.url, 'booking.rza', /\/worklist\.html/);
    const row = page.locator(`#worklist-table tr[data-referral-id="${referralId}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /Booking/);
    await Promise.all([page.waitForURL(/referral\.html/), row.locator('a', { hasText: 'Open' }).click()]);
    await page.locator('#book-form').waitFor();
    // 15 June is British Summer Time: 10:30 in London is 09:30 UTC.
    await page.locator('#appointment_at').fill('2027-06-15T10:30');
    await page.locator('#book-form button[type="submit"]').click();
    await page.locator('#success-banner').waitFor();
    assert.match(await statusText(), /Booked/);
    assert.match(await page.locator('#referral-details').textContent(), /15 Jun 2027,\s*10:30/);
    const api = await server.api(`/referrals/${referralId}`, { token: await server.token('booking.rza') });
    assert.equal(api.body.appointment_at, '2027-06-15T09:30:00Z');
    await shot(page, '22-booked');
    await signOut(page);
  });

  step('the clinician records attendance, then discharges', async () => {
    await signIn(page, server.url, 'clinician.cardio', /\/worklist\.html/);
    // The worklist comes a page at a time, overdue first: a June appointment is near the end.
    const row = page.locator(`#worklist-table tr[data-referral-id="${referralId}"]`);
    for (let p = 1; p <= 5; p++) {
      if (p > 1) await page.goto(`${server.url}/worklist.html?page=${p}`);
      await page.locator('#worklist-table').waitFor();
      if (await row.count()) break;
    }
    await row.waitFor();
    assert.match(await row.textContent(), /Record attendance/);
    await Promise.all([page.waitForURL(/referral\.html/), row.locator('a', { hasText: 'Open' }).click()]);
    // Not before the appointment (H29): the clinic is in June.
    await page.locator('#attend-form button[type="submit"]').click();
    await page.locator('.nhsuk-error-summary', { hasText: 'cannot be before the booked appointment' }).waitFor();
    assert.equal(await page.locator('.nhsuk-form-group--error', { has: page.locator('#attended_at') }).count(), 1);
    await shot(page, '22a-attend-before-appointment');
    // The clinic day comes (the appointment moved to a minute ago in the database).
    const ago = new Date(Date.now() - 60000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    execFileSync('sqlite3', [server.db, `UPDATE referrals SET appointment_at = '${ago}' WHERE id = ${referralId}`]);
    await page.reload();
    await page.locator('#attend-form button[type="submit"]').click();
    await page.locator('#success-banner').waitFor();
    assert.match(await statusText(), /Attended/);
    assert.match(await page.locator('#holder').textContent(), /Clinician/);

    await page.locator('#discharge-comment').fill(DISCHARGE);
    // The waiting-time outcome: returned to the GP by default; here the patient chose to wait.
    assert.equal(await page.locator('#discharge-rtt-return_to_primary').isChecked(), true);
    await page.locator('label[for="discharge-rtt-active_monitoring_patient"]').click();
    await page.locator('#discharge-form button[type="submit"]').click();
    await page.locator('#success-banner').waitFor();
    assert.match(await statusText(), /Discharged/);
    const tok = await server.token('clinician.cardio');
    const ref = await server.api(`/referrals/${referralId}`, { token: tok });
    const wl = await server.api(`/waiting-list?status=all&patient=${ref.body.patient.nhs_number}&page_size=200`, { token: tok });
    const pw = wl.body.items.find((x) => x.referral_id === Number(referralId));
    assert.equal(pw?.rtt_status?.code, '31', 'patient-initiated active monitoring stops the clock with 31');
    assert.match(await page.locator('#holder').textContent(), /Nobody/);
    assert.equal(await page.locator('#actions form').count(), 0, 'no actions on an ended referral');
    assert.ok((await page.locator('#timeline').textContent()).includes(DISCHARGE));
    await shot(page, '23-discharged');
  });

  step('an expired or bad token sends the user back to sign in', async () => {
    await page.evaluate(() => sessionStorage.setItem('seam.token', 'not-a-real-token'));
    await page.goto(`${server.url}/worklist.html`);
    await page.waitForURL(/index\.html\?expired=1/);
    await page.locator('.nhsuk-notification-banner', { hasText: 'Your session has ended' }).waitFor();
  });

  step('no JavaScript errors on any page', async () => {
    assert.deepEqual(page.errors, []);
  });
});

describe('a server without --dev', { timeout: 120000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startSeam({ dev: false });
    browser = await launchChromium();
  });

  after(() => stopBrowserTest(server, browser));

  it('says development sign-in is not enabled, and lists nobody', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.url}/`);
    const msg = page.locator('#dev-disabled');
    await msg.waitFor();
    assert.match(await msg.textContent(), /Development sign-in is not enabled on this server/);
    assert.equal(await page.locator('button.seam-persona').count(), 0);
    assert.ok(await page.locator('#dev-warning').isHidden(), 'no demo-persona warning');
    await shot(page, '24-no-dev-sign-in');
    assert.deepEqual(page.errors, []);
  });

  it('pages work with a token from `seam token`', async () => {
    const page = await newPage(browser);
    const token = await server.token('triage.cardio');
    await page.goto(`${server.url}/`);
    await page.evaluate((t) => sessionStorage.setItem('seam.token', t), token);
    await page.goto(`${server.url}/worklist.html`);
    await page.locator('#worklist-table, #empty-state').first().waitFor();
    assert.match(await page.locator('#signed-in-role').textContent(), /Triager/);
    assert.deepEqual(page.errors, []);
  });
});
