// Every refusal answers the contract's status and code and changes nothing:
// no referral, task or (non-read) event row, and the referral's GET and
// history read the same before and after.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, findService, pickPatient, createReferral, act, isoDaysAhead, errorOf, listPatients,
} from './lib/server.mjs';

let srv;
const F = {}; // fixtures, filled in before()

before(async () => {
  srv = await startServer();
  F.cardio = await findService(srv, 'RZA', 'Cardiology');
  F.dermRzb = await findService(srv, 'RZB', 'Dermatology');
  F.patelPatient = await pickPatient(srv, 'gp.patel');
  F.okaforPatient = (await listPatients(srv, 'gp.okafor')).patients[0];
  F.triage = await createReferral(srv, { service_id: F.cardio.id, patient_nhs_number: F.patelPatient.nhs_number });
  F.booking = await createReferral(srv, { service_id: F.cardio.id });
  F.booking = await act(srv, 'triage.cardio', F.booking.id, 'triage', { decision: 'accept' });
  F.returned = await createReferral(srv, { service_id: F.cardio.id });
  F.returned = await act(srv, 'triage.cardio', F.returned.id, 'triage',
    { decision: 'return', comment: 'Needs echo first', advice: 'Please arrange an echocardiogram' });
  F.okafor = await createReferral(srv, { service_id: F.cardio.id, patient_nhs_number: F.okaforPatient.nhs_number }, 'gp.okafor');
  F.me = (await srv.api('patient.demo', 'GET', '/me')).json;
  F.patientRef = await createReferral(srv, { service_id: F.dermRzb.id, patient_nhs_number: F.me.nhs_number });
});
after(async () => { await srv?.stop(); });

const val = (x) => (typeof x === 'function' ? x() : x);
const okBody = () => ({
  patient_nhs_number: F.patelPatient.nhs_number, service_id: F.cardio.id, priority: 'routine',
  reason: 'Palpitations', clinical_summary: 'Intermittent palpitations, normal ECG',
});
const MiB = 1024 * 1024;

async function snapshot(watch) {
  const counts = srv.counts();
  const refs = [];
  for (const { id, as } of watch) {
    const g = await srv.api(as, 'GET', `/referrals/${id}`);
    const h = await srv.api(as, 'GET', `/referrals/${id}/history`);
    assert.equal(g.status, 200, `watch GET /referrals/${id} as ${as}`);
    assert.equal(h.status, 200, `watch history ${id} as ${as}`);
    refs.push({ id, referral: g.json, history: h.json });
  }
  return { counts, refs };
}

/**
 * c: {as, method, path, body, headers, raw, status, code (string or array), field}
 * watch: the referrals to compare (default: the awaiting-triage fixture plus c.ref).
 */
async function refused(c) {
  const watch = [{ id: F.triage.id, as: 'gp.patel' }, ...(val(c.watch) || [])];
  const before_ = await snapshot(watch);
  const method = c.method ?? 'POST';
  const path = val(c.path);
  const body = val(c.body);
  let r;
  if (c.raw) {
    const tok = c.as ? await srv.token(c.as) : undefined;
    r = await srv.raw({
      method, path: path.startsWith('/api/') ? path : `/api/v1${path}`, body, chunked: c.chunked,
      headers: { 'Content-Type': 'application/json', ...(tok ? { Authorization: `Bearer ${tok}` } : {}), ...(c.headers || {}) },
    });
  } else {
    r = await srv.api(c.as, method, path, body, c.headers);
  }
  const what = `${method} ${path} as ${c.as}`;
  assert.equal(r.status, c.status, `${what}: expected ${c.status}, got ${r.status} ${r.text?.slice(0, 300)}`);
  const e = errorOf(r);
  const codes = Array.isArray(c.code) ? c.code : [c.code];
  assert.ok(codes.includes(e.code), `${what}: expected code ${codes.join('|')}, got ${e.code} (${e.message})`);
  assert.ok(e.message.length > 0, 'error.message is a sentence');
  if (c.field !== undefined) assert.equal(e.field, c.field, `${what}: error.field`);
  assert.ok(srv.alive, 'server still running');
  const after_ = await snapshot(watch);
  assert.deepEqual(after_.counts, before_.counts, `${what}: refused request changed row counts`);
  for (let i = 0; i < watch.length; i++) {
    assert.deepEqual(after_.refs[i].referral, before_.refs[i].referral, `${what}: referral ${watch[i].id} changed`);
    assert.deepEqual(after_.refs[i].history, before_.refs[i].history, `${what}: history of ${watch[i].id} changed`);
  }
  return r;
}

