// Clinical priority and GP priority reviews (docs/waiting-list.md, "POST /pathways/{id}/priority",
// "POST /pathways/{id}/priority-review", "GET /priority-reviews", "POST /priority-reviews/{id}/answer";
// the rules are docs/rtt-rules.md, "Clinical priority").
//
// Readings of the contract where it is not explicit:
//  - the day a priority is set is today (UTC); treat-by and review dates follow the rules table:
//    P1a +1/+1, P1b +3/+3, P2 +28/+28, P3 +84/+84, P4 none/+84, P6 none/+84 (days);
//  - the answer's `reason` is the review's `answer`;
//  - `reprioritised` to the current priority, or without a priority, is 422;
//  - the GP inbox item has `type` (as every other inbox item) or `kind` "priority_review", and
//    its `id` is the review's or its `link` names the review or the pathway;
//  - the worklist task names the review under `priority_review` (or `review`) like other subjects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, findService, createReferral, act, errorOf, seam, allPages } from './lib/server.mjs';
import { careKit } from './lib/care.mjs';
import { pathwayKit, dayOf, dateOf, addDays, todayUtc, addWorkingDays, isoSec, ISO, DATE } from './lib/pathways.mjs';

let srv, K, cardio, dermRza, dermRzb;
const { rows, inbox } = careKit(() => srv);
const HOUR = 3600_000;

before(async () => {
  srv = await startServer();
  K = pathwayKit(() => srv);
  cardio = await findService(srv, 'RZA', 'Cardiology');
  dermRza = await findService(srv, 'RZA', 'Dermatology');
  dermRzb = await findService(srv, 'RZB', 'Dermatology');
});
after(async () => { await srv?.stop(); });

/** A fresh Riverside (Z00001) patient waiting at `service` (default RZA Cardiology) since `days` ago. */
function waiting(o = {}) {
  const nhs = K.addPatient({ practice: o.practice ?? 'Z00001', family: o.family ?? 'Prioritee' });
  const id = K.addPathway({ nhs, service: o.service ?? cardio.id, start: addDays(todayUtc(), -(o.days ?? 70)), ...o.extra });
  return { id, nhs };
}
const pathway = (as, id) => K.get(as, `/pathways/${id}`);
const setPriority = (as, id, body, want = 200) => K.call(as, 'POST', `/pathways/${id}/priority`, body, want);
const askReview = (as, id, body, want = 201) => K.call(as, 'POST', `/pathways/${id}/priority-review`, body, want);
const answer = (as, rid, body, want = 200) => K.call(as, 'POST', `/priority-reviews/${rid}/answer`, body, want);
/** Asserts a refusal that writes nothing: status, code (and field). */
async function refused(as, p, body, status, code, field) {
  const b = rows();
  const r = await srv.api(as, 'POST', p, body);
  const e = K.isError(r, status, code, `POST ${p} as ${as} ${JSON.stringify(body)}`);
  if (field) assert.equal(e.field, field, `POST ${p}: error field`);
  assert.deepEqual(rows(), b, `POST ${p} as ${as} refused, yet rows changed`);
  return e;
}
const TREAT = { P1a: 1, P1b: 3, P2: 28, P3: 84, P4: null, P6: null };
const REVIEW = { P1a: 1, P1b: 3, P2: 28, P3: 84, P4: 84, P6: 84 };
const reviewTask = (rid) => srv.sqlite(`SELECT * FROM tasks WHERE review_id = ${rid} ORDER BY id`);
const isReviewTask = (t, rid) => t.kind === 'priority_review' &&
  (t.priority_review?.id === rid || t.review?.id === rid || t.subject_id === rid);

// ------------------------------------------------------------ setting a priority

