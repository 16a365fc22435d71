// Complete care, results: test orders, results from the lab, review by the
// team that ordered the test, explicit hand-over to the GP (accept / decline),
// unmatched results kept and reported, failsafe escalation.  As in
// docs/api.md, "Complete care ... / Results".
//
// Readings of the contract where it is not explicit (what a GP or hospital
// clinician would expect):
//  - a result is invisible to the GP (GET 404, not in GET /results) until the
//    trust asks the practice to take it over: a GP asked to take over a result
//    must be able to read it, so from `handover_requested` it is visible;
//  - worklist tasks name their subject as referral tasks do: `task.subject`
//    is `result` (or `order`) and `task[subject].id` its id;
//  - an inbox item's `id` is the id of the thing it is about, or its `link`
//    names it (`…/results/{id}`);
//  - the unknown-order report may write an audit event (and a task for the
//    trust to resolve it), but never a result or an order row.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, findService, pickPatient, createReferral, errorOf, seam,
} from './lib/server.mjs';
import { careKit } from './lib/care.mjs';

let srv, cardio, dermRzb;
before(async () => {
  srv = await startServer();
  cardio = await findService(srv, 'RZA', 'Cardiology');
  dermRzb = await findService(srv, 'RZB', 'Dermatology');
});
after(async () => { await srv?.stop(); });

const DAY = 86400_000;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const idOf = (x) => (x !== null && typeof x === 'object' ? x.id : x);
const nhsOf = (x) => (x !== null && typeof x === 'object' ? x.nhs_number : x);
const userOf = (x) => (x !== null && typeof x === 'object' ? x.username : x);

const {
  isPg, tables, rows, refused, call, get, list, worklist, taskAbout, resultTasks, inbox, itemAbout, inboxResultItems, dueIn,
} = careKit(() => srv);

/** A patient of gp.patel with a Cardiology RZA referral (made now). */
async function referredPatient() {
  const referral = await createReferral(srv, { service_id: cardio.id });
  return { nhs: referral.patient.nhs_number, referral };
}
async function order(fields = {}, as = 'clinician.cardio') {
  const p = fields.patient_nhs_number ? null : await referredPatient();
  const body = {
    patient_nhs_number: p?.nhs, service_id: cardio.id, test: 'Troponin T', urgency: 'routine',
    referral_id: p?.referral.id, ...fields,
  };
  return call(as, 'POST', '/results/orders', body, 201);
}
async function result(o, fields = {}, as = 'clinician.cardio') {
  return call(as, 'POST', '/results', { order_id: o.id, summary: 'Troponin T 48 ng/L (ref < 14)', abnormal: true, ...fields }, 201);
}

// ----------------------------------------------------------------- orders

test('a clinician orders a test: awaiting_result, owned by the Cardiology clinician, due', async () => {
  const { nhs, referral } = await referredPatient();
  const t0 = Date.now();
  const o = await call('clinician.cardio', 'POST', '/results/orders',
    { patient_nhs_number: nhs, service_id: cardio.id, test: 'Echocardiogram', urgency: 'routine', referral_id: referral.id }, 201);
  assert.ok(Number.isInteger(o.id), `order id: ${JSON.stringify(o).slice(0, 300)}`);
  assert.equal(o.status, 'awaiting_result');
  assert.equal(nhsOf(o.patient), nhs);
  assert.equal(idOf(o.service), cardio.id);
  assert.equal(o.referral_id, referral.id);
  assert.equal(o.test, 'Echocardiogram');
  assert.equal(o.urgency, 'routine');
  assert.equal(userOf(o.ordered_by), 'clinician.cardio');
  assert.match(o.ordered_at, ISO);
  assert.ok(Math.abs(Date.parse(o.ordered_at) - t0) < 5 * 60_000, `ordered_at is now: ${o.ordered_at}`);
  assert.ok('expected_by' in o, 'expected_by present');
  assert.equal(o.result_id, null);
  assert.ok(o.owner, 'an owner');
  assert.equal(o.owner.organisation.code, 'RZA');
  assert.equal(o.owner.service?.id, cardio.id);
  assert.equal(o.owner.role, 'clinician');
  assert.equal(o.owner.task, 'expected_result');
  // 10 working days: at least 12 calendar days, at most 10 + weekends + bank holidays
  dueIn(o, 11, 20, 'routine order');
  assert.equal(o.overdue, false);
  assert.equal(o.escalation_level, 0);
  const wl = await worklist('clinician.cardio');
  assert.ok(wl.some((t) => t.kind === 'expected_result' && (taskAbout(t, 'order', o.id) || taskAbout(t, 'result_order', o.id))),
    `order ${o.id} on clinician.cardio's worklist as an expected_result task`);

  const u = await order({ urgency: 'urgent', test: 'BNP' });
  assert.equal(u.urgency, 'urgent');
  dueIn(u, 1, 6, 'urgent order (2 working days)');
  assert.ok(Date.parse(u.due_at) < Date.parse(o.due_at));

  // the triager may order too
  const tr = await order({ test: 'Lipid profile' }, 'triage.cardio');
  assert.equal(tr.status, 'awaiting_result');
  assert.equal(tr.owner.role, 'clinician', 'owned by the ordering service\'s clinician');
});

