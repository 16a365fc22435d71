// Onward referral: a hospital clinician refers on from a referral at their
// trust (docs/api.md, "Triage additions and onward referral").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, findService, createReferral, act, errorOf, allPages, todayDates, isoDaysAhead, isoJustNow,
} from './lib/server.mjs';

let srv, cardio, dermRzb, dermRza;
before(async () => {
  srv = await startServer();
  cardio = await findService(srv, 'RZA', 'Cardiology');
  dermRzb = await findService(srv, 'RZB', 'Dermatology');
  dermRza = await findService(srv, 'RZA', 'Dermatology');
});
after(async () => { await srv?.stop(); });

const idOf = (x) => (x !== null && typeof x === 'object' ? x.id : x);
const get = async (as, id) => {
  const r = await srv.api(as, 'GET', `/referrals/${id}`);
  assert.equal(r.status, 200, `GET /referrals/${id} as ${as}: ${r.status} ${r.text}`);
  return r.json;
};
const worklist = (as) => allPages(srv, as, '/worklist', 'tasks');

/** A Cardiology RZA referral from gp.patel taken through accept, book and attend. */
async function attendedCardio() {
  const c = await createReferral(srv, { service_id: cardio.id, priority: 'routine' });
  await act(srv, 'triage.cardio', c.id, 'triage', { decision: 'accept' });
  await act(srv, 'booking.rza', c.id, 'book', { appointment_at: isoJustNow() });
  return act(srv, 'clinician.cardio', c.id, 'attend', {});
}
const onwardBody = (src, extra = {}) => ({
  onward_from: src.id,
  service_id: dermRzb.id,
  priority: 'routine',
  reason: 'Suspicious pigmented lesion noted in cardiology clinic',
  clinical_summary: 'Irregular 8 mm naevus, left shoulder, changed in 6 months.',
  same_condition: true,
  ...extra,
});
async function refused(as, body, status, code, field) {
  const before = srv.counts();
  const r = await srv.api(as, 'POST', '/referrals', body);
  assert.equal(r.status, status, `POST /referrals as ${as} ${JSON.stringify(body).slice(0, 200)}: expected ${status}, got ${r.status} ${r.text}`);
  const e = errorOf(r);
  if (code) assert.equal(e.code, code);
  if (field) assert.equal(e.field, field);
  assert.deepEqual(srv.counts(), before, 'a refused onward referral writes nothing');
  return e;
}

test('every referral has a pathway_id from the issuing trust and referral number', async () => {
  const c = await createReferral(srv, { service_id: cardio.id });
  assert.equal(typeof c.pathway_id, 'string');
  assert.ok(c.pathway_id.startsWith('RZA'), `pathway_id ${c.pathway_id} starts with the trust code`);
  assert.ok(c.pathway_id.includes(String(c.id)), `pathway_id ${c.pathway_id} carries the referral number`);
  assert.equal(c.onward_from, null);
  assert.equal(c.advice_id, null);
  assert.ok('same_condition' in c, 'same_condition present');
});

