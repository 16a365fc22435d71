/*
 * rtt.h - referral to treatment (RTT) waiting times, pure.
 *
 * Three things: the RTT period status codes of the NHS Data Dictionary
 * (what each means, whether the pathway is still waiting); waiting time
 * in days and whole weeks at a census day; and the clock itself as a
 * state machine over pathway events, following the RTT rules suite
 * (October 2022; NHS England "Recording and reporting RTT waiting times
 * for consultant-led elective care", section 2.2).  See docs/rtt-rules.md
 * for the sources and the judgements made.
 *
 *   NONE --referral/self-referral (rules 1, 2)--> RUNNING
 *   RUNNING --activity, transfer, diagnostic admission, cancellation,
 *             DNA not ending the period--> RUNNING
 *   RUNNING --treatment (4), active monitoring, not to treat, return to
 *             primary care, declined, later DNA + discharge (5), died--> STOPPED
 *   RUNNING --first-appointment DNA, routine or urgent (5)--> NULLIFIED
 *   STOPPED --new clock (3a, 3b, 3c, 3d)--> RUNNING (period + 1)
 *   NULLIFIED --rebooked (3e) or new referral (3c)--> RUNNING (period + 1)
 *
 * There are no pauses.  A clock stopped because the patient died (36)
 * never restarts.
 */
#ifndef SEAM_RTT_H
#define SEAM_RTT_H

#include <stdint.h>

/* A day number that means "no date" (start or stop not set). */
#define RTT_NO_DAY INT64_MIN

/* RTT period status (NHS Data Dictionary). */
typedef enum rtt_kind { RTT_K_RUNNING, RTT_K_STOPPED, RTT_K_NOT_RTT } rtt_kind;

/* 1 for the two-digit codes 10, 11, 12, 20, 21, 30-36, 90, 91, 92, 98,
 * 99; 0 for anything else, including NULL. */
int rtt_status_valid(const char *code);
/* The Data Dictionary meaning of code, shortened ("First activity",
 * "Subsequent activity", ...), or NULL if the code is not valid. */
const char *rtt_status_label(const char *code);
/* RUNNING for 10, 11, 12, 20, 21 and 99 (not yet known: still counted as
 * waiting, see docs/rtt-rules.md); STOPPED for 30-36; NOT_RTT for 90, 91,
 * 92, 98 and for anything that is not a valid code. */
rtt_kind rtt_status_kind(const char *code);
/* 1 when a pathway with this status is on the waiting list (an
 * incomplete pathway): exactly the RUNNING kind. */
int rtt_status_open(const char *code);
/* 1 for 33 (first-appointment DNA): the period is nullified and is in
 * no measure, neither as waiting nor as a clock stop. */
int rtt_status_nullified(const char *code);

/* Days from start_day to census_day; 0 if census_day is before start_day. */
int64_t rtt_days_waited(int64_t start_day, int64_t census_day);
/* Whole weeks waited: floor(days / 7), so 0-6 days is 0 and 126 is 18. */
int rtt_weeks_waited(int64_t start_day, int64_t census_day);
/* 1 when the wait is over weeks weeks: days > 7 * weeks (126 days is not
 * over 18 weeks, 127 is). */
int rtt_over_weeks(int64_t start_day, int64_t census_day, int weeks);
/* The first census day on which the wait is over weeks weeks:
 * start + 7 * weeks + 1. */
int64_t rtt_breach_day(int64_t start_day, int weeks);

/* The clock as a state machine over events (the rules suite, Oct 2022). */
typedef enum rtt_event_kind {
    RTT_EV_REFERRAL,               /* rule 1: referral received by a consultant-led / interface service */
    RTT_EV_SELF_REFERRAL,          /* rule 2 */
    RTT_EV_ACTIVITY,               /* an activity after the receipt (the first): 20; clock keeps running */
    RTT_EV_TRANSFER,               /* inter-provider transfer: 21, start kept */
    RTT_EV_TREATMENT,              /* rule 4: first definitive treatment: stop 30 */
    RTT_EV_DIAGNOSTIC_ADMISSION,   /* rule 4: diagnostic/pre-op admission: no stop */
    RTT_EV_ACTIVE_MONITORING,      /* rule 5: stop 31 (patient-initiated) or 32 (clinician) */
    RTT_EV_RETURN_TO_PRIMARY,      /* rule 5: stop 34 */
    RTT_EV_NOT_TO_TREAT,           /* rule 5: stop 34 */
    RTT_EV_DECLINED,               /* rule 5: stop 35 */
    RTT_EV_DIED,                   /* stop 36 */
    RTT_EV_DNA,                    /* rule 5: missed appointment (first or later; discharged or not) */
    RTT_EV_CANCELLATION,           /* rule 5: either side cancels: never stops */
    RTT_EV_REBOOK_AFTER_DNA,       /* rule 3e: new clock at the rebooking date */
    RTT_EV_START_AFTER_MONITORING, /* rule 3d: new clock, status 11 */
    RTT_EV_NEW_TREATMENT,          /* rule 3b: substantively new treatment: new clock, status 12 */
    RTT_EV_BILATERAL_SECOND,       /* rule 3a: fit and ready for the second side: new clock */
    RTT_EV_NEW_REFERRAL,           /* rule 3c */
} rtt_event_kind;

