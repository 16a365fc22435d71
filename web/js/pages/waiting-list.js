// waiting-list.js - the shared waiting list (GET /waiting-list,
// docs/waiting-list.md): a GP or practice administrator sees their own
// registered patients' waits at every trust; trust staff their trust's
// patient tracking list (PTL); an ICB analyst the ICB's population.
// Filters, a summary over everything that matches, a page of pathways.

import { startPage } from '../components/header.js';
import { listUrl, pagination } from '../components/paging.js';
import { cellHeading } from '../components/summary.js';
import { responsiveTable } from '../components/table.js';
import { api } from '../lib/api.js';
import { icbPractices } from '../lib/directory.js';
import { param, setTitle } from '../lib/dom.js';
import {
  clearErrors, setFieldError, showApiError, showErrorSummary,
} from '../lib/error-summary.js';
import { formatDate, formatNhsNumber, patientName } from '../lib/format.js';
import { html, raw, render } from '../lib/html.js';
import { isPractice, isTrust } from '../lib/roles.js';
import { clinicalPriorityTag, PRIORITIES, shortDate, weeksTag } from '../lib/rtt.js';

const PAGE_SIZE = 50;
const main = document.getElementById('maincontent');
let me = null;

const FILTERS = ['practice', 'trust', 'service', 'priority', 'min_weeks', 'patient'];

function readFilters() {
  const f = {};
  for (const k of FILTERS) f[k] = (param(k) || '').trim();
  f.patient = f.patient.replace(/\s+/g, '');
  f.page = Math.max(1, parseInt(param('page') || '1', 10) || 1);
  return f;
}

function pageUrl(f, page) {
  return listUrl('waiting-list.html', Object.fromEntries(FILTERS.map((k) => [k, f[k]])), page);
}

function titleFor() {
  if (isPractice(me)) return "Your practice's waiting list";
  if (isTrust(me)) return 'Patient tracking list';
  if (me.role === 'icb_analyst') return "The ICB's waiting list";
  return 'Waiting list';
}

function introFor() {
  const org = (me.organisation && me.organisation.name) || '';
  if (isPractice(me)) return `Patients registered at ${org} who are waiting for hospital treatment, at every trust. Longest wait first.`;
  if (isTrust(me)) return `Everyone waiting for treatment at ${org}, longest wait first.`;
  if (me.role === 'icb_analyst') return `Patients living in ${org}'s area who are waiting for hospital treatment, at every trust. Longest wait first.`;
  return 'Everyone waiting for hospital treatment, longest wait first.';
}

const sel = (a, b) => (String(a) === String(b) ? raw(' selected') : '');

