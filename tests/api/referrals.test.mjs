// The referral lifecycle, as in docs/api.md.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, findService, pickPatient, createReferral, act, todayDates, isoDaysAhead, isoJustNow, errorOf, allPages,
} from './lib/server.mjs';

let srv, cardio, dermRzb, dermRza, gastroRzb;
before(async () => {
  srv = await startServer();
  cardio = await findService(srv, 'RZA', 'Cardiology');
  dermRzb = await findService(srv, 'RZB', 'Dermatology');
  dermRza = await findService(srv, 'RZA', 'Dermatology');
  gastroRzb = await findService(srv, 'RZB', 'Gastroenterology');
});
after(async () => { await srv?.stop(); });

const DAY = 86400_000;
const get = async (as, id) => {
  const r = await srv.api(as, 'GET', `/referrals/${id}`);
  assert.equal(r.status, 200, `GET /referrals/${id} as ${as}: ${r.status} ${r.text}`);
  return r.json;
};
const history = async (as, id) => {
  const r = await srv.api(as, 'GET', `/referrals/${id}/history`);
  assert.equal(r.status, 200, `GET /referrals/${id}/history as ${as}: ${r.status} ${r.text}`);
  return r.json.events;
};
const changes = (events) => events.filter((e) => !/escalat/i.test(e.action));
const mentions = (e, word) => e.action.includes(word) || JSON.stringify(e.detail ?? null).includes(word);
function assertOrdered(events) {
  for (let i = 1; i < events.length; i++) {
    assert.ok(events[i].id > events[i - 1].id, `event ids ascending: ${events[i - 1].id} then ${events[i].id}`);
    assert.ok(Date.parse(events[i].at) >= Date.parse(events[i - 1].at), 'event times non-decreasing');
  }
}
function assertActors(events, want) {
  assert.deepEqual(events.map((e) => e.actor.username), want,
    `actors in order; actions were ${JSON.stringify(events.map((e) => e.action))}`);
}
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
/** Times are ISO 8601 UTC "2026-11-25T14:59:54Z", dates YYYY-MM-DD. */
function assertTimes(r) {
  for (const k of ['created_at', 'updated_at', 'due_at', 'appointment_at']) {
    if (r[k] !== null) assert.match(r[k], ISO, `${k} = ${r[k]}`);
  }
  if (r.return) assert.match(r.return.at, ISO, `return.at = ${r.return.at}`);
  assert.match(r.clock_start, /^\d{4}-\d\d-\d\d$/);
  assert.match(r.patient.birth_date, /^\d{4}-\d\d-\d\d$/);
}
const worklist = (as) => allPages(srv, as, '/worklist', 'tasks');
const worklistIds = async (as) => (await worklist(as)).filter((t) => t.referral).map((t) => t.referral.id);

test('GET /services lists both trusts with the contract shape', async () => {
  const r = await srv.api('gp.patel', 'GET', '/services');
  assert.equal(r.status, 200);
  const { services } = r.json;
  for (const trust of ['RZA', 'RZB']) {
    const names = services.filter((s) => s.trust.code === trust).map((s) => s.name).sort();
    assert.deepEqual(names, ['Cardiology', 'Dermatology', 'Gastroenterology', 'General Surgery',
      'Respiratory Medicine', 'Rheumatology', 'Trauma and Orthopaedics', 'Urology'], `${trust} services`);
  }
  const ids = services.map((s) => s.id);
  assert.equal(new Set(ids).size, ids.length, 'service ids unique');
  assert.equal(cardio.trust.code, 'RZA');
  assert.ok(cardio.trust.name.length > 0);
  assert.equal(typeof cardio.accepts_referrals, 'boolean');
  assert.match(cardio.treatment_function_code, /^\d{3}$/);
  for (const p of ['routine', 'urgent', 'two_week_wait']) {
    assert.ok(Number.isInteger(cardio.targets.triage_days[p]), `triage_days.${p}`);
    assert.ok(Number.isInteger(cardio.targets.booking_days[p]), `booking_days.${p}`);
  }
  assert.ok(cardio.targets.triage_days.two_week_wait <= cardio.targets.triage_days.urgent);
  assert.ok(cardio.targets.triage_days.urgent <= cardio.targets.triage_days.routine);
  const acc = await srv.api('gp.patel', 'GET', '/services?accepts_referrals=true');
  assert.equal(acc.status, 200);
  assert.ok(acc.json.services.length > 0);
  assert.ok(acc.json.services.every((s) => s.accepts_referrals === true));
  assert.equal(acc.json.services.length, services.filter((s) => s.accepts_referrals).length);
});