typedef struct rtt_event {
    rtt_event_kind kind;
    int64_t day;           /* the event date (days since epoch) */
    int first_activity;    /* RTT_EV_DNA: 1 when it was the first appointment */
    int discharged;        /* RTT_EV_DNA: 1 when the patient was discharged to the GP */
    int two_week_wait;     /* RTT_EV_DNA: the referral was a suspected-cancer (2WW) one */
    int patient_initiated; /* RTT_EV_ACTIVE_MONITORING */
    int consultant;        /* RTT_EV_NEW_REFERRAL: 1 a consultant's referral on the pathway (12), 0 the
                              referrer's (a GP's) new referral (10) */
    int64_t missed_day;    /* RTT_EV_DNA: the day of the missed appointment; 0 means e->day */
} rtt_event;

typedef enum rtt_state { RTT_NONE, RTT_RUNNING, RTT_STOPPED, RTT_NULLIFIED } rtt_state;

typedef struct rtt_clock {
    rtt_state state;
    int64_t start_day, stop_day; /* stop_day valid when STOPPED/NULLIFIED, else RTT_NO_DAY */
    char status[3];              /* current RTT period status code ("" before any clock) */
    int activities;              /* activities so far in this period (0 = first not yet held) */
    int period;                  /* 1 for the first period, +1 for each new clock */
} rtt_clock;

/* An empty clock: NONE, no start or stop day, status "", period 0. */
void rtt_clock_init(rtt_clock *c);

/*
 * Applies e: 0 and the rule number it followed in *rule (1..5; 0 if no
 * numbered rule applies: activity, transfer, died), or -1 when e is
 * impossible in the clock's state, leaving *c and *rule untouched.
 * Impossible: anything but a referral or self-referral with no clock; a
 * referral on an existing clock; an activity, transfer, DNA, cancellation
 * or stop on a clock that is not running; a new clock (rule 3) on a
 * running clock or for the wrong reason (3a and 3b need a treatment stop,
 * 3d an active-monitoring stop, 3e a nullified clock); anything after
 * death; an event dated before the clock's start (or, for rule 3, before
 * its stop).  rule may be NULL.
 *
 * Statuses: the receipt of the referral is the first activity of a period
 * (10, activities 1); every later activity, the first outpatient
 * appointment included (and diagnostic admissions), is a subsequent
 * activity (20).  Every new period's start is its first activity: 11 by
 * rule 3d, 12 by 3b and by a consultant's 3c referral, 10 by 3a, 3e and
 * a referrer's (GP's) 3c referral.  A DNA of the first appointment on a
 * routine or urgent referral nullifies the clock (33) on the day of the
 * missed appointment (e->missed_day), whether or not the patient is
 * discharged; on a two-week-wait referral it stops the clock (34) only if
 * the patient is discharged.  A later DNA stops the clock (34) only with
 * a discharge, and the stop takes the date of the discharge (e->day), not
 * of the miss: under rule 5 the stop is the decision to discharge, told to
 * the patient; the missed appointment alone leaves the clock running.  A
 * missed_day after e->day or before the start is refused.
 * e->first_activity is the caller's judgement and is not checked against
 * c->activities.
 */
int rtt_apply(rtt_clock *c, const rtt_event *e, int *rule);

/*
 * The clock-stop event of a discharge outcome as the API names it:
 * "treated" (rule 4, 30), "active_monitoring_patient" (rule 5, 31),
 * "active_monitoring_clinician" and its older name "active_monitoring"
 * (rule 5, 32), "declined" (35), "not_to_treat" and "return_to_primary"
 * (34).  NULL is "return_to_primary".  Sets *kind and *patient_initiated
 * and returns 0, or -1 for any other name (nothing set).
 */
int rtt_outcome_event(const char *outcome, rtt_event_kind *kind, int *patient_initiated);

/*
 * A pathway's clock as stored: started on start_day, stopped on stop_day
 * (RTT_NO_DAY: not stopped), with RTT status status, on the list (open)
 * or not, has_last_activity when an activity since the receipt was
 * recorded.  Off the list, 33 is a nullified clock and any other status a
 * stopped one.  The receipt is the period's first activity; status 20 or a
 * recorded activity means an appointment since (activities 2).  Returns 0,
 * or -1 when the pathway was transferred to another provider (off the list
 * with no stop: this provider no longer runs its clock).
 */
int rtt_clock_restore(rtt_clock *c, int64_t start_day, int64_t stop_day, const char *status, int open,
                      int has_last_activity);

