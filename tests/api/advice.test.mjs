// Advice and guidance (A&G), convert-to-advice at triage and return reason
// codes, as in docs/api.md ("Advice and guidance (A&G)", "Triage additions
// and onward referral").
//
// Note: docs/api.md does not spell out the shape of a worklist task for an
// advice request; these tests accept `task.advice.id` (the task carries the
// advice it is about, as a referral task carries `task.referral`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  startServer, findService, pickPatient, createReferral, act, errorOf, allPages, seam, API,
} from './lib/server.mjs';

let srv, cardio;
before(async () => {
  srv = await startServer();
  cardio = await findService(srv, 'RZA', 'Cardiology');
});
after(async () => { await srv?.stop(); });

const DAY = 86400_000;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const idOf = (x) => (x !== null && typeof x === 'object' ? x.id : x);

/** POST /advice as `as`; asserts 201 and returns the advice. */
async function createAdvice(fields = {}, as = 'gp.patel') {
  const body = {
    patient_nhs_number: fields.patient_nhs_number ?? (await pickPatient(srv, as)).nhs_number,
    service_id: cardio.id,
    priority: 'routine',
    question: 'Intermittent palpitations, normal ECG. Is a 7-day monitor worthwhile before referral?',
    consent_to_convert: true,
    ...fields,
  };
  const r = await srv.api(as, 'POST', '/advice', body);
  assert.equal(r.status, 201, `POST /advice as ${as}: ${r.status} ${r.text}`);
  return r.json;
}
async function getAdvice(as, id) {
  const r = await srv.api(as, 'GET', `/advice/${id}`);
  assert.equal(r.status, 200, `GET /advice/${id} as ${as}: ${r.status} ${r.text}`);
  return r.json;
}
/** POST /advice/{id}/{action} asserting `want` (default 200); returns the response. */
async function adv(as, id, action, body = {}, want = 200) {
  const r = await srv.api(as, 'POST', `/advice/${id}/${action}`, body);
  assert.equal(r.status, want, `POST /advice/${id}/${action} as ${as} ${JSON.stringify(body).slice(0, 200)}: expected ${want}, got ${r.status} ${r.text}`);
  return r;
}
const getReferral = async (as, id) => {
  const r = await srv.api(as, 'GET', `/referrals/${id}`);
  assert.equal(r.status, 200, `GET /referrals/${id} as ${as}: ${r.status} ${r.text}`);
  return r.json;
};
const worklist = (as) => allPages(srv, as, '/worklist', 'tasks');
const adviceTask = async (as, adviceId) => (await worklist(as)).find((t) => t.advice?.id === adviceId);
/** Row counts a refused request must leave alone. */
const rows = () => {
  const r = srv.sqlite(`SELECT (SELECT count(*) FROM advice_requests) AS advice,
    (SELECT count(*) FROM advice_messages) AS messages,
    (SELECT count(*) FROM attachments) AS attachments,
    (SELECT count(*) FROM referrals) AS referrals,
    (SELECT count(*) FROM tasks) AS tasks,
    (SELECT count(*) FROM events WHERE action NOT LIKE 'read%' AND action NOT LIKE '%escalat%') AS events`)[0];
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)]));
};
/** Asserts a refusal: status, error code (and field), nothing written. */
async function refused(as, method, p, body, status, code, field) {
  const before = rows();
  const r = await srv.api(as, method, p, body);
  assert.equal(r.status, status, `${method} ${p} as ${as} ${JSON.stringify(body ?? null).slice(0, 200)}: expected ${status}, got ${r.status} ${r.text}`);
  const e = errorOf(r);
  if (code) assert.equal(e.code, code, `${method} ${p}: error code ${e.code}`);
  if (field) assert.equal(e.field, field, `${method} ${p}: error field ${e.field}`);
  assert.deepEqual(rows(), before, `${method} ${p} as ${as} refused, yet rows changed`);
  return e;
}

const PDF = Buffer.concat([
  Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n', 'latin1'),
  Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f, 0xc3, 0x28]),
  Buffer.from('\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
]);
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');
async function upload(as, id, bytes, filename, contentType) {
  const q = filename === undefined ? '' : `?filename=${encodeURIComponent(filename)}`;
  return srv.api(as, 'POST', `/advice/${id}/attachments${q}`, bytes, { 'Content-Type': contentType });
}
/** GET bytes with fetch (the harness decodes bodies as text). */
async function download(as, p) {
  const res = await fetch(srv.base + API + p, { headers: { Authorization: `Bearer ${await srv.token(as)}` } });
  return { status: res.status, type: res.headers.get('content-type') || '', body: Buffer.from(await res.arrayBuffer()) };
}

