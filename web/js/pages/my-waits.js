// my-waits.js - a patient's own waits for hospital treatment (GET
// /waiting-list answers a patient with their own pathways): where, how long
// so far, how soon the hospital says they need treatment, how long most
// people wait for that service, and who to call.

import { startPage } from '../components/header.js';
import { row } from '../components/summary.js';
import { api } from '../lib/api.js';
import { setTitle } from '../lib/dom.js';
import { showErrorSummary } from '../lib/error-summary.js';
import { formatDate } from '../lib/format.js';
import { html, render } from '../lib/html.js';
import { estimatedWait, estimatedWaitPlain, priorityInfo, weeksText } from '../lib/rtt.js';

const main = document.getElementById('maincontent');

function priorityPlain(p) {
  if (!p || !p.code) {
    return 'The hospital has not yet said how soon you need treatment. This usually happens after your first appointment.';
  }
  const info = priorityInfo(p.code);
  const what = info ? info.plain : (p.label || p.code).toLowerCase();
  return html`Your hospital team says ${what}${p.treat_by && p.code !== 'P6' ? html`: by <strong>${formatDate(p.treat_by)}</strong>` : ''}.`;
}

function card(pw, contact, ew) {
  const svc = pw.service || {};
  const trust = pw.trust || {};
  return html`
    <div class="nhsuk-card seam-my-wait" id="my-wait-${pw.id}" data-pathway-id="${pw.id}">
      <div class="nhsuk-card__content">
        <h2 class="nhsuk-card__heading nhsuk-heading-m">${svc.name || 'Hospital treatment'}<span class="nhsuk-caption-m nhsuk-caption--bottom">${trust.name || ''}</span></h2>
        <dl class="nhsuk-summary-list nhsuk-u-margin-bottom-0">
          ${row('Waiting so far', html`<strong class="seam-my-wait__weeks">${weeksText(pw.weeks_waited)}</strong><br><span class="nhsuk-body-s">Since ${formatDate(pw.clock_start)}, when the hospital got your referral</span>`)}
          ${row('How soon you need treatment', html`<span class="seam-my-wait__priority">${priorityPlain(pw.priority)}</span>`)}
          ${row('Next appointment', pw.next_activity ? formatDate(pw.next_activity) : 'Not booked yet. The hospital will contact you.')}
          ${row('How long people usually wait', html`<span class="seam-my-wait__estimate">${ew ? estimatedWaitPlain(ew) : 'We cannot estimate this at the moment.'}</span>`)}
          ${row('Who to contact', html`<span class="seam-my-wait__contact">${contact || `${trust.name || 'The hospital'}: use the phone number on your appointment letter.`}</span>`)}
        </dl>
      </div>
    </div>`;
}

async function load() {
  const me = await startPage('my-waits.html');
  setTitle('My waiting times');
  if (me.role !== 'patient') {
    window.location.replace('waiting-list.html');
    return;
  }
  let items;
  let services = [];
  try {
    const [list, svc] = await Promise.all([
      api('/waiting-list', { query: { page_size: 50 } }),
      api('/services').catch(() => null),
    ]);
    items = (list && list.items) || [];
    services = (svc && svc.services) || [];
  } catch (e) {
    render(main, html`<h1>Your waiting times</h1><div id="errors"></div>`);
    showErrorSummary(document.getElementById('errors'), [{ text: e.message }]);
    return;
  }
  const contacts = new Map(services.map((s) => [String(s.id), s.patient_contact]));
  const estimates = await Promise.all(items.map((pw) => (pw.service ? estimatedWait(pw.service.id).catch(() => null) : null)));

  render(main, html`
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-two-thirds">
        <h1>Your waiting times</h1>
        <p class="nhsuk-body-l">How long you have been waiting for hospital treatment, and how long people usually wait.</p>
        ${items.length ? items.map((pw, i) => card(pw, (pw.service && pw.service.patient_contact) || contacts.get(String(pw.service && pw.service.id)), estimates[i]))
          : html`
          <div class="nhsuk-inset-text" id="empty-state">
            <span class="nhsuk-u-visually-hidden">Information: </span>
            <p>You are not waiting for any hospital treatment that we know of.</p>
          </div>`}
        <div class="nhsuk-card nhsuk-card--care nhsuk-card--care--non-urgent nhsuk-u-margin-top-6" id="if-worse">
          <div class="nhsuk-card__heading-container">
            <h2 class="nhsuk-card__heading"><span role="text"><span class="nhsuk-u-visually-hidden">Non-urgent advice: </span>If your symptoms get worse while you wait</span></h2>
            <span class="nhsuk-card--care__arrow" aria-hidden="true"></span>
          </div>
          <div class="nhsuk-card__content">
            <p>Contact your GP practice. They can ask the hospital to look again at how soon you need treatment.</p>
            <p class="nhsuk-u-margin-bottom-0">For urgent help, use NHS 111. In an emergency, call 999.</p>
          </div>
        </div>
        <p class="nhsuk-body-s nhsuk-u-margin-top-4"><a href="referrals.html">See your referrals</a></p>
      </div>
    </div>`);
}

load();
