/*
 * handlers/system.c - health and the development sign-in (--dev only).
 */
#include "app/system.h"
#include "common/rc.h"
#include "http/handlers.h"

#include <stdlib.h>

#define TOKEN_TTL (12 * 3600)

int h_health(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return app_system_health(ctx, out);
}

int h_dev_personas(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return app_system_dev_personas(ctx, out);
}

/* Signs a token for a demo user by name, with no password. */
int h_dev_token(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    json_t *u = rc->body ? json_object_get(rc->body, "username") : NULL;
    if (!json_is_string(u))
        return app_fail(ctx, SEAM_EINVALID, "missing_field", "username", "username is required.");
    app_user user;
    int e = app_user_load(ctx->db, json_string_value(u), &user);
    if (e == SEAM_ENOTFOUND)
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "username", "There is no user %s.", json_string_value(u));
    if (e)
        return app_db_fail(ctx, e);
    char *tok;
    e = auth_token_issue(ctx->db, &user, ctx->now, TOKEN_TTL, &tok);
    if (e)
        return app_fail(ctx, e, NULL, NULL, "Could not sign a token.");
    arena_on_destroy(rc->arena, free, tok);
    char exp[SEAM_ISO_LEN];
    seam_time_format(ctx->now + TOKEN_TTL, exp);
    *out =
        json_pack("{s:s,s:s,s:s,s:s}", "token", tok, "expires_at", exp, "username", user.username, "role", user.role);
    return 0;
}
