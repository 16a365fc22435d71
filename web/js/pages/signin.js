// signin.js - development sign-in: pick a demo persona, get a token.

import { startPublicPage } from '../components/header.js';
import { responsiveTable } from '../components/table.js';
import { api, clearSession, getSessionUser, getToken, setSession } from '../lib/api.js';
import { param } from '../lib/dom.js';
import { showErrorSummary } from '../lib/error-summary.js';
import { html, render } from '../lib/html.js';
import { homeFor, roleLabel } from '../lib/roles.js';

const notice = document.getElementById('notice');
const errors = document.getElementById('errors');
const list = document.getElementById('personas');
const warning = document.getElementById('dev-warning');

function banner(text, success = false) {
  render(notice, html`
    <div class="nhsuk-notification-banner${success ? ' nhsuk-notification-banner--success' : ''}" role="${success ? 'alert' : 'region'}" aria-labelledby="notice-title">
      <div class="nhsuk-notification-banner__header">
        <h2 class="nhsuk-notification-banner__title" id="notice-title">${success ? 'Success' : 'Important'}</h2>
      </div>
      <div class="nhsuk-notification-banner__content">
        <p class="nhsuk-notification-banner__heading">${text}</p>
      </div>
    </div>`);
}

function showNotices() {
  if (param('signed_out')) {
    clearSession();
    banner('You have signed out.', true);
  } else if (param('expired')) {
    banner('Your session has ended. Sign in again to continue.');
  } else if (param('signin_required')) {
    banner('Sign in to continue.');
  } else if (getToken()) {
    const u = getSessionUser();
    if (u && u.username) {
      render(notice, html`
        <div class="nhsuk-inset-text">
          <span class="nhsuk-u-visually-hidden">Information: </span>
          <p>You are signed in as <strong>${u.display_name || u.username}</strong> (${roleLabel(u.role)}).
            <a href="${homeFor(u)}">Continue as ${u.display_name || u.username}</a>, or choose another person below.</p>
        </div>`);
    }
  }
}

// Keeps the server's order but groups the people by organisation.
function groupByOrganisation(personas) {
  const groups = new Map();
  for (const p of personas) {
    const org = p.organisation || {};
    const key = org.code || '';
    if (!groups.has(key)) groups.set(key, { org, people: [] });
    groups.get(key).people.push(p);
  }
  return [...groups.values()];
}

function renderPersonas(personas) {
  if (!personas.length) {
    render(list, html`<p>This server has no demo personas. Create the demo data with <code>seam demo</code>.</p>`);
    return;
  }
  const groups = groupByOrganisation(personas);
  render(list, html`
    <h2 class="nhsuk-heading-m">Choose who to sign in as</h2>
    ${groups.map((g) => html`
      ${responsiveTable({
        containerClass: 'seam-persona-group',
        caption: html`${g.org.name || 'No organisation'}${g.org.code ? html` <span class="nhsuk-u-secondary-text-colour nhsuk-u-font-weight-normal">(${g.org.code})</span>` : ''}`,
        captionClass: 'nhsuk-table__caption--s',
        headers: [{ text: 'Name', className: 'seam-col-name' }, { text: 'Role', className: 'seam-col-role' }, 'Username', { hidden: 'Action' }],
        body: html`
            ${g.people.map((p) => html`
            <tr class="nhsuk-table__row" role="row">
              <td class="nhsuk-table__cell" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">Name </span><strong>${p.display_name || p.username}</strong></td>
              <td class="nhsuk-table__cell" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">Role </span>${roleLabel(p.role)}</td>
              <td class="nhsuk-table__cell" role="cell"><span class="nhsuk-table__heading" aria-hidden="true">Username </span><code>${p.username}</code></td>
              <td class="nhsuk-table__cell seam-cell-action" role="cell">
                <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small seam-persona" type="button"
                  data-username="${p.username}" data-role="${p.role}" data-display-name="${p.display_name || ''}">
                  Sign in<span class="nhsuk-u-visually-hidden"> as ${p.display_name || p.username}, ${roleLabel(p.role)}</span>
                </button>
              </td>
            </tr>`)}
          `,
      })}`)}`);
}

async function signIn(button) {
  const username = button.dataset.username;
  document.querySelectorAll('button.seam-persona').forEach((b) => { b.disabled = true; });
  button.setAttribute('aria-busy', 'true');
  try {
    const t = await api('/dev/token', { method: 'POST', body: { username }, auth: false });
    const role = t.role || button.dataset.role;
    setSession(t.token, { username: t.username || username, role, display_name: button.dataset.displayName });
    // Where the user starts depends on their side (GET /me: the organisation's kind).
    const me = await api('/me');
    setSession(t.token, { username: me.username, role: me.role, display_name: me.display_name, organisation: me.organisation });
    window.location.assign(homeFor(me));
  } catch (e) {
    document.querySelectorAll('button.seam-persona').forEach((b) => { b.disabled = false; });
    button.removeAttribute('aria-busy');
    showErrorSummary(errors, [{ text: e.message }]);
  }
}

async function main() {
  startPublicPage();
  showNotices();
  list.addEventListener('click', (ev) => {
    const b = ev.target.closest('button.seam-persona');
    if (b) signIn(b);
  });
  try {
    const data = await api('/dev/personas', { auth: false });
    renderPersonas((data && data.personas) || []);
  } catch (e) {
    if (e.status === 404) {
      warning.hidden = true;
      render(list, html`
        <div class="nhsuk-inset-text" id="dev-disabled">
          <span class="nhsuk-u-visually-hidden">Information: </span>
          <p><strong>Development sign-in is not enabled on this server.</strong></p>
          <p>Sign in through your organisation's identity service. To try Seam with demo personas, start the server with <code>--dev</code>.</p>
        </div>`);
    } else {
      render(list, html``);
      showErrorSummary(errors, [{ text: e.message }], { title: 'Demo personas could not be loaded' });
    }
  }
}

main();
