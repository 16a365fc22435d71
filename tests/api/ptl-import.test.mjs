// seam import ptl: a trust's PTL extract loads cleanly, idempotently, row by row
// (each refused row named by line, field and reason, and nothing of it stored),
// with one ptl_imports row and one audit event per import; and seam gen's
// synthetic PTLs load cleanly.  Runs on SQLite and, with SEAM_TEST_PG, PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { seam, mkTmp, sqlite, startServer, testDatabase, isValidNhs, nhsCheckDigit } from './lib/server.mjs';

let srv, db, tmp;
let known; // demo patients: [{nhs_number, practice_code, imd_decile, ethnicity, sex, birth_date, icb_code}]
let cardio; // lowest service id at RZA with treatment function code 320

const HEADER = [
  'nhs_number', 'patient_pathway_identifier', 'organisation_code_provider', 'activity_treatment_function_code',
  'referral_request_received_date', 'referral_to_treatment_period_start_date', 'referral_to_treatment_period_end_date',
  'referral_to_treatment_period_status', 'last_activity_date', 'next_activity_date', 'clinical_priority',
  'priority_type_code', 'waiting_list_type', 'person_given_name', 'person_family_name', 'person_birth_date',
  'person_stated_gender_code', 'ethnic_category', 'postcode', 'lsoa', 'index_of_multiple_deprivation_decile',
  'general_medical_practice_code',
];
const day = (n) => new Date(Date.now() + n * 86400_000).toISOString().slice(0, 10);
const daysSinceEpoch = (iso) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / 86400_000);
let seq = 0;
/** A fresh PPI no other test uses. */
const ppi = () => `RZA-T${process.pid % 1000}-${++seq}`;

/** One CSV row from fields by column name (defaults: an open pathway of a known patient). */
function row(f = {}) {
  const base = {
    nhs_number: known[0].nhs_number, patient_pathway_identifier: ppi(), organisation_code_provider: 'RZA',
    activity_treatment_function_code: '320', referral_request_received_date: day(-100),
    referral_to_treatment_period_start_date: day(-100), referral_to_treatment_period_end_date: '',
    referral_to_treatment_period_status: '20', last_activity_date: day(-30), next_activity_date: day(20),
    clinical_priority: 'P3', priority_type_code: '1', waiting_list_type: 'IRTT',
  };
  const v = { ...base, ...f };
  return HEADER.map((h) => v[h] ?? '').join(',');
}
const csv = (rows, header = HEADER.join(',')) => `${header}\n${rows.join('\n')}\n`;

function write(name, text) {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, text);
  return p;
}
function importPtl(file, extra = [], trust = 'RZA') {
  return seam(['import', 'ptl', '--db', db, '--trust', trust, ...extra, file], { timeout: 120_000 });
}
const pathway = (p) => sqlite(db, `SELECT * FROM pathways WHERE trust_code = 'RZA' AND ppi = '${p}'`);
const lastImport = () => sqlite(db, 'SELECT * FROM ptl_imports ORDER BY id DESC LIMIT 1')[0];

/** A valid NHS number that no demo patient has. */
function newNhs(k) {
  for (let n = 400000000 + k * 97; ; n++) {
    const nine = String(n);
    const c = nhsCheckDigit(nine);
    if (c !== null) return nine + c;
  }
}

