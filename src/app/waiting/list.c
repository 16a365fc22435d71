/*
 * waiting/list.c - GET /waiting-list: the shared waiting list, filtered
 * and paged, at today or a past census.
 */
#include "app/waiting/waiting_internal.h"
#include "app/waiting/rtt_periods.h"
#include "common/rc.h"
#include "core/priority.h"
#include "core/waits.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The query of a waiting list: its census day, whether that is past, the
 * join and columns giving each pathway's clock then, whether the
 * patients must be joined, and the WHERE clause alone (w). */
typedef struct wl_query {
    int64_t census;
    int past, need_patient;
    char join[400], start_col[80], open_col[40];
    sqlb w;
} wl_query;

/* Practice and trust staff see their own organisation's list; an ICB
 * analyst's practice must be of their ICB.  0, or an app error. */
static int check_scope(app_ctx *ctx, const app_wl_args *a)
{
    const char *role = ctx->user.role;
    if (app_role_is_practice(role) && a->practice && *a->practice && strcmp(a->practice, ctx->user.org_code) != 0)
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "practice",
                        "Your waiting list is your own practice's patients.");
    if (app_role_is_trust(role) && a->trust && *a->trust && strcmp(a->trust, ctx->user.org_code) != 0)
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "trust", "Your waiting list is your own trust's.");
    if (strcmp(role, "icb_analyst") == 0 && a->practice && *a->practice) {
        long long n;
        db_param op[] = {DBP_TEXT(a->practice), DBP_TEXT(ctx->user.icb_code)};
        int rc = db_query_int(ctx->db,
                              "SELECT count(*) FROM organisations WHERE code = $1 AND kind = 'practice'"
                              " AND icb_code = $2",
                              2, op, 0, &n);
        if (rc)
            return app_db_fail(ctx, rc);
        if (n == 0)
            return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "practice", "There is no practice %s in your ICB.",
                            a->practice);
    }
    return 0;
}

/* A past census is the list as it stood that day: the pathways with a
 * period (rtt_periods) that had started and not stopped by then.  Today
 * (or later) it is the pathways' own open flag. */
static void clock_columns(app_ctx *ctx, wl_query *q)
{
    q->past = q->census < seam_time_day(ctx->now);
    q->join[0] = '\0';
    snprintf(q->start_col, sizeof(q->start_col), "pw.clock_start_day");
    snprintf(q->open_col, sizeof(q->open_col), "pw.open = 1");
    if (q->past) {
        char pred[300];
        app__period_waiting_sql(pred, sizeof(pred), q->census);
        snprintf(q->join, sizeof(q->join), " LEFT JOIN rtt_periods rp ON %s", pred);
        snprintf(q->start_col, sizeof(q->start_col), "COALESCE(rp.start_day, pw.clock_start_day)");
        snprintf(q->open_col, sizeof(q->open_col), "rp.id IS NOT NULL");
    }
}

/* The priority filter: a code, or "none" for the unprioritised. */
static int where_priority(app_ctx *ctx, const char *priority, sqlb *w)
{
    prio_code pc;
    if (strcmp(priority, "none") == 0) {
        sqlb_add(w, " AND pw.priority IS NULL");
    } else if (prio_parse(priority, &pc) == 0) {
        sqlb_add(w, " AND pw.priority = $?");
        sqlb_param(w, DBP_TEXT(prio_name(pc)));
    } else {
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "priority",
                        "priority must be P1a, P1b, P2, P3, P4, P6 or none.");
    }
    return 0;
}

/* The WHERE clause of the list: visibility, status and the filters.  The
 * page reads it with every join (PW_FROM), the summary with only the
 * patient, when the rule needs them (practice and patient visibility, a
 * practice filter). */
static int build_where(app_ctx *ctx, const app_wl_args *a, wl_query *q)
{
    const char *role = ctx->user.role;
    sqlb *w = &q->w;
    int practice = a->practice && *a->practice;
    q->need_patient = app_role_is_practice(role) || strcmp(role, "patient") == 0 || practice;
    sqlb_init(w);
    sqlb_add(w, " WHERE 1 = 1");
    waiting__visibility(ctx, w);
    const char *status = a->status && *a->status ? a->status : "open";
    /* A practice's or a patient's list starts from their patients: "+"
     * keeps the planner off the national (open, clock start) index, which
     * would walk every open pathway in England to find them. */
    int by_patient = q->need_patient || (a->patient && *a->patient);
    int past = q->past;
    if (strcmp(status, "open") == 0)
        sqlb_add(w, past ? " AND rp.id IS NOT NULL" : by_patient ? " AND +pw.open = 1" : " AND pw.open = 1");
    else if (strcmp(status, "closed") == 0)
        sqlb_add(w, past ? " AND rp.id IS NULL" : by_patient ? " AND +pw.open = 0" : " AND pw.open = 0");
    else if (strcmp(status, "all") != 0)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "status", "status must be open, closed or all.");
    if (a->trust && *a->trust) {
        sqlb_add(w, " AND pw.trust_code = $?");
        sqlb_param(w, DBP_TEXT(a->trust));
    }
    if (a->service > 0) {
        sqlb_add(w, " AND pw.service_id = $?");
        sqlb_param(w, DBP_INT(a->service));
    }
    if (practice) {
        sqlb_add(w, " AND p.practice_code = $?");
        sqlb_param(w, DBP_TEXT(a->practice));
    }
    if (a->patient && *a->patient) {
        sqlb_add(w, " AND pw.patient_nhs_number = $?");
        sqlb_param(w, DBP_TEXT(a->patient));
    }
    int rc = a->priority && *a->priority ? where_priority(ctx, a->priority, w) : 0;
    if (rc)
        return rc;
    if (a->min_weeks > 0) {
        sqlb_add(w, past ? " AND COALESCE(rp.start_day, pw.clock_start_day) <= $?" : " AND pw.clock_start_day <= $?");
        sqlb_param(w, DBP_INT(waits_at_least_start_by(q->census, a->min_weeks)));
    }
    if (w->overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    return 0;
}

