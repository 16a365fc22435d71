// measures.js - the measures for a trust, per service, in two tables driven
// by one form: the interface measures (GET /measures/interface: advice and
// guidance response times and conversions, returned and redirected
// referrals, onward referrals) and complete care (GET
// /measures/complete-care: letters, results, hand-overs to the GP,
// follow-ups and missed appointments).

import { notForYou, startPage } from '../components/header.js';
import { cellHeading } from '../components/summary.js';
import { responsiveTable } from '../components/table.js';
import { api } from '../lib/api.js';
import { param, setTitle } from '../lib/dom.js';
import { showApiError, showErrorSummary } from '../lib/error-summary.js';
import { formatDate } from '../lib/format.js';
import { html, raw, render } from '../lib/html.js';
import { isIcb, seesMeasures } from '../lib/roles.js';

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

const CARE_COLUMNS = [
  ['letters_sent', 'Letters sent', 'count'],
  ['letters_on_time_pct', '% letters on time', 'pct'],
  ['letter_delay_days_median', 'Median letter delay (days)', 'days'],
  ['letters_overdue', 'Letters overdue', 'count'],
  ['results_received', 'Results received', 'count'],
  ['results_reviewed', 'Results reviewed', 'count'],
  ['results_reviewed_within_target_pct', '% reviewed within target', 'pct'],
  ['handovers_requested', 'Hand-overs requested', 'count'],
  ['handovers_accepted', 'Hand-overs accepted', 'count'],
  ['handovers_declined', 'Hand-overs declined', 'count'],
  ['follow_ups_overdue', 'Follow-ups overdue', 'count'],
  ['dnas', 'Missed appointments', 'count'],
  ['dnas_bounced_to_gp', 'DNAs bounced to GP', 'count'],
];

// The two tables: element ids and caption.
const INTERFACE = { columns: COLUMNS, tableId: 'measures-table', totalId: 'measures-total', caption: 'advice and referrals by service' };
const CARE = { columns: CARE_COLUMNS, tableId: 'care-table', totalId: 'care-total', caption: 'complete care by service', compact: true };

const NONE = raw('<span aria-hidden="true">–</span><span class="nhsuk-u-visually-hidden">no data</span>');

function cell(v, kind) {
  if (v === null || v === undefined) return NONE;
  const n = Number(v);
  if (Number.isNaN(n)) return String(v);
  if (kind === 'pct') return `${n.toFixed(1)}%`;
  if (kind === 'hours' || kind === 'days') return n.toFixed(1);
  return n.toLocaleString('en-GB');
}

function tableRow(r, total, spec) {
  const name = total ? 'All services' : (r.service && r.service.name) || '';
  return html`
    <tr class="nhsuk-table__row${total ? ' seam-row--total' : ''}" role="row"${total ? html` id="${spec.totalId}"` : html` data-service-id="${r.service && r.service.id}"`}>
      <${total ? 'th' : 'td'} class="nhsuk-table__cell" role="${total ? 'rowheader' : 'cell'}"${total ? raw(' scope="row"') : ''}>${cellHeading('Service')}<span>${name}</span></${total ? 'th' : 'td'}>
      ${spec.columns.map(([k, label, kind]) => html`
      <td class="nhsuk-table__cell nhsuk-table__cell--numeric" role="cell" data-measure="${k}">${cellHeading(label)}<span>${cell(r[k], kind)}</span></td>`)}
    </tr>`;
}

function table(data, spec) {
  const rows = data.services || [];
  return html`
    ${responsiveTable({
      id: spec.tableId,
      className: `seam-measures${spec.compact ? ' seam-measures--compact' : ''}`,
      caption: `${(data.trust && data.trust.name) || 'Trust'}: ${spec.caption}`,
      headers: ['Service', spec.columns.map(([k, label]) => html`<th class="nhsuk-table__header nhsuk-table__header--numeric" scope="col" role="columnheader" data-measure="${k}">${label}</th>`)],
      body: html`
          ${rows.map((r) => tableRow(r, false, spec))}
          ${data.total ? tableRow(data.total, true, spec) : ''}
        `,
    })}`;
}

