/*
 * frame/fail.c - recording an error on the request context: the machine
 * code, the field and the sentence to show.
 */
#include "app/frame/frame.h"
#include "common/rc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int app_failv(app_ctx *ctx, int rc, const char *code, const char *field, const char *fmt, va_list ap)
{
    snprintf(ctx->err_code, sizeof(ctx->err_code), "%s", code ? code : seam_rc_name(rc));
    snprintf(ctx->err_field, sizeof(ctx->err_field), "%s", field ? field : "");
    vsnprintf(ctx->err_msg, sizeof(ctx->err_msg), fmt, ap);
    return rc;
}

int app_fail(app_ctx *ctx, int rc, const char *code, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    app_failv(ctx, rc, code, field, fmt, ap);
    va_end(ap);
    return rc;
}

int app_db_fail(app_ctx *ctx, int rc)
{
    if (rc == SEAM_EUNAVAIL)
        return app_fail(ctx, rc, "unavailable", NULL,
                        "The database is busy or unreachable; nothing was changed. Try again.");
    if (rc == SEAM_ECONFLICT)
        return app_fail(ctx, rc, "conflict", NULL, "The change conflicts with another change; nothing was changed.");
    if (rc == SEAM_ENOMEM)
        return app_fail(ctx, rc, "out_of_memory", NULL, "The server ran out of memory.");
    return app_fail(ctx, rc, "storage_error", NULL, "The database reported an error: %s", db_errmsg(ctx->db));
}
