/*
 * waiting/list.c - GET /waiting-list: the shared waiting list, filtered
 * and paged, at today or a past census.
 */
#include "app/waiting/waiting_internal.h"
#include "app/frame/access.h"
#include "app/app.h"
#include "app/csv.h"
#include "app/figures.h"
#include "app/frame/frame.h"
#include "app/waiting/rtt_periods.h"
#include "app/frame/sqlb.h"
#include "common/rc.h"
#include "core/calendar.h"
#include "core/equity.h"
#include "core/handoff.h"
#include "core/priority.h"
#include "core/rtt.h"
#include "core/waits.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int app_waiting_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_wl_args *a = arg;
    const char *role = ctx->user.role;
    int64_t census;
    int rc = waiting__census(ctx, a->census, &census);
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
    waiting__visibility(ctx, &w);
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
        sqlb_add(&w, past ? " AND COALESCE(rp.start_day, pw.clock_start_day) <= $?" : " AND pw.clock_start_day <= $?");
        sqlb_param(&w, DBP_INT(waits_at_least_start_by(census, a->min_weeks)));
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
             open_col, start_col, (long long)waits_over_start_before(census, WAITS_STANDARD_WEEKS), open_col, start_col,
             (long long)waits_over_start_before(census, WAITS_LONG_WEEKS), open_col, open_col,
             need_patient ? " JOIN patients p ON p.nhs_number = pw.patient_nhs_number" : "", join);
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
        json_array_append_new(items, waiting__pathway_json(r, i, census));
        rc = app_event(ctx, "read.waiting_list", "pathway", db_geti(r, i, C_ID), db_get(r, i, C_NHS),
                       db_get(r, i, C_ICB), NULL, NULL, NULL);
    }
    db_rows_free(r);
    char cd[SEAM_DATE_LEN];
    waiting__day_format(census, cd);
    *out = json_pack("{s:o,s:I,s:i,s:i,s:s,s:o}", "items", items, "total", (json_int_t)total, "page", a->page,
                     "page_size", a->page_size, "census_date", cd, "summary", summary);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}
