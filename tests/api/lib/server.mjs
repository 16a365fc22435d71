// Test harness for the Seam JSON API: starts a real `seam serve` on a fresh
// demo database and talks to it over HTTP.  Built-in Node modules only.
//
//   SEAM_BIN           binary to test (default <repo>/build/seam)
//   SEAM_TEST_PG, SEAM_TEST_DB
//                      a postgresql:// URL to test PostgreSQL instead of a temp
//                      SQLite file: each server gets its own fresh database,
//                      created through that URL (CREATE DATABASE seam_t_...)
//                      and dropped on stop.  Any other SEAM_TEST_DB value is
//                      used as the database itself (one shared database).
//   SEAM_TEST_PG_TEMPLATE  a demo database on that PostgreSQL server: each
//                      server's database is CREATE DATABASE ... TEMPLATE it
//   SEAM_TEMPLATE_DB   a demo SQLite database (scripts/run-tests.sh makes one):
//                      each server starts from a copy of it instead of running
//                      `seam demo` (startServer({fresh: true}) still runs demo)
//   SEAM_TEST_VERBOSE  print the server's log on stop even when all passed

import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)));
export const BIN = process.env.SEAM_BIN
  ? path.resolve(ROOT, process.env.SEAM_BIN)
  : path.join(ROOT, 'build', 'seam');
export const API = '/api/v1';

