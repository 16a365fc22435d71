/*
 * waits.h - the waiting-list rules on waits, pure.
 *
 * A wait runs from a clock start day to a census day (day numbers, days
 * since 1970-01-01): census - start days.  This module holds the RTT
 * standard's thresholds (18 weeks; 52 weeks, the long-wait line), the
 * breach weeks shown on each pathway, the tests "over N weeks" and "at
 * least N weeks" as clock-start cut-offs (for SQL) and on a count of days,
 * the summary of a list counted by days waited, and the estimated wait of
 * a service from its recent clock stops.  See docs/waiting-list.md.
 */
#ifndef SEAM_WAITS_H
#define SEAM_WAITS_H

#include <stddef.h>
#include <stdint.h>

/* The RTT standard: treatment within 18 weeks of referral. */
#define WAITS_STANDARD_WEEKS 18
/* The long-wait line: no one should wait over 52 weeks. */
#define WAITS_LONG_WEEKS 52

/* The breach thresholds shown on a pathway, in weeks, ascending:
 * 18, 52, 65, 78 and 104. */
#define WAITS_N_BREACH 5
extern const int waits_breach_weeks[WAITS_N_BREACH];

/* 1 when a wait of days days is over weeks weeks: days > 7 * weeks (126
 * days is not over 18 weeks, 127 is). */
int waits_days_over(int64_t days, int weeks);

/* The cut-off of "over weeks weeks" on census day: a clock started on day
 * s is over iff s < waits_over_start_before(census, weeks), that is
 * census - 7 * weeks. */
int64_t waits_over_start_before(int64_t census, int weeks);

/* The cut-off of "waited at least weeks whole weeks" on census day: a
 * clock started on day s has iff s <= waits_at_least_start_by(census,
 * weeks), that is census - 7 * weeks. */
int64_t waits_at_least_start_by(int64_t census, int weeks);

/* A list's figures from its waits counted by days: how many wait, how many
 * over 18 and over 52 weeks, and the lower median in days (-1 when no one
 * waits). */
typedef struct waits_summary {
    long long waiting, over_standard, over_long;
    int64_t median_days;
} waits_summary;

/* Summarises n[0..ndays): n[d] waits of d days (the caller may put every
 * longer wait in the last bucket, when it is past the long-wait line). */
void waits_summarise(const long long *n, int ndays, waits_summary *s);

/* The estimated wait of a service counts the clock stops of the last 26
 * weeks, and gives centiles only from 20 stops. */
#define WAITS_ESTIMATE_WEEKS     26
#define WAITS_ESTIMATE_MIN_STOPS 20

/* The first day of the estimate's window on census day is the day after
 * waits_estimate_from(census) = census - 7 * 26: stops on days (from,
 * census] count. */
int64_t waits_estimate_from(int64_t census);

/* The p-th centile (0..100) of sorted v[0..n), n > 0, by nearest rank:
 * the ceil(p/100 n)-th smallest (the 50th is the lower median). */
double waits_centile(const double *v, size_t n, double p);

/* A service's estimated wait, in days: the median and 92nd centile of its
 * recent clock stops (set only when enough), and the median wait of those
 * waiting now (set only when any). */
typedef struct waits_estimate {
    int enough;
    double median_days, p92_days;
    int any_waiting;
    double median_waiting_days;
} waits_estimate;

/* The estimate from the waits (days) of the window's clock stops,
 * stops[0..nstops), and of the open pathways, now[0..nnow); sorts both
 * arrays in place.  Either may be NULL when its count is 0. */
void waits_estimate_of(double *stops, size_t nstops, double *now, size_t nnow, waits_estimate *e);

#endif