function filterForm(f, trusts, services, practices) {
  const pickTrust = !isTrust(me);
  const byTrust = new Map();
  for (const s of services) {
    const t = (s.trust && s.trust.name) || 'Other';
    if (!byTrust.has(t)) byTrust.set(t, []);
    byTrust.get(t).push(s);
  }
  return html`
    <form method="get" action="waiting-list.html" class="seam-filters" id="filters" novalidate>
      ${practices.length ? html`
      <div class="nhsuk-form-group seam-filters__group">
        <label class="nhsuk-label" for="practice">GP practice</label>
        <select class="nhsuk-select" id="practice" name="practice">
          <option value="">All practices</option>
          ${practices.map((p) => html`<option value="${p.code}"${sel(p.code, f.practice)}>${p.name} (${p.code})</option>`)}
        </select>
      </div>` : ''}
      ${pickTrust ? html`
      <div class="nhsuk-form-group seam-filters__group">
        <label class="nhsuk-label" for="trust">Trust</label>
        <select class="nhsuk-select" id="trust" name="trust">
          <option value="">All trusts</option>
          ${trusts.map((t) => html`<option value="${t.code}"${sel(t.code, f.trust)}>${t.name}</option>`)}
        </select>
      </div>` : ''}
      <div class="nhsuk-form-group seam-filters__group">
        <label class="nhsuk-label" for="service">Service</label>
        <select class="nhsuk-select" id="service" name="service">
          <option value="">All services</option>
          ${[...byTrust.entries()].map(([t, list]) => (byTrust.size > 1 || pickTrust
            ? html`<optgroup label="${t}">${list.map((s) => html`<option value="${s.id}"${sel(s.id, f.service)}>${s.name}</option>`)}</optgroup>`
            : list.map((s) => html`<option value="${s.id}"${sel(s.id, f.service)}>${s.name}</option>`)))}
        </select>
      </div>
      <div class="nhsuk-form-group seam-filters__group">
        <label class="nhsuk-label" for="priority">Clinical priority</label>
        <select class="nhsuk-select" id="priority" name="priority">
          <option value="">Any priority</option>
          <option value="none"${sel('none', f.priority)}>Not yet prioritised</option>
          ${PRIORITIES.map((p) => html`<option value="${p.code}"${sel(p.code, f.priority)}>${p.code} – ${p.label}</option>`)}
        </select>
      </div>
      <div class="nhsuk-form-group seam-filters__group">
        <label class="nhsuk-label" for="min_weeks">Waited at least (weeks)</label>
        <input class="nhsuk-input nhsuk-input--width-4" id="min_weeks" name="min_weeks" type="text" inputmode="numeric" value="${f.min_weeks}">
      </div>
      <div class="nhsuk-form-group seam-filters__group">
        <label class="nhsuk-label" for="patient">NHS number</label>
        <input class="nhsuk-input nhsuk-input--width-10" id="patient" name="patient" type="text" inputmode="numeric" autocomplete="off" spellcheck="false" value="${f.patient ? formatNhsNumber(f.patient) : ''}">
      </div>
      <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small seam-filters__button" type="submit" id="apply-filters">Apply filters</button>
      ${FILTERS.some((k) => f[k]) ? html`<p class="nhsuk-body seam-filters__button"><a href="waiting-list.html" id="clear-filters">Clear filters</a></p>` : ''}
    </form>`;
}

function summaryLine(s, total) {
  if (!s) return html`<p class="nhsuk-body" id="wl-summary" role="status"><strong>${total.toLocaleString('en-GB')}</strong> waiting.</p>`;
  const n = (v) => Number(v || 0).toLocaleString('en-GB');
  return html`
    <p class="nhsuk-body-l seam-wl-summary" id="wl-summary" role="status">
      <span class="seam-wl-summary__item" data-summary="waiting"><strong>${n(s.waiting)}</strong> waiting</span>
      <span class="seam-wl-summary__item" data-summary="over_18_weeks"><strong>${n(s.over_18_weeks)}</strong> over 18 weeks</span>
      <span class="seam-wl-summary__item" data-summary="over_52_weeks"><strong>${n(s.over_52_weeks)}</strong> over 52 weeks</span>
      <span class="seam-wl-summary__item" data-summary="unprioritised"><strong>${n(s.unprioritised)}</strong> not yet prioritised</span>
    </p>`;
}

function priorityCell(pw) {
  const p = pw.priority;
  const lines = [];
  if (p && p.treat_by) lines.push(html`Treat by <span class="seam-nowrap">${shortDate(p.treat_by)}</span>`);
  if (p && p.review_date) lines.push(html`Review <span class="seam-nowrap">${shortDate(p.review_date)}</span>`);
  return html`${clinicalPriorityTag(p)}
    ${p && p.review_overdue ? html`<strong class="nhsuk-tag nhsuk-tag--red">Review overdue</strong>` : ''}
    ${pw.open_review ? html`<strong class="nhsuk-tag nhsuk-tag--purple" data-open-review="${pw.open_review.id}">Review requested</strong>` : ''}
    ${lines.length ? html`<span class="nhsuk-body-s seam-wl-cell-note">${lines.map((l, i) => html`${i ? html`<br>` : ''}${l}`)}</span>` : ''}`;
}

