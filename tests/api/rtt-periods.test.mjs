// RTT periods kept as history (docs/waiting-list.md, "RTT periods"; docs/rtt-rules.md): a new
// period never overwrites a finished one; the rebooking date starts the clock after a missed first
// appointment (rule 3e); patient- and clinician-initiated active monitoring (31, 32); a later missed
// appointment followed by discharge stops on the discharge date (rule 5); the receipt is the first
// activity (10) and the first appointment a subsequent one (20); the waiting list at a past census is
// the list as it stood and agrees with GET /measures/rtt; PTL imports keep periods.
// Runs on SQLite and, with SEAM_TEST_PG, PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  startServer, findService, createReferral, act, errorOf, isoDaysAhead, isoJustNow, seam, mkTmp,
} from './lib/server.mjs';
import { pathwayKit, dayOf, dateOf, addDays, todayUtc, lowerMedian, r1 } from './lib/pathways.mjs';

let srv, K, cardio, dermRza, tmp;
const T = dayOf(todayUtc());
const TODAY = todayUtc();

before(async () => {
  srv = await startServer();
  K = pathwayKit(() => srv);
  cardio = await findService(srv, 'RZA', 'Cardiology');
  dermRza = await findService(srv, 'RZA', 'Dermatology');
  tmp = mkTmp('seam-rtt-');
});
after(async () => {
  await srv?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const pathwayGet = (id, as = 'triage.cardio') => K.get(as, `/pathways/${id}`);
/** Backdates a Seam referral's clock: referral, pathway and its current period. */
function backdate(ref, pathwayId, start) {
  K.run(`UPDATE referrals SET clock_start = '${start}' WHERE id = ${ref.id}`);
  K.run(`UPDATE pathways SET clock_start = '${start}', clock_start_day = ${dayOf(start)}, referral_received = '${start}' WHERE id = ${pathwayId}`);
  K.run(`UPDATE rtt_periods SET start_date = '${start}', start_day = ${dayOf(start)} WHERE pathway_id = ${pathwayId} AND current = 1`);
}
/** A referral accepted and booked (by default six days ahead; pass isoJustNow() for one attended today). */
async function booked(fields = {}, appointmentAt = isoDaysAhead(6, 10, 0)) {
  const ref = await createReferral(srv, { service_id: cardio.id, ...fields });
  const p = await K.pathwayOfReferral('gp.patel', ref);
  await act(srv, 'triage.cardio', ref.id, 'triage', { decision: 'accept' });
  await act(srv, 'booking.rza', ref.id, 'book', { appointment_at: appointmentAt });
  return { ref, p };
}
const clockEvents = (id) => srv.sqlite(`SELECT action, after_json FROM events WHERE object_type = 'pathway'
  AND object_id = '${id}' AND action = 'pathway.clock' ORDER BY id`);

/** The periods are consistent: numbered 1..n, exactly one current, the pathway row agrees with it. */
function assertConsistent(pw) {
  const ps = pw.periods;
  assert.ok(Array.isArray(ps) && ps.length >= 1, `periods: ${JSON.stringify(ps)}`);
  ps.forEach((x, i) => assert.equal(x.period, i + 1, 'oldest first, numbered from 1'));
  assert.equal(ps.filter((x) => x.current).length, 1, 'one current period');
  const cur = ps.find((x) => x.current);
  assert.equal(cur, ps[ps.length - 1], 'the current period is the latest');
  assert.equal(pw.clock_start, cur.clock_start, 'the pathway caches the current period\'s start');
  if (pw.open) assert.equal(cur.clock_stop, null, 'an open pathway: its current period runs');
  for (const x of ps.slice(0, -1)) assert.ok(x.clock_stop, `period ${x.period} before the current one has stopped`);
}

test('a GP\'s resubmission of a returned referral starts a new period (10, rule 3c); the returned one stays in the history', async () => {
  const ref = await createReferral(srv, { service_id: cardio.id });
  const p0 = await K.pathwayOfReferral('gp.patel', ref);
  const start = addDays(TODAY, -30);
  backdate(ref, p0.id, start);
  await act(srv, 'triage.cardio', ref.id, 'triage', { decision: 'return', comment: 'Bloods first', advice: 'U&E and FBC', reason_code: 'tests_first' });
  await act(srv, 'gp.patel', ref.id, 'resubmit', { comment: 'Bloods normal' });
  const pw = await pathwayGet(p0.id);
  assertConsistent(pw);
  assert.equal(pw.periods.length, 2, JSON.stringify(pw.periods));
  const [first, second] = pw.periods;
  assert.equal(first.clock_start, start, 'the first period keeps its own start');
  assert.equal(first.clock_stop, TODAY, 'and its stop');
  assert.equal(first.stop_status.code, '34');
  assert.equal(first.days_waited, 30);
  assert.equal(first.current, false);
  assert.equal(second.clock_start, TODAY, 'the new period starts when the resubmission is received');
  assert.equal(second.start_status.code, '10', 'a referral from the GP: its receipt is the first activity (10)');
  assert.equal(second.start_rule, 3);
  assert.equal(second.clock_stop, null);
  assert.equal(pw.open, true);
  assert.equal(pw.rtt_status.code, '10');
  // the events of each period, and the audit trail
  assert.deepEqual(first.events.map((e) => e.event), ['referral_received', 'return']);
  assert.deepEqual(second.events.map((e) => e.event), ['resubmit']);
  assert.equal(second.events[0].by, 'gp.patel');
  const ev = clockEvents(p0.id).map((e) => JSON.parse(e.after_json));
  assert.deepEqual(ev.map((e) => [e.period, e.event, e.status]), [[1, 'referral_received', '10'], [1, 'return', '34'], [2, 'resubmit', '10']]);
});

test('a same-condition onward referral from a stopped pathway adds a period (12): the stop still counts in estimated waits', async () => {
  const est = async () => (await K.get('gp.patel', `/services/${cardio.id}/estimated-wait`)).clock_stops;
  const src = await createReferral(srv, { service_id: cardio.id });
  const p0 = await K.pathwayOfReferral('gp.patel', src);
  const start = addDays(TODAY, -70);
  backdate(src, p0.id, start);
  await act(srv, 'triage.cardio', src.id, 'triage', { decision: 'accept' });
  await act(srv, 'booking.rza', src.id, 'book', { appointment_at: isoJustNow() });
  await act(srv, 'clinician.cardio', src.id, 'attend', {});
  const stops0 = await est();
  await act(srv, 'clinician.cardio', src.id, 'discharge', { comment: 'Treated', rtt_outcome: 'treated' });
  assert.equal(await est(), stops0 + 1, 'the treatment stop is a completed wait of cardiology');
  const on = await srv.api('clinician.cardio', 'POST', '/referrals', {
    onward_from: src.id, service_id: dermRza.id, priority: 'routine', reason: 'Wound problem after the procedure',
    clinical_summary: 'Same condition', same_condition: true,
  });
  assert.equal(on.status, 201, on.text);
  const pw = await pathwayGet(p0.id, 'lead.rza');
  assertConsistent(pw);
  assert.equal(pw.periods.length, 2, JSON.stringify(pw.periods));
  const [first, second] = pw.periods;
  assert.equal(first.clock_start, start);
  assert.equal(first.clock_stop, TODAY);
  assert.equal(first.stop_status.code, '30', 'the treated period is not overwritten');
  assert.equal(first.days_waited, 70);
  assert.equal(first.service_id, cardio.id);
  assert.equal(second.start_status.code, '12', 'a consultant\'s referral on the pathway: 12 (rule 3c)');
  assert.equal(second.start_rule, 3);
  assert.equal(second.clock_start, TODAY);
  assert.equal(second.service_id, dermRza.id);
  assert.equal(pw.open, true);
  assert.equal(pw.referral_id, on.json.id);
  assert.equal(await est(), stops0 + 1, 'the earlier period\'s stop still counts');
});

test('the receipt is the first activity (10); the first outpatient appointment is a subsequent activity (20)', async () => {
  const { ref, p } = await booked({}, isoJustNow());
  assert.equal(p.rtt_status.code, '10');
  await act(srv, 'clinician.cardio', ref.id, 'attend', {});
  const pw = await pathwayGet(p.id);
  assert.equal(pw.rtt_status.code, '20');
  assert.deepEqual(pw.periods[0].events.map((e) => [e.event, e.status]), [['referral_received', '10'], ['attend', '20']]);
});

test('a missed first appointment, rebooked: the new clock starts on rebooked_on (rule 3e), after the nullified period', async () => {
  const { ref, p } = await booked();
  const start = addDays(TODAY, -60), missed = addDays(TODAY, -5), agreed = addDays(TODAY, -2);
  backdate(ref, p.id, start);
  K.run(`UPDATE pathways SET next_activity = '${missed}' WHERE id = ${p.id}`);
  // refused: in the future, before the miss, not a date; nothing written
  for (const [v, why] of [[addDays(TODAY, 1), 'future'], [addDays(missed, -1), 'before the miss'], ['soon', 'not a date']]) {
    const before_ = srv.counts();
    const r = await srv.api('clinician.cardio', 'POST', `/referrals/${ref.id}/dna`, { decision: 'rebook', rebooked_on: v });
    K.isError(r, 422, 'invalid_value', `rebooked_on ${why}`);
    assert.equal(errorOf(r).field, 'rebooked_on');
    assert.deepEqual(srv.counts(), before_, `a refused rebooking (${why}) writes nothing`);
  }
  await act(srv, 'clinician.cardio', ref.id, 'dna', { decision: 'rebook', comment: 'Rang the patient', rebooked_on: agreed });
  const pw = await pathwayGet(p.id);
  assertConsistent(pw);
  assert.equal(pw.clock_start, agreed, 'the clock starts the day the new appointment was agreed');
  assert.equal(pw.days_waited, 2);
  assert.equal(pw.open, true);
  assert.equal(pw.periods.length, 2);
  const [first, second] = pw.periods;
  assert.equal(first.nullified, true);
  assert.equal(first.stop_status.code, '33');
  assert.equal(first.clock_stop, missed, 'nullified at the missed appointment');
  assert.equal(first.days_waited, null, 'a nullified period is not a wait');
  assert.ok(first.nullified_reason);
  assert.equal(second.clock_start, agreed);
  assert.equal(second.start_status.code, '10');
  assert.equal(second.start_rule, 3);
});

test('rebooked_on can be the day of the miss; without it the clock starts today', async () => {
  const a = await booked();
  backdate(a.ref, a.p.id, addDays(TODAY, -40));
  K.run(`UPDATE pathways SET next_activity = '${addDays(TODAY, -4)}' WHERE id = ${a.p.id}`);
  await act(srv, 'clinician.cardio', a.ref.id, 'dna', { decision: 'rebook', rebooked_on: addDays(TODAY, -4) });
  assert.equal((await pathwayGet(a.p.id)).clock_start, addDays(TODAY, -4));
  const b = await booked();
  backdate(b.ref, b.p.id, addDays(TODAY, -40));
  await act(srv, 'clinician.cardio', b.ref.id, 'dna', { decision: 'rebook' });
  assert.equal((await pathwayGet(b.p.id)).clock_start, TODAY);
});

test('discharge: patient-initiated active monitoring is 31, clinician-initiated 32; an unknown outcome is 422', async () => {
  for (const [outcome, code] of [['active_monitoring_patient', '31'], ['active_monitoring_clinician', '32'], ['active_monitoring', '32'], ['not_to_treat', '34']]) {
    const a = await booked({}, isoJustNow());
    await act(srv, 'clinician.cardio', a.ref.id, 'attend', {});
    await act(srv, 'clinician.cardio', a.ref.id, 'discharge', { comment: 'Watch and wait', rtt_outcome: outcome });
    const pw = await pathwayGet(a.p.id);
    assert.equal(pw.rtt_status.code, code, outcome);
    assert.equal(pw.periods[0].stop_status.code, code);
    assert.equal(pw.open, false);
  }
  const a = await booked({}, isoJustNow());
  await act(srv, 'clinician.cardio', a.ref.id, 'attend', {});
  const before_ = srv.counts();
  const r = await srv.api('clinician.cardio', 'POST', `/referrals/${a.ref.id}/discharge`, { comment: 'x', rtt_outcome: 'active_monitoring_by_patient' });
  K.isError(r, 422, 'invalid_value', 'unknown rtt_outcome');
  assert.equal(errorOf(r).field, 'rtt_outcome');
  assert.match(errorOf(r).message, /active_monitoring_patient/);
  assert.deepEqual(srv.counts(), before_, 'nothing written');
});

test('a later missed appointment followed by discharge stops the clock on the discharge date, not the miss (rule 5)', async () => {
  const { ref, p } = await booked();
  const start = addDays(TODAY, -90), missed = addDays(TODAY, -6);
  backdate(ref, p.id, start);
  // an earlier appointment was attended: this booked one is a later appointment
  K.run(`UPDATE pathways SET rtt_status = '20', last_activity = '${addDays(TODAY, -40)}', next_activity = '${missed}' WHERE id = ${p.id}`);
  await act(srv, 'clinician.cardio', ref.id, 'dna', { decision: 'discharge', comment: 'Second missed appointment; local DNA policy' });
  const pw = await pathwayGet(p.id);
  assert.equal(pw.rtt_status.code, '34');
  assert.equal(pw.clock_stop, TODAY, 'the stop is the discharge');
  assert.equal(pw.periods[0].clock_stop, TODAY);
  assert.equal(pw.periods[0].days_waited, 90);
  assert.equal(pw.periods[0].nullified, false);
});

test('GET /waiting-list at a past census is the list as it stood, and agrees with GET /measures/rtt', async () => {
  K.addOrg('Z90077', 'Census Test Surgery', 'practice');
  K.addUser('gp.census', 'Dr Cen Sus', 'gp', 'Z90077');
  const mk = (name, o) => ({ name, id: K.addPathway({ nhs: K.addPatient({ practice: 'Z90077', family: `Census${name}` }), service: cardio.id, ...o }), ...o });
  const P = [
    mk('stoppedLater', { start: dateOf(T - 100), stop: dateOf(T - 10), status: '30' }),
    mk('open50', { start: dateOf(T - 50) }),
    mk('open5', { start: dateOf(T - 5) }),
    mk('nullified', { start: dateOf(T - 60), stop: dateOf(T - 30), status: '33' }),
    mk('open200', { start: dateOf(T - 200) }),
  ];
  // a pathway with two periods: 1 from T-300 to T-150 (treated), 2 from T-40, running
  const twice = mk('twice', { start: dateOf(T - 40), periods: false });
  K.run(`INSERT INTO rtt_periods (icb_code, pathway_id, period, service_id, start_date, start_day, start_status,
    stop_date, stop_day, stop_status, nullified, current, created_at, updated_at) VALUES
    ('QZZ', ${twice.id}, 1, ${cardio.id}, '${dateOf(T - 300)}', ${T - 300}, '10', '${dateOf(T - 150)}', ${T - 150}, '30', 0, 0, '${TODAY}T00:00:00Z', '${TODAY}T00:00:00Z'),
    ('QZZ', ${twice.id}, 2, ${cardio.id}, '${dateOf(T - 40)}', ${T - 40}, '12', NULL, NULL, NULL, 0, 1, '${TODAY}T00:00:00Z', '${TODAY}T00:00:00Z')`);
  const byId = Object.fromEntries([...P, twice].map((x) => [x.id, x.name]));
  const expect = {
    [T - 20]: { stoppedLater: 80, open50: 30, open200: 180, twice: 20 },
    [T - 35]: { stoppedLater: 65, open50: 15, nullified: 25, open200: 165, twice: 5 }, // nullified later: waiting then
    [T - 160]: { open200: 40, twice: 140 }, // period 1 of "twice"
    [T]: { open50: 50, open5: 5, open200: 200, twice: 40 },
  };
  for (const [day, want] of Object.entries(expect)) {
    const census = dateOf(Number(day));
    const wl = await K.waitingAll('gp.census', { census });
    const got = Object.fromEntries(wl.items.map((x) => [byId[x.id], x.days_waited]));
    assert.deepEqual(got, want, `the list at ${census}`);
    for (const x of wl.items) {
      assert.equal(x.open, true, `${byId[x.id]} on the list at ${census}`);
      assert.equal(x.clock_stop, null);
      assert.equal(x.clock_start, dateOf(Number(day) - want[byId[x.id]]), `${byId[x.id]}: the start of the period waiting then`);
    }
    const days = Object.values(want);
    assert.equal(wl.summary.waiting, days.length, `summary at ${census}`);
    assert.equal(wl.summary.over_18_weeks, days.filter((d) => d > 126).length);
    const m = await K.get('gp.census', `/measures/rtt?practice=Z90077&census=${census}`);
    assert.equal(m.census_date, census);
    assert.equal(m.total.waiting, wl.summary.waiting, `measures and waiting list agree at ${census}`);
    assert.equal(m.total.over_18_weeks, wl.summary.over_18_weeks, `over 18 weeks at ${census}`);
    assert.equal(m.total.over_52_weeks, wl.summary.over_52_weeks, `over 52 weeks at ${census}`);
    assert.equal(m.total.median_weeks, r1(lowerMedian(days) / 7), `median at ${census}`);
  }
  // status=closed: the rows off the list then, none of them counted as waiting
  for (const census of [dateOf(T - 20), TODAY]) {
    const closed = await K.waitingAll('gp.census', { census, status: 'closed' });
    assert.ok(closed.total > 0, `closed rows at ${census}`);
    assert.equal(closed.summary.waiting, 0, `status=closed at ${census}: no closed row counts as waiting`);
    assert.equal(closed.summary.over_18_weeks, 0);
    for (const x of closed.items) assert.equal(x.open, false);
    const all = await K.waitingAll('gp.census', { census, status: 'all' });
    const open = await K.waitingAll('gp.census', { census });
    assert.equal(all.total, open.total + closed.total);
    assert.equal(all.summary.waiting, open.summary.waiting, `status=all at ${census}: waiting counts only the list`);
  }
});

// ------------------------------------------------------------ PTL import

const HEADER = [
  'nhs_number', 'patient_pathway_identifier', 'organisation_code_provider', 'activity_treatment_function_code',
  'referral_request_received_date', 'referral_to_treatment_period_start_date', 'referral_to_treatment_period_end_date',
  'referral_to_treatment_period_status', 'last_activity_date', 'next_activity_date', 'clinical_priority',
  'priority_type_code', 'waiting_list_type', 'person_given_name', 'person_family_name', 'person_birth_date',
  'person_stated_gender_code', 'ethnic_category', 'postcode', 'lsoa', 'index_of_multiple_deprivation_decile',
  'general_medical_practice_code',
];
function importRow(file, f) {
  const line = HEADER.map((h) => f[h] ?? '').join(',');
  const p = path.join(tmp, file);
  fs.writeFileSync(p, `${HEADER.join(',')}\n${line}\n`);
  const r = seam(['import', 'ptl', '--db', srv.db, '--trust', 'RZA', p], { timeout: 120_000 });
  assert.equal(r.status, 0, `import ${file}: ${r.stdout}\n${r.stderr}`);
}

test('a PTL import keeps the pathway\'s periods: a new start after a stop is a new period; a correction is not', async () => {
  const nhs = srv.sqlite("SELECT nhs_number FROM patients WHERE nhs_number LIKE '999%' ORDER BY nhs_number LIMIT 1")[0].nhs_number;
  const ppi = `RZA-PER-${process.pid}`;
  const base = {
    nhs_number: nhs, patient_pathway_identifier: ppi, organisation_code_provider: 'RZA', activity_treatment_function_code: '320',
    referral_request_received_date: dateOf(T - 200), referral_to_treatment_period_start_date: dateOf(T - 200),
    referral_to_treatment_period_status: '20', priority_type_code: '1',
  };
  importRow('p1.csv', { ...base, referral_to_treatment_period_end_date: dateOf(T - 150), referral_to_treatment_period_status: '30' });
  const id = Number(srv.sqlite(`SELECT id FROM pathways WHERE trust_code = 'RZA' AND ppi = '${ppi}'`)[0].id);
  let pw = await pathwayGet(id, 'lead.rza');
  assertConsistent(pw);
  assert.equal(pw.periods.length, 1);
  assert.equal(pw.periods[0].stop_status.code, '30');
  importRow('p2.csv', { ...base, referral_request_received_date: dateOf(T - 40), referral_to_treatment_period_start_date: dateOf(T - 40) });
  pw = await pathwayGet(id, 'lead.rza');
  assertConsistent(pw);
  assert.equal(pw.periods.length, 2, JSON.stringify(pw.periods));
  assert.equal(pw.periods[0].clock_start, dateOf(T - 200));
  assert.equal(pw.periods[0].clock_stop, dateOf(T - 150), 'the treated period stays');
  assert.equal(pw.periods[0].days_waited, 50);
  assert.equal(pw.periods[1].clock_start, dateOf(T - 40));
  // the trust corrects the running period's start: the same period
  importRow('p3.csv', { ...base, referral_request_received_date: dateOf(T - 41), referral_to_treatment_period_start_date: dateOf(T - 41) });
  pw = await pathwayGet(id, 'lead.rza');
  assertConsistent(pw);
  assert.equal(pw.periods.length, 2);
  assert.equal(pw.periods[1].clock_start, dateOf(T - 41));
  // the import's periods count in the list at a past census
  const at = await K.waitingAll('lead.rza', { census: dateOf(T - 160), patient: nhs });
  assert.ok(at.items.some((x) => x.id === id && x.clock_start === dateOf(T - 200)), 'waiting at T-160 in its first period');
  const later = await K.waitingAll('lead.rza', { census: dateOf(T - 100), patient: nhs });
  assert.ok(!later.items.some((x) => x.id === id), 'between periods: not on the list');
});

test('every pathway has exactly one current period, and Seam pathways agree with it', () => {
  const none = srv.sqlite(`SELECT count(*) AS n FROM pathways pw WHERE NOT EXISTS
    (SELECT 1 FROM rtt_periods rp WHERE rp.pathway_id = pw.id AND rp.current = 1)`)[0];
  assert.equal(Number(none.n), 0, 'no pathway without a current period');
  const two = srv.sqlite('SELECT pathway_id, count(*) AS n FROM rtt_periods WHERE current = 1 GROUP BY pathway_id HAVING count(*) > 1');
  assert.equal(two.length, 0);
  const off = srv.sqlite(`SELECT pw.id FROM pathways pw JOIN rtt_periods rp ON rp.pathway_id = pw.id AND rp.current = 1
    WHERE pw.source = 'seam' AND (pw.clock_start_day <> rp.start_day OR (pw.open = 1 AND rp.stop_day IS NOT NULL))`);
  assert.deepEqual(off, [], 'the pathway row caches its current period');
});
