// forms.js - form fields the pages build alike (textarea, yes/no) and
// reading a form's values.  Sending a form: components/action-form.js.

import { html } from './html.js';

export function textarea(idAttr, label, hint, { rows = 4, value = '', labelClass = '' } = {}) {
  return html`
    <div class="nhsuk-form-group">
      <label class="nhsuk-label${labelClass ? ` ${labelClass}` : ''}" for="${idAttr}">${label}</label>
      ${hint ? html`<div class="nhsuk-hint" id="${idAttr}-hint">${hint}</div>` : ''}
      <textarea class="nhsuk-textarea" id="${idAttr}" name="${idAttr}" rows="${rows}"${hint ? html` aria-describedby="${idAttr}-hint"` : ''}>${value}</textarea>
    </div>`;
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
