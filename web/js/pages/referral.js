// referral.js - one referral: who holds it now, its details, its history,
// and the actions the signed-in role may take in its current state.

import { actionDetails, isSending, postForm, staleNote } from '../components/action-form.js';
import { startPage } from '../components/header.js';
import { holderCard, holderEnded } from '../components/holder.js';
import {
  OPEN_STATUSES, overdueTags, priorityLabel, priorityTag, RETURN_REASONS, returnReasonLabel,
  statusLabel, statusTag, taskKindLabel,
} from '../components/status-tags.js';
import { banner as showBanner, patientRow, pre, row, serviceText } from '../components/summary.js';
import { api } from '../lib/api.js';
import { focusHeading, param, setTitle } from '../lib/dom.js';
import { showErrorSummary, showMissing } from '../lib/error-summary.js';
import {
  formatDate, formatDateTime, formatNhsNumber, humanise, londonLocalToUtcIso, patientName, timeEl,
  utcToLondonLocal,
} from '../lib/format.js';
import { textarea } from '../lib/forms.js';
import { html, render } from '../lib/html.js';
import { homeFor, isPracticeRole, roleLabel, roleNoun } from '../lib/roles.js';

const notice = document.getElementById('notice');
const errors = document.getElementById('errors');
const view = document.getElementById('referral');
const breadcrumb = document.getElementById('breadcrumb');

const id = param('id');
let me = null;
let referral = null;
let services = null; // for redirect and onward referral, loaded on demand

// ---------------------------------------------------------------------------
// Small pieces.

function orgName(o) {
  if (!o) return '';
  if (typeof o === 'string') return o;
  return o.name || o.code || '';
}

// "Dr Amelia Hart, triager at Northgate Hospitals NHS Foundation Trust"
function personText(p) {
  if (!p) return '';
  if (typeof p === 'string') return p;
  const org = orgName(p.organisation);
  const role = p.role ? roleNoun(p.role) : '';
  const where = role && org ? `${role} at ${org}` : role || org;
  return `${p.display_name || p.username || ''}${where ? `, ${where}` : ''}`;
}

function banner(text, title) {
  showBanner(notice, text, title);
}

function sameTrust(r) {
  const trust = r.service && r.service.trust && r.service.trust.code;
  const org = me.organisation && me.organisation.code;
  return !trust || !org || trust === org;
}

function samePractice(r) {
  const practice = r.patient && r.patient.practice && r.patient.practice.code;
  const org = me.organisation && me.organisation.code;
  return !practice || !org || practice === org;
}

// ---------------------------------------------------------------------------
// Who holds it.

const NEXT_STEP = {
  triage: 'Triage the referral: accept, return with advice, redirect, or convert to advice and guidance',
  booking: 'Book an appointment',
  attendance: 'Record whether the patient attended',
  outcome: 'Record the outcome',
  review_return: 'Review the advice, then resubmit, ask for advice instead, or close the referral',
};

function holderPanel(r) {
  const o = r.owner;
  if (!o) {
    return holderEnded(html`Nobody. This referral has ended: <strong>${statusLabel(r.status).toLowerCase()}</strong>${r.updated_at ? html` on ${timeEl(r.updated_at)}` : ''}.`);
  }
  return holderCard(r, {
    org: o.organisation || {},
    role: html`${o.service && o.service.name ? html`${o.service.name} · ` : ''}${roleLabel(o.role)}`,
    nextStep: o.task ? NEXT_STEP[o.task] || taskKindLabel(o.task) : '',
  });
}

function returnPanel(r) {
  if (r.status !== 'returned' || !r.return) return '';
  const ret = r.return;
  return html`
    <div class="nhsuk-card nhsuk-card--warning" id="return-advice">
      <div class="nhsuk-card__content">
        <h2 class="nhsuk-card__heading">
          <span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>Returned with advice</span>
        </h2>
        <h3 class="nhsuk-heading-xs nhsuk-u-margin-bottom-1">Reason</h3>
        ${ret.reason_code ? html`<p class="nhsuk-body nhsuk-u-margin-bottom-2" id="return-reason-code"><strong>${returnReasonLabel(ret.reason_code)}</strong></p>` : ''}
        ${pre(ret.reason || '')}
        <h3 class="nhsuk-heading-xs nhsuk-u-margin-bottom-1 nhsuk-u-margin-top-4">Advice for the GP</h3>
        ${pre(ret.advice || '', 'return-advice-text')}
        <p class="nhsuk-body-s nhsuk-u-secondary-text-colour nhsuk-u-margin-top-4 nhsuk-u-margin-bottom-0">
          Returned${ret.by ? ` by ${personText(ret.by)}` : ''}${ret.at ? html` on ${timeEl(ret.at)}` : ''}.
          ${me.role === 'gp' ? 'Resubmit with your answer, ask the specialist for advice instead, or close the referral, below.' : ''}
        </p>
      </div>
    </div>`;
}

