/*
 * frame/run.c - running a use case: one transaction, and with an
 * Idempotency-Key the stored answer of an earlier identical request.
 */
#include "app/app.h"
#include "common/rc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Looks up a stored idempotent answer.  Returns 1 when found (and fills
 * *out / ctx->status), 0 when absent, or a negative rc. */
static int idem_lookup(app_ctx *ctx, json_t **out)
{
    db_rows *r;
    db_param p[] = {DBP_TEXT(ctx->user.username), DBP_TEXT(ctx->idem_key)};
    int rc = db_query(
        ctx->db, "SELECT request_hash, status, body FROM idempotency WHERE username = $1 AND idem_key = $2", 2, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return 0;
    }
    if (strcmp(db_get(r, 0, 0), ctx->request_hash ? ctx->request_hash : "") != 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ECONFLICT, "idempotency_key_conflict", NULL,
                        "This Idempotency-Key was already used for a different request.");
    }
    ctx->status = (int)db_geti(r, 0, 1);
    *out = json_loads(db_get(r, 0, 2), 0, NULL);
    db_rows_free(r);
    if (*out == NULL)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "A stored answer could not be read.");
    ctx->replayed = 1;
    return 1;
}

static int idem_store(app_ctx *ctx, json_t *out)
{
    char at[SEAM_ISO_LEN];
    seam_time_format(ctx->now, at);
    char *body = json_dumps(out, JSON_COMPACT | JSON_REAL_PRECISION(12));
    if (body == NULL)
        return app_fail(ctx, SEAM_ENOMEM, NULL, NULL, "Out of memory.");
    db_param p[] = {
        DBP_TEXT(ctx->user.username), DBP_TEXT(ctx->idem_key), DBP_TEXT(ctx->request_hash ? ctx->request_hash : ""),
        DBP_INT(ctx->status),         DBP_TEXT(body),          DBP_TEXT(at)};
    int rc = db_exec(ctx->db,
                     "INSERT INTO idempotency (username, idem_key, request_hash, status, body, created_at)"
                     " VALUES ($1, $2, $3, $4, $5, $6)",
                     6, p);
    free(body);
    return rc ? app_db_fail(ctx, rc) : 0;
}

static int run_once(app_ctx *ctx, app_fn fn, const void *arg, json_t **out, int *idem_race)
{
    *out = NULL;
    *idem_race = 0;
    ctx->status = 200;
    ctx->replayed = 0;
    ctx->err_code[0] = '\0';
    int rc = db_begin(ctx->db);
    if (rc == SEAM_EUNAVAIL)
        rc = db_begin(ctx->db); /* a dropped idle connection reconnects once */
    if (rc)
        return app_db_fail(ctx, rc);
    if (ctx->idem_key) {
        rc = idem_lookup(ctx, out);
        if (rc != 0) {
            db_rollback(ctx->db);
            return rc < 0 ? rc : 0;
        }
    }
    rc = fn(ctx, arg, out);
    if (rc == 0 && ctx->idem_key) {
        rc = idem_store(ctx, *out);
        *idem_race = rc == SEAM_ECONFLICT;
    }
    if (rc == 0) {
        rc = db_commit(ctx->db);
        if (rc)
            rc = app_db_fail(ctx, rc);
    }
    if (rc) {
        db_rollback(ctx->db);
        json_decref(*out);
        *out = NULL;
        if (ctx->err_code[0] == '\0')
            app_fail(ctx, rc, NULL, NULL, "The request failed.");
    }
    return rc;
}

int app_run(app_ctx *ctx, app_fn fn, const void *arg, json_t **out)
{
    int idem_race;
    int rc = run_once(ctx, fn, arg, out, &idem_race);
    /* Two copies of one idempotent request raced (possible where writers do
     * not queue, as on PostgreSQL): the other committed first and this one
     * rolled back.  Run again: the lookup now finds the stored answer. */
    if (rc && idem_race)
        rc = run_once(ctx, fn, arg, out, &idem_race);
    return rc;
}
