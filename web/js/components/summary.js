// summary.js - what the complete-care pages show alike: summary-list rows,
// success banners, empty states, a patient line and a person's name.

import { formatDate, formatNhsNumber, patientName } from '../lib/format.js';
import { html, render } from '../lib/html.js';
import { roleNoun } from '../lib/roles.js';

export function row(key, value, attrs = '') {
  if (value === null || value === undefined || value === '' || (value && value.s === '')) return '';
  return html`
    <div class="nhsuk-summary-list__row"${attrs}>
      <dt class="nhsuk-summary-list__key">${key}</dt>
      <dd class="nhsuk-summary-list__value">${value}</dd>
    </div>`;
}

export function pre(text, idAttr) {
  return html`<p class="nhsuk-body seam-pre"${idAttr ? html` id="${idAttr}"` : ''}>${text}</p>`;
}

export function serviceText(s) {
  if (!s) return '';
  if (typeof s !== 'object') return String(s);
  const trust = s.trust && (typeof s.trust === 'object' ? s.trust.name || s.trust.code : s.trust);
  return `${s.name || `Service ${s.id}`}${trust ? `, ${trust}` : ''}`;
}

// A person: {username, display_name}, or a bare username (the signed-in
// user's own is shown by name: call setCurrentUser(me) first).
let currentUser = null;

export function setCurrentUser(me) {
  currentUser = me;
}

export function personName(p) {
  if (!p) return '';
  if (typeof p === 'string') {
    return currentUser && p === currentUser.username && currentUser.display_name ? currentUser.display_name : p;
  }
  return p.display_name || p.username || '';
}

export function orgName(o) {
  if (!o) return '';
  if (typeof o === 'string') return o;
  return o.name || o.code || '';
}

// "Dr Amelia Hart, triager at Northgate Hospitals NHS Foundation Trust"
export function personText(p) {
  if (!p) return '';
  if (typeof p === 'string') return p;
  const org = orgName(p.organisation);
  const role = p.role ? roleNoun(p.role) : '';
  const where = role && org ? `${role} at ${org}` : role || org;
  return `${p.display_name || p.username || ''}${where ? `, ${where}` : ''}`;
}

// "SMITH, John · 943 476 5919"
export function patientLine(p) {
  if (!p) return '';
  return html`<strong>${patientName(p)}</strong> <span class="nhsuk-u-secondary-text-colour nhsuk-u-nowrap">${formatNhsNumber(p.nhs_number)}</span>`;
}

export function patientRow(p) {
  if (!p) return '';
  return row('Patient', html`<strong>${patientName(p)}</strong><br>NHS number <span class="nhsuk-u-nowrap">${formatNhsNumber(p.nhs_number)}</span>${p.birth_date ? html`<br>Born ${formatDate(p.birth_date)}` : ''}${p.practice && p.practice.name ? html`<br>Registered at ${p.practice.name}` : ''}`);
}

export function banner(notice, content, title = 'Success') {
  render(notice, html`
    <div class="nhsuk-notification-banner nhsuk-notification-banner--success" role="alert" aria-labelledby="notice-title" tabindex="-1" id="success-banner">
      <div class="nhsuk-notification-banner__header">
        <h2 class="nhsuk-notification-banner__title" id="notice-title">${title}</h2>
      </div>
      <div class="nhsuk-notification-banner__content">
        <p class="nhsuk-notification-banner__heading">${content}</p>
      </div>
    </div>`);
  const b = notice.firstElementChild;
  b.focus({ preventScroll: true });
  b.scrollIntoView({ block: 'start' });
}

export function emptyState(idAttr, strong, text) {
  return html`
    <div class="nhsuk-inset-text" id="${idAttr}">
      <span class="nhsuk-u-visually-hidden">Information: </span>
      <p><strong>${strong}</strong></p>
      ${text ? html`<p>${text}</p>` : ''}
    </div>`;
}

export function cellHeading(text) {
  return html`<span class="nhsuk-table__heading" aria-hidden="true">${text} </span>`;
}
