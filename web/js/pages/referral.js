// referral.js - one referral: who holds it now, its details, its history,
// and the actions the signed-in role may take in its current state.

import { submitAction } from '../components/action-form.js';
import { holderCard, holderEnded } from '../components/holder.js';
import {
  loadObject, objectHeading, pageParts, startObjectPage,
} from '../components/object-page.js';
import {
  OPEN_STATUSES, overdueTags, priorityTag, returnReasonLabel, statusLabel, statusTag, taskKindLabel,
} from '../components/status-tags.js';
import {
  banner as showBanner, patientRow, personText, pre, row, serviceText,
} from '../components/summary.js';
import { api } from '../lib/api.js';
import { param, setTitle } from '../lib/dom.js';
import { formatDate, formatDateTime, formatNhsNumber, patientName, timeEl } from '../lib/format.js';
import { html, render } from '../lib/html.js';
import {
  atPracticeOf, atTrustOf, homeFor, isCareTeam, isClinical, isPractice, roleLabel,
} from '../lib/roles.js';
import { FORMS } from './referral-actions.js';
import { actionForms } from './referral-forms.js';
import { timeline } from './referral-history.js';

const parts = pageParts('referral');
const { notice, errors, view } = parts;

let id = null;
let me = null;
let referral = null;
let services = null; // for redirect and onward referral, loaded on demand

function banner(text, title) {
  showBanner(notice, text, title);
}

// ---------------------------------------------------------------------------
// Who holds it.

const NEXT_STEP = {
  triage: 'Triage the referral: accept, return with advice, redirect, or convert to advice and guidance',
  booking: 'Book an appointment',
  attendance: 'Record whether the patient attended',
  outcome: 'Record the outcome',
  review_return: 'Review the advice, then resubmit, ask for advice instead, or close the referral',
};

function holderPanel(r) {
  const o = r.owner;
  if (!o) {
    return holderEnded(html`Nobody. This referral has ended: <strong>${statusLabel(r.status).toLowerCase()}</strong>${r.updated_at ? html` on ${timeEl(r.updated_at)}` : ''}.`);
  }
  return holderCard(r, {
    org: o.organisation || {},
    role: html`${o.service && o.service.name ? html`${o.service.name} · ` : ''}${roleLabel(o.role)}`,
    nextStep: o.task ? NEXT_STEP[o.task] || taskKindLabel(o.task) : '',
  });
}

function returnPanel(r) {
  if (r.status !== 'returned' || !r.return) return '';
  const ret = r.return;
  return html`
    <div class="nhsuk-card nhsuk-card--warning" id="return-advice">
      <div class="nhsuk-card__content">
        <h2 class="nhsuk-card__heading">
          <span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>Returned with advice</span>
        </h2>
        <h3 class="nhsuk-heading-xs nhsuk-u-margin-bottom-1">Reason</h3>
        ${ret.reason_code ? html`<p class="nhsuk-body nhsuk-u-margin-bottom-2" id="return-reason-code"><strong>${returnReasonLabel(ret.reason_code)}</strong></p>` : ''}
        ${pre(ret.reason || '')}
        <h3 class="nhsuk-heading-xs nhsuk-u-margin-bottom-1 nhsuk-u-margin-top-4">Advice for the GP</h3>
        ${pre(ret.advice || '', 'return-advice-text')}
        <p class="nhsuk-body-s nhsuk-u-secondary-text-colour nhsuk-u-margin-top-4 nhsuk-u-margin-bottom-0">
          Returned${ret.by ? ` by ${personText(ret.by)}` : ''}${ret.at ? html` on ${timeEl(ret.at)}` : ''}.
          ${me.role === 'gp' ? 'Resubmit with your answer, ask the specialist for advice instead, or close the referral, below.' : ''}
        </p>
      </div>
    </div>`;
}

