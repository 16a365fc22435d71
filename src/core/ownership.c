/*
 * ownership.c - which objects must be held, in which states (see
 * ownership.h).  Each entry reads its states from the module that owns
 * the lifecycle; nothing here restates a rule.
 */
#include "ownership.h"
#include "advice.h"
#include "care.h"
#include "handoff.h"
#include "priority.h"
#include "referral.h"

#include <string.h>

/* A referral is held in exactly the states with a handoff rule. */
static const char *referral_state(int i)
{
    return i >= 0 && i < REF_STATUS_COUNT ? ref_status_name((ref_status)i) : NULL;
}

static int referral_needs_owner(const char *state)
{
    ref_status s;
    return ref_status_parse(state, &s) == 0 && handoff_for_status(s, NULL) == 0;
}

/* An advice request is held in exactly the states with an advice handoff. */
static const char *advice_state(int i)
{
    return i >= 0 && i < ADV_STATUS_COUNT ? advice_status_name((advice_status)i) : NULL;
}

static int advice_needs_owner(const char *state)
{
    advice_status s;
    return advice_status_parse(state, &s) == 0 && advice_handoff(s, NULL) == 0;
}

/* A result is held until it is reviewed. */
static const char *result_state(int i)
{
    return i >= 0 && i < RES_STATUS_COUNT ? result_status_name((result_status)i) : NULL;
}

static int result_state_needs_owner(const char *state)
{
    result_status s;
    return result_status_parse(state, &s) == 0 && result_needs_owner(s);
}

/* The table. */
static const ownership_kind kinds[] = {
    {"referral",
     "referrals",
     {"id", NULL},
     {"referral_id", NULL},
     NULL,
     "status",
     NULL,
     referral_state,
     referral_needs_owner},
    {"advice",
     "advice_requests",
     {"id", NULL},
     {"advice_id", NULL},
     NULL,
     "status",
     NULL,
     advice_state,
     advice_needs_owner},
    {"order",
     "result_orders",
     {"id", NULL},
     {"order_id", NULL},
     NULL,
     "status",
     NULL,
     care_order_state,
     care_order_needs_owner},
    {"result",
     "results",
     {"id", NULL},
     {"result_id", NULL},
     NULL,
     "status",
     NULL,
     result_state,
     result_state_needs_owner},
    {"letter",
     "letters",
     {"id", NULL},
     {"letter_id", NULL},
     NULL,
     "status",
     NULL,
     care_letter_state,
     care_letter_needs_owner},
    /* Pending GP actions are held by their letter's one "gp_actions" task
     * (the practice's), open while any of them is pending. */
    {"gp_action",
     "letter_actions",
     {"letter_id", "n"},
     {"letter_id", NULL},
     "gp_actions",
     "status",
     "letters",
     care_gp_action_state,
     care_gp_action_needs_owner},
    /* A declined GP action the hospital keeps is held by its own task (a
     * clinician of the letter's service), named by the letter and the
     * action's number, until a clinician records what was done. */
    {"gp_action",
     "letter_actions",
     {"letter_id", "n"},
     {"gp_action_letter_id", "gp_action_n"},
     "gp_action_declined",
     "status",
     "letters",
     care_gp_action_state,
     care_gp_action_declined_needs_owner},
    {"follow_up",
     "follow_ups",
     {"id", NULL},
     {"follow_up_id", NULL},
     NULL,
     "status",
     NULL,
     care_follow_up_state,
     care_follow_up_needs_owner},
    {"priority_review",
     "priority_reviews",
     {"id", NULL},
     {"review_id", NULL},
     NULL,
     "status",
     NULL,
     prio_review_state,
     prio_review_needs_owner},
};

size_t ownership_count(void)
{
    return sizeof(kinds) / sizeof(kinds[0]);
}

const ownership_kind *ownership_at(size_t i)
{
    return i < ownership_count() ? &kinds[i] : NULL;
}

int ownership_needs_owner(const char *kind, const char *state)
{
    if (kind == NULL || state == NULL)
        return 0;
    for (size_t i = 0; i < ownership_count(); i++)
        if (strcmp(kinds[i].kind, kind) == 0 && kinds[i].needs_owner(state))
            return 1;
    return 0;
}
