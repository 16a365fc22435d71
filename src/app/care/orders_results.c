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
    int rc = app__load_one(ctx, &b, &r, "No test order %lld is visible to you.", id);
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
    app__task_fields(ctx, o, "order_id", id);
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
    rc = app__insert(ctx,
                     "INSERT INTO result_orders (icb_code, patient_nhs_number, service_id, referral_id, test, urgency,"
                     " ordered_by, ordered_at, expected_by, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
                     " 'awaiting_result') RETURNING id",
                     9, p, &id);
    if (rc)
        return rc;
    if ((rc = app__task_move(ctx, "order_id", id, care_task_rule(CARE_TASK_EXPECTED_RESULT), svc.trust, svc.id, due,
                             icb, NULL)) ||
        (rc = app_event_json(
             ctx, "order.created", "order", id, nhs, icb, NULL, NULL,
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
    return app__get_one(ctx, order_load, "order", a->id, out);
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
    app__task_fields(ctx, o, "result_id", db_geti(r, i, 0));
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
    int rc = app__load_one(ctx, &b, &r, "No result %lld is visible to you.", id);
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
    rc = app__insert(ctx,
                     "INSERT INTO results (icb_code, order_id, patient_nhs_number, service_id, summary, abnormal,"
                     " received_at, received_by, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'to_review')"
                     " RETURNING id",
                     8, ip, &id);
    if (rc)
        return rc;
    db_param up[] = {DBP_INT(id), DBP_INT(order_id)};
    if ((rc = db_exec(ctx->db, "UPDATE result_orders SET status = 'resulted', result_id = $1 WHERE id = $2", 2, up)))
        return app_db_fail(ctx, rc);
    /* The test is the orderer's to review: never the GP's by default. */
    handoff_rule rule;
    seam_time due;
    (void)care_result_task(RES_TO_REVIEW, ctx->now, abnormal, urgent, &rule, &due);
    if ((rc = app__task_move(ctx, "order_id", order_id, NULL, NULL, 0, 0, icb, NULL)) ||
        (rc = app__task_move(ctx, "result_id", id, &rule, svc.trust, svc.id, due, icb, NULL)) ||
        (rc = app_event_json(ctx, "result.received", "result", id, nhs, icb, NULL, NULL,
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
    rc = app_event_json(ctx, "result.unmatched", "unmatched_result", id, NULL, ctx->user.icb_code, NULL, NULL,
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
    sqlb_add(&b, " ORDER BY x.id DESC");
    app__page_limit(&b, a->page, a->page_size);
    json_t *list = json_array();
    int rc = app__list_rows(ctx, &b, result_json, "read.result_list", "result", 0, 21, list);
    return app__page_reply(rc, list, "results", a->page, a->page_size, -1, out);
}

int app_result_get(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    return app__get_one(ctx, result_load, "result", a->id, out);
}

/* What one result action changes: the body's texts, the new status and
 * the event. */
typedef struct result_step {
    result_action act;
    result_status from, to;
    const char *text;  /* review: action_taken; handover, decline: reason */
    int patient_told;  /* review */
    const char *event; /* "result.reviewed", ... */
} result_step;

/* Whether the caller may take step->act on a result in step->from (the
 * state machine already allows it): the role, and whose turn it is. */
static int result_may(app_ctx *ctx, const result_step *step)
{
    int gp = strcmp(ctx->user.role, "gp") == 0, spec = care__is_specialist(ctx->user.role);
    const char *status = result_status_name(step->from);
    switch (step->act) {
    case RES_ACT_REVIEW:
        if (!spec && !gp)
            return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Results are reviewed by clinicians.");
        if (spec == result_held_by_practice(step->from))
            return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                            "This result is %s; it is not yours to review now.", status);
        return 0;
    case RES_ACT_HANDOVER:
        if (!spec)
            return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                            "Only the hospital team holding a result can ask the GP to take it on.");
        return 0;
    case RES_ACT_ACCEPT:
    case RES_ACT_DECLINE:
        if (!gp)
            return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                            "Only the patient's GP answers a hand-over request.");
        return 0;
    default:
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no result action %s.",
                        result_action_name(step->act));
    }
}

/* Reads what step->act needs from the body into step. */
static int result_body(app_ctx *ctx, json_t *body, result_step *step)
{
    int have, rc;
    switch (step->act) {
    case RES_ACT_REVIEW:
        step->event = "result.reviewed";
        if ((rc = app__body_text(ctx, body, "action_taken", "Enter the action taken on this result", 1, TEXT_MAX,
                                 &step->text)))
            return rc;
        return app__body_bool(ctx, body, "patient_told", 1, &step->patient_told, &have);
    case RES_ACT_HANDOVER:
        step->event = "result.handover_requested";
        return app__body_text(ctx, body, "reason", "Enter why the GP should take this result on", 1, 2000, &step->text);
    case RES_ACT_ACCEPT: step->event = "result.handover_accepted"; return 0;
    default:
        step->event = "result.handover_declined";
        return app__body_text(ctx, body, "reason", "Enter why you are declining", 1, 2000, &step->text);
    }
}

/* The guarded UPDATE of the result's row for step. */
static int result_change(app_ctx *ctx, const app_subject *s, const result_step *step)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    sqlb b;
    app__change_begin(&b, "results");
    app__change_set(&b, "status", DBP_TEXT(result_status_name(step->to)));
    switch (step->act) {
    case RES_ACT_REVIEW:
        app__change_set(&b, "reviewed_by", DBP_TEXT(ctx->user.username));
        app__change_set(&b, "reviewed_at", DBP_TEXT(now));
        app__change_set(&b, "action_taken", DBP_TEXT(step->text));
        app__change_set(&b, "patient_told", DBP_INT(step->patient_told));
        break;
    case RES_ACT_HANDOVER:
        app__change_set(&b, "handover_by", DBP_TEXT(ctx->user.username));
        app__change_set(&b, "handover_at", DBP_TEXT(now));
        app__change_set(&b, "handover_reason", DBP_TEXT(step->text));
        sqlb_add(&b, ", handover_decision = NULL, handover_decline_reason = NULL, handover_decided_by = NULL,"
                     " handover_decided_at = NULL");
        break;
    default: /* accept, decline */
        app__change_set(&b, "handover_decision", DBP_TEXT(step->act == RES_ACT_ACCEPT ? "accepted" : "declined"));
        app__change_set(&b, "handover_decided_by", DBP_TEXT(ctx->user.username));
        app__change_set(&b, "handover_decided_at", DBP_TEXT(now));
        if (step->act == RES_ACT_DECLINE)
            app__change_set(&b, "handover_decline_reason", DBP_TEXT(step->text));
        break;
    }
    return app__change_end(ctx, &b, s->id, s->version, NULL, "The result changed at the same moment; reload.");
}

/* Moves the result's task to whoever holds it in step->to (core/care.h):
 * the ordering service's trust or the patient's practice; none once
 * reviewed. */
static int result_next_task(app_ctx *ctx, const json_t *cur, const app_subject *s, const result_step *step)
{
    int abnormal = json_is_true(json_object_get(cur, "abnormal"));
    int urgent = strcmp(json_string_value(json_object_get(cur, "urgency")), "urgent") == 0;
    handoff_rule rule;
    seam_time due = 0;
    if (care_result_task(step->to, ctx->now, abnormal, urgent, &rule, &due) != 0)
        return app__task_move(ctx, "result_id", s->id, NULL, NULL, s->service_id, 0, s->icb, NULL);
    return app__task_move(ctx, "result_id", s->id, &rule, rule.side == HANDOFF_PRACTICE ? s->practice : s->trust,
                          s->service_id, due, s->icb, NULL);
}

int app_result_act(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    json_t *cur = NULL;
    app_subject s;
    int rc = app__act_load(ctx, result_load, a->id, "result", &cur, &s);
    if (rc)
        return rc;
    result_step step = {0};
    /* The state machine (src/core/care.c) decides what may happen next. */
    if (result_action_parse(a->action, &step.act) != 0) {
        rc = app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no result action %s.", a->action);
        goto out;
    }
    if (result_status_parse(s.status, &step.from) != 0 || result_transition(step.from, step.act, &step.to) != 0) {
        rc = app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                      "A result that is %s cannot take that action (%s).", s.status, a->action);
        goto out;
    }
    if ((rc = result_may(ctx, &step)) || (rc = result_body(ctx, a->body, &step)) ||
        (rc = result_change(ctx, &s, &step)) || (rc = result_next_task(ctx, cur, &s, &step)))
        goto out;
    json_t *detail = json_pack("{s:s,s:s}", "from", s.status, "to", result_status_name(step.to));
    if (step.text)
        json_object_set_new(detail, step.act == RES_ACT_REVIEW ? "action_taken" : "reason", json_string(step.text));
    if ((rc = app_event_json(ctx, step.event, "result", a->id, s.nhs, s.icb, NULL, NULL, detail)))
        goto out;
    rc = result_load(ctx, a->id, out);
out:
    json_decref(cur);
    return rc;
}
