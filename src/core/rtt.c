/*
 * rtt.c - RTT statuses, waiting time and the clock (see rtt.h).
 */
#include "rtt.h"

#include <stddef.h>
#include <string.h>

typedef struct rtt_status_def {
    const char *code;
    rtt_kind kind;
    const char *label;
} rtt_status_def;

static const rtt_status_def statuses[] = {
    {"10", RTT_K_RUNNING, "First activity"},
    {"11", RTT_K_RUNNING, "Active monitoring end: start of a new period"},
    {"12", RTT_K_RUNNING, "Consultant referral for a separate condition: start of a new period"},
    {"20", RTT_K_RUNNING, "Subsequent activity"},
    {"21", RTT_K_RUNNING, "Transfer to another provider"},
    {"30", RTT_K_STOPPED, "Start of first definitive treatment"},
    {"31", RTT_K_STOPPED, "Start of active monitoring initiated by the patient"},
    {"32", RTT_K_STOPPED, "Start of active monitoring initiated by the care professional"},
    {"33", RTT_K_STOPPED, "Did not attend the first appointment"},
    {"34", RTT_K_STOPPED, "Decision not to treat or no further contact required"},
    {"35", RTT_K_STOPPED, "Patient declined offered treatment"},
    {"36", RTT_K_STOPPED, "Patient died before treatment"},
    {"90", RTT_K_NOT_RTT, "After first definitive treatment"},
    {"91", RTT_K_NOT_RTT, "During active monitoring"},
    {"92", RTT_K_NOT_RTT, "Not yet referred"},
    {"98", RTT_K_NOT_RTT, "Not applicable to referral to treatment periods"},
    {"99", RTT_K_RUNNING, "Not yet known"},
};
#define N_STATUSES ((int)(sizeof statuses / sizeof statuses[0]))

static const rtt_status_def *status_find(const char *code)
{
    if (code == NULL)
        return NULL;
    for (int i = 0; i < N_STATUSES; i++)
        if (strcmp(statuses[i].code, code) == 0)
            return &statuses[i];
    return NULL;
}

int rtt_status_valid(const char *code)
{
    return status_find(code) != NULL;
}

const char *rtt_status_label(const char *code)
{
    const rtt_status_def *s = status_find(code);
    return s != NULL ? s->label : NULL;
}

rtt_kind rtt_status_kind(const char *code)
{
    const rtt_status_def *s = status_find(code);
    return s != NULL ? s->kind : RTT_K_NOT_RTT;
}

int rtt_status_open(const char *code)
{
    return status_find(code) != NULL && rtt_status_kind(code) == RTT_K_RUNNING;
}

int rtt_status_nullified(const char *code)
{
    return code != NULL && strcmp(code, "33") == 0;
}

int64_t rtt_days_waited(int64_t start_day, int64_t census_day)
{
    return census_day > start_day ? census_day - start_day : 0;
}

int rtt_weeks_waited(int64_t start_day, int64_t census_day)
{
    return (int)(rtt_days_waited(start_day, census_day) / 7);
}

int rtt_over_weeks(int64_t start_day, int64_t census_day, int weeks)
{
    return rtt_days_waited(start_day, census_day) > 7 * (int64_t)weeks;
}

int64_t rtt_breach_day(int64_t start_day, int weeks)
{
    return start_day + 7 * (int64_t)weeks + 1;
}

void rtt_clock_init(rtt_clock *c)
{
    if (c == NULL)
        return;
    c->state = RTT_NONE;
    c->start_day = RTT_NO_DAY;
    c->stop_day = RTT_NO_DAY;
    c->status[0] = '\0';
    c->activities = 0;
    c->period = 0;
}

static void set_status(rtt_clock *c, const char *code)
{
    memcpy(c->status, code, 3); /* every code is two digits and a NUL */
}

/* Starts a new period at day with the given status and activity count. */
static void start(rtt_clock *c, int64_t day, const char *status, int activities)
{
    c->state = RTT_RUNNING;
    c->start_day = day;
    c->stop_day = RTT_NO_DAY;
    set_status(c, status);
    c->activities = activities;
    c->period++;
}

static void stop(rtt_clock *c, int64_t day, const char *status, rtt_state state)
{
    c->state = state;
    c->stop_day = day;
    set_status(c, status);
}

/* 1 when a new clock under rule 3 may start on c for event kind k. */
static int restart_allowed(const rtt_clock *c, rtt_event_kind k)
{
    int treated = c->state == RTT_STOPPED && strcmp(c->status, "30") == 0;
    int monitored = c->state == RTT_STOPPED && (strcmp(c->status, "31") == 0 || strcmp(c->status, "32") == 0);
    int died = c->state == RTT_STOPPED && strcmp(c->status, "36") == 0;

    switch (k) {
    case RTT_EV_BILATERAL_SECOND: /* 3a: the first side was treated */
    case RTT_EV_NEW_TREATMENT: /* 3b: a treatment not in the care plan */ return treated;
    case RTT_EV_NEW_REFERRAL: /* 3c: any ended period but death */
        return (c->state == RTT_STOPPED && !died) || c->state == RTT_NULLIFIED;
    case RTT_EV_START_AFTER_MONITORING: /* 3d */ return monitored;
    case RTT_EV_REBOOK_AFTER_DNA: /* 3e */ return c->state == RTT_NULLIFIED;
    default: return 0;
    }
}

