/*
 * ptl_row.c - reading a PTL row (docs/import.md): the column table and the
 * header, the reference caches (the trust's services by treatment function
 * code, practices), the reports of refused fields, and the checks of a row
 * and of a patient Seam does not know yet.
 */
#include "app/csv.h"
#include "app/import/ptl_internal.h"
#include "common/rc.h"
#include "core/equity.h"
#include "core/rtt.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const ptl_column ptl__cols[N_COLS] = {
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

void ptl__reject(ptl_run *r, const char *field, const char *fmt, ...)
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

void ptl__fail(ptl_run *r, const char *fmt, ...)
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
int ptl__parse_date(const char *s, int64_t *day)
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

void ptl__format_day(int64_t day, char out[SEAM_DATE_LEN])
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
int ptl__load_caches(ptl_run *r)
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

int ptl__read_header(ptl_run *r)
{
    csv_reader *c = r->csv;
    int got = csv_next(c);
    if (got < 0) {
        ptl__fail(r, "could not read %s", r->o->filename);
        return SEAM_EIO;
    }
    if (got == 0) {
        ptl__fail(r, "%s is empty: a PTL needs a header row naming its columns", r->o->filename);
        return SEAM_EBADREQ;
    }
    if (c->nfields > CSV_MAX_COLS) {
        ptl__fail(r, "the header has %d columns; at most %d are read", c->nfields, CSV_MAX_COLS);
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
            if (strcasecmp(name, ptl__cols[k].name) != 0)
                continue;
            if (r->colidx[k] >= 0) {
                ptl__fail(r, "the header names column %s twice (columns %d and %d)", ptl__cols[k].name,
                          r->colidx[k] + 1, i + 1);
                return SEAM_EBADREQ;
            }
            r->colidx[k] = i;
        }
    }
    char missing[600] = "";
    size_t len = 0;
    for (int k = 0; k < N_COLS; k++)
        if (ptl__cols[k].required && r->colidx[k] < 0 && len < sizeof(missing))
            len += (size_t)snprintf(missing + len, sizeof(missing) - len, "%s%s", len ? ", " : "", ptl__cols[k].name);
    if (len) {
        ptl__fail(r, "the header lacks required column(s): %s (docs/import.md lists the columns)", missing);
        return SEAM_EBADREQ;
    }
    return 0;
}

/* A date column: blank allowed or not.  Returns 0 (day or -1 when blank)
 * or -1 after reporting. */
static int date_field(ptl_run *r, int col, int required, int64_t *day)
{
    const char *s = r->v[col];
    *day = -1;
    if (*s == '\0') {
        if (required) {
            ptl__reject(r, ptl__cols[col].name, "is blank; a date (YYYY-MM-DD) is required");
            return -1;
        }
        return 0;
    }
    if (ptl__parse_date(s, day) != 0) {
        ptl__reject(r, ptl__cols[col].name, "'%s' is not a date (YYYY-MM-DD)", s);
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
        row->has_birth = b && ptl__parse_date(b, &row->birth_day) == 0;
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
            len += (size_t)snprintf(missing + len, sizeof(missing) - len, "%s%s", len ? ", " : "",
                                    ptl__cols[needed[i]].name);
    if (len) {
        ptl__reject(r, ptl__cols[C_NHS].name,
                    "patient %s is not known to Seam and the row lacks %s (needed to register the patient)", row->nhs,
                    missing);
        return -1;
    }
    int bad = 0;
    int64_t bday;
    if (ptl__parse_date(r->v[C_BIRTH], &bday) != 0) {
        ptl__reject(r, ptl__cols[C_BIRTH].name, "'%s' is not a date (YYYY-MM-DD)", r->v[C_BIRTH]);
        bad = 1;
    } else if (bday > r->today) {
        ptl__reject(r, ptl__cols[C_BIRTH].name, "%s is in the future", r->v[C_BIRTH]);
        bad = 1;
    } else {
        row->birth_day = bday;
        row->has_birth = 1;
    }
    const char *g = r->v[C_GENDER];
    if (strcmp(g, "1") && strcmp(g, "2") && strcmp(g, "9") && strcmp(g, "X") && strcmp(g, "x") && strcmp(g, "0")) {
        ptl__reject(r, ptl__cols[C_GENDER].name,
                    "'%s' is not a stated gender code (1 male, 2 female, 9 indeterminate, X not known)", g);
        bad = 1;
    }
    row->new_sex = eq_sex_from_code(g);
    snprintf(row->sex, sizeof(row->sex), "%s", row->new_sex);
    const char *e = r->v[C_ETHNIC];
    if (*e && !((strlen(e) == 1 && strchr("ABCDEFGHJKLMNPRSZ", toupper((unsigned char)*e))) || strcmp(e, "99") == 0)) {
        ptl__reject(r, ptl__cols[C_ETHNIC].name, "'%s' is not an NHS ethnic category code (A-S, Z or 99)", e);
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
            ptl__reject(r, ptl__cols[C_IMD].name, "'%s' is not a decile from 1 to 10", imd);
            bad = 1;
        } else
            row->imd = (int)n;
    }
    const char *icb = practice_icb(r, r->v[C_PRACTICE]);
    if (icb == NULL) {
        ptl__reject(r, ptl__cols[C_PRACTICE].name, "no practice %s is known to Seam", r->v[C_PRACTICE]);
        bad = 1;
    } else
        snprintf(row->icb, sizeof(row->icb), "%s", icb);
    return bad ? -1 : 0;
}

