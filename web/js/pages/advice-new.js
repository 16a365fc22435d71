// advice-new.js - a GP asks a hospital specialist for advice and guidance
// about a patient (POST /advice), optionally with a file attached.

import { attachmentProblem, uploadAttachment } from '../components/attachments.js';
import { startPage } from '../components/header.js';
import { fillServiceSelect, patientPicker } from '../components/patient-picker.js';
import { api, newIdempotencyKey } from '../lib/api.js';
import { focusHeading } from '../lib/dom.js';
import {
  clearErrors, setFieldError, showApiError, showErrorSummary,
} from '../lib/error-summary.js';
import { html, render } from '../lib/html.js';

const errors = document.getElementById('errors');
const form = document.getElementById('advice-form');
const serviceSelect = document.getElementById('service_id');
const serviceInfo = document.getElementById('service-info');
const fileInput = document.getElementById('attachment');
const submit = document.getElementById('submit-advice');

// API field -> control to point the error summary at.
const FIELDS = {
  patient_nhs_number: 'patient-q',
  service_id: 'service_id',
  priority: 'priority-routine',
  question: 'question',
  consent_to_convert: 'consent-yes',
  attachment: 'attachment',
};

// One key per form load (see refer.js): a double click or a retry never
// creates two requests.  Replaced once the server has refused the request.
let idempotencyKey = newIdempotencyKey();
let uploadKey = newIdempotencyKey();
let services = [];
let submitting = false;
let picker = null;

function servicesById() {
  return new Map(services.map((s) => [String(s.id), s]));
}

function selectedValue(name) {
  const r = form.querySelector(`input[name="${name}"]:checked`);
  return r ? r.value : null;
}

function renderServiceInfo() {
  const s = servicesById().get(serviceSelect.value);
  if (!s) {
    serviceInfo.hidden = true;
    serviceInfo.innerHTML = '';
    return;
  }
  render(serviceInfo, html`
    <dl class="nhsuk-summary-list nhsuk-summary-list--no-border nhsuk-u-margin-bottom-0">
      <div class="nhsuk-summary-list__row">
        <dt class="nhsuk-summary-list__key">Service</dt>
        <dd class="nhsuk-summary-list__value">${s.name}</dd>
      </div>
      <div class="nhsuk-summary-list__row">
        <dt class="nhsuk-summary-list__key">Trust</dt>
        <dd class="nhsuk-summary-list__value">${(s.trust && s.trust.name) || ''}${s.trust && s.trust.code ? ` (${s.trust.code})` : ''}</dd>
      </div>
      ${s.accepts_referrals === false ? html`
      <div class="nhsuk-summary-list__row">
        <dt class="nhsuk-summary-list__key">Referrals</dt>
        <dd class="nhsuk-summary-list__value">This service takes advice requests only, not referrals.</dd>
      </div>` : ''}
      ${s.gp_contact ? html`
      <div class="nhsuk-summary-list__row">
        <dt class="nhsuk-summary-list__key">Contact for GPs</dt>
        <dd class="nhsuk-summary-list__value">${s.gp_contact}</dd>
      </div>` : ''}
    </dl>`);
  serviceInfo.hidden = false;
}

function setBusy(on, text) {
  submitting = on;
  submit.disabled = on;
  if (on) submit.setAttribute('aria-disabled', 'true');
  else submit.removeAttribute('aria-disabled');
  submit.textContent = text;
}

async function submitAdvice(ev) {
  ev.preventDefault();
  if (submitting) return;
  clearErrors(errors);

  // A file Seam would refuse is caught before anything is sent, so the
  // request is not created without it.
  const file = fileInput.files && fileInput.files[0];
  const fileProblem = file ? attachmentProblem(file) : null;
  if (fileProblem) {
    setFieldError('attachment', fileProblem);
    showErrorSummary(errors, [{ text: fileProblem, href: '#attachment' }]);
    return;
  }

  const body = {};
  if (picker.patient()) body.patient_nhs_number = picker.patient().nhs_number;
  if (serviceSelect.value) body.service_id = Number(serviceSelect.value);
  const pr = selectedValue('priority');
  if (pr) body.priority = pr;
  const question = form.elements.question.value.trim();
  if (question) body.question = question;
  const consent = selectedValue('consent_to_convert');
  if (consent !== null) body.consent_to_convert = consent === 'true';

  setBusy(true, 'Sending advice request…');
  let advice;
  try {
    advice = await api('/advice', { method: 'POST', body, idempotencyKey });
  } catch (e) {
    if (e.status >= 400 && e.status < 500) idempotencyKey = newIdempotencyKey();
    // Say what the consent question needs in the page's own words.
    if (e.field === 'consent_to_convert' && e.status === 422) {
      e.message = 'Select yes if the specialist may turn this into a referral, or no if not';
    }
    showApiError(errors, e, FIELDS);
    setBusy(false, 'Send advice request');
    return;
  }

  const next = `advice.html?id=${encodeURIComponent(advice.id)}&created=1`;
  if (!file) {
    window.location.assign(next);
    return;
  }
  setBusy(true, 'Attaching the file…');
  try {
    await uploadAttachment(advice.id, file, uploadKey);
    window.location.assign(next);
  } catch (e) {
    if (e.status >= 400 && e.status < 500) uploadKey = newIdempotencyKey();
    // The request exists: go to it and say the file still needs attaching.
    window.location.assign(`${next}&attach_failed=1`);
  }
}

async function main() {
  const me = await startPage('advice-list.html');
  if (me.role !== 'gp') {
    render(document.getElementById('maincontent'), html`
      <h1>Ask a specialist for advice</h1>
      <p>Only GPs can ask for advice and guidance. You are signed in as ${me.display_name} (${me.role}).</p>
      <p><a href="advice-list.html">Go to advice and guidance</a></p>`);
    return;
  }
  focusHeading();

  picker = patientPicker(errors, FIELDS);
  serviceSelect.addEventListener('change', renderServiceInfo);
  form.addEventListener('submit', submitAdvice);

  try {
    // Every service that gives advice, including advice-only ones.
    const data = await api('/services');
    services = ((data && data.services) || []).filter((s) => s.accepts_advice !== false);
    fillServiceSelect(serviceSelect, services);
  } catch (e) {
    showErrorSummary(errors, [{ text: `Services could not be loaded: ${e.message}` }]);
  }
}

main();
