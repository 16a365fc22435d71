// pathway.js - one referral-to-treatment (RTT) pathway (GET /pathways/{id},
// docs/waiting-list.md): the clock, weeks waited and breach dates, the
// clinical priority and its history, the estimated wait for the service and
// the priority reviews.  The patient's practice may ask for a priority
// review; the trust's clinicians and triagers answer it and set the priority.

import { isSending, postForm } from '../components/action-form.js';
import { loadObject, pageParts, startObjectPage } from '../components/object-page.js';
import { priorityTag } from '../components/status-tags.js';
import { banner, patientRow, pre, row } from '../components/summary.js';
import { api } from '../lib/api.js';
import { setTitle } from '../lib/dom.js';
import { showApiError } from '../lib/error-summary.js';
import { formatDate, formatNhsNumber, patientName, timeEl } from '../lib/format.js';
import { html, render } from '../lib/html.js';
import { homeFor, isClinical, isPractice } from '../lib/roles.js';
import {
  clinicalPriorityTag, dateOrDash, estimatedWaitSentence, outcomeText, priorityText,
  rttStatusText, shortDate, weeksNumber, weeksTag, weeksText,
} from '../lib/rtt.js';
import {
  answerForm, FORMS, priorityForm, requestForm,
} from './pathway-forms.js';

const parts = pageParts();
const { notice, errors, view } = parts;

let id = null;
let me = null;
let pathway = null;

const BREACH_WEEKS = [18, 52, 65, 78, 104];

function person(p) {
  if (!p) return '';
  return p.display_name || p.username || '';
}

// ---------------------------------------------------------------------------
// Who may do what here (the API has the last word).

function atPractice(pw) {
  const practice = pw.patient && pw.patient.practice && pw.patient.practice.code;
  return isPractice(me) && (!practice || practice === me.organisation.code);
}

function isTrustClinical(pw) {
  return isClinical(me) && pw.trust && me.organisation.code === pw.trust.code;
}

function mayAnswer(pw) {
  return isTrustClinical(pw) && (!me.service || !pw.service || String(me.service.id) === String(pw.service.id));
}

function may(pw) {
  return { request: atPractice(pw), answer: mayAnswer(pw), setPriority: isTrustClinical(pw) };
}

// ---------------------------------------------------------------------------
// Pieces.

function waitPanel(pw) {
  const nb = pw.next_breach;
  return html`
    <div class="nhsuk-card nhsuk-card--feature seam-wait-card" id="wait-panel">
      <div class="nhsuk-card__content nhsuk-card__content--feature">
        <h2 class="nhsuk-card__heading nhsuk-card__heading--feature nhsuk-heading-m">${pw.open ? 'Waiting time' : 'Waited'}</h2>
        <p class="nhsuk-heading-xl nhsuk-u-margin-bottom-1" id="weeks-waited" data-weeks="${pw.weeks_waited}">${weeksText(pw.weeks_waited)}</p>
        <p class="nhsuk-body nhsuk-u-margin-bottom-3">${pw.days_waited} day${pw.days_waited === 1 ? '' : 's'} since the clock started on ${formatDate(pw.clock_start)}${pw.clock_stop ? `, until it stopped on ${formatDate(pw.clock_stop)}` : ''}. ${weeksTag(pw)}</p>
        <dl class="nhsuk-summary-list nhsuk-summary-list--no-border nhsuk-u-margin-bottom-0">
          ${row('RTT status', html`<span id="rtt-status">${rttStatusText(pw.rtt_status)}</span>`)}
          ${pw.open ? row('Next breach', nb ? html`<span id="next-breach">${nb.weeks} weeks on ${formatDate(nb.date)}</span>` : 'Past every threshold') : ''}
          ${row('Next activity', pw.next_activity ? formatDate(pw.next_activity) : (pw.open ? 'None booked' : ''))}
        </dl>
      </div>
    </div>`;
}

