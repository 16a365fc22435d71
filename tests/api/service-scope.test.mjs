// Staff work within their services (docs/api.md, "Access"; hazard H31).
//
// Triagers and clinicians see and act on only the work of the services they
// belong to (user_services, kept by the administrator); anything else
// answers 404 as if it did not exist, and is in none of their lists or
// worklists.  Booking staff and the interface lead stay trust-wide.
//
// Service A is Cardiology at RZA, service B Rheumatology at RZA.  Two fresh
// members of staff of A (tri.scope, clin.scope) try every kind of B's work:
// a referral, an advice request, an order and its result, a clinic letter, a
// follow-up, a pathway and a priority review.  Then the administrator makes
// clin.scope a member of B too, and the same work is visible and theirs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, findService, createReferral, act, pickPatient, isoDaysAhead, isoJustNow, errorOf } from './lib/server.mjs';
import { careKit } from './lib/care.mjs';
import { pathwayKit } from './lib/pathways.mjs';

let srv;
const C = careKit(() => srv);
const K = pathwayKit(() => srv);
const S = {};
const B_TRI = 'triage.rza.rheumatology';
const B_CLIN = 'clinician.rza.rheumatology';
const dateAhead = (n) => new Date(Date.now() + n * 86400_000).toISOString().slice(0, 10);
const has = (items, id) => items.some((x) => x.id === id);

before(async () => {
  srv = await startServer();
  S.a = await findService(srv, 'RZA', 'Cardiology');
  S.b = await findService(srv, 'RZA', 'Rheumatology');
  S.resp = await findService(srv, 'RZA', 'Respiratory Medicine');
  S.bRzb = await findService(srv, 'RZB', 'Rheumatology');
  // Fresh staff of service A only (the fixture adds their membership).
  K.addUser('tri.scope', 'Dr Tia Scope', 'triager', 'RZA', S.a.id);
  K.addUser('clin.scope', 'Dr Cal Scope', 'clinician', 'RZA', S.a.id);
  K.addUser('clin.none', 'Dr Nia None', 'clinician', 'RZA', null);

  // B's work, each kind, made by B's own staff.
  S.refB = await createReferral(srv, { service_id: S.b.id, reason: 'Inflammatory arthritis?' });
  S.nhs = S.refB.patient.nhs_number;
  // A second referral to B, seen in clinic: a clinic letter is due.
  S.refB2 = await createReferral(srv, { service_id: S.b.id, patient_nhs_number: S.nhs, reason: 'Gout, recurrent' });
  await act(srv, B_TRI, S.refB2.id, 'triage', { decision: 'accept' });
  await act(srv, 'booking.rza', S.refB2.id, 'book', { appointment_at: isoJustNow() });
  await act(srv, B_CLIN, S.refB2.id, 'attend', {});
  S.letter = Number(srv.sqlite(`SELECT id FROM letters WHERE referral_id = ${Number(S.refB2.id)} ORDER BY id LIMIT 1`)[0].id);
  S.followUp = await C.call(B_CLIN, 'POST', '/follow-ups', { referral_id: S.refB2.id, window_start: dateAhead(42), window_end: dateAhead(56) }, 201);
  S.order = await C.call(B_CLIN, 'POST', '/results/orders',
    { patient_nhs_number: S.nhs, service_id: S.b.id, test: 'Anti-CCP antibodies', urgency: 'routine', referral_id: S.refB.id }, 201);
  S.result = await C.call(B_CLIN, 'POST', '/results', { order_id: S.order.id, summary: 'Anti-CCP 340 U/mL (ref < 17)', abnormal: true }, 201);
  const adv = await srv.api('gp.patel', 'POST', '/advice', {
    patient_nhs_number: S.nhs, service_id: S.b.id, priority: 'routine', consent_to_convert: true,
    question: 'Raised CRP and morning stiffness: start steroids before clinic?',
  });
  assert.equal(adv.status, 201, adv.text);
  S.advice = adv.json;
  S.pathway = await K.pathwayOfReferral('gp.patel', S.refB);
  await C.call(B_CLIN, 'POST', `/pathways/${S.pathway.id}/priority`, { priority: 'P3', reason: 'Stable' }, 200);
  S.review = await C.call('gp.patel', 'POST', `/pathways/${S.pathway.id}/priority-review`, { reason: 'Now unable to work' }, 201);

  // A's own referral, for the control cases.
  S.refA = await createReferral(srv, { service_id: S.a.id });
});
after(async () => { await srv?.stop(); });

