/*
 * gen.h - synthetic data: a realistic demo ICB.
 */
#ifndef SEAM_GEN_H
#define SEAM_GEN_H

#include "core/seam_time.h"
#include "store/db.h"

#include <stdint.h>
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

/* A synthetic England (england.c). */
typedef struct gen_england_options {
    long long open_pathways; /* 7600000 for --scale england */
    unsigned long long seed;
    seam_time now;
    const char *ptl_dir; /* one PTL CSV per trust (DIR/<trust>.csv), or NULL */
    const char *ptl_csv; /* one trust's PTL CSV, or NULL */
    const char *trust;   /* the trust of ptl_csv */
} gen_england_options;

/*
 * Fills an empty, migrated database with a synthetic England's reference
 * data (ICBs, practices, trusts and their services, and the users gp.bench,
 * booking.bench, clinician.bench, analyst.bench and admin) and writes PTL
 * extracts for its trusts: open_pathways open pathways in all, plus about
 * 15% clock stops of the last 26 weeks.  Patients are not written to the
 * database: importing the PTLs registers them.  Refuses a database that
 * already has organisations (SEAM_ECONFLICT); db_errmsg says why.
 */
int gen_england(db *d, const gen_england_options *o, FILE *log);

/* Internal, shared by the demo and england.c: names, randomness, waits and
 * PTL rows. */
extern const char *const gen__given_f[20]; /* given names, female */
extern const char *const gen__given_m[20]; /* given names, male */
extern const char *const gen__family[40];  /* family names */
typedef struct gen_rng {
    unsigned long long s;
} gen_rng;
void gen__seed(gen_rng *r, unsigned long long seed, unsigned long long stream);
unsigned long long gen__next(gen_rng *r);
int gen__int(gen_rng *r, int lo, int hi); /* inclusive */
double gen__unit(gen_rng *r);             /* [0, 1) */
double gen__normal(gen_rng *r);           /* standard normal (Box-Muller) */
/* Days waited by an open pathway: median about 14.5 weeks times factor,
 * longer for deprived patients (imd 1-10, 0 unknown) and some groups. */
int gen__wait_days(gen_rng *r, int imd, const char *ethnic_group, double factor);
/* Days from clock start to stop of a completed pathway. */
int gen__stop_wait_days(gen_rng *r, double factor);
/* A clinical priority code, or "" (about one in six not yet prioritised). */
const char *gen__clinical_priority(gen_rng *r);

typedef struct gen_out {
    FILE *f;
    size_t len;
    int error;
    char buf[1 << 18];
} gen_out;
/* Formats every date from 1900 to 2100 once, for gen__out_date (which
 * does it on first use otherwise).  0 or SEAM_ENOMEM. */
int gen__dates_init(void);
void gen__out_init(gen_out *o, FILE *f);
void gen__out_flush(gen_out *o);
void gen__out_str(gen_out *o, const char *s);
void gen__out_char(gen_out *o, char c);
void gen__out_int(gen_out *o, long long v);
void gen__out_date(gen_out *o, int64_t day); /* YYYY-MM-DD */

/* One PTL row to write: the patient and the pathway's shape. */
typedef struct gen_ptl_row {
    char nhs[11];
    const char *given, *family, *ethnic_category, *postcode, *lsoa, *practice;
    int female, imd;
    int64_t birth_day;
    const char *trust, *tfc;
    long long ppi_seq; /* PPI "<trust>-PTL-<9 digits>" */
    int stopped;       /* a clock stop in the last 26 weeks, else open */
    int wait_days;     /* open: days waited today; stopped: start to stop */
} gen_ptl_row;
extern const char *const gen__ptl_header;
/* Appends one CSV row in the columns of gen__ptl_header. */
void gen__ptl_row(gen_out *o, gen_rng *r, const gen_ptl_row *p, int64_t today);

/* Refuses a database that already has organisations: SEAM_ECONFLICT with
 * why as db_errmsg.  0 for an empty one, or a database rc. */
int gen__require_empty(db *d, const char *why);

/* Prints one line per persona: username, role, organisation code and
 * display name, tab-separated. */
int gen_list_personas(db *d, FILE *out);

#endif