function details(pw) {
  const p = pw.patient || {};
  const svc = pw.service || {};
  const trust = pw.trust || {};
  return html`
    <h2 class="nhsuk-heading-m">Pathway details</h2>
    <dl class="nhsuk-summary-list" id="pathway-details">
      ${patientRow(p)}
      ${row('Service', html`${svc.name || ''}${svc.specialty && svc.specialty !== svc.name ? ` (${svc.specialty})` : ''}${svc.treatment_function_code ? html` <span class="nhsuk-u-secondary-text-colour">(treatment function ${svc.treatment_function_code})</span>` : ''}`)}
      ${row('Trust', html`${trust.name || ''}${trust.code ? ` (${trust.code})` : ''}`)}
      ${row('Pathway identifier', html`<span class="nhsuk-u-nowrap" id="ppi">${pw.ppi}</span>`)}
      ${row('Source', pw.source === 'import' ? "The trust's patient tracking list (PTL)" : 'A referral made in Seam')}
      ${pw.referral_id ? row('Referral', html`<a href="referral.html?id=${encodeURIComponent(pw.referral_id)}" id="referral-link">Referral ${pw.referral_id}</a>${pw.referral_priority ? html` ${priorityTag(pw.referral_priority, { short: true })}` : ''}`) : (pw.referral_priority ? row('Referral priority', priorityTag(pw.referral_priority)) : '')}
      ${row('Referral received', pw.referral_received ? formatDate(pw.referral_received) : '')}
      ${row('Clock start', formatDate(pw.clock_start))}
      ${row('Clock stop', pw.clock_stop ? formatDate(pw.clock_stop) : '')}
      ${row('Last activity', pw.last_activity ? formatDate(pw.last_activity) : '')}
      ${row('Waiting list type', pw.waiting_list_type || '')}
    </dl>`;
}

function breaches(pw) {
  const dates = pw.breach_dates || {};
  return html`
    <h2 class="nhsuk-heading-m">Breach dates</h2>
    <p class="nhsuk-body">The first day the patient has waited more than each number of weeks.</p>
    <table class="nhsuk-table" id="breach-table">
      <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Breach dates</caption>
      <thead class="nhsuk-table__head">
        <tr class="nhsuk-table__row">
          <th class="nhsuk-table__header" scope="col">Over</th>
          <th class="nhsuk-table__header" scope="col">From</th>
          <th class="nhsuk-table__header" scope="col"><span class="nhsuk-u-visually-hidden">Passed or not</span></th>
        </tr>
      </thead>
      <tbody class="nhsuk-table__body">
        ${BREACH_WEEKS.map((w) => {
          const passed = pw.days_waited > 7 * w;
          const isNext = pw.next_breach && Number(pw.next_breach.weeks) === w;
          return html`
        <tr class="nhsuk-table__row" data-breach="${w}">
          <th class="nhsuk-table__header" scope="row">${w} weeks</th>
          <td class="nhsuk-table__cell">${dateOrDash(dates[w] || dates[String(w)])}</td>
          <td class="nhsuk-table__cell">${passed ? html`<strong class="nhsuk-tag nhsuk-tag--${w >= 52 ? 'red' : 'orange'}">Breached</strong>` : isNext && pw.open ? html`<strong class="nhsuk-tag nhsuk-tag--blue">Next</strong>` : ''}</td>
        </tr>`;
        })}
      </tbody>
    </table>`;
}

function priorityPanel(pw) {
  const p = pw.priority;
  return html`
    <h2 class="nhsuk-heading-m" id="priority-heading">Clinical priority</h2>
    <p class="seam-tags" id="current-priority">${clinicalPriorityTag(p)}${p && p.review_overdue ? html` <strong class="nhsuk-tag nhsuk-tag--red">Review overdue</strong>` : ''}</p>
    ${p ? html`
    <dl class="nhsuk-summary-list" id="priority-details">
      ${row('Treat by', p.treat_by ? formatDate(p.treat_by) : 'No date for this priority')}
      ${row('Review by', p.review_date ? formatDate(p.review_date) : '')}
      ${row('Set by', html`${person(p.set_by) || 'The trust'}${p.set_at ? html`, ${timeEl(p.set_at)}` : ''}`)}
      ${row('Reason', p.reason ? pre(p.reason) : '')}
    </dl>` : html`<p class="nhsuk-body">The hospital has not yet given this patient a clinical priority.</p>`}`;
}

