// letter.js - one clinic letter or discharge summary.  While it is due the
// hospital writes and sends it here (diagnosis, medication, what the
// hospital will do, and any actions for the GP, each with a reason), and
// may issue a fit note with it (or later: a fit note can be issued and
// attached at any time).  Once sent, the GP reads it, accepts or declines
// each action, and marks it read; an action the GP declines stays with the
// hospital until a clinician of the service records what was done.

import { actionDetails, actionSection, sendForm } from '../components/action-form.js';
import { gpActionList, handleGpActionSubmit } from '../components/gp-actions.js';
import { holderCard } from '../components/holder.js';
import { loadObject, objectHeading, pageParts, startObjectPage } from '../components/object-page.js';
import { LETTER_KINDS, LETTER_STATUS, overdueTags, tagFrom } from '../components/status-tags.js';
import { banner, patientRow, personName, pre, row, serviceText } from '../components/summary.js';
import { setTitle } from '../lib/dom.js';
import { clearErrors } from '../lib/error-summary.js';
import { formatDate, patientName, timeEl } from '../lib/format.js';
import { textarea, val } from '../lib/forms.js';
import { html, render } from '../lib/html.js';
import { atPracticeOf, homeFor, isClinicianOf, isPractice, roleLabel } from '../lib/roles.js';

const parts = pageParts();
const { notice, errors, view } = parts;

let id = null;
let me = null;
let letter = null;

function kindText(l) {
  return LETTER_KINDS[l.kind] || 'Letter';
}

function atPractice(l) {
  return isPractice(me) && atPracticeOf(me, l);
}

// ---------------------------------------------------------------------------
// Reading.

function holderPanel(l) {
  if (l.status !== 'due') return '';
  const o = l.owner || {};
  return holderCard(l, {
    org: o.organisation || (l.service && l.service.trust) || {},
    role: `${(o.service && o.service.name) || (l.service && l.service.name) || ''} · ${roleLabel(o.role || 'clinician')}`,
    nextStep: l.kind === 'discharge' ? 'Write and send the discharge summary to the GP' : 'Write and send the clinic letter to the GP',
  });
}

function details(l) {
  return html`
    <h2 class="nhsuk-heading-m">About this ${l.kind === 'discharge' ? 'discharge summary' : 'letter'}</h2>
    <dl class="nhsuk-summary-list" id="letter-details">
      ${patientRow(l.patient)}
      ${row('From', serviceText(l.service))}
      ${l.referral_id ? row('Referral', html`<a href="referral.html?id=${encodeURIComponent(l.referral_id)}" id="referral-link">Referral ${l.referral_id}</a>`) : ''}
      ${row(l.kind === 'discharge' ? 'Discharged' : 'Seen in clinic', l.event_at ? timeEl(l.event_at) : '')}
      ${row('Status', html`${tagFrom(LETTER_STATUS, l.status)}${l.late ? html` <strong class="nhsuk-tag nhsuk-tag--red">Sent late</strong>` : ''}`, html` id="status-row"`)}
      ${l.status === 'due' ? '' : row('Sent', html`${l.sent_at ? timeEl(l.sent_at) : ''}${l.author ? html` by ${personName(l.author)}` : ''}${l.late === true ? html`<br><strong class="seam-text-red">Sent after it was due</strong>` : l.late === false ? html`<br><span class="nhsuk-u-secondary-text-colour">Sent on time</span>` : ''}`)}
      ${l.read_at ? row('Read by the practice', timeEl(l.read_at)) : ''}
    </dl>`;
}

function fitNoteBlock(fn) {
  if (!fn) return '';
  return html`
    <div class="nhsuk-card seam-fit-note" id="fit-note">
      <div class="nhsuk-card__content">
        <h3 class="nhsuk-card__heading nhsuk-heading-s">Fit note issued by the hospital</h3>
        <dl class="nhsuk-summary-list nhsuk-summary-list--no-border nhsuk-u-margin-bottom-0">
          ${row('Not fit for work', html`${fn.from ? formatDate(fn.from) : ''} to ${fn.to ? formatDate(fn.to) : ''}`)}
          ${row('Condition', fn.condition || '')}
          ${fn.issued_by || fn.by ? row('Issued by', personName(fn.issued_by || fn.by)) : ''}
        </dl>
      </div>
    </div>`;
}