// ------------------------------------------------------------------ thread

test('GP asks Cardiology a routine question: owned by the specialist, on their worklist', async () => {
  const patient = await pickPatient(srv, 'gp.patel');
  const t0 = Date.now();
  const question = 'Palpitations on exertion, Holter normal. Would you recommend an echo before referral?';
  const a = await createAdvice({ patient_nhs_number: patient.nhs_number, question });
  assert.ok(Number.isInteger(a.id));
  assert.equal(a.status, 'awaiting_response');
  assert.equal(a.priority, 'routine');
  assert.equal(a.patient.nhs_number, patient.nhs_number);
  assert.equal(a.service.id, cardio.id);
  assert.equal(a.service.trust.code, 'RZA');
  assert.equal(a.requester.username, 'gp.patel');
  assert.equal(a.requester.organisation.code, 'Z00001');
  assert.equal(a.question, question);
  assert.equal(a.consent_to_convert, true);
  assert.match(a.requested_at, ISO);
  assert.ok(Math.abs(Date.parse(a.requested_at) - t0) < 5 * 60_000, `requested_at ${a.requested_at} is now`);
  assert.equal(a.from_referral_id, null);
  assert.equal(a.converted_referral_id, null);
  assert.equal(a.outcome, null);
  assert.equal(a.responder, null);
  assert.deepEqual(a.attachments, []);
  assert.equal(a.messages.length, 1);
  assert.equal(a.messages[0].kind, 'question');
  assert.equal(a.messages[0].text, question);
  assert.equal(a.messages[0].author.username, 'gp.patel');
  assert.equal(a.owner.organisation.code, 'RZA');
  assert.equal(a.owner.service.id, cardio.id);
  assert.equal(a.owner.role, 'triager');
  assert.equal(a.owner.task, 'advice_response');
  assert.match(a.due_at, ISO);
  const due = Date.parse(a.due_at);
  // 5 working days by default: at least 5 calendar days, at most ~5 + weekends + bank holidays
  assert.ok(due > t0 + 4 * DAY && due < t0 + 12 * DAY, `routine A&G due in 5 working days: ${a.due_at}`);
  assert.equal(a.overdue, false);
  assert.equal(a.escalation_level, 0);
  assert.equal(a.escalated_to, null);
  assert.ok(Number.isInteger(a.version));

  const task = await adviceTask('triage.cardio', a.id);
  assert.ok(task, `advice ${a.id} on triage.cardio's worklist (as task.advice.id)`);
  assert.equal(task.kind, 'advice_response');
  assert.equal(Date.parse(task.due_at), due);
  assert.equal(await adviceTask('triage.derm.rzb', a.id), undefined, 'not on another service\'s worklist');
  assert.equal(await adviceTask('gp.patel', a.id), undefined, 'the GP owes nothing yet');

  const list = await allPages(srv, 'triage.cardio', '/advice', 'advice');
  const item = list.find((x) => x.id === a.id);
  assert.ok(item, 'listed in GET /advice for the service');
  assert.equal(item.status, 'awaiting_response');
  assert.equal(item.messages, undefined, 'the list carries advice without messages');
  assert.ok((await allPages(srv, 'gp.patel', '/advice', 'advice')).some((x) => x.id === a.id), 'listed for the practice');
  assert.ok(!(await allPages(srv, 'gp.okafor', '/advice', 'advice')).some((x) => x.id === a.id), 'not listed for another practice');
  assert.ok(!(await allPages(srv, 'triage.derm.rzb', '/advice', 'advice')).some((x) => x.id === a.id), 'not listed for another trust');
  const st = await allPages(srv, 'triage.cardio', '/advice?status=awaiting_response', 'advice');
  assert.ok(st.some((x) => x.id === a.id));
  assert.ok(st.every((x) => x.status === 'awaiting_response'), 'status filter');
  assert.ok(!(await allPages(srv, 'triage.cardio', '/advice?status=closed', 'advice')).some((x) => x.id === a.id));
});

