// Browser test: advice and guidance through the real pages - a GP asks
// Cardiology at Northgate an urgent question (consenting to conversion) with
// a file attached, the specialist opens it from the worklist and writes back
// with a question, the GP replies, the specialist converts the request into
// a referral, which is then awaiting booking, links back to the thread, and
// is on the booking team's worklist.  Last, the interface lead sees it in the
// interface measures.
//
//   make && node --test tests/browser/advice.test.mjs
//
// Screenshots of each step go to build/screenshots/3x-*.png.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { patientsOf, startBrowserTest, stopBrowserTest, trustService } from './lib/setup.mjs';
import { escapeRegExp, nhs334, shot, signIn, signOut, stepper } from './lib/browser.mjs';

const QUESTION = 'Palpitations for 3 weeks, 24-hour tape shows paroxysmal AF, CHA2DS2-VASc 2.\n'
  + 'Should I start anticoagulation now, and does he need to be seen?';
const SPECIALIST_QUESTION = 'Has he had an echocardiogram, and what is his renal function?';
const GP_REPLY = 'No echo yet. eGFR 68, creatinine 98. Still symptomatic despite bisoprolol 2.5 mg.';
const CONVERT_COMMENT = 'Symptomatic AF: needs to be seen in clinic with an echo.';
const FILE_NAME = 'holter-summary.txt';
const FILE_TEXT = '24-hour Holter: paroxysmal AF, longest run 42 minutes, max rate 148.\n';

