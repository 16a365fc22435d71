// object-page.js - a page about one object named by ?id= (a referral, an
// advice request, a letter, a result, a pathway): its start (sign-in check,
// GET /me, header, breadcrumb, no id given), loading the object with its
// errors shown, and the heading every such page opens with.

import { api } from '../lib/api.js';
import { focusHeading, param } from '../lib/dom.js';
import { showErrorSummary, showMissing } from '../lib/error-summary.js';
import { html, render } from '../lib/html.js';
import { startPage } from './header.js';
import { setCurrentUser } from './summary.js';

// The page's elements (web/partials/messages.html and the page's view).
export function pageParts(viewId = 'view') {
  return {
    notice: document.getElementById('notice'),
    errors: document.getElementById('errors'),
    view: document.getElementById(viewId),
    breadcrumb: document.getElementById('breadcrumb'),
  };
}

// The NHS.UK breadcrumb: links [{href, text}], then a back link.
export function renderBreadcrumb(el, links, back) {
  if (!el) return;
  el.innerHTML = html`
    <nav class="nhsuk-breadcrumb" aria-label="Breadcrumb">
      <ol class="nhsuk-breadcrumb__list">
        ${links.map((l) => html`<li class="nhsuk-breadcrumb__list-item"><a class="nhsuk-breadcrumb__link" href="${l.href}">${l.text}</a></li>`)}
      </ol>
      <a class="nhsuk-back-link" href="${back.href}"><span class="nhsuk-u-visually-hidden">Back to </span>${back.text}</a>
    </nav>`.s;
}

/**
 * Starts a page about one object and loads it.
 *   nav          the navigation item to mark current ('' for none)
 *   parts        pageParts()
 *   crumbs(me)   {links, back} for the breadcrumb
 *   what         the object's name as a heading ("Referral")
 *   missing      what to say when no ?id= was given
 *   started({me, id})  called once both are known, before anything loads
 *   on           {submit, click, ...}: listeners on the view
 *   load()       loads and draws the object, answering whether it could
 * Answers what load() did (false when no id was given: that is then
 * shown).  The page's heading gets the focus unless focus is false.
 */
export async function startObjectPage({
  nav, parts, crumbs, what, missing, started, on = {}, load, focus = true,
}) {
  const me = await startPage(nav);
  setCurrentUser(me);
  const c = crumbs(me);
  renderBreadcrumb(parts.breadcrumb, c.links, c.back);
  const id = param('id');
  if (!id) {
    showMissing(parts.view, parts.errors, what, missing);
    return false;
  }
  started({ me, id });
  for (const [type, fn] of Object.entries(on)) parts.view.addEventListener(type, fn);
  const ok = await load();
  if (ok && focus) focusHeading(parts.view);
  return ok;
}

/**
 * GETs one object.  On failure shows "<what> <id>" as the heading and the
 * error ("There is no such <noun>, or you cannot see it." for a 404) and
 * answers null.  quiet: after an action, a 404 (the user may no longer see
 * it) only empties the view.
 */
export async function loadObject(path, { parts, what, noun, id, quiet = false }) {
  try {
    return await api(path);
  } catch (e) {
    if (quiet && e.status === 404) {
      parts.view.innerHTML = '';
      return null;
    }
    render(parts.view, html`<h1>${what} ${id || ''}</h1>`);
    showErrorSummary(parts.errors, [{ text: e.status === 404 ? `There is no such ${noun}, or you cannot see it.` : e.message }]);
    return null;
  }
}

// The top of an object's page: caption, heading, the status line's tags.
export function objectHeading(caption, heading, tags) {
  return html`
        <span class="nhsuk-caption-l">${caption}</span>
        <h1 class="nhsuk-u-margin-bottom-3">${heading}</h1>
        <p class="seam-tags" id="status-line">${tags}</p>`;
}
