/*
 * advice.c - advice and guidance: a GP's question to a specialist, the
 * thread, attachments, closing with structured advice, and conversion
 * into a referral.  Every open request has exactly one owner and a due
 * time (src/core/advice.c), like a referral.
 */
#include "app/frame/access.h"
#include "app/app.h"
#include "app/frame/frame.h"
#include "app/referrals/referrals.h"
#include "app/advice/advice.h"
#include "app/waiting/waiting.h"
#include "app/frame/sqlb.h"
#include "common/rc.h"
#include "core/advice.h"
#include "core/nhs_number.h"
#include "core/referral.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUESTION_MAX   20000
#define TEXT_MAX       20000
#define ATTACHMENT_MAX (5 * 1024 * 1024)

#define body_text_required(ctx, body, name, prompt, out) app__body_text(ctx, body, name, prompt, 1, TEXT_MAX, out)

#define ADV_COLUMNS                                                                                                    \
    " a.id, a.status, a.priority, a.question, a.consent_to_convert, a.requested_at, a.from_referral_id,"               \
    " a.converted_referral_id, a.outcome_answer, a.outcome_what_to_do, a.outcome_if_worse, a.outcome_by,"              \
    " ob.display_name, a.outcome_at, a.responder_username, rs.display_name, a.created_at, a.updated_at,"               \
    " a.version, a.icb_code,"                                                                                          \
    " p.nhs_number, p.given_name, p.family_name, p.birth_date, p.sex, p.practice_code, pr.name,"                       \
    " s.id, s.name, s.specialty, s.trust_code, tr.name,"                                                               \
    " a.requester_username, u.display_name, a.requester_org, ro.name,"                                                 \
    " t.id, t.kind, t.owner_org, oo.name, t.owner_service_id, tsv.name, t.owner_role, t.due_at, t.escalation_level"

#define ADV_FROM                                                                                                       \
    " FROM advice_requests a"                                                                                          \
    " JOIN patients p ON p.nhs_number = a.patient_nhs_number"                                                          \
    " JOIN organisations pr ON pr.code = p.practice_code"                                                              \
    " JOIN services s ON s.id = a.service_id"                                                                          \
    " JOIN organisations tr ON tr.code = s.trust_code"                                                                 \
    " LEFT JOIN users u ON u.username = a.requester_username"                                                          \
    " LEFT JOIN organisations ro ON ro.code = a.requester_org"                                                         \
    " LEFT JOIN users ob ON ob.username = a.outcome_by"                                                                \
    " LEFT JOIN users rs ON rs.username = a.responder_username"                                                        \
    " LEFT JOIN tasks t ON t.advice_id = a.id AND t.state = 'open'"                                                    \
    " LEFT JOIN organisations oo ON oo.code = t.owner_org"                                                             \
    " LEFT JOIN services tsv ON tsv.id = t.owner_service_id"

enum {
    A_ID,
    A_STATUS,
    A_PRIORITY,
    A_QUESTION,
    A_CONSENT,
    A_REQUESTED,
    A_FROM_REF,
    A_CONV_REF,
    A_ANSWER,
    A_WHAT,
    A_WORSE,
    A_OUT_BY,
    A_OUT_BY_NAME,
    A_OUT_AT,
    A_RESP,
    A_RESP_NAME,
    A_CREATED,
    A_UPDATED,
    A_VERSION,
    A_ICB,
    A_NHS,
    A_GIVEN,
    A_FAMILY,
    A_BIRTH,
    A_SEX,
    A_PRACTICE,
    A_PRACTICE_NAME,
    A_SVC_ID,
    A_SVC_NAME,
    A_SVC_SPEC,
    A_SVC_TRUST,
    A_SVC_TRUST_NAME,
    A_REQ_USER,
    A_REQ_NAME,
    A_REQ_ORG,
    A_REQ_ORG_NAME,
    A_TASK_ID,
    A_TASK_KIND,
    A_OWNER_ORG,
    A_OWNER_ORG_NAME,
    A_OWNER_SVC,
    A_OWNER_SVC_NAME,
    A_OWNER_ROLE,
    A_DUE,
    A_LEVEL,
};

