/*
 * care.c - complete-care rules (see care.h).  The state machine is one
 * table, as in referral.c.
 */
#include "care.h"
#include "calendar.h"

#include <stddef.h>
#include "common/names.h"

#include <string.h>

#define TO(s) ((s) + 1)

static const unsigned char transitions[RES_STATUS_COUNT][RES_ACTION_COUNT] = {
    [RES_TO_REVIEW] = {[RES_ACT_REVIEW] = TO(RES_REVIEWED), [RES_ACT_HANDOVER] = TO(RES_HANDOVER_REQUESTED)},
    [RES_HANDOVER_REQUESTED] = {[RES_ACT_ACCEPT] = TO(RES_GP_TO_REVIEW), [RES_ACT_DECLINE] = TO(RES_TO_REVIEW)},
    [RES_GP_TO_REVIEW] = {[RES_ACT_REVIEW] = TO(RES_REVIEWED)},
    /* reviewed is terminal */
};

static const char *const status_names[RES_STATUS_COUNT] = {
    [RES_TO_REVIEW] = "to_review",
    [RES_HANDOVER_REQUESTED] = "handover_requested",
    [RES_GP_TO_REVIEW] = "gp_to_review",
    [RES_REVIEWED] = "reviewed",
};

static const char *const action_names[RES_ACTION_COUNT] = {
    [RES_ACT_REVIEW] = "review",
    [RES_ACT_HANDOVER] = "handover",
    [RES_ACT_ACCEPT] = "accept",
    [RES_ACT_DECLINE] = "decline",
};

const char *result_status_name(result_status s)
{
    return (unsigned)s < RES_STATUS_COUNT ? status_names[s] : NULL;
}

int result_status_parse(const char *name, result_status *out)
{
    int i = names_find(&(names_table){status_names, (size_t)(RES_STATUS_COUNT)}, name);
    if (i < 0 || out == NULL)
        return -1;
    *out = (result_status)i;
    return 0;
}

const char *result_action_name(result_action a)
{
    return (unsigned)a < RES_ACTION_COUNT ? action_names[a] : NULL;
}

int result_action_parse(const char *name, result_action *out)
{
    int i = names_find(&(names_table){action_names, (size_t)(RES_ACTION_COUNT)}, name);
    if (i < 0 || out == NULL)
        return -1;
    *out = (result_action)i;
    return 0;
}

int result_transition(result_status from, result_action a, result_status *to)
{
    if ((unsigned)from >= RES_STATUS_COUNT || (unsigned)a >= RES_ACTION_COUNT)
        return -1;
    unsigned char t = transitions[from][a];
    if (t == 0)
        return -1;
    if (to != NULL)
        *to = (result_status)(t - 1);
    return 0;
}

int result_held_by_practice(result_status s)
{
    return s == RES_HANDOVER_REQUESTED || s == RES_GP_TO_REVIEW;
}

seam_time care_order_expected(seam_time ordered, int urgent)
{
    return cal_add_working_days(ordered, urgent ? 2 : 10);
}

seam_time care_result_review_due(seam_time from, int abnormal, int urgent)
{
    return cal_add_working_days(from, abnormal || urgent ? 1 : 3);
}

seam_time care_handover_due(seam_time requested)
{
    return cal_add_working_days(requested, 2);
}

seam_time care_letter_due(int discharge, seam_time event, int letter_days)
{
    if (discharge)
        return event + 24 * 3600;
    return cal_add_working_days(event, letter_days > 0 ? letter_days : 7);
}

seam_time care_gp_actions_due(seam_time sent)
{
    return cal_add_working_days(sent, 10);
}

int care_discharge_medication_ok(long long days_supplied, int explained)
{
    if (days_supplied < 0)
        return 0;
    return days_supplied >= 7 || explained;
}

seam_time care_pifu_end(seam_time start, int months)
{
    return start + (seam_time)months * 30 * 86400;
}

/* A result is held until it is reviewed: exactly the states that have an
 * action out of them, read from the transition table. */
int result_needs_owner(result_status s)
{
    if ((unsigned)s >= RES_STATUS_COUNT)
        return 0;
    for (int a = 0; a < RES_ACTION_COUNT; a++)
        if (transitions[s][a] != 0)
            return 1;
    return 0;
}

/* A lifecycle's states in order; the first `owned` of them need an owner. */
typedef struct care_states {
    const char *const *names;
    int n, owned;
} care_states;

static const char *const order_states[] = {"awaiting_result", "resulted"};
static const char *const letter_states[] = {"due", "sent", "read"};
static const char *const gp_action_states[] = {"pending", "accepted", "declined", "resolved"};
static const char *const follow_up_states[] = {"open", "booked", "discharged"};

#define STATES(a, owned)                                                                                               \
    {                                                                                                                  \
        (a), (int)(sizeof(a) / sizeof((a)[0])), (owned)                                                                \
    }
static const care_states orders = STATES(order_states, 1);
static const care_states letters = STATES(letter_states, 1);
static const care_states gp_actions = STATES(gp_action_states, 1);
static const care_states follow_ups = STATES(follow_up_states, 1);

static const char *state_at(const care_states *c, int i)
{
    return i >= 0 && i < c->n ? c->names[i] : NULL;
}

static int state_owned(const care_states *c, const char *state)
{
    int i = names_find(&(names_table){c->names, (size_t)(c->n)}, state);
    return i >= 0 && i < c->owned;
}

const char *care_order_state(int i)
{
    return state_at(&orders, i);
}

int care_order_needs_owner(const char *state)
{
    return state_owned(&orders, state);
}

const char *care_letter_state(int i)
{
    return state_at(&letters, i);
}

