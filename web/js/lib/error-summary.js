// error-summary.js - the NHS.UK error summary and field errors, and an API
// error shown against its field.

import { html, render } from './html.js';

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

// A page opened without the object it shows (no ?id=): its heading, and the
// problem in the error summary.
export function showMissing(view, errors, heading, text) {
  render(view, html`<h1>${heading}</h1>`);
  showErrorSummary(errors, [{ text }]);
}
