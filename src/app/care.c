/*
 * care.c - complete care.  The hospital's part of the work after a
 * referral is owned and due like any handoff: a test it ordered is its to
 * review (never the GP's unless the GP accepts it), a letter is due after
 * every attendance and discharge, follow-ups are the hospital's to book,
 * and a missed appointment is the service's to deal with.  The GP's inbox
 * separates what the GP must do from copies for information.
 */
#include "app/care.h"
#include "app/access.h"
#include "app/app.h"
#include "app/figures.h"
#include "app/sqlb.h"
#include "common/rc.h"
#include "core/calendar.h"
#include "core/care.h"
#include "core/nhs_number.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX       20000
#define MAX_GP_ACTIONS 20

/* ---------------------------------------------------------------------
 * Shared pieces
 */

static int is_specialist(const char *role)
{
    return strcmp(role, "clinician") == 0 || strcmp(role, "triager") == 0;
}

/* Who may see an object about patient p at service s. */
static void care_visibility(app_ctx *ctx, sqlb *b)
{
    app__visibility(ctx, b, " AND s.trust_code = $?", "p.icb_code", "s.id");
}

/* The open task of a subject as owner/due/overdue/escalation fields. */
static void add_task_fields(app_ctx *ctx, json_t *o, const char *col, long long id)
{
    char sql[400], now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    snprintf(sql, sizeof(sql),
             "SELECT t.kind, t.owner_org, o.name, t.owner_service_id, sv.name, t.owner_role, t.due_at,"
             " t.escalation_level FROM tasks t JOIN organisations o ON o.code = t.owner_org"
             " LEFT JOIN services sv ON sv.id = t.owner_service_id WHERE t.%s = $1 AND t.state = 'open'",
             col);
    db_rows *r = NULL;
    db_param p[] = {DBP_INT(id)};
    if (db_query(ctx->db, sql, 1, p, &r) != 0 || db_nrows(r) == 0) {
        json_object_set_new(o, "owner", json_null());
        json_object_set_new(o, "due_at", json_null());
        json_object_set_new(o, "overdue", json_false());
        json_object_set_new(o, "escalation_level", json_integer(0));
        json_object_set_new(o, "escalated_to", json_null());
        db_rows_free(r);
        return;
    }
    json_t *svc = db_isnull(r, 0, 3)
                      ? json_null()
                      : json_pack("{s:I,s:s}", "id", (json_int_t)db_geti(r, 0, 3), "name", db_get(r, 0, 4));
    json_object_set_new(o, "owner",
                        json_pack("{s:{s:s,s:s},s:o,s:s,s:s}", "organisation", "code", db_get(r, 0, 1), "name",
                                  db_get(r, 0, 2), "service", svc, "role", db_get(r, 0, 5), "task", db_get(r, 0, 0)));
    json_object_set_new(o, "due_at", json_string(db_get(r, 0, 6)));
    json_object_set_new(o, "overdue", json_boolean(strcmp(db_get(r, 0, 6), now) < 0));
    int level = (int)db_geti(r, 0, 7);
    json_object_set_new(o, "escalation_level", json_integer(level));
    json_object_set_new(o, "escalated_to", app__str_or_null(refview_escalated_to(level)));
    db_rows_free(r);
}

static json_t *patient_brief(const db_rows *r, int i, int c)
{
    /* c: nhs_number, given_name, family_name, practice code, practice name */
    return json_pack("{s:s,s:s,s:s,s:{s:s,s:s}}", "nhs_number", db_get(r, i, c), "given_name", db_get(r, i, c + 1),
                     "family_name", db_get(r, i, c + 2), "practice", "code", db_get(r, i, c + 3), "name",
                     db_get(r, i, c + 4));
}

static json_t *service_brief(const db_rows *r, int i, int c)
{
    /* c: id, name, trust code, trust name */
    return json_pack("{s:I,s:s,s:{s:s,s:s}}", "id", (json_int_t)db_geti(r, i, c), "name", db_get(r, i, c + 1), "trust",
                     "code", db_get(r, i, c + 2), "name", db_get(r, i, c + 3));
}

#define PS_COLUMNS                                                                                                     \
    " p.nhs_number, p.given_name, p.family_name, p.practice_code, pr.name, s.id, s.name, s.trust_code, tr.name"
#define PS_JOINS                                                                                                       \
    " JOIN patients p ON p.nhs_number = x.patient_nhs_number JOIN organisations pr ON pr.code = p.practice_code"       \
    " JOIN services s ON s.id = x.service_id JOIN organisations tr ON tr.code = s.trust_code"

/* Checks the caller is hospital staff at the service's trust; loads it. */
static int trust_service(app_ctx *ctx, long long service_id, svc_info *svc)
{
    int rc = app__svc_load(ctx, service_id, svc);
    if (rc == SEAM_ENOTFOUND ||
        (rc == 0 && (strcmp(svc->trust, ctx->user.org_code) != 0 || !app__serves(ctx, svc->id))))
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "service_id", "There is no service %lld at your trust.",
                        service_id);
    return rc;
}

/* The patient, who must have a referral to the caller's trust. */
static int trust_patient(app_ctx *ctx, json_t *body, char nhs[NHS_NUMBER_LEN], char icb[16])
{
    const char *in;
    int rc = app__body_str(ctx, body, "patient_nhs_number", 1, 32, &in);
    if (rc)
        return rc;
    if (nhs_number_normalise(in, nhs) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_nhs_number", "patient_nhs_number",
                        "%s is not a valid NHS number (10 digits with a correct check digit).", in);
    db_rows *r;
    db_param p[] = {DBP_TEXT(nhs), DBP_TEXT(ctx->user.org_code)};
    rc = db_query(ctx->db,
                  "SELECT pt.icb_code FROM patients pt WHERE pt.nhs_number = $1 AND EXISTS (SELECT 1 FROM referrals r"
                  " JOIN services s ON s.id = r.service_id WHERE r.patient_nhs_number = pt.nhs_number AND"
                  " (s.trust_code = $2 OR r.requester_org = $2))",
                  2, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "patient_nhs_number",
                        "No patient %s is under the care of your trust.", nhs);
    }
    snprintf(icb, 16, "%s", db_get(r, 0, 0));
    db_rows_free(r);
    return 0;
}

static int body_service(app_ctx *ctx, json_t *body, svc_info *svc)
{
    long long id = ctx->user.service_id;
    int have, rc = app__body_int(ctx, body, "service_id", ctx->user.service_id == 0, &id, &have);
    if (rc)
        return rc;
    return trust_service(ctx, id, svc);
}

static int event_for(app_ctx *ctx, const char *action, const char *type, long long id, const char *nhs, const char *icb,
                     json_t *detail)
{
    char *dt = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
    int rc = app_event(ctx, action, type, id, nhs, icb, NULL, NULL, dt);
    free(dt);
    json_decref(detail);
    return rc;
}

/* 0 when the caller's side holds the object shown as cur (its service's
 * trust, or its patient's practice), else 403 not_held (app__held_or_fail). */
static int care_held(app_ctx *ctx, const json_t *cur, const char *what, long long id)
{
    const json_t *svc = json_object_get(cur, "service"), *pt = json_object_get(cur, "patient");
    return app__held_or_fail(ctx, json_string_value(json_object_get(json_object_get(svc, "trust"), "code")),
                             json_string_value(json_object_get(json_object_get(pt, "practice"), "code")),
                             json_integer_value(json_object_get(svc, "id")), what, id);
}

