// Complete care, letters: a due clinic letter on attendance, sending with
// diagnosis, hospital actions and GP actions (each with a reason), the GP's
// decisions and read receipt, discharge summaries (24 h, 7 days' medication),
// one-step letters, refusals and failsafe escalation.  As in docs/api.md,
// "Complete care ... / Letters".
//
// Readings of the contract where it is not explicit:
//  - GP actions are numbered from 1 (`n`), as a letter reads "1. …, 2. …";
//  - the inbox has one `letter_gp_action` item per pending GP action, about
//    the letter (`id` the letter's, or `link` naming `/letters/{id}`);
//  - a due (unsent) letter is the trust's draft: the GP cannot read it (404);
//  - `POST /letters/{id}/send` and the GP decisions answer 200 with the letter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, findService, createReferral, act, errorOf, seam, isoDaysAhead, isoJustNow,
} from './lib/server.mjs';
import { careKit } from './lib/care.mjs';

let srv, cardio;
before(async () => {
  srv = await startServer();
  cardio = await findService(srv, 'RZA', 'Cardiology');
});
after(async () => { await srv?.stop(); });

const DAY = 86400_000;
const HOUR = 3600_000;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const idOf = (x) => (x !== null && typeof x === 'object' ? x.id : x);
const nhsOf = (x) => (x !== null && typeof x === 'object' ? x.nhs_number : x);
const userOf = (x) => (x !== null && typeof x === 'object' ? x.username : x);
const isoAt = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const {
  isPg, tables, rows, refused, call, get, list, worklist, taskAbout, resultTasks, inbox, itemAbout, inboxResultItems, dueIn,
} = careKit(() => srv);

/** A Cardiology RZA referral taken to `attended`. */
async function attended() {
  const c = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', c.id, 'triage', { decision: 'accept' });
  await act(srv, 'booking.rza', c.id, 'book', { appointment_at: isoJustNow() });
  return act(srv, 'clinician.cardio', c.id, 'attend', {});
}
/** The due letters of a referral, as the Cardiology clinician lists them. */
async function dueLettersOf(referralId, kind = 'clinic') {
  return (await list('clinician.cardio', `/letters?status=due&kind=${kind}`, 'letters')).filter((l) => l.referral_id === referralId);
}
async function dueClinicLetter(referralId) {
  const ls = await dueLettersOf(referralId);
  assert.equal(ls.length, 1, `one due clinic letter for referral ${referralId}: ${JSON.stringify(ls).slice(0, 300)}`);
  return ls[0];
}
const letterTasks = async (as, id) => (await worklist(as)).filter((t) => taskAbout(t, 'letter', id));
const letterItems = async (as, id) => {
  const b = await inbox(as);
  return {
    actions: b.actions.filter((i) => i.type === 'letter_gp_action' && itemAbout(i, 'letters', id)),
    info: b.information.filter((i) => i.type === 'letter' && itemAbout(i, 'letters', id)),
  };
};
const CONTENT = {
  diagnosis: 'Stable angina; LV function normal on echo',
  medication_changes: 'Started bisoprolol 2.5 mg once daily; GTN spray as needed',
  hospital_actions: 'CT coronary angiogram booked (we will write with the result); cardiology review in 3 months',
  gp_actions: [
    { text: 'Check U&E and BP in 2 weeks', reason: 'Bisoprolol started; monitor for bradycardia and hypotension' },
    { text: 'Start atorvastatin 80 mg', reason: 'Secondary prevention: established coronary disease' },
  ],
};

// --------------------------------------------------------- clinic letter