function row(pw) {
  const p = pw.patient || {};
  const svc = pw.service || {};
  const trust = pw.trust || {};
  const href = `pathway.html?id=${encodeURIComponent(pw.id)}`;
  const showPractice = !isPractice(me) && p.practice && p.practice.name;
  return html`
    <tr class="nhsuk-table__row" role="row" data-pathway-id="${pw.id}" data-nhs-number="${p.nhs_number}">
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Patient')}<span>
        <a class="nhsuk-link" href="${href}"><strong>${patientName(p)}</strong></a><br>
        <span class="nhsuk-u-secondary-text-colour seam-nowrap nhsuk-u-font-size-16">${formatNhsNumber(p.nhs_number)}</span>
        ${showPractice ? html`<br><span class="nhsuk-u-secondary-text-colour nhsuk-u-font-size-16">${p.practice.name}</span>` : ''}</span>
      </td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Service')}<span>${svc.name || ''}<br><span class="nhsuk-u-secondary-text-colour nhsuk-u-font-size-16">${trust.name || trust.code || ''}</span></span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Clock start')}<span class="seam-nowrap">${shortDate(pw.clock_start)}</span></td>
      <td class="nhsuk-table__cell" role="cell" data-weeks="${pw.weeks_waited}">${cellHeading('Weeks waited')}<span><strong class="seam-wl-weeks">${pw.weeks_waited}</strong>${weeksTag(pw) ? html`<br>${weeksTag(pw)}` : ''}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Clinical priority')}<span>${priorityCell(pw)}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Next activity')}<span>${pw.next_activity ? html`<span class="seam-nowrap">${shortDate(pw.next_activity)}</span>` : html`<span class="nhsuk-u-secondary-text-colour">None booked</span>`}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Next breach')}<span>${pw.next_breach ? html`${pw.next_breach.weeks} weeks<br><span class="seam-nowrap nhsuk-u-font-size-16">${shortDate(pw.next_breach.date)}</span>` : html`<span class="nhsuk-u-secondary-text-colour">–</span>`}</span></td>
      <td class="nhsuk-table__cell seam-cell-action" role="cell">
        <a class="nhsuk-link" href="${href}">View<span class="nhsuk-u-visually-hidden"> pathway for ${patientName(p)}</span></a>
      </td>
    </tr>`;
}

function table(items, census) {
  return html`
    ${responsiveTable({
      id: 'waiting-list-table',
      className: 'seam-wl-table',
      caption: `Pathways on the waiting list${census ? ` on ${formatDate(census)}` : ''}, longest wait first`,
      headers: ['Patient', 'Service and trust', 'Clock start', 'Weeks waited', 'Clinical priority', 'Next activity', 'Next breach', { hidden: 'Link' }],
      body: items.map(row),
    })}`;
}

// Checks the typed filters before asking the API; returns [{id, text}].
function checkFilters(f) {
  const problems = [];
  if (f.min_weeks && !/^\d{1,3}$/.test(f.min_weeks)) problems.push({ id: 'min_weeks', text: 'Weeks waited must be a whole number, like 18' });
  if (f.patient && !/^\d{10}$/.test(f.patient)) problems.push({ id: 'patient', text: 'Enter a 10-digit NHS number, like 999 123 4567' });
  return problems;
}

async function loadServices() {
  try {
    const data = await api('/services');
    let services = (data && data.services) || [];
    if (isTrust(me)) services = services.filter((s) => s.trust && s.trust.code === me.organisation.code);
    const trusts = new Map();
    for (const s of services) if (s.trust && !trusts.has(s.trust.code)) trusts.set(s.trust.code, s.trust);
    return { services, trusts: [...trusts.values()].sort((a, b) => String(a.name).localeCompare(String(b.name))) };
  } catch {
    return { services: [], trusts: [] };
  }
}

