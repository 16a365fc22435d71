// inbox.js - the GP practice's inbox, its landing page: what the hospital
// has asked the practice to act on ("Needs your action": actions from
// letters, result hand-over requests, results handed over, returned
// referrals, advice to answer or read), kept apart from copies sent for
// information (unread letters, missed appointments, redirected and onward
// referrals).

import { sendForm } from '../components/action-form.js';
import { gpActionList, handleGpActionSubmit } from '../components/gp-actions.js';
import { startPage } from '../components/header.js';
import { LETTER_KINDS } from '../components/status-tags.js';
import {
  banner, emptyState, patientLine, serviceText, setCurrentUser,
} from '../components/summary.js';
import { api } from '../lib/api.js';
import { focusHeading, setTitle } from '../lib/dom.js';
import { showErrorSummary } from '../lib/error-summary.js';
import { patientName, timeEl } from '../lib/format.js';
import { html, render } from '../lib/html.js';
import { priorityText } from '../lib/rtt.js';

const notice = document.getElementById('notice');
const errors = document.getElementById('errors');
const view = document.getElementById('view');

let me = null;
const decided = new Set(); // letters whose GP actions were decided here

// What each kind of item is, and the page it opens.
const TYPES = {
  letter_gp_action: { label: 'Action asked of the GP', page: 'letter', open: 'Open the letter' },
  result_handover: { label: 'Result hand-over request', page: 'result', open: 'Open the result' },
  result_review: { label: 'Result to review', page: 'result', open: 'Review the result' },
  returned_referral: { label: 'Referral returned with advice', page: 'referral', open: 'Review the advice' },
  advice_reply: { label: 'Specialist wrote back', page: 'advice', open: 'Reply' },
  read_advice: { label: "Specialist's advice to read", page: 'advice', open: 'Read the advice' },
  letter: { label: 'Letter', page: 'letter', open: 'Read the letter' },
  gp_action_resolved: { label: 'Declined action resolved by the hospital', page: 'letter', open: 'Open the letter' },
  dna: { label: 'Missed appointment', page: 'referral', open: 'Open the referral' },
  redirect: { label: 'Referral redirected', page: 'referral', open: 'Open the referral' },
  onward_referral: { label: 'Onward referral', page: 'referral', open: 'Open the referral' },
  priority_review: { label: 'Priority review answered', page: 'pathway', open: 'See the answer' },
};

const PAGE_PARAM = { letter: 'letters', result: 'results', referral: 'referrals', advice: 'advice', pathway: 'pathways' };

// The id of the object an item is about: its own link says best.
function subjectId(item) {
  const t = TYPES[item.type];
  const link = String(item.link || '');
  if (t) {
    const m = new RegExp(`(?:${t.page}\\.html\\?id=|/${PAGE_PARAM[t.page]}/)(\\d+)`).exec(link);
    if (m) return m[1];
  }
  if (item.type === 'letter_gp_action' && item.letter_id != null) return String(item.letter_id);
  if (item.type === 'priority_review' && item.pathway_id != null) return String(item.pathway_id);
  return item.id != null ? String(item.id) : '';
}

function hrefFor(item) {
  const t = TYPES[item.type];
  const link = String(item.link || '');
  if (/^[a-z-]+\.html(\?|$)/.test(link)) return link;
  if (!t) return link || '#';
  return `${t.page}.html?id=${encodeURIComponent(subjectId(item))}`;
}

function itemMeta(item) {
  const t = TYPES[item.type];
  return html`<p class="nhsuk-body-s seam-inbox__type">${t ? t.label : item.type}${item.at ? html` · ${timeEl(item.at)}` : ''}</p>`;
}

// An answered priority review: what the hospital decided, and the pathway.
function priorityReviewItem(item) {
  const rv = item.review || null;
  const pid = subjectId(item);
  const changed = rv && rv.outcome === 'reprioritised';
  return html`
    <li class="seam-inbox__item seam-inbox__item--info" data-type="priority_review" data-id="${pid}"${rv && rv.id != null ? html` data-review-id="${rv.id}"` : ''}>
      ${itemMeta(item)}
      <p class="nhsuk-body nhsuk-u-margin-bottom-1">${patientLine(item.patient || (rv && rv.patient))}</p>
      ${rv && rv.service ? html`<p class="nhsuk-body-s nhsuk-u-margin-bottom-1">${rv.service.name}${rv.trust && rv.trust.name ? `, ${rv.trust.name}` : ''}</p>` : ''}
      ${rv && rv.outcome ? html`<p class="nhsuk-body nhsuk-u-margin-bottom-1"><strong>${changed ? 'Priority changed' : 'Priority unchanged'}</strong>: ${changed ? html`${priorityText(rv.from_priority)} → <strong>${priorityText(rv.to_priority)}</strong>` : priorityText(rv.to_priority || rv.from_priority)}</p>` : ''}
      ${item.summary && !(rv && rv.outcome) ? html`<p class="nhsuk-body nhsuk-u-margin-bottom-2 seam-inbox__summary">${item.summary}</p>` : ''}
      ${rv && rv.answer && rv.answer !== item.summary ? html`<p class="nhsuk-body nhsuk-u-margin-bottom-2 seam-inbox__summary">${rv.answer}</p>` : ''}
      <p class="nhsuk-body nhsuk-u-margin-bottom-0"><a class="nhsuk-link" href="${hrefFor(item)}">See the answer and the pathway<span class="nhsuk-u-visually-hidden"> for ${item.patient ? item.patient.family_name : ''}</span></a></p>
    </li>`;
}

