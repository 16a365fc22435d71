// advice.js - one advice and guidance request: who holds it now, the
// conversation between the GP and the specialist, attachments, and the
// actions the signed-in role may take in its current state.

import { actionDetails, isSending, postForm, staleNote } from '../components/action-form.js';
import {
  attachmentProblem, attachmentUrl, formatBytes, typeLabel, uploadAttachment,
} from '../components/attachments.js';
import { startPage } from '../components/header.js';
import { holderCard, holderEnded } from '../components/holder.js';
import {
  ADVICE_OPEN_STATUSES, adviceStatusLabel, adviceStatusTag, overdueTags, priorityTag, taskKindLabel,
} from '../components/status-tags.js';
import { banner as showBanner, patientRow, pre, row, serviceText } from '../components/summary.js';
import { api } from '../lib/api.js';
import { focusHeading, param, setTitle } from '../lib/dom.js';
import { clearErrors, showErrorSummary, showMissing } from '../lib/error-summary.js';
import { formatDate, formatDateTime, formatNhsNumber, patientName, timeEl } from '../lib/format.js';
import { textarea } from '../lib/forms.js';
import { html, render } from '../lib/html.js';
import { homeFor, isPracticeRole, roleLabel } from '../lib/roles.js';

const notice = document.getElementById('notice');
const errors = document.getElementById('errors');
const view = document.getElementById('advice');
const breadcrumb = document.getElementById('breadcrumb');

const id = param('id');
let me = null;
let advice = null;
const objectUrls = new Map(); // attachment id -> object URL

// ---------------------------------------------------------------------------
// Small pieces.

function banner(content, title) {
  showBanner(notice, content, title);
}

function isSpecialist(a) {
  const trust = a.service && a.service.trust && a.service.trust.code;
  const org = me.organisation && me.organisation.code;
  return ['triager', 'clinician'].includes(me.role) && (!trust || !org || trust === org);
}

function isRequestingGp(a) {
  const practice = a.patient && a.patient.practice && a.patient.practice.code;
  const org = me.organisation && me.organisation.code;
  return me.role === 'gp' && (!practice || !org || practice === org);
}

// ---------------------------------------------------------------------------
// Who holds it.

const NEXT_STEP = {
  advice_response: 'Answer the GP: write back, close with advice, or convert to a referral',
  advice_reply: 'Reply to the specialist, or close the request',
  read_advice: "Read the specialist's advice, then close the request or refer instead",
};

function holderPanel(a) {
  const o = a.owner;
  if (!o) {
    return holderEnded(html`Nobody. This request has ended: <strong>${adviceStatusLabel(a.status).toLowerCase()}</strong>${a.updated_at ? html` on ${timeEl(a.updated_at)}` : ''}.`);
  }
  return holderCard(a, {
    org: o.organisation || {},
    role: html`${o.service && o.service.name ? html`${o.service.name} · ` : ''}${o.role === 'triager' ? 'Specialist (triager)' : roleLabel(o.role)}`,
    nextStep: o.task ? NEXT_STEP[o.task] || taskKindLabel(o.task) : '',
  });
}

// Links to where the request came from or went.
function links(a) {
  const out = [];
  if (a.converted_referral_id) {
    out.push(html`
      <div class="nhsuk-inset-text seam-inset--link" id="converted-link">
        <span class="nhsuk-u-visually-hidden">Information: </span>
        <p>This request became <a href="referral.html?id=${encodeURIComponent(a.converted_referral_id)}">referral ${a.converted_referral_id}</a>.</p>
      </div>`);
  }
  if (a.from_referral_id) {
    out.push(html`
      <div class="nhsuk-inset-text seam-inset--link" id="from-referral-link">
        <span class="nhsuk-u-visually-hidden">Information: </span>
        <p>This request was <a href="referral.html?id=${encodeURIComponent(a.from_referral_id)}">referral ${a.from_referral_id}</a>, turned into advice and guidance.</p>
      </div>`);
  }
  return out;
}

