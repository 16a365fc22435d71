/*
 * ptl.c - loading a trust's PTL extract (docs/import.md).
 *
 * Reading order (the CSV reader is csv_read.c): the column table and
 * header, the reference caches (the trust's services by treatment function
 * code, practices), the row checks, the writes (one
 * pathway upsert per row, a patient insert when PDS has not yet told Seam of
 * the patient), batches and the ptl_imports row, progress, and ptl_import.
 *
 * Memory is constant: one input buffer, one row of bounded fields, the
 * caches, and a fixed-size table that remembers the line of recently
 * written pathways so a repeated PPI can name its first line.  A repeat is
 * detected without any in-memory set: the stored row already carries this
 * import's id.
 */
#include "app/import/ptl.h"
#include "app/waiting/rtt_periods.h"
#include "app/csv.h"
#include "app/import/csv_read.h"
#include "common/rc.h"
#include "core/priority.h"
#include "core/equity.h"
#include "core/nhs_number.h"
#include "core/rtt.h"

#include <ctype.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------- columns */

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

static const struct {
    const char *name;
    int required;
    size_t max; /* longest value accepted */
} cols[N_COLS] = {
    [C_NHS] = {"nhs_number", 1, 12},
    [C_PPI] = {"patient_pathway_identifier", 1, 20},
    [C_PROVIDER] = {"organisation_code_provider", 1, 12},
    [C_TFC] = {"activity_treatment_function_code", 1, 3},
    [C_RECEIVED] = {"referral_request_received_date", 1, 10},
    [C_START] = {"referral_to_treatment_period_start_date", 1, 10},
    [C_STATUS] = {"referral_to_treatment_period_status", 1, 2},
    [C_LAST] = {"last_activity_date", 1, 10},
    [C_NEXT] = {"next_activity_date", 1, 10},
    [C_ISSUER] = {"organisation_code_patient_pathway_identifier_issuer", 0, 12},
    [C_END] = {"referral_to_treatment_period_end_date", 0, 10},
    [C_CLINICAL_PRIORITY] = {"clinical_priority", 0, 3},
    [C_PRIORITY_TYPE] = {"priority_type_code", 0, 1},
    [C_WL_TYPE] = {"waiting_list_type", 0, 10},
    [C_GIVEN] = {"person_given_name", 0, 35},
    [C_FAMILY] = {"person_family_name", 0, 35},
    [C_BIRTH] = {"person_birth_date", 0, 10},
    [C_GENDER] = {"person_stated_gender_code", 0, 1},
    [C_ETHNIC] = {"ethnic_category", 0, 2},
    [C_POSTCODE] = {"postcode", 0, 8},
    [C_LSOA] = {"lsoa", 0, 9},
    [C_IMD] = {"index_of_multiple_deprivation_decile", 0, 2},
    [C_PRACTICE] = {"general_medical_practice_code", 0, 10},
};

/* ------------------------------------------------------------- the run */

#define SEEN_SLOTS (1 << 20) /* lines remembered for naming a repeat's first line */

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

static double elapsed(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Reports one refused field of the current row and marks the row rejected. */
static void reject(ptl_run *r, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void reject(ptl_run *r, const char *field, const char *fmt, ...)
{
    char reason[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    r->row_rejected = 1;
    if (r->o->rejects_csv) {
        fprintf(r->rej, "%lld,", r->csv->start_line);
        csv_write_field(r->rej, field);
        fputc(',', r->rej);
        csv_write_field(r->rej, reason);
        fputc(',', r->rej);
        csv_write_field(r->rej, r->csv->raw);
        fputc('\n', r->rej);
    } else
        fprintf(r->rej, "line %lld: %s: %s\n", r->csv->start_line, field, reason);
}

static void fail(ptl_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(ptl_run *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->rep->error, sizeof(r->rep->error), fmt, ap);
    va_end(ap);
}

static void trim(char *s)
{
    size_t n = strlen(s), i = 0;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    if (i)
        memmove(s, s + i, n - i + 1);
}

/* Parses a strict YYYY-MM-DD into a day number.  Returns 0 or -1. */
static int parse_date(const char *s, int64_t *day)
{
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return -1;
        } else if (s[i] < '0' || s[i] > '9')
            return -1;
    }
    if (s[10] != '\0')
        return -1;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int dd = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || !seam_date_valid(y, m, dd))
        return -1;
    *day = seam_days_from_civil(y, m, dd);
    return 0;
}

static void format_day(int64_t day, char out[SEAM_DATE_LEN])
{
    int y, m, dd;
    seam_civil_from_days(day, &y, &m, &dd);
    snprintf(out, SEAM_DATE_LEN, "%04d-%02d-%02d", y, m, dd);
}

/* ------------------------------------------------------------- caches */

static int svc_cmp(const void *a, const void *b)
{
    return strcmp(((const svc_entry *)a)->tfc, ((const svc_entry *)b)->tfc);
}

static int practice_cmp(const void *a, const void *b)
{
    return strcmp(((const practice_entry *)a)->code, ((const practice_entry *)b)->code);
}

/* The trust's services, lowest id per treatment function code, and every
 * practice with its ICB. */
