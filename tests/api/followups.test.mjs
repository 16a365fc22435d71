// Complete care, follow-up and recall (booked window, patient-initiated
// follow-up), missed appointments (DNA) and fit notes.  As in docs/api.md,
// "Complete care ... / Follow-up and recall", "Missed appointments",
// "Fit notes".
//
// Readings of the contract where it is not explicit:
//  - a follow-up is arranged after the patient was seen (an `attended`
//    referral); `due_at` of a window follow-up is on `window_end` (allowing
//    for the end of that day in London);
//  - the DNA decision is the holding clinician's (`clinician`, `triager`,
//    `booking` may record it; a GP may not: 403);
//  - the `dna` inbox item is about the referral (`id` the referral's, or
//    `link` naming `/referrals/{id}`);
//  - `GET /fit-notes?patient=` answers `{"fit_notes":[…]}`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, findService, createReferral, act, errorOf, isoDaysAhead, isoJustNow,
} from './lib/server.mjs';
import { careKit } from './lib/care.mjs';

let srv, cardio;
before(async () => {
  srv = await startServer();
  cardio = await findService(srv, 'RZA', 'Cardiology');
});
after(async () => { await srv?.stop(); });

const DAY = 86400_000;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const idOf = (x) => (x !== null && typeof x === 'object' ? x.id : x);
const nhsOf = (x) => (x !== null && typeof x === 'object' ? x.nhs_number : x);
const dateAhead = (days) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

const {
  isPg, tables, rows, refused, call, get, list, worklist, taskAbout, resultTasks, inbox, itemAbout, inboxResultItems, dueIn,
} = careKit(() => srv);

async function booked() {
  const c = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', c.id, 'triage', { decision: 'accept' });
  return act(srv, 'booking.rza', c.id, 'book', { appointment_at: isoJustNow() });
}
const attended = async () => act(srv, 'clinician.cardio', (await booked()).id, 'attend', {});
const dueClinicLetters = async (referralId) =>
  (await list('clinician.cardio', '/letters?status=due&kind=clinic', 'letters')).filter((l) => l.referral_id === referralId);
const fuTasks = async (as, id) => (await worklist(as)).filter((t) => taskAbout(t, 'follow_up', id));
const referralTasks = async (as, id) => (await worklist(as)).filter((t) => taskAbout(t, 'referral', id));

/** The item's link names that referral (`/referrals/12`, `referral.html?id=12`). */
const linkNames = (item, plural, id) => itemAbout({ ...item, id: undefined }, plural, id);

// ------------------------------------------------------------- follow-up