function plainItem(item, kind) {
  if (item.type === 'priority_review') return priorityReviewItem(item);
  const t = TYPES[item.type] || { open: 'Open' };
  return html`
    <li class="seam-inbox__item seam-inbox__item--${kind}" data-type="${item.type}" data-id="${subjectId(item)}">
      ${itemMeta(item)}
      <p class="nhsuk-body nhsuk-u-margin-bottom-1">${patientLine(item.patient)}</p>
      ${item.summary ? html`<p class="nhsuk-body nhsuk-u-margin-bottom-2 seam-inbox__summary">${item.summary}</p>` : ''}
      <p class="nhsuk-body nhsuk-u-margin-bottom-0"><a class="nhsuk-link" href="${hrefFor(item)}">${t.open}<span class="nhsuk-u-visually-hidden"> for ${item.patient ? item.patient.family_name : ''}</span></a></p>
    </li>`;
}

function letterHeading(l) {
  return html`${LETTER_KINDS[l.kind] || 'Letter'} from ${serviceText(l.service) || 'the hospital'}`;
}

// One letter's pending actions for the GP, to accept or decline here.
function gpActionsItem(letterId, l, items) {
  if (!l) return html`${items.map((it) => plainItem(it, 'action'))}`;
  const pending = (l.gp_actions || []).filter((a) => a.status === 'pending');
  return html`
    <li class="seam-inbox__item seam-inbox__item--action" data-type="letter_gp_action" data-id="${letterId}" id="inbox-letter-actions-${letterId}">
      <p class="nhsuk-body-s seam-inbox__type">${pending.length === 1 ? 'Action asked of the GP' : `${pending.length} actions asked of the GP`}${items[0] && items[0].at ? html` · ${timeEl(items[0].at)}` : ''}</p>
      <p class="nhsuk-body nhsuk-u-margin-bottom-1">${patientLine(l.patient || (items[0] && items[0].patient))}</p>
      <p class="nhsuk-body-s nhsuk-u-margin-bottom-3">${letterHeading(l)}. <a class="nhsuk-link" href="letter.html?id=${encodeURIComponent(letterId)}">Read the letter</a></p>
      ${gpActionList(letterId, pending, { canDecide: me.role === 'gp' })}
      ${me.role === 'gp' ? '' : html`<p class="nhsuk-body-s nhsuk-u-margin-bottom-0">Only a GP can accept or decline these.</p>`}
    </li>`;
}

function handoverItem(item) {
  const rid = subjectId(item);
  const base = `handover-${rid}`;
  return html`
    <li class="seam-inbox__item seam-inbox__item--action" data-type="result_handover" data-id="${rid}" id="inbox-${base}">
      ${itemMeta(item)}
      <p class="nhsuk-body nhsuk-u-margin-bottom-1">${patientLine(item.patient)}</p>
      ${item.summary ? html`<p class="nhsuk-body nhsuk-u-margin-bottom-2 seam-inbox__summary">${item.summary}</p>` : ''}
      <p class="nhsuk-body-s nhsuk-u-margin-bottom-2">The hospital asks the practice to take this result on. It is a request: you may decline, and the hospital keeps it until you accept. <a class="nhsuk-link" href="result.html?id=${encodeURIComponent(rid)}">Open the result</a></p>
      ${me.role === 'gp' ? html`
      <div class="seam-gp-action__forms">
        <form class="seam-handover-accept" id="${base}-accept-form" data-result-id="${rid}" novalidate>
          <button class="nhsuk-button nhsuk-button--small nhsuk-u-margin-bottom-2" type="submit">Accept<span class="nhsuk-u-visually-hidden"> the result for ${item.patient ? item.patient.family_name : ''}</span></button>
        </form>
        <details class="nhsuk-details nhsuk-u-margin-bottom-0" id="${base}-decline-details">
          <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Decline</span></summary>
          <div class="nhsuk-details__text">
            <form class="seam-handover-decline" id="${base}-decline-form" data-result-id="${rid}" novalidate>
              <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="${base}-reason">Why are you declining it?</label>
                <textarea class="nhsuk-textarea" id="${base}-reason" name="reason" rows="3"></textarea>
              </div>
              <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" type="submit">Decline request</button>
            </form>
          </div>
        </details>
      </div>` : ''}
    </li>`;
}

