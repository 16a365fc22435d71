// Debian's Chromium through playwright-core (never a downloaded browser),
// and the page steps the browser tests share.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { REPO_ROOT } from './server.mjs';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SHOTS = path.join(REPO_ROOT, 'build/screenshots');

export async function launchChromium() {
  await mkdir(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A page in UK settings; collects uncaught JavaScript errors in page.errors.
export async function newPage(browser, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`${page.url()}: ${e.message}`));
  return page;
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

export function escapeRegExp(s) {
  return String(s).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function nhs334(n) {
  const d = String(n).replace(/\s+/g, '');
  return `${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`;
}

// Signs in through the sign-in page by choosing the persona; waits for the
// page the role lands on and for the header to name the person.
export async function signIn(page, baseUrl, username, landing) {
  await page.goto(`${baseUrl}/`);
  await page.locator('h1', { hasText: 'Sign in to Seam' }).waitFor();
  const button = page.locator(`button.seam-persona[data-username="${username}"]`);
  await button.waitFor();
  const displayName = await button.getAttribute('data-display-name');
  await Promise.all([page.waitForURL(landing), button.click()]);
  const who = page.locator('#signed-in-user');
  await who.waitFor();
  const text = await who.textContent();
  if (!text.includes(displayName)) {
    throw new Error(`header shows ${JSON.stringify(text.trim())}, expected ${JSON.stringify(displayName)}`);
  }
}

export async function signOut(page) {
  await Promise.all([page.waitForURL(/index\.html\?signed_out=1/), page.locator('#sign-out').click()]);
  await page.locator('.nhsuk-notification-banner', { hasText: 'You have signed out' }).waitFor();
  const token = await page.evaluate(() => sessionStorage.getItem('seam.token'));
  if (token !== null) throw new Error('the token is still in sessionStorage after signing out');
}

// Runs steps in order; once one fails the rest are skipped (they depend on
// it), and a screenshot of the failing page is kept.
export function stepper(it, getPage, getServer) {
  let failed = false;
  return function step(name, fn) {
    it(name, async (t) => {
      if (failed) {
        t.skip('an earlier step failed');
        return;
      }
      try {
        await fn();
      } catch (e) {
        failed = true;
        const page = getPage();
        const file = `FAILED-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`;
        if (page) await page.screenshot({ path: path.join(SHOTS, file), fullPage: true }).catch(() => {});
        const server = getServer();
        if (server) e.message += `\n(server output, last lines)\n${server.output.slice(-3000)}`;
        throw e;
      }
    });
  };
}
