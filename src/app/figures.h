/*
 * figures.h - how measures write their numbers: percentages and other
 * figures to one decimal place, null where there is nothing to divide by,
 * and nearest-rank centiles.  One rule for every measure.  Internal to
 * src/app.
 */
#ifndef SEAM_FIGURES_H
#define SEAM_FIGURES_H

#include <jansson.h>
#include <math.h>
#include <stddef.h>

/* x to one decimal place. */
static inline double fig_round1(double x)
{
    return round(x * 10.0) / 10.0;
}

/* num / den as a percentage to one decimal place, or null when den is 0. */
static inline json_t *fig_pct(long long num, long long den)
{
    return den > 0 ? json_real(round(1000.0 * (double)num / (double)den) / 10.0) : json_null();
}

/* qsort order for doubles. */
static inline int fig_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#endif
