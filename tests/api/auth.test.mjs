// Authentication: bearer tokens, tampering, /me, and the --dev switch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, decodeJwt, b64url, errorOf, seam, isValidNhs } from './lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

const PERSONAS = {
  'gp.patel': { role: 'gp', org: 'Z00001', service: null },
  'gp.okafor': { role: 'gp', org: 'Z00002', service: null },
  'admin.riverside': { role: 'practice_admin', org: 'Z00001', service: null },
  'triage.cardio': { role: 'triager', org: 'RZA', service: 'Cardiology' },
  'clinician.cardio': { role: 'clinician', org: 'RZA', service: 'Cardiology' },
  'triage.derm.rzb': { role: 'triager', org: 'RZB', service: 'Dermatology' },
  'booking.rza': { role: 'booking', org: 'RZA', service: null },
  'lead.rza': { role: 'interface_lead', org: 'RZA', service: null },
  'analyst.icb': { role: 'icb_analyst', org: 'QZZ', service: null },
  admin: { role: 'admin', org: 'QZZ', service: null },
  'patient.demo': { role: 'patient', org: 'Z00001', service: null },
};

function assert401(r, what) {
  assert.equal(r.status, 401, `${what}: expected 401, got ${r.status} ${r.text}`);
  assert.equal(errorOf(r).code, 'unauthorized', what);
}

test('no token on every protected endpoint answers 401 unauthorized', async () => {
  for (const [m, p, body] of [
    ['GET', '/me'], ['GET', '/services'], ['GET', '/patients'], ['GET', '/referrals'],
    ['GET', '/referrals/1'], ['GET', '/referrals/1/history'], ['GET', '/worklist'],
    ['POST', '/referrals', { service_id: 1 }], ['POST', '/referrals/1/triage', { decision: 'accept' }],
  ]) {
    const r = await srv.request(m, p, { body });
    assert401(r, `${m} ${p} without token`);
    assert.match(r.headers.get('content-type') || '', /application\/json/, `${m} ${p} content-type`);
  }
});

test('a refused unauthenticated POST writes nothing', async () => {
  const before_ = srv.counts();
  const r = await srv.request('POST', '/referrals', { body: { patient_nhs_number: '9434765919', service_id: 1, priority: 'routine', reason: 'x' } });
  assert401(r, 'POST /referrals without token');
  assert.deepEqual(srv.counts(), before_);
});

test('garbage, empty and wrong-scheme tokens answer 401', async () => {
  const good = await srv.token('gp.patel');
  const cases = {
    garbage: 'Bearer not-a-jwt',
    'three garbage parts': 'Bearer aaa.bbb.ccc',
    'empty bearer': 'Bearer ',
    'basic scheme': `Basic ${Buffer.from('gp.patel:password').toString('base64')}`,
    'token without scheme': good,
    'truncated signature': `Bearer ${good.slice(0, -6)}`,
    'extra part': `Bearer ${good}.xyz`,
  };
  for (const [name, auth] of Object.entries(cases)) {
    const r = await srv.request('GET', '/me', { headers: { Authorization: auth } });
    assert401(r, name);
  }
});

test('the Bearer scheme name is case-insensitive (RFC 7235)', async () => {
  const t = await srv.token('gp.patel');
  for (const scheme of ['bearer', 'BEARER']) {
    const r = await srv.request('GET', '/me', { headers: { Authorization: `${scheme} ${t}` } });
    assert.equal(r.status, 200, `${scheme}: ${r.status} ${r.text}`);
  }
});

