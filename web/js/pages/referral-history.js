// referral-history.js - a referral's history (GET /referrals/{id}/history)
// as a timeline: what happened, who did it, the status it moved between, and
// the details, in words (an escalation by the failsafe says which task went
// to whom).

import { priorityLabel, returnReasonLabel, statusLabel, taskKindLabel } from '../components/status-tags.js';
import { personText, pre, serviceText } from '../components/summary.js';
import { humanise, timeEl } from '../lib/format.js';
import { html } from '../lib/html.js';
import { roleLabel } from '../lib/roles.js';

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

export function timeline(events) {
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
