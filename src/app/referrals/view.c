/*
 * referral_view.c - the referral JSON and the visibility rule.
 */
#include "app/referrals/referrals.h"
#include "app/frame/access.h"
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

/* The referral's open task on o: owner, due_at, overdue, escalation
 * (none: null owner, not overdue, level 0). */
static void ref_json_owner(json_t *o, const db_rows *r, int i, const char *now)
{
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
        json_object_set_new(o, "escalated_to", app__str_or_null(app__escalated_to(level)));
    }
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
    ref_json_owner(o, r, i, now);
    json_object_set_new(o, "pathway_id", app__str_or_null(db_get(r, i, C_PATHWAY)));
    json_object_set_new(o, "same_condition",
                        db_isnull(r, i, C_SAME) ? json_null() : json_boolean(db_geti(r, i, C_SAME)));
    json_object_set_new(o, "advice_id",
                        db_isnull(r, i, C_ADVICE) ? json_null() : json_integer(db_geti(r, i, C_ADVICE)));
    json_object_set_new(o, "version", json_integer(db_geti(r, i, C_VERSION)));
    json_object_set_new(o, "icb_code", json_string(db_get(r, i, C_ICB)));
    return o;
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
