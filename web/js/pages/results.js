// results.js - test results the service has ordered: those to review
// (overdue first), those waiting on a hand-over request to the GP, and those
// reviewed.  Each opens result.html to review it or ask the GP to take it on.

import { startPage } from '../components/header.js';
import { labelFrom, overdueTags, RESULT_STATUS, tagFrom } from '../components/status-tags.js';
import { cellHeading, emptyState, patientLine } from '../components/summary.js';
import { responsiveTable } from '../components/table.js';
import { api } from '../lib/api.js';
import { param, setTitle } from '../lib/dom.js';
import { showErrorSummary } from '../lib/error-summary.js';
import { timeEl } from '../lib/format.js';
import { html, render } from '../lib/html.js';

const view = document.getElementById('view');
const errors = document.getElementById('errors');

function resultRow(r) {
  return html`
    <tr class="nhsuk-table__row${r.overdue ? ' seam-row--overdue' : ''}" role="row" data-result-id="${r.id}" data-status="${r.status}">
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Flag')}<span>${r.overdue ? overdueTags(r) : r.status === 'reviewed' ? '' : html`<span class="nhsuk-u-secondary-text-colour nhsuk-u-nowrap">On time</span>`}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Test')}<span><strong>${r.test || ''}</strong><br>${r.abnormal ? html`<strong class="nhsuk-tag nhsuk-tag--red">Abnormal</strong>` : html`<span class="nhsuk-u-secondary-text-colour nhsuk-u-font-size-16">Normal</span>`}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Patient')}<span>${patientLine(r.patient)}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Result')}<span class="seam-clamp">${r.summary || ''}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Status')}${tagFrom(RESULT_STATUS, r.status)}</td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Due by')}${r.due_at && r.status !== 'reviewed' ? timeEl(r.due_at) : html`<span class="nhsuk-u-secondary-text-colour">–</span>`}</td>
      <td class="nhsuk-table__cell seam-cell-action" role="cell">
        <a class="nhsuk-link" href="result.html?id=${encodeURIComponent(r.id)}">${r.status === 'to_review' || r.status === 'gp_to_review' ? 'Review' : 'View'}<span class="nhsuk-u-visually-hidden"> ${r.test || 'result'} for ${r.patient ? r.patient.family_name : `result ${r.id}`}</span></a>
      </td>
    </tr>`;
}

function table(idAttr, caption, list) {
  return html`
    ${responsiveTable({
      id: idAttr,
      className: 'seam-worklist',
      caption: caption,
      headers: [['Flag', 'Test', 'Patient', 'Result', 'Status', 'Due by'].map((h) => html`<th class="nhsuk-table__header" scope="col" role="columnheader">${h}</th>`), { hidden: 'Link' }],
      body: list.map(resultRow),
    })}`;
}

function byDue(a, b) {
  if (Boolean(a.overdue) !== Boolean(b.overdue)) return a.overdue ? -1 : 1;
  if ((b.escalation_level || 0) !== (a.escalation_level || 0)) return (b.escalation_level || 0) - (a.escalation_level || 0);
  return String(a.due_at || '').localeCompare(String(b.due_at || ''));
}

async function load() {
  // results.html?id=N is one result: its own page.
  if (param('id')) {
    window.location.replace(`result.html?id=${encodeURIComponent(param('id'))}`);
    return;
  }
  const me = await startPage('results.html');
  setTitle('Results');
  let all;
  try {
    const data = await api('/results', { query: { page_size: 100 } });
    all = (data && (data.results || data.items)) || [];
  } catch (e) {
    render(view, html`<h1>Results</h1>`);
    showErrorSummary(errors, [{ text: e.message }]);
    return;
  }
  const status = RESULT_STATUS[param('status')] ? param('status') : '';
  if (status) all = all.filter((r) => r.status === status);
  const toReview = all.filter((r) => r.status === 'to_review' || r.status === 'gp_to_review').sort(byDue);
  const waiting = all.filter((r) => r.status === 'handover_requested').sort(byDue);
  const reviewed = all.filter((r) => r.status === 'reviewed')
    .sort((a, b) => String((b.review && b.review.at) || b.received_at || '').localeCompare(String((a.review && a.review.at) || a.received_at || '')));
  const overdue = toReview.filter((r) => r.overdue).length;
  const org = (me.organisation && me.organisation.name) || '';
  const svc = me.service && me.service.name ? `${me.service.name}, ` : '';

  render(view, html`
    <h1>Results</h1>
    <p class="nhsuk-body-l">Results of tests ordered by ${svc}${org}. The service that ordered a test reviews its result; asking the GP to take one on is a request the GP may decline.</p>
    ${status ? html`<p class="nhsuk-body">Showing results “${labelFrom(RESULT_STATUS, status)}”. <a href="results.html">Show all results</a></p>` : ''}
    <h2 class="nhsuk-heading-m" id="to-review-heading">To review <span class="nhsuk-u-secondary-text-colour nhsuk-u-font-weight-normal">(${toReview.length})</span></h2>
    ${toReview.length ? html`
      <p class="nhsuk-body" id="to-review-count" role="status"><strong>${toReview.length} result${toReview.length === 1 ? '' : 's'} to review</strong>${overdue ? html`, <strong class="seam-text-red">${overdue} overdue</strong>` : ''}. Overdue results are first; abnormal and urgent ones are due sooner.</p>
      ${table('to-review-table', 'Results to review, overdue first', toReview)}`
    : emptyState('to-review-empty', 'No results are waiting for review.', null)}
    ${waiting.length ? html`
      <h2 class="nhsuk-heading-m nhsuk-u-margin-top-7" id="waiting-heading">Waiting for the GP to decide <span class="nhsuk-u-secondary-text-colour nhsuk-u-font-weight-normal">(${waiting.length})</span></h2>
      <p class="nhsuk-body">You asked the GP practice to take these on. They are still yours until the GP accepts.</p>
      ${table('waiting-table', 'Hand-over requests waiting for the GP', waiting)}` : ''}
    <h2 class="nhsuk-heading-m nhsuk-u-margin-top-7" id="reviewed-heading">Reviewed <span class="nhsuk-u-secondary-text-colour nhsuk-u-font-weight-normal">(${reviewed.length})</span></h2>
    ${reviewed.length ? table('reviewed-table', 'Reviewed results, newest first', reviewed) : emptyState('reviewed-empty', 'No results have been reviewed yet.', null)}
  `);
}

load();
