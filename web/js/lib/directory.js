// directory.js - the organisations pages offer to choose from.

import { api } from './api.js';
import { isIcb } from './roles.js';

// The ICB's practices (GET /organisations?kind=practice), for the ICB's
// people to look at one practice's population; [] for anyone else, or when
// they could not be loaded.
export async function icbPractices(me) {
  if (!isIcb(me)) return [];
  try {
    return ((await api('/organisations?kind=practice')) || {}).organisations || [];
  } catch {
    return [];
  }
}
