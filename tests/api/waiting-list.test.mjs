// The shared waiting list (docs/waiting-list.md, "GET /waiting-list", "GET /pathways/{id}",
// "Seam referrals and the clock"): who sees which pathways, waiting-time arithmetic on
// hand-built rows at a fixed census date, filters, paging, summary, audit, and the
// pathways that Seam's own referrals make and move.
//
// Readings of the contract where it is not explicit:
//  - `min_weeks=N` keeps rows whose whole weeks waited (`weeks_waited`) are at least N;
//  - `status=closed` lists pathways that are off the waiting list (`open` false);
//  - `patient=` naming someone the caller cannot see lists nothing (200, empty) or is 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, findService, createReferral, act, errorOf, pickPatient, isoDaysAhead, isoJustNow,
} from './lib/server.mjs';
import {
  pathwayKit, dayOf, dateOf, addDays, todayUtc, DATE, ISO, BREACH_WEEKS,
} from './lib/pathways.mjs';

let srv, K, cardio, dermRza, dermRzb, gastroRzb;
const CENSUS = '2026-11-25';
const C = dayOf(CENSUS);
const R = {}; // hand-built rows: name -> {id, days, ...}
const V = {}; // visibility fixtures

before(async () => {
  srv = await startServer();
  K = pathwayKit(() => srv);
  cardio = await findService(srv, 'RZA', 'Cardiology');
  dermRza = await findService(srv, 'RZA', 'Dermatology');
  dermRzb = await findService(srv, 'RZB', 'Dermatology');
  gastroRzb = await findService(srv, 'RZB', 'Gastroenterology');

  // ---- arithmetic: a practice of our own, so nothing else is in the list
  K.addOrg('Z90001', 'Arithmetic Test Surgery', 'practice');
  K.addUser('gp.arith', 'Dr Ada Arith', 'gp', 'Z90001');
  const mk = (name, days, o = {}) => {
    const nhs = K.addPatient({ practice: 'Z90001', family: `Arith${name}` });
    const start = dateOf(C - days);
    const id = K.addPathway({ nhs, service: o.service ?? cardio.id, start, ...o });
    R[name] = { id, days, nhs, start, ...o };
  };
  mk('f800', 800, { priority: { code: 'P4', reason: 'Long waiter' } });
  mk('c365', 365, { priority: { code: 'P3', reason: 'Routine', treat_by: '2026-03-01', review_date: '2026-02-01' } });
  mk('d364', 364);
  mk('b127', 127);
  mk('h127', 127, { service: dermRzb.id }); // same clock start as b127, inserted after it: a larger id
  mk('a126', 126, { priority: { code: 'P2', reason: 'Within a month', treat_by: '2026-12-20', review_date: '2027-06-01' } });
  mk('e10', 10, { priority: { code: 'P1b', reason: 'Within 72 hours' } });
  mk('g0', 0);
  mk('closed', 300, { stop: addDays(CENSUS, -20), status: '30', open: 0 });
  mk('nullified', 50, { stop: addDays(CENSUS, -40), status: '33', open: 0 });

  // ---- visibility fixtures
  // a Riverside (Z00001) patient waiting at both trusts
  V.riv = K.addPatient({ practice: 'Z00001', family: 'Bothtrusts' });
  V.rivRza = K.addPathway({ nhs: V.riv, service: cardio.id, start: addDays(todayUtc(), -40) });
  V.rivRzb = K.addPathway({ nhs: V.riv, service: dermRzb.id, start: addDays(todayUtc(), -80) });
  // a Hillview (Z00002) patient at RZA
  V.hill = K.addPatient({ practice: 'Z00002', family: 'Hillviewer' });
  V.hillRza = K.addPathway({ nhs: V.hill, service: cardio.id, start: addDays(todayUtc(), -30) });
  // a patient of another ICB (QZY) treated at RZA
  K.addOrg('QZY', 'NHS Elsewhere Integrated Care Board', 'icb', 'QZY');
  K.addOrg('Y00001', 'Elsewhere Surgery', 'practice', 'QZY');
  V.away = K.addPatient({ practice: 'Y00001', icb: 'QZY', family: 'Faraway' });
  V.awayRza = K.addPathway({ nhs: V.away, service: cardio.id, start: addDays(todayUtc(), -20) });
  // the patient persona's own pathway, and someone else's at the same practice
  V.me = (await srv.api('patient.demo', 'GET', '/me')).json.nhs_number;
  assert.ok(V.me, 'patient.demo has an NHS number');
  V.mine = K.addPathway({ nhs: V.me, service: dermRzb.id, start: addDays(todayUtc(), -15) });
});
after(async () => { await srv?.stop(); });

const ids = (items) => items.map((x) => x.id);
const ORDER = ['f800', 'c365', 'd364', 'b127', 'h127', 'a126', 'e10', 'g0'];
const OPEN = new Set(ORDER);

// ------------------------------------------------------------ arithmetic

