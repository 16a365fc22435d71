// letters.js - the hospital's letters to GPs: those due (clinic letters
// after attendance, discharge summaries), overdue first, and those sent.
// ?referral=ID shows one referral's letters only.

import { startPage } from '../components/header.js';
import { LETTER_KINDS, LETTER_STATUS, overdueTags, tagFrom } from '../components/status-tags.js';
import { cellHeading, emptyState, patientLine } from '../components/summary.js';
import { responsiveTable } from '../components/table.js';
import { api } from '../lib/api.js';
import { param, setTitle } from '../lib/dom.js';
import { showErrorSummary } from '../lib/error-summary.js';
import { patientName, timeEl } from '../lib/format.js';
import { html, render } from '../lib/html.js';
import { isPractice } from '../lib/roles.js';

const view = document.getElementById('view');
const errors = document.getElementById('errors');
const breadcrumb = document.getElementById('breadcrumb');

function kindText(l) {
  return LETTER_KINDS[l.kind] || 'Letter';
}

function gpActionsText(l) {
  const list = l.gp_actions || [];
  if (!list.length) return html`<span class="nhsuk-u-secondary-text-colour">None</span>`;
  const n = (s) => list.filter((a) => a.status === s).length;
  const parts = [];
  if (n('pending')) parts.push(`${n('pending')} waiting`);
  if (n('accepted')) parts.push(`${n('accepted')} accepted`);
  if (n('declined')) parts.push(`${n('declined')} declined`);
  return html`${list.length} (${parts.join(', ')})`;
}

function dueRow(l) {
  return html`
    <tr class="nhsuk-table__row${l.overdue ? ' seam-row--overdue' : ''}" role="row" data-letter-id="${l.id}" data-status="${l.status}">
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Flag')}<span>${l.overdue ? overdueTags(l) : html`<span class="nhsuk-u-secondary-text-colour nhsuk-u-nowrap">On time</span>`}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Letter')}<span><strong>${kindText(l)}</strong></span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Patient')}<span>${patientLine(l.patient)}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Service')}<span>${(l.service && l.service.name) || ''}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading(l.kind === 'discharge' ? 'Discharged' : 'Seen')}${l.event_at ? timeEl(l.event_at) : ''}</td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Due by')}${l.due_at ? timeEl(l.due_at) : ''}</td>
      <td class="nhsuk-table__cell seam-cell-action" role="cell">
        <a class="nhsuk-link" href="letter.html?id=${encodeURIComponent(l.id)}">Write<span class="nhsuk-u-visually-hidden"> ${kindText(l).toLowerCase()} for ${l.patient ? l.patient.family_name : `letter ${l.id}`}</span></a>
      </td>
    </tr>`;
}

function sentRow(l) {
  return html`
    <tr class="nhsuk-table__row" role="row" data-letter-id="${l.id}" data-status="${l.status}">
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Letter')}<span><strong>${kindText(l)}</strong><br>${tagFrom(LETTER_STATUS, l.status)}${l.late ? html` <strong class="nhsuk-tag nhsuk-tag--red">Sent late</strong>` : ''}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Patient')}<span>${patientLine(l.patient)}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Service')}<span>${(l.service && l.service.name) || ''}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Sent')}${l.sent_at ? timeEl(l.sent_at) : ''}</td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('GP actions')}<span>${gpActionsText(l)}</span></td>
      <td class="nhsuk-table__cell seam-cell-action" role="cell">
        <a class="nhsuk-link" href="letter.html?id=${encodeURIComponent(l.id)}">View<span class="nhsuk-u-visually-hidden"> ${kindText(l).toLowerCase()} for ${l.patient ? l.patient.family_name : `letter ${l.id}`}</span></a>
      </td>
    </tr>`;
}

function table(idAttr, caption, headings, rows) {
  return html`
    ${responsiveTable({
      id: idAttr,
      className: 'seam-worklist',
      caption: caption,
      headers: [headings.map((h) => html`<th class="nhsuk-table__header" scope="col" role="columnheader">${h || html`<span class="nhsuk-u-visually-hidden">Link</span>`}</th>`)],
      body: rows,
    })}`;
}

function byDue(a, b) {
  if (Boolean(a.overdue) !== Boolean(b.overdue)) return a.overdue ? -1 : 1;
  if ((b.escalation_level || 0) !== (a.escalation_level || 0)) return (b.escalation_level || 0) - (a.escalation_level || 0);
  return String(a.due_at || '').localeCompare(String(b.due_at || ''));
}

const SENT_PAGE_SIZE = 25;

// Previous / next through the sent letters (the API gives no total).
function pager(which, page, more) {
  if (page <= 1 && !more) return '';
  return html`
    <nav class="nhsuk-pagination" role="navigation" aria-label="Pagination">
      <ul class="nhsuk-list nhsuk-pagination__list">
        ${page > 1 ? html`<li class="nhsuk-pagination-item--previous"><a class="nhsuk-pagination__link nhsuk-pagination__link--prev" href="${sentUrl(which, page - 1)}" rel="prev"><span class="nhsuk-pagination__title">Previous<span class="nhsuk-u-visually-hidden"> page</span></span><span class="nhsuk-u-visually-hidden">:</span><span class="nhsuk-pagination__page">Page ${page - 1}</span></a></li>` : ''}
        ${more ? html`<li class="nhsuk-pagination-item--next"><a class="nhsuk-pagination__link nhsuk-pagination__link--next" href="${sentUrl(which, page + 1)}" rel="next"><span class="nhsuk-pagination__title">Next<span class="nhsuk-u-visually-hidden"> page</span></span><span class="nhsuk-u-visually-hidden">:</span><span class="nhsuk-pagination__page">Page ${page + 1}</span></a></li>` : ''}
      </ul>
    </nav>`;
}

