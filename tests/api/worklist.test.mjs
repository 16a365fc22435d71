// GET /worklist: each role's open tasks, overdue first, then most escalated,
// then earliest due.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, findService, createReferral, act, allPages, isoJustNow, } from './lib/server.mjs';

let srv, cardio, dermRzb;
const WL = {};
const PERSONAS = ['triage.cardio', 'clinician.cardio', 'booking.rza', 'triage.derm.rzb', 'gp.patel', 'gp.okafor',
  'admin.riverside', 'lead.rza', 'analyst.icb'];
const LEVEL_TO = { 0: null, 1: 'owner', 2: 'interface_lead', 3: 'icb' };

before(async () => {
  srv = await startServer();
  cardio = await findService(srv, 'RZA', 'Cardiology');
  dermRzb = await findService(srv, 'RZB', 'Dermatology');
  for (const p of PERSONAS) WL[p] = await worklist(p);
});
after(async () => { await srv?.stop(); });

/** The whole worklist (the server pages it; the contract does not mention paging). */
async function worklist(as) {
  const r = await srv.api(as, 'GET', '/worklist');
  assert.equal(r.status, 200, `GET /worklist as ${as}: ${r.status} ${r.text}`);
  assert.ok(Array.isArray(r.json.tasks));
  if (r.json.total === undefined || r.json.total <= r.json.tasks.length) return r.json.tasks;
  return allPages(srv, as, '/worklist', 'tasks');
}
const serviceOf = (t) => t.referral?.service?.id ?? t.owner?.service?.id;

function assertSorted(tasks, who) {
  for (let i = 1; i < tasks.length; i++) {
    const a = tasks[i - 1], b = tasks[i];
    const at = `${who} tasks ${i - 1},${i} (${a.id}: overdue ${a.overdue} L${a.escalation_level} ${a.due_at} / ${b.id}: overdue ${b.overdue} L${b.escalation_level} ${b.due_at})`;
    if (a.overdue !== b.overdue) { assert.ok(a.overdue, `overdue first: ${at}`); continue; }
    if (a.escalation_level !== b.escalation_level) {
      assert.ok(a.escalation_level > b.escalation_level, `most escalated next: ${at}`);
      continue;
    }
    assert.ok(Date.parse(a.due_at) <= Date.parse(b.due_at), `earliest due next: ${at}`);
  }
}
function assertTaskShape(t, who) {
  for (const k of ['id', 'kind', 'referral', 'owner', 'due_at', 'overdue', 'escalation_level', 'escalated_to']) {
    assert.ok(k in t, `${who} task has ${k}: ${JSON.stringify(t).slice(0, 300)}`);
  }
  // A task is about a referral or an advice request: exactly one of the two.
  assert.ok(['referral', 'advice', 'order', 'result', 'letter', 'follow_up', 'gp_action'].includes(t.subject),
    `${who} task ${t.id} subject ${t.subject}`);
  assert.ok(Number.isInteger(t[t.subject].id));
  if (t.subject !== 'referral') assert.equal(t.referral, null);
  if (t.subject !== 'advice') assert.equal(t.advice, null);
  assert.ok(Number.isInteger(t.escalation_level) && t.escalation_level >= 0 && t.escalation_level <= 3);
  assert.equal(t.escalated_to, LEVEL_TO[t.escalation_level], `${who} task ${t.id}: escalated_to matches level ${t.escalation_level}`);
  const now = Date.now();
  const due = Date.parse(t.due_at);
  assert.ok(!Number.isNaN(due), `due_at parses: ${t.due_at}`);
  if (Math.abs(due - now) > 120_000) assert.equal(t.overdue, due < now, `${who} task ${t.id}: overdue iff due_at (${t.due_at}) has passed`);
  if (t.escalation_level >= 1) assert.equal(t.overdue, true, `${who} task ${t.id}: escalated tasks are overdue`);
}

test('every worklist has the task shape', () => {
  for (const p of PERSONAS) {
    const ids = WL[p].map((t) => t.id);
    assert.equal(new Set(ids).size, ids.length, `${p}: no duplicate tasks`);
    for (const t of WL[p]) assertTaskShape(t, p);
  }
});

test('every worklist is in the contract order: overdue, most escalated, earliest due', () => {
  const problems = [];
  for (const p of PERSONAS) {
    try { assertSorted(WL[p], p); } catch (e) { problems.push(e.message); }
  }
  assert.deepEqual(problems, []);
});

test('demo data holds overdue, escalated work', () => {
  const all = PERSONAS.flatMap((p) => WL[p]);
  assert.ok(all.some((t) => t.overdue && t.escalation_level >= 1), 'some task is overdue with escalation_level >= 1');
  assert.ok(WL['triage.cardio'].length > 0, 'Cardiology RZA has triage work');
});

