// Idempotency-Key on POST, as in docs/api.md.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, findService, pickPatient, createReferral, errorOf } from './lib/server.mjs';

let srv, cardio;
before(async () => {
  srv = await startServer();
  cardio = await findService(srv, 'RZA', 'Cardiology');
});
after(async () => { await srv?.stop(); });

const key = () => `test-${randomUUID()}`;
async function body(as = 'gp.patel') {
  const p = await pickPatient(srv, as);
  return { patient_nhs_number: p.nhs_number, service_id: cardio.id, priority: 'routine', reason: 'Breathless on exertion', clinical_summary: 'NYHA II' };
}
const post = (as, path, b, k) => srv.api(as, 'POST', path, b, k === undefined ? {} : { 'Idempotency-Key': k });
const replayed = (r) => r.headers.get('idempotent-replayed');

test('same key twice: same status and body, replayed header, one referral', async () => {
  const k = key();
  const b = await body();
  const n0 = srv.counts();
  const first = await post('gp.patel', '/referrals', b, k);
  assert.equal(first.status, 201, first.text);
  assert.notEqual(replayed(first), 'true', 'the first response is not a replay');
  const n1 = srv.counts();
  const second = await post('gp.patel', '/referrals', b, k);
  assert.equal(second.status, 201, second.text);
  assert.equal(replayed(second), 'true', 'Idempotent-Replayed: true on the retry');
  assert.deepEqual(second.json, first.json, 'same body');
  assert.equal(second.text, first.text, 'byte-identical body');
  const n2 = srv.counts();
  assert.equal(n1.referrals, n0.referrals + 1, 'first request created one referral');
  assert.deepEqual(n2, n1, 'the retry wrote no referral, task or event');
  const list = await srv.api('gp.patel', 'GET', `/referrals?patient=${b.patient_nhs_number}`);
  assert.equal(list.json.referrals.filter((r) => r.service.id === cardio.id && r.reason === b.reason).length, 1);
});

test('a replay returns the first response even after the referral changed', async () => {
  const k = key();
  const b = await body();
  const first = await post('gp.patel', '/referrals', b, k);
  assert.equal(first.status, 201);
  const acc = await srv.api('triage.cardio', 'POST', `/referrals/${first.json.id}/triage`, { decision: 'accept' });
  assert.equal(acc.status, 200);
  const again = await post('gp.patel', '/referrals', b, k);
  assert.equal(again.status, 201);
  assert.equal(replayed(again), 'true');
  assert.deepEqual(again.json, first.json, 'the stored first response, not the current state');
});

test('same key, different body: 409 idempotency_key_conflict, nothing written', async () => {
  const k = key();
  const b = await body();
  const first = await post('gp.patel', '/referrals', b, k);
  assert.equal(first.status, 201);
  const n = srv.counts();
  const other = await post('gp.patel', '/referrals', { ...b, priority: 'urgent' }, k);
  assert.equal(other.status, 409, other.text);
  assert.equal(errorOf(other).code, 'idempotency_key_conflict');
  assert.deepEqual(srv.counts(), n);
  const g = await srv.api('gp.patel', 'GET', `/referrals/${first.json.id}`);
  assert.equal(g.json.priority, 'routine');
});

test('same key, different path: 409 idempotency_key_conflict', async () => {
  const k = key();
  const first = await post('gp.patel', '/referrals', await body(), k);
  assert.equal(first.status, 201);
  const n = srv.counts();
  const w = await post('gp.patel', `/referrals/${first.json.id}/withdraw`, { reason: 'Changed my mind' }, k);
  assert.equal(w.status, 409, w.text);
  assert.equal(errorOf(w).code, 'idempotency_key_conflict');
  assert.deepEqual(srv.counts(), n);
  assert.equal((await srv.api('gp.patel', 'GET', `/referrals/${first.json.id}`)).json.status, 'awaiting_triage');
});