function content(l) {
  if (l.status === 'due') return '';
  const actions = l.gp_actions || [];
  const canDecide = me.role === 'gp' && atPractice(l);
  const canResolve = me.role === 'clinician' && isClinicianOf(me, l);
  const pending = actions.filter((a) => a.status === 'pending').length;
  const withHospital = actions.filter((a) => a.status === 'declined').length;
  return html`
    <h2 class="nhsuk-heading-m">The ${l.kind === 'discharge' ? 'discharge summary' : 'letter'}</h2>
    <dl class="nhsuk-summary-list" id="letter-content">
      ${row('Diagnosis', pre(l.diagnosis || ''))}
      ${row('Medication changes', l.medication_changes ? pre(l.medication_changes) : html`<span class="nhsuk-u-secondary-text-colour">None</span>`)}
      ${l.kind === 'discharge' || (l.days_medication_supplied !== null && l.days_medication_supplied !== undefined)
        ? row('Medication supplied', l.days_medication_supplied !== null && l.days_medication_supplied !== undefined ? `${l.days_medication_supplied} day${l.days_medication_supplied === 1 ? '' : 's'}` : '') : ''}
      ${row('What the hospital will do', pre(l.hospital_actions || ''))}
    </dl>
    ${fitNoteBlock(l.fit_note)}
    <h2 class="nhsuk-heading-m" id="gp-actions-heading">Actions for the GP</h2>
    ${actions.length ? html`
      <p class="nhsuk-body">${canDecide && pending
        ? `The hospital asks the practice to do ${actions.length === 1 ? 'this' : 'these'}. Accept or decline each one; if you decline, say why and the hospital keeps the work.`
        : 'Each action needs the GP practice to accept it; until then the hospital still holds it. An action the GP declines stays with the hospital until a clinician records what was done.'}</p>
      ${canResolve && withHospital ? html`<p class="nhsuk-body" id="resolve-intro"><strong>${withHospital === 1 ? 'One action was' : `${withHospital} actions were`} declined by the GP.</strong> The clinic keeps ${withHospital === 1 ? 'it' : 'them'}: arrange ${withHospital === 1 ? 'it' : 'them'}, or agree another way, and record what was done.</p>` : ''}
      ${gpActionList(l.id, actions, { canDecide, canResolve })}`
    : html`<p class="nhsuk-body" id="no-gp-actions">None. The hospital does not ask the practice to do anything.</p>`}
    ${atPractice(l) && l.status === 'sent' ? html`
      ${actionSection('read', 'Mark as read', html`
        <p>Marking it read takes it out of the practice's inbox.${pending ? ' Actions still waiting for a decision stay in the inbox.' : ''}</p>
        <button class="nhsuk-button nhsuk-button--secondary" type="submit">Mark as read</button>
    `)}` : ''}`;
}

// ---------------------------------------------------------------------------
// Writing (due letters, hospital staff).

function actionRow(i) {
  return html`
    <fieldset class="nhsuk-fieldset seam-gp-action-row" data-index="${i}">
      <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">GP action ${i + 1}</legend>
      <div class="nhsuk-form-group">
        <label class="nhsuk-label" for="gp-action-text-${i}">What should the GP do?</label>
        <input class="nhsuk-input" id="gp-action-text-${i}" name="gp-action-text" type="text" autocomplete="off">
      </div>
      <div class="nhsuk-form-group">
        <label class="nhsuk-label" for="gp-action-reason-${i}">Why (required)</label>
        <div class="nhsuk-hint" id="gp-action-reason-${i}-hint">Why the practice, not the hospital, should do it. The GP may decline.</div>
        <input class="nhsuk-input" id="gp-action-reason-${i}" name="gp-action-reason" type="text" autocomplete="off" aria-describedby="gp-action-reason-${i}-hint">
      </div>
      <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small seam-remove-action" type="button">Remove<span class="nhsuk-u-visually-hidden"> GP action ${i + 1}</span></button>
    </fieldset>`;
}