static json_t *advice_json(app_ctx *ctx, const db_rows *r, int i)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(db_geti(r, i, A_ID)));
    json_object_set_new(o, "status", json_string(db_get(r, i, A_STATUS)));
    json_object_set_new(o, "priority", json_string(db_get(r, i, A_PRIORITY)));
    json_object_set_new(o, "patient",
                        json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s}}", "nhs_number", db_get(r, i, A_NHS), "given_name",
                                  db_get(r, i, A_GIVEN), "family_name", db_get(r, i, A_FAMILY), "birth_date",
                                  db_get(r, i, A_BIRTH), "sex", db_get(r, i, A_SEX), "practice", "code",
                                  db_get(r, i, A_PRACTICE), "name", db_get(r, i, A_PRACTICE_NAME)));
    json_object_set_new(o, "service",
                        json_pack("{s:I,s:s,s:s,s:{s:s,s:s}}", "id", (json_int_t)db_geti(r, i, A_SVC_ID), "name",
                                  db_get(r, i, A_SVC_NAME), "specialty", db_get(r, i, A_SVC_SPEC), "trust", "code",
                                  db_get(r, i, A_SVC_TRUST), "name", db_get(r, i, A_SVC_TRUST_NAME)));
    json_object_set_new(o, "requester",
                        json_pack("{s:s,s:o,s:{s:s,s:o}}", "username", db_get(r, i, A_REQ_USER), "display_name",
                                  app__str_or_null(db_get(r, i, A_REQ_NAME)), "organisation", "code",
                                  db_get(r, i, A_REQ_ORG), "name", app__str_or_null(db_get(r, i, A_REQ_ORG_NAME))));
    json_object_set_new(o, "question", json_string(db_get(r, i, A_QUESTION)));
    json_object_set_new(o, "consent_to_convert", json_boolean(db_geti(r, i, A_CONSENT)));
    json_object_set_new(o, "requested_at", json_string(db_get(r, i, A_REQUESTED)));
    json_object_set_new(o, "from_referral_id",
                        db_isnull(r, i, A_FROM_REF) ? json_null() : json_integer(db_geti(r, i, A_FROM_REF)));
    json_object_set_new(o, "converted_referral_id",
                        db_isnull(r, i, A_CONV_REF) ? json_null() : json_integer(db_geti(r, i, A_CONV_REF)));
    json_object_set_new(o, "outcome",
                        db_isnull(r, i, A_OUT_AT)
                            ? json_null()
                            : json_pack("{s:o,s:o,s:o,s:{s:o,s:o},s:s}", "answer",
                                        app__str_or_null(db_get(r, i, A_ANSWER)), "what_to_do",
                                        app__str_or_null(db_get(r, i, A_WHAT)), "if_worse",
                                        app__str_or_null(db_get(r, i, A_WORSE)), "by", "username",
                                        app__str_or_null(db_get(r, i, A_OUT_BY)), "display_name",
                                        app__str_or_null(db_get(r, i, A_OUT_BY_NAME)), "at", db_get(r, i, A_OUT_AT)));
    json_object_set_new(o, "responder",
                        db_isnull(r, i, A_RESP)
                            ? json_null()
                            : json_pack("{s:s,s:o}", "username", db_get(r, i, A_RESP), "display_name",
                                        app__str_or_null(db_get(r, i, A_RESP_NAME))));
    if (db_isnull(r, i, A_TASK_ID)) {
        json_object_set_new(o, "owner", json_null());
        json_object_set_new(o, "due_at", json_null());
        json_object_set_new(o, "overdue", json_false());
        json_object_set_new(o, "escalation_level", json_integer(0));
        json_object_set_new(o, "escalated_to", json_null());
    } else {
        json_t *svc = db_isnull(r, i, A_OWNER_SVC)
                          ? json_null()
                          : json_pack("{s:I,s:s}", "id", (json_int_t)db_geti(r, i, A_OWNER_SVC), "name",
                                      db_get(r, i, A_OWNER_SVC_NAME));
        json_object_set_new(o, "owner",
                            json_pack("{s:{s:s,s:s},s:o,s:s,s:s}", "organisation", "code", db_get(r, i, A_OWNER_ORG),
                                      "name", db_get(r, i, A_OWNER_ORG_NAME), "service", svc, "role",
                                      db_get(r, i, A_OWNER_ROLE), "task", db_get(r, i, A_TASK_KIND)));
        json_object_set_new(o, "due_at", json_string(db_get(r, i, A_DUE)));
        json_object_set_new(o, "overdue", json_boolean(strcmp(db_get(r, i, A_DUE), now) < 0));
        int level = (int)db_geti(r, i, A_LEVEL);
        json_object_set_new(o, "escalation_level", json_integer(level));
        json_object_set_new(o, "escalated_to", app__str_or_null(app__escalated_to(level)));
    }
    json_object_set_new(o, "created_at", json_string(db_get(r, i, A_CREATED)));
    json_object_set_new(o, "updated_at", json_string(db_get(r, i, A_UPDATED)));
    json_object_set_new(o, "version", json_integer(db_geti(r, i, A_VERSION)));
    json_object_set_new(o, "icb_code", json_string(db_get(r, i, A_ICB)));
    return o;
}

/* The visibility rule over aliases a, p, s (as refview_visibility). */
static void advice_visibility(app_ctx *ctx, sqlb *b)
{
    app__visibility(ctx, b, " AND s.trust_code = $?", "a.icb_code", "a.service_id");
}

/* Loads one visible advice request (without thread).  SEAM_ENOTFOUND is
 * recorded on ctx. */
static int advice_load(app_ctx *ctx, long long id, json_t **out)
{
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT" ADV_COLUMNS ADV_FROM " WHERE a.id = $?");
    sqlb_param(&b, DBP_INT(id));
    advice_visibility(ctx, &b);
    db_rows *r;
    int rc = db_query(ctx->db, b.sql, b.n, b.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "No advice request %lld is visible to you.", id);
    }
    *out = advice_json(ctx, r, 0);
    db_rows_free(r);
    return 0;
}