test('full lifecycle: create, accept (priority change), book, attend, discharge', async () => {
  const patient = await pickPatient(srv, 'gp.patel');
  const t0 = Date.now();
  const reason = 'Exertional chest pain, 3 months';
  const summary = 'Typical angina on exertion. BP 150/90. Total cholesterol 6.8.';
  const r = await srv.api('gp.patel', 'POST', '/referrals', {
    patient_nhs_number: patient.nhs_number, service_id: cardio.id, priority: 'routine', reason, clinical_summary: summary,
  });
  assert.equal(r.status, 201, r.text);
  const c = r.json;
  assert.ok(Number.isInteger(c.id));
  assert.equal(c.status, 'awaiting_triage');
  assert.equal(c.priority, 'routine');
  assert.equal(c.patient.nhs_number, patient.nhs_number);
  assert.equal(c.patient.practice.code, 'Z00001');
  assert.equal(c.patient.family_name, patient.family_name);
  assert.equal(c.service.id, cardio.id);
  assert.equal(c.service.name, 'Cardiology');
  assert.equal(c.service.trust.code, 'RZA');
  assert.equal(c.original_service, null);
  assert.equal(c.requester.username, 'gp.patel');
  assert.equal(c.requester.organisation.code, 'Z00001');
  assert.equal(c.reason, reason);
  assert.equal(c.clinical_summary, summary);
  assert.ok(todayDates().includes(c.clock_start), `clock_start ${c.clock_start} is today`);
  assert.ok(Math.abs(Date.parse(c.created_at) - t0) < 5 * 60_000, `created_at ${c.created_at} is now`);
  assert.equal(c.triage_comment, null);
  assert.equal(c.return, null);
  assert.equal(c.appointment_at, null);
  assert.equal(c.withdraw_reason, null);
  assert.equal(c.owner.organisation.code, 'RZA');
  assert.equal(c.owner.role, 'triager');
  assert.equal(c.owner.task, 'triage');
  assert.equal(c.owner.service.id, cardio.id);
  assert.ok(c.due_at, 'due_at set');
  const due = Date.parse(c.due_at);
  assert.ok(due > t0 + DAY && due < t0 + 16 * DAY, `routine triage due within working days: ${c.due_at}`);
  assert.equal(c.overdue, false);
  assert.equal(c.escalation_level, 0);
  assert.equal(c.escalated_to, null);
  assert.ok(Number.isInteger(c.version));
  assert.match(r.headers.get('content-type') || '', /^application\/json/);
  assertTimes(c);

  // the triager sees the same referral, and it is in their worklist
  const seen = await get('triage.cardio', c.id);
  assert.equal(seen.status, 'awaiting_triage');
  assert.equal(seen.version, c.version);
  assert.ok((await worklistIds('triage.cardio')).includes(c.id), 'new referral on the triage worklist');

  // accept with a priority change and the current version
  const a = await act(srv, 'triage.cardio', c.id, 'triage',
    { decision: 'accept', comment: 'Rapid access chest pain clinic', priority: 'urgent', version: c.version });
  assert.equal(a.status, 'awaiting_booking');
  assert.equal(a.priority, 'urgent');
  assert.equal(a.triage_comment, 'Rapid access chest pain clinic');
  assert.equal(a.owner.role, 'booking');
  assert.equal(a.owner.task, 'booking');
  assert.equal(a.owner.organisation.code, 'RZA');
  assert.ok(a.version > c.version, 'version increases');
  assert.ok(Date.parse(a.due_at) > Date.now(), 'booking due in the future');
  assert.equal(a.clock_start, c.clock_start);
  assert.equal((await get('gp.patel', c.id)).priority, 'urgent', 'priority change visible to the GP');
  assert.ok(!(await worklistIds('triage.cardio')).includes(c.id), 'gone from the triage worklist');
  assert.ok((await worklistIds('booking.rza')).includes(c.id), 'on the booking worklist');

  const appt = isoJustNow(); // booked for now, so that the patient can be seen now
  const b = await act(srv, 'booking.rza', c.id, 'book', { appointment_at: appt });
  assert.equal(b.status, 'booked');
  assert.equal(Date.parse(b.appointment_at), Date.parse(appt), `appointment_at ${b.appointment_at} = ${appt}`);
  assert.equal(b.owner.role, 'clinician');
  assert.equal(b.owner.service.id, cardio.id);
  assert.ok(Date.parse(b.due_at) > Date.parse(appt), 'attendance due after the appointment');
  assert.ok(b.version > a.version);
  assert.ok((await worklistIds('clinician.cardio')).includes(c.id), 'on the clinician worklist');
  assert.ok(!(await worklistIds('booking.rza')).includes(c.id), 'gone from the booking worklist');

  const at = await act(srv, 'clinician.cardio', c.id, 'attend', {});
  assert.equal(at.status, 'attended');
  assert.equal(at.owner.role, 'clinician');
  assert.ok(at.due_at);
  assert.ok(at.version > b.version);

  assertTimes(at);
  const d = await act(srv, 'clinician.cardio', c.id, 'discharge', { comment: 'Stable angina; GP to continue statin' });
  assert.equal(d.status, 'discharged');
  assert.equal(d.owner, null);
  assert.equal(d.due_at, null);
  assert.equal(d.overdue, false);
  assert.ok(d.version > at.version);
  assert.ok(!(await worklistIds('clinician.cardio')).includes(c.id), 'no task once discharged');

  const ev = await history('gp.patel', c.id);
  assertOrdered(ev);
  const ch = changes(ev);
  assertActors(ch, ['gp.patel', 'triage.cardio', 'booking.rza', 'clinician.cardio', 'clinician.cardio']);
  assert.ok(mentions(ch[1], 'accept'), `accept event: ${JSON.stringify(ch[1])}`);
  assert.ok(mentions(ch[2], 'book'));
  assert.ok(mentions(ch[3], 'attend'));
  assert.ok(mentions(ch[4], 'discharge'));
  const statuses = ['awaiting_triage', 'awaiting_booking', 'booked', 'attended', 'discharged'];
  ch.forEach((e, i) => {
    assert.ok(JSON.stringify(e.after).includes(statuses[i]), `event ${i} after shows ${statuses[i]}: ${JSON.stringify(e.after)}`);
    assert.equal(typeof e.actor.role, 'string');
    assert.ok(e.actor.display_name);
  });
  assert.ok(JSON.stringify(ch[1].before).includes('awaiting_triage'), 'accept before = awaiting_triage');
  assert.ok(JSON.stringify(ch[1]).includes('urgent'), 'accept event records the new priority');
  assert.equal(ch[1].actor.role, 'triager');
  assert.equal(ch[1].actor.organisation.code ?? ch[1].actor.organisation, 'RZA');
  // the trust sees the same history
  assert.deepEqual(await history('triage.cardio', c.id), ev);
});

