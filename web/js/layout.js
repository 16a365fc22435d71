// layout.js - what every Seam page shares: the header (who is signed in,
// navigation, sign out), safe HTML templating, formatting of NHS numbers,
// dates and statuses, and the NHS.UK error summary.

import { initAll } from '/nhsuk/nhsuk/nhsuk-frontend.min.js';
import { api, clearSession, getToken, signInUrl } from './api.js';

// ---------------------------------------------------------------------------
// HTML templating that escapes every interpolated value unless it is Raw.

export class Raw {
  constructor(s) {
    this.s = String(s);
  }
  toString() {
    return this.s;
  }
}

export function raw(s) {
  return new Raw(s);
}

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function esc(v) {
  return String(v).replace(/[&<>"']/g, (c) => ESC[c]);
}

function part(v) {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Raw) return v.s;
  if (Array.isArray(v)) return v.map(part).join('');
  return esc(v);
}

// html`<p>${userText}</p>` -> Raw, with userText escaped.
export function html(strings, ...values) {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1];
  return new Raw(out);
}

export function render(el, content) {
  el.innerHTML = part(content);
  initNhsuk(el);
}

// Initialise NHS.UK frontend components (radios, error summary, header...)
// inside a freshly rendered part of the page.
export function initNhsuk(scope) {
  try {
    initAll(scope);
  } catch (e) {
    console.warn('nhsuk-frontend init', e);
  }
}

// ---------------------------------------------------------------------------
// Labels and formatting.

export const ROLE_LABELS = {
  gp: 'GP',
  practice_admin: 'Practice administrator',
  clinician: 'Clinician',
  triager: 'Triager',
  booking: 'Booking team',
  interface_lead: 'Interface lead',
  icb_analyst: 'ICB analyst',
  patient: 'Patient',
  admin: 'Administrator',
};

export function roleLabel(role) {
  return ROLE_LABELS[role] || humanise(role);
}

// The role inside a sentence: "triager", "booking team", but "GP".
export function roleNoun(role) {
  const l = roleLabel(role);
  return /^[A-Z]{2}/.test(l) ? l : l.charAt(0).toLowerCase() + l.slice(1);
}

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

export function humanise(s) {
  if (s === null || s === undefined || s === '') return '';
  const t = String(s).replace(/_/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

// "9434765919" -> "943 476 5919"
export function formatNhsNumber(n) {
  if (!n) return '';
  const d = String(n).replace(/\s+/g, '');
  if (!/^\d{10}$/.test(d)) return String(n);
  return `${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`;
}

export function patientName(p) {
  if (!p) return '';
  const family = p.family_name ? String(p.family_name).toUpperCase() : '';
  return [family, p.given_name].filter(Boolean).join(', ');
}

const TZ = 'Europe/London';

// "2026-11-02" -> "2 November 2026"
export function formatDate(d) {
  if (!d) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (m) {
    const dt = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], 12));
    return dt.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  }
  const dt = new Date(d);
  if (Number.isNaN(dt.getTime())) return String(d);
  return dt.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: TZ });
}

// ISO instant -> "25 Nov 2026, 14:59" in UK time.
export function formatDateTime(iso, { weekday = false } = {}) {
  if (!iso) return '';
  const dt = new Date(iso);
  if (Number.isNaN(dt.getTime())) return String(iso);
  const opts = { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: TZ };
  if (weekday) opts.weekday = 'short';
  return dt.toLocaleString('en-GB', opts);
}

// An accessible <time> element; wraps between the date and the time only.
export function timeEl(iso, opts) {
  if (!iso) return html``;
  const text = formatDateTime(iso, opts);
  const i = text.lastIndexOf(', ');
  if (i < 0) return html`<time datetime="${iso}">${text}</time>`;
  return html`<time datetime="${iso}"><span class="nhsuk-u-nowrap">${text.slice(0, i + 1)}</span> <span class="nhsuk-u-nowrap">${text.slice(i + 2)}</span></time>`;
}

