// forms.js - form fields the pages build alike (textarea, yes/no) and one
// way to send a form to the API with an idempotency key, field errors and a
// busy button.

import { api, newIdempotencyKey } from './api.js';
import { clearErrors, setFieldError, showApiError, showErrorSummary } from './error-summary.js';
import { html } from './html.js';

export function textarea(idAttr, label, hint, { rows = 4, value = '', labelClass = '' } = {}) {
  return html`
    <div class="nhsuk-form-group">
      <label class="nhsuk-label${labelClass ? ` ${labelClass}` : ''}" for="${idAttr}">${label}</label>
      ${hint ? html`<div class="nhsuk-hint" id="${idAttr}-hint">${hint}</div>` : ''}
      <textarea class="nhsuk-textarea" id="${idAttr}" name="${idAttr}" rows="${rows}"${hint ? html` aria-describedby="${idAttr}-hint"` : ''}>${value}</textarea>
    </div>`;
}

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