const isPg = (db) => /^postgres(ql)?:\/\//.test(db);

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function mkTmp(prefix = 'seam-api-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs the seam binary synchronously: {status, stdout, stderr, signal}. */
export function seam(args, opts = {}) {
  const r = spawnSync(BIN, args, {
    encoding: 'utf8',
    timeout: opts.timeout ?? 60_000,
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...(opts.env || {}) },
    input: opts.input,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error && r.error.code === 'ENOENT') {
    throw new Error(`seam binary not found at ${BIN} (run make, or set SEAM_BIN)`);
  }
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

/** Runs `sqlite3 -json db sql` (or psql for a postgresql:// URL); returns rows. */
export function sqlite(db, sql) {
  if (isPg(db)) {
    const query = /^\s*(select|with)\b/i.test(sql)
      ? `SELECT coalesce(json_agg(t), '[]'::json) FROM (${sql.replace(/;\s*$/, '')}) t`
      : sql;
    const out = execFileSync('psql', [db, '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-c', query],
      { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
    return /^\s*(select|with)\b/i.test(sql) ? JSON.parse(out.trim() || '[]') : [];
  }
  const out = execFileSync('sqlite3', ['-json', '-cmd', '.timeout 10000', db, sql],
    { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  return out.trim() ? JSON.parse(out) : [];
}

/** A single number from a `SELECT count(*) ...` (first column of first row). */
export function count(db, sql) {
  const rows = sqlite(db, sql);
  assertRows(rows, sql);
  return Number(Object.values(rows[0])[0]);
}
function assertRows(rows, sql) {
  if (!rows.length) throw new Error(`no rows from: ${sql}`);
}

/**
 * Row counts that a refused request must leave untouched (one sqlite3 run).
 * events: changes only - reads are audited too, and escalations are left
 * out because `seam serve` sweeps overdue tasks by itself every minute, so
 * a demo task may escalate at any moment of a test.
 */
export function counts(db) {
  const rows = sqlite(db, `SELECT (SELECT count(*) FROM referrals) AS referrals,
    (SELECT count(*) FROM tasks) AS tasks,
    (SELECT count(*) FROM events WHERE action NOT LIKE 'read%' AND action NOT LIKE '%escalat%') AS events`);
  assertRows(rows, 'counts');
  const r = rows[0];
  return { referrals: Number(r.referrals), tasks: Number(r.tasks), events: Number(r.events) };
}

/**
 * Minimal raw HTTP/1.1 request over a socket.  Used where fetch is fragile
 * (server answers before the whole body is sent, odd methods, raw bytes).
 * Resolves {status, headers, text, json}.
 */
export function rawRequest(port, { method = 'GET', path: p = '/', headers = {}, body, chunked = false } = {}) {
  return new Promise((resolve, reject) => {
    let buf = body === undefined ? null : Buffer.isBuffer(body) ? body : Buffer.from(body);
    const hdrs = { Host: `127.0.0.1:${port}`, Connection: 'close', ...headers };
    if (buf && chunked) {
      // Transfer-Encoding: chunked, 64 KiB chunks, no Content-Length
      hdrs['Transfer-Encoding'] = 'chunked';
      const parts = [];
      for (let i = 0; i < buf.length; i += 65536) {
        const c = buf.subarray(i, i + 65536);
        parts.push(Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n'));
      }
      parts.push(Buffer.from('0\r\n\r\n'));
      buf = Buffer.concat(parts);
    } else if (buf) hdrs['Content-Length'] = String(buf.length);
    let head = `${method} ${p} HTTP/1.1\r\n`;
    for (const [k, v] of Object.entries(hdrs)) head += `${k}: ${v}\r\n`;
    head += '\r\n';
    const chunks = [];
    const sock = net.connect(port, '127.0.0.1');
    const timer = setTimeout(() => { sock.destroy(); finish(new Error('raw request timed out')); }, 20_000);
    let done = false;
    const finish = (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const data = Buffer.concat(chunks);
      const sep = data.indexOf('\r\n\r\n');
      if (sep < 0) return reject(err || new Error(`no HTTP response (got ${data.length} bytes)`));
      const lines = data.subarray(0, sep).toString('latin1').split('\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
      if (!m) return reject(new Error(`bad status line: ${lines[0]}`));
      const headersOut = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) headersOut[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      let bodyBuf = data.subarray(sep + 4);
      if (/chunked/i.test(headersOut['transfer-encoding'] || '')) bodyBuf = dechunk(bodyBuf);
      else if (headersOut['content-length'] !== undefined) bodyBuf = bodyBuf.subarray(0, Number(headersOut['content-length']));
      const text = bodyBuf.toString('utf8');
      let json;
      try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
      resolve({ status: Number(m[1]), headers: headersOut, text, json });
    };
    sock.on('data', (d) => chunks.push(d));
    sock.on('end', () => finish());
    sock.on('close', () => finish());
    sock.on('error', (e) => { if (!['EPIPE', 'ECONNRESET'].includes(e.code)) finish(e); });
    sock.on('connect', () => {
      sock.write(head);
      if (buf) {
        // write in slices so an early response is still read
        let off = 0;
        const step = () => {
          while (off < buf.length && !sock.destroyed) {
            const slice = buf.subarray(off, off + 65536);
            off += slice.length;
            if (!sock.write(slice)) { sock.once('drain', step); return; }
          }
        };
        step();
      }
    });
  });
}
function dechunk(b) {
  const out = [];
  let i = 0;
  while (i < b.length) {
    const nl = b.indexOf('\r\n', i);
    if (nl < 0) break;
    const size = parseInt(b.subarray(i, nl).toString('latin1'), 16);
    if (!size) break;
    out.push(b.subarray(nl + 2, nl + 2 + size));
    i = nl + 2 + size + 2;
  }
  return Buffer.concat(out);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a server on a fresh demo database.
 *   opts.dev   (default true)  pass --dev
 *   opts.demo  (default true)  load the demo data first
 *   opts.fresh (default false) run `seam demo` even if SEAM_TEMPLATE_DB is set
 *                              (its own signing key, its own random data)
 *   opts.check (default true)  after the server stops, run `seam check` on its
 *                              database and fail with its output when any
 *                              handoff has no owner or two (docs/clinical-safety
 *                              H27).  A test that corrupts its database on
 *                              purpose passes false, with a comment saying why.
 */
let pgSeq = 0;
/** A fresh PostgreSQL database next to the one `admin` points at: {url, drop()}. */
export function pgCreateDatabase(base, template) {
  const name = `seam_t_${process.pid}_${Date.now().toString(36)}_${pgSeq++}`;
  const a = new URL(base);
  if (a.pathname === '' || a.pathname === '/') a.pathname = '/postgres';
  const admin = a.toString();
  const sql = template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`;
  for (let attempt = 0; ; attempt++) {
    try {
      execFileSync('psql', [admin, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8', stdio: 'pipe' });
      break;
    } catch (e) {
      // another test process may be cloning the same template right now
      if (attempt >= 50 || !/being accessed by other users/.test(String(e.stderr))) throw new Error(`${sql}: ${e.stderr || e.message}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  const u = new URL(admin);
  u.pathname = `/${name}`;
  u.search = a.search;
  return {
    url: u.toString(),
    drop: () => {
      try {
        execFileSync('psql', [admin, '-X', '-q', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { encoding: 'utf8', stdio: 'pipe' });
      } catch { /* best effort */ }
    },
  };
}

/**
 * The database for one server: a temp SQLite file, or per SEAM_TEST_PG /
 * SEAM_TEST_DB.  With SEAM_TEST_PG_TEMPLATE (a demo database on that
 * PostgreSQL server) the new database is a clone of it: {url, drop, loaded}.
 */
export function testDatabase(tmp, fresh = false) {
  const env = process.env.SEAM_TEST_PG || process.env.SEAM_TEST_DB;
  const tpl = process.env.SEAM_TEST_PG_TEMPLATE;
  if (env && isPg(env)) {
    const clone = !fresh && tpl && /^[A-Za-z0-9_]+$/.test(tpl) ? tpl : null;
    return { ...pgCreateDatabase(env, clone), shared: false, loaded: Boolean(clone) };
  }
  if (env) return { url: env, drop: () => {}, shared: true };
  return { url: path.join(tmp, 'seam.db'), drop: () => {}, shared: false };
}

/**
 * Fills db with the demo data: a copy of SEAM_TEMPLATE_DB, or `seam demo`
 * (into SQLite and copied, for PostgreSQL: much faster than demo on PG).
 */
function loadDemo(db, fresh, tmp) {
  let tpl = process.env.SEAM_TEMPLATE_DB;
  if (isPg(db) && (fresh || !tpl || !fs.existsSync(tpl))) {
    tpl = path.join(tmp, 'demo-source.db');
    const r = seam(['demo', '--db', tpl], { timeout: 180_000 });
    if (r.status !== 0) return r;
    fresh = false;
  }
  if (!fresh && tpl && fs.existsSync(tpl)) {
    if (!isPg(db)) {
      fs.copyFileSync(tpl, db);
      for (const ext of ['-wal', '-shm']) if (fs.existsSync(tpl + ext)) fs.copyFileSync(tpl + ext, db + ext);
      return { status: 0, stdout: '', stderr: '' };
    }
    return seam(['copy', '--from', tpl, '--to', db], { timeout: 180_000 });
  }
  return seam(['demo', '--db', db], { timeout: 180_000 });
}

export async function startServer(opts = {}) {
  const dev = opts.dev ?? true;
  const tmp = mkTmp();
  const database = testDatabase(tmp, opts.fresh);
  const db = database.url;
  let log = '';
  const append = (s) => {
    log += s;
    if (log.length > 400_000) log = log.slice(-300_000);
  };

  if ((opts.demo ?? true) && !database.shared && !database.loaded) {
    let r;
    try {
      r = loadDemo(db, opts.fresh, tmp);
    } catch (e) {
      fs.rmSync(tmp, { recursive: true, force: true });
      database.drop();
      throw e;
    }
    if (r.status !== 0) {
      fs.rmSync(tmp, { recursive: true, force: true });
      database.drop();
      throw new Error(`loading the demo into ${db} failed (exit ${r.status}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
    }
  }

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const args = ['serve', '--db', db, '--listen', `127.0.0.1:${port}`];
  if (dev) args.push('--dev');
  const child = spawn(BIN, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; append(`\n[seam exited: code ${code}, signal ${signal}]\n`); });
  child.on('error', (e) => { exited = { error: e }; append(`\n[spawn error: ${e.message}]\n`); });
  child.stdout.setEncoding('utf8').on('data', append);
  child.stderr.setEncoding('utf8').on('data', append);

  const tokens = new Map();

  async function request(method, p, { body, headers = {}, token } = {}) {
    const url = base + (p.startsWith('/api/') || p === '/' || p.startsWith('/static') ? p : API + p);
    const h = { ...headers };
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
    }
    if (token && !Object.keys(h).some((k) => k.toLowerCase() === 'authorization')) h.Authorization = `Bearer ${token}`;
    let res;
    try {
      res = await fetch(url, { method, headers: h, body: payload });
    } catch (e) {
      // A kept-alive connection the server closed while the test was busy elsewhere (a long
      // before() writing rows through psql) fails at the socket; a GET is safe to send again.
      if (method !== 'GET' || exited) throw e;
      res = await fetch(url, { method, headers: h });
    }
    const text = await res.text();
    let json;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: res.status, headers: res.headers, json, text };
  }

  async function token(username) {
    if (tokens.has(username)) return tokens.get(username);
    const r = await request('POST', '/dev/token', { body: { username } });
    if (r.status !== 200 || !r.json?.token) {
      throw new Error(`POST /dev/token for ${username}: ${r.status} ${r.text}`);
    }
    tokens.set(username, r.json.token);
    return r.json.token;
  }

  /** api(username|null, method, path, body?, headers?) -> {status, headers, json, text} */
  async function api(username, method, p, body, headers = {}) {
    const tok = username ? await token(username) : undefined;
    return request(method, p, { body, headers, token: tok });
  }

  // Wait until ready.
  const readyPath = dev ? `${API}/dev/personas` : `${API}/me`;
  const readyStatus = dev ? 200 : 401;
  const deadline = Date.now() + 15_000;
  let last = '';
  for (;;) {
    if (exited) break;
    try {
      const r = await fetch(base + readyPath);
      await r.arrayBuffer();
      if (r.status === readyStatus) break;
      last = `status ${r.status}`;
    } catch (e) {
      last = e.cause?.code || e.message;
    }
    if (Date.now() > deadline) break;
    await sleep(100);
  }
  if (exited || Date.now() > deadline) {
    if (!exited) child.kill('SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
    database.drop();
    throw new Error(`seam serve did not become ready on ${base}${readyPath} (last: ${last}):\n${log}`);
  }

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 3000);
      await gone;
      clearTimeout(t);
    }
    // The invariant that every handoff has exactly one owner, on whatever
    // the test file left behind: every use case it drove must keep it.
    let violations = null;
    if (opts.check ?? true) {
      const r = seam(['check', '--db', db], { timeout: 120_000 });
      if (r.status !== 0) violations = `seam check --db ${db} exited ${r.status}:\n${r.stdout}${r.stderr}`;
    }
    if (process.exitCode || violations || process.env.SEAM_TEST_VERBOSE) {
      process.stderr.write(`\n----- seam serve log (${base}, db ${db}) -----\n${log}\n----- end of log -----\n`);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    database.drop();
    if (violations) throw new Error(violations);
  }

  return {
    base, port, db, tmp, dev, child,
    get log() { return log; },
    get alive() { return !exited; },
    stop, token, api, request,
    raw: (o) => rawRequest(port, o),
    sqlite: (sql) => sqlite(db, sql),
    count: (sql) => count(db, sql),
    counts: () => counts(db),
  };
}

// ---------------------------------------------------------------- helpers

/** NHS number check digit (mod 11); null when invalid. */
export function nhsCheckDigit(nine) {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (10 - i);
  const c = 11 - (sum % 11);
  if (c === 11) return 0;
  if (c === 10) return null;
  return c;
}
export function isValidNhs(n) {
  if (!/^\d{10}$/.test(n)) return false;
  return nhsCheckDigit(n.slice(0, 9)) === Number(n[9]);
}

/** Decodes a JWT without verifying it: {header, payload, signature}. */
export function decodeJwt(t) {
  const [h, p, s] = t.split('.');
  const dec = (x) => JSON.parse(Buffer.from(x, 'base64url').toString('utf8'));
  return { header: dec(h), payload: dec(p), signature: s };
}
export const b64url = (obj) => Buffer.from(typeof obj === 'string' ? obj : JSON.stringify(obj)).toString('base64url');

/** Finds a service by trust code and name via GET /services. */
export async function findService(srv, trust, name, as = 'gp.patel') {
  const r = await srv.api(as, 'GET', '/services');
  if (r.status !== 200) throw new Error(`GET /services: ${r.status} ${r.text}`);
  const s = r.json.services.find((x) => x.trust?.code === trust && x.name === name);
  if (!s) throw new Error(`no service ${name} at ${trust} in ${r.text.slice(0, 500)}`);
  return s;
}

/** The GP's visible patients (first page). */
export async function listPatients(srv, as, query = '') {
  const r = await srv.api(as, 'GET', `/patients${query}`);
  if (r.status !== 200) throw new Error(`GET /patients as ${as}: ${r.status} ${r.text}`);
  return r.json;
}

let patientCursor = 0;
/**
 * A patient of the GP's practice, different on each call (so tests do not
 * tread on each other's referrals).
 */
export async function pickPatient(srv, as = 'gp.patel') {
  const page = Math.floor(patientCursor / 20) + 1;
  const all = (await listPatients(srv, as, `?page=${page}`)).patients;
  if (!all.length) throw new Error(`no patients visible to ${as}`);
  const p = all[patientCursor % Math.min(20, all.length)];
  patientCursor++;
  return p;
}

/** Creates a referral as `as` (default gp.patel); asserts 201 and returns it. */
export async function createReferral(srv, fields = {}, as = 'gp.patel', headers = {}) {
  const body = {
    patient_nhs_number: fields.patient_nhs_number ?? (await pickPatient(srv, as)).nhs_number,
    service_id: fields.service_id,
    priority: fields.priority ?? 'routine',
    reason: fields.reason ?? 'Exertional chest tightness for 3 months',
    clinical_summary: fields.clinical_summary ?? 'BP 142/88. ECG sinus rhythm. No syncope.',
    ...fields,
  };
  const r = await srv.api(as, 'POST', '/referrals', body, headers);
  if (r.status !== 201) throw new Error(`POST /referrals as ${as}: ${r.status} ${r.text}\nbody: ${JSON.stringify(body).slice(0, 300)}`);
  return r.json;
}

/** Performs an action and asserts 200; returns the referral. */
export async function act(srv, as, id, action, body = {}) {
  const r = await srv.api(as, 'POST', `/referrals/${id}/${action}`, body);
  if (r.status !== 200) throw new Error(`POST /referrals/${id}/${action} as ${as}: expected 200, got ${r.status} ${r.text}`);
  return r.json;
}

/** Every page of a list endpoint, e.g. allPages(srv, 'triage.cardio', '/referrals?status=booked', 'referrals'). */
export async function allPages(srv, as, p, key, max = 200) {
  const out = [];
  const sep = p.includes('?') ? '&' : '?';
  for (let page = 1; page <= max; page++) {
    const r = await srv.api(as, 'GET', `${p}${sep}page=${page}&page_size=100`);
    if (r.status !== 200) throw new Error(`GET ${p} page ${page} as ${as}: ${r.status} ${r.text}`);
    const items = r.json[key];
    out.push(...items);
    if (items.length === 0 || out.length >= r.json.total) break;
  }
  return out;
}

/** YYYY-MM-DD for a Date in UTC and in Europe/London. */
export function todayDates(d = new Date()) {
  const utc = d.toISOString().slice(0, 10);
  const london = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(d);
  return [...new Set([utc, london])];
}

/** An ISO timestamp `days` from now, at hh:mm UTC, seconds zero. */
export function isoDaysAhead(days, hh = 9, mm = 30) {
  const d = new Date(Date.now() + days * 86400_000);
  d.setUTCHours(hh, mm, 0, 0);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An ISO timestamp `ms` ago (default a minute), whole seconds: an appointment
 * booked for now, so that the patient can be marked attended now (attendance is
 * never before the appointment's day), or an attendance just recorded. */
export function isoJustNow(ms = 60_000) {
  return new Date(Date.now() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Asserts an error body of the contract's shape; returns it. */
export function errorOf(r) {
  const e = r.json?.error;
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string') {
    throw new Error(`expected {"error":{"code","message"}}, got ${r.status} ${r.text?.slice(0, 300)}`);
  }
  return e;
}