test('a window follow-up: open, owned by the booking team, due at window_end; booking it', async () => {
  const c = await attended();
  const body = { referral_id: c.id, window_start: dateAhead(42), window_end: dateAhead(56) };
  await refused('gp.patel', 'POST', '/follow-ups', body, 403, 'forbidden');
  await refused('booking.rza', 'POST', '/follow-ups', body, 403, 'forbidden');
  await refused('triage.derm.rzb', 'POST', '/follow-ups', body, 422, 'invalid_link', 'referral_id'); // another trust's referral
  await refused('clinician.cardio', 'POST', '/follow-ups', { referral_id: c.id }, 422, 'missing_field');
  await refused('clinician.cardio', 'POST', '/follow-ups', { ...body, window_start: dateAhead(56), window_end: dateAhead(42) }, 422, 'invalid_value');
  await refused('clinician.cardio', 'POST', '/follow-ups', { ...body, window_end: '2027-02-30' }, 422, 'invalid_value', 'window_end');
  await refused('clinician.cardio', 'POST', '/follow-ups', { ...body, referral_id: 99999999 }, 422, 'invalid_link', 'referral_id');

  const f = await call('clinician.cardio', 'POST', '/follow-ups', body, 201);
  assert.ok(Number.isInteger(f.id));
  assert.equal(f.kind, 'window');
  assert.equal(f.status, 'open');
  assert.equal(f.referral_id, c.id);
  assert.equal(nhsOf(f.patient), c.patient.nhs_number);
  assert.equal(idOf(f.service), cardio.id);
  assert.equal(f.window_start, body.window_start);
  assert.equal(f.window_end, body.window_end);
  assert.equal(f.appointment_at, null);
  assert.equal(f.owner.organisation.code, 'RZA');
  assert.equal(f.owner.role, 'booking');
  assert.equal(f.owner.task, 'follow_up');
  assert.match(f.due_at, ISO);
  const endOfWindow = Date.parse(`${body.window_end}T00:00:00Z`);
  assert.ok(Math.abs(Date.parse(f.due_at) - endOfWindow) <= 1.5 * DAY, `due at window_end ${body.window_end}: ${f.due_at}`);
  assert.equal(f.escalation_level, 0);
  const t = await fuTasks('booking.rza', f.id);
  assert.equal(t.length, 1, 'on booking.rza\'s worklist');
  assert.equal(t[0].kind, 'follow_up');
  assert.deepEqual(await fuTasks('gp.patel', f.id), [], 'the trust runs its own recall');
  assert.equal((await get('clinician.cardio', `/follow-ups/${f.id}`)).id, f.id);
  assert.equal((await srv.api('gp.okafor', 'GET', `/follow-ups/${f.id}`)).status, 404);
  assert.equal((await srv.api('triage.derm.rzb', 'GET', `/follow-ups/${f.id}`)).status, 404);
  assert.ok((await list('booking.rza', '/follow-ups?status=open', 'follow_ups')).some((x) => x.id === f.id));

  await refused('gp.patel', 'POST', `/follow-ups/${f.id}/book`, { appointment_at: isoDaysAhead(45) }, [403, 404]);
  await refused('booking.rza', 'POST', `/follow-ups/${f.id}/book`, {}, 422, 'missing_field', 'appointment_at');
  await refused('booking.rza', 'POST', `/follow-ups/${f.id}/book`, { appointment_at: isoDaysAhead(-3) }, 422, 'invalid_value', 'appointment_at');
  const appt = isoDaysAhead(45);
  const b = await call('booking.rza', 'POST', `/follow-ups/${f.id}/book`, { appointment_at: appt }, 200);
  assert.equal(b.status, 'booked');
  assert.equal(Date.parse(b.appointment_at), Date.parse(appt));
  assert.deepEqual(await fuTasks('booking.rza', f.id), [], 'off the booking worklist once booked');
  const listed = await list('booking.rza', '/follow-ups?status=booked', 'follow_ups');
  assert.ok(listed.some((x) => x.id === f.id));
  assert.ok(listed.every((x) => x.status === 'booked'), 'status filter');
  await refused('booking.rza', 'POST', `/follow-ups/${f.id}/book`, { appointment_at: appt }, 409, 'illegal_transition');
});