test('waiting time: days, whole weeks, over 18 weeks (126 days is not, 127 is), breach dates, next breach', async () => {
  const j = await K.waitingList('gp.arith', { census: CENSUS, page_size: '200' });
  assert.equal(j.census_date, CENSUS, 'census_date echoed');
  assert.equal(j.total, 8, `8 open pathways at Z90001: ${JSON.stringify(j.items.map((x) => x.clock_start))}`);
  assert.deepEqual(ids(j.items), ORDER.map((n) => R[n].id), 'longest wait first (clock start, then id)');
  for (const x of j.items) {
    const name = ORDER.find((n) => R[n].id === x.id);
    const r = R[name];
    const start = dayOf(r.start);
    assert.equal(x.clock_start, r.start, `${name}: clock_start`);
    assert.equal(x.days_waited, r.days, `${name}: days_waited`);
    assert.equal(x.weeks_waited, Math.floor(r.days / 7), `${name}: weeks_waited is whole weeks`);
    assert.equal(x.over_18_weeks, r.days > 126, `${name} (${r.days} days): over_18_weeks`);
    assert.equal(x.open, true, `${name}: open`);
    assert.equal(x.clock_stop, null, `${name}: clock_stop`);
    assert.deepEqual(Object.keys(x.breach_dates).sort(), BREACH_WEEKS.map(String).sort(), `${name}: breach thresholds`);
    for (const w of BREACH_WEEKS) {
      assert.equal(x.breach_dates[String(w)], dateOf(start + 7 * w + 1), `${name}: breach date for ${w} weeks`);
    }
    const next = BREACH_WEEKS.find((w) => start + 7 * w + 1 > C);
    assert.deepEqual(x.next_breach, next ? { weeks: next, date: dateOf(start + 7 * next + 1) } : null, `${name}: next_breach`);
    assert.equal(x.patient.practice.code, 'Z90001');
    assert.equal(x.patient.practice.name, 'Arithmetic Test Surgery');
    assert.equal(x.patient.nhs_number, r.nhs);
    assert.equal(x.source, 'import');
    assert.equal(x.rtt_status.code, '20');
    assert.equal(typeof x.rtt_status.label, 'string');
    assert.ok(x.rtt_status.label.length > 0, 'rtt_status has a label');
    assert.equal(x.open_review, null);
  }
  const by = Object.fromEntries(j.items.map((x) => [ORDER.find((n) => R[n].id === x.id), x]));
  // hand-checked literals (census 2026-11-25)
  assert.equal(by.a126.clock_start, '2026-07-22');
  assert.equal(by.a126.weeks_waited, 18);
  assert.equal(by.a126.over_18_weeks, false, '126 days is still within 18 weeks');
  assert.equal(by.a126.breach_dates['18'], '2026-11-26', 'first day over 18 weeks: the day after the census');
  assert.deepEqual(by.a126.next_breach, { weeks: 18, date: '2026-11-26' });
  assert.equal(by.b127.weeks_waited, 18);
  assert.equal(by.b127.over_18_weeks, true, '127 days is over 18 weeks');
  assert.equal(by.b127.breach_dates['18'], '2026-11-25', 'b127 breached 18 weeks on the census date');
  assert.deepEqual(by.b127.next_breach, { weeks: 52, date: '2027-07-21' });
  assert.equal(by.d364.weeks_waited, 52);
  assert.deepEqual(by.d364.next_breach, { weeks: 52, date: '2026-11-26' }, '364 days is not over 52 weeks');
  assert.equal(by.c365.breach_dates['52'], '2026-11-25');
  assert.deepEqual(by.c365.next_breach, { weeks: 65, date: '2027-02-24' });
  assert.equal(by.f800.weeks_waited, 114);
  assert.equal(by.f800.next_breach, null, 'past every threshold');
  assert.equal(by.g0.days_waited, 0);
  assert.equal(by.g0.weeks_waited, 0);
  assert.equal(by.h127.trust.code, 'RZB', 'a GP sees their patients at every trust');
  assert.equal(by.h127.service.id, dermRzb.id);
  assert.equal(by.b127.trust.code, 'RZA');
  assert.equal(by.b127.service.treatment_function_code, '320');
  // priority objects
  assert.equal(by.b127.priority, null, 'not yet prioritised');
  assert.equal(by.a126.priority.code, 'P2');
  assert.equal(by.a126.priority.treat_by, '2026-12-20');
  assert.equal(by.a126.priority.review_date, '2027-06-01');
  assert.equal(by.a126.priority.reason, 'Within a month');
  assert.equal(by.a126.priority.set_by?.username, 'clinician.cardio');
  assert.equal(by.a126.priority.review_overdue, false, 'review date after the census');
  assert.equal(by.c365.priority.review_overdue, true, 'review date 2026-02-01 is before the census');
  assert.equal(typeof by.c365.priority.label, 'string');
  assert.equal(j.summary.waiting, 8);
});

test('summary counts every matching row; paging', async () => {
  const full = await K.waitingList('gp.arith', { census: CENSUS });
  assert.deepEqual(full.summary, { waiting: 8, over_18_weeks: 5, over_52_weeks: 2, unprioritised: 4 },
    'b127, h127, d364, c365, f800 are over 18 weeks; c365 and f800 over 52 (364 days is not); 4 without a priority');
  assert.equal(full.page, 1, 'default page');
  assert.equal(full.page_size, 50, 'default page_size');
  const seen = [];
  for (const [page, n] of [[1, 3], [2, 3], [3, 2]]) {
    const j = await K.waitingList('gp.arith', { census: CENSUS, page_size: '3', page: String(page) });
    assert.equal(j.items.length, n, `page ${page} holds ${n}`);
    assert.equal(j.total, 8, `page ${page}: total is every matching row`);
    assert.equal(j.page, page);
    assert.equal(j.page_size, 3);
    assert.deepEqual(j.summary, full.summary, `page ${page}: the summary is over every row, not the page`);
    seen.push(...ids(j.items));
  }
  assert.deepEqual(seen, ORDER.map((n) => R[n].id), 'pages join up in order without gaps or repeats');
  const beyond = await K.waitingList('gp.arith', { census: CENSUS, page_size: '3', page: '4' });
  assert.deepEqual(beyond.items, []);
  assert.equal(beyond.total, 8);
  // the summary follows the filters
  const p = await K.waitingList('gp.arith', { census: CENSUS, priority: 'none' });
  assert.deepEqual(p.summary, { waiting: 4, over_18_weeks: 3, over_52_weeks: 0, unprioritised: 4 });
});

test('the census date moves the arithmetic', async () => {
  // a week later a126 has waited 133 days
  const j = await K.waitingList('gp.arith', { census: addDays(CENSUS, 7), patient: R.a126.nhs });
  assert.equal(j.items.length, 1);
  assert.equal(j.census_date, addDays(CENSUS, 7));
  assert.equal(j.items[0].days_waited, 133);
  assert.equal(j.items[0].weeks_waited, 19);
  assert.equal(j.items[0].over_18_weeks, true);
  assert.deepEqual(j.items[0].next_breach, { weeks: 52, date: '2027-07-22' });
  // default census: today (UTC)
  const t = await K.waitingList('gp.arith', { patient: R.c365.nhs });
  assert.equal(t.census_date, todayUtc(), 'census defaults to today (UTC)');
  assert.equal(t.items[0].days_waited, dayOf(todayUtc()) - dayOf(R.c365.start));
});

