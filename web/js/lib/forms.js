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

// A radio group: its legend, an optional hint (idAttr-hint), and options
// [{value, label, id, hint, checked}] (id: the input's, default
// idAttr-value; name: the inputs' name, default idAttr).
export function radios(idAttr, legend, options, { hint, inline = false, name = idAttr } = {}) {
  return html`
    <div class="nhsuk-form-group">
      <fieldset class="nhsuk-fieldset"${hint ? html` aria-describedby="${idAttr}-hint"` : ''}>
        <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${legend}</legend>
        ${hint ? html`<div class="nhsuk-hint" id="${idAttr}-hint">${hint}</div>` : ''}
        <div class="nhsuk-radios${inline ? ' nhsuk-radios--inline' : ''}" data-module="nhsuk-radios">
          ${options.map((o) => {
            const id = o.id || `${idAttr}-${o.value}`;
            return html`
          <div class="nhsuk-radios__item">
            <input class="nhsuk-radios__input" id="${id}" name="${name}" type="radio" value="${o.value}"${o.checked ? html` checked` : ''}>
            <label class="nhsuk-label nhsuk-radios__label" for="${id}">${o.label}</label>
            ${o.hint ? html`<div class="nhsuk-hint nhsuk-radios__hint">${o.hint}</div>` : ''}
          </div>`;
          })}
        </div>
      </fieldset>
    </div>`;
}

// A yes/no radio pair.
export function yesNo(idAttr, legend, hint, { inline = true } = {}) {
  return radios(idAttr, legend, [
    { value: 'true', label: 'Yes', id: `${idAttr}-yes` },
    { value: 'false', label: 'No', id: `${idAttr}-no` },
  ], { hint, inline });
}
