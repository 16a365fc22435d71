// Shared helpers of the waiting-list API tests (docs/waiting-list.md):
// dates as days since 1970-01-01 (UTC), hand-built organisations, users,
// patients and pathways written straight into the test database (SQLite or
// PostgreSQL, through the harness's sqlite()), working days, and look-ups.
// pathwayKit(() => srv) binds them to a server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, nhsCheckDigit, errorOf } from './server.mjs';

export const DAY_MS = 86400_000;
/** Days since 1970-01-01 of a YYYY-MM-DD (or ISO time: its date part). */
export const dayOf = (d) => Math.round(Date.parse(`${String(d).slice(0, 10)}T00:00:00Z`) / DAY_MS);
/** YYYY-MM-DD of a day number. */
export const dateOf = (day) => new Date(day * DAY_MS).toISOString().slice(0, 10);
export const addDays = (date, n) => dateOf(dayOf(date) + n);
export const todayUtc = () => new Date().toISOString().slice(0, 10);
export const isoSec = (t) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
export const DATE = /^\d{4}-\d\d-\d\d$/;
export const BREACH_WEEKS = [18, 52, 65, 78, 104];

/** An SQL literal. */
export function lit(v) {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  return `'${String(v).replace(/'/g, "''")}'`;
}

// ------------------------------------------------------------ working days
const HOLIDAYS = new Set(fs.readFileSync(path.join(ROOT, 'data/bank-holidays-england-and-wales.csv'), 'utf8')
  .split('\n').slice(1).map((l) => l.split(',')[0]).filter(Boolean));
export const isWorking = (d) => d.getUTCDay() !== 0 && d.getUTCDay() !== 6 && !HOLIDAYS.has(d.toISOString().slice(0, 10));
/** Same UTC clock time on the n-th working day after t's date (cf. cal_add_working_days). */
export function addWorkingDays(t, n) {
  const d = new Date(t);
  while (!isWorking(d)) d.setUTCDate(d.getUTCDate() + 1);
  for (let i = 0; i < n; i++) {
    do d.setUTCDate(d.getUTCDate() + 1); while (!isWorking(d));
  }
  return d;
}

// ------------------------------------------------------------ statistics
/** x rounded to one decimal place (half away from zero), as the contract's numbers. */
export const r1 = (x) => Math.round(x * 10) / 10;
/** Lower median of a list of numbers (the contract: lower median of an even count). */
export function lowerMedian(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
}
/** Nearest-rank percentile: the ceil(p*n)-th smallest. */
export function nearestRank(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.max(1, Math.ceil(p * s.length)) - 1] : null;
}

// ------------------------------------------------------------ ethnicity
export const ETHNIC = [
  ['white', 'White'],
  ['mixed', 'Mixed or Multiple ethnic groups'],
  ['asian', 'Asian or Asian British'],
  ['black', 'Black, Black British, Caribbean or African'],
  ['other', 'Other ethnic group'],
  ['not_stated', 'Not stated'],
];
const ETHNIC_CODE = Object.fromEntries(ETHNIC.map(([c, l]) => [l, c]));
const ETHNIC_LABEL = Object.fromEntries(ETHNIC);

let nhsSeq = 0;
/** A valid NHS number in the 999 test range, away from the demo's 999000001... */
export function freshNhs() {
  for (;;) {
    const nine = String(999500000 + nhsSeq++);
    const c = nhsCheckDigit(nine);
    if (c !== null) return nine + c;
  }
}