test('attendance makes a due clinic letter owned by the clinician; the GP cannot see the draft', async () => {
  const t0 = Date.now();
  const c = await attended();
  const l = await dueClinicLetter(c.id);
  assert.ok(Number.isInteger(l.id));
  assert.equal(l.kind, 'clinic');
  assert.equal(l.status, 'due');
  assert.equal(nhsOf(l.patient), c.patient.nhs_number);
  assert.equal(idOf(l.service), cardio.id);
  assert.equal(l.referral_id, c.id);
  assert.match(l.event_at, ISO);
  assert.ok(Math.abs(Date.parse(l.event_at) - t0) < 10 * 60_000 || Date.parse(l.event_at) > t0 - DAY, `event_at is the attendance: ${l.event_at}`);
  assert.match(l.due_at, ISO);
  // 7 working days after attendance: 9..~15 calendar days
  assert.ok(Date.parse(l.due_at) > t0 + 8 * DAY && Date.parse(l.due_at) < t0 + 16 * DAY, `due in 7 working days: ${l.due_at}`);
  assert.equal(l.sent_at, null);
  assert.ok(l.owner, 'owned');
  assert.equal(l.owner.organisation.code, 'RZA');
  assert.equal(l.owner.service?.id, cardio.id);
  assert.equal(l.owner.role, 'clinician');
  assert.equal(l.owner.task, 'clinic_letter');
  assert.equal(l.escalation_level, 0);
  assert.equal(l.overdue, false);
  assert.deepEqual(l.gp_actions ?? [], []);
  const t = await letterTasks('clinician.cardio', l.id);
  assert.equal(t.length, 1, 'a clinic_letter task on clinician.cardio\'s worklist');
  assert.equal(t[0].kind, 'clinic_letter');
  assert.equal((await get('clinician.cardio', `/letters/${l.id}`)).status, 'due');
  // the GP: nothing to do, and the draft is the trust's
  assert.deepEqual(await letterTasks('gp.patel', l.id), []);
  assert.deepEqual(await letterItems('gp.patel', l.id), { actions: [], info: [] });
  assert.equal((await srv.api('gp.patel', 'GET', `/letters/${l.id}`)).status, 404, 'a due letter is not the GP\'s to read yet');
  assert.ok(!(await list('gp.patel', '/letters', 'letters')).some((x) => x.id === l.id));
  assert.equal((await srv.api('triage.derm.rzb', 'GET', `/letters/${l.id}`)).status, 404, 'another trust');
});

