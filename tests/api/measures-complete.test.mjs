// Complete-care measures: GET /measures/complete-care counts exactly what
// happened (letters sent, results received and reviewed, hand-overs
// requested / accepted / declined, DNAs), and never a DNA bounced to the GP.
// As in docs/api.md, "Complete care ... / Measures" (access as for the
// interface measures).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, findService, createReferral, act, errorOf, isoDaysAhead, isoJustNow,
} from './lib/server.mjs';

let srv, cardio;
before(async () => {
  srv = await startServer();
  cardio = await findService(srv, 'RZA', 'Cardiology');
});
after(async () => { await srv?.stop(); });

const ROW_KEYS = ['letters_sent', 'letters_on_time_pct', 'letter_delay_days_median', 'letters_overdue',
  'results_received', 'results_reviewed', 'results_reviewed_within_target_pct', 'handovers_requested',
  'handovers_accepted', 'handovers_declined', 'follow_ups_overdue', 'dnas', 'dnas_bounced_to_gp'];
const COUNTERS = ['letters_sent', 'results_received', 'results_reviewed', 'handovers_requested', 'handovers_accepted',
  'handovers_declined', 'dnas', 'dnas_bounced_to_gp'];

async function call(as, method, p, body, want) {
  const r = await srv.api(as, method, p, body);
  assert.equal(r.status, want, `${method} ${p} as ${as} ${JSON.stringify(body ?? null).slice(0, 200)}: expected ${want}, got ${r.status} ${r.text.slice(0, 400)}`);
  return r.json;
}
async function measures(as = 'lead.rza', q = '') {
  return call(as, 'GET', `/measures/complete-care${q}`, undefined, 200);
}
/** The counters of the Cardiology row and of the total. */
async function snap() {
  const m = await measures();
  const row = m.services.find((s) => s.service?.id === cardio.id) ?? {};
  const pick = (r) => Object.fromEntries(COUNTERS.map((k) => [k, Number(r[k] ?? 0)]));
  return { cardio: pick(row), total: pick(m.total) };
}
/** Asserts the counters moved by exactly `delta` (others unchanged), for Cardiology and the total. */
function moved(before_, after_, delta, what) {
  for (const scope of ['cardio', 'total']) {
    const want = { ...before_[scope] };
    for (const [k, v] of Object.entries(delta)) want[k] += v;
    assert.deepEqual(after_[scope], want, `${what}: ${scope} counters`);
  }
}

async function booked() {
  const c = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', c.id, 'triage', { decision: 'accept' });
  return act(srv, 'booking.rza', c.id, 'book', { appointment_at: isoJustNow() });
}

test('shape: trust, period, a row per service and a total', async () => {
  const m = await measures();
  assert.equal(m.trust?.code ?? m.trust, 'RZA');
  assert.match(String(m.from), /^\d{4}-\d\d-\d\d/);
  assert.match(String(m.to), /^\d{4}-\d\d-\d\d/);
  assert.ok(Array.isArray(m.services) && m.services.length > 0, 'rows');
  for (const row of [...m.services, m.total]) {
    for (const k of ROW_KEYS) assert.ok(k in row, `row has ${k}: ${JSON.stringify(row).slice(0, 300)}`);
    for (const k of COUNTERS) assert.ok(Number.isInteger(row[k]) && row[k] >= 0, `${k} is a count: ${row[k]}`);
    for (const k of ['letters_on_time_pct', 'results_reviewed_within_target_pct']) {
      assert.ok(row[k] === null || (typeof row[k] === 'number' && row[k] >= 0 && row[k] <= 100), `${k}: ${row[k]}`);
    }
    assert.equal(row.dnas_bounced_to_gp, 0, 'there is no way to bounce a DNA to the GP');
  }
  for (const row of m.services) assert.ok(row.service?.id && row.service?.name, 'a service row names its service');
  assert.ok(!('service' in m.total), 'the total has no service');
  for (const k of COUNTERS) {
    assert.equal(m.total[k], m.services.reduce((a, r) => a + r[k], 0), `total ${k} is the sum of the services`);
  }
});

test('counters move by exactly what happens', async () => {
  // a letter sent
  let s0 = await snap();
  const c = await act(srv, 'clinician.cardio', (await booked()).id, 'attend', {});
  const due = (await call('clinician.cardio', 'GET', '/letters?status=due&kind=clinic&page_size=100', undefined, 200));
  let letter = due.letters.find((l) => l.referral_id === c.id);
  if (!letter) {
    const all = [];
    for (let p = 1; p < 100; p++) {
      const j = await call('clinician.cardio', 'GET', `/letters?status=due&kind=clinic&page=${p}&page_size=100`, undefined, 200);
      all.push(...j.letters);
      if (!j.letters.length || all.length >= (j.total ?? 0)) break;
    }
    letter = all.find((l) => l.referral_id === c.id);
  }
  assert.ok(letter, 'a due clinic letter');
  moved(s0, await snap(), {}, 'attendance (a due letter, not yet sent)');
  await call('clinician.cardio', 'POST', `/letters/${letter.id}/send`,
    { diagnosis: 'Ectopics', hospital_actions: 'None; discharged', gp_actions: [] }, 200);
  let s1 = await snap();
  moved(s0, s1, { letters_sent: 1 }, 'one letter sent');
  const m = await measures();
  const row = m.services.find((x) => x.service?.id === cardio.id);
  assert.ok(row.letters_on_time_pct !== null, 'on-time percentage once letters are sent');
  assert.ok(row.letter_delay_days_median !== null && row.letter_delay_days_median >= 0, 'a delay median once letters are sent');

  // a result received, then reviewed
  const ref = await createReferral(srv, { service_id: cardio.id });
  const o = await call('clinician.cardio', 'POST', '/results/orders',
    { patient_nhs_number: ref.patient.nhs_number, service_id: cardio.id, test: 'BNP', urgency: 'routine', referral_id: ref.id }, 201);
  s0 = await snap();
  moved(s1, s0, {}, 'an order is not a result');
  const r = await call('clinician.cardio', 'POST', '/results', { order_id: o.id, summary: 'NT-proBNP 2100', abnormal: true }, 201);
  s1 = await snap();
  moved(s0, s1, { results_received: 1 }, 'one result received');
  await call('clinician.cardio', 'POST', `/results/${r.id}/review`, { action_taken: 'Echo booked', patient_told: true }, 200);
  s0 = await snap();
  moved(s1, s0, { results_reviewed: 1 }, 'one result reviewed');

});

