// A declined GP action is an owned handoff (hazard H28): when the GP declines an
// action a letter asks of them, the hospital keeps it as a task of kind
// gp_action_declined, owned by the letter's trust and service for a clinician,
// due in the service's declined_action_days working days (default 5), on the
// hospital worklist (subject gp_action, with the letter id and the action's
// number), escalated by the failsafe, and closed only when a clinician of that
// trust records what was done:
//   POST /letters/{id}/gp-actions/{n}/resolve {"outcome", "note"}
// The letter shows each action's state (pending, accepted, with_hospital,
// resolved) and the resolution; the GP gets an information item when it is
// resolved.  As in docs/api.md, "Letters".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, findService, createReferral, act, seam, isoJustNow,
} from './lib/server.mjs';
import { careKit } from './lib/care.mjs';
import { addWorkingDays } from './lib/pathways.mjs';

let srv, cardio;
before(async () => {
  srv = await startServer();
  cardio = await findService(srv, 'RZA', 'Cardiology');
});
after(async () => { await srv?.stop(); });

const DAY = 86400_000;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const userOf = (x) => (x !== null && typeof x === 'object' ? x.username : x);
const isoAt = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const { rows, refused, call, get, worklist, inbox, itemAbout } = careKit(() => srv);

const CONTENT = {
  diagnosis: 'Paroxysmal palpitations; structurally normal heart on echo',
  hospital_actions: 'Cardiology review in 3 months',
  gp_actions: [
    { text: 'Check TFTs and U&E', reason: 'Exclude thyrotoxicosis and electrolyte causes of palpitations' },
    { text: 'Arrange a 24-hour ECG', reason: 'Capture the rhythm during symptoms' },
  ],
};
const DECLINE = { reason: '24-hour ECG is not commissioned in primary care; please arrange it from clinic' };

/** A sent Cardiology RZA clinic letter with two GP actions; the GP accepts 1 and declines 2. */
async function declinedLetter() {
  const c = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', c.id, 'triage', { decision: 'accept' });
  await act(srv, 'booking.rza', c.id, 'book', { appointment_at: isoJustNow() });
  await act(srv, 'clinician.cardio', c.id, 'attend', {});
  const ls = (await get('clinician.cardio', `/letters?status=due&kind=clinic&referral=${c.id}`)).letters;
  assert.equal(ls.length, 1, 'one due clinic letter');
  const l = await call('clinician.cardio', 'POST', `/letters/${ls[0].id}/send`, CONTENT, 200);
  await call('gp.patel', 'POST', `/letters/${l.id}/gp-actions/1/accept`, {}, 200);
  const d = await call('gp.patel', 'POST', `/letters/${l.id}/gp-actions/2/decline`, DECLINE, 200);
  return { c, l: d };
}
const actionOf = (letter, n) => letter.gp_actions.find((a) => a.n === n);
const declinedTasks = async (as, letterId) =>
  (await worklist(as)).filter((t) => t.subject === 'gp_action' && t.gp_action?.letter_id === letterId);

test('declining a GP action opens a clinician task at the letter\'s service, due in 5 working days', async () => {
  const { l } = await declinedLetter();
  const a2 = actionOf(l, 2);
  assert.equal(a2.status, 'declined');
  assert.equal(a2.state, 'with_hospital');
  assert.equal(a2.decline_reason, DECLINE.reason);
  assert.equal(a2.resolution, null);
  assert.ok(a2.owner, 'a declined action has an owner');
  assert.equal(a2.owner.organisation.code, 'RZA');
  assert.equal(a2.owner.service.id, cardio.id);
  assert.equal(a2.owner.role, 'clinician');
  assert.equal(a2.owner.task, 'gp_action_declined');
  assert.match(a2.due_at, ISO);
  assert.equal(a2.due_at.slice(0, 19), isoAt(addWorkingDays(Date.parse(a2.decided_at), 5).getTime()).slice(0, 19),
    `due 5 working days after the decline (${a2.decided_at}): ${a2.due_at}`);
  assert.equal(a2.overdue, false);
  const a1 = actionOf(l, 1);
  assert.equal(a1.state, 'accepted');
  assert.equal(a1.owner, undefined, 'an accepted action is the GP\'s own: no hospital owner');

  // on the cardiology clinician's worklist, as a gp_action with the letter and the action's number
  const t = await declinedTasks('clinician.cardio', l.id);
  assert.equal(t.length, 1, 'one gp_action task on the clinician\'s worklist');
  assert.equal(t[0].kind, 'gp_action_declined');
  assert.equal(t[0].gp_action.n, 2);
  assert.equal(t[0].gp_action.letter_id, l.id);
  assert.equal(t[0].gp_action.reason, CONTENT.gp_actions[1].text);
  assert.equal(t[0].gp_action.decline_reason, DECLINE.reason);
  assert.equal(t[0].gp_action.patient.nhs_number, l.patient.nhs_number);
  assert.equal(t[0].owner.role, 'clinician');
  assert.equal(t[0].due_at, a2.due_at);
  // never the GP's, nor another role's or trust's
  for (const as of ['gp.patel', 'booking.rza', 'triage.cardio', 'triage.derm.rzb']) {
    assert.deepEqual(await declinedTasks(as, l.id), [], `not on ${as}'s worklist`);
  }
  // the row: both subject columns, the patient and service
  const db = srv.sqlite(`SELECT kind, owner_org, owner_service_id, owner_role, state, patient_nhs_number, service_id
    FROM tasks WHERE gp_action_letter_id = ${l.id} AND gp_action_n = 2`);
  assert.equal(db.length, 1);
  assert.equal(db[0].state, 'open');
  assert.equal(Number(db[0].owner_service_id), cardio.id);
  assert.equal(db[0].patient_nhs_number, l.patient.nhs_number);
  // audited: the decline names its handoff
  const ev = srv.sqlite(`SELECT detail FROM events WHERE action = 'letter.gp_action_declined' AND object_id = '${l.id}'`);
  assert.equal(ev.length, 1);
  const detail = JSON.parse(ev[0].detail);
  assert.equal(detail.n, 2);
  assert.equal(detail.handoff.owner.role, 'clinician');
  assert.equal(detail.handoff.due_at, a2.due_at);
  // and the ownership invariant holds
  const chk = seam(['check', '--db', srv.db]);
  assert.equal(chk.status, 0, `seam check: ${chk.stdout} ${chk.stderr}`);
});