test('sending a clinic letter: the GP reads it, decides each GP action (decline needs a reason), marks it read', async () => {
  const c = await attended();
  const l = await dueClinicLetter(c.id);

  // refusals before sending (a GP sending: its own test below)
  await refused('booking.rza', 'POST', `/letters/${l.id}/send`, CONTENT, 403, 'forbidden');
  await refused('triage.derm.rzb', 'POST', `/letters/${l.id}/send`, CONTENT, 404, 'not_found');
  const { diagnosis: _d, ...noDiagnosis } = CONTENT;
  await refused('clinician.cardio', 'POST', `/letters/${l.id}/send`, noDiagnosis, 422, 'missing_field', 'diagnosis');
  const { hospital_actions: _h, ...noHospital } = CONTENT;
  await refused('clinician.cardio', 'POST', `/letters/${l.id}/send`, noHospital, 422, 'missing_field', 'hospital_actions');
  const noReason = { ...CONTENT, gp_actions: [{ text: 'Please review medication' }] };
  const e = await refused('clinician.cardio', 'POST', `/letters/${l.id}/send`, noReason, 422, 'missing_field');
  assert.match(String(e.field), /reason|gp_actions/, `field names the missing reason: ${e.field}`);

  const t0 = Date.now();
  const s = await call('clinician.cardio', 'POST', `/letters/${l.id}/send`, CONTENT, 200);
  assert.equal(s.id, l.id);
  assert.equal(s.status, 'sent');
  assert.match(s.sent_at, ISO);
  assert.ok(Math.abs(Date.parse(s.sent_at) - t0) < 5 * 60_000);
  assert.equal(s.late, false);
  assert.equal(userOf(s.author), 'clinician.cardio');
  assert.equal(s.diagnosis, CONTENT.diagnosis);
  assert.equal(s.medication_changes, CONTENT.medication_changes);
  assert.equal(s.hospital_actions, CONTENT.hospital_actions);
  assert.equal(s.gp_actions.length, 2);
  assert.deepEqual(s.gp_actions.map((a) => a.n), [1, 2]);
  assert.deepEqual(s.gp_actions.map((a) => a.text), CONTENT.gp_actions.map((a) => a.text));
  assert.deepEqual(s.gp_actions.map((a) => a.reason), CONTENT.gp_actions.map((a) => a.reason));
  assert.ok(s.gp_actions.every((a) => a.status === 'pending'));
  assert.equal(s.read_at, null);
  assert.deepEqual(await letterTasks('clinician.cardio', l.id), [], 'the clinic_letter task closed');
  assert.ok(!(await dueLettersOf(c.id)).length, 'no longer due');
  await refused('clinician.cardio', 'POST', `/letters/${l.id}/send`, CONTENT, 409, 'illegal_transition');

  // the GP sees it; another practice does not
  const g = await get('gp.patel', `/letters/${l.id}`);
  assert.equal(g.status, 'sent');
  assert.equal(g.diagnosis, CONTENT.diagnosis);
  assert.ok((await list('gp.patel', '/letters', 'letters')).some((x) => x.id === l.id), 'in the GP\'s letters');
  const ok = await srv.api('gp.okafor', 'GET', `/letters/${l.id}`);
  assert.equal(ok.status, 404);
  assert.equal(errorOf(ok).code, 'not_found');
  assert.ok(!(await list('gp.okafor', '/letters', 'letters')).some((x) => x.id === l.id));

  // inbox: one action per GP action, one information item for the unread letter
  let it = await letterItems('gp.patel', l.id);
  assert.equal(it.actions.length, 2, `two letter_gp_action items: ${JSON.stringify(it)}`);
  assert.equal(it.info.length, 1, 'a letter information item while unread');
  const gt = await letterTasks('gp.patel', l.id);
  assert.equal(gt.length, 1, 'the practice has one gp_actions task');
  assert.equal(gt[0].kind, 'gp_actions');
  assert.equal(gt[0].owner.organisation.code, 'Z00001');
  assert.equal(gt[0].owner.role, 'gp');
  assert.ok(Date.parse(gt[0].due_at) > t0 + 11 * DAY && Date.parse(gt[0].due_at) < t0 + 20 * DAY, `due in 10 working days: ${gt[0].due_at}`);
  assert.deepEqual(await letterItems('gp.okafor', l.id), { actions: [], info: [] });

  // decisions
  await refused('gp.okafor', 'POST', `/letters/${l.id}/gp-actions/1/accept`, {}, 404, 'not_found');
  await refused('clinician.cardio', 'POST', `/letters/${l.id}/gp-actions/1/accept`, {}, 403, 'forbidden');
  await refused('gp.patel', 'POST', `/letters/${l.id}/gp-actions/3/accept`, {}, 404, 'not_found');
  const a1 = await call('gp.patel', 'POST', `/letters/${l.id}/gp-actions/1/accept`, {}, 200);
  const x1 = (a1.gp_actions ?? (await get('gp.patel', `/letters/${l.id}`)).gp_actions).find((a) => a.n === 1);
  assert.equal(x1.status, 'accepted');
  assert.equal(userOf(x1.decided_by), 'gp.patel');
  assert.match(x1.decided_at, ISO);
  it = await letterItems('gp.patel', l.id);
  assert.equal(it.actions.length, 1, 'one GP action left');
  assert.equal((await letterTasks('gp.patel', l.id)).length, 1, 'task still open with an action pending');
  await refused('gp.patel', 'POST', `/letters/${l.id}/gp-actions/1/decline`, { reason: 'changed my mind' }, 409);

  await refused('gp.patel', 'POST', `/letters/${l.id}/gp-actions/2/decline`, {}, 422, 'missing_field', 'reason');
  await refused('gp.patel', 'POST', `/letters/${l.id}/gp-actions/2/decline`, { reason: '' }, 422, 'missing_field', 'reason');
  const d2 = await call('gp.patel', 'POST', `/letters/${l.id}/gp-actions/2/decline`,
    { reason: 'High-intensity statin is a hospital initiation: please prescribe the first month' }, 200);
  const x2 = (d2.gp_actions ?? (await get('gp.patel', `/letters/${l.id}`)).gp_actions).find((a) => a.n === 2);
  assert.equal(x2.status, 'declined');
  assert.equal(x2.decline_reason, 'High-intensity statin is a hospital initiation: please prescribe the first month');
  assert.equal(userOf(x2.decided_by), 'gp.patel');
  assert.deepEqual(await letterTasks('gp.patel', l.id), [], 'every action decided: the gp_actions task closed');
  assert.equal((await letterItems('gp.patel', l.id)).actions.length, 0);
  // the trust sees the decisions
  const tr = await get('clinician.cardio', `/letters/${l.id}`);
  assert.deepEqual(tr.gp_actions.map((a) => a.status), ['accepted', 'declined']);

  // read
  await refused('clinician.cardio', 'POST', `/letters/${l.id}/read`, {}, 403, 'forbidden');
  await refused('gp.okafor', 'POST', `/letters/${l.id}/read`, {}, 404, 'not_found');
  const rd = await call('gp.patel', 'POST', `/letters/${l.id}/read`, {}, 200);
  assert.equal(rd.status, 'read');
  assert.match(rd.read_at, ISO);
  assert.equal((await letterItems('gp.patel', l.id)).info.length, 0, 'no longer unread');
  assert.equal((await get('clinician.cardio', `/letters/${l.id}`)).status, 'read', 'the trust sees it was read');
});