/* Adds the thread and the attachment list to an advice JSON. */
static int advice_add_thread(app_ctx *ctx, json_t *adv)
{
    long long id = json_integer_value(json_object_get(adv, "id"));
    db_rows *r;
    db_param p[] = {DBP_INT(id)};
    int rc = db_query(ctx->db,
                      "SELECT m.id, m.at, m.kind, m.author, COALESCE(u.display_name, m.author), m.author_role,"
                      " m.author_org, o.name, m.text, m.answer, m.what_to_do, m.if_worse"
                      " FROM advice_messages m LEFT JOIN users u ON u.username = m.author"
                      " LEFT JOIN organisations o ON o.code = m.author_org WHERE m.advice_id = $1 ORDER BY m.id",
                      1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *msgs = json_array();
    for (int i = 0; i < db_nrows(r); i++)
        json_array_append_new(
            msgs,
            json_pack("{s:I,s:s,s:s,s:{s:s,s:s,s:s,s:{s:s,s:o}},s:o,s:o,s:o,s:o}", "id", (json_int_t)db_geti(r, i, 0),
                      "at", db_get(r, i, 1), "kind", db_get(r, i, 2), "author", "username", db_get(r, i, 3),
                      "display_name", db_get(r, i, 4), "role", db_get(r, i, 5), "organisation", "code", db_get(r, i, 6),
                      "name", app__str_or_null(db_get(r, i, 7)), "text", app__str_or_null(db_get(r, i, 8)), "answer",
                      app__str_or_null(db_get(r, i, 9)), "what_to_do", app__str_or_null(db_get(r, i, 10)), "if_worse",
                      app__str_or_null(db_get(r, i, 11))));
    db_rows_free(r);
    json_object_set_new(adv, "messages", msgs);
    rc = db_query(ctx->db,
                  "SELECT id, filename, content_type, size_bytes, sha256, uploaded_at, uploaded_by FROM attachments"
                  " WHERE advice_id = $1 ORDER BY id",
                  1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *att = json_array();
    for (int i = 0; i < db_nrows(r); i++)
        json_array_append_new(att, json_pack("{s:I,s:s,s:s,s:I,s:s,s:s,s:s}", "id", (json_int_t)db_geti(r, i, 0),
                                             "filename", db_get(r, i, 1), "content_type", db_get(r, i, 2), "size",
                                             (json_int_t)db_geti(r, i, 3), "sha256", db_get(r, i, 4), "uploaded_at",
                                             db_get(r, i, 5), "uploaded_by", db_get(r, i, 6)));
    db_rows_free(r);
    json_object_set_new(adv, "attachments", att);
    return 0;
}

static int add_message(app_ctx *ctx, long long id, const char *icb, const char *kind, const char *text,
                       const char *answer, const char *what, const char *worse)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(icb),
                    DBP_INT(id),
                    DBP_TEXT(now),
                    DBP_TEXT(ctx->user.username),
                    DBP_TEXT(ctx->user.role),
                    DBP_TEXT(ctx->user.org_code),
                    DBP_TEXT(kind),
                    DBP_TEXT(text),
                    DBP_TEXT(answer),
                    DBP_TEXT(what),
                    DBP_TEXT(worse)};
    int rc =
        db_exec(ctx->db,
                "INSERT INTO advice_messages (icb_code, advice_id, at, author, author_role, author_org, kind, text,"
                " answer, what_to_do, if_worse) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                11, p);
    return rc ? app_db_fail(ctx, rc) : 0;
}

/* Moves an advice request's task to the owner of status. */
static int advice_task(app_ctx *ctx, long long id, advice_status st, advice_priority prio, const svc_info *svc,
                       const char *practice, const char *icb, json_t *snapshot)
{
    handoff_rule rule;
    if (advice_handoff(st, &rule) != 0)
        return app__task_move(ctx, "advice_id", id, NULL, NULL, 0, 0, icb, snapshot);
    seam_time due = advice_due(st, prio, &svc->at, ctx->now);
    const char *org = rule.side == HANDOFF_PRACTICE ? practice : svc->trust;
    return app__task_move(ctx, "advice_id", id, &rule, org, svc->id, due, icb, snapshot);
}

int app__advice_open(app_ctx *ctx, const char *nhs, const char *icb, const char *practice, const svc_info *svc,
                     advice_priority prio, const char *question, int consent, long long from_referral,
                     const char *requested_at, const char *requester, const char *requester_org, long long *id_out)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(icb),
                    DBP_TEXT(nhs),
                    DBP_TEXT(requester),
                    DBP_TEXT(requester_org),
                    DBP_INT(svc->id),
                    DBP_TEXT(advice_priority_name(prio)),
                    DBP_TEXT(question),
                    DBP_INT(consent ? 1 : 0),
                    from_referral ? DBP_INT(from_referral) : DBP_NULL,
                    DBP_TEXT(requested_at ? requested_at : now),
                    DBP_TEXT(now)};
    long long id;
    int rc =
        db_query_int(ctx->db,
                     "INSERT INTO advice_requests (icb_code, patient_nhs_number, requester_username, requester_org,"
                     " service_id, priority, question, consent_to_convert, status, from_referral_id, requested_at,"
                     " status_since, created_at, updated_at)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'awaiting_response', $9, $10, $11, $11, $11)"
                     " RETURNING id",
                     11, p, 0, &id);
    if (rc)
        return app_db_fail(ctx, rc);
    /* The thread starts with the question, written by the requester. */
    char kind_now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, kind_now);
    db_param mp[] = {DBP_TEXT(icb),
                     DBP_INT(id),
                     DBP_TEXT(kind_now),
                     DBP_TEXT(requester),
                     DBP_TEXT(from_referral ? ctx->user.role : "gp"),
                     DBP_TEXT(requester_org),
                     DBP_TEXT(question)};
    rc = db_exec(ctx->db,
                 "INSERT INTO advice_messages (icb_code, advice_id, at, author, author_role, author_org, kind, text)"
                 " VALUES ($1, $2, $3, $4, $5, $6, 'question', $7)",
                 7, mp);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *after =
        json_pack("{s:s,s:s,s:I,s:b}", "status", "awaiting_response", "priority", advice_priority_name(prio),
                  "service_id", (json_int_t)svc->id, "consent_to_convert", consent);
    rc = advice_task(ctx, id, ADV_AWAITING_RESPONSE, prio, svc, practice, icb, after);
    if (rc == 0) {
        json_t *detail = from_referral ? json_pack("{s:I}", "from_referral_id", (json_int_t)from_referral) : NULL;
        char *dt = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
        rc = app_event(ctx, "advice.requested", "advice", id, nhs, icb, NULL, after, dt);
        free(dt);
        json_decref(detail);
    }
    json_decref(after);
    if (rc == 0)
        *id_out = id;
    return rc;
}