int ptl__check_patient(ptl_run *r, ptl_row *row)
{
    int rc = patient_lookup(r, row);
    if (rc == 0 && !row->patient_known)
        check_new_patient(r, row);
    return rc;
}

/* The row as a whole: a closed quote, the header's number of fields, no
 * text after a closing quote.  Returns 0 or -1 after reporting. */
static int check_shape(ptl_run *r)
{
    csv_reader *c = r->csv;
    if (c->unterminated) {
        ptl__reject(r, "row", "a quoted field is not closed before the end of the file (truncated file?)");
        return -1;
    }
    if (c->nfields != r->ncols) {
        ptl__reject(r, "row", "has %d field%s; the header has %d (truncated or malformed row)", c->nfields,
                    c->nfields == 1 ? "" : "s", r->ncols);
        return -1;
    }
    if (c->stray_quote) {
        ptl__reject(r, "row", "text follows a closing quote (malformed CSV)");
        return -1;
    }
    return 0;
}

/* r->v: each known column's value, trimmed ("" for a column the file
 * lacks); every value too long is reported.  Returns 0 or -1. */
static int take_values(ptl_run *r)
{
    csv_reader *c = r->csv;
    for (int k = 0; k < N_COLS; k++) {
        int i = r->colidx[k];
        if (i < 0) {
            r->v[k] = "";
            continue;
        }
        if (c->toolong[i] || (trim(c->field[i]), strlen(c->field[i]) > ptl__cols[k].max)) {
            ptl__reject(r, ptl__cols[k].name, "is longer than %zu characters", ptl__cols[k].max);
            r->v[k] = "";
            continue;
        }
        r->v[k] = c->field[i];
    }
    return r->row_rejected ? -1 : 0;
}

/* The key and where it belongs: NHS number, PPI, provider, service. */
static void check_key(ptl_run *r, ptl_row *row)
{
    if (nhs_number_normalise(r->v[C_NHS], row->nhs) != 0)
        ptl__reject(r, ptl__cols[C_NHS].name, "'%s' is not a valid NHS number (Modulus 11)", r->v[C_NHS]);
    if (*r->v[C_PPI] == '\0')
        ptl__reject(r, ptl__cols[C_PPI].name, "is blank");
    if (strcasecmp(r->v[C_PROVIDER], r->o->trust) != 0)
        ptl__reject(r, ptl__cols[C_PROVIDER].name, "'%s' is not the trust being imported (%s)", r->v[C_PROVIDER],
                    r->o->trust);
    row->service_id = 0;
    if (*r->v[C_TFC] == '\0')
        ptl__reject(r, ptl__cols[C_TFC].name, "is blank");
    else if ((row->service_id = service_for(r, r->v[C_TFC])) == 0)
        ptl__reject(r, ptl__cols[C_TFC].name, "no service at %s has treatment function code %s", r->o->trust,
                    r->v[C_TFC]);
}

