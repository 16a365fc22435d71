// Waiting-time measures by equity group (docs/waiting-list.md, "GET /measures/rtt") on a small,
// hand-checked data set: a practice, a trust and a service of our own, so the demo adds nothing.
//
// The data set (census 2026-11-25), ten open pathways of practice Z90010 at trust RZX:
//   days  imd  ethnicity   sex     age at census
//    10    1   white       female  30
//   133    1   white       male    70
//   200    1   asian       female  45
//   400    1   black       male    85
//    20   10   white       female  10
//    49   10   mixed       male    18 (18th birthday on the census day)
//   127   10   not_stated  other   65
//   126    5   other       female  50
//   365    -   asian       male    90
//    90    -   white       -       17 (18th birthday the day after the census)
// plus, excluded everywhere: a closed pathway (500 days, decile 1) and a nullified one (33, decile 10);
// plus, at RZX only: a Hillview (Z00002) patient, 30 days, decile 3.
// Over 18 weeks = more than 126 days; over 52 = more than 364.  Medians: the lower median of the
// days, divided by 7, one decimal.  All numbers below were worked out by hand.
//
// Readings of the contract where it is not explicit:
//  - a group with no one has waiting 0, counts 0 and null percentages and median;
//  - `gap` subtracts the groups' rounded figures (the data set makes both readings agree);
//  - a role that has no measures at all (patient) is 403; a role asking for a scope it may not see is 404;
//  - in CSV a null is an empty field, and fields with commas are quoted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, findService, errorOf } from './lib/server.mjs';
import { pathwayKit, dayOf, dateOf, addDays, ETHNIC } from './lib/pathways.mjs';

let srv, K, cardio, dermRzb, rzxService;
const CENSUS = '2026-11-25';
const C = dayOf(CENSUS);
const FIELDS = ['waiting', 'over_18_weeks', 'pct_over_18_weeks', 'median_weeks', 'over_52_weeks', 'pct_over_52_weeks'];
const row = (...v) => Object.fromEntries(FIELDS.map((k, i) => [k, v[i]]));
const EMPTY = row(0, 0, null, null, 0, null);

const TOTAL = row(10, 5, 50.0, 18.0, 2, 20.0);
const DECILES = {
  1: row(4, 3, 75.0, 19.0, 1, 25.0),
  5: row(1, 0, 0.0, 18.0, 0, 0.0),
  10: row(3, 1, 33.3, 7.0, 0, 0.0),
  unknown: row(2, 1, 50.0, 12.9, 1, 50.0),
};
const QUINTILES = {
  1: DECILES[1],
  3: DECILES[5],
  5: DECILES[10],
  unknown: DECILES.unknown,
};
const ETHNICITY = {
  white: row(4, 1, 25.0, 2.9, 0, 0.0),
  mixed: row(1, 0, 0.0, 7.0, 0, 0.0),
  asian: row(2, 2, 100.0, 28.6, 1, 50.0),
  black: row(1, 1, 100.0, 57.1, 1, 100.0),
  other: row(1, 0, 0.0, 18.0, 0, 0.0),
  not_stated: row(1, 1, 100.0, 18.1, 0, 0.0),
};
const AGE = {
  '0-17': row(2, 0, 0.0, 2.9, 0, 0.0),
  '18-39': row(2, 0, 0.0, 1.4, 0, 0.0),
  '40-64': row(2, 1, 50.0, 18.0, 0, 0.0),
  '65-79': row(2, 2, 100.0, 18.1, 0, 0.0),
  '80+': row(2, 2, 100.0, 52.1, 2, 100.0),
};
const SEX = {
  female: row(4, 1, 25.0, 2.9, 0, 0.0),
  male: row(4, 3, 75.0, 19.0, 2, 50.0),
  other: row(1, 1, 100.0, 18.1, 0, 0.0),
  unknown: row(1, 0, 0.0, 12.9, 0, 0.0),
};
const ORDER = {
  imd_decile: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', 'unknown'],
  imd_quintile: ['1', '2', '3', '4', '5', 'unknown'],
  ethnicity: ETHNIC.map(([c]) => c),
  age_band: ['0-17', '18-39', '40-64', '65-79', '80+'], // an `unknown` band may follow
  sex: ['female', 'male', 'other', 'unknown'],
};