test('a clinician sets a priority: treat-by and review date from the rules, a history row with reason and who', async () => {
  const w = waiting();
  const before_ = await pathway('clinician.cardio', w.id);
  assert.equal(before_.priority, null);
  const today = todayUtc();
  const p = await setPriority('clinician.cardio', w.id, { priority: 'P2', reason: 'Worsening angina at rest' });
  assert.equal(p.id, w.id, 'answers the pathway');
  assert.equal(p.priority.code, 'P2');
  assert.equal(typeof p.priority.label, 'string');
  assert.ok(p.priority.label.length > 0);
  assert.equal(p.priority.treat_by, addDays(today, 28), 'P2: treat within 28 days');
  assert.equal(p.priority.review_date, addDays(today, 28), 'P2: review every 4 weeks');
  assert.equal(p.priority.reason, 'Worsening angina at rest');
  assert.equal(p.priority.set_by?.username, 'clinician.cardio');
  assert.equal(typeof p.priority.set_by?.display_name, 'string');
  assert.match(p.priority.set_at, ISO);
  assert.ok(Math.abs(Date.parse(p.priority.set_at) - Date.now()) < 120_000, `set_at ${p.priority.set_at} is now`);
  assert.equal(p.priority.review_overdue, false);
  assert.equal(p.version, before_.version + 1, 'version goes up');

  const d = await pathway('gp.patel', w.id);
  assert.equal(d.priority.code, 'P2', 'the GP sees the new priority');
  assert.equal(d.priority_history.length, 1);
  const h = d.priority_history[0];
  assert.equal(h.by?.username, 'clinician.cardio');
  assert.equal(h.from, null);
  assert.equal(h.to, 'P2');
  assert.equal(h.reason, 'Worsening angina at rest');
  assert.equal(h.treat_by, addDays(today, 28));
  assert.equal(h.review_date, addDays(today, 28));
  assert.match(h.at, ISO);
  const pc = srv.sqlite(`SELECT * FROM priority_changes WHERE pathway_id = ${w.id}`);
  assert.equal(pc.length, 1);
  assert.equal(pc[0].by_username, 'clinician.cardio');
  assert.equal(pc[0].icb_code, 'QZZ');
  const ev = srv.count(`SELECT count(*) AS n FROM events WHERE object_id = '${w.id}' AND action NOT LIKE 'read%' AND patient_nhs_number = '${w.nhs}'`);
  assert.ok(ev >= 1, 'an event is written');

  // the triager changes it, naming a review date of their own
  const q = await setPriority('triage.cardio', w.id, { priority: 'p3', reason: 'Stable on treatment', review_date: '2027-02-01' });
  assert.equal(q.priority.code, 'P3', 'case-insensitive, canonical in the answer');
  assert.equal(q.priority.treat_by, addDays(today, 84), 'P3: 12 weeks');
  assert.equal(q.priority.review_date, '2027-02-01', 'review_date in the body overrides the rule');
  assert.equal(q.priority.set_by.username, 'triage.cardio');
  const d2 = await pathway('clinician.cardio', w.id);
  assert.equal(d2.priority_history.length, 2);
  const h2 = d2.priority_history.find((x) => x.to === 'P3');
  assert.ok(h2, JSON.stringify(d2.priority_history));
  assert.equal(h2.from, 'P2');
  assert.equal(h2.by.username, 'triage.cardio');
  assert.equal(h2.reason, 'Stable on treatment');
  assert.equal(h2.review_date, '2027-02-01');
  // on the list: the priority filter finds it
  const l = await K.waitingList('clinician.cardio', { priority: 'P3', patient: w.nhs });
  assert.deepEqual(l.items.map((x) => x.id), [w.id]);
});

test('treat-by and review dates for every priority', async () => {
  const w = waiting();
  const today = todayUtc();
  for (const code of ['P1a', 'P1b', 'P2', 'P3', 'P4', 'P6']) {
    const p = await setPriority('clinician.cardio', w.id, { priority: code, reason: `Now ${code}` });
    assert.equal(p.priority.code, code);
    assert.equal(p.priority.treat_by, TREAT[code] === null ? null : addDays(today, TREAT[code]), `${code}: treat_by`);
    assert.equal(p.priority.review_date, addDays(today, REVIEW[code]), `${code}: review_date`);
  }
  const d = await pathway('clinician.cardio', w.id);
  assert.equal(d.priority_history.length, 6);
  assert.deepEqual(d.priority_history.map((h) => h.to).sort(), ['P1a', 'P1b', 'P2', 'P3', 'P4', 'P6'].sort());
});