test('the patient sees their own advice request', async () => {
  const me = await srv.api('patient.demo', 'GET', '/me');
  assert.equal(me.status, 200, me.text);
  assert.ok(me.json.nhs_number, 'patient.demo has an NHS number');
  const a = await createAdvice({ patient_nhs_number: me.json.nhs_number });
  const list = await allPages(srv, 'patient.demo', '/advice', 'advice');
  assert.ok(list.some((x) => x.id === a.id), 'the patient\'s own request is listed');
  assert.ok(list.every((x) => x.patient.nhs_number === me.json.nhs_number), 'only their own');
});

test('thread: specialist asks back, GP replies, specialist gives named structured advice, GP closes', async () => {
  const a = await createAdvice();
  const q = await adv('triage.cardio', a.id, 'messages', { text: 'Is there any syncope or family history of sudden death?' });
  let x = q.json;
  assert.equal(x.status, 'awaiting_gp');
  assert.equal(x.owner.organisation.code, 'Z00001');
  assert.equal(x.owner.role, 'gp');
  assert.equal(x.owner.task, 'advice_reply');
  assert.ok(x.version > a.version, 'version increases');
  assert.equal(x.messages.length, 2);
  assert.equal(x.messages[1].kind, 'response');
  assert.equal(x.messages[1].author.username, 'triage.cardio');
  assert.equal(x.messages[1].author.organisation.code, 'RZA');
  assert.equal(x.messages[1].text, 'Is there any syncope or family history of sudden death?');
  assert.ok((await worklist('gp.patel')).some((t) => t.advice?.id === a.id && t.kind === 'advice_reply'), 'on the GP worklist');
  assert.equal(await adviceTask('triage.cardio', a.id), undefined, 'off the specialist worklist');

  // the specialist cannot write again while the GP holds it; the GP cannot close with advice
  await refused('triage.cardio', 'POST', `/advice/${a.id}/messages`, { text: 'again' }, 409);

  const rep = await adv('gp.patel', a.id, 'messages', { text: 'No syncope; no family history.' });
  x = rep.json;
  assert.equal(x.status, 'awaiting_response');
  assert.equal(x.owner.role, 'triager');
  assert.equal(x.owner.task, 'advice_response');
  assert.equal(x.messages.length, 3);
  assert.equal(x.messages[2].kind, 'reply');
  assert.equal(x.messages[2].author.username, 'gp.patel');

  const adviceBody = {
    answer: 'Likely benign ectopics.',
    what_to_do: 'Reduce caffeine; check TFTs and magnesium.',
    if_worse: 'Refer urgently if syncope or sustained palpitations.',
  };
  const c = await adv('triage.cardio', a.id, 'close', adviceBody);
  x = c.json;
  assert.equal(x.status, 'advice_given');
  assert.equal(x.outcome.answer, adviceBody.answer);
  assert.equal(x.outcome.what_to_do, adviceBody.what_to_do);
  assert.equal(x.outcome.if_worse, adviceBody.if_worse);
  assert.equal(x.outcome.by.username, 'triage.cardio');
  assert.ok(x.outcome.by.display_name, 'outcome signed by name');
  assert.doesNotMatch(x.outcome.by.display_name, /department/i, 'a named responder, not "the department"');
  assert.match(x.outcome.at, ISO);
  assert.equal(x.responder.username, 'triage.cardio');
  assert.equal(x.responder.display_name, x.outcome.by.display_name);
  assert.equal(x.messages.at(-1).kind, 'advice');
  assert.equal(x.messages.at(-1).what_to_do, adviceBody.what_to_do);
  assert.equal(x.owner.organisation.code, 'Z00001');
  assert.equal(x.owner.role, 'gp');
  assert.equal(x.owner.task, 'read_advice');
  assert.ok((await worklist('gp.patel')).some((t) => t.advice?.id === a.id && t.kind === 'read_advice'));

  const done = await adv('gp.patel', a.id, 'close', {});
  x = done.json;
  assert.equal(x.status, 'closed');
  assert.equal(x.owner, null);
  assert.equal(x.due_at, null);
  assert.equal(x.overdue, false);
  assert.equal(await adviceTask('gp.patel', a.id), undefined, 'no task once closed');
  assert.equal(srv.count(`SELECT count(*) FROM tasks WHERE advice_id = ${a.id} AND state = 'open'`), 0);
  // the whole thread is kept and visible to both sides
  const g = await getAdvice('triage.cardio', a.id);
  assert.deepEqual(g.messages.map((m) => m.kind), ['question', 'response', 'reply', 'advice']);
  assert.deepEqual((await getAdvice('gp.patel', a.id)).messages, g.messages);
  // terminal
  await refused('gp.patel', 'POST', `/advice/${a.id}/messages`, { text: 'one more thing' }, 409);
});

