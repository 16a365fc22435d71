// care.js - what the complete-care pages share (results, letters,
// follow-ups, the GP inbox): summary-list rows, success banners, a patient
// line, and one way to send a form to the API with an idempotency key,
// field errors and a busy button.

import { api, newIdempotencyKey } from './api.js';
import {
  clearErrors, formatDate, formatNhsNumber, html, patientName, render, setFieldError, showApiError, showErrorSummary,
} from './layout.js';

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

// "SMITH, John · 943 476 5919"
export function patientLine(p) {
  if (!p) return '';
  return html`<strong>${patientName(p)}</strong> <span class="nhsuk-u-secondary-text-colour nhsuk-u-nowrap">${formatNhsNumber(p.nhs_number)}</span>`;
}

export function patientRow(p) {
  if (!p) return '';
  return row('Patient', html`<strong>${patientName(p)}</strong><br>NHS number <span class="nhsuk-u-nowrap">${formatNhsNumber(p.nhs_number)}</span>${p.birth_date ? html`<br>Born ${formatDate(p.birth_date)}` : ''}${p.practice && p.practice.name ? html`<br>Registered at ${p.practice.name}` : ''}`);
}

export function textarea(idAttr, label, hint, { rows = 4, value = '', labelClass = '' } = {}) {
  return html`
    <div class="nhsuk-form-group">
      <label class="nhsuk-label${labelClass ? ` ${labelClass}` : ''}" for="${idAttr}">${label}</label>
      ${hint ? html`<div class="nhsuk-hint" id="${idAttr}-hint">${hint}</div>` : ''}
      <textarea class="nhsuk-textarea" id="${idAttr}" name="${idAttr}" rows="${rows}"${hint ? html` aria-describedby="${idAttr}-hint"` : ''}>${value}</textarea>
    </div>`;
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

// ---------------------------------------------------------------------------
// Forms.

const keys = new Map(); // form key -> idempotency key
let busy = false;

function keyFor(k) {
  if (!keys.has(k)) keys.set(k, newIdempotencyKey());
  return keys.get(k);
}

/**
 * Sends a form to the API.
 *   spec.url            the API path
 *   spec.body(form)     the JSON body
 *   spec.check(form)    [{id, text}] problems found before sending (optional)
 *   spec.fields         API field name -> control id, for the API's field errors
 *   spec.key            what identifies this form for its idempotency key (default form.id)
 * Returns the API's answer, or null when nothing was sent or it failed
 * (the errors are then shown in `errors` and against the fields).
 */
export async function sendForm(form, spec, errors, scope) {
  if (busy) return null;
  clearErrors(errors, scope);
  const problems = spec.check ? spec.check(form) : [];
  if (problems.length) {
    problems.forEach((p) => setFieldError(p.id, p.text));
    showErrorSummary(errors, problems.map((p) => ({ text: p.text, href: `#${p.id}` })));
    return null;
  }
  const k = spec.key || form.id;
  const button = form.querySelector('button[type="submit"]');
  busy = true;
  if (button) {
    button.disabled = true;
    button.setAttribute('aria-disabled', 'true');
  }
  try {
    const out = await api(spec.url, { method: 'POST', body: spec.body(form), idempotencyKey: keyFor(k) });
    keys.delete(k);
    return out || {};
  } catch (e) {
    if (e.status >= 400 && e.status < 500) keys.delete(k);
    showApiError(errors, e, spec.fields || {}, scope);
    return null;
  } finally {
    busy = false;
    if (button && button.isConnected) {
      button.disabled = false;
      button.removeAttribute('aria-disabled');
    }
  }
}

// The trimmed value of a named control in a form ('' if none).
export function val(form, name) {
  const el = form.elements[name];
  if (!el) return '';
  return String(el.value || '').trim();
}

// The value of the checked radio called name, or null.
export function checked(form, name) {
  const el = form.querySelector(`input[name="${name}"]:checked`);
  return el ? el.value : null;
}

// A yes/no radio pair.
export function yesNo(idAttr, legend, hint, { inline = true } = {}) {
  return html`
    <div class="nhsuk-form-group">
      <fieldset class="nhsuk-fieldset"${hint ? html` aria-describedby="${idAttr}-hint"` : ''}>
        <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${legend}</legend>
        ${hint ? html`<div class="nhsuk-hint" id="${idAttr}-hint">${hint}</div>` : ''}
        <div class="nhsuk-radios${inline ? ' nhsuk-radios--inline' : ''}" data-module="nhsuk-radios">
          <div class="nhsuk-radios__item">
            <input class="nhsuk-radios__input" id="${idAttr}-yes" name="${idAttr}" type="radio" value="true">
            <label class="nhsuk-label nhsuk-radios__label" for="${idAttr}-yes">Yes</label>
          </div>
          <div class="nhsuk-radios__item">
            <input class="nhsuk-radios__input" id="${idAttr}-no" name="${idAttr}" type="radio" value="false">
            <label class="nhsuk-label nhsuk-radios__label" for="${idAttr}-no">No</label>
          </div>
        </div>
      </fieldset>
    </div>`;
}
