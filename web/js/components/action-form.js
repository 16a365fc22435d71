// action-form.js - sending an action form to the API, the one way every page
// does it: problems found before sending go to the error summary and against
// their fields; the submit button is busy while it is sent; each form keeps
// one idempotency key until the API answers (a retry after a lost answer is
// the same request), and the API's errors are shown against their fields.

import { api, newIdempotencyKey } from '../lib/api.js';
import { clearErrors, setFieldError, showApiError, showErrorSummary } from '../lib/error-summary.js';
import { html } from '../lib/html.js';
import { banner } from './summary.js';

const keys = new Map(); // form key -> idempotency key
let busy = false;

function keyFor(k) {
  if (!keys.has(k)) keys.set(k, newIdempotencyKey());
  return keys.get(k);
}

function setBusy(button, on) {
  busy = on;
  if (!button || !button.isConnected) return;
  button.disabled = on;
  if (on) button.setAttribute('aria-disabled', 'true');
  else button.removeAttribute('aria-disabled');
}

// Whether a form is being sent (a second submit is then ignored).
export function isSending() {
  return busy;
}

/**
 * Sends a form.
 *   spec.url            the API path (POST), or
 *   spec.send(key)      what sends it instead (given the idempotency key)
 *   spec.body(form)     the JSON body
 *   spec.check(form)    [{id, text}] problems found before sending (optional)
 *   spec.fields         API field name -> control id, for the API's field errors
 *   spec.key            what identifies this form for its idempotency key (default form.id)
 *   spec.failed(e, summary)  called after the API's error is shown (optional)
 *   spec.busyText       the submit button's text while it is sent (optional)
 * Returns {out} (the API's answer) when it was sent, or null when nothing
 * was sent or it failed (the errors are then shown in `errors` and against
 * the fields).  After a success every form starts again with a new key.
 */
export async function postForm(form, spec, errors, scope) {
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
  const idleText = button && spec.busyText ? button.textContent : null;
  setBusy(button, true);
  if (idleText !== null) button.textContent = spec.busyText;
  try {
    const out = spec.send
      ? await spec.send(keyFor(k))
      : await api(spec.url, { method: 'POST', body: spec.body(form), idempotencyKey: keyFor(k) });
    keys.clear();
    return { out };
  } catch (e) {
    if (e.status >= 400 && e.status < 500) keys.delete(k);
    const summary = showApiError(errors, e, spec.fields || {}, scope);
    if (spec.failed) await spec.failed(e, summary);
    return null;
  } finally {
    setBusy(button, false);
    if (idleText !== null && button.isConnected) button.textContent = idleText;
  }
}

// As postForm, returning the API's answer ({} when it had none) or null.
export async function sendForm(form, spec, errors, scope) {
  const sent = await postForm(form, spec, errors, scope);
  return sent && (sent.out || {});
}

// Adds a paragraph to an error summary: "Someone else may have changed this
// <what>. Reload it to see the latest." with a link to href.
export function staleNote(summary, what, href) {
  const body = summary.querySelector('.nhsuk-error-summary__body');
  const p = document.createElement('p');
  p.append(`Someone else may have changed this ${what}. `);
  const a = document.createElement('a');
  a.href = href;
  a.textContent = 'Reload it to see the latest';
  p.append(a, '.');
  body.append(p);
}

// An action behind an NHS.UK details toggle: the toggle's text (summary),
// then the form (formId) holding content.
export function actionDetails(id, summary, formId, content) {
  return html`
    <details class="nhsuk-details seam-action" id="${id}">
      <summary class="nhsuk-details__summary">
        <span class="nhsuk-details__summary-text">${summary}</span>
      </summary>
      <div class="nhsuk-details__text">
        <form id="${formId}" novalidate>
          ${content}
        </form>
      </div>
    </details>`;
}

/**
 * Sends one of a page's action forms on an object that carries a version (a
 * referral, an advice request), then reloads the page and says what happened.
 *   spec      {check, fields, body(form), success(body, answer), versioned}
 *             (versioned: false sends no version: a new object is made)
 *   url       where to POST;  version: the object's version as shown
 *   noun      "referral": for "Someone else may have changed this referral"
 *             and "You can no longer see this referral"; href: its page
 *   reload()  redraws the page, answering whether the object is still seen
 *   answer(out)  what success() is given (default: the API's answer)
 */
export async function submitAction(form, spec, { parts, url, version, noun, href, reload, answer = (out) => out }) {
  if (isSending()) return;
  parts.notice.innerHTML = '';
  let body = null;
  const sent = await postForm(form, {
    check: spec.check,
    fields: spec.fields,
    send: (key) => {
      body = spec.versioned === false ? spec.body(form) : { ...spec.body(form), version };
      return api(url, { method: 'POST', body, idempotencyKey: key });
    },
    failed: (e, summary) => {
      if (e.code === 'stale_version' || e.code === 'illegal_transition') staleNote(summary, noun, href);
    },
  }, parts.errors, parts.view);
  if (!sent) return;
  const message = spec.success(body, answer(sent.out));
  const ok = await reload();
  if (ok) banner(parts.notice, message);
  else banner(parts.notice, html`${message} You can no longer see this ${noun}.`);
}

// An action in its own section: a heading (name-heading), then the form
// (name-form) holding content.
export function actionSection(name, heading, content) {
  return html`
    <section class="seam-action" aria-labelledby="${name}-heading">
      <h2 class="nhsuk-heading-m" id="${name}-heading">${heading}</h2>
      <form id="${name}-form" novalidate>
        ${content}
      </form>
    </section>`;
}
