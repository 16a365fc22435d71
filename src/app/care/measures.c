/*
 * care/measures.c - complete-care measures per service: letters on time,
 * results reviewed in time, handoffs, overdue follow-ups, missed
 * appointments.
 */
#include "app/care/care_internal.h"
#include "app/measures/measures.h"
#include "app/frame/access.h"
#include "app/app.h"
#include "app/figures.h"
#include "app/frame/sqlb.h"
#include "common/rc.h"
#include "core/calendar.h"
#include "core/care.h"
#include "core/nhs_number.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cc_row {
    long long id;
    char name[160];
    long long sent, on_time, overdue, received, reviewed, reviewed_in_time, ho_req, ho_acc, ho_dec, fu_overdue, dnas;
    double *delays;
    size_t ndelays, cap;
} cc_row;

static json_t *cc_json(cc_row *r, int with_service)
{
    json_t *o = json_object();
    if (with_service)
        json_object_set_new(o, "service", json_pack("{s:I,s:s}", "id", (json_int_t)r->id, "name", r->name));
    qsort(r->delays, r->ndelays, sizeof(double), fig_cmp_double);
    json_object_set_new(o, "letters_sent", json_integer(r->sent));
    json_object_set_new(o, "letters_on_time_pct", fig_pct(r->on_time, r->sent));
    json_object_set_new(o, "letter_delay_days_median",
                        r->ndelays ? json_real(fig_round1(fig_centile(r->delays, r->ndelays, 50))) : json_null());
    json_object_set_new(o, "letters_overdue", json_integer(r->overdue));
    json_object_set_new(o, "results_received", json_integer(r->received));
    json_object_set_new(o, "results_reviewed", json_integer(r->reviewed));
    json_object_set_new(o, "results_reviewed_within_target_pct", fig_pct(r->reviewed_in_time, r->reviewed));
    json_object_set_new(o, "handovers_requested", json_integer(r->ho_req));
    json_object_set_new(o, "handovers_accepted", json_integer(r->ho_acc));
    json_object_set_new(o, "handovers_declined", json_integer(r->ho_dec));
    json_object_set_new(o, "follow_ups_overdue", json_integer(r->fu_overdue));
    json_object_set_new(o, "dnas", json_integer(r->dnas));
    json_object_set_new(o, "dnas_bounced_to_gp", json_integer(0));
    return o;
}

static cc_row *cc_find(cc_row *rows, int n, long long id)
{
    for (int i = 0; i < n; i++)
        if (rows[i].id == id)
            return &rows[i];
    return NULL;
}

