/*
 * care.h - complete-care rules, pure: the result review state machine and
 * the due times of results, letters, GP actions and follow-ups.
 *
 *   to_review --review--> reviewed               (the ordering service)
 *   to_review --handover--> handover_requested   (an explicit request to the GP)
 *   handover_requested --accept--> gp_to_review  (the GP takes it on)
 *   handover_requested --decline--> to_review    (back to the service)
 *   gp_to_review --review--> reviewed            (the GP)
 *
 * reviewed is terminal.  A result is never the GP's unless the GP accepts.
 */
#ifndef SEAM_CARE_RULES_H
#define SEAM_CARE_RULES_H

#include "handoff.h"
#include "seam_time.h"

typedef enum result_status {
    RES_TO_REVIEW = 0,
    RES_HANDOVER_REQUESTED,
    RES_GP_TO_REVIEW,
    RES_REVIEWED,
    RES_STATUS_COUNT
} result_status;

typedef enum result_action {
    RES_ACT_REVIEW = 0,
    RES_ACT_HANDOVER,
    RES_ACT_ACCEPT,
    RES_ACT_DECLINE,
    RES_ACTION_COUNT
} result_action;

/* "to_review", "handover_requested", "gp_to_review", "reviewed". */
const char *result_status_name(result_status s);
int result_status_parse(const char *name, result_status *out);
/* "review", "handover", "accept", "decline". */
const char *result_action_name(result_action a);
int result_action_parse(const char *name, result_action *out);

/* The state after a in state from: 0 and *to set, or -1 if illegal. */
int result_transition(result_status from, result_action a, result_status *to);
/* 1 when the practice (not the ordering service) holds a result in s. */
int result_held_by_practice(result_status s);

/* When an ordered test's result is expected: 2 working days if urgent, else 10. */
seam_time care_order_expected(seam_time ordered, int urgent);
/* When a result must be reviewed: 1 working day if abnormal or urgent, else 3. */
seam_time care_result_review_due(seam_time from, int abnormal, int urgent);
/* When the GP must answer a hand-over request: 2 working days. */
seam_time care_handover_due(seam_time requested);
/* When a letter is due: a discharge summary 24 hours after discharge; a
 * clinic letter letter_days working days after the appointment. */
seam_time care_letter_due(int discharge, seam_time event, int letter_days);
/* When the GP must answer the actions a letter asks of them: 10 working days. */
seam_time care_gp_actions_due(seam_time sent);
/* A discharge with fewer than 7 days of medication needs an explanation:
 * 1 when acceptable. */
int care_discharge_medication_ok(long long days_supplied, int explained);
/* The end of a patient-initiated follow-up window of months (30-day months). */
seam_time care_pifu_end(seam_time start, int months);

/*
 * The tasks of complete care: who holds each (the side whose organisation
 * owns it, and the role expected to act) and the kind it has on the
 * worklist, as handoff_for_status is for referrals.
 *
 *   expected_result     service clinician  an order awaiting its result
 *   review_result       service clinician  a result to review (to_review)
 *   review_result       practice gp        a result the GP accepted (gp_to_review)
 *   result_handover     practice gp        a hand-over request to answer
 *   clinic_letter       service clinician  a clinic letter to write
 *   discharge_summary   service clinician  a discharge summary to write
 *   gp_actions          practice gp        the actions a sent letter asks of the GP
 *   follow_up           service booking    a follow-up window to book
 *   pifu_review         service clinician  a patient-initiated follow-up period
 *   gp_action_declined  service clinician  a GP action the GP declined
 */
typedef enum care_task {
    CARE_TASK_EXPECTED_RESULT = 0,
    CARE_TASK_REVIEW_RESULT,
    CARE_TASK_GP_REVIEW_RESULT,
    CARE_TASK_RESULT_HANDOVER,
    CARE_TASK_CLINIC_LETTER,
    CARE_TASK_DISCHARGE_SUMMARY,
    CARE_TASK_GP_ACTIONS,
    CARE_TASK_FOLLOW_UP,
    CARE_TASK_PIFU_REVIEW,
    CARE_TASK_GP_ACTION_DECLINED,
    CARE_TASK_COUNT
} care_task;

/* The rule of task t; NULL out of range. */
const handoff_rule *care_task_rule(care_task t);