test('specialist message with advice fields moves to awaiting_gp; GP may reply after advice_given', async () => {
  const a = await createAdvice();
  const r = await adv('clinician.cardio', a.id, 'messages', { answer: 'Start bisoprolol 1.25 mg.', what_to_do: 'Review in 4 weeks', if_worse: 'Re-refer' });
  assert.equal(r.json.status, 'awaiting_gp');
  assert.equal(r.json.messages.at(-1).answer, 'Start bisoprolol 1.25 mg.');
  const g = await adv('triage.cardio', a.id, 'close', { answer: 'Benign', what_to_do: 'Reassure', if_worse: 'Re-refer' });
  assert.equal(g.json.status, 'advice_given');
  const back = await adv('gp.patel', a.id, 'messages', { text: 'Patient still symptomatic after reassurance.' });
  assert.equal(back.json.status, 'awaiting_response');
  assert.equal(back.json.owner.task, 'advice_response');
});

test('GP withdraws an advice request', async () => {
  const a = await createAdvice();
  await refused('gp.okafor', 'POST', `/advice/${a.id}/withdraw`, { reason: 'x' }, 404);
  const w = await adv('gp.patel', a.id, 'withdraw', { reason: 'Patient moved away' });
  assert.equal(w.json.status, 'withdrawn');
  assert.equal(w.json.owner, null);
  assert.equal(await adviceTask('triage.cardio', a.id), undefined);
});

// ------------------------------------------------------------ conversion

test('specialist converts with consent: referral accepted at once, on the booking worklist', async () => {
  const a = await createAdvice({ consent_to_convert: true });
  const r = await adv('triage.cardio', a.id, 'convert', { comment: 'Needs clinic assessment' });
  const { advice, referral } = r.json;
  assert.ok(advice && referral, `200 {advice, referral}: ${r.text.slice(0, 300)}`);
  assert.equal(advice.id, a.id);
  assert.equal(advice.status, 'converted');
  assert.equal(advice.converted_referral_id, referral.id);
  assert.equal(advice.owner, null);
  assert.equal(referral.status, 'awaiting_booking');
  assert.equal(referral.advice_id, a.id);
  assert.equal(referral.service.id, cardio.id);
  assert.equal(referral.patient.nhs_number, a.patient.nhs_number);
  assert.equal(referral.owner.role, 'booking');
  assert.equal(referral.owner.organisation.code, 'RZA');
  assert.ok((await worklist('booking.rza')).some((t) => t.referral?.id === referral.id), 'on booking.rza\'s worklist');
  assert.equal(await adviceTask('triage.cardio', a.id), undefined, 'advice task gone');
  const gp = await getReferral('gp.patel', referral.id);
  assert.equal(gp.advice_id, a.id, 'the GP sees the link back to the thread');
  assert.equal((await getAdvice('gp.patel', a.id)).converted_referral_id, referral.id);
  // converted is terminal
  await refused('triage.cardio', 'POST', `/advice/${a.id}/convert`, {}, 409);
});

test('specialist cannot convert without consent: 409 consent_required, nothing changes', async () => {
  const a = await createAdvice({ consent_to_convert: false });
  assert.equal(a.consent_to_convert, false);
  const before = srv.sqlite(`SELECT (SELECT count(*) FROM advice_requests) AS advice, (SELECT count(*) FROM referrals) AS referrals,
    (SELECT count(*) FROM tasks) AS tasks`)[0];
  await refused('triage.cardio', 'POST', `/advice/${a.id}/convert`, {}, 409, 'consent_required');
  const after = srv.sqlite(`SELECT (SELECT count(*) FROM advice_requests) AS advice, (SELECT count(*) FROM referrals) AS referrals,
    (SELECT count(*) FROM tasks) AS tasks`)[0];
  assert.deepEqual(after, before);
  const g = await getAdvice('triage.cardio', a.id);
  assert.equal(g.status, 'awaiting_response');
  assert.equal(g.converted_referral_id, null);
  assert.equal(g.version, a.version);
});

