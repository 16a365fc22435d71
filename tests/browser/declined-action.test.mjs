// Browser test: a declined GP action is an owned handoff (hazard H28), and the
// dates and fit notes of a letter tell the truth (H29, H30).  Cardiology at
// Northgate records through the referral page when the patient was seen (the
// attend form sends it, default now); the clinic letter goes with two actions
// for the GP; the GP accepts one and declines the 24-hour ECG with a reason, and
// sees that the hospital keeps it (who, by when); the declined action is on the
// cardiology clinician's worklist; the clinician opens it, is refused without an
// outcome, and records that the hospital arranged it; the clinician issues a fit
// note on the letter already sent; the GP sees the action resolved, the fit
// note, and an information item in the inbox.
//
//   make && node --test tests/browser/declined-action.test.mjs
//
// Screenshots go to build/screenshots/6x-*.png.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  actOn, isoNow, patientsOf, refer, startBrowserTest, stopBrowserTest, trustService,
} from './lib/setup.mjs';
import { escapeRegExp, shot, signIn, signOut, stepper } from './lib/browser.mjs';

const ECG = 'Arrange a 24-hour ECG';
const ECG_REASON = 'Capture the rhythm during the palpitations';
const TFT = 'Check thyroid function';
const DECLINE = '24-hour ECG is not commissioned in primary care; please arrange it from clinic';
const NOTE = '24-hour ECG booked in the cardiac physiology department for next week';
const CONDITION = 'Palpitations under investigation';