test('filters: min_weeks, priority (and none), status, patient, trust, service', async () => {
  const q = async (extra) => ids((await K.waitingList('gp.arith', { census: CENSUS, page_size: '200', ...extra })).items);
  const idsOf = (...names) => names.map((n) => R[n].id);
  assert.deepEqual(await q({ min_weeks: '19' }), idsOf('f800', 'c365', 'd364'), 'min_weeks=19');
  assert.deepEqual(await q({ min_weeks: '0' }), idsOf(...ORDER), 'min_weeks=0 keeps all');
  assert.deepEqual(await q({ min_weeks: '200' }), [], 'min_weeks=200 keeps none');
  assert.deepEqual(await q({ priority: 'P2' }), idsOf('a126'));
  assert.deepEqual(await q({ priority: 'P1b' }), idsOf('e10'));
  assert.deepEqual(await q({ priority: 'P1a' }), []);
  assert.deepEqual(await q({ priority: 'none' }), idsOf('d364', 'b127', 'h127', 'g0'), 'priority=none: not yet prioritised');
  assert.deepEqual(await q({ priority: 'P3', min_weeks: '19' }), idsOf('c365'), 'filters combine');
  assert.deepEqual(await q({ patient: R.e10.nhs }), idsOf('e10'));
  assert.deepEqual(await q({ trust: 'RZB' }), idsOf('h127'), 'trust narrows a GP\'s list');
  assert.deepEqual(await q({ service: String(dermRzb.id) }), idsOf('h127'));
  assert.deepEqual(await q({ service: String(cardio.id), min_weeks: '52' }), idsOf('f800', 'c365', 'd364'));
  assert.deepEqual(await q({ status: 'open' }), idsOf(...ORDER), 'status=open is the default');
  const closed = await q({ status: 'closed' });
  assert.ok(closed.includes(R.closed.id), 'status=closed lists the stopped pathway');
  assert.ok(closed.every((id) => !ORDER.some((n) => R[n].id === id)), 'status=closed lists no open pathway');
  const all = await q({ status: 'all' });
  for (const n of [...ORDER, 'closed']) assert.ok(all.includes(R[n].id), `status=all includes ${n}`);
  const c = (await K.waitingList('gp.arith', { census: CENSUS, status: 'closed', patient: R.closed.nhs })).items[0];
  assert.equal(c.open, false);
  assert.equal(c.rtt_status.code, '30');
  assert.equal(c.clock_stop, addDays(CENSUS, -20));
});

test('min_weeks counts whole weeks waited (weeks_waited >= N)', async () => {
  const j = await K.waitingList('gp.arith', { census: CENSUS, min_weeks: '18', page_size: '200' });
  // a126 has waited 126 days = 18 whole weeks (though not *over* 18 weeks)
  assert.deepEqual(ids(j.items), ['f800', 'c365', 'd364', 'b127', 'h127', 'a126'].map((n) => R[n].id),
    'min_weeks=18 keeps everyone with weeks_waited >= 18, a126 (126 days) included');
  for (const x of j.items) assert.ok(x.weeks_waited >= 18);
  const k = await K.waitingList('gp.arith', { census: CENSUS, min_weeks: '52', page_size: '200' });
  assert.deepEqual(ids(k.items), ['f800', 'c365', 'd364'].map((n) => R[n].id), 'min_weeks=52 keeps 364 days (52 weeks)');
});

test('bad parameters are 400 bad_parameter', async () => {
  const bad = {
    page: ['0', '-1', 'x', '1.5'],
    page_size: ['0', '201', 'lots'],
    min_weeks: ['-1', 'x', '2.5'],
    priority: ['P5', 'urgent'],
    status: ['pending', 'OPENED'],
    census: ['2026-02-30', '25/11/2026', 'today'],
    service: ['x'],
  };
  for (const [k, vals] of Object.entries(bad)) {
    for (const v of vals) {
      const r = await srv.api('gp.arith', 'GET', `/waiting-list?${k}=${encodeURIComponent(v)}`);
      assert.equal(r.status, 400, `${k}=${v}: expected 400, got ${r.status} ${r.text.slice(0, 200)}`);
      const e = errorOf(r);
      assert.equal(e.code, 'bad_parameter', `${k}=${v}: code`);
      if (e.field !== undefined) assert.equal(e.field, k, `${k}=${v}: field`);
    }
  }
  const ok = await srv.api('gp.arith', 'GET', '/waiting-list?page_size=200&priority=p2');
  assert.equal(ok.status, 200, `page_size=200 and a lower-case priority are fine: ${ok.text.slice(0, 200)}`);
});

// ------------------------------------------------------------ visibility

test('a GP sees only their practice\'s patients\' pathways, at every trust', async () => {
  const patel = await K.waitingAll('gp.patel');
  assert.ok(patel.items.length >= 2);
  for (const x of patel.items) assert.equal(x.patient.practice.code, 'Z00001', `pathway ${x.id} of ${x.patient.nhs_number}`);
  const got = ids(patel.items);
  assert.ok(got.includes(V.rivRza) && got.includes(V.rivRzb), 'the Riverside patient\'s RZA and RZB pathways');
  assert.ok(!got.includes(V.hillRza), 'not Hillview\'s');
  assert.ok(!got.includes(R.b127.id), 'not Z90001\'s');
  assert.equal(patel.summary.waiting, patel.total);
  const okafor = await K.waitingAll('gp.okafor');
  for (const x of okafor.items) assert.equal(x.patient.practice.code, 'Z00002');
  assert.ok(ids(okafor.items).includes(V.hillRza));
  // the practice administrator sees what the GP sees
  const adm = await K.waitingAll('admin.riverside');
  assert.deepEqual(ids(adm.items).sort(), got.sort(), 'practice admin: same list as the GP');
  // practice=own is fine; another practice is 404
  const own = await K.waitingList('gp.patel', { practice: 'Z00001', patient: V.riv });
  assert.deepEqual(ids(own.items).sort(), [V.rivRza, V.rivRzb].sort());
  for (const p of ['Z00002', 'Z90001', 'Y00001', 'RZA']) {
    const r = await srv.api('gp.patel', 'GET', `/waiting-list?practice=${p}`);
    K.isError(r, 404, 'not_found', `gp.patel practice=${p}`);
  }
  // patient= another practice's patient lists nothing
  const cross = await srv.api('gp.patel', 'GET', `/waiting-list?patient=${V.hill}`);
  assert.ok(cross.status === 404 || (cross.status === 200 && cross.json.total === 0 && cross.json.items.length === 0),
    `patient= of another practice: ${cross.status} ${cross.text.slice(0, 200)}`);
});