test('return with advice, resubmit, return again, close', async () => {
  const c = await createReferral(srv, { service_id: cardio.id, priority: 'routine' });
  const advice1 = 'Please repeat lipids and start atorvastatin 20 mg; re-refer if symptoms persist.';
  const ret = await act(srv, 'triage.cardio', c.id, 'triage',
    { decision: 'return', comment: 'Not enough information', advice: advice1 });
  assert.equal(ret.status, 'returned');
  assert.equal(ret.owner.organisation.code, 'Z00001');
  assert.equal(ret.owner.role, 'gp');
  assert.ok(ret.due_at, 'GP review has a due time');
  assert.equal(ret.return.advice, advice1);
  assert.equal(ret.return.reason, 'Not enough information');
  assertTimes(ret);
  assert.ok(ret.return.at);
  assert.ok(JSON.stringify(ret.return.by).includes('triage.cardio'), `return.by names the triager: ${JSON.stringify(ret.return.by)}`);

  const gpView = await get('gp.patel', c.id);
  assert.equal(gpView.status, 'returned');
  assert.equal(gpView.return.advice, advice1);
  const wl = await worklist('gp.patel');
  const task = wl.find((t) => t.referral?.id === c.id);
  assert.ok(task, 'returned referral on the GP worklist');
  assert.equal(task.kind, gpView.owner.task, 'task kind matches owner.task');
  assert.ok(!(await worklistIds('triage.cardio')).includes(c.id), 'not on the triage worklist while returned');
  assert.ok(!(await worklistIds('gp.okafor')).includes(c.id), 'not on another practice\'s worklist');

  const res = await act(srv, 'gp.patel', c.id, 'resubmit',
    { comment: 'Lipids repeated: 7.1. Statin started; pain persists on exertion.', clinical_summary: 'Updated: pain persists on statin.' });
  assert.equal(res.status, 'awaiting_triage');
  assert.equal(res.owner.organisation.code, 'RZA');
  assert.equal(res.owner.role, 'triager');
  assert.equal(res.clinical_summary, 'Updated: pain persists on statin.');
  assert.equal(res.service.id, cardio.id);
  assert.ok((await worklistIds('triage.cardio')).includes(c.id));

  const advice2 = 'Start GTN spray and bisoprolol 2.5 mg; we will see if no better in 6 weeks.';
  const ret2 = await act(srv, 'clinician.cardio', c.id, 'triage',
    { decision: 'return', comment: 'Optimise medical therapy first', advice: advice2 });
  assert.equal(ret2.status, 'returned');
  assert.equal(ret2.return.advice, advice2, 'return shows the latest advice');
  assert.equal(ret2.return.reason, 'Optimise medical therapy first');

  const cl = await act(srv, 'gp.patel', c.id, 'close', { comment: 'Managing in primary care' });
  assert.equal(cl.status, 'closed');
  assert.equal(cl.owner, null);
  assert.equal(cl.due_at, null);
  assert.ok(!(await worklistIds('gp.patel')).includes(c.id), 'closed referral leaves the GP worklist');

  const ch = changes(await history('gp.patel', c.id));
  assertOrdered(ch);
  assertActors(ch, ['gp.patel', 'triage.cardio', 'gp.patel', 'clinician.cardio', 'gp.patel']);
  assert.ok(mentions(ch[1], 'return'));
  assert.ok(JSON.stringify(ch[1]).includes(advice1), 'return event keeps the advice');
  assert.ok(mentions(ch[2], 'resubmit'));
  assert.ok(JSON.stringify(ch[2]).includes('Lipids repeated'), 'resubmit event keeps the GP\'s answer');
  assert.ok(mentions(ch[4], 'close'));
});

