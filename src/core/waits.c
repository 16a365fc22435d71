/*
 * waits.c - the waiting-list rules on waits (see waits.h).
 */
#include "waits.h"

#include <math.h>
#include <stdlib.h>

const int waits_breach_weeks[WAITS_N_BREACH] = {18, 52, 65, 78, 104};

int waits_days_over(int64_t days, int weeks)
{
    return days > 7 * (int64_t)weeks;
}

int64_t waits_over_start_before(int64_t census, int weeks)
{
    return census - 7 * (int64_t)weeks;
}

int64_t waits_at_least_start_by(int64_t census, int weeks)
{
    return census - 7 * (int64_t)weeks;
}

void waits_summarise(const long long *n, int ndays, waits_summary *s)
{
    s->waiting = s->over_standard = s->over_long = 0;
    s->median_days = -1;
    for (int d = 0; d < ndays; d++) {
        s->waiting += n[d];
        if (waits_days_over(d, WAITS_STANDARD_WEEKS))
            s->over_standard += n[d];
        if (waits_days_over(d, WAITS_LONG_WEEKS))
            s->over_long += n[d];
    }
    if (s->waiting == 0)
        return;
    long long k = (s->waiting + 1) / 2, seen = 0; /* the lower median */
    for (int d = 0; d < ndays; d++) {
        seen += n[d];
        if (seen >= k) {
            s->median_days = d;
            return;
        }
    }
}

int64_t waits_estimate_from(int64_t census)
{
    return census - 7 * (int64_t)WAITS_ESTIMATE_WEEKS;
}

double waits_centile(const double *v, size_t n, double p)
{
    size_t k = (size_t)ceil(p / 100.0 * (double)n);
    if (k < 1)
        k = 1;
    return v[k - 1];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void waits_estimate_of(double *stops, size_t nstops, double *now, size_t nnow, waits_estimate *e)
{
    if (nstops)
        qsort(stops, nstops, sizeof(double), cmp_double);
    if (nnow)
        qsort(now, nnow, sizeof(double), cmp_double);
    e->enough = nstops >= WAITS_ESTIMATE_MIN_STOPS;
    e->median_days = e->enough ? waits_centile(stops, nstops, 50) : 0;
    e->p92_days = e->enough ? waits_centile(stops, nstops, 92) : 0;
    e->any_waiting = nnow > 0;
    e->median_waiting_days = nnow ? waits_centile(now, nnow, 50) : 0;
}