export function pathwayKit(getSrv) {
  const run = (sql) => getSrv().sqlite(sql);
  const nowIso = () => isoSec(Date.now());

  function addOrg(code, name, kind, icb = 'QZZ') {
    run(`INSERT INTO organisations (code, name, kind, icb_code, postcode) VALUES (${lit(code)}, ${lit(name)}, ${lit(kind)}, ${lit(icb)}, 'SE1 1AA')`);
    return code;
  }
  function addService(trust, name, tfc = '300', specialty = name) {
    run(`INSERT INTO services (trust_code, name, specialty, treatment_function_code) VALUES (${lit(trust)}, ${lit(name)}, ${lit(specialty)}, ${lit(tfc)})`);
    return Number(run(`SELECT id FROM services WHERE trust_code = ${lit(trust)} AND name = ${lit(name)}`)[0].id);
  }
  function addUser(username, display, role, org, serviceId = null, nhs = null) {
    run(`INSERT INTO users (username, display_name, role, org_code, service_id, nhs_number) VALUES (${lit(username)}, ${lit(display)}, ${lit(role)}, ${lit(org)}, ${lit(serviceId)}, ${lit(nhs)})`);
    // Triagers and clinicians work in their own service (user_services), as the admin would set.
    if (serviceId !== null && (role === 'triager' || role === 'clinician'))
      run(`INSERT INTO user_services (username, service_id, added_by) VALUES (${lit(username)}, ${lit(serviceId)}, 'test')`);
    return username;
  }

  const patients = new Map();
  /** Inserts a patient; returns the NHS number. ethnicity: a short code (white, ...) or null. */
  function addPatient(o = {}) {
    const nhs = o.nhs ?? freshNhs();
    const p = {
      nhs,
      icb: o.icb ?? 'QZZ',
      practice: o.practice ?? 'Z00001',
      given: o.given ?? 'Testy',
      family: o.family ?? `Waitlist${patients.size + 1}`,
      birth: o.birth ?? '1970-06-15',
      sex: o.sex ?? 'female',
      imd: 'imd' in o ? o.imd : 5,
      ethnicity: 'ethnicity' in o ? o.ethnicity : 'white',
    };
    run(`INSERT INTO patients (nhs_number, icb_code, given_name, family_name, birth_date, sex, postcode, lsoa, imd_decile, ethnicity, practice_code)
      VALUES (${lit(nhs)}, ${lit(p.icb)}, ${lit(p.given)}, ${lit(p.family)}, ${lit(p.birth)}, ${lit(p.sex)}, 'SE1 1AA', 'E01000001',
      ${lit(p.imd)}, ${lit(p.ethnicity === null ? null : ETHNIC_LABEL[p.ethnicity] ?? p.ethnicity)}, ${lit(p.practice)})`);
    patients.set(nhs, p);
    return nhs;
  }

  const svcCache = new Map();
  function service(id) {
    if (!svcCache.has(id)) {
      const r = run(`SELECT trust_code, treatment_function_code FROM services WHERE id = ${Number(id)}`);
      assert.ok(r.length, `service ${id} exists`);
      svcCache.set(id, r[0]);
    }
    return svcCache.get(id);
  }

  let ppiSeq = 0;
  /**
   * Inserts a pathway row, every NOT NULL column of migration 5 filled.
   *   nhs, service (id), start (date); stop (date) -> status 30, closed;
   *   status, open, priority {code, reason, by, set_at, treat_by, review_date},
   *   referral_priority, imd / ethnic_group / sex / birth (override the patient's copies).
   * Returns the new id.
   */
  function addPathway(o) {
    const p = patients.get(o.nhs) ?? {};
    const svc = service(o.service);
    const stop = o.stop ?? null;
    const status = o.status ?? (stop ? '30' : '20');
    const open = o.open ?? (stop ? 0 : 1);
    const ppi = o.ppi ?? `${svc.trust_code}-T${process.pid}-${++ppiSeq}`;
    const eth = 'ethnic_group' in o ? o.ethnic_group : p.ethnicity ?? null;
    const birth = 'birth' in o ? o.birth : p.birth ?? null;
    const pr = o.priority ?? null;
    const now = nowIso();
    const cols = {
      icb_code: o.icb ?? p.icb ?? 'QZZ',
      patient_nhs_number: o.nhs,
      trust_code: svc.trust_code,
      service_id: Number(o.service),
      ppi,
      ppi_issuer: o.ppi_issuer ?? svc.trust_code,
      referral_id: o.referral_id ?? null,
      treatment_function_code: svc.treatment_function_code,
      referral_priority: o.referral_priority ?? 'routine',
      referral_received: o.received ?? o.start,
      clock_start: o.start,
      clock_start_day: dayOf(o.start),
      clock_stop: stop,
      clock_stop_day: stop ? dayOf(stop) : null,
      rtt_status: status,
      open,
      waiting_list_type: o.waiting_list_type ?? null,
      priority: pr ? pr.code : null,
      priority_set_at: pr ? pr.set_at ?? now : null,
      priority_set_by: pr ? pr.by ?? 'clinician.cardio' : null,
      priority_reason: pr ? pr.reason ?? 'Set in test' : null,
      treat_by: pr ? pr.treat_by ?? null : null,
      review_date: pr ? pr.review_date ?? null : null,
      last_activity: o.last_activity ?? null,
      next_activity: o.next_activity ?? null,
      imd_decile: 'imd' in o ? o.imd : p.imd ?? null,
      ethnic_group: eth === null ? null : ETHNIC_CODE[eth] ?? eth,
      sex: 'sex' in o ? o.sex : p.sex ?? null,
      birth_day: birth === null ? null : dayOf(birth),
      source: o.source ?? 'import',
      import_id: null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    const names = Object.keys(cols);
    // Its RTT period goes in with it, as a PTL import (or migration 8's backfill) writes it; one
    // database call, so that a PostgreSQL run of many rows stays quick.
    const period = o.periods === false ? '' : `; INSERT INTO rtt_periods (icb_code, pathway_id, period, service_id,
      start_date, start_day, start_status, stop_date, stop_day, stop_status, nullified, nullified_reason, current,
      created_at, updated_at)
      SELECT icb_code, id, 1, service_id, clock_start, clock_start_day,
      CASE WHEN rtt_status IN ('11', '12') THEN rtt_status ELSE '10' END, clock_stop, clock_stop_day,
      CASE WHEN clock_stop_day IS NOT NULL OR open = 0 THEN rtt_status END,
      CASE WHEN rtt_status = '33' AND clock_stop_day IS NOT NULL THEN 1 ELSE 0 END,
      CASE WHEN rtt_status = '33' AND clock_stop_day IS NOT NULL THEN 'First appointment missed (33).' END,
      1, created_at, updated_at FROM pathways WHERE trust_code = ${lit(svc.trust_code)} AND ppi = ${lit(ppi)}`;
    run(`INSERT INTO pathways (${names.join(', ')}) VALUES (${names.map((k) => lit(cols[k])).join(', ')})${period}`);
    const id = Number(run(`SELECT id FROM pathways WHERE trust_code = ${lit(svc.trust_code)} AND ppi = ${lit(ppi)}`)[0].id);
    return id;
  }

  // ---------------------------------------------------------- API look-ups
  async function call(as, method, p, body, want) {
    const r = await getSrv().api(as, method, p, body);
    const ok = Array.isArray(want) ? want.includes(r.status) : r.status === want;
    assert.ok(ok, `${method} ${p} as ${as} ${JSON.stringify(body ?? null).slice(0, 200)}: expected ${want}, got ${r.status} ${r.text.slice(0, 500)}`);
    return r.json;
  }
  const get = (as, p) => call(as, 'GET', p, undefined, 200);
  /** One page of GET /waiting-list (query: an object or a string). */
  async function waitingList(as, query = {}) {
    const qs = typeof query === 'string' ? query : new URLSearchParams(query).toString();
    const j = await get(as, `/waiting-list${qs ? `?${qs}` : ''}`);
    assert.ok(Array.isArray(j.items), `GET /waiting-list?${qs} as ${as}: items is an array: ${JSON.stringify(j).slice(0, 300)}`);
    return j;
  }
  /** Every item of GET /waiting-list across pages (page_size 200). */
  async function waitingAll(as, query = {}, maxPages = 100) {
    const out = [];
    let first;
    for (let page = 1; page <= maxPages; page++) {
      const j = await waitingList(as, { ...query, page: String(page), page_size: '200' });
      first ??= j;
      out.push(...j.items);
      if (j.items.length === 0 || out.length >= j.total) break;
    }
    return { items: out, total: first.total, summary: first.summary, census_date: first.census_date };
  }
  /** The pathway made by a Seam referral (GET /waiting-list?patient=&status=all as `as`). */
  async function pathwayOfReferral(as, ref) {
    const j = await waitingList(as, { patient: ref.patient.nhs_number, status: 'all', page_size: '200' });
    const mine = j.items.filter((x) => x.referral_id === ref.id);
    assert.equal(mine.length, 1, `one pathway for referral ${ref.id} in ${JSON.stringify(j.items.map((x) => [x.id, x.referral_id, x.ppi]))}`);
    return mine[0];
  }
  /** Asserts an error answer: status, code, (field); returns the error. */
  function isError(r, status, code, what) {
    const want = Array.isArray(status) ? status : [status];
    assert.ok(want.includes(r.status), `${what}: expected ${status}, got ${r.status} ${r.text.slice(0, 300)}`);
    const e = errorOf(r);
    if (code) {
      if (Array.isArray(code)) assert.ok(code.includes(e.code), `${what}: error code ${e.code}, expected one of ${code}`);
      else assert.equal(e.code, code, `${what}: error code`);
    }
    return e;
  }
  return { run, addOrg, addService, addUser, addPatient, addPathway, patients, call, get, waitingList, waitingAll, pathwayOfReferral, isError };
}