function details(r) {
  const p = r.patient || {};
  const svc = r.service || {};
  const trust = svc.trust || {};
  const req = r.requester || {};
  return html`
    <h2 class="nhsuk-heading-m">Referral details</h2>
    <dl class="nhsuk-summary-list" id="referral-details">
      ${patientRow(p)}
      ${row('Service', html`${svc.name || ''}${svc.specialty && svc.specialty !== svc.name ? ` (${svc.specialty})` : ''}`)}
      ${row('Trust', html`${trust.name || ''}${trust.code ? ` (${trust.code})` : ''}`)}
      ${r.advice_id ? row('Advice and guidance', html`<a href="advice.html?id=${encodeURIComponent(r.advice_id)}" id="advice-link">Advice request ${r.advice_id}</a> <span class="nhsuk-u-secondary-text-colour">(${r.status === 'converted_to_advice' ? 'this referral became an advice request' : 'the conversation this referral came from'})</span>`, html` id="advice-row"`) : ''}
      ${r.onward_from ? row('Onward referral from', html`<a href="referral.html?id=${encodeURIComponent(r.onward_from)}" id="onward-from-link">Referral ${r.onward_from}</a>${r.same_condition === true ? html` <span class="nhsuk-u-secondary-text-colour">(same condition: the waiting time clock carried over)</span>` : r.same_condition === false ? html` <span class="nhsuk-u-secondary-text-colour">(a new condition: a new waiting time clock)</span>` : ''}`, html` id="onward-row"`) : ''}
      ${r.original_service ? row('Originally sent to', html`${serviceText(r.original_service)} <span class="nhsuk-u-secondary-text-colour">(redirected at triage)</span>`) : ''}
      ${row('Priority', priorityTag(r.priority))}
      ${row('Status', statusTag(r.status), html` id="status-row"`)}
      ${row('Clock start', r.clock_start ? html`${formatDate(r.clock_start)} <span class="nhsuk-u-secondary-text-colour">(referral to treatment)</span>` : '')}
      ${row('Pathway', r.pathway_id ? html`<span class="nhsuk-u-nowrap">${r.pathway_id}</span>` : '')}
      ${row('Referred by', html`${req.display_name || req.username || ''}${req.organisation && req.organisation.name ? html`<br>${req.organisation.name}` : ''}${r.created_at ? html`<br><span class="nhsuk-u-secondary-text-colour">${formatDateTime(r.created_at)}</span>` : ''}`)}
      ${row('Reason', r.reason)}
      ${row('Clinical summary', r.clinical_summary ? pre(r.clinical_summary) : '')}
      ${r.triage_comment && !(r.status === 'returned' && r.return && r.return.reason === r.triage_comment) ? row('Triage comment', pre(r.triage_comment)) : ''}
      ${r.appointment_at ? row('Appointment', timeEl(r.appointment_at, { weekday: true })) : ''}
      ${r.return && r.status !== 'returned' ? row('Previously returned', html`${r.return.reason_code ? html`<strong>${returnReasonLabel(r.return.reason_code)}</strong>` : ''}${pre(r.return.reason || '')}<strong>Advice for the GP:</strong> ${pre(r.return.advice || '')}`) : ''}
      ${['attended', 'discharged'].includes(r.status) && me.role !== 'patient' ? row('Letters to the GP', html`<a href="letters.html?referral=${encodeURIComponent(r.id)}" id="letters-link">Clinic letters and discharge summaries for this referral</a>`, html` id="letters-row"`) : ''}
      ${row('Withdrawal reason', r.withdraw_reason ? pre(r.withdraw_reason) : '')}
      ${row('Last updated', r.updated_at ? formatDateTime(r.updated_at) : '')}
    </dl>`;
}

// ---------------------------------------------------------------------------
// History.

// Event actions ("referral.returned", "task.escalated", ...), by their
// last part so that "return" and "returned" read the same.
const ACTIONS = {
  create: 'Referral sent',
  created: 'Referral sent',
  accept: 'Accepted at triage',
  accepted: 'Accepted at triage',
  return: 'Returned to the GP with advice',
  returned: 'Returned to the GP with advice',
  redirect: 'Redirected to another service',
  redirected: 'Redirected to another service',
  book: 'Appointment booked',
  booked: 'Appointment booked',
  attend: 'Attendance recorded',
  attended: 'Attendance recorded',
  discharge: 'Outcome recorded: discharged',
  discharged: 'Outcome recorded: discharged',
  withdraw: 'Withdrawn',
  withdrawn: 'Withdrawn',
  resubmit: 'Resubmitted by the GP with an answer',
  resubmitted: 'Resubmitted by the GP with an answer',
  close: 'Closed by the GP',
  closed: 'Closed by the GP',
  created_from_advice: 'Referral made from an advice request',
  onward_created: 'Onward referral made',
  convert_to_advice: 'Converted to advice and guidance',
  converted_to_advice: 'Converted to advice and guidance',
  onward: 'Onward referral made',
  onward_referral: 'Onward referral made',
  dna_rebooked: 'Did not attend: to be offered another appointment',
  dna_discharged: 'Did not attend: discharged',
  dna: 'Did not attend',
  escalate: 'Escalated',
  escalated: 'Overdue: escalated',
};

function actionName(action) {
  const a = String(action || '');
  return a.slice(a.lastIndexOf('.') + 1);
}

function actionLabel(ev) {
  const name = actionName(ev.action);
  if (name === 'escalated' || name === 'escalate') {
    const after = ev.after || {};
    const to = after.escalated_to || (ev.detail && ev.detail.escalated_to);
    if (to === 'interface_lead' || after.escalation_level === 2) return 'Overdue: escalated to the trust interface lead';
    if (to === 'icb' || after.escalation_level >= 3) return 'Overdue: escalated to the ICB';
    return 'Overdue: top of the owner\'s worklist';
  }
  return ACTIONS[name] || humanise(name);
}

const DETAIL_LABELS = {
  decision: null, // the title already says it
  comment: 'Comment',
  advice: 'Advice for the GP',
  reason: 'Reason',
  appointment_at: 'Appointment',
  priority: 'Priority',
  to_service: 'To',
  from_service: 'From',
  service: 'Service',
  clinical_summary: 'Updated clinical summary',
  clinical_summary_updated: 'Clinical summary',
  priority_changed: 'Priority',
  escalation_level: 'Escalation level',
  escalated_to: 'Escalated to',
  reason_code: 'Reason',
  advice_id: 'Advice request',
  onward_from: 'Onward referral from',
  same_condition: 'Same condition',
  from_advice_id: 'From advice request',
  question: 'Question',
};

function statusOf(x) {
  if (!x) return null;
  if (typeof x === 'string') return x;
  return x.status || null;
}

function detailValue(k, v) {
  if (v === null || v === undefined || v === '') return '';
  if (k === 'clinical_summary_updated') return v ? 'Updated' : 'Unchanged';
  if (k === 'priority_changed' && typeof v === 'object') return `${priorityLabel(v.from)} → ${priorityLabel(v.to)}`;
  if (k === 'appointment_at' || /_at$/.test(k)) return timeEl(v);
  if (k === 'priority') return priorityLabel(v);
  if (k === 'escalated_to') return humanise(v);
  if (k === 'reason_code') return returnReasonLabel(v);
  if (k === 'same_condition') return v ? 'Yes: the waiting time clock carried over' : 'No: a new waiting time clock';
  if (k === 'advice_id' || k === 'from_advice_id') return html`<a href="advice.html?id=${encodeURIComponent(v)}">Advice request ${v}</a>`;
  if (k === 'onward_from') return html`<a href="referral.html?id=${encodeURIComponent(v)}">Referral ${v}</a>`;
  if (typeof v === 'object') {
    if ('name' in v || 'trust' in v) return serviceText(v);
    if ('display_name' in v) return personText(v);
    return JSON.stringify(v);
  }
  return pre(String(v));
}

const LEVEL_TEXT = {
  0: 'Not overdue',
  1: "Overdue: top of the owner's worklist",
  2: 'The trust interface lead',
  3: 'The ICB',
};