test('different users with the same key are independent', async () => {
  const k = key();
  const b = await body('gp.patel');
  const n0 = srv.counts().referrals;
  const a = await post('gp.patel', '/referrals', b, k);
  const c = await post('admin.riverside', '/referrals', b, k);
  assert.equal(a.status, 201, a.text);
  assert.equal(c.status, 201, c.text);
  assert.notEqual(replayed(c), 'true', 'another user\'s request is not a replay');
  assert.notEqual(a.json.id, c.json.id);
  assert.equal(a.json.requester.username, 'gp.patel');
  assert.equal(c.json.requester.username, 'admin.riverside');
  // a GP at another practice with the same key: their own request, judged on its own
  const o = await post('gp.okafor', '/referrals', await body('gp.okafor'), k);
  assert.equal(o.status, 201, o.text);
  assert.notEqual(replayed(o), 'true');
  assert.equal(srv.counts().referrals, n0 + 3);
});

test('10 concurrent identical POSTs with one key create exactly one referral', async () => {
  const k = key();
  const b = await body();
  await srv.token('gp.patel');
  const n0 = srv.counts();
  const rs = await Promise.all(Array.from({ length: 10 }, () => post('gp.patel', '/referrals', b, k)));
  const n1 = srv.counts();
  assert.equal(n1.referrals, n0.referrals + 1, 'exactly one referral row');
  const statuses = rs.map((r) => r.status);
  assert.deepEqual(statuses, Array(10).fill(201), `all answered with the first response: ${statuses} ${rs.find((r) => r.status !== 201)?.text ?? ''}`);
  const ids = new Set(rs.map((r) => r.json.id));
  assert.equal(ids.size, 1, 'all responses carry the same referral');
  assert.equal(rs.filter((r) => replayed(r) === 'true').length, 9, 'nine replays');
  const list = await srv.api('gp.patel', 'GET', `/referrals?patient=${b.patient_nhs_number}`);
  assert.equal(list.json.referrals.filter((r) => r.reason === b.reason && r.service.id === cardio.id).length, 1);
});

test('an action replayed with its key is applied once', async () => {
  const c = await createReferral(srv, { service_id: cardio.id });
  const k = key();
  const a1 = await post('triage.cardio', `/referrals/${c.id}/triage`, { decision: 'accept', comment: 'OK' }, k);
  assert.equal(a1.status, 200, a1.text);
  const n = srv.counts();
  const a2 = await post('triage.cardio', `/referrals/${c.id}/triage`, { decision: 'accept', comment: 'OK' }, k);
  assert.equal(a2.status, 200, `a replayed accept is not an illegal transition: ${a2.text}`);
  assert.equal(replayed(a2), 'true');
  assert.deepEqual(a2.json, a1.json);
  assert.deepEqual(srv.counts(), n);
  // without the key the same request is a new one, and illegal now
  const a3 = await post('triage.cardio', `/referrals/${c.id}/triage`, { decision: 'accept', comment: 'OK' });
  assert.equal(a3.status, 409);
  assert.equal(errorOf(a3).code, 'illegal_transition');
});

test('a refused request replays its refusal and writes nothing', async () => {
  const k = key();
  const b = { ...(await body()), priority: 'asap' };
  const n = srv.counts();
  const r1 = await post('gp.patel', '/referrals', b, k);
  assert.equal(r1.status, 422);
  const r2 = await post('gp.patel', '/referrals', b, k);
  assert.equal(r2.status, 422);
  assert.deepEqual(r2.json, r1.json);
  assert.deepEqual(srv.counts(), n);
});

test('a key longer than 200 characters, or not visible ASCII, is refused with 400', async () => {
  const n = srv.counts();
  for (const bad of ['k'.repeat(201), 'two words', 'caf\u00e9', 'tab\there']) {
    const r = await post('gp.patel', '/referrals', await body(), bad);
    assert.equal(r.status, 400, `key ${JSON.stringify(bad.slice(0, 20))}: ${r.status} ${r.text}`);
    assert.ok(['bad_request', 'bad_parameter'].includes(errorOf(r).code), errorOf(r).code);
  }
  assert.deepEqual(srv.counts(), n);
  const ok = await post('gp.patel', '/referrals', await body(), (key() + '~!#$%&*+-.^_`|'.repeat(20)).slice(0, 200));
  assert.equal(ok.status, 201, `a 200-character key is fine: ${ok.text}`);
});
