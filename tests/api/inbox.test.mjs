// The GP inbox: what the practice must act on (actions) apart from what it is
// only told (information), each item {type, id, at, patient, summary, link}.
// As in docs/api.md, "Complete care ... / The GP inbox".
//
// Readings of the contract where it is not explicit:
//  - `patient` is the patient object (or at least carries `nhs_number`);
//  - an item's `id` is the id of the thing it is about, or its `link` names
//    it (`/letters/12`, `/api/v1/letters/12`, `letter.html?id=12`);
//  - only `gp` and `practice_admin` have an inbox: every other role is 403
//    (`admin` included: the contract names the practice roles only).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, findService, createReferral, act, errorOf, isoDaysAhead, pickPatient, listPatients, isoJustNow,
} from './lib/server.mjs';
import { careKit } from './lib/care.mjs';

let srv, cardio, dermRza, respRza;
const S = {}; // seeded subjects
const ACTION_TYPES = ['letter_gp_action', 'result_handover', 'result_review', 'returned_referral', 'advice_reply', 'read_advice'];
const INFO_TYPES = ['letter', 'dna', 'redirect', 'onward_referral', 'gp_action_resolved'];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const idOf = (x) => (x !== null && typeof x === 'object' ? x.id : x);
const nhsOf = (x) => (x !== null && typeof x === 'object' ? x.nhs_number : x);

const {
  isPg, tables, rows, refused, call, get, list, worklist, taskAbout, resultTasks, inbox, itemAbout, inboxResultItems, dueIn,
} = careKit(() => srv);

async function attended(fields = {}, as = 'gp.patel') {
  const c = await createReferral(srv, { service_id: cardio.id, ...fields }, as);
  await act(srv, 'triage.cardio', c.id, 'triage', { decision: 'accept' });
  await act(srv, 'booking.rza', c.id, 'book', { appointment_at: isoJustNow() });
  return act(srv, 'clinician.cardio', c.id, 'attend', {});
}
async function handedOverResult() {
  const c = await createReferral(srv, { service_id: cardio.id });
  const o = await call('clinician.cardio', 'POST', '/results/orders',
    { patient_nhs_number: c.patient.nhs_number, service_id: cardio.id, test: 'HbA1c', urgency: 'routine', referral_id: c.id }, 201);
  const r = await call('clinician.cardio', 'POST', '/results', { order_id: o.id, summary: 'HbA1c 52 mmol/mol', abnormal: true }, 201);
  await call('clinician.cardio', 'POST', `/results/${r.id}/handover`, { reason: 'Diabetes management is in primary care' }, 200);
  return r;
}
async function createAdvice(as = 'gp.patel') {
  const p = await pickPatient(srv, as);
  return call(as, 'POST', '/advice', {
    patient_nhs_number: p.nhs_number, service_id: cardio.id, priority: 'routine',
    question: 'Asymptomatic RBBB on ECG: any further tests?', consent_to_convert: true,
  }, 201);
}