static handoff_rule rule_of(const char *kind, handoff_side side, const char *role)
{
    handoff_rule r = {kind, side, role};
    return r;
}

/* ---------------------------------------------------------------------
 * Orders and results
 */

static int order_load(app_ctx *ctx, long long id, json_t **out)
{
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT x.id, x.status, x.referral_id, x.test, x.urgency, x.ordered_by, x.ordered_at, x.expected_by,"
                 " x.result_id, x.icb_code," PS_COLUMNS " FROM result_orders x" PS_JOINS " WHERE x.id = $?");
    sqlb_param(&b, DBP_INT(id));
    care_visibility(ctx, &b);
    if (app_role_is_practice(ctx->user.role))
        sqlb_add(&b, " AND 1 = 0"); /* orders are the hospital's */
    db_rows *r;
    int rc = db_query(ctx->db, b.sql, b.n, b.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "No test order %lld is visible to you.", id);
    }
    json_t *o = json_pack(
        "{s:I,s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:o,s:o}", "id", (json_int_t)db_geti(r, 0, 0), "status",
        db_get(r, 0, 1), "referral_id", db_isnull(r, 0, 2) ? json_null() : json_integer(db_geti(r, 0, 2)), "test",
        db_get(r, 0, 3), "urgency", db_get(r, 0, 4), "ordered_by", db_get(r, 0, 5), "ordered_at", db_get(r, 0, 6),
        "expected_by", db_get(r, 0, 7), "result_id", db_isnull(r, 0, 8) ? json_null() : json_integer(db_geti(r, 0, 8)),
        "icb_code", db_get(r, 0, 9), "patient", patient_brief(r, 0, 10), "service", service_brief(r, 0, 15));
    db_rows_free(r);
    add_task_fields(ctx, o, "order_id", id);
    *out = o;
    return 0;
}