function details(r) {
  const p = r.patient || {};
  const svc = r.service || {};
  const trust = svc.trust || {};
  const req = r.requester || {};
  return html`
    <h2 class="nhsuk-heading-m">Referral details</h2>
    <dl class="nhsuk-summary-list" id="referral-details">
      ${patientRow(p)}
      ${row('Service', html`${svc.name || ''}${svc.specialty && svc.specialty !== svc.name ? ` (${svc.specialty})` : ''}`)}
      ${row('Trust', html`${trust.name || ''}${trust.code ? ` (${trust.code})` : ''}`)}
      ${r.advice_id ? row('Advice and guidance', html`<a href="advice.html?id=${encodeURIComponent(r.advice_id)}" id="advice-link">Advice request ${r.advice_id}</a> <span class="nhsuk-u-secondary-text-colour">(${r.status === 'converted_to_advice' ? 'this referral became an advice request' : 'the conversation this referral came from'})</span>`, html` id="advice-row"`) : ''}
      ${r.onward_from ? row('Onward referral from', html`<a href="referral.html?id=${encodeURIComponent(r.onward_from)}" id="onward-from-link">Referral ${r.onward_from}</a>${r.same_condition === true ? html` <span class="nhsuk-u-secondary-text-colour">(same condition: the waiting time clock carried over)</span>` : r.same_condition === false ? html` <span class="nhsuk-u-secondary-text-colour">(a new condition: a new waiting time clock)</span>` : ''}`, html` id="onward-row"`) : ''}
      ${r.original_service ? row('Originally sent to', html`${serviceText(r.original_service)} <span class="nhsuk-u-secondary-text-colour">(redirected at triage)</span>`) : ''}
      ${row('Priority', priorityTag(r.priority))}
      ${row('Status', statusTag(r.status), html` id="status-row"`)}
      ${row('Clock start', r.clock_start ? html`${formatDate(r.clock_start)} <span class="nhsuk-u-secondary-text-colour">(referral to treatment)</span>` : '')}
      ${row('Pathway', r.pathway_id ? html`<span class="nhsuk-u-nowrap">${r.pathway_id}</span>` : '')}
      ${row('Referred by', html`${req.display_name || req.username || ''}${req.organisation && req.organisation.name ? html`<br>${req.organisation.name}` : ''}${r.created_at ? html`<br><span class="nhsuk-u-secondary-text-colour">${formatDateTime(r.created_at)}</span>` : ''}`)}
      ${row('Reason', r.reason)}
      ${row('Clinical summary', r.clinical_summary ? pre(r.clinical_summary) : '')}
      ${r.triage_comment && !(r.status === 'returned' && r.return && r.return.reason === r.triage_comment) ? row('Triage comment', pre(r.triage_comment)) : ''}
      ${r.appointment_at ? row('Appointment', timeEl(r.appointment_at, { weekday: true })) : ''}
      ${r.return && r.status !== 'returned' ? row('Previously returned', html`${r.return.reason_code ? html`<strong>${returnReasonLabel(r.return.reason_code)}</strong>` : ''}${pre(r.return.reason || '')}<strong>Advice for the GP:</strong> ${pre(r.return.advice || '')}`) : ''}
      ${['attended', 'discharged'].includes(r.status) && me.role !== 'patient' ? row('Letters to the GP', html`<a href="letters.html?referral=${encodeURIComponent(r.id)}" id="letters-link">Clinic letters and discharge summaries for this referral</a>`, html` id="letters-row"`) : ''}
      ${row('Withdrawal reason', r.withdraw_reason ? pre(r.withdraw_reason) : '')}
      ${row('Last updated', r.updated_at ? formatDateTime(r.updated_at) : '')}
    </dl>`;
}

// ---------------------------------------------------------------------------
// Actions.

function availableActions(r) {
  const staff = isCareTeam(me) && atTrustOf(me, r);
  const clinical = staff && isClinical(me);
  const gp = isPractice(me) && atPracticeOf(me, r);
  const out = [];
  if (r.status === 'awaiting_triage' && clinical) out.push('triage');
  if (r.status === 'awaiting_booking' && staff) out.push('book');
  if (r.status === 'booked' && staff) out.push('attend');
  if (r.status === 'booked' && staff) out.push('dna');
  if (r.status === 'attended' && clinical) out.push('discharge', 'order', 'follow-up');
  if (r.status === 'returned' && gp && me.role === 'gp') out.push('returned');
  if (['awaiting_booking', 'booked', 'attended'].includes(r.status) && clinical) out.push('onward');
  if (OPEN_STATUSES.includes(r.status) && (gp || clinical)) out.push('withdraw');
  return out;
}

