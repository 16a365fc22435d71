// advice-forms.js - the forms of an advice request's actions (the
// specialist writes back, closes with advice or converts to a referral; the
// GP replies, closes, refers instead or withdraws; either attaches a file),
// and what each sends.

import { actionDetails, actionSection } from '../components/action-form.js';
import { serviceText } from '../components/summary.js';
import { formatDate } from '../lib/format.js';
import { textarea, val } from '../lib/forms.js';
import { html } from '../lib/html.js';

function adviceFields(prefix) {
  return html`
    ${textarea(`${prefix}-answer`, 'Answer', 'Your answer to the GP\'s question.', { rows: 5 })}
    ${textarea(`${prefix}-what`, 'What to do', 'What the GP should do now: tests, treatment, when to refer.', { rows: 4 })}
    ${textarea(`${prefix}-worse`, 'If it gets worse', 'What the GP or the patient should do if symptoms change or get worse.', { rows: 3 })}`;
}

function respondForm() {
  return html`
    ${actionSection('respond', 'Write back to the GP', html`
      <div class="nhsuk-form-group">
        <fieldset class="nhsuk-fieldset">
          <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">What are you sending?</legend>
          <div class="nhsuk-radios nhsuk-radios--conditional" data-module="nhsuk-radios">
            <div class="nhsuk-radios__item">
              <input class="nhsuk-radios__input" id="respond-kind-question" name="respond-kind" type="radio" value="question" data-aria-controls="conditional-respond-question">
              <label class="nhsuk-label nhsuk-radios__label" for="respond-kind-question">A question for the GP</label>
              <div class="nhsuk-hint nhsuk-radios__hint">For example, a result or detail you need before you can advise.</div>
            </div>
            <div class="nhsuk-radios__conditional nhsuk-radios__conditional--hidden" id="conditional-respond-question">
              ${textarea('respond-text', 'Your question for the GP', null, { rows: 4 })}
            </div>
            <div class="nhsuk-radios__item">
              <input class="nhsuk-radios__input" id="respond-kind-advice" name="respond-kind" type="radio" value="advice" data-aria-controls="conditional-respond-advice">
              <label class="nhsuk-label nhsuk-radios__label" for="respond-kind-advice">Advice, and the GP may reply</label>
              <div class="nhsuk-hint nhsuk-radios__hint">The request stays open for the GP's answer.</div>
            </div>
            <div class="nhsuk-radios__conditional nhsuk-radios__conditional--hidden" id="conditional-respond-advice">
              ${adviceFields('respond')}
            </div>
          </div>
        </fieldset>
      </div>
      <p class="nhsuk-body-s">The GP practice then holds the request until the GP replies.</p>
      <button class="nhsuk-button" type="submit">Send to the GP</button>
    `)}`;
}

function closeWithAdviceForm() {
  return html`
    ${actionSection('close-advice', 'Close with advice', html`
      <p>Give your final advice. It is signed with your name, and the GP practice must read it. All three parts are needed.</p>
      ${adviceFields('close')}
      <button class="nhsuk-button" type="submit">Close with advice</button>
    `)}`;
}

function convertForm(a) {
  if (!a.consent_to_convert) {
    return html`
      <section class="seam-action" aria-labelledby="convert-heading">
        <h2 class="nhsuk-heading-m" id="convert-heading">Convert to a referral</h2>
        <div class="nhsuk-inset-text" id="no-consent">
          <span class="nhsuk-u-visually-hidden">Information: </span>
          <p>The GP did not agree to this request being turned into a referral. If you think the patient needs to be seen, say so in your advice: the GP can then refer.</p>
        </div>
      </section>`;
  }
  return html`
    ${actionSection('convert', 'Convert to a referral', html`
      <p>If the patient needs to be seen, make this request a referral to ${serviceText(a.service)}. It is accepted at once and goes to the booking team. The GP agreed to this when they asked.</p>
      ${textarea('convert-comment', 'Comment for the booking team and the GP (optional)', null, { rows: 3 })}
      <button class="nhsuk-button nhsuk-button--secondary" type="submit">Convert to a referral</button>
    `)}`;
}

function replyForm() {
  return html`
    ${actionSection('reply', 'Reply to the specialist', html`
      ${textarea('reply-text', 'Your reply', 'Answer the specialist\'s question, or ask a follow-up question. The request goes back to the specialist.', { rows: 5 })}
      <button class="nhsuk-button" type="submit">Send reply</button>
    `)}`;
}

function gpCloseForm() {
  return html`
    ${actionSection('gp-close', 'Mark as read and close', html`
      <p>Close the request once you have read the advice and need nothing more from the specialist.</p>
      <button class="nhsuk-button nhsuk-button--secondary" type="submit">Mark as read and close</button>
    `)}`;
}

function gpConvertForm(a) {
  return html`
    ${actionSection('gp-convert', 'Refer instead', html`
      <p>If you think the patient needs to be seen, turn this request into a referral to ${serviceText(a.service)}. The service triages it as usual.</p>
      <p id="gp-convert-clock">The original request date${a.requested_at ? html`, ${formatDate(a.requested_at)},` : ''} is kept: the patient keeps their place in the queue and their waiting time counts from then.</p>
      ${textarea('gp-convert-reason', 'Why does the patient need to be seen? (optional)', null, { rows: 3 })}
      <button class="nhsuk-button nhsuk-button--secondary" type="submit">Refer instead</button>
    `)}`;
}