function emptyState(id) {
  return html`
      <div class="nhsuk-inset-text" id="${id}">
        <span class="nhsuk-u-visually-hidden">Information: </span>
        <p>This trust has no services to measure.</p>
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

const CARE_NOTES = html`
  <h2 class="nhsuk-heading-s">About the complete-care measures</h2>
  <ul class="nhsuk-list nhsuk-list--bullet nhsuk-body-s" id="care-notes">
    <li><strong>Letters sent</strong>: clinic letters and discharge summaries sent in the period. <strong>% letters on time</strong>: of those, sent by their due date. <strong>Median letter delay</strong>: calendar days from the clinic or discharge to sending.</li>
    <li><strong>Letters overdue</strong> and <strong>Follow-ups overdue</strong> are as of now, whatever the dates: due, not yet done, and past their due date.</li>
    <li><strong>% reviewed within target</strong>: of the results reviewed, those reviewed within 1 working day (abnormal or urgent) or 3 (otherwise).</li>
    <li><strong>Hand-overs</strong>: explicit requests for the GP to take on a result, and the GP's answers.</li>
    <li><strong>Missed appointments</strong>: patients who did not attend, rebooked or discharged by the hospital. <strong>DNAs bounced to GP</strong> is always 0: Seam has no way to send a missed appointment back to the GP.</li>
    <li>A dash means there was nothing to measure.</li>
  </ul>`;

async function load() {
  me = await startPage('measures.html');
  setTitle('Interface measures');
  if (!seesMeasures(me)) {
    notForYou('Interface measures', 'Only interface leads, ICB analysts and administrators can see the interface measures.',
      { href: 'worklist.html', text: 'Go to your worklist' });
    return;
  }
  const pickTrust = isIcb(me);
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

  const heading = (trustName) => html`
    <h1>${trustName ? html`<span class="nhsuk-caption-l" id="measures-trust">${trustName}</span>` : ''}Interface measures</h1>
    <p class="nhsuk-body-l">How the handoffs between GP practices and ${pickTrust ? 'a trust' : (me.organisation && me.organisation.name) || 'your trust'} are working: advice and guidance, returned and redirected referrals, onward referrals, and the hospital's part of complete care.</p>
    <div id="errors" hidden></div>`;

  const query = { trust: pickTrust ? trust : undefined, from, to };
  // Both at once; the complete-care table fails on its own.
  const [got, care] = await Promise.all([
    api('/measures/interface', { query }).then((d) => ({ data: d }), (e) => ({ error: e })),
    api('/measures/complete-care', { query }).then((d) => ({ data: d }), (e) => ({ error: e })),
  ]);
  if (got.error) {
    render(main, html`${heading('')}${filters(trusts, trust, from, to, pickTrust)}`);
    showApiError(document.getElementById('errors'), got.error, { trust: 'trust', from: 'from', to: 'to' });
    return;
  }
  const data = got.data;
  const shownTrust = (data.trust && data.trust.code) || trust;
  const trustName = (data.trust && data.trust.name) || shownTrust;
  setTitle(`Interface measures: ${trustName}`);
  render(main, html`
    ${heading(trustName)}
    ${filters(trusts, shownTrust, from || dateOnly(data.from), to || dateOnly(data.to), pickTrust)}
    <p class="nhsuk-body" id="measures-period" role="status">
      <strong>${trustName}</strong>${data.trust && data.trust.code ? ` (${data.trust.code})` : ''},
      ${formatDate(dateOnly(data.from))} to ${formatDate(dateOnly(data.to))}.
    </p>
    <section class="seam-measures-section" aria-labelledby="interface-heading">
      <h2 class="nhsuk-heading-m" id="interface-heading">Advice and referrals</h2>
      ${(data.services || []).length ? table(data, INTERFACE) : emptyState('empty-state')}
      ${NOTES}
    </section>
    <section class="seam-measures-section" aria-labelledby="care-heading">
      <h2 class="nhsuk-heading-m" id="care-heading">Complete care</h2>
      <div id="care-errors"></div>
      ${care.error ? '' : html`${(care.data.services || []).length ? table(care.data, CARE) : emptyState('care-empty-state')}
      ${CARE_NOTES}`}
    </section>
  `);
  if (care.error) {
    showErrorSummary(document.getElementById('care-errors'),
      [{ text: `The complete-care measures could not be loaded: ${care.error.message}` }], { focus: false });
  }
}

load();
