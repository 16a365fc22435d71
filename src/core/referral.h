/*
 * referral.h - the referral state machine, pure.
 *
 *   awaiting_triage --accept--> awaiting_booking --book--> booked
 *   awaiting_triage --return--> returned  (reason and advice required)
 *   awaiting_triage --redirect--> awaiting_triage (at another service)
 *   booked --attend--> attended --discharge--> discharged
 *   returned --resubmit--> awaiting_triage;  returned --close--> closed
 *   any open state --withdraw--> withdrawn (reason required)
 *   awaiting_triage --convert_to_advice--> converted_to_advice (the
 *     specialist turns it into an advice request at triage)
 *   returned --convert_to_advice--> converted_to_advice (the GP does)
 *   booked --dna_rebook--> awaiting_booking; booked --dna_discharge-->
 *     discharged (a missed appointment is the service's to deal with)
 *
 * discharged, withdrawn, closed and converted_to_advice are terminal.
 */
#ifndef SEAM_REFERRAL_H
#define SEAM_REFERRAL_H

#include "seam_time.h"

typedef enum ref_status {
    REF_AWAITING_TRIAGE = 0,
    REF_AWAITING_BOOKING,
    REF_RETURNED,
    REF_BOOKED,
    REF_ATTENDED,
    REF_DISCHARGED,
    REF_WITHDRAWN,
    REF_CLOSED,
    REF_CONVERTED_TO_ADVICE,
    REF_STATUS_COUNT
} ref_status;

typedef enum ref_action {
    REF_ACT_ACCEPT = 0,
    REF_ACT_RETURN,
    REF_ACT_REDIRECT,
    REF_ACT_BOOK,
    REF_ACT_ATTEND,
    REF_ACT_DISCHARGE,
    REF_ACT_WITHDRAW,
    REF_ACT_RESUBMIT,
    REF_ACT_CLOSE,
    REF_ACT_CONVERT_TO_ADVICE,
    REF_ACT_DNA_REBOOK,    /* missed appointment: the service rebooks */
    REF_ACT_DNA_DISCHARGE, /* missed appointment: the service discharges */
    REF_ACTION_COUNT
} ref_action;

typedef enum ref_priority {
    REF_PRIO_ROUTINE = 0,
    REF_PRIO_URGENT,
    REF_PRIO_TWO_WEEK_WAIT,
    REF_PRIORITY_COUNT
} ref_priority;

/* Names used in the API and the database: "awaiting_triage", ... */
const char *ref_status_name(ref_status s);
/* Returns 0 and sets *out, or -1 for an unknown name (or NULL). */
int ref_status_parse(const char *name, ref_status *out);

/* "accept", "return", "redirect", "book", "attend", "discharge",
 * "withdraw", "resubmit", "close", "convert_to_advice", "dna_rebook", "dna_discharge". */
const char *ref_action_name(ref_action a);
int ref_action_parse(const char *name, ref_action *out);

/* "routine", "urgent", "two_week_wait". */
const char *ref_priority_name(ref_priority p);
int ref_priority_parse(const char *name, ref_priority *out);

/* 1 unless s is discharged, withdrawn, closed or converted_to_advice. */
int ref_status_is_open(ref_status s);

/*
 * The state after applying a to a referral in state from.  Returns 0 and
 * sets *to, or -1 if the transition is illegal (*to untouched).
 */
int ref_transition(ref_status from, ref_action a, ref_status *to);

/* Whether an attendance recorded at `attended` is true to the booked
 * appointment (0: none known) as judged at `now`: on or after the
 * appointment's day (UTC) and not in the future (120 seconds' grace for
 * the clocks of the recording device). */
typedef enum ref_attendance { REF_ATTEND_OK = 0, REF_ATTEND_IN_FUTURE, REF_ATTEND_BEFORE_APPOINTMENT } ref_attendance;
ref_attendance ref_attendance_check(seam_time attended, seam_time appointment, seam_time now);

#endif