function withdrawForm() {
  return html`
    ${actionDetails('withdraw-details', 'Withdraw this request', 'withdraw-form', html`
          <p>Withdraw it if you no longer need the advice. This ends the request for everyone.</p>
          ${textarea('withdraw-reason', 'Reason for withdrawing', null, { rows: 3 })}
          <button class="nhsuk-button nhsuk-button--warning" type="submit">Withdraw request</button>
    `)}`;
}

function attachForm() {
  return html`
    ${actionSection('attach', 'Attach a file', html`
      <div class="nhsuk-form-group nhsuk-file-upload">
        <label class="nhsuk-label" for="attach-file">File</label>
        <div class="nhsuk-hint" id="attach-file-hint">A PDF, JPEG, PNG or text file up to 5 MB.</div>
        <input class="nhsuk-file-upload__input" id="attach-file" name="attach-file" type="file" accept="application/pdf,image/jpeg,image/png,text/plain,.pdf,.jpg,.jpeg,.png,.txt" aria-describedby="attach-file-hint">
      </div>
      <button class="nhsuk-button nhsuk-button--secondary" type="submit">Attach file</button>
    `)}`;
}

// The forms of the actions in list (availableActions in advice.js) for a.
export function actionForms(list, a) {
  return html`
    <div id="actions">
      ${list.map((x) => {
        switch (x) {
          case 'respond': return respondForm(a);
          case 'close-advice': return closeWithAdviceForm(a);
          case 'convert': return convertForm(a);
          case 'reply': return replyForm(a);
          case 'gp-close': return gpCloseForm(a);
          case 'gp-convert': return gpConvertForm(a);
          case 'attach': return attachForm(a);
          case 'withdraw': return withdrawForm(a);
          default: return '';
        }
      })}
    </div>`;
}

function adviceBody(f, prefix) {
  const b = {};
  const answer = val(f, `${prefix}-answer`);
  const what = val(f, `${prefix}-what`);
  const worse = val(f, `${prefix}-worse`);
  if (answer) b.answer = answer;
  if (what) b.what_to_do = what;
  if (worse) b.if_worse = worse;
  return b;
}

// What each form sends, and where its fields' errors go.  check() returns
// [{id, text}] for problems found before sending.
export const FORMS = {
  'respond-form': {
    path: 'messages',
    fields: { text: 'respond-text', answer: 'respond-answer', what_to_do: 'respond-what', if_worse: 'respond-worse' },
    check(f) {
      return f.querySelector('input[name="respond-kind"]:checked')
        ? [] : [{ id: 'respond-kind-question', text: 'Choose whether you are sending a question or advice' }];
    },
    body(f) {
      const kind = f.querySelector('input[name="respond-kind"]:checked');
      if (kind && kind.value === 'advice') return adviceBody(f, 'respond');
      const text = val(f, 'respond-text');
      return text ? { text } : {};
    },
    success: () => 'Sent to the GP. The GP practice now holds the request.',
  },
  'close-advice-form': {
    path: 'close',
    fields: { answer: 'close-answer', what_to_do: 'close-what', if_worse: 'close-worse' },
    // All three parts are required: say which are missing at once.
    check(f) {
      return [
        ['close-answer', 'Enter your answer'],
        ['close-what', 'Enter what the GP should do'],
        ['close-worse', 'Enter what to do if it gets worse'],
      ].filter(([name]) => !val(f, name)).map(([fid, text]) => ({ id: fid, text }));
    },
    body: (f) => adviceBody(f, 'close'),
    success: () => 'Request closed with your advice. The GP practice must now read it.',
  },
  'convert-form': {
    path: 'convert',
    fields: { comment: 'convert-comment' },
    body(f) {
      const c = val(f, 'convert-comment');
      return c ? { comment: c } : {};
    },
    success: (b, res) => convertedMessage(res, 'It is accepted and with the booking team.'),
  },
  'reply-form': {
    path: 'messages',
    fields: { text: 'reply-text' },
    body(f) {
      const text = val(f, 'reply-text');
      return text ? { text } : {};
    },
    success: () => 'Reply sent. The specialist now holds the request.',
  },
  'gp-close-form': {
    path: 'close',
    fields: {},
    body: () => ({}),
    success: () => 'Advice read and the request closed.',
  },
  'gp-convert-form': {
    path: 'convert',
    fields: { reason: 'gp-convert-reason' },
    body(f) {
      const r = val(f, 'gp-convert-reason');
      return r ? { reason: r } : {};
    },
    success: (b, res) => convertedMessage(res, 'It is waiting for triage, with its waiting time counted from your original request.'),
  },
  'withdraw-form': {
    path: 'withdraw',
    fields: { reason: 'withdraw-reason' },
    body(f) {
      const r = val(f, 'withdraw-reason');
      return r ? { reason: r } : {};
    },
    success: () => 'Request withdrawn.',
  },
};

function convertedMessage(res, tail) {
  const ref = res && res.referral;
  if (!ref || !ref.id) return `Converted to a referral. ${tail}`;
  return html`Converted to <a href="referral.html?id=${encodeURIComponent(ref.id)}" id="new-referral-link">referral ${ref.id}</a>. ${tail}`;
}
