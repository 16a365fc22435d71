/*
 * care/orders_results.c - tests the hospital orders and the results that
 * come back: a result is the ordering service's to review unless the GP
 * accepts it; unmatched results are reported and listed.
 */
#include "app/care/care_internal.h"
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

static int order_load(app_ctx *ctx, long long id, json_t **out)
{
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT x.id, x.status, x.referral_id, x.test, x.urgency, x.ordered_by, x.ordered_at, x.expected_by,"
                 " x.result_id, x.icb_code," PS_COLUMNS " FROM result_orders x" PS_JOINS " WHERE x.id = $?");
    sqlb_param(&b, DBP_INT(id));
    care__visibility(ctx, &b);
    if (app_role_is_practice(ctx->user.role))
        sqlb_add(&b, " AND 1 = 0"); /* orders are the hospital's */
    db_rows *r;
    int rc = care__load_one(ctx, &b, "test order", id, &r);
    if (rc)
        return rc;
    json_t *o =
        json_pack("{s:I,s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:o,s:o}", "id", (json_int_t)db_geti(r, 0, 0), "status",
                  db_get(r, 0, 1), "referral_id", db_isnull(r, 0, 2) ? json_null() : json_integer(db_geti(r, 0, 2)),
                  "test", db_get(r, 0, 3), "urgency", db_get(r, 0, 4), "ordered_by", db_get(r, 0, 5), "ordered_at",
                  db_get(r, 0, 6), "expected_by", db_get(r, 0, 7), "result_id",
                  db_isnull(r, 0, 8) ? json_null() : json_integer(db_geti(r, 0, 8)), "icb_code", db_get(r, 0, 9),
                  "patient", care__patient_brief(r, 0, 10), "service", care__service_brief(r, 0, 15));
    db_rows_free(r);
    care__add_task_fields(ctx, o, "order_id", id);
    *out = o;
    return 0;
}