test('ordering: refusals change nothing', async () => {
  const { nhs, referral } = await referredPatient();
  const base = { patient_nhs_number: nhs, service_id: cardio.id, test: 'FBC', urgency: 'routine', referral_id: referral.id };
  // a GP does not order hospital tests through Seam
  await refused('gp.patel', 'POST', '/results/orders', base, 403, 'forbidden');
  await refused('booking.rza', 'POST', '/results/orders', base, 403, 'forbidden');
  // another trust's service: the triager of RZB Dermatology orders for Cardiology RZA
  await refused('triage.derm.rzb', 'POST', '/results/orders', base, [403, 404]);
  // a patient with no referral to the trust (the booking team sees every patient the trust has)
  let lonely;
  for (let i = 0; i < 40 && !lonely; i++) {
    const p = await pickPatient(srv, 'gp.patel');
    if ((await srv.api('booking.rza', 'GET', `/patients/${p.nhs_number}`)).status === 404) lonely = p;
  }
  assert.ok(lonely, 'found a gp.patel patient with no referral to RZA');
  await refused('clinician.cardio', 'POST', '/results/orders',
    { patient_nhs_number: lonely.nhs_number, service_id: cardio.id, test: 'FBC', urgency: 'routine' }, 404, 'not_found');
  // validation
  const { test: _t, ...noTest } = base;
  await refused('clinician.cardio', 'POST', '/results/orders', noTest, 422, 'missing_field', 'test');
  await refused('clinician.cardio', 'POST', '/results/orders', { ...base, urgency: 'whenever' }, 422, 'invalid_value', 'urgency');
  await refused('clinician.cardio', 'POST', '/results/orders', { ...base, patient_nhs_number: '1234567890' }, 422, 'invalid_nhs_number');
});

// ---------------------------------------------------------------- results