/** Every GET of B's objects and whether each is in the caller's lists. */
async function sees(as) {
  const out = {};
  const codes = {
    referral: `/referrals/${S.refB.id}`, history: `/referrals/${S.refB.id}/history`, advice: `/advice/${S.advice.id}`,
    order: `/results/orders/${S.order.id}`, result: `/results/${S.result.id}`, letter: `/letters/${S.letter}`,
    followUp: `/follow-ups/${S.followUp.id}`, pathway: `/pathways/${S.pathway.id}`,
  };
  for (const [k, p] of Object.entries(codes)) out[k] = (await srv.api(as, 'GET', p)).status;
  out.lists = {
    referrals: has(await C.list(as, '/referrals', 'referrals'), S.refB.id),
    advice: has(await C.list(as, '/advice', 'advice'), S.advice.id),
    results: has(await C.list(as, '/results', 'results'), S.result.id),
    letters: has(await C.list(as, '/letters', 'letters'), S.letter),
    followUps: has(await C.list(as, '/follow-ups', 'follow_ups'), S.followUp.id),
    reviews: has((await C.get(as, '/priority-reviews?status=all')).items, S.review.id),
    waitingList: has((await C.get(as, `/waiting-list?patient=${S.nhs}&status=all`)).items, S.pathway.id),
  };
  const wl = await C.worklist(as);
  out.worklist = wl.some((t) => t.service?.id === S.b.id || t[t.subject]?.service?.id === S.b.id);
  return out;
}

const NONE = { referrals: false, advice: false, results: false, letters: false, followUps: false, reviews: false, waitingList: false };

test('the demo: triagers and clinicians belong to their own service, one clinician to two', async () => {
  const rows = srv.sqlite(`SELECT username, service_id FROM user_services WHERE username IN ('triage.cardio', 'clinician.cardio', 'triage.derm.rzb', '${B_CLIN}') ORDER BY username, service_id`);
  const by = {};
  for (const r of rows) (by[r.username] ??= []).push(Number(r.service_id));
  assert.deepEqual(by['triage.cardio'], [S.a.id]);
  assert.deepEqual(by['clinician.cardio'], [S.a.id, S.resp.id].sort((x, y) => x - y));
  assert.equal(by['triage.derm.rzb'].length, 1);
  assert.deepEqual(by[B_CLIN], [S.b.id]);
  // GET /me names them.
  assert.deepEqual((await C.get('clinician.cardio', '/me')).services.map((s) => s.name), ['Cardiology', 'Respiratory Medicine']);
  assert.deepEqual((await C.get('booking.rza', '/me')).services, []);
  // Booking and the interface lead have none: they are trust-wide.
  assert.equal(srv.count(`SELECT count(*) AS n FROM user_services WHERE username IN ('booking.rza', 'lead.rza')`), 0);
});

test('a clinician and a triager of A cannot see B\'s work: 404 for each kind, absent from every list', async () => {
  for (const as of ['clin.scope', 'tri.scope', 'clinician.cardio']) {
    const s = await sees(as);
    for (const k of ['referral', 'history', 'advice', 'order', 'result', 'letter', 'followUp', 'pathway']) {
      assert.equal(s[k], 404, `${as}: GET ${k} of service B answers 404, got ${s[k]}`);
    }
    assert.deepEqual(s.lists, NONE, `${as}: B's work is in none of the lists`);
    assert.equal(s.worklist, false, `${as}: B's tasks are not on the worklist`);
  }
  // B's own staff see all of it.
  const b = await sees(B_CLIN);
  for (const k of ['referral', 'advice', 'order', 'result', 'letter', 'followUp', 'pathway']) assert.equal(b[k], 200, `${B_CLIN}: ${k}`);
  assert.deepEqual(b.lists, { ...b.lists, results: true, letters: true, followUps: true, reviews: true, waitingList: true });
  assert.ok((await C.worklist(B_TRI)).some((t) => t.referral?.id === S.refB.id), 'the referral is on B\'s triage worklist');
  // A's clinician still sees A's own work.
  assert.equal((await srv.api('tri.scope', 'GET', `/referrals/${S.refA.id}`)).status, 200);
});