function summary(a) {
  const p = a.patient || {};
  const svc = a.service || {};
  const trust = svc.trust || {};
  const req = a.requester || {};
  return html`
    <h2 class="nhsuk-heading-m">Request</h2>
    <dl class="nhsuk-summary-list" id="advice-summary">
      ${patientRow(p)}
      ${row('Service', html`${svc.name || ''}${svc.specialty && svc.specialty !== svc.name ? ` (${svc.specialty})` : ''}`)}
      ${row('Trust', html`${trust.name || ''}${trust.code ? ` (${trust.code})` : ''}`)}
      ${row('Priority', priorityTag(a.priority))}
      ${row('Status', adviceStatusTag(a.status), html` id="status-row"`)}
      ${row('Requested', html`${a.requested_at ? timeEl(a.requested_at) : ''}${req.display_name || req.username ? html`<br>by ${req.display_name || req.username}${req.organisation && req.organisation.name ? `, ${req.organisation.name}` : ''}` : ''}`)}
      ${row('May become a referral', html`<span id="consent">${a.consent_to_convert
        ? 'Yes: the GP agreed the specialist may turn it into a referral'
        : 'No: the GP did not agree to it being turned into a referral'}</span>`)}
      ${a.responder ? row('Specialist', a.responder.display_name || a.responder.username) : ''}
    </dl>`;
}

// Structured advice: Answer / What to do / If it gets worse.
function structured(m, idPrefix) {
  return html`
    <dl class="seam-advice"${idPrefix ? html` id="${idPrefix}"` : ''}>
      ${m.answer ? html`<dt>Answer</dt><dd>${pre(m.answer)}</dd>` : ''}
      ${m.what_to_do ? html`<dt>What to do</dt><dd>${pre(m.what_to_do)}</dd>` : ''}
      ${m.if_worse ? html`<dt>If it gets worse</dt><dd>${pre(m.if_worse)}</dd>` : ''}
    </dl>`;
}

function outcomePanel(a) {
  const o = a.outcome;
  if (!o) return '';
  return html`
    <div class="nhsuk-card seam-outcome" id="outcome">
      <div class="nhsuk-card__content">
        <h2 class="nhsuk-card__heading nhsuk-heading-m">The specialist's advice</h2>
        ${structured(o, 'outcome-advice')}
        <p class="nhsuk-body-s nhsuk-u-secondary-text-colour nhsuk-u-margin-bottom-0">
          Signed by ${(o.by && (o.by.display_name || o.by.username)) || 'the specialist'}${o.at ? html` on ${timeEl(o.at)}` : ''}.
        </p>
      </div>
    </div>`;
}

const KIND_LABELS = {
  question: 'Question from the GP',
  response: 'Specialist wrote back',
  reply: 'GP replied',
  advice: 'Advice from the specialist',
};

function messageItem(m) {
  const au = m.author || {};
  const practice = isPracticeRole(au.role);
  const org = au.organisation && (au.organisation.name || au.organisation.code);
  const isStructured = m.answer || m.what_to_do || m.if_worse;
  return html`
    <li class="seam-message ${practice ? 'seam-message--practice' : 'seam-message--hospital'}" data-kind="${m.kind}" data-message-id="${m.id}">
      <p class="nhsuk-body-s seam-message__kind">${KIND_LABELS[m.kind] || m.kind}</p>
      <p class="nhsuk-body seam-message__author"><strong>${au.display_name || au.username || 'Unknown'}</strong></p>
      <p class="nhsuk-body-s seam-message__meta">${roleLabel(au.role)}${org ? `, ${org}` : ''} · ${timeEl(m.at)}</p>
      <div class="seam-message__body">
        ${m.text ? pre(m.text) : ''}
        ${isStructured ? structured(m) : ''}
      </div>
    </li>`;
}

function thread(a) {
  const msgs = a.messages || [];
  return html`
    <h2 class="nhsuk-heading-m nhsuk-u-margin-top-7">Conversation</h2>
    ${msgs.length
      ? html`<ol class="seam-thread" id="thread">${msgs.map(messageItem)}</ol>`
      : html`<p id="thread">No messages yet.</p>`}`;
}

// Attachments name their uploader by username: show the person's name when
// the request says who that is.
function peopleNames(a) {
  const names = new Map();
  const add = (p) => { if (p && p.username && p.display_name) names.set(p.username, p.display_name); };
  add(a.requester);
  add(a.responder);
  (a.messages || []).forEach((m) => add(m.author));
  return names;
}