test('only the trust\'s clinicians and triagers set priorities: a GP gets 403, another trust 404', async () => {
  const w = waiting();
  const body = { priority: 'P2', reason: 'GP thinks it is urgent' };
  await refused('gp.patel', `/pathways/${w.id}/priority`, body, 403, 'forbidden');
  await refused('admin.riverside', `/pathways/${w.id}/priority`, body, 403, 'forbidden');
  await refused('booking.rza', `/pathways/${w.id}/priority`, body, 403, 'forbidden');
  await refused('analyst.icb', `/pathways/${w.id}/priority`, body, 403, 'forbidden');
  await refused('triage.derm.rzb', `/pathways/${w.id}/priority`, body, 404, 'not_found');
  await refused('gp.okafor', `/pathways/${w.id}/priority`, body, 404, 'not_found');
  assert.equal((await pathway('gp.patel', w.id)).priority, null, 'still unprioritised');
});

test('bad priorities and reasons are 422; a closed pathway is 409', async () => {
  const w = waiting();
  const p = `/pathways/${w.id}/priority`;
  for (const bad of ['P5', 'urgent', 'P1', 'P2 ']) {
    await refused('clinician.cardio', p, { priority: bad, reason: 'x' }, 422, 'invalid_value', 'priority');
  }
  // an empty priority is either missing or invalid
  await refused('clinician.cardio', p, { priority: '', reason: 'x' }, 422, ['invalid_value', 'missing_field'], 'priority');
  await refused('clinician.cardio', p, { reason: 'no priority' }, 422, 'missing_field', 'priority');
  await refused('clinician.cardio', p, { priority: 'P2' }, 422, 'missing_field', 'reason');
  await refused('clinician.cardio', p, { priority: 'P2', reason: '' }, 422, 'missing_field', 'reason');
  await refused('clinician.cardio', p, { priority: 'P2', reason: 'x', review_date: '2027-02-30' }, 422, 'invalid_value', 'review_date');
  await refused('clinician.cardio', p, { priority: 2, reason: 'x' }, [400, 422], null);
  const closed = waiting({ extra: { stop: addDays(todayUtc(), -3), status: '30', open: 0 } });
  await refused('clinician.cardio', `/pathways/${closed.id}/priority`, { priority: 'P2', reason: 'Too late' }, 409, 'illegal_transition');
  await refused('clinician.cardio', '/pathways/987654321/priority', { priority: 'P2', reason: 'x' }, 404, 'not_found');
});

// ------------------------------------------------------------ priority reviews