test('a token whose payload was tampered with (role flipped) answers 401', async () => {
  const t = await srv.token('gp.patel');
  const [h, p, s] = t.split('.');
  const { payload } = decodeJwt(t);
  assert.equal(payload.role, 'gp');
  // sanity: the untouched token works
  assert.equal((await srv.request('GET', '/me', { token: t })).status, 200);
  for (const change of [{ role: 'admin' }, { role: 'triager' }, { sub: 'gp.okafor' }, { org: 'Z00002' },
    { exp: payload.exp + 86400 * 365 }]) {
    const forged = `${h}.${b64url({ ...payload, ...change })}.${s}`;
    const r = await srv.request('GET', '/me', { token: forged });
    assert401(r, `payload changed ${JSON.stringify(change)}`);
  }
  // one flipped character in the signature
  const flip = s[5] === 'A' ? 'B' : 'A';
  const badSig = `${h}.${p}.${s.slice(0, 5)}${flip}${s.slice(6)}`;
  assert401(await srv.request('GET', '/me', { token: badSig }), 'flipped signature byte');
});

test('an unsigned (alg none) or HS256 token is refused', async () => {
  const t = await srv.token('admin');
  const { payload } = decodeJwt(t);
  const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`;
  assert401(await srv.request('GET', '/me', { token: none }), 'alg none');
  const hs = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}.${t.split('.')[2]}`;
  assert401(await srv.request('GET', '/me', { token: hs }), 'alg HS256 with the EdDSA signature');
});

test('an expired token answers 401', async () => {
  const r = seam(['token', '--db', srv.db, '--ttl', '1', 'gp.patel']);
  assert.equal(r.status, 0, r.stderr);
  const tok = r.stdout.trim();
  const { payload } = decodeJwt(tok);
  assert.ok(payload.exp - payload.iat <= 1, `--ttl 1 gives a one-second token: iat ${payload.iat} exp ${payload.exp}`);
  await new Promise((res) => setTimeout(res, Math.max(0, (payload.exp + 1) * 1000 - Date.now()) + 100));
  assert401(await srv.request('GET', '/me', { token: tok }), 'expired token');
  const fresh = seam(['token', '--db', srv.db, 'gp.patel']).stdout.trim();
  assert.equal((await srv.request('GET', '/me', { token: fresh })).status, 200, 'a fresh CLI token works');
});

test('a signed token for a user who is no longer active answers 401', async () => {
  // reading of the contract: "unknown user" includes a deactivated account
  const tok = seam(['token', '--db', srv.db, 'clinician.cardio']).stdout.trim();
  assert.equal((await srv.request('GET', '/me', { token: tok })).status, 200);
  srv.sqlite("UPDATE users SET active = 0 WHERE username = 'clinician.cardio'");
  try {
    assert401(await srv.request('GET', '/me', { token: tok }), 'deactivated user');
    assert401(await srv.request('GET', '/worklist', { token: tok }), 'deactivated user, worklist');
  } finally {
    srv.sqlite("UPDATE users SET active = 1 WHERE username = 'clinician.cardio'");
  }
});

