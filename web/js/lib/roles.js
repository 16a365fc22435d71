// roles.js - role names for people to read, and the signed-in user's side of
// the interface as GET /me gives it.  The side is the user's organisation's
// kind (practice, trust or icb; a patient is their own side): the pages
// choose what to offer from it, and where the user starts.  No role sets are
// copied from the server here: the server decides what anyone may do.

import { humanise } from './format.js';

export const ROLE_LABELS = {
  gp: 'GP',
  practice_admin: 'Practice administrator',
  clinician: 'Clinician',
  triager: 'Triager',
  booking: 'Booking team',
  interface_lead: 'Interface lead',
  icb_analyst: 'ICB analyst',
  patient: 'Patient',
  admin: 'Administrator',
};

export function roleLabel(role) {
  return ROLE_LABELS[role] || humanise(role);
}

// The role inside a sentence: "triager", "booking team", but "GP".
export function roleNoun(role) {
  const l = roleLabel(role);
  return /^[A-Z]{2}/.test(l) ? l : l.charAt(0).toLowerCase() + l.slice(1);
}

// The side a user (GET /me) works on: 'patient', or their organisation's
// kind - 'practice', 'trust' or 'icb'.
export function sideOf(me) {
  if (!me) return '';
  if (me.role === 'patient') return 'patient';
  return (me.organisation && me.organisation.kind) || '';
}

// GP practice staff (GPs and practice administrators).
export function isPractice(me) {
  return sideOf(me) === 'practice';
}

// Hospital staff (triagers, clinicians, booking, interface leads).
export function isTrust(me) {
  return sideOf(me) === 'trust';
}

// The ICB's people (analysts, the administrator).
export function isIcb(me) {
  return sideOf(me) === 'icb';
}

// The hospital's clinical staff: those who work within services.
export function isClinical(me) {
  return me.role === 'clinician' || me.role === 'triager';
}

// The hospital staff who take patients through their care: clinical staff
// and the booking team (not the interface lead).
export function isCareTeam(me) {
  return isClinical(me) || me.role === 'booking';
}

// Whether the user works at the trust of x's service (x.service.trust), or
// at x's patient's practice (x.patient.practice).  What the page does not
// know counts as yes: the API has the last word.
export function atTrustOf(me, x) {
  const trust = x && x.service && x.service.trust && x.service.trust.code;
  const org = me.organisation && me.organisation.code;
  return !trust || !org || trust === org;
}

export function atPracticeOf(me, x) {
  const practice = x && x.patient && x.patient.practice && x.patient.practice.code;
  const org = me.organisation && me.organisation.code;
  return !practice || !org || practice === org;
}

// A triager or clinician at x's trust (the specialist of an advice request,
// the hospital's side of a result or letter).
export function isClinicianOf(me, x) {
  return isClinical(me) && atTrustOf(me, x);
}

// A GP at x's patient's practice.
export function isGpOf(me, x) {
  return me.role === 'gp' && atPracticeOf(me, x);
}

// Where a user starts: the practice's inbox, a patient's referrals, everyone
// else's worklist.
export function homeFor(me) {
  switch (sideOf(me)) {
    case 'practice': return 'inbox.html';
    case 'patient': return 'referrals.html';
    default: return 'worklist.html';
  }
}

// Who may see the interface measures: the trust's interface lead, the ICB.
export function seesMeasures(me) {
  return me.role === 'interface_lead' || isIcb(me);
}

// Who uses the shared waiting list (docs/waiting-list.md): the practice for
// its patients, trust staff for their trust, the ICB for its population.
export function seesWaitingList(me) {
  return isPractice(me) || isTrust(me) || isIcb(me);
}

// Who may see the waiting-time measures by group (inequalities).
export function seesWaitingMeasures(me) {
  return seesWaitingList(me);
}
