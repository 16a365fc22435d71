/*
 * referral.c - the referral state machine as one table.
 *
 * transitions[from][action] is the target state plus one, so that the
 * zero a designated initialiser leaves in every unlisted cell means
 * "illegal".  Adding a transition is adding one line.
 */
#include "referral.h"

#include <stddef.h>
#include "common/names.h"

#include <string.h>

#define TO(s) ((s) + 1)

static const unsigned char transitions[REF_STATUS_COUNT][REF_ACTION_COUNT] = {
    [REF_AWAITING_TRIAGE] =
        {
            [REF_ACT_ACCEPT] = TO(REF_AWAITING_BOOKING),
            [REF_ACT_RETURN] = TO(REF_RETURNED),
            [REF_ACT_REDIRECT] = TO(REF_AWAITING_TRIAGE),
            [REF_ACT_WITHDRAW] = TO(REF_WITHDRAWN),
            [REF_ACT_CONVERT_TO_ADVICE] = TO(REF_CONVERTED_TO_ADVICE),
        },
    [REF_AWAITING_BOOKING] =
        {
            [REF_ACT_BOOK] = TO(REF_BOOKED),
            [REF_ACT_WITHDRAW] = TO(REF_WITHDRAWN),
        },
    [REF_RETURNED] =
        {
            [REF_ACT_RESUBMIT] = TO(REF_AWAITING_TRIAGE),
            [REF_ACT_CLOSE] = TO(REF_CLOSED),
            [REF_ACT_WITHDRAW] = TO(REF_WITHDRAWN),
            [REF_ACT_CONVERT_TO_ADVICE] = TO(REF_CONVERTED_TO_ADVICE),
        },
    [REF_BOOKED] =
        {
            [REF_ACT_ATTEND] = TO(REF_ATTENDED),
            [REF_ACT_DNA_REBOOK] = TO(REF_AWAITING_BOOKING),
            [REF_ACT_DNA_DISCHARGE] = TO(REF_DISCHARGED),
            [REF_ACT_WITHDRAW] = TO(REF_WITHDRAWN),
        },
    [REF_ATTENDED] =
        {
            [REF_ACT_DISCHARGE] = TO(REF_DISCHARGED),
            [REF_ACT_WITHDRAW] = TO(REF_WITHDRAWN),
        },
    /* discharged, withdrawn, closed and converted_to_advice are terminal:
     * all cells zero. */
};

static const char *const status_names[REF_STATUS_COUNT] = {
    [REF_AWAITING_TRIAGE] = "awaiting_triage",
    [REF_AWAITING_BOOKING] = "awaiting_booking",
    [REF_RETURNED] = "returned",
    [REF_BOOKED] = "booked",
    [REF_ATTENDED] = "attended",
    [REF_DISCHARGED] = "discharged",
    [REF_WITHDRAWN] = "withdrawn",
    [REF_CLOSED] = "closed",
    [REF_CONVERTED_TO_ADVICE] = "converted_to_advice",
};

static const char *const action_names[REF_ACTION_COUNT] = {
    [REF_ACT_ACCEPT] = "accept",         [REF_ACT_RETURN] = "return",
    [REF_ACT_REDIRECT] = "redirect",     [REF_ACT_BOOK] = "book",
    [REF_ACT_ATTEND] = "attend",         [REF_ACT_DISCHARGE] = "discharge",
    [REF_ACT_WITHDRAW] = "withdraw",     [REF_ACT_RESUBMIT] = "resubmit",
    [REF_ACT_CLOSE] = "close",           [REF_ACT_CONVERT_TO_ADVICE] = "convert_to_advice",
    [REF_ACT_DNA_REBOOK] = "dna_rebook", [REF_ACT_DNA_DISCHARGE] = "dna_discharge",
};

static const char *const priority_names[REF_PRIORITY_COUNT] = {
    [REF_PRIO_ROUTINE] = "routine",
    [REF_PRIO_URGENT] = "urgent",
    [REF_PRIO_TWO_WEEK_WAIT] = "two_week_wait",
};

/* Index of name in names[0..n), or -1.  Exact, case-sensitive match. */
/* The name of an enum value, or NULL for a value outside the enum (a
 * bug in the caller; NULL fails loudly where "unknown" would be stored). */
const char *ref_status_name(ref_status s)
{
    if ((unsigned)s >= REF_STATUS_COUNT)
        return NULL;
    return status_names[s];
}

int ref_status_parse(const char *name, ref_status *out)
{
    int i = names_find(&(names_table){status_names, (size_t)(REF_STATUS_COUNT)}, name);
    if (i < 0 || out == NULL)
        return -1;
    *out = (ref_status)i;
    return 0;
}

const char *ref_action_name(ref_action a)
{
    if ((unsigned)a >= REF_ACTION_COUNT)
        return NULL;
    return action_names[a];
}

int ref_action_parse(const char *name, ref_action *out)
{
    int i = names_find(&(names_table){action_names, (size_t)(REF_ACTION_COUNT)}, name);
    if (i < 0 || out == NULL)
        return -1;
    *out = (ref_action)i;
    return 0;
}

const char *ref_priority_name(ref_priority p)
{
    if ((unsigned)p >= REF_PRIORITY_COUNT)
        return NULL;
    return priority_names[p];
}

int ref_priority_parse(const char *name, ref_priority *out)
{
    int i = names_find(&(names_table){priority_names, (size_t)(REF_PRIORITY_COUNT)}, name);
    if (i < 0 || out == NULL)
        return -1;
    *out = (ref_priority)i;
    return 0;
}

/* Out-of-range values are not open: nothing may act on them. */
int ref_status_is_open(ref_status s)
{
    switch (s) {
    case REF_AWAITING_TRIAGE:
    case REF_AWAITING_BOOKING:
    case REF_RETURNED:
    case REF_BOOKED:
    case REF_ATTENDED: return 1;
    default: return 0;
    }
}

/* Looks the pair up in the table; out-of-range inputs are illegal. */
int ref_transition(ref_status from, ref_action a, ref_status *to)
{
    unsigned char cell;

    if ((unsigned)from >= REF_STATUS_COUNT || (unsigned)a >= REF_ACTION_COUNT)
        return -1;
    cell = transitions[from][a];
    if (cell == 0)
        return -1;
    if (to != NULL)
        *to = (ref_status)(cell - 1);
    return 0;
}

ref_attendance ref_attendance_check(seam_time attended, seam_time appointment, seam_time now)
{
    if (attended > now + 120)
        return REF_ATTEND_IN_FUTURE;
    if (appointment != 0 && seam_time_day(attended) < seam_time_day(appointment))
        return REF_ATTEND_BEFORE_APPOINTMENT;
    return REF_ATTEND_OK;
}