test('patient-initiated follow-up (6 months): owned by the clinician, then discharged with a letter', async () => {
  const c = await attended();
  const t0 = Date.now();
  await refused('clinician.cardio', 'POST', '/follow-ups', { referral_id: c.id, pifu_months: 0 }, 422, 'invalid_value', 'pifu_months');
  await refused('clinician.cardio', 'POST', '/follow-ups', { referral_id: c.id, pifu_months: 'six' }, 400, null, 'pifu_months');
  const f = await call('clinician.cardio', 'POST', '/follow-ups', { referral_id: c.id, pifu_months: 6 }, 201);
  assert.equal(f.kind, 'pifu');
  assert.equal(f.status, 'open');
  assert.equal(f.owner.organisation.code, 'RZA');
  assert.equal(f.owner.service?.id, cardio.id);
  assert.equal(f.owner.role, 'clinician');
  assert.equal(f.owner.task, 'pifu_review');
  const due = Date.parse(f.due_at);
  assert.ok(due > t0 + 178 * DAY && due < t0 + 187 * DAY, `due when the 6-month window ends: ${f.due_at}`);
  assert.ok(f.window_end, 'the PIFU window end is shown');
  const t = await fuTasks('clinician.cardio', f.id);
  assert.equal(t.length, 1);
  assert.equal(t[0].kind, 'pifu_review');
  assert.deepEqual(await fuTasks('gp.patel', f.id), []);

  const lettersBefore = (await dueClinicLetters(c.id)).length;
  await refused('gp.patel', 'POST', `/follow-ups/${f.id}/discharge`, {}, [403, 404]);
  await refused('triage.derm.rzb', 'POST', `/follow-ups/${f.id}/discharge`, {}, 404, 'not_found');
  const d = await call('clinician.cardio', 'POST', `/follow-ups/${f.id}/discharge`, {}, 200);
  assert.equal(d.status, 'discharged');
  assert.equal(d.owner, null);
  assert.deepEqual(await fuTasks('clinician.cardio', f.id), []);
  const after_ = await dueClinicLetters(c.id);
  assert.equal(after_.length, lettersBefore + 1, 'a due clinic letter is made on discharge from follow-up');
  assert.equal(after_.at(-1).owner.task, 'clinic_letter');
  await refused('clinician.cardio', 'POST', `/follow-ups/${f.id}/discharge`, {}, 409, 'illegal_transition');
});

// ------------------------------------------------------------------- DNA

test('DNA, rebook: back to the booking team; the GP is told, owes nothing', async () => {
  const c = await booked();
  const r = await call('clinician.cardio', 'POST', `/referrals/${c.id}/dna`, { decision: 'rebook', comment: 'Did not attend; first DNA, rebook per policy' }, 200);
  assert.equal(r.id, c.id);
  assert.equal(r.status, 'awaiting_booking');
  assert.equal(r.owner.organisation.code, 'RZA');
  assert.equal(r.owner.role, 'booking');
  assert.ok((await referralTasks('booking.rza', c.id)).length === 1, 'on booking.rza\'s worklist');
  assert.deepEqual(await referralTasks('gp.patel', c.id), [], 'nothing on gp.patel\'s worklist');
  const ib = await inbox('gp.patel');
  const info = ib.information.filter((i) => i.type === 'dna' && itemAbout(i, 'referrals', c.id));
  assert.equal(info.length, 1, `a dna information item: ${JSON.stringify(ib.information.filter((i) => i.type === 'dna')).slice(0, 300)}`);
  assert.ok(/rebook|booking|appointment/i.test(info[0].summary), `the summary says how the trust dealt with it: ${info[0].summary}`);
  assert.ok(!ib.actions.some((i) => (i.type === 'returned_referral' && itemAbout(i, 'referrals', c.id)) || linkNames(i, 'referrals', c.id)),
    'no GP action for a DNA');
  assert.deepEqual((await inbox('gp.okafor')).information.filter((i) => i.type === 'dna' && itemAbout(i, 'referrals', c.id)), []);
  const h = await get('gp.patel', `/referrals/${c.id}/history`);
  assert.ok(h.events.some((e) => /dna/i.test(`${e.action} ${JSON.stringify(e.detail)}`)), 'the DNA is in the history');
});

test('DNA, discharge: discharged with a due clinic letter telling the GP', async () => {
  const c = await booked();
  const r = await call('clinician.cardio', 'POST', `/referrals/${c.id}/dna`, { decision: 'discharge', comment: 'Second DNA; discharged per trust DNA policy' }, 200);
  assert.equal(r.status, 'discharged');
  assert.equal(r.owner, null);
  const ls = await dueClinicLetters(c.id);
  assert.equal(ls.length, 1, 'a due clinic letter');
  assert.equal(ls[0].owner.role, 'clinician');
  assert.equal(ls[0].owner.task, 'clinic_letter');
  assert.deepEqual(await referralTasks('gp.patel', c.id), [], 'nothing on gp.patel\'s worklist');
  const ib = await inbox('gp.patel');
  assert.equal(ib.information.filter((i) => i.type === 'dna' && itemAbout(i, 'referrals', c.id)).length, 1, 'the GP is informed');
  assert.ok(!ib.actions.some((i) => (i.type === 'returned_referral' && itemAbout(i, 'referrals', c.id)) || linkNames(i, 'referrals', c.id)));
});