function actions(r) {
  const list = availableActions(r);
  return list.length ? actionForms(list, r, services) : '';
}

async function onSubmit(ev) {
  const form = ev.target.closest('form');
  const spec = form && FORMS[form.id];
  if (!spec) return;
  ev.preventDefault();
  const c = { id, referral, services };
  await submitAction(form, {
    ...spec,
    body: (f) => spec.body(f, c),
    success: (b, r) => spec.success(b, r, c),
  }, {
    parts,
    url: spec.url ? spec.url() : `/referrals/${encodeURIComponent(id)}/${spec.path}`,
    version: referral.version,
    noun: 'referral',
    href: `referral.html?id=${id}`,
    reload: () => load({ quiet: true }),
    answer: (out) => out || referral,
  });
}

// ---------------------------------------------------------------------------
// Page.

function crumbs(m) {
  const home = homeFor(m);
  const label = home === 'worklist.html' ? 'Worklist' : m.role === 'patient' ? 'My referrals' : 'Referrals';
  const links = [{ href: home, text: label }];
  if (home !== 'referrals.html') links.push({ href: 'referrals.html', text: 'Referrals' });
  return { links, back: { href: home, text: label } };
}

function renderReferral(r, events, historyError) {
  const p = r.patient || {};
  const svc = r.service || {};
  setTitle(`Referral ${r.id}: ${patientName(p)}`);
  render(view, html`
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-two-thirds">
        ${objectHeading(html`Referral ${r.id} · <span class="nhsuk-u-nowrap">NHS number ${formatNhsNumber(p.nhs_number)}</span>`,
          me.role === 'patient' ? `Your referral to ${svc.name || 'hospital'}` : `${svc.name || 'Referral'} for ${patientName(p)}`,
          html`${statusTag(r.status)} ${priorityTag(r.priority)} ${overdueTags(r)}`)}
        ${holderPanel(r)}
        ${returnPanel(r)}
        ${details(r)}
        ${actions(r)}
        <h2 class="nhsuk-heading-m nhsuk-u-margin-top-7">History</h2>
        ${historyError ? html`<p class="nhsuk-error-message">The history could not be loaded: ${historyError.message}</p>` : timeline(events)}
      </div>
    </div>`);
}

async function load({ quiet = false } = {}) {
  let historyError = null;
  const [r, hist] = await Promise.all([
    loadObject(`/referrals/${encodeURIComponent(id)}`, { parts, what: 'Referral', noun: 'referral', id, quiet }),
    api(`/referrals/${encodeURIComponent(id)}/history`).catch((e) => { historyError = e; return null; }),
  ]);
  if (!r) return false;
  referral = r;
  const needServices = availableActions(r).some((a) => a === 'triage' || a === 'onward') && services === null;
  if (needServices) {
    try {
      const data = await api('/services', { query: { accepts_referrals: 'true' } });
      services = (data && data.services) || [];
    } catch {
      services = null;
    }
  }
  renderReferral(r, (hist && hist.events) || [], historyError);
  return true;
}

async function main() {
  const ok = await startObjectPage({
    nav: '',
    parts,
    crumbs,
    what: 'Referral',
    missing: 'No referral was given. Open a referral from your worklist or referrals list.',
    started: (s) => { ({ me, id } = s); },
    on: { submit: onSubmit },
    load,
    focus: !param('created'),
  });
  if (ok && param('created')) {
    // Say it once: a reload should not announce it again.
    window.history.replaceState(null, '', `referral.html?id=${encodeURIComponent(id)}`);
    banner(`Referral sent to ${serviceText(referral.service)}.`);
  }
}

main();