test('nor act on it: every action on B\'s work answers 404 and stores nothing', async () => {
  const R = (as, p, body) => C.refused(as, 'POST', p, body, 404, 'not_found');
  await R('tri.scope', `/referrals/${S.refB.id}/triage`, { decision: 'accept' });
  await R('clin.scope', `/referrals/${S.refB.id}/withdraw`, { reason: 'x' });
  await R('clin.scope', `/advice/${S.advice.id}/messages`, { text: 'Start prednisolone 10 mg' });
  await R('clin.scope', `/results/${S.result.id}/review`, { action_taken: 'Seen', patient_told: true });
  await R('clinician.cardio', `/results/${S.result.id}/review`, { action_taken: 'Seen', patient_told: true });
  await R('clin.scope', `/letters/${S.letter}/send`, { diagnosis: 'Gout', medication_changes: 'None', hospital_actions: 'None' });
  await R('clin.scope', `/follow-ups/${S.followUp.id}/discharge`, {});
  await R('clin.scope', `/pathways/${S.pathway.id}/priority`, { priority: 'P2', reason: 'x' });
  await R('clin.scope', `/priority-reviews/${S.review.id}/answer`, { outcome: 'unchanged', reason: 'x' });
  // Making new work at B, or linking to B's referral, is refused too.
  await C.refused('clin.scope', 'POST', '/results/orders',
    { patient_nhs_number: S.nhs, service_id: S.b.id, test: 'ESR', urgency: 'routine' }, 404, 'not_found', 'service_id');
  await C.refused('clin.scope', 'POST', '/follow-ups',
    { referral_id: S.refB2.id, window_start: dateAhead(42), window_end: dateAhead(56) }, 422, 'invalid_link', 'referral_id');
  await C.refused('clin.scope', 'POST', '/referrals', {
    onward_from: S.refB2.id, service_id: S.bRzb.id, priority: 'routine', same_condition: true,
    reason: 'Second opinion', clinical_summary: 'x',
  }, 422, 'invalid_link', 'onward_from');
});

test('a triager or clinician with no service sees no service work at all', async () => {
  const s = await sees('clin.none');
  assert.equal(s.referral, 404);
  assert.deepEqual(s.lists, NONE);
  assert.equal((await C.list('clin.none', '/referrals', 'referrals')).length, 0);
  assert.equal((await C.worklist('clin.none')).length, 0);
  assert.equal((await srv.api('clin.none', 'GET', `/referrals/${S.refA.id}`)).status, 404);
});

test('booking staff and the interface lead stay trust-wide', async () => {
  for (const as of ['booking.rza', 'lead.rza']) {
    for (const p of [`/referrals/${S.refB.id}`, `/follow-ups/${S.followUp.id}`, `/pathways/${S.pathway.id}`, `/referrals/${S.refA.id}`]) {
      assert.equal((await srv.api(as, 'GET', p)).status, 200, `${as} GET ${p}`);
    }
    assert.ok(has(await C.list(as, '/referrals', 'referrals'), S.refB.id), `${as}: B's referral listed`);
  }
  // Booking books B's follow-up.
  const f = await C.call('booking.rza', 'POST', `/follow-ups/${S.followUp.id}/book`, { appointment_at: isoDaysAhead(45) }, 200);
  assert.equal(f.status, 'booked');
});