test('GP disagrees and converts in one step: awaiting_triage, clock_start = original request date', async () => {
  const a = await createAdvice({ consent_to_convert: false });
  // make the request 20 days old so the kept date is distinguishable from today
  const old = new Date(Date.now() - 20 * DAY).toISOString().slice(0, 10);
  srv.sqlite(`UPDATE advice_requests SET requested_at = '${old}' || substr(requested_at, 11) WHERE id = ${a.id}`);
  const reqAt = (await getAdvice('gp.patel', a.id)).requested_at;
  assert.equal(reqAt.slice(0, 10), old, 'requested_at backdated');
  await adv('triage.cardio', a.id, 'close', { answer: 'Not cardiac', what_to_do: 'Manage in primary care', if_worse: 'Re-refer' });
  const r = await adv('gp.patel', a.id, 'convert', { reason: 'Symptoms persist; I would like a clinic review' });
  const { advice, referral } = r.json;
  assert.ok(advice && referral, `200 {advice, referral}: ${r.text.slice(0, 300)}`);
  assert.equal(advice.status, 'converted');
  assert.equal(advice.converted_referral_id, referral.id);
  assert.equal(referral.status, 'awaiting_triage');
  assert.equal(referral.service.id, cardio.id);
  assert.equal(referral.advice_id, a.id);
  assert.equal(referral.clock_start, reqAt.slice(0, 10), 'clock_start kept from the request date');
  assert.equal(referral.owner.role, 'triager');
  assert.equal(referral.owner.service.id, cardio.id);
  assert.equal(referral.requester.organisation.code, 'Z00001');
  assert.ok((await worklist('triage.cardio')).some((t) => t.referral?.id === referral.id), 'on the triage worklist');
  assert.equal(await adviceTask('gp.patel', a.id), undefined, 'read_advice task gone');
});

// -------------------------------------------------------------- refusals

test('refusals: visibility, validation, illegal transitions', async () => {
  const patient = await pickPatient(srv, 'gp.patel');
  const base = { patient_nhs_number: patient.nhs_number, service_id: cardio.id, priority: 'routine', question: 'Q?', consent_to_convert: true };
  const a = await createAdvice();

  // another trust's service, another practice's GP: not visible
  await refused('triage.derm.rzb', 'POST', `/advice/${a.id}/messages`, { text: 'From the wrong trust' }, 404, 'not_found');
  await refused('triage.derm.rzb', 'POST', `/advice/${a.id}/close`, { answer: 'a', what_to_do: 'b', if_worse: 'c' }, 404, 'not_found');
  const ok = await srv.api('gp.okafor', 'GET', `/advice/${a.id}`);
  assert.equal(ok.status, 404, `gp.okafor GET /advice/${a.id}: ${ok.status}`);
  assert.equal(errorOf(ok).code, 'not_found');
  assert.equal((await srv.api('triage.derm.rzb', 'GET', `/advice/${a.id}`)).status, 404);
  assert.equal((await srv.api('gp.patel', 'GET', '/advice/99999999')).status, 404);

  // validation
  const { question, ...noQuestion } = base;
  await refused('gp.patel', 'POST', '/advice', noQuestion, 422, 'missing_field', 'question');
  const { consent_to_convert, ...noConsent } = base;
  await refused('gp.patel', 'POST', '/advice', noConsent, 422, 'missing_field', 'consent_to_convert');
  await refused('gp.patel', 'POST', '/advice', { ...base, consent_to_convert: 'yes' }, 400, null, 'consent_to_convert');
  await refused('gp.patel', 'POST', '/advice', { ...base, consent_to_convert: 1 }, 400, null, 'consent_to_convert');
  await refused('gp.patel', 'POST', '/advice', { ...base, priority: 'two_week_wait' }, 422, 'invalid_value', 'priority');
  await refused('gp.patel', 'POST', '/advice', { ...base, question: 'x'.repeat(20_001) }, 422, 'field_too_long', 'question');
  await refused('gp.patel', 'POST', '/advice', { ...base, patient_nhs_number: '1234567890' }, 422, 'invalid_nhs_number');
  // roles: only a GP asks
  await refused('triage.cardio', 'POST', '/advice', base, 403, 'forbidden');

  // illegal transitions / roles on the thread
  await refused('gp.patel', 'POST', `/advice/${a.id}/close`, {}, 409, 'illegal_transition');
  await refused('gp.patel', 'POST', `/advice/${a.id}/close`, { answer: 'a', what_to_do: 'b', if_worse: 'c' }, 409);
  await refused('triage.cardio', 'POST', `/advice/${a.id}/close`, { answer: 'A', if_worse: 'C' }, 422, 'missing_field', 'what_to_do');
  await refused('triage.cardio', 'POST', `/advice/${a.id}/close`, { answer: 'A', what_to_do: 'B' }, 422, 'missing_field', 'if_worse');
  await refused('triage.cardio', 'POST', `/advice/${a.id}/messages`, {}, 422, 'missing_field');
  await refused('triage.cardio', 'POST', `/advice/${a.id}/messages`, { what_to_do: 'B' }, 422, 'missing_field');
  await refused('triage.cardio', 'POST', `/advice/${a.id}/messages`, { text: 'x', version: a.version + 7 }, 409, 'stale_version');
  const g = await getAdvice('gp.patel', a.id);
  assert.equal(g.status, 'awaiting_response');
  assert.equal(g.messages.length, 1);
});