test('a GP asks for a priority review: a task for the service\'s clinician, due in 2 working days', async () => {
  const ref = await createReferral(srv, { service_id: cardio.id });
  const pw = await K.pathwayOfReferral('gp.patel', ref);
  await setPriority('clinician.cardio', pw.id, { priority: 'P3', reason: 'Stable symptoms' });
  const b = rows();
  const rv = await askReview('gp.patel', pw.id, { reason: 'Now breathless on one flight of stairs' });
  assert.ok(Number.isInteger(rv.id));
  assert.equal(rv.pathway_id, pw.id);
  assert.equal(rv.status, 'open');
  assert.equal(rv.reason, 'Now breathless on one flight of stairs');
  assert.equal(rv.requested_by?.username, 'gp.patel');
  assert.equal(rv.requested_org?.code, 'Z00001');
  assert.match(rv.requested_at, ISO);
  assert.ok(Math.abs(Date.parse(rv.requested_at) - Date.now()) < 120_000);
  assert.equal(rv.due_at, isoSec(addWorkingDays(Date.parse(rv.requested_at), 2)), 'due 2 working days later, same clock time');
  assert.equal(rv.outcome, null);
  assert.equal(rv.answer, null);
  assert.equal(rv.answered_by, null);
  assert.equal(rv.from_priority ?? 'P3', 'P3');
  assert.equal(rv.patient?.nhs_number, ref.patient.nhs_number);
  assert.equal(rv.service?.id, cardio.id);
  assert.equal(rv.trust?.code, 'RZA');
  const a = rows();
  assert.equal(a.priority_reviews - b.priority_reviews, 1, 'one review row');
  assert.equal(a.tasks - b.tasks, 1, 'one task');

  // the task: kind priority_review, owned by RZA Cardiology's clinicians
  const t = reviewTask(rv.id);
  assert.equal(t.length, 1, 'one task with review_id');
  assert.equal(t[0].kind, 'priority_review');
  assert.equal(t[0].state, 'open');
  assert.equal(t[0].owner_org, 'RZA');
  assert.equal(Number(t[0].owner_service_id), cardio.id);
  assert.equal(t[0].owner_role, 'clinician');
  assert.equal(t[0].due_at, rv.due_at);
  assert.equal(t[0].patient_nhs_number, ref.patient.nhs_number, 'the task names the patient (escalation events and audit use it)');
  assert.equal(Number(t[0].service_id), cardio.id, 'the task names the service (the failsafe joins on it)');
  const wl = await allPages(srv, 'clinician.cardio', '/worklist', 'tasks');
  const mine = wl.filter((x) => isReviewTask(x, rv.id));
  assert.equal(mine.length, 1, `on clinician.cardio's worklist: ${JSON.stringify(wl.filter((x) => x.kind === 'priority_review')).slice(0, 500)}`);
  assert.equal(mine[0].due_at, rv.due_at);
  assert.equal(mine[0].owner.organisation.code, 'RZA');
  assert.equal(mine[0].owner.service?.id, cardio.id);
  assert.equal(mine[0].owner.role, 'clinician');
  assert.equal(mine[0].escalation_level, 0);
  const rzb = await allPages(srv, 'triage.derm.rzb', '/worklist', 'tasks');
  assert.ok(!rzb.some((x) => isReviewTask(x, rv.id)), 'not on another trust\'s worklist');

  // the pathway shows the open review
  const d = await pathway('gp.patel', pw.id);
  assert.equal(d.open_review?.id, rv.id);
  assert.equal(d.open_review.reason, rv.reason);
  assert.equal(d.open_review.due_at, rv.due_at);
  assert.equal(d.reviews.length, 1);
  assert.equal(d.reviews[0].id, rv.id);
  // listed for the practice and for the trust
  const gpList = await K.get('gp.patel', '/priority-reviews?status=open');
  assert.ok(gpList.items.some((x) => x.id === rv.id), 'GET /priority-reviews: the practice\'s request');
  assert.equal(gpList.total, gpList.items.length);
  const trustList = await K.get('clinician.cardio', '/priority-reviews?status=open');
  assert.ok(trustList.items.some((x) => x.id === rv.id), 'GET /priority-reviews: a request to the trust');

  // a second request while one is open
  await refused('gp.patel', `/pathways/${pw.id}/priority-review`, { reason: 'Again' }, 409, 'illegal_transition');
  await refused('admin.riverside', `/pathways/${pw.id}/priority-review`, { reason: 'Again' }, 409, 'illegal_transition');
});

test('who may ask: the patient\'s practice only (404 elsewhere, 403 for other roles); a reason; an open pathway', async () => {
  const w = waiting();
  const p = `/pathways/${w.id}/priority-review`;
  await refused('gp.okafor', p, { reason: 'Not my patient' }, 404, 'not_found');
  await refused('triage.derm.rzb', p, { reason: 'x' }, 404, 'not_found');
  await refused('clinician.cardio', p, { reason: 'x' }, 403, 'forbidden');
  await refused('booking.rza', p, { reason: 'x' }, 403, 'forbidden');
  await refused('analyst.icb', p, { reason: 'x' }, 403, 'forbidden');
  await refused('gp.patel', p, {}, 422, 'missing_field', 'reason');
  await refused('gp.patel', p, { reason: '' }, 422, 'missing_field', 'reason');
  await refused('gp.patel', '/pathways/987654321/priority-review', { reason: 'x' }, 404, 'not_found');
  const closed = waiting({ extra: { stop: addDays(todayUtc(), -3), status: '34', open: 0 } });
  await refused('gp.patel', `/pathways/${closed.id}/priority-review`, { reason: 'x' }, 409, 'illegal_transition');
  // the practice administrator may ask
  const rv = await askReview('admin.riverside', w.id, { reason: 'Patient rang: pain much worse' });
  assert.equal(rv.requested_by.username, 'admin.riverside');
  assert.equal(rv.requested_org.code, 'Z00001');
});