test('GET /pathways/{id}: another practice\'s patient is 404, like a pathway that does not exist', async () => {
  const mine = await K.get('gp.patel', `/pathways/${V.rivRzb}`);
  assert.equal(mine.id, V.rivRzb);
  assert.equal(mine.trust.code, 'RZB');
  assert.equal(mine.patient.nhs_number, V.riv);
  const x = await srv.api('gp.patel', 'GET', `/pathways/${V.hillRza}`);
  const e = K.isError(x, 404, 'not_found', 'gp.patel reads Hillview\'s pathway');
  const none = await srv.api('gp.patel', 'GET', '/pathways/987654321');
  K.isError(none, 404, 'not_found', 'no such pathway');
  assert.equal(errorOf(none).message.replace(/\d+/g, 'N'), e.message.replace(/\d+/g, 'N'), '"not visible" and "does not exist" read the same');
  K.isError(await srv.api('gp.okafor', 'GET', `/pathways/${V.rivRza}`), 404, 'not_found', 'gp.okafor reads Riverside\'s');
  K.isError(await srv.api('gp.arith', 'GET', `/pathways/${V.rivRza}`), 404, 'not_found', 'gp.arith reads Riverside\'s');
});

test('a GP\'s view follows the patient\'s registration (patients.practice_code)', async () => {
  const nhs = K.addPatient({ practice: 'Z00002', family: 'Mover' });
  const id = K.addPathway({ nhs, service: dermRzb.id, start: addDays(todayUtc(), -60) });
  assert.ok(ids((await K.waitingList('gp.okafor', { patient: nhs })).items).includes(id));
  K.run(`UPDATE patients SET practice_code = 'Z00001' WHERE nhs_number = '${nhs}'`);
  const now = await K.waitingList('gp.patel', { patient: nhs });
  assert.deepEqual(ids(now.items), [id], 'registered at Riverside now: gp.patel sees it');
  assert.equal(now.items[0].patient.practice.code, 'Z00001');
  assert.equal((await srv.api('gp.okafor', 'GET', `/pathways/${id}`)).status, 404, 'gp.okafor no longer does');
  assert.equal((await srv.api('gp.patel', 'GET', `/pathways/${id}`)).status, 200);
});

test('trust staff see only their trust\'s pathways; trust=other is 404', async () => {
  for (const [as, trust] of [['triage.derm.rzb', 'RZB'], ['booking.rza', 'RZA'], ['clinician.cardio', 'RZA'], ['lead.rza', 'RZA'], ['triage.cardio', 'RZA']]) {
    const j = await K.waitingAll(as, {}, 3);
    assert.ok(j.items.length > 0, `${as} sees some pathways`);
    for (const x of j.items) assert.equal(x.trust.code, trust, `${as} sees pathway ${x.id} at ${x.trust.code}`);
    const other = trust === 'RZA' ? 'RZB' : 'RZA';
    K.isError(await srv.api(as, 'GET', `/waiting-list?trust=${other}`), 404, 'not_found', `${as} trust=${other}`);
    const own = await K.waitingList(as, { trust, patient: V.riv });
    assert.deepEqual(ids(own.items), [trust === 'RZA' ? V.rivRza : V.rivRzb], `${as}: only the ${trust} pathway of a patient waiting at both`);
  }
  // a trust sees patients of every practice and every ICB it treats
  const rza = await K.waitingList('lead.rza', { patient: V.hill });
  assert.deepEqual(ids(rza.items), [V.hillRza]);
  const away = await K.waitingList('lead.rza', { patient: V.away });
  assert.deepEqual(ids(away.items), [V.awayRza], 'RZA sees its patient from another ICB');
  assert.equal((await srv.api('triage.derm.rzb', 'GET', `/pathways/${V.rivRza}`)).status, 404, 'RZB staff: an RZA pathway is 404');
  assert.equal((await srv.api('booking.rza', 'GET', `/pathways/${V.rivRzb}`)).status, 404, 'RZA staff: an RZB pathway is 404');
  assert.equal((await srv.api('booking.rza', 'GET', `/pathways/${V.rivRza}`)).status, 200);
});

test('an ICB analyst sees their ICB\'s population; admin sees all', async () => {
  const a = await K.waitingAll('analyst.icb', { trust: 'RZA' }, 2);
  assert.ok(a.items.length > 0);
  for (const x of a.items) assert.notEqual(x.patient.nhs_number, V.away, 'not a patient of another ICB');
  const away = await srv.api('analyst.icb', 'GET', `/waiting-list?patient=${V.away}`);
  assert.ok(away.status === 404 || (away.status === 200 && away.json.total === 0), `analyst, patient of QZY: ${away.status} ${away.text.slice(0, 200)}`);
  K.isError(await srv.api('analyst.icb', 'GET', `/pathways/${V.awayRza}`), 404, 'not_found', 'analyst reads a QZY patient\'s pathway');
  const riv = await K.waitingList('analyst.icb', { practice: 'Z00001', patient: V.riv });
  assert.deepEqual(ids(riv.items).sort(), [V.rivRza, V.rivRzb].sort(), 'analyst: any practice of the ICB');
  const z9 = await K.waitingList('analyst.icb', { practice: 'Z90001', census: CENSUS });
  assert.equal(z9.total, 8);
  const rzb = await K.waitingList('analyst.icb', { trust: 'RZB', patient: V.riv });
  assert.deepEqual(ids(rzb.items), [V.rivRzb]);
  // admin: everything
  const adm = await K.waitingList('admin', { patient: V.away });
  assert.deepEqual(ids(adm.items), [V.awayRza]);
  assert.equal((await srv.api('admin', 'GET', `/pathways/${V.awayRza}`)).status, 200);
});

test('an ICB analyst naming a practice of another ICB gets 404 (naming another org)', async () => {
  K.isError(await srv.api('analyst.icb', 'GET', '/waiting-list?practice=Y00001'), 404, 'not_found', 'analyst practice=Y00001 (QZY)');
});