/**
 * A redirect to another trust takes the referral out of the triager's sight.
 * The contract does not say what the response body is then; accept either
 * the full referral or a minimal {id, status, visible: false}.
 */
async function redirect(as, id, to, comment) {
  const r = await srv.api(as, 'POST', `/referrals/${id}/triage`, { decision: 'redirect', to_service_id: to, comment });
  assert.equal(r.status, 200, `redirect ${id} -> service ${to}: ${r.status} ${r.text}`);
  assert.equal(r.json.id, id);
  assert.equal(r.json.status, 'awaiting_triage');
  return r.json;
}

test('redirect to another trust keeps clock_start and moves visibility', async () => {
  const c = await createReferral(srv, { service_id: cardio.id, priority: 'urgent', reason: 'Itchy pigmented lesion left forearm' });
  const resp = await redirect('triage.cardio', c.id, dermRzb.id, 'Skin lesion: dermatology');
  if (resp.visible === false) assert.equal(resp.service, undefined, 'a minimal answer does not leak the new service details');
  const rd = await get('gp.patel', c.id);
  assert.equal(rd.status, 'awaiting_triage');
  assert.equal(rd.service.id, dermRzb.id);
  assert.equal(rd.service.name, 'Dermatology');
  assert.equal(rd.service.trust.code, 'RZB');
  assert.equal(rd.original_service?.id, cardio.id);
  assert.equal(rd.original_service.name, 'Cardiology');
  assert.equal(rd.clock_start, c.clock_start, 'clock_start kept on redirect');
  assert.equal(rd.priority, 'urgent');
  assert.equal(rd.owner.organisation.code, 'RZB');
  assert.equal(rd.owner.role, 'triager');
  assert.equal(rd.owner.service.id, dermRzb.id);
  assert.ok(rd.version > c.version);

  const hidden = await srv.api('triage.cardio', 'GET', `/referrals/${c.id}`);
  assert.equal(hidden.status, 404, 'the old trust can no longer see it');
  assert.equal(errorOf(hidden).code, 'not_found');
  assert.equal((await srv.api('triage.cardio', 'GET', `/referrals/${c.id}/history`)).status, 404);
  assert.ok(!(await worklistIds('triage.cardio')).includes(c.id));
  assert.ok((await worklistIds('triage.derm.rzb')).includes(c.id), 'on the RZB dermatology worklist');
  const rzb = await get('triage.derm.rzb', c.id);
  assert.equal(rzb.original_service.id, cardio.id);

  const ch = changes(await history('triage.derm.rzb', c.id));
  assertActors(ch, ['gp.patel', 'triage.cardio']);
  assert.ok(mentions(ch[1], 'redirect'));

  // the new service can triage it
  const acc = await act(srv, 'triage.derm.rzb', c.id, 'triage', { decision: 'accept' });
  assert.equal(acc.status, 'awaiting_booking');
  assert.equal(acc.owner.organisation.code, 'RZB');
  assert.equal(acc.original_service.id, cardio.id, 'original_service stays after further changes');
  assert.equal(acc.clock_start, c.clock_start);
});

