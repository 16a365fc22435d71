/*
 * referral_view.c - the referral JSON and the visibility rule.
 */
#include "app/referral_view.h"
#include "app/access.h"
#include "common/rc.h"
#include "core/handoff.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REF_COLUMNS                                                                                                    \
    " r.id, r.status, r.priority, r.reason, r.clinical_summary, r.clock_start, r.created_at, r.updated_at,"            \
    " r.triage_comment, r.return_reason, r.return_advice, r.returned_at, r.returned_by, r.appointment_at,"             \
    " r.withdraw_reason, r.version, r.onward_from, r.icb_code,"                                                        \
    " p.nhs_number, p.given_name, p.family_name, p.birth_date, p.sex, p.postcode, p.imd_decile, p.ethnicity,"          \
    " p.practice_code, pr.name,"                                                                                       \
    " s.id, s.name, s.specialty, s.trust_code, tr.name,"                                                               \
    " os.id, os.name, os.specialty, os.trust_code, otr.name,"                                                          \
    " r.requester_username, u.display_name, r.requester_org, ro.name,"                                                 \
    " t.id, t.kind, t.owner_org, oo.name, t.owner_service_id, tsv.name, t.owner_role, t.due_at,"                       \
    " t.escalation_level, rb.display_name, r.pathway_id, r.same_condition, r.advice_id, r.return_reason_code"

#define REF_FROM                                                                                                       \
    " FROM referrals r"                                                                                                \
    " JOIN patients p ON p.nhs_number = r.patient_nhs_number"                                                          \
    " JOIN organisations pr ON pr.code = p.practice_code"                                                              \
    " JOIN services s ON s.id = r.service_id"                                                                          \
    " JOIN organisations tr ON tr.code = s.trust_code"                                                                 \
    " LEFT JOIN services os ON os.id = r.original_service_id"                                                          \
    " LEFT JOIN organisations otr ON otr.code = os.trust_code"                                                         \
    " LEFT JOIN users u ON u.username = r.requester_username"                                                          \
    " LEFT JOIN organisations ro ON ro.code = r.requester_org"                                                         \
    " LEFT JOIN tasks t ON t.referral_id = r.id AND t.state = 'open'"                                                  \
    " LEFT JOIN organisations oo ON oo.code = t.owner_org"                                                             \
    " LEFT JOIN services tsv ON tsv.id = t.owner_service_id"                                                           \
    " LEFT JOIN users rb ON rb.username = r.returned_by"

enum {
    C_ID,
    C_STATUS,
    C_PRIORITY,
    C_REASON,
    C_SUMMARY,
    C_CLOCK,
    C_CREATED,
    C_UPDATED,
    C_TRIAGE_COMMENT,
    C_RET_REASON,
    C_RET_ADVICE,
    C_RET_AT,
    C_RET_BY,
    C_APPT,
    C_WITHDRAW,
    C_VERSION,
    C_ONWARD,
    C_ICB,
    C_NHS,
    C_GIVEN,
    C_FAMILY,
    C_BIRTH,
    C_SEX,
    C_POSTCODE,
    C_IMD,
    C_ETHNICITY,
    C_PRACTICE,
    C_PRACTICE_NAME,
    C_SVC_ID,
    C_SVC_NAME,
    C_SVC_SPEC,
    C_SVC_TRUST,
    C_SVC_TRUST_NAME,
    C_OSVC_ID,
    C_OSVC_NAME,
    C_OSVC_SPEC,
    C_OSVC_TRUST,
    C_OSVC_TRUST_NAME,
    C_REQ_USER,
    C_REQ_NAME,
    C_REQ_ORG,
    C_REQ_ORG_NAME,
    C_TASK_ID,
    C_TASK_KIND,
    C_OWNER_ORG,
    C_OWNER_ORG_NAME,
    C_OWNER_SVC,
    C_OWNER_SVC_NAME,
    C_OWNER_ROLE,
    C_DUE,
    C_LEVEL,
    C_RET_BY_NAME,
    C_PATHWAY,
    C_SAME,
    C_ADVICE,
    C_RET_CODE,
};

const char *refview_escalated_to(int level)
{
    return level <= 0 ? NULL : handoff_level_name(level);
}

