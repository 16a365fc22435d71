// table.js - an NHS.UK responsive table: its container, caption, column
// headings and body (the page draws the rows).

import { html, Raw } from '../lib/html.js';

// A column heading: text; {text, className} for an extra class; {hidden}
// for a heading only screen readers hear (a column of links); or th markup.
function th(h) {
  if (Array.isArray(h)) return h.map(th);
  if (h instanceof Raw) return h;
  if (h && typeof h === 'object') {
    if (h.hidden) return html`<th class="nhsuk-table__header" scope="col" role="columnheader"><span class="nhsuk-u-visually-hidden">${h.hidden}</span></th>`;
    return html`<th class="nhsuk-table__header${h.className ? ` ${h.className}` : ''}" scope="col" role="columnheader">${h.text}</th>`;
  }
  return html`<th class="nhsuk-table__header" scope="col" role="columnheader">${h}</th>`;
}

/**
 * The table: id (optional), className (extra classes), caption,
 * captionClass (default visually hidden), headers (see th), body (the rows),
 * containerClass (extra classes of the container).
 */
export function responsiveTable({ id, className = '', caption, captionClass = 'nhsuk-u-visually-hidden', headers, body, containerClass = '' }) {
  return html`
    <div class="nhsuk-table-container${containerClass ? ` ${containerClass}` : ''}">
      <table class="nhsuk-table nhsuk-table--responsive${className ? ` ${className}` : ''}" role="table"${id ? html` id="${id}"` : ''}>
        <caption class="nhsuk-table__caption${captionClass ? ` ${captionClass}` : ''}">${caption}</caption>
        <thead class="nhsuk-table__head" role="rowgroup">
          <tr class="nhsuk-table__row" role="row">
            ${headers.map(th)}
          </tr>
        </thead>
        <tbody class="nhsuk-table__body">${body}</tbody>
      </table>
    </div>`;
}

