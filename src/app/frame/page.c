/*
 * frame/page.c - paged lists: the LIMIT and OFFSET of a page, the total
 * count, and the answer {key: list, page, page_size[, total]}.
 */
#include "app/frame/frame.h"
#include "common/rc.h"

void app__page_limit(sqlb *b, int page, int page_size)
{
    sqlb_add(b, " LIMIT $?");
    sqlb_param(b, DBP_INT(page_size));
    sqlb_add(b, " OFFSET $?");
    sqlb_param(b, DBP_INT((long long)(page - 1) * page_size));
}

int app__page_count(app_ctx *ctx, const char *head, const sqlb *where, long long *total)
{
    sqlb q;
    sqlb_init(&q);
    sqlb_add(&q, head);
    sqlb_append(&q, where);
    if (q.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    int rc = db_query_int(ctx->db, q.sql, q.n, q.p, 0, total);
    return rc ? app_db_fail(ctx, rc) : 0;
}

int app__page_reply(int rc, json_t *list, const char *key, int page, int page_size, long long total, json_t **out)
{
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o,s:i,s:i}", key, list, "page", page, "page_size", page_size);
    if (total >= 0)
        json_object_set_new(*out, "total", json_integer(total));
    return 0;
}