/* The summary is over every matching row, not only this page; only rows
 * on the list (open, or waiting at a past census) are waiting.  The
 * thresholds are computed integers, written into the text so that the
 * shared WHERE keeps its parameter numbers. */
static int read_summary(app_ctx *ctx, const wl_query *q, json_t **summary, long long *total)
{
    char head[1400];
    snprintf(head, sizeof(head),
             "SELECT count(*), COALESCE(sum(CASE WHEN %s AND %s < %lld THEN 1 ELSE 0 END), 0),"
             " COALESCE(sum(CASE WHEN %s AND %s < %lld THEN 1 ELSE 0 END), 0),"
             " COALESCE(sum(CASE WHEN %s AND pw.priority IS NULL THEN 1 ELSE 0 END), 0),"
             " COALESCE(sum(CASE WHEN %s THEN 1 ELSE 0 END), 0) FROM pathways pw%s%s",
             q->open_col, q->start_col, (long long)waits_over_start_before(q->census, WAITS_STANDARD_WEEKS),
             q->open_col, q->start_col, (long long)waits_over_start_before(q->census, WAITS_LONG_WEEKS), q->open_col,
             q->open_col, q->need_patient ? " JOIN patients p ON p.nhs_number = pw.patient_nhs_number" : "", q->join);
    sqlb s;
    sqlb_init(&s);
    sqlb_add(&s, head);
    sqlb_append(&s, &q->w);
    db_rows *r;
    int rc = waiting__query(ctx, &s, &r);
    if (rc)
        return rc;
    *summary = json_pack("{s:I,s:I,s:I,s:I}", "waiting", (json_int_t)db_geti(r, 0, 4), "over_18_weeks",
                         (json_int_t)db_geti(r, 0, 1), "over_52_weeks", (json_int_t)db_geti(r, 0, 2), "unprioritised",
                         (json_int_t)db_geti(r, 0, 3));
    *total = db_geti(r, 0, 0);
    db_rows_free(r);
    return 0;
}

/* The page's ids first, from the pathways (and patients) alone; then
 * everything shown, joined for those rows only.  Each row read is
 * audited.  A new array in *items. */
static int read_page(app_ctx *ctx, const app_wl_args *a, const wl_query *q, json_t **items)
{
    char order[160];
    snprintf(order, sizeof(order), " ORDER BY %s, pw.id", q->start_col);
    sqlb s;
    sqlb_init(&s);
    sqlb_add(&s, q->past ? "SELECT" PW_COLS_HEAD PW_COLS_CLOCK_PAST PW_COLS_TAIL PW_FROM : "SELECT" PW_COLUMNS PW_FROM);
    sqlb_add(&s, q->join);
    sqlb_add(&s, " WHERE pw.id IN (SELECT pw.id FROM pathways pw");
    if (q->need_patient)
        sqlb_add(&s, " JOIN patients p ON p.nhs_number = pw.patient_nhs_number");
    sqlb_add(&s, q->join);
    sqlb_append(&s, &q->w);
    sqlb_add(&s, order);
    sqlb_add(&s, " LIMIT $?");
    sqlb_param(&s, DBP_INT(a->page_size));
    sqlb_add(&s, " OFFSET $?");
    sqlb_param(&s, DBP_INT((long long)(a->page - 1) * a->page_size));
    sqlb_add(&s, ")");
    sqlb_add(&s, order);
    db_rows *r;
    int rc = waiting__query(ctx, &s, &r);
    if (rc)
        return rc;
    *items = json_array();
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        json_array_append_new(*items, waiting__pathway_json(r, i, q->census));
        rc = app_event(ctx, "read.waiting_list", "pathway", db_geti(r, i, C_ID), db_get(r, i, C_NHS),
                       db_get(r, i, C_ICB), NULL, NULL, NULL);
    }
    db_rows_free(r);
    if (rc) {
        json_decref(*items);
        *items = NULL;
    }
    return rc;
}

int app_waiting_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_wl_args *a = arg;
    wl_query q;
    int rc = waiting__census(ctx, a->census, &q.census);
    if (rc == 0)
        rc = check_scope(ctx, a);
    if (rc)
        return rc;
    clock_columns(ctx, &q);
    if ((rc = build_where(ctx, a, &q)))
        return rc;
    json_t *summary = NULL, *items = NULL;
    long long total = 0;
    if ((rc = read_summary(ctx, &q, &summary, &total)))
        return rc;
    if ((rc = read_page(ctx, a, &q, &items))) {
        json_decref(summary);
        return rc;
    }
    char cd[SEAM_DATE_LEN];
    waiting__day_format(q.census, cd);
    *out = json_pack("{s:o,s:I,s:i,s:i,s:s,s:o}", "items", items, "total", (json_int_t)total, "page", a->page,
                     "page_size", a->page_size, "census_date", cd, "summary", summary);
    return 0;
}
