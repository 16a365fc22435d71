/*
 * ptl_write.c - writing a checked PTL row: the pathway stored under the
 * row's key, if any; a patient insert when PDS has not yet told Seam of
 * the patient; one pathway insert, touch or update; the pathway's RTT
 * periods; and a priority change when the file moves the priority.
 *
 * A repeated PPI is detected without any in-memory set: the stored row
 * already carries this import's id.  A fixed-size table remembers the line
 * of recently written pathways so a repeat can name its first line.
 */
#include "app/import/ptl_internal.h"
#include "app/waiting/rtt_periods.h"
#include "common/rc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEEN_SLOTS (1 << 20) /* lines remembered for naming a repeat's first line */

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

static db_param opt_day(int64_t day)
{
    return day >= 0 ? DBP_INT(day) : DBP_NULL;
}

/* What writing one row needs beyond the row: the pathway stored under its
 * key, if any, and the clinical priority the file sets. */
typedef struct pathway_write {
    int found;
    existing e;
    int set_priority; /* the file moves the stored priority */
    char treat_by[SEAM_DATE_LEN], review[SEAM_DATE_LEN];
    char prio_reason[64];
} pathway_write;

/* Refuses a row whose key is taken: by an earlier row of this file, by a
 * pathway made in Seam, or by another patient.  Returns 1 when refused. */
static int key_taken(ptl_run *r, const ptl_row *row, const existing *e)
{
    const char *ppi = r->v[C_PPI];
    if (e->import_id == r->rep->import_id && strcmp(e->source, "import") == 0) {
        long long first = seen_get(r, ppi);
        if (first)
            ptl__reject(r, ptl__cols[C_PPI].name, "%s appears twice in this file; the first is on line %lld", ppi,
                        first);
        else
            ptl__reject(r, ptl__cols[C_PPI].name, "%s appears twice in this file; the first is on an earlier line",
                        ppi);
        return 1;
    }
    if (strcmp(e->source, "import") != 0) {
        ptl__reject(r, ptl__cols[C_PPI].name,
                    "%s is a pathway made in Seam (referral %lld); a PTL import does not overwrite it", ppi,
                    e->referral_id);
        return 1;
    }
    if (strcmp(e->nhs, row->nhs) != 0) {
        ptl__reject(r, ptl__cols[C_PPI].name,
                    "%s is already on the waiting list for another patient (NHS number %s); not moved to %s", ppi,
                    e->nhs, row->nhs);
        return 1;
    }
    return 0;
}

/* The patient, when PDS has not told Seam of them yet. */
static int insert_patient(ptl_run *r, const ptl_row *row)
{
    char birth[SEAM_DATE_LEN];
    ptl__format_day(row->birth_day, birth);
    db_param p[] = {DBP_TEXT(row->nhs),
                    DBP_TEXT(row->icb),
                    DBP_TEXT(r->v[C_GIVEN]),
                    DBP_TEXT(r->v[C_FAMILY]),
                    DBP_TEXT(birth),
                    DBP_TEXT(row->new_sex),
                    ptl__opt_text(r->v[C_POSTCODE]),
                    ptl__opt_text(r->v[C_LSOA]),
                    row->imd ? DBP_INT(row->imd) : DBP_NULL,
                    DBP_TEXT(row->new_ethnicity),
                    DBP_TEXT(r->v[C_PRACTICE])};
    int rc = db_exec(r->d,
                     "INSERT INTO patients (nhs_number, icb_code, given_name, family_name, birth_date, sex, postcode,"
                     " lsoa, imd_decile, ethnicity, practice_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
                     " $11)",
                     11, p);
    if (rc == 0)
        r->rep->patients_created++;
    return rc;
}

/* Clinical priority: set from the file when it carries one different from
 * the stored one; treat-by and review from the day it was most likely set
 * (the last activity, else today). */
static void priority_of(const ptl_run *r, const ptl_row *row, pathway_write *w)
{
    w->set_priority = row->has_priority && (!w->found || strcmp(w->e.priority, prio_name(row->prio)) != 0);
    w->treat_by[0] = w->review[0] = '\0';
    if (row->has_priority) {
        int64_t set_day = row->last_day >= 0 ? row->last_day : r->today;
        int64_t t = prio_treat_by(row->prio, set_day), rv = prio_review_day(row->prio, set_day);
        if (t >= 0)
            ptl__format_day(t, w->treat_by);
        if (rv >= 0)
            ptl__format_day(rv, w->review);
    }
    snprintf(w->prio_reason, sizeof(w->prio_reason), "From the trust's PTL (import %lld)", r->rep->import_id);
}

/* The 30 parameters of insert_sql, touch_sql and the updates (listed
 * above them); the text they point to lives in r, row and w. */