// An escalation by the failsafe: say which task, when it was due, and
// who it went to - not the raw record.
function escalationDetails(ev) {
  const d = (ev.detail && typeof ev.detail === 'object' ? ev.detail : {});
  const after = ev.after && typeof ev.after === 'object' ? ev.after : {};
  const level = d.to !== undefined ? d.to : after.escalation_level;
  const entries = [];
  if (d.kind) {
    const who = [d.owner_role ? roleLabel(d.owner_role) : null, d.owner_org || null].filter(Boolean).join(', ');
    entries.push(['Task', html`${taskKindLabel(d.kind)}${who ? ` (${who})` : ''}`]);
  }
  if (d.due_at) entries.push(['Was due by', timeEl(d.due_at)]);
  if (level !== undefined && LEVEL_TEXT[level]) {
    entries.push(['Now escalated to', html`${LEVEL_TEXT[level]}${d.escalated_to_org ? ` (${d.escalated_to_org})` : ''}`]);
  }
  if (!entries.length) return '';
  return html`
    <dl class="seam-timeline__details">
      ${entries.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}
    </dl>`;
}

function eventDetails(ev) {
  if (/escalat/.test(actionName(ev.action))) return escalationDetails(ev);
  const d = ev.detail;
  if (d === null || d === undefined || d === '') return '';
  if (typeof d !== 'object') return html`<div class="seam-timeline__details">${pre(String(d))}</div>`;
  const entries = Object.entries(d).filter(([k, v]) => v !== null && v !== undefined && v !== '' && DETAIL_LABELS[k] !== null);
  // What "comment" means depends on the action.
  const name = actionName(ev.action);
  const commentLabel = { returned: 'Reason', return: 'Reason', resubmitted: 'Answer to the advice', resubmit: 'Answer to the advice', discharged: 'Outcome', discharge: 'Outcome' }[name];
  if (!entries.length) return '';
  return html`
    <dl class="seam-timeline__details">
      ${entries.map(([k, v]) => html`<dt>${(k === 'comment' && commentLabel) || DETAIL_LABELS[k] || humanise(k)}</dt><dd>${detailValue(k, v)}</dd>`)}
    </dl>`;
}

function timeline(events) {
  if (!events.length) return html`<p>No events recorded yet.</p>`;
  return html`
    <ol class="seam-timeline" id="timeline">
      ${events.map((ev) => {
        const b = statusOf(ev.before);
        const a = statusOf(ev.after);
        const actor = ev.actor;
        return html`
        <li class="seam-timeline__item seam-timeline__item--${actionName(ev.action)}" data-action="${ev.action}">
          <h3 class="nhsuk-heading-xs seam-timeline__title">${actionLabel(ev)}</h3>
          <p class="nhsuk-body-s seam-timeline__meta">
            ${timeEl(ev.at)} · ${actor && actor.username && actor.role !== 'system' ? personText(actor) : 'Seam failsafe (automatic)'}
          </p>
          ${b && a && b !== a ? html`<p class="nhsuk-body-s seam-timeline__change">${statusLabel(b)} → <strong>${statusLabel(a)}</strong></p>` : ''}
          ${!b && a ? html`<p class="nhsuk-body-s seam-timeline__change">Now <strong>${statusLabel(a)}</strong></p>` : ''}
          ${eventDetails(ev)}
        </li>`;
      })}
    </ol>`;
}

// ---------------------------------------------------------------------------
// Actions.

// The services as options grouped by trust, the referral's own trust first.
function serviceOptions(list, r) {
  const byTrust = new Map();
  for (const s of list) {
    const t = (s.trust && s.trust.name) || 'Other';
    if (!byTrust.has(t)) byTrust.set(t, []);
    byTrust.get(t).push(s);
  }
  const ownTrust = r.service && r.service.trust && r.service.trust.name;
  const trusts = [...byTrust.keys()].sort((a, b) => (a === ownTrust ? -1 : b === ownTrust ? 1 : a.localeCompare(b)));
  return trusts.map((t) => html`<optgroup label="${t}">${byTrust.get(t).map((s) => html`<option value="${s.id}">${s.name} – ${t}</option>`)}</optgroup>`);
}

function triageForm(r) {
  const others = (services || []).filter((s) => String(s.id) !== String(r.service && r.service.id));
  return html`
    <section class="seam-action" aria-labelledby="triage-heading">
      <h2 class="nhsuk-heading-m" id="triage-heading">Triage this referral</h2>
      <form id="triage-form" novalidate>
        <div class="nhsuk-form-group">
          <fieldset class="nhsuk-fieldset">
            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Decision</legend>
            <div class="nhsuk-radios nhsuk-radios--conditional" data-module="nhsuk-radios">
              <div class="nhsuk-radios__item">
                <input class="nhsuk-radios__input" id="decision-accept" name="decision" type="radio" value="accept" data-aria-controls="conditional-accept">
                <label class="nhsuk-label nhsuk-radios__label" for="decision-accept">Accept</label>
                <div class="nhsuk-hint nhsuk-radios__hint">It goes to the booking team for an appointment.</div>
              </div>
              <div class="nhsuk-radios__conditional nhsuk-radios__conditional--hidden" id="conditional-accept">
                <div class="nhsuk-form-group">
                  <label class="nhsuk-label" for="triage-priority">Priority</label>
                  <div class="nhsuk-hint" id="triage-priority-hint">Change it only if the clinical picture needs it.</div>
                  <select class="nhsuk-select" id="triage-priority" name="priority" aria-describedby="triage-priority-hint">
                    <option value="">Keep as ${priorityLabel(r.priority).toLowerCase()}</option>
                    ${['routine', 'urgent', 'two_week_wait'].filter((p) => p !== r.priority).map((p) => html`<option value="${p}">Change to ${priorityLabel(p).toLowerCase()}</option>`)}
                  </select>
                </div>
              </div>
              <div class="nhsuk-radios__item">
                <input class="nhsuk-radios__input" id="decision-return" name="decision" type="radio" value="return" data-aria-controls="conditional-return">
                <label class="nhsuk-label nhsuk-radios__label" for="decision-return">Return with advice</label>
                <div class="nhsuk-hint nhsuk-radios__hint">It goes back to the GP practice, who must review your advice.</div>
              </div>
              <div class="nhsuk-radios__conditional nhsuk-radios__conditional--hidden" id="conditional-return">
                <div class="nhsuk-form-group">
                  <label class="nhsuk-label" for="reason_code">Why are you returning it?</label>
                  <div class="nhsuk-hint" id="reason_code-hint">Counted in the interface measures. If you do not choose, it is recorded as “Other reason”.</div>
                  <select class="nhsuk-select" id="reason_code" name="reason_code" aria-describedby="reason_code-hint">
                    <option value="">Choose a reason</option>
                    ${Object.entries(RETURN_REASONS).map(([v, label]) => html`<option value="${v}">${label}</option>`)}
                  </select>
                </div>
                ${textarea('advice', 'Advice for the GP', 'What the GP should do: tests, treatment, or what to include if they refer again.', { rows: 5 })}
              </div>
              <div class="nhsuk-radios__item">
                <input class="nhsuk-radios__input" id="decision-redirect" name="decision" type="radio" value="redirect" data-aria-controls="conditional-redirect">
                <label class="nhsuk-label nhsuk-radios__label" for="decision-redirect">Redirect to another service</label>
                <div class="nhsuk-hint nhsuk-radios__hint">Sends it straight to the right service, at any trust, without going back to the GP. The waiting time clock keeps running.</div>
              </div>
              <div class="nhsuk-radios__conditional nhsuk-radios__conditional--hidden" id="conditional-redirect">
                <div class="nhsuk-form-group">
                  <label class="nhsuk-label" for="to_service_id">Service to redirect to</label>
                  <select class="nhsuk-select" id="to_service_id" name="to_service_id">
                    <option value="">${services ? 'Choose a service' : 'Services could not be loaded'}</option>
                    ${serviceOptions(others, r)}
                  </select>
                </div>
              </div>
              <div class="nhsuk-radios__item">
                <input class="nhsuk-radios__input" id="decision-convert_to_advice" name="decision" type="radio" value="convert_to_advice">
                <label class="nhsuk-label nhsuk-radios__label" for="decision-convert_to_advice">Convert to advice and guidance</label>
                <div class="nhsuk-hint nhsuk-radios__hint">The referral ends and becomes an advice request that you answer: the patient may not need to be seen. Say why in the comment.</div>
              </div>
            </div>
          </fieldset>
        </div>
        ${textarea('triage-comment', 'Comment', 'If you return the referral, this is the reason the GP will see. If you convert it to advice and guidance, say why. Otherwise optional.')}
        <button class="nhsuk-button" type="submit">Record triage decision</button>
      </form>
    </section>`;
}

