// Estimated wait for a service (docs/waiting-list.md, "GET /services/{id}/estimated-wait"), from
// hand-built clock stops of services of our own, so the demo adds nothing.
//
// Definitions the implementation must match (the contract names them without defining them):
//  - a wait is clock_stop_day - clock_start_day (days); weeks = days / 7, one decimal;
//  - median_weeks is the LOWER median (as in GET /measures/rtt): the ceil(n/2)-th smallest wait;
//  - p92_weeks is the NEAREST-RANK 92nd percentile: the ceil(0.92 * n)-th smallest wait
//    (no interpolation);
//  - the window is the 26 weeks before the census date: stops on days census-181 ... census count
//    (the data keep clear of the first day, so census-182 may count too), stops after the census do not;
//  - clock stops for treatment (30) count; nullified (33) never; other services' never;
//  - waiting_now / median_waiting_weeks: the service's open pathways at the census (days / 7, lower median).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, findService } from './lib/server.mjs';
import { pathwayKit, dayOf, dateOf, todayUtc, lowerMedian, nearestRank, r1 } from './lib/pathways.mjs';

let srv, K, cardio, clinic, thin, openId;
const T = dayOf(todayUtc());
// 21 waits (days), each stopping in the last 26 weeks: lower median 70 (10.0 weeks), p92 the 20th = 150 (21.4)
const WAITS = [14, 20, 28, 35, 40, 42, 49, 56, 60, 63, 70, 77, 84, 90, 91, 98, 105, 112, 119, 150, 200];
const THIN = Array.from({ length: 19 }, (_, i) => 7 * (i + 1)); // 7 ... 133 days

before(async () => {
  srv = await startServer();
  K = pathwayKit(() => srv);
  cardio = await findService(srv, 'RZA', 'Cardiology');
  clinic = K.addService('RZA', 'Estimate Clinic', '300');
  thin = K.addService('RZA', 'Thin Clinic', '301');
  const stopped = (service, wait, stopDay, o = {}) => {
    const nhs = K.addPatient({ practice: 'Z00003', family: 'Estimate' });
    return K.addPathway({ nhs, service, start: dateOf(stopDay - wait), stop: dateOf(stopDay), status: '30', open: 0, ...o });
  };
  WAITS.forEach((w, i) => stopped(clinic, w, T - 5 - 8 * i)); // stops T-5 ... T-165
  // outside the window, nullified, another service: never counted
  for (let i = 0; i < 3; i++) stopped(clinic, 400, T - 200 - i);
  stopped(clinic, 500, T - 50, { status: '33' });
  stopped(cardio.id, 600, T - 40);
  // waiting now: 10, 30, 100 days (one of them a Riverside patient)
  for (const d of [10, 100]) {
    const nhs = K.addPatient({ practice: 'Z00003' });
    K.addPathway({ nhs, service: clinic, start: dateOf(T - d) });
  }
  const riv = K.addPatient({ practice: 'Z00001', family: 'Estimatee' });
  openId = K.addPathway({ nhs: riv, service: clinic, start: dateOf(T - 30) });
  THIN.forEach((w, i) => stopped(thin, w, T - 3 - 5 * i));
});
after(async () => { await srv?.stop(); });

