// worklist.js - the signed-in user's open tasks: overdue first, then the
// most escalated, then the earliest due.

import { startPage } from '../components/header.js';
import { pagination } from '../components/paging.js';
import {
  ADVICE_TASK_KINDS, escalationText, overdueTags, priorityTag, taskKindLabel,
} from '../components/status-tags.js';
import { cellHeading } from '../components/summary.js';
import { responsiveTable } from '../components/table.js';
import { api } from '../lib/api.js';
import { param, setTitle } from '../lib/dom.js';
import { showErrorSummary } from '../lib/error-summary.js';
import { formatNhsNumber, patientName, timeEl } from '../lib/format.js';
import { html, render } from '../lib/html.js';
import { isPractice, isTrust, roleLabel } from '../lib/roles.js';

const main = document.getElementById('maincontent');
let me = null;

function introFor(me) {
  const org = (me.organisation && me.organisation.name) || 'your organisation';
  const svc = me.service && me.service.name ? `${me.service.name}, ` : '';
  switch (me.role) {
    case 'triager': return `Referrals waiting for triage, and GPs' requests for advice waiting for an answer, at ${svc}${org}.`;
    case 'booking': return `Accepted referrals waiting for an appointment, and follow-ups to arrange, at ${org}.`;
    case 'clinician': return `Attendances and outcomes to record, results to review, letters to write, and actions GPs declined that the clinic must arrange, for ${svc}${org}.`;
    case 'gp':
    case 'practice_admin': return `Work the hospital has asked ${org} to do and you have not yet answered. Your inbox has everything, including letters for information.`;
    case 'interface_lead': return `Work at ${org} that is two or more working days late and has been escalated to you as interface lead.`;
    case 'icb_analyst': return 'Work across the ICB that is five or more working days late and has been escalated to the ICB.';
    default: return `Open tasks for ${roleLabel(me.role).toLowerCase()}s at ${org}.`;
  }
}

// What a task is about: a referral, an advice and guidance request, or
// (complete care) a test order, a result, a letter or a follow-up.
const SUBJECTS = {
  referral: { noun: 'referral', label: null, href: (id) => `referral.html?id=${encodeURIComponent(id)}` },
  advice: { noun: 'advice request', label: 'Advice and guidance', href: (id) => `advice.html?id=${encodeURIComponent(id)}` },
  order: { noun: 'test order', label: 'Test ordered', href: () => 'results.html' },
  result: { noun: 'result', label: 'Test result', href: (id) => `result.html?id=${encodeURIComponent(id)}` },
  letter: { noun: 'letter', label: 'Letter to the GP', href: (id) => `letter.html?id=${encodeURIComponent(id)}` },
  follow_up: { noun: 'follow-up', label: 'Follow-up', href: (id) => `follow-ups.html#follow-up-${encodeURIComponent(id)}` },
  // a GP action the GP declined: the id is its letter's; the action's number is n
  gp_action: { noun: 'declined GP action', label: 'Declined by the GP', href: (id, r) => `letter.html?id=${encodeURIComponent(id)}#gp-action-${encodeURIComponent(id)}-${encodeURIComponent((r && r.n) || '')}` },
};

function subjectOf(t) {
  if (t.subject && SUBJECTS[t.subject]) return t.subject;
  if (t.advice || ADVICE_TASK_KINDS.includes(t.kind)) return 'advice';
  return 'referral';
}

