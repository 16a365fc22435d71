// The seam command line: usage, demo users, tokens, migrate.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { seam, mkTmp, sqlite, startServer, decodeJwt, BIN } from './lib/server.mjs';

const tmp = mkTmp('seam-cli-');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const SUBCOMMANDS = ['serve', 'demo', 'migrate', 'token', 'failsafe', 'copy', 'import', 'gen'];
const PERSONAS = {
  'gp.patel': ['gp', 'Z00001'], 'gp.okafor': ['gp', 'Z00002'], 'admin.riverside': ['practice_admin', 'Z00001'],
  'triage.cardio': ['triager', 'RZA'], 'clinician.cardio': ['clinician', 'RZA'], 'triage.derm.rzb': ['triager', 'RZB'],
  'booking.rza': ['booking', 'RZA'], 'lead.rza': ['interface_lead', 'RZA'], 'analyst.icb': ['icb_analyst', 'QZZ'],
  admin: ['admin', 'QZZ'], 'patient.demo': ['patient', 'Z00001'],
};
let demoDb;
function demo() {
  if (demoDb) return demoDb;
  demoDb = path.join(tmp, 'demo.db');
  const r = seam(['demo', '--db', demoDb], { timeout: 120_000 });
  assert.equal(r.status, 0, `seam demo: ${r.stderr}`);
  return demoDb;
}

test('the binary exists', () => {
  assert.ok(fs.existsSync(BIN), `${BIN} (run make)`);
});

test('no arguments: non-zero exit and a usage message', () => {
  const r = seam([]);
  assert.notEqual(r.status, 0);
  assert.match(r.stdout + r.stderr, /usage/i);
  for (const s of SUBCOMMANDS) assert.match(r.stdout + r.stderr, new RegExp(`\\b${s}\\b`), `usage lists ${s}`);
});

test('unknown subcommand: non-zero exit, names it, shows usage', () => {
  const r = seam(['frobnicate']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /frobnicate/, 'the message names the unknown subcommand');
  assert.match(r.stdout + r.stderr, /usage/i);
});

test('--help at the top level exits 0', () => {
  const r = seam(['--help']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /usage/i);
});

for (const s of SUBCOMMANDS) {
  test(`seam ${s} --help exits 0 with usage on stdout`, () => {
    const r = seam([s, '--help']);
    assert.equal(r.status, 0, `${s} --help: ${r.stderr}`);
    assert.match(r.stdout, /usage/i);
    assert.match(r.stdout, new RegExp(s));
    if (s === 'copy') assert.match(r.stdout, /--from[\s\S]*--to/, 'copy --help mentions --from and --to');
    else if (s !== 'token') assert.match(r.stdout, /--db/, `${s} --help mentions --db`);
  });
}

test('unknown option to a subcommand fails with a message', () => {
  const r = seam(['migrate', '--db', path.join(tmp, 'x.db'), '--frobnicate']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /frobnicate/);
});

test('seam demo --list-users prints username\\trole\\torg\\tname for every persona', () => {
  const db = demo();
  const r = seam(['demo', '--db', db, '--list-users']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  const rows = Object.fromEntries(lines.map((l) => { const c = l.split('\t'); return [c[0], c]; }));
  for (const [u, [role, org]] of Object.entries(PERSONAS)) {
    assert.ok(rows[u], `${u} listed in:\n${r.stdout}`);
    assert.equal(rows[u].length, 4, `four tab-separated columns: ${JSON.stringify(rows[u])}`);
    assert.equal(rows[u][1], role, `${u} role`);
    assert.equal(rows[u][2], org, `${u} org`);
    assert.ok(rows[u][3].trim().length > 0, `${u} name`);
  }
  for (const l of lines) assert.equal(l.split('\t').length, 4, `every line has 4 columns: ${JSON.stringify(l)}`);
  const again = seam(['demo', '--db', db, '--list-users']);
  assert.equal(again.stdout, r.stdout, 'listing is stable and does not rebuild differently');
});

test('seam token prints a JWT that works against a running server', async () => {
  const srv = await startServer({ dev: false });
  try {
    const r = seam(['token', '--db', srv.db, 'gp.patel']);
    assert.equal(r.status, 0, r.stderr);
    const tok = r.stdout.trim();
    assert.equal(tok.split('.').length, 3, `three dot-separated parts: ${tok}`);
    assert.match(tok, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const { header, payload } = decodeJwt(tok);
    assert.equal(header.alg, 'EdDSA');
    assert.equal(payload.sub, 'gp.patel');
    assert.equal(payload.role, 'gp');
    assert.equal(payload.org, 'Z00001');
    assert.ok(payload.exp > Date.now() / 1000);
    const me = await srv.request('GET', '/me', { token: tok });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.username, 'gp.patel');
    assert.equal(me.json.role, 'gp');
    const refs = await srv.request('GET', '/referrals', { token: tok });
    assert.equal(refs.status, 200);

    const bad = seam(['token', '--db', srv.db, 'nobody.here']);
    assert.notEqual(bad.status, 0, 'unknown user');
    assert.match(bad.stderr, /nobody\.here|unknown|no such/i);
    assert.equal(bad.stdout.trim(), '', 'no token printed for an unknown user');
    const none = seam(['token', '--db', srv.db]);
    assert.notEqual(none.status, 0, 'missing username');
  } finally {
    await srv.stop();
  }
});

test('seam migrate creates the schema on a fresh file and is safe to run twice', () => {
  const db = path.join(tmp, 'fresh.db');
  const r1 = seam(['migrate', '--db', db]);
  assert.equal(r1.status, 0, r1.stderr);
  assert.ok(fs.existsSync(db));
  const tables = () => sqlite(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((x) => x.name);
  const t1 = tables();
  for (const t of ['referrals', 'tasks', 'events']) assert.ok(t1.includes(t), `table ${t} in ${t1}`);
  const schema1 = sqlite(db, 'SELECT type, name, sql FROM sqlite_master ORDER BY name');
  const r2 = seam(['migrate', '--db', db]);
  assert.equal(r2.status, 0, `second migrate: ${r2.stderr}`);
  assert.deepEqual(sqlite(db, 'SELECT type, name, sql FROM sqlite_master ORDER BY name'), schema1, 'schema unchanged');
  assert.equal(sqlite(db, 'SELECT count(*) AS n FROM referrals')[0].n, 0, 'migrate adds no referrals');
});

test('seam migrate on the demo database is a no-op', () => {
  const db = demo();
  const before_ = sqlite(db, 'SELECT (SELECT count(*) FROM referrals) AS r, (SELECT count(*) FROM events) AS e');
  const r = seam(['migrate', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(sqlite(db, 'SELECT (SELECT count(*) FROM referrals) AS r, (SELECT count(*) FROM events) AS e'), before_);
});

test('serve refuses a bad --listen address', () => {
  const r = seam(['serve', '--db', demo(), '--listen', 'not-an-address'], { timeout: 10_000 });
  assert.notEqual(r.status, 0);
  assert.ok(r.signal === null, 'exits by itself rather than hanging');
  assert.match(r.stderr, /listen|address/i);
});