static json_t *ref_json(app_ctx *ctx, const db_rows *r, int i)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(db_geti(r, i, C_ID)));
    json_object_set_new(o, "status", json_string(db_get(r, i, C_STATUS)));
    json_object_set_new(o, "priority", json_string(db_get(r, i, C_PRIORITY)));
    json_t *patient =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:{s:s,s:s},s:o,s:o}", "nhs_number", db_get(r, i, C_NHS), "given_name",
                  db_get(r, i, C_GIVEN), "family_name", db_get(r, i, C_FAMILY), "birth_date", db_get(r, i, C_BIRTH),
                  "sex", db_get(r, i, C_SEX), "postcode", app__str_or_null(db_get(r, i, C_POSTCODE)), "practice",
                  "code", db_get(r, i, C_PRACTICE), "name", db_get(r, i, C_PRACTICE_NAME), "imd_decile",
                  db_isnull(r, i, C_IMD) ? json_null() : json_integer(db_geti(r, i, C_IMD)), "ethnicity",
                  app__str_or_null(db_get(r, i, C_ETHNICITY)));
    json_object_set_new(o, "patient", patient);
    json_object_set_new(o, "service",
                        json_pack("{s:I,s:s,s:s,s:{s:s,s:s}}", "id", (json_int_t)db_geti(r, i, C_SVC_ID), "name",
                                  db_get(r, i, C_SVC_NAME), "specialty", db_get(r, i, C_SVC_SPEC), "trust", "code",
                                  db_get(r, i, C_SVC_TRUST), "name", db_get(r, i, C_SVC_TRUST_NAME)));
    json_object_set_new(o, "original_service",
                        db_isnull(r, i, C_OSVC_ID)
                            ? json_null()
                            : json_pack("{s:I,s:s,s:s,s:{s:s,s:s}}", "id", (json_int_t)db_geti(r, i, C_OSVC_ID), "name",
                                        db_get(r, i, C_OSVC_NAME), "specialty", db_get(r, i, C_OSVC_SPEC), "trust",
                                        "code", db_get(r, i, C_OSVC_TRUST), "name", db_get(r, i, C_OSVC_TRUST_NAME)));
    json_object_set_new(o, "requester",
                        json_pack("{s:s,s:o,s:{s:s,s:o}}", "username", db_get(r, i, C_REQ_USER), "display_name",
                                  app__str_or_null(db_get(r, i, C_REQ_NAME)), "organisation", "code",
                                  db_get(r, i, C_REQ_ORG), "name", app__str_or_null(db_get(r, i, C_REQ_ORG_NAME))));
    json_object_set_new(o, "onward_from",
                        db_isnull(r, i, C_ONWARD) ? json_null() : json_integer(db_geti(r, i, C_ONWARD)));
    json_object_set_new(o, "reason", json_string(db_get(r, i, C_REASON)));
    json_object_set_new(o, "clinical_summary", json_string(db_get(r, i, C_SUMMARY)));
    json_object_set_new(o, "clock_start", json_string(db_get(r, i, C_CLOCK)));
    json_object_set_new(o, "created_at", json_string(db_get(r, i, C_CREATED)));
    json_object_set_new(o, "updated_at", json_string(db_get(r, i, C_UPDATED)));
    json_object_set_new(o, "triage_comment", app__str_or_null(db_get(r, i, C_TRIAGE_COMMENT)));
    json_object_set_new(o, "return",
                        db_isnull(r, i, C_RET_AT)
                            ? json_null()
                            : json_pack("{s:s?,s:s?,s:s,s:{s:s?,s:s?},s:s?}", "reason", db_get(r, i, C_RET_REASON),
                                        "advice", db_get(r, i, C_RET_ADVICE), "at", db_get(r, i, C_RET_AT), "by",
                                        "username", db_get(r, i, C_RET_BY), "display_name", db_get(r, i, C_RET_BY_NAME),
                                        "reason_code", db_get(r, i, C_RET_CODE)));
    json_object_set_new(o, "appointment_at", app__str_or_null(db_get(r, i, C_APPT)));
    json_object_set_new(o, "withdraw_reason", app__str_or_null(db_get(r, i, C_WITHDRAW)));
    if (db_isnull(r, i, C_TASK_ID)) {
        json_object_set_new(o, "owner", json_null());
        json_object_set_new(o, "due_at", json_null());
        json_object_set_new(o, "overdue", json_false());
        json_object_set_new(o, "escalation_level", json_integer(0));
        json_object_set_new(o, "escalated_to", json_null());
    } else {
        json_t *svc = db_isnull(r, i, C_OWNER_SVC)
                          ? json_null()
                          : json_pack("{s:I,s:s}", "id", (json_int_t)db_geti(r, i, C_OWNER_SVC), "name",
                                      db_get(r, i, C_OWNER_SVC_NAME));
        json_object_set_new(o, "owner",
                            json_pack("{s:{s:s,s:s},s:o,s:s,s:s}", "organisation", "code", db_get(r, i, C_OWNER_ORG),
                                      "name", db_get(r, i, C_OWNER_ORG_NAME), "service", svc, "role",
                                      db_get(r, i, C_OWNER_ROLE), "task", db_get(r, i, C_TASK_KIND)));
        json_object_set_new(o, "due_at", json_string(db_get(r, i, C_DUE)));
        json_object_set_new(o, "overdue", json_boolean(strcmp(db_get(r, i, C_DUE), now) < 0));
        int level = (int)db_geti(r, i, C_LEVEL);
        json_object_set_new(o, "escalation_level", json_integer(level));
        json_object_set_new(o, "escalated_to", app__str_or_null(refview_escalated_to(level)));
    }
    json_object_set_new(o, "pathway_id", app__str_or_null(db_get(r, i, C_PATHWAY)));
    json_object_set_new(o, "same_condition",
                        db_isnull(r, i, C_SAME) ? json_null() : json_boolean(db_geti(r, i, C_SAME)));
    json_object_set_new(o, "advice_id",
                        db_isnull(r, i, C_ADVICE) ? json_null() : json_integer(db_geti(r, i, C_ADVICE)));
    json_object_set_new(o, "version", json_integer(db_geti(r, i, C_VERSION)));
    json_object_set_new(o, "icb_code", json_string(db_get(r, i, C_ICB)));
    return o;
}

