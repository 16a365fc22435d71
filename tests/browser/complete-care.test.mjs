// Browser test: complete care through the pages - a patient seen in
// Cardiology at Northgate is discharged; the discharge summary is due on the
// clinician's worklist and Letters page; the clinician issues a fit note with
// it and sends it with one action for the GP (a reason is required); the GP's
// inbox shows the action under "Needs your action" and the letter under "For
// information"; the GP declines the action (a reason is required), and marks
// the letter read.
//
//   make && node --test tests/browser/complete-care.test.mjs
//
// Screenshots go to build/screenshots/5x-*.png.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  actOn, isoNow, patientsOf, refer, startBrowserTest, stopBrowserTest, trustService,
} from './lib/setup.mjs';
import { escapeRegExp, shot, signIn, signOut, stepper } from './lib/browser.mjs';

const DIAGNOSIS = 'Paroxysmal atrial fibrillation, rate controlled. Normal echocardiogram.';
const MEDICATION = 'Started apixaban 5 mg twice daily. Bisoprolol increased to 5 mg once daily.';
const HOSPITAL = 'Cardiology clinic in 3 months with a 24-hour tape, booked by us.';
const GP_ACTION = 'Check renal function and full blood count in 4 weeks';
const GP_REASON = 'Apixaban dose depends on renal function; the practice sees him sooner than we do.';
const DECLINE = 'The patient is having these bloods at the anticoagulation clinic next week; please ask them.';
const CONDITION = 'Atrial fibrillation';

