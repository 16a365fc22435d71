/*
 * pathways.c - the shared waiting list: RTT pathways as each organisation
 * may see them, clinical priority and its history, priority reviews asked
 * by GPs (a handoff to the service, like every task), the RTT and
 * inequality measures, and estimated waits.  Pathways of referrals made
 * in Seam follow the referral (app__pathway_on_referral); others come
 * from trusts' PTL imports (ptl.c).  See docs/waiting-list.md.
 */
#include "app/access.h"
#include "app/app.h"
#include "app/csv.h"
#include "app/figures.h"
#include "app/referral_view.h"
#include "app/rtt_periods.h"
#include "app/sqlb.h"
#include "common/rc.h"
#include "core/calendar.h"
#include "core/handoff.h"
#include "core/equity.h"
#include "core/priority.h"
#include "core/rtt.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REASON_MAX 2000
static const int breach_weeks[] = {18, 52, 65, 78, 104};
#define N_BREACH ((int)(sizeof(breach_weeks) / sizeof(breach_weeks[0])))

static void day_format(int64_t day, char buf[SEAM_DATE_LEN])
{
    seam_date_format((seam_time)day * 86400, buf);
}

/* A date parameter (YYYY-MM-DD) as a day number; 0 ok, -1 bad. */
static int day_parse(const char *s, int64_t *out)
{
    seam_time t;
    if (s == NULL || strlen(s) != 10 || seam_time_parse(s, &t) != 0)
        return -1;
    *out = seam_time_day(t);
    return 0;
}

/* The census day of a query: census= or today. */
static int census_of(app_ctx *ctx, const char *census, int64_t *out)
{
    if (census == NULL || *census == '\0') {
        *out = seam_time_day(ctx->now);
        return 0;
    }
    if (day_parse(census, out) != 0)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "census", "census must be a date such as 2026-11-25.");
    return 0;
}

/* ---------------------------------------------------------------------
 * One pathway as JSON
 */

#define PW_COLS_HEAD                                                                                                   \
    " pw.id, pw.ppi, pw.source, pw.referral_id, p.nhs_number, p.given_name, p.family_name, p.birth_date,"              \
    " p.practice_code, po.name, pw.trust_code, tr.name, s.id, s.name, s.specialty, pw.treatment_function_code,"        \
    " pw.referral_priority, pw.referral_received,"
#define PW_COLS_CLOCK " pw.clock_start, pw.clock_start_day, pw.clock_stop, pw.clock_stop_day, pw.rtt_status, pw.open,"
/* At a past census (rp: the period waiting then, if any): a pathway on
 * the list as it stood shows that period's start, no stop, and its status
 * now if that period still runs (else the status it started with). */
#define PW_COLS_CLOCK_PAST                                                                                             \
    " COALESCE(rp.start_date, pw.clock_start), COALESCE(rp.start_day, pw.clock_start_day),"                            \
    " CASE WHEN rp.id IS NULL THEN pw.clock_stop END, CASE WHEN rp.id IS NULL THEN pw.clock_stop_day END,"             \
    " CASE WHEN rp.id IS NULL OR (rp.current = 1 AND rp.stop_day IS NULL) THEN pw.rtt_status"                          \
    " ELSE rp.start_status END, CASE WHEN rp.id IS NULL THEN 0 ELSE 1 END,"
#define PW_COLS_TAIL                                                                                                   \
    " pw.waiting_list_type, pw.priority, pw.priority_set_at,"                                                          \
    " pw.priority_set_by, pu.display_name, pw.priority_reason, pw.treat_by, pw.review_date, pw.last_activity,"         \
    " pw.next_activity, pw.version, rv.id, rv.requested_at, rv.due_at, rv.reason, pw.icb_code, s.patient_contact"
#define PW_COLUMNS PW_COLS_HEAD PW_COLS_CLOCK PW_COLS_TAIL
#define PW_FROM                                                                                                        \
    " FROM pathways pw JOIN patients p ON p.nhs_number = pw.patient_nhs_number"                                        \
    " JOIN organisations po ON po.code = p.practice_code"                                                              \
    " JOIN organisations tr ON tr.code = pw.trust_code"                                                                \
    " JOIN services s ON s.id = pw.service_id"                                                                         \
    " LEFT JOIN users pu ON pu.username = pw.priority_set_by"                                                          \
    " LEFT JOIN priority_reviews rv ON rv.pathway_id = pw.id AND rv.status = 'open'"

enum {
    C_ID,
    C_PPI,
    C_SOURCE,
    C_REFERRAL,
    C_NHS,
    C_GIVEN,
    C_FAMILY,
    C_BIRTH,
    C_PRACTICE,
    C_PRACTICE_NAME,
    C_TRUST,
    C_TRUST_NAME,
    C_SVC,
    C_SVC_NAME,
    C_SPECIALTY,
    C_TFC,
    C_REF_PRIO,
    C_RECEIVED,
    C_START,
    C_START_DAY,
    C_STOP,
    C_STOP_DAY,
    C_STATUS,
    C_OPEN,
    C_WLT,
    C_PRIO,
    C_PRIO_AT,
    C_PRIO_BY,
    C_PRIO_BY_NAME,
    C_PRIO_REASON,
    C_TREAT_BY,
    C_REVIEW_DATE,
    C_LAST,
    C_NEXT,
    C_VERSION,
    C_RV_ID,
    C_RV_AT,
    C_RV_DUE,
    C_RV_REASON,
    C_ICB,
    C_PATIENT_CONTACT,
};

static json_t *pathway_json(const db_rows *r, int i, int64_t census)
{
    int open = (int)db_geti(r, i, C_OPEN);
    int64_t start = db_geti(r, i, C_START_DAY);
    int64_t end = db_isnull(r, i, C_STOP_DAY) ? census : db_geti(r, i, C_STOP_DAY);
    const char *status = db_get(r, i, C_STATUS);
    const char *label = rtt_status_label(status);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(db_geti(r, i, C_ID)));
    json_object_set_new(o, "ppi", json_string(db_get(r, i, C_PPI)));
    json_object_set_new(o, "source", json_string(db_get(r, i, C_SOURCE)));
    json_object_set_new(o, "referral_id",
                        db_isnull(r, i, C_REFERRAL) ? json_null() : json_integer(db_geti(r, i, C_REFERRAL)));
    json_object_set_new(o, "patient",
                        json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s}}", "nhs_number", db_get(r, i, C_NHS), "given_name",
                                  db_get(r, i, C_GIVEN), "family_name", db_get(r, i, C_FAMILY), "birth_date",
                                  db_get(r, i, C_BIRTH), "practice", "code", db_get(r, i, C_PRACTICE), "name",
                                  db_get(r, i, C_PRACTICE_NAME)));
    json_object_set_new(o, "trust",
                        json_pack("{s:s,s:s}", "code", db_get(r, i, C_TRUST), "name", db_get(r, i, C_TRUST_NAME)));
    json_object_set_new(o, "service",
                        json_pack("{s:I,s:s,s:s,s:s,s:s?}", "id", (json_int_t)db_geti(r, i, C_SVC), "name",
                                  db_get(r, i, C_SVC_NAME), "specialty", db_get(r, i, C_SPECIALTY),
                                  "treatment_function_code", db_get(r, i, C_TFC), "patient_contact",
                                  db_get(r, i, C_PATIENT_CONTACT)));
    json_object_set_new(o, "referral_priority", app__str_or_null(db_get(r, i, C_REF_PRIO)));
    json_object_set_new(o, "referral_received", json_string(db_get(r, i, C_RECEIVED)));
    json_object_set_new(o, "clock_start", json_string(db_get(r, i, C_START)));
    json_object_set_new(o, "clock_stop", app__str_or_null(db_get(r, i, C_STOP)));
    json_object_set_new(o, "rtt_status", json_pack("{s:s,s:s?}", "code", status, "label", label));
    json_object_set_new(o, "open", json_boolean(open));
    int64_t days = rtt_days_waited(start, end);
    json_object_set_new(o, "days_waited", json_integer(days));
    json_object_set_new(o, "weeks_waited", json_integer(rtt_weeks_waited(start, end)));
    json_object_set_new(o, "over_18_weeks", json_boolean(rtt_over_weeks(start, end, 18)));
    json_t *breach = json_object(), *next = json_null();
    for (int k = 0; k < N_BREACH; k++) {
        char key[8], d[SEAM_DATE_LEN];
        int64_t bd = rtt_breach_day(start, breach_weeks[k]);
        snprintf(key, sizeof(key), "%d", breach_weeks[k]);
        day_format(bd, d);
        json_object_set_new(breach, key, json_string(d));
        if (open && json_is_null(next) && bd > census)
            next = json_pack("{s:i,s:s}", "weeks", breach_weeks[k], "date", d);
    }
    json_object_set_new(o, "breach_dates", breach);
    json_object_set_new(o, "next_breach", next);
    const char *prio = db_get(r, i, C_PRIO);
    prio_code pc;
    if (prio && prio_parse(prio, &pc) == 0) {
        const char *review = db_get(r, i, C_REVIEW_DATE);
        int64_t rday;
        int overdue = open && review && day_parse(review, &rday) == 0 && rday < census;
        json_t *by = db_isnull(r, i, C_PRIO_BY) ? json_null()
                                                : json_pack("{s:s,s:s?}", "username", db_get(r, i, C_PRIO_BY),
                                                            "display_name", db_get(r, i, C_PRIO_BY_NAME));
        json_object_set_new(o, "priority",
                            json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:b}", "code", prio_name(pc), "label",
                                      prio_label(pc), "treat_by", app__str_or_null(db_get(r, i, C_TREAT_BY)),
                                      "review_date", app__str_or_null(review), "set_at",
                                      app__str_or_null(db_get(r, i, C_PRIO_AT)), "set_by", by, "reason",
                                      app__str_or_null(db_get(r, i, C_PRIO_REASON)), "review_overdue", overdue));
    } else {
        json_object_set_new(o, "priority", json_null());
    }
    json_object_set_new(o, "last_activity", app__str_or_null(db_get(r, i, C_LAST)));
    json_object_set_new(o, "next_activity", app__str_or_null(db_get(r, i, C_NEXT)));
    json_object_set_new(o, "waiting_list_type", app__str_or_null(db_get(r, i, C_WLT)));
    json_object_set_new(o, "open_review",
                        db_isnull(r, i, C_RV_ID)
                            ? json_null()
                            : json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)db_geti(r, i, C_RV_ID), "requested_at",
                                        db_get(r, i, C_RV_AT), "due_at", db_get(r, i, C_RV_DUE), "reason",
                                        db_get(r, i, C_RV_REASON)));
    json_object_set_new(o, "version", json_integer(db_geti(r, i, C_VERSION)));
    return o;
}