/* The task a result has once it is in status to, and when it is due (at:
 * when it entered to): 0 with *rule and *due set, or -1 when no task
 * follows (reviewed, or not a status).  Abnormal or urgent results are
 * due sooner (care_result_review_due); a hand-over request is the GP's to
 * answer in care_handover_due. */
int care_result_task(result_status to, seam_time at, int abnormal, int urgent, handoff_rule *rule, seam_time *due);

/* The task of a due letter: a discharge summary or a clinic letter. */
const handoff_rule *care_letter_task(int discharge);

/* The task of a follow-up (pifu: patient-initiated, else a window to
 * book), due at the end of the window's last day (23:59:59 UTC). */
const handoff_rule *care_follow_up_task(int pifu);
seam_time care_follow_up_due(seam_time window_end);

/* Whether a patient-initiated follow-up may last months: 1 to 24. */
int care_pifu_months_ok(long long months);

/*
 * Who must hold each object (the ownership rule, ownership.h).  A result
 * needs an owner in every state with an action out of it (all but
 * reviewed).  The states of a test order, letter, GP action (an action a
 * letter asks of the GP) and follow-up, by index (NULL past the last), and
 * whether an object in that state needs one open task with an owner:
 *   order      awaiting_result (the service, until the result comes) | resulted
 *   letter     due (the service writes it) | sent | read
 *   GP action  pending (the practice answers) | accepted | declined | resolved
 *   follow-up  open (the service books or discharges) | booked | discharged
 * The needs_owner functions answer 0 for a name that is not a state.
 */
int result_needs_owner(result_status s);
const char *care_order_state(int i);
int care_order_needs_owner(const char *state);
const char *care_letter_state(int i);
int care_letter_needs_owner(const char *state);
const char *care_gp_action_state(int i);
int care_gp_action_needs_owner(const char *state);
/* A declined GP action is the hospital's until a clinician resolves it:
 * 1 for "declined" only (the second way a GP action is held). */
int care_gp_action_declined_needs_owner(const char *state);
const char *care_follow_up_state(int i);
int care_follow_up_needs_owner(const char *state);

/*
 * A GP action the GP declines stays with the hospital:
 *
 *   pending --accept--> accepted                 (the GP does it)
 *   pending --decline--> declined                (the hospital keeps it)
 *   declined --resolve(outcome)--> resolved      (a clinician of the service)
 *
 * A declined action is an owned handoff: the letter's service, role
 * clinician, task "gp_action_declined", due declined_action_days working
 * days after the decline (5 when the service sets none).
 */
typedef enum care_gp_outcome {
    CARE_GP_ARRANGED_BY_HOSPITAL = 0, /* the hospital did or booked it */
    CARE_GP_AGREED_OTHERWISE,         /* agreed another way; a note says how */
    CARE_GP_OUTCOME_COUNT
} care_gp_outcome;

/* What a resolution attempt meets (care_gp_action_resolve). */
typedef enum care_resolve_check {
    CARE_RESOLVE_OK = 0,
    CARE_RESOLVE_NOT_DECLINED,     /* pending or accepted: nothing to resolve */
    CARE_RESOLVE_ALREADY_RESOLVED, /* resolved is terminal */
    CARE_RESOLVE_NOTE_REQUIRED,    /* agreed_otherwise without a note */
    CARE_RESOLVE_BAD_OUTCOME       /* not an outcome */
} care_resolve_check;

/* Fills *out with the declined action's handoff rule. */
void care_gp_action_declined_rule(handoff_rule *out);
/* When a declined action must be resolved: days working days after
 * declined (5 when days <= 0), at the same clock time. */
seam_time care_gp_action_declined_due(seam_time declined, int days);
/* "arranged_by_hospital", "agreed_otherwise"; NULL out of range. */
const char *care_gp_outcome_name(care_gp_outcome o);
/* 0 and *out set, or -1 for an unknown name (or NULL out). */
int care_gp_outcome_parse(const char *name, care_gp_outcome *out);
/* Whether an action in `state` may be resolved with outcome o (has_note:
 * a non-empty note was given). */
care_resolve_check care_gp_action_resolve(const char *state, care_gp_outcome o, int has_note);
/* The state shown to people: "pending", "accepted", "with_hospital"
 * (declined), "resolved"; NULL for a name that is not a state. */
const char *care_gp_action_shown(const char *state);

#endif