before(async () => {
  srv = await startServer();
  cardio = await findService(srv, 'RZA', 'Cardiology');
  dermRza = await findService(srv, 'RZA', 'Dermatology');
  respRza = await findService(srv, 'RZA', 'Respiratory Medicine');

  // actions
  S.returned = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', S.returned.id, 'triage', { decision: 'return', comment: 'Echo first', advice: 'Arrange an echo', reason_code: 'tests_first' });
  const seen = await attended();
  S.letter = (await list('clinician.cardio', '/letters?status=due&kind=clinic', 'letters')).find((l) => l.referral_id === seen.id);
  assert.ok(S.letter, 'a due clinic letter after attendance');
  await call('clinician.cardio', 'POST', `/letters/${S.letter.id}/send`, {
    diagnosis: 'Paroxysmal AF', hospital_actions: 'Holter arranged',
    gp_actions: [{ text: 'Start apixaban 5 mg bd', reason: 'CHA2DS2-VASc 3' }],
  }, 200);
  S.handover = await handedOverResult();
  S.review = await handedOverResult();
  await call('gp.patel', 'POST', `/results/${S.review.id}/handover/accept`, {}, 200);
  S.adviceReply = await createAdvice();
  await call('triage.cardio', 'POST', `/advice/${S.adviceReply.id}/messages`, { text: 'Any syncope?' }, 200);
  S.readAdvice = await createAdvice();
  await call('triage.cardio', 'POST', `/advice/${S.readAdvice.id}/close`, { answer: 'No tests needed', what_to_do: 'Reassure', if_worse: 'Refer if syncope' }, 200);
  // information
  S.dna = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', S.dna.id, 'triage', { decision: 'accept' });
  await act(srv, 'booking.rza', S.dna.id, 'book', { appointment_at: isoDaysAhead(5) });
  await call('clinician.cardio', 'POST', `/referrals/${S.dna.id}/dna`, { decision: 'rebook', comment: 'DNA' }, 200);
  S.redirect = await createReferral(srv, { service_id: cardio.id, reason: 'Rash on shins' });
  await act(srv, 'triage.cardio', S.redirect.id, 'triage', { decision: 'redirect', to_service_id: dermRza.id, comment: 'Dermatology' });
  S.onward = await call('clinician.cardio', 'POST', '/referrals', {
    onward_from: seen.id, service_id: respRza.id, priority: 'routine', reason: 'Incidental lung nodule on CT',
    clinical_summary: '8 mm nodule right upper lobe', same_condition: false,
  }, 201);
  // another practice
  const okaforPatient = (await listPatients(srv, 'gp.okafor')).patients[0];
  S.okafor = await createReferral(srv, { service_id: cardio.id, patient_nhs_number: okaforPatient.nhs_number }, 'gp.okafor');
  await act(srv, 'triage.cardio', S.okafor.id, 'triage', { decision: 'return', comment: 'Not cardiac', advice: 'Manage locally' });
  S.patelPatients = new Set([S.returned, seen, S.dna, S.redirect].map((x) => x.patient.nhs_number));
});
after(async () => { await srv?.stop(); });

function assertItem(i, where) {
  const s = JSON.stringify(i).slice(0, 300);
  for (const k of ['type', 'id', 'at', 'patient', 'summary', 'link']) assert.ok(k in i, `${where} item has ${k}: ${s}`);
  assert.equal(typeof i.type, 'string');
  assert.ok(i.id !== null && i.id !== undefined, `${where} item id: ${s}`);
  assert.match(String(i.at), ISO, `${where} item at: ${s}`);
  assert.match(String(nhsOf(i.patient)), /^\d{10}$/, `${where} item patient: ${s}`);
  assert.equal(typeof i.summary, 'string');
  assert.ok(i.summary.trim().length > 0, `${where} item summary: ${s}`);
  assert.equal(typeof i.link, 'string');
  assert.ok(i.link.length > 0, `${where} item link: ${s}`);
}

test('inbox shape: {actions, information}; every item {type, id, at, patient, summary, link} of its list\'s types', async () => {
  for (const as of ['gp.patel', 'gp.okafor', 'admin.riverside']) {
    const b = await inbox(as);
    for (const i of b.actions) {
      assertItem(i, `${as} action`);
      assert.ok(ACTION_TYPES.includes(i.type), `${as}: "${i.type}" is not an action type`);
    }
    for (const i of b.information) {
      assertItem(i, `${as} information`);
      assert.ok(INFO_TYPES.includes(i.type), `${as}: "${i.type}" is not an information type`);
    }
  }
});

test('each kind of work lands in the right list with the right type', async () => {
  const b = await inbox('gp.patel');
  const has = (listName, type, plural, id) => {
    const hit = b[listName].filter((i) => i.type === type && itemAbout(i, plural, id));
    assert.equal(hit.length, 1, `${listName} has one ${type} item about ${plural}/${id}: ${JSON.stringify(b[listName].filter((i) => i.type === type)).slice(0, 400)}`);
    const other = listName === 'actions' ? 'information' : 'actions';
    assert.ok(!b[other].some((i) => i.type === type), `${type} never in ${other}`);
    return hit[0];
  };
  assert.equal(nhsOf(has('actions', 'returned_referral', 'referrals', S.returned.id).patient), S.returned.patient.nhs_number);
  assert.equal(nhsOf(has('actions', 'letter_gp_action', 'letters', S.letter.id).patient), nhsOf(S.letter.patient));
  has('actions', 'result_handover', 'results', S.handover.id);
  has('actions', 'result_review', 'results', S.review.id);
  has('actions', 'advice_reply', 'advice', S.adviceReply.id);
  has('actions', 'read_advice', 'advice', S.readAdvice.id);
  assert.equal(nhsOf(has('information', 'letter', 'letters', S.letter.id).patient), nhsOf(S.letter.patient));
  assert.equal(nhsOf(has('information', 'dna', 'referrals', S.dna.id).patient), S.dna.patient.nhs_number);
  has('information', 'redirect', 'referrals', S.redirect.id);
  has('information', 'onward_referral', 'referrals', S.onward.id);
  // the practice admin sees the practice's inbox
  const a = await inbox('admin.riverside');
  assert.ok(a.information.some((i) => i.type === 'letter' && itemAbout(i, 'letters', S.letter.id)), 'admin.riverside: the unread letter');
  assert.ok(a.actions.some((i) => i.type === 'returned_referral' && itemAbout(i, 'referrals', S.returned.id)), 'admin.riverside: the returned referral');
});

