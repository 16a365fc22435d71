/*
 * handoff.c - the owner, deadline and escalation of each open referral.
 *
 * Deadlines are counted in England and Wales working days (calendar.h),
 * at the same UTC clock time as the event that started the clock.
 */
#include "handoff.h"

#include <assert.h>
#include <stddef.h>

#include "calendar.h"

static const handoff_rule rules[REF_STATUS_COUNT] = {
    [REF_AWAITING_TRIAGE] = {"triage", HANDOFF_SERVICE, "triager"},
    [REF_AWAITING_BOOKING] = {"booking", HANDOFF_SERVICE, "booking"},
    [REF_BOOKED] = {"attendance", HANDOFF_SERVICE, "clinician"},
    [REF_ATTENDED] = {"outcome", HANDOFF_SERVICE, "clinician"},
    [REF_RETURNED] = {"review_return", HANDOFF_PRACTICE, "gp"},
    /* terminal states: task_kind NULL */
};

void handoff_default_targets(service_targets *t)
{
    static const service_targets defaults = {
        .triage_days = {[REF_PRIO_ROUTINE] = 5, [REF_PRIO_URGENT] = 2, [REF_PRIO_TWO_WEEK_WAIT] = 1},
        .booking_days = {[REF_PRIO_ROUTINE] = 10, [REF_PRIO_URGENT] = 5, [REF_PRIO_TWO_WEEK_WAIT] = 2},
        .outcome_days = 7,
        .review_days = 10,
    };
    *t = defaults;
}

/* Open states come from the rule table, so a state with a rule is open
 * and the two can never disagree silently (asserted). */
int handoff_for_status(ref_status s, handoff_rule *out)
{
    if ((unsigned)s >= REF_STATUS_COUNT || rules[s].task_kind == NULL)
        return -1;
    assert(ref_status_is_open(s));
    if (out != NULL)
        *out = rules[s];
    return 0;
}

/*
 * The deadline for state s (see handoff.h).  A NULL t means the default
 * targets.  An out-of-range priority is a caller bug: asserted, and
 * treated as routine, the longest target, rather than read out of bounds.
 */
seam_time handoff_due(ref_status s, ref_priority p, const service_targets *t, seam_time since, seam_time appointment)
{
    service_targets defaults;

    if (t == NULL) {
        handoff_default_targets(&defaults);
        t = &defaults;
    }
    assert((unsigned)p < REF_PRIORITY_COUNT);
    if ((unsigned)p >= REF_PRIORITY_COUNT)
        p = REF_PRIO_ROUTINE;

    switch (s) {
    case REF_AWAITING_TRIAGE: return cal_add_working_days(since, t->triage_days[p]);
    case REF_AWAITING_BOOKING: return cal_add_working_days(since, t->booking_days[p]);
    case REF_BOOKED: return cal_add_working_days(appointment, 1);
    case REF_ATTENDED: return cal_add_working_days(since, t->outcome_days);
    case REF_RETURNED: return cal_add_working_days(since, t->review_days);
    default: return 0;
    }
}

/* Not overdue until the due instant has passed; then by working days late. */
int handoff_escalation_level(seam_time due, seam_time now)
{
    int late;

    if (now <= due)
        return HANDOFF_LEVEL_NONE;
    late = cal_working_days_between(due, now);
    if (late >= 5)
        return HANDOFF_LEVEL_ICB;
    if (late >= 2)
        return HANDOFF_LEVEL_INTERFACE;
    return HANDOFF_LEVEL_OWNER;
}

/* The level's name, or NULL for a number that is not a level. */
const char *handoff_level_name(int level)
{
    switch (level) {
    case HANDOFF_LEVEL_NONE: return "none";
    case HANDOFF_LEVEL_OWNER: return "owner";
    case HANDOFF_LEVEL_INTERFACE: return "interface_lead";
    case HANDOFF_LEVEL_ICB: return "icb";
    default: return NULL;
    }
}