int app_order_create(app_ctx *ctx, const void *arg, json_t **out)
{
    json_t *body = (json_t *)arg;
    if (!is_specialist(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                        "Tests are ordered by the hospital team caring for the patient; your role is %s.",
                        ctx->user.role);
    char nhs[NHS_NUMBER_LEN], icb[16];
    svc_info svc;
    const char *test, *urgency;
    long long referral_id = 0;
    int have_ref, rc;
    if ((rc = trust_patient(ctx, body, nhs, icb)) || (rc = body_service(ctx, body, &svc)) ||
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
    handoff_rule rule = rule_of("expected_result", HANDOFF_SERVICE, "clinician");
    if ((rc = app__task_move(ctx, "order_id", id, &rule, svc.trust, svc.id, due, icb, NULL)) ||
        (rc =
             event_for(ctx, "order.created", "order", id, nhs, icb,
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
    json_t *o = json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:b,s:s,s:I,s:s,s:o,s:o}", "id", (json_int_t)db_geti(r, i, 0),
                          "status", db_get(r, i, 1), "order_id", (json_int_t)db_geti(r, i, 2), "test", db_get(r, i, 3),
                          "urgency", db_get(r, i, 4), "summary", db_get(r, i, 5), "abnormal", (int)db_geti(r, i, 6),
                          "received_at", db_get(r, i, 7), "version", (json_int_t)db_geti(r, i, 19), "icb_code",
                          db_get(r, i, 20), "patient", patient_brief(r, i, 21), "service", service_brief(r, i, 26));
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
    add_task_fields(ctx, o, "result_id", db_geti(r, i, 0));
    return o;
}

/* Results a practice sees: only those explicitly offered to it. */
static void result_visibility(app_ctx *ctx, sqlb *b)
{
    care_visibility(ctx, b);
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
    int rc = db_query(ctx->db, b.sql, b.n, b.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "No result %lld is visible to you.", id);
    }
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
    handoff_rule rule = rule_of("review_result", HANDOFF_SERVICE, "clinician");
    seam_time due = care_result_review_due(ctx->now, abnormal, urgent);
    if ((rc = app__task_move(ctx, "order_id", order_id, NULL, NULL, 0, 0, icb, NULL)) ||
        (rc = app__task_move(ctx, "result_id", id, &rule, svc.trust, svc.id, due, icb, NULL)) ||
        (rc = event_for(ctx, "result.received", "result", id, nhs, icb,
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
    rc = event_for(ctx, "result.unmatched", "unmatched_result", id, NULL, ctx->user.icb_code,
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
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o,s:i,s:i}", "results", list, "page", a->page, "page_size", a->page_size);
    return 0;
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
    if ((rc = care_held(ctx, cur, "result", a->id)))
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
    int spec = is_specialist(ctx->user.role);
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
        rule = rule_of("result_handover", HANDOFF_PRACTICE, "gp");
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
            rule = rule_of("review_result", HANDOFF_PRACTICE, "gp");
            next_org = practice;
        } else {
            if ((rc = app__body_text(ctx, a->body, "reason", "Enter why you are declining", 1, 2000, &t2)))
                goto out;
            set = "handover_decision = 'declined', handover_decline_reason = $7, handover_decided_by = $4,"
                  " handover_decided_at = $2";
            to = result_status_name(to_st);
            action = "result.handover_declined";
            rule = rule_of("review_result", HANDOFF_SERVICE, "clinician");
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
    if ((rc = event_for(ctx, action, "result", a->id, nhs, icb, detail)))
        goto out;
    rc = result_load(ctx, a->id, out);
out:
    json_decref(cur);
    return rc;
}

/* ---------------------------------------------------------------------
 * Letters
 */

int app__letter_due(app_ctx *ctx, const char *kind, const char *nhs, const char *icb, const svc_info *svc,
                    long long referral_id, seam_time event_at, long long *id_out)
{
    int discharge = strcmp(kind, "discharge") == 0;
    /* Discharge summary within 24 hours; clinic letter within the service's
     * target in working days (the contract allows 10; Seam's default is 7). */
    seam_time due = care_letter_due(discharge, event_at, svc->letter_days);
    char ev[SEAM_ISO_LEN], due_s[SEAM_ISO_LEN], now[SEAM_ISO_LEN];
    seam_time_format(event_at, ev);
    seam_time_format(due, due_s);
    seam_time_format(ctx->now, now);
    db_param p[] = {
        DBP_TEXT(icb), DBP_TEXT(kind),  DBP_TEXT(nhs), DBP_INT(svc->id), referral_id ? DBP_INT(referral_id) : DBP_NULL,
        DBP_TEXT(ev),  DBP_TEXT(due_s), DBP_TEXT(now)};
    long long id;
    int rc = db_query_int(ctx->db,
                          "INSERT INTO letters (icb_code, kind, status, patient_nhs_number, service_id, referral_id,"
                          " event_at, due_at, created_at) VALUES ($1, $2, 'due', $3, $4, $5, $6, $7, $8) RETURNING id",
                          8, p, 0, &id);
    if (rc)
        return app_db_fail(ctx, rc);
    handoff_rule rule = rule_of(discharge ? "discharge_summary" : "clinic_letter", HANDOFF_SERVICE, "clinician");
    if ((rc = app__task_move(ctx, "letter_id", id, &rule, svc->trust, svc->id, due, icb, NULL)) ||
        (rc = event_for(ctx, "letter.due", "letter", id, nhs, icb,
                        json_pack("{s:s,s:s,s:o}", "kind", kind, "due_at", due_s, "referral_id",
                                  referral_id ? json_integer(referral_id) : json_null()))))
        return rc;
    if (id_out)
        *id_out = id;
    return 0;
}

#define LETTER_COLUMNS                                                                                                 \
    " x.id, x.kind, x.status, x.referral_id, x.event_at, x.due_at, x.sent_at, x.author, x.diagnosis,"                  \
    " x.medication_changes, x.days_medication_supplied, x.hospital_actions, x.read_at, x.read_by, x.version,"          \
    " x.icb_code," PS_COLUMNS

static int letter_load(app_ctx *ctx, long long id, json_t **out)
{
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT" LETTER_COLUMNS " FROM letters x" PS_JOINS " WHERE x.id = $?");
    sqlb_param(&b, DBP_INT(id));
    care_visibility(ctx, &b);
    if (!app_role_is_trust(ctx->user.role))
        sqlb_add(&b, " AND x.status <> 'due'"); /* outside the trust a letter exists once sent */
    db_rows *r;
    int rc = db_query(ctx->db, b.sql, b.n, b.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "No letter %lld is visible to you.", id);
    }
    const char *sent = db_get(r, 0, 6), *due = db_get(r, 0, 5);
    json_t *o = json_pack("{s:I,s:s,s:s,s:o,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:s,s:o,s:o}", "id",
                          (json_int_t)db_geti(r, 0, 0), "kind", db_get(r, 0, 1), "status", db_get(r, 0, 2),
                          "referral_id", db_isnull(r, 0, 3) ? json_null() : json_integer(db_geti(r, 0, 3)), "event_at",
                          db_get(r, 0, 4), "due_at", due, "sent_at", app__str_or_null(sent), "late",
                          sent ? json_boolean(strcmp(sent, due) > 0) : json_null(), "author",
                          app__str_or_null(db_get(r, 0, 7)), "diagnosis", app__str_or_null(db_get(r, 0, 8)),
                          "medication_changes", app__str_or_null(db_get(r, 0, 9)), "days_medication_supplied",
                          db_isnull(r, 0, 10) ? json_null() : json_integer(db_geti(r, 0, 10)), "hospital_actions",
                          app__str_or_null(db_get(r, 0, 11)), "read_at", app__str_or_null(db_get(r, 0, 12)), "read_by",
                          app__str_or_null(db_get(r, 0, 13)), "version", (json_int_t)db_geti(r, 0, 14), "icb_code",
                          db_get(r, 0, 15), "patient", patient_brief(r, 0, 16), "service", service_brief(r, 0, 21));
    db_rows_free(r);
    json_t *acts = NULL;
    if ((rc = app__gp_actions_json(ctx, id, &acts))) {
        json_decref(o);
        return rc;
    }
    json_object_set_new(o, "gp_actions", acts);
    db_param p[] = {DBP_INT(id)};
    if ((rc = db_query(ctx->db,
                       "SELECT id, from_date, to_date, condition, setting, issued_by, issued_at FROM fit_notes"
                       " WHERE letter_id = $1 ORDER BY id DESC LIMIT 1",
                       1, p, &r))) {
        json_decref(o);
        return app_db_fail(ctx, rc);
    }
    json_object_set_new(o, "fit_note",
                        db_nrows(r) == 0
                            ? json_null()
                            : json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)db_geti(r, 0, 0), "from",
                                        db_get(r, 0, 1), "to", db_get(r, 0, 2), "condition", db_get(r, 0, 3), "setting",
                                        db_get(r, 0, 4), "issued_by", db_get(r, 0, 5), "issued_at", db_get(r, 0, 6)));
    db_rows_free(r);
    /* The letter's own due time stays; the open task (the clinician's
     * letter to write, or the GP's actions to answer) has its own. */
    json_t *letter_due = json_incref(json_object_get(o, "due_at"));
    add_task_fields(ctx, o, "letter_id", id);
    json_object_set(o, "task_due_at", json_object_get(o, "due_at"));
    json_object_set_new(o, "due_at", letter_due);
    *out = o;
    return 0;
}

int app__letter_load(app_ctx *ctx, long long id, json_t **out)
{
    return letter_load(ctx, id, out);
}

int app_discharge_create(app_ctx *ctx, const void *arg, json_t **out)
{
    json_t *body = (json_t *)arg;
    if (!is_specialist(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Discharges are recorded by the hospital team.");
    char nhs[NHS_NUMBER_LEN], icb[16];
    svc_info svc;
    const char *at_s;
    long long referral_id = 0;
    int have_ref, rc;
    seam_time at;
    if ((rc = trust_patient(ctx, body, nhs, icb)) || (rc = body_service(ctx, body, &svc)) ||
        (rc = app__body_str(ctx, body, "discharged_at", 1, 40, &at_s)) ||
        (rc = app__body_int(ctx, body, "referral_id", 0, &referral_id, &have_ref)))
        return rc;
    if (seam_time_parse(at_s, &at) != 0 || at > ctx->now + 3600)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "discharged_at",
                        "Enter when the patient was discharged, such as 2026-11-25T14:00:00Z (not in the future).");
    if (have_ref && (rc = app__link_or_fail(ctx, APP_LINK_REFERRAL, referral_id, nhs, "referral_id", NULL)))
        return rc;
    long long id;
    if ((rc = app__letter_due(ctx, "discharge", nhs, icb, &svc, have_ref ? referral_id : 0, at, &id)))
        return rc;
    rc = letter_load(ctx, id, out);
    if (rc == 0)
        ctx->status = 201;
    return rc;
}

/* Sends a due letter with its content (the caller holds the letter). */
static int letter_send(app_ctx *ctx, long long id, json_t *body, json_t *cur)
{
    const char *diagnosis, *meds, *hosp;
    long long days = 0;
    int have_days, rc;
    int discharge = strcmp(json_string_value(json_object_get(cur, "kind")), "discharge") == 0;
    if ((rc = app__body_text(ctx, body, "diagnosis", "Enter the diagnosis", 1, TEXT_MAX, &diagnosis)) ||
        (rc = app__body_str(ctx, body, "medication_changes", 0, TEXT_MAX, &meds)) ||
        (rc = app__body_text(ctx, body, "hospital_actions", "Enter what the hospital will do next", 1, TEXT_MAX,
                             &hosp)) ||
        (rc = app__body_int(ctx, body, "days_medication_supplied", discharge, &days, &have_days)))
        return rc;
    if (have_days && days < 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "days_medication_supplied",
                        "Days of medication supplied cannot be negative.");
    if (discharge && !care_discharge_medication_ok(days, meds != NULL))
        return app_fail(ctx, SEAM_EINVALID, "missing_field", "medication_changes",
                        "Fewer than 7 days of medication were supplied: say why in the medication changes.");
    json_t *actions = json_object_get(body, "gp_actions");
    if (actions && !json_is_null(actions) && !json_is_array(actions))
        return app_fail(ctx, SEAM_EBADREQ, "bad_request", "gp_actions", "gp_actions must be a list.");
    size_t n = json_array_size(actions);
    if (n > MAX_GP_ACTIONS)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "gp_actions", "At most %d GP actions.", MAX_GP_ACTIONS);
    for (size_t i = 0; i < n; i++) {
        json_t *ac = json_array_get(actions, i);
        const char *text, *reason;
        if (!json_is_object(ac))
            return app_fail(ctx, SEAM_EBADREQ, "bad_request", "gp_actions", "Each GP action is an object.");
        if ((rc = app__body_text(ctx, ac, "text", "Enter what the GP is asked to do", 1, 2000, &text)) ||
            (rc = app__body_text(ctx, ac, "reason", "Give the reason for each action asked of the GP", 1, 2000,
                                 &reason)))
            return rc;
        db_param ap[] = {DBP_INT(id), DBP_INT((long long)i + 1), DBP_TEXT(text), DBP_TEXT(reason)};
        if ((rc = db_exec(ctx->db,
                          "INSERT INTO letter_actions (letter_id, n, text, reason, status) VALUES ($1, $2, $3, $4,"
                          " 'pending')",
                          4, ap)))
            return app_db_fail(ctx, rc);
    }
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(now),
                    DBP_TEXT(ctx->user.username),
                    DBP_TEXT(diagnosis),
                    DBP_TEXT(meds),
                    have_days ? DBP_INT(days) : DBP_NULL,
                    DBP_TEXT(hosp),
                    DBP_INT(id),
                    DBP_INT(json_integer_value(json_object_get(cur, "version")))};
    if ((rc = db_exec(ctx->db,
                      "UPDATE letters SET status = 'sent', sent_at = $1, author = $2, diagnosis = $3,"
                      " medication_changes = $4, days_medication_supplied = $5, hospital_actions = $6,"
                      " version = version + 1 WHERE id = $7 AND version = $8 AND status = 'due'",
                      8, p)))
        return app_db_fail(ctx, rc);
    if (db_changes(ctx->db) != 1)
        return app_fail(ctx, SEAM_ECONFLICT, "stale_version", NULL, "The letter changed at the same moment; reload.");
    const char *nhs = json_string_value(json_object_get(json_object_get(cur, "patient"), "nhs_number"));
    const char *practice =
        json_string_value(json_object_get(json_object_get(json_object_get(cur, "patient"), "practice"), "code"));
    const char *icb = json_string_value(json_object_get(cur, "icb_code"));
    long long service_id = json_integer_value(json_object_get(json_object_get(cur, "service"), "id"));
    handoff_rule rule = rule_of("gp_actions", HANDOFF_PRACTICE, "gp");
    if ((rc = app__task_move(ctx, "letter_id", id, n ? &rule : NULL, practice, service_id,
                             care_gp_actions_due(ctx->now), icb, NULL)))
        return rc;
    int late = strcmp(now, json_string_value(json_object_get(cur, "due_at"))) > 0;
    return event_for(ctx, "letter.sent", "letter", id, nhs, icb,
                     json_pack("{s:b,s:i,s:s}", "late", late, "gp_actions", (int)n, "due_at",
                               json_string_value(json_object_get(cur, "due_at"))));
}

int app_letter_create(app_ctx *ctx, const void *arg, json_t **out)
{
    json_t *body = (json_t *)arg;
    if (!is_specialist(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Letters are written by the hospital team.");
    char nhs[NHS_NUMBER_LEN], icb[16];
    svc_info svc;
    const char *kind, *ev_s;
    long long referral_id = 0;
    int have_ref, rc;
    seam_time ev;
    if ((rc = app__body_str(ctx, body, "kind", 1, 16, &kind)) || (rc = trust_patient(ctx, body, nhs, icb)) ||
        (rc = body_service(ctx, body, &svc)) || (rc = app__body_str(ctx, body, "event_at", 1, 40, &ev_s)) ||
        (rc = app__body_int(ctx, body, "referral_id", 0, &referral_id, &have_ref)))
        return rc;
    if (strcmp(kind, "clinic") != 0 && strcmp(kind, "discharge") != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "kind", "Select the kind of letter: clinic or discharge.");
    if (seam_time_parse(ev_s, &ev) != 0 || ev > ctx->now + 3600)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "event_at",
                        "Enter when the appointment or discharge happened (not in the future).");
    if (have_ref && (rc = app__link_or_fail(ctx, APP_LINK_REFERRAL, referral_id, nhs, "referral_id", NULL)))
        return rc;
    long long id;
    json_t *cur = NULL;
    if ((rc = app__letter_due(ctx, kind, nhs, icb, &svc, have_ref ? referral_id : 0, ev, &id)) ||
        (rc = letter_load(ctx, id, &cur)) || (rc = letter_send(ctx, id, body, cur))) {
        json_decref(cur);
        return rc;
    }
    json_decref(cur);
    rc = letter_load(ctx, id, out);
    if (rc == 0)
        ctx->status = 201;
    return rc;
}

int app_letters_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_list_args *a = arg;
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT x.id FROM letters x" PS_JOINS " WHERE 1 = 1");
    care_visibility(ctx, &b);
    if (!app_role_is_trust(ctx->user.role))
        sqlb_add(&b, " AND x.status <> 'due'");
    if (a->status && *a->status) {
        sqlb_add(&b, " AND x.status = $?");
        sqlb_param(&b, DBP_TEXT(a->status));
    }
    if (a->q && *a->q) {
        sqlb_add(&b, " AND x.kind = $?");
        sqlb_param(&b, DBP_TEXT(a->q));
    }
    if (a->patient && *a->patient) {
        sqlb_add(&b, " AND x.patient_nhs_number = $?");
        sqlb_param(&b, DBP_TEXT(a->patient));
    }
    if (a->referral > 0) {
        sqlb_add(&b, " AND x.referral_id = $?");
        sqlb_param(&b, DBP_INT(a->referral));
    }
    /* Letters to write first, earliest due; then the newest sent. */
    sqlb_add(&b, " ORDER BY CASE WHEN x.status = 'due' THEN 0 ELSE 1 END,"
                 " CASE WHEN x.status = 'due' THEN x.due_at END, x.sent_at DESC, x.id DESC LIMIT $?");
    sqlb_param(&b, DBP_INT(a->page_size));
    sqlb_add(&b, " OFFSET $?");
    sqlb_param(&b, DBP_INT((long long)(a->page - 1) * a->page_size));
    db_rows *r;
    int rc = db_query(ctx->db, b.sql, b.n, b.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        json_t *l = NULL;
        rc = letter_load(ctx, db_geti(r, i, 0), &l);
        if (rc == 0) {
            json_array_append(list, l);
            rc = app_event(ctx, "read.letter_list", "letter", db_geti(r, i, 0),
                           json_string_value(json_object_get(json_object_get(l, "patient"), "nhs_number")),
                           ctx->user.icb_code, NULL, NULL, NULL);
        }
        json_decref(l);
    }
    db_rows_free(r);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o,s:i,s:i}", "letters", list, "page", a->page, "page_size", a->page_size);
    return 0;
}

