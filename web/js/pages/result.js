// result.js - one test result: who holds it, what it says, and the review.
// The ordering clinician reviews it (what was done, whether the patient was
// told), or asks the GP to take it on - a request the GP may decline, the
// hospital keeping it until they accept.  The GP answers the request and
// reviews a result handed over.

import { actionDetails, actionSection, sendForm } from '../components/action-form.js';
import { holderCard, holderEnded } from '../components/holder.js';
import { loadObject, objectHeading, pageParts, startObjectPage } from '../components/object-page.js';
import { overdueTags, RESULT_STATUS, tagFrom } from '../components/status-tags.js';
import { banner, patientRow, personName, pre, row, serviceText } from '../components/summary.js';
import { setTitle } from '../lib/dom.js';
import { patientName, timeEl } from '../lib/format.js';
import { checked, textarea, val, yesNo } from '../lib/forms.js';
import { html, render } from '../lib/html.js';
import { homeFor, isClinicianOf, isGpOf, isPractice, roleLabel } from '../lib/roles.js';

const parts = pageParts();
const { notice, errors, view } = parts;

let id = null;
let me = null;
let result = null;

function abnormalTag(r) {
  return r.abnormal
    ? html`<strong class="nhsuk-tag nhsuk-tag--red" id="abnormal-tag">Abnormal</strong>`
    : html`<strong class="nhsuk-tag nhsuk-tag--white">Normal</strong>`;
}

const NEXT_STEP = {
  to_review: 'Review the result, or ask the GP to take it on',
  handover_requested: 'The GP practice decides whether to take the result on',
  gp_to_review: 'Review the result',
};

function holderPanel(r) {
  if (r.status === 'reviewed' || !r.owner) return holderEnded('Nobody. The result has been reviewed.');
  const o = r.owner;
  return holderCard(r, {
    org: o.organisation || {},
    role: html`${o.service && o.service.name ? html`${o.service.name} · ` : ''}${roleLabel(o.role)}`,
    nextStep: NEXT_STEP[r.status] || '',
  });
}

function details(r) {
  return html`
    <h2 class="nhsuk-heading-m">Result</h2>
    <dl class="nhsuk-summary-list" id="result-details">
      ${patientRow(r.patient)}
      ${row('Test', html`<strong>${r.test || ''}</strong>`)}
      ${row('Result', html`${abnormalTag(r)}${pre(r.summary || '', 'result-summary')}`)}
      ${row('Received', r.received_at ? timeEl(r.received_at) : '')}
      ${row('Ordered by', serviceText(r.service))}
      ${row('Status', tagFrom(RESULT_STATUS, r.status), html` id="status-row"`)}
    </dl>`;
}

function handoverBlock(r) {
  const h = r.handover;
  if (!h) return '';
  const decision = h.decision === 'accepted' || h.decision === 'accept' ? 'accepted'
    : h.decision === 'declined' || h.decision === 'decline' ? 'declined' : null;
  return html`
    <div class="nhsuk-card seam-handover" id="handover">
      <div class="nhsuk-card__content">
        <h2 class="nhsuk-card__heading nhsuk-heading-s">Hand-over request to the GP</h2>
        <dl class="nhsuk-summary-list nhsuk-summary-list--no-border nhsuk-u-margin-bottom-0">
          ${row('Asked', html`${h.requested_at ? timeEl(h.requested_at) : ''}${h.requested_by ? ` by ${personName(h.requested_by)}` : ''}`)}
          ${row('Reason', pre(h.reason || ''))}
          ${row('GP decision', decision === 'accepted'
            ? html`<strong>Accepted</strong>${h.decided_by ? ` by ${personName(h.decided_by)}` : ''}${h.decided_at ? html`, ${timeEl(h.decided_at)}` : ''}`
            : decision === 'declined'
              ? html`<strong>Declined</strong>${h.decided_by ? ` by ${personName(h.decided_by)}` : ''}${h.decided_at ? html`, ${timeEl(h.decided_at)}` : ''}${pre(h.decline_reason || '', 'handover-decline-reason')}`
              : html`<span id="handover-pending">Waiting for the GP. The hospital still holds the result until the GP accepts.</span>`, html` id="handover-decision"`)}
        </dl>
      </div>
    </div>`;
}

function reviewBlock(r) {
  const v = r.review;
  if (!v) return '';
  return html`
    <div class="nhsuk-card seam-outcome" id="review">
      <div class="nhsuk-card__content">
        <h2 class="nhsuk-card__heading nhsuk-heading-s">Reviewed</h2>
        <dl class="nhsuk-summary-list nhsuk-summary-list--no-border nhsuk-u-margin-bottom-0">
          ${row('Action taken', pre(v.action_taken || ''))}
          ${row('Patient told', v.patient_told ? 'Yes' : 'No')}
          ${row('By', html`${personName(v.by)}${v.at ? html`, ${timeEl(v.at)}` : ''}`)}
        </dl>
      </div>
    </div>`;
}

function reviewForm() {
  return html`
    ${actionSection('review', 'Review the result', html`
      ${textarea('action_taken', 'Action taken', 'What you did about it: for example no action needed, treatment changed, repeat test booked.', { rows: 3 })}
      ${yesNo('patient_told', 'Has the patient been told the result?', null)}
      <button class="nhsuk-button" type="submit">Record review</button>
    `)}`;
}