static int load_caches(ptl_run *r)
{
    db_rows *rows;
    db_param p[] = {DBP_TEXT(r->o->trust)};
    int rc = db_query(r->d,
                      "SELECT treatment_function_code, min(id) FROM services WHERE trust_code = $1"
                      " GROUP BY treatment_function_code",
                      1, p, &rows);
    if (rc)
        return rc;
    r->nsvcs = db_nrows(rows);
    r->svcs = calloc((size_t)r->nsvcs + 1, sizeof(*r->svcs));
    if (r->svcs == NULL) {
        db_rows_free(rows);
        return SEAM_ENOMEM;
    }
    for (int i = 0; i < r->nsvcs; i++) {
        snprintf(r->svcs[i].tfc, sizeof(r->svcs[i].tfc), "%s", db_get(rows, i, 0));
        r->svcs[i].id = db_geti(rows, i, 1);
    }
    db_rows_free(rows);
    qsort(r->svcs, (size_t)r->nsvcs, sizeof(*r->svcs), svc_cmp);
    rc = db_query(r->d, "SELECT code, icb_code FROM organisations WHERE kind = 'practice'", 0, NULL, &rows);
    if (rc)
        return rc;
    r->npractices = db_nrows(rows);
    r->practices = calloc((size_t)r->npractices + 1, sizeof(*r->practices));
    if (r->practices == NULL) {
        db_rows_free(rows);
        return SEAM_ENOMEM;
    }
    for (int i = 0; i < r->npractices; i++) {
        snprintf(r->practices[i].code, sizeof(r->practices[i].code), "%s", db_get(rows, i, 0));
        snprintf(r->practices[i].icb, sizeof(r->practices[i].icb), "%s", db_get(rows, i, 1));
    }
    db_rows_free(rows);
    qsort(r->practices, (size_t)r->npractices, sizeof(*r->practices), practice_cmp);
    return 0;
}

static long long service_for(const ptl_run *r, const char *tfc)
{
    svc_entry key;
    snprintf(key.tfc, sizeof(key.tfc), "%s", tfc);
    const svc_entry *e = bsearch(&key, r->svcs, (size_t)r->nsvcs, sizeof(key), svc_cmp);
    return e ? e->id : 0;
}

static const char *practice_icb(const ptl_run *r, const char *code)
{
    practice_entry key;
    snprintf(key.code, sizeof(key.code), "%s", code);
    const practice_entry *e = bsearch(&key, r->practices, (size_t)r->npractices, sizeof(key), practice_cmp);
    return e ? e->icb : NULL;
}

/* -------------------------------------------------------------- header */

static int read_header(ptl_run *r)
{
    csv_reader *c = r->csv;
    int got = csv_next(c);
    if (got < 0) {
        fail(r, "could not read %s", r->o->filename);
        return SEAM_EIO;
    }
    if (got == 0) {
        fail(r, "%s is empty: a PTL needs a header row naming its columns", r->o->filename);
        return SEAM_EBADREQ;
    }
    if (c->nfields > CSV_MAX_COLS) {
        fail(r, "the header has %d columns; at most %d are read", c->nfields, CSV_MAX_COLS);
        return SEAM_EBADREQ;
    }
    for (int k = 0; k < N_COLS; k++)
        r->colidx[k] = -1;
    r->ncols = c->nfields;
    for (int i = 0; i < c->nfields; i++) {
        char *name = c->field[i];
        if (i == 0 && (unsigned char)name[0] == 0xEF && (unsigned char)name[1] == 0xBB &&
            (unsigned char)name[2] == 0xBF)
            memmove(name, name + 3, strlen(name + 3) + 1); /* a UTF-8 byte order mark */
        trim(name);
        for (int k = 0; k < N_COLS; k++) {
            if (strcasecmp(name, cols[k].name) != 0)
                continue;
            if (r->colidx[k] >= 0) {
                fail(r, "the header names column %s twice (columns %d and %d)", cols[k].name, r->colidx[k] + 1, i + 1);
                return SEAM_EBADREQ;
            }
            r->colidx[k] = i;
        }
    }
    char missing[600] = "";
    size_t len = 0;
    for (int k = 0; k < N_COLS; k++)
        if (cols[k].required && r->colidx[k] < 0 && len < sizeof(missing))
            len += (size_t)snprintf(missing + len, sizeof(missing) - len, "%s%s", len ? ", " : "", cols[k].name);
    if (len) {
        fail(r, "the header lacks required column(s): %s (docs/import.md lists the columns)", missing);
        return SEAM_EBADREQ;
    }
    return 0;
}

/* --------------------------------------------------------------- rows */

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

/* A date column: blank allowed or not.  Returns 0 (day or -1 when blank)
 * or -1 after reporting. */
static int date_field(ptl_run *r, int col, int required, int64_t *day)
{
    const char *s = r->v[col];
    *day = -1;
    if (*s == '\0') {
        if (required) {
            reject(r, cols[col].name, "is blank; a date (YYYY-MM-DD) is required");
            return -1;
        }
        return 0;
    }
    if (parse_date(s, day) != 0) {
        reject(r, cols[col].name, "'%s' is not a date (YYYY-MM-DD)", s);
        *day = -1;
        return -1;
    }
    return 0;
}

static const char *ethnic_label(const char *group)
{
    int g = eq_group_of(EQ_ETHNICITY, 0, group, NULL, INT64_MIN, 0);
    return eq_group_label(EQ_ETHNICITY, g);
}

/* Maps a patients.sex value or a stated gender code to female, male, other
 * or unknown. */
static const char *sex_word(const char *s)
{
    return eq_sex_from_code(s ? s : "");
}

