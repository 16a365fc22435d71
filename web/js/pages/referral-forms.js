// referral-forms.js - the forms of a referral's actions (triage, book,
// attend, outcome, did not attend, order a test, follow-up, the GP's answer
// to a return, onward referral, withdraw).  What each sends: referral-actions.js.

import { actionDetails, actionSection } from '../components/action-form.js';
import { priorityLabel, RETURN_REASONS } from '../components/status-tags.js';
import { serviceText } from '../components/summary.js';
import { formatDate, patientName, timeEl, utcToLondonLocal } from '../lib/format.js';
import { radios, textarea } from '../lib/forms.js';
import { html } from '../lib/html.js';

// The services as options grouped by trust, the referral's own trust first.
function serviceOptions(list, r) {
  const byTrust = new Map();
  for (const s of list) {
    const t = (s.trust && s.trust.name) || 'Other';
    if (!byTrust.has(t)) byTrust.set(t, []);
    byTrust.get(t).push(s);
  }
  const ownTrust = r.service && r.service.trust && r.service.trust.name;
  const trusts = [...byTrust.keys()].sort((a, b) => (a === ownTrust ? -1 : b === ownTrust ? 1 : a.localeCompare(b)));
  return trusts.map((t) => html`<optgroup label="${t}">${byTrust.get(t).map((s) => html`<option value="${s.id}">${s.name} – ${t}</option>`)}</optgroup>`);
}

function triageForm(r, services) {
  const others = (services || []).filter((s) => String(s.id) !== String(r.service && r.service.id));
  return html`
    ${actionSection('triage', 'Triage this referral', html`
      <div class="nhsuk-form-group">
        <fieldset class="nhsuk-fieldset">
          <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Decision</legend>
          <div class="nhsuk-radios nhsuk-radios--conditional" data-module="nhsuk-radios">
            <div class="nhsuk-radios__item">
              <input class="nhsuk-radios__input" id="decision-accept" name="decision" type="radio" value="accept" data-aria-controls="conditional-accept">
              <label class="nhsuk-label nhsuk-radios__label" for="decision-accept">Accept</label>
              <div class="nhsuk-hint nhsuk-radios__hint">It goes to the booking team for an appointment.</div>
            </div>
            <div class="nhsuk-radios__conditional nhsuk-radios__conditional--hidden" id="conditional-accept">
              <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="triage-priority">Priority</label>
                <div class="nhsuk-hint" id="triage-priority-hint">Change it only if the clinical picture needs it.</div>
                <select class="nhsuk-select" id="triage-priority" name="priority" aria-describedby="triage-priority-hint">
                  <option value="">Keep as ${priorityLabel(r.priority).toLowerCase()}</option>
                  ${['routine', 'urgent', 'two_week_wait'].filter((p) => p !== r.priority).map((p) => html`<option value="${p}">Change to ${priorityLabel(p).toLowerCase()}</option>`)}
                </select>
              </div>
            </div>
            <div class="nhsuk-radios__item">
              <input class="nhsuk-radios__input" id="decision-return" name="decision" type="radio" value="return" data-aria-controls="conditional-return">
              <label class="nhsuk-label nhsuk-radios__label" for="decision-return">Return with advice</label>
              <div class="nhsuk-hint nhsuk-radios__hint">It goes back to the GP practice, who must review your advice.</div>
            </div>
            <div class="nhsuk-radios__conditional nhsuk-radios__conditional--hidden" id="conditional-return">
              <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="reason_code">Why are you returning it?</label>
                <div class="nhsuk-hint" id="reason_code-hint">Counted in the interface measures. If you do not choose, it is recorded as “Other reason”.</div>
                <select class="nhsuk-select" id="reason_code" name="reason_code" aria-describedby="reason_code-hint">
                  <option value="">Choose a reason</option>
                  ${Object.entries(RETURN_REASONS).map(([v, label]) => html`<option value="${v}">${label}</option>`)}
                </select>
              </div>
              ${textarea('advice', 'Advice for the GP', 'What the GP should do: tests, treatment, or what to include if they refer again.', { rows: 5 })}
            </div>
            <div class="nhsuk-radios__item">
              <input class="nhsuk-radios__input" id="decision-redirect" name="decision" type="radio" value="redirect" data-aria-controls="conditional-redirect">
              <label class="nhsuk-label nhsuk-radios__label" for="decision-redirect">Redirect to another service</label>
              <div class="nhsuk-hint nhsuk-radios__hint">Sends it straight to the right service, at any trust, without going back to the GP. The waiting time clock keeps running.</div>
            </div>
            <div class="nhsuk-radios__conditional nhsuk-radios__conditional--hidden" id="conditional-redirect">
              <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="to_service_id">Service to redirect to</label>
                <select class="nhsuk-select" id="to_service_id" name="to_service_id">
                  <option value="">${services ? 'Choose a service' : 'Services could not be loaded'}</option>
                  ${serviceOptions(others, r)}
                </select>
              </div>
            </div>
            <div class="nhsuk-radios__item">
              <input class="nhsuk-radios__input" id="decision-convert_to_advice" name="decision" type="radio" value="convert_to_advice">
              <label class="nhsuk-label nhsuk-radios__label" for="decision-convert_to_advice">Convert to advice and guidance</label>
              <div class="nhsuk-hint nhsuk-radios__hint">The referral ends and becomes an advice request that you answer: the patient may not need to be seen. Say why in the comment.</div>
            </div>
          </div>
        </fieldset>
      </div>
      ${textarea('triage-comment', 'Comment', 'If you return the referral, this is the reason the GP will see. If you convert it to advice and guidance, say why. Otherwise optional.')}
      <button class="nhsuk-button" type="submit">Record triage decision</button>
    `)}`;
}

