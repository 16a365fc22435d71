// Acting only on what one's own side holds, and links that never cross
// patients (docs/api.md, "Errors": 403 not_held, 422 invalid_link).
//
// The objects: a patient of Riverside (P1) with a cardiology referral at
// RZA that RZA referred onward to RZB Dermatology; another Riverside patient
// (P2); a Hillview patient (P3); and a patient of another ICB (QZY) with a
// referral to that ICB's own trust.  Every action and every link is tried
// by the wrong side and must be refused with nothing stored; the right side
// still succeeds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, findService, createReferral, act, pickPatient, errorOf, isoDaysAhead, isoJustNow, } from './lib/server.mjs';
import { careKit } from './lib/care.mjs';
import { pathwayKit } from './lib/pathways.mjs';

let srv;
const C = careKit(() => srv);
const K = pathwayKit(() => srv);
const S = {};
const hourAgo = () => new Date(Date.now() - 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const today = () => new Date().toISOString().slice(0, 10);
const UNKNOWN = 987654321;

before(async () => {
  srv = await startServer();
  S.cardio = await findService(srv, 'RZA', 'Cardiology');
  S.dermRzb = await findService(srv, 'RZB', 'Dermatology');

  // Another ICB with its own trust, practice, staff and patient.
  K.addOrg('QZY', 'NHS Faraway Integrated Care Board', 'icb', 'QZY');
  K.addOrg('RYY', 'Faraway Hospitals NHS Trust', 'trust', 'QZY');
  K.addOrg('Y90001', 'Faraway Surgery', 'practice', 'QZY');
  S.far = K.addService('RYY', 'Faraway Cardiology', '320', 'Cardiology');
  K.addUser('gp.far', 'Dr Fay Far', 'gp', 'Y90001');
  K.addUser('clinician.far', 'Dr Finn Far', 'clinician', 'RYY', S.far);
  S.p4 = K.addPatient({ practice: 'Y90001', icb: 'QZY', family: 'Faraway' });

  // P1 at RZA: accepted, booked, attended (a clinic letter is due at RZA).
  S.p1 = (await pickPatient(srv)).nhs_number;
  S.refA = await createReferral(srv, { service_id: S.cardio.id, patient_nhs_number: S.p1 });
  await act(srv, 'triage.cardio', S.refA.id, 'triage', { decision: 'accept' });
  await act(srv, 'booking.rza', S.refA.id, 'book', { appointment_at: isoJustNow() });
  await act(srv, 'clinician.cardio', S.refA.id, 'attend', {});
  // RZA refers P1 onward to RZB: RZA may see it, RZB holds it.
  S.refOn = await C.call('clinician.cardio', 'POST', '/referrals', {
    onward_from: S.refA.id, service_id: S.dermRzb.id, priority: 'routine', same_condition: false,
    reason: 'Changing naevus noted in clinic', clinical_summary: 'Irregular 8 mm naevus, left shoulder.',
  }, 201);
  assert.equal(S.refOn.owner.organisation.code, 'RZB');
  // P2 (same practice) and P3 (another practice), both with RZA referrals.
  do S.p2 = (await pickPatient(srv)).nhs_number; while (S.p2 === S.p1);
  S.refP2 = await createReferral(srv, { service_id: S.cardio.id, patient_nhs_number: S.p2 });
  S.p3 = (await pickPatient(srv, 'gp.okafor')).nhs_number;
  S.refP3 = await createReferral(srv, { service_id: S.cardio.id, patient_nhs_number: S.p3 }, 'gp.okafor');
  // P4 in the other ICB, attended at its own trust.
  S.refFar = await createReferral(srv, { service_id: S.far, patient_nhs_number: S.p4 }, 'gp.far');
  await act(srv, 'clinician.far', S.refFar.id, 'triage', { decision: 'accept' });
  await act(srv, 'clinician.far', S.refFar.id, 'book', { appointment_at: isoJustNow() });
  await act(srv, 'clinician.far', S.refFar.id, 'attend', {});
});
after(async () => { await srv?.stop(); });

const letterOf = (refId) => Number(srv.sqlite(`SELECT id FROM letters WHERE referral_id = ${Number(refId)} ORDER BY id LIMIT 1`)[0].id);

test('the trust that referred onward may see the referral but not act on it (403 not_held)', async () => {
  const seen = await C.get('clinician.cardio', `/referrals/${S.refOn.id}`);
  assert.equal(seen.service.trust.code, 'RZB');
  const tryAll = async (steps) => {
    for (const [as, action, body] of steps) {
      await C.refused(as, 'POST', `/referrals/${S.refOn.id}/${action}`, body, 403, 'not_held');
    }
  };
  const withdraw = ['clinician.cardio', 'withdraw', { reason: 'Seen elsewhere' }];
  await tryAll([
    ['triage.cardio', 'triage', { decision: 'accept' }],
    ['clinician.cardio', 'triage', { decision: 'return', comment: 'No', advice: 'Manage in primary care' }],
    ['triage.cardio', 'triage', { decision: 'redirect', to_service_id: S.cardio.id }],
    ['triage.cardio', 'triage', { decision: 'convert_to_advice' }],
    withdraw,
  ]);
  // Onward referrals from it would take over RZB's pathway.
  await C.refused('clinician.cardio', 'POST', '/referrals', {
    onward_from: S.refOn.id, service_id: S.cardio.id, priority: 'routine', same_condition: true,
    reason: 'Back to cardiology', clinical_summary: 'x',
  }, 422, 'invalid_link', 'onward_from');

  // The holding trust moves it on; at each step the referring trust is refused.
  await act(srv, 'triage.derm.rzb', S.refOn.id, 'triage', { decision: 'accept' });
  await tryAll([['booking.rza', 'book', { appointment_at: isoDaysAhead(9) }], withdraw]);
  await act(srv, 'triage.derm.rzb', S.refOn.id, 'book', { appointment_at: isoJustNow() });
  await tryAll([
    ['clinician.cardio', 'attend', {}],
    ['booking.rza', 'dna', { decision: 'rebook' }],
    ['clinician.cardio', 'dna', { decision: 'discharge' }],
    withdraw,
  ]);
  await act(srv, 'triage.derm.rzb', S.refOn.id, 'attend', {});
  await tryAll([['clinician.cardio', 'discharge', { comment: 'Done' }], withdraw]);
  const done = await act(srv, 'triage.derm.rzb', S.refOn.id, 'discharge', { comment: 'Excised, benign' });
  assert.equal(done.status, 'discharged');
});

test('another practice, another trust and another ICB cannot act on a referral (404)', async () => {
  const cases = [
    ['gp.okafor', S.refA, 'withdraw', { reason: 'x' }],
    ['admin.riverside', S.refP3, 'withdraw', { reason: 'x' }],
    ['triage.derm.rzb', S.refP2, 'triage', { decision: 'accept' }],
    ['clinician.far', S.refP2, 'triage', { decision: 'accept' }],
    ['gp.far', S.refP2, 'withdraw', { reason: 'x' }],
    ['gp.patel', S.refFar, 'withdraw', { reason: 'x' }],
    ['clinician.cardio', S.refFar, 'discharge', { comment: 'x' }],
  ];
  for (const [as, ref, action, body] of cases) {
    await C.refused(as, 'POST', `/referrals/${ref.id}/${action}`, body, 404, 'not_found');
  }
  // A returned referral: the practice holds it, and its GP-only actions stay GP-only.
  const ret = await createReferral(srv, { service_id: S.cardio.id, patient_nhs_number: S.p2 });
  await act(srv, 'triage.cardio', ret.id, 'triage', { decision: 'return', comment: 'Tests first', advice: 'Echo first' });
  await C.refused('admin.riverside', 'POST', `/referrals/${ret.id}/resubmit`, { comment: 'Done' }, 403, 'forbidden');
  await C.refused('gp.okafor', 'POST', `/referrals/${ret.id}/close`, {}, 404, 'not_found');
  await C.refused('gp.far', 'POST', `/referrals/${ret.id}/resubmit`, { comment: 'Done' }, 404, 'not_found');
  await C.refused('patient.demo', 'POST', `/referrals/${ret.id}/close`, {}, [403, 404], ['forbidden', 'not_found']); // 403 if P2 is patient.demo
  assert.equal((await act(srv, 'gp.patel', ret.id, 'close', {})).status, 'closed');
});

/** Tries a link field with every wrong object, then the right one. */
async function links(as, p, body, field, wrong, right) {
  for (const [what, id] of wrong) {
    const e = await C.refused(as, 'POST', p, { ...body, [field]: id }, 422, 'invalid_link', field);
    assert.ok(e.message.length > 10, `${p} ${field} = ${what}: a sentence`);
  }
  return C.call(as, 'POST', p, { ...body, [field]: right }, 201);
}
const wrongReferrals = () => [
  ['a referral the trust referred onward to another trust', S.refOn.id],
  ['another patient of the same practice', S.refP2.id],
  ['another practice\'s patient', S.refP3.id],
  ['another ICB', S.refFar.id],
  ['unknown', UNKNOWN],
];

test('order -> referral: the same patient, held by the ordering trust (422 invalid_link)', async () => {
  const o = await links('clinician.cardio', '/results/orders',
    { patient_nhs_number: S.p1, service_id: S.cardio.id, test: 'Troponin T', urgency: 'routine' },
    'referral_id', wrongReferrals(), S.refA.id);
  assert.equal(o.referral_id, S.refA.id);
  S.order = o;
});

test('discharge and letter -> referral: the same patient, held by the trust (422 invalid_link, never 409)', async () => {
  const d = await links('clinician.cardio', '/discharges',
    { patient_nhs_number: S.p1, service_id: S.cardio.id, discharged_at: hourAgo() },
    'referral_id', wrongReferrals(), S.refA.id);
  assert.equal(d.referral_id, S.refA.id);
  const l = await links('clinician.cardio', '/letters',
    { kind: 'clinic', patient_nhs_number: S.p1, service_id: S.cardio.id, event_at: hourAgo(),
      diagnosis: 'Stable angina', hospital_actions: 'Review in 3 months' },
    'referral_id', wrongReferrals(), S.refA.id);
  assert.equal(l.referral_id, S.refA.id);
});

test('fit note -> letter: the same patient\'s letter at the issuing trust (422 invalid_link)', async () => {
  const p2Letter = await C.call('clinician.cardio', 'POST', '/letters', {
    kind: 'clinic', patient_nhs_number: S.p2, service_id: S.cardio.id, event_at: hourAgo(),
    diagnosis: 'Palpitations', hospital_actions: 'None', referral_id: S.refP2.id,
  }, 201);
  const body = { patient_nhs_number: S.p1, service_id: S.cardio.id, from: today(), to: today(), condition: 'Angina', setting: 'clinic' };
  const f = await links('clinician.cardio', '/fit-notes', body, 'letter_id', [
    ['another patient\'s letter at the same trust', p2Letter.id],
    ['the patient\'s letter at the trust referred onward to', letterOf(S.refOn.id)],
    ['another ICB\'s letter', letterOf(S.refFar.id)],
    ['unknown', UNKNOWN],
  ], letterOf(S.refA.id));
  assert.equal(f.letter_id, letterOf(S.refA.id));
  // P2's letter shows no fit note of P1's.
  assert.equal((await C.get('gp.patel', `/letters/${p2Letter.id}`)).fit_note, null);
});

test('follow-up -> referral: a referral the trust holds (422 invalid_link)', async () => {
  const body = { window_start: today(), window_end: today() };
  await links('clinician.cardio', '/follow-ups', body, 'referral_id', [
    ['a referral the trust referred onward to another trust', S.refOn.id],
    ['another ICB', S.refFar.id],
    ['unknown', UNKNOWN],
  ], S.refA.id);
});

test('onward -> referral: the same patient, held by the referring trust (422 invalid_link)', async () => {
  const body = { service_id: S.cardio.id, priority: 'routine', same_condition: false, reason: 'Onward', clinical_summary: 'x' };
  for (const [as, extra] of [
    ['clinician.cardio', { onward_from: S.refFar.id }],
    ['clinician.cardio', { onward_from: UNKNOWN }],
    ['clinician.cardio', { onward_from: S.refA.id, patient_nhs_number: S.p2 }],
    ['triage.derm.rzb', { onward_from: S.refA.id }],
    ['clinician.far', { onward_from: S.refA.id }],
  ]) {
    await C.refused(as, 'POST', '/referrals', { ...body, ...extra }, 422, 'invalid_link', 'onward_from');
  }
  await C.call('clinician.cardio', 'POST', '/referrals', { ...body, service_id: S.dermRzb.id, onward_from: S.refA.id, patient_nhs_number: S.p1 }, 201);
});

test('result -> order: only the ordering trust\'s order (422 unknown_order, kept as unmatched)', async () => {
  const count = () => Number(srv.sqlite('SELECT count(*) AS n FROM results')[0].n);
  const before_ = count();
  for (const as of ['triage.derm.rzb', 'clinician.far']) {
    const r = await srv.api(as, 'POST', '/results', { order_id: S.order.id, summary: 'Troponin 5', abnormal: false });
    assert.equal(r.status, 422, `${as}: ${r.text}`);
    assert.equal(errorOf(r).code, 'unknown_order');
    assert.equal(errorOf(r).field, 'order_id');
  }
  assert.equal(count(), before_);
  assert.equal((await C.get('clinician.cardio', `/results/orders/${S.order.id}`)).status, 'awaiting_result');
  S.result = await C.call('clinician.cardio', 'POST', '/results', { order_id: S.order.id, summary: 'Troponin 48', abnormal: true }, 201);
});

test('results, letters, follow-ups, advice and pathways: the other side cannot act (404)', async () => {
  const letterA = letterOf(S.refA.id);
  const fu = await C.call('clinician.cardio', 'POST', '/follow-ups', { referral_id: S.refA.id, window_start: today(), window_end: today() }, 201);
  const adv = await C.call('gp.patel', 'POST', '/advice', {
    patient_nhs_number: S.p1, service_id: S.cardio.id, priority: 'routine', question: 'Is a monitor worthwhile?', consent_to_convert: true,
  }, 201);
  const pw = await K.pathwayOfReferral('clinician.cardio', S.refA);
  const send = { diagnosis: 'x', hospital_actions: 'y' };
  const cases = [
    ['triage.derm.rzb', `/results/${S.result.id}/review`, { action_taken: 'x', patient_told: true }],
    ['clinician.far', `/results/${S.result.id}/handover`, { reason: 'x' }],
    ['gp.okafor', `/results/${S.result.id}/handover/accept`, {}],
    ['triage.derm.rzb', `/letters/${letterA}/send`, send],
    ['clinician.far', `/letters/${letterA}/send`, send],
    ['triage.derm.rzb', `/follow-ups/${fu.id}/book`, { appointment_at: isoDaysAhead(3) }],
    ['clinician.far', `/follow-ups/${fu.id}/discharge`, {}],
    ['triage.derm.rzb', `/advice/${adv.id}/messages`, { text: 'More?' }],
    ['gp.okafor', `/advice/${adv.id}/withdraw`, { reason: 'x' }],
    ['gp.far', `/advice/${adv.id}/close`, {}],
    ['triage.derm.rzb', `/pathways/${pw.id}/priority`, { priority: 'P2', reason: 'x' }],
    ['gp.okafor', `/pathways/${pw.id}/priority-review`, { reason: 'Worse' }],
    ['gp.far', `/pathways/${pw.id}/priority-review`, { reason: 'Worse' }],
  ];
  for (const [as, p, body] of cases) await C.refused(as, 'POST', p, body, 404, 'not_found');
  // The holding side still acts.
  await C.call('clinician.cardio', 'POST', `/results/${S.result.id}/review`, { action_taken: 'Seen in clinic', patient_told: true }, 200);
  await C.call('clinician.cardio', 'POST', `/letters/${letterA}/send`, send, 200);
  await C.call('gp.patel', 'POST', `/advice/${adv.id}/withdraw`, { reason: 'Resolved' }, 200);
});