static int patient_lookup(ptl_run *r, ptl_row *row)
{
    db_rows *q;
    db_param p[] = {DBP_TEXT(row->nhs)};
    int rc = db_query(
        r->d, "SELECT icb_code, imd_decile, ethnicity, sex, birth_date FROM patients WHERE nhs_number = $1", 1, p, &q);
    if (rc)
        return rc;
    row->patient_known = db_nrows(q) > 0;
    if (row->patient_known) {
        snprintf(row->icb, sizeof(row->icb), "%s", db_get(q, 0, 0));
        row->imd = db_isnull(q, 0, 1) ? 0 : (int)db_geti(q, 0, 1);
        row->ethnic_group = eq_ethnic_group_from_name(db_get(q, 0, 2));
        snprintf(row->sex, sizeof(row->sex), "%s", sex_word(db_get(q, 0, 3)));
        const char *b = db_get(q, 0, 4);
        row->has_birth = b && parse_date(b, &row->birth_day) == 0;
    }
    db_rows_free(q);
    return 0;
}

/* Checks the demographics of a patient Seam does not know yet.  Returns 0
 * or -1 after reporting. */
static int check_new_patient(ptl_run *r, ptl_row *row)
{
    static const int needed[] = {C_GIVEN, C_FAMILY, C_BIRTH, C_GENDER, C_PRACTICE};
    char missing[300] = "";
    size_t len = 0;
    for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
        if (*r->v[needed[i]] == '\0')
            len +=
                (size_t)snprintf(missing + len, sizeof(missing) - len, "%s%s", len ? ", " : "", cols[needed[i]].name);
    if (len) {
        reject(r, cols[C_NHS].name,
               "patient %s is not known to Seam and the row lacks %s (needed to register the patient)", row->nhs,
               missing);
        return -1;
    }
    int bad = 0;
    int64_t bday;
    if (parse_date(r->v[C_BIRTH], &bday) != 0) {
        reject(r, cols[C_BIRTH].name, "'%s' is not a date (YYYY-MM-DD)", r->v[C_BIRTH]);
        bad = 1;
    } else if (bday > r->today) {
        reject(r, cols[C_BIRTH].name, "%s is in the future", r->v[C_BIRTH]);
        bad = 1;
    } else {
        row->birth_day = bday;
        row->has_birth = 1;
    }
    const char *g = r->v[C_GENDER];
    if (strcmp(g, "1") && strcmp(g, "2") && strcmp(g, "9") && strcmp(g, "X") && strcmp(g, "x") && strcmp(g, "0")) {
        reject(r, cols[C_GENDER].name,
               "'%s' is not a stated gender code (1 male, 2 female, 9 indeterminate, X not known)", g);
        bad = 1;
    }
    row->new_sex = eq_sex_from_code(g);
    snprintf(row->sex, sizeof(row->sex), "%s", row->new_sex);
    const char *e = r->v[C_ETHNIC];
    if (*e && !((strlen(e) == 1 && strchr("ABCDEFGHJKLMNPRSZ", toupper((unsigned char)*e))) || strcmp(e, "99") == 0)) {
        reject(r, cols[C_ETHNIC].name, "'%s' is not an NHS ethnic category code (A-S, Z or 99)", e);
        bad = 1;
    }
    row->ethnic_group = eq_ethnic_group_from_category(e);
    row->new_ethnicity = ethnic_label(row->ethnic_group);
    const char *imd = r->v[C_IMD];
    row->imd = 0;
    if (*imd) {
        char *end;
        long n = strtol(imd, &end, 10);
        if (*end || n < 1 || n > 10) {
            reject(r, cols[C_IMD].name, "'%s' is not a decile from 1 to 10", imd);
            bad = 1;
        } else
            row->imd = (int)n;
    }
    const char *icb = practice_icb(r, r->v[C_PRACTICE]);
    if (icb == NULL) {
        reject(r, cols[C_PRACTICE].name, "no practice %s is known to Seam", r->v[C_PRACTICE]);
        bad = 1;
    } else
        snprintf(row->icb, sizeof(row->icb), "%s", icb);
    return bad ? -1 : 0;
}

/* Checks the fields of the current row that need no database.  Returns 0
 * or -1 (the row has been reported). */
