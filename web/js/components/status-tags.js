// status-tags.js - the status tables of referrals, advice, results,
// letters, follow-ups and GP actions, their NHS.UK tags and labels, and the
// overdue/escalation tags.

import { humanise } from '../lib/format.js';
import { html } from '../lib/html.js';
import { roleLabel } from '../lib/roles.js';

export const STATUS = {
  awaiting_triage: { label: 'Awaiting triage', colour: 'blue' },
  awaiting_booking: { label: 'Awaiting booking', colour: 'purple' },
  returned: { label: 'Returned with advice', colour: 'orange' },
  booked: { label: 'Booked', colour: 'aqua-green' },
  attended: { label: 'Attended', colour: 'green' },
  discharged: { label: 'Discharged', colour: 'grey' },
  withdrawn: { label: 'Withdrawn', colour: 'grey' },
  closed: { label: 'Closed', colour: 'grey' },
  converted_to_advice: { label: 'Converted to advice and guidance', colour: 'grey' },
};

export const OPEN_STATUSES = ['awaiting_triage', 'awaiting_booking', 'returned', 'booked', 'attended'];

export function statusLabel(status) {
  return (STATUS[status] && STATUS[status].label) || humanise(status);
}

export function statusTag(status) {
  const s = STATUS[status];
  return html`<strong class="nhsuk-tag nhsuk-tag--${s ? s.colour : 'grey'}" data-status="${status}">${statusLabel(status)}</strong>`;
}

// Advice and guidance requests have their own statuses.
export const ADVICE_STATUS = {
  awaiting_response: { label: 'Awaiting specialist', colour: 'blue' },
  awaiting_gp: { label: 'Awaiting GP reply', colour: 'orange' },
  advice_given: { label: 'Advice given', colour: 'green' },
  closed: { label: 'Closed', colour: 'grey' },
  converted: { label: 'Converted to referral', colour: 'purple' },
  withdrawn: { label: 'Withdrawn', colour: 'grey' },
};

export const ADVICE_OPEN_STATUSES = ['awaiting_response', 'awaiting_gp', 'advice_given'];

export function adviceStatusLabel(status) {
  return (ADVICE_STATUS[status] && ADVICE_STATUS[status].label) || humanise(status);
}

export function adviceStatusTag(status) {
  const s = ADVICE_STATUS[status];
  return html`<strong class="nhsuk-tag nhsuk-tag--${s ? s.colour : 'grey'}" data-status="${status}">${adviceStatusLabel(status)}</strong>`;
}

// Complete care: results, orders, letters and follow-ups have their own statuses.
export const RESULT_STATUS = {
  to_review: { label: 'To review', colour: 'orange' },
  handover_requested: { label: 'Hand-over requested', colour: 'yellow' },
  gp_to_review: { label: 'With the GP to review', colour: 'purple' },
  reviewed: { label: 'Reviewed', colour: 'green' },
};

export const ORDER_STATUS = {
  awaiting_result: { label: 'Awaiting result', colour: 'blue' },
  resulted: { label: 'Resulted', colour: 'green' },
};

export const LETTER_STATUS = {
  due: { label: 'Due', colour: 'orange' },
  sent: { label: 'Sent', colour: 'blue' },
  read: { label: 'Read by the GP', colour: 'green' },
};

export const LETTER_KINDS = {
  clinic: 'Clinic letter',
  discharge: 'Discharge summary',
};

export const FOLLOW_UP_STATUS = {
  open: { label: 'To arrange', colour: 'orange' },
  booked: { label: 'Booked', colour: 'aqua-green' },
  discharged: { label: 'Discharged', colour: 'grey' },
};

export const GP_ACTION_STATUS = {
  pending: { label: 'Waiting for the GP', colour: 'orange' },
  accepted: { label: 'Accepted', colour: 'green' },
  declined: { label: 'Declined', colour: 'red' },
  // the state shown (a declined action stays with the hospital until resolved)
  with_hospital: { label: 'Declined: with the hospital', colour: 'red' },
  resolved: { label: 'Resolved by the hospital', colour: 'green' },
};