function handoverForm() {
  return html`
    ${actionDetails('handover-details', 'Ask the GP to take this on', 'handover-form', html`
          <div class="nhsuk-inset-text nhsuk-u-margin-top-0">
            <span class="nhsuk-u-visually-hidden">Information: </span>
            <p>This is a <strong>request</strong>, not a transfer. The GP practice may decline it. Until the GP accepts, the result stays with you and stays on your worklist.</p>
          </div>
          ${textarea('handover-reason', 'Why should the GP take it on?', 'For example: the GP manages this condition and will see the patient for it.', { rows: 3 })}
          <button class="nhsuk-button nhsuk-button--secondary" type="submit">Send request to the GP</button>
    `)}`;
}

function handoverDecisionForms(r) {
  const h = r.handover || {};
  return html`
    <section class="seam-action" aria-labelledby="handover-decide-heading">
      <h2 class="nhsuk-heading-m" id="handover-decide-heading">The hospital asks you to take this result on</h2>
      <p>${h.reason ? html`Their reason: <q>${h.reason}</q>. ` : ''}You may decline. If you accept, reviewing the result becomes the practice's task.</p>
      <form id="handover-accept-form" novalidate>
        <button class="nhsuk-button" type="submit">Accept and review it here</button>
      </form>
      <form id="handover-decline-form" novalidate>
        ${textarea('handover-decline-reason-input', 'Or decline: why?', 'The hospital sees your reason and keeps the result.', { rows: 3 })}
        <button class="nhsuk-button nhsuk-button--secondary" type="submit">Decline request</button>
      </form>
    </section>`;
}

function forms(r) {
  const out = [];
  if (r.status === 'to_review' && isClinicianOf(me, r)) out.push(reviewForm(), handoverForm());
  if (r.status === 'gp_to_review' && isGpOf(me, r)) out.push(reviewForm());
  if (r.status === 'handover_requested' && isGpOf(me, r)) out.push(handoverDecisionForms(r));
  return out;
}

function renderResult(r) {
  const p = r.patient || {};
  setTitle(`Result: ${r.test || ''} for ${patientName(p)}`);
  render(view, html`
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-two-thirds">
        ${objectHeading(`Result ${r.id}${r.service && r.service.name ? ` · ${r.service.name}` : ''}`,
          `${r.test || 'Result'} for ${patientName(p)}`,
          html`${tagFrom(RESULT_STATUS, r.status)} ${abnormalTag(r)} ${overdueTags(r)}`)}
        ${holderPanel(r)}
        ${details(r)}
        ${handoverBlock(r)}
        ${reviewBlock(r)}
        ${forms(r)}
      </div>
    </div>`);
}

async function load() {
  const r = await loadObject(`/results/${encodeURIComponent(id)}`, { parts, what: 'Result', noun: 'result', id });
  if (!r) return false;
  result = r;
  renderResult(result);
  return true;
}

const FORMS = {
  'review-form': {
    path: 'review',
    fields: { action_taken: 'action_taken', patient_told: 'patient_told-yes' },
    check: (f) => (checked(f, 'patient_told') === null ? [{ id: 'patient_told-yes', text: 'Select whether the patient has been told the result' }] : []),
    body(f) {
      const b = { patient_told: checked(f, 'patient_told') === 'true' };
      const a = val(f, 'action_taken');
      if (a) b.action_taken = a;
      return b;
    },
    success: () => 'Review recorded.',
  },
  'handover-form': {
    path: 'handover',
    fields: { reason: 'handover-reason' },
    body: (f) => (val(f, 'handover-reason') ? { reason: val(f, 'handover-reason') } : {}),
    success: () => 'Request sent to the GP practice. The result stays with you until the GP accepts.',
  },
  'handover-accept-form': {
    path: 'handover/accept',
    body: () => ({}),
    success: () => 'You accepted the result. Review it below.',
  },
  'handover-decline-form': {
    path: 'handover/decline',
    fields: { reason: 'handover-decline-reason-input' },
    body: (f) => (val(f, 'handover-decline-reason-input') ? { reason: val(f, 'handover-decline-reason-input') } : {}),
    success: () => 'You declined the request. The hospital keeps the result.',
  },
};

async function onSubmit(ev) {
  const form = ev.target.closest('form');
  const spec = form && FORMS[form.id];
  if (!spec) return;
  ev.preventDefault();
  notice.innerHTML = '';
  const out = await sendForm(form, { ...spec, url: `/results/${encodeURIComponent(id)}/${spec.path}` }, errors, view);
  if (out) {
    await load();
    banner(notice, spec.success());
  }
}

function crumbs(m) {
  const practice = isPractice(m);
  const back = practice ? { href: 'inbox.html', text: 'Inbox' } : { href: 'results.html', text: 'Results' };
  const links = [{ href: homeFor(m), text: practice ? 'Inbox' : 'Worklist' }];
  if (!practice) links.push({ href: 'results.html', text: 'Results' });
  return { links, back };
}

async function main() {
  await startObjectPage({
    nav: 'results.html',
    parts,
    crumbs,
    what: 'Result',
    missing: 'No result was given. Open a result from the Results page or your worklist.',
    started: (s) => { ({ me, id } = s); },
    on: { submit: onSubmit },
    load,
  });
}

main();