test('an abnormal result: to_review with the ordering clinician, due in 1 working day, never the GP\'s', async () => {
  const o = await order();
  const t0 = Date.now();
  const r = await result(o, { summary: 'Troponin T 62 ng/L, rising', abnormal: true });
  assert.ok(Number.isInteger(r.id));
  assert.equal(r.status, 'to_review');
  assert.equal(r.order_id, o.id);
  assert.equal(r.test, o.test);
  assert.equal(nhsOf(r.patient), nhsOf(o.patient));
  assert.equal(idOf(r.service), cardio.id);
  assert.equal(r.summary, 'Troponin T 62 ng/L, rising');
  assert.equal(r.abnormal, true);
  assert.match(r.received_at, ISO);
  assert.ok(Math.abs(Date.parse(r.received_at) - t0) < 5 * 60_000);
  assert.equal(r.owner.organisation.code, 'RZA');
  assert.equal(r.owner.service?.id, cardio.id);
  assert.equal(r.owner.role, 'clinician');
  assert.equal(r.owner.task, 'review_result');
  dueIn(r, 0, 5, 'abnormal result (1 working day)');
  assert.equal(r.review, null);
  assert.equal(r.handover, null);
  assert.equal(r.escalation_level, 0);

  const o2 = await get('clinician.cardio', `/results/orders/${o.id}`).catch(() => null);
  if (o2) {
    assert.equal(o2.status, 'resulted');
    assert.equal(o2.result_id, r.id);
  }
  assert.equal(srv.count(`SELECT count(*) FROM tasks WHERE state = 'open' AND kind = 'expected_result' AND ${taskColumn('order')} = ${o.id}`), 0,
    'the expected_result task closed');

  const wl = await resultTasks('clinician.cardio', r.id);
  assert.equal(wl.length, 1, `one review_result task for result ${r.id} on clinician.cardio's worklist`);
  assert.equal(wl[0].kind, 'review_result');
  assert.equal(Date.parse(wl[0].due_at), Date.parse(r.due_at));

  // the GP: nothing to do, nothing to see
  assert.deepEqual(await resultTasks('gp.patel', r.id), [], 'not on gp.patel\'s worklist');
  assert.deepEqual(await inboxResultItems('gp.patel', r.id), [], 'not in gp.patel\'s inbox');
  assert.ok(!(await list('gp.patel', '/results', 'results')).some((x) => x.id === r.id), 'not in the GP\'s results');
  assert.equal((await srv.api('gp.patel', 'GET', `/results/${r.id}`)).status, 404);
  assert.equal((await srv.api('triage.derm.rzb', 'GET', `/results/${r.id}`)).status, 404, 'another trust');

  const trust = await list('clinician.cardio', '/results?status=to_review', 'results');
  assert.ok(trust.some((x) => x.id === r.id), 'listed for the trust');
  assert.ok(trust.every((x) => x.status === 'to_review'), 'status filter');
  assert.equal((await get('clinician.cardio', `/results/${r.id}`)).id, r.id);
});

test('a normal routine result from the lab system (admin) is due in 3 working days', async () => {
  const o = await order({ test: 'HbA1c' });
  const r = await result(o, { summary: 'HbA1c 38 mmol/mol', abnormal: false }, 'admin');
  assert.equal(r.status, 'to_review');
  assert.equal(r.abnormal, false);
  assert.equal(r.owner.role, 'clinician');
  assert.equal(r.owner.organisation.code, 'RZA');
  dueIn(r, 2, 8, 'normal routine result (3 working days)');
  // urgent order: 1 working day even when normal
  const u = await order({ urgency: 'urgent', test: 'Potassium' });
  const ru = await result(u, { summary: 'K 4.1', abnormal: false });
  dueIn(ru, 0, 5, 'normal urgent result (1 working day)');
  assert.ok(Date.parse(ru.due_at) < Date.parse(r.due_at));
});

test('the ordering clinician reviews: reviewed, action and patient told recorded', async () => {
  const o = await order();
  const r = await result(o);
  const v = await call('clinician.cardio', 'POST', `/results/${r.id}/review`,
    { action_taken: 'Admitted to CDU for serial troponins', patient_told: true }, 200);
  assert.equal(v.id, r.id);
  assert.equal(v.status, 'reviewed');
  assert.ok(v.review, 'review recorded');
  assert.equal(userOf(v.review.by), 'clinician.cardio');
  assert.match(v.review.at, ISO);
  assert.equal(v.review.action_taken, 'Admitted to CDU for serial troponins');
  assert.equal(v.review.patient_told, true);
  assert.equal(v.owner, null, 'nobody owes anything once reviewed');
  assert.deepEqual(await resultTasks('clinician.cardio', r.id), [], 'off the worklist');
  assert.equal((await get('clinician.cardio', `/results/${r.id}`)).status, 'reviewed');
  // reviewed is final
  await refused('clinician.cardio', 'POST', `/results/${r.id}/review`, { action_taken: 'again', patient_told: true }, 409, 'illegal_transition');
  await refused('clinician.cardio', 'POST', `/results/${r.id}/handover`, { reason: 'GP to follow up' }, 409, 'illegal_transition');
});