before(async () => {
  srv = await startServer();
  K = pathwayKit(() => srv);
  cardio = await findService(srv, 'RZA', 'Cardiology');
  dermRzb = await findService(srv, 'RZB', 'Dermatology');
  K.addOrg('Z90010', 'Equity Test Surgery', 'practice');
  K.addOrg('RZX', 'Measures Test Hospital NHS Trust', 'trust');
  rzxService = K.addService('RZX', 'Test Clinic', '300', 'General Internal Medicine');
  K.addUser('gp.measure', 'Dr Mo Measure', 'gp', 'Z90010');
  K.addUser('lead.rzx', 'Dr Rex Lead', 'interface_lead', 'RZX');
  const data = [
    [10, 1, 'white', 'female', '1996-05-10'],
    [133, 1, 'white', 'male', '1956-03-03'],
    [200, 1, 'asian', 'female', '1981-07-07'],
    [400, 1, 'black', 'male', '1941-01-20'],
    [20, 10, 'white', 'female', '2016-02-02'],
    [49, 10, 'mixed', 'male', '2008-11-25'],
    [127, 10, 'not_stated', 'other', '1961-06-01'],
    [126, 5, 'other', 'female', '1976-04-04'],
    [365, null, 'asian', 'male', '1936-09-09'],
    [90, null, 'white', null, '2008-11-26'],
  ];
  for (const [days, imd, ethnicity, sex, birth] of data) {
    const nhs = K.addPatient({ practice: 'Z90010', imd, ethnicity, sex: sex ?? 'unknown', birth, family: `Equity${days}` });
    K.addPathway({ nhs, service: rzxService, start: dateOf(C - days), sex });
  }
  // excluded: closed, nullified
  const x1 = K.addPatient({ practice: 'Z90010', imd: 1, ethnicity: 'white', sex: 'female', birth: '1980-01-01' });
  K.addPathway({ nhs: x1, service: rzxService, start: dateOf(C - 500), stop: dateOf(C - 10), status: '30', open: 0 });
  const x2 = K.addPatient({ practice: 'Z90010', imd: 10, ethnicity: 'white', sex: 'male', birth: '1980-01-01' });
  K.addPathway({ nhs: x2, service: rzxService, start: dateOf(C - 60), stop: dateOf(C - 30), status: '33', open: 0 });
  // at RZX but another practice's patient
  const y1 = K.addPatient({ practice: 'Z00002', imd: 3, ethnicity: 'white', sex: 'female', birth: '1986-05-05' });
  K.addPathway({ nhs: y1, service: rzxService, start: dateOf(C - 30) });
  // another ICB, with one waiting patient at RZA
  K.addOrg('QZY', 'NHS Elsewhere Integrated Care Board', 'icb', 'QZY');
  K.addOrg('Y00001', 'Elsewhere Surgery', 'practice', 'QZY');
  const away = K.addPatient({ practice: 'Y00001', icb: 'QZY', imd: 4 });
  K.addPathway({ nhs: away, service: cardio.id, start: dateOf(C - 200) });
});
after(async () => { await srv?.stop(); });