/* The state change of e on the copy n; 0 and *rule, or -1. */
static int step(rtt_clock *n, const rtt_event *e, int *rule)
{
    int running = n->state == RTT_RUNNING;

    switch (e->kind) {
    case RTT_EV_REFERRAL:
    case RTT_EV_SELF_REFERRAL:
        if (n->state != RTT_NONE)
            return -1;
        /* The receipt of the referral is the period's first activity. */
        start(n, e->day, "10", 1);
        *rule = e->kind == RTT_EV_REFERRAL ? 1 : 2;
        return 0;

    case RTT_EV_ACTIVITY:
    case RTT_EV_DIAGNOSTIC_ADMISSION:
        if (!running)
            return -1;
        /* The receipt was the first activity: every one after it, the
         * first outpatient appointment included, is subsequent (20). */
        n->activities++;
        set_status(n, "20");
        *rule = e->kind == RTT_EV_DIAGNOSTIC_ADMISSION ? 4 : 0;
        return 0;

    case RTT_EV_TRANSFER:
        if (!running)
            return -1;
        set_status(n, "21");
        *rule = 0;
        return 0;

    case RTT_EV_CANCELLATION:
        if (!running)
            return -1;
        *rule = 5;
        return 0;

    case RTT_EV_TREATMENT:
        if (!running)
            return -1;
        stop(n, e->day, "30", RTT_STOPPED);
        *rule = 4;
        return 0;

    case RTT_EV_ACTIVE_MONITORING:
        if (!running)
            return -1;
        stop(n, e->day, e->patient_initiated ? "31" : "32", RTT_STOPPED);
        *rule = 5;
        return 0;

    case RTT_EV_RETURN_TO_PRIMARY:
    case RTT_EV_NOT_TO_TREAT:
        if (!running)
            return -1;
        stop(n, e->day, "34", RTT_STOPPED);
        *rule = 5;
        return 0;

    case RTT_EV_DECLINED:
        if (!running)
            return -1;
        stop(n, e->day, "35", RTT_STOPPED);
        *rule = 5;
        return 0;

    case RTT_EV_DIED:
        if (!running)
            return -1;
        stop(n, e->day, "36", RTT_STOPPED);
        *rule = 0;
        return 0;

    case RTT_EV_DNA: {
        if (!running)
            return -1;
        int64_t missed = e->missed_day != 0 ? e->missed_day : e->day;
        if (missed > e->day || missed < n->start_day)
            return -1;
        if (e->first_activity && !e->two_week_wait)
            stop(n, missed, "33", RTT_NULLIFIED); /* nullified at the missed appointment */
        else if (e->discharged)                   /* the stop is the discharge, not the miss */
            stop(n, e->day, "34", RTT_STOPPED);
        /* otherwise rebooked: the clock keeps running, status unchanged */
        *rule = 5;
        return 0;
    }

    case RTT_EV_REBOOK_AFTER_DNA:
    case RTT_EV_START_AFTER_MONITORING:
    case RTT_EV_NEW_TREATMENT:
    case RTT_EV_BILATERAL_SECOND:
    case RTT_EV_NEW_REFERRAL:
        if (!restart_allowed(n, e->kind) || e->day < n->stop_day)
            return -1;
        if (e->kind == RTT_EV_START_AFTER_MONITORING)
            start(n, e->day, "11", 1);
        else if (e->kind == RTT_EV_NEW_TREATMENT || (e->kind == RTT_EV_NEW_REFERRAL && e->consultant))
            start(n, e->day, "12", 1);
        else /* 3a, 3e, and 3c from the referrer: the start is the first activity */
            start(n, e->day, "10", 1);
        *rule = 3;
        return 0;
    }
    return -1;
}

int rtt_apply(rtt_clock *c, const rtt_event *e, int *rule)
{
    if (c == NULL || e == NULL)
        return -1;
    /* Nothing on a clock can happen before it started. */
    if (c->state != RTT_NONE && e->day < c->start_day)
        return -1;
    rtt_clock n = *c;
    int r = 0;
    if (step(&n, e, &r) != 0)
        return -1;
    *c = n;
    if (rule != NULL)
        *rule = r;
    return 0;
}

static const struct {
    const char *name;
    rtt_event_kind kind;
    int patient_initiated;
} outcomes[] = {
    {"treated", RTT_EV_TREATMENT, 0},
    {"active_monitoring_patient", RTT_EV_ACTIVE_MONITORING, 1},
    {"active_monitoring_clinician", RTT_EV_ACTIVE_MONITORING, 0},
    {"active_monitoring", RTT_EV_ACTIVE_MONITORING, 0}, /* the older name: clinician-initiated */
    {"declined", RTT_EV_DECLINED, 0},
    {"not_to_treat", RTT_EV_NOT_TO_TREAT, 0},
    {"return_to_primary", RTT_EV_RETURN_TO_PRIMARY, 0},
};

int rtt_outcome_event(const char *outcome, rtt_event_kind *kind, int *patient_initiated)
{
    if (outcome == NULL)
        outcome = "return_to_primary";
    for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++)
        if (strcmp(outcomes[i].name, outcome) == 0) {
            *kind = outcomes[i].kind;
            *patient_initiated = outcomes[i].patient_initiated;
            return 0;
        }
    return -1;
}