const estimate = async (as, id, q = '') => {
  const r = await srv.api(as, 'GET', `/services/${id}/estimated-wait${q}`);
  assert.equal(r.status, 200, `GET /services/${id}/estimated-wait${q} as ${as}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
};

test('median (lower) and p92 (nearest rank) of the last 26 weeks\' clock stops', async () => {
  // the definitions, checked on the data: not interpolated (that would give 18.8 weeks for p92)
  assert.equal(r1(lowerMedian(WAITS) / 7), 10.0);
  assert.equal(r1(nearestRank(WAITS, 0.92) / 7), 21.4);
  const e = await estimate('gp.patel', clinic);
  assert.equal(e.service?.id, clinic);
  assert.equal(e.service.name, 'Estimate Clinic');
  assert.ok(e.service.trust, 'service.trust');
  assert.equal(e.service.trust.code ?? e.service.trust, 'RZA');
  assert.equal(e.to, todayUtc(), 'to: the census date (today)');
  assert.ok([dateOf(T - 182), dateOf(T - 181)].includes(e.from), `from: 26 weeks before the census: ${e.from}`);
  assert.equal(e.clock_stops, 21, '21 stops: not the 3 older ones, the nullified one or another service\'s');
  assert.equal(e.enough_data, true);
  assert.equal(e.median_weeks, 10.0, 'lower median: the 11th of 21 waits, 70 days');
  assert.equal(e.p92_weeks, 21.4, 'p92: the ceil(0.92 x 21) = 20th smallest wait, 150 days');
  assert.equal(e.waiting_now, 3);
  assert.equal(e.median_waiting_weeks, 4.3, 'open: 10, 30, 100 days; median 30 days');
});

test('weeks are written with one decimal place in the JSON text itself', async () => {
  // 21.4 must not go out as 21.399999999999999
  const raw = await srv.api('gp.patel', 'GET', `/services/${clinic}/estimated-wait`);
  assert.equal(raw.status, 200);
  assert.deepEqual(raw.text.match(/-?\d+\.\d{2,}/g) ?? [], [], `weeks to one decimal in the JSON text: ${raw.text}`);
});

test('fewer than 20 stops: not enough data, no estimates; 20 is enough', async () => {
  const e = await estimate('gp.okafor', thin);
  assert.equal(e.clock_stops, 19);
  assert.equal(e.enough_data, false);
  assert.equal(e.median_weeks, null);
  assert.equal(e.p92_weeks, null);
  assert.equal(e.waiting_now, 0);
  assert.equal(e.median_waiting_weeks, null, 'no one waiting');
  // one more stop: 20 waits 7 ... 133 and 147 days
  const nhs = K.addPatient({ practice: 'Z00003' });
  K.addPathway({ nhs, service: thin, start: dateOf(T - 2 - 147), stop: dateOf(T - 2), status: '30', open: 0 });
  const f = await estimate('gp.okafor', thin);
  assert.equal(f.clock_stops, 20);
  assert.equal(f.enough_data, true, '20 stops are enough');
  assert.equal(f.median_weeks, 10.0, 'lower median of 20: the 10th, 70 days');
  assert.equal(f.p92_weeks, 19.0, 'p92: ceil(18.4) = 19th, 133 days');
});

test('the census date moves the window', async () => {
  const census = dateOf(T - 100);
  const e = await estimate('analyst.icb', clinic, `?census=${census}`);
  assert.equal(e.to, census);
  // stops on T-101 ... T-165 (9) and the three at T-200..T-202: 12, and none after the census
  assert.equal(e.clock_stops, 12);
  assert.equal(e.enough_data, false);
  assert.equal(e.median_weeks, null);
  assert.equal(e.p92_weeks, null);
});

test('any signed-in user; not audited; unknown service 404; no token 401', async () => {
  const before_ = srv.count("SELECT count(*) AS n FROM events WHERE action NOT LIKE '%escalat%'");
  const a = await estimate('patient.demo', clinic);
  for (const as of ['triage.derm.rzb', 'booking.rza', 'admin', 'admin.riverside']) {
    assert.deepEqual(await estimate(as, clinic), a, `${as} sees the same estimate`);
  }
  assert.equal(srv.count("SELECT count(*) AS n FROM events WHERE action NOT LIKE '%escalat%'"), before_, 'no events: no patient data');
  const none = await srv.api('gp.patel', 'GET', '/services/987654/estimated-wait');
  assert.equal(none.status, 404);
  assert.equal(none.json?.error?.code, 'not_found');
  assert.equal((await srv.request('GET', `/services/${clinic}/estimated-wait`)).status, 401);
});

test('a pathway carries its service\'s estimate', async () => {
  const p = await K.get('gp.patel', `/pathways/${openId}`);
  assert.deepEqual(p.estimated_wait, await estimate('gp.patel', clinic));
});