test('a GP may not send a letter: 403 forbidden, whether the letter is due or already sent', async () => {
  // The error table's own example of 403 is "a GP triaging": the role may never do this.  A due
  // letter is invisible to the GP, but the answer to a GP is still "not your role", as for triage.
  const c = await attended();
  const l = await dueClinicLetter(c.id);
  await refused('gp.patel', 'POST', `/letters/${l.id}/send`, CONTENT, 403, 'forbidden');
  await refused('admin.riverside', 'POST', `/letters/${l.id}/send`, CONTENT, 403, 'forbidden');
  await call('clinician.cardio', 'POST', `/letters/${l.id}/send`, CONTENT, 200);
  await refused('gp.patel', 'POST', `/letters/${l.id}/send`, CONTENT, 403, 'forbidden');
});

test('the practice admin may mark a letter read', async () => {
  const c = await attended();
  const l = await dueClinicLetter(c.id);
  await call('clinician.cardio', 'POST', `/letters/${l.id}/send`, { ...CONTENT, gp_actions: [] }, 200);
  assert.equal((await letterTasks('gp.patel', l.id)).length, 0, 'no GP actions: no practice task');
  const rd = await call('admin.riverside', 'POST', `/letters/${l.id}/read`, {}, 200);
  assert.equal(rd.status, 'read');
});

// ------------------------------------------------------ discharge summary

test('discharge summary: due 24 hours after discharge; at least 7 days of medication or a reason', async () => {
  const c = await attended();
  const dischargedAt = isoAt(Math.floor((Date.now() - 2 * HOUR) / 1000) * 1000);
  const body = { patient_nhs_number: c.patient.nhs_number, service_id: cardio.id, discharged_at: dischargedAt, referral_id: c.id };
  await refused('gp.patel', 'POST', '/discharges', body, 403, 'forbidden');
  await refused('clinician.cardio', 'POST', '/discharges', { ...body, discharged_at: 'yesterday' }, 422, 'invalid_value', 'discharged_at');
  const { discharged_at: _x, ...noAt } = body;
  await refused('clinician.cardio', 'POST', '/discharges', noAt, 422, 'missing_field', 'discharged_at');

  const l = await call('clinician.cardio', 'POST', '/discharges', body, 201);
  assert.ok(Number.isInteger(l.id));
  assert.equal(l.kind, 'discharge');
  assert.equal(l.status, 'due');
  assert.equal(l.referral_id, c.id);
  assert.equal(nhsOf(l.patient), c.patient.nhs_number);
  assert.equal(Date.parse(l.event_at), Date.parse(dischargedAt), 'event_at is the discharge');
  assert.equal(Date.parse(l.due_at), Date.parse(dischargedAt) + 24 * HOUR, `due 24 h after discharge: ${l.due_at}`);
  assert.equal(l.owner.organisation.code, 'RZA');
  assert.equal(l.owner.task, 'discharge_summary');
  assert.ok(['clinician', 'triager'].includes(l.owner.role));
  assert.ok((await list('clinician.cardio', '/letters?status=due&kind=discharge', 'letters')).some((x) => x.id === l.id));
  assert.ok(!(await list('clinician.cardio', '/letters?status=due&kind=clinic', 'letters')).some((x) => x.id === l.id), 'kind filter');
  assert.equal((await letterTasks('clinician.cardio', l.id))[0]?.kind, 'discharge_summary');

  const content = { diagnosis: 'NSTEMI; PCI to LAD', hospital_actions: 'Cardiac rehab referral made; clinic in 6 weeks', gp_actions: [] };
  await refused('clinician.cardio', 'POST', `/letters/${l.id}/send`, content, 422, 'missing_field', 'days_medication_supplied');
  const e = await refused('clinician.cardio', 'POST', `/letters/${l.id}/send`, { ...content, days_medication_supplied: 3 }, 422, ['missing_field', 'invalid_value']);
  assert.match(String(e.field), /medication_changes|days_medication_supplied/, `field: ${e.field}`);
  await refused('clinician.cardio', 'POST', `/letters/${l.id}/send`, { ...content, days_medication_supplied: -1 }, 422, 'invalid_value', 'days_medication_supplied');
  await refused('clinician.cardio', 'POST', `/letters/${l.id}/send`, { ...content, days_medication_supplied: 'two weeks' }, 400, null, 'days_medication_supplied');

  const s = await call('clinician.cardio', 'POST', `/letters/${l.id}/send`, { ...content, days_medication_supplied: 14 }, 200);
  assert.equal(s.status, 'sent');
  assert.equal(s.days_medication_supplied, 14);
  assert.equal(s.late, false);
  assert.equal((await get('gp.patel', `/letters/${l.id}`)).kind, 'discharge');

  // fewer than 7 days with a reason is allowed
  const l2 = await call('clinician.cardio', 'POST', '/discharges', { ...body, discharged_at: isoAt(Math.floor(Date.now() / 1000) * 1000 - HOUR) }, 201);
  const s2 = await call('clinician.cardio', 'POST', `/letters/${l2.id}/send`,
    { ...content, days_medication_supplied: 3, medication_changes: 'Clopidogrel course ends in 3 days; no new long-term medicines' }, 200);
  assert.equal(s2.status, 'sent');
});

