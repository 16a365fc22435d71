/*
 * ptl_core.h - TEMPORARY stand-in for src/core/priority.h (branch wl-core), with the
 * signatures of docs/waiting-list.md.  Removed when wl-core is merged.
 */
#ifndef SEAM_PTL_CORE_H
#define SEAM_PTL_CORE_H

#include <stdint.h>
#include <string.h>
#include <strings.h>

typedef enum prio_code { PRIO_P1A, PRIO_P1B, PRIO_P2, PRIO_P3, PRIO_P4, PRIO_P6, PRIO_COUNT } prio_code;
static const char *const ptl__prio_names[PRIO_COUNT] = {"P1a", "P1b", "P2", "P3", "P4", "P6"};
static inline int prio_parse(const char *s, prio_code *out)
{
    for (int i = 0; i < PRIO_COUNT; i++)
        if (strcasecmp(s, ptl__prio_names[i]) == 0) {
            *out = (prio_code)i;
            return 0;
        }
    return -1;
}
static inline const char *prio_name(prio_code p)
{
    return ptl__prio_names[p];
}
static inline int64_t prio_treat_by(prio_code p, int64_t d)
{
    static const int days[PRIO_COUNT] = {1, 3, 28, 90, -1, -1};
    return days[p] < 0 ? -1 : d + days[p];
}
static inline int64_t prio_review_day(prio_code p, int64_t d)
{
    static const int days[PRIO_COUNT] = {1, 3, 28, 90, 180, 90};
    return d + days[p];
}

#endif