static int check_row(ptl_run *r, ptl_row *row)
{
    csv_reader *c = r->csv;
    if (c->unterminated) {
        reject(r, "row", "a quoted field is not closed before the end of the file (truncated file?)");
        return -1;
    }
    if (c->nfields != r->ncols) {
        reject(r, "row", "has %d field%s; the header has %d (truncated or malformed row)", c->nfields,
               c->nfields == 1 ? "" : "s", r->ncols);
        return -1;
    }
    if (c->stray_quote) {
        reject(r, "row", "text follows a closing quote (malformed CSV)");
        return -1;
    }
    for (int k = 0; k < N_COLS; k++) {
        int i = r->colidx[k];
        if (i < 0) {
            r->v[k] = "";
            continue;
        }
        if (c->toolong[i] || (trim(c->field[i]), strlen(c->field[i]) > cols[k].max)) {
            reject(r, cols[k].name, "is longer than %zu characters", cols[k].max);
            r->v[k] = "";
            continue;
        }
        r->v[k] = c->field[i];
    }
    if (r->row_rejected)
        return -1;

    if (nhs_number_normalise(r->v[C_NHS], row->nhs) != 0)
        reject(r, cols[C_NHS].name, "'%s' is not a valid NHS number (Modulus 11)", r->v[C_NHS]);
    if (*r->v[C_PPI] == '\0')
        reject(r, cols[C_PPI].name, "is blank");
    if (strcasecmp(r->v[C_PROVIDER], r->o->trust) != 0)
        reject(r, cols[C_PROVIDER].name, "'%s' is not the trust being imported (%s)", r->v[C_PROVIDER], r->o->trust);
    row->service_id = 0;
    if (*r->v[C_TFC] == '\0')
        reject(r, cols[C_TFC].name, "is blank");
    else if ((row->service_id = service_for(r, r->v[C_TFC])) == 0)
        reject(r, cols[C_TFC].name, "no service at %s has treatment function code %s", r->o->trust, r->v[C_TFC]);

    date_field(r, C_RECEIVED, 1, &row->received_day);
    date_field(r, C_START, 1, &row->start_day);
    date_field(r, C_END, 0, &row->stop_day);
    date_field(r, C_LAST, 0, &row->last_day);
    date_field(r, C_NEXT, 0, &row->next_day);
    if (row->received_day >= 0 && row->received_day > r->today)
        reject(r, cols[C_RECEIVED].name, "%s is after today (%s)", r->v[C_RECEIVED], r->today_iso);
    if (row->start_day >= 0 && row->start_day > r->today)
        reject(r, cols[C_START].name, "the clock start %s is after today (%s)", r->v[C_START], r->today_iso);
    if (row->start_day >= 0 && row->received_day >= 0 && row->start_day < row->received_day)
        reject(r, cols[C_START].name, "the clock start %s is before the referral was received (%s)", r->v[C_START],
               r->v[C_RECEIVED]);
    if (row->stop_day >= 0 && row->start_day >= 0 && row->stop_day < row->start_day)
        reject(r, cols[C_END].name, "the clock stop %s is before the clock start %s", r->v[C_END], r->v[C_START]);
    if (row->stop_day >= 0 && row->stop_day > r->today)
        reject(r, cols[C_END].name, "the clock stop %s is after today (%s)", r->v[C_END], r->today_iso);
    if (row->last_day >= 0 && row->last_day > r->today)
        reject(r, cols[C_LAST].name, "the last activity %s is after today (%s)", r->v[C_LAST], r->today_iso);

    const char *status = r->v[C_STATUS];
    if (!rtt_status_valid(status))
        reject(r, cols[C_STATUS].name, "'%s' is not an RTT period status code", status);
    else {
        row->open = rtt_status_open(status);
        rtt_kind kind = rtt_status_kind(status);
        if (row->open && *r->v[C_END])
            reject(r, cols[C_END].name, "status %s is a waiting (open) status but the row has a clock stop %s", status,
                   r->v[C_END]);
        else if (kind == RTT_K_STOPPED && *r->v[C_END] == '\0')
            reject(r, cols[C_END].name, "status %s stops the clock but the row has no end date", status);
    }

    row->has_priority = 0;
    if (*r->v[C_CLINICAL_PRIORITY]) {
        if (prio_parse(r->v[C_CLINICAL_PRIORITY], &row->prio) != 0)
            reject(r, cols[C_CLINICAL_PRIORITY].name, "'%s' is not a clinical priority (P1a, P1b, P2, P3, P4 or P6)",
                   r->v[C_CLINICAL_PRIORITY]);
        else
            row->has_priority = 1;
    }
    const char *pt = r->v[C_PRIORITY_TYPE];
    row->referral_priority = NULL;
    if (*pt) {
        if (strcmp(pt, "1") == 0)
            row->referral_priority = "routine";
        else if (strcmp(pt, "2") == 0)
            row->referral_priority = "urgent";
        else if (strcmp(pt, "3") == 0)
            row->referral_priority = "two_week_wait";
        else
            reject(r, cols[C_PRIORITY_TYPE].name, "'%s' is not a priority type (1 routine, 2 urgent, 3 two week wait)",
                   pt);
    }
    return r->row_rejected ? -1 : 0;
}

/* The pathway already stored under (trust, ppi), if any. */
typedef struct existing {
    long long id, import_id, referral_id;
    char nhs[NHS_NUMBER_LEN];
    char source[8];
    char priority[4];
    long long version;
} existing;

static int pathway_lookup(ptl_run *r, existing *e, int *found)
{
    db_rows *q;
    db_param p[] = {DBP_TEXT(r->o->trust), DBP_TEXT(r->v[C_PPI])};
    int rc = db_query(r->d,
                      "SELECT id, import_id, patient_nhs_number, source, version, priority, referral_id FROM pathways"
                      " WHERE trust_code = $1 AND ppi = $2",
                      2, p, &q);
    if (rc)
        return rc;
    *found = db_nrows(q) > 0;
    if (*found) {
        e->id = db_geti(q, 0, 0);
        e->import_id = db_isnull(q, 0, 1) ? 0 : db_geti(q, 0, 1);
        snprintf(e->nhs, sizeof(e->nhs), "%s", db_get(q, 0, 2));
        snprintf(e->source, sizeof(e->source), "%s", db_get(q, 0, 3));
        e->version = db_geti(q, 0, 4);
        snprintf(e->priority, sizeof(e->priority), "%s", db_isnull(q, 0, 5) ? "" : db_get(q, 0, 5));
        e->referral_id = db_geti(q, 0, 6);
    }
    db_rows_free(q);
    return 0;
}

/* The line of a written PPI, remembered in a fixed table keyed by a hash
 * of the PPI (a later PPI with the same slot overwrites it). */
static unsigned long long ppi_hash(const char *ppi)
{
    unsigned long long h = 1469598103934665603ULL;
    for (; *ppi; ppi++)
        h = (h ^ (unsigned char)*ppi) * 1099511628211ULL;
    return h | 1;
}