function bookForm() {
  return html`
    ${actionSection('book', 'Book an appointment', html`
      <div class="nhsuk-form-group">
        <label class="nhsuk-label" for="appointment_at">Appointment date and time</label>
        <div class="nhsuk-hint" id="appointment_at-hint">UK time.</div>
        <input class="nhsuk-input nhsuk-input--width-20" id="appointment_at" name="appointment_at" type="datetime-local" aria-describedby="appointment_at-hint">
      </div>
      <button class="nhsuk-button" type="submit">Book appointment</button>
    `)}`;
}

function attendForm(r) {
  return html`
    ${actionSection('attend', 'Record attendance', html`
      <p>${r.appointment_at ? html`The appointment was booked for ${timeEl(r.appointment_at, { weekday: true })}.` : ''} Record that the patient attended, then record the outcome.</p>
      <div class="nhsuk-form-group">
        <label class="nhsuk-label" for="attended_at">When the patient was seen</label>
        <div class="nhsuk-hint" id="attended_at-hint">UK time. Not before the day of the appointment, and not in the future. The GP's letter and the waiting-time measures use this time.</div>
        <input class="nhsuk-input nhsuk-input--width-20" id="attended_at" name="attended_at" type="datetime-local" value="${utcToLondonLocal()}" max="${utcToLondonLocal()}" aria-describedby="attended_at-hint">
      </div>
      <button class="nhsuk-button" type="submit">Record that the patient attended</button>
    `)}`;
}

// The RTT outcome of a discharge (docs/waiting-list.md): which clock stop it is.
const RTT_OUTCOMES = [
  ['return_to_primary', 'No treatment here: back to the GP', 'Decision not to treat, or no further contact needed (RTT 34).'],
  ['treated', 'Treated', 'First definitive treatment has started (RTT 30).'],
  ['active_monitoring_clinician', 'Active monitoring, the clinician\'s decision', 'Watch and wait for now, as the clinician advised (RTT 32).'],
  ['active_monitoring_patient', 'Active monitoring, the patient\'s choice', 'The patient chose to wait and be monitored rather than treated now (RTT 31).'],
  ['declined', 'The patient declined treatment', 'Treatment was offered and the patient declined it (RTT 35).'],
];

function dischargeForm() {
  return html`
    ${actionSection('discharge', 'Record the outcome', html`
      ${textarea('discharge-comment', 'Outcome and discharge comment', 'What was found and done, and any actions for the GP.', { rows: 5 })}
      <div class="nhsuk-form-group">
        <fieldset class="nhsuk-fieldset" aria-describedby="discharge-rtt-hint">
          <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Waiting time (RTT) outcome</legend>
          <div class="nhsuk-hint" id="discharge-rtt-hint">This stops the patient's waiting-time clock.</div>
          <div class="nhsuk-radios" data-module="nhsuk-radios">
            ${RTT_OUTCOMES.map(([v, label, hint]) => html`
            <div class="nhsuk-radios__item">
              ${v === 'return_to_primary'
  ? html`<input class="nhsuk-radios__input" id="discharge-rtt-${v}" name="discharge-rtt" type="radio" value="${v}" aria-describedby="discharge-rtt-${v}-hint" checked>`
  : html`<input class="nhsuk-radios__input" id="discharge-rtt-${v}" name="discharge-rtt" type="radio" value="${v}" aria-describedby="discharge-rtt-${v}-hint">`}
              <label class="nhsuk-label nhsuk-radios__label" for="discharge-rtt-${v}">${label}</label>
              <div class="nhsuk-hint nhsuk-radios__hint" id="discharge-rtt-${v}-hint">${hint}</div>
            </div>`)}
          </div>
        </fieldset>
      </div>
      <button class="nhsuk-button" type="submit">Discharge the patient</button>
    `)}`;
}

