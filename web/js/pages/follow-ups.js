// follow-ups.js - follow-ups the hospital must arrange (a window to book
// in) and patient-initiated follow-up (PIFU) windows, overdue first, with
// "book" and "discharge" on each open one; then those booked and
// discharged.  Follow-ups are made from the referral page.

import { sendForm } from '../components/action-form.js';
import { startPage } from '../components/header.js';
import { FOLLOW_UP_STATUS, overdueTags, ownerText, tagFrom } from '../components/status-tags.js';
import { banner, cellHeading, emptyState, patientLine, row } from '../components/summary.js';
import { responsiveTable } from '../components/table.js';
import { api } from '../lib/api.js';
import { setTitle } from '../lib/dom.js';
import { showErrorSummary } from '../lib/error-summary.js';
import {
  formatDate, formatDateTime, londonLocalToUtcIso, patientName, timeEl,
} from '../lib/format.js';
import { val } from '../lib/forms.js';
import { html, render } from '../lib/html.js';
import { isCareTeam, isClinical } from '../lib/roles.js';

const notice = document.getElementById('notice');
const errors = document.getElementById('errors');
const view = document.getElementById('view');

let me = null;

function kindText(f) {
  return f.kind === 'pifu' ? 'Patient-initiated follow-up' : 'Follow-up appointment';
}

function windowText(f) {
  if (f.kind === 'pifu') {
    return html`The patient may ask for an appointment until ${f.window_end ? formatDate(String(f.window_end).slice(0, 10)) : 'the window ends'}`;
  }
  return html`Book between ${f.window_start ? formatDate(String(f.window_start).slice(0, 10)) : '?'} and ${f.window_end ? formatDate(String(f.window_end).slice(0, 10)) : '?'}`;
}

function canBook() {
  return isCareTeam(me);
}

function canDischarge() {
  return isClinical(me);
}

function openCard(f) {
  const base = `follow-up-${f.id}`;
  return html`
    <li class="nhsuk-card seam-follow-up${f.overdue ? ' seam-holder--overdue seam-follow-up--overdue' : ''}" id="${base}" data-follow-up-id="${f.id}" data-kind="${f.kind}">
      <div class="nhsuk-card__content">
        <h3 class="nhsuk-card__heading nhsuk-heading-s nhsuk-u-margin-bottom-2">${patientLine(f.patient)}</h3>
        <p class="seam-tags nhsuk-u-margin-bottom-2">${f.kind === 'pifu' ? html`<strong class="nhsuk-tag nhsuk-tag--blue">PIFU</strong>` : html`<strong class="nhsuk-tag nhsuk-tag--purple">Book a follow-up</strong>`} ${overdueTags(f)}</p>
        <dl class="nhsuk-summary-list nhsuk-summary-list--no-border nhsuk-u-margin-bottom-3">
          ${row('What', html`${kindText(f)}${f.service && f.service.name ? ` · ${f.service.name}` : ''}`)}
          ${row('Window', windowText(f))}
          ${row('Held by', ownerText(f.owner))}
          ${row('Due by', f.due_at ? timeEl(f.due_at, { weekday: true }) : '')}
          ${f.referral_id ? row('Referral', html`<a href="referral.html?id=${encodeURIComponent(f.referral_id)}">Referral ${f.referral_id}</a>`) : ''}
        </dl>
        <div class="seam-follow-up__forms">
          ${canBook() ? html`
          <form class="seam-follow-up-book" id="${base}-book-form" data-follow-up-id="${f.id}" novalidate>
            <div class="nhsuk-form-group nhsuk-u-margin-bottom-2">
              <label class="nhsuk-label nhsuk-label--s" for="${base}-appointment">Appointment date and time</label>
              <div class="nhsuk-hint" id="${base}-appointment-hint">UK time.</div>
              <input class="nhsuk-input nhsuk-input--width-20" id="${base}-appointment" name="appointment_at" type="datetime-local" aria-describedby="${base}-appointment-hint">
            </div>
            <button class="nhsuk-button nhsuk-button--small" type="submit">Book follow-up<span class="nhsuk-u-visually-hidden"> for ${f.patient ? f.patient.family_name : `follow-up ${f.id}`}</span></button>
          </form>` : ''}
          ${canDischarge() ? html`
          <form class="seam-follow-up-discharge" id="${base}-discharge-form" data-follow-up-id="${f.id}" novalidate>
            <p class="nhsuk-body-s nhsuk-u-margin-bottom-2">${f.kind === 'pifu' ? 'The window is over or the patient no longer needs it:' : 'No follow-up needed after all:'} discharge, and a clinic letter to the GP becomes due.</p>
            <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" type="submit">Discharge<span class="nhsuk-u-visually-hidden"> ${f.patient ? f.patient.family_name : `follow-up ${f.id}`}</span></button>
          </form>` : ''}
        </div>
      </div>
    </li>`;
}