test('the service\'s declined_action_days sets the due time', async () => {
  srv.sqlite(`UPDATE services SET declined_action_days = 2 WHERE id = ${cardio.id}`);
  try {
    const { l } = await declinedLetter();
    const a2 = actionOf(l, 2);
    assert.equal(a2.due_at.slice(0, 19), isoAt(addWorkingDays(Date.parse(a2.decided_at), 2).getTime()).slice(0, 19));
  } finally {
    srv.sqlite(`UPDATE services SET declined_action_days = 5 WHERE id = ${cardio.id}`);
  }
});

test('resolve: refusals with machine-readable codes, then arranged by the hospital closes the task', async () => {
  const { l } = await declinedLetter();
  const p = (n) => `/letters/${l.id}/gp-actions/${n}/resolve`;
  const ok = { outcome: 'arranged_by_hospital', note: '24-hour ECG booked for 14 December' };
  await refused('gp.patel', 'POST', p(2), ok, 403, 'not_held');
  await refused('admin.riverside', 'POST', p(2), ok, 403, 'not_held');
  await refused('booking.rza', 'POST', p(2), ok, 403, 'forbidden');
  await refused('triage.cardio', 'POST', p(2), ok, 403, 'forbidden');
  await refused('triage.derm.rzb', 'POST', p(2), ok, 404, 'not_found');
  await refused('gp.okafor', 'POST', p(2), ok, 404, 'not_found');
  await refused('clinician.cardio', 'POST', p(9), ok, 404, 'not_found');
  await refused('clinician.cardio', 'POST', p(1), ok, 409, 'not_declined');
  await refused('clinician.cardio', 'POST', p(2), {}, 422, 'missing_field', 'outcome');
  await refused('clinician.cardio', 'POST', p(2), { outcome: 'done' }, 422, 'invalid_value', 'outcome');
  await refused('clinician.cardio', 'POST', p(2), { outcome: 'agreed_otherwise' }, 422, 'missing_field', 'note');
  await refused('clinician.cardio', 'POST', p(2), { outcome: 'agreed_otherwise', note: '   ' }, 422, 'missing_field', 'note');
  await refused('clinician.cardio', 'POST', p(2), { outcome: 7 }, [400, 422]);
  await refused('clinician.cardio', 'POST', `/letters/${l.id}/gp-actions/2/finish`, ok, 404, 'not_found');

  const before_ = rows();
  const r = await call('clinician.cardio', 'POST', p(2), ok, 200);
  const a2 = actionOf(r, 2);
  assert.equal(a2.status, 'resolved');
  assert.equal(a2.state, 'resolved');
  assert.equal(a2.resolution.outcome, 'arranged_by_hospital');
  assert.equal(a2.resolution.note, ok.note);
  assert.equal(userOf(a2.resolution.by), 'clinician.cardio');
  assert.match(a2.resolution.at, ISO);
  assert.equal(a2.owner, null, 'resolved: nobody holds it');
  assert.equal(a2.due_at, null);
  assert.equal(rows().tasks, before_.tasks, 'the task is closed, not deleted');
  assert.deepEqual(await declinedTasks('clinician.cardio', l.id), [], 'gone from the worklist');
  const t = srv.sqlite(`SELECT state, closed_by FROM tasks WHERE gp_action_letter_id = ${l.id} AND gp_action_n = 2`);
  assert.equal(t.length, 1);
  assert.equal(t[0].state, 'done');
  assert.ok(String(t[0].closed_by).includes('clinician.cardio'));
  const ev = srv.sqlite(`SELECT actor, detail FROM events WHERE action = 'letter.gp_action_resolved' AND object_id = '${l.id}'`);
  assert.equal(ev.length, 1, 'audited');
  assert.deepEqual(
    (({ n, outcome, note }) => ({ n, outcome, note }))(JSON.parse(ev[0].detail)),
    { n: 2, outcome: 'arranged_by_hospital', note: ok.note });

  // once only
  await refused('clinician.cardio', 'POST', p(2), ok, 409, 'already_resolved');

  // the GP sees the state on the letter, and an information item
  const g = await get('gp.patel', `/letters/${l.id}`);
  assert.deepEqual(g.gp_actions.map((a) => a.state), ['accepted', 'resolved']);
  assert.equal(actionOf(g, 2).resolution.outcome, 'arranged_by_hospital');
  const b = await inbox('gp.patel');
  const info = b.information.filter((i) => i.type === 'gp_action_resolved' && itemAbout(i, 'letters', l.id));
  assert.equal(info.length, 1, `an information item for the GP: ${JSON.stringify(b.information.slice(0, 3))}`);
  assert.match(info[0].summary, /arranged by the hospital/);
  assert.ok(!b.actions.some((i) => itemAbout(i, 'letters', l.id) && /gp_action/.test(i.type)), 'nothing for the GP to do');
  const other = await inbox('gp.okafor');
  assert.ok(!other.information.some((i) => i.type === 'gp_action_resolved' && itemAbout(i, 'letters', l.id)));
});

