// patient-picker.js - finding one of the practice's patients, as a GP's
// "new referral" and "new advice request" forms do (web/partials/patient.html):
// search by NHS number or surname, a table of matches, the chosen patient's
// card, ?patient=NHSNUMBER to start with one chosen.  The service chooser:
// service-choice.js.  The page keeps its own form, fields and submit.

import { api } from '../lib/api.js';
import { clearErrors, showApiError } from '../lib/error-summary.js';
import { formatDate, formatNhsNumber, patientName } from '../lib/format.js';
import { html, render } from '../lib/html.js';

// A summary-list row, or nothing when there is no value; id: the value's.
export function infoRow(key, value, id) {
  if (!value) return '';
  return html`
    <div class="nhsuk-summary-list__row">
      <dt class="nhsuk-summary-list__key">${key}</dt>
      <dd class="nhsuk-summary-list__value"${id ? html` id="${id}"` : ''}>${value}</dd>
    </div>`;
}

function chosenCard(p) {
  return html`
    <div class="nhsuk-card seam-chosen-patient">
      <div class="nhsuk-card__content">
        <h3 class="nhsuk-card__heading nhsuk-heading-s" id="chosen-heading" tabindex="-1">Patient: ${patientName(p)}</h3>
        <dl class="nhsuk-summary-list nhsuk-summary-list--no-border nhsuk-u-margin-bottom-2">
          ${infoRow('NHS number', formatNhsNumber(p.nhs_number), 'chosen-nhs-number')}
          ${infoRow('Date of birth', formatDate(p.birth_date))}
          ${infoRow('Postcode', p.postcode)}
          ${infoRow('Registered practice', p.practice && p.practice.name)}
        </dl>
        <button type="button" class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" id="change-patient">
          Choose a different patient
        </button>
      </div>
    </div>`;
}

const cell = (heading, value, cls = '') => html`
  <td class="nhsuk-table__cell${cls}" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">${heading} </span>${value}</td>`;

function matchesTable(q, patients, total) {
  if (!patients.length) {
    return html`<p class="nhsuk-body" role="status" id="no-patients">No patients registered at your practice match <strong>${q}</strong>. Check the NHS number, or try fewer letters of the surname.</p>`;
  }
  return html`
    <p class="nhsuk-body" role="status">${total === patients.length
      ? `${total} patient${total === 1 ? '' : 's'} found.`
      : `Showing the first ${patients.length} of ${total} patients. Type more of the surname, or the NHS number, to narrow it down.`}</p>
    <table class="nhsuk-table nhsuk-table--responsive" role="table" id="patient-table">
      <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Matching patients</caption>
      <thead class="nhsuk-table__head" role="rowgroup">
        <tr class="nhsuk-table__row" role="row">
          <th class="nhsuk-table__header" scope="col" role="columnheader">Name</th>
          <th class="nhsuk-table__header" scope="col" role="columnheader">NHS number</th>
          <th class="nhsuk-table__header" scope="col" role="columnheader">Date of birth</th>
          <th class="nhsuk-table__header" scope="col" role="columnheader">Postcode</th>
          <th class="nhsuk-table__header" scope="col" role="columnheader"><span class="nhsuk-u-visually-hidden">Action</span></th>
        </tr>
      </thead>
      <tbody class="nhsuk-table__body">
        ${patients.map((p, i) => html`
        <tr class="nhsuk-table__row" role="row" data-nhs-number="${p.nhs_number}">
          ${cell('Name', html`<strong>${patientName(p)}</strong>`)}
          ${cell('NHS number', formatNhsNumber(p.nhs_number), ' seam-nowrap')}
          ${cell('Date of birth', formatDate(p.birth_date))}
          ${cell('Postcode', p.postcode || '')}
          <td class="nhsuk-table__cell seam-cell-action" role="cell">
            <button type="button" class="nhsuk-button nhsuk-button--secondary nhsuk-button--small seam-select-patient" data-index="${i}">
              Select<span class="nhsuk-u-visually-hidden"> ${patientName(p)}, NHS number ${formatNhsNumber(p.nhs_number)}</span>
            </button>
          </td>
        </tr>`)}
      </tbody>
    </table>`;
}

/**
 * Wires the patient finder in the page's #patient-search form (#patient-q),
 * #patient-results and #patient-chosen.  errors is the error summary's
 * container; fields maps API fields to controls (patient_nhs_number among
 * them).  Returns { patient() } giving the chosen patient or null.
 */
export function patientPicker(errors, fields) {
  const searchForm = document.getElementById('patient-search');
  const searchInput = document.getElementById('patient-q');
  const results = document.getElementById('patient-results');
  const chosen = document.getElementById('patient-chosen');
  let patient = null;
  let matches = [];

  function renderChosen() {
    if (!patient) {
      chosen.hidden = true;
      chosen.innerHTML = '';
      searchForm.hidden = false;
      return;
    }
    render(chosen, chosenCard(patient));
    chosen.hidden = false;
    searchForm.hidden = true;
    results.innerHTML = '';
    chosen.querySelector('#change-patient').addEventListener('click', () => {
      patient = null;
      renderChosen();
      searchInput.focus();
    });
  }

  function choose(p) {
    patient = p;
    clearErrors(errors);
    renderChosen();
    const h = document.getElementById('chosen-heading');
    if (h) h.focus();
  }

  async function search(raw) {
    const q = raw.trim();
    clearErrors(errors, searchForm);
    if (!q) {
      showApiError(errors, { message: 'Enter an NHS number or the start of a surname', field: 'patient_nhs_number' }, fields);
      return;
    }
    render(results, html`<p class="nhsuk-body" role="status">Searching…</p>`);
    try {
      const data = await api('/patients', { query: { q } });
      matches = (data && data.patients) || [];
      const total = data && typeof data.total === 'number' ? data.total : matches.length;
      render(results, matchesTable(q, matches, total));
    } catch (e) {
      results.innerHTML = '';
      showApiError(errors, e, { q: 'patient-q', ...fields });
    }
  }

  searchForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    search(searchInput.value);
  });
  results.addEventListener('click', (ev) => {
    const b = ev.target.closest('button.seam-select-patient');
    if (b) choose(matches[Number(b.dataset.index)]);
  });

  // ?patient=9991234567 starts with that patient chosen.
  const pre = new URLSearchParams(window.location.search).get('patient');
  if (pre) {
    api(`/patients/${encodeURIComponent(pre.replace(/\s+/g, ''))}`).then(choose, (e) => {
      searchInput.value = pre;
      showApiError(errors, e, fields);
    });
  }
  return { patient: () => patient };
}