int app_letter_get(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    int rc = letter_load(ctx, a->id, out);
    if (rc)
        return rc;
    return app_event_read(ctx, "letter", a->id, *out);
}

int app_letter_act(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    json_t *cur = NULL;
    /* Who may do it at all comes first: a GP never sends letters. */
    if (strcmp(a->action, "send") == 0 && !is_specialist(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Letters are written by the hospital team.");
    if (strcmp(a->action, "read") == 0 && !app_role_is_practice(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Letters are marked read by the practice.");
    int rc = letter_load(ctx, a->id, &cur);
    if (rc)
        return rc;
    if ((rc = care_held(ctx, cur, "letter", a->id))) {
        json_decref(cur);
        return rc;
    }
    const char *status = json_string_value(json_object_get(cur, "status"));
    const char *nhs = json_string_value(json_object_get(json_object_get(cur, "patient"), "nhs_number"));
    if (strcmp(a->action, "send") == 0) {
        if (!is_specialist(ctx->user.role))
            rc = app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Letters are written by the hospital team.");
        else if (strcmp(status, "due") != 0)
            rc = app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL, "This letter has already been sent.");
        else
            rc = letter_send(ctx, a->id, a->body, cur);
    } else if (strcmp(a->action, "read") == 0) {
        if (!app_role_is_practice(ctx->user.role))
            rc = app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Letters are marked read by the practice.");
        else if (strcmp(status, "sent") != 0)
            rc = app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL, "This letter is %s.", status);
        else {
            char now[SEAM_ISO_LEN];
            seam_time_format(ctx->now, now);
            db_param p[] = {DBP_TEXT(now), DBP_TEXT(ctx->user.username), DBP_INT(a->id)};
            rc = db_exec(ctx->db,
                         "UPDATE letters SET status = 'read', read_at = $1, read_by = $2, version = version + 1"
                         " WHERE id = $3 AND status = 'sent'",
                         3, p);
            if (rc)
                rc = app_db_fail(ctx, rc);
            else
                rc = event_for(ctx, "letter.read", "letter", a->id, nhs,
                               json_string_value(json_object_get(cur, "icb_code")), NULL);
        }
    } else {
        rc = app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no letter action %s.", a->action);
    }
    json_decref(cur);
    if (rc == 0)
        rc = letter_load(ctx, a->id, out);
    return rc;
}

int app_letter_gp_action(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_gp_action *a = arg;
    json_t *cur = NULL;
    int rc = letter_load(ctx, a->letter_id, &cur);
    if (rc)
        return rc;
    if ((rc = care_held(ctx, cur, "letter", a->letter_id)))
        goto out;
    const char *reason = NULL;
    int accept = strcmp(a->decision, "accept") == 0;
    if (strcmp(ctx->user.role, "gp") != 0) {
        rc = app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "GP actions are accepted or declined by a GP.");
        goto out;
    }
    json_t *act = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(cur, "gp_actions"), i,
                       x) if (json_integer_value(json_object_get(x, "n")) == a->n) act = x;
    if (act == NULL) {
        rc = app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "This letter has no GP action %d.", a->n);
        goto out;
    }
    if (strcmp(json_string_value(json_object_get(act, "status")), "pending") != 0) {
        rc = app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL, "This action has already been %s.",
                      json_string_value(json_object_get(act, "status")));
        goto out;
    }
    if (!accept &&
        (rc = app__body_text(ctx, a->body, "reason", "Enter why you are declining this action", 1, 2000, &reason)))
        goto out;
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(accept ? "accepted" : "declined"),
                    DBP_TEXT(reason),
                    DBP_TEXT(ctx->user.username),
                    DBP_TEXT(now),
                    DBP_INT(a->letter_id),
                    DBP_INT(a->n)};
    if ((rc = db_exec(ctx->db,
                      "UPDATE letter_actions SET status = $1, decline_reason = $2, decided_by = $3, decided_at = $4"
                      " WHERE letter_id = $5 AND n = $6 AND status = 'pending'",
                      6, p))) {
        rc = app_db_fail(ctx, rc);
        goto out;
    }
    long long pending;
    db_param lp[] = {DBP_INT(a->letter_id)};
    if ((rc = db_query_int(ctx->db, "SELECT count(*) FROM letter_actions WHERE letter_id = $1 AND status = 'pending'",
                           1, lp, 0, &pending))) {
        rc = app_db_fail(ctx, rc);
        goto out;
    }
    const char *icb = json_string_value(json_object_get(cur, "icb_code"));
    if (pending == 0 && (rc = app__task_move(ctx, "letter_id", a->letter_id, NULL, NULL, 0, 0, icb, NULL)))
        goto out;
    /* A declined action stays with the hospital: an owned, due handoff. */
    json_t *handoff = NULL;
    if (!accept && (rc = app__gp_action_declined(ctx, a->letter_id, a->n, cur, &handoff)))
        goto out;
    rc = event_for(ctx, accept ? "letter.gp_action_accepted" : "letter.gp_action_declined", "letter", a->letter_id,
                   json_string_value(json_object_get(json_object_get(cur, "patient"), "nhs_number")), icb,
                   json_pack("{s:i,s:s?,s:o?}", "n", a->n, "reason", reason, "handoff", handoff));
    if (rc == 0)
        rc = letter_load(ctx, a->letter_id, out);