test('DNA refusals change nothing', async () => {
  const c = await booked();
  await refused('clinician.cardio', 'POST', `/referrals/${c.id}/dna`, { decision: 'ask_gp_to_rerefer' }, 422, 'invalid_value', 'decision');
  await refused('clinician.cardio', 'POST', `/referrals/${c.id}/dna`, {}, 422, 'missing_field', 'decision');
  await refused('gp.patel', 'POST', `/referrals/${c.id}/dna`, { decision: 'discharge' }, 403, 'forbidden');
  await refused('triage.derm.rzb', 'POST', `/referrals/${c.id}/dna`, { decision: 'rebook' }, 404, 'not_found');
  await refused('clinician.cardio', 'POST', `/referrals/${c.id}/dna`, { decision: 'rebook', version: c.version + 5 }, 409, 'stale_version');
  const t = await createReferral(srv, { service_id: cardio.id });
  await refused('clinician.cardio', 'POST', `/referrals/${t.id}/dna`, { decision: 'rebook' }, 409, 'illegal_transition');
  const a = await act(srv, 'clinician.cardio', (await booked()).id, 'attend', {});
  await refused('clinician.cardio', 'POST', `/referrals/${a.id}/dna`, { decision: 'discharge' }, 409, 'illegal_transition');
  assert.equal((await get('clinician.cardio', `/referrals/${c.id}`)).status, 'booked');
});

// ------------------------------------------------------------- fit notes

test('fit notes: the hospital issues them; listed by patient; shown on the letter', async () => {
  const c = await attended();
  const [letter] = await dueClinicLetters(c.id);
  assert.ok(letter, 'the attendance made a due clinic letter');
  const body = {
    patient_nhs_number: c.patient.nhs_number, service_id: cardio.id, from: dateAhead(0), to: dateAhead(14),
    condition: 'Recovery after coronary angioplasty', setting: 'clinic', letter_id: letter.id,
  };
  await refused('gp.patel', 'POST', '/fit-notes', body, 403, 'forbidden');
  await refused('booking.rza', 'POST', '/fit-notes', body, 403, 'forbidden');
  await refused('clinician.cardio', 'POST', '/fit-notes', { ...body, setting: 'ward' }, 422, 'invalid_value', 'setting');
  await refused('clinician.cardio', 'POST', '/fit-notes', { ...body, from: dateAhead(14), to: dateAhead(0) }, 422, 'invalid_value');
  const { condition: _c, ...noCondition } = body;
  await refused('clinician.cardio', 'POST', '/fit-notes', noCondition, 422, 'missing_field', 'condition');

  const fn = await call('clinician.cardio', 'POST', '/fit-notes', body, 201);
  assert.ok(Number.isInteger(fn.id), `fit note id: ${JSON.stringify(fn).slice(0, 300)}`);
  const l = await list('clinician.cardio', `/fit-notes?patient=${c.patient.nhs_number}`, 'fit_notes');
  const hit = l.find((x) => x.id === fn.id);
  assert.ok(hit, 'listed for the patient');
  assert.ok(l.every((x) => nhsOf(x.patient ?? x.patient_nhs_number) === c.patient.nhs_number), 'only that patient');
  assert.equal(hit.condition, body.condition);
  assert.equal(hit.setting, 'clinic');
  const g = await get('clinician.cardio', `/letters/${letter.id}`);
  assert.equal(idOf(g.fit_note), fn.id, 'the letter lists the fit note attached to it');
  // fit note without a letter (issued at discharge)
  const fn2 = await call('triage.cardio', 'POST', '/fit-notes', { ...body, setting: 'discharge', letter_id: undefined }, 201);
  assert.ok((await list('clinician.cardio', `/fit-notes?patient=${c.patient.nhs_number}`, 'fit_notes')).some((x) => x.id === fn2.id));
});
