/*
 * handlers/admin.c - staff and their services (the administrator's; the
 * router refuses other roles on the reads, the use cases on every call).
 */
#include "http/handlers.h"

int h_users(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return app_run(ctx, app_staff_list, req_query(rc, "org"), out);
}

int h_user(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return app_run(ctx, app_staff_get, rc->seg[0], out);
}

int h_user_services(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_staff_services_args a = {rc->seg[0], rc->body};
    int r = req_body_required(rc, ctx);
    return r ? r : app_run(ctx, app_staff_services_set, &a, out);
}