/* Who may see a pathway: the patient's practice, the trust holding it,
 * the patient, the ICB of the patient's population, admin. */
static void pw_visibility(app_ctx *ctx, sqlb *b)
{
    app__visibility(ctx, b, " AND pw.trust_code = $?", "pw.icb_code", "pw.service_id");
}

/* Loads one visible pathway row (PW_COLUMNS); SEAM_ENOTFOUND if none. */
static int pw_load_rows(app_ctx *ctx, long long id, db_rows **out)
{
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT" PW_COLUMNS PW_FROM " WHERE pw.id = $?");
    sqlb_param(&b, DBP_INT(id));
    pw_visibility(ctx, &b);
    if (b.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    int rc = db_query(ctx->db, b.sql, b.n, b.p, out);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(*out) == 0) {
        db_rows_free(*out);
        *out = NULL;
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no pathway %lld that you can see.", id);
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * GET /waiting-list
 */

int app_waiting_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_wl_args *a = arg;
    const char *role = ctx->user.role;
    int64_t census;
    int rc = census_of(ctx, a->census, &census);
    if (rc)
        return rc;
    if (app_role_is_practice(role) && a->practice && *a->practice && strcmp(a->practice, ctx->user.org_code) != 0)
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "practice",
                        "Your waiting list is your own practice's patients.");
    if (app_role_is_trust(role) && a->trust && *a->trust && strcmp(a->trust, ctx->user.org_code) != 0)
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "trust", "Your waiting list is your own trust's.");
    if (strcmp(role, "icb_analyst") == 0 && a->practice && *a->practice) {
        long long n;
        db_param op[] = {DBP_TEXT(a->practice), DBP_TEXT(ctx->user.icb_code)};
        if ((rc = db_query_int(ctx->db,
                               "SELECT count(*) FROM organisations WHERE code = $1 AND kind = 'practice'"
                               " AND icb_code = $2",
                               2, op, 0, &n)))
            return app_db_fail(ctx, rc);
        if (n == 0)
            return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "practice", "There is no practice %s in your ICB.",
                            a->practice);
    }

    sqlb w;
    sqlb_init(&w);
    /* A past census is the list as it stood that day: the pathways with a
     * period (rtt_periods) that had started and not stopped by then.  Today
     * (or later) it is the pathways' own open flag. */
    int past = census < seam_time_day(ctx->now);
    char join[400] = "", start_col[80] = "pw.clock_start_day", open_col[40] = "pw.open = 1";
    if (past) {
        char pred[300];
        app__period_waiting_sql(pred, sizeof(pred), census);
        snprintf(join, sizeof(join), " LEFT JOIN rtt_periods rp ON %s", pred);
        snprintf(start_col, sizeof(start_col), "COALESCE(rp.start_day, pw.clock_start_day)");
        snprintf(open_col, sizeof(open_col), "rp.id IS NOT NULL");
    }
    /* w is the WHERE clause alone: the page reads it with every join
     * (PW_FROM), the summary with only the patient, when the rule needs
     * them (practice and patient visibility, a practice filter). */
    int need_patient = app_role_is_practice(role) || strcmp(role, "patient") == 0 || (a->practice && *a->practice);
    sqlb_add(&w, " WHERE 1 = 1");
    pw_visibility(ctx, &w);
    const char *status = a->status && *a->status ? a->status : "open";
    /* A practice's or a patient's list starts from their patients: "+"
     * keeps the planner off the national (open, clock start) index, which
     * would walk every open pathway in England to find them. */
    int by_patient = app_role_is_practice(role) || strcmp(role, "patient") == 0 || (a->practice && *a->practice) ||
                     (a->patient && *a->patient);
    if (strcmp(status, "open") == 0)
        sqlb_add(&w, past ? " AND rp.id IS NOT NULL" : by_patient ? " AND +pw.open = 1" : " AND pw.open = 1");
    else if (strcmp(status, "closed") == 0)
        sqlb_add(&w, past ? " AND rp.id IS NULL" : by_patient ? " AND +pw.open = 0" : " AND pw.open = 0");
    else if (strcmp(status, "all") != 0)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "status", "status must be open, closed or all.");
    if (a->trust && *a->trust) {
        sqlb_add(&w, " AND pw.trust_code = $?");
        sqlb_param(&w, DBP_TEXT(a->trust));
    }
    if (a->service > 0) {
        sqlb_add(&w, " AND pw.service_id = $?");
        sqlb_param(&w, DBP_INT(a->service));
    }
    if (a->practice && *a->practice) {
        sqlb_add(&w, " AND p.practice_code = $?");
        sqlb_param(&w, DBP_TEXT(a->practice));
    }
    if (a->patient && *a->patient) {
        sqlb_add(&w, " AND pw.patient_nhs_number = $?");
        sqlb_param(&w, DBP_TEXT(a->patient));
    }
    if (a->priority && *a->priority) {
        prio_code pc;
        if (strcmp(a->priority, "none") == 0) {
            sqlb_add(&w, " AND pw.priority IS NULL");
        } else if (prio_parse(a->priority, &pc) == 0) {
            sqlb_add(&w, " AND pw.priority = $?");
            sqlb_param(&w, DBP_TEXT(prio_name(pc)));
        } else {
            return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "priority",
                            "priority must be P1a, P1b, P2, P3, P4, P6 or none.");
        }
    }
    if (a->min_weeks > 0) {
        /* weeks waited >= N: a clock start on or before census - 7N */
        sqlb_add(&w, past ? " AND COALESCE(rp.start_day, pw.clock_start_day) <= $?" : " AND pw.clock_start_day <= $?");
        sqlb_param(&w, DBP_INT(census - 7LL * a->min_weeks));
    }
    if (w.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");

    /* The summary is over every matching row, not only this page; only
     * rows on the list (open, or waiting at a past census) are waiting. */
    sqlb q;
    sqlb_init(&q);
    /* The thresholds are computed integers, written into the text so that
     * the shared WHERE keeps its parameter numbers. */
    char head[1400];
    snprintf(head, sizeof(head),
             "SELECT count(*), COALESCE(sum(CASE WHEN %s AND %s < %lld THEN 1 ELSE 0 END), 0),"
             " COALESCE(sum(CASE WHEN %s AND %s < %lld THEN 1 ELSE 0 END), 0),"
             " COALESCE(sum(CASE WHEN %s AND pw.priority IS NULL THEN 1 ELSE 0 END), 0),"
             " COALESCE(sum(CASE WHEN %s THEN 1 ELSE 0 END), 0) FROM pathways pw%s%s",
             open_col, start_col, (long long)(census - 7 * 18), open_col, start_col, (long long)(census - 7 * 52),
             open_col, open_col, need_patient ? " JOIN patients p ON p.nhs_number = pw.patient_nhs_number" : "", join);
    sqlb_add(&q, head);
    sqlb_append(&q, &w);
    if (q.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    db_rows *r;
    if ((rc = db_query(ctx->db, q.sql, q.n, q.p, &r)))
        return app_db_fail(ctx, rc);
    json_t *summary = json_pack("{s:I,s:I,s:I,s:I}", "waiting", (json_int_t)db_geti(r, 0, 4), "over_18_weeks",
                                (json_int_t)db_geti(r, 0, 1), "over_52_weeks", (json_int_t)db_geti(r, 0, 2),
                                "unprioritised", (json_int_t)db_geti(r, 0, 3));
    long long total = db_geti(r, 0, 0);
    db_rows_free(r);

    /* The page's ids first, from the pathways (and patients) alone; then
     * everything shown, joined for those rows only. */
    char order[160];
    snprintf(order, sizeof(order), " ORDER BY %s, pw.id", start_col);
    sqlb_init(&q);
    sqlb_add(&q, past ? "SELECT" PW_COLS_HEAD PW_COLS_CLOCK_PAST PW_COLS_TAIL PW_FROM : "SELECT" PW_COLUMNS PW_FROM);
    sqlb_add(&q, join);
    sqlb_add(&q, " WHERE pw.id IN (SELECT pw.id FROM pathways pw");
    if (need_patient)
        sqlb_add(&q, " JOIN patients p ON p.nhs_number = pw.patient_nhs_number");
    sqlb_add(&q, join);
    sqlb_append(&q, &w);
    sqlb_add(&q, order);
    sqlb_add(&q, " LIMIT $?");
    sqlb_param(&q, DBP_INT(a->page_size));
    sqlb_add(&q, " OFFSET $?");
    sqlb_param(&q, DBP_INT((long long)(a->page - 1) * a->page_size));
    sqlb_add(&q, ")");
    sqlb_add(&q, order);
    if (q.overflow) {
        json_decref(summary);
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    }
    if ((rc = db_query(ctx->db, q.sql, q.n, q.p, &r))) {
        json_decref(summary);
        return app_db_fail(ctx, rc);
    }
    json_t *items = json_array();
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        json_array_append_new(items, pathway_json(r, i, census));
        rc = app_event(ctx, "read.waiting_list", "pathway", db_geti(r, i, C_ID), db_get(r, i, C_NHS),
                       db_get(r, i, C_ICB), NULL, NULL, NULL);
    }
    db_rows_free(r);
    char cd[SEAM_DATE_LEN];
    day_format(census, cd);
    *out = json_pack("{s:o,s:I,s:i,s:i,s:s,s:o}", "items", items, "total", (json_int_t)total, "page", a->page,
                     "page_size", a->page_size, "census_date", cd, "summary", summary);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* ---------------------------------------------------------------------
 * Priority reviews as JSON
 */

#define RV_COLUMNS                                                                                                     \
    " rv.id, rv.pathway_id, rv.status, rv.reason, rv.requested_by, ru.display_name, rv.requested_org, ro.name,"        \
    " rv.requested_at, rv.due_at, rv.outcome, rv.answer, rv.from_priority, rv.to_priority, rv.answered_by,"            \
    " au.display_name, rv.answered_at, p.nhs_number, p.given_name, p.family_name, s.id, s.name, s.trust_code,"         \
    " tr.name, rv.icb_code, rv.version"
#define RV_FROM                                                                                                        \
    " FROM priority_reviews rv JOIN pathways pw ON pw.id = rv.pathway_id"                                              \
    " JOIN patients p ON p.nhs_number = rv.patient_nhs_number JOIN services s ON s.id = rv.service_id"                 \
    " JOIN organisations tr ON tr.code = s.trust_code JOIN organisations ro ON ro.code = rv.requested_org"             \
    " LEFT JOIN users ru ON ru.username = rv.requested_by LEFT JOIN users au ON au.username = rv.answered_by"

static json_t *review_json(const db_rows *r, int i)
{
    json_t *answered_by = db_isnull(r, i, 14)
                              ? json_null()
                              : json_pack("{s:s,s:s?}", "username", db_get(r, i, 14), "display_name", db_get(r, i, 15));
    return json_pack("{s:I,s:I,s:s,s:s,s:{s:s,s:s?},s:{s:s,s:s},s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:{s:s,s:s,s:s},"
                     "s:{s:I,s:s},s:{s:s,s:s}}",
                     "id", (json_int_t)db_geti(r, i, 0), "pathway_id", (json_int_t)db_geti(r, i, 1), "status",
                     db_get(r, i, 2), "reason", db_get(r, i, 3), "requested_by", "username", db_get(r, i, 4),
                     "display_name", db_get(r, i, 5), "requested_org", "code", db_get(r, i, 6), "name", db_get(r, i, 7),
                     "requested_at", db_get(r, i, 8), "due_at", db_get(r, i, 9), "outcome",
                     app__str_or_null(db_get(r, i, 10)), "answer", app__str_or_null(db_get(r, i, 11)), "from_priority",
                     app__str_or_null(db_get(r, i, 12)), "to_priority", app__str_or_null(db_get(r, i, 13)),
                     "answered_by", answered_by, "answered_at", app__str_or_null(db_get(r, i, 16)), "patient",
                     "nhs_number", db_get(r, i, 17), "given_name", db_get(r, i, 18), "family_name", db_get(r, i, 19),
                     "service", "id", (json_int_t)db_geti(r, i, 20), "name", db_get(r, i, 21), "trust", "code",
                     db_get(r, i, 22), "name", db_get(r, i, 23));
}

static int reviews_of(app_ctx *ctx, sqlb *w, json_t **out)
{
    sqlb q;
    sqlb_init(&q);
    sqlb_add(&q, "SELECT" RV_COLUMNS);
    sqlb_append(&q, w);
    sqlb_add(&q, " ORDER BY rv.requested_at DESC, rv.id DESC LIMIT 200");
    if (q.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    db_rows *r;
    int rc = db_query(ctx->db, q.sql, q.n, q.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        json_array_append_new(list, review_json(r, i));
        rc = app_event(ctx, "read.priority_review", "priority_review", db_geti(r, i, 0), db_get(r, i, 17),
                       db_get(r, i, 24), NULL, NULL, NULL);
    }
    db_rows_free(r);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return 0;
}

/* ---------------------------------------------------------------------
 * GET /pathways/{id}
 */

int app_pathway_get(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    int64_t census = seam_time_day(ctx->now);
    db_rows *r;
    int rc = pw_load_rows(ctx, a->id, &r);
    if (rc)
        return rc;
    json_t *o = pathway_json(r, 0, census);
    char nhs[16], icb[16];
    long long svc = db_geti(r, 0, C_SVC);
    snprintf(nhs, sizeof(nhs), "%s", db_get(r, 0, C_NHS));
    snprintf(icb, sizeof(icb), "%s", db_get(r, 0, C_ICB));
    db_rows_free(r);

    db_param hp[] = {DBP_INT(a->id)};
    rc = db_query(ctx->db,
                  "SELECT c.at, c.by_username, u.display_name, c.from_priority, c.to_priority, c.reason, c.treat_by,"
                  " c.review_date, c.review_id FROM priority_changes c LEFT JOIN users u ON u.username = c.by_username"
                  " WHERE c.pathway_id = $1 ORDER BY c.id",
                  1, hp, &r);
    if (rc) {
        json_decref(o);
        return app_db_fail(ctx, rc);
    }
    json_t *hist = json_array();
    for (int i = 0; i < db_nrows(r); i++)
        json_array_append_new(hist, json_pack("{s:s,s:{s:s,s:s?},s:o,s:s,s:s,s:o,s:o,s:o}", "at", db_get(r, i, 0), "by",
                                              "username", db_get(r, i, 1), "display_name", db_get(r, i, 2), "from",
                                              app__str_or_null(db_get(r, i, 3)), "to", db_get(r, i, 4), "reason",
                                              db_get(r, i, 5), "treat_by", app__str_or_null(db_get(r, i, 6)),
                                              "review_date", app__str_or_null(db_get(r, i, 7)), "review_id",
                                              db_isnull(r, i, 8) ? json_null() : json_integer(db_geti(r, i, 8))));
    db_rows_free(r);
    json_object_set_new(o, "priority_history", hist);

    sqlb w;
    sqlb_init(&w);
    sqlb_add(&w, RV_FROM " WHERE rv.pathway_id = $?");
    sqlb_param(&w, DBP_INT(a->id));
    json_t *reviews = NULL;
    if ((rc = reviews_of(ctx, &w, &reviews))) {
        json_decref(o);
        return rc;
    }
    json_object_set_new(o, "reviews", reviews);
    json_t *periods = NULL;
    if ((rc = app__periods_json(ctx, a->id, &periods))) {
        json_decref(o);
        return rc;
    }
    json_object_set_new(o, "periods", periods);
    app_est_args sa = {.id = svc};
    json_t *est = NULL;
    if ((rc = app_estimated_wait(ctx, &sa, &est))) {
        json_decref(o);
        return rc;
    }
    json_object_set_new(o, "estimated_wait", est);
    if ((rc = app_event(ctx, "read.pathway", "pathway", a->id, nhs, icb, NULL, NULL, NULL))) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}

/* ---------------------------------------------------------------------
 * Clinical priority
 */

/* Sets a pathway's priority and records the change; review_id 0 if none. */
static int priority_set(app_ctx *ctx, long long id, const char *icb, const char *nhs, const char *from, prio_code pc,
                        const char *reason, const char *review_date, long long review_id)
{
    int64_t today = seam_time_day(ctx->now);
    char treat[SEAM_DATE_LEN] = "", review[SEAM_DATE_LEN] = "", now[SEAM_ISO_LEN];
    int64_t tb = prio_treat_by(pc, today);
    if (tb >= 0)
        day_format(tb, treat);
    if (review_date)
        snprintf(review, sizeof(review), "%s", review_date);
    else
        day_format(prio_review_day(pc, today), review);
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(prio_name(pc)),
                    DBP_TEXT(now),
                    DBP_TEXT(ctx->user.username),
                    DBP_TEXT(reason),
                    DBP_TEXT(treat[0] ? treat : NULL),
                    DBP_TEXT(review),
                    DBP_INT(id)};
    int rc = db_exec(ctx->db,
                     "UPDATE pathways SET priority = $1, priority_set_at = $2, priority_set_by = $3,"
                     " priority_reason = $4, treat_by = $5, review_date = $6, updated_at = $2, version = version + 1"
                     " WHERE id = $7",
                     7, p);
    if (rc)
        return app_db_fail(ctx, rc);
    db_param c[] = {DBP_TEXT(icb),    DBP_INT(id),
                    DBP_TEXT(now),    DBP_TEXT(ctx->user.username),
                    DBP_TEXT(from),   DBP_TEXT(prio_name(pc)),
                    DBP_TEXT(reason), DBP_TEXT(treat[0] ? treat : NULL),
                    DBP_TEXT(review), review_id ? DBP_INT(review_id) : DBP_NULL};
    rc = db_exec(ctx->db,
                 "INSERT INTO priority_changes (icb_code, pathway_id, at, by_username, from_priority, to_priority,"
                 " reason, treat_by, review_date, review_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
                 10, c);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *before = json_pack("{s:o}", "priority", app__str_or_null(from));
    json_t *after = json_pack("{s:s,s:o,s:s}", "priority", prio_name(pc), "treat_by",
                              treat[0] ? json_string(treat) : json_null(), "review_date", review);
    rc = app_event(ctx, "pathway.priority_changed", "pathway", id, nhs, icb, before, after, reason);
    json_decref(before);
    json_decref(after);
    return rc;
}

/* The caller may change priority at this pathway's trust (and service). */
static int may_prioritise(app_ctx *ctx, const char *trust, long long service_id)
{
    const char *role = ctx->user.role;
    if (strcmp(role, "clinician") != 0 && strcmp(role, "triager") != 0)
        return 0;
    if (strcmp(ctx->user.org_code, trust) != 0)
        return 0;
    return app__serves(ctx, service_id);
}

int app_pathway_priority(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    const char *prio_s, *reason, *review_date = NULL;
    db_rows *r;
    int rc = pw_load_rows(ctx, a->id, &r);
    if (rc)
        return rc;
    char trust[16], nhs[16], icb[16], from[8] = "";
    long long svc = db_geti(r, 0, C_SVC);
    int open = (int)db_geti(r, 0, C_OPEN);
    snprintf(trust, sizeof(trust), "%s", db_get(r, 0, C_TRUST));
    snprintf(nhs, sizeof(nhs), "%s", db_get(r, 0, C_NHS));
    snprintf(icb, sizeof(icb), "%s", db_get(r, 0, C_ICB));
    if (!db_isnull(r, 0, C_PRIO))
        snprintf(from, sizeof(from), "%s", db_get(r, 0, C_PRIO));
    rc = app__held_or_fail(ctx, trust, db_get(r, 0, C_PRACTICE), db_geti(r, 0, C_SVC), "pathway", a->id);
    db_rows_free(r);
    if (rc)
        return rc;
    if (!may_prioritise(ctx, trust, svc))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                        "Clinical priority is set by the treating service's clinicians; a GP can ask for a review.");
    if ((rc = app__body_str(ctx, a->body, "priority", 1, 8, &prio_s)) ||
        (rc = app__body_text(ctx, a->body, "reason", "Enter the reason for the priority", 1, REASON_MAX, &reason)) ||
        (rc = app__body_str(ctx, a->body, "review_date", 0, 10, &review_date)))
        return rc;
    prio_code pc;
    if (prio_parse(prio_s, &pc) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "priority",
                        "Select a clinical priority: P1a, P1b, P2, P3, P4 or P6.");
    int64_t rd;
    if (review_date && (day_parse(review_date, &rd) != 0 || rd < seam_time_day(ctx->now)))
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "review_date",
                        "The review date must be a date such as 2027-01-31, today or later.");
    if (!open)
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                        "Pathway %lld is no longer on the waiting list.", a->id);
    if ((rc = priority_set(ctx, a->id, icb, nhs, from[0] ? from : NULL, pc, reason, review_date, 0)))
        return rc;
    if ((rc = pw_load_rows(ctx, a->id, &r)))
        return rc;
    *out = pathway_json(r, 0, seam_time_day(ctx->now));
    db_rows_free(r);
    return 0;
}

