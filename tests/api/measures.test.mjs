// Interface measures (docs/api.md, "Measures"): counters move by exactly
// what a known set of actions did; shapes and access.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, findService, pickPatient, createReferral, act, errorOf, todayDates } from './lib/server.mjs';

let srv, cardio, gastroRzb, dermRza;
before(async () => {
  srv = await startServer();
  cardio = await findService(srv, 'RZA', 'Cardiology');
  gastroRzb = await findService(srv, 'RZB', 'Gastroenterology');
  dermRza = await findService(srv, 'RZA', 'Dermatology');
});
after(async () => { await srv?.stop(); });

const COUNTERS = ['advice_requests', 'advice_answered', 'advice_converted', 'referrals_triaged', 'referrals_returned',
  'referrals_redirected', 'converted_to_advice', 'onward_referrals_made', 'returned_needs_other_service'];
const PCTS = ['advice_within_target_pct', 'advice_conversion_pct', 'returned_pct', 'returned_with_advice_pct', 'redirected_pct'];
const DATEISH = /^\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\dZ)?$/;
const HOURS = ['advice_response_hours_median', 'advice_response_hours_p90'];

async function measures(as = 'lead.rza', query = '') {
  const r = await srv.api(as, 'GET', `/measures/interface${query}`);
  assert.equal(r.status, 200, `GET /measures/interface${query} as ${as}: ${r.status} ${r.text}`);
  return r.json;
}
function checkRow(row, label) {
  for (const k of COUNTERS) {
    assert.ok(Number.isInteger(row[k]) && row[k] >= 0, `${label}.${k} = ${row[k]} is a count`);
  }
  for (const k of PCTS) {
    const v = row[k];
    assert.ok(k in row, `${label}.${k} present`);
    if (v !== null) {
      assert.equal(typeof v, 'number', `${label}.${k} = ${v}`);
      assert.ok(v >= 0 && v <= 100, `${label}.${k} = ${v} within 0..100`);
      assert.equal(Math.round(v * 10) / 10, v, `${label}.${k} = ${v} has one decimal`);
    }
  }
  for (const k of HOURS) {
    const v = row[k];
    assert.ok(k in row, `${label}.${k} present`);
    if (v !== null) assert.ok(typeof v === 'number' && v >= 0, `${label}.${k} = ${v} is hours >= 0`);
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cardioRow = (m) => {
  const row = m.services.find((s) => s.service?.id === cardio.id);
  assert.ok(row, `a Cardiology row in ${JSON.stringify(m.services.map((s) => s.service))}`);
  return row;
};

test('shape and defaults for the caller\'s own trust', async () => {
  const m = await measures('lead.rza');
  assert.equal(m.trust.code, 'RZA');
  assert.ok(m.trust.name);
  // docs/api.md takes DATEs in the query; the echoed from/to may be a date or an ISO time
  assert.match(m.from, DATEISH);
  assert.match(m.to, DATEISH);
  assert.ok(todayDates().includes(m.to.slice(0, 10)), `default to = today: ${m.to}`);
  const span = (Date.parse(m.to) - Date.parse(m.from)) / 86400_000;
  assert.ok(span >= 364 && span <= 366, `default window is the last 365 days: ${m.from}..${m.to}`);
  assert.equal(m.services.length, 8, 'one row per RZA service');
  for (const row of m.services) {
    assert.ok(Number.isInteger(row.service.id) && row.service.name, 'row.service {id,name}');
    checkRow(row, row.service.name);
  }
  assert.equal(m.total.service, undefined, 'no service in the total row');
  checkRow(m.total, 'total');
  for (const k of COUNTERS) {
    assert.equal(m.total[k], m.services.reduce((n, s) => n + s[k], 0), `total.${k} is the sum of the rows`);
  }
});

test('counters move by exactly what was done', async () => {
  const m0 = await measures('lead.rza');
  const c0 = cardioRow(m0);
  const t0 = m0.total;

  // two A&G requests to Cardiology, one answered
  const mk = async () => {
    const p = await pickPatient(srv, 'gp.patel');
    const r = await srv.api('gp.patel', 'POST', '/advice', {
      patient_nhs_number: p.nhs_number, service_id: cardio.id, priority: 'routine', question: 'Statin choice?', consent_to_convert: true,
    });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const a1 = await mk();
  await mk();
  const ans = await srv.api('triage.cardio', 'POST', `/advice/${a1.id}/close`,
    { answer: 'Atorvastatin 20 mg', what_to_do: 'Recheck lipids in 3 months', if_worse: 'Re-refer' });
  assert.equal(ans.status, 200, ans.text);

  // three Cardiology referrals triaged: accepted, returned (with advice), redirected
  const acc = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', acc.id, 'triage', { decision: 'accept' });
  const ret = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', ret.id, 'triage', { decision: 'return', comment: 'Tests first', advice: 'Arrange echo', reason_code: 'tests_first' });
  const red = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', red.id, 'triage', { decision: 'redirect', to_service_id: gastroRzb.id });

  // one onward referral from the accepted one (within the trust: onward.test.mjs covers other trusts)
  const on = await srv.api('clinician.cardio', 'POST', '/referrals', {
    onward_from: acc.id, service_id: dermRza.id, priority: 'routine', reason: 'Skin lesion', clinical_summary: 'Changing naevus', same_condition: false,
  });
  assert.equal(on.status, 201, on.text);

  const m1 = await measures('lead.rza');
  const c1 = cardioRow(m1);
  const t1 = m1.total;
  const want = {
    advice_requests: 2, advice_answered: 1, advice_converted: 0, referrals_triaged: 3, referrals_returned: 1,
    referrals_redirected: 1, converted_to_advice: 0, onward_referrals_made: 1, returned_needs_other_service: 0,
  };
  for (const [k, d] of Object.entries(want)) {
    assert.equal(c1[k] - c0[k], d, `Cardiology ${k}: ${c0[k]} -> ${c1[k]}, expected +${d}`);
    assert.equal(t1[k] - t0[k], d, `total ${k}: ${t0[k]} -> ${t1[k]}, expected +${d}`);
  }
  checkRow(c1, 'Cardiology');
  checkRow(t1, 'total');
  assert.equal(typeof c1.advice_response_hours_median, 'number', 'a median once something was answered');
  assert.equal(typeof c1.advice_response_hours_p90, 'number');
  assert.ok(c1.advice_response_hours_p90 >= c1.advice_response_hours_median, 'p90 >= median');
  assert.notEqual(c1.returned_pct, null);
  assert.notEqual(c1.redirected_pct, null);
  // percentages follow from the counts
  assert.equal(c1.returned_pct, Math.round((1000 * c1.referrals_returned) / c1.referrals_triaged) / 10, 'returned_pct');
  assert.equal(c1.redirected_pct, Math.round((1000 * c1.referrals_redirected) / c1.referrals_triaged) / 10, 'redirected_pct');

  // the receiving trust's row for the redirect/onward is RZB's business, not RZA's
  const rzb = await measures('analyst.icb', '?trust=RZB');
  assert.equal(rzb.trust.code, 'RZB');
  assert.ok(rzb.services.every((s) => s.service.id !== cardio.id));
});

test('a triage decision convert_to_advice and a needs_other_service return are counted', async () => {
  const m0 = cardioRow(await measures('lead.rza'));
  const c = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', c.id, 'triage', { decision: 'convert_to_advice', comment: 'Advice will do' });
  const d = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', d.id, 'triage', { decision: 'return', comment: 'Wrong service', advice: 'Refer to respiratory', reason_code: 'needs_other_service' });
  const m1 = cardioRow(await measures('lead.rza'));
  assert.equal(m1.converted_to_advice - m0.converted_to_advice, 1, 'converted_to_advice +1');
  assert.equal(m1.returned_needs_other_service - m0.returned_needs_other_service, 1, 'returned_needs_other_service +1');
  assert.equal(m1.referrals_returned - m0.referrals_returned, 1, 'referrals_returned +1');
});

test('an action is counted at once (the default window includes the current second)', async () => {
  const m0 = cardioRow(await measures('lead.rza'));
  const c = await createReferral(srv, { service_id: cardio.id });
  // start just after a second boundary so the action and the read share a second
  while (Date.now() % 1000 > 30) await sleep(5);
  await act(srv, 'triage.cardio', c.id, 'triage', { decision: 'accept' });
  const m1 = cardioRow(await measures('lead.rza'));
  assert.equal(m1.referrals_triaged - m0.referrals_triaged, 1,
    'an accept made a moment ago is counted by GET /measures/interface with the default window');
});

test('access: roles and trust parameter', async () => {
  const gp = await srv.api('gp.patel', 'GET', '/measures/interface');
  assert.equal(gp.status, 403, gp.text);
  assert.equal(errorOf(gp).code, 'forbidden');
  assert.equal((await srv.api('patient.demo', 'GET', '/measures/interface')).status, 403);
  const none = await srv.api('analyst.icb', 'GET', '/measures/interface');
  assert.ok([400, 422].includes(none.status), `analyst.icb without trust: ${none.status} ${none.text}`);
  errorOf(none);
  const icb = await measures('analyst.icb', '?trust=RZA');
  assert.equal(icb.trust.code, 'RZA');
  assert.equal(icb.services.length, 8);
  const adm = await measures('admin', '?trust=RZB');
  assert.equal(adm.trust.code, 'RZB');
  // trust staff: their own trust by default, and the same numbers as the ICB's view
  const own = await measures('triage.cardio');
  assert.equal(own.trust.code, 'RZA');
  assert.deepEqual(own.total, icb.total);
  // not another trust
  const other = await srv.api('lead.rza', 'GET', '/measures/interface?trust=RZB');
  assert.ok([403, 404].includes(other.status), `lead.rza asking for RZB: ${other.status}`);
  // unknown trust, bad dates
  const unk = await srv.api('analyst.icb', 'GET', '/measures/interface?trust=ZZZ');
  assert.ok([404, 422].includes(unk.status), `unknown trust: ${unk.status} ${unk.text}`);
  const bad = await srv.api('lead.rza', 'GET', '/measures/interface?from=2026-02-30');
  assert.ok([400, 422].includes(bad.status), `bad from date: ${bad.status} ${bad.text}`);
  // an explicit window is echoed back; a window before everything counts nothing
  const w = await measures('lead.rza', '?from=2001-01-01&to=2001-12-31');
  for (const k of COUNTERS) assert.equal(w.total[k], 0, `nothing in 2001: ${k}`);
  for (const k of PCTS) assert.equal(w.total[k], null, `nothing to divide by in 2001: ${k}`);
  assert.equal(w.from.slice(0, 10), '2001-01-01', `from echoed: ${w.from}`);
  assert.equal(w.to.slice(0, 10), '2001-12-31', `to echoed as asked (the last day counted): ${w.to}`);
});