test('triager: only triage tasks of their service, matching the awaiting-triage referrals', async () => {
  // The consultant who triages also answers the service's advice requests.
  for (const t of WL['triage.cardio'].filter((x) => x.subject === 'advice')) {
    assert.equal(t.kind, 'advice_response', `task ${t.id}`);
    assert.equal(serviceOf(t), cardio.id);
  }
  const tasks = WL['triage.cardio'].filter((x) => x.subject === 'referral');
  for (const t of tasks) {
    assert.equal(t.kind, 'triage', `task ${t.id}`);
    assert.equal(serviceOf(t), cardio.id, `task ${t.id} is for Cardiology RZA`);
    assert.equal(t.owner.role, 'triager');
    assert.equal(t.owner.organisation.code, 'RZA');
  }
  const waiting = (await allPages(srv, 'triage.cardio', '/referrals?status=awaiting_triage', 'referrals'))
    .filter((r) => r.service.id === cardio.id);
  assert.deepEqual(tasks.map((t) => t.referral.id).sort((a, b) => a - b), waiting.map((r) => r.id).sort((a, b) => a - b),
    'one triage task per referral awaiting triage at the service');
  for (const t of WL['triage.derm.rzb']) {
    assert.equal(t.kind, t.subject === 'advice' ? 'advice_response' : 'triage');
    assert.equal(serviceOf(t), dermRzb.id);
  }
});

test('booking team: booking tasks of their trust', () => {
  assert.ok(WL['booking.rza'].length > 0, 'RZA has booking work in the demo');
  for (const t of WL['booking.rza']) {
    // Booking referrals, and the follow-ups the clinic has asked for.
    assert.ok(['booking', 'follow_up'].includes(t.kind), `booking.rza task ${t.id} kind ${t.kind}`);
    assert.equal(t.owner.organisation.code, 'RZA');
    assert.equal(t.owner.role, 'booking');
  }
});

test('clinician: attendance and outcome tasks of their service', () => {
  // The demo's clinician.cardio works in two services (user_services): Cardiology and Respiratory Medicine.
  const mine = srv.sqlite("SELECT service_id FROM user_services WHERE username = 'clinician.cardio'").map((r) => Number(r.service_id));
  assert.ok(mine.includes(cardio.id) && mine.length === 2, `clinician.cardio's services: ${mine}`);
  for (const t of WL['clinician.cardio']) {
    assert.ok(['attendance', 'outcome', 'clinic_letter', 'discharge_summary', 'expected_result', 'review_result',
      'pifu_review', 'gp_action_declined'].includes(t.kind), `kind ${t.kind}`);
    assert.ok(mine.includes(serviceOf(t)), `task ${t.id} of service ${serviceOf(t)}, one of clinician.cardio's`);
    assert.equal(t.owner.role, 'clinician');
  }
});

test('GP and practice admin: returned referrals of their practice', async () => {
  for (const [p, org] of [['gp.patel', 'Z00001'], ['gp.okafor', 'Z00002'], ['admin.riverside', 'Z00001']]) {
    for (const t of WL[p].filter((x) => x.subject === 'advice')) {
      assert.ok(['advice_reply', 'read_advice'].includes(t.kind), `${p} advice task ${t.id} kind ${t.kind}`);
      assert.equal(t.owner.organisation.code, org);
    }
    for (const t of WL[p].filter((x) => x.subject === 'referral').slice(0, 15)) {
      assert.equal(t.owner.organisation.code, org, `${p} task ${t.id}`);
      const r = await srv.api(p, 'GET', `/referrals/${t.referral.id}`);
      assert.equal(r.status, 200);
      assert.equal(r.json.status, 'returned', `${p} task ${t.id} is a returned referral`);
      assert.equal(r.json.patient.practice.code, org);
    }
  }
  assert.deepEqual(WL['admin.riverside'].map((t) => t.id).sort(), WL['gp.patel'].map((t) => t.id).sort(),
    'practice admin and GP share the practice worklist');
});

test('interface lead: only the trust\'s tasks at level 2+, and all of them', () => {
  const lead = WL['lead.rza'];
  for (const t of lead) {
    assert.ok(t.escalation_level >= 2, `lead.rza task ${t.id} at level ${t.escalation_level}`);
    // The trust's own overdue work, and practices' overdue work on the trust's patients' care
    // (a returned referral, a GP action from its letter): the interface lead sees both sides.
    const svcTrust = t[t.subject].service.trust.code;
    assert.equal(svcTrust, 'RZA', `lead.rza task ${t.id} concerns ${svcTrust}`);
    if (t.owner.organisation.code !== 'RZA') assert.equal(t.owner.role, 'gp', `lead.rza task ${t.id}`);
  }
  const ids = new Set(lead.map((t) => t.id));
  for (const p of ['triage.cardio', 'clinician.cardio', 'booking.rza']) {
    for (const t of WL[p].filter((x) => x.escalation_level >= 2)) {
      assert.ok(ids.has(t.id), `${p}'s level-${t.escalation_level} task ${t.id} is on the interface lead's worklist`);
    }
  }
  for (const t of WL['triage.derm.rzb']) assert.ok(!ids.has(t.id), 'no RZB task on the RZA lead\'s list');
});

