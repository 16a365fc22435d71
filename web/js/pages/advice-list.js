// advice-list.js - the advice and guidance requests a user can see (a GP:
// their practice's; trust staff: their services'), filtered by status, a
// page at a time.

import { startPage } from '../components/header.js';
import { listUrl, pagination, statusFilter } from '../components/paging.js';
import {
  ADVICE_STATUS, adviceStatusLabel, adviceStatusTag, overdueTags, ownerText, priorityTag,
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

function introFor() {
  const org = (me.organisation && me.organisation.name) || '';
  if (isPractice(me)) {
    return `Questions ${org} has asked hospital specialists, most urgent first. Ask for advice when you are not sure the patient needs to be seen.`;
  }
  return `Advice requests from GPs to services at ${org}, most urgent first.`;
}

function pageUrl(status, page) {
  return listUrl('advice-list.html', { status }, page);
}

function filters(status) {
  return statusFilter('advice-list.html', ADVICE_STATUS, status);
}

function holderText(owner) {
  if (!owner) return '';
  if (owner.role === 'triager') {
    const org = (owner.organisation && owner.organisation.name) || '';
    return [org, owner.service && owner.service.name ? `${owner.service.name} specialist` : 'Specialist'].filter(Boolean).join(' — ');
  }
  return ownerText(owner);
}

function row(a) {
  const p = a.patient || {};
  const svc = a.service || {};
  const trust = svc.trust || {};
  const owner = a.owner;
  return html`
    <tr class="nhsuk-table__row${a.overdue ? ' seam-row--overdue' : ''}" role="row" data-advice-id="${a.id}" data-status="${a.status}">
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Patient')}<span>
        <a class="nhsuk-link" href="advice.html?id=${encodeURIComponent(a.id)}"><strong>${patientName(p)}</strong></a><br>
        <span class="nhsuk-u-secondary-text-colour nhsuk-u-nowrap nhsuk-u-font-size-16">${formatNhsNumber(p.nhs_number)}</span></span>
      </td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Service')}<span>${svc.name || ''}${trust.name ? html`<br><span class="nhsuk-u-secondary-text-colour nhsuk-u-font-size-16">${trust.name}</span>` : ''}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Priority')}${priorityTag(a.priority, { short: true })}</td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Status')}${adviceStatusTag(a.status)}</td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('With')}<span>${owner ? holderText(owner) : html`<span class="nhsuk-u-secondary-text-colour">Nobody – ended</span>`}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Due by')}<span>${a.due_at ? timeEl(a.due_at) : html`<span class="nhsuk-u-secondary-text-colour">–</span>`}${a.overdue || a.escalation_level > 1 ? html`<br>${overdueTags(a)}` : ''}</span></td>
      <td class="nhsuk-table__cell seam-cell-action" role="cell">
        <a class="nhsuk-link" href="advice.html?id=${encodeURIComponent(a.id)}">View<span class="nhsuk-u-visually-hidden"> advice request ${a.id} for ${patientName(p)}</span></a>
      </td>
    </tr>`;
}

function table(list) {
  return html`
    ${responsiveTable({
      id: 'advice-table',
      className: 'seam-referrals',
      caption: 'Advice and guidance requests',
      headers: ['Patient', 'Service', 'Priority', 'Status', 'With', 'Due by', { hidden: 'Link' }],
      body: list.map(row),
    })}`;
}

async function load() {
  me = await startPage('advice-list.html');
  const status = ADVICE_STATUS[param('status')] || param('status') === 'open' ? param('status') : '';
  const page = Math.max(1, parseInt(param('page') || '1', 10) || 1);
  const title = 'Advice and guidance';
  setTitle(status ? `${title}: ${status === 'open' ? 'Open' : adviceStatusLabel(status)}` : title);

  let data;
  try {
    data = await api('/advice', { query: { status, page, page_size: PAGE_SIZE } });
  } catch (e) {
    render(main, html`<h1>${title}</h1><div id="errors"></div>`);
    showErrorSummary(document.getElementById('errors'), [{ text: e.message }]);
    return;
  }
  const list = (data && data.advice) || [];
  const total = typeof data.total === 'number' ? data.total : list.length;
  const size = data.page_size || PAGE_SIZE;
  const pages = Math.max(1, Math.ceil(total / size));
  const current = data.page || page;
  const first = total ? (current - 1) * size + 1 : 0;
  const last = Math.min(total, (current - 1) * size + list.length);
  const statusText = status === 'open' ? 'Open' : adviceStatusLabel(status);

  render(main, html`
    <div id="errors" hidden></div>
    <div class="seam-page-heading">
      <h1 class="nhsuk-u-margin-bottom-3">${title}</h1>
      ${me.role === 'gp' ? html`<a class="nhsuk-button nhsuk-u-margin-bottom-3" href="advice-new.html" id="ask-button" draggable="false">Ask for advice</a>` : ''}
    </div>
    <p class="nhsuk-body-l">${introFor()}</p>
    ${filters(status)}
    ${list.length ? html`
      <p class="nhsuk-body" id="result-count" role="status">
        ${total === list.length ? `${total} request${total === 1 ? '' : 's'}` : `Showing ${first} to ${last} of ${total} requests`}${status ? ` with status “${statusText}”` : ''}.
      </p>
      ${table(list)}
      ${pagination((n) => pageUrl(status, n), current, pages)}`
    : html`
      <div class="nhsuk-inset-text" id="empty-state">
        <span class="nhsuk-u-visually-hidden">Information: </span>
        <p>${status ? `There are no advice requests with status “${statusText}”.` : 'There are no advice requests to show yet.'}
        ${status ? html` <a href="advice-list.html">Show all requests</a>` : ''}</p>
      </div>`}
  `);
}

load();