test('a letter written and sent in one step', async () => {
  const c = await attended();
  const body = {
    kind: 'clinic', patient_nhs_number: c.patient.nhs_number, service_id: cardio.id,
    event_at: isoAt(Math.floor(Date.now() / 1000) * 1000 - DAY), referral_id: c.id,
    ...CONTENT, gp_actions: [{ text: 'Repeat ECG in 6 weeks', reason: 'QTc borderline on amiodarone' }],
  };
  await refused('gp.patel', 'POST', '/letters', body, 403, 'forbidden');
  const l = await call('clinician.cardio', 'POST', '/letters', body, 201);
  assert.equal(l.status, 'sent');
  assert.equal(l.kind, 'clinic');
  assert.equal(l.gp_actions.length, 1);
  assert.equal(l.gp_actions[0].n, 1);
  assert.equal((await get('gp.patel', `/letters/${l.id}`)).status, 'sent');
  assert.equal((await letterItems('gp.patel', l.id)).actions.length, 1);
});

// H30: a fit note can be issued at any time by the service and attached to a letter
// already sent; the GP sees it on the letter.
test('a fit note issued after the letter was sent is attached to it, and the GP sees it', async () => {
  const c = await attended();
  const l = await dueClinicLetter(c.id);
  await call('clinician.cardio', 'POST', `/letters/${l.id}/send`, CONTENT, 200);
  const body = {
    patient_nhs_number: c.patient.nhs_number, service_id: cardio.id, letter_id: l.id, setting: 'clinic',
    from: new Date().toISOString().slice(0, 10), to: new Date(Date.now() + 14 * DAY).toISOString().slice(0, 10),
    condition: 'Recovering from a cardiac procedure',
  };
  await refused('gp.patel', 'POST', '/fit-notes', body, 403, 'forbidden');
  const fn = await call('clinician.cardio', 'POST', '/fit-notes', body, 201);
  assert.equal(fn.letter_id, l.id);
  const g = await get('gp.patel', `/letters/${l.id}`);
  assert.equal(g.status, 'sent');
  assert.ok(g.fit_note, 'the GP sees the fit note on the sent letter');
  assert.equal(g.fit_note.id, fn.id);
  assert.equal(g.fit_note.condition, body.condition);
  // and once the letter has been read
  await call('gp.patel', 'POST', `/letters/${l.id}/read`, {}, 200);
  const fn2 = await call('clinician.cardio', 'POST', '/fit-notes', { ...body, condition: 'Extended: slower recovery' }, 201);
  assert.equal((await get('gp.patel', `/letters/${l.id}`)).fit_note.id, fn2.id, 'the latest fit note shows');
});

// ------------------------------------------------------- failsafe (last)

test('failsafe escalates an unsent due letter', async () => {
  const c = await attended();
  const l = await dueClinicLetter(c.id);
  const now = isoAt(Math.floor(Date.now() / 1000) * 1000 + 30 * DAY);
  const f = seam(['failsafe', '--db', srv.db, '--now', now]);
  assert.equal(f.status, 0, `seam failsafe --now ${now}: ${f.status} ${f.stderr}`);
  const g = await get('clinician.cardio', `/letters/${l.id}`);
  assert.equal(g.escalation_level, 3, `letter ${l.id} escalation_level ${g.escalation_level}`);
  assert.equal(g.status, 'due');
  assert.ok((await letterTasks('lead.rza', l.id)).length >= 1, 'on the RZA interface lead worklist');
  assert.ok((await letterTasks('analyst.icb', l.id)).length >= 1, 'on the ICB analyst worklist');
  assert.deepEqual(await letterTasks('gp.patel', l.id), [], 'never the GP\'s');
});
