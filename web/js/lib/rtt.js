// rtt.js - what the waiting-list pages share (docs/waiting-list.md): clinical
// priority codes and their labels, weeks-waited tags, and the estimated wait
// for a service in words.

import { api } from './api.js';
import { formatDate, humanise } from './format.js';
import { html } from './html.js';

// Clinical priority (FSSA clinical guide to surgical prioritisation), in order.
// label: what staff read; plain: what the patient reads.
export const PRIORITIES = [
  { code: 'P1a', label: 'Within 24 hours', plain: 'treatment is needed within 24 hours', colour: 'red' },
  { code: 'P1b', label: 'Within 72 hours', plain: 'treatment is needed within 3 days', colour: 'red' },
  { code: 'P2', label: 'Within 4 weeks', plain: 'treatment is needed within 4 weeks', colour: 'orange' },
  { code: 'P3', label: 'Within 3 months', plain: 'treatment is needed within 3 months', colour: 'yellow' },
  { code: 'P4', label: 'More than 3 months', plain: 'treatment can safely wait more than 3 months', colour: 'blue' },
  { code: 'P6', label: 'Patient chose to postpone', plain: 'you have chosen to put your treatment off for now', colour: 'grey' },
];

const BY_CODE = new Map(PRIORITIES.map((p) => [p.code.toLowerCase(), p]));

export function priorityInfo(code) {
  return code ? BY_CODE.get(String(code).toLowerCase()) || null : null;
}

// "P3 – Within 3 months" (the API's label when it has one).
export function priorityText(p) {
  if (!p) return 'Not yet prioritised';
  const code = typeof p === 'string' ? p : p.code;
  const info = priorityInfo(code);
  const label = (typeof p === 'object' && p.label) || (info && info.label) || '';
  return label ? `${code} – ${label}` : String(code);
}

// A tag for a pathway's clinical priority (or "Not yet prioritised").
export function clinicalPriorityTag(p) {
  if (!p || !p.code) return html`<strong class="nhsuk-tag nhsuk-tag--white" data-priority="none">Not yet prioritised</strong>`;
  const info = priorityInfo(p.code);
  return html`<strong class="nhsuk-tag nhsuk-tag--${info ? info.colour : 'grey'}" data-priority="${p.code}">${priorityText(p)}</strong>`;
}

// Weeks waited, with a tag over 18 and over 52 weeks (over = more than 7N days).
export function weeksTag(pw) {
  if (pw.days_waited > 7 * 52) return html`<strong class="nhsuk-tag nhsuk-tag--red" data-over="52">Over 52 weeks</strong>`;
  if (pw.over_18_weeks || pw.days_waited > 7 * 18) return html`<strong class="nhsuk-tag nhsuk-tag--orange" data-over="18">Over 18 weeks</strong>`;
  return '';
}

export function weeksText(n) {
  if (n === null || n === undefined) return '';
  return `${n} week${Number(n) === 1 ? '' : 's'}`;
}

// A number of weeks with one decimal place at most: 12, 12.5.
export function weeksNumber(x) {
  if (x === null || x === undefined) return '';
  const n = Number(x);
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

export const RTT_LABEL_FALLBACK = {
  10: 'First activity', 11: 'First activity after a period of active monitoring', 12: 'First activity after a new treatment decision',
  20: 'Subsequent activity', 21: 'Transfer to another provider', 30: 'Start of first definitive treatment',
  31: 'Start of active monitoring (patient)', 32: 'Start of active monitoring (clinician)', 33: 'Did not attend the first appointment',
  34: 'Decision not to treat', 35: 'Patient declined treatment', 36: 'Patient died before treatment',
};

export function rttStatusText(s) {
  if (!s) return '';
  if (typeof s === 'string') return RTT_LABEL_FALLBACK[s] ? `${s} – ${RTT_LABEL_FALLBACK[s]}` : s;
  const label = s.label || RTT_LABEL_FALLBACK[s.code] || '';
  return label ? `${s.code} – ${label}` : String(s.code || '');
}

// The estimated wait in one sentence, for staff (GPs choosing a service).
export function estimatedWaitSentence(ew) {
  if (!ew) return '';
  if (!ew.enough_data || ew.p92_weeks === null || ew.p92_weeks === undefined) {
    return html`Not enough recent data to estimate the wait${ew.clock_stops !== undefined ? html` (${ew.clock_stops} patient${ew.clock_stops === 1 ? '' : 's'} treated or discharged in the last 26 weeks; at least 20 are needed)` : ''}.`;
  }
  return html`Most patients are treated within <strong>${weeksNumber(ew.p92_weeks)} weeks</strong> (median ${weeksNumber(ew.median_weeks)} weeks), based on ${ew.clock_stops} recent clock stops.`;
}

// The same for a patient: plain English.
export function estimatedWaitPlain(ew) {
  if (!ew) return '';
  if (!ew.enough_data || ew.p92_weeks === null || ew.p92_weeks === undefined) {
    return 'The service has not treated enough people recently for us to estimate how long you will wait.';
  }
  return html`Most people are treated within <strong>${weeksNumber(ew.p92_weeks)} weeks</strong> of being referred. Half are treated within ${weeksNumber(ew.median_weeks)} weeks.`;
}

const ewCache = new Map();

// GET /services/{id}/estimated-wait, once per service per page.
export function estimatedWait(serviceId) {
  const k = String(serviceId);
  if (!ewCache.has(k)) {
    const p = api(`/services/${encodeURIComponent(k)}/estimated-wait`);
    p.catch(() => ewCache.delete(k));
    ewCache.set(k, p);
  }
  return ewCache.get(k);
}

// "2026-01-05" -> "5 Jan 2026" (tables).
export function shortDate(d) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d || '');
  if (!m) return formatDate(d);
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], 12))
    .toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

export function dateOrDash(d) {
  return d ? formatDate(d) : html`<span class="nhsuk-u-secondary-text-colour">–</span>`;
}

export const REVIEW_OUTCOMES = {
  reprioritised: 'Reprioritised',
  unchanged: 'Priority unchanged',
};

export function outcomeText(o) {
  return REVIEW_OUTCOMES[o] || humanise(o);
}

// Inequality dimensions (GET /measures/rtt?by=).
export const DIMENSIONS = [
  { value: 'imd_decile', label: 'Deprivation (IMD decile)' },
  { value: 'imd_quintile', label: 'Deprivation (IMD quintile)' },
  { value: 'ethnicity', label: 'Ethnic group' },
  { value: 'age_band', label: 'Age band' },
  { value: 'sex', label: 'Sex' },
];