test('once the administrator adds B, the clinician sees B\'s work and may act on it; result review by the ordering service only', async () => {
  await C.refused('clin.scope', 'POST', `/results/${S.result.id}/review`, { action_taken: 'x', patient_told: true }, 404, 'not_found');
  const u = await C.call('admin', 'PUT', '/users/clin.scope/services', { services: [S.a.id, S.b.id] }, 200);
  assert.deepEqual(u.services.map((s) => s.id).sort((x, y) => x - y), [S.a.id, S.b.id].sort((x, y) => x - y));
  const s = await sees('clin.scope');
  for (const k of ['referral', 'advice', 'order', 'result', 'letter', 'followUp', 'pathway']) assert.equal(s[k], 200, `clin.scope now sees ${k}`);
  assert.deepEqual(s.lists, { referrals: true, advice: true, results: true, letters: true, followUps: true, reviews: true, waitingList: true });
  assert.equal(s.worklist, true, 'B\'s tasks are on the worklist now');
  // tri.scope is still of A only.
  assert.equal((await srv.api('tri.scope', 'GET', `/referrals/${S.refB.id}`)).status, 404);
  // The result is reviewed by a clinician of the ordering service.
  const v = await C.call('clin.scope', 'POST', `/results/${S.result.id}/review`, { action_taken: 'Methotrexate discussed in clinic', patient_told: true }, 200);
  assert.equal(v.status, 'reviewed');
  const ans = await C.call('clin.scope', 'POST', `/priority-reviews/${S.review.id}/answer`, { outcome: 'unchanged', reason: 'Stable on review' }, 200);
  assert.equal(ans.status, 'answered');
  // Removing B takes it away again.
  await C.call('admin', 'PUT', '/users/clin.scope/services', { services: [S.a.id] }, 200);
  assert.equal((await srv.api('clin.scope', 'GET', `/results/${S.result.id}`)).status, 404);
});

test('GET /users and GET /users/{username}: the administrator only', async () => {
  for (const as of ['clinician.cardio', 'lead.rza', 'gp.patel', 'analyst.icb', 'patient.demo']) {
    await C.refused(as, 'GET', '/users?org=RZA', undefined, 403, 'forbidden');
    await C.refused(as, 'GET', '/users/clinician.cardio', undefined, 403, 'forbidden');
  }
  const r = await srv.api(null, 'GET', '/users?org=RZA');
  assert.equal(r.status, 401);
  const list = await C.get('admin', '/users?org=RZA');
  assert.ok(list.users.every((u) => u.organisation.code === 'RZA'));
  const cc = list.users.find((u) => u.username === 'clinician.cardio');
  assert.equal(cc.role, 'clinician');
  assert.equal(cc.service_bound, true);
  assert.deepEqual(cc.services.map((s) => s.name).sort(), ['Cardiology', 'Respiratory Medicine']);
  const bk = list.users.find((u) => u.username === 'booking.rza');
  assert.equal(bk.service_bound, false);
  assert.equal(bk.scope, 'trust');
  assert.ok(!list.users.some((u) => u.role === 'patient'));
  const one = await C.get('admin', '/users/triage.cardio');
  assert.deepEqual(one.services, [{ id: S.a.id, name: 'Cardiology' }]);
  assert.equal(one.available_services.length, 8, 'the eight services of RZA');
  await C.refused('admin', 'GET', '/users/nobody.here', undefined, 404, 'not_found');
  await C.refused('admin', 'GET', '/users?org=XXXXX', undefined, 404, 'not_found');
  // Without org: every organisation's staff.
  const all = await C.get('admin', '/users');
  for (const org of ['RZA', 'RZB', 'Z00001']) assert.ok(all.users.some((u) => u.organisation.code === org), `staff of ${org}`);
  assert.equal(all.total, all.users.length);
});