/* ---------------------------------------------------------------------
 * Priority reviews: the GP asks, the service answers
 */

static int review_load(app_ctx *ctx, long long id, json_t **out)
{
    sqlb w;
    sqlb_init(&w);
    sqlb_add(&w, RV_FROM " WHERE rv.id = $?");
    sqlb_param(&w, DBP_INT(id));
    pw_visibility(ctx, &w);
    json_t *list = NULL;
    int rc = reviews_of(ctx, &w, &list);
    if (rc)
        return rc;
    if (json_array_size(list) == 0) {
        json_decref(list);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no priority review %lld that you can see.",
                        id);
    }
    *out = json_incref(json_array_get(list, 0));
    json_decref(list);
    return 0;
}

int app_priority_review_create(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    db_rows *r;
    int rc = pw_load_rows(ctx, a->id, &r);
    if (rc)
        return rc;
    char trust[16], nhs[16], icb[16];
    long long svc_id = db_geti(r, 0, C_SVC);
    int open = (int)db_geti(r, 0, C_OPEN), has_open = !db_isnull(r, 0, C_RV_ID);
    snprintf(trust, sizeof(trust), "%s", db_get(r, 0, C_TRUST));
    snprintf(nhs, sizeof(nhs), "%s", db_get(r, 0, C_NHS));
    snprintf(icb, sizeof(icb), "%s", db_get(r, 0, C_ICB));
    rc = app__held_or_fail(ctx, trust, db_get(r, 0, C_PRACTICE), db_geti(r, 0, C_SVC), "pathway", a->id);
    db_rows_free(r);
    if (rc)
        return rc;
    if (!app_role_is_practice(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                        "A priority review is asked for by the patient's GP practice.");
    const char *reason;
    if ((rc = app__body_text(ctx, a->body, "reason", "Enter what has changed for the patient", 1, REASON_MAX, &reason)))
        return rc;
    if (!open)
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                        "Pathway %lld is no longer on the waiting list.", a->id);
    if (has_open)
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                        "A priority review is already open for this pathway; the service will answer it.");
    svc_info svc;
    if ((rc = app__svc_load(ctx, svc_id, &svc)))
        return rc == SEAM_ENOTFOUND ? app_fail(ctx, rc, "not_found", NULL, "The pathway's service is gone.") : rc;
    seam_time due = prio_review_request_due(ctx->now);
    char now[SEAM_ISO_LEN], due_s[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    seam_time_format(due, due_s);
    db_param p[] = {DBP_TEXT(icb),
                    DBP_INT(a->id),
                    DBP_TEXT(nhs),
                    DBP_INT(svc_id),
                    DBP_TEXT(reason),
                    DBP_TEXT(ctx->user.username),
                    DBP_TEXT(ctx->user.org_code),
                    DBP_TEXT(now),
                    DBP_TEXT(due_s)};
    long long id;
    rc = db_query_int(ctx->db,
                      "INSERT INTO priority_reviews (icb_code, pathway_id, patient_nhs_number, service_id, status,"
                      " reason, requested_by, requested_org, requested_at, due_at)"
                      " VALUES ($1,$2,$3,$4,'open',$5,$6,$7,$8,$9) RETURNING id",
                      9, p, 0, &id);
    if (rc)
        return app_db_fail(ctx, rc == SEAM_ECONFLICT ? SEAM_ECONFLICT : rc);
    static const handoff_rule rule = {"priority_review", HANDOFF_SERVICE, "clinician"};
    json_t *after = json_pack("{s:I,s:s}", "pathway_id", (json_int_t)a->id, "reason", reason);
    rc = app__task_move(ctx, "review_id", id, &rule, trust, svc_id, due, icb, after);
    if (rc == 0)
        rc = app_event(ctx, "priority_review.requested", "priority_review", id, nhs, icb, NULL, after, NULL);
    json_decref(after);
    if (rc)
        return rc;
    if ((rc = review_load(ctx, id, out)))
        return rc;
    ctx->status = 201;
    return 0;
}