describe('a declined GP action reaches the hospital worklist and is resolved; the GP sees its state', { timeout: 300000 }, () => {
  let server;
  let browser;
  let page;
  let patient;
  let referralId;
  let letterId;
  let clinician;
  const step = stepper(it, () => page, () => server);

  before(async () => {
    ({ server, browser, page } = await startBrowserTest());
    const gp = await server.token('gp.patel');
    const triager = await server.token('triage.cardio');
    const booking = await server.token('booking.rza');
    clinician = await server.token('clinician.cardio');
    const patients = await patientsOf(server, gp);
    patient = patients[5] || patients[0];
    const cardiology = await trustService(server, gp, 'RZA', 'Cardiology', { accepting: true });
    referralId = (await refer(server, gp, {
      patient, service: cardiology,
      reason: 'Palpitations', clinical_summary: 'Intermittent palpitations for three months; normal resting ECG.',
    })).id;
    await actOn(server, referralId, [
      [triager, 'triage', { decision: 'accept' }],
      [booking, 'book', { appointment_at: isoNow(-60000) }], // the clinic is now
    ]);
  });

  after(() => stopBrowserTest(server, browser));

  step('the clinician records when the patient was seen; a future time is refused', async () => {
    await signIn(page, server.url, 'clinician.cardio', /\/worklist\.html/);
    await page.goto(`${server.url}/referral.html?id=${referralId}`);
    const input = page.locator('#attended_at');
    await input.waitFor();
    const def = await input.inputValue();
    assert.match(def, /^\d{4}-\d\d-\d\dT\d\d:\d\d$/, `the attend form defaults to now: ${def}`);
    // a time tomorrow is refused, naming the field
    const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 16);
    await input.fill(tomorrow);
    await page.locator('#attend-form button[type="submit"]').click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    assert.match(await summary.textContent(), /cannot be in the future/);
    await shot(page, '61-attend-future-refused');
    await input.fill(def);
    await page.locator('#attend-form button[type="submit"]').click();
    await page.locator('#success-banner').waitFor();
    assert.match(await page.locator('#success-banner').textContent(), /Attendance recorded/);
  });

  step('the clinic letter is sent with two actions; the GP accepts one and declines the ECG', async () => {
    const ls = await server.api(`/letters?status=due&referral=${referralId}`, { token: clinician });
    assert.equal(ls.status, 200);
    assert.equal(ls.body.letters.length, 1);
    letterId = ls.body.letters[0].id;
    const sent = await server.api(`/letters/${letterId}/send`, {
      method: 'POST',
      token: clinician,
      body: {
        diagnosis: 'Palpitations, probably ectopic beats; structurally normal heart',
        hospital_actions: 'Review in clinic with the ECG result',
        gp_actions: [{ text: TFT, reason: 'Exclude thyrotoxicosis' }, { text: ECG, reason: ECG_REASON }],
      },
    });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));

    await signOut(page);
    await signIn(page, server.url, 'gp.patel', /\/inbox\.html/);
    await page.goto(`${server.url}/letter.html?id=${letterId}`);
    const a1 = `gp-action-${letterId}-1`;
    const a2 = `gp-action-${letterId}-2`;
    await page.locator(`#${a1}-accept-form button[type="submit"]`).click();
    await page.locator('#success-banner').waitFor();
    await page.locator(`#${a2}-decline-details summary`).click();
    await page.locator(`#${a2}-reason`).fill(DECLINE);
    await page.locator(`#${a2}-decline-form button[type="submit"]`).click();
    await page.locator('#success-banner', { hasText: 'You declined GP action 2' }).waitFor();
    const item = page.locator(`#${a2}`);
    assert.equal(await item.getAttribute('data-state'), 'with_hospital');
    const text = await item.textContent();
    assert.match(text, /Declined: with the hospital/);
    assert.match(text, /The hospital keeps this:.*Northgate/s);
    assert.match(text, /Cardiology/);
    assert.match(text, /due by/);
    assert.equal(await page.locator(`#${a2}-resolve-form`).count(), 0, 'the GP cannot resolve it');
    assert.equal(await page.locator(`#${a1}`).getAttribute('data-state'), 'accepted');
    await shot(page, '62-gp-declined-with-hospital');
  });

  step('the declined action is on the cardiology clinician\'s worklist', async () => {
    await signOut(page);
    await signIn(page, server.url, 'clinician.cardio', /\/worklist\.html/);
    // The worklist comes a page at a time, overdue first: find the page it is on.
    const row = page.locator(`#worklist-table tr[data-subject="gp_action"][data-gp-action-id="${letterId}"]`);
    for (let p = 1; p <= 5; p++) {
      if (p > 1) await page.goto(`${server.url}/worklist.html?page=${p}`);
      await page.locator('h1', { hasText: 'Your worklist' }).waitFor();
      await page.locator('#worklist-table').waitFor();
      if (await row.count()) break;
    }
    await row.waitFor();
    const text = await row.textContent();
    assert.match(text, /Declined GP action/);
    assert.match(text, new RegExp(`letter ${letterId}, action 2`));
    assert.ok(text.includes(ECG), `the action's text: ${text}`);
    assert.match(text, new RegExp(escapeRegExp(patient.family_name), 'i'));
    await shot(page, '63-clinician-worklist-declined-action');
    await Promise.all([
      page.waitForURL(new RegExp(`letter\\.html\\?id=${letterId}#gp-action-${letterId}-2$`)),
      row.locator('a', { hasText: 'Open' }).click(),
    ]);
    await page.locator(`#gp-action-${letterId}-2-resolve-form`).waitFor();
    assert.match(await page.locator('#resolve-intro').textContent(), /declined by the GP/);
  });

  step('resolving needs an outcome, and a note when agreed otherwise; then it is resolved', async () => {
    const base = `gp-action-${letterId}-2`;
    await page.locator(`#${base}-resolve-form button[type="submit"]`).click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    assert.match(await summary.textContent(), /Select what was done about action 2/);
    await page.locator(`#${base}-outcome-otherwise`).check();
    await page.locator(`#${base}-resolve-form button[type="submit"]`).click();
    await page.locator('.nhsuk-error-summary', { hasText: 'Say what was agreed instead' }).waitFor();
    await shot(page, '64-resolve-needs-note');
    await page.locator(`#${base}-outcome-arranged`).check();
    await page.locator(`#${base}-note`).fill(NOTE);
    await page.locator(`#${base}-resolve-form button[type="submit"]`).click();
    await page.locator('#success-banner', { hasText: 'You recorded what was done about GP action 2' }).waitFor();
    const item = page.locator(`#${base}`);
    assert.equal(await item.getAttribute('data-state'), 'resolved');
    const text = await item.textContent();
    assert.match(text, /Resolved by the hospital/);
    assert.match(text, /Arranged by the hospital/);
    assert.ok(text.includes(NOTE));
    assert.equal(await page.locator(`#${base}-resolve-form`).count(), 0);
    await shot(page, '65-resolved');
    // gone from the worklist
    await page.goto(`${server.url}/worklist.html`);
    await page.locator('h1', { hasText: 'Your worklist' }).waitFor();
    assert.equal(await page.locator(`#worklist-table tr[data-subject="gp_action"][data-gp-action-id="${letterId}"]`).count(), 0);
  });

  step('the clinician issues a fit note on the letter already sent', async () => {
    await page.goto(`${server.url}/letter.html?id=${letterId}`);
    await page.locator('#letter-content').waitFor();
    await page.locator('#fit-note-details summary').click();
    const today = new Date().toISOString().slice(0, 10);
    await page.locator('#fit-from').fill(today);
    await page.locator('#fit-to').fill(new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 10));
    await page.locator('#fit-condition').fill(CONDITION);
    await page.locator('#fit-note-form button[type="submit"]').click();
    await page.locator('#success-banner', { hasText: 'Fit note issued' }).waitFor();
    assert.ok((await page.locator('#fit-note').textContent()).includes(CONDITION));
  });

  step('the GP sees the action resolved, the fit note, and an information item', async () => {
    await signOut(page);
    await signIn(page, server.url, 'gp.patel', /\/inbox\.html/);
    const info = page.locator(`#inbox-information li[data-type="gp_action_resolved"][data-id="${letterId}"]`);
    await info.waitFor();
    assert.match(await info.textContent(), /arranged by the hospital/);
    await shot(page, '66-gp-inbox-resolved');
    await page.goto(`${server.url}/letter.html?id=${letterId}`);
    const item = page.locator(`#gp-action-${letterId}-2`);
    await item.waitFor();
    assert.equal(await item.getAttribute('data-state'), 'resolved');
    assert.ok((await item.textContent()).includes(NOTE));
    assert.ok((await page.locator('#fit-note').textContent()).includes(CONDITION), 'the GP sees the fit note');
    assert.equal(await page.locator('#fit-note-form').count(), 0, 'the GP cannot issue one');
    await shot(page, '67-gp-letter-resolved');
  });

  step('no JavaScript errors on any page', async () => {
    assert.deepEqual(page.errors, []);
  });
});
