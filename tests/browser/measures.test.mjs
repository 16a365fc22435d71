// Browser test: the Measures page shows two tables driven by one form - the
// interface measures and complete care. lead.rza sees both for Northgate
// with a Cardiology row and an "All services" total (the demo data sends
// letters, so "Letters sent" is above 0); analyst.icb switches the trust to
// RZB and the page names Southmere.
//
//   make && node --test tests/browser/measures.test.mjs
//
// Screenshot: build/screenshots/61-measures.png.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowserTest, stopBrowserTest, trustService } from './lib/setup.mjs';
import { shot, signIn, signOut, stepper } from './lib/browser.mjs';

const number = (text) => Number(String(text).replace(/[^\d.]/g, ''));

describe('measures: interface and complete-care tables', { timeout: 300000 }, () => {
  let server;
  let browser;
  let page;
  let cardiology;
  const step = stepper(it, () => page, () => server);

  before(async () => {
    ({ server, browser, page } = await startBrowserTest());
    const lead = await server.token('lead.rza');
    cardiology = await trustService(server, lead, 'RZA', 'Cardiology');
  });

  after(() => stopBrowserTest(server, browser));

  step('lead.rza sees both tables, each with Cardiology and an "All services" total', async () => {
    await signIn(page, server.url, 'lead.rza', /\/worklist\.html/);
    await Promise.all([
      page.waitForURL(/\/measures\.html/),
      page.locator('.nhsuk-header__navigation-link', { hasText: 'Measures' }).click(),
    ]);
    for (const id of ['measures-table', 'care-table']) {
      const table = page.locator(`#${id}`);
      await table.waitFor();
      await table.locator(`tr[data-service-id="${cardiology.id}"]`).waitFor();
      assert.match(await table.locator(`tr[data-service-id="${cardiology.id}"] td`).first().textContent(), /Cardiology/);
      assert.match(await table.locator('tr.seam-row--total').textContent(), /All services/);
    }
    assert.match(await page.locator('#care-heading').textContent(), /Complete care/);
    const heads = (await page.locator('#care-table thead th').allTextContents()).map((t) => t.trim());
    assert.deepEqual(heads, [
      'Service', 'Letters sent', '% letters on time', 'Median letter delay (days)', 'Letters overdue',
      'Results received', 'Results reviewed', '% reviewed within target', 'Hand-overs requested',
      'Hand-overs accepted', 'Hand-overs declined', 'Follow-ups overdue', 'Missed appointments', 'DNAs bounced to GP',
    ]);
    const total = page.locator('#care-total');
    const sentText = (await total.locator('[data-measure="letters_sent"] > span:last-child').textContent()).trim();
    assert.match(sentText, /^\d[\d,]*$/, `"Letters sent" total is a number: ${JSON.stringify(sentText)}`);
    assert.ok(number(sentText) > 0, `"Letters sent" total > 0 (${sentText})`);
    const onTime = (await total.locator('[data-measure="letters_on_time_pct"] > span:last-child').textContent()).trim();
    assert.match(onTime, /^\d+\.\d%$/, `"% letters on time" total is a percentage: ${JSON.stringify(onTime)}`);
    assert.match(await total.locator('[data-measure="dnas_bounced_to_gp"]').textContent(), /\b0$/);
    assert.match(await page.locator('#care-notes').textContent(), /DNAs bounced to GP/);
    assert.match(await page.locator('h1').textContent(), /Northgate/);
    await shot(page, '61-measures');
  });

  step('analyst.icb switches the trust to RZB and the heading names Southmere', async () => {
    await signOut(page);
    await signIn(page, server.url, 'analyst.icb', /\/worklist\.html/);
    await Promise.all([
      page.waitForURL(/\/measures\.html/),
      page.locator('.nhsuk-header__navigation-link', { hasText: 'Measures' }).click(),
    ]);
    await page.locator('#care-table').waitFor();
    await page.locator('#trust').selectOption('RZB');
    await Promise.all([page.waitForURL(/trust=RZB/), page.locator('#filters button[type="submit"]').click()]);
    await page.locator('#care-table').waitFor();
    assert.match(await page.locator('h1').textContent(), /Southmere/);
    assert.match(await page.locator('#measures-period').textContent(), /Southmere.*\(RZB\)/s);
    for (const id of ['measures-table', 'care-table']) {
      assert.match(await page.locator(`#${id} caption`).textContent(), /Southmere/);
      assert.match(await page.locator(`#${id} tr.seam-row--total`).textContent(), /All services/);
    }
    assert.equal(await page.locator(`#care-table tr[data-service-id="${cardiology.id}"]`).count(), 0,
      'Northgate Cardiology is not in Southmere\'s table');
    await shot(page, '62-measures-analyst');
  });

  step('no JavaScript errors on any page', async () => {
    assert.deepEqual(page.errors, []);
  });
});
