// Browser test: the triage additions through the pages - a return with a
// reason code, the GP turning the returned referral into an advice request,
// the triager converting a referral to advice and guidance, and an onward
// referral for the same condition keeping the clock.
//
//   make && node --test tests/browser/triage-advice.test.mjs
//
// Screenshots go to build/screenshots/4x-*.png.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  actOn, patientsOf, refer, servicesList, startBrowserTest, stopBrowserTest,
} from './lib/setup.mjs';
import { shot, signIn, signOut, stepper } from './lib/browser.mjs';

const GP_QUESTION = 'Lipids and HbA1c are normal. Is a CT coronary angiogram needed, or can I manage him here?';

describe('return reason codes, convert to advice, onward referral', { timeout: 300000 }, () => {
  let server;
  let browser;
  let page;
  let cardiology;
  let dermatology;
  const refs = {};
  const step = stepper(it, () => page, () => server);

  async function openReferral(id) {
    await page.goto(`${server.url}/referral.html?id=${id}`);
    await page.locator('#status-line').waitFor();
  }

  before(async () => {
    ({ server, browser, page } = await startBrowserTest());

    const gp = await server.token('gp.patel');
    const triager = await server.token('triage.cardio');
    const patients = await patientsOf(server, gp);
    const services = await servicesList(server, gp, { accepting: true });
    cardiology = services.find((s) => s.trust.code === 'RZA' && s.specialty === 'Cardiology');
    dermatology = services.find((s) => s.trust.code === 'RZA' && s.specialty === 'Dermatology');
    assert.ok(cardiology && dermatology);
    for (const [i, name] of ['ret', 'conv', 'onward'].entries()) {
      refs[name] = await refer(server, gp, {
        patient: patients[3 + i], service: cardiology,
        reason: `Chest pain (${name})`, clinical_summary: 'Exertional chest pain for two months.',
      });
    }
    refs.onward = await actOn(server, refs.onward.id, [[triager, 'triage', { decision: 'accept' }]]);
  });

  after(() => stopBrowserTest(server, browser));

  step('the triager returns a referral with a reason code', async () => {
    await signIn(page, server.url, 'triage.cardio', /\/worklist\.html/);
    await openReferral(refs.ret.id);
    await page.locator('#decision-return').check();
    await page.locator('#reason_code').waitFor({ state: 'visible' });
    const options = await page.locator('#reason_code option').allTextContents();
    assert.ok(options.includes('Tests needed first') && options.includes('Needs a different service'), options.join(', '));
    await page.locator('#reason_code').selectOption('tests_first');
    await page.locator('#triage-comment').fill('Needs lipids and HbA1c first.');
    await page.locator('#advice').fill('Check lipids and HbA1c; start a statin.');
    await page.locator('#triage-form button[type="submit"]').click();
    await page.locator('#success-banner').waitFor();
    assert.equal((await page.locator('#return-reason-code').textContent()).trim(), 'Tests needed first');
    await shot(page, '41-returned-with-reason-code');
  });

  step('the GP asks for advice instead of the returned referral', async () => {
    await signOut(page);
    await signIn(page, server.url, 'gp.patel', /\/inbox\.html/);
    await openReferral(refs.ret.id);
    assert.equal((await page.locator('#return-reason-code').textContent()).trim(), 'Tests needed first');
    await page.locator('#convert-advice-question').fill(GP_QUESTION);
    await shot(page, '42-gp-ask-advice-instead');
    await page.locator('#convert-advice-form button[type="submit"]').click();
    const banner = page.locator('#success-banner');
    await banner.waitFor();
    assert.match(await banner.textContent(), /now advice request \d+/);
    assert.match(await page.locator('#status-line').textContent(), /Converted to advice and guidance/);
    const adviceLink = page.locator('#advice-link');
    const href = await adviceLink.getAttribute('href');
    assert.match(href, /^advice\.html\?id=\d+$/);
    await Promise.all([page.waitForURL(/advice\.html/), adviceLink.click()]);
    await page.locator('#from-referral-link').waitFor();
    assert.match(await page.locator('#from-referral-link').textContent(), new RegExp(`referral ${refs.ret.id}`));
    assert.match(await page.locator('#status-line').textContent(), /Awaiting specialist/);
    assert.ok((await page.locator('#thread').textContent()).includes(GP_QUESTION), 'the question starts the thread');
    await shot(page, '43-advice-from-returned-referral');
  });

  step('the triager converts a referral to advice and guidance', async () => {
    await signOut(page);
    await signIn(page, server.url, 'triage.cardio', /\/worklist\.html/);
    await openReferral(refs.conv.id);
    await page.locator('#decision-convert_to_advice').check();
    await page.locator('#triage-comment').fill('Can be answered as advice: no clinic needed yet.');
    await page.locator('#triage-form button[type="submit"]').click();
    const banner = page.locator('#success-banner');
    await banner.waitFor();
    assert.match(await banner.textContent(), /converted to advice request \d+/);
    assert.match(await page.locator('#holder').textContent(), /Nobody/);
    await shot(page, '44-converted-to-advice');
    await Promise.all([page.waitForURL(/advice\.html/), page.locator('#new-advice-link').click()]);
    await page.locator('#respond-form').waitFor(); // the triager now answers it
    assert.match(await page.locator('#from-referral-link').textContent(), new RegExp(`referral ${refs.conv.id}`));
  });

  step('the clinician makes an onward referral for the same condition', async () => {
    await signOut(page);
    await signIn(page, server.url, 'clinician.cardio', /\/worklist\.html/);
    await openReferral(refs.onward.id);
    assert.match(await page.locator('#status-line').textContent(), /Awaiting booking/);
    await page.locator('#onward-details summary').click();
    await page.locator('#onward-service').selectOption(String(dermatology.id));
    assert.match(await page.locator('#onward-same-hint').textContent(), /clock/);
    // Same condition is required.
    await page.locator('#onward-form button[type="submit"]').click();
    await page.locator('.nhsuk-error-summary').waitFor();
    assert.match(await page.locator('.nhsuk-error-summary').textContent(), /same condition/);
    await page.locator('#onward-same-yes').check();
    await page.locator('#onward-priority-routine').check();
    await page.locator('#onward-reason').fill('Rash on the shins, ?erythema nodosum');
    await page.locator('#onward-summary').fill('Seen in cardiology clinic; incidental tender red nodules on both shins.');
    await shot(page, '45-onward-form');
    await page.locator('#onward-form button[type="submit"]').click();
    const banner = page.locator('#success-banner');
    await banner.waitFor();
    assert.match(await banner.textContent(), /Onward referral sent: referral \d+ to Dermatology/);
    await Promise.all([page.waitForURL(/referral\.html\?id=\d+$/), page.locator('#new-referral-link').click()]);
    await page.locator('#onward-row').waitFor();
    assert.match(await page.locator('#onward-from-link').textContent(), new RegExp(`Referral ${refs.onward.id}`));
    assert.match(await page.locator('#onward-row').textContent(), /same condition/);
    const details = await page.locator('#referral-details').textContent();
    assert.match(details, /Dermatology/);
    await shot(page, '46-onward-referral');
  });

  step('no JavaScript errors on any page', async () => {
    assert.deepEqual(page.errors, []);
  });
});
