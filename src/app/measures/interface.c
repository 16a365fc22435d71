/*
 * measures.c - the interface measures of a trust, per service: advice and
 * guidance responsiveness and conversion, returned and redirected
 * referrals, onward referrals.  Computed from the tables and the event
 * log, for the trust's interface lead and the ICB.
 */
#include "app/app.h"
#include "app/figures.h"
#include "app/frame/frame.h"
#include "app/measures/measures.h"
#include "common/rc.h"
#include "core/calendar.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct row {
    long long service_id;
    char name[160];
    long long advice_requests, advice_answered, advice_within, advice_due_count, advice_converted, advice_ended;
    double *hours;
    size_t nhours, cap;
    long long triaged, returned, returned_with_advice, redirected, converted_to_advice, onward, returned_other_service;
} row;

static json_t *row_json(row *r, int with_service)
{
    json_t *o = json_object();
    if (with_service)
        json_object_set_new(o, "service", json_pack("{s:I,s:s}", "id", (json_int_t)r->service_id, "name", r->name));
    qsort(r->hours, r->nhours, sizeof(double), fig_cmp_double);
    json_object_set_new(o, "advice_requests", json_integer(r->advice_requests));
    json_object_set_new(o, "advice_answered", json_integer(r->advice_answered));
    json_object_set_new(o, "advice_response_hours_median",
                        r->nhours ? json_real(fig_round1(fig_centile(r->hours, r->nhours, 50))) : json_null());
    json_object_set_new(o, "advice_response_hours_p90",
                        r->nhours ? json_real(fig_round1(fig_centile(r->hours, r->nhours, 90))) : json_null());
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

static row *find(row *rows, int n, long long service_id)
{
    for (int i = 0; i < n; i++)
        if (rows[i].service_id == service_id)
            return &rows[i];
    return NULL;
}

static int add_hours(row *r, double h)
{
    if (r->nhours == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 64;
        double *nv = realloc(r->hours, ncap * sizeof(double));
        if (nv == NULL)
            return SEAM_ENOMEM;
        r->hours = nv;
        r->cap = ncap;
    }
    r->hours[r->nhours++] = h;
    return 0;
}

int app__measures_scope(app_ctx *ctx, const app_measures_args *a, const char *what, measures_scope *m)
{
    const char *role = ctx->user.role;
    const char *trust = a->trust && *a->trust ? a->trust : NULL;
    if (app_role_is_trust(role)) {
        if (trust && strcmp(trust, ctx->user.org_code) != 0)
            return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "trust", "Your measures are your own trust's.");
        trust = ctx->user.org_code;
    } else if (strcmp(role, "icb_analyst") == 0 || strcmp(role, "admin") == 0) {
        if (trust == NULL)
            return app_fail(ctx, SEAM_EINVALID, "missing_field", "trust", "Select a trust (trust=ODS code).");
    } else {
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                        "%s measures are for trust staff, interface leads and the ICB.", what);
    }
    seam_time from, to;
    if (a->to && *a->to) {
        if (seam_time_parse(a->to, &to) != 0)
            return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "to", "to must be a date such as 2026-11-30.");
        if (strlen(a->to) == 10)
            to += 86400; /* a date means the whole day */
    } else {
        to = (seam_time_day(ctx->now) + 1) * 86400; /* the end of today */
    }
    if (a->from && *a->from) {
        if (seam_time_parse(a->from, &from) != 0)
            return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "from", "from must be a date such as 2026-01-01.");
    } else {
        from = to - 365 * 86400LL;
    }
    if (to <= from)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "from", "from must be before to.");
    seam_time_format(from, m->from_s);
    seam_time_format(to, m->to_s);
    /* Shown as dates: the first and the last day counted. */
    seam_date_format(from, m->from_d);
    seam_date_format(to - 1, m->to_d);

    db_rows *r;
    db_param tp[] = {DBP_TEXT(trust), DBP_TEXT(ctx->user.icb_code), DBP_TEXT(role)};
    int rc = db_query(ctx->db,
                      "SELECT o.code, o.name FROM organisations o WHERE o.code = $1 AND o.kind = 'trust'"
                      " AND ($3 <> 'icb_analyst' OR o.icb_code = $2)",
                      3, tp, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "trust", "There is no trust %s in your ICB.", trust);
    }
    snprintf(m->trust, sizeof(m->trust), "%s", db_get(r, 0, 0));
    m->trust_json = json_pack("{s:s,s:s}", "code", db_get(r, 0, 0), "name", db_get(r, 0, 1));
    db_rows_free(r);
    return 0;
}