int app_advice_create(app_ctx *ctx, const void *arg, json_t **out)
{
    json_t *body = (json_t *)arg;
    const char *nhs_in, *prio_s, *question;
    long long service_id;
    int have, consent, have_consent, rc;
    if (strcmp(ctx->user.role, "gp") != 0)
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                        "Only a GP can ask for advice and guidance; your role is %s.", ctx->user.role);
    if ((rc = app__body_str(ctx, body, "patient_nhs_number", 1, 32, &nhs_in)) ||
        (rc = app__body_int(ctx, body, "service_id", 1, &service_id, &have)) ||
        (rc = app__body_str(ctx, body, "priority", 1, 32, &prio_s)) ||
        (rc = app__body_str(ctx, body, "question", 1, QUESTION_MAX, &question)) ||
        (rc = app__body_bool(ctx, body, "consent_to_convert", 1, &consent, &have_consent)))
        return rc;
    char nhs[NHS_NUMBER_LEN];
    if (nhs_number_normalise(nhs_in, nhs) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_nhs_number", "patient_nhs_number",
                        "%s is not a valid NHS number (10 digits with a correct check digit).", nhs_in);
    advice_priority prio;
    if (advice_priority_parse(prio_s, &prio) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "priority",
                        "Select a priority for advice: routine or urgent (suspected cancer needs a referral).");
    db_rows *r;
    db_param pp[] = {DBP_TEXT(nhs), DBP_TEXT(ctx->user.org_code)};
    rc = db_query(ctx->db, "SELECT icb_code FROM patients WHERE nhs_number = $1 AND practice_code = $2", 2, pp, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "patient_nhs_number",
                        "No patient with NHS number %s is registered at your practice.", nhs);
    }
    char icb[16];
    snprintf(icb, sizeof(icb), "%s", db_get(r, 0, 0));
    db_rows_free(r);
    svc_info svc;
    rc = app__svc_load(ctx, service_id, &svc);
    if (rc == SEAM_ENOTFOUND)
        return app_fail(ctx, rc, "not_found", "service_id", "There is no service %lld.", service_id);
    if (rc)
        return rc;
    if (!svc.accepts_advice)
        return app_fail(ctx, SEAM_EINVALID, "service_not_accepting", "service_id",
                        "%s does not give advice and guidance through Seam.", svc.name);
    long long id;
    rc = app__advice_open(ctx, nhs, icb, ctx->user.org_code, &svc, prio, question, consent, 0, NULL, ctx->user.username,
                          ctx->user.org_code, &id);
    if (rc)
        return rc;
    rc = advice_load(ctx, id, out);
    if (rc == 0)
        rc = advice_add_thread(ctx, *out);
    if (rc == 0)
        ctx->status = 201;
    return rc;
}

int app_advice_get(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    int rc = advice_load(ctx, a->id, out);
    if (rc == 0)
        rc = advice_add_thread(ctx, *out);
    if (rc)
        return rc;
    return app_event_read(ctx, "advice", a->id, *out);
}

int app_advice_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_list_args *a = arg;
    sqlb w;
    sqlb_init(&w);
    sqlb_add(&w, ADV_FROM " WHERE 1 = 1");
    advice_visibility(ctx, &w);
    if (a->status && *a->status) {
        advice_status st;
        if (strcmp(a->status, "open") == 0) {
            sqlb_add(&w, " AND a.status IN ('awaiting_response', 'awaiting_gp', 'advice_given')");
        } else if (advice_status_parse(a->status, &st) == 0) {
            sqlb_add(&w, " AND a.status = $?");
            sqlb_param(&w, DBP_TEXT(a->status));
        } else {
            return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "status",
                            "status must be open or an advice status such as awaiting_response.");
        }
    }
    if (a->service > 0) {
        sqlb_add(&w, " AND a.service_id = $?");
        sqlb_param(&w, DBP_INT(a->service));
    }
    sqlb q;
    sqlb_init(&q);
    sqlb_add(&q, "SELECT count(*)");
    sqlb_append(&q, &w);
    long long total;
    if (q.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    int rc = db_query_int(ctx->db, q.sql, q.n, q.p, 0, &total);
    if (rc)
        return app_db_fail(ctx, rc);
    sqlb_init(&q);
    sqlb_add(&q, "SELECT" ADV_COLUMNS);
    sqlb_append(&q, &w);
    sqlb_add(&q, " ORDER BY CASE WHEN t.due_at IS NULL THEN 1 ELSE 0 END, t.due_at, a.id DESC LIMIT $?");
    sqlb_param(&q, DBP_INT(a->page_size));
    sqlb_add(&q, " OFFSET $?");
    sqlb_param(&q, DBP_INT((long long)(a->page - 1) * a->page_size));
    if (q.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    db_rows *r;
    rc = db_query(ctx->db, q.sql, q.n, q.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        json_array_append_new(list, advice_json(ctx, r, i));
        rc = app_event(ctx, "read.advice_list", "advice", db_geti(r, i, A_ID), db_get(r, i, A_NHS), ctx->user.icb_code,
                       NULL, NULL, NULL);
    }
    db_rows_free(r);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o,s:i,s:i,s:I}", "advice", list, "page", a->page, "page_size", a->page_size, "total",
                     (json_int_t)total);
    return 0;
}

