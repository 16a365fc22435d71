// roles.js - role names in words, and where each role starts.  What a role
// may see in the navigation comes from the server's GET /me where it says.

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

export function homeFor(role) {
  switch (role) {
    case 'gp':
    case 'practice_admin':
      return 'inbox.html';
    case 'patient':
      return 'referrals.html';
    default:
      return 'worklist.html';
  }
}

export function isPracticeRole(role) {
  return role === 'gp' || role === 'practice_admin';
}

export const TRUST_ROLES = ['triager', 'clinician', 'booking', 'interface_lead'];

export function isTrustRole(role) {
  return TRUST_ROLES.includes(role);
}

// Who may see the interface measures.
export function seesMeasures(role) {
  return role === 'interface_lead' || role === 'icb_analyst' || role === 'admin';
}

// Who uses the shared waiting list (docs/waiting-list.md): the practice for
// its patients, trust staff for their trust, the ICB for its population.
export function seesWaitingList(role) {
  return isPracticeRole(role) || isTrustRole(role) || role === 'icb_analyst' || role === 'admin';
}

// Who may see the waiting-time measures by group (inequalities).
export function seesWaitingMeasures(role) {
  return seesWaitingList(role);
}