test('hand-over counters: every request and every decision counts, a decline is not erased by a later accept', async () => {
  const ref = await createReferral(srv, { service_id: cardio.id });
  let s0, s1;
  const o2 = await call('clinician.cardio', 'POST', '/results/orders',
    { patient_nhs_number: ref.patient.nhs_number, service_id: cardio.id, test: 'Lipids', urgency: 'routine', referral_id: ref.id }, 201);
  const r2 = await call('clinician.cardio', 'POST', '/results', { order_id: o2.id, summary: 'LDL 4.9', abnormal: true }, 201);
  s0 = await snap();
  await call('clinician.cardio', 'POST', `/results/${r2.id}/handover`, { reason: 'Statin in primary care' }, 200);
  s1 = await snap();
  moved(s0, s1, { handovers_requested: 1 }, 'one hand-over requested');
  // a refused decline counts nothing
  assert.equal((await srv.api('gp.patel', 'POST', `/results/${r2.id}/handover/decline`, {})).status, 422);
  moved(s1, await snap(), {}, 'a refused decline');
  await call('gp.patel', 'POST', `/results/${r2.id}/handover/decline`, { reason: 'FH clinic should see' }, 200);
  s0 = await snap();
  moved(s1, s0, { handovers_declined: 1 }, 'one hand-over declined');
  await call('clinician.cardio', 'POST', `/results/${r2.id}/handover`, { reason: 'FH excluded; statin in primary care' }, 200);
  await call('gp.patel', 'POST', `/results/${r2.id}/handover/accept`, {}, 200);
  s1 = await snap();
  moved(s0, s1, { handovers_requested: 1, handovers_accepted: 1 }, 'second request accepted');
  await call('gp.patel', 'POST', `/results/${r2.id}/review`, { action_taken: 'Atorvastatin', patient_told: true }, 200);
  s0 = await snap();
  moved(s1, s0, { results_reviewed: 1 }, 'the GP\'s review of a handed-over result is a review of the trust\'s result');

});

test('DNA counters: both decisions count, none bounced to the GP', async () => {
  const s0 = await snap();
  const b1 = await booked();
  await call('clinician.cardio', 'POST', `/referrals/${b1.id}/dna`, { decision: 'rebook' }, 200);
  const b2 = await booked();
  await call('clinician.cardio', 'POST', `/referrals/${b2.id}/dna`, { decision: 'discharge' }, 200);
  const s1 = await snap();
  moved(s0, s1, { dnas: 2 }, 'two DNAs');
  assert.equal(s1.total.dnas_bounced_to_gp, 0);
});

test('access: trust staff, ICB analyst and admin; not a GP', async () => {
  const gp = await srv.api('gp.patel', 'GET', '/measures/complete-care');
  assert.equal(gp.status, 403, gp.text);
  assert.equal(errorOf(gp).code, 'forbidden');
  assert.equal((await srv.api('patient.demo', 'GET', '/measures/complete-care')).status, 403);
  assert.equal((await srv.api('admin.riverside', 'GET', '/measures/complete-care')).status, 403);
  assert.equal((await measures('clinician.cardio')).trust?.code ?? '', 'RZA', 'trust staff: their own trust by default');
  const none = await srv.api('analyst.icb', 'GET', '/measures/complete-care');
  assert.ok([400, 422].includes(none.status), `analyst.icb without trust: ${none.status} ${none.text}`);
  assert.equal((await measures('analyst.icb', '?trust=RZA')).trust?.code, 'RZA');
  assert.equal((await measures('admin', '?trust=RZB')).trust?.code, 'RZB');
  const other = await srv.api('lead.rza', 'GET', '/measures/complete-care?trust=RZB');
  assert.ok([403, 404].includes(other.status), `lead.rza asking for RZB: ${other.status}`);
  const bad = await srv.api('lead.rza', 'GET', '/measures/complete-care?from=yesterday');
  assert.ok([400, 422].includes(bad.status), `bad from: ${bad.status}`);
  // a window that ends before today counts nothing done today
  const old = await measures('lead.rza', '?from=2020-01-01&to=2020-12-31');
  assert.equal(old.total.letters_sent, 0);
  assert.equal(old.total.dnas, 0);
});