test('a same-trust redirect answers with the full referral; a second redirect keeps original_service', async () => {
  // The triager works in both services (user_services), so still sees it after the first redirect.
  srv.sqlite(`INSERT INTO user_services (username, service_id, added_by) VALUES ('triage.cardio', ${dermRza.id}, 'test')`);
  const c = await createReferral(srv, { service_id: cardio.id });
  const m = await act(srv, 'triage.cardio', c.id, 'triage', { decision: 'redirect', to_service_id: dermRza.id });
  assert.equal(m.service.id, dermRza.id, 'same-trust redirect');
  assert.equal(m.original_service.id, cardio.id);
  assert.equal(m.owner.service.id, dermRza.id);
  assert.equal(m.clock_start, c.clock_start);
  await redirect('triage.cardio', c.id, gastroRzb.id);
  const r2 = await get('gp.patel', c.id);
  assert.equal(r2.service.id, gastroRzb.id);
  assert.equal(r2.original_service.id, cardio.id, 'original_service is where the GP sent it');
  assert.equal(r2.clock_start, c.clock_start);
});

test('GP withdraws with a reason; nothing more can happen', async () => {
  const c = await createReferral(srv, { service_id: cardio.id });
  const w = await act(srv, 'gp.patel', c.id, 'withdraw', { reason: 'Patient moved out of area' });
  assert.equal(w.status, 'withdrawn');
  assert.equal(w.withdraw_reason, 'Patient moved out of area');
  assert.equal(w.owner, null);
  assert.equal(w.due_at, null);
  assert.equal((await get('triage.cardio', c.id)).status, 'withdrawn', 'the trust still sees it');
  assert.ok(!(await worklistIds('triage.cardio')).includes(c.id));
  const again = await srv.api('triage.cardio', 'POST', `/referrals/${c.id}/triage`, { decision: 'accept' });
  assert.equal(again.status, 409);
  assert.equal(errorOf(again).code, 'illegal_transition');
  const ch = changes(await history('gp.patel', c.id));
  assertActors(ch, ['gp.patel', 'gp.patel']);
  assert.ok(mentions(ch[1], 'withdraw'));
  assert.ok(JSON.stringify(ch[1]).includes('Patient moved out of area'));
});