out:
    json_decref(cur);
    return rc;
}

/* ---------------------------------------------------------------------
 * Fit notes
 */

int app_fit_note_create(app_ctx *ctx, const void *arg, json_t **out)
{
    json_t *body = (json_t *)arg;
    if (!is_specialist(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                        "Fit notes here are the ones the hospital issues; your role is %s.", ctx->user.role);
    char nhs[NHS_NUMBER_LEN], icb[16];
    svc_info svc;
    const char *from_s, *to_s, *cond, *setting;
    long long letter_id = 0;
    int have_letter, rc;
    seam_time from, to;
    if ((rc = trust_patient(ctx, body, nhs, icb)) || (rc = body_service(ctx, body, &svc)) ||
        (rc = app__body_text(ctx, body, "from", "Enter the first day of the fit note", 1, 10, &from_s)) ||
        (rc = app__body_text(ctx, body, "to", "Enter the last day of the fit note", 1, 10, &to_s)) ||
        (rc = app__body_text(ctx, body, "condition", "Enter the condition", 1, 500, &cond)) ||
        (rc = app__body_str(ctx, body, "setting", 1, 16, &setting)) ||
        (rc = app__body_int(ctx, body, "letter_id", 0, &letter_id, &have_letter)))
        return rc;
    if (seam_time_parse(from_s, &from) != 0 || seam_time_parse(to_s, &to) != 0 || to < from)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "to",
                        "Enter the dates as YYYY-MM-DD, with the last day on or after the first.");
    if (strcmp(setting, "clinic") != 0 && strcmp(setting, "discharge") != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "setting",
                        "Select where it was issued: clinic or discharge.");
    /* The letter must be this patient's, at the caller's trust: a fit note
     * on another patient's letter would tell them and their GP this
     * patient's condition. */
    if (have_letter && (rc = app__link_or_fail(ctx, APP_LINK_LETTER, letter_id, nhs, "letter_id", NULL)))
        return rc;
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(icb),
                    DBP_TEXT(nhs),
                    DBP_INT(svc.id),
                    have_letter ? DBP_INT(letter_id) : DBP_NULL,
                    DBP_TEXT(ctx->user.username),
                    DBP_TEXT(now),
                    DBP_TEXT(from_s),
                    DBP_TEXT(to_s),
                    DBP_TEXT(cond),
                    DBP_TEXT(setting)};
    long long id;
    if ((rc = db_query_int(ctx->db,
                           "INSERT INTO fit_notes (icb_code, patient_nhs_number, service_id, letter_id, issued_by,"
                           " issued_at, from_date, to_date, condition, setting) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
                           " $9, $10) RETURNING id",
                           10, p, 0, &id)))
        return app_db_fail(ctx, rc);
    if ((rc = event_for(ctx, "fit_note.issued", "fit_note", id, nhs, icb,
                        json_pack("{s:s,s:s,s:s}", "from", from_s, "to", to_s, "setting", setting))))
        return rc;
    *out = json_pack("{s:I,s:s,s:I,s:o,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)id, "patient_nhs_number", nhs,
                     "service_id", (json_int_t)svc.id, "letter_id", have_letter ? json_integer(letter_id) : json_null(),
                     "from", from_s, "to", to_s, "condition", cond, "setting", setting, "issued_by", ctx->user.username,
                     "issued_at", now);
    ctx->status = 201;
    return 0;
}