/* What a referral action does to the pathway that follows it. */
typedef enum rtt_ref_move {
    RTT_REF_CLOCK,    /* the clock: apply the event (when apply), then write the clock */
    RTT_REF_TRANSFER, /* accepted or redirected to another provider while running: off this
                         provider's list (21), on the other's with the clock carried on */
    RTT_REF_FOLLOW,   /* accepted or redirected within the provider (or with no clock running): the
                         clock runs on, the pathway follows the referral's service and priority */
} rtt_ref_move;

/* The facts of a referral action that decide what happens to its clock. */
typedef struct rtt_referral_facts {
    const char *action;     /* a referral action name: "accept", "return", "redirect", "book", "attend",
                               "discharge", "withdraw", "resubmit", "close", "convert_to_advice",
                               "dna_rebook", "dna_discharge" */
    const rtt_clock *clock; /* the pathway's clock before the action (rtt_clock_restore) */
    int other_provider;     /* the referral's service is now at another provider than the pathway's */
    int two_week_wait;      /* the referral is a suspected-cancer (two-week wait) one */
    int64_t today;
    int64_t attended_day; /* attend: the day the patient was seen, RTT_NO_DAY when not given */
    int64_t booked_day;   /* dna: the day of the booked appointment, RTT_NO_DAY when none */
} rtt_referral_facts;

/* What to do to the pathway and its clock. */
typedef struct rtt_referral_plan {
    rtt_ref_move move;
    int apply;            /* RTT_REF_CLOCK: apply ev to the clock */
    rtt_event ev;         /* the event, dated */
    int outcome;          /* discharge: ev's kind is the discharge's rtt_outcome (rtt_outcome_event) */
    int rebook;           /* dna_rebook: if ev nullifies the clock, a new one at the rebooking (rule 3e) */
    int touch_next;       /* the pathway's next activity is rewritten: the appointment or none */
    int next_appointment; /* book: the next activity is the booked appointment */
    int last_activity;    /* the pathway's last activity is ev.day */
} rtt_referral_plan;

/*
 * The RTT consequence of a referral action (facts f), as the RTT rules
 * suite (Oct 2022) has it:
 *   accept, redirect: a transfer (21) to another provider while the clock
 *     runs, else the pathway follows the referral, the clock running on;
 *   book: no clock event; the appointment is the next activity;
 *   attend: an activity (20) on the day seen (if given and not after
 *     today, else today), the last activity;
 *   return, convert_to_advice, withdraw: return to primary care, stop 34;
 *   resubmit: the GP's new referral (rule 3c, 10 after a stop; refused by
 *     rtt_apply on a running clock);
 *   discharge: the stop its rtt_outcome names (outcome set; the caller sets
 *     ev.kind and ev.patient_initiated with rtt_outcome_event);
 *   dna_rebook, dna_discharge: a DNA (rule 5) of the appointment booked
 *     (missed on booked_day, at the latest today), the first when no
 *     activity followed the receipt; rebook set for dna_rebook;
 *   close and anything else: no clock event.
 * Every event is dated today unless said, and carries two_week_wait.
 * Always fills *out; returns 0, or -1 for a NULL argument.
 */
int rtt_referral_plan_for(const rtt_referral_facts *f, rtt_referral_plan *out);

/* How a new referral's pathway starts. */
typedef enum rtt_start_move {
    RTT_START_NEW,      /* a pathway of its own at the referral's provider, with clock (place it) */
    RTT_START_FOLLOW,   /* onward, same condition, same provider, source clock running: the source's
                           pathway moves to the new service, the clock runs on */
    RTT_START_TRANSFER, /* onward, same condition, another provider, source clock running: the source's
                           pathway is transferred out (21) and clock carried on at the new provider */
} rtt_start_move;

/* The facts of a new referral that decide how its clock starts. */
typedef struct rtt_start_facts {
    int same_condition;       /* an onward referral for the same condition */
    const rtt_clock *source;  /* same_condition: the source referral's clock (rtt_clock_restore), NULL
                                 when it has none this provider runs */
    int source_same_provider; /* the source pathway is at the new referral's provider */
    int64_t received_day;     /* the referral's clock start as recorded */
    int64_t today;
} rtt_start_facts;

typedef struct rtt_start_plan {
    rtt_start_move move;
    rtt_clock clock;   /* RTT_START_NEW and _TRANSFER: the clock to place */
    int rule;          /* the rule the start followed (0: none numbered) */
    const char *event; /* "referral_received", "onward_referral" or "transfer_in" */
} rtt_start_plan;

/*
 * How the clock of a new referral starts (f), as the RTT rules suite has
 * it: an onward referral for the same condition while the source clock
 * runs carries that clock on (within the provider the pathway follows;
 * to another provider a transfer, 21, start kept); after the source
 * period ended, a consultant's referral for the same condition starts a
 * new period today (rule 3c, 12; unless the rules allow no restart, as
 * after death); otherwise a new clock from the day received (rule 1, 10),
 * or from today for an onward referral for the same condition.  Returns
 * 0, or -1 for a NULL argument.
 */
int rtt_start_for_referral(const rtt_start_facts *f, rtt_start_plan *out);

#endif
