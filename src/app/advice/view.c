/*
 * advice/view.c - reading advice requests: the one SELECT with everything
 * a request's JSON needs (patient, service, requester, outcome, the open
 * task's owner and due time), filtered by what the caller may see; the
 * thread and attachments; get and list.
 */
#include "app/advice/advice_internal.h"
#include "app/frame/rows.h"
#include "common/rc.h"

#include <stdio.h>
#include <string.h>

#define ADV_COLUMNS                                                                                                    \
    " a.id, a.status, a.priority, a.question, a.consent_to_convert, a.requested_at, a.from_referral_id,"               \
    " a.converted_referral_id, a.outcome_answer, a.outcome_what_to_do, a.outcome_if_worse, a.outcome_by,"              \
    " ob.display_name, a.outcome_at, a.responder_username, rs.display_name, a.created_at, a.updated_at,"               \
    " a.version, a.icb_code,"                                                                                          \
    " p.nhs_number, p.given_name, p.family_name, p.birth_date, p.sex, p.practice_code, pr.name,"                       \
    " s.id, s.name, s.specialty, s.trust_code, tr.name,"                                                               \
    " a.requester_username, u.display_name, a.requester_org, ro.name," APP_TASK_COLUMNS

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
    A_TASK, /* APP_TASK_COLUMNS */
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
    app__task_json(ctx, o, r, i, A_TASK);
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

int advice__load(app_ctx *ctx, long long id, json_t **out)
{
    int rc = app__one_by_id(ctx, "SELECT" ADV_COLUMNS ADV_FROM, "a.id", id, advice_visibility, advice_json, out);
    if (rc == SEAM_ENOTFOUND)
        return app_fail(ctx, rc, "not_found", NULL, "No advice request %lld is visible to you.", id);
    return rc;
}

static json_t *message_json(app_ctx *ctx, const db_rows *r, int i)
{
    return json_pack("{s:I,s:s,s:s,s:{s:s,s:s,s:s,s:{s:s,s:o}},s:o,s:o,s:o,s:o}", "id", (json_int_t)db_geti(r, i, 0),
                     "at", db_get(r, i, 1), "kind", db_get(r, i, 2), "author", "username", db_get(r, i, 3),
                     "display_name", db_get(r, i, 4), "role", db_get(r, i, 5), "organisation", "code", db_get(r, i, 6),
                     "name", app__str_or_null(db_get(r, i, 7)), "text", app__str_or_null(db_get(r, i, 8)), "answer",
                     app__str_or_null(db_get(r, i, 9)), "what_to_do", app__str_or_null(db_get(r, i, 10)), "if_worse",
                     app__str_or_null(db_get(r, i, 11)));
}

static json_t *attachment_brief(app_ctx *ctx, const db_rows *r, int i)
{
    return json_pack("{s:I,s:s,s:s,s:I,s:s,s:s,s:s}", "id", (json_int_t)db_geti(r, i, 0), "filename", db_get(r, i, 1),
                     "content_type", db_get(r, i, 2), "size", (json_int_t)db_geti(r, i, 3), "sha256", db_get(r, i, 4),
                     "uploaded_at", db_get(r, i, 5), "uploaded_by", db_get(r, i, 6));
}

int advice__add_thread(app_ctx *ctx, json_t *adv)
{
    db_param p[] = {DBP_INT(json_integer_value(json_object_get(adv, "id")))};
    json_t *msgs, *att;
    int rc = app__rows(ctx,
                       "SELECT m.id, m.at, m.kind, m.author, COALESCE(u.display_name, m.author), m.author_role,"
                       " m.author_org, o.name, m.text, m.answer, m.what_to_do, m.if_worse"
                       " FROM advice_messages m LEFT JOIN users u ON u.username = m.author"
                       " LEFT JOIN organisations o ON o.code = m.author_org WHERE m.advice_id = $1 ORDER BY m.id",
                       1, p, message_json, &msgs);
    if (rc)
        return rc;
    json_object_set_new(adv, "messages", msgs);
    rc = app__rows(ctx,
                   "SELECT id, filename, content_type, size_bytes, sha256, uploaded_at, uploaded_by FROM attachments"
                   " WHERE advice_id = $1 ORDER BY id",
                   1, p, attachment_brief, &att);
    if (rc)
        return rc;
    json_object_set_new(adv, "attachments", att);
    return 0;
}

int advice__show(app_ctx *ctx, long long id, json_t **out)
{
    *out = NULL;
    int rc = advice__load(ctx, id, out);
    if (rc == 0)
        rc = advice__add_thread(ctx, *out);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int app_advice_get(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    int rc = advice__show(ctx, a->id, out);
    if (rc)
        return rc;
    return app_event_read(ctx, "advice", a->id, *out);
}

/* Appends " AND a.status IN (...)" over the open states (core/advice.h). */
static void advice_open_filter(sqlb *w)
{
    const char *sep = " AND a.status IN (";
    for (int s = 0; s < ADV_STATUS_COUNT; s++) {
        if (!advice_status_is_open((advice_status)s))
            continue;
        sqlb_add(w, sep);
        sqlb_add(w, "'");
        sqlb_add(w, advice_status_name((advice_status)s));
        sqlb_add(w, "'");
        sep = ", ";
    }
    sqlb_add(w, ")");
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
            advice_open_filter(&w);
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
    app_list_query q = {
        .columns = ADV_COLUMNS,
        .from_where = &w,
        .order_by = " ORDER BY CASE WHEN t.due_at IS NULL THEN 1 ELSE 0 END, t.due_at, a.id DESC",
        .row_json = advice_json,
        .key = "advice",
        .read_action = "read.advice_list",
        .object_type = "advice",
        .id_col = A_ID,
        .patient_col = A_NHS,
    };
    return app__list(ctx, &q, a, out);
}
