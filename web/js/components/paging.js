// paging.js - lists: NHS.UK previous/next pagination, the address of a page
// of a list, and the status filter above it.

import { html, raw } from '../lib/html.js';

const ARROW_LEFT = raw('<svg class="nhsuk-icon nhsuk-icon--arrow-left" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16" focusable="false" aria-hidden="true"><path d="M10.7 6.3c.4.4.4 1 0 1.4L7.4 11H19a1 1 0 0 1 0 2H7.4l3.3 3.3c.4.4.4 1 0 1.4a1 1 0 0 1-1.4 0l-5-5A1 1 0 0 1 4 12c0-.3.1-.5.3-.7l5-5a1 1 0 0 1 1.4 0Z"/></svg>');

const ARROW_RIGHT = raw('<svg class="nhsuk-icon nhsuk-icon--arrow-right" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16" focusable="false" aria-hidden="true"><path d="m14.7 6.3 5 5c.2.2.3.4.3.7 0 .3-.1.5-.3.7l-5 5a1 1 0 0 1-1.4-1.4l3.3-3.3H5a1 1 0 0 1 0-2h11.6l-3.3-3.3a1 1 0 1 1 1.4-1.4Z"/></svg>');

// NHS.UK pagination: previous/next links; urlFor(page) builds each link.
export function pagination(urlFor, page, pages) {
  if (pages <= 1) return '';
  return html`
    <nav class="nhsuk-pagination" role="navigation" aria-label="Pagination">
      <ul class="nhsuk-list nhsuk-pagination__list">
        ${page > 1 ? html`
        <li class="nhsuk-pagination-item--previous">
          <a class="nhsuk-pagination__link nhsuk-pagination__link--prev" href="${urlFor(page - 1)}" rel="prev">
            <span class="nhsuk-pagination__title">Previous<span class="nhsuk-u-visually-hidden"> page</span></span>
            <span class="nhsuk-u-visually-hidden">:</span>
            <span class="nhsuk-pagination__page">Page ${page - 1} of ${pages}</span>
            ${ARROW_LEFT}
          </a>
        </li>` : ''}
        ${page < pages ? html`
        <li class="nhsuk-pagination-item--next">
          <a class="nhsuk-pagination__link nhsuk-pagination__link--next" href="${urlFor(page + 1)}" rel="next">
            <span class="nhsuk-pagination__title">Next<span class="nhsuk-u-visually-hidden"> page</span></span>
            <span class="nhsuk-u-visually-hidden">:</span>
            <span class="nhsuk-pagination__page">Page ${page + 1} of ${pages}</span>
            ${ARROW_RIGHT}
          </a>
        </li>` : ''}
      </ul>
    </nav>`;
}

// The address of one page of a list: file?params&page=N (empty params and
// page 1 left out).
export function listUrl(file, params, page) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return `${file}${s ? `?${s}` : ''}`;
}

// The status filter above a list: all, open, or one status of table
// (a status table of components/status-tags.js); action is the list's page.
export function statusFilter(action, table, status) {
  return html`
    <form method="get" action="${action}" class="seam-filters" id="filters" novalidate>
      <div class="nhsuk-form-group seam-filters__group">
        <label class="nhsuk-label" for="status">Status</label>
        <select class="nhsuk-select" id="status" name="status">
          <option value=""${status ? '' : raw(' selected')}>All statuses</option>
          <option value="open"${status === 'open' ? raw(' selected') : ''}>Open (not yet ended)</option>
          ${Object.entries(table).map(([v, d]) => html`<option value="${v}"${v === status ? raw(' selected') : ''}>${d.label}</option>`)}
        </select>
      </div>
      <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small seam-filters__button" type="submit">Apply filter</button>
    </form>`;
}
