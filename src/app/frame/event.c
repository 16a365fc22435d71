/*
 * frame/event.c - the audit log: every change and every read of a
 * patient's data is an event, written in the request's transaction.
 */
#include "app/frame/frame.h"
#include "common/rc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int app_event(app_ctx *ctx, const char *action, const char *object_type, long long object_id, const char *patient,
              const char *icb, json_t *before, json_t *after, const char *detail)
{
    char oid[32];
    snprintf(oid, sizeof(oid), "%lld", object_id);
    return app_event_keyed(ctx, action, object_type, oid, patient, icb, before, after, detail);
}

int app_event_keyed(app_ctx *ctx, const char *action, const char *object_type, const char *oid, const char *patient,
                    const char *icb, json_t *before, json_t *after, const char *detail)
{
    char at[SEAM_ISO_LEN];
    seam_time_format(ctx->now, at);
    char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    db_param p[] = {
        DBP_TEXT(icb && *icb ? icb : NULL),
        DBP_TEXT(at),
        DBP_TEXT(ctx->user.username),
        DBP_TEXT(ctx->user.role),
        DBP_TEXT(ctx->user.org_code[0] ? ctx->user.org_code : NULL),
        DBP_TEXT(action),
        DBP_TEXT(object_type),
        DBP_TEXT(oid),
        DBP_TEXT(patient),
        DBP_TEXT(b),
        DBP_TEXT(a),
        DBP_TEXT(detail),
    };
    int rc = db_exec(ctx->db,
                     "INSERT INTO events (icb_code, at, actor, actor_role, actor_org, action, object_type,"
                     " object_id, patient_nhs_number, before_json, after_json, detail)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                     12, p);
    free(b);
    free(a);
    return rc ? app_db_fail(ctx, rc) : 0;
}

int app_event_read(app_ctx *ctx, const char *object_type, long long id, const json_t *obj)
{
    char action[64];
    snprintf(action, sizeof(action), "read.%s", object_type);
    const char *nhs = json_string_value(json_object_get(json_object_get(obj, "patient"), "nhs_number"));
    return app_event(ctx, action, object_type, id, nhs, ctx->user.icb_code, NULL, NULL, NULL);
}

int app_event_json(app_ctx *ctx, const char *action, const char *object_type, long long id, const char *patient,
                   const char *icb, json_t *before, json_t *after, json_t *detail)
{
    char *dt = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
    int rc = app_event(ctx, action, object_type, id, patient, icb, before, after, dt);
    free(dt);
    json_decref(before);
    json_decref(after);
    json_decref(detail);
    return rc;
}

int app_event_listed(app_ctx *ctx, const char *object_type, long long id, const char *patient)
{
    char action[64];
    snprintf(action, sizeof(action), "read.%s_list", object_type);
    return app_event(ctx, action, object_type, id, patient, ctx->user.icb_code, NULL, NULL, NULL);
}