int app_priority_reviews_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_list_args *a = arg;
    const char *role = ctx->user.role;
    sqlb w;
    sqlb_init(&w);
    sqlb_add(&w, RV_FROM " WHERE 1 = 1");
    if (app_role_is_practice(role)) {
        sqlb_add(&w, " AND rv.requested_org = $?");
        sqlb_param(&w, DBP_TEXT(ctx->user.org_code));
    } else if (app_role_is_trust(role)) {
        sqlb_add(&w, " AND s.trust_code = $?");
        sqlb_param(&w, DBP_TEXT(ctx->user.org_code));
        app__service_scope(ctx, &w, "rv.service_id");
    } else if (strcmp(role, "icb_analyst") == 0) {
        sqlb_add(&w, " AND rv.icb_code = $?");
        sqlb_param(&w, DBP_TEXT(ctx->user.icb_code));
    } else if (strcmp(role, "admin") != 0) {
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Priority reviews are for practices and trusts.");
    }
    const char *status = a->status && *a->status ? a->status : "all";
    if (strcmp(status, "open") == 0 || strcmp(status, "answered") == 0) {
        sqlb_add(&w, " AND rv.status = $?");
        sqlb_param(&w, DBP_TEXT(status));
    } else if (strcmp(status, "all") != 0) {
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "status", "status must be open, answered or all.");
    }
    json_t *items = NULL;
    int rc = reviews_of(ctx, &w, &items);
    if (rc)
        return rc;
    *out = json_pack("{s:o,s:I}", "items", items, "total", (json_int_t)json_array_size(items));
    return 0;
}

int app_priority_review_answer(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    json_t *cur = NULL;
    int rc = review_load(ctx, a->id, &cur);
    if (rc)
        return rc;
    long long pathway_id = json_integer_value(json_object_get(cur, "pathway_id"));
    long long svc_id = json_integer_value(json_object_get(json_object_get(cur, "service"), "id"));
    char trust[16], nhs[16], status[16];
    snprintf(trust, sizeof(trust), "%s", json_string_value(json_object_get(json_object_get(cur, "trust"), "code")));
    snprintf(nhs, sizeof(nhs), "%s", json_string_value(json_object_get(json_object_get(cur, "patient"), "nhs_number")));
    snprintf(status, sizeof(status), "%s", json_string_value(json_object_get(cur, "status")));
    json_decref(cur);
    if (!may_prioritise(ctx, trust, svc_id))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                        "A priority review is answered by the treating service's clinicians.");
    const char *outcome, *reason, *prio_s = NULL;
    if ((rc = app__body_text(ctx, a->body, "outcome", "Select whether the priority changes", 1, 32, &outcome)) ||
        (rc = app__body_text(ctx, a->body, "reason", "Enter the reason for your answer", 1, REASON_MAX, &reason)) ||
        (rc = app__body_str(ctx, a->body, "priority", 0, 8, &prio_s)))
        return rc;
    int repri = strcmp(outcome, "reprioritised") == 0;
    if (!repri && strcmp(outcome, "unchanged") != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "outcome", "outcome must be reprioritised or unchanged.");
    if (strcmp(status, "open") != 0)
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL, "Priority review %lld is already answered.",
                        a->id);
    db_rows *r;
    if ((rc = pw_load_rows(ctx, pathway_id, &r)))
        return rc;
    char from[8] = "", icb[16];
    int pw_open = (int)db_geti(r, 0, C_OPEN);
    if (!db_isnull(r, 0, C_PRIO))
        snprintf(from, sizeof(from), "%s", db_get(r, 0, C_PRIO));
    snprintf(icb, sizeof(icb), "%s", db_get(r, 0, C_ICB));
    db_rows_free(r);
    if (!pw_open)
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                        "Pathway %lld is no longer on the waiting list.", pathway_id);
    prio_code pc;
    if (repri) {
        if (prio_s == NULL)
            return app_fail(ctx, SEAM_EINVALID, "missing_field", "priority", "Select the new clinical priority.");
        if (prio_parse(prio_s, &pc) != 0)
            return app_fail(ctx, SEAM_EINVALID, "invalid_value", "priority",
                            "Select a clinical priority: P1a, P1b, P2, P3, P4 or P6.");
        if (from[0] && strcmp(prio_name(pc), from) == 0)
            return app_fail(ctx, SEAM_EINVALID, "invalid_value", "priority",
                            "The priority is already %s; answer \"unchanged\" to keep it.", from);
    }
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(outcome),
                    DBP_TEXT(reason),
                    DBP_TEXT(from[0] ? from : NULL),
                    DBP_TEXT(repri ? prio_name(pc) : (from[0] ? from : NULL)),
                    DBP_TEXT(ctx->user.username),
                    DBP_TEXT(now),
                    DBP_INT(a->id)};
    rc = db_exec(ctx->db,
                 "UPDATE priority_reviews SET status = 'answered', outcome = $1, answer = $2, from_priority = $3,"
                 " to_priority = $4, answered_by = $5, answered_at = $6, version = version + 1"
                 " WHERE id = $7 AND status = 'open'",
                 7, p);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_changes(ctx->db) != 1)
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL, "Priority review %lld is already answered.",
                        a->id);
    if (repri && (rc = priority_set(ctx, pathway_id, icb, nhs, from[0] ? from : NULL, pc, reason, NULL, a->id)))
        return rc;
    if ((rc = app__task_move(ctx, "review_id", a->id, NULL, NULL, 0, 0, icb, NULL)))
        return rc;
    json_t *after = json_pack("{s:s,s:s}", "outcome", outcome, "answer", reason);
    rc = app_event(ctx, "priority_review.answered", "priority_review", a->id, nhs, icb, NULL, after, NULL);
    json_decref(after);
    if (rc)
        return rc;
    return review_load(ctx, a->id, out);
}

