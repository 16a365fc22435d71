/*
 * frame/load.c - one object visible to the caller or 404, a get with its
 * read audit event, and a list of whole objects with theirs.
 */
#include "app/frame/frame.h"
#include "common/rc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int app__query(app_ctx *ctx, const sqlb *b, db_rows **out)
{
    *out = NULL;
    if (b->overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    int rc = db_query(ctx->db, b->sql, b->n, b->p, out);
    if (rc) {
        *out = NULL;
        return app_db_fail(ctx, rc);
    }
    return 0;
}

int app__insert(app_ctx *ctx, const char *sql, int n, const db_param *p, long long *id)
{
    int rc = db_query_int(ctx->db, sql, n, p, 0, id);
    return rc ? app_db_fail(ctx, rc) : 0;
}

int app__load_one(app_ctx *ctx, const sqlb *b, db_rows **out, const char *fmt, ...)
{
    int rc = app__query(ctx, b, out);
    if (rc || db_nrows(*out) > 0)
        return rc;
    db_rows_free(*out);
    *out = NULL;
    va_list ap;
    va_start(ap, fmt);
    rc = app_failv(ctx, SEAM_ENOTFOUND, "not_found", NULL, fmt, ap);
    va_end(ap);
    return rc;
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
    db_rows *r;
    int rc = app__query(ctx, b, &r);
    if (rc)
        return rc;
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

int app__list_rows(app_ctx *ctx, const sqlb *b, app_row_fn row, const char *action, const char *object_type, int id_col,
                   int nhs_col, json_t *list)
{
    db_rows *r;
    int rc = app__query(ctx, b, &r);
    for (int i = 0; rc == 0 && i < db_nrows(r); i++) {
        json_array_append_new(list, row(ctx, r, i));
        rc = app_event(ctx, action, object_type, db_geti(r, i, id_col), db_get(r, i, nhs_col), ctx->user.icb_code, NULL,
                       NULL, NULL);
    }
    db_rows_free(r);
    return rc;
}
