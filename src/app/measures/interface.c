/*
 * measures/interface.c - GET /measures/interface: the interface measures
 * of a trust, per service: advice and guidance responsiveness and
 * conversion, returned and redirected referrals, onward referrals.
 * Computed from the tables and the event log, for the trust's interface
 * lead and the ICB.
 */
#include "app/figures.h"
#include "app/measures/measures.h"
#include "core/calendar.h"

#include <stdlib.h>
#include <string.h>

typedef struct row {
    measures_service svc;
    long long advice_requests, advice_answered, advice_within, advice_due_count, advice_converted, advice_ended;
    measures_values hours;
    long long triaged, returned, returned_with_advice, redirected, converted_to_advice, onward, returned_other_service;
} row;

/* The service rows of a trust, n of them, and their total. */
typedef struct rows {
    row *r;
    int n;
    row *total;
} rows;

static json_t *row_json(row *r, int with_service)
{
    json_t *o = measures__row_object(&r->svc, with_service);
    json_object_set_new(o, "advice_requests", json_integer(r->advice_requests));
    json_object_set_new(o, "advice_answered", json_integer(r->advice_answered));
    json_object_set_new(o, "advice_response_hours_median", measures__values_centile(&r->hours, 50, 1));
    json_object_set_new(o, "advice_response_hours_p90", measures__values_centile(&r->hours, 90, 1));
    json_object_set_new(o, "advice_within_target_pct", fig_pct(r->advice_within, r->advice_due_count));
    json_object_set_new(o, "advice_converted", json_integer(r->advice_converted));
    json_object_set_new(o, "advice_conversion_pct", fig_pct(r->advice_converted, r->advice_ended));
    json_object_set_new(o, "referrals_triaged", json_integer(r->triaged));
    json_object_set_new(o, "referrals_returned", json_integer(r->returned));
    json_object_set_new(o, "returned_pct", fig_pct(r->returned, r->triaged));
    json_object_set_new(o, "returned_with_advice_pct", fig_pct(r->returned_with_advice, r->returned));
    json_object_set_new(o, "referrals_redirected", json_integer(r->redirected));
    json_object_set_new(o, "redirected_pct", fig_pct(r->redirected, r->triaged));
    json_object_set_new(o, "converted_to_advice", json_integer(r->converted_to_advice));
    json_object_set_new(o, "onward_referrals_made", json_integer(r->onward));
    json_object_set_new(o, "returned_needs_other_service", json_integer(r->returned_other_service));
    return o;
}

static row *find(const rows *rs, long long service_id)
{
    return measures__service_find(rs->r, rs->n, sizeof(row), service_id);
}

/* Counts one advice request on x (a service's row or the total). */
static int count_advice(row *x, app_ctx *ctx, seam_time req, seam_time resp, int answered, seam_time due,
                        const char *status)
{
    int ended = strcmp(status, "closed") == 0 || strcmp(status, "converted") == 0 || strcmp(status, "withdrawn") == 0 ||
                strcmp(status, "advice_given") == 0;
    int rc = 0;
    x->advice_requests++;
    if (answered) {
        x->advice_answered++;
        rc = measures__values_add(&x->hours, (double)cal_working_seconds_between(req, resp) / 3600.0);
    }
    /* Within target: answered by the due time; unanswered and past due counts against. */
    if (answered || due < ctx->now) {
        x->advice_due_count++;
        if (answered && resp <= due)
            x->advice_within++;
    }
    if (ended)
        x->advice_ended++;
    if (strcmp(status, "converted") == 0)
        x->advice_converted++;
    return rc;
}

/* Advice requests asked in the period: row i of ADVICE_SQL. */
static const char ADVICE_SQL[] = "SELECT a.service_id, a.requested_at, a.first_response_at, a.status, a.priority,"
                                 " s.advice_days_routine, s.advice_days_urgent"
                                 " FROM advice_requests a JOIN services s ON s.id = a.service_id"
                                 " WHERE s.trust_code = $1 AND a.requested_at >= $2 AND a.requested_at < $3";

static int advice_row(app_ctx *ctx, const db_rows *r, int i, rows *rs)
{
    row *sr = find(rs, db_geti(r, i, 0));
    if (sr == NULL)
        return 0;
    seam_time req, resp = 0;
    seam_time_parse(db_get(r, i, 1), &req);
    int answered = !db_isnull(r, i, 2) && seam_time_parse(db_get(r, i, 2), &resp) == 0;
    int days = (int)db_geti(r, i, strcmp(db_get(r, i, 4), "urgent") == 0 ? 6 : 5);
    seam_time due = cal_add_working_days(req, days);
    int rc = count_advice(sr, ctx, req, resp, answered, due, db_get(r, i, 3));
    return rc ? rc : count_advice(rs->total, ctx, req, resp, answered, due, db_get(r, i, 3));
}