function returnedForms(r) {
  return html`
    ${actionSection('resubmit', 'Resubmit with your answer', html`
      ${textarea('resubmit-comment', 'Your answer to the advice', 'What you have done about the advice, and why the patient still needs to be seen. The service will see this.', { rows: 5 })}
      ${textarea('resubmit-summary', 'Updated clinical summary (optional)', 'Change it only if there is new information, for example test results.', { rows: 8, value: r.clinical_summary || '' })}
      <button class="nhsuk-button" type="submit">Resubmit referral</button>
    `)}
    ${actionSection('convert-advice', 'Or ask for advice instead', html`
      <p>Turn this referral into an advice and guidance request to ${serviceText(r.service)}: a specialist answers your question without the patient being seen.</p>
      ${textarea('convert-advice-question', 'Your question for the specialist (optional)', 'Leave it empty to send the referral\'s reason and clinical summary as the question.', { rows: 4 })}
      <button class="nhsuk-button nhsuk-button--secondary" type="submit">Ask for advice instead</button>
    `)}
    ${actionSection('close', 'Or close the referral', html`
      ${textarea('close-comment', 'Why are you closing it?', 'For example: advice followed, the patient no longer needs to be seen.', { rows: 3 })}
      <button class="nhsuk-button nhsuk-button--secondary" type="submit">Close referral</button>
    `)}`;
}

function onwardForm(r, services) {
  return html`
    ${actionDetails('onward-details', 'Make an onward referral', 'onward-form', html`
          <p>Refer ${patientName(r.patient) || 'the patient'} on to another service. The GP practice is copied in for information and has nothing to do.</p>
          <div class="nhsuk-form-group">
            <label class="nhsuk-label" for="onward-service">Service to refer to</label>
            <select class="nhsuk-select" id="onward-service" name="onward-service">
              <option value="">${services ? 'Choose a service' : 'Services could not be loaded'}</option>
              ${serviceOptions(services || [], r)}
            </select>
          </div>
          ${radios('onward-same', 'Is it for the same condition?', [
            { value: 'true', label: 'Yes, the same condition', id: 'onward-same-yes' },
            { value: 'false', label: 'No, a new condition', id: 'onward-same-no' },
          ], {
            inline: true,
            hint: html`Same condition: the patient's referral to treatment (RTT) clock keeps running from ${r.clock_start ? formatDate(r.clock_start) : 'the original referral'}, on the same pathway. A new condition starts a new clock today.`,
          })}
          ${radios('onward-priority', 'Priority', ['routine', 'urgent', 'two_week_wait'].map((p) => ({ value: p, label: priorityLabel(p) })))}
          <div class="nhsuk-form-group">
            <label class="nhsuk-label" for="onward-reason">Reason for referral</label>
            <div class="nhsuk-hint" id="onward-reason-hint">One line the service sees first. Up to 500 characters.</div>
            <input class="nhsuk-input" id="onward-reason" name="onward-reason" type="text" autocomplete="off" aria-describedby="onward-reason-hint">
          </div>
          ${textarea('onward-summary', 'Clinical summary', 'What was found, what has been done, and what you are asking the service to do.', { rows: 6 })}
          <button class="nhsuk-button" type="submit">Send onward referral</button>
    `)}`;
}

function dnaForm(r) {
  return html`
    ${actionDetails('dna-details', 'Did not attend', 'dna-form', html`
          <p>${r.appointment_at ? html`The patient did not come to the appointment on ${timeEl(r.appointment_at, { weekday: true })}. ` : ''}Decide what the hospital does next. The GP practice is told, for information: nothing is passed back to the GP to do.</p>
          ${radios('dna', 'What happens now?', [
            { value: 'rebook', label: 'Offer another appointment', hint: 'It goes back to the booking team.' },
            { value: 'discharge', label: 'Discharge', hint: 'A clinical decision: a clinic letter telling the GP why becomes due.' },
          ], { name: 'dna-decision' })}
          <div class="nhsuk-form-group">
            <label class="nhsuk-label" for="dna-rebooked-on">If another appointment is offered: the date the patient agreed it (optional)</label>
            <div class="nhsuk-hint" id="dna-rebooked-on-hint">After a missed first appointment the waiting-time clock starts again on this date. Leave it empty for today.</div>
            <input class="nhsuk-input nhsuk-input--width-10" id="dna-rebooked-on" name="dna-rebooked-on" type="date" aria-describedby="dna-rebooked-on-hint">
          </div>
          ${textarea('dna-comment', 'Comment', 'For example: two missed appointments; low clinical risk. The GP sees this.', { rows: 3 })}
          <button class="nhsuk-button nhsuk-button--secondary" type="submit">Record did not attend</button>
    `)}`;
}