test('the trust clinician may withdraw an accepted referral', async () => {
  const c = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', c.id, 'triage', { decision: 'accept' });
  const w = await act(srv, 'clinician.cardio', c.id, 'withdraw', { reason: 'Patient declined' });
  assert.equal(w.status, 'withdrawn');
});

test('a practice admin and a triager may withdraw', async () => {
  const a = await createReferral(srv, { service_id: cardio.id });
  const w1 = await act(srv, 'admin.riverside', a.id, 'withdraw', { reason: 'Duplicate referral' });
  assert.equal(w1.status, 'withdrawn');
  const b = await createReferral(srv, { service_id: cardio.id });
  const w2 = await act(srv, 'triage.cardio', b.id, 'withdraw', { reason: 'Patient asked to cancel by phone', version: b.version });
  assert.equal(w2.status, 'withdrawn');
  assert.equal(w2.withdraw_reason, 'Patient asked to cancel by phone');
});

test('a practice admin may create a referral for the practice', async () => {
  const c = await createReferral(srv, { service_id: dermRzb.id, priority: 'two_week_wait', reason: 'Suspected melanoma' }, 'admin.riverside');
  assert.equal(c.requester.username, 'admin.riverside');
  assert.equal(c.priority, 'two_week_wait');
  assert.equal(c.owner.organisation.code, 'RZB');
  assert.ok(Date.parse(c.due_at) - Date.now() < 6 * DAY, 'two-week-wait triage is due soon');
  assert.equal((await get('gp.patel', c.id)).id, c.id, 'GP of the same practice sees it');
});

test('the reason limit counts characters, not bytes', async () => {
  const reason = 'é'.repeat(500); // 500 characters, 1000 bytes of UTF-8
  const c = await createReferral(srv, { service_id: cardio.id, reason });
  assert.equal(c.reason, reason);
  const welsh = 'Poen yn y frest ŵ ŷ — ' + 'ŵ'.repeat(478); // a Welsh-language reason, 500 characters
  assert.equal([...welsh].length, 500);
  assert.equal((await createReferral(srv, { service_id: cardio.id, reason: welsh })).reason, welsh);
});

test('text is stored exactly', async () => {
  const odd = 'Zoë O\'Brien — “pain” <b>&amp;</b> \\ "quoted" tab\there 🫀';
  const c2 = await createReferral(srv, { service_id: cardio.id, reason: odd, clinical_summary: 'x'.repeat(20_000) });
  assert.equal(c2.reason, odd);
  assert.equal(c2.clinical_summary.length, 20_000);
  assert.equal((await get('triage.cardio', c2.id)).reason, odd);
});

test('list filters: status, service, patient; most urgent first', async () => {
  const p = await pickPatient(srv, 'gp.patel');
  const a = await createReferral(srv, { patient_nhs_number: p.nhs_number, service_id: cardio.id });
  const b = await createReferral(srv, { patient_nhs_number: p.nhs_number, service_id: dermRzb.id });
  const byPatient = await srv.api('gp.patel', 'GET', `/referrals?patient=${p.nhs_number}`);
  assert.equal(byPatient.status, 200);
  const ids = byPatient.json.referrals.map((r) => r.id);
  assert.ok(ids.includes(a.id) && ids.includes(b.id));
  assert.ok(byPatient.json.referrals.every((r) => r.patient.nhs_number === p.nhs_number));
  assert.equal(byPatient.json.total, byPatient.json.referrals.length);

  const bySvc = await srv.api('gp.patel', 'GET', `/referrals?service=${dermRzb.id}&page_size=100`);
  assert.equal(bySvc.status, 200);
  assert.ok(bySvc.json.referrals.every((r) => r.service.id === dermRzb.id), 'service filter');
  assert.equal(bySvc.json.page_size, 100);

  const byStatus = await srv.api('triage.cardio', 'GET', '/referrals?status=awaiting_triage&page_size=100');
  assert.equal(byStatus.status, 200);
  assert.ok(byStatus.json.referrals.length > 0);
  assert.ok(byStatus.json.referrals.every((r) => r.status === 'awaiting_triage'));
  const rs = byStatus.json.referrals;
  for (let i = 1; i < rs.length; i++) {
    const x = rs[i - 1], y = rs[i];
    if (x.overdue !== y.overdue) { assert.ok(x.overdue && !y.overdue, `overdue first at ${i}`); continue; }
    assert.ok(Date.parse(x.due_at) <= Date.parse(y.due_at), `due_at ascending at ${i}: ${x.due_at} then ${y.due_at}`);
  }

  const def = await srv.api('gp.patel', 'GET', '/referrals');
  assert.equal(def.json.page, 1);
  assert.equal(def.json.page_size, 50);
  assert.ok(def.json.referrals.length <= 50);
});