void app__visibility(app_ctx *ctx, sqlb *b, const char *trust_clause, const char *icb_column,
                     const char *service_column)
{
    const char *role = ctx->user.role;
    if (app_role_is_practice(role)) {
        sqlb_add(b, " AND p.practice_code = $?");
        sqlb_param(b, DBP_TEXT(ctx->user.org_code));
    } else if (app_role_is_trust(role)) {
        /* Every "$?" in one sqlb_add takes the same number: one parameter. */
        sqlb_add(b, trust_clause);
        sqlb_param(b, DBP_TEXT(ctx->user.org_code));
        app__service_scope(ctx, b, service_column);
    } else if (strcmp(role, "patient") == 0) {
        sqlb_add(b, " AND p.nhs_number = $?");
        sqlb_param(b, DBP_TEXT(ctx->user.nhs_number));
    } else if (strcmp(role, "icb_analyst") == 0) {
        sqlb_add(b, " AND ");
        sqlb_add(b, icb_column);
        sqlb_add(b, " = $?");
        sqlb_param(b, DBP_TEXT(ctx->user.icb_code));
    } else if (strcmp(role, "admin") == 0 || strcmp(role, "system") == 0) {
        /* sees everything; every read is audited */
    } else {
        sqlb_add(b, " AND 1 = 0");
    }
}

void refview_visibility(app_ctx *ctx, sqlb *b)
{
    /* The trust's services' referrals, and the onward referrals it made;
     * a service's staff see their service's and those it referred onward. */
    app__visibility(ctx, b, " AND (s.trust_code = $? OR r.requester_org = $?)", "r.icb_code",
                    "r.service_id;CASE WHEN r.requester_org = $? THEN"
                    " (SELECT o.service_id FROM referrals o WHERE o.id = r.onward_from) END");
}