function bookForm() {
  return html`
    <section class="seam-action" aria-labelledby="book-heading">
      <h2 class="nhsuk-heading-m" id="book-heading">Book an appointment</h2>
      <form id="book-form" novalidate>
        <div class="nhsuk-form-group">
          <label class="nhsuk-label" for="appointment_at">Appointment date and time</label>
          <div class="nhsuk-hint" id="appointment_at-hint">UK time.</div>
          <input class="nhsuk-input nhsuk-input--width-20" id="appointment_at" name="appointment_at" type="datetime-local" aria-describedby="appointment_at-hint">
        </div>
        <button class="nhsuk-button" type="submit">Book appointment</button>
      </form>
    </section>`;
}

function attendForm(r) {
  return html`
    <section class="seam-action" aria-labelledby="attend-heading">
      <h2 class="nhsuk-heading-m" id="attend-heading">Record attendance</h2>
      <form id="attend-form" novalidate>
        <p>${r.appointment_at ? html`The appointment was booked for ${timeEl(r.appointment_at, { weekday: true })}.` : ''} Record that the patient attended, then record the outcome.</p>
        <div class="nhsuk-form-group">
          <label class="nhsuk-label" for="attended_at">When the patient was seen</label>
          <div class="nhsuk-hint" id="attended_at-hint">UK time. Not before the day of the appointment, and not in the future. The GP's letter and the waiting-time measures use this time.</div>
          <input class="nhsuk-input nhsuk-input--width-20" id="attended_at" name="attended_at" type="datetime-local" value="${utcToLondonLocal()}" max="${utcToLondonLocal()}" aria-describedby="attended_at-hint">
        </div>
        <button class="nhsuk-button" type="submit">Record that the patient attended</button>
      </form>
    </section>`;
}

// The RTT outcome of a discharge (docs/waiting-list.md): which clock stop it is.
const RTT_OUTCOMES = [
  ['return_to_primary', 'No treatment here: back to the GP', 'Decision not to treat, or no further contact needed (RTT 34).'],
  ['treated', 'Treated', 'First definitive treatment has started (RTT 30).'],
  ['active_monitoring_clinician', 'Active monitoring, the clinician\'s decision', 'Watch and wait for now, as the clinician advised (RTT 32).'],
  ['active_monitoring_patient', 'Active monitoring, the patient\'s choice', 'The patient chose to wait and be monitored rather than treated now (RTT 31).'],
  ['declined', 'The patient declined treatment', 'Treatment was offered and the patient declined it (RTT 35).'],
];

function dischargeForm() {
  return html`
    <section class="seam-action" aria-labelledby="discharge-heading">
      <h2 class="nhsuk-heading-m" id="discharge-heading">Record the outcome</h2>
      <form id="discharge-form" novalidate>
        ${textarea('discharge-comment', 'Outcome and discharge comment', 'What was found and done, and any actions for the GP.', { rows: 5 })}
        <div class="nhsuk-form-group">
          <fieldset class="nhsuk-fieldset" aria-describedby="discharge-rtt-hint">
            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Waiting time (RTT) outcome</legend>
            <div class="nhsuk-hint" id="discharge-rtt-hint">This stops the patient's waiting-time clock.</div>
            <div class="nhsuk-radios" data-module="nhsuk-radios">
              ${RTT_OUTCOMES.map(([v, label, hint]) => html`
              <div class="nhsuk-radios__item">
                ${v === 'return_to_primary'
    ? html`<input class="nhsuk-radios__input" id="discharge-rtt-${v}" name="discharge-rtt" type="radio" value="${v}" aria-describedby="discharge-rtt-${v}-hint" checked>`
    : html`<input class="nhsuk-radios__input" id="discharge-rtt-${v}" name="discharge-rtt" type="radio" value="${v}" aria-describedby="discharge-rtt-${v}-hint">`}
                <label class="nhsuk-label nhsuk-radios__label" for="discharge-rtt-${v}">${label}</label>
                <div class="nhsuk-hint nhsuk-radios__hint" id="discharge-rtt-${v}-hint">${hint}</div>
              </div>`)}
            </div>
          </fieldset>
        </div>
        <button class="nhsuk-button" type="submit">Discharge the patient</button>
      </form>
    </section>`;
}

