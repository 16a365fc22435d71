/*
 * ptl_internal.h - what the files of the PTL import share (ptl.c the
 * driver, ptl_row.c the header and the checks of a row, ptl_write.c the
 * writes of a row).  Internal to src/app/import; the published interface
 * is ptl.h.
 */
#ifndef SEAM_IMPORT_PTL_INTERNAL_H
#define SEAM_IMPORT_PTL_INTERNAL_H

#include "app/import/csv_read.h"
#include "app/import/ptl.h"
#include "core/nhs_number.h"
#include "core/priority.h"

#include <stdint.h>
#include <time.h>

/* The columns Seam reads, by name (docs/import.md). */
enum {
    C_NHS,
    C_PPI,
    C_PROVIDER,
    C_TFC,
    C_RECEIVED,
    C_START,
    C_STATUS,
    C_LAST,
    C_NEXT,
    C_ISSUER,
    C_END,
    C_CLINICAL_PRIORITY,
    C_PRIORITY_TYPE,
    C_WL_TYPE,
    C_GIVEN,
    C_FAMILY,
    C_BIRTH,
    C_GENDER,
    C_ETHNIC,
    C_POSTCODE,
    C_LSOA,
    C_IMD,
    C_PRACTICE,
    N_COLS
};

typedef struct ptl_column {
    const char *name;
    int required;
    size_t max; /* longest value accepted */
} ptl_column;
extern const ptl_column ptl__cols[N_COLS];

typedef struct svc_entry {
    char tfc[4];
    long long id;
} svc_entry;

typedef struct practice_entry {
    char code[12];
    char icb[12];
} practice_entry;

typedef struct ptl_run {
    db *d;
    const ptl_options *o;
    ptl_report *rep;
    csv_reader *csv;
    int colidx[N_COLS]; /* file column of each known column, or -1 */
    int ncols;          /* columns in the header */
    const char *v[N_COLS];
    svc_entry *svcs;
    int nsvcs;
    practice_entry *practices;
    int npractices;
    struct {
        long long id, line;
    } * seen;
    char now_iso[SEAM_ISO_LEN];
    char today_iso[SEAM_DATE_LEN];
    int64_t today;
    const char *by;
    char trust_icb[16];
    FILE *rej;
    int row_rejected;
    long long batch_rows;
    long long next_analyze; /* PostgreSQL: rows written at which to refresh statistics */
    /* progress */
    struct timespec t0, last_report;
    long long total_bytes; /* 0 when unknown (a pipe) */
    long long last_rows;
} ptl_run;

/* One checked row, ready to write. */
typedef struct ptl_row {
    char nhs[NHS_NUMBER_LEN];
    long long service_id;
    int64_t received_day, start_day, stop_day, last_day, next_day; /* -1 = none */
    const char *referral_priority;
    int has_priority;
    prio_code prio;
    int open;
    /* the patient */
    int patient_known;
    char icb[16];
    int imd; /* 0 = unknown */
    const char *ethnic_group;
    char sex[16];
    int64_t birth_day;
    int has_birth;
    /* a new patient */
    const char *new_sex;
    const char *new_ethnicity;
} ptl_row;

/* Reports one refused field of the current row and marks the row rejected. */
void ptl__reject(ptl_run *r, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Says why the import failed (rep->error). */
void ptl__fail(ptl_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parses a strict YYYY-MM-DD into a day number.  Returns 0 or -1. */
int ptl__parse_date(const char *s, int64_t *day);
void ptl__format_day(int64_t day, char out[SEAM_DATE_LEN]);

/* A text parameter, SQL NULL when blank. */
static inline db_param ptl__opt_text(const char *s)
{
    return s && *s ? DBP_TEXT(s) : DBP_NULL;
}

/* ptl_row.c: the trust's services and every practice, loaded once. */
int ptl__load_caches(ptl_run *r);
/* ptl_row.c: reads the header row and finds the columns.  0, or a
 * negative seam_rc with rep->error set. */
int ptl__read_header(ptl_run *r);
/* ptl_row.c: checks the fields of the current row that need no database
 * into row.  Returns 0 or -1 (the row has been reported). */
int ptl__check_row(ptl_run *r, ptl_row *row);
/* ptl_row.c: the patient of row as Seam knows them, or, for one it does
 * not know yet, the demographics checked from the row.  Returns 0 (the
 * row may have been rejected) or a negative rc when the database failed. */
int ptl__check_patient(ptl_run *r, ptl_row *row);

/* ptl_write.c: checks the current row against the database and writes
 * it.  Returns 0 (written or rejected) or a negative rc when the database
 * failed. */
int ptl__process_row(ptl_run *r);

#endif
