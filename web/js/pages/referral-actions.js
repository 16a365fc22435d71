// referral-actions.js - what each of a referral's action forms sends (POST
// /referrals/{id}/<path>, or a new object: an onward referral, a test order, a
// follow-up), where the API's field errors go, and what the page says after.
// The forms themselves: referral-forms.js.

import { serviceText } from '../components/summary.js';
import { formatDate, formatDateTime, londonLocalToUtcIso } from '../lib/format.js';
import { html } from '../lib/html.js';

// What each form sends, and where its fields' errors go.  ctx: {id,
// referral, services} of the page (body(form, ctx), success(body, answer, ctx)).
export const FORMS = {
  'triage-form': {
    path: 'triage',
    fields: { decision: 'decision-accept', comment: 'triage-comment', advice: 'advice', to_service_id: 'to_service_id', priority: 'triage-priority', reason_code: 'reason_code' },
    body(f) {
      const b = {};
      const d = f.querySelector('input[name="decision"]:checked');
      if (d) b.decision = d.value;
      const comment = f.elements['triage-comment'].value.trim();
      if (comment) b.comment = comment;
      if (b.decision === 'return') {
        const advice = f.elements.advice.value.trim();
        if (advice) b.advice = advice;
        const code = f.elements.reason_code.value;
        if (code) b.reason_code = code;
      } else if (b.decision === 'redirect') {
        const to = f.elements.to_service_id.value;
        if (to) b.to_service_id = Number(to);
      } else if (b.decision === 'accept') {
        const p = f.elements.priority.value;
        if (p) b.priority = p;
      }
      return b;
    },
    success(b, r, ctx) {
      if (b.decision === 'accept') return 'Referral accepted. It is now with the booking team.';
      if (b.decision === 'return') return 'Referral returned to the GP practice with your advice.';
      if (b.decision === 'redirect') {
        const to = (ctx.services || []).find((s) => String(s.id) === String(b.to_service_id));
        return `Referral redirected to ${serviceText(to || r.service) || 'another service'}.`;
      }
      if (b.decision === 'convert_to_advice') {
        return r && r.advice_id
          ? html`Referral converted to <a href="advice.html?id=${encodeURIComponent(r.advice_id)}" id="new-advice-link">advice request ${r.advice_id}</a>. Answer it from there.`
          : 'Referral converted to an advice request.';
      }
      return 'Triage decision recorded.';
    },
  },
  'book-form': {
    path: 'book',
    fields: { appointment_at: 'appointment_at' },
    body(f) {
      const v = f.elements.appointment_at.value;
      if (!v) return {};
      const iso = londonLocalToUtcIso(v);
      return { appointment_at: iso || v };
    },
    success: (b, r) => `Appointment booked for ${formatDateTime(r.appointment_at || b.appointment_at, { weekday: true })}.`,
  },
  'attend-form': {
    path: 'attend',
    fields: { attended_at: 'attended_at' },
    body(f) {
      const v = f.elements.attended_at.value;
      if (!v) return {};
      const iso = londonLocalToUtcIso(v);
      return { attended_at: iso || v };
    },
    success: (b) => `Attendance recorded${b.attended_at ? ` (seen ${formatDateTime(b.attended_at, { weekday: true })})` : ''}. Record the outcome when you are ready.`,
  },
  'discharge-form': {
    path: 'discharge',
    fields: { comment: 'discharge-comment', rtt_outcome: 'discharge-rtt-return_to_primary' },
    body(f) {
      const b = {};
      const c = f.elements['discharge-comment'].value.trim();
      if (c) b.comment = c;
      const o = f.querySelector('input[name="discharge-rtt"]:checked');
      if (o) b.rtt_outcome = o.value;
      return b;
    },
    success: () => 'Outcome recorded and the patient discharged.',
  },
  'resubmit-form': {
    path: 'resubmit',
    fields: { comment: 'resubmit-comment', clinical_summary: 'resubmit-summary' },
    body(f, ctx) {
      const b = {};
      const c = f.elements['resubmit-comment'].value.trim();
      if (c) b.comment = c;
      const s = f.elements['resubmit-summary'].value.trim();
      if (s && s !== String(ctx.referral.clinical_summary || '').trim()) b.clinical_summary = s;
      return b;
    },
    success: (b, r) => `Referral resubmitted to ${serviceText(r.service)} with your answer.`,
  },
  'convert-advice-form': {
    path: 'convert_to_advice',
    fields: { question: 'convert-advice-question' },
    body(f) {
      const q = f.elements['convert-advice-question'].value.trim();
      return q ? { question: q } : {};
    },
    success: (b, r) => (r && r.advice_id
      ? html`Your referral is now <a href="advice.html?id=${encodeURIComponent(r.advice_id)}" id="new-advice-link">advice request ${r.advice_id}</a>, with ${serviceText(r.service)}.`
      : 'Your referral is now an advice request.'),
  },
  'onward-form': {
    // POST /referrals: a new referral, not an action on this one.
    url: () => '/referrals',
    versioned: false,
    fields: {
      service_id: 'onward-service', same_condition: 'onward-same-yes', priority: 'onward-priority-routine',
      reason: 'onward-reason', clinical_summary: 'onward-summary', onward_from: 'onward-service',
    },
    check(f) {
      return f.querySelector('input[name="onward-same"]:checked')
        ? [] : [{ id: 'onward-same-yes', text: 'Select whether the onward referral is for the same condition' }];
    },
    body(f, ctx) {
      const b = { onward_from: Number(ctx.id) };
      const svc = f.elements['onward-service'].value;
      if (svc) b.service_id = Number(svc);
      const same = f.querySelector('input[name="onward-same"]:checked');
      if (same) b.same_condition = same.value === 'true';
      const pr = f.querySelector('input[name="onward-priority"]:checked');
      if (pr) b.priority = pr.value;
      const reason = f.elements['onward-reason'].value.trim();
      if (reason) b.reason = reason;
      const summary = f.elements['onward-summary'].value.trim();
      if (summary) b.clinical_summary = summary;
      return b;
    },
    success: (b, created) => (created && created.id
      ? html`Onward referral sent: <a href="referral.html?id=${encodeURIComponent(created.id)}" id="new-referral-link">referral ${created.id}</a> to ${serviceText(created.service)}.`
      : 'Onward referral sent.'),
  },
  'dna-form': {
    path: 'dna',
    fields: { decision: 'dna-rebook', comment: 'dna-comment', rebooked_on: 'dna-rebooked-on' },
    check(f) {
      return f.querySelector('input[name="dna-decision"]:checked')
        ? [] : [{ id: 'dna-rebook', text: 'Select whether to offer another appointment or discharge' }];
    },
    body(f) {
      const b = { decision: f.querySelector('input[name="dna-decision"]:checked').value };
      const c = f.elements['dna-comment'].value.trim();
      if (c) b.comment = c;
      const on = f.elements['dna-rebooked-on'].value;
      if (on && b.decision === 'rebook') b.rebooked_on = on;
      return b;
    },
    success: (b, r, ctx) => (b.decision === 'rebook'
      ? 'Did not attend recorded. The referral is back with the booking team for another appointment; the GP is told.'
      : html`Did not attend recorded and the patient discharged. A clinic letter to the GP is now due: see <a href="letters.html?referral=${encodeURIComponent(ctx.id)}">the referral's letters</a>.`),
  },
  'order-form': {
    url: () => '/results/orders',
    versioned: false,
    fields: { test: 'order-test', urgency: 'order-urgency-routine' },
    body(f, ctx) {
      const b = {
        patient_nhs_number: ctx.referral.patient && ctx.referral.patient.nhs_number,
        service_id: ctx.referral.service && ctx.referral.service.id,
        referral_id: Number(ctx.id),
      };
      const t = f.elements['order-test'].value.trim();
      if (t) b.test = t;
      const u = f.querySelector('input[name="order-urgency"]:checked');
      if (u) b.urgency = u.value;
      return b;
    },
    success: (b, o) => `Test ordered: ${b.test}. The result comes back to this service to review${o && o.expected_by ? `; expected by ${formatDate(String(o.expected_by).slice(0, 10))}` : ''}.`,
  },
  'follow-up-form': {
    url: () => '/follow-ups',
    versioned: false,
    fields: { window_start: 'follow-up-start', window_end: 'follow-up-end', pifu_months: 'follow-up-months', kind: 'follow-up-kind-window' },
    check(f) {
      const k = f.querySelector('input[name="follow-up-kind"]:checked');
      return k ? [] : [{ id: 'follow-up-kind-window', text: 'Select the kind of follow-up' }];
    },
    body(f, ctx) {
      const b = { referral_id: Number(ctx.id) };
      if (f.querySelector('input[name="follow-up-kind"]:checked').value === 'pifu') {
        b.pifu_months = Number(f.elements['follow-up-months'].value);
      } else {
        const s1 = f.elements['follow-up-start'].value;
        const s2 = f.elements['follow-up-end'].value;
        if (s1) b.window_start = s1;
        if (s2) b.window_end = s2;
      }
      return b;
    },
    success: (b, fu) => (b.pifu_months
      ? `Patient-initiated follow-up arranged for ${b.pifu_months} months.`
      : html`Follow-up arranged: the booking team books it between ${formatDate(b.window_start)} and ${formatDate(b.window_end)}. <a href="follow-ups.html${fu && fu.id ? `#follow-up-${fu.id}` : ''}">See follow-ups</a>`),
  },
  'close-form': {
    path: 'close',
    fields: { comment: 'close-comment' },
    body(f) {
      const c = f.elements['close-comment'].value.trim();
      return c ? { comment: c } : {};
    },
    success: () => 'Referral closed.',
  },
  'withdraw-form': {
    path: 'withdraw',
    fields: { reason: 'withdraw-reason' },
    body(f) {
      const c = f.elements['withdraw-reason'].value.trim();
      return c ? { reason: c } : {};
    },
    success: () => 'Referral withdrawn.',
  },
};