// An unread letter, for information: its actions (read-only) and "Mark as read".
function letterInfoItem(item, l) {
  const lid = subjectId(item);
  // Pending actions are under "Needs your action"; decided ones show here.
  const all = (l && l.gp_actions) || [];
  const actions = decided.has(lid) ? all.filter((a) => a.status !== 'pending') : [];
  const pending = all.filter((a) => a.status === 'pending').length;
  return html`
    <li class="seam-inbox__item seam-inbox__item--info" data-type="letter" data-id="${lid}" id="inbox-letter-${lid}">
      ${itemMeta(item)}
      <p class="nhsuk-body nhsuk-u-margin-bottom-1">${patientLine((l && l.patient) || item.patient)}</p>
      ${l ? html`<p class="nhsuk-body-s nhsuk-u-margin-bottom-2">${letterHeading(l)}</p>` : ''}
      ${item.summary ? html`<p class="nhsuk-body nhsuk-u-margin-bottom-2 seam-inbox__summary">${item.summary}</p>` : ''}
      ${actions.length ? html`<div class="seam-inbox__letter-actions"><p class="nhsuk-body-s nhsuk-u-margin-bottom-1"><strong>Actions asked of the GP</strong></p>${gpActionList(lid, actions, { canDecide: false, prefix: 'info-' })}</div>` : ''}
      ${pending ? html`<p class="nhsuk-body-s">It asks the practice for ${pending === 1 ? 'an action' : `${pending} actions`}: see <a href="#inbox-letter-actions-${lid}">Needs your action</a>.</p>` : ''}
      <div class="seam-inbox__buttons">
        <a class="nhsuk-link" href="letter.html?id=${encodeURIComponent(lid)}">Read the letter<span class="nhsuk-u-visually-hidden"> for ${item.patient ? item.patient.family_name : ''}</span></a>
        <form class="seam-mark-read" id="read-letter-${lid}-form" data-letter-id="${lid}" novalidate>
          <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" type="submit">Mark as read<span class="nhsuk-u-visually-hidden"> the letter for ${item.patient ? item.patient.family_name : ''}</span></button>
        </form>
      </div>
    </li>`;
}

function section(idAttr, title, intro, count, items, kind) {
  return html`
    <section class="seam-inbox seam-inbox--${kind}" id="${idAttr}" aria-labelledby="${idAttr}-heading">
      <h2 class="nhsuk-heading-l seam-inbox__heading" id="${idAttr}-heading">${title} <span class="seam-inbox__count" id="${idAttr}-count">${count}</span></h2>
      <p class="nhsuk-body">${intro}</p>
      ${items}
    </section>`;
}

// Priority reviews may be named by their own id (docs/waiting-list.md says
// `kind: "priority_review"`); the page to open is the pathway's, so look the
// answered reviews up once when an item does not say which pathway.
async function resolvePriorityReviews(items) {
  for (const it of items) if (!it.type && it.kind) it.type = it.kind;
  const reviews = items.filter((it) => it.type === 'priority_review');
  if (!reviews.length) return;
  let list = [];
  try {
    const got = await api('/priority-reviews', { query: { status: 'answered' } });
    list = (got && got.items) || [];
  } catch {
    return;
  }
  for (const it of reviews) {
    const m = /pathway\.html\?id=(\d+)|\/pathways\/(\d+)/.exec(String(it.link || ''));
    const pid = it.pathway_id != null ? String(it.pathway_id) : m ? m[1] || m[2] : null;
    // The item names the pathway; its latest answered review is the one meant.
    const rv = list.filter((r) => (pid ? String(r.pathway_id) === pid : String(r.id) === String(it.review_id != null ? it.review_id : it.id)))
      .sort((a, b) => String(b.answered_at).localeCompare(String(a.answered_at)))[0];
    if (pid && it.pathway_id == null) it.pathway_id = pid;
    if (!rv) continue;
    if (!it.review) it.review = rv;
    if (it.pathway_id == null) it.pathway_id = rv.pathway_id;
    if (!it.patient) it.patient = rv.patient;
  }
}

async function fetchLetters(ids) {
  const out = new Map();
  await Promise.all([...new Set(ids)].map(async (lid) => {
    try {
      out.set(lid, await api(`/letters/${encodeURIComponent(lid)}`));
    } catch {
      out.set(lid, null);
    }
  }));
  return out;
}