function attachmentsList(a) {
  const list = a.attachments || [];
  const names = peopleNames(a);
  return html`
    <h2 class="nhsuk-heading-m">Attachments</h2>
    ${list.length ? html`
    <ul class="nhsuk-list seam-attachments" id="attachments">
      ${list.map((f) => html`
      <li data-attachment-id="${f.id}">
        <a class="nhsuk-link seam-attachment-link" href="#" data-attachment-id="${f.id}" data-filename="${f.filename}">${f.filename}</a>
        <span class="nhsuk-u-secondary-text-colour nhsuk-body-s">(${typeLabel(f.content_type)}, ${formatBytes(f.size)}${f.uploaded_by ? `, added by ${names.get(f.uploaded_by) || f.uploaded_by}` : ''}${f.uploaded_at ? `, ${formatDateTime(f.uploaded_at)}` : ''})</span>
      </li>`)}
    </ul>` : html`<p class="nhsuk-body" id="attachments">No files attached.</p>`}`;
}

// ---------------------------------------------------------------------------
// Actions.

function adviceFields(prefix) {
  return html`
    ${textarea(`${prefix}-answer`, 'Answer', 'Your answer to the GP\'s question.', { rows: 5 })}
    ${textarea(`${prefix}-what`, 'What to do', 'What the GP should do now: tests, treatment, when to refer.', { rows: 4 })}
    ${textarea(`${prefix}-worse`, 'If it gets worse', 'What the GP or the patient should do if symptoms change or get worse.', { rows: 3 })}`;
}

function respondForm() {
  return html`
    <section class="seam-action" aria-labelledby="respond-heading">
      <h2 class="nhsuk-heading-m" id="respond-heading">Write back to the GP</h2>
      <form id="respond-form" novalidate>
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
      </form>
    </section>`;
}

function closeWithAdviceForm() {
  return html`
    <section class="seam-action" aria-labelledby="close-advice-heading">
      <h2 class="nhsuk-heading-m" id="close-advice-heading">Close with advice</h2>
      <form id="close-advice-form" novalidate>
        <p>Give your final advice. It is signed with your name, and the GP practice must read it. All three parts are needed.</p>
        ${adviceFields('close')}
        <button class="nhsuk-button" type="submit">Close with advice</button>
      </form>
    </section>`;
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
    <section class="seam-action" aria-labelledby="convert-heading">
      <h2 class="nhsuk-heading-m" id="convert-heading">Convert to a referral</h2>
      <form id="convert-form" novalidate>
        <p>If the patient needs to be seen, make this request a referral to ${serviceText(a.service)}. It is accepted at once and goes to the booking team. The GP agreed to this when they asked.</p>
        ${textarea('convert-comment', 'Comment for the booking team and the GP (optional)', null, { rows: 3 })}
        <button class="nhsuk-button nhsuk-button--secondary" type="submit">Convert to a referral</button>
      </form>
    </section>`;
}

function replyForm() {
  return html`
    <section class="seam-action" aria-labelledby="reply-heading">
      <h2 class="nhsuk-heading-m" id="reply-heading">Reply to the specialist</h2>
      <form id="reply-form" novalidate>
        ${textarea('reply-text', 'Your reply', 'Answer the specialist\'s question, or ask a follow-up question. The request goes back to the specialist.', { rows: 5 })}
        <button class="nhsuk-button" type="submit">Send reply</button>
      </form>
    </section>`;
}

function gpCloseForm() {
  return html`
    <section class="seam-action" aria-labelledby="gp-close-heading">
      <h2 class="nhsuk-heading-m" id="gp-close-heading">Mark as read and close</h2>
      <form id="gp-close-form" novalidate>
        <p>Close the request once you have read the advice and need nothing more from the specialist.</p>
        <button class="nhsuk-button nhsuk-button--secondary" type="submit">Mark as read and close</button>
      </form>
    </section>`;
}

function gpConvertForm(a) {
  return html`
    <section class="seam-action" aria-labelledby="gp-convert-heading">
      <h2 class="nhsuk-heading-m" id="gp-convert-heading">Refer instead</h2>
      <form id="gp-convert-form" novalidate>
        <p>If you think the patient needs to be seen, turn this request into a referral to ${serviceText(a.service)}. The service triages it as usual.</p>
        <p id="gp-convert-clock">The original request date${a.requested_at ? html`, ${formatDate(a.requested_at)},` : ''} is kept: the patient keeps their place in the queue and their waiting time counts from then.</p>
        ${textarea('gp-convert-reason', 'Why does the patient need to be seen? (optional)', null, { rows: 3 })}
        <button class="nhsuk-button nhsuk-button--secondary" type="submit">Refer instead</button>
      </form>
    </section>`;
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
    <section class="seam-action" aria-labelledby="attach-heading">
      <h2 class="nhsuk-heading-m" id="attach-heading">Attach a file</h2>
      <form id="attach-form" novalidate>
        <div class="nhsuk-form-group nhsuk-file-upload">
          <label class="nhsuk-label" for="attach-file">File</label>
          <div class="nhsuk-hint" id="attach-file-hint">A PDF, JPEG, PNG or text file up to 5 MB.</div>
          <input class="nhsuk-file-upload__input" id="attach-file" name="attach-file" type="file" accept="application/pdf,image/jpeg,image/png,text/plain,.pdf,.jpg,.jpeg,.png,.txt" aria-describedby="attach-file-hint">
        </div>
        <button class="nhsuk-button nhsuk-button--secondary" type="submit">Attach file</button>
      </form>
    </section>`;
}