test('the whole referral list is ordered: overdue first, then by due time, ended last', async () => {
  const all = await allPages(srv, 'booking.rza', '/referrals', 'referrals');
  assert.ok(all.some((r) => r.overdue), 'booking.rza can see overdue referrals');
  for (let i = 1; i < all.length; i++) {
    const x = all[i - 1], y = all[i];
    const at = `positions ${i - 1},${i}: ${x.id} (${x.overdue}, ${x.due_at}) / ${y.id} (${y.overdue}, ${y.due_at})`;
    if (x.overdue !== y.overdue) { assert.ok(x.overdue, `overdue first: ${at}`); continue; }
    if (x.due_at === null || y.due_at === null) { assert.ok(y.due_at === null, `no due time last: ${at}`); continue; }
    assert.ok(Date.parse(x.due_at) <= Date.parse(y.due_at), `due time ascending: ${at}`);
  }
  const beyond = await srv.api('booking.rza', 'GET', `/referrals?page=${Math.ceil(all.length / 50) + 5}`);
  assert.equal(beyond.status, 200);
  assert.deepEqual(beyond.json.referrals, []);
  assert.equal(beyond.json.total, all.length);
});

test('pages do not overlap and add up to total', async () => {
  const p1 = await srv.api('triage.cardio', 'GET', '/referrals?page=1&page_size=5');
  const p2 = await srv.api('triage.cardio', 'GET', '/referrals?page=2&page_size=5');
  assert.equal(p1.status, 200);
  assert.equal(p2.status, 200);
  assert.equal(p1.json.total, p2.json.total);
  assert.equal(p1.json.page, 1);
  assert.equal(p2.json.page, 2);
  assert.equal(p1.json.referrals.length, Math.min(5, p1.json.total));
  const s1 = new Set(p1.json.referrals.map((r) => r.id));
  assert.ok(p2.json.referrals.every((r) => !s1.has(r.id)), 'pages disjoint');
});

test('two conflicting triage decisions on the same version: exactly one wins', async () => {
  const c = await createReferral(srv, { service_id: cardio.id });
  const [x, y] = await Promise.all([
    srv.api('triage.cardio', 'POST', `/referrals/${c.id}/triage`, { decision: 'accept', version: c.version }),
    srv.api('clinician.cardio', 'POST', `/referrals/${c.id}/triage`,
      { decision: 'return', comment: 'Duplicate', advice: 'Already under cardiology', version: c.version }),
  ]);
  const statuses = [x.status, y.status].sort();
  assert.deepEqual(statuses, [200, 409], `one 200 and one 409: ${x.status} ${x.text} / ${y.status} ${y.text}`);
  const loser = x.status === 409 ? x : y;
  assert.ok(['stale_version', 'illegal_transition'].includes(errorOf(loser).code));
  const winner = x.status === 200 ? x.json : y.json;
  const now = await get('gp.patel', c.id);
  assert.equal(now.status, winner.status);
  assert.equal(now.version, winner.version);
  assert.equal(changes(await history('gp.patel', c.id)).length, 2, 'one creation, one decision');
});