async function load() {
  let data;
  try {
    data = await api('/inbox');
  } catch (e) {
    render(view, html`<h1>Inbox</h1>`);
    showErrorSummary(errors, [{ text: e.message }]);
    return false;
  }
  const actions = (data && data.actions) || [];
  const information = (data && data.information) || [];
  await resolvePriorityReviews(actions.concat(information));
  // Letters with actions to decide are fetched for their actions; so are
  // unread letters whose actions were decided on this page, to show how.
  const letterIds = actions.filter((i) => i.type === 'letter_gp_action').map(subjectId)
    .concat(information.filter((i) => i.type === 'letter' && decided.has(subjectId(i))).map(subjectId));
  const letters = await fetchLetters(letterIds);

  // Actions from one letter go together, in the place of the first.
  const actionItems = [];
  const seen = new Set();
  let actionCount = 0;
  for (const item of actions) {
    if (item.type === 'letter_gp_action') {
      const lid = subjectId(item);
      if (seen.has(lid)) continue;
      seen.add(lid);
      const group = actions.filter((i) => i.type === 'letter_gp_action' && subjectId(i) === lid);
      const l = letters.get(lid);
      actionCount += l ? (l.gp_actions || []).filter((a) => a.status === 'pending').length : group.length;
      actionItems.push(gpActionsItem(lid, l, group));
    } else if (item.type === 'result_handover') {
      actionCount += 1;
      actionItems.push(handoverItem(item));
    } else {
      actionCount += 1;
      actionItems.push(plainItem(item, 'action'));
    }
  }
  const infoItems = information.map((item) => (item.type === 'letter' ? letterInfoItem(item, letters.get(subjectId(item))) : plainItem(item, 'info')));
  const org = (me.organisation && me.organisation.name) || 'your practice';

  render(view, html`
    <h1>Inbox</h1>
    <p class="nhsuk-body-l">What hospitals have sent ${org}. Only the first part needs you to do anything.</p>
    ${section('inbox-actions', 'Needs your action', 'The hospital has asked the practice to do these. You may decline an action or a hand-over, with a reason: the hospital then keeps the work.', actionCount,
      actionItems.length ? html`<ul class="nhsuk-list seam-inbox__list" id="actions-list">${actionItems}</ul>`
        : emptyState('actions-empty', 'Nothing needs your action.', null), 'action')}
    ${section('inbox-information', 'For information', 'Copies for your records. Nothing here is asked of the practice.', information.length,
      infoItems.length ? html`<ul class="nhsuk-list seam-inbox__list" id="information-list">${infoItems}</ul>`
        : emptyState('information-empty', 'Nothing new for information.', null), 'info')}
  `);
  return true;
}

async function onSubmit(ev) {
  const form = ev.target.closest('form');
  if (!form) return;
  notice.innerHTML = '';
  if (form.matches('.seam-gp-accept, .seam-gp-decline')) {
    const done = await handleGpActionSubmit(ev, errors, view);
    if (!done) return;
    decided.add(String(done.letterId));
    const l = done.letter && done.letter.patient ? done.letter : null;
    const who = l ? ` on the ${(LETTER_KINDS[l.kind] || 'letter').toLowerCase()} for ${patientName(l.patient)}` : '';
    await load();
    banner(notice, done.decision === 'accept'
      ? html`You accepted GP action ${done.n}${who}. <a href="letter.html?id=${encodeURIComponent(done.letterId)}">See the letter</a>`
      : html`You declined GP action ${done.n}${who}; the hospital keeps it. <a href="letter.html?id=${encodeURIComponent(done.letterId)}">See the letter</a>`);
    return;
  }
  ev.preventDefault();
  if (form.matches('.seam-mark-read')) {
    const lid = form.dataset.letterId;
    const out = await sendForm(form, { url: `/letters/${encodeURIComponent(lid)}/read`, body: () => ({}) }, errors, view);
    if (out) {
      await load();
      banner(notice, html`Letter marked as read. <a href="letter.html?id=${encodeURIComponent(lid)}">See the letter</a>`);
    }
  } else if (form.matches('.seam-handover-accept, .seam-handover-decline')) {
    const rid = form.dataset.resultId;
    const accept = form.matches('.seam-handover-accept');
    const out = await sendForm(form, {
      url: `/results/${encodeURIComponent(rid)}/handover/${accept ? 'accept' : 'decline'}`,
      fields: { reason: `handover-${rid}-reason` },
      body: (f) => {
        if (accept) return {};
        const r = String(f.elements.reason.value || '').trim();
        return r ? { reason: r } : {};
      },
    }, errors, view);
    if (out) {
      await load();
      banner(notice, accept
        ? html`You accepted the result. <a href="result.html?id=${encodeURIComponent(rid)}">Review it now</a>`
        : 'You declined the hand-over request. The hospital keeps the result.');
    }
  }
}

async function main() {
  me = await startPage('inbox.html');
  setCurrentUser(me);
  setTitle('Inbox');
  view.addEventListener('submit', onSubmit);
  const ok = await load();
  if (ok) focusHeading(view);
}

main();