before(async () => {
  srv = await startServer();
  db = srv.db;
  tmp = mkTmp('seam-ptl-');
  known = sqlite(db, `SELECT nhs_number, practice_code, imd_decile, ethnicity, sex, birth_date, icb_code FROM patients
    WHERE nhs_number LIKE '999%' ORDER BY nhs_number LIMIT 6`);
  cardio = Number(sqlite(db, "SELECT min(id) AS id FROM services WHERE trust_code = 'RZA' AND treatment_function_code = '320'")[0].id);
});
after(async () => {
  await srv?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('a clean import loads every row with its fields, patient copies and priority dates', () => {
  const a = ppi(), b = ppi(), c = ppi();
  const nhs = newNhs(1);
  const file = write('clean.csv', csv([
    row({ patient_pathway_identifier: a, clinical_priority: 'p2', last_activity_date: day(-10) }),
    row({ patient_pathway_identifier: b, nhs_number: known[1].nhs_number, referral_to_treatment_period_status: '30',
      referral_to_treatment_period_end_date: day(-5), clinical_priority: '', priority_type_code: '3',
      next_activity_date: '' }),
    // A patient Seam does not know yet: registered from the row (RFC 4180 quoting in the name).
    row({ patient_pathway_identifier: c, nhs_number: nhs, person_given_name: '"Mary, ""Molly"""',
      person_family_name: "O'Neil", person_birth_date: '1950-03-04', person_stated_gender_code: '2',
      ethnic_category: 'M', index_of_multiple_deprivation_decile: '2', general_medical_practice_code: known[2].practice_code,
      postcode: 'SE1 1AA', lsoa: 'E01000001' }),
  ]));
  const r = importPtl(file, ['--batch', '2']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /3 rows read, 3 inserted, 0 updated, 0 unchanged, 0 rejected, 1 patients created/);

  const [pa] = pathway(a);
  assert.equal(pa.patient_nhs_number, known[0].nhs_number);
  assert.equal(Number(pa.service_id), cardio);
  assert.equal(pa.treatment_function_code, '320');
  assert.equal(pa.source, 'import');
  assert.equal(pa.ppi_issuer, 'RZA');
  assert.equal(pa.rtt_status, '20');
  assert.equal(Number(pa.open), 1);
  assert.equal(pa.clock_start, day(-100));
  assert.equal(Number(pa.clock_start_day), daysSinceEpoch(day(-100)));
  assert.equal(pa.clock_stop, null);
  assert.equal(pa.priority, 'P2', 'priority stored in its canonical spelling');
  assert.ok(pa.treat_by && pa.review_date, 'treat-by and review dates from the priority');
  assert.equal(pa.referral_priority, 'routine');
  assert.equal(pa.waiting_list_type, 'IRTT');
  assert.equal(pa.icb_code, known[0].icb_code, "the patient's ICB");
  assert.equal(pa.imd_decile === null ? null : Number(pa.imd_decile), known[0].imd_decile === null ? null : Number(known[0].imd_decile));
  assert.equal(pa.sex, known[0].sex);
  assert.equal(Number(pa.birth_day), daysSinceEpoch(known[0].birth_date));
  assert.match(pa.ethnic_group, /^(white|mixed|asian|black|other|not_stated)$/);
  assert.equal(Number(pa.version), 1);
  assert.equal(Number(pa.import_id), Number(lastImport().id));

  const [pb] = pathway(b);
  assert.equal(Number(pb.open), 0);
  assert.equal(pb.clock_stop, day(-5));
  assert.equal(Number(pb.clock_stop_day), daysSinceEpoch(day(-5)));
  assert.equal(pb.priority, null);
  assert.equal(pb.referral_priority, 'two_week_wait');

  const [pc] = pathway(c);
  assert.equal(pc.patient_nhs_number, nhs);
  assert.equal(pc.ethnic_group, 'black');
  assert.equal(Number(pc.imd_decile), 2);
  assert.equal(pc.sex, 'female');
  const [pat] = sqlite(db, `SELECT * FROM patients WHERE nhs_number = '${nhs}'`);
  assert.equal(pat.given_name, 'Mary, "Molly"');
  assert.equal(pat.family_name, "O'Neil");
  assert.equal(pat.birth_date, '1950-03-04');
  assert.equal(pat.practice_code, known[2].practice_code);
  const icb = sqlite(db, `SELECT icb_code FROM organisations WHERE code = '${known[2].practice_code}'`)[0].icb_code;
  assert.equal(pat.icb_code, icb, "the new patient's ICB is their practice's");

  const imp = lastImport();
  assert.equal(imp.status, 'done');
  assert.equal(imp.trust_code, 'RZA');
  assert.deepEqual([imp.rows_read, imp.inserted, imp.updated, imp.unchanged, imp.rejected, imp.patients_created].map(Number), [3, 3, 0, 0, 0, 1]);
  assert.equal(imp.sha256, crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
});

test('re-importing is idempotent: unchanged rows counted, changed rows updated, never duplicated', () => {
  const a = ppi(), b = ppi(), c = ppi();
  const rows = [row({ patient_pathway_identifier: a }), row({ patient_pathway_identifier: b, nhs_number: known[1].nhs_number }),
    row({ patient_pathway_identifier: c, nhs_number: known[2].nhs_number, clinical_priority: '' })];
  const file = write('idem.csv', csv(rows));
  assert.equal(importPtl(file).status, 0);
  const before1 = pathway(a)[0];

  let r = importPtl(file);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /3 rows read, 0 inserted, 0 updated, 3 unchanged, 0 rejected/);
  for (const p of [a, b, c]) assert.equal(pathway(p).length, 1, `${p} stored once`);
  assert.equal(Number(pathway(a)[0].version), 1);
  assert.equal(pathway(a)[0].updated_at, before1.updated_at);
  assert.equal(Number(pathway(a)[0].import_id), Number(lastImport().id), 'the row carries the latest import');

  // b: a clock stop arrives; c: a priority is set.  a stays as it was.
  rows[1] = row({ patient_pathway_identifier: b, nhs_number: known[1].nhs_number, referral_to_treatment_period_status: '30',
    referral_to_treatment_period_end_date: day(-1), next_activity_date: '' });
  rows[2] = row({ patient_pathway_identifier: c, nhs_number: known[2].nhs_number, clinical_priority: 'P4' });
  r = importPtl(write('idem2.csv', csv(rows)));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /3 rows read, 0 inserted, 2 updated, 1 unchanged, 0 rejected/);
  const pb = pathway(b)[0], pc = pathway(c)[0];
  assert.equal(Number(pb.version), 2);
  assert.equal(Number(pb.open), 0);
  assert.equal(pb.clock_stop, day(-1));
  assert.equal(pc.priority, 'P4');
  assert.equal(Number(pc.version), 2);
  assert.equal(Number(pathway(a)[0].version), 1);
  const hist = sqlite(db, `SELECT * FROM priority_changes WHERE pathway_id = ${pc.id}`);
  assert.equal(hist.length, 1, 'the priority change is in the history');
  assert.equal(hist[0].to_priority, 'P4');
  // A file without a priority keeps the one already set.
  rows[2] = row({ patient_pathway_identifier: c, nhs_number: known[2].nhs_number, clinical_priority: '' });
  assert.equal(importPtl(write('idem3.csv', csv(rows))).status, 0);
  assert.equal(pathway(c)[0].priority, 'P4');
});

test('each refused row is reported by line, field and reason, and nothing of it is stored', () => {
  const good1 = ppi(), good2 = ppi(), dup = ppi();
  const bad = {};
  const lines = [];
  const add = (name, f) => { const p = ppi(); bad[name] = { ppi: p, line: lines.length + 2 }; lines.push(row({ patient_pathway_identifier: p, ...f })); };
  lines.push(row({ patient_pathway_identifier: good1 }));                                           // line 2
  lines.push(row({ patient_pathway_identifier: dup, nhs_number: known[3].nhs_number }));           // line 3
  add('nhs', { nhs_number: '9990000019' });
  add('service', { activity_treatment_function_code: '999' });
  add('date', { referral_to_treatment_period_start_date: '2026-02-30', referral_request_received_date: '2020-01-01' });
  add('future', { referral_to_treatment_period_start_date: day(3), referral_request_received_date: day(3) });
  add('endbefore', { referral_to_treatment_period_status: '30', referral_to_treatment_period_end_date: day(-200) });
  add('status', { referral_to_treatment_period_status: '77' });
  add('openend', { referral_to_treatment_period_end_date: day(-3) });
  add('stopnoend', { referral_to_treatment_period_status: '34' });
  add('priority', { clinical_priority: 'P5' });
  add('provider', { organisation_code_provider: 'RZB' });
  add('unknownpatient', { nhs_number: newNhs(2) });
  add('practice', { nhs_number: newNhs(3), person_given_name: 'Ann', person_family_name: 'Lee', person_birth_date: '1960-01-01',
    person_stated_gender_code: '2', general_medical_practice_code: 'Z99999' });
  add('toolong', { waiting_list_type: 'X'.repeat(300) });
  lines.push(row({ patient_pathway_identifier: dup, nhs_number: known[3].nhs_number }));           // the repeat
  const dupLine = lines.length + 1;
  lines.push(row({ patient_pathway_identifier: good2, nhs_number: known[4].nhs_number }));
  const truncated = `${known[5].nhs_number},${ppi()},RZA,320,${day(-9)}`; // cut off, no newline
  const text = `${HEADER.join(',')}\n${lines.join('\n')}\n${truncated}`;
  const file = write('rejects.csv', text);
  const r = importPtl(file);
  assert.equal(r.status, 3, `exit 3 when some rows are refused: ${r.stderr}`);
  const expect = {
    nhs: /nhs_number: .*not a valid NHS number/,
    service: /activity_treatment_function_code: no service at RZA has treatment function code 999/,
    date: /referral_to_treatment_period_start_date: '2026-02-30' is not a date/,
    future: /referral_to_treatment_period_start_date: .*after today/,
    endbefore: /referral_to_treatment_period_end_date: .*before the clock start/,
    status: /referral_to_treatment_period_status: '77' is not an RTT period status/,
    openend: /referral_to_treatment_period_end_date: status 20 .*open.*clock stop/,
    stopnoend: /referral_to_treatment_period_end_date: status 34 stops the clock but the row has no end date/,
    priority: /clinical_priority: 'P5' is not a clinical priority/,
    provider: /organisation_code_provider: 'RZB' is not the trust being imported/,
    unknownpatient: /nhs_number: patient \d+ is not known to Seam and the row lacks person_given_name/,
    practice: /general_medical_practice_code: no practice Z99999/,
    toolong: /waiting_list_type: is longer than/,
  };
  for (const [k, re] of Object.entries(expect)) {
    const m = new RegExp(`^line ${bad[k].line}: ${re.source}`, 'm');
    assert.match(r.stderr, m, `${k} reported on line ${bad[k].line}`);
    assert.equal(pathway(bad[k].ppi).length, 0, `${k}: nothing stored`);
  }
  assert.match(r.stderr, new RegExp(`^line ${dupLine}: patient_pathway_identifier: ${dup} appears twice in this file; the first is on line 3`, 'm'));
  assert.match(r.stderr, new RegExp(`^line ${dupLine + 2}: row: has 5 fields; the header has ${HEADER.length}`, 'm'));
  assert.equal(pathway(good1).length, 1);
  assert.equal(pathway(good2).length, 1);
  assert.equal(pathway(dup).length, 1);
  assert.equal(sqlite(db, `SELECT count(*) AS n FROM patients WHERE nhs_number IN ('${newNhs(2)}', '${newNhs(3)}')`)[0].n, 0);
  const imp = lastImport();
  assert.equal(Number(imp.rejected), Object.keys(expect).length + 2);
  assert.equal(Number(imp.inserted), 3);
  assert.equal(Number(imp.rows_read), lines.length + 1);

  // The same as CSV with --rejects: line, field, reason and the raw row.
  const rej = path.join(tmp, 'rejects-out.csv');
  const r2 = importPtl(file, ['--rejects', rej]);
  assert.equal(r2.status, 3);
  const out = fs.readFileSync(rej, 'utf8');
  assert.match(out, /^line,field,reason,raw\n/);
  assert.match(out, new RegExp(`^${bad.service.line},activity_treatment_function_code,no service at RZA has treatment function code 999,"[^"]*${bad.service.ppi}`, 'm'));
  assert.doesNotMatch(r2.stderr, /^line \d+:/m, 'rejects went to the file');
});

test('a pathway is never moved to another patient by a later import', () => {
  const p = ppi();
  assert.equal(importPtl(write('owner1.csv', csv([row({ patient_pathway_identifier: p, nhs_number: known[0].nhs_number })]))).status, 0);
  const r = importPtl(write('owner2.csv', csv([row({ patient_pathway_identifier: p, nhs_number: known[1].nhs_number })])));
  assert.equal(r.status, 3);
  assert.match(r.stderr, new RegExp(`^line 2: patient_pathway_identifier: ${p} is already on the waiting list for another patient \\(NHS number ${known[0].nhs_number}\\)`, 'm'));
  const rows = pathway(p);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].patient_nhs_number, known[0].nhs_number);
  assert.equal(Number(rows[0].version), 1);
});