function returnedForms(r) {
  return html`
    <section class="seam-action" aria-labelledby="resubmit-heading">
      <h2 class="nhsuk-heading-m" id="resubmit-heading">Resubmit with your answer</h2>
      <form id="resubmit-form" novalidate>
        ${textarea('resubmit-comment', 'Your answer to the advice', 'What you have done about the advice, and why the patient still needs to be seen. The service will see this.', { rows: 5 })}
        ${textarea('resubmit-summary', 'Updated clinical summary (optional)', 'Change it only if there is new information, for example test results.', { rows: 8, value: r.clinical_summary || '' })}
        <button class="nhsuk-button" type="submit">Resubmit referral</button>
      </form>
    </section>
    <section class="seam-action" aria-labelledby="convert-advice-heading">
      <h2 class="nhsuk-heading-m" id="convert-advice-heading">Or ask for advice instead</h2>
      <form id="convert-advice-form" novalidate>
        <p>Turn this referral into an advice and guidance request to ${serviceText(r.service)}: a specialist answers your question without the patient being seen.</p>
        ${textarea('convert-advice-question', 'Your question for the specialist (optional)', 'Leave it empty to send the referral\'s reason and clinical summary as the question.', { rows: 4 })}
        <button class="nhsuk-button nhsuk-button--secondary" type="submit">Ask for advice instead</button>
      </form>
    </section>
    <section class="seam-action" aria-labelledby="close-heading">
      <h2 class="nhsuk-heading-m" id="close-heading">Or close the referral</h2>
      <form id="close-form" novalidate>
        ${textarea('close-comment', 'Why are you closing it?', 'For example: advice followed, the patient no longer needs to be seen.', { rows: 3 })}
        <button class="nhsuk-button nhsuk-button--secondary" type="submit">Close referral</button>
      </form>
    </section>`;
}

function onwardForm(r) {
  return html`
    ${actionDetails('onward-details', 'Make an onward referral', 'onward-form', html`
          <p>Refer ${patientName(r.patient) || 'the patient'} on to another service. The GP practice is copied in for information and has nothing to do.</p>
          <div class="nhsuk-form-group">
            <label class="nhsuk-label" for="onward-service">Service to refer to</label>
            <select class="nhsuk-select" id="onward-service" name="onward-service">
              <option value="">${services ? 'Choose a service' : 'Services could not be loaded'}</option>
              ${serviceOptions(services || [], r)}
            </select>
          </div>
          <div class="nhsuk-form-group">
            <fieldset class="nhsuk-fieldset" aria-describedby="onward-same-hint">
              <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Is it for the same condition?</legend>
              <div class="nhsuk-hint" id="onward-same-hint">Same condition: the patient's referral to treatment (RTT) clock keeps running from ${r.clock_start ? formatDate(r.clock_start) : 'the original referral'}, on the same pathway. A new condition starts a new clock today.</div>
              <div class="nhsuk-radios nhsuk-radios--inline" data-module="nhsuk-radios">
                <div class="nhsuk-radios__item">
                  <input class="nhsuk-radios__input" id="onward-same-yes" name="onward-same" type="radio" value="true">
                  <label class="nhsuk-label nhsuk-radios__label" for="onward-same-yes">Yes, the same condition</label>
                </div>
                <div class="nhsuk-radios__item">
                  <input class="nhsuk-radios__input" id="onward-same-no" name="onward-same" type="radio" value="false">
                  <label class="nhsuk-label nhsuk-radios__label" for="onward-same-no">No, a new condition</label>
                </div>
              </div>
            </fieldset>
          </div>
          <div class="nhsuk-form-group">
            <fieldset class="nhsuk-fieldset">
              <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Priority</legend>
              <div class="nhsuk-radios" data-module="nhsuk-radios">
                ${['routine', 'urgent', 'two_week_wait'].map((p) => html`
                <div class="nhsuk-radios__item">
                  <input class="nhsuk-radios__input" id="onward-priority-${p}" name="onward-priority" type="radio" value="${p}">
                  <label class="nhsuk-label nhsuk-radios__label" for="onward-priority-${p}">${priorityLabel(p)}</label>
                </div>`)}
              </div>
            </fieldset>
          </div>
          <div class="nhsuk-form-group">
            <label class="nhsuk-label" for="onward-reason">Reason for referral</label>
            <div class="nhsuk-hint" id="onward-reason-hint">One line the service sees first. Up to 500 characters.</div>
            <input class="nhsuk-input" id="onward-reason" name="onward-reason" type="text" autocomplete="off" aria-describedby="onward-reason-hint">
          </div>
          ${textarea('onward-summary', 'Clinical summary', 'What was found, what has been done, and what you are asking the service to do.', { rows: 6 })}
          <button class="nhsuk-button" type="submit">Send onward referral</button>
    `)}`;
}

function dnaForm(r) {
  return html`
    ${actionDetails('dna-details', 'Did not attend', 'dna-form', html`
          <p>${r.appointment_at ? html`The patient did not come to the appointment on ${timeEl(r.appointment_at, { weekday: true })}. ` : ''}Decide what the hospital does next. The GP practice is told, for information: nothing is passed back to the GP to do.</p>
          <div class="nhsuk-form-group">
            <fieldset class="nhsuk-fieldset">
              <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">What happens now?</legend>
              <div class="nhsuk-radios" data-module="nhsuk-radios">
                <div class="nhsuk-radios__item">
                  <input class="nhsuk-radios__input" id="dna-rebook" name="dna-decision" type="radio" value="rebook">
                  <label class="nhsuk-label nhsuk-radios__label" for="dna-rebook">Offer another appointment</label>
                  <div class="nhsuk-hint nhsuk-radios__hint">It goes back to the booking team.</div>
                </div>
                <div class="nhsuk-radios__item">
                  <input class="nhsuk-radios__input" id="dna-discharge" name="dna-decision" type="radio" value="discharge">
                  <label class="nhsuk-label nhsuk-radios__label" for="dna-discharge">Discharge</label>
                  <div class="nhsuk-hint nhsuk-radios__hint">A clinical decision: a clinic letter telling the GP why becomes due.</div>
                </div>
              </div>
            </fieldset>
          </div>
          <div class="nhsuk-form-group">
            <label class="nhsuk-label" for="dna-rebooked-on">If another appointment is offered: the date the patient agreed it (optional)</label>
            <div class="nhsuk-hint" id="dna-rebooked-on-hint">After a missed first appointment the waiting-time clock starts again on this date. Leave it empty for today.</div>
            <input class="nhsuk-input nhsuk-input--width-10" id="dna-rebooked-on" name="dna-rebooked-on" type="date" aria-describedby="dna-rebooked-on-hint">
          </div>
          ${textarea('dna-comment', 'Comment', 'For example: two missed appointments; low clinical risk. The GP sees this.', { rows: 3 })}
          <button class="nhsuk-button nhsuk-button--secondary" type="submit">Record did not attend</button>
    `)}`;
}