function availableActions(a) {
  const out = [];
  const specialist = isSpecialist(a);
  const gp = isRequestingGp(a);
  if (a.status === 'awaiting_response' && specialist) out.push('respond', 'close-advice', 'convert');
  if ((a.status === 'awaiting_gp' || a.status === 'advice_given') && gp) out.push('reply', 'gp-close', 'gp-convert');
  if (ADVICE_OPEN_STATUSES.includes(a.status) && (gp || specialist)) out.push('attach');
  if ((a.status === 'awaiting_response' || a.status === 'awaiting_gp') && gp) out.push('withdraw');
  return out;
}

function actions(a) {
  const list = availableActions(a);
  if (!list.length) return '';
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

function val(f, name) {
  const el = f.elements[name];
  return el ? el.value.trim() : '';
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
const FORMS = {
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

// The attach form sends a file, not JSON.
const ATTACH = {
  check: (form) => {
    const input = form.elements['attach-file'];
    const problem = attachmentProblem(input.files && input.files[0]);
    return problem ? [{ id: 'attach-file', text: problem }] : [];
  },
  fields: { filename: 'attach-file', attachment: 'attach-file' },
};

async function onAttach(form) {
  const file = form.elements['attach-file'].files[0];
  const sent = await postForm(form, { ...ATTACH, send: (key) => uploadAttachment(id, file, key) }, errors, view);
  if (!sent) return;
  await load();
  banner(`${(sent.out && sent.out.filename) || file.name} attached.`);
}

async function onSubmit(ev) {
  const form = ev.target.closest('form');
  if (!form) return;
  const spec = form.id === 'attach-form' ? ATTACH : FORMS[form.id];
  if (!spec) return;
  ev.preventDefault();
  if (isSending()) return;
  notice.innerHTML = '';
  if (form.id === 'attach-form') {
    await onAttach(form);
    return;
  }
  let body = null;
  const sent = await postForm(form, {
    check: spec.check,
    fields: spec.fields,
    send: (key) => {
      body = { ...spec.body(form), version: advice.version };
      return api(`/advice/${encodeURIComponent(id)}/${spec.path}`, { method: 'POST', body, idempotencyKey: key });
    },
    failed: (e, summary) => {
      if (e.code === 'stale_version' || e.code === 'illegal_transition') staleNote(summary, 'request', `advice.html?id=${id}`);
    },
  }, errors, view);
  if (!sent) return;
  const message = spec.success(body, sent.out);
  const ok = await load({ quiet: true });
  if (ok) banner(message);
  else banner(html`${message} You can no longer see this request.`);
}

// Attachments need the bearer token, so a plain link cannot fetch them:
// fetch the file, then point the link at an object URL and follow it.
async function onClick(ev) {
  const a = ev.target.closest('a.seam-attachment-link');
  if (!a) return;
  const aid = a.dataset.attachmentId;
  if (objectUrls.has(aid) && a.getAttribute('href') === objectUrls.get(aid)) return; // the browser downloads it
  ev.preventDefault();
  clearErrors(errors, view);
  a.setAttribute('aria-busy', 'true');
  try {
    const url = await attachmentUrl(id, aid);
    objectUrls.set(aid, url);
    a.href = url;
    a.download = a.dataset.filename || 'attachment';
    a.click();
  } catch (e) {
    showErrorSummary(errors, [{ text: `The file could not be downloaded: ${e.message}` }]);
  } finally {
    a.removeAttribute('aria-busy');
  }
}

// ---------------------------------------------------------------------------
// Page.

function renderBreadcrumb() {
  const home = homeFor(me.role);
  const label = home === 'worklist.html' ? 'Worklist' : me.role === 'patient' ? 'My referrals' : 'Referrals';
  breadcrumb.innerHTML = html`
    <nav class="nhsuk-breadcrumb" aria-label="Breadcrumb">
      <ol class="nhsuk-breadcrumb__list">
        <li class="nhsuk-breadcrumb__list-item"><a class="nhsuk-breadcrumb__link" href="${home}">${label}</a></li>
        <li class="nhsuk-breadcrumb__list-item"><a class="nhsuk-breadcrumb__link" href="advice-list.html">Advice and guidance</a></li>
      </ol>
      <a class="nhsuk-back-link" href="advice-list.html"><span class="nhsuk-u-visually-hidden">Back to </span>Advice and guidance</a>
    </nav>`.s;
}

function renderAdvice(a) {
  const p = a.patient || {};
  const svc = a.service || {};
  setTitle(`Advice request ${a.id}: ${patientName(p)}`);
  for (const url of objectUrls.values()) URL.revokeObjectURL(url);
  objectUrls.clear();
  render(view, html`
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-two-thirds">
        <span class="nhsuk-caption-l">Advice request ${a.id} · <span class="nhsuk-u-nowrap">NHS number ${formatNhsNumber(p.nhs_number)}</span></span>
        <h1 class="nhsuk-u-margin-bottom-3">${svc.name || 'Advice'} advice for ${patientName(p)}</h1>
        <p class="seam-tags" id="status-line">${adviceStatusTag(a.status)} ${priorityTag(a.priority)} ${overdueTags(a)}</p>
        ${links(a)}
        ${holderPanel(a)}
        ${outcomePanel(a)}
        ${summary(a)}
        ${thread(a)}
        ${attachmentsList(a)}
        ${actions(a)}
      </div>
    </div>`);
}

async function load({ quiet = false } = {}) {
  let a;
  try {
    a = await api(`/advice/${encodeURIComponent(id)}`);
  } catch (e) {
    if (quiet && e.status === 404) {
      view.innerHTML = '';
      return false;
    }
    render(view, html`<h1>Advice request ${id || ''}</h1>`);
    showErrorSummary(errors, [{ text: e.status === 404 ? 'There is no such advice request, or you cannot see it.' : e.message }]);
    return false;
  }
  advice = a;
  renderAdvice(a);
  return true;
}

async function main() {
  me = await startPage('advice-list.html');
  renderBreadcrumb();
  if (!id) {
    showMissing(view, errors, 'Advice request', 'No advice request was given. Open one from your worklist or the advice and guidance list.');
    return;
  }
  view.addEventListener('submit', onSubmit);
  view.addEventListener('click', onClick);
  const ok = await load();
  if (ok && param('created')) {
    const attachFailed = param('attach_failed');
    window.history.replaceState(null, '', `advice.html?id=${encodeURIComponent(id)}`);
    banner(`Advice request sent to ${serviceText(advice.service)}.`);
    if (attachFailed) {
      showErrorSummary(errors, [{ text: 'Your request was sent, but the file could not be attached. Attach it again below.', href: '#attach-file' }], { focus: false });
    }
  } else if (ok) focusHeading(view);
}

main();