test('a quoted field left open at the end of the file is refused, the rows before it load', () => {
  const ok = ppi(), cut = ppi();
  const text = `${HEADER.join(',')}\n${row({ patient_pathway_identifier: ok })}\n${known[0].nhs_number},${cut},RZA,320,"${day(-5)}\n`;
  const r = importPtl(write('unterminated.csv', text));
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /^line 3: row: a quoted field is not closed before the end of the file/m);
  assert.equal(pathway(ok).length, 1);
  assert.equal(pathway(cut).length, 0);
});

test('a file that cannot be imported loads nothing and exits 1', () => {
  const before1 = Number(sqlite(db, 'SELECT count(*) AS n FROM pathways')[0].n);
  const noCol = HEADER.filter((h) => h !== 'next_activity_date');
  const p = ppi();
  const text = `${noCol.join(',')}\n${row({ patient_pathway_identifier: p }).split(',').filter((_, i) => HEADER[i] !== 'next_activity_date').join(',')}\n`;
  let r = importPtl(write('nocol.csv', text));
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /lacks required column\(s\): next_activity_date/);
  assert.equal(lastImport().status, 'failed');
  r = importPtl(write('ok-for-unknown-trust.csv', csv([row({ patient_pathway_identifier: p, organisation_code_provider: 'RXX' })])), [], 'RXX');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no trust RXX/);
  r = importPtl(path.join(tmp, 'does-not-exist.csv'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot read/);
  assert.equal(Number(sqlite(db, 'SELECT count(*) AS n FROM pathways')[0].n), before1, 'nothing loaded');
  // Columns are matched by name, in any order and any case.
  const shuffled = [...HEADER].reverse();
  const v = row({ patient_pathway_identifier: p }).split(',');
  const line = shuffled.map((h) => v[HEADER.indexOf(h)]).join(',');
  r = importPtl(write('reordered.csv', `${shuffled.map((h) => h.toUpperCase()).join(',')}\n${line}\n`));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(pathway(p).length, 1);
});

