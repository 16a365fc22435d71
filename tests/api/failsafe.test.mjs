// `seam failsafe`: escalates overdue work, idempotently.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, findService, createReferral, seam, ROOT, allPages } from './lib/server.mjs';

let srv, cardio;
before(async () => {
  srv = await startServer();
  cardio = await findService(srv, 'RZA', 'Cardiology');
});
after(async () => { await srv?.stop(); });

const HOLIDAYS = new Set(fs.readFileSync(path.join(ROOT, 'data/bank-holidays-england-and-wales.csv'), 'utf8')
  .split('\n').slice(1).map((l) => l.split(',')[0]).filter(Boolean));
const isWorking = (d) => d.getUTCDay() !== 0 && d.getUTCDay() !== 6 && !HOLIDAYS.has(d.toISOString().slice(0, 10));
/** Same UTC clock time on the n-th working day after t's date (cf. cal_add_working_days). */
function addWorkingDays(t, n) {
  const d = new Date(t);
  while (!isWorking(d)) d.setUTCDate(d.getUTCDate() + 1);
  for (let i = 0; i < n; i++) {
    do d.setUTCDate(d.getUTCDate() + 1); while (!isWorking(d));
  }
  return d;
}
const iso = (d) => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
const HOUR = 3600_000;

function failsafe(now) {
  const r = seam(['failsafe', '--db', srv.db, '--now', now]);
  assert.equal(r.status, 0, `seam failsafe --now ${now} exited ${r.status}: ${r.stderr}`);
  return r;
}
const get = async (id) => (await srv.api('gp.patel', 'GET', `/referrals/${id}`)).json;
const history = async (id) => (await srv.api('gp.patel', 'GET', `/referrals/${id}/history`)).json.events;
const escalations = (ev) => ev.filter((e) => /escalat/i.test(e.action));
/** Output lines naming referral id ("... referral 4000, ..."). */
const linesFor = (out, id) => out.split('\n').filter((l) => new RegExp(`referral\\W{0,3}${id}(\\D|$)`, 'i').test(l));
/** Escalation events of the whole database (the failsafe CLI writes them). */
const escalationRows = () => srv.count("SELECT count(*) AS n FROM events WHERE action LIKE '%escalat%'");

test('failsafe --help exits 0 with usage', () => {
  const r = seam(['failsafe', '--help']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout + r.stderr, /usage/i);
  assert.match(r.stdout + r.stderr, /--now/);
});

test('failsafe with a bad --now exits non-zero with a message', () => {
  for (const bad of ['not-a-date', '2026-13-01T00:00:00Z', '']) {
    const r = seam(['failsafe', '--db', srv.db, '--now', bad]);
    assert.notEqual(r.status, 0, `--now "${bad}" should fail`);
    assert.match(r.stderr, /now|date|time/i, `message for --now "${bad}": ${r.stderr}`);
  }
  const r = seam(['failsafe', '--db', srv.db, '--now']);
  assert.notEqual(r.status, 0, '--now without a value');
});