function sendForm_(l) {
  const discharge = l.kind === 'discharge';
  return html`
    <section class="seam-action" aria-labelledby="send-heading">
      <h2 class="nhsuk-heading-m" id="send-heading">Write and send the ${discharge ? 'discharge summary' : 'clinic letter'}</h2>
      <form id="send-form" novalidate>
        ${textarea('diagnosis', 'Diagnosis', 'What was found. Required.', { rows: 3 })}
        ${textarea('medication_changes', 'Medication changes', discharge
          ? 'Started, stopped or changed, with doses. If fewer than 7 days of medication were supplied, say why here.'
          : 'Started, stopped or changed, with doses. Leave empty if none.', { rows: 3 })}
        ${discharge ? html`
          <div class="nhsuk-form-group">
            <label class="nhsuk-label" for="days_medication_supplied">Days of medication supplied</label>
            <div class="nhsuk-hint" id="days_medication_supplied-hint">How many days of new medication the patient went home with. Required; 0 if none.</div>
            <input class="nhsuk-input nhsuk-input--width-4" id="days_medication_supplied" name="days_medication_supplied" type="text" inputmode="numeric" autocomplete="off" aria-describedby="days_medication_supplied-hint">
          </div>` : ''}
        ${textarea('hospital_actions', 'What the hospital will do', 'Tests, follow-up and prescribing the hospital keeps. Required.', { rows: 3 })}
        <h3 class="nhsuk-heading-s nhsuk-u-margin-bottom-2">Actions for the GP</h3>
        <p class="nhsuk-body" id="gp-actions-hint">Only what the practice must do. Each action needs a reason, and the GP may decline it: the hospital keeps work the GP declines. Leave this empty if there is nothing for the GP to do.</p>
        <div id="gp-action-rows"></div>
        <button class="nhsuk-button nhsuk-button--secondary" type="button" id="add-gp-action">Add an action for the GP</button>
        <div>
          <button class="nhsuk-button" type="submit">Send to the GP</button>
        </div>
      </form>
    </section>`;
}

function fitNoteForm(l) {
  if (l.fit_note) return '';
  return html`
    ${actionDetails('fit-note-details', html`Issue a fit note with this ${l.kind === 'discharge' ? 'discharge summary' : 'letter'}`, 'fit-note-form', html`
          <p>The hospital issues the fit note: the patient does not need to go back to the GP for one. It is attached to this ${l.kind === 'discharge' ? 'discharge summary' : 'letter'}${l.status === 'due' ? '' : ', and the GP sees it with it'}.</p>
          <div class="nhsuk-form-group">
            <label class="nhsuk-label" for="fit-from">Not fit for work from</label>
            <input class="nhsuk-input nhsuk-input--width-10" id="fit-from" name="fit-from" type="date">
          </div>
          <div class="nhsuk-form-group">
            <label class="nhsuk-label" for="fit-to">Until</label>
            <input class="nhsuk-input nhsuk-input--width-10" id="fit-to" name="fit-to" type="date">
          </div>
          <div class="nhsuk-form-group">
            <label class="nhsuk-label" for="fit-condition">Condition</label>
            <div class="nhsuk-hint" id="fit-condition-hint">As it should appear on the fit note.</div>
            <input class="nhsuk-input" id="fit-condition" name="fit-condition" type="text" autocomplete="off" aria-describedby="fit-condition-hint">
          </div>
          <button class="nhsuk-button nhsuk-button--secondary" type="submit">Issue fit note</button>
    `)}`;
}

