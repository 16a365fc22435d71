// staff.js - the administrator's staff page: the staff of one organisation
// with their roles and the services they work in, and a form to change a
// triager's or clinician's services (PUT /users/{username}/services).
// Triagers and clinicians see and act on only their services' work;
// booking staff and the interface lead work trust-wide.

import { startPage } from '../components/header.js';
import { banner, cellHeading, emptyState } from '../components/summary.js';
import { responsiveTable } from '../components/table.js';
import { api, ApiError } from '../lib/api.js';
import { focusHeading, param, setTitle } from '../lib/dom.js';
import { clearErrors, showApiError, showErrorSummary } from '../lib/error-summary.js';
import { html, render } from '../lib/html.js';
import { roleLabel } from '../lib/roles.js';

const notice = document.getElementById('notice');
const errors = document.getElementById('errors');
const view = document.getElementById('view');

function scopeText(u) {
  if (u.service_bound) {
    if (!u.services.length) {
      return html`<strong class="nhsuk-tag nhsuk-tag--red">No service</strong> <span class="nhsuk-body-s">Sees no referrals, results or other service work</span>`;
    }
    return html`<ul class="nhsuk-list nhsuk-u-margin-bottom-0 seam-staff-services">${u.services.map((s) => html`<li data-service-id="${s.id}">${s.name}</li>`)}</ul>`;
  }
  return html`<span class="nhsuk-u-secondary-text-colour">${u.scope === 'trust' ? 'Trust-wide' : 'Not bound to a service'}</span>`;
}

function staffRow(u, org) {
  const href = `staff.html?org=${encodeURIComponent(org)}&user=${encodeURIComponent(u.username)}`;
  return html`
    <tr class="nhsuk-table__row" role="row" id="staff-${u.username}" data-username="${u.username}">
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Name')}<span>${u.display_name}<br><span class="nhsuk-body-s nhsuk-u-secondary-text-colour">${u.username}</span></span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Role')}<span>${roleLabel(u.role)}</span></td>
      <td class="nhsuk-table__cell" role="cell">${cellHeading('Services')}${scopeText(u)}</td>
      <td class="nhsuk-table__cell seam-cell-action" role="cell">${u.service_bound ? html`<a class="nhsuk-link" href="${href}" id="change-${u.username}">Change services<span class="nhsuk-u-visually-hidden"> for ${u.display_name}</span></a>` : ''}</td>
    </tr>`;
}

async function listView(org) {
  let trusts;
  let data = null;
  try {
    trusts = ((await api('/organisations', { query: { kind: 'trust' } })).organisations || []);
    const code = org || (trusts[0] && trusts[0].code);
    if (code) data = await api('/users', { query: { org: code } });
    org = code;
  } catch (e) {
    render(view, html`<h1>Staff and services</h1>`);
    showErrorSummary(errors, [{ text: e.message }]);
    return;
  }
  const users = (data && data.users) || [];
  render(view, html`
    <h1>Staff and services</h1>
    <p class="nhsuk-body-l">Triagers and clinicians see and act on only the referrals, advice requests, results, letters, follow-ups and waiting-list work of the services they belong to. Booking staff and the interface lead work across their trust.</p>
    <form class="nhsuk-u-margin-bottom-5" id="org-form" method="get" action="staff.html">
      <div class="nhsuk-form-group">
        <label class="nhsuk-label" for="org">Trust</label>
        <select class="nhsuk-select" id="org" name="org">
          ${trusts.map((t) => html`<option value="${t.code}"${t.code === org ? html` selected` : ''}>${t.name} (${t.code})</option>`)}
        </select>
      </div>
      <button class="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0" type="submit">Show staff</button>
    </form>
    ${users.length ? html`
    ${responsiveTable({
      id: 'staff-table',
      caption: `Staff of ${org}`,
      captionClass: '',
      headers: [['Name', 'Role', 'Services'].map((h) => html`<th class="nhsuk-table__header" scope="col" role="columnheader">${h}</th>`), { hidden: 'Action' }],
      body: users.map((u) => staffRow(u, org)),
    })}` : emptyState('staff-empty', 'No staff.', 'This organisation has no staff in Seam yet.')}
  `);
}

async function editView(org, username, saved) {
  let u;
  try {
    u = await api(`/users/${encodeURIComponent(username)}`);
  } catch (e) {
    render(view, html`<h1>Change services</h1><p><a class="nhsuk-back-link" href="staff.html?org=${encodeURIComponent(org || '')}">Back to staff</a></p>`);
    showErrorSummary(errors, [{ text: e.message }]);
    return;
  }
  const back = `staff.html?org=${encodeURIComponent(u.organisation.code)}`;
  const mine = new Set(u.services.map((s) => s.id));
  render(view, html`
    <div class="nhsuk-back-link"><a class="nhsuk-back-link__link" href="${back}">Back to staff</a></div>
    <h1>Change services<span class="nhsuk-caption-l">${u.display_name} (${roleLabel(u.role)}, ${u.organisation.name})</span></h1>
    <form id="services-form" novalidate>
      <div class="nhsuk-form-group">
        <fieldset class="nhsuk-fieldset" aria-describedby="services-hint">
          <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">Which services does ${u.display_name} work in?</legend>
          <div class="nhsuk-hint" id="services-hint">They will see and act on only these services' work. With none selected they see no service work at all.</div>
          <div class="nhsuk-checkboxes" id="services">
            ${u.available_services.map((s) => html`
            <div class="nhsuk-checkboxes__item">
              <input class="nhsuk-checkboxes__input" id="service-${s.id}" name="services" type="checkbox" value="${s.id}"${mine.has(s.id) ? html` checked` : ''}>
              <label class="nhsuk-label nhsuk-checkboxes__label" for="service-${s.id}">${s.name}</label>
            </div>`)}
          </div>
        </fieldset>
      </div>
      <button class="nhsuk-button" type="submit" id="save-services">Save services</button>
    </form>
  `);
  if (saved) {
    banner(notice, html`Services saved for ${u.display_name}: ${u.services.length ? u.services.map((s) => s.name).join(', ') : 'none'}.`);
  } else {
    focusHeading(view);
  }
  document.getElementById('services-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    notice.innerHTML = '';
    clearErrors(errors, view);
    const ids = [...ev.target.querySelectorAll('input[name="services"]:checked')].map((i) => Number(i.value));
    try {
      await api(`/users/${encodeURIComponent(username)}/services`, { method: 'PUT', body: { services: ids } });
    } catch (e) {
      showApiError(errors, e instanceof ApiError ? e : { message: String(e) }, { services: 'services' }, view);
      return;
    }
    await editView(org, username, true);
  });
}

async function main() {
  const me = await startPage('staff.html');
  setTitle('Staff and services');
  if (me.role !== 'admin') {
    render(view, html`<h1>Staff and services</h1><p>Only the administrator manages staff and their services.</p>`);
    return;
  }
  const user = param('user');
  if (user) await editView(param('org'), user, false);
  else await listView(param('org'));
}

main();
