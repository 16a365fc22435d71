// referrals.js - the referrals a user can see (a GP: their practice's; a
// patient: their own), filtered by status, a page at a time.

import { startPage } from '../components/header.js';
import { listUrl, pagination, statusFilter } from '../components/paging.js';
import {
  overdueTags, ownerText, priorityTag, STATUS, statusLabel, statusTag,
} from '../components/status-tags.js';
import { cellHeading } from '../components/summary.js';
import { responsiveTable } from '../components/table.js';
import { api } from '../lib/api.js';
import { param, setTitle } from '../lib/dom.js';
import { showErrorSummary } from '../lib/error-summary.js';
import { formatNhsNumber, patientName, timeEl } from '../lib/format.js';
import { html, render } from '../lib/html.js';
import { isPractice } from '../lib/roles.js';

const PAGE_SIZE = 25;

const main = document.getElementById('maincontent');
let me = null;

function titleFor(me) {
  if (isPractice(me)) return "Your practice's referrals";
  if (me.role === 'patient') return 'My referrals';
  return 'Referrals';
}

function introFor(me) {
  const org = (me.organisation && me.organisation.name) || '';
  if (isPractice(me)) return `Referrals from ${org}, most urgent first: overdue, then by when the next step is due.`;
  if (me.role === 'patient') return 'Your referrals to hospital services, and who is dealing with each one now.';
  return `Referrals visible to ${org}, most urgent first.`;
}

function pageUrl(status, page) {
  return listUrl('referrals.html', { status }, page);
}

function returnedBanner(count, status) {
  if (!count) return '';
  const text = `${count} referral${count === 1 ? '' : 's'} returned with advice need${count === 1 ? 's' : ''} your review`;
  return html`
    <div class="nhsuk-inset-text seam-inset--returned" id="returned-banner">
      <span class="nhsuk-u-visually-hidden">Important: </span>
      <h2 class="nhsuk-heading-s nhsuk-u-margin-bottom-2">${text}</h2>
      <p>The hospital has returned ${count === 1 ? 'it' : 'them'} to your practice with advice. Read the advice, then resubmit with your answer or close the referral.</p>
      ${status === 'returned' ? '' : html`<p class="nhsuk-u-margin-bottom-0"><a href="${pageUrl('returned', 1)}">Show returned referrals</a></p>`}
    </div>`;
}

function filters(status) {
  return statusFilter('referrals.html', STATUS, status);
}

function myOrg() {
  return me && me.organisation ? me.organisation.code : null;
}

function row(r) {
  const p = r.patient || {};
  const svc = r.service || {};
  const trust = svc.trust || {};
  const owner = r.owner;
  const returned = r.status === 'returned';
  return html`
    <tr class="nhsuk-table__row${returned ? ' seam-row--returned' : ''}${r.overdue ? ' seam-row--overdue' : ''}" role="row" data-referral-id="${r.id}" data-status="${r.status}">
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Patient')}<span>
        <a class="nhsuk-link" href="referral.html?id=${encodeURIComponent(r.id)}"><strong>${patientName(p)}</strong></a><br>
        <span class="nhsuk-u-secondary-text-colour nhsuk-u-nowrap nhsuk-u-font-size-16">${formatNhsNumber(p.nhs_number)}</span></span>
      </td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Service')}<span>${svc.name || ''}${trust.name && trust.code !== myOrg() ? html`<br><span class="nhsuk-u-secondary-text-colour nhsuk-u-font-size-16">${trust.name}</span>` : ''}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Priority')}${priorityTag(r.priority, { short: true })}</td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Status')}${statusTag(r.status)}</td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('With')}<span>${owner ? ownerText(owner) : html`<span class="nhsuk-u-secondary-text-colour">Nobody – ended</span>`}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Due by')}<span>${r.due_at ? timeEl(r.due_at) : html`<span class="nhsuk-u-secondary-text-colour">–</span>`}${r.overdue || r.escalation_level > 1 ? html`<br>${overdueTags(r)}` : ''}</span></td>
      <td class="nhsuk-table__cell seam-cell-action" role="cell">
        <a class="nhsuk-link" href="referral.html?id=${encodeURIComponent(r.id)}">View<span class="nhsuk-u-visually-hidden"> referral ${r.id} for ${patientName(p)}</span></a>
      </td>
    </tr>`;
}

function table(refs) {
  return html`
    ${responsiveTable({
      id: 'referrals-table',
      className: 'seam-referrals',
      caption: 'Referrals',
      headers: ['Patient', 'Service', 'Priority', 'Status', 'With', 'Due by', { hidden: 'Link' }],
      body: refs.map(row),
    })}`;
}

async function load() {
  me = await startPage('referrals.html');
  const status = STATUS[param('status')] || param('status') === 'open' ? param('status') : '';
  const page = Math.max(1, parseInt(param('page') || '1', 10) || 1);
  const title = titleFor(me);
  setTitle(status ? `${title}: ${statusLabel(status)}` : title);

  let data;
  let returnedCount = 0;
  try {
    const wantReturned = isPractice(me);
    const [list, returned] = await Promise.all([
      api('/referrals', { query: { status, page, page_size: PAGE_SIZE } }),
      wantReturned ? api('/referrals', { query: { status: 'returned', page_size: 1 } }) : null,
    ]);
    data = list;
    if (returned) returnedCount = returned.total || (returned.referrals || []).length;
  } catch (e) {
    render(main, html`<h1>${title}</h1><div id="errors"></div>`);
    showErrorSummary(document.getElementById('errors'), [{ text: e.message }]);
    return;
  }
  const refs = (data && data.referrals) || [];
  const total = typeof data.total === 'number' ? data.total : refs.length;
  const size = data.page_size || PAGE_SIZE;
  const pages = Math.max(1, Math.ceil(total / size));
  const current = data.page || page;
  const first = total ? (current - 1) * size + 1 : 0;
  const last = Math.min(total, (current - 1) * size + refs.length);

  render(main, html`
    <div id="errors" hidden></div>
    <div class="seam-page-heading">
      <h1 class="nhsuk-u-margin-bottom-3">${title}</h1>
      ${isPractice(me) ? html`<a class="nhsuk-button nhsuk-u-margin-bottom-3" href="refer.html" id="refer-button" draggable="false">Refer a patient</a>` : ''}
    </div>
    <p class="nhsuk-body-l">${introFor(me)}</p>
    ${isPractice(me) ? returnedBanner(returnedCount, status) : ''}
    ${filters(status)}
    ${refs.length ? html`
      <p class="nhsuk-body" id="result-count" role="status">
        ${total === refs.length ? `${total} referral${total === 1 ? '' : 's'}` : `Showing ${first} to ${last} of ${total} referrals`}${status ? ` with status “${statusLabel(status)}”` : ''}.
      </p>
      ${table(refs)}
      ${pagination((n) => pageUrl(status, n), current, pages)}`
    : html`
      <div class="nhsuk-inset-text" id="empty-state">
        <span class="nhsuk-u-visually-hidden">Information: </span>
        <p>${status ? `There are no referrals with status “${statusLabel(status)}”.` : 'There are no referrals to show yet.'}
        ${status ? html` <a href="referrals.html">Show all referrals</a>` : ''}</p>
      </div>`}
  `);
}

load();