function listOf(data) {
  return (data && (data.letters || data.items)) || [];
}

// One referral's letters: the patient's letters, narrowed to the referral.
async function referralLetters(referralId) {
  const r = await api(`/referrals/${encodeURIComponent(referralId)}`);
  const nhs = r.patient && r.patient.nhs_number;
  const data = await api('/letters', { query: { patient: nhs, page_size: 100 } });
  return { referral: r, all: listOf(data).filter((l) => String(l.referral_id) === String(referralId)) };
}

function sentUrl(which, page) {
  const q = new URLSearchParams();
  if (which === 'read') q.set('sent', 'read');
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return `letters.html${s ? `?${s}` : ''}#sent-heading`;
}

async function load() {
  const me = await startPage('letters.html');
  const referralId = param('referral');
  const practice = isPractice(me);
  const which = param('sent') === 'read' ? 'read' : 'sent';
  const page = Math.max(1, parseInt(param('page') || '1', 10) || 1);
  setTitle(referralId ? `Letters for referral ${referralId}` : 'Letters');
  if (referralId) {
    breadcrumb.innerHTML = html`
      <nav class="nhsuk-breadcrumb" aria-label="Breadcrumb">
        <ol class="nhsuk-breadcrumb__list">
          <li class="nhsuk-breadcrumb__list-item"><a class="nhsuk-breadcrumb__link" href="referral.html?id=${encodeURIComponent(referralId)}">Referral ${referralId}</a></li>
        </ol>
        <a class="nhsuk-back-link" href="referral.html?id=${encodeURIComponent(referralId)}"><span class="nhsuk-u-visually-hidden">Back to </span>Referral ${referralId}</a>
      </nav>`.s;
  }
  let due = [];
  let sent = [];
  let more = false;
  let referral = null;
  try {
    if (referralId) {
      const got = await referralLetters(referralId);
      referral = got.referral;
      due = got.all.filter((l) => l.status === 'due');
      sent = got.all.filter((l) => l.status !== 'due');
    } else {
      const [d, s2] = await Promise.all([
        practice ? null : api('/letters', { query: { status: 'due', page_size: 100 } }),
        api('/letters', { query: { status: which, page, page_size: SENT_PAGE_SIZE } }),
      ]);
      due = listOf(d);
      sent = listOf(s2);
      more = sent.length === SENT_PAGE_SIZE;
    }
  } catch (e) {
    render(view, html`<h1>Letters</h1>`);
    showErrorSummary(errors, [{ text: e.status === 404 ? 'There is no such referral, or you cannot see it.' : e.message }]);
    return;
  }
  due.sort(byDue);
  sent.sort((a, b) => String(b.sent_at || '').localeCompare(String(a.sent_at || '')));
  const overdue = due.filter((l) => l.overdue).length;
  const org = (me.organisation && me.organisation.name) || '';
  const h1 = referral ? `Letters for ${patientName(referral.patient)}` : 'Letters';

  render(view, html`
    ${referral ? html`<span class="nhsuk-caption-l">Referral ${referral.id} · ${(referral.service && referral.service.name) || ''}</span>` : ''}
    <h1>${h1}</h1>
    <p class="nhsuk-body-l">${practice
      ? `Letters hospitals have sent to ${org} about this referral.`
      : html`Clinic letters and discharge summaries ${org} owes GPs. A letter is due from the moment the patient is seen or discharged.`}</p>
    ${practice ? '' : html`
      <h2 class="nhsuk-heading-m" id="due-heading">Due to be written <span class="nhsuk-u-secondary-text-colour nhsuk-u-font-weight-normal">(${due.length})</span></h2>
      ${due.length ? html`
        <p class="nhsuk-body" id="due-count" role="status"><strong>${due.length} letter${due.length === 1 ? '' : 's'} due</strong>${overdue ? html`, <strong class="seam-text-red">${overdue} overdue</strong>` : ''}. Overdue letters are first.</p>
        ${table('due-table', 'Letters due, overdue first', ['Flag', 'Letter', 'Patient', 'Service', 'Seen or discharged', 'Due by', ''], due.map(dueRow))}`
      : emptyState('due-empty', 'No letters are due.', null)}`}
    <h2 class="nhsuk-heading-m nhsuk-u-margin-top-7" id="sent-heading">${referral ? 'Sent' : which === 'read' ? 'Sent and read by the GP' : 'Sent, not yet read by the GP'}</h2>
    ${referral ? '' : html`<p class="nhsuk-body">${which === 'read'
      ? html`<a href="${sentUrl('sent', 1)}" id="show-unread">Show letters not yet read</a>`
      : html`<a href="${sentUrl('read', 1)}" id="show-read">Show letters the GP has read</a>`}</p>`}
    ${sent.length
      ? table('sent-table', 'Letters sent', ['Letter', 'Patient', 'Service', 'Sent', 'GP actions', ''], sent.map(sentRow))
      : emptyState('sent-empty', page > 1 ? 'No more letters.' : 'No letters to show.', null)}
    ${referral ? '' : pager(which, page, more)}
    ${referralId ? html`<p><a href="${practice ? 'inbox.html' : 'letters.html'}">${practice ? 'Go to your inbox' : 'See all letters'}</a></p>` : ''}
  `);
}

load();