test('PUT /users/{username}/services: admin only, services of the user\'s own organisation, audited', async () => {
  const p = '/users/tri.scope/services';
  await C.refused('lead.rza', 'PUT', p, { services: [S.b.id] }, 403, 'forbidden');
  await C.refused('tri.scope', 'PUT', p, { services: [S.b.id] }, 403, 'forbidden');
  await C.refused('gp.patel', 'PUT', p, { services: [S.b.id] }, 403, 'forbidden');
  // Another trust's service, an unknown one, nonsense: refused, nothing stored.
  const e = await C.refused('admin', 'PUT', p, { services: [S.a.id, S.bRzb.id] }, 422, 'invalid_service', 'services');
  assert.match(e.message, new RegExp(String(S.bRzb.id)));
  await C.refused('admin', 'PUT', p, { services: [987654321] }, 422, 'invalid_service', 'services');
  await C.refused('admin', 'PUT', p, { services: [0] }, 422, 'invalid_service', 'services');
  await C.refused('admin', 'PUT', p, {}, 422, 'missing_field', 'services');
  await C.refused('admin', 'PUT', p, { services: 'all' }, 400, null, 'services');
  await C.refused('admin', 'PUT', p, { services: ['1'] }, 400, null, 'services');
  await C.refused('admin', 'PUT', '/users/nobody.here/services', { services: [] }, 404, 'not_found');
  // A practice's staff have no services to belong to.
  await C.refused('admin', 'PUT', '/users/gp.patel/services', { services: [S.a.id] }, 422, 'invalid_service', 'services');
  assert.equal((await srv.api('admin', 'POST', p, { services: [S.b.id] })).status, 405);

  const before_ = srv.count(`SELECT count(*) AS n FROM events WHERE action = 'user.services_changed'`);
  const u = await C.call('admin', 'PUT', p, { services: [S.b.id, S.a.id, S.b.id] }, 200);
  assert.deepEqual(u.services.map((s) => s.id).sort((x, y) => x - y), [S.a.id, S.b.id].sort((x, y) => x - y));
  const ev = srv.sqlite(`SELECT actor, object_type, object_id, before_json, after_json FROM events WHERE action = 'user.services_changed' ORDER BY id DESC LIMIT 1`)[0];
  assert.equal(srv.count(`SELECT count(*) AS n FROM events WHERE action = 'user.services_changed'`), before_ + 1);
  assert.equal(ev.actor, 'admin');
  assert.equal(ev.object_type, 'user');
  assert.equal(ev.object_id, 'tri.scope');
  assert.deepEqual(JSON.parse(ev.before_json), { services: [S.a.id] });
  assert.deepEqual(JSON.parse(ev.after_json), { services: [S.a.id, S.b.id].sort((x, y) => x - y) });
  assert.equal((await srv.api('tri.scope', 'GET', `/referrals/${S.refB.id}`)).status, 200, 'takes effect at once');
  // The same set again changes nothing and records nothing.
  await C.call('admin', 'PUT', p, { services: [S.a.id, S.b.id] }, 200);
  assert.equal(srv.count(`SELECT count(*) AS n FROM events WHERE action = 'user.services_changed'`), before_ + 1);
  // None: the triager then sees no service work.
  const none = await C.call('admin', 'PUT', p, { services: [] }, 200);
  assert.deepEqual(none.services, []);
  assert.equal((await srv.api('tri.scope', 'GET', `/referrals/${S.refA.id}`)).status, 404);
  const e2 = errorOf(await srv.api('tri.scope', 'GET', `/referrals/${S.refA.id}`));
  assert.equal(e2.code, 'not_found');
});

test('onward referrals: the referring service sees what it referred onward, other services do not', async () => {
  // Cardiology (A) refers a patient it holds onward to RZB Rheumatology.
  const ref = await createReferral(srv, { service_id: S.a.id, patient_nhs_number: (await pickPatient(srv)).nhs_number });
  await act(srv, 'triage.cardio', ref.id, 'triage', { decision: 'accept' });
  await act(srv, 'booking.rza', ref.id, 'book', { appointment_at: isoJustNow() });
  await act(srv, 'clinician.cardio', ref.id, 'attend', {});
  const on = await C.call('clinician.cardio', 'POST', '/referrals', {
    onward_from: ref.id, service_id: S.bRzb.id, priority: 'routine', same_condition: false,
    reason: 'Joint pains noted in clinic', clinical_summary: 'Symmetrical small joint synovitis.',
  }, 201);
  assert.equal((await srv.api('triage.cardio', 'GET', `/referrals/${on.id}`)).status, 200, 'the referring service sees it');
  assert.equal((await srv.api(B_CLIN, 'GET', `/referrals/${on.id}`)).status, 404, 'another service of the referring trust does not');
  assert.equal((await srv.api('booking.rza', 'GET', `/referrals/${on.id}`)).status, 200, 'the referring trust\'s booking team does');
  assert.equal((await srv.api('triage.rzb.rheumatology', 'GET', `/referrals/${on.id}`)).status, 200, 'the receiving service does');
  assert.equal((await srv.api('triage.derm.rzb', 'GET', `/referrals/${on.id}`)).status, 404, 'another service of the receiving trust does not');
});