test('ICB analyst: level-3 tasks only, from every trust and practice', () => {
  const icb = WL['analyst.icb'];
  for (const t of icb) assert.equal(t.escalation_level, 3, `analyst.icb task ${t.id}`);
  for (const t of icb) assert.equal(t.escalated_to, 'icb');
  const ids = new Set(icb.map((t) => t.id));
  for (const p of PERSONAS.filter((x) => x !== 'analyst.icb')) {
    for (const t of WL[p].filter((x) => x.escalation_level === 3)) {
      assert.ok(ids.has(t.id), `${p}'s level-3 task ${t.id} is on the ICB's worklist`);
    }
  }
});

test('a task moves between worklists as the referral moves', async () => {
  const c = await createReferral(srv, { service_id: cardio.id, priority: 'two_week_wait', reason: 'Suspected cardiac tumour on echo' });
  let tri = await worklist('triage.cardio');
  const t = tri.find((x) => x.referral?.id === c.id);
  assert.ok(t, 'new referral on the triage worklist');
  assert.equal(t.kind, 'triage');
  assert.equal(t.overdue, false);
  assert.equal(t.escalation_level, 0);
  assert.equal(Date.parse(t.due_at), Date.parse(c.due_at), 'task due_at is the referral\'s due_at');
  assert.ok(!(await worklist('triage.derm.rzb')).some((x) => x.referral?.id === c.id));
  assert.ok(!(await worklist('lead.rza')).some((x) => x.referral?.id === c.id), 'not escalated: not on the lead\'s list');

  await act(srv, 'triage.cardio', c.id, 'triage', { decision: 'accept' });
  tri = await worklist('triage.cardio');
  assert.ok(!tri.some((x) => x.referral?.id === c.id), 'triage task closed');
  const bk = (await worklist('booking.rza')).find((x) => x.referral?.id === c.id);
  assert.ok(bk, 'booking task opened');
  assert.equal(bk.kind, 'booking');
  assert.notEqual(bk.id, t.id, 'a new task for the new step');

  await act(srv, 'booking.rza', c.id, 'book', { appointment_at: isoJustNow() });
  assert.ok(!(await worklist('booking.rza')).some((x) => x.referral?.id === c.id));
  const cl = (await worklist('clinician.cardio')).find((x) => x.referral?.id === c.id);
  assert.ok(cl, 'attendance task for the clinician');
  assert.equal(cl.kind, 'attendance');

  await act(srv, 'clinician.cardio', c.id, 'attend', {});
  const oc = (await worklist('clinician.cardio')).filter((x) => x.referral?.id === c.id);
  assert.equal(oc.length, 1, 'exactly one open task per referral');
  assert.equal(oc[0].kind, 'outcome');
  const openTasks = srv.count(`SELECT count(*) AS n FROM tasks WHERE referral_id = ${c.id} AND state = 'open'`);
  assert.equal(openTasks, 1, 'one open task row in the database');
});

test('a returned referral lands on its practice\'s worklist only', async () => {
  const c = await createReferral(srv, { service_id: cardio.id });
  await act(srv, 'triage.cardio', c.id, 'triage', { decision: 'return', comment: 'Wrong service', advice: 'Refer to the heart failure nurse' });
  const mine = (await worklist('gp.patel')).find((t) => t.referral?.id === c.id);
  assert.ok(mine, 'on gp.patel\'s worklist');
  assert.equal(mine.owner.organisation.code, 'Z00001');
  assert.equal(mine.owner.role, 'gp');
  assert.equal(mine.overdue, false);
  assert.ok((await worklist('admin.riverside')).some((t) => t.referral?.id === c.id), 'on the practice admin\'s worklist');
  assert.ok(!(await worklist('gp.okafor')).some((t) => t.referral?.id === c.id), 'not on another practice\'s worklist');
  assert.ok(!(await worklist('triage.cardio')).some((t) => t.referral?.id === c.id), 'off the triage worklist');
  await act(srv, 'gp.patel', c.id, 'close', { comment: 'Done' });
  assert.ok(!(await worklist('gp.patel')).some((t) => t.referral?.id === c.id), 'closed: off the worklist');
});

test('worklist pages are disjoint and add up to total', async () => {
  const r1 = await srv.api('booking.rza', 'GET', '/worklist?page=1&page_size=5');
  const r2 = await srv.api('booking.rza', 'GET', '/worklist?page=2&page_size=5');
  assert.equal(r1.status, 200);
  assert.equal(r2.status, 200);
  assert.equal(r1.json.tasks.length, Math.min(5, r1.json.total));
  const ids = new Set(r1.json.tasks.map((t) => t.id));
  assert.ok(r2.json.tasks.every((t) => !ids.has(t.id)));
  assert.equal((await worklist('booking.rza')).length, r1.json.total);
});