function historyTable(list) {
  if (!list || !list.length) return '';
  return html`
    <h3 class="nhsuk-heading-s">Priority history</h3>
    <div class="nhsuk-table-container">
      <table class="nhsuk-table nhsuk-table--responsive" role="table" id="priority-history">
        <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Changes of clinical priority, oldest first</caption>
        <thead class="nhsuk-table__head" role="rowgroup">
          <tr class="nhsuk-table__row" role="row">
            <th class="nhsuk-table__header" scope="col" role="columnheader">When</th>
            <th class="nhsuk-table__header" scope="col" role="columnheader">Who</th>
            <th class="nhsuk-table__header" scope="col" role="columnheader">Change</th>
            <th class="nhsuk-table__header" scope="col" role="columnheader">Why</th>
          </tr>
        </thead>
        <tbody class="nhsuk-table__body">
          ${list.map((h) => html`
          <tr class="nhsuk-table__row" role="row" data-to="${h.to || ''}">
            <td class="nhsuk-table__cell" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">When </span><span>${timeEl(h.at)}</span></td>
            <td class="nhsuk-table__cell" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">Who </span><span>${person(h.by)}</span></td>
            <td class="nhsuk-table__cell" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">Change </span><span>${h.from ? priorityText(h.from) : 'Not prioritised'} → <strong>${priorityText(h.to)}</strong>${h.treat_by ? html`<br><span class="nhsuk-u-font-size-16">Treat by <span class="seam-nowrap">${shortDate(h.treat_by)}</span></span>` : ''}${h.review_date ? html`<br><span class="nhsuk-u-font-size-16">Review by <span class="seam-nowrap">${shortDate(h.review_date)}</span></span>` : ''}</span></td>
            <td class="nhsuk-table__cell" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">Why </span><span>${h.reason || ''}</span></td>
          </tr>`)}
        </tbody>
      </table>
    </div>`;
}

function estimatePanel(pw) {
  const ew = pw.estimated_wait;
  if (!ew) return '';
  return html`
    <h2 class="nhsuk-heading-m">Estimated wait for ${(pw.service && pw.service.name) || 'this service'}</h2>
    <div class="nhsuk-inset-text nhsuk-u-margin-top-0" id="estimated-wait">
      <span class="nhsuk-u-visually-hidden">Information: </span>
      <p>${estimatedWaitSentence(ew)}</p>
      ${ew.waiting_now !== undefined && ew.waiting_now !== null ? html`<p class="nhsuk-body-s">${Number(ew.waiting_now).toLocaleString('en-GB')} patients are waiting for this service now${ew.median_waiting_weeks !== null && ew.median_waiting_weeks !== undefined ? `; half of them have waited more than ${weeksNumber(ew.median_waiting_weeks)} weeks` : ''}.</p>` : ''}
    </div>`;
}

function reviewCard(rv) {
  const open = rv.status === 'open';
  const changed = rv.outcome === 'reprioritised';
  return html`
    <div class="nhsuk-card seam-review${open ? ' seam-review--open' : ' seam-review--answered'}" id="review-${rv.id}" data-review-id="${rv.id}" data-status="${rv.status}">
      <div class="nhsuk-card__content">
        <h3 class="nhsuk-card__heading nhsuk-heading-s">
          ${open ? html`<strong class="nhsuk-tag nhsuk-tag--orange">Waiting for the hospital</strong>` : html`<strong class="nhsuk-tag nhsuk-tag--green">Answered</strong>`}
          Priority review requested ${timeEl(rv.requested_at)}
        </h3>
        <p class="nhsuk-body-s nhsuk-u-secondary-text-colour">By ${person(rv.requested_by)}${rv.requested_org && rv.requested_org.name ? `, ${rv.requested_org.name}` : ''}${open && rv.due_at ? html`. The hospital should answer by ${timeEl(rv.due_at, { weekday: true })}` : ''}.${open && atPractice(pathway) ? ' Its answer will appear here and in your inbox.' : ''}</p>
        <h4 class="nhsuk-heading-xs nhsuk-u-margin-bottom-1">Why the practice asked</h4>
        ${pre(rv.reason || '')}
        ${open ? '' : html`
        <div class="seam-review__answer" id="review-${rv.id}-answer">
          <h4 class="nhsuk-heading-xs nhsuk-u-margin-bottom-1">The hospital's answer</h4>
          <p class="nhsuk-body nhsuk-u-margin-bottom-2"><strong data-outcome="${rv.outcome}">${outcomeText(rv.outcome)}</strong>:
            ${changed ? html`${priorityText(rv.from_priority)} → <strong>${priorityText(rv.to_priority)}</strong>` : html`stays ${priorityText(rv.to_priority || rv.from_priority)}`}</p>
          ${rv.answer ? pre(rv.answer) : ''}
          <p class="nhsuk-body-s nhsuk-u-secondary-text-colour nhsuk-u-margin-bottom-0">Answered by ${person(rv.answered_by)}${rv.answered_at ? html`, ${timeEl(rv.answered_at)}` : ''}.</p>
        </div>`}
      </div>
    </div>`;
}

function latestAnswered(pw) {
  return (pw.reviews || []).filter((r) => r.status === 'answered')
    .sort((a, b) => String(b.answered_at).localeCompare(String(a.answered_at)))[0] || null;
}