// ----------------------------------------------------------- attachments

test('attachments: upload, hash, download, visibility, limits', async () => {
  const a = await createAdvice();
  const up = await upload('gp.patel', a.id, PDF, 'ecg.pdf', 'application/pdf');
  assert.equal(up.status, 201, up.text);
  assert.ok(Number.isInteger(up.json.id));
  assert.equal(up.json.filename, 'ecg.pdf');
  assert.equal(up.json.content_type, 'application/pdf');
  assert.equal(up.json.size, PDF.length);
  assert.equal(up.json.sha256, sha256(PDF));

  const d = await download('triage.cardio', `/advice/${a.id}/attachments/${up.json.id}`);
  assert.equal(d.status, 200);
  assert.match(d.type, /^application\/pdf/);
  assert.ok(d.body.equals(PDF), `same bytes back (${d.body.length} vs ${PDF.length})`);
  assert.equal((await download('gp.patel', `/advice/${a.id}/attachments/${up.json.id}`)).status, 200);
  assert.equal((await download('gp.okafor', `/advice/${a.id}/attachments/${up.json.id}`)).status, 404);
  assert.equal((await download('triage.derm.rzb', `/advice/${a.id}/attachments/${up.json.id}`)).status, 404);
  assert.equal((await download('triage.cardio', `/advice/${a.id}/attachments/${up.json.id + 100000}`)).status, 404);

  const g = await getAdvice('triage.cardio', a.id);
  assert.equal(g.attachments.length, 1);
  const at = g.attachments[0];
  assert.equal(at.id, up.json.id);
  assert.equal(at.filename, 'ecg.pdf');
  assert.equal(at.content_type, 'application/pdf');
  assert.equal(at.size, PDF.length);
  assert.equal(at.sha256, sha256(PDF));
  assert.match(at.uploaded_at, ISO);
  assert.ok(JSON.stringify(at.uploaded_by).includes('gp.patel'), `uploaded_by names the GP: ${JSON.stringify(at.uploaded_by)}`);

  // the specialist may attach too; bigger than the 1 MiB JSON limit but within 5 MiB
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(2 * 1024 * 1024)]);
  const up2 = await upload('triage.cardio', a.id, png, 'trace.png', 'image/png');
  assert.equal(up2.status, 201, `2 MiB PNG: ${up2.status} ${up2.text.slice(0, 200)}`);
  assert.equal(up2.json.sha256, sha256(png));
  const d2 = await download('gp.patel', `/advice/${a.id}/attachments/${up2.json.id}`);
  assert.ok(d2.body.equals(png), 'binary bytes round-trip');
  assert.match(d2.type, /^image\/png/);

  // another practice may not upload
  const before = rows();
  const other = await upload('gp.okafor', a.id, PDF, 'x.pdf', 'application/pdf');
  assert.equal(other.status, 404, other.text);
  // wrong type
  const exe = await upload('gp.patel', a.id, Buffer.from('MZ\x90\x00'), 'setup.exe', 'application/x-msdownload');
  assert.equal(exe.status, 415, exe.text);
  assert.equal(errorOf(exe).code, 'unsupported_media_type');
  // too large: 6 MiB
  const big = Buffer.alloc(6 * 1024 * 1024, 0x41);
  big.write('%PDF-1.4\n');
  const tok = await srv.token('gp.patel');
  const r = await srv.raw({
    method: 'POST', path: `${API}/advice/${a.id}/attachments?filename=big.pdf`,
    headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/pdf' }, body: big,
  });
  assert.equal(r.status, 413, `6 MiB upload: ${r.status} ${r.text.slice(0, 200)}`);
  assert.equal(r.json?.error?.code, 'too_large');
  assert.deepEqual(rows(), before, 'refused uploads write nothing');
  assert.equal((await getAdvice('gp.patel', a.id)).attachments.length, 2);
  assert.ok(srv.alive, 'server still up');

  // not once the request has ended
  await adv('gp.patel', a.id, 'withdraw', { reason: 'Resolved' });
  const late = await upload('gp.patel', a.id, PDF, 'late.pdf', 'application/pdf');
  assert.equal(late.status, 409, late.text);
});