test('a patient sees only their own pathways', async () => {
  const j = await K.waitingAll('patient.demo', {}, 3);
  assert.ok(ids(j.items).includes(V.mine), 'their own pathway');
  for (const x of j.items) assert.equal(x.patient.nhs_number, V.me);
  assert.equal((await srv.api('patient.demo', 'GET', `/pathways/${V.mine}`)).status, 200);
  K.isError(await srv.api('patient.demo', 'GET', `/pathways/${V.rivRza}`), 404, 'not_found', 'patient reads another patient\'s pathway');
  const other = await srv.api('patient.demo', 'GET', `/waiting-list?patient=${V.riv}`);
  assert.ok(other.status === 404 || (other.status === 200 && other.json.total === 0), `patient= someone else: ${other.status}`);
  // practice= another practice: the contract's "naming another org answers 404" is written for the
  // staff roles; for a patient an empty list leaks nothing either, so both are accepted
  const p = await srv.api('patient.demo', 'GET', '/waiting-list?practice=Z00002');
  assert.ok(p.status === 404 || (p.status === 200 && p.json.total === 0), `patient, practice=Z00002: ${p.status} ${p.text.slice(0, 200)}`);
});

test('no token: 401', async () => {
  const r = await srv.request('GET', '/waiting-list');
  assert.equal(r.status, 401);
  assert.equal((await srv.request('GET', `/pathways/${V.rivRza}`)).status, 401);
});

test('reads are audited: one read.waiting_list event per row, and the pathway read', async () => {
  const q = (nhs) => `SELECT count(*) AS n FROM events WHERE action = 'read.waiting_list' AND patient_nhs_number = '${nhs}' AND actor = 'gp.patel'`;
  const all0 = srv.count("SELECT count(*) AS n FROM events WHERE action = 'read.waiting_list'");
  const n0 = srv.count(q(V.riv));
  const j = await K.waitingList('gp.patel', { patient: V.riv });
  assert.equal(j.items.length, 2);
  assert.equal(srv.count(q(V.riv)) - n0, 2, 'one event per row returned');
  assert.equal(srv.count("SELECT count(*) AS n FROM events WHERE action = 'read.waiting_list'") - all0, 2, 'and no others');
  const ev = srv.sqlite(`SELECT * FROM events WHERE action = 'read.waiting_list' AND patient_nhs_number = '${V.riv}' ORDER BY id DESC LIMIT 2`);
  assert.deepEqual(ev.map((e) => String(e.object_id)).sort(), [String(V.rivRza), String(V.rivRzb)].sort(), 'the events name the pathways');
  for (const e of ev) assert.equal(e.actor_role, 'gp');
  // an empty answer writes nothing
  const e0 = srv.count("SELECT count(*) AS n FROM events WHERE action = 'read.waiting_list'");
  await K.waitingList('gp.patel', { min_weeks: '520' }); // (the implementation caps min_weeks at 520: 10 years)
  assert.equal(srv.count("SELECT count(*) AS n FROM events WHERE action = 'read.waiting_list'"), e0);
  // the pathway itself
  const d = (nhs) => `SELECT count(*) AS n FROM events WHERE action LIKE 'read%' AND patient_nhs_number = '${nhs}' AND actor = 'triage.derm.rzb'`;
  const d0 = srv.count(d(V.riv));
  await K.get('triage.derm.rzb', `/pathways/${V.rivRzb}`);
  assert.ok(srv.count(d(V.riv)) > d0, 'GET /pathways/{id} is audited');
  const last = srv.sqlite(`SELECT * FROM events WHERE action LIKE 'read%' AND actor = 'triage.derm.rzb' ORDER BY id DESC LIMIT 1`)[0];
  assert.equal(last.patient_nhs_number, V.riv);
  assert.equal(String(last.object_id), String(V.rivRzb));
});

test('GET /pathways/{id}: the pathway with priority history, reviews and the service\'s estimated wait', async () => {
  const p = await K.get('gp.arith', `/pathways/${R.a126.id}`);
  assert.equal(p.id, R.a126.id);
  assert.equal(p.clock_start, R.a126.start);
  assert.ok(Array.isArray(p.priority_history), 'priority_history is an array');
  assert.ok(Array.isArray(p.reviews), 'reviews is an array');
  assert.deepEqual(p.reviews, []);
  assert.ok(p.estimated_wait && typeof p.estimated_wait === 'object', 'estimated_wait present');
  assert.equal(p.estimated_wait.service?.id, cardio.id, 'for the pathway\'s service');
  assert.equal(typeof p.estimated_wait.enough_data, 'boolean');
  assert.ok(Number.isInteger(p.version) && p.version >= 1);
  for (const k of ['ppi', 'source', 'referral_id', 'patient', 'trust', 'service', 'referral_priority', 'referral_received',
    'clock_start', 'clock_stop', 'rtt_status', 'open', 'days_waited', 'weeks_waited', 'over_18_weeks', 'breach_dates',
    'next_breach', 'priority', 'last_activity', 'next_activity', 'waiting_list_type', 'open_review', 'version']) {
    assert.ok(k in p, `pathway has ${k}`);
  }
  assert.equal(p.referral_priority, 'routine');
  assert.equal(p.referral_received, R.a126.start);
});

// ------------------------------------------------------------ Seam referrals move the clock