/* Counts one triage decision act on x. */
static void count_triage(row *x, const char *act, json_t *detail)
{
    x->triaged++;
    if (strcmp(act, "referral.returned") == 0) {
        x->returned++;
        const char *adv = json_string_value(json_object_get(detail, "advice"));
        if (adv && *adv)
            x->returned_with_advice++;
    } else if (strcmp(act, "referral.redirected") == 0) {
        x->redirected++;
    } else if (strcmp(act, "referral.converted_to_advice") == 0) {
        x->converted_to_advice++;
    }
}

/* Triage decisions in the period, from the event log: the service that
 * decided is the one the referral was with before the decision. */
static const char TRIAGE_SQL[] = "SELECT e.action, e.before_json, e.detail FROM events e"
                                 " WHERE e.object_type = 'referral' AND e.at >= $2 AND e.at < $3 AND e.action IN"
                                 " ('referral.accepted', 'referral.returned', 'referral.redirected',"
                                 " 'referral.converted_to_advice') AND e.actor_org = $1";

static int triage_row(app_ctx *ctx, const db_rows *r, int i, rows *rs)
{
    (void)ctx;
    json_t *before = db_get(r, i, 1) ? json_loads(db_get(r, i, 1), 0, NULL) : NULL;
    json_t *detail = db_get(r, i, 2) ? json_loads(db_get(r, i, 2), 0, NULL) : NULL;
    row *sr = before ? find(rs, json_integer_value(json_object_get(before, "service_id"))) : NULL;
    if (sr) {
        count_triage(sr, db_get(r, i, 0), detail);
        count_triage(rs->total, db_get(r, i, 0), detail);
    }
    json_decref(before);
    json_decref(detail);
    return 0;
}

/* Returns asking the GP to refer elsewhere, and onward referrals the
 * trust made itself instead. */
static const char ONWARD_SQL[] =
    "SELECT r.service_id, 'other' FROM referrals r JOIN services s ON s.id = r.service_id"
    " WHERE s.trust_code = $1 AND r.return_reason_code = 'needs_other_service'"
    " AND r.returned_at >= $2 AND r.returned_at < $3"
    " UNION ALL"
    " SELECT src.service_id, 'onward' FROM referrals r JOIN referrals src ON src.id = r.onward_from"
    " WHERE r.requester_org = $1 AND r.created_at >= $2 AND r.created_at < $3";

static int onward_row(app_ctx *ctx, const db_rows *r, int i, rows *rs)
{
    (void)ctx;
    row *both[] = {find(rs, db_geti(r, i, 0)), rs->total};
    for (int k = 0; k < 2; k++) {
        if (both[k] == NULL)
            continue;
        if (strcmp(db_get(r, i, 1), "onward") == 0)
            both[k]->onward++;
        else
            both[k]->returned_other_service++;
    }
    return 0;
}

/* The passes over the period, each a query ($1 trust, [$2, $3) the
 * period) and what one of its rows counts. */
static const struct pass {
    const char *sql;
    int (*row)(app_ctx *ctx, const db_rows *r, int i, rows *rs);
} passes[] = {{ADVICE_SQL, advice_row}, {TRIAGE_SQL, triage_row}, {ONWARD_SQL, onward_row}};

static int run_pass(app_ctx *ctx, const struct pass *ps, const db_param *p, rows *rs)
{
    db_rows *r;
    int rc = db_query(ctx->db, ps->sql, 3, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    for (int i = 0; i < db_nrows(r) && rc == 0; i++)
        rc = ps->row(ctx, r, i, rs);
    db_rows_free(r);
    return rc ? app_fail(ctx, rc, NULL, NULL, "Out of memory.") : 0;
}

int app_measures_interface(app_ctx *ctx, const void *arg, json_t **out)
{
    measures_scope m;
    int rc = app__measures_scope(ctx, arg, "Interface", &m);
    if (rc)
        return rc;
    rows rs = {0};
    void *all = NULL;
    if ((rc = measures__services(ctx, m.trust, sizeof(row), &all, &rs.n))) {
        json_decref(m.trust_json);
        return rc;
    }
    rs.r = all;
    rs.total = &rs.r[rs.n];
    db_param p[] = {DBP_TEXT(m.trust), DBP_TEXT(m.from_s), DBP_TEXT(m.to_s)};
    for (size_t k = 0; rc == 0 && k < sizeof(passes) / sizeof(passes[0]); k++)
        rc = run_pass(ctx, &passes[k], p, &rs);
    if (rc == 0) {
        json_t *list = json_array();
        for (int i = 0; i < rs.n; i++)
            json_array_append_new(list, row_json(&rs.r[i], 1));
        *out = measures__report(&m, list, row_json(rs.total, 0));
    }
    for (int i = 0; i <= rs.n; i++)
        measures__values_free(&rs.r[i].hours);
    free(rs.r);
    json_decref(m.trust_json);
    return rc;
}
