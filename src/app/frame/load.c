/*
 * frame/load.c - one object visible to the caller or 404, a get with its
 * read audit event, and a list of whole objects with theirs.
 */
#include "app/frame/frame.h"
#include "common/rc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int app__load_one(app_ctx *ctx, const sqlb *b, db_rows **out, const char *fmt, ...)
{
    *out = NULL;
    if (b->overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    int rc = db_query(ctx->db, b->sql, b->n, b->p, out);
    if (rc) {
        *out = NULL;
        return app_db_fail(ctx, rc);
    }
    if (db_nrows(*out) > 0)
        return 0;
    db_rows_free(*out);
    *out = NULL;
    char msg[sizeof(ctx->err_msg)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "%s", msg);
}

int app__get_one(app_ctx *ctx, app_load_fn load, const char *object_type, long long id, json_t **out)
{
    *out = NULL;
    int rc = load(ctx, id, out);
    if (rc == 0)
        rc = app_event_read(ctx, object_type, id, *out);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int app__list_loaded(app_ctx *ctx, const sqlb *b, app_load_fn load, const char *object_type, json_t *list)
{
    if (b->overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    db_rows *r;
    int rc = db_query(ctx->db, b->sql, b->n, b->p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        json_t *o = NULL;
        long long id = db_geti(r, i, 0);
        rc = load(ctx, id, &o);
        if (rc == 0) {
            json_array_append_new(list, o);
            rc = app_event_listed(ctx, object_type, id,
                                  json_string_value(json_object_get(json_object_get(o, "patient"), "nhs_number")));
        }
    }
    db_rows_free(r);
    return rc;
}
