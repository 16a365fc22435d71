/*
 * measures/complete_care.c - GET /measures/complete-care: the
 * complete-care measures of a trust, per service: letters on time,
 * results reviewed in time, handoffs, overdue follow-ups, missed
 * appointments.  Reads the care room's tables only; its rules come from
 * core/care.h.
 */
#include "app/measures/measures.h"
#include "app/figures.h"
#include "core/care.h"

#include <stdlib.h>
#include <string.h>

typedef struct cc_row {
    measures_service svc;
    long long sent, on_time, overdue, received, reviewed, reviewed_in_time, ho_req, ho_acc, ho_dec, fu_overdue, dnas;
    measures_values delays;
} cc_row;

static json_t *cc_json(cc_row *r, int with_service)
{
    json_t *o = measures__row_object(&r->svc, with_service);
    json_object_set_new(o, "letters_sent", json_integer(r->sent));
    json_object_set_new(o, "letters_on_time_pct", fig_pct(r->on_time, r->sent));
    json_object_set_new(o, "letter_delay_days_median", measures__values_centile(&r->delays, 50, 1));
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

/* One pass per source; each row is (service, measure, a, b, c): $1 the
 * trust, [$2, $3) the period, $4 now. */
static const char CC_SQL[] =
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
    " 'referral.dna_discharged') AND e.at >= $2 AND e.at < $3";

/* A letter: x1 the event it is about, x2 when it was sent (NULL: overdue,
 * not sent), x3 when it was due. */
static void count_letter(cc_row *c, const char *x1, const char *x2, const char *x3)
{
    if (x2 == NULL) {
        c->overdue++;
        return;
    }
    c->sent++;
    if (strcmp(x2, x3) <= 0)
        c->on_time++;
    seam_time ev, st;
    if (seam_time_parse(x1, &ev) == 0 && seam_time_parse(x2, &st) == 0)
        (void)measures__values_add(&c->delays, (double)(st - ev) / 86400.0); /* out of memory: left out */
}

/* A result: x1 received, x2 reviewed (or NULL), x3 "1" when abnormal or
 * urgent (reviewed within 1 working day). */
static void count_result(cc_row *c, const char *x1, const char *x2, const char *x3)
{
    c->received++;
    int abnormal = x3 && x3[0] == '1';
    if (x2) {
        c->reviewed++;
        seam_time rec, rev;
        if (seam_time_parse(x1, &rec) == 0 && seam_time_parse(x2, &rev) == 0 &&
            rev <= care_result_review_due(rec, abnormal, 0))
            c->reviewed_in_time++;
    }
}

/* Counts one row of CC_SQL, measure m, on c. */
static void cc_count(cc_row *c, const char *m, const char *x1, const char *x2, const char *x3)
{
    if (strcmp(m, "letter") == 0) {
        count_letter(c, x1, x2, x3);
    } else if (strcmp(m, "result") == 0) {
        count_result(c, x1, x2, x3);
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

int app_measures_complete_care(app_ctx *ctx, const void *arg, json_t **out)
{
    measures_scope m;
    int rc = app__measures_scope(ctx, arg, "Complete-care", &m);
    if (rc)
        return rc;
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    void *all = NULL;
    int n = 0;
    if ((rc = measures__services(ctx, m.trust, sizeof(cc_row), &all, &n))) {
        json_decref(m.trust_json);
        return rc;
    }
    cc_row *rows = all, *total = &rows[n];
    db_rows *r;
    db_param wp[] = {DBP_TEXT(m.trust), DBP_TEXT(m.from_s), DBP_TEXT(m.to_s), DBP_TEXT(now)};
    if ((rc = db_query(ctx->db, CC_SQL, 4, wp, &r))) {
        rc = app_db_fail(ctx, rc);
        goto done;
    }
    for (int i = 0; i < db_nrows(r); i++) {
        cc_row *sr = measures__service_find(rows, n, sizeof(cc_row), db_geti(r, i, 0));
        if (sr == NULL)
            continue;
        const char *what = db_get(r, i, 1), *x1 = db_get(r, i, 2), *x2 = db_get(r, i, 3), *x3 = db_get(r, i, 4);
        cc_count(sr, what, x1, x2, x3);
        cc_count(total, what, x1, x2, x3);
    }
    db_rows_free(r);
    json_t *list = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(list, cc_json(&rows[i], 1));
    *out = measures__report(&m, list, cc_json(total, 0));
done:
    for (int i = 0; i <= n; i++)
        measures__values_free(&rows[i].delays);
    free(rows);
    json_decref(m.trust_json);
    return rc;
}
