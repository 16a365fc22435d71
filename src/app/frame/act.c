/*
 * frame/act.c - the frame of an action on an object: whose it is, whether
 * the caller's side holds it, the version the caller saw, and the guarded
 * change of its row (frame.h walks the steps).
 */
#include "app/frame/frame.h"
#include "common/rc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void app__subject_of(const json_t *obj, app_subject *s)
{
    const json_t *pt = json_object_get(obj, "patient"), *svc = json_object_get(obj, "service");
    memset(s, 0, sizeof(*s));
    s->id = json_integer_value(json_object_get(obj, "id"));
    s->version = json_integer_value(json_object_get(obj, "version"));
    s->status = json_string_value(json_object_get(obj, "status"));
    s->nhs = json_string_value(json_object_get(pt, "nhs_number"));
    s->practice = json_string_value(json_object_get(json_object_get(pt, "practice"), "code"));
    s->trust = json_string_value(json_object_get(json_object_get(svc, "trust"), "code"));
    s->service_id = json_integer_value(json_object_get(svc, "id"));
    const char *icb = json_string_value(json_object_get(obj, "icb_code"));
    snprintf(s->icb, sizeof(s->icb), "%s", icb ? icb : "");
}

int app__subject_held(app_ctx *ctx, const app_subject *s, const char *what)
{
    return app__held_or_fail(ctx, s->trust, s->practice, s->service_id, what, s->id);
}

int app__act_load(app_ctx *ctx, app_load_fn load, long long id, const char *what, json_t **cur, app_subject *s)
{
    *cur = NULL;
    int rc = load(ctx, id, cur);
    if (rc == 0) {
        app__subject_of(*cur, s);
        s->id = id;
        rc = app__subject_held(ctx, s, what);
    }
    if (rc) {
        json_decref(*cur);
        *cur = NULL;
    }
    return rc;
}

int app__version_or_fail(app_ctx *ctx, json_t *body, long long current, const char *what, long long id)
{
    long long want;
    int have;
    int rc = app__body_int(ctx, body, "version", 0, &want, &have);
    if (rc)
        return rc;
    if (have && want != current)
        return app_fail(ctx, SEAM_ECONFLICT, "stale_version", "version",
                        "%s %lld has changed since you loaded it; reload and try again.", what, id);
    return 0;
}

void app__change_begin(sqlb *b, const char *table)
{
    sqlb_init(b);
    sqlb_add(b, "UPDATE ");
    sqlb_add(b, table);
    sqlb_add(b, " SET version = version + 1");
}

void app__change_set(sqlb *b, const char *column, db_param p)
{
    sqlb_add(b, ", ");
    sqlb_add(b, column);
    sqlb_add(b, " = $?");
    sqlb_param(b, p);
}

int app__change_end(app_ctx *ctx, sqlb *b, long long id, long long version, const char *guard, const char *fmt, ...)
{
    sqlb_add(b, " WHERE id = $?");
    sqlb_param(b, DBP_INT(id));
    if (version >= 0) {
        sqlb_add(b, " AND version = $?");
        sqlb_param(b, DBP_INT(version));
    }
    if (guard)
        sqlb_add(b, guard);
    if (b->overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    int rc = db_exec(ctx->db, b->sql, b->n, b->p);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_changes(ctx->db) == 1)
        return 0;
    va_list ap;
    va_start(ap, fmt);
    rc = app_failv(ctx, SEAM_ECONFLICT, "stale_version", NULL, fmt, ap);
    va_end(ap);
    return rc;
}
