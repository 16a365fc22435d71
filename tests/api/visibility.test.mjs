// Who sees what: practices, trusts, patients; reads are audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, findService, createReferral, errorOf, allPages } from './lib/server.mjs';

let srv, cardio, dermRzb;
before(async () => {
  srv = await startServer();
  cardio = await findService(srv, 'RZA', 'Cardiology');
  dermRzb = await findService(srv, 'RZB', 'Dermatology');
});
after(async () => { await srv?.stop(); });

async function allPatients(as, q = '') {
  const out = [];
  let total;
  for (let page = 1; page < 200; page++) {
    const r = await srv.api(as, 'GET', `/patients?${q ? `q=${encodeURIComponent(q)}&` : ''}page=${page}`);
    assert.equal(r.status, 200, `GET /patients as ${as}: ${r.text}`);
    total = r.json.total;
    assert.equal(r.json.page, page);
    out.push(...r.json.patients);
    if (r.json.patients.length === 0 || out.length >= total) break;
  }
  assert.equal(out.length, total, `${as}: pages add up to total`);
  return out;
}
const refs = (as, q = '') => allPages(srv, as, `/referrals${q}`, 'referrals');

async function patientWithoutReferrals(as = 'gp.patel') {
  const ps = (await srv.api(as, 'GET', '/patients?page=3')).json.patients;
  for (const p of ps) {
    const r = await srv.api(as, 'GET', `/referrals?patient=${p.nhs_number}`);
    if (r.json.total === 0) return p;
  }
  throw new Error('no patient without referrals on page 3');
}

test('a GP sees only their practice\'s patients', async () => {
  const patel = await allPatients('gp.patel');
  const okafor = await allPatients('gp.okafor');
  assert.ok(patel.length > 50, `Riverside has patients (${patel.length})`);
  assert.ok(okafor.length > 50);
  for (const p of patel) assert.equal(p.practice.code, 'Z00001', `patient ${p.nhs_number}`);
  for (const p of okafor) assert.equal(p.practice.code, 'Z00002', `patient ${p.nhs_number}`);
  const a = new Set(patel.map((p) => p.nhs_number));
  assert.equal(a.size, patel.length, 'no duplicates across pages');
  assert.ok(okafor.every((p) => !a.has(p.nhs_number)));
  assert.ok(patel.length + okafor.length < 2400, 'not the whole population');
  const admin = await allPatients('admin.riverside');
  assert.deepEqual(admin.map((p) => p.nhs_number).sort(), [...a].sort(), 'practice admin sees the same list');
  const p = patel[0];
  for (const k of ['nhs_number', 'given_name', 'family_name', 'birth_date', 'sex', 'postcode', 'practice', 'imd_decile', 'ethnicity']) {
    assert.ok(k in p, `patient has ${k}`);
  }
  assert.match(p.birth_date, /^\d{4}-\d{2}-\d{2}$/);
});

test('patient search by NHS number (with spaces) and family name prefix', async () => {
  const ps = (await srv.api('gp.patel', 'GET', '/patients?page=2')).json.patients;
  const p = ps[0];
  const spaced = `${p.nhs_number.slice(0, 3)} ${p.nhs_number.slice(3, 6)} ${p.nhs_number.slice(6)}`;
  const byNhs = await srv.api('gp.patel', 'GET', `/patients?q=${encodeURIComponent(spaced)}`);
  assert.equal(byNhs.status, 200);
  assert.deepEqual(byNhs.json.patients.map((x) => x.nhs_number), [p.nhs_number]);
  assert.equal(byNhs.json.total, 1);
  const prefix = p.family_name.slice(0, 3);
  const byName = await allPatients('gp.patel', prefix);
  assert.ok(byName.some((x) => x.nhs_number === p.nhs_number), `search "${prefix}" finds ${p.family_name}`);
  for (const x of byName) {
    assert.ok(x.family_name.toLowerCase().startsWith(prefix.toLowerCase()), `${x.family_name} starts with ${prefix}`);
    assert.equal(x.practice.code, 'Z00001');
  }
  const other = (await srv.api('gp.okafor', 'GET', '/patients')).json.patients[0];
  const cross = await srv.api('gp.patel', 'GET', `/patients?q=${other.nhs_number}`);
  assert.equal(cross.status, 200);
  assert.equal(cross.json.total, 0, 'search does not reach another practice');
  assert.deepEqual(cross.json.patients, []);
});

