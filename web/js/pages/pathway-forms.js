// pathway-forms.js - a pathway's forms: the practice asks for a priority
// review; the trust's clinicians answer it and set the clinical priority.
// may: {request, answer, setPriority}, what the page offers the user.

import { pre } from '../components/summary.js';
import { timeEl } from '../lib/format.js';
import { checked, textarea, val } from '../lib/forms.js';
import { html } from '../lib/html.js';
import { PRIORITIES, priorityText } from '../lib/rtt.js';

function priorityRadios(name, current, { exclude = false } = {}) {
  return html`
    <div class="nhsuk-radios" data-module="nhsuk-radios">
      ${PRIORITIES.filter((p) => !(exclude && current && p.code === current)).map((p) => html`
      <div class="nhsuk-radios__item">
        <input class="nhsuk-radios__input" id="${name}-${p.code}" name="${name}" type="radio" value="${p.code}"${!exclude && current === p.code ? html` checked` : ''}>
        <label class="nhsuk-label nhsuk-radios__label" for="${name}-${p.code}"><strong>${p.code}</strong> – ${p.label}</label>
      </div>`)}
    </div>`;
}

export function requestForm(pw, may) {
  if (!may.request || !pw.open) return '';
  if (pw.open_review) return ''; // shown under "Priority reviews"
  return html`
    <section class="seam-action" aria-labelledby="request-heading">
      <h2 class="nhsuk-heading-m" id="request-heading">Ask for a priority review</h2>
      <p class="nhsuk-body">If the patient's condition has changed, ask the hospital to look at their clinical priority again. A clinician of ${(pw.service && pw.service.name) || 'the service'} answers within 2 working days.</p>
      <form id="request-form" novalidate>
        ${textarea('review-reason', 'Why should the priority be reviewed?', 'What has changed: symptoms, test results, how the wait affects the patient.', { rows: 5 })}
        <button class="nhsuk-button" type="submit">Ask for a priority review</button>
      </form>
    </section>`;
}

export function answerForm(pw, may) {
  if (!pw.open_review || !may.answer) return '';
  const cur = pw.priority && pw.priority.code;
  const rv = pw.open_review;
  return html`
    <section class="seam-action" aria-labelledby="answer-heading">
      <h2 class="nhsuk-heading-m" id="answer-heading">Answer priority review</h2>
      <div class="nhsuk-inset-text nhsuk-u-margin-top-0">
        <p class="nhsuk-body-s nhsuk-u-margin-bottom-1">The GP practice asked${rv.requested_at ? html` ${timeEl(rv.requested_at)}` : ''}${rv.due_at ? html`; answer by ${timeEl(rv.due_at, { weekday: true })}` : ''}:</p>
        ${pre(rv.reason || '')}
      </div>
      <form id="answer-form" novalidate data-review-id="${rv.id}">
        <div class="nhsuk-form-group">
          <fieldset class="nhsuk-fieldset">
            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Outcome</legend>
            <div class="nhsuk-radios nhsuk-radios--conditional" data-module="nhsuk-radios">
              <div class="nhsuk-radios__item">
                <input class="nhsuk-radios__input" id="outcome-reprioritised" name="outcome" type="radio" value="reprioritised" data-aria-controls="conditional-reprioritised">
                <label class="nhsuk-label nhsuk-radios__label" for="outcome-reprioritised">Change the priority</label>
              </div>
              <div class="nhsuk-radios__conditional nhsuk-radios__conditional--hidden" id="conditional-reprioritised">
                <div class="nhsuk-form-group">
                  <fieldset class="nhsuk-fieldset" aria-describedby="answer-priority-hint">
                    <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">New priority</legend>
                    <div class="nhsuk-hint" id="answer-priority-hint">Now ${priorityText(pw.priority)}.</div>
                    ${priorityRadios('answer-priority', cur, { exclude: true })}
                  </fieldset>
                </div>
              </div>
              <div class="nhsuk-radios__item">
                <input class="nhsuk-radios__input" id="outcome-unchanged" name="outcome" type="radio" value="unchanged">
                <label class="nhsuk-label nhsuk-radios__label" for="outcome-unchanged">Keep the priority as it is</label>
                <div class="nhsuk-hint nhsuk-radios__hint">${priorityText(pw.priority)}</div>
              </div>
            </div>
          </fieldset>
        </div>
        ${textarea('answer-reason', 'Your answer to the GP', 'The GP sees this. Say why, and what happens next for the patient.', { rows: 5 })}
        <button class="nhsuk-button" type="submit">Send answer</button>
      </form>
    </section>`;
}

