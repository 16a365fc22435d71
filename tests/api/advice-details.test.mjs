// Details of advice and guidance that users rely on: a referral made from
// advice carries the whole conversation; the return reason is in the history;
// a GP who turns a returned referral into advice decides about conversion.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, findService, pickPatient, createReferral, act, errorOf } from './lib/server.mjs';

let srv, cardio;
before(async () => {
  srv = await startServer();
  cardio = await findService(srv, 'RZA', 'Cardiology');
});
after(async () => { await srv?.stop(); });

async function ask(fields = {}) {
  const r = await srv.api('gp.patel', 'POST', '/advice', {
    patient_nhs_number: (await pickPatient(srv)).nhs_number,
    service_id: cardio.id, priority: 'routine', consent_to_convert: true,
    question: 'Breathless on exertion, BNP 480. Echo first or clinic?', ...fields,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('a referral made from advice carries the whole conversation as its clinical summary', async () => {
  const a = await ask();
  let r = await srv.api('triage.cardio', 'POST', `/advice/${a.id}/messages`, { text: 'Any oedema or orthopnoea?' });
  assert.equal(r.status, 200, r.text);
  r = await srv.api('gp.patel', 'POST', `/advice/${a.id}/messages`, { text: 'Ankle oedema, two-pillow orthopnoea.' });
  assert.equal(r.status, 200, r.text);
  r = await srv.api('triage.cardio', 'POST', `/advice/${a.id}/convert`, { comment: 'Heart failure clinic' });
  assert.equal(r.status, 200, r.text);
  const summary = r.json.referral.clinical_summary;
  assert.match(summary, /BNP 480/);
  assert.match(summary, /Any oedema or orthopnoea\?/);
  assert.match(summary, /two-pillow orthopnoea/);
  assert.match(summary, new RegExp(`advice and guidance request ${a.id}`, 'i'));
  assert.equal(r.json.referral.reason, 'Heart failure clinic');
});

test('the return reason code is recorded in the history of the return', async () => {
  const ref = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', ref.id, 'triage',
    { decision: 'return', comment: 'Needs echo', advice: 'Request an echo first', reason_code: 'tests_first' });
  const ev = (await srv.api('gp.patel', 'GET', `/referrals/${ref.id}/history`)).json.events
    .find((e) => e.action === 'referral.returned');
  assert.ok(ev, 'a return event');
  assert.equal(ev.detail.reason_code, 'tests_first');
});

test('a GP turning a returned referral into advice can refuse conversion; the specialist then cannot convert', async () => {
  const ref = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', ref.id, 'triage', { decision: 'return', comment: 'Unclear', advice: 'Ask us first' });
  const conv = await act(srv, 'gp.patel', ref.id, 'convert_to_advice',
    { question: 'Would you see him if the echo is normal?', consent_to_convert: false });
  assert.equal(conv.status, 'converted_to_advice');
  const a = (await srv.api('gp.patel', 'GET', `/advice/${conv.advice_id}`)).json;
  assert.equal(a.consent_to_convert, false);
  assert.equal(a.question, 'Would you see him if the echo is normal?');
  const r = await srv.api('triage.cardio', 'POST', `/advice/${a.id}/convert`, {});
  assert.equal(r.status, 409);
  assert.equal(errorOf(r).code, 'consent_required');
});

test('a missing consent answer is explained in words, not field names', async () => {
  const r = await srv.api('gp.patel', 'POST', '/advice', {
    patient_nhs_number: (await pickPatient(srv)).nhs_number, service_id: cardio.id, priority: 'routine',
    question: 'Q?',
  });
  assert.equal(r.status, 422);
  assert.equal(errorOf(r).field, 'consent_to_convert');
  assert.match(errorOf(r).message, /^Select yes if the specialist may turn this request into a referral/);
});