/* The dates, each real, none after today, in the order of a pathway. */
static void check_dates(ptl_run *r, ptl_row *row)
{
    date_field(r, C_RECEIVED, 1, &row->received_day);
    date_field(r, C_START, 1, &row->start_day);
    date_field(r, C_END, 0, &row->stop_day);
    date_field(r, C_LAST, 0, &row->last_day);
    date_field(r, C_NEXT, 0, &row->next_day);
    if (row->received_day >= 0 && row->received_day > r->today)
        ptl__reject(r, ptl__cols[C_RECEIVED].name, "%s is after today (%s)", r->v[C_RECEIVED], r->today_iso);
    if (row->start_day >= 0 && row->start_day > r->today)
        ptl__reject(r, ptl__cols[C_START].name, "the clock start %s is after today (%s)", r->v[C_START], r->today_iso);
    if (row->start_day >= 0 && row->received_day >= 0 && row->start_day < row->received_day)
        ptl__reject(r, ptl__cols[C_START].name, "the clock start %s is before the referral was received (%s)",
                    r->v[C_START], r->v[C_RECEIVED]);
    if (row->stop_day >= 0 && row->start_day >= 0 && row->stop_day < row->start_day)
        ptl__reject(r, ptl__cols[C_END].name, "the clock stop %s is before the clock start %s", r->v[C_END],
                    r->v[C_START]);
    if (row->stop_day >= 0 && row->stop_day > r->today)
        ptl__reject(r, ptl__cols[C_END].name, "the clock stop %s is after today (%s)", r->v[C_END], r->today_iso);
    if (row->last_day >= 0 && row->last_day > r->today)
        ptl__reject(r, ptl__cols[C_LAST].name, "the last activity %s is after today (%s)", r->v[C_LAST], r->today_iso);
}

/* The RTT status, and a clock stop exactly when the status stops it. */
static void check_status(ptl_run *r, ptl_row *row)
{
    const char *status = r->v[C_STATUS];
    if (!rtt_status_valid(status)) {
        ptl__reject(r, ptl__cols[C_STATUS].name, "'%s' is not an RTT period status code", status);
        return;
    }
    row->open = rtt_status_open(status);
    rtt_kind kind = rtt_status_kind(status);
    if (row->open && *r->v[C_END])
        ptl__reject(r, ptl__cols[C_END].name, "status %s is a waiting (open) status but the row has a clock stop %s",
                    status, r->v[C_END]);
    else if (kind == RTT_K_STOPPED && *r->v[C_END] == '\0')
        ptl__reject(r, ptl__cols[C_END].name, "status %s stops the clock but the row has no end date", status);
}

/* The clinical priority and the referral's priority type, both optional. */
static void check_priorities(ptl_run *r, ptl_row *row)
{
    row->has_priority = 0;
    if (*r->v[C_CLINICAL_PRIORITY]) {
        if (prio_parse(r->v[C_CLINICAL_PRIORITY], &row->prio) != 0)
            ptl__reject(r, ptl__cols[C_CLINICAL_PRIORITY].name,
                        "'%s' is not a clinical priority (P1a, P1b, P2, P3, P4 or P6)", r->v[C_CLINICAL_PRIORITY]);
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
            ptl__reject(r, ptl__cols[C_PRIORITY_TYPE].name,
                        "'%s' is not a priority type (1 routine, 2 urgent, 3 two week wait)", pt);
    }
}

/* Checks the fields of the current row that need no database, reporting
 * every fault of a well-formed row.  Returns 0 or -1 (the row has been
 * reported). */
int ptl__check_row(ptl_run *r, ptl_row *row)
{
    if (check_shape(r) != 0 || take_values(r) != 0)
        return -1;
    check_key(r, row);
    check_dates(r, row);
    check_status(r, row);
    check_priorities(r, row);
    return r->row_rejected ? -1 : 0;
}
