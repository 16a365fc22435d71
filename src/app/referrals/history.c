/*
 * referrals/history.c - reading referrals through the API: one, a page,
 * and one's history of events.  Every read is audited (a read.* event per
 * patient disclosed).
 */
#include "app/referrals/referrals_internal.h"
#include "common/rc.h"

#include <stdio.h>

int app_referral_get(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    int rc = ref__load_visible(ctx, a->id, out);
    if (rc)
        return rc;
    return app_event_read(ctx, "referral", a->id, *out);
}

int app_referral_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_list_args *a = arg;
    int rc = refview_list(ctx, a, out);
    if (rc)
        return rc;
    /* Audit: one read event per patient disclosed on this page. */
    json_t *list = json_object_get(*out, "referrals");
    size_t i;
    json_t *ref;
    json_array_foreach(list, i, ref)
    {
        const char *nhs = json_string_value(json_object_get(json_object_get(ref, "patient"), "nhs_number"));
        rc = app_event(ctx, "read.referral_list", "referral", json_integer_value(json_object_get(ref, "id")), nhs,
                       ctx->user.icb_code, NULL, NULL, NULL);
        if (rc)
            return rc;
    }
    return 0;
}

int app_referral_history(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    json_t *cur = NULL;
    int rc = ref__load_visible(ctx, a->id, &cur);
    if (rc)
        return rc;
    const char *nhs = json_string_value(json_object_get(json_object_get(cur, "patient"), "nhs_number"));
    char oid[32];
    snprintf(oid, sizeof(oid), "%lld", a->id);
    db_rows *r;
    db_param p[] = {DBP_TEXT(oid)};
    rc = db_query(ctx->db,
                  "SELECT e.id, e.at, e.action, e.actor, COALESCE(u.display_name, e.actor), e.actor_role,"
                  " e.actor_org, o.name, e.before_json, e.after_json, e.detail"
                  " FROM events e LEFT JOIN users u ON u.username = e.actor"
                  " LEFT JOIN organisations o ON o.code = e.actor_org"
                  " WHERE e.object_type = 'referral' AND e.object_id = $1 AND e.action NOT LIKE 'read.%'"
                  " ORDER BY e.id",
                  1, p, &r);
    if (rc) {
        json_decref(cur);
        return app_db_fail(ctx, rc);
    }
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r); i++) {
        json_t *before = db_get(r, i, 8) ? json_loads(db_get(r, i, 8), 0, NULL) : NULL;
        json_t *after = db_get(r, i, 9) ? json_loads(db_get(r, i, 9), 0, NULL) : NULL;
        json_t *detail = db_get(r, i, 10) ? json_loads(db_get(r, i, 10), 0, NULL) : NULL;
        json_t *org =
            db_get(r, i, 6) ? json_pack("{s:s,s:s?}", "code", db_get(r, i, 6), "name", db_get(r, i, 7)) : json_null();
        json_array_append_new(list,
                              json_pack("{s:I,s:s,s:s,s:{s:s,s:s,s:s,s:o},s:o,s:o,s:o}", "id",
                                        (json_int_t)db_geti(r, i, 0), "at", db_get(r, i, 1), "action", db_get(r, i, 2),
                                        "actor", "username", db_get(r, i, 3), "display_name", db_get(r, i, 4), "role",
                                        db_get(r, i, 5), "organisation", org, "before", before ? before : json_null(),
                                        "after", after ? after : json_null(), "detail", detail ? detail : json_null()));
    }
    db_rows_free(r);
    *out = json_pack("{s:I,s:o}", "referral_id", (json_int_t)a->id, "events", list);
    rc = app_event(ctx, "read.history", "referral", a->id, nhs, ctx->user.icb_code, NULL, NULL, NULL);
    json_decref(cur);
    return rc;
}