test('the clinician reprioritises: the pathway\'s priority changes, with a history row; the GP sees the answer', async () => {
  const w = waiting({ days: 100 });
  await setPriority('clinician.cardio', w.id, { priority: 'P4', reason: 'Mild symptoms' });
  const rv = await askReview('gp.patel', w.id, { reason: 'Collapsed at home last week' });
  const h0 = (await pathway('gp.patel', w.id)).priority_history.length;
  const today = todayUtc();
  const a = await answer('clinician.cardio', rv.id, { outcome: 'reprioritised', priority: 'P2', reason: 'Agree: bring forward, P2' });
  assert.equal(a.id, rv.id);
  assert.equal(a.status, 'answered');
  assert.equal(a.outcome, 'reprioritised');
  assert.equal(a.answer, 'Agree: bring forward, P2');
  assert.equal(a.from_priority, 'P4');
  assert.equal(a.to_priority, 'P2');
  assert.equal(a.answered_by?.username, 'clinician.cardio');
  assert.match(a.answered_at, ISO);

  const d = await pathway('gp.patel', w.id);
  assert.equal(d.priority.code, 'P2', 'the pathway\'s priority changed');
  assert.equal(d.priority.treat_by, addDays(today, 28));
  assert.equal(d.priority.set_by.username, 'clinician.cardio');
  assert.equal(d.priority_history.length, h0 + 1, 'a history row');
  const h = d.priority_history.find((x) => x.to === 'P2');
  assert.equal(h.from, 'P4');
  assert.equal(h.by.username, 'clinician.cardio');
  assert.equal(h.reason, 'Agree: bring forward, P2');
  const pc = srv.sqlite(`SELECT review_id FROM priority_changes WHERE pathway_id = ${w.id} AND to_priority = 'P2'`);
  assert.equal(pc.length, 1);
  assert.equal(String(pc[0].review_id), String(rv.id), 'the change names the review');
  assert.equal(d.open_review, null, 'no open review now');
  const r = d.reviews.find((x) => x.id === rv.id);
  assert.equal(r?.status, 'answered');
  assert.equal(r.outcome, 'reprioritised');

  // the task is closed
  const t = reviewTask(rv.id);
  assert.equal(t.length, 1);
  assert.equal(t[0].state, 'done');
  assert.equal(t[0].closed_by, 'clinician.cardio');
  const wl = await allPages(srv, 'clinician.cardio', '/worklist', 'tasks');
  assert.ok(!wl.some((x) => isReviewTask(x, rv.id)), 'off the worklist');

  // the GP: the list, and the inbox (information, not an action)
  const gp = await K.get('gp.patel', '/priority-reviews?status=answered');
  const g = gp.items.find((x) => x.id === rv.id);
  assert.ok(g, 'answered request listed for the practice');
  assert.equal(g.outcome, 'reprioritised');
  assert.equal(g.answer, 'Agree: bring forward, P2');
  assert.equal(g.to_priority, 'P2');
  assert.ok(!(await K.get('gp.patel', '/priority-reviews?status=open')).items.some((x) => x.id === rv.id), 'not open any more');
  assert.ok((await K.get('gp.patel', '/priority-reviews?status=all')).items.some((x) => x.id === rv.id));
  const box = await inbox('gp.patel');
  const about = (i) => (i.type === 'priority_review' || i.kind === 'priority_review') &&
    (i.id === rv.id || new RegExp(`(review|pathway)[^0-9]*(${rv.id}|${w.id})(\\D|$)`).test(String(i.link ?? '')));
  assert.ok(box.information.some(about), `the answer is in the GP inbox's information list: ${JSON.stringify(box.information.filter((i) => /prior/.test(JSON.stringify(i)))).slice(0, 400)}`);
  assert.ok(!box.actions.some(about), 'not an action: nothing for the GP to do');
  assert.ok(!(await inbox('gp.okafor')).information.some(about), 'not in another practice\'s inbox');

  // answering twice
  await refused('clinician.cardio', `/priority-reviews/${rv.id}/answer`, { outcome: 'unchanged', reason: 'Again' }, 409, 'illegal_transition');
});