int app_order_create(app_ctx *ctx, const void *arg, json_t **out)
{
    json_t *body = (json_t *)arg;
    if (!care__is_specialist(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                        "Tests are ordered by the hospital team caring for the patient; your role is %s.",
                        ctx->user.role);
    char nhs[NHS_NUMBER_LEN], icb[16];
    svc_info svc;
    const char *test, *urgency;
    long long referral_id = 0;
    int have_ref, rc;
    if ((rc = care__trust_patient(ctx, body, nhs, icb)) || (rc = care__body_service(ctx, body, &svc)) ||
        (rc = app__body_str(ctx, body, "test", 1, 200, &test)) ||
        (rc = app__body_str(ctx, body, "urgency", 1, 16, &urgency)) ||
        (rc = app__body_int(ctx, body, "referral_id", 0, &referral_id, &have_ref)))
        return rc;
    int urgent = strcmp(urgency, "urgent") == 0;
    if (!urgent && strcmp(urgency, "routine") != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "urgency", "Select an urgency: routine or urgent.");
    if (have_ref && (rc = app__link_or_fail(ctx, APP_LINK_REFERRAL, referral_id, nhs, "referral_id", NULL)))
        return rc;
    char now[SEAM_ISO_LEN], expected[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    seam_time due = care_order_expected(ctx->now, urgent);
    seam_time_format(due, expected);
    db_param p[] = {DBP_TEXT(icb),
                    DBP_TEXT(nhs),
                    DBP_INT(svc.id),
                    have_ref ? DBP_INT(referral_id) : DBP_NULL,
                    DBP_TEXT(test),
                    DBP_TEXT(urgency),
                    DBP_TEXT(ctx->user.username),
                    DBP_TEXT(now),
                    DBP_TEXT(expected)};
    long long id;
    rc = db_query_int(ctx->db,
                      "INSERT INTO result_orders (icb_code, patient_nhs_number, service_id, referral_id, test, urgency,"
                      " ordered_by, ordered_at, expected_by, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
                      " 'awaiting_result') RETURNING id",
                      9, p, 0, &id);
    if (rc)
        return app_db_fail(ctx, rc);
    handoff_rule rule = care__rule_of("expected_result", HANDOFF_SERVICE, "clinician");
    if ((rc = app__task_move(ctx, "order_id", id, &rule, svc.trust, svc.id, due, icb, NULL)) ||
        (rc = care__event(
             ctx, "order.created", "order", id, nhs, icb,
             json_pack("{s:s,s:s,s:I}", "test", test, "urgency", urgency, "service_id", (json_int_t)svc.id))))
        return rc;
    rc = order_load(ctx, id, out);
    if (rc == 0)
        ctx->status = 201;
    return rc;
}

int app_order_get(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    int rc = order_load(ctx, a->id, out);
    if (rc)
        return rc;
    return app_event_read(ctx, "order", a->id, *out);
}

#define RESULT_COLUMNS                                                                                                 \
    " x.id, x.status, x.order_id, o.test, o.urgency, x.summary, x.abnormal, x.received_at, x.reviewed_by,"             \
    " x.reviewed_at, x.action_taken, x.patient_told, x.handover_reason, x.handover_by, x.handover_at,"                 \
    " x.handover_decision, x.handover_decline_reason, x.handover_decided_by, x.handover_decided_at, x.version,"        \
    " x.icb_code," PS_COLUMNS
#define RESULT_FROM " FROM results x JOIN result_orders o ON o.id = x.order_id" PS_JOINS

static json_t *result_json(app_ctx *ctx, const db_rows *r, int i)
{
    json_t *o =
        json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:b,s:s,s:I,s:s,s:o,s:o}", "id", (json_int_t)db_geti(r, i, 0), "status",
                  db_get(r, i, 1), "order_id", (json_int_t)db_geti(r, i, 2), "test", db_get(r, i, 3), "urgency",
                  db_get(r, i, 4), "summary", db_get(r, i, 5), "abnormal", (int)db_geti(r, i, 6), "received_at",
                  db_get(r, i, 7), "version", (json_int_t)db_geti(r, i, 19), "icb_code", db_get(r, i, 20), "patient",
                  care__patient_brief(r, i, 21), "service", care__service_brief(r, i, 26));
    json_object_set_new(o, "review",
                        db_isnull(r, i, 9)
                            ? json_null()
                            : json_pack("{s:s,s:s,s:s?,s:b}", "by", db_get(r, i, 8), "at", db_get(r, i, 9),
                                        "action_taken", db_get(r, i, 10), "patient_told", (int)db_geti(r, i, 11)));
    json_object_set_new(
        o, "handover",
        db_isnull(r, i, 14)
            ? json_null()
            : json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o}", "reason", db_get(r, i, 12), "requested_by", db_get(r, i, 13),
                        "requested_at", db_get(r, i, 14), "decision", app__str_or_null(db_get(r, i, 15)),
                        "decline_reason", app__str_or_null(db_get(r, i, 16)), "decided_by",
                        app__str_or_null(db_get(r, i, 17)), "decided_at", app__str_or_null(db_get(r, i, 18))));
    care__add_task_fields(ctx, o, "result_id", db_geti(r, i, 0));
    return o;
}

/* Results a practice sees: only those explicitly offered to it. */
static void result_visibility(app_ctx *ctx, sqlb *b)
{
    care__visibility(ctx, b);
    if (app_role_is_practice(ctx->user.role))
        sqlb_add(b, " AND x.handover_at IS NOT NULL");
}

static int result_load(app_ctx *ctx, long long id, json_t **out)
{
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT" RESULT_COLUMNS RESULT_FROM " WHERE x.id = $?");
    sqlb_param(&b, DBP_INT(id));
    result_visibility(ctx, &b);
    db_rows *r;
    int rc = care__load_one(ctx, &b, "result", id, &r);
    if (rc)
        return rc;
    *out = result_json(ctx, r, 0);
    db_rows_free(r);
    return 0;
}