function londonOffsetMinutes(utcMs) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: TZ, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const v = Object.fromEntries(parts.map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+v.year, +v.month - 1, +v.day, +v.hour, +v.minute, +v.second);
  return Math.round((asUtc - utcMs) / 60000);
}

// A datetime-local value ("2026-11-25T14:30") read as UK wall-clock time
// -> "2026-11-25T14:30:00Z" style ISO instant in UTC.  null if invalid.
export function londonLocalToUtcIso(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value || '');
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
  let utc = wall - londonOffsetMinutes(wall) * 60000;
  utc = wall - londonOffsetMinutes(utc) * 60000; // settle around a clock change
  return new Date(utc).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// An instant (ms, default now) as a datetime-local value in UK wall-clock
// time ("2026-11-25T14:30"): the default of a "when did it happen" field.
export function utcToLondonLocal(utcMs = Date.now()) {
  return new Date(utcMs + londonOffsetMinutes(utcMs) * 60000).toISOString().slice(0, 16);
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

const ARROW_LEFT = raw('<svg class="nhsuk-icon nhsuk-icon--arrow-left" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16" focusable="false" aria-hidden="true"><path d="M10.7 6.3c.4.4.4 1 0 1.4L7.4 11H19a1 1 0 0 1 0 2H7.4l3.3 3.3c.4.4.4 1 0 1.4a1 1 0 0 1-1.4 0l-5-5A1 1 0 0 1 4 12c0-.3.1-.5.3-.7l5-5a1 1 0 0 1 1.4 0Z"/></svg>');
const ARROW_RIGHT = raw('<svg class="nhsuk-icon nhsuk-icon--arrow-right" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16" focusable="false" aria-hidden="true"><path d="m14.7 6.3 5 5c.2.2.3.4.3.7 0 .3-.1.5-.3.7l-5 5a1 1 0 0 1-1.4-1.4l3.3-3.3H5a1 1 0 0 1 0-2h11.6l-3.3-3.3a1 1 0 1 1 1.4-1.4Z"/></svg>');

// NHS.UK pagination: previous/next links; urlFor(page) builds each link.
export function pagination(urlFor, page, pages) {
  if (pages <= 1) return '';
  return html`
    <nav class="nhsuk-pagination" role="navigation" aria-label="Pagination">
      <ul class="nhsuk-list nhsuk-pagination__list">
        ${page > 1 ? html`
        <li class="nhsuk-pagination-item--previous">
          <a class="nhsuk-pagination__link nhsuk-pagination__link--prev" href="${urlFor(page - 1)}" rel="prev">
            <span class="nhsuk-pagination__title">Previous<span class="nhsuk-u-visually-hidden"> page</span></span>
            <span class="nhsuk-u-visually-hidden">:</span>
            <span class="nhsuk-pagination__page">Page ${page - 1} of ${pages}</span>
            ${ARROW_LEFT}
          </a>
        </li>` : ''}
        ${page < pages ? html`
        <li class="nhsuk-pagination-item--next">
          <a class="nhsuk-pagination__link nhsuk-pagination__link--next" href="${urlFor(page + 1)}" rel="next">
            <span class="nhsuk-pagination__title">Next<span class="nhsuk-u-visually-hidden"> page</span></span>
            <span class="nhsuk-u-visually-hidden">:</span>
            <span class="nhsuk-pagination__page">Page ${page + 1} of ${pages}</span>
            ${ARROW_RIGHT}
          </a>
        </li>` : ''}
      </ul>
    </nav>`;
}

// ---------------------------------------------------------------------------
// Where each role starts.

export function homeFor(role) {
  switch (role) {
    case 'gp':
    case 'practice_admin':
      return 'inbox.html';
    case 'patient':
      return 'referrals.html';
    default:
      return 'worklist.html';
  }
}

export function isPracticeRole(role) {
  return role === 'gp' || role === 'practice_admin';
}

export const TRUST_ROLES = ['triager', 'clinician', 'booking', 'interface_lead'];

export function isTrustRole(role) {
  return TRUST_ROLES.includes(role);
}

// Who may see the interface measures.
export function seesMeasures(role) {
  return role === 'interface_lead' || role === 'icb_analyst' || role === 'admin';
}

// Who uses the shared waiting list (docs/waiting-list.md): the practice for
// its patients, trust staff for their trust, the ICB for its population.
export function seesWaitingList(role) {
  return isPracticeRole(role) || isTrustRole(role) || role === 'icb_analyst' || role === 'admin';
}

// Who may see the waiting-time measures by group (inequalities).
export function seesWaitingMeasures(role) {
  return seesWaitingList(role);
}

// ---------------------------------------------------------------------------
// Errors: NHS.UK error summary and field errors.

// items: [{text, href}]; returns the summary element (focused).
export function showErrorSummary(container, items, { title = 'There is a problem', focus = true } = {}) {
  render(container, html`
    <div class="nhsuk-error-summary" tabindex="-1">
      <div role="alert">
        <h2 class="nhsuk-error-summary__heading">${title}</h2>
        <div class="nhsuk-error-summary__body">
          <ul class="nhsuk-list nhsuk-error-summary__list">
            ${items.map((it) => html`<li>${it.href ? html`<a href="${it.href}">${it.text}</a>` : it.text}</li>`)}
          </ul>
        </div>
      </div>
    </div>`);
  container.hidden = false;
  const summary = container.firstElementChild;
  summary.querySelectorAll('a[href^="#"]').forEach((a) => {
    a.addEventListener('click', (ev) => {
      const target = document.getElementById(a.getAttribute('href').slice(1));
      if (!target) return;
      ev.preventDefault();
      const group = target.closest('.nhsuk-form-group');
      const legendOrLabel = (group && group.querySelector('legend, label')) || target;
      legendOrLabel.scrollIntoView({ block: 'start' });
      target.focus({ preventScroll: true });
    });
  });
  if (focus) {
    summary.focus({ preventScroll: true });
    summary.scrollIntoView({ block: 'start' });
  }
  return summary;
}

export function clearErrors(container, scope) {
  if (container) {
    container.innerHTML = '';
    container.hidden = true;
  }
  const root = scope || document;
  root.querySelectorAll('.nhsuk-form-group--error').forEach((g) => g.classList.remove('nhsuk-form-group--error'));
  root.querySelectorAll('.seam-field-error').forEach((e) => e.remove());
  root.querySelectorAll('.nhsuk-input--error, .nhsuk-textarea--error, .nhsuk-select--error').forEach((i) => {
    i.classList.remove('nhsuk-input--error', 'nhsuk-textarea--error', 'nhsuk-select--error');
  });
  root.querySelectorAll('[data-described-by-error]').forEach((i) => {
    const ids = (i.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== i.dataset.describedByError);
    if (ids.length) i.setAttribute('aria-describedby', ids.join(' '));
    else i.removeAttribute('aria-describedby');
    delete i.dataset.describedByError;
  });
}

// Puts an error message in the form group of the control with id inputId.
export function setFieldError(inputId, message) {
  const input = document.getElementById(inputId);
  if (!input) return false;
  const group = input.closest('.nhsuk-form-group');
  if (!group) return false;
  group.classList.add('nhsuk-form-group--error');
  const errId = `${inputId}-error`;
  const msg = document.createElement('span');
  msg.className = 'nhsuk-error-message seam-field-error';
  msg.id = errId;
  msg.innerHTML = html`<span class="nhsuk-u-visually-hidden">Error:</span> ${message}`.s;
  // After the hint if there is one, else after the label/legend.
  const fieldset = group.querySelector(':scope > fieldset');
  const parent = fieldset || group;
  const anchor = parent.querySelector(':scope > .nhsuk-hint') ||
    parent.querySelector(':scope > legend, :scope > label, :scope > .nhsuk-label-wrapper');
  if (anchor) anchor.after(msg);
  else parent.prepend(msg);
  if (input.classList.contains('nhsuk-input')) input.classList.add('nhsuk-input--error');
  if (input.classList.contains('nhsuk-textarea')) input.classList.add('nhsuk-textarea--error');
  if (input.classList.contains('nhsuk-select')) input.classList.add('nhsuk-select--error');
  const describedTarget = fieldset || input;
  const ids = (describedTarget.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
  if (!ids.includes(errId)) ids.push(errId);
  describedTarget.setAttribute('aria-describedby', ids.join(' '));
  describedTarget.dataset.describedByError = errId;
  return true;
}

/**
 * Shows an API error: against its field when the form has it (fieldIds maps
 * API field names to control ids), and always in the error summary.
 */
export function showApiError(container, err, fieldIds = {}, scope) {
  clearErrors(container, scope);
  const message = (err && err.message) || 'Something went wrong. Try again.';
  let href = null;
  if (err && err.field) {
    const id = fieldIds[err.field] || err.field;
    if (document.getElementById(id) && setFieldError(id, message)) href = `#${id}`;
  }
  return showErrorSummary(container, [{ text: message, href }]);
}

// ---------------------------------------------------------------------------
// Page start: sign-in check, header, navigation.

let nhsukHeaderDone = false;

function markJsEnabled() {
  document.body.classList.add('js-enabled');
  if ('noModule' in HTMLScriptElement.prototype) document.body.classList.add('nhsuk-frontend-supported');
}

export function signOut() {
  clearSession();
  window.location.assign(signInUrl('signed_out'));
}

const USER_ICON = raw('<svg class="nhsuk-icon nhsuk-icon--user" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16" focusable="false" aria-hidden="true"><path d="M12 1a11 11 0 1 1 0 22 11 11 0 0 1 0-22Zm0 2a9 9 0 0 0-5 16.5V18a4 4 0 0 1 4-4h2a4 4 0 0 1 4 4v1.5A9 9 0 0 0 12 3Zm0 3a3.5 3.5 0 1 1-3.5 3.5A3.4 3.4 0 0 1 12 6Z"/></svg>');

function navItems(me, current) {
  const items = [];
  if (isPracticeRole(me.role)) items.push({ href: 'inbox.html', text: 'Inbox' });
  if (me.role !== 'patient') items.push({ href: 'worklist.html', text: 'Worklist' });
  items.push({ href: 'referrals.html', text: me.role === 'patient' ? 'My referrals' : 'Referrals' });
  if (isPracticeRole(me.role)) items.push({ href: 'refer.html', text: 'Refer a patient' });
  if (isPracticeRole(me.role) || isTrustRole(me.role)) items.push({ href: 'advice-list.html', text: 'Advice' });
  if (me.role === 'clinician' || me.role === 'triager') {
    items.push({ href: 'results.html', text: 'Results' });
    items.push({ href: 'letters.html', text: 'Letters' });
  }
  if (me.role === 'clinician' || me.role === 'triager' || me.role === 'booking') {
    items.push({ href: 'follow-ups.html', text: 'Follow-ups' });
  }
  if (seesWaitingList(me.role)) items.push({ href: 'waiting-list.html', text: 'Waiting list' });
  if (me.role === 'patient') items.push({ href: 'my-waits.html', text: 'My waiting times' });
  if (seesMeasures(me.role)) items.push({ href: 'measures.html', text: 'Measures' });
  if (seesWaitingMeasures(me.role)) items.push({ href: 'inequalities.html', text: 'Inequalities' });
  if (me.role === 'admin') items.push({ href: 'staff.html', text: 'Staff' });
  return items.map((it) => ({ ...it, current: it.href === current }));
}

export function renderHeader(me, current) {
  const header = document.querySelector('header.nhsuk-header');
  if (!header) return;
  const logo = header.querySelector('.nhsuk-header__service-logo');
  if (logo) logo.setAttribute('href', homeFor(me.role));

  const container = header.querySelector('.nhsuk-header__container');
  let account = header.querySelector('.nhsuk-header__account');
  if (!account) {
    account = document.createElement('nav');
    account.className = 'nhsuk-header__account';
    account.setAttribute('aria-label', 'Account');
    container.append(account);
  }
  const org = me.organisation || {};
  account.innerHTML = html`
    <ul class="nhsuk-header__account-list">
      <li class="nhsuk-header__account-item" id="signed-in-user" data-username="${me.username}" data-role="${me.role}">
        ${USER_ICON}
        <span><span class="nhsuk-u-visually-hidden">Signed in as </span><strong class="seam-account-name">${me.display_name || me.username}</strong></span>
      </li>
      <li class="nhsuk-header__account-item" id="signed-in-role">
        ${roleLabel(me.role)}${org.name ? `, ${org.name}` : ''}${me.services && me.services.length ? ` (${me.services.map((s) => s.name).join(', ')})` : me.service && me.service.name ? ` (${me.service.name})` : ''}
      </li>
      <li class="nhsuk-header__account-item">
        <a class="nhsuk-header__account-link" href="index.html?signed_out=1" id="sign-out">Sign out</a>
      </li>
    </ul>`.s;
  account.querySelector('#sign-out').addEventListener('click', (ev) => {
    ev.preventDefault();
    signOut();
  });

  const items = navItems(me, current);
  let nav = header.querySelector('.nhsuk-header__navigation');
  if (!nav) {
    nav = document.createElement('nav');
    nav.className = 'nhsuk-header__navigation';
    nav.setAttribute('aria-label', 'Menu');
    header.append(nav);
  }
  nav.innerHTML = html`
    <div class="nhsuk-header__navigation-container nhsuk-width-container">
      <ul class="nhsuk-header__navigation-list">
        ${items.map((it) => html`
        <li class="nhsuk-header__navigation-item${it.current ? ' nhsuk-header__navigation-item--current' : ''}">
          <a class="nhsuk-header__navigation-link" href="${it.href}"${it.current ? raw(' aria-current="page"') : ''}>${it.current ? html`<strong class="nhsuk-header__navigation-item-current-fallback">${it.text}</strong>` : it.text}</a>
        </li>`)}
        <li class="nhsuk-header__menu" hidden>
          <button class="nhsuk-header__menu-toggle nhsuk-header__navigation-link" id="toggle-menu" aria-expanded="false">
            <span class="nhsuk-u-visually-hidden">Browse </span>More
          </button>
        </li>
      </ul>
    </div>`.s;
}

/**
 * Starts a signed-in page: checks for a token, loads GET /me, draws the
 * header.  Returns the user, or never resolves if sent to sign in.
 * current: the page's file name, to mark the navigation item.
 */
export async function startPage(current) {
  markJsEnabled();
  if (!getToken()) {
    window.location.replace(signInUrl('signin_required'));
    return new Promise(() => {});
  }
  let me;
  try {
    me = await api('/me');
  } catch (e) {
    if (e.status === 401) return new Promise(() => {});
    const main = document.getElementById('maincontent');
    if (main) {
      render(main, html`<h1>Sorry, there is a problem with the service</h1>
        <p>${e.message}</p><p><a href="index.html">Go to sign in</a></p>`);
    }
    throw e;
  }
  renderHeader(me, current);
  finishStart();
  return me;
}

// For pages with no signed-in user (the sign-in page).
export function startPublicPage() {
  markJsEnabled();
  finishStart();
}

function finishStart() {
  if (nhsukHeaderDone) return;
  nhsukHeaderDone = true;
  // Header (navigation "More" menu), skip link and anything static.
  initNhsuk(document);
}

// Moves focus to the page's main heading (after content is rendered), so
// screen reader users hear where they are.
export function focusHeading(scope = document) {
  const h1 = scope.querySelector('h1');
  if (!h1) return;
  if (!h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1');
  h1.focus({ preventScroll: true });
}

export function setTitle(text) {
  document.title = `${text} – Seam`;
}

// The query string parameter name, or null.
export function param(name) {
  return new URLSearchParams(window.location.search).get(name);
}
