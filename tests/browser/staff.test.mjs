// Browser test: the administrator gives a triager a second service on the
// staff page, and the triager then sees that service's referrals - through
// the real pages, on a real Seam server with the demo data, in Debian's
// Chromium.  Screenshots of each step go to build/screenshots/.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  patientsOf, refer, servicesList, startBrowserTest, stopBrowserTest,
} from './lib/setup.mjs';
import { shot, signIn, stepper } from './lib/browser.mjs';

describe('the administrator changes a triager\'s services', { timeout: 300000 }, () => {
  let server;
  let browser;
  let page;
  let rheum;
  let cardio;
  let referral;
  const step = stepper(it, () => page, () => server);

  before(async () => {
    ({ server, browser, page } = await startBrowserTest());
    const gp = await server.token('gp.patel');
    const services = await servicesList(server, gp);
    rheum = services.find((s) => s.trust.code === 'RZA' && s.name === 'Rheumatology');
    cardio = services.find((s) => s.trust.code === 'RZA' && s.name === 'Cardiology');
    assert.ok(rheum && cardio, 'RZA has Cardiology and Rheumatology');
    referral = await refer(server, gp, {
      patient: (await patientsOf(server, gp))[0], service: rheum,
      reason: 'Morning stiffness and swollen MCP joints', clinical_summary: 'CRP 38. RF positive.',
    });
  });

  after(() => stopBrowserTest(server, browser));

  step('a cardiology triager cannot see a rheumatology referral', async () => {
    const t = await server.token('triage.cardio');
    const r = await server.api(`/referrals/${referral.id}`, { token: t });
    assert.equal(r.status, 404);
  });

  step('the administrator finds the staff page in the navigation and sees each one\'s services', async () => {
    await signIn(page, server.url, 'admin', /worklist\.html/);
    const link = page.locator('.nhsuk-header__navigation-link', { hasText: 'Staff' });
    await Promise.all([page.waitForURL(/staff\.html/), link.click()]);
    await page.locator('h1', { hasText: 'Staff and services' }).waitFor();
    const table = page.locator('#staff-table');
    await table.waitFor();
    const clin = page.locator('#staff-clinician\\.cardio');
    assert.match(await clin.textContent(), /Cardiology/);
    assert.match(await clin.textContent(), /Respiratory Medicine/);
    assert.match(await page.locator('#staff-booking\\.rza').textContent(), /Trust-wide/);
    assert.match(await page.locator('#staff-triage\\.cardio').textContent(), /Cardiology/);
    assert.doesNotMatch(await page.locator('#staff-triage\\.cardio').textContent(), /Rheumatology/);
    await shot(page, 'staff-01-list');
  });

  step('the administrator adds Rheumatology to the cardiology triager', async () => {
    await Promise.all([page.waitForURL(/user=triage\.cardio/), page.locator('#change-triage\\.cardio').click()]);
    await page.locator('h1', { hasText: 'Change services' }).waitFor();
    const box = page.locator(`#service-${rheum.id}`);
    assert.equal(await box.isChecked(), false);
    assert.equal(await page.locator(`#service-${cardio.id}`).isChecked(), true);
    await page.locator(`label[for="service-${rheum.id}"]`).click();
    await page.locator('#save-services').click();
    const banner = page.locator('#success-banner');
    await banner.waitFor();
    assert.match(await banner.textContent(), /Services saved for .*Cardiology, Rheumatology/);
    assert.equal(await page.locator(`#service-${rheum.id}`).isChecked(), true);
    await shot(page, 'staff-02-saved');
  });

  step('the change is listed and the triager now sees the referral', async () => {
    const admin = await server.token('admin');
    const u = await server.api('/users/triage.cardio', { token: admin });
    assert.deepEqual(u.body.services.map((s) => s.name), ['Cardiology', 'Rheumatology']);
    const t = await server.token('triage.cardio');
    assert.equal((await server.api(`/referrals/${referral.id}`, { token: t })).status, 200);
    await Promise.all([page.waitForURL(/staff\.html\?org=RZA$/), page.locator('.nhsuk-back-link__link').click()]);
    await page.locator('#staff-table').waitFor();
    assert.match(await page.locator('#staff-triage\\.cardio').textContent(), /Rheumatology/);
    assert.deepEqual(page.errors, []);
  });
});