test('escalation climbs owner -> interface lead -> ICB and is idempotent', async () => {
  const c = await createReferral(srv, { service_id: cardio.id, priority: 'routine' });
  assert.equal(c.escalation_level, 0);
  const due = Date.parse(c.due_at);

  // before the due time: nothing for this referral
  const r0 = failsafe(iso(due - HOUR));
  assert.deepEqual(linesFor(r0.stdout, c.id), [], `not yet due, not named: ${linesFor(r0.stdout, c.id)}`);
  assert.equal((await get(c.id)).escalation_level, 0);
  assert.equal(escalations(await history(c.id)).length, 0);

  // just overdue: level 1, the owner
  const r1 = failsafe(iso(due + HOUR));
  assert.ok(linesFor(r1.stdout, c.id).length > 0, `output names referral ${c.id}:\n${r1.stdout.slice(0, 2000)}`);
  let g = await get(c.id);
  assert.equal(g.escalation_level, 1);
  assert.equal(g.escalated_to, 'owner');

  // two working days late: level 2, the trust's interface lead
  const r2 = failsafe(iso(addWorkingDays(due, 2).getTime() + HOUR));
  assert.ok(linesFor(r2.stdout, c.id).some((l) => /interface|lead|2/i.test(l)), `output names the level-2 escalation of ${c.id}:\n${linesFor(r2.stdout, c.id)}`);
  g = await get(c.id);
  assert.equal(g.escalation_level, 2);
  assert.equal(g.escalated_to, 'interface_lead');

  // 30 days ahead: level 3, the ICB
  const far = iso(Date.now() + 30 * 86400_000);
  const r3 = failsafe(far);
  const lines = linesFor(r3.stdout, c.id);
  assert.ok(lines.length > 0, `output names referral ${c.id}`);
  assert.ok(lines.some((l) => /icb/i.test(l)), `output names the ICB escalation: ${lines}`);
  g = await get(c.id);
  assert.equal(g.escalation_level, 3);
  assert.equal(g.escalated_to, 'icb');
  assert.equal(g.status, 'awaiting_triage', 'escalation does not change the status');

  const ev = await history(c.id);
  const esc = escalations(ev);
  assert.equal(esc.length, 3, `one escalation event per level: ${JSON.stringify(esc.map((e) => e.action))}`);
  assert.ok(JSON.stringify(esc[2]).includes('icb') || JSON.stringify(esc[2]).includes('3'), JSON.stringify(esc[2]));
  for (let i = 1; i < ev.length; i++) assert.ok(ev[i].id > ev[i - 1].id, 'history oldest first');

  // second run at the same time: nothing new
  const n = { ...srv.counts(), escalations: escalationRows() };
  const again = failsafe(far);
  assert.deepEqual(linesFor(again.stdout, c.id), [], `second run names ${c.id} again: ${linesFor(again.stdout, c.id)}`);
  assert.deepEqual({ ...srv.counts(), escalations: escalationRows() }, n, 'second run writes nothing');
  assert.deepEqual(await history(c.id), ev);
  // and an earlier --now does not lower the level
  failsafe(iso(due + HOUR));
  assert.equal((await get(c.id)).escalation_level, 3);
  assert.deepEqual({ ...srv.counts(), escalations: escalationRows() }, n, 'an earlier --now writes nothing');
});

test('a single far-future run escalates a fresh referral straight to the ICB', async () => {
  const c = await createReferral(srv, { service_id: cardio.id, priority: 'urgent' });
  const r = failsafe(iso(Date.now() + 30 * 86400_000));
  const lines = linesFor(r.stdout, c.id);
  assert.ok(lines.some((l) => /icb/i.test(l)), `output names referral ${c.id} and the ICB:\n${r.stdout.slice(0, 2000)}`);
  const g = await get(c.id);
  assert.equal(g.escalation_level, 3);
  assert.equal(g.escalated_to, 'icb');
  assert.ok(escalations(await history(c.id)).length >= 1, 'history has the escalation');
  const icb = await allPages(srv, 'analyst.icb', '/worklist', 'tasks');
  assert.ok(icb.some((t) => t.referral?.id === c.id), 'on the ICB analyst\'s worklist');
  const lead = await allPages(srv, 'lead.rza', '/worklist', 'tasks');
  assert.ok(lead.some((t) => t.referral?.id === c.id), 'on the interface lead\'s worklist (level 2+)');
  const n = escalationRows();
  const again = failsafe(iso(Date.now() + 30 * 86400_000));
  assert.deepEqual(linesFor(again.stdout, c.id), []);
  assert.equal(escalationRows(), n, 'idempotent');
  assert.match(again.stdout + again.stderr, /\b0 escalated\b|nothing/i, `the second run reports nothing escalated: ${again.stdout.slice(-300)}`);
});

test('ended referrals are never escalated', async () => {
  const c = await createReferral(srv, { service_id: cardio.id });
  const w = await srv.api('gp.patel', 'POST', `/referrals/${c.id}/withdraw`, { reason: 'Resolved' });
  assert.equal(w.status, 200);
  const r = failsafe(iso(Date.now() + 60 * 86400_000));
  assert.deepEqual(linesFor(r.stdout, c.id), []);
  const g = await get(c.id);
  assert.equal(g.escalation_level, 0);
  assert.equal(g.escalated_to, null);
  assert.equal(escalations(await history(c.id)).length, 0);
});
