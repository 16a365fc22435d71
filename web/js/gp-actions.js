// gp-actions.js - the actions a hospital letter asks of the GP, each with
// the hospital's reason; the practice's GP accepts or declines each one
// (declining needs a reason).  Used by the letter page and the GP inbox.

import { personName as who, pre, sendForm } from './care.js';
import { GP_ACTION_STATUS, html, tagFrom, timeEl } from './layout.js';

/**
 * One GP action as a list item.  canDecide: show accept / decline when it
 * is still pending.  prefix: for the element ids, when the same action is
 * shown twice on a page.
 */
export function gpActionItem(letterId, a, { canDecide = false, prefix = '' } = {}) {
  const base = `${prefix}gp-action-${letterId}-${a.n}`;
  const pending = a.status === 'pending';
  return html`
    <li class="seam-gp-action seam-gp-action--${a.status}" id="${base}" data-letter-id="${letterId}" data-n="${a.n}" data-status="${a.status}">
      <div class="seam-gp-action__head">
        <p class="nhsuk-body nhsuk-u-margin-bottom-1 seam-gp-action__text"><strong>${a.text}</strong></p>
        <span class="seam-gp-action__status">${tagFrom(GP_ACTION_STATUS, a.status)}</span>
      </div>
      <p class="nhsuk-body-s nhsuk-u-margin-bottom-2 seam-gp-action__reason"><span class="nhsuk-u-secondary-text-colour">Why the hospital asks:</span> ${a.reason}</p>
      ${a.status === 'declined' ? html`
        <div class="seam-gp-action__decision">
          <p class="nhsuk-body-s nhsuk-u-margin-bottom-1"><strong>Declined${a.decided_by ? ` by ${who(a.decided_by)}` : ''}</strong>${a.decided_at ? html` on ${timeEl(a.decided_at)}` : ''}. Reason:</p>
          ${pre(a.decline_reason || '', `${base}-decline-reason`)}
        </div>` : ''}
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
  const form = ev.target.closest('form.seam-gp-accept, form.seam-gp-decline');
  if (!form) return null;
  ev.preventDefault();
  const letterId = form.dataset.letterId;
  const n = form.dataset.n;
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