test('agreed otherwise: the note is kept and shown', async () => {
  const { l } = await declinedLetter();
  const note = 'Discussed with the patient: symptoms settled; no ECG needed unless they recur';
  const r = await call('clinician.cardio', 'POST', `/letters/${l.id}/gp-actions/2/resolve`,
    { outcome: 'agreed_otherwise', note }, 200);
  assert.equal(actionOf(r, 2).resolution.outcome, 'agreed_otherwise');
  assert.equal(actionOf(r, 2).resolution.note, note);
  const g = await get('gp.patel', `/letters/${l.id}`);
  assert.equal(actionOf(g, 2).state, 'resolved');
  assert.equal(actionOf(g, 2).resolution.note, note);
});

test('a pending action is not the hospital\'s to resolve', async () => {
  const c = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', c.id, 'triage', { decision: 'accept' });
  await act(srv, 'booking.rza', c.id, 'book', { appointment_at: isoJustNow() });
  await act(srv, 'clinician.cardio', c.id, 'attend', {});
  const ls = (await get('clinician.cardio', `/letters?status=due&kind=clinic&referral=${c.id}`)).letters;
  const l = await call('clinician.cardio', 'POST', `/letters/${ls[0].id}/send`, CONTENT, 200);
  assert.deepEqual(l.gp_actions.map((a) => a.state), ['pending', 'pending']);
  await refused('clinician.cardio', 'POST', `/letters/${l.id}/gp-actions/1/resolve`,
    { outcome: 'arranged_by_hospital' }, 409, 'not_declined');
});

// ------------------------------------------------------- failsafe (last)

test('the failsafe escalates an overdue declined action like every task', async () => {
  const { l } = await declinedLetter();
  const now = isoAt(Math.floor(Date.now() / 1000) * 1000 + 30 * DAY);
  const f = seam(['failsafe', '--db', srv.db, '--now', now]);
  assert.equal(f.status, 0, `seam failsafe --now ${now}: ${f.status} ${f.stderr}`);
  const g = await get('clinician.cardio', `/letters/${l.id}`);
  assert.equal(actionOf(g, 2).escalation_level, 3);
  assert.equal((await declinedTasks('lead.rza', l.id)).length, 1, 'on the RZA interface lead\'s worklist');
  assert.equal((await declinedTasks('analyst.icb', l.id)).length, 1, 'on the ICB\'s worklist');
  assert.deepEqual(await declinedTasks('gp.patel', l.id), [], 'never the GP\'s');
  const ev = srv.sqlite(`SELECT detail FROM events WHERE action = 'task.escalated' AND object_type = 'gp_action' AND object_id = '${l.id}'`);
  assert.ok(ev.length >= 1, 'the escalation is audited');
  assert.equal(JSON.parse(ev[0].detail).n, 2);
});
