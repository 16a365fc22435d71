// header.js - starting a page: sign-in check, GET /me, the header (who is
// signed in, sign out) and the navigation.

import { api, clearSession, getToken, signInUrl } from '../lib/api.js';
import { html, initNhsuk, raw, render } from '../lib/html.js';
import {
  homeFor, isCareTeam, isClinical, isPractice, isTrust, roleLabel, seesMeasures, seesWaitingList,
  seesWaitingMeasures,
} from '../lib/roles.js';

let nhsukHeaderDone = false;

function markJsEnabled() {
  document.body.classList.add('js-enabled');
  if ('noModule' in HTMLScriptElement.prototype) document.body.classList.add('nhsuk-frontend-supported');
}

export function signOut() {
  clearSession();
  window.location.assign(signInUrl('signed_out'));
}

const USER_ICON = raw('<svg class="nhsuk-icon nhsuk-icon--user" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16" focusable="false" aria-hidden="true"><path d="M12 1a11 11 0 1 1 0 22 11 11 0 0 1 0-22Zm0 2a9 9 0 0 0-5 16.5V18a4 4 0 0 1 4-4h2a4 4 0 0 1 4 4v1.5A9 9 0 0 0 12 3Zm0 3a3.5 3.5 0 1 1-3.5 3.5A3.4 3.4 0 0 1 12 6Z"/></svg>');

function navItems(me, current) {
  const items = [];
  if (isPractice(me)) items.push({ href: 'inbox.html', text: 'Inbox' });
  if (me.role !== 'patient') items.push({ href: 'worklist.html', text: 'Worklist' });
  items.push({ href: 'referrals.html', text: me.role === 'patient' ? 'My referrals' : 'Referrals' });
  if (isPractice(me)) items.push({ href: 'refer.html', text: 'Refer a patient' });
  if (isPractice(me) || isTrust(me)) items.push({ href: 'advice-list.html', text: 'Advice' });
  if (isClinical(me)) {
    items.push({ href: 'results.html', text: 'Results' });
    items.push({ href: 'letters.html', text: 'Letters' });
  }
  if (isCareTeam(me)) {
    items.push({ href: 'follow-ups.html', text: 'Follow-ups' });
  }
  if (seesWaitingList(me)) items.push({ href: 'waiting-list.html', text: 'Waiting list' });
  if (me.role === 'patient') items.push({ href: 'my-waits.html', text: 'My waiting times' });
  if (seesMeasures(me)) items.push({ href: 'measures.html', text: 'Measures' });
  if (seesWaitingMeasures(me)) items.push({ href: 'inequalities.html', text: 'Inequalities' });
  if (me.role === 'admin') items.push({ href: 'staff.html', text: 'Staff' });
  return items.map((it) => ({ ...it, current: it.href === current }));
}

export function renderHeader(me, current) {
  const header = document.querySelector('header.nhsuk-header');
  if (!header) return;
  const logo = header.querySelector('.nhsuk-header__service-logo');
  if (logo) logo.setAttribute('href', homeFor(me));

  const container = header.querySelector('.nhsuk-header__container');
  let account = header.querySelector('.nhsuk-header__account');
  if (!account) {
    account = document.createElement('nav');
    account.className = 'nhsuk-header__account';
    account.setAttribute('aria-label', 'Account');
    container.append(account);
  }
  const org = me.organisation || {};
  account.innerHTML = html`
    <ul class="nhsuk-header__account-list">
      <li class="nhsuk-header__account-item" id="signed-in-user" data-username="${me.username}" data-role="${me.role}">
        ${USER_ICON}
        <span><span class="nhsuk-u-visually-hidden">Signed in as </span><strong class="seam-account-name">${me.display_name || me.username}</strong></span>
      </li>
      <li class="nhsuk-header__account-item" id="signed-in-role">
        ${roleLabel(me.role)}${org.name ? `, ${org.name}` : ''}${me.services && me.services.length ? ` (${me.services.map((s) => s.name).join(', ')})` : me.service && me.service.name ? ` (${me.service.name})` : ''}
      </li>
      <li class="nhsuk-header__account-item">
        <a class="nhsuk-header__account-link" href="index.html?signed_out=1" id="sign-out">Sign out</a>
      </li>
    </ul>`.s;
  account.querySelector('#sign-out').addEventListener('click', (ev) => {
    ev.preventDefault();
    signOut();
  });

  const items = navItems(me, current);
  let nav = header.querySelector('.nhsuk-header__navigation');
  if (!nav) {
    nav = document.createElement('nav');
    nav.className = 'nhsuk-header__navigation';
    nav.setAttribute('aria-label', 'Menu');
    header.append(nav);
  }
  nav.innerHTML = html`
    <div class="nhsuk-header__navigation-container nhsuk-width-container">
      <ul class="nhsuk-header__navigation-list">
        ${items.map((it) => html`
        <li class="nhsuk-header__navigation-item${it.current ? ' nhsuk-header__navigation-item--current' : ''}">
          <a class="nhsuk-header__navigation-link" href="${it.href}"${it.current ? raw(' aria-current="page"') : ''}>${it.current ? html`<strong class="nhsuk-header__navigation-item-current-fallback">${it.text}</strong>` : it.text}</a>
        </li>`)}
        <li class="nhsuk-header__menu" hidden>
          <button class="nhsuk-header__menu-toggle nhsuk-header__navigation-link" id="toggle-menu" aria-expanded="false">
            <span class="nhsuk-u-visually-hidden">Browse </span>More
          </button>
        </li>
      </ul>
    </div>`.s;
}

/**
 * Starts a signed-in page: checks for a token, loads GET /me, draws the
 * header.  Returns the user, or never resolves if sent to sign in.
 * current: the page's file name, to mark the navigation item.
 */
export async function startPage(current) {
  markJsEnabled();
  if (!getToken()) {
    window.location.replace(signInUrl('signin_required'));
    return new Promise(() => {});
  }
  let me;
  try {
    me = await api('/me');
  } catch (e) {
    if (e.status === 401) return new Promise(() => {});
    const main = document.getElementById('maincontent');
    if (main) {
      render(main, html`<h1>Sorry, there is a problem with the service</h1>
        <p>${e.message}</p><p><a href="index.html">Go to sign in</a></p>`);
    }
    throw e;
  }
  renderHeader(me, current);
  finishStart();
  return me;
}

// For pages with no signed-in user (the sign-in page).
export function startPublicPage() {
  markJsEnabled();
  finishStart();
}

function finishStart() {
  if (nhsukHeaderDone) return;
  nhsukHeaderDone = true;
  // Header (navigation "More" menu), skip link and anything static.
  initNhsuk(document);
}

// A page the signed-in user's side does not use: says so in the page (its
// heading, why), with a link on ({href, text}) if given.
export function notForYou(heading, why, link) {
  render(document.getElementById('maincontent'), html`
      <h1>${heading}</h1>
      <p>${why}</p>
      ${link ? html`<p><a href="${link.href}">${link.text}</a></p>` : ''}`);
}