const T = (name, c) => test(name, () => refused(c));
const triagePath = (ref) => () => `/referrals/${F[ref].id}/triage`;
const actionPath = (ref, a) => () => `/referrals/${F[ref].id}/${a}`;
const w = (ref, as = 'gp.patel') => () => [{ id: F[ref].id, as }];
const nested = (depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const BAD_BODY = ['bad_json', 'bad_request'];

// ---------------------------------------------------------------- 400
T('400 malformed JSON', { as: 'gp.patel', path: '/referrals', body: '{"patient_nhs_number": "999', status: 400, code: 'bad_json' });
T('400 empty body on POST /referrals', { as: 'gp.patel', path: '/referrals', body: '', status: 400, code: BAD_BODY });
T('400 trailing garbage after the object', { as: 'gp.patel', path: '/referrals', body: () => JSON.stringify(okBody()) + ' x', status: 400, code: 'bad_json' });
T('400 invalid UTF-8 in the body', { as: 'gp.patel', path: '/referrals', body: () => Buffer.concat([Buffer.from(JSON.stringify(okBody()).slice(0, -2)), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), status: 400, code: BAD_BODY });
T('400 JSON array body', { as: 'gp.patel', path: '/referrals', body: () => JSON.stringify([okBody()]), status: 400, code: BAD_BODY });
T('400 JSON string body', { as: 'gp.patel', path: '/referrals', body: '"hello"', status: 400, code: BAD_BODY });
T('400 JSON null body', { as: 'gp.patel', path: '/referrals', body: 'null', status: 400, code: BAD_BODY });
T('400 JSON array body on an action', { as: 'triage.cardio', path: triagePath('triage'), body: '[{"decision":"accept"}]', status: 400, code: BAD_BODY });
T('400 wrong type: service_id "abc"', { as: 'gp.patel', path: '/referrals', body: () => ({ ...okBody(), service_id: 'abc' }), status: 400, code: 'bad_request', field: 'service_id' });
T('400 wrong type: service_id as a numeric string', { as: 'gp.patel', path: '/referrals', body: () => ({ ...okBody(), service_id: String(F.cardio.id) }), status: 400, code: 'bad_request', field: 'service_id' });
T('400 wrong type: priority 1', { as: 'gp.patel', path: '/referrals', body: () => ({ ...okBody(), priority: 1 }), status: 400, code: 'bad_request', field: 'priority' });
T('400 wrong type: reason array', { as: 'gp.patel', path: '/referrals', body: () => ({ ...okBody(), reason: ['a'] }), status: 400, code: 'bad_request', field: 'reason' });
T('400 wrong type: patient_nhs_number number', { as: 'gp.patel', path: '/referrals', body: () => ({ ...okBody(), patient_nhs_number: Number(F.patelPatient.nhs_number) }), status: 400, code: 'bad_request', field: 'patient_nhs_number' });
T('400 wrong type: version "1" on triage', { as: 'triage.cardio', path: triagePath('triage'), body: () => ({ decision: 'accept', version: String(F.triage.version) }), status: 400, code: 'bad_request', field: 'version' });
T('400 wrong type: appointment_at number', { as: 'booking.rza', path: actionPath('booking', 'book'), body: { appointment_at: 20261201 }, watch: w('booking'), status: 400, code: 'bad_request', field: 'appointment_at' });
T('400 deeply nested JSON (depth 100)', { as: 'gp.patel', path: '/referrals', body: nested(100), status: 400, code: BAD_BODY });
T('400 deeply nested JSON inside a valid body (depth 100)', { as: 'gp.patel', path: '/referrals', body: () => JSON.stringify(okBody()).slice(0, -1) + ',"extra":' + nested(100) + '}', status: 400, code: BAD_BODY });
T('400 very deeply nested JSON (depth 100000) does not crash', { as: 'gp.patel', path: '/referrals', body: '['.repeat(100000) + ']'.repeat(100000), status: 400, code: BAD_BODY, raw: true });
T('400 bad query parameter page_size=101', { as: 'gp.patel', method: 'GET', path: '/referrals?page_size=101', status: 400, code: 'bad_parameter' });
T('400 bad query parameter page_size=0', { as: 'gp.patel', method: 'GET', path: '/referrals?page_size=0', status: 400, code: 'bad_parameter' });
T('400 bad query parameter page=0', { as: 'gp.patel', method: 'GET', path: '/referrals?page=0', status: 400, code: 'bad_parameter' });
T('400 bad query parameter page=abc', { as: 'gp.patel', method: 'GET', path: '/patients?page=abc', status: 400, code: 'bad_parameter' });
T('400 bad query parameter status=bogus', { as: 'gp.patel', method: 'GET', path: '/referrals?status=bogus', status: 400, code: 'bad_parameter' });

// ---------------------------------------------------------------- 413
T('413 body of 2 MiB', { as: 'gp.patel', path: '/referrals', raw: true, body: () => JSON.stringify({ ...okBody(), clinical_summary: 'x'.repeat(2 * MiB) }), status: 413, code: 'too_large' });
T('413 chunked body of 2 MiB (no Content-Length)', { as: 'gp.patel', path: '/referrals', raw: true, chunked: true, body: () => JSON.stringify({ ...okBody(), clinical_summary: 'x'.repeat(2 * MiB) }), status: 413, code: 'too_large' });
T('413 body of 1 MiB + 1 byte', { as: 'gp.patel', path: '/referrals', raw: true, body: () => { const s = JSON.stringify(okBody()); return s.slice(0, -1) + ' '.repeat(MiB + 1 - s.length) + '}'; }, status: 413, code: 'too_large' });
T('a body of exactly 1 MiB is read (422 field_too_long, not 413)', { as: 'gp.patel', path: '/referrals', raw: true, body: () => { const s = JSON.stringify({ ...okBody(), clinical_summary: 'y'.repeat(20_001) }); return s.slice(0, -1) + ' '.repeat(MiB - s.length) + '}'; }, status: 422, code: 'field_too_long', field: 'clinical_summary' });

// ---------------------------------------------------------------- 422
T('422 invalid NHS number 9434765918', { as: 'gp.patel', path: '/referrals', body: () => ({ ...okBody(), patient_nhs_number: '9434765918' }), status: 422, code: 'invalid_nhs_number', field: 'patient_nhs_number' });
T('422 NHS number of 9 digits', { as: 'gp.patel', path: '/referrals', body: () => ({ ...okBody(), patient_nhs_number: '943476591' }), status: 422, code: 'invalid_nhs_number', field: 'patient_nhs_number' });
T('422 NHS number with letters', { as: 'gp.patel', path: '/referrals', body: () => ({ ...okBody(), patient_nhs_number: '94347659AB' }), status: 422, code: 'invalid_nhs_number', field: 'patient_nhs_number' });
T('422 GET /patients/9434765918', { as: 'gp.patel', method: 'GET', path: '/patients/9434765918', status: 422, code: 'invalid_nhs_number' });
T('422 missing reason', { as: 'gp.patel', path: '/referrals', body: () => { const b = okBody(); delete b.reason; return b; }, status: 422, code: 'missing_field', field: 'reason' });
T('422 empty reason', { as: 'gp.patel', path: '/referrals', body: () => ({ ...okBody(), reason: '' }), status: 422, code: ['missing_field', 'invalid_value'], field: 'reason' });
T('422 missing patient_nhs_number', { as: 'gp.patel', path: '/referrals', body: () => { const b = okBody(); delete b.patient_nhs_number; return b; }, status: 422, code: 'missing_field', field: 'patient_nhs_number' });
T('422 missing service_id', { as: 'gp.patel', path: '/referrals', body: () => { const b = okBody(); delete b.service_id; return b; }, status: 422, code: 'missing_field', field: 'service_id' });
T('422 unknown priority', { as: 'gp.patel', path: '/referrals', body: () => ({ ...okBody(), priority: 'asap' }), status: 422, code: 'invalid_value', field: 'priority' });
T('422 reason of 501 characters', { as: 'gp.patel', path: '/referrals', body: () => ({ ...okBody(), reason: 'r'.repeat(501) }), status: 422, code: 'field_too_long', field: 'reason' });
T('422 reason of 501 two-byte characters', { as: 'gp.patel', path: '/referrals', body: () => ({ ...okBody(), reason: 'é'.repeat(501) }), status: 422, code: 'field_too_long', field: 'reason' });
T('422 clinical_summary of 20,001 characters', { as: 'gp.patel', path: '/referrals', body: () => ({ ...okBody(), clinical_summary: 's'.repeat(20_001) }), status: 422, code: 'field_too_long', field: 'clinical_summary' });
T('422 triage without decision', { as: 'triage.cardio', path: triagePath('triage'), body: { comment: 'hmm' }, status: 422, code: 'missing_field', field: 'decision' });
T('422 unknown decision', { as: 'triage.cardio', path: triagePath('triage'), body: { decision: 'maybe' }, status: 422, code: 'invalid_value', field: 'decision' });
T('422 accept with unknown priority', { as: 'triage.cardio', path: triagePath('triage'), body: { decision: 'accept', priority: 'whenever' }, status: 422, code: 'invalid_value', field: 'priority' });
T('422 return without advice', { as: 'triage.cardio', path: triagePath('triage'), body: { decision: 'return', comment: 'Not for us' }, status: 422, code: 'missing_field', field: 'advice' });
T('422 return with empty advice', { as: 'triage.cardio', path: triagePath('triage'), body: { decision: 'return', comment: 'Not for us', advice: '' }, status: 422, code: ['missing_field', 'invalid_value'], field: 'advice' });
T('422 return without comment', { as: 'triage.cardio', path: triagePath('triage'), body: { decision: 'return', advice: 'Try a statin' }, status: 422, code: 'missing_field', field: 'comment' });
T('422 redirect without to_service_id', { as: 'triage.cardio', path: triagePath('triage'), body: { decision: 'redirect' }, status: 422, code: 'missing_field', field: 'to_service_id' });
T('422 book without appointment_at', { as: 'booking.rza', path: actionPath('booking', 'book'), body: {}, watch: w('booking'), status: 422, code: 'missing_field', field: 'appointment_at' });
T('422 book with an impossible date', { as: 'booking.rza', path: actionPath('booking', 'book'), body: { appointment_at: '2026-13-45T25:00:00Z' }, watch: w('booking'), status: 422, code: 'invalid_value', field: 'appointment_at' });
T('422 book with 30 February', { as: 'booking.rza', path: actionPath('booking', 'book'), body: { appointment_at: '2027-02-30T09:00:00Z' }, watch: w('booking'), status: 422, code: 'invalid_value', field: 'appointment_at' });
T('422 book with words for a date', { as: 'booking.rza', path: actionPath('booking', 'book'), body: { appointment_at: 'next tuesday' }, watch: w('booking'), status: 422, code: 'invalid_value', field: 'appointment_at' });
T('422 book in the past', { as: 'booking.rza', path: actionPath('booking', 'book'), body: () => ({ appointment_at: isoDaysAhead(-1) }), watch: w('booking'), status: 422, code: 'invalid_value', field: 'appointment_at' });
T('422 withdraw without reason', { as: 'gp.patel', path: actionPath('triage', 'withdraw'), body: {}, status: 422, code: 'missing_field', field: 'reason' });
T('422 resubmit without comment', { as: 'gp.patel', path: actionPath('returned', 'resubmit'), body: {}, watch: w('returned'), status: 422, code: 'missing_field', field: 'comment' });

// ---------------------------------------------------------------- 404
T('404 referral for a patient of another practice', { as: 'gp.patel', path: '/referrals', body: () => ({ ...okBody(), patient_nhs_number: F.okaforPatient.nhs_number }), status: 404, code: 'not_found' });
T('404 valid but unknown NHS number', { as: 'gp.patel', path: '/referrals', body: () => ({ ...okBody(), patient_nhs_number: '9434765919' }), status: 404, code: 'not_found' });
T('404 GET /patients of another practice', { as: 'gp.patel', method: 'GET', path: () => `/patients/${F.okaforPatient.nhs_number}`, status: 404, code: 'not_found' });
T('404 GET a referral of another practice', { as: 'gp.patel', method: 'GET', path: () => `/referrals/${F.okafor.id}`, watch: w('okafor', 'gp.okafor'), status: 404, code: 'not_found' });
T('404 history of a referral of another practice', { as: 'gp.patel', method: 'GET', path: () => `/referrals/${F.okafor.id}/history`, watch: w('okafor', 'gp.okafor'), status: 404, code: 'not_found' });
T('404 withdraw a referral of another practice', { as: 'gp.patel', path: () => `/referrals/${F.okafor.id}/withdraw`, body: { reason: 'x' }, watch: w('okafor', 'gp.okafor'), status: 404, code: 'not_found' });
T('404 GET a referral to another trust as a trust user', { as: 'triage.derm.rzb', method: 'GET', path: () => `/referrals/${F.triage.id}`, status: 404, code: 'not_found' });
T('404 triage a referral to another trust', { as: 'triage.derm.rzb', path: triagePath('triage'), body: { decision: 'accept' }, status: 404, code: 'not_found' });
T('404 unknown referral id (GET)', { as: 'gp.patel', method: 'GET', path: '/referrals/99999999', status: 404, code: 'not_found' });
T('404 unknown referral id (action)', { as: 'triage.cardio', path: '/referrals/99999999/triage', body: { decision: 'accept' }, status: 404, code: 'not_found' });
T('404 non-numeric referral id', { as: 'gp.patel', method: 'GET', path: '/referrals/abc', status: 404, code: 'not_found' });
T('404 unknown service', { as: 'gp.patel', path: '/referrals', body: () => ({ ...okBody(), service_id: 99999999 }), status: 404, code: 'not_found' });
T('404 redirect to an unknown service', { as: 'triage.cardio', path: triagePath('triage'), body: { decision: 'redirect', to_service_id: 99999999 }, status: 404, code: 'not_found' });

// ---------------------------------------------------------------- 409
T('409 attend before booking', { as: 'clinician.cardio', path: actionPath('triage', 'attend'), body: {}, status: 409, code: 'illegal_transition' });
T('409 book before triage', { as: 'booking.rza', path: actionPath('triage', 'book'), body: () => ({ appointment_at: isoDaysAhead(10) }), status: 409, code: 'illegal_transition' });
T('409 discharge before attendance', { as: 'clinician.cardio', path: actionPath('booking', 'discharge'), body: { comment: 'x' }, watch: w('booking'), status: 409, code: 'illegal_transition' });
T('409 triage an accepted referral', { as: 'triage.cardio', path: triagePath('booking'), body: { decision: 'accept' }, watch: w('booking'), status: 409, code: 'illegal_transition' });
T('409 return an accepted referral', { as: 'triage.cardio', path: triagePath('booking'), body: { decision: 'return', comment: 'c', advice: 'a' }, watch: w('booking'), status: 409, code: 'illegal_transition' });
T('409 resubmit a referral that was not returned', { as: 'gp.patel', path: actionPath('triage', 'resubmit'), body: { comment: 'Please see' }, status: 409, code: 'illegal_transition' });
T('409 close a referral that was not returned', { as: 'gp.patel', path: actionPath('triage', 'close'), body: { comment: 'done' }, status: 409, code: 'illegal_transition' });
T('409 triage a returned referral', { as: 'triage.cardio', path: triagePath('returned'), body: { decision: 'accept' }, watch: w('returned'), status: 409, code: 'illegal_transition' });
T('409 stale version (older)', { as: 'triage.cardio', path: triagePath('triage'), body: () => ({ decision: 'accept', version: F.triage.version - 1 }), status: 409, code: 'stale_version' });
T('409 stale version (newer)', { as: 'triage.cardio', path: triagePath('triage'), body: () => ({ decision: 'accept', version: F.triage.version + 1 }), status: 409, code: 'stale_version' });
T('409 stale version on withdraw', { as: 'gp.patel', path: actionPath('triage', 'withdraw'), body: () => ({ reason: 'moved', version: F.triage.version + 5 }), status: 409, code: 'stale_version' });

// ---------------------------------------------------------------- 403
T('403 GP trying to triage', { as: 'gp.patel', path: triagePath('triage'), body: { decision: 'accept' }, status: 403, code: 'forbidden' });
T('403 booking team trying to triage', { as: 'booking.rza', path: triagePath('triage'), body: { decision: 'accept' }, status: 403, code: 'forbidden' });
T('403 booking team trying to withdraw', { as: 'booking.rza', path: actionPath('booking', 'withdraw'), body: { reason: 'x' }, watch: w('booking'), status: 403, code: 'forbidden' });
T('403 practice admin trying to resubmit', { as: 'admin.riverside', path: actionPath('returned', 'resubmit'), body: { comment: 'x' }, watch: w('returned'), status: 403, code: 'forbidden' });
T('403 practice admin trying to close', { as: 'admin.riverside', path: actionPath('returned', 'close'), body: { comment: 'x' }, watch: w('returned'), status: 403, code: 'forbidden' });
T('403 patient trying to create a referral', { as: 'patient.demo', path: '/referrals', body: () => ({ ...okBody(), patient_nhs_number: F.me.nhs_number }), status: 403, code: 'forbidden' });
T('403 ICB analyst trying to create a referral', { as: 'analyst.icb', path: '/referrals', body: okBody, status: 403, code: 'forbidden' });
T('403 interface lead trying to triage', { as: 'lead.rza', path: triagePath('triage'), body: { decision: 'accept' }, status: 403, code: 'forbidden' });
T('403 patient trying to withdraw their own referral', { as: 'patient.demo', path: actionPath('patientRef', 'withdraw'), body: { reason: 'Feeling better' }, watch: w('patientRef'), status: 403, code: 'forbidden' });
// A hospital clinician may refer only onward, from a referral at their trust.
T('422 triager creating a referral that is not onward', { as: 'triage.cardio', path: '/referrals', body: okBody, status: 422, code: 'missing_field' });
T('403 booking clerk trying to create a referral', { as: 'booking.rza', path: '/referrals', body: okBody, status: 403, code: 'forbidden' });

// ---------------------------------------------------------------- unknown routes
// Contract: 404 not_found for a path that does not exist, 405 method_not_allowed
// for a known path with the wrong method.
T('404 unknown route', { as: 'gp.patel', method: 'GET', path: '/nonexistent', status: 404, code: 'not_found' });
T('404 unknown action on a referral', { as: 'gp.patel', path: actionPath('triage', 'frobnicate'), body: {}, status: 404, code: 'not_found' });
T('404 unknown API version', { as: 'gp.patel', method: 'GET', path: '/api/v2/referrals', status: 404, code: 'not_found' });
T('405 DELETE a referral', { as: 'gp.patel', method: 'DELETE', path: () => `/referrals/${F.triage.id}`, status: 405, code: 'method_not_allowed' });
T('405 PATCH a referral', { as: 'gp.patel', method: 'PATCH', path: () => `/referrals/${F.triage.id}`, body: { status: 'closed' }, status: 405, code: 'method_not_allowed' });
T('405 PUT /referrals', { as: 'gp.patel', method: 'PUT', path: '/referrals', body: okBody, status: 405, code: 'method_not_allowed' });
T('405 GET an action', { as: 'gp.patel', method: 'GET', path: triagePath('triage'), status: 405, code: 'method_not_allowed' });
T('405 POST /me', { as: 'gp.patel', method: 'POST', path: '/me', body: {}, status: 405, code: 'method_not_allowed' });
T('405 POST history', { as: 'gp.patel', method: 'POST', path: () => `/referrals/${F.triage.id}/history`, body: {}, status: 405, code: 'method_not_allowed' });

test('a NUL character in text is refused or stored exactly, never truncated', async () => {
  const before_ = srv.counts();
  const reason = 'Chest pain\u0000 DROP everything after the NUL';
  const r = await srv.api('gp.patel', 'POST', '/referrals', { ...okBody(), reason });
  if (r.status === 201) {
    assert.equal(r.json.reason, reason, 'stored exactly');
    const g = await srv.api('gp.patel', 'GET', `/referrals/${r.json.id}`);
    assert.equal(g.json.reason, reason, 'read back exactly');
  } else {
    assert.ok([400, 422].includes(r.status), `${r.status} ${r.text}`);
    errorOf(r);
    assert.deepEqual(srv.counts(), before_);
  }
});

test('after all refusals the fixtures are where they were left', async () => {
  const t = (await srv.api('gp.patel', 'GET', `/referrals/${F.triage.id}`)).json;
  assert.equal(t.status, 'awaiting_triage');
  assert.equal(t.version, F.triage.version);
  assert.equal((await srv.api('gp.patel', 'GET', `/referrals/${F.booking.id}`)).json.status, 'awaiting_booking');
  assert.equal((await srv.api('gp.patel', 'GET', `/referrals/${F.returned.id}`)).json.status, 'returned');
  // and a valid request with the same shapes still works afterwards
  const ok = await srv.api('triage.cardio', 'POST', `/referrals/${F.triage.id}/triage`, { decision: 'accept', version: t.version });
  assert.equal(ok.status, 200, ok.text);
});
