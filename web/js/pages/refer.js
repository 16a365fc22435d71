// refer.js - a GP refers a patient to a hospital service.

import { startPage } from '../components/header.js';
import { fillServiceSelect, patientPicker } from '../components/patient-picker.js';
import { api, newIdempotencyKey } from '../lib/api.js';
import { focusHeading } from '../lib/dom.js';
import { clearErrors, showApiError, showErrorSummary } from '../lib/error-summary.js';
import { html, render } from '../lib/html.js';
import { isPractice } from '../lib/roles.js';
import { estimatedWait, estimatedWaitSentence } from '../lib/rtt.js';

const errors = document.getElementById('errors');
const form = document.getElementById('referral-form');
const serviceSelect = document.getElementById('service_id');
const serviceInfo = document.getElementById('service-info');
const submit = document.getElementById('submit-referral');

// API field -> control to point the error summary at.
const FIELDS = {
  patient_nhs_number: 'patient-q',
  service_id: 'service_id',
  priority: 'priority-routine',
  reason: 'reason',
  clinical_summary: 'clinical_summary',
};

// One key per form load, so a double click or a retry after a dropped
// connection never creates two referrals.  Replaced only after the server
// has definitely refused the request (a 4xx), as the corrected form is a
// different request.
let idempotencyKey = newIdempotencyKey();
let services = [];
let submitting = false;
let picker = null;

function servicesById() {
  return new Map(services.map((s) => [String(s.id), s]));
}

function selectedPriority() {
  const r = form.querySelector('input[name="priority"]:checked');
  return r ? r.value : null;
}

function renderServiceInfo() {
  const s = servicesById().get(serviceSelect.value);
  if (!s) {
    serviceInfo.hidden = true;
    serviceInfo.innerHTML = '';
    return;
  }
  const pr = selectedPriority();
  const triageDays = s.targets && s.targets.triage_days && pr ? s.targets.triage_days[pr] : null;
  render(serviceInfo, html`
    <dl class="nhsuk-summary-list nhsuk-summary-list--no-border nhsuk-u-margin-bottom-0">
      <div class="nhsuk-summary-list__row">
        <dt class="nhsuk-summary-list__key">Service</dt>
        <dd class="nhsuk-summary-list__value">${s.name}</dd>
      </div>
      <div class="nhsuk-summary-list__row">
        <dt class="nhsuk-summary-list__key">Specialty</dt>
        <dd class="nhsuk-summary-list__value">${s.specialty || 'Not recorded'}${s.treatment_function_code ? html` <span class="nhsuk-u-secondary-text-colour">(treatment function ${s.treatment_function_code})</span>` : ''}</dd>
      </div>
      <div class="nhsuk-summary-list__row">
        <dt class="nhsuk-summary-list__key">Trust</dt>
        <dd class="nhsuk-summary-list__value">${(s.trust && s.trust.name) || ''}${s.trust && s.trust.code ? ` (${s.trust.code})` : ''}</dd>
      </div>
      ${triageDays ? html`
      <div class="nhsuk-summary-list__row">
        <dt class="nhsuk-summary-list__key">Triage target</dt>
        <dd class="nhsuk-summary-list__value">${triageDays} working day${triageDays === 1 ? '' : 's'} for this priority</dd>
      </div>` : ''}
      <div class="nhsuk-summary-list__row">
        <dt class="nhsuk-summary-list__key">Estimated wait</dt>
        <dd class="nhsuk-summary-list__value" id="estimated-wait" data-service-id="${s.id}">Finding out…</dd>
      </div>
      ${s.gp_contact ? html`
      <div class="nhsuk-summary-list__row">
        <dt class="nhsuk-summary-list__key">Contact for GPs</dt>
        <dd class="nhsuk-summary-list__value">${s.gp_contact}</dd>
      </div>` : ''}
    </dl>`);
  serviceInfo.hidden = false;
  showEstimatedWait(s);
}

// GET /services/{id}/estimated-wait: how long most patients wait, from the
// service's recent clock stops.
async function showEstimatedWait(s) {
  const el = () => serviceInfo.querySelector(`#estimated-wait[data-service-id="${s.id}"]`);
  let text;
  try {
    text = estimatedWaitSentence(await estimatedWait(s.id));
  } catch (e) {
    text = 'Not available just now.';
  }
  const cell = el();
  if (cell) render(cell, text);
}

async function submitReferral(ev) {
  ev.preventDefault();
  if (submitting) return;
  clearErrors(errors);
  const body = {};
  if (picker.patient()) body.patient_nhs_number = picker.patient().nhs_number;
  if (serviceSelect.value) body.service_id = Number(serviceSelect.value);
  const pr = selectedPriority();
  if (pr) body.priority = pr;
  const reason = form.elements.reason.value.trim();
  if (reason) body.reason = reason;
  const summary = form.elements.clinical_summary.value.trim();
  if (summary) body.clinical_summary = summary;

  submitting = true;
  submit.disabled = true;
  submit.setAttribute('aria-disabled', 'true');
  submit.textContent = 'Sending referral…';
  try {
    const ref = await api('/referrals', { method: 'POST', body, idempotencyKey });
    window.location.assign(`referral.html?id=${encodeURIComponent(ref.id)}&created=1`);
    return;
  } catch (e) {
    if (e.status >= 400 && e.status < 500) idempotencyKey = newIdempotencyKey();
    showApiError(errors, e, FIELDS);
  } finally {
    submitting = false;
    submit.disabled = false;
    submit.removeAttribute('aria-disabled');
    submit.textContent = 'Send referral';
  }
}

async function main() {
  const me = await startPage('refer.html');
  if (!isPractice(me)) {
    render(document.getElementById('maincontent'), html`
      <h1>Refer a patient</h1>
      <p>Only GPs and practice staff can make referrals. You are signed in as ${me.display_name} (${me.role}).</p>
      <p><a href="worklist.html">Go to your worklist</a></p>`);
    return;
  }
  focusHeading();

  picker = patientPicker(errors, FIELDS);
  serviceSelect.addEventListener('change', renderServiceInfo);
  form.addEventListener('change', (ev) => {
    if (ev.target.name === 'priority') renderServiceInfo();
  });
  form.addEventListener('submit', submitReferral);

  try {
    const data = await api('/services', { query: { accepts_referrals: 'true' } });
    services = (data && data.services) || [];
    fillServiceSelect(serviceSelect, services);
  } catch (e) {
    showErrorSummary(errors, [{ text: `Services could not be loaded: ${e.message}` }]);
  }
}

main();