function orderForm(r) {
  return html`
    ${actionDetails('order-details', 'Order a test', 'order-form', html`
          <p>The result comes back to ${(r.service && r.service.name) || 'this service'} to review, not to the GP.</p>
          <div class="nhsuk-form-group">
            <label class="nhsuk-label" for="order-test">Test</label>
            <div class="nhsuk-hint" id="order-test-hint">For example: Echocardiogram, Full blood count, 24-hour ECG.</div>
            <input class="nhsuk-input" id="order-test" name="order-test" type="text" autocomplete="off" aria-describedby="order-test-hint">
          </div>
          <div class="nhsuk-form-group">
            <fieldset class="nhsuk-fieldset">
              <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Urgency</legend>
              <div class="nhsuk-radios nhsuk-radios--inline" data-module="nhsuk-radios">
                <div class="nhsuk-radios__item">
                  <input class="nhsuk-radios__input" id="order-urgency-routine" name="order-urgency" type="radio" value="routine" checked>
                  <label class="nhsuk-label nhsuk-radios__label" for="order-urgency-routine">Routine</label>
                </div>
                <div class="nhsuk-radios__item">
                  <input class="nhsuk-radios__input" id="order-urgency-urgent" name="order-urgency" type="radio" value="urgent">
                  <label class="nhsuk-label nhsuk-radios__label" for="order-urgency-urgent">Urgent</label>
                </div>
              </div>
            </fieldset>
          </div>
          <button class="nhsuk-button nhsuk-button--secondary" type="submit">Order test</button>
    `)}`;
}

function followUpForm() {
  return html`
    ${actionDetails('follow-up-details', 'Arrange follow-up', 'follow-up-form', html`
          <p>The hospital arranges it: the GP is not asked to re-refer.</p>
          <div class="nhsuk-form-group">
            <fieldset class="nhsuk-fieldset">
              <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Kind of follow-up</legend>
              <div class="nhsuk-radios nhsuk-radios--conditional" data-module="nhsuk-radios">
                <div class="nhsuk-radios__item">
                  <input class="nhsuk-radios__input" id="follow-up-kind-window" name="follow-up-kind" type="radio" value="window" data-aria-controls="conditional-follow-up-window">
                  <label class="nhsuk-label nhsuk-radios__label" for="follow-up-kind-window">Book an appointment within a window</label>
                  <div class="nhsuk-hint nhsuk-radios__hint">The booking team must book it before the window ends.</div>
                </div>
                <div class="nhsuk-radios__conditional nhsuk-radios__conditional--hidden" id="conditional-follow-up-window">
                  <div class="nhsuk-form-group">
                    <label class="nhsuk-label" for="follow-up-start">Not before</label>
                    <input class="nhsuk-input nhsuk-input--width-10" id="follow-up-start" name="follow-up-start" type="date">
                  </div>
                  <div class="nhsuk-form-group">
                    <label class="nhsuk-label" for="follow-up-end">No later than</label>
                    <input class="nhsuk-input nhsuk-input--width-10" id="follow-up-end" name="follow-up-end" type="date">
                  </div>
                </div>
                <div class="nhsuk-radios__item">
                  <input class="nhsuk-radios__input" id="follow-up-kind-pifu" name="follow-up-kind" type="radio" value="pifu" data-aria-controls="conditional-follow-up-pifu">
                  <label class="nhsuk-label nhsuk-radios__label" for="follow-up-kind-pifu">Patient-initiated follow-up (PIFU)</label>
                  <div class="nhsuk-hint nhsuk-radios__hint">The patient contacts the hospital if they need to be seen. When the window ends, you discharge with a letter.</div>
                </div>
                <div class="nhsuk-radios__conditional nhsuk-radios__conditional--hidden" id="conditional-follow-up-pifu">
                  <div class="nhsuk-form-group">
                    <label class="nhsuk-label" for="follow-up-months">For how many months?</label>
                    <select class="nhsuk-select" id="follow-up-months" name="follow-up-months">
                      ${[3, 6, 9, 12, 18, 24].map((m) => html`<option value="${m}"${m === 6 ? html` selected` : ''}>${m} months</option>`)}
                    </select>
                  </div>
                </div>
              </div>
            </fieldset>
          </div>
          <button class="nhsuk-button nhsuk-button--secondary" type="submit">Arrange follow-up</button>
    `)}`;
}

function withdrawForm() {
  return html`
    ${actionDetails('withdraw-details', 'Withdraw this referral', 'withdraw-form', html`
          <p>Withdraw it if the patient no longer needs or wants to be seen. This ends the referral for everyone.</p>
          ${textarea('withdraw-reason', 'Reason for withdrawing', null, { rows: 3 })}
          <button class="nhsuk-button nhsuk-button--warning" type="submit">Withdraw referral</button>
    `)}`;
}

function availableActions(r) {
  const role = me.role;
  const staff = ['triager', 'clinician', 'booking'].includes(role) && sameTrust(r);
  const gp = isPracticeRole(role) && samePractice(r);
  const out = [];
  if (r.status === 'awaiting_triage' && staff && ['triager', 'clinician'].includes(role)) out.push('triage');
  if (r.status === 'awaiting_booking' && staff) out.push('book');
  if (r.status === 'booked' && staff) out.push('attend');
  if (r.status === 'booked' && staff) out.push('dna');
  if (r.status === 'attended' && staff && ['triager', 'clinician'].includes(role)) out.push('discharge', 'order', 'follow-up');
  if (r.status === 'returned' && gp && role === 'gp') out.push('returned');
  if (['awaiting_booking', 'booked', 'attended'].includes(r.status) && staff && ['triager', 'clinician'].includes(role)) out.push('onward');
  if (OPEN_STATUSES.includes(r.status) && (gp || (staff && ['triager', 'clinician'].includes(role)))) out.push('withdraw');
  return out;
}

function actions(r) {
  const list = availableActions(r);
  if (!list.length) return '';
  return html`
    <div id="actions">
      ${list.map((a) => {
        switch (a) {
          case 'triage': return triageForm(r);
          case 'book': return bookForm(r);
          case 'attend': return attendForm(r);
          case 'discharge': return dischargeForm(r);
          case 'dna': return dnaForm(r);
          case 'order': return orderForm(r);
          case 'follow-up': return followUpForm(r);
          case 'returned': return returnedForms(r);
          case 'onward': return onwardForm(r);
          case 'withdraw': return withdrawForm(r);
          default: return '';
        }
      })}
    </div>`;
}