test('a GP referral makes an open pathway at the target trust: status 10, clock start = date received', async () => {
  const ref = await createReferral(srv, { service_id: dermRzb.id, priority: 'urgent' });
  const p = await K.pathwayOfReferral('gp.patel', ref);
  assert.equal(p.source, 'seam');
  assert.equal(p.ppi, ref.pathway_id, 'PPI = the referral\'s pathway_id');
  assert.equal(p.trust.code, 'RZB');
  assert.equal(p.service.id, dermRzb.id);
  assert.equal(p.rtt_status.code, '10');
  assert.equal(p.open, true);
  assert.equal(p.clock_start, ref.clock_start, 'clock start = the date the provider received it');
  assert.match(p.clock_start, DATE);
  assert.equal(p.referral_received, ref.clock_start);
  assert.equal(p.referral_priority, 'urgent');
  assert.equal(p.days_waited, dayOf(todayUtc()) - dayOf(ref.clock_start));
  assert.equal(p.priority, null, 'not yet prioritised');
  assert.equal(p.clock_stop, null);
  // on the trust's list, not the other trust's
  assert.deepEqual(ids((await K.waitingList('triage.derm.rzb', { patient: ref.patient.nhs_number })).items).filter((i) => i === p.id), [p.id]);
  assert.ok(!ids((await K.waitingList('lead.rza', { patient: ref.patient.nhs_number, status: 'all' })).items).includes(p.id));
  // in the database: the patient's ICB and copies of the demographics
  const row = srv.sqlite(`SELECT * FROM pathways WHERE id = ${p.id}`)[0];
  assert.equal(row.icb_code, 'QZZ');
  assert.equal(Number(row.open), 1);
  assert.equal(row.trust_code, 'RZB');
  assert.equal(String(row.referral_id), String(ref.id));
  const pat = srv.sqlite(`SELECT imd_decile, sex, birth_date FROM patients WHERE nhs_number = '${ref.patient.nhs_number}'`)[0];
  assert.equal(Number(row.imd_decile), Number(pat.imd_decile), 'imd_decile copied');
  assert.equal(row.sex, pat.sex, 'sex copied');
  assert.equal(Number(row.birth_day), dayOf(pat.birth_date), 'birth_day copied');
  assert.equal(Number(row.clock_start_day), dayOf(ref.clock_start));
});

test('return with advice stops the clock (34): off the open list', async () => {
  const ref = await createReferral(srv, { service_id: cardio.id });
  const p0 = await K.pathwayOfReferral('gp.patel', ref);
  assert.equal(p0.open, true);
  await act(srv, 'triage.cardio', ref.id, 'triage', { decision: 'return', comment: 'Tests first', advice: 'Arrange an echo', reason_code: 'tests_first' });
  const open = await K.waitingList('gp.patel', { patient: ref.patient.nhs_number });
  assert.ok(!ids(open.items).includes(p0.id), 'no longer on the open list');
  const closed = await K.waitingList('gp.patel', { patient: ref.patient.nhs_number, status: 'closed' });
  const p = closed.items.find((x) => x.id === p0.id);
  assert.ok(p, 'on the closed list');
  assert.equal(p.open, false);
  assert.equal(p.rtt_status.code, '34');
  assert.equal(p.clock_stop, todayUtc(), 'stopped today');
});

test('a withdrawn referral stops the clock (34)', async () => {
  const ref = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'gp.patel', ref.id, 'withdraw', { reason: 'Symptoms resolved' });
  const p = await K.pathwayOfReferral('gp.patel', ref);
  assert.equal(p.open, false);
  assert.equal(p.rtt_status.code, '34');
  assert.ok(!ids((await K.waitingList('triage.cardio', { patient: ref.patient.nhs_number })).items).includes(p.id));
});

test('booking and attending are activities: the clock keeps running', async () => {
  const ref = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', ref.id, 'triage', { decision: 'accept' });
  const at = isoJustNow();
  await act(srv, 'booking.rza', ref.id, 'book', { appointment_at: at });
  const b = await K.pathwayOfReferral('gp.patel', ref);
  assert.equal(b.open, true);
  assert.equal(b.next_activity, at.slice(0, 10), 'next activity: the appointment');
  await act(srv, 'clinician.cardio', ref.id, 'attend', {});
  const a = await K.pathwayOfReferral('gp.patel', ref);
  assert.equal(a.open, true, 'attending does not stop the clock');
  assert.equal(a.clock_stop, null);
  assert.equal(a.clock_start, ref.clock_start);
  assert.ok(['10', '20'].includes(a.rtt_status.code), `running status after attendance: ${a.rtt_status.code}`);
  assert.ok([todayUtc(), at.slice(0, 10)].includes(a.last_activity), `last_activity ${a.last_activity}`);
});

test('onward referral for the same condition keeps the clock start and PPI; a new condition starts a new clock', async () => {
  const src = await createReferral(srv, { service_id: cardio.id });
  const srcPath = await K.pathwayOfReferral('gp.patel', src);
  // the patient has been waiting since August: backdate the referral and its pathway
  const start = '2026-08-03';
  K.run(`UPDATE referrals SET clock_start = '${start}' WHERE id = ${src.id}`);
  K.run(`UPDATE pathways SET clock_start = '${start}', clock_start_day = ${dayOf(start)}, referral_received = '${start}' WHERE id = ${srcPath.id}`);
  await act(srv, 'triage.cardio', src.id, 'triage', { decision: 'accept' });
  await act(srv, 'booking.rza', src.id, 'book', { appointment_at: isoJustNow() });
  await act(srv, 'clinician.cardio', src.id, 'attend', {});
  const body = {
    onward_from: src.id, service_id: dermRzb.id, priority: 'routine', reason: 'Lesion on the chest wall',
    clinical_summary: 'Seen in cardiology clinic', same_condition: true,
  };
  const on = await srv.api('clinician.cardio', 'POST', '/referrals', body);
  assert.equal(on.status, 201, on.text);
  const list = await K.waitingList('gp.patel', { patient: src.patient.nhs_number, status: 'all' });
  const rzb = list.items.filter((x) => x.trust.code === 'RZB' && x.referral_id === on.json.id);
  assert.equal(rzb.length, 1, `one RZB pathway for the onward referral: ${JSON.stringify(list.items.map((x) => [x.id, x.trust.code, x.referral_id, x.ppi]))}`);
  const p = rzb[0];
  assert.equal(p.clock_start, start, 'same condition: the clock start carries over');
  assert.equal(p.days_waited, dayOf(todayUtc()) - dayOf(start));
  assert.equal(p.ppi, srcPath.ppi, 'same PPI');
  assert.equal(p.open, true);
  assert.equal(p.service.id, dermRzb.id);
  assert.equal(p.rtt_status.code, '21', 'an inter-provider transfer (21)');
  const seen = await K.waitingList('triage.derm.rzb', { patient: src.patient.nhs_number });
  assert.ok(ids(seen.items).includes(p.id), 'on RZB\'s list');

  // a new condition: a new clock today, a new pathway
  const src2 = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', src2.id, 'triage', { decision: 'accept' });
  const on2 = await srv.api('clinician.cardio', 'POST', '/referrals', { ...body, onward_from: src2.id, service_id: gastroRzb.id, same_condition: false });
  assert.equal(on2.status, 201, on2.text);
  const p2 = await K.pathwayOfReferral('gp.patel', on2.json);
  assert.equal(p2.clock_start, todayUtc(), 'new condition: a new clock');
  assert.equal(p2.rtt_status.code, '10');
  assert.equal(p2.ppi, on2.json.pathway_id);
  assert.notEqual(p2.ppi, (await K.pathwayOfReferral('gp.patel', src2)).ppi);
});