test('onward referral, same condition: clock and pathway carry over; the GP sees it and owes nothing', async () => {
  const src = await attendedCardio();
  assert.equal(src.status, 'attended');
  const r = await srv.api('clinician.cardio', 'POST', '/referrals', onwardBody(src, { same_condition: true }));
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  assert.ok(Number.isInteger(id) && id !== src.id);
  assert.equal(r.json.status, 'awaiting_triage');

  const o = await get('gp.patel', id); // the GP sees it (copied for information)
  assert.equal(o.status, 'awaiting_triage');
  assert.equal(o.service.id, dermRzb.id);
  assert.equal(o.service.trust.code, 'RZB');
  assert.equal(o.patient.nhs_number, src.patient.nhs_number, 'the patient is the source referral\'s');
  assert.equal(o.requester.organisation.code, 'RZA');
  assert.equal(o.requester.username, 'clinician.cardio');
  assert.equal(idOf(o.onward_from), src.id);
  assert.equal(o.same_condition, true);
  assert.equal(o.clock_start, src.clock_start, 'clock_start carried over');
  assert.equal(o.pathway_id, src.pathway_id, 'pathway_id carried over');
  assert.equal(o.owner.organisation.code, 'RZB');
  assert.equal(o.owner.role, 'triager');
  assert.equal(o.owner.service.id, dermRzb.id);
  assert.equal(srv.count(`SELECT count(*) FROM tasks WHERE referral_id = ${id} AND state = 'open' AND owner_org = 'Z00001'`), 0,
    'no task owned by the practice');
  assert.ok(!(await worklist('gp.patel')).some((t) => t.referral?.id === id), 'not on the GP worklist');
  assert.ok((await worklist('triage.derm.rzb')).some((t) => t.referral?.id === id), 'on the receiving triager worklist');
  assert.equal((await get('triage.derm.rzb', id)).pathway_id, src.pathway_id);
  // the source is untouched
  const s2 = await get('clinician.cardio', src.id);
  assert.equal(s2.status, 'attended');
});

test('onward referral, new condition: a new clock today and a new pathway', async () => {
  const src = await attendedCardio();
  // make the source's clock old so a new clock is distinguishable
  srv.sqlite(`UPDATE referrals SET clock_start = '2025-01-06' WHERE id = ${src.id}`);
  const srcNow = await get('clinician.cardio', src.id);
  assert.equal(srcNow.clock_start, '2025-01-06');
  const r = await srv.api('clinician.cardio', 'POST', '/referrals', onwardBody(src, { same_condition: false, service_id: dermRza.id }));
  assert.equal(r.status, 201, r.text);
  const o = await get('gp.patel', r.json.id);
  assert.equal(o.same_condition, false);
  assert.equal(idOf(o.onward_from), src.id);
  assert.ok(todayDates().includes(o.clock_start), `new clock today: ${o.clock_start}`);
  assert.notEqual(o.pathway_id, srcNow.pathway_id, 'a new pathway');
  assert.equal(typeof o.pathway_id, 'string');
  assert.equal(o.service.id, dermRza.id);
  assert.equal(srv.count(`SELECT count(*) FROM tasks WHERE referral_id = ${o.id} AND state = 'open' AND owner_org = 'Z00001'`), 0);

  // same condition from that old source keeps the old clock
  const r2 = await srv.api('triage.cardio', 'POST', '/referrals', onwardBody(src, { same_condition: true }));
  assert.equal(r2.status, 201, `triager may refer on too: ${r2.text}`);
  assert.equal((await get('gp.patel', r2.json.id)).clock_start, '2025-01-06');
});

test('onward referral refusals', async () => {
  const src = await attendedCardio();
  const { same_condition, ...noSame } = onwardBody(src);
  await refused('clinician.cardio', noSame, 422, 'missing_field', 'same_condition');
  await refused('clinician.cardio', onwardBody(src, { same_condition: 'yes' }), 400, null, 'same_condition');
  // a referral another trust holds, or none: the link is refused (422 invalid_link, docs/api.md)
  await refused('triage.derm.rzb', onwardBody(src, { service_id: cardio.id }), 422, 'invalid_link', 'onward_from');
  await refused('clinician.cardio', onwardBody(src, { onward_from: 99999999 }), 422, 'invalid_link', 'onward_from');
  // a GP may not make onward referrals
  await refused('gp.patel', onwardBody(src), 403, 'forbidden');
  // booking staff may not either (clinician or triager only)
  await refused('booking.rza', onwardBody(src), 403, 'forbidden');
  // hospital staff without onward_from cannot make an ordinary referral
  const { onward_from, ...plain } = onwardBody(src);
  const e = await srv.api('clinician.cardio', 'POST', '/referrals', { ...plain, patient_nhs_number: src.patient.nhs_number });
  assert.ok([403, 422].includes(e.status), `clinician without onward_from: ${e.status} ${e.text}`);
});