int care_letter_needs_owner(const char *state)
{
    return state_owned(&letters, state);
}

const char *care_gp_action_state(int i)
{
    return state_at(&gp_actions, i);
}

int care_gp_action_needs_owner(const char *state)
{
    return state_owned(&gp_actions, state);
}

const char *care_follow_up_state(int i)
{
    return state_at(&follow_ups, i);
}

int care_follow_up_needs_owner(const char *state)
{
    return state_owned(&follow_ups, state);
}

int care_gp_action_declined_needs_owner(const char *state)
{
    return state != NULL && strcmp(state, "declined") == 0;
}

static const handoff_rule task_rules[CARE_TASK_COUNT] = {
    [CARE_TASK_EXPECTED_RESULT] = {"expected_result", HANDOFF_SERVICE, "clinician"},
    [CARE_TASK_REVIEW_RESULT] = {"review_result", HANDOFF_SERVICE, "clinician"},
    [CARE_TASK_GP_REVIEW_RESULT] = {"review_result", HANDOFF_PRACTICE, "gp"},
    [CARE_TASK_RESULT_HANDOVER] = {"result_handover", HANDOFF_PRACTICE, "gp"},
    [CARE_TASK_CLINIC_LETTER] = {"clinic_letter", HANDOFF_SERVICE, "clinician"},
    [CARE_TASK_DISCHARGE_SUMMARY] = {"discharge_summary", HANDOFF_SERVICE, "clinician"},
    [CARE_TASK_GP_ACTIONS] = {"gp_actions", HANDOFF_PRACTICE, "gp"},
    [CARE_TASK_FOLLOW_UP] = {"follow_up", HANDOFF_SERVICE, "booking"},
    [CARE_TASK_PIFU_REVIEW] = {"pifu_review", HANDOFF_SERVICE, "clinician"},
    [CARE_TASK_GP_ACTION_DECLINED] = {"gp_action_declined", HANDOFF_SERVICE, "clinician"},
};

const handoff_rule *care_task_rule(care_task t)
{
    return (unsigned)t < CARE_TASK_COUNT ? &task_rules[t] : NULL;
}

int care_result_task(result_status to, seam_time at, int abnormal, int urgent, handoff_rule *rule, seam_time *due)
{
    care_task t;
    switch (to) {
    case RES_TO_REVIEW: t = CARE_TASK_REVIEW_RESULT; break;
    case RES_GP_TO_REVIEW: t = CARE_TASK_GP_REVIEW_RESULT; break;
    case RES_HANDOVER_REQUESTED: t = CARE_TASK_RESULT_HANDOVER; break;
    default: return -1; /* reviewed is terminal: nobody holds it */
    }
    *rule = task_rules[t];
    *due = t == CARE_TASK_RESULT_HANDOVER ? care_handover_due(at) : care_result_review_due(at, abnormal, urgent);
    return 0;
}

const handoff_rule *care_letter_task(int discharge)
{
    return &task_rules[discharge ? CARE_TASK_DISCHARGE_SUMMARY : CARE_TASK_CLINIC_LETTER];
}

const handoff_rule *care_follow_up_task(int pifu)
{
    return &task_rules[pifu ? CARE_TASK_PIFU_REVIEW : CARE_TASK_FOLLOW_UP];
}

seam_time care_follow_up_due(seam_time window_end)
{
    return (seam_time_day(window_end) + 1) * 86400 - 1;
}

int care_pifu_months_ok(long long months)
{
    return months >= 1 && months <= 24;
}

void care_gp_action_declined_rule(handoff_rule *out)
{
    *out = task_rules[CARE_TASK_GP_ACTION_DECLINED];
}

seam_time care_gp_action_declined_due(seam_time declined, int days)
{
    return cal_add_working_days(declined, days > 0 ? days : 5);
}

static const char *const outcome_names[CARE_GP_OUTCOME_COUNT] = {
    [CARE_GP_ARRANGED_BY_HOSPITAL] = "arranged_by_hospital",
    [CARE_GP_AGREED_OTHERWISE] = "agreed_otherwise",
};

const char *care_gp_outcome_name(care_gp_outcome o)
{
    return (unsigned)o < CARE_GP_OUTCOME_COUNT ? outcome_names[o] : NULL;
}

int care_gp_outcome_parse(const char *name, care_gp_outcome *out)
{
    int i = names_find(&(names_table){outcome_names, (size_t)(CARE_GP_OUTCOME_COUNT)}, name);
    if (i < 0 || out == NULL)
        return -1;
    *out = (care_gp_outcome)i;
    return 0;
}

care_resolve_check care_gp_action_resolve(const char *state, care_gp_outcome o, int has_note)
{
    if (state != NULL && strcmp(state, "resolved") == 0)
        return CARE_RESOLVE_ALREADY_RESOLVED;
    if (!care_gp_action_declined_needs_owner(state))
        return CARE_RESOLVE_NOT_DECLINED;
    if ((unsigned)o >= CARE_GP_OUTCOME_COUNT)
        return CARE_RESOLVE_BAD_OUTCOME;
    if (o == CARE_GP_AGREED_OTHERWISE && !has_note)
        return CARE_RESOLVE_NOTE_REQUIRED;
    return CARE_RESOLVE_OK;
}

const char *care_gp_action_shown(const char *state)
{
    static const char *const shown[] = {"pending", "accepted", "with_hospital", "resolved"};
    int i = names_find(&(names_table){gp_actions.names, (size_t)(gp_actions.n)}, state);
    return i >= 0 && i < (int)(sizeof(shown) / sizeof(shown[0])) ? shown[i] : NULL;
}