function renumber() {
  const rows = view.querySelectorAll('.seam-gp-action-row');
  rows.forEach((fs, i) => {
    fs.dataset.index = String(i);
    fs.querySelector('legend').textContent = `GP action ${i + 1}`;
    const t = fs.querySelector('input[name="gp-action-text"]');
    const r = fs.querySelector('input[name="gp-action-reason"]');
    const h = fs.querySelector('.nhsuk-hint');
    t.id = `gp-action-text-${i}`;
    fs.querySelector(`label[for^="gp-action-text"]`).htmlFor = t.id;
    r.id = `gp-action-reason-${i}`;
    fs.querySelector(`label[for^="gp-action-reason"]`).htmlFor = r.id;
    h.id = `${r.id}-hint`;
    r.setAttribute('aria-describedby', h.id);
    fs.querySelector('.seam-remove-action .nhsuk-u-visually-hidden').textContent = ` GP action ${i + 1}`;
  });
  const add = document.getElementById('add-gp-action');
  if (add) add.textContent = rows.length ? 'Add another action for the GP' : 'Add an action for the GP';
}

function addActionRow() {
  const box = document.getElementById('gp-action-rows');
  const i = box.querySelectorAll('.seam-gp-action-row').length;
  box.insertAdjacentHTML('beforeend', actionRow(i).s);
  renumber();
  document.getElementById(`gp-action-text-${i}`).focus();
}

function gpActionsFromForm() {
  const out = [];
  const problems = [];
  view.querySelectorAll('.seam-gp-action-row').forEach((fs, i) => {
    const text = fs.querySelector('input[name="gp-action-text"]').value.trim();
    const reason = fs.querySelector('input[name="gp-action-reason"]').value.trim();
    if (!text && !reason) return;
    if (!text) problems.push({ id: `gp-action-text-${i}`, text: `Enter what the GP should do for GP action ${i + 1}` });
    if (!reason) problems.push({ id: `gp-action-reason-${i}`, text: `Enter why the GP should do GP action ${i + 1}` });
    out.push({ text, reason });
  });
  return { list: out, problems };
}

const SEND = {
  fields: {
    diagnosis: 'diagnosis', medication_changes: 'medication_changes', days_medication_supplied: 'days_medication_supplied',
    hospital_actions: 'hospital_actions', gp_actions: 'add-gp-action',
  },
  check(f) {
    const problems = [];
    if (letter.kind === 'discharge') {
      const d = val(f, 'days_medication_supplied');
      if (d !== '' && !/^\d+$/.test(d)) problems.push({ id: 'days_medication_supplied', text: 'Days of medication supplied must be a whole number, like 7' });
    }
    return problems.concat(gpActionsFromForm().problems);
  },
  body(f) {
    const b = {};
    for (const k of ['diagnosis', 'medication_changes', 'hospital_actions']) {
      const v = val(f, k);
      if (v) b[k] = v;
    }
    if (letter.kind === 'discharge') {
      const d = val(f, 'days_medication_supplied');
      if (d !== '') b.days_medication_supplied = Number(d);
    }
    b.gp_actions = gpActionsFromForm().list;
    return b;
  },
};

// ---------------------------------------------------------------------------
// Page.

function crumbs(m) {
  const home = homeFor(m);
  const back = isPractice(m) ? { href: 'inbox.html', text: 'Inbox' } : { href: 'letters.html', text: 'Letters' };
  const links = [{ href: home, text: home === 'inbox.html' ? 'Inbox' : 'Worklist' }];
  if (back.href !== home) links.push(back);
  return { links, back };
}

function renderLetter(l) {
  const p = l.patient || {};
  setTitle(`${kindText(l)}: ${patientName(p)}`);
  const writing = l.status === 'due' && isClinicianOf(me, l);
  render(view, html`
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-two-thirds">
        ${objectHeading(`${kindText(l)} ${l.id}${l.service && l.service.name ? ` · ${l.service.name}` : ''}`,
          `${kindText(l)} for ${patientName(p)}`,
          html`${tagFrom(LETTER_STATUS, l.status)}${l.late ? html` <strong class="nhsuk-tag nhsuk-tag--red">Sent late</strong>` : ''} ${l.status === 'due' ? overdueTags(l) : ''}`)}
        ${holderPanel(l)}
        ${details(l)}
        ${l.status === 'due' && !writing ? html`<p class="nhsuk-body">This ${l.kind === 'discharge' ? 'discharge summary' : 'letter'} has not been written yet.</p>` : ''}
        ${content(l)}
        ${writing ? html`${fitNoteBlock(l.fit_note)}${sendForm_(l)}` : ''}
        ${isClinicianOf(me, l) ? fitNoteForm(l) : ''}
      </div>
    </div>`);
  if (writing) addActionRow();
}

