// gp-actions.js - the actions a hospital letter asks of the GP, each with
// the hospital's reason; the practice's GP accepts or declines each one
// (declining needs a reason).  A declined action stays with the hospital:
// it shows who holds it and by when, and a clinician of the service
// records what was done (arranged by the hospital, or agreed otherwise
// with a note).  Used by the letter page and the GP inbox.

import { timeEl } from '../lib/format.js';
import { html } from '../lib/html.js';
import { roleLabel } from '../lib/roles.js';
import { sendForm } from './action-form.js';
import { GP_ACTION_OUTCOMES, GP_ACTION_STATUS, overdueTags, tagFrom } from './status-tags.js';
import { personName as who, pre } from './summary.js';

// Who holds a declined action now, and by when.
function withHospital(a, base) {
  const o = a.owner || {};
  const org = (o.organisation && (o.organisation.name || o.organisation.code)) || 'the hospital';
  const svc = o.service && o.service.name;
  return html`
    <p class="nhsuk-body-s nhsuk-u-margin-bottom-2 seam-gp-action__holder" id="${base}-holder">
      <strong>The hospital keeps this:</strong> ${org}${svc ? ` · ${svc}` : ''} · ${roleLabel(o.role || 'clinician')}${a.due_at ? html`, due by ${timeEl(a.due_at, { weekday: true })}` : ''}${a.overdue || a.escalation_level ? html` <span class="seam-tags">${overdueTags(a)}</span>` : ''}
    </p>`;
}

// What the hospital did about a declined action.
function resolution(a, base) {
  const r = a.resolution || {};
  return html`
    <div class="seam-gp-action__resolution" id="${base}-resolution">
      <p class="nhsuk-body-s nhsuk-u-margin-bottom-1"><strong>${GP_ACTION_OUTCOMES[r.outcome] || r.outcome || 'Resolved'}</strong>${r.by ? ` by ${who(r.by)}` : ''}${r.at ? html` on ${timeEl(r.at)}` : ''}.</p>
      ${r.note ? pre(r.note, `${base}-resolution-note`) : ''}
    </div>`;
}

// The clinician's form: what was done about a declined action.
function resolveForm(letterId, a, base) {
  return html`
    <form class="seam-gp-resolve" id="${base}-resolve-form" data-letter-id="${letterId}" data-n="${a.n}" novalidate>
      <div class="nhsuk-form-group">
        <fieldset class="nhsuk-fieldset" aria-describedby="${base}-outcome-hint">
          <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">What was done about action ${a.n}?</legend>
          <div class="nhsuk-hint" id="${base}-outcome-hint">The GP declined it, so it is the clinic's. The GP sees what you record.</div>
          <div class="nhsuk-radios" id="${base}-outcome">
            <div class="nhsuk-radios__item">
              <input class="nhsuk-radios__input" id="${base}-outcome-arranged" name="outcome" type="radio" value="arranged_by_hospital">
              <label class="nhsuk-label nhsuk-radios__label" for="${base}-outcome-arranged">Arranged by the hospital</label>
            </div>
            <div class="nhsuk-radios__item">
              <input class="nhsuk-radios__input" id="${base}-outcome-otherwise" name="outcome" type="radio" value="agreed_otherwise">
              <label class="nhsuk-label nhsuk-radios__label" for="${base}-outcome-otherwise">Agreed otherwise (say how in the note)</label>
            </div>
          </div>
        </fieldset>
      </div>
      <div class="nhsuk-form-group">
        <label class="nhsuk-label" for="${base}-note">Note</label>
        <div class="nhsuk-hint" id="${base}-note-hint">Required if agreed otherwise. For example: booked for 14 December, or agreed with the patient that it is not needed.</div>
        <textarea class="nhsuk-textarea" id="${base}-note" name="note" rows="3" aria-describedby="${base}-note-hint"></textarea>
      </div>
      <button class="nhsuk-button nhsuk-button--small nhsuk-u-margin-bottom-0" type="submit">Record what was done<span class="nhsuk-u-visually-hidden"> about action ${a.n}</span></button>
    </form>`;
}

/**
 * One GP action as a list item.  canDecide: show accept / decline when it
 * is still pending.  prefix: for the element ids, when the same action is
 * shown twice on a page.
 */