test('an answered item leaves the inbox', async () => {
  await call('gp.patel', 'POST', `/letters/${S.letter.id}/read`, {}, 200);
  const b = await inbox('gp.patel');
  assert.ok(!b.information.some((i) => i.type === 'letter' && itemAbout(i, 'letters', S.letter.id)), 'a read letter is no longer unread');
  assert.ok(b.actions.some((i) => i.type === 'letter_gp_action' && itemAbout(i, 'letters', S.letter.id)), 'its GP action is still pending');
  await call('gp.patel', 'POST', `/letters/${S.letter.id}/gp-actions/1/accept`, {}, 200);
  assert.ok(!(await inbox('gp.patel')).actions.some((i) => i.type === 'letter_gp_action' && itemAbout(i, 'letters', S.letter.id)));
});

test('visibility: a practice\'s inbox holds only its own patients', async () => {
  const b = await inbox('gp.okafor');
  const items = [...b.actions, ...b.information];
  assert.ok(items.some((i) => i.type === 'returned_referral' && itemAbout(i, 'referrals', S.okafor.id)), 'gp.okafor has its own returned referral');
  for (const i of items) {
    assert.ok(!S.patelPatients.has(nhsOf(i.patient)), `gp.okafor's inbox shows a Riverside patient: ${JSON.stringify(i)}`);
  }
  const seenIds = [S.returned, S.dna, S.redirect, S.onward].map((x) => x.id);
  assert.ok(!items.some((i) => /referral|dna|redirect/.test(i.type) && seenIds.includes(i.id)), 'none of Riverside\'s referrals');
  assert.ok(!items.some((i) => /letter/.test(i.type) && itemAbout(i, 'letters', S.letter.id)));
  assert.ok(!items.some((i) => /result/.test(i.type) && (itemAbout(i, 'results', S.handover.id) || itemAbout(i, 'results', S.review.id))));
  const uniq = [...new Set(items.map((i) => nhsOf(i.patient)))].slice(0, 40);
  for (const n of uniq) {
    assert.equal((await srv.api('gp.okafor', 'GET', `/patients/${n}`)).status, 200, `gp.okafor's inbox patient ${n} is a Hillview patient`);
  }
  const p = await inbox('gp.patel');
  const pu = [...new Set([...p.actions, ...p.information].map((i) => nhsOf(i.patient)))].slice(0, 40);
  for (const n of pu) {
    assert.equal((await srv.api('gp.patel', 'GET', `/patients/${n}`)).status, 200, `gp.patel's inbox patient ${n} is a Riverside patient`);
  }
});

test('trust, ICB and patient roles have no inbox (403); no token is 401', async () => {
  for (const as of ['triage.cardio', 'clinician.cardio', 'booking.rza', 'lead.rza', 'triage.derm.rzb', 'analyst.icb', 'admin', 'patient.demo']) {
    const before_ = rows();
    const r = await srv.api(as, 'GET', '/inbox');
    assert.equal(r.status, 403, `GET /inbox as ${as}: ${r.status} ${r.text.slice(0, 200)}`);
    assert.equal(errorOf(r).code, 'forbidden');
    assert.deepEqual(rows(), before_);
  }
  const n = await srv.api(null, 'GET', '/inbox');
  assert.equal(n.status, 401);
  assert.equal(errorOf(n).code, 'unauthorized');
  const m = await srv.api('gp.patel', 'POST', '/inbox', {});
  assert.equal(m.status, 405, `POST /inbox: ${m.status}`);
});