test('the triager answers "unchanged": the priority stays, no history row; the GP may ask again', async () => {
  const w = waiting();
  await setPriority('triage.cardio', w.id, { priority: 'P3', reason: 'Routine' });
  const rv = await askReview('gp.patel', w.id, { reason: 'Patient anxious about the wait' });
  const before_ = await pathway('gp.patel', w.id);
  const b = rows();
  const a = await answer('triage.cardio', rv.id, { outcome: 'unchanged', reason: 'Clinically stable; P3 remains right' });
  assert.equal(a.status, 'answered');
  assert.equal(a.outcome, 'unchanged');
  assert.equal(a.answer, 'Clinically stable; P3 remains right');
  assert.equal(a.answered_by.username, 'triage.cardio');
  assert.equal(a.from_priority, 'P3');
  assert.ok(a.to_priority === 'P3' || a.to_priority === null, `to_priority ${a.to_priority}`);
  const d = await pathway('gp.patel', w.id);
  assert.equal(d.priority.code, 'P3');
  assert.equal(d.priority.treat_by, before_.priority.treat_by);
  assert.equal(d.priority_history.length, before_.priority_history.length, 'no new history row');
  assert.equal(rows().priority_changes, b.priority_changes);
  assert.equal(reviewTask(rv.id)[0].state, 'done');
  // a new request is allowed once the last one is answered
  const again = await askReview('gp.patel', w.id, { reason: 'Now worse' });
  assert.notEqual(again.id, rv.id);
  assert.equal(again.status, 'open');
});

test('answer refusals: role, trust, outcome, priority, reason', async () => {
  const w = waiting();
  await setPriority('clinician.cardio', w.id, { priority: 'P3', reason: 'Routine' });
  const rv = await askReview('gp.patel', w.id, { reason: 'Please review' });
  const p = `/priority-reviews/${rv.id}/answer`;
  await refused('gp.patel', p, { outcome: 'unchanged', reason: 'x' }, 403, 'forbidden');
  await refused('booking.rza', p, { outcome: 'unchanged', reason: 'x' }, 403, 'forbidden');
  await refused('triage.derm.rzb', p, { outcome: 'unchanged', reason: 'x' }, 404, 'not_found');
  await refused('gp.okafor', p, { outcome: 'unchanged', reason: 'x' }, 404, 'not_found');
  // another service's clinician at the same trust: the service has its own
  const other = await srv.api('clinician.rza.dermatology', 'POST', p, { outcome: 'unchanged', reason: 'x' });
  assert.ok([403, 404].includes(other.status), `RZA Dermatology's clinician answering for Cardiology: ${other.status} ${other.text.slice(0, 200)}`);
  await refused('clinician.cardio', p, { outcome: 'maybe', reason: 'x' }, 422, 'invalid_value', 'outcome');
  await refused('clinician.cardio', p, { reason: 'x' }, 422, 'missing_field', 'outcome');
  await refused('clinician.cardio', p, { outcome: 'unchanged' }, 422, 'missing_field', 'reason');
  await refused('clinician.cardio', p, { outcome: 'reprioritised', reason: 'x' }, 422, 'missing_field', 'priority');
  await refused('clinician.cardio', p, { outcome: 'reprioritised', priority: 'P9', reason: 'x' }, 422, 'invalid_value', 'priority');
  await refused('clinician.cardio', p, { outcome: 'reprioritised', priority: 'P3', reason: 'Same' }, 422, 'invalid_value', 'priority');
  await refused('clinician.cardio', '/priority-reviews/987654321/answer', { outcome: 'unchanged', reason: 'x' }, 404, 'not_found');
  const r = await K.get('clinician.cardio', `/pathways/${w.id}`);
  assert.equal(r.open_review?.id, rv.id, 'still open after the refusals');
});