test('search text is taken literally', async () => {
  for (const q of ['%', '_', '\\', "O'", '%25', 'a%', "' OR 1=1 --"]) {
    const r = await srv.api('gp.patel', 'GET', `/patients?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, `q=${q}: ${r.status} ${r.text}`);
    for (const x of r.json.patients) {
      assert.ok(x.family_name.toLowerCase().startsWith(q.toLowerCase()), `q=${JSON.stringify(q)} matched ${x.family_name}`);
    }
  }
});

test('GET /patients/{nhs}: own practice 200, another practice 404', async () => {
  const mine = (await srv.api('gp.patel', 'GET', '/patients')).json.patients[1];
  const r = await srv.api('gp.patel', 'GET', `/patients/${mine.nhs_number}`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, mine);
  const theirs = (await srv.api('gp.okafor', 'GET', '/patients')).json.patients[1];
  const x = await srv.api('gp.patel', 'GET', `/patients/${theirs.nhs_number}`);
  assert.equal(x.status, 404);
  assert.equal(errorOf(x).code, 'not_found');
  const unknown = await srv.api('gp.patel', 'GET', '/patients/9434765919');
  assert.equal(unknown.status, 404, 'valid but unknown NHS number');
  const norm = (j) => JSON.stringify(j).replace(/\d{10}/g, 'NHS');
  assert.equal(norm(unknown.json), norm(x.json), '"not visible" and "does not exist" look the same');
});

test('trust staff see a patient only once referred to their trust', async () => {
  const p = await patientWithoutReferrals();
  assert.equal((await srv.api('triage.cardio', 'GET', `/patients/${p.nhs_number}`)).status, 404, 'not referred yet');
  await createReferral(srv, { service_id: cardio.id, patient_nhs_number: p.nhs_number });
  const seen = await srv.api('triage.cardio', 'GET', `/patients/${p.nhs_number}`);
  assert.equal(seen.status, 200, 'referred to RZA: visible to RZA staff');
  assert.equal(seen.json.nhs_number, p.nhs_number);
  assert.equal((await srv.api('booking.rza', 'GET', `/patients/${p.nhs_number}`)).status, 200);
  assert.equal((await srv.api('triage.derm.rzb', 'GET', `/patients/${p.nhs_number}`)).status, 404, 'RZB has no referral');
  const search = await srv.api('triage.derm.rzb', 'GET', `/patients?q=${p.nhs_number}`);
  assert.equal(search.json.total, 0);
  // and RZB staff's patient list only holds patients referred to RZB
  const rzbPatients = (await srv.api('triage.derm.rzb', 'GET', '/patients')).json.patients;
  assert.ok(rzbPatients.length > 0);
  for (const x of rzbPatients.slice(0, 8)) {
    const rr = await srv.api('triage.derm.rzb', 'GET', `/referrals?patient=${x.nhs_number}`);
    assert.ok(rr.json.total > 0, `RZB sees ${x.nhs_number} only with a referral to RZB`);
  }
});

test('a GP sees only their practice\'s referrals', async () => {
  const patel = await refs('gp.patel');
  assert.ok(patel.length > 0, 'demo has Riverside referrals');
  for (const r of patel) assert.equal(r.patient.practice.code, 'Z00001', `referral ${r.id}`);
  const okafor = await refs('gp.okafor');
  assert.ok(okafor.length > 0);
  for (const r of okafor) assert.equal(r.patient.practice.code, 'Z00002', `referral ${r.id}`);
  const one = okafor[0];
  const x = await srv.api('gp.patel', 'GET', `/referrals/${one.id}`);
  assert.equal(x.status, 404);
  const filtered = await srv.api('gp.patel', 'GET', '/referrals?practice=Z00002');
  assert.ok(filtered.status === 200 || filtered.status === 400, filtered.text);
  if (filtered.status === 200) assert.equal(filtered.json.total, 0, 'practice filter cannot widen visibility');
});

test('trust staff see only referrals to their trust', async () => {
  for (const [as, trust] of [['triage.cardio', 'RZA'], ['clinician.cardio', 'RZA'], ['booking.rza', 'RZA'], ['lead.rza', 'RZA'], ['triage.derm.rzb', 'RZB']]) {
    const list = await refs(as);
    assert.ok(list.length > 0, `${as} sees some referrals`);
    for (const r of list) assert.equal(r.service.trust.code, trust, `${as} sees referral ${r.id} at ${r.service.trust.code}`);
  }
  const rzb = await refs('triage.derm.rzb');
  const x = await srv.api('triage.cardio', 'GET', `/referrals/${rzb[0].id}`);
  assert.equal(x.status, 404);
});

test('a patient sees only their own referrals', async () => {
  const me = (await srv.api('patient.demo', 'GET', '/me')).json;
  const mine = await createReferral(srv, { service_id: dermRzb.id, patient_nhs_number: me.nhs_number, reason: 'Mole changing shape' });
  const other = await createReferral(srv, { service_id: dermRzb.id });
  assert.notEqual(other.patient.nhs_number, me.nhs_number);
  const list = await refs('patient.demo');
  assert.ok(list.some((r) => r.id === mine.id), 'sees the new referral');
  for (const r of list) assert.equal(r.patient.nhs_number, me.nhs_number, `referral ${r.id}`);
  assert.equal((await srv.api('patient.demo', 'GET', `/referrals/${mine.id}`)).status, 200);
  const x = await srv.api('patient.demo', 'GET', `/referrals/${other.id}`);
  assert.equal(x.status, 404);
  assert.equal(errorOf(x).code, 'not_found');
  const pp = await srv.api('patient.demo', 'GET', `/patients/${other.patient.nhs_number}`);
  assert.equal(pp.status, 404, 'another patient\'s record');
});

test('reading a referral writes an audit event with the patient\'s NHS number', async () => {
  const c = await createReferral(srv, { service_id: cardio.id });
  const nhs = c.patient.nhs_number;
  const q = `SELECT count(*) AS n FROM events WHERE action LIKE 'read%' AND patient_nhs_number = '${nhs}'`;
  const n0 = srv.count(q);
  const r = await srv.api('triage.cardio', 'GET', `/referrals/${c.id}`);
  assert.equal(r.status, 200);
  const n1 = srv.count(q);
  assert.ok(n1 > n0, `read events for ${nhs}: ${n0} -> ${n1}`);
  const last = srv.sqlite(`SELECT * FROM events WHERE action LIKE 'read%' AND patient_nhs_number = '${nhs}' ORDER BY id DESC LIMIT 1`)[0];
  assert.equal(last.actor, 'triage.cardio', `the reader is recorded: ${JSON.stringify(last)}`);
  assert.equal(String(last.object_id), String(c.id));
  assert.equal(last.object_type, 'referral');

  const p0 = srv.count(q);
  assert.equal((await srv.api('gp.patel', 'GET', `/patients/${nhs}`)).status, 200);
  assert.ok(srv.count(q) > p0, 'reading the patient record is audited too');

  const h0 = srv.count(q);
  assert.equal((await srv.api('gp.patel', 'GET', `/referrals/${c.id}/history`)).status, 200);
  assert.ok(srv.count(q) > h0, 'reading the history is audited too');

  const hist = (await srv.api('gp.patel', 'GET', `/referrals/${c.id}/history`)).json.events;
  assert.ok(hist.every((e) => !e.action.startsWith('read')), 'history shows changes, not reads');
});

test('the audit log is append-only: events are never updated or deleted', async () => {
  const before_ = srv.sqlite('SELECT id, action, actor, patient_nhs_number, object_type, object_id FROM events ORDER BY id LIMIT 200');
  const c = await createReferral(srv, { service_id: cardio.id });
  await srv.api('triage.cardio', 'POST', `/referrals/${c.id}/triage`, { decision: 'accept' });
  const after_ = srv.sqlite('SELECT id, action, actor, patient_nhs_number, object_type, object_id FROM events ORDER BY id LIMIT 200');
  assert.deepEqual(after_.slice(0, before_.length), before_);
});