/* ---------------------------------------------------------------------
 * GET /measures/rtt: % over 18 weeks and median wait by group
 */

#define MAX_DAYS 1500 /* waits beyond ~4 years share the last bucket */

#define MAX_AGE_DAYS 45000 /* about 123 years */

/* The measures' one pass: each row gives its clock start and a key, the
 * group index (SQL computes it for text attributes, so the pass does no
 * string work), an IMD decile mapped through imd_map, or a birth day
 * whose age band is memoised by age in days. */
typedef struct rtt_hist {
    eq_dim dim;
    int64_t census;
    int ngroups;
    signed char imd_map[11];
    signed char first[256];       /* text attributes: group by first letter, then checked */
    signed char *age_memo;        /* MAX_AGE_DAYS entries, -1 = not yet known */
    long long (*n)[MAX_DAYS + 1]; /* n[group][days waited] */
} rtt_hist;

static int hist_row(void *arg, const db_cursor *c)
{
    rtt_hist *h = arg;
    int64_t days = h->census - db_cur_int(c, 0);
    if (days < 0)
        return 0; /* a clock starting after the census date is not yet waiting */
    if (days > MAX_DAYS)
        days = MAX_DAYS;
    int g = h->ngroups - 1;
    if (!db_cur_isnull(c, 1)) {
        long long k = db_cur_int(c, 1);
        if (h->dim == EQ_IMD_DECILE || h->dim == EQ_IMD_QUINTILE) {
            g = k >= 0 && k <= 10 ? h->imd_map[k] : h->ngroups - 1;
        } else if (h->dim == EQ_AGE_BAND) {
            int64_t age = h->census - k;
            if (age >= 0 && age < MAX_AGE_DAYS) {
                if (h->age_memo[age] < 0)
                    h->age_memo[age] = (signed char)eq_group_of(EQ_AGE_BAND, 0, NULL, NULL, k, h->census);
                g = h->age_memo[age];
            } else {
                g = eq_group_of(EQ_AGE_BAND, 0, NULL, NULL, k, h->census);
            }
        } else {
            const char *t = db_cur_text(c, 1);
            int f = h->first[(unsigned char)t[0]];
            if (f >= 0 && strcmp(t, eq_group_code(h->dim, f)) == 0)
                g = f;
            else if (f == -2)
                for (int j = 0; j + 1 < h->ngroups; j++)
                    if (strcmp(t, eq_group_code(h->dim, j)) == 0) {
                        g = j;
                        break;
                    }
        }
    }
    if (g < 0 || g >= h->ngroups)
        g = h->ngroups - 1;
    h->n[g][days]++;
    return 0;
}

/* The column giving a row's key for dim (see rtt_hist). */
static const char *hist_key_column(eq_dim dim)
{
    switch (dim) {
    case EQ_IMD_DECILE:
    case EQ_IMD_QUINTILE: return "pw.imd_decile";
    case EQ_AGE_BAND: return "pw.birth_day";
    case EQ_ETHNICITY: return "pw.ethnic_group";
    default: return "pw.sex";
    }
}

/* The figures of one histogram row as JSON fields set on o. */
static void hist_stats(const long long *n, json_t *o)
{
    long long total = 0, over18 = 0, over52 = 0;
    for (int d = 0; d <= MAX_DAYS; d++) {
        total += n[d];
        if (d > 7 * 18)
            over18 += n[d];
        if (d > 7 * 52)
            over52 += n[d];
    }
    json_object_set_new(o, "waiting", json_integer(total));
    json_object_set_new(o, "over_18_weeks", json_integer(over18));
    json_object_set_new(o, "pct_over_18_weeks", fig_pct(over18, total));
    json_t *median = json_null();
    if (total) {
        long long k = (total + 1) / 2, seen = 0; /* the lower median */
        for (int d = 0; d <= MAX_DAYS; d++) {
            seen += n[d];
            if (seen >= k) {
                median = json_real(fig_round1(d / 7.0));
                break;
            }
        }
    }
    json_object_set_new(o, "median_weeks", median);
    json_object_set_new(o, "over_52_weeks", json_integer(over52));
    json_object_set_new(o, "pct_over_52_weeks", fig_pct(over52, total));
}

int app_measures_rtt(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_rtt_args *a = arg;
    const char *role = ctx->user.role;
    int64_t census;
    int rc = census_of(ctx, a->census, &census);
    if (rc)
        return rc;
    eq_dim dim = EQ_IMD_DECILE;
    if (a->by && *a->by && eq_dim_parse(a->by, &dim) != 0)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "by",
                        "by must be imd_decile, imd_quintile, ethnicity, age_band or sex.");
    int nscopes = (a->trust && *a->trust) + (a->service > 0) + (a->practice && *a->practice) + (a->icb && *a->icb);
    if (nscopes > 1)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", NULL,
                        "Choose one scope: trust, service, practice or icb (or none for England).");
    int analyst = strcmp(role, "icb_analyst") == 0, admin = strcmp(role, "admin") == 0;
    if (!app_role_is_practice(role) && !app_role_is_trust(role) && !analyst && !admin)
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                        "Waiting-list measures are for practices, trusts and the ICB.");

    /* Resolve the scope and check it against the caller. */
    const char *kind = "national", *code = NULL;
    char name[200] = "England", icb_of[16] = "";
    sqlb w;
    sqlb_init(&w);
    db_rows *r = NULL;
    if (nscopes == 0) {
        if (app_role_is_practice(role)) {
            kind = "practice";
            code = ctx->user.org_code;
        } else if (app_role_is_trust(role)) {
            kind = "trust";
            code = ctx->user.org_code;
        } else if (!analyst && !admin) {
            return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Choose a scope.");
        }
    } else if (a->trust && *a->trust) {
        kind = "trust";
        code = a->trust;
    } else if (a->practice && *a->practice) {
        kind = "practice";
        code = a->practice;
    } else if (a->icb && *a->icb) {
        kind = "icb";
        code = a->icb;
    } else {
        kind = "service";
    }
    if (strcmp(kind, "service") == 0) {
        db_param sp[] = {DBP_INT(a->service)};
        if ((rc = db_query(ctx->db,
                           "SELECT s.name, s.trust_code, o.name, o.icb_code FROM services s JOIN organisations o"
                           " ON o.code = s.trust_code WHERE s.id = $1",
                           1, sp, &r)))
            return app_db_fail(ctx, rc);
        if (db_nrows(r) == 0 || (app_role_is_trust(role) && strcmp(db_get(r, 0, 1), ctx->user.org_code) != 0) ||
            app_role_is_practice(role)) {
            db_rows_free(r);
            return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "service", "There is no service %lld you can measure.",
                            a->service);
        }
        snprintf(name, sizeof(name), "%s, %s", db_get(r, 0, 0), db_get(r, 0, 2));
        db_rows_free(r);
        sqlb_add(&w, " AND pw.service_id = $?");
        sqlb_param(&w, DBP_INT(a->service));
    } else if (strcmp(kind, "national") != 0) {
        const char *want = strcmp(kind, "icb") == 0 ? "icb" : kind;
        db_param op[] = {DBP_TEXT(code), DBP_TEXT(want)};
        if ((rc = db_query(ctx->db, "SELECT name, icb_code FROM organisations WHERE code = $1 AND kind = $2", 2, op,
                           &r)))
            return app_db_fail(ctx, rc);
        int ok = db_nrows(r) > 0;
        if (ok) {
            snprintf(name, sizeof(name), "%s", db_get(r, 0, 0));
            snprintf(icb_of, sizeof(icb_of), "%s", db_get(r, 0, 1));
        }
        db_rows_free(r);
        if (ok && app_role_is_practice(role))
            ok = strcmp(kind, "practice") == 0 && strcmp(code, ctx->user.org_code) == 0;
        if (ok && app_role_is_trust(role))
            ok = strcmp(kind, "trust") == 0 && strcmp(code, ctx->user.org_code) == 0;
        if (ok && analyst && strcmp(kind, "trust") != 0)
            ok = strcmp(strcmp(kind, "icb") == 0 ? code : icb_of, ctx->user.icb_code) == 0;
        if (!ok)
            return app_fail(ctx, SEAM_ENOTFOUND, "not_found", kind, "There is no %s %s you can measure.", kind, code);
        if (strcmp(kind, "trust") == 0)
            sqlb_add(&w, " AND pw.trust_code = $?");
        else if (strcmp(kind, "icb") == 0)
            sqlb_add(&w, " AND pw.icb_code = $?");
        else
            sqlb_add(&w, " AND pp.practice_code = $?");
        sqlb_param(&w, DBP_TEXT(code));
    }

    rtt_hist h = {dim, census, eq_groups(dim), {0}, {0}, NULL, NULL};
    for (int d = 0; d <= 10; d++)
        h.imd_map[d] = (signed char)eq_group_of(dim, d, NULL, NULL, INT64_MIN, census);
    memset(h.first, -1, sizeof(h.first));
    if (dim == EQ_ETHNICITY || dim == EQ_SEX)
        for (int g = 0; g + 1 < h.ngroups; g++) {
            unsigned char f = (unsigned char)eq_group_code(dim, g)[0];
            /* two codes sharing a first letter would both go the slow way */
            h.first[f] = h.first[f] == -1 ? (signed char)g : (signed char)-2;
        }
    h.n = calloc((size_t)h.ngroups, sizeof(*h.n));
    h.age_memo = malloc(MAX_AGE_DAYS);
    if (h.n == NULL || h.age_memo == NULL) {
        free(h.n);
        free(h.age_memo);
        return app_fail(ctx, SEAM_ENOMEM, NULL, NULL, "Out of memory.");
    }
    memset(h.age_memo, -1, MAX_AGE_DAYS);
    char head[600];
    const char *key = hist_key_column(dim);
    /* A practice's patients first (see app_waiting_list); otherwise the
     * scope's own index, or for England the covering pathways_measures. */
    if (census < seam_time_day(ctx->now)) {
        /* A past census: the list as it stood (as GET /waiting-list). */
        char pred[300];
        app__period_waiting_sql(pred, sizeof(pred), census);
        if (strcmp(kind, "practice") == 0)
            snprintf(head, sizeof(head),
                     "SELECT rp.start_day, %s FROM patients pp JOIN pathways pw ON pw.patient_nhs_number ="
                     " pp.nhs_number JOIN rtt_periods rp ON %s WHERE 1 = 1",
                     key, pred);
        else
            snprintf(head, sizeof(head),
                     "SELECT rp.start_day, %s FROM pathways pw JOIN rtt_periods rp ON %s WHERE 1 = 1", key, pred);
    } else if (strcmp(kind, "practice") == 0)
        snprintf(head, sizeof(head),
                 "SELECT pw.clock_start_day, %s FROM patients pp JOIN pathways pw ON pw.patient_nhs_number ="
                 " pp.nhs_number WHERE +pw.open = 1",
                 key);
    else
        snprintf(head, sizeof(head), "SELECT pw.clock_start_day, %s FROM pathways pw WHERE pw.open = 1", key);
    sqlb q;
    sqlb_init(&q);
    sqlb_add(&q, head);
    sqlb_append(&q, &w);
    if (q.overflow)
        rc = app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    else if ((rc = db_scan(ctx->db, q.sql, q.n, q.p, hist_row, &h)))
        rc = app_db_fail(ctx, rc);
    free(h.age_memo);
    if (rc) {
        free(h.n);
        return rc;
    }
    long long *all = calloc(MAX_DAYS + 1, sizeof(long long));
    if (all == NULL) {
        free(h.n);
        return app_fail(ctx, SEAM_ENOMEM, NULL, NULL, "Out of memory.");
    }
    json_t *groups = json_array();
    for (int g = 0; g < h.ngroups; g++) {
        json_t *o = json_pack("{s:s,s:s}", "group", eq_group_code(dim, g), "label", eq_group_label(dim, g));
        hist_stats(h.n[g], o);
        json_array_append_new(groups, o);
        for (int d = 0; d <= MAX_DAYS; d++)
            all[d] += h.n[g][d];
    }
    json_t *total = json_object();
    hist_stats(all, total);
    free(all);
    free(h.n);
    json_t *gap = json_null();
    if (dim == EQ_IMD_DECILE || dim == EQ_IMD_QUINTILE) {
        /* Most deprived (group 0) minus least deprived (the last before "unknown"). */
        json_t *most = json_array_get(groups, 0), *least = json_array_get(groups, (size_t)h.ngroups - 2);
        json_t *pm = json_object_get(most, "pct_over_18_weeks"), *pl = json_object_get(least, "pct_over_18_weeks");
        json_t *mm = json_object_get(most, "median_weeks"), *ml = json_object_get(least, "median_weeks");
        gap = json_pack(
            "{s:s,s:s,s:o,s:o}", "most_deprived", eq_group_code(dim, 0), "least_deprived",
            eq_group_code(dim, h.ngroups - 2), "pct_over_18_weeks",
            json_is_real(pm) && json_is_real(pl) ? json_real(fig_round1(json_real_value(pm) - json_real_value(pl)))
                                                 : json_null(),
            "median_weeks",
            json_is_real(mm) && json_is_real(ml) ? json_real(fig_round1(json_real_value(mm) - json_real_value(ml)))
                                                 : json_null());
    }
    char cd[SEAM_DATE_LEN];
    day_format(census, cd);
    json_t *scope = json_pack("{s:s,s:o,s:s}", "kind", kind, "code", app__str_or_null(code), "name", name);
    if (strcmp(kind, "service") == 0)
        json_object_set_new(scope, "code", json_integer(a->service));
    *out = json_pack("{s:o,s:s,s:s,s:o,s:o,s:o}", "scope", scope, "census_date", cd, "by", eq_dim_name(dim), "total",
                     total, "groups", groups, "gap", gap);
    return 0;
}