static void seen_put(ptl_run *r, const char *ppi, long long line)
{
    if (r->seen == NULL)
        r->seen = calloc(SEEN_SLOTS, sizeof(*r->seen)); /* pages are touched only as used */
    if (r->seen) {
        unsigned long long h = ppi_hash(ppi);
        r->seen[h & (SEEN_SLOTS - 1)].id = (long long)h;
        r->seen[h & (SEEN_SLOTS - 1)].line = line;
    }
}

static long long seen_get(const ptl_run *r, const char *ppi)
{
    unsigned long long h = ppi_hash(ppi);
    if (r->seen && r->seen[h & (SEEN_SLOTS - 1)].id == (long long)h)
        return r->seen[h & (SEEN_SLOTS - 1)].line;
    return 0;
}

/*
 * The writes.  A new pathway is a plain INSERT (on SQLite an upsert or an
 * UPDATE under foreign keys needs a statement journal: a copy of every page
 * it touches, which costs more than the insert).  A known one is first
 * touched with this import's id if nothing else differs ("unchanged"), and
 * otherwise updated with version + 1.  Parameters, shared by all three:
 * $1 icb, $2 patient, $3 trust, $4 service, $5 ppi, $6 issuer, $7 tfc, $8
 * referral priority, $9 received, $10 clock start, $11 its day, $12 clock
 * stop, $13 its day, $14 status, $15 open, $16 waiting list type, $17
 * priority, $18 priority set at, $19 priority reason, $20 treat by, $21
 * review date, $22 last activity, $23 next activity, $24 imd, $25 ethnic
 * group, $26 sex, $27 birth day, $28 import id, $29 now, $30 the pathway id.
 */
static const char *const insert_sql =
    "INSERT INTO pathways (icb_code, patient_nhs_number, trust_code, service_id, ppi, ppi_issuer,"
    " treatment_function_code, referral_priority, referral_received, clock_start, clock_start_day, clock_stop,"
    " clock_stop_day, rtt_status, open, waiting_list_type, priority, priority_set_at, priority_reason, treat_by,"
    " review_date, last_activity, next_activity, imd_decile, ethnic_group, sex, birth_day, source, import_id,"
    " created_at, updated_at, version)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,"
    " $23, $24, $25, $26, $27, 'import', $28, $29, $29, 1)";

static const char *const touch_sql =
    "UPDATE pathways SET import_id = $28 WHERE id = $30 AND icb_code IS NOT DISTINCT FROM $1"
    " AND service_id IS NOT DISTINCT FROM $4 AND ppi_issuer IS NOT DISTINCT FROM $6"
    " AND treatment_function_code IS NOT DISTINCT FROM $7 AND referral_priority IS NOT DISTINCT FROM $8"
    " AND referral_received IS NOT DISTINCT FROM $9 AND clock_start IS NOT DISTINCT FROM $10"
    " AND clock_stop IS NOT DISTINCT FROM $12 AND rtt_status IS NOT DISTINCT FROM $14"
    " AND open IS NOT DISTINCT FROM $15 AND waiting_list_type IS NOT DISTINCT FROM $16"
    " AND last_activity IS NOT DISTINCT FROM $22 AND next_activity IS NOT DISTINCT FROM $23"
    " AND imd_decile IS NOT DISTINCT FROM $24 AND ethnic_group IS NOT DISTINCT FROM $25"
    " AND sex IS NOT DISTINCT FROM $26 AND birth_day IS NOT DISTINCT FROM $27";

#define UPDATE_SQL(priority_columns)                                                                                   \
    "UPDATE pathways SET icb_code = $1, service_id = $4, ppi_issuer = $6, treatment_function_code = $7,"               \
    " referral_priority = $8, referral_received = $9, clock_start = $10, clock_start_day = $11, clock_stop = $12,"     \
    " clock_stop_day = $13, rtt_status = $14, open = $15, waiting_list_type = $16, last_activity = $22,"               \
    " next_activity = $23, imd_decile = $24, ethnic_group = $25, sex = $26, birth_day = $27,"                          \
    " import_id = $28, updated_at = $29, version = version + 1" priority_columns " WHERE id = $30"

static const char *const update_sql = UPDATE_SQL("");
/* The file carries a clinical priority different from the stored one. */
static const char *const update_priority_sql =
    UPDATE_SQL(", priority = $17, priority_set_at = $18, priority_set_by = NULL, priority_reason = $19,"
               " treat_by = $20, review_date = $21");

static db_param opt_text(const char *s)
{
    return s && *s ? DBP_TEXT(s) : DBP_NULL;
}

static db_param opt_day(int64_t day)
{
    return day >= 0 ? DBP_INT(day) : DBP_NULL;
}

/* Checks against the database, then writes the row.  Returns 0 (written or
 * rejected) or a negative rc when the database failed. */
