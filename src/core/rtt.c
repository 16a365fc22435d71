/*
 * rtt.c - RTT statuses, waiting time and the clock (see rtt.h).
 */
#include "rtt.h"

#include <stddef.h>
#include <stdio.h>
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

/* The events that stop a running clock: the status and rule of each. */
static const struct {
    rtt_event_kind kind;
    const char *status;
    int rule;
} stops[] = {
    {RTT_EV_TREATMENT, "30", 4},         {RTT_EV_ACTIVE_MONITORING, "32", 5}, /* 31 when patient-initiated */
    {RTT_EV_RETURN_TO_PRIMARY, "34", 5}, {RTT_EV_NOT_TO_TREAT, "34", 5},
    {RTT_EV_DECLINED, "35", 5},          {RTT_EV_DIED, "36", 0},
};

/* The stop e makes on a running clock: its status and rule; -1 for an
 * event that stops nothing. */
static int stop_of(const rtt_event *e, const char **status, int *rule)
{
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++)
        if (stops[i].kind == e->kind) {
            *status = e->kind == RTT_EV_ACTIVE_MONITORING && e->patient_initiated ? "31" : stops[i].status;
            *rule = stops[i].rule;
            return 0;
        }
    return -1;
}

/* A missed appointment on running clock n (rule 5). */
static int step_dna(rtt_clock *n, const rtt_event *e, int *rule)
{
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

/* An event on running clock n: an activity, a transfer, a cancellation, a
 * DNA or a stop; 0 and *rule, or -1 for any other. */
static int step_running(rtt_clock *n, const rtt_event *e, int *rule)
{
    const char *status;
    switch (e->kind) {
    case RTT_EV_ACTIVITY:
    case RTT_EV_DIAGNOSTIC_ADMISSION:
        /* The receipt was the first activity: every one after it, the
         * first outpatient appointment included, is subsequent (20). */
        n->activities++;
        set_status(n, "20");
        *rule = e->kind == RTT_EV_DIAGNOSTIC_ADMISSION ? 4 : 0;
        return 0;
    case RTT_EV_TRANSFER:
        set_status(n, "21");
        *rule = 0;
        return 0;
    case RTT_EV_CANCELLATION: *rule = 5; return 0;
    case RTT_EV_DNA: return step_dna(n, e, rule);
    default:
        if (stop_of(e, &status, rule) != 0)
            return -1;
        stop(n, e->day, status, RTT_STOPPED);
        return 0;
    }
}

/* A new clock under rule 3 on ended clock n. */
static int step_restart(rtt_clock *n, const rtt_event *e, int *rule)
{
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

/* The state change of e on the copy n; 0 and *rule, or -1. */
static int step(rtt_clock *n, const rtt_event *e, int *rule)
{
    switch (e->kind) {
    case RTT_EV_REFERRAL:
    case RTT_EV_SELF_REFERRAL:
        if (n->state != RTT_NONE)
            return -1;
        /* The receipt of the referral is the period's first activity. */
        start(n, e->day, "10", 1);
        *rule = e->kind == RTT_EV_REFERRAL ? 1 : 2;
        return 0;
    case RTT_EV_REBOOK_AFTER_DNA:
    case RTT_EV_START_AFTER_MONITORING:
    case RTT_EV_NEW_TREATMENT:
    case RTT_EV_BILATERAL_SECOND:
    case RTT_EV_NEW_REFERRAL: return step_restart(n, e, rule);
    default: return n->state == RTT_RUNNING ? step_running(n, e, rule) : -1;
    }
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

int rtt_clock_restore(rtt_clock *c, int64_t start_day, int64_t stop_day, const char *status, int open,
                      int has_last_activity)
{
    if (status == NULL)
        status = "";
    rtt_clock_init(c);
    c->start_day = start_day;
    c->state = open ? RTT_RUNNING : rtt_status_nullified(status) ? RTT_NULLIFIED : RTT_STOPPED;
    c->stop_day = stop_day;
    if (c->state != RTT_RUNNING && c->stop_day == RTT_NO_DAY)
        return -1;
    snprintf(c->status, sizeof c->status, "%s", status);
    c->activities = strcmp(status, "20") == 0 || has_last_activity ? 2 : 1;
    c->period = 1;
    return 0;
}

static int is(const char *action, const char *name)
{
    return strcmp(action, name) == 0;
}

int rtt_referral_plan_for(const rtt_referral_facts *f, rtt_referral_plan *out)
{
    if (out == NULL)
        return -1;
    memset(out, 0, sizeof *out);
    out->move = RTT_REF_CLOCK;
    if (f == NULL || f->action == NULL || f->clock == NULL)
        return -1;
    const char *a = f->action;
    rtt_event *e = &out->ev;
    e->kind = RTT_EV_ACTIVITY;
    e->day = f->today;
    e->two_week_wait = f->two_week_wait;
    out->apply = 1;
    out->touch_next = 1;
    if (is(a, "accept") || is(a, "redirect")) {
        out->move = f->clock->state == RTT_RUNNING && f->other_provider ? RTT_REF_TRANSFER : RTT_REF_FOLLOW;
        out->apply = out->touch_next = 0;
        if (out->move == RTT_REF_TRANSFER) {
            e->kind = RTT_EV_TRANSFER;
            out->apply = 1;
        }
    } else if (is(a, "book")) {
        out->apply = 0;
        out->next_appointment = 1;
    } else if (is(a, "attend")) {
        if (f->attended_day != RTT_NO_DAY && f->attended_day <= f->today)
            e->day = f->attended_day;
        out->last_activity = 1;
    } else if (is(a, "return") || is(a, "convert_to_advice") || is(a, "withdraw")) {
        e->kind = RTT_EV_RETURN_TO_PRIMARY;
    } else if (is(a, "resubmit")) {
        e->kind = RTT_EV_NEW_REFERRAL;
        e->consultant = 0;
        out->touch_next = 0;
    } else if (is(a, "discharge")) {
        out->outcome = 1;
        e->kind = RTT_EV_RETURN_TO_PRIMARY;
    } else if (is(a, "dna_rebook") || is(a, "dna_discharge")) {
        e->kind = RTT_EV_DNA;
        e->first_activity = f->clock->activities < 2;
        e->discharged = is(a, "dna_discharge");
        e->missed_day = f->booked_day != RTT_NO_DAY && f->booked_day <= f->today ? f->booked_day : f->today;
        out->rebook = !e->discharged;
    } else {
        out->apply = out->touch_next = 0;
    }
    return 0;
}

int rtt_start_for_referral(const rtt_start_facts *f, rtt_start_plan *out)
{
    if (out == NULL || f == NULL)
        return -1;
    memset(out, 0, sizeof *out);
    rtt_clock_init(&out->clock);
    out->move = RTT_START_NEW;
    const rtt_clock *src = f->same_condition ? f->source : NULL;
    if (src != NULL && src->state == RTT_RUNNING) {
        if (f->source_same_provider) {
            out->move = RTT_START_FOLLOW;
            return 0;
        }
        rtt_event ev = {.kind = RTT_EV_REFERRAL, .day = f->received_day};
        rtt_event tr = {.kind = RTT_EV_TRANSFER, .day = f->today};
        rtt_apply(&out->clock, &ev, NULL);
        if (rtt_apply(&out->clock, &tr, NULL) != 0)
            snprintf(out->clock.status, sizeof out->clock.status, "21");
        out->move = RTT_START_TRANSFER;
        out->event = "transfer_in";
        return 0;
    }
    if (src != NULL && src->stop_day != RTT_NO_DAY) {
        rtt_event nr = {.kind = RTT_EV_NEW_REFERRAL, .day = f->today, .consultant = 1};
        out->clock = *src;
        if (rtt_apply(&out->clock, &nr, &out->rule) == 0) {
            out->event = "onward_referral";
            return 0;
        }
        rtt_clock_init(&out->clock);
    }
    rtt_event ev = {.kind = RTT_EV_REFERRAL, .day = f->same_condition ? f->today : f->received_day};
    rtt_apply(&out->clock, &ev, &out->rule);
    out->event = "referral_received";
    return 0;
}