function doneRow(f) {
  return html`
    <tr class="nhsuk-table__row" role="row" id="follow-up-${f.id}" data-follow-up-id="${f.id}" data-status="${f.status}">
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Patient')}<span>${patientLine(f.patient)}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('What')}<span>${kindText(f)}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Status')}${tagFrom(FOLLOW_UP_STATUS, f.status)}</td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Appointment')}${f.appointment_at ? timeEl(f.appointment_at) : html`<span class="nhsuk-u-secondary-text-colour">–</span>`}</td>
      <td class="nhsuk-table__cell seam-cell-action" role="cell">${f.referral_id ? html`<a class="nhsuk-link" href="referral.html?id=${encodeURIComponent(f.referral_id)}">Referral ${f.referral_id}</a>` : ''}</td>
    </tr>`;
}

function byDue(a, b) {
  if (Boolean(a.overdue) !== Boolean(b.overdue)) return a.overdue ? -1 : 1;
  if ((b.escalation_level || 0) !== (a.escalation_level || 0)) return (b.escalation_level || 0) - (a.escalation_level || 0);
  return String(a.due_at || '').localeCompare(String(b.due_at || ''));
}

async function load() {
  let all;
  try {
    const data = await api('/follow-ups', { query: { page_size: 100 } });
    all = (data && (data.follow_ups || data.followups || data.items)) || [];
  } catch (e) {
    render(view, html`<h1>Follow-ups</h1>`);
    showErrorSummary(errors, [{ text: e.message }]);
    return false;
  }
  const open = all.filter((f) => f.status === 'open').sort(byDue);
  const done = all.filter((f) => f.status !== 'open');
  const overdue = open.filter((f) => f.overdue).length;
  const org = (me.organisation && me.organisation.name) || '';
  render(view, html`
    <h1>Follow-ups</h1>
    <p class="nhsuk-body-l">Follow-up the hospital owes its patients at ${org}: appointments to book within a window, and patient-initiated follow-up (PIFU) windows that end with a discharge. None of it is left to the GP.</p>
    <h2 class="nhsuk-heading-m" id="open-heading">Due <span class="nhsuk-u-secondary-text-colour nhsuk-u-font-weight-normal">(${open.length})</span></h2>
    ${open.length ? html`
      <p class="nhsuk-body" id="open-count" role="status"><strong>${open.length} follow-up${open.length === 1 ? '' : 's'} to arrange</strong>${overdue ? html`, <strong class="seam-text-red">${overdue} overdue</strong>` : ''}. Overdue ones are first.</p>
      <ul class="nhsuk-list seam-follow-ups" id="open-list">${open.map(openCard)}</ul>`
    : emptyState('open-empty', 'No follow-ups are due.', 'A clinician arranges a follow-up, or patient-initiated follow-up, from the referral page after the patient is seen.')}
    <h2 class="nhsuk-heading-m nhsuk-u-margin-top-7" id="done-heading">Booked and discharged <span class="nhsuk-u-secondary-text-colour nhsuk-u-font-weight-normal">(${done.length})</span></h2>
    ${done.length ? html`
      ${responsiveTable({
        id: 'done-table',
        caption: 'Follow-ups booked or discharged',
        headers: [['Patient', 'What', 'Status', 'Appointment'].map((h) => html`<th class="nhsuk-table__header" scope="col" role="columnheader">${h}</th>`), { hidden: 'Link' }],
        body: done.map(doneRow),
      })}` : emptyState('done-empty', 'None yet.', null)}
  `);
  return true;
}

async function onSubmit(ev) {
  const form = ev.target.closest('form.seam-follow-up-book, form.seam-follow-up-discharge');
  if (!form) return;
  ev.preventDefault();
  notice.innerHTML = '';
  const fid = form.dataset.followUpId;
  const book = form.classList.contains('seam-follow-up-book');
  const out = await sendForm(form, book ? {
    url: `/follow-ups/${encodeURIComponent(fid)}/book`,
    fields: { appointment_at: `follow-up-${fid}-appointment` },
    body(f) {
      const v = val(f, 'appointment_at');
      if (!v) return {};
      return { appointment_at: londonLocalToUtcIso(v) || v };
    },
  } : {
    url: `/follow-ups/${encodeURIComponent(fid)}/discharge`,
    body: () => ({}),
  }, errors, view);
  if (!out) return;
  await load();
  const who = out.patient ? patientName(out.patient) : `follow-up ${fid}`;
  banner(notice, book
    ? `Follow-up booked for ${formatDateTime(out.appointment_at, { weekday: true }) || 'the chosen time'} (${who}).`
    : html`Discharged (${who}). A clinic letter to the GP is now due: see <a href="letters.html">Letters</a>.`);
}

async function main() {
  me = await startPage('follow-ups.html');
  setTitle('Follow-ups');
  view.addEventListener('submit', onSubmit);
  const ok = await load();
  if (ok && window.location.hash) {
    const el = document.getElementById(window.location.hash.slice(1));
    if (el) el.scrollIntoView({ block: 'start' });
  }
}

main();
