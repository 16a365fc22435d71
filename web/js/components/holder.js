// holder.js - the "Who holds this now" card of a referral, an advice
// request, a result or a letter: the organisation, service and role holding
// it, the next step and when it is due (with overdue/escalation tags), or,
// when nobody holds it, why.

import { timeEl } from '../lib/format.js';
import { html } from '../lib/html.js';
import { escalationText, overdueTags } from './status-tags.js';
import { row } from './summary.js';

// The card when nobody holds it; text says why.
export function holderEnded(text) {
  return html`
      <div class="nhsuk-card seam-holder seam-holder--ended" id="holder">
        <div class="nhsuk-card__content">
          <h2 class="nhsuk-card__heading nhsuk-heading-m">Who holds this now</h2>
          <p class="nhsuk-card__description" id="holder-text">${text}</p>
        </div>
      </div>`;
}

/**
 * The card of who holds x (x.due_at, x.overdue, x.escalation_level,
 * x.escalated_to).  org: {name, code}; role: what is shown under it
 * (service and role); nextStep: the next step ('' for none).
 */
export function holderCard(x, { org, role, nextStep }) {
  const escalated = escalationText(x.escalation_level || 0, x.escalated_to);
  return html`
    <div class="nhsuk-card nhsuk-card--feature seam-holder${x.overdue ? ' seam-holder--overdue' : ''}" id="holder">
      <div class="nhsuk-card__content nhsuk-card__content--feature">
        <h2 class="nhsuk-card__heading nhsuk-card__heading--feature nhsuk-heading-m">Who holds this now</h2>
        <p class="nhsuk-heading-m nhsuk-u-margin-bottom-1" id="holder-org">${org.name || org.code || ''}</p>
        <p class="nhsuk-body-l nhsuk-u-margin-bottom-3" id="holder-role">
          ${role}
        </p>
        <dl class="nhsuk-summary-list nhsuk-summary-list--no-border nhsuk-u-margin-bottom-0">
          ${row('Next step', nextStep)}
          ${row('Due by', x.due_at ? html`${timeEl(x.due_at, { weekday: true })}${x.overdue || escalated ? html`<br><span class="seam-tags">${overdueTags(x)}</span>` : ''}` : 'No deadline')}
        </dl>
      </div>
    </div>`;
}