async function rtt(as, query) {
  const r = await srv.api(as, 'GET', `/measures/rtt?${new URLSearchParams(query)}`);
  assert.equal(r.status, 200, `GET /measures/rtt?${new URLSearchParams(query)} as ${as}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
}
const pick = (x) => Object.fromEntries(FIELDS.map((k) => [k, x[k]]));
/** Asserts every group of `m` in order, the expected ones exact and the rest empty. */
function checkGroups(m, by, expected) {
  const codes = m.groups.map((g) => g.group);
  const order = ORDER[by];
  assert.deepEqual(codes.slice(0, order.length), order, `${by}: groups in their natural order`);
  if (by === 'age_band') assert.ok(codes.length === order.length || (codes.length === order.length + 1 && codes.at(-1) === 'unknown'), `${by}: ${codes}`);
  else assert.equal(codes.length, order.length, `${by}: every group listed, empty ones too: ${codes}`);
  for (const g of m.groups) {
    assert.equal(typeof g.label, 'string', `${by} ${g.group}: label`);
    assert.deepEqual(pick(g), expected[g.group] ?? EMPTY, `${by} group ${g.group}`);
  }
  const sum = m.groups.reduce((n, g) => n + g.waiting, 0);
  assert.equal(sum, m.total.waiting, `${by}: the groups add up to the total`);
}

test('practice scope by IMD decile: exact counts, percentages, lower medians, the gap', async () => {
  const m = await rtt('analyst.icb', { practice: 'Z90010', census: CENSUS });
  assert.deepEqual(m.scope, { kind: 'practice', code: 'Z90010', name: 'Equity Test Surgery' });
  assert.equal(m.census_date, CENSUS);
  assert.equal(m.by, 'imd_decile', 'by defaults to imd_decile');
  assert.deepEqual(pick(m.total), TOTAL, 'total: 10 waiting, 5 over 18 weeks (126 days is not), median 126 days = 18.0 weeks');
  checkGroups(m, 'imd_decile', DECILES);
  const g = Object.fromEntries(m.groups.map((x) => [x.group, x]));
  assert.equal(g['1'].label, '1 (most deprived)');
  assert.equal(g['10'].label, '10 (least deprived)');
  assert.equal(g['1'].median_weeks, 19.0, 'decile 1: 4 waits (10, 133, 200, 400): the lower median is 133 days');
  assert.deepEqual(m.gap, { most_deprived: '1', least_deprived: '10', pct_over_18_weeks: 41.7, median_weeks: 12.0 },
    'gap = decile 1 minus decile 10: 75.0 - 33.3 and 19.0 - 7.0');
});

test('the same numbers for the GP of the practice; quintiles', async () => {
  const gp = await rtt('gp.measure', { practice: 'Z90010', census: CENSUS });
  assert.deepEqual(pick(gp.total), TOTAL);
  checkGroups(gp, 'imd_decile', DECILES);
  const q = await rtt('analyst.icb', { practice: 'Z90010', census: CENSUS, by: 'imd_quintile' });
  assert.equal(q.by, 'imd_quintile');
  assert.deepEqual(pick(q.total), TOTAL);
  checkGroups(q, 'imd_quintile', QUINTILES);
  assert.equal(q.groups[0].label, '1 (most deprived)');
  assert.deepEqual(q.gap, { most_deprived: '1', least_deprived: '5', pct_over_18_weeks: 41.7, median_weeks: 12.0 });
});

test('by ethnicity, age band (age at the census date) and sex', async () => {
  const e = await rtt('analyst.icb', { practice: 'Z90010', census: CENSUS, by: 'ethnicity' });
  assert.deepEqual(pick(e.total), TOTAL);
  checkGroups(e, 'ethnicity', ETHNICITY);
  assert.deepEqual(e.groups.map((g) => g.label), ETHNIC.map(([, l]) => l), 'ethnicity labels');
  assert.equal(e.gap, null, 'gap is for IMD only');
  const a = await rtt('analyst.icb', { practice: 'Z90010', census: CENSUS, by: 'age_band' });
  assert.deepEqual(pick(a.total), TOTAL);
  checkGroups(a, 'age_band', AGE);
  assert.equal(a.gap, null);
  const s = await rtt('analyst.icb', { practice: 'Z90010', census: CENSUS, by: 'sex' });
  assert.deepEqual(pick(s.total), TOTAL);
  checkGroups(s, 'sex', SEX);
  assert.equal(s.gap, null);
});

test('the census date moves everyone: a week earlier', async () => {
  // 7 days earlier every wait is 7 days shorter: 3, 126, 193, 393, 13, 42, 120, 119, 358, 83;
  // the 18th birthday of the 18-year-old is still to come, the 17-year-old is 17.
  const m = await rtt('analyst.icb', { practice: 'Z90010', census: addDays(CENSUS, -7) });
  assert.equal(m.census_date, addDays(CENSUS, -7));
  assert.deepEqual(pick(m.total), row(10, 3, 30.0, 17.0, 1, 10.0), 'over 18: 193, 358, 393 (126 is not); over 52: 393; lower median 119 days = 17.0');
  const a = await rtt('analyst.icb', { practice: 'Z90010', census: addDays(CENSUS, -7), by: 'age_band' });
  const g = Object.fromEntries(a.groups.map((x) => [x.group, x]));
  assert.equal(g['0-17'].waiting, 3, 'aged 10, 17 and (not yet 18) 17');
  assert.equal(g['18-39'].waiting, 1);
});

test('trust and service scopes (hand-checked), and the other scopes add up', async () => {
  const t = await rtt('analyst.icb', { trust: 'RZX', census: CENSUS });
  assert.deepEqual(t.scope, { kind: 'trust', code: 'RZX', name: 'Measures Test Hospital NHS Trust' });
  assert.deepEqual(pick(t.total), row(11, 5, 45.5, 18.0, 2, 18.2), 'the ten plus a 30-day wait from Hillview');
  const d3 = t.groups.find((g) => g.group === '3');
  assert.deepEqual(pick(d3), row(1, 0, 0.0, 4.3, 0, 0.0));
  const s = await rtt('analyst.icb', { service: String(rzxService), census: CENSUS });
  assert.equal(s.scope.kind, 'service');
  assert.equal(String(s.scope.code ?? rzxService), String(rzxService));
  assert.equal(s.scope.name.includes('Test Clinic'), true, `service scope name: ${s.scope.name}`);
  assert.deepEqual(pick(s.total), pick(t.total));
  assert.deepEqual(s.groups.map(pick), t.groups.map(pick));
  const own = await rtt('lead.rzx', { trust: 'RZX', census: CENSUS });
  assert.deepEqual(pick(own.total), pick(t.total), 'the trust\'s own staff see the same');
  // ICB and national
  const icb = await rtt('analyst.icb', { icb: 'QZZ', census: CENSUS });
  assert.deepEqual(icb.scope.kind, 'icb');
  assert.equal(icb.scope.code, 'QZZ');
  assert.ok(icb.total.waiting >= 11, `QZZ counts our 11 at least: ${icb.total.waiting}`);
  const qzy = await rtt('admin', { icb: 'QZY', census: CENSUS });
  assert.deepEqual(pick(qzy.total), row(1, 1, 100.0, 28.6, 0, 0.0), 'QZY: one patient, 200 days');
  const nat = await rtt('analyst.icb', { census: CENSUS });
  assert.equal(nat.scope.kind, 'national');
  assert.equal(nat.scope.code, null);
  assert.equal(nat.total.waiting, icb.total.waiting + 1, 'national = QZZ + QZY');
  assert.equal(nat.total.over_18_weeks, icb.total.over_18_weeks + 1);
  for (const m of [icb, nat]) {
    assert.equal(m.groups.reduce((n, g) => n + g.waiting, 0), m.total.waiting);
    assert.equal(m.groups.reduce((n, g) => n + g.over_18_weeks, 0), m.total.over_18_weeks);
  }
  const rza = await rtt('analyst.icb', { trust: 'RZA', census: CENSUS });
  assert.ok(rza.total.waiting >= 0);
  assert.equal(rza.groups.reduce((n, g) => n + g.waiting, 0), rza.total.waiting);
});

test('nullified (33) pathways are never counted: the database refuses one marked open', async () => {
  K.addOrg('Z90011', 'Nullified Test Surgery', 'practice');
  const a = K.addPatient({ practice: 'Z90011', imd: 2 });
  K.addPathway({ nhs: a, service: cardio.id, start: dateOf(C - 140) });
  const b = K.addPatient({ practice: 'Z90011', imd: 2 });
  // The measures rely on "open implies not nullified", so the schema enforces it.
  assert.throws(() => K.addPathway({ nhs: b, service: cardio.id, start: dateOf(C - 300), status: '33', open: 1 }),
    /CHECK|check constraint/i);
  K.addPathway({ nhs: b, service: cardio.id, start: dateOf(C - 300), stop: dateOf(C - 200), status: '33', open: 0 });
  const m = await rtt('analyst.icb', { practice: 'Z90011', census: CENSUS });
  assert.deepEqual(pick(m.total), row(1, 1, 100.0, 20.0, 0, 0.0), 'only the 140-day wait');
});

test('numbers are written with one decimal place in the JSON text itself', async () => {
  // "Percentages to one decimal place": 33.3 must not go out as 33.299999999999997 (a client that
  // shows the raw text, a spreadsheet import or jq prints the long form)
  for (const q of [`practice=Z90010&census=${CENSUS}`, `practice=Z90010&census=${CENSUS}&by=ethnicity`, `census=${CENSUS}`, 'icb=QZZ']) {
    const r = await srv.api('analyst.icb', 'GET', `/measures/rtt?${q}`);
    assert.equal(r.status, 200);
    const long = r.text.match(/-?\d+\.\d{2,}/g) ?? [];
    assert.deepEqual(long, [], `GET /measures/rtt?${q}: numbers with more than one decimal in the JSON text`);
  }
});

test('CSV: header, one line per group in order, then the total', async () => {
  const r = await srv.api('analyst.icb', 'GET', `/measures/rtt?practice=Z90010&census=${CENSUS}`, undefined, { Accept: 'text/csv' });
  assert.equal(r.status, 200, r.text.slice(0, 300));
  assert.match(r.headers.get('content-type') ?? '', /^text\/csv/);
  const lines = parseCsv(r.text);
  assert.deepEqual(lines[0], ['group', 'label', ...FIELDS]);
  const body = lines.slice(1);
  assert.equal(body.length, ORDER.imd_decile.length + 1, `11 groups and a total: ${r.text}`);
  assert.deepEqual(body.map((l) => l[0]), [...ORDER.imd_decile, 'total']);
  for (const l of body) {
    const want = l[0] === 'total' ? TOTAL : DECILES[l[0]] ?? EMPTY;
    const got = Object.fromEntries(FIELDS.map((k, i) => [k, l[i + 2] === '' ? null : Number(l[i + 2])]));
    assert.deepEqual(got, want, `CSV line ${l.join(',')}`);
  }
  assert.equal(body[0][1], '1 (most deprived)');
  // format=csv, and labels with commas are quoted
  const e = await srv.api('analyst.icb', 'GET', `/measures/rtt?practice=Z90010&census=${CENSUS}&by=ethnicity&format=csv`);
  assert.equal(e.status, 200, e.text.slice(0, 300));
  assert.match(e.headers.get('content-type') ?? '', /^text\/csv/);
  const el = parseCsv(e.text);
  assert.deepEqual(el[0], ['group', 'label', ...FIELDS]);
  const black = el.find((l) => l[0] === 'black');
  assert.ok(black, e.text);
  assert.equal(black.length, 8, `the black group's line has 8 fields (its label has commas): ${JSON.stringify(black)}`);
  assert.equal(black[1], 'Black, Black British, Caribbean or African');
  assert.equal(Number(black[2]), 1);
  assert.equal(el.at(-1)[0], 'total');
  assert.equal(Number(el.at(-1)[2]), 10);
});

