// PostgreSQL only: a connection killed in the middle of a request fails that
// request with a clear 503 (nothing half-written), and Seam carries on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { startServer, findService, createReferral, errorOf } from './lib/server.mjs';

const isPg = (db) => /^postgres(ql)?:\/\//.test(db || '');
const skip = !isPg(process.env.SEAM_TEST_PG) && 'runs in the PostgreSQL pass only';
let srv, cardio;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const psql = (sql) => execFileSync('psql', [srv.db, '-X', '-qAtc', sql], { encoding: 'utf8' }).trim();

before(async () => {
  if (skip) return;
  srv = await startServer();
  assert.ok(isPg(srv.db), `the server runs on PostgreSQL (${srv.db})`);
  cardio = await findService(srv, 'RZA', 'Cardiology');
});
after(async () => { await srv?.stop(); });

test('a connection killed mid-request: 503, nothing changed, and the next requests work', { skip }, async () => {
  const ref = await createReferral(srv, { service_id: cardio.id });
  const eventsBefore = srv.count(`SELECT count(*) AS n FROM events WHERE object_id = '${ref.id}' AND action NOT LIKE 'read%'`);

  // Hold a lock so that Seam's UPDATE of this referral waits inside its transaction.
  const holder = spawn('psql', [srv.db, '-X', '-q'], { stdio: ['pipe', 'ignore', 'ignore'] });
  holder.stdin.write('BEGIN; LOCK TABLE referrals IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60);\n');
  await sleep(500);

  const pending = srv.api('triage.cardio', 'POST', `/referrals/${ref.id}/triage`, { decision: 'accept' });
  // Wait for Seam's backend to be blocked on the lock, then kill it.
  let killed = '';
  for (let i = 0; i < 100 && !killed; i++) {
    await sleep(100);
    killed = psql("SELECT string_agg(pg_terminate_backend(pid)::text, ',') FROM pg_stat_activity"
      + " WHERE application_name = 'seam' AND wait_event_type = 'Lock'");
  }
  assert.match(killed, /t/, 'found Seam waiting on the lock and terminated it');
  const r = await pending;
  holder.kill('SIGKILL');
  assert.equal(r.status, 503, r.text);
  assert.equal(errorOf(r).code, 'unavailable');
  assert.match(errorOf(r).message, /try again/i);

  // Nothing was half-written; the server is alive; the same request now works.
  await sleep(300);
  assert.ok(srv.alive, 'the server did not crash');
  const after = srv.count(`SELECT count(*) AS n FROM events WHERE object_id = '${ref.id}' AND action NOT LIKE 'read%'`);
  assert.equal(after, eventsBefore, 'no event from the failed request');
  assert.equal((await srv.api('gp.patel', 'GET', `/referrals/${ref.id}`)).json.status, 'awaiting_triage');
  const retry = await srv.api('triage.cardio', 'POST', `/referrals/${ref.id}/triage`, { decision: 'accept' });
  assert.equal(retry.status, 200, retry.text);
  assert.equal(retry.json.status, 'awaiting_booking');
});

test('every idle connection killed (a fail-over): the next requests all succeed', { skip }, async () => {
  // Touch every worker thread's connection first.
  await Promise.all(Array.from({ length: 8 }, () => srv.api('gp.patel', 'GET', '/me')));
  const n = psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'seam'");
  assert.ok(Number(n) >= 1, `terminated ${n} connections`);
  await sleep(300);
  const rs = [];
  for (let i = 0; i < 12; i++) rs.push(await srv.api('gp.patel', 'GET', '/referrals?page_size=1'));
  assert.deepEqual(rs.map((r) => r.status), Array(12).fill(200), rs.map((r) => r.text.slice(0, 120)).join('\n'));
  assert.ok(srv.alive);
});
