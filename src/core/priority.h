/*
 * priority.h - clinical priority of a waiting patient, pure.
 *
 * The codes of the FSSA clinical guide to surgical prioritisation (P1a to
 * P4) and NHS England's P6 (the patient chose to postpone).  From the day
 * a priority is set this module gives the day to treat by and the day the
 * priority must next be reviewed; see docs/rtt-rules.md for the intervals
 * and their sources.
 *
 *   code  label                      treat by    review
 *   P1a   Within 24 hours            set + 1     set + 1
 *   P1b   Within 72 hours            set + 3     set + 3
 *   P2    Within 4 weeks             set + 28    set + 28
 *   P3    Within 3 months            set + 84    set + 84
 *   P4    More than 3 months         none        set + 84
 *   P6    Patient chose to postpone  none        set + 84
 */
#ifndef SEAM_PRIORITY_H
#define SEAM_PRIORITY_H

#include "seam_time.h"

/* Clinical priority (FSSA clinical guide to surgical prioritisation). */
typedef enum prio_code { PRIO_P1A, PRIO_P1B, PRIO_P2, PRIO_P3, PRIO_P4, PRIO_P6, PRIO_COUNT } prio_code;

/* "P1a", "P1b", "P2", "P3", "P4", "P6" (case-insensitive): 0 and *out
 * set, or -1 (anything else, NULL) leaving *out untouched. */
int prio_parse(const char *s, prio_code *out);
/* The canonical code "P1a" ..., or NULL out of range. */
const char *prio_name(prio_code p);
/* "Within 24 hours", ..., "Patient chose to postpone", or NULL out of range. */
const char *prio_label(prio_code p);
/* The day by which to treat, from the day the priority was set (day
 * numbers); -1 if none (P4, P6) or p is out of range. */
int64_t prio_treat_by(prio_code p, int64_t set_day);
/* The day the priority must next be reviewed, from the day it was set;
 * -1 if p is out of range. */
int64_t prio_review_day(prio_code p, int64_t set_day);
/* 1 when the priority of a pathway still on the list (open) is overdue
 * its review on census day: the review day has passed (review_day <
 * census; on the day itself it is not yet overdue).  A closed pathway's
 * priority is never overdue. */
int prio_review_overdue(int open, int64_t review_day, int64_t census);
/* Working-day due date of a GP's priority-review request: 2 working days
 * (England and Wales) after requested, at the same clock time. */
seam_time prio_review_request_due(seam_time requested);

/* The states of a GP's priority review ("open", "answered", "withdrawn"),
 * by index (NULL past the last); only an open review needs an owner (the
 * service answers it). */
const char *prio_review_state(int i);
int prio_review_needs_owner(const char *state);

#endif