function reviewsPanel(pw) {
  const list = (pw.reviews || []).slice().sort((a, b) => String(b.requested_at).localeCompare(String(a.requested_at)));
  if (!list.length && !atPractice(pw) && !isTrustClinical(pw)) return '';
  return html`
    <h2 class="nhsuk-heading-m" id="reviews-heading">Priority reviews</h2>
    ${list.length ? html`<div id="reviews">${list.map(reviewCard)}</div>`
      : html`<p class="nhsuk-body" id="no-reviews">No one has asked for a review of this patient's priority.</p>`}`;
}

async function onSubmit(ev) {
  const form = ev.target.closest('form');
  const spec = form && FORMS[form.id];
  if (!spec) return;
  ev.preventDefault();
  if (isSending()) return;
  notice.innerHTML = '';
  let body = null;
  const sent = await postForm(form, {
    check: spec.check,
    fields: spec.fields,
    send: (key) => {
      body = spec.body(form);
      return api(spec.url(form, id), { method: 'POST', body, idempotencyKey: key });
    },
    failed: async (e) => {
      if (e.status !== 409) return;
      // Someone else got there first (a review opened or answered, the clock
      // stopped): show the pathway as it is now, under the API's message.
      await load({ quiet: true });
      const summary = showApiError(errors, e, {}, view);
      const p = document.createElement('p');
      p.textContent = 'The page now shows the pathway as it is now.';
      summary.querySelector('.nhsuk-error-summary__body').append(p);
    },
  }, errors, view);
  if (!sent) return;
  await load({ quiet: true });
  banner(notice, spec.success(body, sent.out));
}

// ---------------------------------------------------------------------------
// Page.

function crumbs(m) {
  const home = homeFor(m);
  const wl = m.role === 'patient' ? { href: 'my-waits.html', text: 'My waiting times' } : { href: 'waiting-list.html', text: 'Waiting list' };
  const links = home !== wl.href ? [{ href: home, text: 'Home' }, wl] : [wl];
  return { links, back: wl };
}

function renderPathway(pw) {
  const p = pw.patient || {};
  const svc = pw.service || {};
  const trust = pw.trust || {};
  setTitle(`Pathway: ${svc.name || ''} for ${patientName(p)}`);
  render(view, html`
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-two-thirds">
        <span class="nhsuk-caption-l">Pathway ${pw.ppi} · <span class="nhsuk-u-nowrap">NHS number ${formatNhsNumber(p.nhs_number)}</span></span>
        <h1 class="nhsuk-u-margin-bottom-3">${svc.name || 'Pathway'} for ${patientName(p)}</h1>
        <p class="nhsuk-body-l nhsuk-u-margin-bottom-3">${trust.name || ''}</p>
        <p class="seam-tags" id="status-line">
          ${pw.open ? html`<strong class="nhsuk-tag nhsuk-tag--blue">On the waiting list</strong>` : html`<strong class="nhsuk-tag nhsuk-tag--grey">Clock stopped</strong>`}
          ${clinicalPriorityTag(pw.priority)}
          ${pw.open_review ? html`<strong class="nhsuk-tag nhsuk-tag--purple">Priority review requested</strong>` : latestAnswered(pw) ? html`<a href="#review-${latestAnswered(pw).id}" class="nhsuk-link"><strong class="nhsuk-tag nhsuk-tag--green">Priority review answered</strong></a>` : ''}
        </p>
        ${waitPanel(pw)}
        ${answerForm(pw, may(pw))}
        ${priorityPanel(pw)}
        ${historyTable(pw.priority_history)}
        ${reviewsPanel(pw)}
        ${requestForm(pw, may(pw))}
        ${priorityForm(pw, may(pw))}
        ${estimatePanel(pw)}
        ${breaches(pw)}
        ${details(pw)}
      </div>
    </div>`);
}

async function load({ quiet = false } = {}) {
  const pw = await loadObject(`/pathways/${encodeURIComponent(id)}`, {
    parts, what: 'Pathway', noun: 'pathway', id, quiet,
  });
  if (!pw) return false;
  pathway = pw;
  renderPathway(pathway);
  return true;
}

async function main() {
  await startObjectPage({
    nav: '',
    parts,
    crumbs,
    what: 'Pathway',
    missing: 'No pathway was given. Open one from the waiting list.',
    started: (s) => { ({ me, id } = s); },
    on: { submit: onSubmit },
    load,
  });
}

main();
