// html.js - safe HTML templating: html`...` escapes every interpolated value
// unless it is Raw; render() puts it in an element and starts the NHS.UK
// frontend components inside.

import { initAll } from '/nhsuk/nhsuk/nhsuk-frontend.min.js';

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