/* The frame shared by every advice action: load, role side, version. */
typedef struct adv_cur {
    json_t *json;
    long long id;
    advice_status status;
    advice_priority prio;
    long long version;
    int consent;
    int specialist; /* caller acts for the service (trust side) */
    const char *nhs;
    const char *practice;
    char icb[16];
    svc_info svc;
} adv_cur;

static int adv_begin(app_ctx *ctx, const app_id_body *a, adv_cur *c)
{
    memset(c, 0, sizeof(*c));
    int rc = advice_load(ctx, a->id, &c->json);
    if (rc)
        return rc;
    c->id = a->id;
    advice_status_parse(json_string_value(json_object_get(c->json, "status")), &c->status);
    advice_priority_parse(json_string_value(json_object_get(c->json, "priority")), &c->prio);
    c->version = json_integer_value(json_object_get(c->json, "version"));
    c->consent = json_is_true(json_object_get(c->json, "consent_to_convert"));
    c->nhs = json_string_value(json_object_get(json_object_get(c->json, "patient"), "nhs_number"));
    c->practice =
        json_string_value(json_object_get(json_object_get(json_object_get(c->json, "patient"), "practice"), "code"));
    snprintf(c->icb, sizeof(c->icb), "%s", json_string_value(json_object_get(c->json, "icb_code")));
    if ((rc = app__held_or_fail(
             ctx,
             json_string_value(json_object_get(json_object_get(json_object_get(c->json, "service"), "trust"), "code")),
             c->practice, json_integer_value(json_object_get(json_object_get(c->json, "service"), "id")),
             "advice request", c->id)))
        return rc;
    const char *role = ctx->user.role;
    if (strcmp(role, "triager") == 0 || strcmp(role, "clinician") == 0)
        c->specialist = 1;
    else if (strcmp(role, "gp") != 0)
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Your role (%s) cannot act on advice requests.", role);
    long long want;
    int have;
    if ((rc = app__body_int(ctx, a->body, "version", 0, &want, &have)))
        return rc;
    if (have && want != c->version)
        return app_fail(ctx, SEAM_ECONFLICT, "stale_version", "version",
                        "Advice request %lld has changed since you loaded it; reload and try again.", c->id);
    rc = app__svc_load(ctx, json_integer_value(json_object_get(json_object_get(c->json, "service"), "id")), &c->svc);
    return rc == SEAM_ENOTFOUND ? app_fail(ctx, rc, "not_found", NULL, "The service no longer exists.") : rc;
}

/* Applies a transition: updates the row (guarded by version), moves the
 * task, records the event. extra_set is appended to the UPDATE's SET with
 * parameters $4.. from extra (n_extra of them). */
static int adv_apply(app_ctx *ctx, adv_cur *c, advice_action act, const char *extra_set, int n_extra,
                     const db_param *extra, json_t *detail)
{
    advice_status to;
    if (advice_transition(c->status, act, &to) != 0)
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                        "An advice request that is %s cannot take that action (%s).", advice_status_name(c->status),
                        advice_action_name(act));
    char now[SEAM_ISO_LEN], sql[640];
    seam_time_format(ctx->now, now);
    snprintf(sql, sizeof(sql),
             "UPDATE advice_requests SET status = $1, status_since = $2, updated_at = $2, version = version + 1%s"
             " WHERE id = $3 AND version = %lld",
             extra_set ? extra_set : "", c->version);
    db_param p[12] = {DBP_TEXT(advice_status_name(to)), DBP_TEXT(now), DBP_INT(c->id)};
    for (int i = 0; i < n_extra && i < 9; i++)
        p[3 + i] = extra[i];
    int rc = db_exec(ctx->db, sql, 3 + n_extra, p);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_changes(ctx->db) != 1)
        return app_fail(ctx, SEAM_ECONFLICT, "stale_version", NULL,
                        "Advice request %lld was changed by someone else at the same moment; reload and try again.",
                        c->id);
    json_t *before = json_pack("{s:s,s:O,s:O}", "status", advice_status_name(c->status), "owner",
                               json_object_get(c->json, "owner"), "due_at", json_object_get(c->json, "due_at"));
    json_t *after = json_pack("{s:s}", "status", advice_status_name(to));
    rc = advice_task(ctx, c->id, to, c->prio, &c->svc, c->practice, c->icb, after);
    if (rc == 0) {
        char action[64];
        snprintf(action, sizeof(action), "advice.%s", advice_action_name(act));
        char *dt = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
        rc = app_event(ctx, action, "advice", c->id, c->nhs, c->icb, before, after, dt);
        free(dt);
    }
    json_decref(before);
    json_decref(after);
    c->status = to;
    return rc;
}