test('a review whose pathway has closed cannot reprioritise it (409, as POST /priority on a closed pathway)', async () => {
  const ref = await createReferral(srv, { service_id: cardio.id });
  const pw = await K.pathwayOfReferral('gp.patel', ref);
  const rv = await askReview('gp.patel', pw.id, { reason: 'Worse' });
  await act(srv, 'gp.patel', ref.id, 'withdraw', { reason: 'Going private' });
  assert.equal((await pathway('gp.patel', pw.id)).open, false, 'the pathway is closed');
  await refused('clinician.cardio', `/priority-reviews/${rv.id}/answer`, { outcome: 'reprioritised', priority: 'P2', reason: 'Bring forward' },
    409, 'illegal_transition');
  assert.equal((await pathway('gp.patel', pw.id)).priority, null, 'no priority on a closed pathway');
});

test('a review whose pathway has closed does not stay open to escalate', async () => {
  // the patient is off the list (returned to the GP): nobody at the trust owes an answer any more,
  // and an open task would climb to the interface lead and the ICB (the schema has status 'withdrawn')
  const ref = await createReferral(srv, { service_id: cardio.id });
  const pw = await K.pathwayOfReferral('gp.patel', ref);
  const rv = await askReview('gp.patel', pw.id, { reason: 'Worse' });
  await act(srv, 'triage.cardio', ref.id, 'triage', { decision: 'return', comment: 'Manage in primary care', advice: 'Beta blocker', reason_code: 'manage_in_primary_care' });
  const t = reviewTask(rv.id);
  assert.ok(t.every((x) => x.state !== 'open'), `the review's task is closed once the pathway closes: ${JSON.stringify(t.map((x) => x.state))}`);
  const wl = await allPages(srv, 'clinician.cardio', '/worklist', 'tasks');
  assert.ok(!wl.some((x) => isReviewTask(x, rv.id)), 'off the clinician\'s worklist');
});

test('a pathway an import takes off the list: the failsafe withdraws its open review, with the reason', async () => {
  const w = waiting();
  const rv = await askReview('gp.patel', w.id, { reason: 'Worse since the referral' });
  // what a PTL import does when the trust's extract says the clock stopped
  const today = todayUtc();
  srv.sqlite(`UPDATE pathways SET open = 0, rtt_status = '30', clock_stop = '${today}', clock_stop_day = ${dayOf(today)} WHERE id = ${w.id}`);
  const r = seam(['failsafe', '--db', srv.db]);
  assert.equal(r.status, 0, r.stderr);
  const got = (await K.get('gp.patel', '/priority-reviews?status=all')).items.find((x) => x.id === rv.id);
  assert.equal(got.status, 'withdrawn');
  assert.match(got.answer, /no longer on the waiting list/);
  assert.ok(reviewTask(rv.id).every((x) => x.state === 'done'), 'its task is closed');
  assert.equal(srv.count(`SELECT count(*) AS n FROM events WHERE action = 'priority_review.withdrawn' AND object_id = '${rv.id}'`), 1);
});

test('a retried review request with the same Idempotency-Key makes one review', async () => {
  const w = waiting();
  const key = `review-${w.id}-${Date.now()}`;
  const b = rows();
  const r1 = await srv.api('gp.patel', 'POST', `/pathways/${w.id}/priority-review`, { reason: 'Retry check' }, { 'Idempotency-Key': key });
  assert.equal(r1.status, 201, r1.text);
  const r2 = await srv.api('gp.patel', 'POST', `/pathways/${w.id}/priority-review`, { reason: 'Retry check' }, { 'Idempotency-Key': key });
  assert.equal(r2.status, 201, `the replay answers as the first time: ${r2.status} ${r2.text.slice(0, 200)}`);
  assert.equal(r2.headers.get('idempotent-replayed'), 'true');
  assert.equal(r2.json.id, r1.json.id);
  const a = rows();
  assert.equal(a.priority_reviews - b.priority_reviews, 1);
  assert.equal(a.tasks - b.tasks, 1);
  const r3 = await srv.api('gp.patel', 'POST', `/pathways/${w.id}/priority-review`, { reason: 'Something else' }, { 'Idempotency-Key': key });
  K.isError(r3, 409, 'idempotency_key_conflict', 'same key, another body');
});