test('access: own scopes only; another scope 404; roles without measures 403', async () => {
  const st = async (as, q) => (await srv.api(as, 'GET', `/measures/rtt?${q}`)).status;
  // practice staff: their practice only
  assert.equal(await st('gp.measure', 'practice=Z90010'), 200);
  assert.equal(await st('gp.patel', 'practice=Z00001'), 200);
  assert.equal(await st('admin.riverside', 'practice=Z00001'), 200);
  for (const q of ['practice=Z90010', 'practice=Z00002', 'trust=RZA', `service=${cardio.id}`, 'icb=QZZ']) {
    const r = await srv.api('gp.patel', 'GET', `/measures/rtt?${q}`);
    K.isError(r, 404, 'not_found', `gp.patel ${q}`);
  }
  // trust staff: their trust and its services
  assert.equal(await st('booking.rza', 'trust=RZA'), 200);
  assert.equal(await st('triage.cardio', `service=${cardio.id}`), 200);
  for (const q of ['trust=RZB', `service=${dermRzb.id}`, 'practice=Z00001', 'icb=QZZ']) {
    K.isError(await srv.api('lead.rza', 'GET', `/measures/rtt?${q}`), 404, 'not_found', `lead.rza ${q}`);
  }
  // ICB analyst: their ICB, its trusts, services and practices, national; not another ICB
  for (const q of ['icb=QZZ', 'trust=RZB', `service=${dermRzb.id}`, 'practice=Z00002', '']) {
    assert.equal(await st('analyst.icb', q), 200, `analyst.icb ${q}`);
  }
  K.isError(await srv.api('analyst.icb', 'GET', '/measures/rtt?icb=QZY'), 404, 'not_found', 'analyst.icb icb=QZY');
  K.isError(await srv.api('analyst.icb', 'GET', '/measures/rtt?practice=Y00001'), 404, 'not_found', 'analyst.icb practice=Y00001');
  assert.equal(await st('admin', 'practice=Y00001'), 200);
  // roles with no measures
  const p = await srv.api('patient.demo', 'GET', '/measures/rtt');
  K.isError(p, 403, 'forbidden', 'patient.demo');
  K.isError(await srv.api('patient.demo', 'GET', '/measures/rtt?practice=Z00001'), 403, 'forbidden', 'patient.demo practice=Z00001');
  assert.equal((await srv.request('GET', '/measures/rtt')).status, 401, 'no token');
  // unknown scopes
  assert.equal(await st('admin', 'trust=ZZZ'), 404);
  assert.equal(await st('admin', 'service=987654'), 404);
});

test('bad parameters are 400 bad_parameter', async () => {
  for (const q of ['by=colour', 'by=IMD', 'census=2026-13-01', 'census=yesterday', 'trust=RZA&practice=Z00001', 'icb=QZZ&service=1', 'service=abc']) {
    const r = await srv.api('admin', 'GET', `/measures/rtt?${q}`);
    assert.equal(r.status, 400, `${q}: expected 400, got ${r.status} ${r.text.slice(0, 200)}`);
    assert.equal(errorOf(r).code, 'bad_parameter', q);
  }
});

/** A small RFC 4180 reader: lines of fields, quotes and doubled quotes honoured. */
function parseCsv(text) {
  const out = [];
  let line = [], field = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') q = false; else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') { line.push(field); field = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      line.push(field); field = '';
      out.push(line); line = [];
    } else field += c;
  }
  if (field !== '' || line.length) { line.push(field); out.push(line); }
  return out.filter((l) => !(l.length === 1 && l[0] === ''));
}