async function load() {
  me = await startPage('waiting-list.html');
  if (me.role === 'patient') {
    window.location.replace('my-waits.html');
    return;
  }
  const title = titleFor();
  setTitle(title);
  const f = readFilters();
  const { services, trusts } = await loadServices();
  // The ICB's practices, for an analyst looking at one practice's population.
  const practices = await icbPractices(me);
  const head = html`
    <h1 class="nhsuk-u-margin-bottom-3">${title}</h1>
    <p class="nhsuk-body-l">${introFor()}</p>
    <div id="errors" hidden></div>
    ${filterForm(f, trusts, services, practices)}`;

  const problems = checkFilters(f);
  if (problems.length) {
    render(main, head);
    wireFilters(services);
    problems.forEach((p) => setFieldError(p.id, p.text));
    showErrorSummary(document.getElementById('errors'), problems.map((p) => ({ text: p.text, href: `#${p.id}` })));
    return;
  }

  let data;
  try {
    data = await api('/waiting-list', {
      query: { practice: f.practice, trust: f.trust, service: f.service, priority: f.priority, min_weeks: f.min_weeks, patient: f.patient, page: f.page, page_size: PAGE_SIZE },
    });
  } catch (e) {
    render(main, head);
    wireFilters(services);
    const errors = document.getElementById('errors');
    if (e.status === 404) {
      showErrorSummary(errors, [{ text: 'You cannot see the waiting list for that organisation or service. Choose another filter.' }]);
    } else {
      showApiError(errors, e, { practice: 'practice', min_weeks: 'min_weeks', patient: 'patient', trust: 'trust', service: 'service', priority: 'priority' });
    }
    return;
  }
  const items = (data && data.items) || [];
  const total = typeof data.total === 'number' ? data.total : items.length;
  const size = data.page_size || PAGE_SIZE;
  const pages = Math.max(1, Math.ceil(total / size));
  const current = data.page || f.page;
  const first = total ? (current - 1) * size + 1 : 0;
  const last = Math.min(total, (current - 1) * size + items.length);
  const filtered = FILTERS.some((k) => f[k]);

  render(main, html`
    ${head}
    ${summaryLine(data.summary, total)}
    <p class="nhsuk-body-s nhsuk-u-secondary-text-colour" id="wl-census">
      Weeks waited on ${formatDate(data.census_date)}: whole weeks since the referral to treatment (RTT) clock started.
      “Over 18 weeks” means more than 126 days.
    </p>
    ${items.length ? html`
      <p class="nhsuk-body" id="result-count">
        ${total === items.length ? `${total} pathway${total === 1 ? '' : 's'}` : `Showing ${first} to ${last} of ${total.toLocaleString('en-GB')} pathways`}${filtered ? ' matching your filters' : ''}.
      </p>
      ${table(items, data.census_date)}
      ${pagination((n) => pageUrl(f, n), current, pages)}`
    : html`
      <div class="nhsuk-inset-text" id="empty-state">
        <span class="nhsuk-u-visually-hidden">Information: </span>
        <p>${filtered ? html`No one on the waiting list matches these filters. <a href="waiting-list.html">Clear filters</a>` : 'No one is on the waiting list.'}</p>
      </div>`}
  `);

  wireFilters(services);
}

// Choosing a trust narrows the services to that trust's.
function wireFilters(services) {
  const trustSelect = document.getElementById('trust');
  const narrow = () => {
    const svc = document.getElementById('service');
    const keep = new Set(services.filter((s) => !trustSelect.value || s.trust.code === trustSelect.value).map((s) => String(s.id)));
    if (svc.value && !keep.has(svc.value)) svc.value = '';
    for (const o of svc.querySelectorAll('option')) if (o.value) o.hidden = !keep.has(o.value);
    for (const g of svc.querySelectorAll('optgroup')) g.hidden = ![...g.querySelectorAll('option')].some((o) => !o.hidden);
  };
  if (trustSelect) {
    trustSelect.addEventListener('change', narrow);
    narrow();
  }
  document.getElementById('filters').addEventListener('submit', () => {
    clearErrors(document.getElementById('errors'));
    const nhs = document.getElementById('patient');
    nhs.value = nhs.value.replace(/\s+/g, '');
  });
}

load();
