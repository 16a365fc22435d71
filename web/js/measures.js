// measures.js - interface measures for a trust, per service: advice and
// guidance response times and conversions, returned and redirected
// referrals, onward referrals (GET /measures/interface).

import { api } from './api.js';
import {
  formatDate, html, param, raw, render, seesMeasures, setTitle, showApiError, showErrorSummary, startPage,
} from './layout.js';

const main = document.getElementById('maincontent');
let me = null;

// The columns, in order: [field, heading, kind].
const COLUMNS = [
  ['advice_requests', 'A&G requests', 'count'],
  ['advice_response_hours_median', 'Median response (working hours)', 'hours'],
  ['advice_response_hours_p90', '90th centile (working hours)', 'hours'],
  ['advice_within_target_pct', '% within target', 'pct'],
  ['advice_conversion_pct', 'Conversion %', 'pct'],
  ['returned_pct', 'Returned %', 'pct'],
  ['redirected_pct', 'Redirected %', 'pct'],
  ['onward_referrals_made', 'Onward referrals', 'count'],
];

const NONE = raw('<span aria-hidden="true">–</span><span class="nhsuk-u-visually-hidden">no data</span>');

function cell(v, kind) {
  if (v === null || v === undefined) return NONE;
  const n = Number(v);
  if (Number.isNaN(n)) return String(v);
  if (kind === 'pct') return `${n.toFixed(1)}%`;
  if (kind === 'hours') return n.toFixed(1);
  return n.toLocaleString('en-GB');
}

function cellHeading(text) {
  return html`<span class="nhsuk-table__heading" aria-hidden="true">${text} </span>`;
}

function tableRow(r, total) {
  const name = total ? 'All services' : (r.service && r.service.name) || '';
  return html`
    <tr class="nhsuk-table__row${total ? ' seam-row--total' : ''}" role="row"${total ? raw(' id="measures-total"') : html` data-service-id="${r.service && r.service.id}"`}>
      <${total ? 'th' : 'td'} class="nhsuk-table__cell" role="${total ? 'rowheader' : 'cell'}"${total ? raw(' scope="row"') : ''}>${cellHeading('Service')}<span>${name}</span></${total ? 'th' : 'td'}>
      ${COLUMNS.map(([k, label, kind]) => html`
      <td class="nhsuk-table__cell nhsuk-table__cell--numeric" role="cell" data-measure="${k}">${cellHeading(label)}<span>${cell(r[k], kind)}</span></td>`)}
    </tr>`;
}

function table(data) {
  const rows = data.services || [];
  return html`
    <div class="nhsuk-table-container">
      <table class="nhsuk-table nhsuk-table--responsive seam-measures" role="table" id="measures-table">
        <caption class="nhsuk-table__caption nhsuk-table__caption--m">${(data.trust && data.trust.name) || 'Trust'}: measures by service</caption>
        <thead class="nhsuk-table__head" role="rowgroup">
          <tr class="nhsuk-table__row" role="row">
            <th class="nhsuk-table__header" scope="col" role="columnheader">Service</th>
            ${COLUMNS.map(([k, label]) => html`<th class="nhsuk-table__header nhsuk-table__header--numeric" scope="col" role="columnheader" data-measure="${k}">${label}</th>`)}
          </tr>
        </thead>
        <tbody class="nhsuk-table__body">
          ${rows.map((r) => tableRow(r, false))}
          ${data.total ? tableRow(data.total, true) : ''}
        </tbody>
      </table>
    </div>`;
}

function dateOnly(iso) {
  return iso ? String(iso).slice(0, 10) : '';
}