static int process_row(ptl_run *r)
{
    ptl_row row;
    memset(&row, 0, sizeof(row));
    r->row_rejected = 0;
    if (check_row(r, &row) != 0)
        return 0;
    int rc = patient_lookup(r, &row);
    if (rc)
        return rc;
    if (!row.patient_known && check_new_patient(r, &row) != 0)
        return 0;
    existing e;
    int found = 0;
    if ((rc = pathway_lookup(r, &e, &found)))
        return rc;
    if (found) {
        if (e.import_id == r->rep->import_id && strcmp(e.source, "import") == 0) {
            long long first = seen_get(r, r->v[C_PPI]);
            if (first)
                reject(r, cols[C_PPI].name, "%s appears twice in this file; the first is on line %lld", r->v[C_PPI],
                       first);
            else
                reject(r, cols[C_PPI].name, "%s appears twice in this file; the first is on an earlier line",
                       r->v[C_PPI]);
            return 0;
        }
        if (strcmp(e.source, "import") != 0) {
            reject(r, cols[C_PPI].name,
                   "%s is a pathway made in Seam (referral %lld); a PTL import does not overwrite it", r->v[C_PPI],
                   e.referral_id);
            return 0;
        }
        if (strcmp(e.nhs, row.nhs) != 0) {
            reject(r, cols[C_PPI].name,
                   "%s is already on the waiting list for another patient (NHS number %s); not moved to %s",
                   r->v[C_PPI], e.nhs, row.nhs);
            return 0;
        }
    }

    /* The patient, when PDS has not told Seam of them yet. */
    if (!row.patient_known) {
        char birth[SEAM_DATE_LEN];
        format_day(row.birth_day, birth);
        db_param p[] = {DBP_TEXT(row.nhs),           DBP_TEXT(row.icb),         DBP_TEXT(r->v[C_GIVEN]),
                        DBP_TEXT(r->v[C_FAMILY]),    DBP_TEXT(birth),           DBP_TEXT(row.new_sex),
                        opt_text(r->v[C_POSTCODE]),  opt_text(r->v[C_LSOA]),    row.imd ? DBP_INT(row.imd) : DBP_NULL,
                        DBP_TEXT(row.new_ethnicity), DBP_TEXT(r->v[C_PRACTICE])};
        rc = db_exec(r->d,
                     "INSERT INTO patients (nhs_number, icb_code, given_name, family_name, birth_date, sex, postcode,"
                     " lsoa, imd_decile, ethnicity, practice_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
                     " $11)",
                     11, p);
        if (rc)
            return rc;
        r->rep->patients_created++;
    }

    /* Clinical priority: set from the file when it carries one different
     * from the stored one; treat-by and review from the day it was most
     * likely set (the last activity, else today). */
    int set_priority = row.has_priority && (!found || strcmp(e.priority, prio_name(row.prio)) != 0);
    char treat_by[SEAM_DATE_LEN] = "", review[SEAM_DATE_LEN] = "";
    if (row.has_priority) {
        int64_t set_day = row.last_day >= 0 ? row.last_day : r->today;
        int64_t t = prio_treat_by(row.prio, set_day), rv = prio_review_day(row.prio, set_day);
        if (t >= 0)
            format_day(t, treat_by);
        if (rv >= 0)
            format_day(rv, review);
    }
    char prio_reason[64];
    snprintf(prio_reason, sizeof(prio_reason), "From the trust's PTL (import %lld)", r->rep->import_id);
    const char *issuer = *r->v[C_ISSUER] ? r->v[C_ISSUER] : r->o->trust;
    db_param p[] = {DBP_TEXT(row.icb),
                    DBP_TEXT(row.nhs),
                    DBP_TEXT(r->o->trust),
                    DBP_INT(row.service_id),
                    DBP_TEXT(r->v[C_PPI]),
                    DBP_TEXT(issuer),
                    DBP_TEXT(r->v[C_TFC]),
                    DBP_TEXT(row.referral_priority),
                    DBP_TEXT(r->v[C_RECEIVED]),
                    DBP_TEXT(r->v[C_START]),
                    DBP_INT(row.start_day),
                    opt_text(r->v[C_END]),
                    opt_day(row.stop_day),
                    DBP_TEXT(r->v[C_STATUS]),
                    DBP_INT(row.open),
                    opt_text(r->v[C_WL_TYPE]),
                    row.has_priority ? DBP_TEXT(prio_name(row.prio)) : DBP_NULL,
                    row.has_priority ? DBP_TEXT(r->now_iso) : DBP_NULL,
                    row.has_priority ? DBP_TEXT(prio_reason) : DBP_NULL,
                    opt_text(treat_by),
                    opt_text(review),
                    opt_text(r->v[C_LAST]),
                    opt_text(r->v[C_NEXT]),
                    row.imd ? DBP_INT(row.imd) : DBP_NULL,
                    DBP_TEXT(row.ethnic_group),
                    DBP_TEXT(row.sex),
                    row.has_birth ? DBP_INT(row.birth_day) : DBP_NULL,
                    DBP_INT(r->rep->import_id),
                    DBP_TEXT(r->now_iso),
                    DBP_INT(found ? e.id : 0)};
    if (!found)
        rc = db_exec(r->d, insert_sql, 30, p);
    else if (!set_priority && (rc = db_exec(r->d, touch_sql, 30, p)) == 0 && db_changes(r->d) == 1) {
        r->rep->unchanged++;
        seen_put(r, r->v[C_PPI], r->csv->start_line);
        return 0;
    } else if (rc == 0)
        rc = db_exec(r->d, set_priority ? update_priority_sql : update_sql, 30, p);
    if (rc)
        return rc;
    /* The pathway's RTT periods agree with the row (a later period after a
     * stop is a new one; the stopped one stays in the history). */
    long long pw_id = found ? e.id : 0;
    if (!found) {
        db_param kp[] = {DBP_TEXT(r->o->trust), DBP_TEXT(r->v[C_PPI])};
        rc = db_query_int(r->d, "SELECT id FROM pathways WHERE trust_code = $1 AND ppi = $2", 2, kp, 0, &pw_id);
    }
    if (rc == 0)
        rc = app__period_sync(r->d, pw_id, r->now_iso);
    if (rc)
        return rc;
    seen_put(r, r->v[C_PPI], r->csv->start_line);
    if (!found)
        r->rep->inserted++;
    else
        r->rep->updated++;
    if (found && set_priority) {
        db_param h[] = {DBP_TEXT(row.icb),     DBP_INT(e.id),        DBP_TEXT(r->now_iso),
                        DBP_TEXT(r->by),       opt_text(e.priority), DBP_TEXT(prio_name(row.prio)),
                        DBP_TEXT(prio_reason), opt_text(treat_by),   opt_text(review)};
        rc = db_exec(r->d,
                     "INSERT INTO priority_changes (icb_code, pathway_id, at, by_username, from_priority, to_priority,"
                     " reason, treat_by, review_date) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                     9, h);
    }
    return rc;
}

/*
 * PostgreSQL plans each cached statement once, from the statistics of the
 * moment: planned against a near-empty table, the pathway lookup scans the
 * whole table and the import slows to a crawl as it grows.  Refreshing the
 * statistics (which also re-plans) each time the rows written double keeps
 * the lookups on their indexes at a logarithmic cost.
 */
static int analyze(ptl_run *r)
{
    long long written = r->rep->inserted + r->rep->patients_created;
    if (db_dialect_of(r->d) != DB_POSTGRES || written < r->next_analyze)
        return 0;
    r->next_analyze = written * 2;
    int rc = db_analyze(r->d, "pathways");
    if (rc == 0)
        rc = db_analyze(r->d, "patients");
    return rc;
}

/* ------------------------------------------------------------ progress */

static void human_duration(double s, char *out, size_t n)
{
    long t = s < 0 ? 0 : (long)(s + 0.5);
    if (t >= 3600)
        snprintf(out, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(out, n, "%ld:%02ld", t / 60, t % 60);
}

static void progress(ptl_run *r, int final)
{
    FILE *f = r->o->progress;
    if (f == NULL)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double since = elapsed(&r->last_report, &now), total = elapsed(&r->t0, &now);
    long long rows = r->rep->rows_read, bytes = r->csv->bytes;
    double rate = total > 0 ? (double)rows / total : 0;
    if (r->o->progress_tty) {
        if (!final && since < 0.2)
            return;
        char eta[32] = "?";
        int pct = 0;
        if (r->total_bytes > 0) {
            pct = (int)(100.0 * (double)bytes / (double)r->total_bytes);
            if (bytes > 0)
                human_duration(total * (double)(r->total_bytes - bytes) / (double)bytes, eta, sizeof(eta));
        }
        char bar[31];
        int filled = pct * 30 / 100;
        for (int i = 0; i < 30; i++)
            bar[i] = i < filled ? '#' : '.';
        bar[30] = '\0';
        fprintf(f, "\r[%s] %3d%%  %lld rows  %.0f rows/s  ETA %s   ", bar, pct, rows, rate, eta);
        if (final)
            fputc('\n', f);
    } else {
        long long every = r->o->progress_rows > 0 ? r->o->progress_rows : 1000000;
        if (!final && since < 5.0 && rows - r->last_rows < every)
            return;
        if (final)
            return; /* the summary follows */
        if (r->total_bytes > 0)
            fprintf(f, "seam import ptl: %lld rows read (%.0f%% of %s), %.0f rows/s, %lld rejected\n", rows,
                    100.0 * (double)bytes / (double)r->total_bytes, r->o->filename, rate, r->rep->rejected);
        else
            fprintf(f, "seam import ptl: %lld rows read (%lld bytes), %.0f rows/s, %lld rejected\n", rows, bytes, rate,
                    r->rep->rejected);
        r->last_rows = rows;
    }
    fflush(f);
    r->last_report = now;
}

/* ------------------------------------------------------------- import */

static int update_import(ptl_run *r, const char *status)
{
    ptl_report *rep = r->rep;
    char finished[SEAM_ISO_LEN];
    seam_time_format((seam_time)time(NULL), finished);
    int ended = strcmp(status, "running") != 0;
    db_param p[] = {DBP_TEXT(status),        ended ? DBP_TEXT(finished) : DBP_NULL,
                    DBP_INT(rep->rows_read), DBP_INT(rep->inserted),
                    DBP_INT(rep->updated),   DBP_INT(rep->unchanged),
                    DBP_INT(rep->rejected),  DBP_INT(rep->patients_created),
                    opt_text(rep->sha256),   DBP_INT(rep->import_id)};
    return db_exec(r->d,
                   "UPDATE ptl_imports SET status = $1, finished_at = $2, rows_read = $3, inserted = $4, updated = $5,"
                   " unchanged = $6, rejected = $7, patients_created = $8, sha256 = $9 WHERE id = $10",
                   10, p);
}

/* The one audit event of an import. */
static int audit(ptl_run *r, const char *status)
{
    ptl_report *rep = r->rep;
    const char *user = getenv("USER");
    json_t *j =
        json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:s?,s:s?}", "status", status, "trust", r->o->trust, "filename",
                  r->o->filename, "rows_read", (json_int_t)rep->rows_read, "inserted", (json_int_t)rep->inserted,
                  "updated", (json_int_t)rep->updated, "unchanged", (json_int_t)rep->unchanged, "rejected",
                  (json_int_t)rep->rejected, "patients_created", (json_int_t)rep->patients_created, "sha256",
                  rep->sha256[0] ? rep->sha256 : NULL, "os_user", user);
    char *detail = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    char oid[32];
    snprintf(oid, sizeof(oid), "%lld", rep->import_id);
    db_param p[] = {opt_text(r->trust_icb), DBP_TEXT(r->now_iso), DBP_TEXT(r->by),
                    DBP_TEXT(r->o->trust),  DBP_TEXT(oid),        DBP_TEXT(detail)};
    int rc = db_exec(r->d,
                     "INSERT INTO events (icb_code, at, actor, actor_role, actor_org, action, object_type, object_id,"
                     " detail) VALUES ($1, $2, $3, 'system', $4, 'import.ptl', 'ptl_import', $5, $6)",
                     6, p);
    free(detail);
    return rc;
}