test('a redirect within the trust changes the pathway\'s service and keeps its clock', async () => {
  const ref = await createReferral(srv, { service_id: cardio.id });
  const p0 = await K.pathwayOfReferral('gp.patel', ref);
  await act(srv, 'triage.cardio', ref.id, 'triage', { decision: 'redirect', to_service_id: dermRza.id });
  const p = await K.pathwayOfReferral('gp.patel', ref);
  assert.equal(p.id, p0.id, 'the same pathway');
  assert.equal(p.service.id, dermRza.id, 'the service changes');
  assert.equal(p.clock_start, p0.clock_start);
  assert.equal(p.open, true);
});

test('every pathway on a list has the contract\'s shape', async () => {
  const j = await K.waitingList('gp.patel', { page_size: '20' });
  assert.ok(j.items.length > 0);
  for (const x of j.items) {
    assert.ok(Number.isInteger(x.id));
    assert.ok(['seam', 'import'].includes(x.source));
    assert.match(x.clock_start, DATE);
    assert.ok(x.rtt_status && /^\d\d$/.test(x.rtt_status.code), `rtt_status ${JSON.stringify(x.rtt_status)}`);
    assert.ok(Number.isInteger(x.days_waited) && Number.isInteger(x.weeks_waited));
    assert.equal(typeof x.over_18_weeks, 'boolean');
    assert.ok(x.patient?.nhs_number && x.patient.practice?.code && x.trust?.code && x.service?.id, JSON.stringify(x).slice(0, 300));
    if (x.priority) {
      assert.match(x.priority.code, /^P(1a|1b|2|3|4|6)$/);
      if (x.priority.set_at) assert.match(x.priority.set_at, ISO);
    }
  }
});

// ------------------------------------------------------------ more referral events

/** Backdates a Seam referral's clock (referral and pathway) to `start`. */
function backdate(ref, pathwayId, start) {
  K.run(`UPDATE referrals SET clock_start = '${start}' WHERE id = ${ref.id}`);
  K.run(`UPDATE pathways SET clock_start = '${start}', clock_start_day = ${dayOf(start)}, referral_received = '${start}' WHERE id = ${pathwayId}`);
}
async function booked(fields = {}, appointmentAt = isoDaysAhead(6, 10, 0)) {
  const ref = await createReferral(srv, { service_id: cardio.id, ...fields });
  const p = await K.pathwayOfReferral('gp.patel', ref);
  await act(srv, 'triage.cardio', ref.id, 'triage', { decision: 'accept' });
  await act(srv, 'booking.rza', ref.id, 'book', { appointment_at: appointmentAt });
  return { ref, p };
}

test('a missed first appointment: discharged is nullified (33, off the list); rebooked starts a new clock today', async () => {
  const a = await booked();
  backdate(a.ref, a.p.id, addDays(todayUtc(), -60));
  await act(srv, 'clinician.cardio', a.ref.id, 'dna', { decision: 'discharge', comment: 'Did not attend' });
  const pa = await K.pathwayOfReferral('gp.patel', a.ref);
  assert.equal(pa.rtt_status.code, '33', 'first appointment missed, discharged: nullified');
  assert.equal(pa.open, false);
  assert.ok(!ids((await K.waitingList('triage.cardio', { patient: a.ref.patient.nhs_number })).items).includes(pa.id), 'off the list');

  const b = await booked();
  backdate(b.ref, b.p.id, addDays(todayUtc(), -60));
  await act(srv, 'clinician.cardio', b.ref.id, 'dna', { decision: 'rebook', comment: 'Did not attend; rebook' });
  const pb = await K.pathwayOfReferral('gp.patel', b.ref);
  assert.equal(pb.open, true, 'rebooked: on the list');
  assert.equal(pb.clock_start, todayUtc(), 'rule 3e: a new clock from the rebooking date');
  assert.equal(pb.rtt_status.code, '10');
  assert.equal(pb.days_waited, 0);
});

test('a missed first appointment on a two-week-wait referral, rebooked: the clock keeps running from the start', async () => {
  const a = await booked({ priority: 'two_week_wait' });
  const start = addDays(todayUtc(), -12);
  backdate(a.ref, a.p.id, start);
  await act(srv, 'clinician.cardio', a.ref.id, 'dna', { decision: 'rebook', comment: 'Did not attend; rebook' });
  const p = await K.pathwayOfReferral('gp.patel', a.ref);
  assert.equal(p.open, true);
  assert.equal(p.clock_start, start, '2WW: no new clock');
  assert.equal(p.days_waited, 12);
});

test('discharge stops the clock with the RTT outcome given (30, 32, 35) or 34; a bad outcome changes nothing', async () => {
  for (const [outcome, code] of [['treated', '30'], ['active_monitoring', '32'], ['declined', '35'], [undefined, '34']]) {
    const a = await booked({}, isoJustNow());
    await act(srv, 'clinician.cardio', a.ref.id, 'attend', {});
    const body = { comment: 'Seen and discharged' };
    if (outcome) body.rtt_outcome = outcome;
    await act(srv, 'clinician.cardio', a.ref.id, 'discharge', body);
    const p = await K.pathwayOfReferral('gp.patel', a.ref);
    assert.equal(p.rtt_status.code, code, `discharge, rtt_outcome ${outcome}`);
    assert.equal(p.open, false);
    assert.equal(p.clock_stop, todayUtc());
  }
  const a = await booked({}, isoJustNow());
  await act(srv, 'clinician.cardio', a.ref.id, 'attend', {});
  const before_ = srv.counts();
  const r = await srv.api('clinician.cardio', 'POST', `/referrals/${a.ref.id}/discharge`, { comment: 'x', rtt_outcome: 'cured' });
  K.isError(r, 422, 'invalid_value', 'rtt_outcome cured');
  assert.equal(errorOf(r).field, 'rtt_outcome');
  assert.deepEqual(srv.counts(), before_, 'a refused discharge writes nothing');
  assert.equal((await K.get('gp.patel', `/referrals/${a.ref.id}`)).status, 'attended', 'still attended');
  assert.equal((await K.pathwayOfReferral('gp.patel', a.ref)).open, true, 'still waiting');
});