export function priorityForm(pw, may) {
  if (!may.setPriority || !pw.open) return '';
  const cur = pw.priority && pw.priority.code;
  const inner = html`
      <form id="priority-form" novalidate>
        <div class="nhsuk-form-group">
          <fieldset class="nhsuk-fieldset" aria-describedby="set-priority-hint">
            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Clinical priority</legend>
            <div class="nhsuk-hint" id="set-priority-hint">The treat-by and review dates follow from the priority and today's date.</div>
            ${priorityRadios('set-priority', cur)}
          </fieldset>
        </div>
        ${textarea('priority-reason', 'Reason', 'Why this priority: the clinical picture now.', { rows: 4 })}
        <div class="nhsuk-form-group">
          <label class="nhsuk-label" for="priority-review-date">Review date (optional)</label>
          <div class="nhsuk-hint" id="priority-review-date-hint">Leave it empty to use the usual review interval for the priority.</div>
          <input class="nhsuk-input nhsuk-input--width-10" id="priority-review-date" name="priority-review-date" type="date" aria-describedby="priority-review-date-hint">
        </div>
        <button class="nhsuk-button${pw.open_review ? ' nhsuk-button--secondary' : ''}" type="submit">Change clinical priority</button>
      </form>`;
  if (pw.open_review && may.answer) {
    // Answering the review is the thing to do; this stays out of the way.
    return html`
      <details class="nhsuk-details seam-action" id="priority-details-toggle">
        <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Change clinical priority without answering the review</span></summary>
        <div class="nhsuk-details__text">${inner}</div>
      </details>`;
  }
  return html`
    <section class="seam-action" aria-labelledby="set-priority-heading">
      <h2 class="nhsuk-heading-m" id="set-priority-heading">Change clinical priority</h2>
      ${inner}
    </section>`;
}

// What each form sends (url(form, id): id is the pathway's), where its
// fields' errors go, and what the page says after.
export const FORMS = {
  'request-form': {
    url: (f, id) => `/pathways/${encodeURIComponent(id)}/priority-review`,
    fields: { reason: 'review-reason' },
    check: (f) => (val(f, 'review-reason') ? [] : [{ id: 'review-reason', text: 'Enter why the priority should be reviewed' }]),
    body: (f) => ({ reason: val(f, 'review-reason') }),
    success: () => 'Priority review requested. The hospital should answer within 2 working days; the answer will appear here and in your inbox.',
  },
  'answer-form': {
    url: (f) => `/priority-reviews/${encodeURIComponent(f.dataset.reviewId)}/answer`,
    fields: { outcome: 'outcome-reprioritised', priority: 'answer-priority-P1a', reason: 'answer-reason', answer: 'answer-reason' },
    check(f) {
      const out = [];
      const o = checked(f, 'outcome');
      if (!o) out.push({ id: 'outcome-reprioritised', text: 'Select whether to change the priority' });
      if (o === 'reprioritised' && !checked(f, 'answer-priority')) {
        const first = f.querySelector('input[name="answer-priority"]');
        out.push({ id: first ? first.id : 'outcome-reprioritised', text: 'Select the new priority' });
      }
      if (!val(f, 'answer-reason')) out.push({ id: 'answer-reason', text: 'Enter your answer to the GP' });
      return out;
    },
    body(f) {
      const b = { outcome: checked(f, 'outcome'), reason: val(f, 'answer-reason') };
      if (b.outcome === 'reprioritised') b.priority = checked(f, 'answer-priority');
      return b;
    },
    success: (b) => (b.outcome === 'reprioritised'
      ? `Answer sent to the GP practice. The priority is now ${priorityText(b.priority)}.`
      : 'Answer sent to the GP practice. The priority is unchanged.'),
  },
  'priority-form': {
    url: (f, id) => `/pathways/${encodeURIComponent(id)}/priority`,
    fields: { priority: 'set-priority-P1a', reason: 'priority-reason', review_date: 'priority-review-date' },
    check(f) {
      const out = [];
      if (!checked(f, 'set-priority')) out.push({ id: 'set-priority-P1a', text: 'Select a clinical priority' });
      if (!val(f, 'priority-reason')) out.push({ id: 'priority-reason', text: 'Enter the reason for the priority' });
      return out;
    },
    body(f) {
      const b = { priority: checked(f, 'set-priority'), reason: val(f, 'priority-reason') };
      const d = val(f, 'priority-review-date');
      if (d) b.review_date = d;
      return b;
    },
    success: (b) => `Clinical priority set to ${priorityText(b.priority)}.`,
  },
};
