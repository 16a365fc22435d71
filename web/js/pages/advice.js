// advice.js - one advice and guidance request: who holds it now, the
// conversation between the GP and the specialist, attachments, and the
// actions the signed-in role may take in its current state.

import { isSending, postForm, submitAction } from '../components/action-form.js';
import {
  attachmentProblem, attachmentUrl, formatBytes, typeLabel, uploadAttachment,
} from '../components/attachments.js';
import { holderCard, holderEnded } from '../components/holder.js';
import {
  loadObject, objectHeading, pageParts, startObjectPage,
} from '../components/object-page.js';
import {
  ADVICE_OPEN_STATUSES, adviceStatusLabel, adviceStatusTag, overdueTags, priorityTag, taskKindLabel,
} from '../components/status-tags.js';
import { banner as showBanner, patientRow, pre, row, serviceText } from '../components/summary.js';
import { param, setTitle } from '../lib/dom.js';
import { clearErrors, showErrorSummary } from '../lib/error-summary.js';
import { formatDateTime, formatNhsNumber, patientName, timeEl } from '../lib/format.js';
import { html, render } from '../lib/html.js';
import { homeFor, isClinicianOf, isGpOf, roleLabel } from '../lib/roles.js';
import { actionForms, FORMS } from './advice-forms.js';

const parts = pageParts('advice');
const { notice, errors, view } = parts;

let id = null;
let me = null;
let advice = null;
const objectUrls = new Map(); // attachment id -> object URL

// ---------------------------------------------------------------------------
// Small pieces.

function banner(content, title) {
  showBanner(notice, content, title);
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
  // The GP asks and replies; the specialist writes back and advises.
  const practice = m.kind === 'question' || m.kind === 'reply';
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

function availableActions(a) {
  const out = [];
  const specialist = isClinicianOf(me, a);
  const gp = isGpOf(me, a);
  if (a.status === 'awaiting_response' && specialist) out.push('respond', 'close-advice', 'convert');
  if ((a.status === 'awaiting_gp' || a.status === 'advice_given') && gp) out.push('reply', 'gp-close', 'gp-convert');
  if (ADVICE_OPEN_STATUSES.includes(a.status) && (gp || specialist)) out.push('attach');
  if ((a.status === 'awaiting_response' || a.status === 'awaiting_gp') && gp) out.push('withdraw');
  return out;
}

function actions(a) {
  const list = availableActions(a);
  return list.length ? actionForms(list, a) : '';
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
  if (form.id === 'attach-form') {
    ev.preventDefault();
    if (isSending()) return;
    notice.innerHTML = '';
    await onAttach(form);
    return;
  }
  const spec = FORMS[form.id];
  if (!spec) return;
  ev.preventDefault();
  await submitAction(form, spec, {
    parts,
    url: `/advice/${encodeURIComponent(id)}/${spec.path}`,
    version: advice.version,
    noun: 'request',
    href: `advice.html?id=${id}`,
    reload: () => load({ quiet: true }),
  });
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

function crumbs(m) {
  const home = homeFor(m);
  const label = home === 'worklist.html' ? 'Worklist' : m.role === 'patient' ? 'My referrals' : 'Referrals';
  const list = { href: 'advice-list.html', text: 'Advice and guidance' };
  return { links: [{ href: home, text: label }, list], back: list };
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
        ${objectHeading(html`Advice request ${a.id} · <span class="nhsuk-u-nowrap">NHS number ${formatNhsNumber(p.nhs_number)}</span>`,
          `${svc.name || 'Advice'} advice for ${patientName(p)}`,
          html`${adviceStatusTag(a.status)} ${priorityTag(a.priority)} ${overdueTags(a)}`)}
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
  const a = await loadObject(`/advice/${encodeURIComponent(id)}`, {
    parts, what: 'Advice request', noun: 'advice request', id, quiet,
  });
  if (!a) return false;
  advice = a;
  renderAdvice(a);
  return true;
}

async function main() {
  const ok = await startObjectPage({
    nav: 'advice-list.html',
    parts,
    crumbs,
    what: 'Advice request',
    missing: 'No advice request was given. Open one from your worklist or the advice and guidance list.',
    started: (s) => { ({ me, id } = s); },
    on: { submit: onSubmit, click: onClick },
    load,
    focus: !param('created'),
  });
  if (ok && param('created')) {
    const attachFailed = param('attach_failed');
    window.history.replaceState(null, '', `advice.html?id=${encodeURIComponent(id)}`);
    banner(`Advice request sent to ${serviceText(advice.service)}.`);
    if (attachFailed) {
      showErrorSummary(errors, [{ text: 'Your request was sent, but the file could not be attached. Attach it again below.', href: '#attach-file' }], { focus: false });
    }
  }
}

main();
