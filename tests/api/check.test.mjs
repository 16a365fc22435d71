// `seam check`: every handoff has exactly one owner (docs/clinical-safety,
// H27).  Each test breaks the invariant one way by direct SQL on the
// server's database (SQLite or PostgreSQL), sees `seam check` report exactly
// that violation and exit 1, and puts the row back, so the database is clean
// again for the harness's own check when the server stops.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, seam } from './lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

const one = (sql) => {
  const rows = srv.sqlite(sql);
  assert.ok(rows.length, `no rows from ${sql}`);
  return rows[0];
};
/** `seam check --json` on the server's database: {status, json, stdout, stderr}. */
function check(extra = []) {
  const r = seam(['check', '--db', srv.db, '--json', ...extra]);
  let json;
  try { json = JSON.parse(r.stdout); } catch { json = undefined; }
  return { ...r, json };
}
/** Asserts exit 1 and exactly the violations wanted (objects of expected fields). */
function expectViolations(want, what) {
  const r = check();
  assert.equal(r.status, 1, `${what}: seam check should exit 1, got ${r.status}: ${r.stdout}${r.stderr}`);
  const got = r.json.violations;
  assert.equal(got.length, want.length, `${what}: violations ${JSON.stringify(got, null, 1)}`);
  want.forEach((w, i) => {
    for (const [k, v] of Object.entries(w)) assert.equal(got[i][k], v, `${what}: violation ${i} ${k} in ${JSON.stringify(got[i])}`);
    assert.ok(got[i].message, 'a sentence says what is wrong');
  });
  return got;
}
function expectClean(what) {
  const r = check();
  assert.equal(r.status, 0, `${what}: ${r.stdout}${r.stderr}`);
  assert.deepEqual(r.json.violations, []);
  return r.json;
}
/** Runs fn with the invariant broken by `breakSql`, then undoes it with `undoSql`. */
function broken(breakSql, undoSql, fn) {
  for (const s of [].concat(breakSql)) srv.sqlite(s);
  try {
    fn();
  } finally {
    for (const s of [].concat(undoSql)) srv.sqlite(s);
  }
  expectClean('after undoing');
}
const openTask = (col, id) => one(`SELECT id, kind, patient_nhs_number FROM tasks WHERE ${col} = ${id} AND state = 'open'`);
const insertTask = (cols, vals) => srv.sqlite(`INSERT INTO tasks (icb_code, kind, owner_org, owner_role, due_at, created_at, service_id${cols.map((c) => `, ${c}`).join('')})
  VALUES ('QZZ', 'test_task', 'RZA', 'clinician', '2026-01-05T09:00:00Z', '2026-01-05T09:00:00Z', 1${vals.map((v) => `, ${v}`).join('')})`);
const lastTaskId = () => Number(one('SELECT max(id) AS id FROM tasks').id);

