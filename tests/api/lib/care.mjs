// Shared helpers of the complete-care API tests (results, letters, follow-ups,
// inbox): row counts that a refusal must leave alone, lists across pages,
// worklist and inbox look-ups.  careKit(() => srv) binds them to a server.
import assert from 'node:assert/strict';
import { errorOf } from './server.mjs';

const DAY = 86400_000;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const idOf = (x) => (x !== null && typeof x === 'object' ? x.id : x);

export function careKit(getSrv) {
  // ------------------------------------------------------------ row counts
  const isPg = () => /^postgres(ql)?:\/\//.test(getSrv().db);
  const SKIP = new Set(['schema_migrations', 'idempotency', 'settings', 'events']);
  let tableNames;
  function tables() {
    if (tableNames) return tableNames;
    const r = isPg()
      ? getSrv().sqlite(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
      : getSrv().sqlite(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`);
    tableNames = r.map((x) => x.name).filter((n) => !SKIP.has(n) && /^[a-z_0-9]+$/.test(n)).sort();
    return tableNames;
  }
  /** Row counts of every table (events: changes only) a refusal must leave alone. */
  function rows() {
    const sel = tables().map((n) => `(SELECT count(*) FROM ${n}) AS "${n}"`);
    sel.push(`(SELECT count(*) FROM events WHERE action NOT LIKE 'read%' AND action NOT LIKE '%escalat%') AS events`);
    const r = getSrv().sqlite(`SELECT ${sel.join(', ')}`)[0];
    return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)]));
  }
  /** Asserts a refusal: status, error code (and field), nothing written. */
  async function refused(as, method, p, body, status, code, field) {
    const before_ = rows();
    const r = await getSrv().api(as, method, p, body);
    const want = Array.isArray(status) ? status : [status];
    assert.ok(want.includes(r.status), `${method} ${p} as ${as} ${JSON.stringify(body ?? null).slice(0, 200)}: expected ${status}, got ${r.status} ${r.text.slice(0, 300)}`);
    const e = errorOf(r);
    if (code) {
      if (Array.isArray(code)) assert.ok(code.includes(e.code), `${method} ${p}: error code ${e.code}, expected one of ${code}`);
      else assert.equal(e.code, code, `${method} ${p}: error code ${e.code}`);
    }
    if (field) assert.equal(e.field, field, `${method} ${p}: error field ${e.field}`);
    assert.deepEqual(rows(), before_, `${method} ${p} as ${as} refused, yet rows changed`);
    return e;
  }

  // --------------------------------------------------------------- helpers
  async function call(as, method, p, body, want) {
    const r = await getSrv().api(as, method, p, body);
    assert.equal(r.status, want, `${method} ${p} as ${as} ${JSON.stringify(body ?? null).slice(0, 200)}: expected ${want}, got ${r.status} ${r.text.slice(0, 400)}`);
    return r.json;
  }
  const get = (as, p) => call(as, 'GET', p, undefined, 200);
  /** Every item of a list endpoint (pages when it reports a total). */
  async function list(as, p, key) {
    const out = [];
    const sep = p.includes('?') ? '&' : '?';
    for (let page = 1; page <= 100; page++) {
      const j = await get(as, `${p}${sep}page=${page}&page_size=100`);
      const items = j[key];
      assert.ok(Array.isArray(items), `GET ${p} as ${as}: "${key}" is an array: ${JSON.stringify(j).slice(0, 300)}`);
      if (items.length && out.some((x) => x.id !== undefined && x.id === items[0].id)) break; // page ignored
      out.push(...items);
      if (items.length === 0) break;
      if (typeof j.total === 'number' ? out.length >= j.total : items.length < (j.page_size ?? 100)) break;
    }
    return out;
  }
  const worklist = (as) => list(as, '/worklist', 'tasks');
  /** Is this worklist task about that result / order? */
  const taskAbout = (t, subject, id) =>
    (t.subject === subject && (idOf(t[subject]) === id || t.subject_id === id)) || idOf(t[subject]) === id;
  const resultTasks = async (as, id) => (await worklist(as)).filter((t) => taskAbout(t, 'result', id));
  async function inbox(as) {
    const j = await get(as, '/inbox');
    assert.ok(Array.isArray(j.actions) && Array.isArray(j.information), `GET /inbox as ${as}: {actions, information}: ${JSON.stringify(j).slice(0, 300)}`);
    return j;
  }
  /** Is this inbox item about that letter / result / referral?  (`id` is the thing's id, or `link` names it:
   * `/letters/12`, `/api/v1/letters/12` or a page such as `/letter.html?id=12`.) */
  function itemAbout(item, plural, id) {
    if (item.id === id) return true;
    const l = String(item.link ?? '');
    const sing = plural.replace(/s$/, '').replace(/-/g, '[-_]?');
    return new RegExp(`/${plural}/${id}(\\D|$)`).test(l) ||
      (new RegExp(sing).test(l) && new RegExp(`[?&#](id|${sing}(_id)?)=${id}(\\D|$)`).test(l));
  }
  const inboxResultItems = async (as, id) => {
    const b = await inbox(as);
    return [...b.actions, ...b.information].filter((i) => /result/.test(i.type) && itemAbout(i, 'results', id));
  };
  function dueIn(x, minDays, maxDays, what) {
    assert.match(String(x.due_at), ISO, `${what}: due_at ${x.due_at}`);
    const due = Date.parse(x.due_at), now = Date.now();
    assert.ok(due > now + minDays * DAY && due < now + maxDays * DAY,
      `${what}: due_at ${x.due_at} should be ${minDays}..${maxDays} days from now`);
  }
  return { isPg, tables, rows, refused, call, get, list, worklist, taskAbout, resultTasks, inbox, itemAbout, inboxResultItems, dueIn };
}