static void csv_number(char *out, size_t n, json_t *v)
{
    if (json_is_integer(v))
        snprintf(out, n, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(out, n, "%.1f", json_real_value(v));
    else
        out[0] = '\0';
}

/* One field of a CSV line, then a comma or the line's end. */
static void csv_cell(FILE *f, const char *s, int last)
{
    csv_write_field(f, s);
    fputs(last ? "\r\n" : ",", f);
}

char *app_measures_rtt_csv(const json_t *m)
{
    static const char *const cols[] = {"waiting",      "over_18_weeks", "pct_over_18_weeks",
                                       "median_weeks", "over_52_weeks", "pct_over_52_weeks"};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        return NULL;
    csv_cell(f, "group", 0);
    csv_cell(f, "label", 0);
    for (int c = 0; c < 6; c++)
        csv_cell(f, cols[c], c == 5);
    json_t *groups = json_object_get(m, "groups");
    for (size_t i = 0; i <= json_array_size(groups); i++) {
        int total = i == json_array_size(groups);
        json_t *g = total ? json_object_get(m, "total") : json_array_get(groups, i);
        csv_cell(f, total ? "total" : json_string_value(json_object_get(g, "group")), 0);
        csv_cell(f, total ? "All" : json_string_value(json_object_get(g, "label")), 0);
        for (int c = 0; c < 6; c++) {
            char num[32];
            csv_number(num, sizeof(num), json_object_get(g, cols[c]));
            csv_cell(f, num, c == 5);
        }
    }
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* ---------------------------------------------------------------------
 * GET /services/{id}/estimated-wait
 */

typedef struct waits {
    double *v; /* days */
    size_t n, cap;
} waits;

static int waits_row(void *arg, const db_cursor *c)
{
    waits *w = arg;
    if (w->n == w->cap) {
        size_t ncap = w->cap ? w->cap * 2 : 256;
        double *nv = realloc(w->v, ncap * sizeof(double));
        if (nv == NULL)
            return SEAM_ENOMEM;
        w->v = nv;
        w->cap = ncap;
    }
    w->v[w->n++] = (double)db_cur_int(c, 0);
    return 0;
}

/* The p-th centile of sorted waits, in weeks to one decimal; null if none. */
static json_t *centile_weeks(const waits *w, double p)
{
    return w->n ? json_real(fig_round1(fig_centile(w->v, w->n, p) / 7.0)) : json_null();
}

#define ESTIMATE_MIN_STOPS 20
#define ESTIMATE_WEEKS     26

int app_estimated_wait(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_est_args *a = arg;
    int64_t today;
    int rc = census_of(ctx, a->census, &today);
    if (rc)
        return rc;
    db_rows *r;
    db_param sp[] = {DBP_INT(a->id)};
    rc = db_query(ctx->db,
                  "SELECT s.id, s.name, s.trust_code, o.name FROM services s JOIN organisations o ON o.code ="
                  " s.trust_code WHERE s.id = $1",
                  1, sp, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no service %lld.", a->id);
    }
    json_t *svc = json_pack("{s:I,s:s,s:{s:s,s:s}}", "id", (json_int_t)db_geti(r, 0, 0), "name", db_get(r, 0, 1),
                            "trust", "code", db_get(r, 0, 2), "name", db_get(r, 0, 3));
    db_rows_free(r);
    int64_t from = today - 7 * ESTIMATE_WEEKS;
    /* Completed waits: the clock stops of every period in the window,
     * earlier periods of a pathway included (rtt_periods), except nullified
     * clocks (a missed first appointment) and transfers out (21), which
     * are not waits. */
    waits stops = {0};
    db_param p[] = {DBP_INT(a->id), DBP_INT(from), DBP_INT(today)};
    rc = db_scan(ctx->db,
                 "SELECT stop_day - start_day FROM rtt_periods WHERE service_id = $1 AND stop_day > $2"
                 " AND stop_day <= $3 AND nullified = 0 AND stop_status NOT IN ('21', '33')",
                 3, p, waits_row, &stops);
    waits now = {0};
    db_param np[] = {DBP_INT(a->id), DBP_INT(today)};
    if (rc == 0)
        rc = db_scan(ctx->db,
                     "SELECT $2 - clock_start_day FROM pathways WHERE service_id = $1 AND open = 1 AND clock_start_day"
                     " <= $2",
                     2, np, waits_row, &now);
    if (rc) {
        free(stops.v);
        free(now.v);
        json_decref(svc);
        return rc == SEAM_ENOMEM ? app_fail(ctx, rc, NULL, NULL, "Out of memory.") : app_db_fail(ctx, rc);
    }
    qsort(stops.v, stops.n, sizeof(double), fig_cmp_double);
    qsort(now.v, now.n, sizeof(double), fig_cmp_double);
    int enough = stops.n >= ESTIMATE_MIN_STOPS;
    char fd[SEAM_DATE_LEN], td[SEAM_DATE_LEN];
    day_format(from + 1, fd);
    day_format(today, td);
    *out = json_pack("{s:o,s:s,s:s,s:I,s:o,s:o,s:I,s:o,s:b}", "service", svc, "from", fd, "to", td, "clock_stops",
                     (json_int_t)stops.n, "median_weeks", enough ? centile_weeks(&stops, 50) : json_null(), "p92_weeks",
                     enough ? centile_weeks(&stops, 92) : json_null(), "waiting_now", (json_int_t)now.n,
                     "median_waiting_weeks", centile_weeks(&now, 50), "enough_data", enough);
    free(stops.v);
    free(now.v);
    return 0;
}

/* ---------------------------------------------------------------------
 * Referrals made in Seam and their RTT clock
 */

int app__reviews_withdraw(app_ctx *ctx, long long pw_id, const char *why)
{
    db_rows *r;
    db_param p[] = {DBP_INT(pw_id)};
    int rc = db_query(ctx->db,
                      "SELECT id, patient_nhs_number, icb_code FROM priority_reviews WHERE pathway_id = $1"
                      " AND status = 'open'",
                      1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        long long id = db_geti(r, i, 0);
        db_param up[] = {DBP_TEXT(why), DBP_TEXT(now), DBP_INT(id)};
        if ((rc = db_exec(ctx->db,
                          "UPDATE priority_reviews SET status = 'withdrawn', answer = $1, answered_at = $2,"
                          " version = version + 1 WHERE id = $3",
                          3, up))) {
            rc = app_db_fail(ctx, rc);
            break;
        }
        if ((rc = app__task_move(ctx, "review_id", id, NULL, NULL, 0, 0, db_get(r, i, 2), NULL)))
            break;
        json_t *after = json_pack("{s:s,s:s}", "status", "withdrawn", "reason", why);
        rc = app_event(ctx, "priority_review.withdrawn", "priority_review", id, db_get(r, i, 1), db_get(r, i, 2), NULL,
                       after, why);
        json_decref(after);
    }
    db_rows_free(r);
    return rc;
}

/* Writes a clock back to a pathway row. */
static int pw_write_clock(app_ctx *ctx, long long pw_id, const rtt_clock *c, const char *last, const char *next,
                          int touch_next)
{
    char start[SEAM_DATE_LEN], stop[SEAM_DATE_LEN], now[SEAM_ISO_LEN];
    int stopped = c->state == RTT_STOPPED || c->state == RTT_NULLIFIED;
    day_format(c->start_day, start);
    if (stopped)
        day_format(c->stop_day, stop);
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(start),
                    DBP_INT(c->start_day),
                    DBP_TEXT(stopped ? stop : NULL),
                    stopped ? DBP_INT(c->stop_day) : DBP_NULL,
                    DBP_TEXT(c->status),
                    DBP_INT(c->state == RTT_RUNNING),
                    DBP_TEXT(last),
                    DBP_TEXT(next),
                    DBP_INT(touch_next),
                    DBP_TEXT(now),
                    DBP_INT(pw_id)};
    int rc = db_exec(ctx->db,
                     "UPDATE pathways SET clock_start = $1, clock_start_day = $2, clock_stop = $3, clock_stop_day = $4,"
                     " rtt_status = $5, open = $6, last_activity = COALESCE($7, last_activity),"
                     " next_activity = CASE WHEN $9 = 1 THEN $8 ELSE next_activity END, updated_at = $10,"
                     " version = version + 1 WHERE id = $11",
                     11, p);
    return rc ? app_db_fail(ctx, rc) : 0;
}

/* Marks a pathway transferred to another provider (21): off this trust's
 * list, its clock still running elsewhere. */
static int pw_transfer_out(app_ctx *ctx, long long pw_id)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param tp[] = {DBP_TEXT(now), DBP_INT(pw_id)};
    int rc = db_exec(ctx->db,
                     "UPDATE pathways SET rtt_status = '21', open = 0, updated_at = $1, version = version + 1"
                     " WHERE id = $2",
                     2, tp);
    if (rc)
        return app_db_fail(ctx, rc);
    if ((rc = app__period_transfer_out(ctx, pw_id, seam_time_day(ctx->now))))
        return rc;
    return app__reviews_withdraw(ctx, pw_id, "The patient's pathway moved to another provider.");
}