test('a returned referral sent back by the GP is on the waiting list again', async () => {
  const ref = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', ref.id, 'triage', { decision: 'return', comment: 'Need bloods', advice: 'Do U&E first', reason_code: 'tests_first' });
  assert.equal((await K.pathwayOfReferral('gp.patel', ref)).open, false);
  await act(srv, 'gp.patel', ref.id, 'resubmit', { comment: 'U&E normal, attached' });
  const p = await K.pathwayOfReferral('gp.patel', ref);
  assert.equal(p.open, true, 'waiting again');
  assert.equal(p.clock_stop, null);
  assert.ok(ids((await K.waitingList('triage.cardio', { patient: ref.patient.nhs_number })).items).includes(p.id), 'on the trust\'s open list');
});

async function adviceRequest(consent) {
  const p = await pickPatient(srv, 'gp.patel');
  const r = await srv.api('gp.patel', 'POST', '/advice', {
    patient_nhs_number: p.nhs_number, service_id: cardio.id, priority: 'routine', question: 'Palpitations: Holter first?', consent_to_convert: consent,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('a referral made from advice and guidance by the specialist has a pathway too', async () => {
  const a = await adviceRequest(true);
  const c1 = await srv.api('triage.cardio', 'POST', `/advice/${a.id}/convert`, { comment: 'Needs clinic' });
  assert.equal(c1.status, 200, c1.text);
  const ref1 = c1.json.referral;
  const p1 = (await K.waitingList('gp.patel', { patient: ref1.patient.nhs_number, status: 'all' })).items.filter((x) => x.referral_id === ref1.id);
  assert.equal(p1.length, 1, `the specialist's conversion (referral ${ref1.id}, accepted at once) puts the patient on the waiting list`);
  assert.equal(p1[0].open, true);
  assert.equal(p1[0].clock_start, ref1.clock_start);
  assert.equal(p1[0].trust.code, 'RZA');
});

test('a referral made from advice and guidance by the GP has a pathway too', async () => {
  const b = await adviceRequest(false);
  await srv.api('triage.cardio', 'POST', `/advice/${b.id}/close`, { answer: 'Not cardiac', what_to_do: 'Reassure', if_worse: 'Re-refer' });
  const c2 = await srv.api('gp.patel', 'POST', `/advice/${b.id}/convert`, { reason: 'Still symptomatic' });
  assert.equal(c2.status, 200, c2.text);
  const ref2 = c2.json.referral;
  const p2 = (await K.waitingList('gp.patel', { patient: ref2.patient.nhs_number, status: 'all' })).items.filter((x) => x.referral_id === ref2.id);
  assert.equal(p2.length, 1, `the GP's conversion (referral ${ref2.id}) puts the patient on the waiting list`);
  assert.equal(p2[0].clock_start, ref2.clock_start, 'clock start = the original request date');
});

test('an onward referral for the same condition within the trust after the source was discharged is made', async () => {
  // worked before the waiting list: the pathway must not refuse a referral
  const a = await booked({}, isoJustNow());
  await act(srv, 'clinician.cardio', a.ref.id, 'attend', {});
  await act(srv, 'clinician.cardio', a.ref.id, 'discharge', { comment: 'Cardiac cause excluded', rtt_outcome: 'not_to_treat' });
  const on = await srv.api('clinician.cardio', 'POST', '/referrals', {
    onward_from: a.ref.id, service_id: dermRza.id, priority: 'routine', reason: 'Rash with the new drug',
    clinical_summary: 'Drug eruption', same_condition: true,
  });
  assert.equal(on.status, 201, `onward referral refused: ${on.status} ${on.text.slice(0, 300)}`);
  const p = (await K.waitingList('gp.patel', { patient: a.ref.patient.nhs_number, status: 'all' })).items.filter((x) => x.referral_id === on.json.id);
  assert.equal(p.length, 1, 'the onward referral has a pathway');
  assert.equal(p[0].open, true);
  assert.equal(p[0].service.id, dermRza.id);
});

test('an onward referral (same condition) redirected back to the first trust is redirected', async () => {
  const src = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', src.id, 'triage', { decision: 'accept' });
  const on = await srv.api('clinician.cardio', 'POST', '/referrals', {
    onward_from: src.id, service_id: dermRzb.id, priority: 'routine', reason: 'Skin lesion', clinical_summary: 'Irregular naevus', same_condition: true,
  });
  assert.equal(on.status, 201, on.text);
  const r = await srv.api('triage.derm.rzb', 'POST', `/referrals/${on.json.id}/triage`, { decision: 'redirect', to_service_id: dermRza.id });
  assert.equal(r.status, 200, `RZB redirects to RZA Dermatology: ${r.status} ${r.text.slice(0, 300)}`);
  const p = (await K.waitingList('gp.patel', { patient: src.patient.nhs_number })).items.filter((x) => x.referral_id === on.json.id);
  assert.equal(p.length, 1, 'the redirected referral is on the open list');
  assert.equal(p[0].trust.code, 'RZA');
  assert.equal(p[0].service.id, dermRza.id);
});

test('two onward referrals for the same condition to two services of another trust are both made', async () => {
  const src = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', src.id, 'triage', { decision: 'accept' });
  const body = { onward_from: src.id, priority: 'routine', reason: 'Systemic disease', clinical_summary: 'Vasculitic rash and colitis', same_condition: true };
  const a = await srv.api('clinician.cardio', 'POST', '/referrals', { ...body, service_id: dermRzb.id });
  assert.equal(a.status, 201, a.text);
  const b = await srv.api('clinician.cardio', 'POST', '/referrals', { ...body, service_id: gastroRzb.id });
  assert.equal(b.status, 201, `the second onward referral to RZB: ${b.status} ${b.text.slice(0, 300)}`);
  const open = (await K.waitingList('triage.derm.rzb', { patient: src.patient.nhs_number })).items;
  assert.ok(open.some((x) => x.referral_id === a.json.id || x.referral_id === b.json.id), 'the patient waits at RZB');
});