test('hand-over: an explicit request the GP may decline (with a reason) or accept', async () => {
  const o = await order({ test: 'Lipid profile' });
  const r = await result(o, { summary: 'LDL 5.2 mmol/L', abnormal: true });

  // request
  const h = await call('clinician.cardio', 'POST', `/results/${r.id}/handover`, { reason: 'Statin initiation and monitoring in primary care' }, 200);
  assert.equal(h.status, 'handover_requested');
  assert.ok(h.handover, 'handover recorded');
  assert.equal(h.handover.reason, 'Statin initiation and monitoring in primary care');
  assert.equal(userOf(h.handover.requested_by), 'clinician.cardio');
  assert.match(h.handover.requested_at, ISO);
  assert.ok(h.handover.decision == null || h.handover.decision === 'pending', `no decision yet: ${h.handover.decision}`);
  const inb = (await inbox('gp.patel')).actions.filter((i) => i.type === 'result_handover' && itemAbout(i, 'results', r.id));
  assert.equal(inb.length, 1, 'a result_handover action in gp.patel\'s inbox');
  const gpTasks = await resultTasks('gp.patel', r.id);
  assert.equal(gpTasks.length, 1, 'a task on gp.patel\'s worklist');
  assert.equal(gpTasks[0].kind, 'result_handover');
  assert.equal(gpTasks[0].owner.organisation.code, 'Z00001');
  assert.equal(gpTasks[0].owner.role, 'gp');
  dueIn(gpTasks[0], 1, 7, 'hand-over request (2 working days)');
  assert.equal((await get('gp.patel', `/results/${r.id}`)).status, 'handover_requested', 'the GP can read what it is asked to take');
  assert.deepEqual((await inbox('gp.okafor')).actions.filter((i) => itemAbout(i, 'results', r.id) && /result/.test(i.type)), []);
  await refused('gp.okafor', 'POST', `/results/${r.id}/handover/accept`, {}, 404, 'not_found');
  await refused('gp.okafor', 'POST', `/results/${r.id}/handover/decline`, { reason: 'Not ours' }, 404, 'not_found');
  // the trust cannot answer its own request; the GP cannot review before accepting
  await refused('clinician.cardio', 'POST', `/results/${r.id}/handover/accept`, {}, 403, 'forbidden');
  await refused('gp.patel', 'POST', `/results/${r.id}/review`, { action_taken: 'x', patient_told: true }, [403, 409]);

  // decline without a reason: refused; with one: back to the trust
  await refused('gp.patel', 'POST', `/results/${r.id}/handover/decline`, {}, 422, 'missing_field', 'reason');
  await refused('gp.patel', 'POST', `/results/${r.id}/handover/decline`, { reason: '' }, 422, 'missing_field', 'reason');
  const d = await call('gp.patel', 'POST', `/results/${r.id}/handover/decline`,
    { reason: 'Familial hypercholesterolaemia workup belongs with the lipid clinic' }, 200);
  assert.equal(d.status, 'to_review');
  assert.equal(d.handover.decision, 'declined');
  assert.equal(d.handover.decline_reason, 'Familial hypercholesterolaemia workup belongs with the lipid clinic');
  assert.equal(userOf(d.handover.decided_by), 'gp.patel');
  assert.match(d.handover.decided_at, ISO);
  assert.equal(d.owner.organisation.code, 'RZA');
  assert.equal(d.owner.role, 'clinician');
  assert.equal(d.owner.task, 'review_result');
  assert.deepEqual(await resultTasks('gp.patel', r.id), [], 'off the GP worklist');
  assert.equal((await inbox('gp.patel')).actions.filter((i) => i.type === 'result_handover' && itemAbout(i, 'results', r.id)).length, 0);
  assert.equal((await resultTasks('clinician.cardio', r.id)).length, 1, 'back on the clinician\'s worklist');

  // ask again; this time the GP accepts
  const h2 = await call('clinician.cardio', 'POST', `/results/${r.id}/handover`, { reason: 'Lipid clinic agrees: primary care statin' }, 200);
  assert.equal(h2.status, 'handover_requested');
  const a = await call('gp.patel', 'POST', `/results/${r.id}/handover/accept`, {}, 200);
  assert.equal(a.status, 'gp_to_review');
  assert.equal(a.handover.decision, 'accepted');
  assert.equal(userOf(a.handover.decided_by), 'gp.patel');
  assert.equal(a.owner.organisation.code, 'Z00001');
  assert.equal(a.owner.role, 'gp');
  assert.equal(a.owner.task, 'review_result');
  const t2 = await resultTasks('gp.patel', r.id);
  assert.equal(t2.length, 1);
  assert.equal(t2[0].kind, 'review_result');
  assert.deepEqual(await resultTasks('clinician.cardio', r.id), [], 'the trust no longer holds it');
  const ib = await inbox('gp.patel');
  assert.ok(ib.actions.some((i) => i.type === 'result_review' && itemAbout(i, 'results', r.id)), 'a result_review action in the inbox');
  assert.ok(!ib.actions.some((i) => i.type === 'result_handover' && itemAbout(i, 'results', r.id)), 'the hand-over request is answered');
  assert.ok((await list('gp.patel', '/results', 'results')).some((x) => x.id === r.id), 'in the GP\'s results once handed over');
  assert.ok(!(await list('gp.okafor', '/results', 'results')).some((x) => x.id === r.id));
  await refused('clinician.cardio', 'POST', `/results/${r.id}/review`, { action_taken: 'x', patient_told: true }, [403, 409]);

  const v = await call('gp.patel', 'POST', `/results/${r.id}/review`, { action_taken: 'Atorvastatin 20 mg started', patient_told: true }, 200);
  assert.equal(v.status, 'reviewed');
  assert.equal(userOf(v.review.by), 'gp.patel');
  assert.equal(v.review.patient_told, true);
  assert.equal(v.owner, null);
  assert.deepEqual(await resultTasks('gp.patel', r.id), []);
  assert.ok(!(await inbox('gp.patel')).actions.some((i) => /result/.test(i.type) && itemAbout(i, 'results', r.id)));
});