int app_result_receive(app_ctx *ctx, const void *arg, json_t **out)
{
    json_t *body = (json_t *)arg;
    if (!app_role_is_trust(ctx->user.role) && strcmp(ctx->user.role, "admin") != 0)
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Results come from the hospital's systems.");
    long long order_id;
    int have, abnormal, have_abn, rc;
    const char *summary;
    if ((rc = app__body_int(ctx, body, "order_id", 1, &order_id, &have)) ||
        (rc = app__body_str(ctx, body, "summary", 1, TEXT_MAX, &summary)) ||
        (rc = app__body_bool(ctx, body, "abnormal", 1, &abnormal, &have_abn)))
        return rc;
    db_rows *r;
    db_param p[] = {DBP_INT(order_id)};
    rc = db_query(ctx->db,
                  "SELECT o.status, o.patient_nhs_number, o.service_id, o.urgency, o.icb_code, s.trust_code"
                  " FROM result_orders o JOIN services s ON s.id = o.service_id WHERE o.id = $1",
                  1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0 || (app_role_is_trust(ctx->user.role) && strcmp(db_get(r, 0, 5), ctx->user.org_code) != 0)) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_EINVALID, "unknown_order", "order_id",
                        "There is no test order %lld at your trust. The result has been kept in the unmatched results"
                        " list for the trust to resolve.",
                        order_id);
    }
    if (strcmp(db_get(r, 0, 0), "awaiting_result") != 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", "order_id",
                        "Order %lld already has a result; send a corrected result to the reviewing clinician.",
                        order_id);
    }
    char nhs[NHS_NUMBER_LEN], icb[16];
    snprintf(nhs, sizeof(nhs), "%s", db_get(r, 0, 1));
    snprintf(icb, sizeof(icb), "%s", db_get(r, 0, 4));
    long long service_id = db_geti(r, 0, 2);
    int urgent = strcmp(db_get(r, 0, 3), "urgent") == 0;
    db_rows_free(r);
    svc_info svc;
    if ((rc = app__svc_load(ctx, service_id, &svc)))
        return rc == SEAM_ENOTFOUND ? app_fail(ctx, rc, "not_found", NULL, "The ordering service is gone.") : rc;
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param ip[] = {DBP_TEXT(icb),     DBP_INT(order_id), DBP_TEXT(nhs), DBP_INT(service_id),
                     DBP_TEXT(summary), DBP_INT(abnormal), DBP_TEXT(now), DBP_TEXT(ctx->user.username)};
    long long id;
    rc = db_query_int(ctx->db,
                      "INSERT INTO results (icb_code, order_id, patient_nhs_number, service_id, summary, abnormal,"
                      " received_at, received_by, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'to_review')"
                      " RETURNING id",
                      8, ip, 0, &id);
    if (rc)
        return app_db_fail(ctx, rc);
    db_param up[] = {DBP_INT(id), DBP_INT(order_id)};
    if ((rc = db_exec(ctx->db, "UPDATE result_orders SET status = 'resulted', result_id = $1 WHERE id = $2", 2, up)))
        return app_db_fail(ctx, rc);
    /* The test is the orderer's to review: never the GP's by default. */
    handoff_rule rule = care__rule_of("review_result", HANDOFF_SERVICE, "clinician");
    seam_time due = care_result_review_due(ctx->now, abnormal, urgent);
    if ((rc = app__task_move(ctx, "order_id", order_id, NULL, NULL, 0, 0, icb, NULL)) ||
        (rc = app__task_move(ctx, "result_id", id, &rule, svc.trust, svc.id, due, icb, NULL)) ||
        (rc = care__event(ctx, "result.received", "result", id, nhs, icb,
                          json_pack("{s:I,s:b}", "order_id", (json_int_t)order_id, "abnormal", abnormal))))
        return rc;
    rc = result_load(ctx, id, out);
    if (rc == 0)
        ctx->status = 201;
    return rc;
}

int app_result_report_unmatched(app_ctx *ctx, const void *arg, json_t **out)
{
    json_t *body = (json_t *)arg;
    char now[SEAM_ISO_LEN], ref[32] = "";
    seam_time_format(ctx->now, now);
    json_t *oid = json_object_get(body, "order_id");
    if (json_is_integer(oid))
        snprintf(ref, sizeof(ref), "%lld", (long long)json_integer_value(oid));
    else if (json_is_string(oid))
        snprintf(ref, sizeof(ref), "%.31s", json_string_value(oid));
    char *payload = json_dumps(body, JSON_COMPACT);
    db_param p[] = {DBP_TEXT(ctx->user.org_code[0] ? ctx->user.org_code : "unknown"), DBP_TEXT(now),
                    DBP_TEXT(ctx->user.username), DBP_TEXT(ref[0] ? ref : NULL), DBP_TEXT(payload ? payload : "{}")};
    long long id;
    int rc = db_query_int(ctx->db,
                          "INSERT INTO unmatched_results (trust_code, received_at, received_by, order_ref, payload)"
                          " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                          5, p, 0, &id);
    free(payload);
    if (rc)
        return app_db_fail(ctx, rc);
    rc = care__event(ctx, "result.unmatched", "unmatched_result", id, NULL, ctx->user.icb_code,
                     json_pack("{s:s?}", "order_ref", ref[0] ? ref : NULL));
    if (rc == 0)
        *out = json_pack("{s:I}", "id", (json_int_t)id);
    return rc;
}

int app_results_unmatched(app_ctx *ctx, const void *arg, json_t **out)
{
    if (!app_role_is_trust(ctx->user.role) && strcmp(ctx->user.role, "admin") != 0)
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Unmatched results are the trust's to resolve.");
    db_rows *r;
    db_param p[] = {DBP_TEXT(ctx->user.org_code), DBP_TEXT(ctx->user.role)};
    int rc = db_query(ctx->db,
                      "SELECT id, trust_code, received_at, received_by, order_ref, payload FROM unmatched_results"
                      " WHERE trust_code = $1 OR $2 = 'admin' ORDER BY id DESC LIMIT 200",
                      2, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r); i++) {
        json_t *payload = json_loads(db_get(r, i, 5), 0, NULL);
        json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:s,s:o,s:o}", "id", (json_int_t)db_geti(r, i, 0), "trust",
                                              db_get(r, i, 1), "received_at", db_get(r, i, 2), "received_by",
                                              db_get(r, i, 3), "order_ref", app__str_or_null(db_get(r, i, 4)),
                                              "payload", payload ? payload : json_null()));
    }
    db_rows_free(r);
    *out = json_pack("{s:o}", "unmatched", list);
    return 0;
}

