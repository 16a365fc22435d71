/*
 * gen.h - synthetic data: a realistic demo ICB.
 */
#ifndef SEAM_GEN_H
#define SEAM_GEN_H

#include "core/seam_time.h"
#include "store/db.h"

#include <stdio.h>

typedef struct gen_options {
    int patients;  /* default 2400 */
    int referrals; /* default 4000, spread over the 12 months before now */
    unsigned long long seed;
    seam_time now;
} gen_options;

/*
 * Fills an empty, migrated database with one ICB, two trusts of eight
 * services, twelve practices, patients in the 999 test range, the demo
 * personas, and twelve months of referrals driven through the real use
 * cases (so every task, due time and event is as the live system makes
 * it), then runs the failsafe at now.  Refuses a database that already
 * has organisations (SEAM_ECONFLICT).  Progress goes to log.
 */
int gen_demo(db *d, const gen_options *opt, FILE *log);

/* Prints one line per persona: username, role, organisation code and
 * display name, tab-separated. */
int gen_list_personas(db *d, FILE *out);

#endif