int app_fit_notes_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_list_args *a = arg;
    sqlb b;
    sqlb_init(&b);
    sqlb_add(
        &b,
        "SELECT x.id, x.from_date, x.to_date, x.condition, x.setting, x.issued_by, x.issued_at, x.letter_id," PS_COLUMNS
        " FROM fit_notes x" PS_JOINS " WHERE 1 = 1");
    care_visibility(ctx, &b);
    if (a->patient && *a->patient) {
        sqlb_add(&b, " AND x.patient_nhs_number = $?");
        sqlb_param(&b, DBP_TEXT(a->patient));
    }
    sqlb_add(&b, " ORDER BY x.id DESC LIMIT 200");
    db_rows *r;
    int rc = db_query(ctx->db, b.sql, b.n, b.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "id",
                                              (json_int_t)db_geti(r, i, 0), "from", db_get(r, i, 1), "to",
                                              db_get(r, i, 2), "condition", db_get(r, i, 3), "setting", db_get(r, i, 4),
                                              "issued_by", db_get(r, i, 5), "issued_at", db_get(r, i, 6), "letter_id",
                                              db_isnull(r, i, 7) ? json_null() : json_integer(db_geti(r, i, 7)),
                                              "patient", patient_brief(r, i, 8), "service", service_brief(r, i, 13)));
        rc = app_event(ctx, "read.fit_note", "fit_note", db_geti(r, i, 0), db_get(r, i, 8), ctx->user.icb_code, NULL,
                       NULL, NULL);
    }
    db_rows_free(r);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o}", "fit_notes", list);
    return 0;
}

/* ---------------------------------------------------------------------
 * Follow-up and recall
 */

static int follow_up_load(app_ctx *ctx, long long id, json_t **out)
{
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT x.id, x.kind, x.status, x.referral_id, x.window_start, x.window_end, x.appointment_at,"
                 " x.created_by, x.created_at, x.version, x.icb_code," PS_COLUMNS " FROM follow_ups x" PS_JOINS
                 " WHERE x.id = $?");
    sqlb_param(&b, DBP_INT(id));
    care_visibility(ctx, &b);
    db_rows *r;
    int rc = db_query(ctx->db, b.sql, b.n, b.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "No follow-up %lld is visible to you.", id);
    }
    json_t *o =
        json_pack("{s:I,s:s,s:s,s:o,s:s,s:s,s:o,s:s,s:s,s:I,s:s,s:o,s:o}", "id", (json_int_t)db_geti(r, 0, 0), "kind",
                  db_get(r, 0, 1), "status", db_get(r, 0, 2), "referral_id",
                  db_isnull(r, 0, 3) ? json_null() : json_integer(db_geti(r, 0, 3)), "window_start", db_get(r, 0, 4),
                  "window_end", db_get(r, 0, 5), "appointment_at", app__str_or_null(db_get(r, 0, 6)), "created_by",
                  db_get(r, 0, 7), "created_at", db_get(r, 0, 8), "version", (json_int_t)db_geti(r, 0, 9), "icb_code",
                  db_get(r, 0, 10), "patient", patient_brief(r, 0, 11), "service", service_brief(r, 0, 16));
    db_rows_free(r);
    add_task_fields(ctx, o, "follow_up_id", id);
    *out = o;
    return 0;
}

int app_follow_up_create(app_ctx *ctx, const void *arg, json_t **out)
{
    json_t *body = (json_t *)arg;
    if (!is_specialist(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Follow-ups are arranged by the hospital team.");
    long long referral_id, months = 0;
    int have, have_months, rc;
    const char *ws = NULL, *we = NULL;
    if ((rc = app__body_int(ctx, body, "referral_id", 1, &referral_id, &have)) ||
        (rc = app__body_int(ctx, body, "pifu_months", 0, &months, &have_months)) ||
        (rc = app__body_str(ctx, body, "window_start", 0, 10, &ws)) ||
        (rc = app__body_str(ctx, body, "window_end", 0, 10, &we)))
        return rc;
    json_t *ref = NULL;
    if ((rc = app__link_or_fail(ctx, APP_LINK_REFERRAL, referral_id, NULL, "referral_id", NULL)))
        return rc;
    rc = refview_load(ctx, referral_id, &ref);
    if (rc == SEAM_ENOTFOUND)
        return app_fail(ctx, rc, "not_found", "referral_id", "No referral %lld is visible to you.", referral_id);
    if (rc)
        return rc;
    char nhs[NHS_NUMBER_LEN], icb[16];
    snprintf(nhs, sizeof(nhs), "%s", json_string_value(json_object_get(json_object_get(ref, "patient"), "nhs_number")));
    snprintf(icb, sizeof(icb), "%s", json_string_value(json_object_get(ref, "icb_code")));
    long long service_id = json_integer_value(json_object_get(json_object_get(ref, "service"), "id"));
    json_decref(ref);
    svc_info svc;
    if ((rc = trust_service(ctx, service_id, &svc)))
        return rc;
    seam_time start, end;
    char start_s[SEAM_DATE_LEN], end_s[SEAM_DATE_LEN];
    const char *kind;
    handoff_rule rule;
    if (have_months) {
        if (ws || we)
            return app_fail(ctx, SEAM_EINVALID, "invalid_value", "pifu_months",
                            "Give either a follow-up window or patient-initiated follow-up months, not both.");
        if (months < 1 || months > 24)
            return app_fail(ctx, SEAM_EINVALID, "invalid_value", "pifu_months",
                            "Patient-initiated follow-up lasts 1 to 24 months.");
        start = ctx->now;
        end = care_pifu_end(ctx->now, (int)months);
        kind = "pifu";
        rule = rule_of("pifu_review", HANDOFF_SERVICE, "clinician");
    } else {
        if (ws == NULL || we == NULL)
            return app_fail(ctx, SEAM_EINVALID, "missing_field", ws ? "window_end" : "window_start",
                            "Enter the follow-up window (window_start and window_end), or pifu_months.");
        if (seam_time_parse(ws, &start) != 0 || seam_time_parse(we, &end) != 0 || end < start ||
            end < seam_time_day(ctx->now) * 86400)
            return app_fail(ctx, SEAM_EINVALID, "invalid_value", "window_end",
                            "Enter the window as dates (YYYY-MM-DD), ending today or later and not before it starts.");
        kind = "window";
        rule = rule_of("follow_up", HANDOFF_SERVICE, "booking");
    }
    seam_date_format(start, start_s);
    seam_date_format(end, end_s);
    seam_time due = (seam_time_day(end) + 1) * 86400 - 1; /* the end of the window's last day */
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(icb),        DBP_TEXT(kind),    DBP_TEXT(nhs),   DBP_INT(svc.id),
                    DBP_INT(referral_id), DBP_TEXT(start_s), DBP_TEXT(end_s), DBP_TEXT(ctx->user.username),
                    DBP_TEXT(now)};
    long long id;
    if ((rc =
             db_query_int(ctx->db,
                          "INSERT INTO follow_ups (icb_code, kind, status, patient_nhs_number, service_id, referral_id,"
                          " window_start, window_end, created_by, created_at) VALUES ($1, $2, 'open', $3, $4, $5, $6,"
                          " $7, $8, $9) RETURNING id",
                          9, p, 0, &id)))
        return app_db_fail(ctx, rc);
    if ((rc = app__task_move(ctx, "follow_up_id", id, &rule, svc.trust, svc.id, due, icb, NULL)) ||
        (rc = event_for(ctx, "follow_up.created", "follow_up", id, nhs, icb,
                        json_pack("{s:s,s:s,s:s,s:I}", "kind", kind, "window_start", start_s, "window_end", end_s,
                                  "referral_id", (json_int_t)referral_id))))
        return rc;
    rc = follow_up_load(ctx, id, out);
    if (rc == 0)
        ctx->status = 201;
    return rc;
}

int app_follow_ups_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_list_args *a = arg;
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT x.id, x.patient_nhs_number FROM follow_ups x" PS_JOINS " WHERE 1 = 1");
    care_visibility(ctx, &b);
    if (a->status && *a->status) {
        sqlb_add(&b, " AND x.status = $?");
        sqlb_param(&b, DBP_TEXT(a->status));
    }
    sqlb_add(&b, " ORDER BY CASE WHEN x.status = 'open' THEN 0 ELSE 1 END, x.window_end, x.id LIMIT $?");
    sqlb_param(&b, DBP_INT(a->page_size));
    sqlb_add(&b, " OFFSET $?");
    sqlb_param(&b, DBP_INT((long long)(a->page - 1) * a->page_size));
    db_rows *r;
    int rc = db_query(ctx->db, b.sql, b.n, b.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        json_t *f = NULL;
        rc = follow_up_load(ctx, db_geti(r, i, 0), &f);
        if (rc == 0) {
            json_array_append_new(list, f);
            rc = app_event(ctx, "read.follow_up_list", "follow_up", db_geti(r, i, 0), db_get(r, i, 1),
                           ctx->user.icb_code, NULL, NULL, NULL);
        }
    }
    db_rows_free(r);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o,s:i,s:i}", "follow_ups", list, "page", a->page, "page_size", a->page_size);
    return 0;
}

