// The set-up the browser tests share: a Seam server and Chromium for a
// describe block (and closing them after), and the demo data a test starts
// from, made through the API - a GP's patient, a trust's service, a referral
// moved on by its actions.  Each helper checks what it asks the API for, so a
// broken set-up stops the test at once with the API's answer.

import assert from 'node:assert/strict';
import { startSeam } from './server.mjs';
import { launchChromium, newPage } from './browser.mjs';

// Starts the server (startSeam options) and Chromium with one page.
export async function startBrowserTest(options) {
  const server = await startSeam(options);
  const browser = await launchChromium();
  const page = await newPage(browser);
  return { server, browser, page };
}

// Closes what startBrowserTest started (either may be missing).
export async function stopBrowserTest(server, browser) {
  if (browser) await browser.close().catch(() => {});
  if (server) await server.stop();
}

// An instant ms from now, as the API writes it: 2026-11-25T14:59:54Z.
export function isoNow(ms = 0) {
  return new Date(Date.now() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// The GP's registered patients (GET /patients).
export async function patientsOf(server, token) {
  const pts = await server.api('/patients', { token });
  assert.equal(pts.status, 200, `GET /patients: ${JSON.stringify(pts.body)}`);
  return pts.body.patients;
}

// The services (GET /services; accepting: only those accepting referrals).
export async function servicesList(server, token, { accepting = false } = {}) {
  const svcs = await server.api(accepting ? '/services?accepts_referrals=true' : '/services', { token });
  assert.equal(svcs.status, 200, `GET /services: ${JSON.stringify(svcs.body)}`);
  return svcs.body.services;
}

// The trust's service of a specialty, e.g. Cardiology at RZA.
export async function trustService(server, token, trust, specialty, { accepting = false } = {}) {
  const list = await servicesList(server, token, { accepting });
  const svc = list.find((s) => s.trust && s.trust.code === trust && s.specialty === specialty);
  assert.ok(svc, `${specialty} at ${trust} exists`);
  return svc;
}

// POST /referrals as the GP: {patient, service, priority, reason, clinical_summary}.
export async function refer(server, token, { patient, service, priority = 'routine', reason, clinical_summary: summary }) {
  const created = await server.api('/referrals', {
    method: 'POST',
    token,
    body: {
      patient_nhs_number: patient.nhs_number, service_id: service.id, priority,
      reason, clinical_summary: summary,
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body;
}

// Moves a referral on: each step [token, action, body] is POST
// /referrals/{id}/{action}.  Answers the referral after the last.
export async function actOn(server, referralId, steps) {
  let out = null;
  for (const [token, action, body] of steps) {
    const r = await server.api(`/referrals/${referralId}/${action}`, { method: 'POST', token, body });
    assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
    out = r.body;
  }
  return out;
}