function isoDaysFromNow(days) {
  return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

describe('complete care: discharge summary, GP action declined with a reason, letter read', { timeout: 300000 }, () => {
  let server;
  let browser;
  let page;
  let patient;
  let referralId;
  let letterId;
  const step = stepper(it, () => page, () => server);

  before(async () => {
    ({ server, browser, page } = await startBrowserTest());

    // Referred, accepted, booked and seen, then discharged: all through the API.
    const gp = await server.token('gp.patel');
    const triager = await server.token('triage.cardio');
    const booking = await server.token('booking.rza');
    const clinician = await server.token('clinician.cardio');
    const patients = await patientsOf(server, gp);
    patient = patients[7] || patients[0];
    const cardiology = await trustService(server, gp, 'RZA', 'Cardiology', { accepting: true });

    referralId = (await refer(server, gp, {
      patient, service: cardiology, priority: 'urgent',
      reason: 'Palpitations, irregular pulse', clinical_summary: 'Irregularly irregular pulse at 110; ECG shows AF.',
    })).id;
    await actOn(server, referralId, [
      [triager, 'triage', { decision: 'accept' }],
      [booking, 'book', { appointment_at: isoNow(-60000) }], // booked for now: seen now
      [clinician, 'attend', {}],
    ]);
    const discharged = await server.api('/discharges', {
      method: 'POST',
      token: clinician,
      body: {
        patient_nhs_number: patient.nhs_number, service_id: cardiology.id, referral_id: referralId,
        discharged_at: isoNow(-3600000),
      },
    });
    assert.equal(discharged.status, 201, `POST /discharges: ${JSON.stringify(discharged.body)}`);
    assert.equal(discharged.body.kind, 'discharge');
    assert.equal(discharged.body.status, 'due');
    letterId = discharged.body.id;
  });

  after(() => stopBrowserTest(server, browser));

  step('clinician.cardio has the discharge summary to write on the worklist', async () => {
    await signIn(page, server.url, 'clinician.cardio', /\/worklist\.html/);
    const nav = await page.locator('.nhsuk-header__navigation-link').allTextContents();
    for (const item of ['Results', 'Letters', 'Follow-ups']) {
      assert.ok(nav.some((t) => t.trim() === item), `"${item}" in the clinician's navigation: ${nav.join(', ')}`);
    }
    const row = page.locator(`#worklist-table tr[data-letter-id="${letterId}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /Write discharge summary/);
    assert.match(await row.textContent(), new RegExp(escapeRegExp(patient.family_name), 'i'));
    assert.equal(await row.locator('a', { hasText: 'Open' }).getAttribute('href'), `letter.html?id=${letterId}`);
    await shot(page, '51-clinician-worklist');
  });

  step('the Letters page lists it as due, and opens it', async () => {
    await Promise.all([
      page.waitForURL(/\/letters\.html/),
      page.locator('.nhsuk-header__navigation-link', { hasText: 'Letters' }).click(),
    ]);
    const row = page.locator(`#due-table tr[data-letter-id="${letterId}"]`);
    await row.waitFor();
    const text = await row.textContent();
    assert.match(text, /Discharge summary/);
    assert.match(text, new RegExp(escapeRegExp(patient.family_name), 'i'));
    assert.match(await page.locator('#due-count').textContent(), /\d+ letters? due/);
    await shot(page, '52-letters-due');
    await Promise.all([page.waitForURL(new RegExp(`letter\\.html\\?id=${letterId}$`)), row.locator('a', { hasText: 'Write' }).click()]);
    await page.locator('#send-form').waitFor();
    assert.match(await page.locator('h1').textContent(), /Discharge summary for/);
    assert.match(await page.locator('#status-line').textContent(), /Due/);
    assert.match(await page.locator('#holder').textContent(), /Northgate Hospitals/);
  });

  step('the clinician issues a fit note with the discharge summary', async () => {
    await page.locator('#fit-note-details summary').click();
    await page.locator('#fit-from').fill(isoDaysFromNow(0));
    await page.locator('#fit-to').fill(isoDaysFromNow(14));
    await page.locator('#fit-condition').fill(CONDITION);
    await page.locator('#fit-note-form button[type="submit"]').click();
    await page.locator('#success-banner').waitFor();
    assert.match(await page.locator('#success-banner').textContent(), /Fit note issued/);
    const note = await page.locator('#fit-note').textContent();
    assert.ok(note.includes(CONDITION), `fit note shows the condition: ${note}`);
    assert.equal(await page.locator('#fit-note-form').count(), 0, 'one fit note per letter');
  });

  step('a GP action without a reason is refused; with one it is sent', async () => {
    await page.locator('#diagnosis').fill(DIAGNOSIS);
    await page.locator('#medication_changes').fill(MEDICATION);
    await page.locator('#days_medication_supplied').fill('28');
    await page.locator('#hospital_actions').fill(HOSPITAL);
    await page.locator('#gp-action-text-0').fill(GP_ACTION);
    await page.locator('#send-form button[type="submit"]').click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    assert.match(await summary.textContent(), /why the GP should do GP action 1/);
    assert.equal(await summary.locator('a').getAttribute('href'), '#gp-action-reason-0');
    assert.equal(await page.locator('.nhsuk-form-group--error', { has: page.locator('#gp-action-reason-0') }).count(), 1);
    await shot(page, '53-letter-gp-action-needs-reason');

    // A second row can be added and removed again.
    await page.locator('#add-gp-action').click();
    await page.locator('#gp-action-text-1').waitFor();
    await page.locator('.seam-gp-action-row[data-index="1"] .seam-remove-action').click();
    assert.equal(await page.locator('.seam-gp-action-row').count(), 1);

    await page.locator('#gp-action-reason-0').fill(GP_REASON);
    await shot(page, '54-letter-send-form');
    await page.locator('#send-form button[type="submit"]').click();
    const banner = page.locator('#success-banner');
    await banner.waitFor();
    assert.match(await banner.textContent(), /Discharge summary sent to Riverside Surgery with 1 action for the GP/);
    assert.match(await page.locator('#status-line').textContent(), /Sent/);
    const content = await page.locator('#letter-content').textContent();
    assert.ok(content.includes(DIAGNOSIS) && content.includes(MEDICATION) && content.includes(HOSPITAL), content);
    assert.match(content, /28 days/);
    const action = page.locator(`#gp-action-${letterId}-1`);
    assert.ok((await action.textContent()).includes(GP_REASON));
    assert.match(await action.textContent(), /Waiting for the GP/);
    assert.equal(await page.locator('#send-form').count(), 0, 'no send form once sent');
    assert.equal(await action.locator('form').count(), 0, 'the hospital cannot decide for the GP');
    await shot(page, '55-letter-sent');
  });

  step('gp.patel lands on the inbox: the action needs action, the letter is for information', async () => {
    await signOut(page);
    await signIn(page, server.url, 'gp.patel', /\/inbox\.html/);
    await page.locator('h1', { hasText: 'Inbox' }).waitFor();
    assert.equal((await page.locator('.nhsuk-header__navigation-item--current').textContent()).trim(), 'Inbox');
    const actionItem = page.locator(`#inbox-actions li[data-type="letter_gp_action"][data-id="${letterId}"]`);
    await actionItem.waitFor();
    const at = await actionItem.textContent();
    assert.ok(at.includes(GP_ACTION), 'the action is under "Needs your action"');
    assert.ok(at.includes(GP_REASON), "with the hospital's reason");
    assert.match(at, new RegExp(escapeRegExp(patient.family_name), 'i'));
    const letterItem = page.locator(`#inbox-information li[data-type="letter"][data-id="${letterId}"]`);
    await letterItem.waitFor();
    assert.match(await letterItem.textContent(), /Discharge summary/);
    assert.equal(await page.locator(`#inbox-information li[data-type="letter_gp_action"]`).count(), 0, 'no actions under information');
    assert.equal(await page.locator(`#inbox-actions li[data-type="letter"]`).count(), 0, 'no plain letters under actions');
    await shot(page, '56-gp-inbox');
  });

  step('declining without a reason shows an error; with a reason it is declined', async () => {
    const base = `gp-action-${letterId}-1`;
    await page.locator(`#${base}-decline-details summary`).click();
    await page.locator(`#${base}-decline-form button[type="submit"]`).click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    assert.match(await summary.textContent(), /why you are declining/i);
    assert.equal(await page.locator(`#${base}[data-status="pending"]`).count(), 1, 'still pending');
    await shot(page, '57-gp-decline-needs-reason');

    await page.locator(`#${base}-reason`).fill(DECLINE);
    await page.locator(`#${base}-decline-form button[type="submit"]`).click();
    const banner = page.locator('#success-banner');
    await banner.waitFor();
    assert.match(await banner.textContent(), /You declined GP action 1/);
    assert.equal(await page.locator('.nhsuk-error-summary').count(), 0, 'the old error is cleared');
    assert.equal(await page.locator(`#inbox-actions li[data-type="letter_gp_action"][data-id="${letterId}"]`).count(), 0,
      'nothing left to act on for this letter');
    // The unread letter still shows the action, now declined, with the reason.
    const declined = page.locator(`#info-gp-action-${letterId}-1`);
    assert.equal(await declined.getAttribute('data-status'), 'declined');
    assert.match(await declined.textContent(), /Declined by Dr Anjali Patel/);
    assert.ok((await declined.textContent()).includes(DECLINE));
    await shot(page, '58-gp-action-declined');
  });

  step('the GP marks the letter read; the letter page says so', async () => {
    await page.locator(`#read-letter-${letterId}-form button[type="submit"]`).click();
    await page.locator('#success-banner').waitFor();
    assert.match(await page.locator('#success-banner').textContent(), /marked as read/);
    assert.equal(await page.locator(`#inbox-information li[data-type="letter"][data-id="${letterId}"]`).count(), 0);
    await Promise.all([page.waitForURL(new RegExp(`letter\\.html\\?id=${letterId}$`)), page.locator('#success-banner a').click()]);
    await page.locator('#letter-content').waitFor();
    assert.match(await page.locator('#status-line').textContent(), /Read by the GP/);
    const action = page.locator(`#gp-action-${letterId}-1`);
    assert.equal(await action.getAttribute('data-status'), 'declined');
    assert.ok((await action.textContent()).includes(DECLINE));
    assert.equal(await page.locator('#read-form').count(), 0);
    assert.ok((await page.locator('#fit-note').textContent()).includes(CONDITION), 'the GP sees the fit note');
    await shot(page, '59-gp-letter-read');
  });

  step("the hospital sees the decline among the referral's letters", async () => {
    await signOut(page);
    await signIn(page, server.url, 'clinician.cardio', /\/worklist\.html/);
    await page.goto(`${server.url}/referral.html?id=${referralId}`);
    await Promise.all([page.waitForURL(/letters\.html\?referral=/), page.locator('#letters-link').click()]);
    const row = page.locator(`#sent-table tr[data-letter-id="${letterId}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /1 declined/);
    assert.match(await row.textContent(), /Read by the GP/);
    await shot(page, '5a-letters-sent');
  });

  step('no JavaScript errors on any page', async () => {
    assert.deepEqual(page.errors, []);
  });
});