static int adv_answer(app_ctx *ctx, adv_cur *c, json_t **out)
{
    json_decref(c->json);
    c->json = NULL;
    int rc = advice_load(ctx, c->id, out);
    if (rc == 0)
        rc = advice_add_thread(ctx, *out);
    return rc;
}

int app_advice_message(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    adv_cur c;
    int rc = adv_begin(ctx, a, &c);
    const char *text = NULL, *answer = NULL, *what = NULL, *worse = NULL;
    if (rc)
        goto out;
    if ((rc = app__body_str(ctx, a->body, "text", 0, TEXT_MAX, &text)) ||
        (rc = app__body_str(ctx, a->body, "answer", 0, TEXT_MAX, &answer)) ||
        (rc = app__body_str(ctx, a->body, "what_to_do", 0, TEXT_MAX, &what)) ||
        (rc = app__body_str(ctx, a->body, "if_worse", 0, TEXT_MAX, &worse)))
        goto out;
    if (!c.specialist && (answer || what || worse)) {
        rc = app_fail(ctx, SEAM_EINVALID, "invalid_value", "answer", "Only the specialist gives structured advice.");
        goto out;
    }
    if (text == NULL && answer == NULL) {
        rc = app_fail(ctx, SEAM_EINVALID, "missing_field", "text", "Enter your message.");
        goto out;
    }
    advice_action act = c.specialist ? ADV_ACT_RESPOND : ADV_ACT_REPLY;
    db_param ex[] = {DBP_TEXT(ctx->user.username)};
    rc = adv_apply(ctx, &c, act,
                   c.specialist ? ", responder_username = COALESCE(responder_username, $4),"
                                  " first_response_at = COALESCE(first_response_at, $2)"
                                : NULL,
                   c.specialist ? 1 : 0, ex, NULL);
    if (rc == 0)
        rc = add_message(ctx, c.id, c.icb, c.specialist ? "response" : "reply", text, answer, what, worse);
    if (rc == 0)
        rc = adv_answer(ctx, &c, out);
out:
    json_decref(c.json);
    return rc;
}

int app_advice_close(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    adv_cur c;
    int rc = adv_begin(ctx, a, &c);
    if (rc)
        goto out;
    if (c.specialist) {
        const char *answer, *what, *worse;
        if ((rc = body_text_required(ctx, a->body, "answer", "Enter your answer to the GP's question", &answer)) ||
            (rc = body_text_required(ctx, a->body, "what_to_do", "Enter what the GP should do", &what)) ||
            (rc = body_text_required(ctx, a->body, "if_worse", "Enter what to do if the patient gets worse", &worse)))
            goto out;
        db_param ex[] = {DBP_TEXT(answer), DBP_TEXT(what), DBP_TEXT(worse), DBP_TEXT(ctx->user.username)};
        rc = adv_apply(ctx, &c, ADV_ACT_GIVE_ADVICE,
                       ", outcome_answer = $4, outcome_what_to_do = $5, outcome_if_worse = $6, outcome_by = $7,"
                       " outcome_at = $2, responder_username = COALESCE(responder_username, $7),"
                       " first_response_at = COALESCE(first_response_at, $2)",
                       4, ex, NULL);
        if (rc == 0)
            rc = add_message(ctx, c.id, c.icb, "advice", NULL, answer, what, worse);
    } else {
        rc = adv_apply(ctx, &c, ADV_ACT_CLOSE, NULL, 0, NULL, NULL);
    }
    if (rc == 0)
        rc = adv_answer(ctx, &c, out);
out:
    json_decref(c.json);
    return rc;
}

int app_advice_withdraw(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    adv_cur c;
    const char *reason;
    int rc = adv_begin(ctx, a, &c);
    if (rc)
        goto out;
    if (c.specialist) {
        rc = app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Only the GP who asked can withdraw an advice request.");
        goto out;
    }
    if ((rc = body_text_required(ctx, a->body, "reason", "Enter the reason for withdrawing the request", &reason)))
        goto out;
    json_t *detail = json_pack("{s:s}", "reason", reason);
    rc = adv_apply(ctx, &c, ADV_ACT_WITHDRAW, NULL, 0, NULL, detail);
    json_decref(detail);
    if (rc == 0)
        rc = add_message(ctx, c.id, c.icb, "reply", reason, NULL, NULL, NULL);
    if (rc == 0)
        rc = adv_answer(ctx, &c, out);
out:
    json_decref(c.json);
    return rc;
}