/* Ends an import that could not finish: the open batch is rolled back, the
 * import is marked failed with what was committed, and audited. */
static void abandon(ptl_run *r, int db_failed)
{
    if (db_failed && r->rep->error[0] == '\0')
        fail(r, "the database failed at line %lld: %s", r->csv->start_line, db_errmsg(r->d));
    db_rollback(r->d);
    if (r->rep->import_id == 0)
        return;
    if (db_begin(r->d) == 0) {
        if (update_import(r, "failed") == 0 && audit(r, "failed") == 0)
            db_commit(r->d);
        else
            db_rollback(r->d);
    }
}

int ptl_import(db *d, FILE *in, const ptl_options *o, ptl_report *rep)
{
    memset(rep, 0, sizeof(*rep));
    ptl_run run;
    memset(&run, 0, sizeof(run));
    ptl_run *r = &run;
    r->d = d;
    r->o = o;
    r->rep = rep;
    r->rej = o->rejects ? o->rejects : stderr;
    r->by = o->imported_by && *o->imported_by ? o->imported_by : "seam-import";
    seam_time now = o->now ? o->now : (seam_time)time(NULL);
    seam_time_format(now, r->now_iso);
    seam_date_format(now, r->today_iso);
    r->today = seam_time_day(now);
    int batch = o->batch > 0 ? o->batch : 5000;
    r->next_analyze = 1000;
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    r->last_report = r->t0;
    int rc = 0;

    if (sodium_init() < 0) {
        fail(r, "libsodium could not start");
        return SEAM_EINTERNAL;
    }
    r->csv = calloc(1, sizeof(*r->csv));
    if (r->csv == NULL) {
        fail(r, "out of memory");
        return SEAM_ENOMEM;
    }
    csv_reader_init(r->csv, in);
    struct stat sb;
    if (fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode))
        r->total_bytes = (long long)sb.st_size;

    /* The trust. */
    db_rows *q;
    db_param tp[] = {DBP_TEXT(o->trust)};
    rc = db_query(d, "SELECT icb_code FROM organisations WHERE code = $1 AND kind = 'trust'", 1, tp, &q);
    if (rc) {
        fail(r, "the database failed: %s", db_errmsg(d));
        goto out;
    }
    if (db_nrows(q) == 0) {
        db_rows_free(q);
        fail(r, "no trust %s is known to Seam (organisations of kind 'trust')", o->trust ? o->trust : "");
        rc = SEAM_ENOTFOUND;
        goto out;
    }
    snprintf(r->trust_icb, sizeof(r->trust_icb), "%s", db_get(q, 0, 0));
    db_rows_free(q);
    if ((rc = load_caches(r))) {
        fail(r, "the database failed: %s", db_errmsg(d));
        goto out;
    }
    /* No foreign key checks (on SQLite), as every reference a row makes
     * (the trust, the service, the patient, the practice) is checked by
     * the import itself. */
    db_bulk_begin(d);

    /* The record of this import. */
    db_param ip[] = {DBP_TEXT(o->trust), DBP_TEXT(o->filename ? o->filename : "-"), DBP_TEXT(r->now_iso),
                     DBP_TEXT(r->by)};
    if ((rc = db_query_int(d,
                           "INSERT INTO ptl_imports (trust_code, filename, started_at, status, imported_by)"
                           " VALUES ($1, $2, $3, 'running', $4) RETURNING id",
                           4, ip, 0, &rep->import_id))) {
        fail(r, "the database failed: %s", db_errmsg(d));
        goto out;
    }

    if ((rc = read_header(r))) {
        abandon(r, 0);
        goto out;
    }

    if ((rc = db_begin(d))) {
        abandon(r, 1);
        goto out;
    }
    for (;;) {
        int got = csv_next(r->csv);
        if (got < 0) {
            fail(r, "could not read %s after line %lld", o->filename, r->csv->line);
            rc = SEAM_EIO;
            abandon(r, 0);
            goto out;
        }
        if (got == 0)
            break;
        rep->rows_read++;
        if ((rc = process_row(r))) {
            abandon(r, 1);
            goto out;
        }
        if (r->row_rejected)
            rep->rejected++;
        /* A batch ends at its size, or early on PostgreSQL when the
         * statistics are due for a refresh (see analyze). */
        if (++r->batch_rows >= batch ||
            (db_dialect_of(d) == DB_POSTGRES && rep->inserted + rep->patients_created >= r->next_analyze)) {
            r->batch_rows = 0;
            if ((rc = update_import(r, "running")) || (rc = db_commit(d)) || (rc = analyze(r)) || (rc = db_begin(d))) {
                abandon(r, 1);
                goto out;
            }
        }
        if ((rep->rows_read & 1023) == 0 ||
            (o->progress_rows > 0 && o->progress_rows < 1024 && rep->rows_read - r->last_rows >= o->progress_rows))
            progress(r, 0);
    }
    csv_reader_sha256(r->csv, rep->sha256);
    if ((rc = update_import(r, "done")) || (rc = audit(r, "done")) || (rc = db_commit(d))) {
        abandon(r, 1);
        goto out;
    }
    progress(r, 1);
out:
    db_bulk_end(d);
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    rep->seconds = elapsed(&r->t0, &t1);
    free(r->svcs);
    free(r->practices);
    free(r->seen);
    free(r->csv);
    return rc;
}