describe('advice and guidance: ask, write back, reply, convert to a referral', { timeout: 300000 }, () => {
  let server;
  let browser;
  let page;
  let patient;
  let cardiology;
  let adviceId;
  let referralId;
  const step = stepper(it, () => page, () => server);

  before(async () => {
    ({ server, browser, page } = await startBrowserTest());

    const gpToken = await server.token('gp.patel');
    const patients = await patientsOf(server, gpToken);
    patient = patients[2] || patients[0];

    cardiology = await trustService(server, gpToken, 'RZA', 'Cardiology');
    assert.notEqual(cardiology.accepts_advice, false, 'Cardiology at RZA gives advice');
  });

  after(() => stopBrowserTest(server, browser));

  step('gp.patel finds "Ask for advice" from the Advice page', async () => {
    await signIn(page, server.url, 'gp.patel', /\/inbox\.html/);
    const nav = page.locator('.nhsuk-header__navigation-link', { hasText: 'Advice' });
    await Promise.all([page.waitForURL(/\/advice-list\.html/), nav.click()]);
    await page.locator('h1', { hasText: 'Advice and guidance' }).waitFor();
    assert.equal(await page.locator('.nhsuk-header__navigation-item--current').textContent().then((t) => t.trim()), 'Advice');
    await Promise.all([page.waitForURL(/\/advice-new\.html/), page.locator('#ask-button').click()]);
    await page.locator('h1', { hasText: 'Ask a specialist for advice' }).waitFor();
  });

  step('the GP asks Cardiology at Northgate an urgent question, consenting to conversion, with a file', async () => {
    await page.locator('#patient-q').fill(nhs334(patient.nhs_number));
    await page.locator('#patient-search-button').click();
    const rowSel = `#patient-table tr[data-nhs-number="${patient.nhs_number}"]`;
    await page.locator(rowSel).waitFor();
    await page.locator(`${rowSel} button.seam-select-patient`).click();
    assert.equal((await page.locator('#chosen-nhs-number').textContent()).trim(), nhs334(patient.nhs_number));

    await page.waitForFunction(() => !document.querySelector('#service_id').disabled);
    await page.locator('#service_id').selectOption(String(cardiology.id));
    assert.match(await page.locator('#service-info').textContent(), /Northgate/);
    await page.locator('#priority-urgent').check();
    await page.locator('#question').fill(QUESTION);

    // Consent is required: sending without it is refused, against its field.
    await page.locator('#submit-advice').click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    assert.match(await summary.textContent(), /convert|referral|consent/i);
    assert.match(page.url(), /advice-new\.html/);

    await page.locator('#consent-yes').check();
    await page.locator('#attachment').setInputFiles({ name: FILE_NAME, mimeType: 'text/plain', buffer: Buffer.from(FILE_TEXT) });
    await shot(page, '31-advice-form');

    const gpToken = await server.token('gp.patel');
    const count = async () => (await server.api('/advice', { token: gpToken })).body.total;
    const before = await count();
    await Promise.all([page.waitForURL(/\/advice\.html\?id=\d+/), page.locator('#submit-advice').dblclick()]);
    adviceId = new URL(page.url()).searchParams.get('id');
    assert.ok(adviceId, 'advice id in the URL');
    assert.equal(await count(), before + 1, 'exactly one advice request created');
  });

  step('the request awaits the specialist, with the question and the file', async () => {
    await page.locator('#success-banner').waitFor();
    assert.match(await page.locator('#success-banner').textContent(), /Advice request sent to Cardiology, Northgate/);
    const status = await page.locator('#status-line').textContent();
    assert.match(status, /Awaiting specialist/);
    assert.match(status, /Urgent/);
    const holder = await page.locator('#holder').textContent();
    assert.match(holder, /Who holds this now/);
    assert.match(holder, /Northgate Hospitals/);
    assert.match(holder, /Cardiology/);
    assert.match(await page.locator('#consent').textContent(), /^Yes/);
    const thread = page.locator('#thread li');
    assert.equal(await thread.count(), 1);
    assert.ok((await thread.first().textContent()).includes('Should I start anticoagulation now'), 'question shown');
    assert.match(await thread.first().textContent(), /Dr Anjali Patel/);
    // The GP cannot answer their own question.
    assert.equal(await page.locator('#respond-form').count(), 0);
    assert.equal(await page.locator('#reply-form').count(), 0);

    // The file was uploaded after the request was made; it downloads
    // (through the bearer token) with its name and content.
    const link = page.locator('#attachments a.seam-attachment-link', { hasText: FILE_NAME });
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), FILE_NAME);
    const path = await download.path();
    const { readFile } = await import('node:fs/promises');
    assert.equal(await readFile(path, 'utf8'), FILE_TEXT);
    await shot(page, '32-advice-awaiting-specialist');
  });

  step('triage.cardio opens it from the worklist', async () => {
    await signOut(page);
    await signIn(page, server.url, 'triage.cardio', /\/worklist\.html/);
    const row = page.locator(`#worklist-table tr[data-advice-id="${adviceId}"]`);
    await row.waitFor();
    const text = await row.textContent();
    assert.match(text, /Answer advice request/);
    assert.match(text, new RegExp(escapeRegExp(patient.family_name), 'i'));
    assert.match(text, /Urgent/);
    await shot(page, '33-specialist-worklist');
    await Promise.all([
      page.waitForURL(new RegExp(`advice\\.html\\?id=${adviceId}$`)),
      row.locator('a', { hasText: 'Open' }).click(),
    ]);
  });

  step('the specialist writes back with a question', async () => {
    await page.locator('#respond-form').waitFor();
    await page.locator('#close-advice-form').waitFor();
    await page.locator('#convert-form').waitFor(); // the GP consented
    await page.locator('#respond-kind-question').check();
    await page.locator('#respond-text').waitFor({ state: 'visible' });
    await page.locator('#respond-text').fill(SPECIALIST_QUESTION);
    await shot(page, '34-specialist-write-back');
    await page.locator('#respond-form button[type="submit"]').click();
    const banner = page.locator('#success-banner');
    await banner.waitFor();
    assert.match(await banner.textContent(), /Sent to the GP/);
    assert.match(await page.locator('#status-line').textContent(), /Awaiting GP reply/);
    assert.match(await page.locator('#holder').textContent(), /Riverside Surgery/);
    assert.equal(await page.locator('#respond-form').count(), 0, 'no write-back form once with the GP');
    const last = page.locator('#thread li').last();
    assert.ok((await last.textContent()).includes(SPECIALIST_QUESTION));
    assert.match(await last.textContent(), /Dr Amelia Hart/);
  });

  step('gp.patel sees the question on the worklist and replies', async () => {
    await signOut(page);
    await signIn(page, server.url, 'gp.patel', /\/inbox\.html/);
    await page.goto(`${server.url}/worklist.html`);
    const row = page.locator(`#worklist-table tr[data-advice-id="${adviceId}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /Reply to specialist/);
    await Promise.all([
      page.waitForURL(new RegExp(`advice\\.html\\?id=${adviceId}$`)),
      row.locator('a', { hasText: 'Open' }).click(),
    ]);
    const thread = await page.locator('#thread').textContent();
    assert.ok(thread.includes(SPECIALIST_QUESTION), "the specialist's question is in the thread");
    assert.match(thread, /Triager, Northgate Hospitals/);
    // "Refer instead" keeps the original date for the patient's place in the queue.
    assert.match(await page.locator('#gp-convert-form').textContent(), /original request date.*kept/);
    await page.locator('#gp-close-form').waitFor();
    await page.locator('#withdraw-details').waitFor();
    await page.locator('#reply-text').fill(GP_REPLY);
    await shot(page, '35-gp-reply');
    await page.locator('#reply-form button[type="submit"]').click();
    await page.locator('#success-banner').waitFor();
    assert.match(await page.locator('#success-banner').textContent(), /Reply sent/);
    assert.match(await page.locator('#status-line').textContent(), /Awaiting specialist/);
    assert.ok((await page.locator('#thread li').last().textContent()).includes(GP_REPLY));
  });

  step('triage.cardio converts it to a referral', async () => {
    await signOut(page);
    await signIn(page, server.url, 'triage.cardio', /\/worklist\.html/);
    const row = page.locator(`#worklist-table tr[data-advice-id="${adviceId}"]`);
    await row.waitFor();
    await Promise.all([page.waitForURL(/advice\.html/), row.locator('a', { hasText: 'Open' }).click()]);
    await page.locator('#convert-form').waitFor();
    assert.equal(await page.locator('#thread li').count(), 3, 'question, write-back and reply');
    await page.locator('#convert-comment').fill(CONVERT_COMMENT);
    await page.locator('#convert-form button[type="submit"]').click();
    const banner = page.locator('#success-banner');
    await banner.waitFor();
    assert.match(await banner.textContent(), /Converted to referral \d+/);
    const href = await page.locator('#new-referral-link').getAttribute('href');
    referralId = new URL(href, server.url).searchParams.get('id');
    assert.ok(referralId, 'link to the new referral');
    assert.match(await page.locator('#status-line').textContent(), /Converted to referral/);
    assert.match(await page.locator('#converted-link').textContent(), new RegExp(`referral ${referralId}`));
    assert.match(await page.locator('#holder').textContent(), /Nobody/);
    assert.equal(await page.locator('#actions').count(), 0, 'no actions once converted');
    await shot(page, '36-advice-converted');
    await Promise.all([
      page.waitForURL(new RegExp(`referral\\.html\\?id=${referralId}$`)),
      page.locator('#new-referral-link').click(),
    ]);
  });

  step('the new referral is awaiting booking and links to the advice thread', async () => {
    await page.locator('#status-line').waitFor();
    assert.match(await page.locator('#status-line').textContent(), /Awaiting booking/);
    assert.match(await page.locator('#status-line').textContent(), /Urgent/);
    assert.match(await page.locator('#holder').textContent(), /Booking team/);
    const link = page.locator('#advice-link');
    assert.equal(await link.getAttribute('href'), `advice.html?id=${adviceId}`);
    assert.match(await link.textContent(), new RegExp(`Advice request ${adviceId}`));
    assert.ok((await page.locator('#referral-details').textContent()).includes(nhs334(patient.nhs_number)));
    await shot(page, '37-converted-referral');
  });

  step('booking.rza sees the new referral on the worklist', async () => {
    await signOut(page);
    await signIn(page, server.url, 'booking.rza', /\/worklist\.html/);
    const row = page.locator(`#worklist-table tr[data-referral-id="${referralId}"]`);
    await row.waitFor();
    const text = await row.textContent();
    assert.match(text, /Booking/);
    assert.match(text, new RegExp(escapeRegExp(patient.family_name), 'i'));
    await shot(page, '38-booking-worklist');
  });

  step('lead.rza sees the request counted in the interface measures', async () => {
    await signOut(page);
    await signIn(page, server.url, 'lead.rza', /\/worklist\.html/);
    // The trust's advice list shows the request, converted, held by nobody.
    await Promise.all([
      page.waitForURL(/\/advice-list\.html/),
      page.locator('.nhsuk-header__navigation-link', { hasText: 'Advice' }).click(),
    ]);
    // Ended requests list newest first, so the filtered first page has it.
    await page.locator('#status').selectOption('converted');
    await Promise.all([page.waitForURL(/status=converted/), page.locator('#filters button[type="submit"]').click()]);
    assert.match(await page.locator('#result-count').textContent(), /with status “Converted to referral”/);
    const adviceRow = page.locator(`#advice-table tr[data-advice-id="${adviceId}"]`);
    await adviceRow.waitFor();
    assert.match(await adviceRow.textContent(), /Converted to referral/);
    assert.match(await adviceRow.textContent(), /Nobody – ended/);
    assert.equal(await page.locator('#ask-button').count(), 0, 'only GPs ask for advice');
    await shot(page, '39-advice-list-trust');
    await Promise.all([
      page.waitForURL(/\/measures\.html/),
      page.locator('.nhsuk-header__navigation-link', { hasText: 'Measures' }).click(),
    ]);
    const row = page.locator(`#measures-table tr[data-service-id="${cardiology.id}"]`);
    await row.waitFor();
    const requests = Number((await row.locator('[data-measure="advice_requests"]').textContent()).replace(/\D/g, ''));
    assert.ok(requests >= 1, `Cardiology A&G requests shown (${requests})`);
    assert.match(await row.locator('[data-measure="advice_conversion_pct"]').textContent(), /\d+\.\d%/);
    assert.match(await page.locator('#measures-total').textContent(), /All services/);
    assert.match(await page.locator('#measures-table thead').textContent(), /Median response \(working hours\)/);
    await shot(page, '3a-measures');
  });

  step('no JavaScript errors on any page', async () => {
    assert.deepEqual(page.errors, []);
  });
});