static void pathway_params(const ptl_run *r, const ptl_row *row, const pathway_write *w, db_param p[30])
{
    const char *issuer = *r->v[C_ISSUER] ? r->v[C_ISSUER] : r->o->trust;
    const db_param v[30] = {DBP_TEXT(row->icb),
                            DBP_TEXT(row->nhs),
                            DBP_TEXT(r->o->trust),
                            DBP_INT(row->service_id),
                            DBP_TEXT(r->v[C_PPI]),
                            DBP_TEXT(issuer),
                            DBP_TEXT(r->v[C_TFC]),
                            DBP_TEXT(row->referral_priority),
                            DBP_TEXT(r->v[C_RECEIVED]),
                            DBP_TEXT(r->v[C_START]),
                            DBP_INT(row->start_day),
                            ptl__opt_text(r->v[C_END]),
                            opt_day(row->stop_day),
                            DBP_TEXT(r->v[C_STATUS]),
                            DBP_INT(row->open),
                            ptl__opt_text(r->v[C_WL_TYPE]),
                            row->has_priority ? DBP_TEXT(prio_name(row->prio)) : DBP_NULL,
                            row->has_priority ? DBP_TEXT(r->now_iso) : DBP_NULL,
                            row->has_priority ? DBP_TEXT(w->prio_reason) : DBP_NULL,
                            ptl__opt_text(w->treat_by),
                            ptl__opt_text(w->review),
                            ptl__opt_text(r->v[C_LAST]),
                            ptl__opt_text(r->v[C_NEXT]),
                            row->imd ? DBP_INT(row->imd) : DBP_NULL,
                            DBP_TEXT(row->ethnic_group),
                            DBP_TEXT(row->sex),
                            row->has_birth ? DBP_INT(row->birth_day) : DBP_NULL,
                            DBP_INT(r->rep->import_id),
                            DBP_TEXT(r->now_iso),
                            DBP_INT(w->found ? w->e.id : 0)};
    memcpy(p, v, sizeof(v));
}

/* Inserts, touches or updates the pathway (see insert_sql).  Returns 0,
 * with *unchanged set when the stored row already said the same, or rc. */
static int write_pathway(ptl_run *r, const ptl_row *row, const pathway_write *w, int *unchanged)
{
    db_param p[30];
    pathway_params(r, row, w, p);
    *unchanged = 0;
    if (!w->found)
        return db_exec(r->d, insert_sql, 30, p);
    if (!w->set_priority) {
        int rc = db_exec(r->d, touch_sql, 30, p);
        if (rc)
            return rc;
        if (db_changes(r->d) == 1) {
            *unchanged = 1;
            return 0;
        }
    }
    return db_exec(r->d, w->set_priority ? update_priority_sql : update_sql, 30, p);
}

/* The pathway's RTT periods agree with the row (a later period after a
 * stop is a new one; the stopped one stays in the history). */
static int sync_periods(ptl_run *r, const pathway_write *w)
{
    long long pw_id = w->found ? w->e.id : 0;
    int rc = 0;
    if (!w->found) {
        db_param kp[] = {DBP_TEXT(r->o->trust), DBP_TEXT(r->v[C_PPI])};
        rc = db_query_int(r->d, "SELECT id FROM pathways WHERE trust_code = $1 AND ppi = $2", 2, kp, 0, &pw_id);
    }
    return rc ? rc : app__period_sync(r->d, pw_id, r->now_iso);
}

/* The priority_changes row of a stored pathway whose priority the file
 * moved. */
static int record_priority_change(ptl_run *r, const ptl_row *row, const pathway_write *w)
{
    db_param h[] = {DBP_TEXT(row->icb),           DBP_INT(w->e.id),
                    DBP_TEXT(r->now_iso),         DBP_TEXT(r->by),
                    ptl__opt_text(w->e.priority), DBP_TEXT(prio_name(row->prio)),
                    DBP_TEXT(w->prio_reason),     ptl__opt_text(w->treat_by),
                    ptl__opt_text(w->review)};
    return db_exec(r->d,
                   "INSERT INTO priority_changes (icb_code, pathway_id, at, by_username, from_priority, to_priority,"
                   " reason, treat_by, review_date) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                   9, h);
}

int ptl__process_row(ptl_run *r)
{
    ptl_row row;
    pathway_write w;
    memset(&row, 0, sizeof(row));
    memset(&w, 0, sizeof(w));
    r->row_rejected = 0;
    if (ptl__check_row(r, &row) != 0)
        return 0;
    int rc = ptl__check_patient(r, &row);
    if (rc || r->row_rejected)
        return rc;
    if ((rc = pathway_lookup(r, &w.e, &w.found)))
        return rc;
    if (w.found && key_taken(r, &row, &w.e))
        return 0;
    if (!row.patient_known && (rc = insert_patient(r, &row)))
        return rc;
    priority_of(r, &row, &w);
    int unchanged;
    if ((rc = write_pathway(r, &row, &w, &unchanged)))
        return rc;
    if (!unchanged && (rc = sync_periods(r, &w)))
        return rc;
    seen_put(r, r->v[C_PPI], r->csv->start_line);
    if (unchanged)
        r->rep->unchanged++;
    else if (!w.found)
        r->rep->inserted++;
    else
        r->rep->updated++;
    return w.found && w.set_priority ? record_priority_change(r, &row, &w) : 0;
}