test('results: refusals change nothing', async () => {
  const o = await order();
  const r = await result(o);
  // another trust: not visible
  await refused('triage.derm.rzb', 'POST', `/results/${r.id}/review`, { action_taken: 'x', patient_told: false }, 404, 'not_found');
  await refused('triage.derm.rzb', 'POST', `/results/${r.id}/handover`, { reason: 'x' }, 404, 'not_found');
  // another trust's lab sending for RZA's order: that order is not theirs (refused; if it is
  // reported as unmatched, it is in RZB's list, and RZA's order and result are untouched)
  const n0 = rows();
  const x = await srv.api('triage.derm.rzb', 'POST', '/results', { order_id: o.id, summary: 'x', abnormal: false });
  assert.ok([403, 404, 422].includes(x.status), `another trust posting a result for RZA's order: ${x.status} ${x.text}`);
  if (x.status === 422) assert.equal(errorOf(x).code, 'unknown_order');
  assert.equal(rows().results, n0.results, 'no result written');
  assert.equal((await get('clinician.cardio', `/results/${r.id}`)).summary, r.summary);
  // a GP is not a lab and does not review the trust's result
  await refused('gp.patel', 'POST', '/results', { order_id: o.id, summary: 'x', abnormal: false }, 403, 'forbidden');
  await refused('gp.patel', 'POST', `/results/${r.id}/review`, { action_taken: 'x', patient_told: true }, [403, 404]);
  // validation
  const o2 = await order();
  await refused('clinician.cardio', 'POST', '/results', { order_id: o2.id, abnormal: true }, 422, 'missing_field', 'summary');
  await refused('clinician.cardio', 'POST', '/results', { order_id: o2.id, summary: 'x' }, 422, 'missing_field', 'abnormal');
  await refused('clinician.cardio', 'POST', '/results', { order_id: o2.id, summary: 'x', abnormal: 'yes' }, 400, null, 'abnormal');
  await refused('clinician.cardio', 'POST', `/results/${r.id}/review`, { patient_told: true }, 422, 'missing_field', 'action_taken');
  await refused('clinician.cardio', 'POST', `/results/${r.id}/review`, { action_taken: 'x' }, 422, 'missing_field', 'patient_told');
  await refused('clinician.cardio', 'POST', `/results/${r.id}/handover`, {}, 422, 'missing_field', 'reason');
  // a second result for an order already resulted: a conflict, not a silent overwrite
  await refused('clinician.cardio', 'POST', '/results', { order_id: o.id, summary: 'dup', abnormal: false }, 409);
  assert.equal((await get('clinician.cardio', `/results/${r.id}`)).status, 'to_review');
  assert.equal((await srv.api('clinician.cardio', 'GET', '/results/99999999')).status, 404);
});