// What each form sends, and where its fields' errors go.
const FORMS = {
  'triage-form': {
    path: 'triage',
    fields: { decision: 'decision-accept', comment: 'triage-comment', advice: 'advice', to_service_id: 'to_service_id', priority: 'triage-priority', reason_code: 'reason_code' },
    body(f) {
      const b = {};
      const d = f.querySelector('input[name="decision"]:checked');
      if (d) b.decision = d.value;
      const comment = f.elements['triage-comment'].value.trim();
      if (comment) b.comment = comment;
      if (b.decision === 'return') {
        const advice = f.elements.advice.value.trim();
        if (advice) b.advice = advice;
        const code = f.elements.reason_code.value;
        if (code) b.reason_code = code;
      } else if (b.decision === 'redirect') {
        const to = f.elements.to_service_id.value;
        if (to) b.to_service_id = Number(to);
      } else if (b.decision === 'accept') {
        const p = f.elements.priority.value;
        if (p) b.priority = p;
      }
      return b;
    },
    success(b, r) {
      if (b.decision === 'accept') return 'Referral accepted. It is now with the booking team.';
      if (b.decision === 'return') return 'Referral returned to the GP practice with your advice.';
      if (b.decision === 'redirect') {
        const to = (services || []).find((s) => String(s.id) === String(b.to_service_id));
        return `Referral redirected to ${serviceText(to || r.service) || 'another service'}.`;
      }
      if (b.decision === 'convert_to_advice') {
        return r && r.advice_id
          ? html`Referral converted to <a href="advice.html?id=${encodeURIComponent(r.advice_id)}" id="new-advice-link">advice request ${r.advice_id}</a>. Answer it from there.`
          : 'Referral converted to an advice request.';
      }
      return 'Triage decision recorded.';
    },
  },
  'book-form': {
    path: 'book',
    fields: { appointment_at: 'appointment_at' },
    body(f) {
      const v = f.elements.appointment_at.value;
      if (!v) return {};
      const iso = londonLocalToUtcIso(v);
      return { appointment_at: iso || v };
    },
    success: (b, r) => `Appointment booked for ${formatDateTime(r.appointment_at || b.appointment_at, { weekday: true })}.`,
  },
  'attend-form': {
    path: 'attend',
    fields: { attended_at: 'attended_at' },
    body(f) {
      const v = f.elements.attended_at.value;
      if (!v) return {};
      const iso = londonLocalToUtcIso(v);
      return { attended_at: iso || v };
    },
    success: (b) => `Attendance recorded${b.attended_at ? ` (seen ${formatDateTime(b.attended_at, { weekday: true })})` : ''}. Record the outcome when you are ready.`,
  },
  'discharge-form': {
    path: 'discharge',
    fields: { comment: 'discharge-comment', rtt_outcome: 'discharge-rtt-return_to_primary' },
    body(f) {
      const b = {};
      const c = f.elements['discharge-comment'].value.trim();
      if (c) b.comment = c;
      const o = f.querySelector('input[name="discharge-rtt"]:checked');
      if (o) b.rtt_outcome = o.value;
      return b;
    },
    success: () => 'Outcome recorded and the patient discharged.',
  },
  'resubmit-form': {
    path: 'resubmit',
    fields: { comment: 'resubmit-comment', clinical_summary: 'resubmit-summary' },
    body(f) {
      const b = {};
      const c = f.elements['resubmit-comment'].value.trim();
      if (c) b.comment = c;
      const s = f.elements['resubmit-summary'].value.trim();
      if (s && s !== String(referral.clinical_summary || '').trim()) b.clinical_summary = s;
      return b;
    },
    success: (b, r) => `Referral resubmitted to ${serviceText(r.service)} with your answer.`,
  },
  'convert-advice-form': {
    path: 'convert_to_advice',
    fields: { question: 'convert-advice-question' },
    body(f) {
      const q = f.elements['convert-advice-question'].value.trim();
      return q ? { question: q } : {};
    },
    success: (b, r) => (r && r.advice_id
      ? html`Your referral is now <a href="advice.html?id=${encodeURIComponent(r.advice_id)}" id="new-advice-link">advice request ${r.advice_id}</a>, with ${serviceText(r.service)}.`
      : 'Your referral is now an advice request.'),
  },
  'onward-form': {
    // POST /referrals: a new referral, not an action on this one.
    url: () => '/referrals',
    versioned: false,
    fields: {
      service_id: 'onward-service', same_condition: 'onward-same-yes', priority: 'onward-priority-routine',
      reason: 'onward-reason', clinical_summary: 'onward-summary', onward_from: 'onward-service',
    },
    check(f) {
      return f.querySelector('input[name="onward-same"]:checked')
        ? [] : [{ id: 'onward-same-yes', text: 'Select whether the onward referral is for the same condition' }];
    },
    body(f) {
      const b = { onward_from: Number(id) };
      const svc = f.elements['onward-service'].value;
      if (svc) b.service_id = Number(svc);
      const same = f.querySelector('input[name="onward-same"]:checked');
      if (same) b.same_condition = same.value === 'true';
      const pr = f.querySelector('input[name="onward-priority"]:checked');
      if (pr) b.priority = pr.value;
      const reason = f.elements['onward-reason'].value.trim();
      if (reason) b.reason = reason;
      const summary = f.elements['onward-summary'].value.trim();
      if (summary) b.clinical_summary = summary;
      return b;
    },
    success: (b, created) => (created && created.id
      ? html`Onward referral sent: <a href="referral.html?id=${encodeURIComponent(created.id)}" id="new-referral-link">referral ${created.id}</a> to ${serviceText(created.service)}.`
      : 'Onward referral sent.'),
  },
  'dna-form': {
    path: 'dna',
    fields: { decision: 'dna-rebook', comment: 'dna-comment', rebooked_on: 'dna-rebooked-on' },
    check(f) {
      return f.querySelector('input[name="dna-decision"]:checked')
        ? [] : [{ id: 'dna-rebook', text: 'Select whether to offer another appointment or discharge' }];
    },
    body(f) {
      const b = { decision: f.querySelector('input[name="dna-decision"]:checked').value };
      const c = f.elements['dna-comment'].value.trim();
      if (c) b.comment = c;
      const on = f.elements['dna-rebooked-on'].value;
      if (on && b.decision === 'rebook') b.rebooked_on = on;
      return b;
    },
    success: (b) => (b.decision === 'rebook'
      ? 'Did not attend recorded. The referral is back with the booking team for another appointment; the GP is told.'
      : html`Did not attend recorded and the patient discharged. A clinic letter to the GP is now due: see <a href="letters.html?referral=${encodeURIComponent(id)}">the referral's letters</a>.`),
  },
  'order-form': {
    url: () => '/results/orders',
    versioned: false,
    fields: { test: 'order-test', urgency: 'order-urgency-routine' },
    body(f) {
      const b = {
        patient_nhs_number: referral.patient && referral.patient.nhs_number,
        service_id: referral.service && referral.service.id,
        referral_id: Number(id),
      };
      const t = f.elements['order-test'].value.trim();
      if (t) b.test = t;
      const u = f.querySelector('input[name="order-urgency"]:checked');
      if (u) b.urgency = u.value;
      return b;
    },
    success: (b, o) => `Test ordered: ${b.test}. The result comes back to this service to review${o && o.expected_by ? `; expected by ${formatDate(String(o.expected_by).slice(0, 10))}` : ''}.`,
  },
  'follow-up-form': {
    url: () => '/follow-ups',
    versioned: false,
    fields: { window_start: 'follow-up-start', window_end: 'follow-up-end', pifu_months: 'follow-up-months', kind: 'follow-up-kind-window' },
    check(f) {
      const k = f.querySelector('input[name="follow-up-kind"]:checked');
      return k ? [] : [{ id: 'follow-up-kind-window', text: 'Select the kind of follow-up' }];
    },
    body(f) {
      const b = { referral_id: Number(id) };
      if (f.querySelector('input[name="follow-up-kind"]:checked').value === 'pifu') {
        b.pifu_months = Number(f.elements['follow-up-months'].value);
      } else {
        const s1 = f.elements['follow-up-start'].value;
        const s2 = f.elements['follow-up-end'].value;
        if (s1) b.window_start = s1;
        if (s2) b.window_end = s2;
      }
      return b;
    },
    success: (b, fu) => (b.pifu_months
      ? `Patient-initiated follow-up arranged for ${b.pifu_months} months.`
      : html`Follow-up arranged: the booking team books it between ${formatDate(b.window_start)} and ${formatDate(b.window_end)}. <a href="follow-ups.html${fu && fu.id ? `#follow-up-${fu.id}` : ''}">See follow-ups</a>`),
  },
  'close-form': {
    path: 'close',
    fields: { comment: 'close-comment' },
    body(f) {
      const c = f.elements['close-comment'].value.trim();
      return c ? { comment: c } : {};
    },
    success: () => 'Referral closed.',
  },
  'withdraw-form': {
    path: 'withdraw',
    fields: { reason: 'withdraw-reason' },
    body(f) {
      const c = f.elements['withdraw-reason'].value.trim();
      return c ? { reason: c } : {};
    },
    success: () => 'Referral withdrawn.',
  },
};

async function onSubmit(ev) {
  const form = ev.target.closest('form');
  const spec = form && FORMS[form.id];
  if (!spec) return;
  ev.preventDefault();
  if (isSending()) return;
  notice.innerHTML = '';
  let body = null;
  const sent = await postForm(form, {
    check: spec.check,
    fields: spec.fields,
    send: (key) => {
      body = spec.versioned === false ? spec.body(form) : { ...spec.body(form), version: referral.version };
      return api(spec.url ? spec.url() : `/referrals/${encodeURIComponent(id)}/${spec.path}`, {
        method: 'POST', body, idempotencyKey: key,
      });
    },
    failed: (e, summary) => {
      if (e.code === 'stale_version' || e.code === 'illegal_transition') {
        staleNote(summary, 'referral', `referral.html?id=${id}`);
      }
    },
  }, errors, view);
  if (!sent) return;
  const message = spec.success(body, sent.out || referral);
  const ok = await load({ quiet: true });
  if (ok) banner(message);
  else banner(html`${message} You can no longer see this referral.`);
}

// ---------------------------------------------------------------------------
// Page.

function renderBreadcrumb() {
  const home = homeFor(me.role);
  const label = home === 'worklist.html' ? 'Worklist' : me.role === 'patient' ? 'My referrals' : 'Referrals';
  breadcrumb.innerHTML = html`
    <nav class="nhsuk-breadcrumb" aria-label="Breadcrumb">
      <ol class="nhsuk-breadcrumb__list">
        <li class="nhsuk-breadcrumb__list-item"><a class="nhsuk-breadcrumb__link" href="${home}">${label}</a></li>
        ${home !== 'referrals.html' ? html`<li class="nhsuk-breadcrumb__list-item"><a class="nhsuk-breadcrumb__link" href="referrals.html">Referrals</a></li>` : ''}
      </ol>
      <a class="nhsuk-back-link" href="${home}"><span class="nhsuk-u-visually-hidden">Back to </span>${label}</a>
    </nav>`.s;
}

function renderReferral(r, events, historyError) {
  const p = r.patient || {};
  const svc = r.service || {};
  setTitle(`Referral ${r.id}: ${patientName(p)}`);
  render(view, html`
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-two-thirds">
        <span class="nhsuk-caption-l">Referral ${r.id} · <span class="nhsuk-u-nowrap">NHS number ${formatNhsNumber(p.nhs_number)}</span></span>
        <h1 class="nhsuk-u-margin-bottom-3">${me.role === 'patient' ? `Your referral to ${svc.name || 'hospital'}` : `${svc.name || 'Referral'} for ${patientName(p)}`}</h1>
        <p class="seam-tags" id="status-line">${statusTag(r.status)} ${priorityTag(r.priority)} ${overdueTags(r)}</p>
        ${holderPanel(r)}
        ${returnPanel(r)}
        ${details(r)}
        ${actions(r)}
        <h2 class="nhsuk-heading-m nhsuk-u-margin-top-7">History</h2>
        ${historyError ? html`<p class="nhsuk-error-message">The history could not be loaded: ${historyError.message}</p>` : timeline(events)}
      </div>
    </div>`);
}

async function load({ quiet = false } = {}) {
  let r;
  let events = [];
  let historyError = null;
  try {
    const [ref, hist] = await Promise.all([
      api(`/referrals/${encodeURIComponent(id)}`),
      api(`/referrals/${encodeURIComponent(id)}/history`).catch((e) => { historyError = e; return null; }),
    ]);
    r = ref;
    events = (hist && hist.events) || [];
  } catch (e) {
    if (quiet && e.status === 404) {
      view.innerHTML = '';
      return false;
    }
    render(view, html`<h1>Referral ${id || ''}</h1>`);
    showErrorSummary(errors, [{ text: e.status === 404 ? 'There is no such referral, or you cannot see it.' : e.message }]);
    return false;
  }
  referral = r;
  const needServices = availableActions(r).some((a) => a === 'triage' || a === 'onward') && services === null;
  if (needServices) {
    try {
      const data = await api('/services', { query: { accepts_referrals: 'true' } });
      services = (data && data.services) || [];
    } catch {
      services = null;
    }
  }
  renderReferral(r, events, historyError);
  return true;
}

async function main() {
  me = await startPage('');
  renderBreadcrumb();
  if (!id) {
    showMissing(view, errors, 'Referral', 'No referral was given. Open a referral from your worklist or referrals list.');
    return;
  }
  view.addEventListener('submit', onSubmit);
  const ok = await load();
  if (ok && param('created')) {
    // Say it once: a reload should not announce it again.
    window.history.replaceState(null, '', `referral.html?id=${encodeURIComponent(id)}`);
    banner(`Referral sent to ${serviceText(referral.service)}.`);
  } else if (ok) focusHeading(view);
}

main();
