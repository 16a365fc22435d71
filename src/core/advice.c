/*
 * advice.c - the advice and guidance state machine as one table (as in
 * referral.c: target state plus one, zero meaning illegal).
 */
#include "advice.h"
#include "calendar.h"

#include <assert.h>
#include <stddef.h>
#include "common/names.h"

#include <string.h>

#define TO(s) ((s) + 1)

static const unsigned char transitions[ADV_STATUS_COUNT][ADV_ACTION_COUNT] = {
    [ADV_AWAITING_RESPONSE] =
        {
            [ADV_ACT_RESPOND] = TO(ADV_AWAITING_GP),
            [ADV_ACT_GIVE_ADVICE] = TO(ADV_ADVICE_GIVEN),
            [ADV_ACT_CONVERT_PROVIDER] = TO(ADV_CONVERTED),
            [ADV_ACT_CONVERT_GP] = TO(ADV_CONVERTED),
            [ADV_ACT_WITHDRAW] = TO(ADV_WITHDRAWN),
        },
    [ADV_AWAITING_GP] =
        {
            [ADV_ACT_REPLY] = TO(ADV_AWAITING_RESPONSE),
            [ADV_ACT_GIVE_ADVICE] = TO(ADV_ADVICE_GIVEN),
            [ADV_ACT_CLOSE] = TO(ADV_CLOSED),
            [ADV_ACT_CONVERT_PROVIDER] = TO(ADV_CONVERTED),
            [ADV_ACT_CONVERT_GP] = TO(ADV_CONVERTED),
            [ADV_ACT_WITHDRAW] = TO(ADV_WITHDRAWN),
        },
    [ADV_ADVICE_GIVEN] =
        {
            [ADV_ACT_REPLY] = TO(ADV_AWAITING_RESPONSE),
            [ADV_ACT_CLOSE] = TO(ADV_CLOSED),
            [ADV_ACT_CONVERT_GP] = TO(ADV_CONVERTED),
        },
    /* closed, converted and withdrawn are terminal. */
};

static const char *const status_names[ADV_STATUS_COUNT] = {
    [ADV_AWAITING_RESPONSE] = "awaiting_response",
    [ADV_AWAITING_GP] = "awaiting_gp",
    [ADV_ADVICE_GIVEN] = "advice_given",
    [ADV_CLOSED] = "closed",
    [ADV_CONVERTED] = "converted",
    [ADV_WITHDRAWN] = "withdrawn",
};

static const char *const action_names[ADV_ACTION_COUNT] = {
    [ADV_ACT_RESPOND] = "respond",
    [ADV_ACT_REPLY] = "reply",
    [ADV_ACT_GIVE_ADVICE] = "give_advice",
    [ADV_ACT_CLOSE] = "close",
    [ADV_ACT_CONVERT_PROVIDER] = "convert_provider",
    [ADV_ACT_CONVERT_GP] = "convert_gp",
    [ADV_ACT_WITHDRAW] = "withdraw",
};

static const char *const priority_names[ADV_PRIORITY_COUNT] = {
    [ADV_PRIO_ROUTINE] = "routine",
    [ADV_PRIO_URGENT] = "urgent",
};

const char *advice_status_name(advice_status s)
{
    return (unsigned)s < ADV_STATUS_COUNT ? status_names[s] : NULL;
}

int advice_status_parse(const char *name, advice_status *out)
{
    int i = names_find(&(names_table){status_names, (size_t)(ADV_STATUS_COUNT)}, name);
    if (i < 0 || out == NULL)
        return -1;
    *out = (advice_status)i;
    return 0;
}

const char *advice_action_name(advice_action a)
{
    return (unsigned)a < ADV_ACTION_COUNT ? action_names[a] : NULL;
}

const char *advice_priority_name(advice_priority p)
{
    return (unsigned)p < ADV_PRIORITY_COUNT ? priority_names[p] : NULL;
}

int advice_priority_parse(const char *name, advice_priority *out)
{
    int i = names_find(&(names_table){priority_names, (size_t)(ADV_PRIORITY_COUNT)}, name);
    if (i < 0 || out == NULL)
        return -1;
    *out = (advice_priority)i;
    return 0;
}

int advice_status_is_open(advice_status s)
{
    return s == ADV_AWAITING_RESPONSE || s == ADV_AWAITING_GP || s == ADV_ADVICE_GIVEN;
}

int advice_transition(advice_status from, advice_action a, advice_status *to)
{
    if ((unsigned)from >= ADV_STATUS_COUNT || (unsigned)a >= ADV_ACTION_COUNT)
        return -1;
    unsigned char t = transitions[from][a];
    if (t == 0)
        return -1;
    if (to != NULL)
        *to = (advice_status)(t - 1);
    return 0;
}