function row(t) {
  const subject = subjectOf(t);
  const sd = SUBJECTS[subject];
  const r = t[subject] || {};
  const p = r.patient || {};
  const svc = r.service || {};
  const id = r.id != null ? r.id : t[`${subject}_id`];
  const noun = sd.noun;
  const href = sd.href(id, r);
  const escalated = escalationText(t.escalation_level || 0, t.escalated_to);
  return html`
    <tr class="nhsuk-table__row${t.overdue ? ' seam-row--overdue' : ''}" role="row" data-task-id="${t.id}" data-kind="${t.kind}" data-subject="${subject}" data-${subject.replace('_', '-')}-id="${id}">
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Flag')}<span>${t.overdue || escalated ? overdueTags(t) : html`<span class="nhsuk-u-secondary-text-colour nhsuk-u-nowrap">On time</span>`}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Task')}<span><strong>${taskKindLabel(t.kind)}</strong>${sd.label ? html`<br><span class="nhsuk-u-secondary-text-colour nhsuk-u-font-size-16">${sd.label}${subject === 'gp_action' ? html`: letter ${r.letter_id}, action ${r.n}` : ''}</span>` : ''}${subject === 'gp_action' && r.reason ? html`<br><span class="nhsuk-u-font-size-16 seam-gp-action-task-text">${r.reason}</span>` : ''}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Patient')}<span>${patientName(p) || `${noun.charAt(0).toUpperCase()}${noun.slice(1)} ${id}`}<br><span class="nhsuk-u-secondary-text-colour nhsuk-u-nowrap nhsuk-u-font-size-16">${formatNhsNumber(p.nhs_number)}</span></span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Priority')}${r.priority ? priorityTag(r.priority, { short: true }) : ''}</td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Service')}<span>${svc.name || ''}${svc.trust && svc.trust.name && svc.trust.code !== (me.organisation && me.organisation.code) ? html`<br><span class="nhsuk-u-secondary-text-colour nhsuk-u-font-size-16">${svc.trust.name}</span>` : ''}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Due')}${t.due_at ? timeEl(t.due_at) : ''}</td>
      <td class="nhsuk-table__cell seam-cell-action" role="cell">
        <a class="nhsuk-link" href="${href}">Open<span class="nhsuk-u-visually-hidden"> ${taskKindLabel(t.kind).toLowerCase()} task for ${patientName(p) || `${noun} ${id}`}</span></a>
      </td>
    </tr>`;
}

async function load() {
  me = await startPage('worklist.html');
  setTitle('Worklist');
  const page = Math.max(1, parseInt(param('page') || '1', 10) || 1);
  let data;
  try {
    data = await api('/worklist', { query: { page: page > 1 ? page : undefined } });
  } catch (e) {
    render(main, html`<h1>Your worklist</h1><div id="errors"></div>`);
    showErrorSummary(document.getElementById('errors'), [{ text: e.message }]);
    return;
  }
  const tasks = (data && data.tasks) || [];
  const overdue = tasks.filter((t) => t.overdue).length;
  // The worklist comes a page at a time (page, page_size, total).
  const total = typeof data.total === 'number' ? data.total : tasks.length;
  const size = data.page_size || tasks.length || 1;
  const current = data.page || page;
  const pages = Math.max(1, Math.ceil(total / size));
  const first = (current - 1) * size + 1;
  render(main, html`
    <h1>Your worklist</h1>
    <p class="nhsuk-body-l">${introFor(me)}</p>
    ${tasks.length ? html`
      <p class="nhsuk-body" id="task-count" role="status">
        ${pages > 1
          ? html`<strong>${total} tasks</strong>: showing ${first} to ${first + tasks.length - 1}${overdue ? html`, <strong class="seam-text-red">${overdue} of them overdue</strong>` : ''}.`
          : html`<strong>${tasks.length} task${tasks.length === 1 ? '' : 's'}</strong>${overdue ? html`, <strong class="seam-text-red">${overdue} overdue</strong>` : ''}.`}
      </p>
      ${responsiveTable({
        id: 'worklist-table',
        className: 'seam-worklist',
        caption: 'Open tasks, most urgent first',
        headers: ['Flag', 'Task', 'Patient', 'Priority', 'Service', 'Due', { hidden: 'Link' }],
        body: tasks.map(row),
      })}
      ${pagination((n) => (n > 1 ? `worklist.html?page=${n}` : 'worklist.html'), current, pages)}`
    : html`
      <div class="nhsuk-inset-text" id="empty-state">
        <span class="nhsuk-u-visually-hidden">Information: </span>
        <p><strong>There is nothing on your worklist.</strong></p>
        <p>A task appears here when a referral, an advice request, a result, a letter or a follow-up needs you to act, with the time it is due by. Overdue work rises to the top.</p>
      </div>`}
    <p><a href="referrals.html">See all referrals you can view</a>${isPractice(me) || isTrust(me) ? html` · <a href="advice-list.html">See advice and guidance requests</a>` : ''}</p>
  `);
}

load();