// ---------------------------------------------- convert at triage, returns

test('triage decision convert_to_advice ends the referral and opens an advice request', async () => {
  const c = await createReferral(srv, { service_id: cardio.id, priority: 'routine' });
  const t = await act(srv, 'triage.cardio', c.id, 'triage', { decision: 'convert_to_advice', comment: 'This can be answered as advice' });
  assert.equal(t.id, c.id);
  assert.equal(t.status, 'converted_to_advice');
  assert.ok(Number.isInteger(t.advice_id), `advice_id set: ${t.advice_id}`);
  assert.equal(t.owner, null, 'the referral has ended');
  assert.ok(!(await worklist('triage.cardio')).some((x) => x.referral?.id === c.id), 'referral triage task gone');
  const a = await getAdvice('triage.cardio', t.advice_id);
  assert.equal(a.status, 'awaiting_response');
  assert.equal(a.from_referral_id, c.id);
  assert.equal(a.service.id, cardio.id);
  assert.equal(a.patient.nhs_number, c.patient.nhs_number);
  assert.equal(a.owner.service.id, cardio.id);
  assert.equal(a.owner.role, 'triager');
  assert.equal(a.owner.task, 'advice_response');
  assert.ok(await adviceTask('triage.cardio', a.id), 'the advice request is on the specialist worklist');
  assert.equal((await getAdvice('gp.patel', a.id)).from_referral_id, c.id, 'the GP sees it');
  assert.equal((await getReferral('gp.patel', c.id)).advice_id, a.id);
});

test('GP turns a returned referral into an advice request', async () => {
  const c = await createReferral(srv, { service_id: cardio.id, reason: 'Murmur on examination', clinical_summary: 'Soft ejection systolic murmur, asymptomatic.' });
  await act(srv, 'triage.cardio', c.id, 'triage', { decision: 'return', comment: 'Echo first', advice: 'Request an open-access echo', reason_code: 'tests_first' });
  const before = rows();
  // another practice's GP cannot; the triager cannot
  await refused('gp.okafor', 'POST', `/referrals/${c.id}/convert_to_advice`, {}, 404);
  const r = await srv.api('gp.patel', 'POST', `/referrals/${c.id}/convert_to_advice`, {});
  assert.equal(r.status, 200, r.text);
  const ref = r.json.referral ?? r.json;
  assert.equal(ref.id, c.id);
  assert.equal(ref.status, 'converted_to_advice');
  const g = await getReferral('gp.patel', c.id);
  assert.equal(g.status, 'converted_to_advice');
  assert.ok(Number.isInteger(g.advice_id));
  assert.equal(g.owner, null);
  const a = await getAdvice('gp.patel', g.advice_id);
  assert.equal(a.status, 'awaiting_response');
  assert.equal(a.from_referral_id, c.id);
  assert.equal(a.service.id, cardio.id);
  assert.ok(a.question.includes('Murmur on examination'), `default question from the referral: ${a.question}`);
  assert.equal(rows().advice, before.advice + 1, 'one new advice request');
  assert.ok(await adviceTask('triage.cardio', a.id));
  assert.ok(!(await worklist('gp.patel')).some((x) => x.referral?.id === c.id), 'returned-referral task gone');

  // with an explicit question; only from returned
  const c2 = await createReferral(srv, { service_id: cardio.id });
  await refused('gp.patel', 'POST', `/referrals/${c2.id}/convert_to_advice`, {}, 409, 'illegal_transition');
  await act(srv, 'triage.cardio', c2.id, 'triage', { decision: 'return', comment: 'More info', advice: 'Send BP readings' });
  const r2 = await srv.api('gp.patel', 'POST', `/referrals/${c2.id}/convert_to_advice`, { question: 'Home BP averages 150/95: start amlodipine?' });
  assert.equal(r2.status, 200, r2.text);
  const a2 = await getAdvice('gp.patel', (await getReferral('gp.patel', c2.id)).advice_id);
  assert.equal(a2.question, 'Home BP averages 150/95: start amlodipine?');
});