int refview_load(app_ctx *ctx, long long id, json_t **out)
{
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT" REF_COLUMNS REF_FROM " WHERE r.id = $?");
    sqlb_param(&b, DBP_INT(id));
    refview_visibility(ctx, &b);
    if (b.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    db_rows *r;
    int rc = db_query(ctx->db, b.sql, b.n, b.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return SEAM_ENOTFOUND;
    }
    *out = ref_json(ctx, r, 0);
    db_rows_free(r);
    return 0;
}

int refview_list(app_ctx *ctx, const app_list_args *a, json_t **out)
{
    sqlb w;
    sqlb_init(&w);
    sqlb_add(&w, " WHERE 1 = 1");
    refview_visibility(ctx, &w);
    if (a->status && *a->status) {
        if (strcmp(a->status, "open") == 0) {
            sqlb_add(&w, " AND r.status NOT IN ('discharged', 'withdrawn', 'closed')");
        } else {
            sqlb_add(&w, " AND r.status = $?");
            sqlb_param(&w, DBP_TEXT(a->status));
        }
    }
    if (a->service > 0) {
        sqlb_add(&w, " AND r.service_id = $?");
        sqlb_param(&w, DBP_INT(a->service));
    }
    if (a->practice && *a->practice) {
        sqlb_add(&w, " AND p.practice_code = $?");
        sqlb_param(&w, DBP_TEXT(a->practice));
    }
    if (a->patient && *a->patient) {
        sqlb_add(&w, " AND p.nhs_number = $?");
        sqlb_param(&w, DBP_TEXT(a->patient));
    }
    sqlb count;
    sqlb_init(&count);
    sqlb_add(&count, "SELECT count(*)" REF_FROM);
    /* Reuse the WHERE text with the same parameter numbers. */
    sqlb_append(&count, &w);
    if (count.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");

    long long total;
    int rc = db_query_int(ctx->db, count.sql, count.n, count.p, 0, &total);
    if (rc)
        return app_db_fail(ctx, rc);

    sqlb q;
    sqlb_init(&q);
    sqlb_add(&q, "SELECT" REF_COLUMNS REF_FROM);
    sqlb_append(&q, &w);
    sqlb_add(&q, " ORDER BY CASE WHEN t.due_at IS NULL THEN 1 ELSE 0 END, t.due_at, r.id DESC LIMIT $?");
    sqlb_param(&q, DBP_INT(a->page_size));
    sqlb_add(&q, " OFFSET $?");
    sqlb_param(&q, DBP_INT((long long)(a->page - 1) * a->page_size));
    if (q.overflow || w.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    db_rows *r;
    rc = db_query(ctx->db, q.sql, q.n, q.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r); i++)
        json_array_append_new(list, ref_json(ctx, r, i));
    db_rows_free(r);
    *out = json_pack("{s:o,s:i,s:i,s:I}", "referrals", list, "page", a->page, "page_size", a->page_size, "total",
                     (json_int_t)total);
    return 0;
}

int app__svc_load(app_ctx *ctx, long long id, svc_info *s)
{
    db_rows *r;
    db_param p[] = {DBP_INT(id)};
    int rc = db_query(ctx->db,
                      "SELECT s.id, s.trust_code, o.icb_code, s.name, s.accepts_referrals,"
                      " s.triage_days_routine, s.triage_days_urgent, s.triage_days_2ww,"
                      " s.booking_days_routine, s.booking_days_urgent, s.booking_days_2ww,"
                      " s.outcome_days, s.review_days, s.accepts_advice, s.advice_days_routine, s.advice_days_urgent,"
                      " s.letter_days"
                      " FROM services s JOIN organisations o ON o.code = s.trust_code WHERE s.id = $1",
                      1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return SEAM_ENOTFOUND;
    }
    s->id = db_geti(r, 0, 0);
    snprintf(s->trust, sizeof(s->trust), "%s", db_get(r, 0, 1));
    snprintf(s->icb, sizeof(s->icb), "%s", db_get(r, 0, 2));
    snprintf(s->name, sizeof(s->name), "%s", db_get(r, 0, 3));
    s->accepts_referrals = (int)db_geti(r, 0, 4);
    for (int i = 0; i < REF_PRIORITY_COUNT; i++) {
        s->t.triage_days[i] = (int)db_geti(r, 0, 5 + i);
        s->t.booking_days[i] = (int)db_geti(r, 0, 8 + i);
    }
    s->t.outcome_days = (int)db_geti(r, 0, 11);
    s->t.review_days = (int)db_geti(r, 0, 12);
    s->accepts_advice = (int)db_geti(r, 0, 13);
    s->at.response_days[ADV_PRIO_ROUTINE] = (int)db_geti(r, 0, 14);
    s->at.response_days[ADV_PRIO_URGENT] = (int)db_geti(r, 0, 15);
    s->at.gp_days = s->t.review_days;
    s->letter_days = (int)db_geti(r, 0, 16);
    db_rows_free(r);
    return 0;
}

int app__body_bool(app_ctx *ctx, json_t *body, const char *name, int required, int *out, int *present)
{
    json_t *v = body ? json_object_get(body, name) : NULL;
    *present = 0;
    if (v == NULL || json_is_null(v)) {
        if (required)
            return strcmp(name, "consent_to_convert") == 0
                       ? app_fail(ctx, SEAM_EINVALID, "missing_field", name,
                                  "Select yes if the specialist may turn this request into a referral, or no if not.")
                   : strcmp(name, "same_condition") == 0
                       ? app_fail(ctx, SEAM_EINVALID, "missing_field", name,
                                  "Select whether this onward referral is for the same condition.")
                       : app_fail(ctx, SEAM_EINVALID, "missing_field", name, "Answer %s: true or false.", name);
        return 0;
    }
    if (!json_is_boolean(v))
        return app_fail(ctx, SEAM_EBADREQ, "bad_request", name, "%s must be true or false.", name);
    *out = json_is_true(v);
    *present = 1;
    return 0;
}

int app__task_move(app_ctx *ctx, const char *subject_col, long long subject_id, const handoff_rule *rule,
                   const char *org, long long service_id, seam_time due, const char *icb, json_t *snapshot)
{
    static const char *const subjects[] = {"referral_id", "advice_id",    "order_id", "result_id",
                                           "letter_id",   "follow_up_id", "review_id"};
    const char *col = NULL;
    for (size_t i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++)
        if (strcmp(subjects[i], subject_col) == 0)
            col = subjects[i];
    assert(col != NULL);
    if (col == NULL)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Unknown task subject %s.", subject_col);
    char now[SEAM_ISO_LEN], due_s[SEAM_ISO_LEN], sql[512];
    seam_time_format(ctx->now, now);
    snprintf(sql, sizeof(sql),
             "UPDATE tasks SET state = 'done', closed_at = $1, closed_by = $2 WHERE %s = $3 AND state = 'open'", col);
    db_param close_p[] = {DBP_TEXT(now), DBP_TEXT(ctx->user.username), DBP_INT(subject_id)};
    int rc = db_exec(ctx->db, sql, 3, close_p);
    if (rc)
        return app_db_fail(ctx, rc);
    if (rule == NULL) {
        if (snapshot) {
            json_object_set_new(snapshot, "owner", json_null());
            json_object_set_new(snapshot, "due_at", json_null());
        }
        return 0;
    }
    seam_time_format(due, due_s);
    /* The task also carries the patient and service it concerns, read from
     * its subject, so worklists need not know every kind of subject. */
    static const struct {
        const char *col, *table;
    } src[] = {{"referral_id", "referrals"},     {"advice_id", "advice_requests"}, {"order_id", "result_orders"},
               {"result_id", "results"},         {"letter_id", "letters"},         {"follow_up_id", "follow_ups"},
               {"review_id", "priority_reviews"}};
    const char *table = NULL;
    for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++)
        if (strcmp(src[i].col, col) == 0)
            table = src[i].table;
    snprintf(sql, sizeof(sql),
             "INSERT INTO tasks (icb_code, %s, kind, owner_org, owner_service_id, owner_role, due_at, created_at,"
             " patient_nhs_number, service_id)"
             " SELECT $1, $2, $3, $4, CAST($5 AS INTEGER), $6, $7, $8, x.patient_nhs_number, x.service_id FROM %s x"
             " WHERE x.id = $2",
             col, table);
    db_param p[] = {DBP_TEXT(icb),
                    DBP_INT(subject_id),
                    DBP_TEXT(rule->task_kind),
                    DBP_TEXT(org),
                    rule->side == HANDOFF_PRACTICE ? DBP_NULL : DBP_INT(service_id),
                    DBP_TEXT(rule->role),
                    DBP_TEXT(due_s),
                    DBP_TEXT(now)};
    rc = db_exec(ctx->db, sql, 8, p);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_changes(ctx->db) != 1)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "The task's subject %s %lld does not exist.", col, subject_id);
    if (snapshot) {
        json_object_set_new(snapshot, "owner",
                            json_pack("{s:s,s:o,s:s,s:s}", "organisation", org, "service",
                                      rule->side == HANDOFF_PRACTICE ? json_null() : json_integer(service_id), "role",
                                      rule->role, "task", rule->task_kind));
        json_object_set_new(snapshot, "due_at", json_string(due_s));
    }
    return 0;
}