int app_measures_interface(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_measures_args *a = arg;
    measures_scope m;
    int rc = app__measures_scope(ctx, a, "Interface", &m);
    if (rc)
        return rc;
    const char *trust = m.trust;
    const char *from_s = m.from_s, *to_s = m.to_s, *from_d = m.from_d, *to_d = m.to_d;
    json_t *trust_json = m.trust_json;
    db_rows *r;

    db_param sp[] = {DBP_TEXT(trust)};
    rc = db_query(ctx->db, "SELECT id, name FROM services WHERE trust_code = $1 ORDER BY name", 1, sp, &r);
    if (rc) {
        json_decref(trust_json);
        return app_db_fail(ctx, rc);
    }
    int n = db_nrows(r);
    row *rows = calloc((size_t)n + 1, sizeof(row));
    for (int i = 0; rows && i < n; i++) {
        rows[i].service_id = db_geti(r, i, 0);
        snprintf(rows[i].name, sizeof(rows[i].name), "%s", db_get(r, i, 1));
    }
    db_rows_free(r);
    if (rows == NULL) {
        json_decref(trust_json);
        return app_fail(ctx, SEAM_ENOMEM, NULL, NULL, "Out of memory.");
    }
    row *total = &rows[n];

    /* Advice requests asked in the period. */
    db_param ap[] = {DBP_TEXT(trust), DBP_TEXT(from_s), DBP_TEXT(to_s)};
    rc = db_query(ctx->db,
                  "SELECT a.service_id, a.requested_at, a.first_response_at, a.status, a.priority,"
                  " s.advice_days_routine, s.advice_days_urgent"
                  " FROM advice_requests a JOIN services s ON s.id = a.service_id"
                  " WHERE s.trust_code = $1 AND a.requested_at >= $2 AND a.requested_at < $3",
                  3, ap, &r);
    if (rc)
        goto dbfail;
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        row *sr = find(rows, n, db_geti(r, i, 0));
        if (sr == NULL)
            continue;
        row *both[] = {sr, total};
        seam_time req, resp = 0;
        seam_time_parse(db_get(r, i, 1), &req);
        int answered = !db_isnull(r, i, 2) && seam_time_parse(db_get(r, i, 2), &resp) == 0;
        const char *status = db_get(r, i, 3);
        int days = (int)db_geti(r, i, strcmp(db_get(r, i, 4), "urgent") == 0 ? 6 : 5);
        seam_time due = cal_add_working_days(req, days);
        int ended = strcmp(status, "closed") == 0 || strcmp(status, "converted") == 0 ||
                    strcmp(status, "withdrawn") == 0 || strcmp(status, "advice_given") == 0;
        for (int k = 0; k < 2; k++) {
            row *x = both[k];
            x->advice_requests++;
            if (answered) {
                x->advice_answered++;
                rc = add_hours(x, (double)cal_working_seconds_between(req, resp) / 3600.0);
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
        }
    }
    db_rows_free(r);
    if (rc)
        goto fail;

    /* Triage decisions in the period, from the event log: the service that
     * decided is the one the referral was with before the decision. */
    rc = db_query(ctx->db,
                  "SELECT e.action, e.before_json, e.detail FROM events e"
                  " WHERE e.object_type = 'referral' AND e.at >= $2 AND e.at < $3 AND e.action IN"
                  " ('referral.accepted', 'referral.returned', 'referral.redirected', 'referral.converted_to_advice')"
                  " AND e.actor_org = $1",
                  3, ap, &r);
    if (rc)
        goto dbfail;
    for (int i = 0; i < db_nrows(r); i++) {
        json_t *before = db_get(r, i, 1) ? json_loads(db_get(r, i, 1), 0, NULL) : NULL;
        json_t *detail = db_get(r, i, 2) ? json_loads(db_get(r, i, 2), 0, NULL) : NULL;
        row *sr = before ? find(rows, n, json_integer_value(json_object_get(before, "service_id"))) : NULL;
        if (sr) {
            row *both[] = {sr, total};
            const char *act = db_get(r, i, 0);
            for (int k = 0; k < 2; k++) {
                row *x = both[k];
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
        }
        json_decref(before);
        json_decref(detail);
    }
    db_rows_free(r);

    /* Returns asking the GP to refer elsewhere, and onward referrals the
     * trust made itself instead. */
    rc = db_query(ctx->db,
                  "SELECT r.service_id, 'other' FROM referrals r JOIN services s ON s.id = r.service_id"
                  " WHERE s.trust_code = $1 AND r.return_reason_code = 'needs_other_service'"
                  " AND r.returned_at >= $2 AND r.returned_at < $3"
                  " UNION ALL"
                  " SELECT src.service_id, 'onward' FROM referrals r JOIN referrals src ON src.id = r.onward_from"
                  " WHERE r.requester_org = $1 AND r.created_at >= $2 AND r.created_at < $3",
                  3, ap, &r);
    if (rc)
        goto dbfail;
    for (int i = 0; i < db_nrows(r); i++) {
        row *sr = find(rows, n, db_geti(r, i, 0));
        row *both[] = {sr, total};
        for (int k = 0; k < 2; k++) {
            if (both[k] == NULL)
                continue;
            if (strcmp(db_get(r, i, 1), "onward") == 0)
                both[k]->onward++;
            else
                both[k]->returned_other_service++;
        }
    }
    db_rows_free(r);

    json_t *list = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(list, row_json(&rows[i], 1));
    *out = json_pack("{s:o,s:s,s:s,s:o,s:o}", "trust", trust_json, "from", from_d, "to", to_d, "services", list,
                     "total", row_json(total, 0));
    for (int i = 0; i <= n; i++)
        free(rows[i].hours);
    free(rows);
    return 0;
dbfail:
    rc = app_db_fail(ctx, rc);
fail:
    for (int i = 0; i <= n; i++)
        free(rows[i].hours);
    free(rows);
    json_decref(trust_json);
    return rc;
}
