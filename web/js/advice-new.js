// advice-new.js - a GP asks a hospital specialist for advice and guidance
// about a patient (POST /advice), optionally with a file attached.

import { api, newIdempotencyKey } from './api.js';
import { attachmentProblem, uploadAttachment } from './attachments.js';
import {
  clearErrors, focusHeading, formatDate, formatNhsNumber, html, patientName, render, setFieldError,
  showApiError, showErrorSummary, startPage,
} from './layout.js';

const errors = document.getElementById('errors');
const searchForm = document.getElementById('patient-search');
const searchInput = document.getElementById('patient-q');
const results = document.getElementById('patient-results');
const chosen = document.getElementById('patient-chosen');
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
            <th class="nhsuk-table__header" scope="col" role="columnheader"><span class="nhsuk-u-visually-hidden">Action</span></th>
          </tr>
        </thead>
        <tbody class="nhsuk-table__body">
          ${lastPatients.map((p, i) => html`
          <tr class="nhsuk-table__row" role="row" data-nhs-number="${p.nhs_number}">
            <td class="nhsuk-table__cell" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">Name </span><strong>${patientName(p)}</strong></td>
            <td class="nhsuk-table__cell seam-nowrap" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">NHS number </span>${formatNhsNumber(p.nhs_number)}</td>
            <td class="nhsuk-table__cell" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">Date of birth </span>${formatDate(p.birth_date)}</td>
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
  if (patient) body.patient_nhs_number = patient.nhs_number;
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

  searchForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    search(searchInput.value);
  });
  results.addEventListener('click', (ev) => {
    const b = ev.target.closest('button.seam-select-patient');
    if (b) choose(lastPatients[Number(b.dataset.index)]);
  });
  serviceSelect.addEventListener('change', renderServiceInfo);
  form.addEventListener('submit', submitAdvice);

  try {
    // Every service that gives advice, including advice-only ones.
    const data = await api('/services');
    services = ((data && data.services) || []).filter((s) => s.accepts_advice !== false);
    renderServices();
  } catch (e) {
    showErrorSummary(errors, [{ text: `Services could not be loaded: ${e.message}` }]);
  }

  // advice-new.html?patient=9991234567 starts with that patient chosen.
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
