// seam copy: a whole database, events included, verified; refuses a non-empty
// target unless told.  SQLite to SQLite always; SQLite to PostgreSQL and back
// when the PostgreSQL pass provides a server (SEAM_TEST_PG).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { seam, mkTmp, sqlite } from './lib/server.mjs';

const TABLES = ['organisations', 'services', 'users', 'patients', 'referrals', 'advice_requests', 'advice_messages',
  'result_orders', 'results', 'unmatched_results', 'letters', 'letter_actions', 'fit_notes', 'follow_ups',
  'attachments', 'tasks', 'events', 'settings'];
const ORDER = { organisations: 'code', users: 'username', patients: 'nhs_number', settings: 'key', letter_actions: 'letter_id, n' };
let tmp, src;

before(() => {
  tmp = mkTmp('seam-copy-');
  src = path.join(tmp, 'source.db');
  if (process.env.SEAM_TEMPLATE_DB && fs.existsSync(process.env.SEAM_TEMPLATE_DB)) {
    fs.copyFileSync(process.env.SEAM_TEMPLATE_DB, src);
  } else {
    const r = seam(['demo', '--db', src], { timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
  }
});
after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

/** Every row of a table, as text, in key order (same shape from both backends). */
function rows(db, table) {
  const key = ORDER[table] || 'id';
  return sqlite(db, `SELECT * FROM ${table} ORDER BY ${key}`).map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])));
}

test('SQLite to SQLite: every row of every table arrives, and the copy says it verified', () => {
  const dst = path.join(tmp, 'copy.db');
  const r = seam(['copy', '--from', src, '--to', dst]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /verified/);
  for (const t of TABLES) assert.deepEqual(rows(dst, t), rows(src, t), `table ${t}`);
  assert.ok(rows(dst, 'events').length > 1000, 'the audit log came too');
});

test('a non-empty target is refused unless --replace, and --replace leaves an exact copy', () => {
  const dst = path.join(tmp, 'twice.db');
  assert.equal(seam(['copy', '--from', src, '--to', dst]).status, 0);
  const again = seam(['copy', '--from', src, '--to', dst]);
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /already holds .* rows/);
  assert.equal(rows(dst, 'referrals').length, rows(src, 'referrals').length, 'refusal changed nothing');
  const replaced = seam(['copy', '--from', src, '--to', dst, '--replace']);
  assert.equal(replaced.status, 0, replaced.stderr);
  for (const t of TABLES) assert.deepEqual(rows(dst, t), rows(src, t), `table ${t}`);
});

test('misuse is refused with a message', () => {
  let r = seam(['copy', '--from', path.join(tmp, 'missing.db'), '--to', path.join(tmp, 'x.db')]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /does not exist/);
  r = seam(['copy', '--from', src]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--to/);
  r = seam(['copy', '--from', src, '--to', src]);
  assert.notEqual(r.status, 0);
  assert.equal(seam(['copy', '--help']).status, 0);
});

const PG = process.env.SEAM_TEST_PG;
test('SQLite to PostgreSQL and back: identical rows', { skip: !PG && 'no PostgreSQL server in this pass' }, () => {
  const name = `seam_copy_${process.pid}`;
  const admin = `${PG}/postgres`;
  execFileSync('psql', [admin, '-X', '-qAtc', `DROP DATABASE IF EXISTS ${name}`]);
  execFileSync('psql', [admin, '-X', '-qAtc', `CREATE DATABASE ${name}`]);
  const pg = `${PG}/${name}`;
  try {
    const r = seam(['copy', '--from', src, '--to', pg], { timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    for (const t of TABLES) assert.deepEqual(rows(pg, t), rows(src, t), `table ${t} on PostgreSQL`);
    const back = path.join(tmp, 'back.db');
    const b = seam(['copy', '--from', pg, '--to', back], { timeout: 300_000 });
    assert.equal(b.status, 0, b.stderr);
    for (const t of TABLES) assert.deepEqual(rows(back, t), rows(src, t), `table ${t} after the round trip`);
  } finally {
    execFileSync('psql', [admin, '-X', '-qAtc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
  }
});
