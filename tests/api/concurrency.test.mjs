// Two people acting on the same referral at the same moment: exactly one wins,
// the other is told why with 409, and the referral keeps exactly one owner.
// Runs on whichever backend the harness uses (SQLite, or PostgreSQL in the
// PostgreSQL pass of make test).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, findService, createReferral, errorOf } from './lib/server.mjs';

let srv, cardio;
before(async () => {
  srv = await startServer();
  cardio = await findService(srv, 'RZA', 'Cardiology');
});
after(async () => { await srv?.stop(); });

test('two triagers decide at once: one wins, the other gets 409', async () => {
  for (let round = 0; round < 5; round++) {
    const ref = await createReferral(srv, { service_id: cardio.id, priority: 'urgent' });
    // Fire both decisions without waiting for either.
    const [a, b] = await Promise.all([
      srv.api('triage.cardio', 'POST', `/referrals/${ref.id}/triage`, { decision: 'accept', comment: 'Seen, accepted' }),
      srv.api('clinician.cardio', 'POST', `/referrals/${ref.id}/triage`,
        { decision: 'return', comment: 'Not yet', advice: 'Try a beta blocker first' }),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [200, 409], `round ${round}: got ${a.status} ${a.text} / ${b.status} ${b.text}`);
    const loser = a.status === 409 ? a : b;
    const winner = a.status === 200 ? a : b;
    assert.match(errorOf(loser).code, /^(illegal_transition|stale_version)$/);
    assert.ok(errorOf(loser).message.length > 10, 'the loser is told why');
    const now = (await srv.api('gp.patel', 'GET', `/referrals/${ref.id}`)).json;
    assert.equal(now.status, winner.json.status, 'the stored state is the winner\'s');
    const open = srv.count(`SELECT count(*) AS n FROM tasks WHERE referral_id = ${ref.id} AND state = 'open'`);
    assert.equal(open, 1, 'exactly one open task (one owner)');
    const decisions = (await srv.api('gp.patel', 'GET', `/referrals/${ref.id}/history`)).json.events
      .filter((e) => /accepted|returned/.test(e.action));
    assert.equal(decisions.length, 1, 'exactly one triage decision in the history');
  }
});

test('the same decision sent twice at once with the version seen: one 200, one 409 stale_version or illegal_transition', async () => {
  const ref = await createReferral(srv, { service_id: cardio.id });
  const body = { decision: 'accept', version: ref.version };
  const rs = await Promise.all([1, 2, 3].map(() => srv.api('triage.cardio', 'POST', `/referrals/${ref.id}/triage`, body)));
  assert.equal(rs.filter((r) => r.status === 200).length, 1, rs.map((r) => `${r.status} ${r.text}`).join('\n'));
  assert.equal(rs.filter((r) => r.status === 409).length, 2);
  const accepted = srv.count(`SELECT count(*) AS n FROM events WHERE object_type = 'referral' AND object_id = '${ref.id}' AND action = 'referral.accepted'`);
  assert.equal(accepted, 1);
});

test('many GPs refer at once: every referral is stored once, with its own owner', async () => {
  const before = srv.count('SELECT count(*) AS n FROM referrals');
  const jobs = [];
  for (let i = 0; i < 12; i++) {
    jobs.push(createReferral(srv, { service_id: cardio.id, reason: `Concurrent referral ${i}` },
      i % 2 ? 'gp.patel' : 'admin.riverside'));
  }
  const made = await Promise.all(jobs);
  assert.equal(new Set(made.map((r) => r.id)).size, 12, 'distinct ids');
  assert.equal(srv.count('SELECT count(*) AS n FROM referrals'), before + 12);
  const ids = made.map((r) => r.id).join(',');
  assert.equal(srv.count(`SELECT count(*) AS n FROM tasks WHERE state = 'open' AND referral_id IN (${ids})`), 12);
});