test('without a terminal, progress is plain lines (no carriage returns)', () => {
  const rows = [];
  for (let i = 0; i < 12; i++) rows.push(row({ patient_pathway_identifier: ppi(), nhs_number: known[i % 6].nhs_number }));
  const r = importPtl(write('progress.csv', csv(rows)), ['--progress-rows', '1']);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /\r/);
  assert.match(r.stderr, /^seam import ptl: \d+ rows read \(\d+% of .*progress\.csv\), \d+ rows\/s, 0 rejected$/m);
});

test('each import writes exactly one audit event with its counts and the file hash', () => {
  const file = write('audit.csv', csv([row({ patient_pathway_identifier: ppi() }), row({ patient_pathway_identifier: ppi(), nhs_number: 'x' })]));
  const n0 = Number(sqlite(db, "SELECT count(*) AS n FROM events WHERE action = 'import.ptl'")[0].n);
  const r = importPtl(file);
  assert.equal(r.status, 3);
  const id = lastImport().id;
  const ev = sqlite(db, `SELECT * FROM events WHERE action = 'import.ptl' AND object_id = '${id}'`);
  assert.equal(ev.length, 1);
  assert.equal(Number(sqlite(db, "SELECT count(*) AS n FROM events WHERE action = 'import.ptl'")[0].n), n0 + 1);
  assert.equal(ev[0].object_type, 'ptl_import');
  assert.ok(ev[0].actor && ev[0].actor_role);
  const detail = JSON.parse(ev[0].detail);
  assert.equal(detail.rows_read, 2);
  assert.equal(detail.inserted, 1);
  assert.equal(detail.rejected, 1);
  assert.equal(detail.trust, 'RZA');
  assert.equal(detail.sha256, crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
});

test('seam gen --scale small writes a PTL that imports cleanly, with a realistic wait', () => {
  const dir = mkTmp('seam-gen-');
  const gdb = testDatabase(dir, true);
  try {
    const file = path.join(dir, 'ra0.csv');
    let r = seam(['gen', '--db', gdb.url, '--scale', 'small', '--ptl-csv', file, '--trust', 'RA0'], { timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const text = fs.readFileSync(file, 'utf8').trim().split('\n');
    const n = text.length - 1;
    assert.ok(n > 1000 && n < 5000, `a few thousand rows (${n})`);
    const nhs = text.slice(1, 50).map((l) => l.split(',')[0]);
    assert.ok(nhs.every(isValidNhs), 'valid NHS numbers');
    r = seam(['import', 'ptl', '--db', gdb.url, '--trust', 'RA0', file], { timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`${n} rows read, ${n} inserted, 0 updated, 0 unchanged, 0 rejected`));
    const rows = sqlite(gdb.url, 'SELECT clock_start_day FROM pathways WHERE open = 1 ORDER BY clock_start_day DESC');
    const today = Math.floor(Date.now() / 86400_000);
    const weeks = rows.map((x) => (today - Number(x.clock_start_day)) / 7);
    const median = weeks[Math.floor(weeks.length / 2)];
    assert.ok(median > 10 && median < 20, `median wait ${median} weeks`);
    assert.ok(Math.max(...weeks) <= 105, 'none over 104 weeks');
    const stops = Number(sqlite(gdb.url, "SELECT count(*) AS n FROM pathways WHERE open = 0 AND rtt_status IN ('30', '34')")[0].n);
    assert.ok(stops > rows.length * 0.1, 'recent clock stops too');
    // The benchmark users exist.
    for (const u of ['gp.bench', 'booking.bench', 'analyst.bench', 'admin']) {
      assert.equal(seam(['token', '--db', gdb.url, u]).status, 0, `token for ${u}`);
    }
  } finally {
    gdb.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
