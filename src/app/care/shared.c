/*
 * care/shared.c - the pieces every room of complete care uses: who may see
 * an object, its open task as fields, brief patient and service JSON, the
 * caller's trust service and patient, events, who holds an object.
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

int care__is_specialist(const char *role)
{
    return strcmp(role, "clinician") == 0 || strcmp(role, "triager") == 0;
}

/* Who may see an object about patient p at service s. */
void care__visibility(app_ctx *ctx, sqlb *b)
{
    app__visibility(ctx, b, " AND s.trust_code = $?", "p.icb_code", "s.id");
}

/* The open task of a subject as owner/due/overdue/escalation fields. */
/* The open task of the subject picked by where (over tasks t, with its
 * parameters) as owner/due fields on o; no task, or a failed query, gives
 * null fields.  Returns the query's result. */
static int task_fields(app_ctx *ctx, json_t *o, const char *where, int n, const db_param *p)
{
    char sql[400], now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    snprintf(sql, sizeof(sql),
             "SELECT t.kind, t.owner_org, o.name, t.owner_service_id, sv.name, t.owner_role, t.due_at,"
             " t.escalation_level FROM tasks t JOIN organisations o ON o.code = t.owner_org"
             " LEFT JOIN services sv ON sv.id = t.owner_service_id WHERE %s AND t.state = 'open'",
             where);
    db_rows *r = NULL;
    int rc = db_query(ctx->db, sql, n, p, &r);
    if (rc != 0 || db_nrows(r) == 0) {
        json_object_set_new(o, "owner", json_null());
        json_object_set_new(o, "due_at", json_null());
        json_object_set_new(o, "overdue", json_false());
        json_object_set_new(o, "escalation_level", json_integer(0));
        json_object_set_new(o, "escalated_to", json_null());
        db_rows_free(r);
        return rc;
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
    json_object_set_new(o, "escalated_to", app__str_or_null(app__escalated_to(level)));
    db_rows_free(r);
    return 0;
}

void care__add_task_fields(app_ctx *ctx, json_t *o, const char *col, long long id)
{
    char where[64];
    snprintf(where, sizeof(where), "t.%s = $1", col);
    db_param p[] = {DBP_INT(id)};
    (void)task_fields(ctx, o, where, 1, p);
}

int care__add_gp_action_task_fields(app_ctx *ctx, json_t *o, long long letter_id, int n)
{
    db_param p[] = {DBP_INT(letter_id), DBP_INT(n)};
    return task_fields(ctx, o, "t.gp_action_letter_id = $1 AND t.gp_action_n = $2", 2, p);
}

json_t *care__patient_brief(const db_rows *r, int i, int c)
{
    /* c: nhs_number, given_name, family_name, practice code, practice name */
    return json_pack("{s:s,s:s,s:s,s:{s:s,s:s}}", "nhs_number", db_get(r, i, c), "given_name", db_get(r, i, c + 1),
                     "family_name", db_get(r, i, c + 2), "practice", "code", db_get(r, i, c + 3), "name",
                     db_get(r, i, c + 4));
}

json_t *care__service_brief(const db_rows *r, int i, int c)
{
    /* c: id, name, trust code, trust name */
    return json_pack("{s:I,s:s,s:{s:s,s:s}}", "id", (json_int_t)db_geti(r, i, c), "name", db_get(r, i, c + 1), "trust",
                     "code", db_get(r, i, c + 2), "name", db_get(r, i, c + 3));
}

/* Checks the caller is hospital staff at the service's trust; loads it. */
int care__trust_service(app_ctx *ctx, long long service_id, svc_info *svc)
{
    int rc = app__svc_load(ctx, service_id, svc);
    if (rc == SEAM_ENOTFOUND ||
        (rc == 0 && (strcmp(svc->trust, ctx->user.org_code) != 0 || !app__serves(ctx, svc->id))))
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "service_id", "There is no service %lld at your trust.",
                        service_id);
    return rc;
}

/* The patient, who must have a referral to the caller's trust. */
int care__trust_patient(app_ctx *ctx, json_t *body, char nhs[NHS_NUMBER_LEN], char icb[16])
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

int care__body_service(app_ctx *ctx, json_t *body, svc_info *svc)
{
    long long id = ctx->user.service_id;
    int have, rc = app__body_int(ctx, body, "service_id", ctx->user.service_id == 0, &id, &have);
    if (rc)
        return rc;
    return care__trust_service(ctx, id, svc);
}

int care__event(app_ctx *ctx, const char *action, const char *type, long long id, const char *nhs, const char *icb,
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
int care__held(app_ctx *ctx, const json_t *cur, const char *what, long long id)
{
    const json_t *svc = json_object_get(cur, "service"), *pt = json_object_get(cur, "patient");
    return app__held_or_fail(ctx, json_string_value(json_object_get(json_object_get(svc, "trust"), "code")),
                             json_string_value(json_object_get(json_object_get(pt, "practice"), "code")),
                             json_integer_value(json_object_get(svc, "id")), what, id);
}

handoff_rule care__rule_of(const char *kind, handoff_side side, const char *role)
{
    handoff_rule r = {kind, side, role};
    return r;
}

int care__load_one(app_ctx *ctx, const sqlb *b, const char *what, long long id, db_rows **out)
{
    int rc = db_query(ctx->db, b->sql, b->n, b->p, out);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(*out) == 0) {
        db_rows_free(*out);
        *out = NULL;
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "No %s %lld is visible to you.", what, id);
    }
    return 0;
}

int care__page(int rc, json_t *list, const char *key, const app_list_args *a, json_t **out)
{
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o,s:i,s:i}", key, list, "page", a->page, "page_size", a->page_size);
    return 0;
}