test('check --help and usage errors exit as the CLI does (0, and 2 for usage or database)', () => {
  const h = seam(['check', '--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /usage: seam check --db/);
  assert.match(h.stdout, /Exit status/);
  assert.equal(seam(['check']).status, 2, 'no --db');
  assert.equal(seam(['check', '--db', srv.db, '--bogus']).status, 2, 'unknown option');
  const gone = seam(['check', '--db', '/nonexistent/seam.db']);
  assert.equal(gone.status, 2);
  assert.match(gone.stderr, /does not exist/);
  assert.match(seam(['--help']).stdout, /\bcheck\b/, 'the command list names check');
});

test('the demo database is clean: exit 0, every owned object counted', () => {
  const j = expectClean('demo');
  assert.ok(j.owned > 100, `owned ${j.owned}`);
  assert.ok(j.open_tasks >= j.owned, `open tasks ${j.open_tasks} >= owned objects ${j.owned}`);
  const human = seam(['check', '--db', srv.db]);
  assert.equal(human.status, 0);
  assert.match(human.stdout, /0 violation/);
});

test('a referral awaiting triage whose task is closed has no owner', () => {
  const ref = one(`SELECT r.id, r.patient_nhs_number FROM referrals r WHERE r.status = 'awaiting_triage' ORDER BY r.id LIMIT 1`);
  const t = openTask('referral_id', ref.id);
  broken(`UPDATE tasks SET state = 'done' WHERE id = ${t.id}`, `UPDATE tasks SET state = 'open' WHERE id = ${t.id}`, () => {
    expectViolations([{ kind: 'referral', id: Number(ref.id), problem: 'no_open_task', state: 'awaiting_triage', patient: ref.patient_nhs_number, task: null }], 'no task');
    const human = seam(['check', '--db', srv.db]);
    assert.equal(human.status, 1);
    assert.match(human.stdout, new RegExp(`^referral ${ref.id} \\(awaiting_triage, patient ${ref.patient_nhs_number}\\): no_open_task: `, 'm'));
    assert.match(human.stdout, /1 violation/);
  });
});

test('an advice request with two open tasks has two owners (the unique index dropped to get there)', () => {
  const ad = one(`SELECT a.id, a.status, a.patient_nhs_number FROM advice_requests a WHERE a.status = 'awaiting_response' ORDER BY a.id LIMIT 1`);
  let extra;
  broken([
    'DROP INDEX tasks_one_open_advice',
    `INSERT INTO tasks (icb_code, advice_id, kind, owner_org, owner_service_id, owner_role, due_at, created_at, patient_nhs_number, service_id)
      SELECT icb_code, advice_id, 'advice_response', owner_org, owner_service_id, 'triager', due_at, created_at, patient_nhs_number, service_id
      FROM tasks WHERE advice_id = ${ad.id} AND state = 'open'`,
  ], [`DELETE FROM tasks WHERE advice_id = ${ad.id} AND state = 'open' AND id > (SELECT min(id) FROM tasks WHERE advice_id = ${ad.id} AND state = 'open')`,
    "CREATE UNIQUE INDEX tasks_one_open_advice ON tasks (advice_id) WHERE state = 'open'"], () => {
    extra = lastTaskId();
    expectViolations([{ kind: 'advice', id: Number(ad.id), problem: 'several_open_tasks', state: 'awaiting_response', patient: ad.patient_nhs_number }], 'two tasks');
  });
  assert.equal(srv.count(`SELECT count(*) AS n FROM tasks WHERE id = ${extra}`), 0);
});

test('an open task without an owner role or a valid due time is incomplete', () => {
  const res = one(`SELECT x.id, x.status, x.patient_nhs_number FROM results x WHERE x.status = 'to_review' ORDER BY x.id LIMIT 1`);
  const t = openTask('result_id', res.id);
  const row = one(`SELECT owner_role, due_at FROM tasks WHERE id = ${t.id}`);
  for (const [set, what] of [["owner_role = ''", 'no owner role'], ["due_at = 'soon'", 'no valid due time']]) {
    broken(`UPDATE tasks SET ${set} WHERE id = ${t.id}`,
      `UPDATE tasks SET owner_role = '${row.owner_role}', due_at = '${row.due_at}' WHERE id = ${t.id}`, () => {
        const [v] = expectViolations([{ kind: 'result', id: Number(res.id), problem: 'task_incomplete', state: 'to_review', task: Number(t.id), patient: res.patient_nhs_number }], set);
        assert.match(v.message, new RegExp(what));
      });
  }
});

test('a discharged follow-up that still has an open task is held though closed', () => {
  const fu = one(`SELECT x.id, x.patient_nhs_number FROM follow_ups x WHERE x.status = 'open' ORDER BY x.id LIMIT 1`);
  const t = openTask('follow_up_id', fu.id);
  broken(`UPDATE follow_ups SET status = 'discharged' WHERE id = ${fu.id}`, `UPDATE follow_ups SET status = 'open' WHERE id = ${fu.id}`, () => {
    expectViolations([{ kind: 'follow_up', id: Number(fu.id), problem: 'task_on_closed', state: 'discharged', task: Number(t.id), patient: fu.patient_nhs_number }], 'closed with task');
  });
});

test('GP actions: the letter task is open with none pending, or an action is pending with no task', () => {
  const l = one(`SELECT la.letter_id, count(*) AS n FROM letter_actions la JOIN tasks t ON t.letter_id = la.letter_id AND t.state = 'open' AND t.kind = 'gp_actions'
    WHERE la.status = 'pending' GROUP BY la.letter_id ORDER BY la.letter_id LIMIT 1`);
  const t = openTask('letter_id', l.letter_id);
  const pending = srv.sqlite(`SELECT n FROM letter_actions WHERE letter_id = ${l.letter_id} AND status = 'pending' ORDER BY n`).map((x) => Number(x.n));
  broken(`UPDATE letter_actions SET status = 'accepted' WHERE letter_id = ${l.letter_id} AND status = 'pending'`,
    `UPDATE letter_actions SET status = 'pending' WHERE letter_id = ${l.letter_id} AND n IN (${pending.join(', ')})`, () => {
      expectViolations([{ kind: 'gp_action', letter_id: Number(l.letter_id), problem: 'task_on_closed', task: Number(t.id) }], 'answered actions, task open');
    });
  broken(`UPDATE tasks SET state = 'done' WHERE id = ${t.id}`, `UPDATE tasks SET state = 'open' WHERE id = ${t.id}`, () => {
    expectViolations(pending.map((n) => ({ kind: 'gp_action', letter_id: Number(l.letter_id), n, problem: 'no_open_task', state: 'pending' })), 'pending, no task');
  });
});

test('open tasks naming a subject that does not exist, no subject, or two subjects', () => {
  let id;
  expectClean('before');
  insertTask(['order_id'], [987654]);
  id = lastTaskId();
  try {
    expectViolations([{ kind: 'order', id: 987654, problem: 'task_subject_missing', task: id }], 'missing order');
  } finally { srv.sqlite(`DELETE FROM tasks WHERE id = ${id}`); }
  insertTask([], []);
  id = lastTaskId();
  try {
    expectViolations([{ kind: 'task', id, problem: 'task_no_subject', task: id }], 'no subject');
  } finally { srv.sqlite(`DELETE FROM tasks WHERE id = ${id}`); }
  const ref = one(`SELECT r.id FROM referrals r WHERE r.status = 'awaiting_booking' ORDER BY r.id LIMIT 1`);
  const t = openTask('referral_id', ref.id);
  broken(`UPDATE tasks SET order_id = 987655 WHERE id = ${t.id}`, `UPDATE tasks SET order_id = NULL WHERE id = ${t.id}`, () => {
    const got = check().json.violations;
    assert.ok(got.some((v) => v.problem === 'task_several_subjects' && v.task === Number(t.id)), JSON.stringify(got));
    assert.ok(got.every((v) => v.task === Number(t.id)), `every finding is about task ${t.id}: ${JSON.stringify(got)}`);
  });
  expectClean('after all');
});

test('the failsafe logs each violation it meets (standard error and one audit event a day) and still escalates', () => {
  const ref = one(`SELECT r.id, r.patient_nhs_number FROM referrals r WHERE r.status = 'booked' ORDER BY r.id LIMIT 1`);
  const t = openTask('referral_id', ref.id);
  const events = () => srv.count(`SELECT count(*) AS n FROM events WHERE action = 'failsafe.invariant_violation' AND object_type = 'referral' AND object_id = '${ref.id}'`);
  const before_ = events();
  broken(`UPDATE tasks SET state = 'done' WHERE id = ${t.id}`, `UPDATE tasks SET state = 'open' WHERE id = ${t.id}`, () => {
    const far = '2031-06-02T09:00:00Z'; // every demo task is overdue by then
    const r = seam(['failsafe', '--db', srv.db, '--now', far, '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`invariant violation: referral ${ref.id} \\(booked, patient ${ref.patient_nhs_number}\\): no_open_task`));
    const out = JSON.parse(r.stdout);
    assert.ok(out.escalated.length > 0, 'escalation went on');
    assert.deepEqual(out.invariant_violations.map((v) => [v.kind, v.id, v.problem]), [['referral', Number(ref.id), 'no_open_task']]);
    assert.equal(events(), before_ + 1, 'one audit event');
    const ev = one(`SELECT actor, patient_nhs_number, detail FROM events WHERE action = 'failsafe.invariant_violation' AND object_id = '${ref.id}' ORDER BY id DESC LIMIT 1`);
    assert.equal(ev.actor, 'seam-failsafe');
    assert.equal(ev.patient_nhs_number, ref.patient_nhs_number);
    assert.equal(JSON.parse(ev.detail).problem, 'no_open_task');
    const again = seam(['failsafe', '--db', srv.db, '--now', far]);
    assert.equal(again.status, 0);
    assert.match(again.stderr, /invariant violation: referral/, 'logged on every sweep');
    assert.equal(events(), before_ + 1, 'but audited once a day, not every minute');
  });
});