int app_follow_up_get(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    int rc = follow_up_load(ctx, a->id, out);
    if (rc)
        return rc;
    return app_event_read(ctx, "follow_up", a->id, *out);
}

int app_follow_up_act(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    json_t *cur = NULL;
    int rc = follow_up_load(ctx, a->id, &cur);
    if (rc)
        return rc;
    if ((rc = care_held(ctx, cur, "follow-up", a->id))) {
        json_decref(cur);
        return rc;
    }
    int book = strcmp(a->action, "book") == 0;
    const char *nhs = json_string_value(json_object_get(json_object_get(cur, "patient"), "nhs_number"));
    char icb[16];
    snprintf(icb, sizeof(icb), "%s", json_string_value(json_object_get(cur, "icb_code")));
    svc_info svc;
    const char *appt_s = NULL;
    seam_time appt = 0;
    char now[SEAM_ISO_LEN], appt_iso[SEAM_ISO_LEN] = "";
    seam_time_format(ctx->now, now);
    if (!book && strcmp(a->action, "discharge") != 0) {
        rc = app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no follow-up action %s.", a->action);
        goto out;
    }
    if (!app_role_is_trust(ctx->user.role) || strcmp(ctx->user.role, "interface_lead") == 0 ||
        (!book && !is_specialist(ctx->user.role))) {
        rc = app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Your role (%s) cannot %s a follow-up.", ctx->user.role,
                      a->action);
        goto out;
    }
    if (strcmp(json_string_value(json_object_get(cur, "status")), "open") != 0) {
        rc = app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL, "This follow-up is %s.",
                      json_string_value(json_object_get(cur, "status")));
        goto out;
    }
    if ((rc = app__svc_load(ctx, json_integer_value(json_object_get(json_object_get(cur, "service"), "id")), &svc)))
        goto out;
    if (book) {
        if ((rc = app__body_str(ctx, a->body, "appointment_at", 1, 40, &appt_s)))
            goto out;
        if (seam_time_parse(appt_s, &appt) != 0 || appt < ctx->now - 3600) {
            rc = app_fail(ctx, SEAM_EINVALID, "invalid_value", "appointment_at",
                          "Enter the appointment as a future date and time, such as 2026-12-01T09:30:00Z.");
            goto out;
        }
        seam_time_format(appt, appt_iso);
    }
    db_param p[] = {DBP_TEXT(book ? "booked" : "discharged"), DBP_TEXT(book ? appt_iso : NULL), DBP_INT(a->id)};
    if ((rc = db_exec(ctx->db,
                      "UPDATE follow_ups SET status = $1, appointment_at = COALESCE($2, appointment_at),"
                      " version = version + 1 WHERE id = $3 AND status = 'open'",
                      3, p))) {
        rc = app_db_fail(ctx, rc);
        goto out;
    }
    if ((rc = app__task_move(ctx, "follow_up_id", a->id, NULL, NULL, 0, 0, icb, NULL)))
        goto out;
    /* Discharge from follow-up ends with a letter to the GP. */
    json_t *ref = json_object_get(cur, "referral_id");
    if (!book && (rc = app__letter_due(ctx, "clinic", nhs, icb, &svc,
                                       json_is_integer(ref) ? json_integer_value(ref) : 0, ctx->now, NULL)))
        goto out;
    if ((rc = event_for(ctx, book ? "follow_up.booked" : "follow_up.discharged", "follow_up", a->id, nhs, icb,
                        book ? json_pack("{s:s}", "appointment_at", appt_iso) : NULL)))
        goto out;
    rc = follow_up_load(ctx, a->id, out);
out:
    json_decref(cur);
    return rc;
}

/* ---------------------------------------------------------------------
 * The GP inbox
 */

static int inbox_add(app_ctx *ctx, json_t *list, const char *sql, const char *type, const char *link, int days)
{
    char since[SEAM_ISO_LEN];
    seam_time_format(ctx->now - (seam_time)days * 86400, since);
    db_rows *r;
    db_param p[] = {DBP_TEXT(ctx->user.org_code), DBP_TEXT(since)};
    int rc = db_query(ctx->db, sql, 2, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        char href[64];
        snprintf(href, sizeof(href), "%s%lld", link, db_geti(r, i, 0));
        json_array_append_new(
            list, json_pack("{s:s,s:I,s:s,s:{s:s,s:s,s:s},s:s,s:s}", "type", type, "id", (json_int_t)db_geti(r, i, 0),
                            "at", db_get(r, i, 1), "patient", "nhs_number", db_get(r, i, 2), "given_name",
                            db_get(r, i, 3), "family_name", db_get(r, i, 4), "summary", db_get(r, i, 5), "link", href));
        rc =
            app_event(ctx, "read.inbox", type, db_geti(r, i, 0), db_get(r, i, 2), ctx->user.icb_code, NULL, NULL, NULL);
    }
    db_rows_free(r);
    return rc;
}

#define PAT " p.nhs_number, p.given_name, p.family_name"