// What the hospital did about an action the GP declined.
export const GP_ACTION_OUTCOMES = {
  arranged_by_hospital: 'Arranged by the hospital',
  agreed_otherwise: 'Agreed otherwise',
};

// A tag from one of the status tables above.
export function tagFrom(table, status, attrs = {}) {
  const s = table[status];
  return html`<strong class="nhsuk-tag nhsuk-tag--${s ? s.colour : 'grey'}" data-status="${status}"${attrs.id ? html` id="${attrs.id}"` : ''}>${s ? s.label : humanise(status)}</strong>`;
}

export function labelFrom(table, status) {
  return (table[status] && table[status].label) || humanise(status);
}

// Why a referral was returned (return.reason_code).
export const RETURN_REASONS = {
  more_information_needed: 'More information needed',
  tests_first: 'Tests needed first',
  manage_in_primary_care: 'Can be managed in primary care',
  needs_other_service: 'Needs a different service',
  criteria_not_met: 'Referral criteria not met',
  other: 'Other reason',
};

export function returnReasonLabel(code) {
  return RETURN_REASONS[code] || humanise(code);
}

export const PRIORITY = {
  routine: { label: 'Routine', colour: 'white' },
  urgent: { label: 'Urgent', colour: 'orange' },
  two_week_wait: { label: 'Suspected cancer (two-week wait)', short: 'Suspected cancer', colour: 'red' },
};

export function priorityLabel(p) {
  return (PRIORITY[p] && PRIORITY[p].label) || humanise(p);
}

export function priorityTag(p, { short = false } = {}) {
  const d = PRIORITY[p];
  if (!d) return html`${humanise(p)}`;
  return html`<strong class="nhsuk-tag nhsuk-tag--${d.colour}">${short && d.short ? d.short : d.label}</strong>`;
}

export const TASK_KINDS = {
  triage: 'Triage',
  booking: 'Booking',
  attendance: 'Record attendance',
  outcome: 'Record outcome',
  review_return: 'GP review of returned referral',
  advice_response: 'Answer advice request',
  advice_reply: 'Reply to specialist',
  read_advice: "Read specialist's advice",
  expected_result: 'Awaiting result',
  review_result: 'Review result',
  result_handover: 'Result hand-over request',
  clinic_letter: 'Write clinic letter',
  discharge_summary: 'Write discharge summary',
  gp_actions: 'Respond to GP actions',
  gp_action_declined: 'Declined GP action: arrange it',
  follow_up: 'Arrange follow-up',
  pifu_review: 'Patient-initiated follow-up ends',
};

// Tasks about an advice and guidance request rather than a referral.
export const ADVICE_TASK_KINDS = ['advice_response', 'advice_reply', 'read_advice'];

export function taskKindLabel(kind) {
  return TASK_KINDS[kind] || humanise(kind);
}

// The owner of a task or referral as one line: "Northgate ... — Triager".
export function ownerText(owner) {
  if (!owner) return '';
  const org = (owner.organisation && owner.organisation.name) || '';
  return [org, roleLabel(owner.role)].filter(Boolean).join(' — ');
}

export function escalationText(level, escalatedTo) {
  if (escalatedTo === 'icb' || level >= 3) return 'Escalated to the ICB';
  if (escalatedTo === 'interface_lead' || level === 2) return 'Escalated to interface lead';
  return '';
}

// Red "Overdue" tag, plus the escalation if any.
export function overdueTags(x) {
  if (!x) return html``;
  const esc2 = escalationText(x.escalation_level || 0, x.escalated_to);
  return html`${x.overdue ? html`<strong class="nhsuk-tag nhsuk-tag--red">Overdue</strong>` : ''}${esc2 ? html` <strong class="nhsuk-tag nhsuk-tag--red seam-tag--escalated">${esc2}</strong>` : ''}`;
}