test('GET /priority-reviews: each sees their own; status filter', async () => {
  const w = waiting();
  const rv = await askReview('gp.patel', w.id, { reason: 'Scoping check' });
  const has = async (as, q = '') => (await K.get(as, `/priority-reviews${q}`)).items.some((x) => x.id === rv.id);
  assert.ok(await has('gp.patel'), 'the practice (default status)');
  assert.ok(await has('admin.riverside'));
  assert.ok(await has('clinician.cardio'));
  assert.ok(await has('triage.cardio'));
  assert.ok(await has('analyst.icb'), 'the ICB');
  assert.ok(!(await has('gp.okafor')), 'not another practice');
  assert.ok(!(await has('triage.derm.rzb')), 'not another trust');
  assert.ok(!(await has('clinician.rza.dermatology')), 'not another service of the trust');
  assert.ok(!(await has('gp.patel', '?status=answered')));
  for (const x of (await K.get('gp.patel', '/priority-reviews?status=all')).items) {
    assert.equal(x.requested_org.code, 'Z00001', `review ${x.id} belongs to Riverside`);
  }
  for (const x of (await K.get('triage.derm.rzb', '/priority-reviews?status=all')).items) {
    assert.equal(x.trust.code, 'RZB');
  }
  const bad = await srv.api('gp.patel', 'GET', '/priority-reviews?status=pending');
  K.isError(bad, 400, 'bad_parameter', 'status=pending');
});

test('the failsafe escalates an overdue review like any task', async () => {
  const w = waiting();
  const rv = await askReview('gp.patel', w.id, { reason: 'Escalation check' });
  const due = Date.parse(rv.due_at);
  const failsafe = (now) => {
    const r = seam(['failsafe', '--db', srv.db, '--now', isoSec(now)]);
    assert.equal(r.status, 0, `seam failsafe --now ${isoSec(now)}: ${r.status} ${r.stderr}`);
    return r;
  };
  failsafe(due - HOUR);
  assert.equal(Number(reviewTask(rv.id)[0].escalation_level), 0, 'not yet due');
  failsafe(due + HOUR);
  assert.equal(Number(reviewTask(rv.id)[0].escalation_level), 1, 'overdue: level 1 (the owner)');
  const wl = (await allPages(srv, 'clinician.cardio', '/worklist', 'tasks')).filter((x) => isReviewTask(x, rv.id));
  assert.equal(wl.length, 1);
  assert.equal(wl[0].escalation_level, 1);
  assert.equal(wl[0].escalated_to, 'owner');
  const esc = srv.sqlite(`SELECT * FROM events WHERE action LIKE '%escalat%' AND patient_nhs_number = '${w.nhs}'`);
  assert.equal(esc.length, 1, `one escalation event for the patient: ${JSON.stringify(esc).slice(0, 400)}`);
  failsafe(addWorkingDays(due, 2).getTime() + HOUR);
  assert.equal(Number(reviewTask(rv.id)[0].escalation_level), 2, 'two working days late: the interface lead');
  const lead = await allPages(srv, 'lead.rza', '/worklist', 'tasks');
  assert.ok(lead.some((x) => isReviewTask(x, rv.id)), 'on lead.rza\'s worklist');
  failsafe(Date.now() + 30 * 86400_000);
  assert.equal(Number(reviewTask(rv.id)[0].escalation_level), 3, 'the ICB');
  const icb = await allPages(srv, 'analyst.icb', '/worklist', 'tasks');
  assert.ok(icb.some((x) => isReviewTask(x, rv.id)), 'on the ICB analyst\'s worklist');
  // answering still works and closes the escalated task
  await answer('clinician.cardio', rv.id, { outcome: 'unchanged', reason: 'Seen late, unchanged' });
  assert.equal(reviewTask(rv.id)[0].state, 'done');
  failsafe(Date.now() + 60 * 86400_000);
  assert.equal(srv.count(`SELECT count(*) AS n FROM events WHERE action LIKE '%escalat%' AND patient_nhs_number = '${w.nhs}'`), 3,
    'three escalations (owner, interface lead, ICB), and none once answered');
});