async function load() {
  const l = await loadObject(`/letters/${encodeURIComponent(id)}`, { parts, what: 'Letter', noun: 'letter', id });
  if (!l) return false;
  letter = l;
  renderLetter(letter);
  return true;
}

async function onSubmit(ev) {
  const form = ev.target.closest('form');
  if (!form) return;
  if (form.matches('.seam-gp-accept, .seam-gp-decline, .seam-gp-resolve')) {
    notice.innerHTML = '';
    const done = await handleGpActionSubmit(ev, errors, view);
    if (done) {
      await load();
      banner(notice, done.decision === 'accept' ? `You accepted GP action ${done.n}.`
        : done.decision === 'resolve' ? `You recorded what was done about GP action ${done.n}. The GP sees it on the letter.`
          : `You declined GP action ${done.n}. The hospital keeps it.`);
    }
    return;
  }
  ev.preventDefault();
  notice.innerHTML = '';
  if (form.id === 'send-form') {
    const out = await sendForm(form, { ...SEND, url: `/letters/${encodeURIComponent(id)}/send` }, errors, view);
    if (out) {
      await load();
      const n = (letter.gp_actions || []).length;
      banner(notice, `${kindText(letter)} sent to ${(letter.patient && letter.patient.practice && letter.patient.practice.name) || 'the GP practice'}${n ? ` with ${n} action${n === 1 ? '' : 's'} for the GP` : ''}.${letter.late ? ' It was sent after it was due.' : ''}`);
    }
  } else if (form.id === 'fit-note-form') {
    const out = await sendForm(form, {
      url: '/fit-notes',
      fields: { from: 'fit-from', to: 'fit-to', condition: 'fit-condition' },
      body(f) {
        const b = {
          patient_nhs_number: letter.patient && letter.patient.nhs_number,
          service_id: letter.service && letter.service.id,
          setting: letter.kind === 'discharge' ? 'discharge' : 'clinic',
          letter_id: letter.id,
        };
        const from = val(f, 'fit-from');
        const to = val(f, 'fit-to');
        const cond = val(f, 'fit-condition');
        if (from) b.from = from;
        if (to) b.to = to;
        if (cond) b.condition = cond;
        return b;
      },
    }, errors, view);
    if (out) {
      await load();
      banner(notice, `Fit note issued${out.from && out.to ? ` from ${formatDate(out.from)} to ${formatDate(out.to)}` : ''}. It goes to the GP with the ${letter.kind === 'discharge' ? 'discharge summary' : 'letter'}.`);
    }
  } else if (form.id === 'read-form') {
    const out = await sendForm(form, { url: `/letters/${encodeURIComponent(id)}/read`, body: () => ({}) }, errors, view);
    if (out) {
      await load();
      banner(notice, 'Marked as read.');
    }
  }
}

function onClick(ev) {
  if (ev.target.closest('#add-gp-action')) {
    ev.preventDefault();
    addActionRow();
    return;
  }
  const remove = ev.target.closest('.seam-remove-action');
  if (remove) {
    ev.preventDefault();
    clearErrors(errors, view);
    remove.closest('.seam-gp-action-row').remove();
    renumber();
    document.getElementById('add-gp-action').focus();
  }
}

async function main() {
  await startObjectPage({
    nav: 'letters.html',
    parts,
    crumbs,
    what: 'Letter',
    missing: 'No letter was given. Open a letter from the Letters page or your inbox.',
    started: (s) => { ({ me, id } = s); },
    on: { submit: onSubmit, click: onClick },
    load,
  });
}

main();