int app_advice_convert(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    adv_cur c;
    int rc = adv_begin(ctx, a, &c);
    json_t *referral = NULL;
    if (rc)
        goto out;
    advice_action act = c.specialist ? ADV_ACT_CONVERT_PROVIDER : ADV_ACT_CONVERT_GP;
    if (advice_transition(c.status, act, NULL) != 0) {
        rc =
            app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                     "An advice request that is %s cannot be converted into a referral.", advice_status_name(c.status));
        goto out;
    }
    if (advice_convert_allowed(act, c.consent) != 0) {
        rc = app_fail(ctx, SEAM_ECONFLICT, "consent_required", NULL,
                      "The GP did not agree to this request being converted into a referral. Give advice, or ask"
                      " the GP to refer.");
        goto out;
    }
    const char *note;
    if ((rc = app__body_str(ctx, a->body, c.specialist ? "comment" : "reason", 0, 500, &note)))
        goto out;
    if (!c.svc.accepts_referrals) {
        rc = app_fail(ctx, SEAM_EINVALID, "service_not_accepting", NULL, "%s does not accept referrals.", c.svc.name);
        goto out;
    }
    /* The referral keeps the original request date for the patient's
     * place in the queue, and links back to the whole thread. */
    const char *requested_at = json_string_value(json_object_get(c.json, "requested_at"));
    seam_time req_t;
    seam_time_parse(requested_at, &req_t);
    char clock[SEAM_DATE_LEN], now[SEAM_ISO_LEN];
    seam_date_format(req_t, clock);
    seam_time_format(ctx->now, now);
    /* The referral's clinical summary is the whole conversation, so the
     * clinic sees what was asked, answered and why it needs to be seen. */
    if ((rc = advice_add_thread(ctx, c.json)))
        goto out;
    size_t cap = 2048, len = 0;
    char *question = malloc(cap);
    if (question == NULL) {
        rc = app_fail(ctx, SEAM_ENOMEM, NULL, NULL, "Out of memory.");
        goto out;
    }
    len += (size_t)snprintf(question, cap, "From advice and guidance request %lld.", c.id);
    size_t mi;
    json_t *m;
    json_array_foreach(json_object_get(c.json, "messages"), mi, m)
    {
        const char *parts[] = {
            json_string_value(json_object_get(m, "text")), json_string_value(json_object_get(m, "answer")),
            json_string_value(json_object_get(m, "what_to_do")), json_string_value(json_object_get(m, "if_worse"))};
        const char *who = json_string_value(json_object_get(json_object_get(m, "author"), "display_name"));
        for (int k = 0; k < 4; k++) {
            if (parts[k] == NULL)
                continue;
            size_t need = len + strlen(parts[k]) + strlen(who ? who : "") + 8;
            if (need >= cap) {
                cap = need * 2;
                char *nq = realloc(question, cap);
                if (nq == NULL) {
                    free(question);
                    rc = app_fail(ctx, SEAM_ENOMEM, NULL, NULL, "Out of memory.");
                    goto out;
                }
                question = nq;
            }
            len += (size_t)snprintf(question + len, cap - len, "\n\n%s: %s", who ? who : "?", parts[k]);
        }
    }
    char reason[520];
    snprintf(reason, sizeof(reason), "%s", note ? note : "Converted from advice and guidance");
    ref_status rst = c.specialist ? REF_AWAITING_BOOKING : REF_AWAITING_TRIAGE;
    ref_priority rprio = c.prio == ADV_PRIO_URGENT ? REF_PRIO_URGENT : REF_PRIO_ROUTINE;
    json_t *requester = json_object_get(c.json, "requester");
    db_param ip[] = {DBP_TEXT(c.icb),
                     DBP_TEXT(c.nhs),
                     DBP_TEXT(json_string_value(json_object_get(requester, "username"))),
                     DBP_TEXT(json_string_value(json_object_get(json_object_get(requester, "organisation"), "code"))),
                     DBP_INT(c.svc.id),
                     DBP_TEXT(ref_priority_name(rprio)),
                     DBP_TEXT(ref_status_name(rst)),
                     DBP_TEXT(reason),
                     DBP_TEXT(question),
                     DBP_TEXT(clock),
                     DBP_TEXT(now),
                     DBP_INT(c.id),
                     DBP_TEXT(c.svc.trust)};
    long long ref_id;
    rc = db_query_int(ctx->db,
                      "INSERT INTO referrals (icb_code, patient_nhs_number, requester_username, requester_org,"
                      " service_id, priority, status, reason, clinical_summary, clock_start, status_since, created_at,"
                      " updated_at, advice_id)"
                      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11, $12) RETURNING id",
                      12, ip, 0, &ref_id);
    free(question);
    if (rc) {
        rc = app_db_fail(ctx, rc);
        goto out;
    }
    char pathway[48];
    snprintf(pathway, sizeof(pathway), "%s-%lld", c.svc.trust, ref_id);
    db_param pw[] = {DBP_TEXT(pathway), DBP_INT(ref_id)};
    if ((rc = db_exec(ctx->db, "UPDATE referrals SET pathway_id = $1 WHERE id = $2", 2, pw))) {
        rc = app_db_fail(ctx, rc);
        goto out;
    }
    handoff_rule rule;
    handoff_for_status(rst, &rule);
    json_t *rafter =
        json_pack("{s:s,s:s,s:I,s:I}", "status", ref_status_name(rst), "priority", ref_priority_name(rprio),
                  "service_id", (json_int_t)c.svc.id, "advice_id", (json_int_t)c.id);
    rc = app__task_move(ctx, "referral_id", ref_id, &rule, c.svc.trust, c.svc.id,
                        handoff_due(rst, rprio, &c.svc.t, ctx->now, 0), c.icb, rafter);
    if (rc == 0)
        rc = app_event(ctx, "referral.created_from_advice", "referral", ref_id, c.nhs, c.icb, NULL, rafter, NULL);
    json_decref(rafter);
    /* Its RTT clock starts on the request date, kept as the clock start. */
    if (rc == 0)
        rc = app__pathway_on_referral(ctx, ref_id, "created", NULL);
    if (rc)
        goto out;
    json_t *detail = json_pack("{s:I,s:s}", "referral_id", (json_int_t)ref_id, "by", c.specialist ? "provider" : "gp");
    db_param ex[] = {DBP_INT(ref_id)};
    rc = adv_apply(ctx, &c, act, ", converted_referral_id = $4", 1, ex, detail);
    json_decref(detail);
    if (rc)
        goto out;
    json_t *adv = NULL;
    if ((rc = adv_answer(ctx, &c, &adv)))
        goto out;
    if ((rc = refview_load(ctx, ref_id, &referral))) {
        json_decref(adv);
        rc = rc == SEAM_ENOTFOUND ? app_fail(ctx, rc, "not_found", NULL, "The new referral is not visible.") : rc;
        goto out;
    }
    *out = json_pack("{s:o,s:o}", "advice", adv, "referral", referral);
    referral = NULL;
