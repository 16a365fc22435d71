/*
 * app.c - the caller and the directory: who am I (app_me), the
 * organisations and the services to choose from.
 */
#include "app/app.h"
#include "common/rc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int app_me(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_user *u = &ctx->user;
    json_t *svc =
        u->service_id ? json_pack("{s:I,s:s}", "id", (json_int_t)u->service_id, "name", u->service_name) : json_null();
    *out = json_pack("{s:s,s:s,s:s,s:{s:s,s:s,s:s},s:o,s:s?}", "username", u->username, "display_name", u->display_name,
                     "role", u->role, "organisation", "code", u->org_code, "name", u->org_name, "kind", u->org_kind,
                     "service", svc, "nhs_number", u->nhs_number[0] ? u->nhs_number : NULL);
    if (*out && !u->nhs_number[0])
        json_object_set_new(*out, "nhs_number", json_null());
    if (*out == NULL)
        return app_fail(ctx, SEAM_ENOMEM, NULL, NULL, "Out of memory.");
    /* The services a triager or clinician works in (what they see). */
    db_rows *r;
    db_param p[] = {DBP_TEXT(u->username)};
    int rc = db_query(ctx->db,
                      "SELECT s.id, s.name FROM user_services us JOIN services s ON s.id = us.service_id"
                      " WHERE us.username = $1 ORDER BY s.name, s.id",
                      1, p, &r);
    if (rc) {
        json_decref(*out);
        *out = NULL;
        return app_db_fail(ctx, rc);
    }
    json_t *svcs = json_array();
    for (int i = 0; i < db_nrows(r); i++)
        json_array_append_new(svcs,
                              json_pack("{s:I,s:s}", "id", (json_int_t)db_geti(r, i, 0), "name", db_get(r, i, 1)));
    db_rows_free(r);
    json_object_set_new(*out, "services", svcs);
    return 0;
}

int app_organisations_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const char *kind = arg;
    if (kind && *kind && strcmp(kind, "practice") != 0 && strcmp(kind, "trust") != 0 && strcmp(kind, "icb") != 0)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "kind", "kind must be practice, trust or icb.");
    /* Practices are the caller's ICB's (admin: all); trusts and ICBs all. */
    int all = strcmp(ctx->user.role, "admin") == 0;
    db_rows *r;
    db_param p[] = {DBP_TEXT(kind && *kind ? kind : NULL), DBP_TEXT(ctx->user.icb_code), DBP_INT(all)};
    int rc = db_query(ctx->db,
                      "SELECT code, name, kind, icb_code FROM organisations WHERE ($1 IS NULL OR kind = $1)"
                      " AND (kind <> 'practice' OR icb_code = $2 OR $3 = 1) ORDER BY kind, name LIMIT 20000",
                      3, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r); i++)
        json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s}", "code", db_get(r, i, 0), "name", db_get(r, i, 1),
                                              "kind", db_get(r, i, 2), "icb_code", db_get(r, i, 3)));
    db_rows_free(r);
    *out = json_pack("{s:o}", "organisations", list);
    return 0;
}

int app_services_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_list_args *a = arg;
    db_rows *r;
    db_param p[] = {DBP_INT(a ? a->accepts_referrals : -1)};
    int rc = db_query(ctx->db,
                      "SELECT s.id, s.name, s.specialty, s.treatment_function_code, s.trust_code, o.name,"
                      " s.accepts_referrals, s.triage_days_routine, s.triage_days_urgent, s.triage_days_2ww,"
                      " s.booking_days_routine, s.booking_days_urgent, s.booking_days_2ww, s.outcome_days,"
                      " s.review_days, s.gp_contact, s.patient_contact, s.accepts_advice"
                      " FROM services s JOIN organisations o ON o.code = s.trust_code"
                      " WHERE ($1 < 0 OR s.accepts_referrals = $1)"
                      " ORDER BY o.name, s.name",
                      1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r); i++) {
        json_t *s = json_pack(
            "{s:I,s:s,s:s,s:s,s:{s:s,s:s},s:b,s:b,s:{s:{s:I,s:I,s:I},s:{s:I,s:I,s:I},s:I,s:I},s:s?,s:s?}", "id",
            (json_int_t)db_geti(r, i, 0), "name", db_get(r, i, 1), "specialty", db_get(r, i, 2),
            "treatment_function_code", db_get(r, i, 3), "trust", "code", db_get(r, i, 4), "name", db_get(r, i, 5),
            "accepts_referrals", (int)db_geti(r, i, 6), "accepts_advice", (int)db_geti(r, i, 17), "targets",
            "triage_days", "routine", (json_int_t)db_geti(r, i, 7), "urgent", (json_int_t)db_geti(r, i, 8),
            "two_week_wait", (json_int_t)db_geti(r, i, 9), "booking_days", "routine", (json_int_t)db_geti(r, i, 10),
            "urgent", (json_int_t)db_geti(r, i, 11), "two_week_wait", (json_int_t)db_geti(r, i, 12), "outcome_days",
            (json_int_t)db_geti(r, i, 13), "review_days", (json_int_t)db_geti(r, i, 14), "gp_contact", db_get(r, i, 15),
            "patient_contact", db_get(r, i, 16));
        json_array_append_new(list, s);
    }
    db_rows_free(r);
    *out = json_pack("{s:o}", "services", list);
    return 0;
}