test('a result for an unknown order is refused AND reported in the unmatched list, never dropped', async () => {
  const marker = `Unmatched Hb 71 g/L ${Date.now()}`;
  const counts0 = rows();
  const r = await srv.api('clinician.cardio', 'POST', '/results', { order_id: 99999999, summary: marker, abnormal: true });
  assert.equal(r.status, 422, `unknown order: ${r.status} ${r.text}`);
  assert.equal(errorOf(r).code, 'unknown_order');
  const counts1 = rows();
  for (const t of ['results', 'result_orders', 'orders', 'referrals', 'letters'].filter((x) => x in counts0)) {
    assert.equal(counts1[t], counts0[t], `no ${t} row written for an unknown order`);
  }
  const u = await srv.api('lead.rza', 'GET', '/results/unmatched');
  assert.equal(u.status, 200, `GET /results/unmatched as lead.rza: ${u.status} ${u.text}`);
  const arr = Array.isArray(u.json) ? u.json : Object.values(u.json).find(Array.isArray);
  assert.ok(Array.isArray(arr), `a list: ${u.text.slice(0, 300)}`);
  const hit = arr.find((x) => JSON.stringify(x).includes(marker));
  assert.ok(hit, `the payload is kept in RZA's unmatched list: ${u.text.slice(0, 500)}`);
  assert.ok(JSON.stringify(hit).includes('99999999'), 'the unknown order id is kept');
  // trust staff see it too; another trust and a GP do not
  const c = await srv.api('clinician.cardio', 'GET', '/results/unmatched');
  assert.equal(c.status, 200);
  assert.ok(c.text.includes(marker), 'trust staff see it');
  const z = await srv.api('triage.derm.rzb', 'GET', '/results/unmatched');
  assert.ok(z.status !== 200 || !z.text.includes(marker), 'not in another trust\'s list');
  const g = await srv.api('gp.patel', 'GET', '/results/unmatched');
  assert.equal(g.status, 403, `a GP: ${g.status}`);
  assert.equal(errorOf(g).code, 'forbidden');
});

// ------------------------------------------------------- failsafe (last:
// it moves the clock 30 days on for every open task in the database)

test('failsafe escalates an unreviewed result to the ICB (level 3)', async () => {
  const o = await order();
  const r = await result(o);
  const now = new Date(Date.now() + 30 * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const f = seam(['failsafe', '--db', srv.db, '--now', now]);
  assert.equal(f.status, 0, `seam failsafe --now ${now}: ${f.status} ${f.stderr}`);
  const g = await get('clinician.cardio', `/results/${r.id}`);
  assert.equal(g.escalation_level, 3, `result ${r.id} escalation_level ${g.escalation_level}`);
  assert.equal(g.status, 'to_review', 'escalation does not change the status');
  if ('escalated_to' in g) assert.equal(g.escalated_to, 'icb');
  assert.ok((await resultTasks('lead.rza', r.id)).length >= 1, 'on the RZA interface lead worklist');
  assert.ok((await resultTasks('analyst.icb', r.id)).length >= 1, 'on the ICB analyst worklist');
  // an order still awaiting its result escalates too
  const o2 = await order({ test: 'Holter' });
  assert.equal(seam(['failsafe', '--db', srv.db, '--now', now]).status, 0);
  assert.equal(srv.count(`SELECT max(escalation_level) FROM tasks WHERE kind = 'expected_result' AND ${taskColumn('order')} = ${o2.id}`), 3,
    'an overdue expected result escalates');
});

/** The tasks column naming a subject (order / result / letter ...). */
function taskColumn(subject) {
  const cols = isPg()
    ? srv.sqlite(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'tasks'`).map((c) => c.name)
    : srv.sqlite(`PRAGMA table_info(tasks)`).map((c) => c.name);
  const c = cols.find((n) => n === `${subject}_id`) || cols.find((n) => n.startsWith(subject) || n.endsWith(`${subject}_id`));
  assert.ok(c, `tasks has a column for ${subject}: ${cols}`);
  return c;
}