export function gpActionItem(letterId, a, { canDecide = false, canResolve = false, prefix = '' } = {}) {
  const base = `${prefix}gp-action-${letterId}-${a.n}`;
  const pending = a.status === 'pending';
  const state = a.state || a.status;
  return html`
    <li class="seam-gp-action seam-gp-action--${a.status}" id="${base}" data-letter-id="${letterId}" data-n="${a.n}" data-status="${a.status}" data-state="${state}">
      <div class="seam-gp-action__head">
        <p class="nhsuk-body nhsuk-u-margin-bottom-1 seam-gp-action__text"><strong>${a.text}</strong></p>
        <span class="seam-gp-action__status">${tagFrom(GP_ACTION_STATUS, state)}</span>
      </div>
      <p class="nhsuk-body-s nhsuk-u-margin-bottom-2 seam-gp-action__reason"><span class="nhsuk-u-secondary-text-colour">Why the hospital asks:</span> ${a.reason}</p>
      ${a.status === 'declined' || a.status === 'resolved' ? html`
        <div class="seam-gp-action__decision">
          <p class="nhsuk-body-s nhsuk-u-margin-bottom-1"><strong>Declined${a.decided_by ? ` by ${who(a.decided_by)}` : ''}</strong>${a.decided_at ? html` on ${timeEl(a.decided_at)}` : ''}. Reason:</p>
          ${pre(a.decline_reason || '', `${base}-decline-reason`)}
        </div>` : ''}
      ${a.status === 'declined' ? withHospital(a, base) : ''}
      ${a.status === 'resolved' ? resolution(a, base) : ''}
      ${a.status === 'declined' && canResolve ? resolveForm(letterId, a, base) : ''}
      ${a.status === 'accepted' ? html`
        <p class="nhsuk-body-s nhsuk-u-margin-bottom-0 seam-gp-action__decision"><strong>Accepted${a.decided_by ? ` by ${who(a.decided_by)}` : ''}</strong>${a.decided_at ? html` on ${timeEl(a.decided_at)}` : ''}. The practice will do it.</p>` : ''}
      ${pending && canDecide ? html`
        <div class="seam-gp-action__forms">
          <form class="seam-gp-accept" id="${base}-accept-form" data-letter-id="${letterId}" data-n="${a.n}" novalidate>
            <button class="nhsuk-button nhsuk-button--small nhsuk-u-margin-bottom-2" type="submit">Accept<span class="nhsuk-u-visually-hidden"> action ${a.n}: ${a.text}</span></button>
          </form>
          <details class="nhsuk-details nhsuk-u-margin-bottom-0" id="${base}-decline-details">
            <summary class="nhsuk-details__summary">
              <span class="nhsuk-details__summary-text">Decline<span class="nhsuk-u-visually-hidden"> action ${a.n}</span></span>
            </summary>
            <div class="nhsuk-details__text">
              <form class="seam-gp-decline" id="${base}-decline-form" data-letter-id="${letterId}" data-n="${a.n}" novalidate>
                <div class="nhsuk-form-group">
                  <label class="nhsuk-label" for="${base}-reason">Why are you declining it?</label>
                  <div class="nhsuk-hint" id="${base}-reason-hint">The hospital sees your reason and keeps the work. For example: not available in primary care, or needs specialist monitoring.</div>
                  <textarea class="nhsuk-textarea" id="${base}-reason" name="reason" rows="3" aria-describedby="${base}-reason-hint"></textarea>
                </div>
                <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" type="submit">Decline action</button>
              </form>
            </div>
          </details>
        </div>` : ''}
    </li>`;
}

export function gpActionList(letterId, actions, opts = {}) {
  if (!actions || !actions.length) return '';
  return html`<ol class="seam-gp-actions" id="${opts.prefix || ''}gp-actions-${letterId}">${actions.map((a) => gpActionItem(letterId, a, opts))}</ol>`;
}

/**
 * If ev is the submission of an accept / decline form, sends it and
 * returns {letterId, n, decision, letter}; null otherwise or on failure
 * (errors shown).
 */
export async function handleGpActionSubmit(ev, errors, scope) {
  const form = ev.target.closest('form.seam-gp-accept, form.seam-gp-decline, form.seam-gp-resolve');
  if (!form) return null;
  ev.preventDefault();
  const letterId = form.dataset.letterId;
  const n = form.dataset.n;
  if (form.classList.contains('seam-gp-resolve')) {
    const base = `gp-action-${letterId}-${n}`;
    const out = await sendForm(form, {
      url: `/letters/${encodeURIComponent(letterId)}/gp-actions/${encodeURIComponent(n)}/resolve`,
      check(f) {
        const o = f.querySelector('input[name="outcome"]:checked');
        const note = String(f.elements.note.value || '').trim();
        const problems = [];
        if (!o) problems.push({ id: `${base}-outcome-arranged`, text: `Select what was done about action ${n}` });
        else if (o.value === 'agreed_otherwise' && !note) problems.push({ id: `${base}-note`, text: 'Say what was agreed instead in the note' });
        return problems;
      },
      body(f) {
        const o = f.querySelector('input[name="outcome"]:checked');
        const note = String(f.elements.note.value || '').trim();
        const b = {};
        if (o) b.outcome = o.value;
        if (note) b.note = note;
        return b;
      },
      fields: { outcome: `${base}-outcome-arranged`, note: `${base}-note` },
    }, errors, scope);
    if (!out) return null;
    return { letterId, n, decision: 'resolve', letter: out };
  }
  const decision = form.classList.contains('seam-gp-accept') ? 'accept' : 'decline';
  const reasonId = `gp-action-${letterId}-${n}-reason`;
  const out = await sendForm(form, {
    url: `/letters/${encodeURIComponent(letterId)}/gp-actions/${encodeURIComponent(n)}/${decision}`,
    body: (f) => {
      if (decision === 'accept') return {};
      const r = String(f.elements.reason.value || '').trim();
      return r ? { reason: r } : {};
    },
    fields: { reason: reasonId },
  }, errors, scope);
  if (!out) return null;
  return { letterId, n, decision, letter: out };
}
