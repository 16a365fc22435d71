/*
 * priority.c - clinical priority codes and their intervals (see priority.h).
 */
#include "priority.h"
#include "calendar.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#define NONE (-1)

typedef struct prio_def {
    const char *name;
    const char *label;
    int treat_days;  /* NONE: no treat-by date */
    int review_days; /* always set */
} prio_def;

static const prio_def defs[PRIO_COUNT] = {
    [PRIO_P1A] = {"P1a", "Within 24 hours", 1, 1},      [PRIO_P1B] = {"P1b", "Within 72 hours", 3, 3},
    [PRIO_P2] = {"P2", "Within 4 weeks", 28, 28},       [PRIO_P3] = {"P3", "Within 3 months", 84, 84},
    [PRIO_P4] = {"P4", "More than 3 months", NONE, 84}, [PRIO_P6] = {"P6", "Patient chose to postpone", NONE, 84},
};

/* Working days a trust has to answer a GP's priority-review request. */
#define REVIEW_REQUEST_WORKING_DAYS 2

int prio_parse(const char *s, prio_code *out)
{
    if (s == NULL || out == NULL)
        return -1;
    for (int p = 0; p < PRIO_COUNT; p++) {
        if (strcasecmp(defs[p].name, s) == 0) {
            *out = (prio_code)p;
            return 0;
        }
    }
    return -1;
}

const char *prio_name(prio_code p)
{
    return (unsigned)p < PRIO_COUNT ? defs[p].name : NULL;
}

const char *prio_label(prio_code p)
{
    return (unsigned)p < PRIO_COUNT ? defs[p].label : NULL;
}

int64_t prio_treat_by(prio_code p, int64_t set_day)
{
    if ((unsigned)p >= PRIO_COUNT || defs[p].treat_days == NONE)
        return -1;
    return set_day + defs[p].treat_days;
}

int64_t prio_review_day(prio_code p, int64_t set_day)
{
    if ((unsigned)p >= PRIO_COUNT)
        return -1;
    return set_day + defs[p].review_days;
}

int prio_review_overdue(int open, int64_t review_day, int64_t census)
{
    return open && review_day < census;
}

seam_time prio_review_request_due(seam_time requested)
{
    return cal_add_working_days(requested, REVIEW_REQUEST_WORKING_DAYS);
}

static const char *const review_states[] = {"open", "answered", "withdrawn"};

const char *prio_review_state(int i)
{
    return i >= 0 && i < (int)(sizeof(review_states) / sizeof(review_states[0])) ? review_states[i] : NULL;
}

int prio_review_needs_owner(const char *state)
{
    return state != NULL && strcmp(state, review_states[0]) == 0;
}