/*
 * Puts referral ref_id's clock c on the waiting list of the trust of its
 * current service, under PPI ppi.  A pathway is one row per (trust, PPI):
 * when the trust already runs that pathway for another referral (two
 * services, one condition) the clock is that row's and nothing changes;
 * a row that is off the list gets a new period with this clock, its
 * earlier periods kept (rtt_periods).  rule and event name the start.
 */
static int pw_place(app_ctx *ctx, long long ref_id, const char *ppi, const rtt_clock *c, int rule, const char *event)
{
    db_rows *r;
    db_param p[] = {DBP_INT(ref_id), DBP_TEXT(ppi)};
    int rc = db_query(ctx->db,
                      "SELECT r.icb_code, r.patient_nhs_number, r.service_id, s.trust_code, s.treatment_function_code,"
                      " r.priority, r.created_at, p.imd_decile, p.ethnicity, p.sex, p.birth_date,"
                      " (SELECT x.id FROM pathways x WHERE x.trust_code = s.trust_code AND x.ppi = $2),"
                      " (SELECT x.open FROM pathways x WHERE x.trust_code = s.trust_code AND x.ppi = $2)"
                      " FROM referrals r JOIN services s ON s.id = r.service_id"
                      " JOIN patients p ON p.nhs_number = r.patient_nhs_number WHERE r.id = $1",
                      2, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Referral %lld vanished.", ref_id);
    }
    if (!db_isnull(r, 0, 11) && db_geti(r, 0, 12) == 1) {
        db_rows_free(r);
        return 0;
    }
    char now[SEAM_ISO_LEN], today[SEAM_DATE_LEN], start[SEAM_DATE_LEN];
    seam_time_format(ctx->now, now);
    seam_date_format(ctx->now, today);
    day_format(c->start_day, start);
    int64_t birth_day = 0;
    int have_birth = day_parse(db_get(r, 0, 10), &birth_day) == 0;
    db_param ip[] = {DBP_TEXT(db_get(r, 0, 0)),
                     DBP_TEXT(db_get(r, 0, 1)),
                     DBP_TEXT(db_get(r, 0, 3)),
                     DBP_INT(db_geti(r, 0, 2)),
                     DBP_TEXT(ppi),
                     DBP_INT(ref_id),
                     DBP_TEXT(db_get(r, 0, 4)),
                     DBP_TEXT(db_get(r, 0, 5)),
                     DBP_TEXT(today),
                     DBP_TEXT(start),
                     DBP_INT(c->start_day),
                     DBP_TEXT(c->status),
                     db_isnull(r, 0, 7) ? DBP_NULL : DBP_INT(db_geti(r, 0, 7)),
                     DBP_TEXT(eq_ethnic_group_from_name(db_get(r, 0, 8))),
                     DBP_TEXT(eq_sex_from_code(db_get(r, 0, 9))),
                     have_birth ? DBP_INT(birth_day) : DBP_NULL,
                     DBP_TEXT(now),
                     db_isnull(r, 0, 11) ? DBP_NULL : DBP_INT(db_geti(r, 0, 11))};
    if (db_isnull(r, 0, 11))
        rc = db_exec(ctx->db,
                     "INSERT INTO pathways (icb_code, patient_nhs_number, trust_code, service_id, ppi, ppi_issuer,"
                     " referral_id, treatment_function_code, referral_priority, referral_received, clock_start,"
                     " clock_start_day, rtt_status, open, imd_decile, ethnic_group, sex, birth_day, source, created_at,"
                     " updated_at) VALUES ($1, $2, $3, $4, $5, $3, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14, $15,"
                     " $16, 'seam', $17, $17)",
                     17, ip);
    else
        rc = db_exec(ctx->db,
                     "UPDATE pathways SET service_id = $4, referral_id = $6, treatment_function_code = $7,"
                     " referral_priority = $8, referral_received = $9, clock_start = $10, clock_start_day = $11,"
                     " rtt_status = $12, open = 1, clock_stop = NULL, clock_stop_day = NULL, last_activity = NULL,"
                     " next_activity = NULL, updated_at = $17, version = version + 1"
                     " WHERE id = $18",
                     18, ip);
    long long pw_id = db_isnull(r, 0, 11) ? 0 : db_geti(r, 0, 11);
    char trust[16];
    snprintf(trust, sizeof(trust), "%s", db_get(r, 0, 3));
    db_rows_free(r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (pw_id == 0) {
        db_param kp[] = {DBP_TEXT(trust), DBP_TEXT(ppi)};
        if ((rc =
                 db_query_int(ctx->db, "SELECT id FROM pathways WHERE trust_code = $1 AND ppi = $2", 2, kp, 0, &pw_id)))
            return app_db_fail(ctx, rc);
    }
    return app__period_open(ctx, pw_id, c, rule, event);
}

/* Creates the pathway of a new referral (rule 1), or carries the clock on
 * for an onward referral about the same condition (a transfer). */
static int pw_create(app_ctx *ctx, long long ref_id)
{
    db_rows *r;
    db_param p[] = {DBP_INT(ref_id)};
    int rc = db_query(ctx->db,
                      "SELECT r.clock_start, r.pathway_id, r.onward_from, r.same_condition, s.trust_code,"
                      " src.id, src.trust_code, src.open, src.clock_start_day, src.clock_stop_day, src.rtt_status"
                      " FROM referrals r JOIN services s ON s.id = r.service_id"
                      " LEFT JOIN pathways src ON src.referral_id = r.onward_from"
                      " WHERE r.id = $1 ORDER BY src.open DESC, src.id DESC LIMIT 1",
                      1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Referral %lld vanished.", ref_id);
    }
    char ppi[64], now[SEAM_ISO_LEN];
    snprintf(ppi, sizeof(ppi), "%s", db_get(r, 0, 1) ? db_get(r, 0, 1) : "");
    seam_time_format(ctx->now, now);
    int64_t start_day;
    if (day_parse(db_get(r, 0, 0), &start_day) != 0)
        start_day = seam_time_day(ctx->now);
    int transfer = !db_isnull(r, 0, 2) && db_geti(r, 0, 3) == 1;
    rtt_clock c;
    rtt_clock_init(&c);
    int64_t today = seam_time_day(ctx->now);
    if (transfer && !db_isnull(r, 0, 5) && db_geti(r, 0, 7) == 1) {
        long long src = db_geti(r, 0, 5);
        if (strcmp(db_get(r, 0, 6), db_get(r, 0, 4)) == 0) {
            /* Within the same trust the pathway moves to the new service. */
            db_param up[] = {DBP_INT(ref_id), DBP_TEXT(now), DBP_INT(src)};
            rc = db_exec(ctx->db,
                         "UPDATE pathways SET service_id = (SELECT service_id FROM referrals WHERE id = $1),"
                         " treatment_function_code = (SELECT s.treatment_function_code FROM referrals x JOIN"
                         " services s ON s.id = x.service_id WHERE x.id = $1), referral_id = $1, updated_at = $2,"
                         " version = version + 1 WHERE id = $3",
                         3, up);
            db_rows_free(r);
            if (rc)
                return app_db_fail(ctx, rc);
            return app__period_follow_service(ctx, src);
        }
        /* To another provider: the clock carries on there (21). */
        db_rows_free(r);
        if ((rc = pw_transfer_out(ctx, src)))
            return rc;
        rtt_event ev = {.kind = RTT_EV_REFERRAL, .day = start_day};
        rtt_event tr = {.kind = RTT_EV_TRANSFER, .day = today};
        rtt_apply(&c, &ev, NULL);
        if (rtt_apply(&c, &tr, NULL) != 0)
            snprintf(c.status, sizeof(c.status), "21");
        return pw_place(ctx, ref_id, ppi, &c, 0, "transfer_in");
    }
    if (transfer && !db_isnull(r, 0, 5) && !db_isnull(r, 0, 9)) {
        /* Rule 3c: a consultant's referral for the same condition after
         * the pathway's period ended: a new period from today, 12, after
         * the stopped one (which stays in the history). */
        c.state = rtt_status_nullified(db_get(r, 0, 10)) ? RTT_NULLIFIED : RTT_STOPPED;
        c.start_day = db_geti(r, 0, 8);
        c.stop_day = db_geti(r, 0, 9);
        snprintf(c.status, sizeof(c.status), "%s", db_get(r, 0, 10));
        c.activities = 1;
        c.period = 1;
        db_rows_free(r);
        rtt_event nr = {.kind = RTT_EV_NEW_REFERRAL, .day = today, .consultant = 1};
        int rule = 0;
        if (rtt_apply(&c, &nr, &rule) == 0)
            return pw_place(ctx, ref_id, ppi, &c, rule, "onward_referral");
        rtt_clock_init(&c); /* not a restart the rules allow (death): a clock of its own */
    } else {
        db_rows_free(r);
    }
    /* A new referral (rule 1), its clock from the date received. */
    rtt_event ev = {.kind = RTT_EV_REFERRAL, .day = transfer ? today : start_day};
    int rule = 0;
    rtt_apply(&c, &ev, &rule);
    return pw_place(ctx, ref_id, ppi, &c, rule, "referral_received");
}

/* The date of a rebooking after a missed first appointment: rebooked_on
 * in the body (default today), not in the future and not before the
 * missed appointment (missed_day). */
static int rebooked_on(app_ctx *ctx, json_t *body, int64_t today, int64_t missed_day, int64_t *out)
{
    const char *s = NULL;
    int rc = app__body_str(ctx, body, "rebooked_on", 0, 10, &s);
    if (rc)
        return rc;
    *out = today;
    if (s == NULL)
        return 0;
    if (day_parse(s, out) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "rebooked_on",
                        "rebooked_on must be the date the new appointment was agreed, such as 2026-11-25.");
    if (*out > today)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "rebooked_on",
                        "rebooked_on cannot be in the future: record the rebooking when it is agreed.");
    if (*out < missed_day) {
        char d[SEAM_DATE_LEN];
        day_format(missed_day, d);
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "rebooked_on",
                        "rebooked_on cannot be before the missed appointment on %s.", d);
    }
    return 0;
}