// H29: an attendance is dated when the patient was seen: on or after the booked
// appointment's day, never in the future; a refusal is a 422 naming attended_at and
// stores nothing; the recorded time is what reaches the clinic letter and the pathway.
test('attendance is dated truthfully: not before the appointment, not in the future', async () => {
  const c = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', c.id, 'triage', { decision: 'accept' });
  const b = await act(srv, 'booking.rza', c.id, 'book', { appointment_at: isoDaysAhead(14, 9, 30) });
  const tryAttend = async (body, code) => {
    const r = await srv.api('clinician.cardio', 'POST', `/referrals/${c.id}/attend`, body);
    assert.equal(r.status, 422, `attend ${JSON.stringify(body)}: ${r.status} ${r.text}`);
    const e = errorOf(r);
    assert.equal(e.code, code, `attend ${JSON.stringify(body)}: ${e.code}`);
    assert.equal(e.field, 'attended_at');
    const now = await get('clinician.cardio', c.id);
    assert.equal(now.status, 'booked', 'nothing stored');
    assert.equal(now.version, b.version, 'nothing stored');
  };
  // the appointment is in 14 days: attending now (the default) is before it
  await tryAttend({}, 'attended_before_appointment');
  await tryAttend({ attended_at: isoJustNow() }, 'attended_before_appointment');
  await tryAttend({ attended_at: 'yesterday' }, 'invalid_value');

  // the clinic day came (the appointment two days ago; referred ten days ago)
  const start = new Date(Date.now() - 10 * DAY).toISOString().slice(0, 10);
  srv.sqlite(`UPDATE referrals SET clock_start = '${start}' WHERE id = ${c.id}`);
  srv.sqlite(`UPDATE pathways SET clock_start = '${start}', clock_start_day = ${Math.round(Date.parse(`${start}T00:00:00Z`) / DAY)},
    referral_received = '${start}' WHERE referral_id = ${c.id}`);
  const apptMs = Date.now() - 2 * DAY;
  const apptIso = new Date(apptMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  srv.sqlite(`UPDATE referrals SET appointment_at = '${apptIso}' WHERE id = ${c.id}`);
  await tryAttend({ attended_at: new Date(apptMs - DAY).toISOString() }, 'attended_before_appointment');
  await tryAttend({ attended_at: new Date(Date.now() + 3600_000).toISOString() }, 'attended_in_future');
  await tryAttend({ attended_at: new Date(Date.now() + 2 * DAY).toISOString() }, 'attended_in_future');
  const lettersBefore = await srv.api('clinician.cardio', 'GET', `/letters?referral=${c.id}`);
  assert.equal(lettersBefore.json.letters.length, 0, 'no letter due from a refused attendance');

  // recorded today, seen on the appointment's day: that day is what counts
  const seen = `${apptIso.slice(0, 10)}T23:59:00Z`;
  const seenAt = Date.parse(seen) > Date.now() ? apptIso : seen;
  const at = await act(srv, 'clinician.cardio', c.id, 'attend', { attended_at: seenAt });
  assert.equal(at.status, 'attended');
  const ls = (await srv.api('clinician.cardio', 'GET', `/letters?referral=${c.id}`)).json.letters;
  assert.equal(ls.length, 1, 'a clinic letter is due');
  assert.equal(Date.parse(ls[0].event_at), Date.parse(seenAt), `letter event_at ${ls[0].event_at} is the attendance ${seenAt}`);
  // due a number of working days after the attendance, at its clock time (not today's)
  assert.equal(ls[0].due_at.slice(11, 19), new Date(seenAt).toISOString().slice(11, 19), `letter due from the attendance: ${ls[0].due_at}`);
  assert.ok(Date.parse(ls[0].due_at) > Date.parse(seenAt) && Date.parse(ls[0].due_at) < Date.parse(seenAt) + 21 * DAY);
  const ev = (await history('clinician.cardio', c.id)).find((e) => e.action === 'referral.attended');
  assert.ok(ev, 'attended event');
  assert.equal(Date.parse((typeof ev.detail === 'string' ? JSON.parse(ev.detail) : ev.detail).attended_at), Date.parse(seenAt));
  const pw = srv.sqlite(`SELECT last_activity FROM pathways WHERE referral_id = ${c.id}`);
  if (pw.length) assert.equal(String(pw[0].last_activity).slice(0, 10), seenAt.slice(0, 10), 'the pathway\'s last activity is the attendance day');
});
