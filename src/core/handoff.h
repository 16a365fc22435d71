/*
 * handoff.h - who holds a referral in each state, by when they must act,
 * and how far overdue work has escalated.  Pure.
 */
#ifndef SEAM_HANDOFF_H
#define SEAM_HANDOFF_H

#include "referral.h"
#include "seam_time.h"

/* Which side of the interface owns the task. */
typedef enum handoff_side {
    HANDOFF_SERVICE = 0, /* the hospital service the referral is addressed to */
    HANDOFF_PRACTICE     /* the patient's registered GP practice */
} handoff_side;

typedef struct handoff_rule {
    const char *task_kind; /* "triage", "booking", "attendance", "outcome", "review_return" */
    handoff_side side;
    const char *role; /* role expected to act: "triager", "booking", "clinician", "gp" */
} handoff_rule;

/* A service's targets in working days, indexed by ref_priority. */
typedef struct service_targets {
    int triage_days[REF_PRIORITY_COUNT];  /* default 5, 2, 1 */
    int booking_days[REF_PRIORITY_COUNT]; /* default 10, 5, 2 */
    int outcome_days;                     /* attended -> outcome recorded, default 7 */
    int review_days;                      /* returned -> GP review, default 10 */
} service_targets;

/* Fills t with the defaults above. */
void handoff_default_targets(service_targets *t);

/*
 * The handoff for a referral in state s.  Returns 0 and fills *out for an
 * open state (every open state has exactly one); returns -1 for a
 * terminal state, which has no task.
 */
int handoff_for_status(ref_status s, handoff_rule *out);

/*
 * When the task for state s must be done.  since is when the referral
 * entered s; appointment is the booked appointment (used for booked:
 * due one working day after the appointment so attendance or non-
 * attendance is recorded).  triage/booking use the priority's target,
 * attended uses outcome_days, returned uses review_days.  Returns 0 for a
 * terminal state.
 */
seam_time handoff_due(ref_status s, ref_priority p, const service_targets *t, seam_time since, seam_time appointment);

/* Escalation levels. */
#define HANDOFF_LEVEL_NONE      0 /* not overdue */
#define HANDOFF_LEVEL_OWNER     1 /* overdue: top of the owner's worklist */
#define HANDOFF_LEVEL_INTERFACE 2 /* >= 2 working days late: trust interface lead */
#define HANDOFF_LEVEL_ICB       3 /* >= 5 working days late: the ICB */

/* The escalation level a task due at `due` has reached at `now`. */
int handoff_escalation_level(seam_time due, seam_time now);

/* "none", "owner", "interface_lead", "icb". */
const char *handoff_level_name(int level);

#endif