test('return reason codes', async () => {
  const c = await createReferral(srv, { service_id: cardio.id });
  const r = await act(srv, 'triage.cardio', c.id, 'triage', { decision: 'return', comment: 'Echo first', advice: 'Arrange echo', reason_code: 'tests_first' });
  assert.equal(r.status, 'returned');
  assert.equal(r.return.reason_code, 'tests_first');
  assert.equal((await getReferral('gp.patel', c.id)).return.reason_code, 'tests_first');

  const d = await createReferral(srv, { service_id: cardio.id });
  const rd = await act(srv, 'triage.cardio', d.id, 'triage', { decision: 'return', comment: 'No', advice: 'Manage locally' });
  assert.equal(rd.return.reason_code, 'other', 'default reason_code is other');

  const e = await createReferral(srv, { service_id: cardio.id });
  await refused('triage.cardio', 'POST', `/referrals/${e.id}/triage`,
    { decision: 'return', comment: 'x', advice: 'y', reason_code: 'because_i_said_so' }, 422, 'invalid_value', 'reason_code');
  assert.equal((await getReferral('triage.cardio', e.id)).status, 'awaiting_triage');
  for (const code of ['more_information_needed', 'manage_in_primary_care', 'needs_other_service', 'criteria_not_met', 'other']) {
    const f = await createReferral(srv, { service_id: cardio.id });
    const x = await act(srv, 'triage.cardio', f.id, 'triage', { decision: 'return', comment: 'c', advice: 'a', reason_code: code });
    assert.equal(x.return.reason_code, code);
  }
});

// ------------------------------------------------------- failsafe (last:
// it moves the clock 30 days on for every open task in the database)

test('failsafe escalates an unanswered advice request to the ICB and records it', async () => {
  const a = await createAdvice();
  const now = new Date(Date.now() + 30 * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const r = seam(['failsafe', '--db', srv.db, '--now', now]);
  assert.equal(r.status, 0, `seam failsafe --now ${now}: ${r.status} ${r.stderr}`);
  const g = await getAdvice('gp.patel', a.id);
  assert.equal(g.escalation_level, 3);
  assert.equal(g.escalated_to, 'icb');
  assert.equal(g.status, 'awaiting_response', 'escalation does not change the status');
  const ev = srv.sqlite(`SELECT action, object_type, object_id FROM events
    WHERE object_type = 'advice' AND object_id = '${a.id}' AND action LIKE '%escalat%' ORDER BY id`);
  assert.ok(ev.length >= 1, `escalation events recorded for advice ${a.id}: ${JSON.stringify(ev)}`);
  // interface lead (2+) and ICB analyst (3) see the task on their worklists
  assert.ok(await adviceTask('lead.rza', a.id), 'on the RZA interface lead worklist');
  assert.ok(await adviceTask('analyst.icb', a.id), 'on the ICB analyst worklist');
  assert.equal(await adviceTask('gp.patel', a.id), undefined);
  // idempotent
  const before = srv.count(`SELECT count(*) FROM events WHERE object_type = 'advice' AND object_id = '${a.id}'`);
  assert.equal(seam(['failsafe', '--db', srv.db, '--now', now]).status, 0);
  assert.equal(srv.count(`SELECT count(*) FROM events WHERE object_type = 'advice' AND object_id = '${a.id}'`), before, 'second run adds nothing');
});