int app_results_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_list_args *a = arg;
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT" RESULT_COLUMNS RESULT_FROM " WHERE 1 = 1");
    result_visibility(ctx, &b);
    if (a->status && *a->status) {
        sqlb_add(&b, " AND x.status = $?");
        sqlb_param(&b, DBP_TEXT(a->status));
    }
    sqlb_add(&b, " ORDER BY x.id DESC LIMIT $?");
    sqlb_param(&b, DBP_INT(a->page_size));
    sqlb_add(&b, " OFFSET $?");
    sqlb_param(&b, DBP_INT((long long)(a->page - 1) * a->page_size));
    db_rows *r;
    int rc = db_query(ctx->db, b.sql, b.n, b.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        json_array_append_new(list, result_json(ctx, r, i));
        rc = app_event(ctx, "read.result_list", "result", db_geti(r, i, 0), db_get(r, i, 21), ctx->user.icb_code, NULL,
                       NULL, NULL);
    }
    db_rows_free(r);
    return care__page(rc, list, "results", a, out);
}

int app_result_get(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    int rc = result_load(ctx, a->id, out);
    if (rc)
        return rc;
    return app_event_read(ctx, "result", a->id, *out);
}

int app_result_act(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    json_t *cur = NULL;
    int rc = result_load(ctx, a->id, &cur);
    if (rc)
        return rc;
    if ((rc = care__held(ctx, cur, "result", a->id)))
        goto out;
    const char *status = json_string_value(json_object_get(cur, "status"));
    const char *nhs = json_string_value(json_object_get(json_object_get(cur, "patient"), "nhs_number"));
    const char *practice =
        json_string_value(json_object_get(json_object_get(json_object_get(cur, "patient"), "practice"), "code"));
    char icb[16];
    snprintf(icb, sizeof(icb), "%s", json_string_value(json_object_get(cur, "icb_code")));
    int abnormal = json_is_true(json_object_get(cur, "abnormal"));
    int urgent = strcmp(json_string_value(json_object_get(cur, "urgency")), "urgent") == 0;
    long long version = json_integer_value(json_object_get(cur, "version"));
    svc_info svc;
    rc = app__svc_load(ctx, json_integer_value(json_object_get(json_object_get(cur, "service"), "id")), &svc);
    if (rc)
        goto out;
    int gp = strcmp(ctx->user.role, "gp") == 0;
    int spec = care__is_specialist(ctx->user.role);
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    const char *set = NULL, *to = NULL, *action = NULL;
    const char *t1 = NULL, *t2 = NULL;
    int flag = 0, have_flag = 0;
    const handoff_rule *next = NULL;
    handoff_rule rule;
    seam_time due = 0;
    const char *next_org = NULL;
    /* The state machine (src/core/care.c) decides what may happen next. */
    result_status st, to_st;
    result_action ra;
    if (result_action_parse(a->action, &ra) != 0) {
        rc = app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no result action %s.", a->action);
        goto out;
    }
    if (result_status_parse(status, &st) != 0 || result_transition(st, ra, &to_st) != 0) {
        rc = app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                      "A result that is %s cannot take that action (%s).", status, a->action);
        goto out;
    }
    if (strcmp(a->action, "review") == 0) {
        int mine = (spec && !result_held_by_practice(st)) || (gp && result_held_by_practice(st));
        if (!spec && !gp) {
            rc = app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Results are reviewed by clinicians.");
            goto out;
        }
        if (!mine) {
            rc = app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                          "This result is %s; it is not yours to review now.", status);
            goto out;
        }
        if ((rc = app__body_text(ctx, a->body, "action_taken", "Enter the action taken on this result", 1, TEXT_MAX,
                                 &t1)) ||
            (rc = app__body_bool(ctx, a->body, "patient_told", 1, &flag, &have_flag)))
            goto out;
        set = "reviewed_by = $4, reviewed_at = $2, action_taken = $5, patient_told = $6";
        to = result_status_name(to_st);
        action = "result.reviewed";
    } else if (strcmp(a->action, "handover") == 0) {
        if (!spec) {
            rc = app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                          "Only the hospital team holding a result can ask the GP to take it on.");
            goto out;
        }
        if (strcmp(status, "to_review") != 0) {
            rc = app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL, "This result is %s.", status);
            goto out;
        }
        if ((rc = app__body_text(ctx, a->body, "reason", "Enter why the GP should take this result on", 1, 2000, &t1)))
            goto out;
        set = "handover_reason = $5, handover_by = $4, handover_at = $2, handover_decision = NULL,"
              " handover_decline_reason = NULL, handover_decided_by = NULL, handover_decided_at = NULL";
        to = result_status_name(to_st);
        action = "result.handover_requested";
        rule = care__rule_of("result_handover", HANDOFF_PRACTICE, "gp");
        next = &rule;
        next_org = practice;
        due = care_handover_due(ctx->now);
    } else if (strcmp(a->action, "accept") == 0 || strcmp(a->action, "decline") == 0) {
        if (!gp) {
            rc =
                app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Only the patient's GP answers a hand-over request.");
            goto out;
        }
        if (strcmp(status, "handover_requested") != 0) {
            rc = app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL, "There is no hand-over request to answer.");
            goto out;
        }
        if (strcmp(a->action, "accept") == 0) {
            set = "handover_decision = 'accepted', handover_decided_by = $4, handover_decided_at = $2";
            to = result_status_name(to_st);
            action = "result.handover_accepted";
            rule = care__rule_of("review_result", HANDOFF_PRACTICE, "gp");
            next_org = practice;
        } else {
            if ((rc = app__body_text(ctx, a->body, "reason", "Enter why you are declining", 1, 2000, &t2)))
                goto out;
            set = "handover_decision = 'declined', handover_decline_reason = $7, handover_decided_by = $4,"
                  " handover_decided_at = $2";
            to = result_status_name(to_st);
            action = "result.handover_declined";
            rule = care__rule_of("review_result", HANDOFF_SERVICE, "clinician");
            next_org = svc.trust;
        }
        next = &rule;
        due = care_result_review_due(ctx->now, abnormal, urgent);
    } else {
        rc = app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no result action %s.", a->action);
        goto out;
    }
    char sql[600];
    snprintf(sql, sizeof(sql),
             "UPDATE results SET status = $1, version = version + 1, %s WHERE id = $3 AND version = %lld", set,
             version);
    db_param p[] = {DBP_TEXT(to), DBP_TEXT(now), DBP_INT(a->id), DBP_TEXT(ctx->user.username),
                    DBP_TEXT(t1), DBP_INT(flag), DBP_TEXT(t2)};
    if ((rc = db_exec(ctx->db, sql, 7, p))) {
        rc = app_db_fail(ctx, rc);
        goto out;
    }
    if (db_changes(ctx->db) != 1) {
        rc = app_fail(ctx, SEAM_ECONFLICT, "stale_version", NULL, "The result changed at the same moment; reload.");
        goto out;
    }
    if ((rc = app__task_move(ctx, "result_id", a->id, next, next_org, svc.id, due, icb, NULL)))
        goto out;
    json_t *detail = json_pack("{s:s,s:s}", "from", status, "to", to);
    if (t1)
        json_object_set_new(detail, strcmp(a->action, "review") == 0 ? "action_taken" : "reason", json_string(t1));
    if (t2)
        json_object_set_new(detail, "reason", json_string(t2));
    if ((rc = care__event(ctx, action, "result", a->id, nhs, icb, detail)))
        goto out;
    rc = result_load(ctx, a->id, out);
out:
    json_decref(cur);
    return rc;
}
