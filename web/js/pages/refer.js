// refer.js - a GP refers a patient to a hospital service.

import { postForm } from '../components/action-form.js';
import { notForYou, startPage } from '../components/header.js';
import { infoRow, patientPicker } from '../components/patient-picker.js';
import { loadServices, showServiceInfo, trustText } from '../components/service-choice.js';
import { focusHeading } from '../lib/dom.js';
import { html, render } from '../lib/html.js';
import { isPractice } from '../lib/roles.js';
import { estimatedWait, estimatedWaitSentence } from '../lib/rtt.js';

const errors = document.getElementById('errors');
const form = document.getElementById('referral-form');
const serviceSelect = document.getElementById('service_id');
const serviceInfo = document.getElementById('service-info');

// API field -> control to point the error summary at.
const FIELDS = {
  patient_nhs_number: 'patient-q',
  service_id: 'service_id',
  priority: 'priority-routine',
  reason: 'reason',
  clinical_summary: 'clinical_summary',
};

let services = [];
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
  const pr = selectedPriority();
  showServiceInfo(serviceInfo, s, () => {
    const triageDays = s.targets && s.targets.triage_days && pr ? s.targets.triage_days[pr] : null;
    return html`
      ${infoRow('Specialty', html`${s.specialty || 'Not recorded'}${s.treatment_function_code ? html` <span class="nhsuk-u-secondary-text-colour">(treatment function ${s.treatment_function_code})</span>` : ''}`)}
      ${infoRow('Trust', trustText(s))}
      ${infoRow('Triage target', triageDays ? `${triageDays} working day${triageDays === 1 ? '' : 's'} for this priority` : '')}
      ${infoRow('Estimated wait', html`<span id="estimated-wait" data-service-id="${s.id}">Finding out…</span>`)}`;
  });
  if (s) showEstimatedWait(s);
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

// One idempotency key per form (postForm), so a double click or a retry
// after a dropped connection never creates two referrals.  Replaced only
// after the server has definitely refused the request (a 4xx), as the
// corrected form is a different request.
async function submitReferral(ev) {
  ev.preventDefault();
  const sent = await postForm(form, {
    url: '/referrals',
    body() {
      const body = {};
      if (picker.patient()) body.patient_nhs_number = picker.patient().nhs_number;
      if (serviceSelect.value) body.service_id = Number(serviceSelect.value);
      const pr = selectedPriority();
      if (pr) body.priority = pr;
      const reason = form.elements.reason.value.trim();
      if (reason) body.reason = reason;
      const summary = form.elements.clinical_summary.value.trim();
      if (summary) body.clinical_summary = summary;
      return body;
    },
    fields: FIELDS,
    busyText: 'Sending referral…',
  }, errors);
  if (sent) window.location.assign(`referral.html?id=${encodeURIComponent(sent.out.id)}&created=1`);
}

async function main() {
  const me = await startPage('refer.html');
  if (!isPractice(me)) {
    notForYou('Refer a patient', `Only GPs and practice staff can make referrals. You are signed in as ${me.display_name} (${me.role}).`,
      { href: 'worklist.html', text: 'Go to your worklist' });
    return;
  }
  focusHeading();

  picker = patientPicker(errors, FIELDS);
  serviceSelect.addEventListener('change', renderServiceInfo);
  form.addEventListener('change', (ev) => {
    if (ev.target.name === 'priority') renderServiceInfo();
  });
  form.addEventListener('submit', submitReferral);

  services = await loadServices(serviceSelect, errors, { query: { accepts_referrals: 'true' } });
}

main();
