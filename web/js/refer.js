// refer.js - a GP refers a patient to a hospital service.

import { api, newIdempotencyKey } from './api.js';
import {
  clearErrors, focusHeading, formatDate, formatNhsNumber, html, isPracticeRole, patientName,
  render, showApiError, showErrorSummary, startPage,
} from './layout.js';
import { estimatedWait, estimatedWaitSentence } from './rtt.js';

const errors = document.getElementById('errors');
const searchForm = document.getElementById('patient-search');
const searchInput = document.getElementById('patient-q');
const results = document.getElementById('patient-results');
const chosen = document.getElementById('patient-chosen');
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
let patient = null;
let services = [];
let submitting = false;

function servicesById() {
  return new Map(services.map((s) => [String(s.id), s]));
}

function renderServices() {
  const byTrust = new Map();
  for (const s of services) {
    const t = s.trust || {};
    const key = t.code || '';
    if (!byTrust.has(key)) byTrust.set(key, { trust: t, items: [] });
    byTrust.get(key).items.push(s);
  }
  const groups = [...byTrust.values()].sort((a, b) => String(a.trust.name).localeCompare(String(b.trust.name)));
  for (const g of groups) g.items.sort((a, b) => String(a.name).localeCompare(String(b.name)));
  serviceSelect.innerHTML = html`
    <option value="">Choose a service</option>
    ${groups.map((g) => html`
      <optgroup label="${g.trust.name || 'Other'}${g.trust.code ? ` (${g.trust.code})` : ''}">
        ${g.items.map((s) => html`<option value="${s.id}" data-trust="${(s.trust && s.trust.code) || ''}">${s.name}${s.specialty && s.specialty !== s.name ? ` (${s.specialty})` : ''} – ${(s.trust && s.trust.name) || ''}</option>`)}
      </optgroup>`)}`.s;
  serviceSelect.disabled = false;
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

function renderChosen() {
  if (!patient) {
    chosen.hidden = true;
    chosen.innerHTML = '';
    searchForm.hidden = false;
    return;
  }
  render(chosen, html`
    <div class="nhsuk-card seam-chosen-patient">
      <div class="nhsuk-card__content">
        <h3 class="nhsuk-card__heading nhsuk-heading-s" id="chosen-heading" tabindex="-1">Patient: ${patientName(patient)}</h3>
        <dl class="nhsuk-summary-list nhsuk-summary-list--no-border nhsuk-u-margin-bottom-2">
          <div class="nhsuk-summary-list__row">
            <dt class="nhsuk-summary-list__key">NHS number</dt>
            <dd class="nhsuk-summary-list__value" id="chosen-nhs-number">${formatNhsNumber(patient.nhs_number)}</dd>
          </div>
          <div class="nhsuk-summary-list__row">
            <dt class="nhsuk-summary-list__key">Date of birth</dt>
            <dd class="nhsuk-summary-list__value">${formatDate(patient.birth_date)}</dd>
          </div>
          ${patient.postcode ? html`
          <div class="nhsuk-summary-list__row">
            <dt class="nhsuk-summary-list__key">Postcode</dt>
            <dd class="nhsuk-summary-list__value">${patient.postcode}</dd>
          </div>` : ''}
          ${patient.practice ? html`
          <div class="nhsuk-summary-list__row">
            <dt class="nhsuk-summary-list__key">Registered practice</dt>
            <dd class="nhsuk-summary-list__value">${patient.practice.name}</dd>
          </div>` : ''}
        </dl>
        <button type="button" class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" id="change-patient">
          Choose a different patient
        </button>
      </div>
    </div>`);
  chosen.hidden = false;
  searchForm.hidden = true;
  results.innerHTML = '';
  chosen.querySelector('#change-patient').addEventListener('click', () => {
    patient = null;
    renderChosen();
    searchInput.focus();
  });
}

let lastPatients = [];

async function search(q) {
  clearErrors(errors, searchForm);
  if (!q.trim()) {
    showApiError(errors, { message: 'Enter an NHS number or the start of a surname', field: 'patient_nhs_number' }, FIELDS);
    return;
  }
  render(results, html`<p class="nhsuk-body" role="status">Searching…</p>`);
  try {
    const data = await api('/patients', { query: { q: q.trim() } });
    lastPatients = (data && data.patients) || [];
    const total = data && typeof data.total === 'number' ? data.total : lastPatients.length;
    if (!lastPatients.length) {
      render(results, html`<p class="nhsuk-body" role="status" id="no-patients">No patients registered at your practice match <strong>${q.trim()}</strong>. Check the NHS number, or try fewer letters of the surname.</p>`);
      return;
    }
    render(results, html`
      <p class="nhsuk-body" role="status">${total === lastPatients.length
        ? `${total} patient${total === 1 ? '' : 's'} found.`
        : `Showing the first ${lastPatients.length} of ${total} patients. Type more of the surname, or the NHS number, to narrow it down.`}</p>
      <table class="nhsuk-table nhsuk-table--responsive" role="table" id="patient-table">
        <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Matching patients</caption>
        <thead class="nhsuk-table__head" role="rowgroup">
          <tr class="nhsuk-table__row" role="row">
            <th class="nhsuk-table__header" scope="col" role="columnheader">Name</th>
            <th class="nhsuk-table__header" scope="col" role="columnheader">NHS number</th>
            <th class="nhsuk-table__header" scope="col" role="columnheader">Date of birth</th>
            <th class="nhsuk-table__header" scope="col" role="columnheader">Postcode</th>
            <th class="nhsuk-table__header" scope="col" role="columnheader"><span class="nhsuk-u-visually-hidden">Action</span></th>
          </tr>
        </thead>
        <tbody class="nhsuk-table__body">
          ${lastPatients.map((p, i) => html`
          <tr class="nhsuk-table__row" role="row" data-nhs-number="${p.nhs_number}">
            <td class="nhsuk-table__cell" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">Name </span><strong>${patientName(p)}</strong></td>
            <td class="nhsuk-table__cell seam-nowrap" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">NHS number </span>${formatNhsNumber(p.nhs_number)}</td>
            <td class="nhsuk-table__cell" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">Date of birth </span>${formatDate(p.birth_date)}</td>
            <td class="nhsuk-table__cell" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">Postcode </span>${p.postcode || ''}</td>
            <td class="nhsuk-table__cell seam-cell-action" role="cell">
              <button type="button" class="nhsuk-button nhsuk-button--secondary nhsuk-button--small seam-select-patient" data-index="${i}">
                Select<span class="nhsuk-u-visually-hidden"> ${patientName(p)}, NHS number ${formatNhsNumber(p.nhs_number)}</span>
              </button>
            </td>
          </tr>`)}
        </tbody>
      </table>`);
  } catch (e) {
    results.innerHTML = '';
    showApiError(errors, e, { q: 'patient-q', ...FIELDS });
  }
}

function choose(p) {
  patient = p;
  clearErrors(errors);
  renderChosen();
  const h = document.getElementById('chosen-heading');
  if (h) h.focus();
}

async function submitReferral(ev) {
  ev.preventDefault();
  if (submitting) return;
  clearErrors(errors);
  const body = {};
  if (patient) body.patient_nhs_number = patient.nhs_number;
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
  if (!isPracticeRole(me.role)) {
    render(document.getElementById('maincontent'), html`
      <h1>Refer a patient</h1>
      <p>Only GPs and practice staff can make referrals. You are signed in as ${me.display_name} (${me.role}).</p>
      <p><a href="worklist.html">Go to your worklist</a></p>`);
    return;
  }
  focusHeading();

  searchForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    search(searchInput.value);
  });
  results.addEventListener('click', (ev) => {
    const b = ev.target.closest('button.seam-select-patient');
    if (b) choose(lastPatients[Number(b.dataset.index)]);
  });
  serviceSelect.addEventListener('change', renderServiceInfo);
  form.addEventListener('change', (ev) => {
    if (ev.target.name === 'priority') renderServiceInfo();
  });
  form.addEventListener('submit', submitReferral);

  try {
    const data = await api('/services', { query: { accepts_referrals: 'true' } });
    services = (data && data.services) || [];
    renderServices();
  } catch (e) {
    showErrorSummary(errors, [{ text: `Services could not be loaded: ${e.message}` }]);
  }

  // refer.html?patient=9991234567 starts with that patient chosen.
  const pre = new URLSearchParams(window.location.search).get('patient');
  if (pre) {
    try {
      choose(await api(`/patients/${encodeURIComponent(pre.replace(/\s+/g, ''))}`));
    } catch (e) {
      searchInput.value = pre;
      showApiError(errors, e, FIELDS);
    }
  }
}

main();