int advice_convert_allowed(advice_action a, int consent_to_convert)
{
    if (a == ADV_ACT_CONVERT_GP)
        return 0;
    if (a == ADV_ACT_CONVERT_PROVIDER)
        return consent_to_convert ? 0 : -1;
    return -1;
}

advice_side advice_side_of_role(const char *role)
{
    if (role == NULL)
        return ADV_SIDE_NONE;
    if (strcmp(role, "triager") == 0 || strcmp(role, "clinician") == 0)
        return ADV_SIDE_SPECIALIST;
    if (strcmp(role, "gp") == 0)
        return ADV_SIDE_GP;
    return ADV_SIDE_NONE;
}

int advice_may_ask(const char *role)
{
    return role != NULL && strcmp(role, "gp") == 0;
}

int advice_action_for(advice_side side, advice_verb v, advice_action *out)
{
    /* -1 where the side may not; else the action plus one. */
    static const int actions[ADV_VERB_COUNT][2] = {
        [ADV_VERB_MESSAGE] = {[ADV_SIDE_GP] = ADV_ACT_REPLY + 1, [ADV_SIDE_SPECIALIST] = ADV_ACT_RESPOND + 1},
        [ADV_VERB_CLOSE] = {[ADV_SIDE_GP] = ADV_ACT_CLOSE + 1, [ADV_SIDE_SPECIALIST] = ADV_ACT_GIVE_ADVICE + 1},
        [ADV_VERB_CONVERT] =
            {[ADV_SIDE_GP] = ADV_ACT_CONVERT_GP + 1, [ADV_SIDE_SPECIALIST] = ADV_ACT_CONVERT_PROVIDER + 1},
        [ADV_VERB_WITHDRAW] = {[ADV_SIDE_GP] = ADV_ACT_WITHDRAW + 1},
    };
    if ((side != ADV_SIDE_GP && side != ADV_SIDE_SPECIALIST) || (unsigned)v >= ADV_VERB_COUNT)
        return -1;
    int a = actions[v][side];
    if (a == 0)
        return -1;
    if (out != NULL)
        *out = (advice_action)(a - 1);
    return 0;
}

int advice_side_gives_advice(advice_side side)
{
    return side == ADV_SIDE_SPECIALIST;
}

int advice_conversion(advice_action a, advice_priority p, ref_status *status, ref_priority *prio)
{
    if (a != ADV_ACT_CONVERT_PROVIDER && a != ADV_ACT_CONVERT_GP)
        return -1;
    if (status != NULL)
        *status = a == ADV_ACT_CONVERT_PROVIDER ? REF_AWAITING_BOOKING : REF_AWAITING_TRIAGE;
    if (prio != NULL)
        *prio = p == ADV_PRIO_URGENT ? REF_PRIO_URGENT : REF_PRIO_ROUTINE;
    return 0;
}

void advice_default_targets(advice_targets *t)
{
    t->response_days[ADV_PRIO_ROUTINE] = 5;
    t->response_days[ADV_PRIO_URGENT] = 1;
    t->gp_days = 10;
}

int advice_handoff(advice_status s, handoff_rule *out)
{
    static const handoff_rule rules[ADV_STATUS_COUNT] = {
        [ADV_AWAITING_RESPONSE] = {"advice_response", HANDOFF_SERVICE, "triager"},
        [ADV_AWAITING_GP] = {"advice_reply", HANDOFF_PRACTICE, "gp"},
        [ADV_ADVICE_GIVEN] = {"read_advice", HANDOFF_PRACTICE, "gp"},
    };
    if ((unsigned)s >= ADV_STATUS_COUNT || rules[s].task_kind == NULL)
        return -1;
    assert(advice_status_is_open(s));
    if (out != NULL)
        *out = rules[s];
    return 0;
}

seam_time advice_due(advice_status s, advice_priority p, const advice_targets *t, seam_time since)
{
    advice_targets defaults;
    if (t == NULL) {
        advice_default_targets(&defaults);
        t = &defaults;
    }
    if ((unsigned)p >= ADV_PRIORITY_COUNT)
        p = ADV_PRIO_ROUTINE;
    switch (s) {
    case ADV_AWAITING_RESPONSE: return cal_add_working_days(since, t->response_days[p]);
    case ADV_AWAITING_GP:
    case ADV_ADVICE_GIVEN: return cal_add_working_days(since, t->gp_days);
    default: return 0;
    }
}