test('dev token is an EdDSA JWT with the contract claims', async () => {
  const r = await srv.request('POST', '/dev/token', { body: { username: 'triage.cardio' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.username, 'triage.cardio');
  assert.equal(r.json.role, 'triager');
  assert.ok(Date.parse(r.json.expires_at) > Date.now(), `expires_at in the future: ${r.json.expires_at}`);
  const { header, payload } = decodeJwt(r.json.token);
  assert.equal(header.alg, 'EdDSA');
  assert.equal(payload.sub, 'triage.cardio');
  assert.equal(payload.role, 'triager');
  assert.equal(payload.org, 'RZA');
  assert.equal(typeof payload.name, 'string');
  assert.ok(payload.name.length > 0);
  assert.equal(typeof payload.iss, 'string');
  assert.ok(Number.isInteger(payload.iat) && Number.isInteger(payload.exp));
  assert.ok(payload.exp > payload.iat);
  assert.ok(Math.abs(payload.iat - Date.now() / 1000) < 300, 'iat is now');
  assert.equal(payload.exp, Math.floor(Date.parse(r.json.expires_at) / 1000), 'exp matches expires_at');
});

test('dev token for an unknown user is refused and gives no token', async () => {
  const r = await srv.request('POST', '/dev/token', { body: { username: 'nobody.here' } });
  assert.ok(r.status >= 400 && r.status < 500, `expected 4xx, got ${r.status}`);
  assert.equal(r.json?.token, undefined);
  errorOf(r);
});

test('dev personas lists every documented persona with role and organisation', async () => {
  const r = await srv.request('GET', '/dev/personas');
  assert.equal(r.status, 200);
  const byName = Object.fromEntries(r.json.personas.map((p) => [p.username, p]));
  for (const [u, want] of Object.entries(PERSONAS)) {
    assert.ok(byName[u], `persona ${u} listed`);
    assert.equal(byName[u].role, want.role, `${u} role`);
    assert.equal(byName[u].organisation.code, want.org, `${u} organisation`);
    assert.ok(byName[u].display_name, `${u} display_name`);
    assert.ok(byName[u].organisation.name, `${u} organisation name`);
  }
});

test('/me returns role, organisation and service for each persona', async () => {
  for (const [u, want] of Object.entries(PERSONAS)) {
    const r = await srv.api(u, 'GET', '/me');
    assert.equal(r.status, 200, `${u}: ${r.text}`);
    const me = r.json;
    assert.equal(me.username, u);
    assert.equal(me.role, want.role, `${u} role`);
    assert.equal(me.organisation.code, want.org, `${u} org`);
    assert.ok(me.display_name, `${u} display_name`);
    if (want.service === null) {
      assert.equal(me.service, null, `${u} service should be null`);
    } else {
      assert.equal(me.service?.name, want.service, `${u} service`);
      assert.ok(Number.isInteger(me.service.id), `${u} service id`);
    }
    if (want.role === 'patient') {
      assert.ok(isValidNhs(me.nhs_number), `patient nhs_number valid: ${me.nhs_number}`);
      assert.match(me.nhs_number, /^999/, 'demo patients are in the 999 test range');
    } else {
      assert.equal(me.nhs_number, null, `${u} nhs_number null`);
    }
  }
  const cardio = (await srv.api('triage.cardio', 'GET', '/me')).json.service;
  const derm = (await srv.api('triage.derm.rzb', 'GET', '/me')).json.service;
  assert.notEqual(cardio.id, derm.id);
  const clin = (await srv.api('clinician.cardio', 'GET', '/me')).json.service;
  assert.equal(clin.id, cardio.id, 'triage.cardio and clinician.cardio share Cardiology (RZA)');
});

test('organisation kinds on /me', async () => {
  assert.equal((await srv.api('gp.patel', 'GET', '/me')).json.organisation.kind, 'practice');
  assert.equal((await srv.api('booking.rza', 'GET', '/me')).json.organisation.kind, 'trust');
  assert.equal((await srv.api('analyst.icb', 'GET', '/me')).json.organisation.kind, 'icb');
});

test('without --dev the dev endpoints are 404 and CLI tokens still work', async () => {
  // a second server on its own database, started without --dev
  const prod = await startServer({ dev: false, fresh: true });
  try {
    const p = await prod.request('GET', '/dev/personas');
    assert.equal(p.status, 404, `GET /dev/personas without --dev: ${p.status} ${p.text}`);
    assert.equal(errorOf(p).code, 'not_found');
    const t = await prod.request('POST', '/dev/token', { body: { username: 'admin' } });
    assert.equal(t.status, 404, `POST /dev/token without --dev: ${t.status} ${t.text}`);
    assert.equal(errorOf(t).code, 'not_found');
    assert.equal(t.json.token, undefined);

    const cli = seam(['token', '--db', prod.db, 'gp.okafor']);
    assert.equal(cli.status, 0, cli.stderr);
    const tok = cli.stdout.trim();
    const me = await prod.request('GET', '/me', { token: tok });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.username, 'gp.okafor');

    // a token signed by the other server's key (other database) is not accepted
    if (process.env.SEAM_TEST_DB && !/^postgres/.test(process.env.SEAM_TEST_DB)) return; // one shared database then
    const foreign = await srv.token('gp.okafor');
    const f = await prod.request('GET', '/me', { token: foreign });
    assert.equal(f.status, 401, `token from another deployment: ${f.status} ${f.text}`);
  } finally {
    await prod.stop();
  }
});