int app_measures_complete_care(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_measures_args *a = arg;
    measures_scope scope;
    int rc = app__measures_scope(ctx, a, "Complete-care", &scope);
    if (rc)
        return rc;
    const char *trust = scope.trust;
    const char *from_s = scope.from_s, *to_s = scope.to_s, *from_d = scope.from_d, *to_d = scope.to_d;
    json_t *trust_json = scope.trust_json;
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_rows *r;
    db_param sp[] = {DBP_TEXT(trust)};
    if ((rc = db_query(ctx->db, "SELECT id, name FROM services WHERE trust_code = $1 ORDER BY name", 1, sp, &r))) {
        json_decref(trust_json);
        return app_db_fail(ctx, rc);
    }
    int n = db_nrows(r);
    cc_row *rows = calloc((size_t)n + 1, sizeof(cc_row));
    for (int i = 0; rows && i < n; i++) {
        rows[i].id = db_geti(r, i, 0);
        snprintf(rows[i].name, sizeof(rows[i].name), "%s", db_get(r, i, 1));
    }
    db_rows_free(r);
    if (rows == NULL) {
        json_decref(trust_json);
        return app_fail(ctx, SEAM_ENOMEM, NULL, NULL, "Out of memory.");
    }
    cc_row *total = &rows[n];
    db_param wp[] = {DBP_TEXT(trust), DBP_TEXT(from_s), DBP_TEXT(to_s), DBP_TEXT(now)};
    /* One pass per source; each row is (service, measure, a, b). */
    rc = db_query(ctx->db,
                  "SELECT l.service_id, 'letter', l.event_at, l.sent_at, l.due_at FROM letters l JOIN services s ON"
                  " s.id = l.service_id WHERE s.trust_code = $1 AND ((l.sent_at >= $2 AND l.sent_at < $3) OR"
                  " (l.status = 'due' AND l.due_at < $4))"
                  " UNION ALL SELECT x.service_id, 'result', x.received_at, x.reviewed_at,"
                  " CASE WHEN x.abnormal = 1 OR o.urgency = 'urgent' THEN '1' ELSE '0' END"
                  " FROM results x JOIN result_orders o ON o.id = x.order_id JOIN services s ON s.id = x.service_id"
                  " WHERE s.trust_code = $1 AND x.received_at >= $2 AND x.received_at < $3"
                  /* Every hand-over request and answer, from the log: a result may be offered twice. */
                  " UNION ALL SELECT x.service_id, 'handover', e.at, e.action, NULL FROM events e JOIN results x ON"
                  " e.object_type = 'result' AND e.object_id = CAST(x.id AS TEXT) JOIN services s ON s.id ="
                  " x.service_id WHERE s.trust_code = $1 AND e.action IN ('result.handover_requested',"
                  " 'result.handover_accepted', 'result.handover_declined') AND e.at >= $2 AND e.at < $3"
                  " UNION ALL SELECT f.service_id, 'follow_up', f.window_end, NULL, NULL FROM follow_ups f"
                  " JOIN services s ON s.id = f.service_id JOIN tasks t ON t.follow_up_id = f.id AND"
                  " t.state = 'open' WHERE s.trust_code = $1 AND t.due_at < $4"
                  " UNION ALL SELECT r.service_id, 'dna', e.at, NULL, NULL FROM events e JOIN referrals r ON"
                  " e.object_type = 'referral' AND e.object_id = CAST(r.id AS TEXT) JOIN services s ON s.id ="
                  " r.service_id WHERE s.trust_code = $1 AND e.action IN ('referral.dna_rebooked',"
                  " 'referral.dna_discharged') AND e.at >= $2 AND e.at < $3",
                  4, wp, &r);
    if (rc) {
        rc = app_db_fail(ctx, rc);
        goto done;
    }
    for (int i = 0; i < db_nrows(r); i++) {
        cc_row *sr = cc_find(rows, n, db_geti(r, i, 0));
        if (sr == NULL)
            continue;
        cc_row *both[] = {sr, total};
        const char *m = db_get(r, i, 1), *x1 = db_get(r, i, 2), *x2 = db_get(r, i, 3), *x3 = db_get(r, i, 4);
        for (int k = 0; k < 2; k++) {
            cc_row *c = both[k];
            if (strcmp(m, "letter") == 0) {
                if (x2 == NULL) {
                    c->overdue++;
                    continue;
                }
                c->sent++;
                if (strcmp(x2, x3) <= 0)
                    c->on_time++;
                seam_time ev, st;
                if (seam_time_parse(x1, &ev) == 0 && seam_time_parse(x2, &st) == 0) {
                    if (c->ndelays == c->cap) {
                        size_t nc = c->cap ? c->cap * 2 : 32;
                        double *nd = realloc(c->delays, nc * sizeof(double));
                        if (nd == NULL)
                            continue;
                        c->delays = nd;
                        c->cap = nc;
                    }
                    c->delays[c->ndelays++] = (double)(st - ev) / 86400.0;
                }
            } else if (strcmp(m, "result") == 0) {
                c->received++;
                int abnormal = x3 && x3[0] == '1'; /* abnormal or urgent: 1 working day */
                if (x2) {
                    c->reviewed++;
                    seam_time rec, rev;
                    if (seam_time_parse(x1, &rec) == 0 && seam_time_parse(x2, &rev) == 0 &&
                        rev <= care_result_review_due(rec, abnormal, 0))
                        c->reviewed_in_time++;
                }
            } else if (strcmp(m, "handover") == 0) {
                if (strcmp(x2, "result.handover_requested") == 0)
                    c->ho_req++;
                else if (strcmp(x2, "result.handover_accepted") == 0)
                    c->ho_acc++;
                else
                    c->ho_dec++;
            } else if (strcmp(m, "follow_up") == 0) {
                c->fu_overdue++;
            } else if (strcmp(m, "dna") == 0) {
                c->dnas++;
            }
        }
    }
    db_rows_free(r);
    json_t *list = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(list, cc_json(&rows[i], 1));
    *out = json_pack("{s:o,s:s,s:s,s:o,s:o}", "trust", trust_json, "from", from_d, "to", to_d, "services", list,
                     "total", cc_json(total, 0));
    trust_json = NULL;
done:
    for (int i = 0; i <= n; i++)
        free(rows[i].delays);
    free(rows);
    json_decref(trust_json);
    return rc;
}