function filters(trusts, trust, from, to, pickTrust) {
  return html`
    <form method="get" action="measures.html" class="seam-filters" id="filters" novalidate>
      ${pickTrust ? html`
      <div class="nhsuk-form-group seam-filters__group">
        <label class="nhsuk-label" for="trust">Trust</label>
        <select class="nhsuk-select" id="trust" name="trust">
          <option value=""${trust ? '' : raw(' selected')}>Choose a trust</option>
          ${trusts.map((t) => html`<option value="${t.code}"${t.code === trust ? raw(' selected') : ''}>${t.name} (${t.code})</option>`)}
        </select>
      </div>` : ''}
      <div class="nhsuk-form-group seam-filters__group">
        <label class="nhsuk-label" for="from">From</label>
        <input class="nhsuk-input nhsuk-input--width-10" id="from" name="from" type="date" value="${from}">
      </div>
      <div class="nhsuk-form-group seam-filters__group">
        <label class="nhsuk-label" for="to">To</label>
        <input class="nhsuk-input nhsuk-input--width-10" id="to" name="to" type="date" value="${to}">
      </div>
      <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small seam-filters__button" type="submit">Show measures</button>
    </form>`;
}

const NOTES = html`
  <h2 class="nhsuk-heading-s">About these measures</h2>
  <ul class="nhsuk-list nhsuk-list--bullet nhsuk-body-s" id="measures-notes">
    <li><strong>Response</strong> times are working hours (hours on working days) from the GP's request to the specialist's first response.</li>
    <li><strong>% within target</strong>: advice requests first answered within the service's target.</li>
    <li><strong>Conversion %</strong>: advice requests that became referrals.</li>
    <li><strong>Returned %</strong> and <strong>Redirected %</strong>: of the referrals triaged.</li>
    <li>A dash means there was nothing to measure.</li>
  </ul>`;

async function load() {
  me = await startPage('measures.html');
  setTitle('Interface measures');
  if (!seesMeasures(me.role)) {
    render(main, html`
      <h1>Interface measures</h1>
      <p>Only interface leads, ICB analysts and administrators can see the interface measures.</p>
      <p><a href="worklist.html">Go to your worklist</a></p>`);
    return;
  }
  const pickTrust = me.role === 'icb_analyst' || me.role === 'admin';
  let trust = param('trust') || '';
  const from = param('from') || '';
  const to = param('to') || '';

  let trusts = [];
  if (pickTrust) {
    try {
      const data = await api('/services');
      const seen = new Map();
      for (const s of (data && data.services) || []) {
        if (s.trust && s.trust.code && !seen.has(s.trust.code)) seen.set(s.trust.code, s.trust);
      }
      trusts = [...seen.values()].sort((a, b) => String(a.name).localeCompare(String(b.name)));
    } catch (e) {
      render(main, html`<h1>Interface measures</h1><div id="errors"></div>`);
      showErrorSummary(document.getElementById('errors'), [{ text: `Trusts could not be loaded: ${e.message}` }]);
      return;
    }
    if (!trust && trusts.length) trust = trusts[0].code;
  }

  const heading = html`
    <h1>Interface measures</h1>
    <p class="nhsuk-body-l">How the handoffs between GP practices and ${pickTrust ? 'a trust' : (me.organisation && me.organisation.name) || 'your trust'} are working: advice and guidance, returned and redirected referrals, and onward referrals.</p>
    <div id="errors" hidden></div>`;

  let data;
  try {
    data = await api('/measures/interface', { query: { trust: pickTrust ? trust : undefined, from, to } });
  } catch (e) {
    render(main, html`${heading}${filters(trusts, trust, from, to, pickTrust)}`);
    showApiError(document.getElementById('errors'), e, { trust: 'trust', from: 'from', to: 'to' });
    return;
  }
  const shownTrust = (data.trust && data.trust.code) || trust;
  setTitle(`Interface measures: ${(data.trust && data.trust.name) || shownTrust}`);
  render(main, html`
    ${heading}
    ${filters(trusts, shownTrust, from || dateOnly(data.from), to || dateOnly(data.to), pickTrust)}
    <p class="nhsuk-body" id="measures-period" role="status">
      <strong>${(data.trust && data.trust.name) || shownTrust}</strong>${data.trust && data.trust.code ? ` (${data.trust.code})` : ''},
      ${formatDate(dateOnly(data.from))} to ${formatDate(dateOnly(data.to))}.
    </p>
    ${(data.services || []).length ? table(data) : html`
      <div class="nhsuk-inset-text" id="empty-state">
        <span class="nhsuk-u-visually-hidden">Information: </span>
        <p>This trust has no services to measure.</p>
      </div>`}
    ${NOTES}
  `);
}

load();
