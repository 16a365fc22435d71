// format.js - words and dates: NHS numbers, patient names, UK dates and
// times (Europe/London), datetime-local fields read as UK wall-clock time.

import { html } from './html.js';

export function humanise(s) {
  if (s === null || s === undefined || s === '') return '';
  const t = String(s).replace(/_/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

// "9434765919" -> "943 476 5919"
export function formatNhsNumber(n) {
  if (!n) return '';
  const d = String(n).replace(/\s+/g, '');
  if (!/^\d{10}$/.test(d)) return String(n);
  return `${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`;
}

export function patientName(p) {
  if (!p) return '';
  const family = p.family_name ? String(p.family_name).toUpperCase() : '';
  return [family, p.given_name].filter(Boolean).join(', ');
}

const TZ = 'Europe/London';

// "2026-11-02" -> "2 November 2026"
export function formatDate(d) {
  if (!d) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (m) {
    const dt = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], 12));
    return dt.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  }
  const dt = new Date(d);
  if (Number.isNaN(dt.getTime())) return String(d);
  return dt.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: TZ });
}

// ISO instant -> "25 Nov 2026, 14:59" in UK time.
export function formatDateTime(iso, { weekday = false } = {}) {
  if (!iso) return '';
  const dt = new Date(iso);
  if (Number.isNaN(dt.getTime())) return String(iso);
  const opts = { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: TZ };
  if (weekday) opts.weekday = 'short';
  return dt.toLocaleString('en-GB', opts);
}

// An accessible <time> element; wraps between the date and the time only.
export function timeEl(iso, opts) {
  if (!iso) return html``;
  const text = formatDateTime(iso, opts);
  const i = text.lastIndexOf(', ');
  if (i < 0) return html`<time datetime="${iso}">${text}</time>`;
  return html`<time datetime="${iso}"><span class="nhsuk-u-nowrap">${text.slice(0, i + 1)}</span> <span class="nhsuk-u-nowrap">${text.slice(i + 2)}</span></time>`;
}

function londonOffsetMinutes(utcMs) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: TZ, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const v = Object.fromEntries(parts.map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+v.year, +v.month - 1, +v.day, +v.hour, +v.minute, +v.second);
  return Math.round((asUtc - utcMs) / 60000);
}

// A datetime-local value ("2026-11-25T14:30") read as UK wall-clock time
// -> "2026-11-25T14:30:00Z" style ISO instant in UTC.  null if invalid.
export function londonLocalToUtcIso(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value || '');
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
  let utc = wall - londonOffsetMinutes(wall) * 60000;
  utc = wall - londonOffsetMinutes(utc) * 60000; // settle around a clock change
  return new Date(utc).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// An instant (ms, default now) as a datetime-local value in UK wall-clock
// time ("2026-11-25T14:30"): the default of a "when did it happen" field.
export function utcToLondonLocal(utcMs = Date.now()) {
  return new Date(utcMs + londonOffsetMinutes(utcMs) * 60000).toISOString().slice(0, 16);
}