int app_inbox(app_ctx *ctx, const void *arg, json_t **out)
{
    if (!app_role_is_practice(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "The inbox is the GP practice's.");
    json_t *actions = json_array(), *info = json_array();
    int rc;
    /* What the GP must act on. */
    if ((rc = inbox_add(ctx, actions,
                        "SELECT l.id, l.sent_at," PAT ", 'Action ' || CAST(la.n AS TEXT) || ': ' || la.text"
                        " FROM letter_actions la JOIN letters l ON l.id = la.letter_id"
                        " JOIN patients p ON p.nhs_number = l.patient_nhs_number"
                        " WHERE p.practice_code = $1 AND la.status = 'pending' AND l.status <> 'due' AND $2 <> ''"
                        " ORDER BY l.sent_at, la.n",
                        "letter_gp_action", "/letter.html?id=", 0)) ||
        (rc = inbox_add(ctx, actions,
                        "SELECT x.id, x.handover_at," PAT ", 'Asked to take on: ' || o.test || ' (' ||"
                        " x.handover_reason || ')' FROM results x JOIN result_orders o ON o.id = x.order_id"
                        " JOIN patients p ON p.nhs_number = x.patient_nhs_number"
                        " WHERE p.practice_code = $1 AND x.status = 'handover_requested' AND $2 <> '' ORDER BY x.id",
                        "result_handover", "/result.html?id=", 0)) ||
        (rc = inbox_add(ctx, actions,
                        "SELECT x.id, x.handover_decided_at," PAT ", 'Review result: ' || o.test FROM results x"
                        " JOIN result_orders o ON o.id = x.order_id JOIN patients p ON p.nhs_number ="
                        " x.patient_nhs_number WHERE p.practice_code = $1 AND x.status = 'gp_to_review' AND $2 <> ''"
                        " ORDER BY x.id",
                        "result_review", "/result.html?id=", 0)) ||
        (rc = inbox_add(ctx, actions,
                        "SELECT r.id, r.returned_at," PAT ", 'Returned with advice: ' || r.reason FROM referrals r"
                        " JOIN patients p ON p.nhs_number = r.patient_nhs_number"
                        " WHERE p.practice_code = $1 AND r.status = 'returned' AND $2 <> '' ORDER BY r.returned_at",
                        "returned_referral", "/referral.html?id=", 0)) ||
        (rc = inbox_add(ctx, actions,
                        "SELECT a.id, a.status_since," PAT ", 'Specialist wrote back' FROM advice_requests a"
                        " JOIN patients p ON p.nhs_number = a.patient_nhs_number"
                        " WHERE p.practice_code = $1 AND a.status = 'awaiting_gp' AND $2 <> '' ORDER BY a.status_since",
                        "advice_reply", "/advice.html?id=", 0)) ||
        (rc = inbox_add(ctx, actions,
                        "SELECT a.id, a.status_since," PAT ", 'Advice given: ' || COALESCE(a.outcome_answer, '')"
                        " FROM advice_requests a JOIN patients p ON p.nhs_number = a.patient_nhs_number"
                        " WHERE p.practice_code = $1 AND a.status = 'advice_given' AND $2 <> ''"
                        " ORDER BY a.status_since",
                        "read_advice", "/advice.html?id=", 0)))
        goto fail;
    /* Copies for information only. */
    if ((rc = inbox_add(ctx, info,
                        "SELECT l.id, l.sent_at," PAT ", CASE l.kind WHEN 'discharge' THEN 'Discharge summary'"
                        " ELSE 'Clinic letter' END || ': ' || COALESCE(l.diagnosis, '') FROM letters l"
                        " JOIN patients p ON p.nhs_number = l.patient_nhs_number"
                        " WHERE p.practice_code = $1 AND l.status = 'sent' AND $2 <> '' ORDER BY l.sent_at DESC",
                        "letter", "/letter.html?id=", 0)) ||
        (rc = inbox_add(ctx, info,
                        "SELECT l.id, la.resolved_at," PAT ", 'Declined action ' || CAST(la.n AS TEXT) || ' resolved"
                        " by the hospital: ' || CASE la.outcome WHEN 'arranged_by_hospital' THEN"
                        " 'arranged by the hospital' ELSE 'agreed otherwise' END || ' (' || la.text || ')'"
                        " FROM letter_actions la JOIN letters l ON l.id = la.letter_id"
                        " JOIN patients p ON p.nhs_number = l.patient_nhs_number WHERE p.practice_code = $1"
                        " AND la.status = 'resolved' AND la.resolved_at >= $2 ORDER BY la.resolved_at DESC",
                        "gp_action_resolved", "/letter.html?id=", 30)) ||
        (rc = inbox_add(ctx, info,
                        "SELECT r.id, e.at," PAT ", CASE e.action WHEN 'referral.dna_rebooked' THEN"
                        " 'Missed appointment: the hospital is rebooking' ELSE"
                        " 'Missed appointment: discharged by the hospital' END FROM events e"
                        " JOIN referrals r ON e.object_type = 'referral' AND e.object_id = CAST(r.id AS TEXT)"
                        " JOIN patients p ON p.nhs_number = r.patient_nhs_number WHERE p.practice_code = $1"
                        " AND e.action IN ('referral.dna_rebooked', 'referral.dna_discharged') AND e.at >= $2"
                        " ORDER BY e.at DESC",
                        "dna", "/referral.html?id=", 30)) ||
        (rc = inbox_add(ctx, info,
                        "SELECT r.id, e.at," PAT ", 'Redirected to ' || s.name FROM events e"
                        " JOIN referrals r ON e.object_type = 'referral' AND e.object_id = CAST(r.id AS TEXT)"
                        " JOIN services s ON s.id = r.service_id JOIN patients p ON p.nhs_number ="
                        " r.patient_nhs_number WHERE p.practice_code = $1 AND e.action = 'referral.redirected'"
                        " AND e.at >= $2 ORDER BY e.at DESC",
                        "redirect", "/referral.html?id=", 30)) ||
        (rc = inbox_add(ctx, info,
                        "SELECT r.id, r.created_at," PAT ", 'Onward referral to ' || s.name FROM referrals r"
                        " JOIN services s ON s.id = r.service_id JOIN patients p ON p.nhs_number ="
                        " r.patient_nhs_number WHERE p.practice_code = $1 AND r.onward_from IS NOT NULL"
                        " AND r.created_at >= $2 ORDER BY r.created_at DESC",
                        "onward_referral", "/referral.html?id=", 30)) ||
        (rc = inbox_add(ctx, info,
                        "SELECT rv.pathway_id, rv.answered_at," PAT ", 'Priority review answered: ' ||"
                        " CASE rv.outcome WHEN 'reprioritised' THEN 'now ' || COALESCE(rv.to_priority, '')"
                        " ELSE 'priority unchanged' END || ' (' || s.name || ')' FROM priority_reviews rv"
                        " JOIN services s ON s.id = rv.service_id JOIN patients p ON p.nhs_number ="
                        " rv.patient_nhs_number WHERE rv.requested_org = $1 AND p.practice_code = $1"
                        " AND rv.status = 'answered' AND rv.answered_at >= $2 ORDER BY rv.answered_at DESC",
                        "priority_review", "/pathway.html?id=", 30)))
        goto fail;
    *out = json_pack("{s:o,s:o}", "actions", actions, "information", info);
    return 0;
fail:
    json_decref(actions);
    json_decref(info);
    return rc;
}

/* ---------------------------------------------------------------------
 * Measures
 */

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
