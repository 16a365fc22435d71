/*
 * frame/rows.c - a page of a list with its read audit; one visible row; a
 * query into a JSON array (frame/rows.h).
 */
#include "app/frame/rows.h"
#include "app/frame/frame.h"
#include "common/rc.h"

#include <string.h>

int app__list(app_ctx *ctx, const app_list_query *q, const app_list_args *a, json_t **out)
{
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT count(*)");
    sqlb_append(&b, q->from_where);
    if (b.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    long long total;
    int rc = db_query_int(ctx->db, b.sql, b.n, b.p, 0, &total);
    if (rc)
        return app_db_fail(ctx, rc);
    sqlb_init(&b);
    sqlb_add(&b, "SELECT");
    sqlb_add(&b, q->columns);
    sqlb_append(&b, q->from_where);
    sqlb_add(&b, q->order_by);
    sqlb_add(&b, " LIMIT $?");
    sqlb_param(&b, DBP_INT(a->page_size));
    sqlb_add(&b, " OFFSET $?");
    sqlb_param(&b, DBP_INT((long long)(a->page - 1) * a->page_size));
    if (b.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    db_rows *r;
    rc = db_query(ctx->db, b.sql, b.n, b.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        json_array_append_new(list, q->row_json(ctx, r, i));
        if (q->read_action)
            rc = app_event(ctx, q->read_action, q->object_type, q->id_col < 0 ? 0 : db_geti(r, i, q->id_col),
                           db_get(r, i, q->patient_col), ctx->user.icb_code, NULL, NULL, NULL);
    }
    db_rows_free(r);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o,s:i,s:i,s:I}", q->key, list, "page", a->page, "page_size", a->page_size, "total",
                     (json_int_t)total);
    return 0;
}

int app__one(app_ctx *ctx, const sqlb *b, app_row_json row_json, json_t **out)
{
    if (b->overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    db_rows *r;
    int rc = db_query(ctx->db, b->sql, b->n, b->p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0)
        rc = SEAM_ENOTFOUND;
    else
        *out = row_json(ctx, r, 0);
    db_rows_free(r);
    return rc;
}

int app__one_by_id(app_ctx *ctx, const char *select_from, const char *id_column, long long id,
                   app_visibility_fn visibility, app_row_json row_json, json_t **out)
{
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, select_from);
    sqlb_add(&b, " WHERE ");
    sqlb_add(&b, id_column);
    sqlb_add(&b, " = $?");
    sqlb_param(&b, DBP_INT(id));
    visibility(ctx, &b);
    return app__one(ctx, &b, row_json, out);
}

int app__rows(app_ctx *ctx, const char *sql, int n, const db_param *p, app_row_json row_json, json_t **out)
{
    db_rows *r;
    int rc = db_query(ctx->db, sql, n, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r); i++)
        json_array_append_new(list, row_json(ctx, r, i));
    db_rows_free(r);
    *out = list;
    return 0;
}
