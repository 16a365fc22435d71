// advice-new.js - a GP asks a hospital specialist for advice and guidance
// about a patient (POST /advice), optionally with a file attached.

import { postForm } from '../components/action-form.js';
import { attachmentProblem, uploadAttachment } from '../components/attachments.js';
import { notForYou, startPage } from '../components/header.js';
import { infoRow, patientPicker } from '../components/patient-picker.js';
import { loadServices, showServiceInfo, trustText } from '../components/service-choice.js';
import { api, newIdempotencyKey } from '../lib/api.js';
import { focusHeading } from '../lib/dom.js';
import { html } from '../lib/html.js';

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

// The request's idempotency key is the form's (postForm): a double click or
// a retry never creates two requests.  The file has its own, replaced once
// the server has refused it.
let uploadKey = newIdempotencyKey();
let services = [];
let attaching = false;
let picker = null;

function servicesById() {
  return new Map(services.map((s) => [String(s.id), s]));
}

function selectedValue(name) {
  const r = form.querySelector(`input[name="${name}"]:checked`);
  return r ? r.value : null;
}

function renderServiceInfo() {
  showServiceInfo(serviceInfo, servicesById().get(serviceSelect.value), (s) => html`
      ${infoRow('Trust', trustText(s))}
      ${infoRow('Referrals', s.accepts_referrals === false ? 'This service takes advice requests only, not referrals.' : '')}`);
}

function body() {
  const b = {};
  if (picker.patient()) b.patient_nhs_number = picker.patient().nhs_number;
  if (serviceSelect.value) b.service_id = Number(serviceSelect.value);
  const pr = selectedValue('priority');
  if (pr) b.priority = pr;
  const question = form.elements.question.value.trim();
  if (question) b.question = question;
  const consent = selectedValue('consent_to_convert');
  if (consent !== null) b.consent_to_convert = consent === 'true';
  return b;
}

async function submitAdvice(ev) {
  ev.preventDefault();
  if (attaching) return;

  // A file Seam would refuse is caught before anything is sent, so the
  // request is not created without it.
  const file = fileInput.files && fileInput.files[0];
  const fileProblem = file ? attachmentProblem(file) : null;
  const sent = await postForm(form, {
    check: () => (fileProblem ? [{ id: 'attachment', text: fileProblem }] : []),
    send: (key) => api('/advice', { method: 'POST', body: body(), idempotencyKey: key }).catch((e) => {
      // Say what the consent question needs in the page's own words.
      if (e.field === 'consent_to_convert' && e.status === 422) {
        e.message = 'Select yes if the specialist may turn this into a referral, or no if not';
      }
      throw e;
    }),
    fields: FIELDS,
    busyText: 'Sending advice request…',
  }, errors);
  if (!sent) return;

  const next = `advice.html?id=${encodeURIComponent(sent.out.id)}&created=1`;
  if (!file) {
    window.location.assign(next);
    return;
  }
  attaching = true;
  submit.disabled = true;
  submit.setAttribute('aria-disabled', 'true');
  submit.textContent = 'Attaching the file…';
  try {
    await uploadAttachment(sent.out.id, file, uploadKey);
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
    notForYou('Ask a specialist for advice', `Only GPs can ask for advice and guidance. You are signed in as ${me.display_name} (${me.role}).`,
      { href: 'advice-list.html', text: 'Go to advice and guidance' });
    return;
  }
  focusHeading();

  picker = patientPicker(errors, FIELDS);
  serviceSelect.addEventListener('change', renderServiceInfo);
  form.addEventListener('submit', submitAdvice);

  // Every service that gives advice, including advice-only ones.
  services = await loadServices(serviceSelect, errors, { keep: (s) => s.accepts_advice !== false });
}

main();