out:
    json_decref(c.json);
    return rc;
}

/* Allowed attachment types. */
static int type_allowed(const char *ct)
{
    static const char *const types[] = {"application/pdf", "image/jpeg", "image/png", "text/plain"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(ct, types[i]) == 0)
            return 1;
    return 0;
}

int app_advice_attach(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_attachment *a = arg;
    app_id_body idb = {a->advice_id, NULL, NULL};
    adv_cur c;
    int rc = adv_begin(ctx, &idb, &c);
    if (rc)
        goto out;
    if (!advice_status_is_open(c.status)) {
        rc = app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                      "Files can only be added while the advice request is open.");
        goto out;
    }
    if (a->len == 0) {
        rc = app_fail(ctx, SEAM_EINVALID, "missing_field", "file", "Choose a file to attach; this one is empty.");
        goto out;
    }
    if (a->len > ATTACHMENT_MAX) {
        rc = app_fail(ctx, SEAM_ETOOBIG, "too_large", "file", "Files must be 5 MB or smaller.");
        goto out;
    }
    if (!type_allowed(a->content_type)) {
        rc = app_fail(ctx, SEAM_EMEDIA, "unsupported_media_type", "file",
                      "The file must be a PDF, JPEG, PNG or plain text file.");
        goto out;
    }
    unsigned char hash[crypto_hash_sha256_BYTES];
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    crypto_hash_sha256(hash, (const unsigned char *)a->data, a->len);
    sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
    size_t b64len = sodium_base64_encoded_len(a->len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64len);
    if (b64 == NULL) {
        rc = app_fail(ctx, SEAM_ENOMEM, NULL, NULL, "Out of memory.");
        goto out;
    }
    sodium_bin2base64(b64, b64len, (const unsigned char *)a->data, a->len, sodium_base64_VARIANT_ORIGINAL);
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(c.icb),
                    DBP_INT(c.id),
                    DBP_TEXT(a->filename),
                    DBP_TEXT(a->content_type),
                    DBP_INT((long long)a->len),
                    DBP_TEXT(hex),
                    DBP_TEXT(b64),
                    DBP_TEXT(ctx->user.username),
                    DBP_TEXT(now)};
    long long id;
    rc = db_query_int(ctx->db,
                      "INSERT INTO attachments (icb_code, advice_id, filename, content_type, size_bytes, sha256, data,"
                      " uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                      9, p, 0, &id);
    free(b64);
    if (rc) {
        rc = app_db_fail(ctx, rc);
        goto out;
    }
    json_t *detail = json_pack("{s:I,s:s,s:s,s:I,s:s}", "attachment_id", (json_int_t)id, "filename", a->filename,
                               "content_type", a->content_type, "size", (json_int_t)a->len, "sha256", hex);
    char *dt = json_dumps(detail, JSON_COMPACT);
    rc = app_event(ctx, "advice.attachment_added", "advice", c.id, c.nhs, c.icb, NULL, NULL, dt);
    free(dt);
    if (rc == 0) {
        *out = detail;
        json_object_set_new(*out, "id", json_integer(id));
        json_object_set_new(*out, "size", json_integer((json_int_t)a->len));
        ctx->status = 201;
    } else {
        json_decref(detail);
    }
out:
    json_decref(c.json);
    return rc;
}

int app_advice_attachment_get(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_attachment *a = arg;
    json_t *adv = NULL;
    int rc = advice_load(ctx, a->advice_id, &adv);
    if (rc)
        return rc;
    db_rows *r;
    db_param p[] = {DBP_INT(a->attachment_id), DBP_INT(a->advice_id)};
    rc = db_query(ctx->db,
                  "SELECT filename, content_type, size_bytes, sha256, data FROM attachments WHERE id = $1 AND"
                  " advice_id = $2",
                  2, p, &r);
    if (rc) {
        json_decref(adv);
        return app_db_fail(ctx, rc);
    }
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        json_decref(adv);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no such attachment.");
    }
    *out = json_pack("{s:s,s:s,s:I,s:s,s:s}", "filename", db_get(r, 0, 0), "content_type", db_get(r, 0, 1), "size",
                     (json_int_t)db_geti(r, 0, 2), "sha256", db_get(r, 0, 3), "data_base64", db_get(r, 0, 4));
    db_rows_free(r);
    const char *nhs = json_string_value(json_object_get(json_object_get(adv, "patient"), "nhs_number"));
    rc = app_event(ctx, "read.attachment", "advice", a->advice_id, nhs, ctx->user.icb_code, NULL, NULL, NULL);
    json_decref(adv);
    return rc;
}
