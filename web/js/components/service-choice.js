// service-choice.js - choosing the service on a GP's "new referral" and "new
// advice request" forms: the <select> filled from GET /services, grouped by
// trust, and the chosen service's details shown under it.

import { api } from '../lib/api.js';
import { showErrorSummary } from '../lib/error-summary.js';
import { html, render } from '../lib/html.js';
import { infoRow } from './patient-picker.js';

/** Fills a <select> with services grouped by trust, each group and its services in name order. */
export function fillServiceSelect(select, services) {
  const byTrust = new Map();
  for (const s of services) {
    const t = s.trust || {};
    const key = t.code || '';
    if (!byTrust.has(key)) byTrust.set(key, { trust: t, items: [] });
    byTrust.get(key).items.push(s);
  }
  const groups = [...byTrust.values()].sort((a, b) => String(a.trust.name).localeCompare(String(b.trust.name)));
  for (const g of groups) g.items.sort((a, b) => String(a.name).localeCompare(String(b.name)));
  select.innerHTML = html`
    <option value="">Choose a service</option>
    ${groups.map((g) => html`
      <optgroup label="${g.trust.name || 'Other'}${g.trust.code ? ` (${g.trust.code})` : ''}">
        ${g.items.map((s) => html`<option value="${s.id}" data-trust="${(s.trust && s.trust.code) || ''}">${s.name}${s.specialty && s.specialty !== s.name ? ` (${s.specialty})` : ''} – ${(s.trust && s.trust.name) || ''}</option>`)}
      </optgroup>`)}`.s;
  select.disabled = false;
}

// Loads the services (GET /services with query; keep(s) picks those to
// offer) into select; answers them, or [] when they could not be loaded
// (then said in errors).
export async function loadServices(select, errors, { query, keep = () => true } = {}) {
  try {
    const data = await api('/services', query ? { query } : {});
    const services = ((data && data.services) || []).filter(keep);
    fillServiceSelect(select, services);
    return services;
  } catch (e) {
    showErrorSummary(errors, [{ text: `Services could not be loaded: ${e.message}` }]);
    return [];
  }
}

// Shows service s in the info box (hidden when none is chosen): its name,
// then rows(s) (the page's own summary-list rows; infoRow makes one), then
// how GPs contact it.
export function showServiceInfo(info, s, rows) {
  if (!s) {
    info.hidden = true;
    info.innerHTML = '';
    return;
  }
  render(info, html`
    <dl class="nhsuk-summary-list nhsuk-summary-list--no-border nhsuk-u-margin-bottom-0">
      ${infoRow('Service', s.name)}
      ${rows(s)}
      ${infoRow('Contact for GPs', s.gp_contact)}
    </dl>`);
  info.hidden = false;
}

// "Northgate Hospitals NHS Foundation Trust (RZA)"
export function trustText(s) {
  return `${(s.trust && s.trust.name) || ''}${s.trust && s.trust.code ? ` (${s.trust.code})` : ''}`;
}