int app__pathway_on_referral(app_ctx *ctx, long long ref_id, const char *what, json_t *body)
{
    if (strcmp(what, "created") == 0)
        return pw_create(ctx, ref_id);
    db_rows *r;
    db_param p[] = {DBP_INT(ref_id)};
    int rc =
        db_query(ctx->db,
                 "SELECT pw.id, pw.clock_start_day, pw.clock_stop_day, pw.rtt_status, pw.open, pw.last_activity,"
                 " r.priority, r.service_id, s.trust_code, s.treatment_function_code, r.appointment_at, pw.trust_code,"
                 " pw.ppi, pw.next_activity FROM pathways pw JOIN referrals r ON r.id = pw.referral_id"
                 " JOIN services s ON s.id = r.service_id WHERE pw.referral_id = $1"
                 /* after a transfer the referral has a row at each trust: the current one */
                 " ORDER BY CASE WHEN pw.trust_code = s.trust_code THEN 0 ELSE 1 END, pw.open DESC, pw.id DESC"
                 " LIMIT 1",
                 1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        /* A referral from before the waiting list existed: nothing to move. */
        db_rows_free(r);
        return 0;
    }
    long long pw_id = db_geti(r, 0, 0);
    int64_t today = seam_time_day(ctx->now);
    char now[SEAM_ISO_LEN], today_s[SEAM_DATE_LEN];
    seam_time_format(ctx->now, now);
    day_format(today, today_s);
    const char *status = db_get(r, 0, 3);
    rtt_clock c;
    rtt_clock_init(&c);
    c.start_day = db_geti(r, 0, 1);
    c.state = db_geti(r, 0, 4) ? RTT_RUNNING : rtt_status_nullified(status) ? RTT_NULLIFIED : RTT_STOPPED;
    c.stop_day = db_isnull(r, 0, 2) ? RTT_NO_DAY : db_geti(r, 0, 2);
    if (c.state != RTT_RUNNING && c.stop_day == RTT_NO_DAY) {
        /* Transferred out (21, off this list): this trust no longer runs it. */
        db_rows_free(r);
        return 0;
    }
    snprintf(c.status, sizeof(c.status), "%s", status);
    /* The receipt is the period's first activity; 20 means an appointment since. */
    int attended = strcmp(status, "20") == 0 || !db_isnull(r, 0, 5);
    c.activities = attended ? 2 : 1;
    c.period = 1;
    int two_ww = strcmp(db_get(r, 0, 6), "two_week_wait") == 0;
    /* The missed appointment is the one booked (next_activity), at the latest today. */
    int64_t missed = today;
    if (!db_isnull(r, 0, 13) && day_parse(db_get(r, 0, 13), &missed) == 0 && missed > today)
        missed = today;
    rtt_event ev = {.kind = RTT_EV_ACTIVITY, .day = today, .two_week_wait = two_ww};
    int apply = 1, touch_next = 0;
    const char *last = NULL, *next = NULL;
    char appt[SEAM_DATE_LEN] = "";
    int64_t rebook_day = today;
    if ((strcmp(what, "redirect") == 0 || strcmp(what, "accept") == 0) && c.state == RTT_RUNNING &&
        strcmp(db_get(r, 0, 8), db_get(r, 0, 11)) != 0) {
        /* Redirected to another provider: a transfer, the clock carries on there. */
        char ppi[64];
        snprintf(ppi, sizeof(ppi), "%s", db_get(r, 0, 12));
        db_rows_free(r);
        if ((rc = pw_transfer_out(ctx, pw_id)))
            return rc;
        rtt_event tr = {.kind = RTT_EV_TRANSFER, .day = today};
        if (rtt_apply(&c, &tr, NULL) != 0)
            snprintf(c.status, sizeof(c.status), "21");
        return pw_place(ctx, ref_id, ppi, &c, 0, "transfer_in");
    } else if (strcmp(what, "redirect") == 0 || strcmp(what, "accept") == 0) {
        /* The clock runs on; the pathway follows the referral's service and priority. */
        db_param up[] = {DBP_INT(db_geti(r, 0, 7)),
                         DBP_TEXT(db_get(r, 0, 8)),
                         DBP_TEXT(db_get(r, 0, 9)),
                         DBP_TEXT(db_get(r, 0, 6)),
                         DBP_TEXT(now),
                         DBP_INT(pw_id)};
        rc = db_exec(ctx->db,
                     "UPDATE pathways SET service_id = $1, trust_code = $2, treatment_function_code = $3,"
                     " referral_priority = $4, updated_at = $5, version = version + 1 WHERE id = $6",
                     6, up);
        db_rows_free(r);
        if (rc)
            return app_db_fail(ctx, rc);
        return app__period_follow_service(ctx, pw_id);
    } else if (strcmp(what, "book") == 0) {
        apply = 0;
        touch_next = 1;
        if (!db_isnull(r, 0, 10))
            snprintf(appt, sizeof(appt), "%.10s", db_get(r, 0, 10));
        next = appt[0] ? appt : NULL;
    } else if (strcmp(what, "attend") == 0) {
        /* The day the patient was seen (checked by the referral), not the day it is recorded. */
        const char *att_s = json_string_value(json_object_get(body, "attended_at"));
        seam_time att;
        if (att_s && seam_time_parse(att_s, &att) == 0 && seam_time_day(att) <= today) {
            ev.day = seam_time_day(att);
            day_format(ev.day, today_s);
        }
        ev.kind = RTT_EV_ACTIVITY;
        last = today_s;
        touch_next = 1;
    } else if (strcmp(what, "return") == 0 || strcmp(what, "convert_to_advice") == 0 || strcmp(what, "withdraw") == 0) {
        ev.kind = RTT_EV_RETURN_TO_PRIMARY;
        touch_next = 1;
    } else if (strcmp(what, "resubmit") == 0) {
        /* Rule 3c: the GP's new referral, received today: 10. */
        ev.kind = RTT_EV_NEW_REFERRAL;
        ev.consultant = 0;
    } else if (strcmp(what, "discharge") == 0) {
        const char *outcome = NULL;
        db_rows_free(r);
        if ((rc = app__body_str(ctx, body, "rtt_outcome", 0, 32, &outcome)))
            return rc;
        if (rtt_outcome_event(outcome, &ev.kind, &ev.patient_initiated) != 0)
            return app_fail(ctx, SEAM_EINVALID, "invalid_value", "rtt_outcome",
                            "rtt_outcome must be treated, active_monitoring_patient, active_monitoring_clinician,"
                            " declined, not_to_treat or return_to_primary.");
        touch_next = 1;
        goto apply;
    } else if (strcmp(what, "dna_rebook") == 0 || strcmp(what, "dna_discharge") == 0) {
        ev.kind = RTT_EV_DNA;
        ev.first_activity = !attended;
        ev.discharged = strcmp(what, "dna_discharge") == 0;
        ev.missed_day = missed;
        touch_next = 1;
        if (!ev.discharged && (rc = rebooked_on(ctx, body, today, missed, &rebook_day))) {
            db_rows_free(r);
            return rc;
        }
    } else {
        apply = 0;
    }
    db_rows_free(r);
apply:
    if (apply) {
        int period = c.period, rule = 0;
        if (rtt_apply(&c, &ev, &rule) != 0)
            return 0; /* not a clock event in this state (e.g. already stopped): the clock stands */
        rc = c.period != period ? app__period_open(ctx, pw_id, &c, rule, what)
                                : app__period_update(ctx, pw_id, &c, rule, what, NULL);
        if (rc)
            return rc;
    }
    if (apply && ev.kind == RTT_EV_DNA && c.state == RTT_NULLIFIED && strcmp(what, "dna_rebook") == 0) {
        /* Rule 3e: the new clock starts when the patient rebooks, not when
         * the miss is recorded. */
        rtt_event rb = {.kind = RTT_EV_REBOOK_AFTER_DNA, .day = rebook_day, .two_week_wait = two_ww};
        int rule = 0;
        if (rtt_apply(&c, &rb, &rule) != 0)
            return app_fail(ctx, SEAM_EINVALID, "invalid_value", "rebooked_on",
                            "rebooked_on cannot be before the missed appointment.");
        if ((rc = app__period_open(ctx, pw_id, &c, rule, "rebooked")))
            return rc;
    }
    if ((rc = pw_write_clock(ctx, pw_id, &c, last, next, touch_next)))
        return rc;
    return c.state == RTT_RUNNING ? 0 : app__reviews_withdraw(ctx, pw_id, "The patient is no longer waiting.");
}