function orderForm(r) {
  return html`
    ${actionDetails('order-details', 'Order a test', 'order-form', html`
          <p>The result comes back to ${(r.service && r.service.name) || 'this service'} to review, not to the GP.</p>
          <div class="nhsuk-form-group">
            <label class="nhsuk-label" for="order-test">Test</label>
            <div class="nhsuk-hint" id="order-test-hint">For example: Echocardiogram, Full blood count, 24-hour ECG.</div>
            <input class="nhsuk-input" id="order-test" name="order-test" type="text" autocomplete="off" aria-describedby="order-test-hint">
          </div>
          ${radios('order-urgency', 'Urgency', [
            { value: 'routine', label: 'Routine', checked: true },
            { value: 'urgent', label: 'Urgent' },
          ], { inline: true })}
          <button class="nhsuk-button nhsuk-button--secondary" type="submit">Order test</button>
    `)}`;
}

function followUpForm() {
  return html`
    ${actionDetails('follow-up-details', 'Arrange follow-up', 'follow-up-form', html`
          <p>The hospital arranges it: the GP is not asked to re-refer.</p>
          <div class="nhsuk-form-group">
            <fieldset class="nhsuk-fieldset">
              <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Kind of follow-up</legend>
              <div class="nhsuk-radios nhsuk-radios--conditional" data-module="nhsuk-radios">
                <div class="nhsuk-radios__item">
                  <input class="nhsuk-radios__input" id="follow-up-kind-window" name="follow-up-kind" type="radio" value="window" data-aria-controls="conditional-follow-up-window">
                  <label class="nhsuk-label nhsuk-radios__label" for="follow-up-kind-window">Book an appointment within a window</label>
                  <div class="nhsuk-hint nhsuk-radios__hint">The booking team must book it before the window ends.</div>
                </div>
                <div class="nhsuk-radios__conditional nhsuk-radios__conditional--hidden" id="conditional-follow-up-window">
                  <div class="nhsuk-form-group">
                    <label class="nhsuk-label" for="follow-up-start">Not before</label>
                    <input class="nhsuk-input nhsuk-input--width-10" id="follow-up-start" name="follow-up-start" type="date">
                  </div>
                  <div class="nhsuk-form-group">
                    <label class="nhsuk-label" for="follow-up-end">No later than</label>
                    <input class="nhsuk-input nhsuk-input--width-10" id="follow-up-end" name="follow-up-end" type="date">
                  </div>
                </div>
                <div class="nhsuk-radios__item">
                  <input class="nhsuk-radios__input" id="follow-up-kind-pifu" name="follow-up-kind" type="radio" value="pifu" data-aria-controls="conditional-follow-up-pifu">
                  <label class="nhsuk-label nhsuk-radios__label" for="follow-up-kind-pifu">Patient-initiated follow-up (PIFU)</label>
                  <div class="nhsuk-hint nhsuk-radios__hint">The patient contacts the hospital if they need to be seen. When the window ends, you discharge with a letter.</div>
                </div>
                <div class="nhsuk-radios__conditional nhsuk-radios__conditional--hidden" id="conditional-follow-up-pifu">
                  <div class="nhsuk-form-group">
                    <label class="nhsuk-label" for="follow-up-months">For how many months?</label>
                    <select class="nhsuk-select" id="follow-up-months" name="follow-up-months">
                      ${[3, 6, 9, 12, 18, 24].map((m) => html`<option value="${m}"${m === 6 ? html` selected` : ''}>${m} months</option>`)}
                    </select>
                  </div>
                </div>
              </div>
            </fieldset>
          </div>
          <button class="nhsuk-button nhsuk-button--secondary" type="submit">Arrange follow-up</button>
    `)}`;
}

function withdrawForm() {
  return html`
    ${actionDetails('withdraw-details', 'Withdraw this referral', 'withdraw-form', html`
          <p>Withdraw it if the patient no longer needs or wants to be seen. This ends the referral for everyone.</p>
          ${textarea('withdraw-reason', 'Reason for withdrawing', null, { rows: 3 })}
          <button class="nhsuk-button nhsuk-button--warning" type="submit">Withdraw referral</button>
    `)}`;
}

// The forms of the actions in list (availableActions in referral.js), for
// referral r; services: those accepting referrals (null: not loaded).
export function actionForms(list, r, services) {
  if (!list.length) return '';
  return html`
    <div id="actions">
      ${list.map((a) => {
        switch (a) {
          case 'triage': return triageForm(r, services);
          case 'book': return bookForm(r);
          case 'attend': return attendForm(r);
          case 'discharge': return dischargeForm(r);
          case 'dna': return dnaForm(r);
          case 'order': return orderForm(r);
          case 'follow-up': return followUpForm(r);
          case 'returned': return returnedForms(r);
          case 'onward': return onwardForm(r, services);
          case 'withdraw': return withdrawForm(r);
          default: return '';
        }
      })}
    </div>`;
}
