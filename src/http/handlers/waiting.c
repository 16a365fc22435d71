/*
 * handlers/waiting.c - the shared waiting list, pathways, priorities,
 * priority reviews and the estimated wait of a service.
 */
#include "common/rc.h"
#include "http/handlers.h"

#include <string.h>

int h_waiting_list(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_wl_args a;
    memset(&a, 0, sizeof(a));
    int r;
    const char *mw = req_query(rc, "min_weeks");
    if ((r = req_query_int(rc, ctx, "page", 1, 1000000, &a.page)) ||
        (r = req_query_int(rc, ctx, "page_size", 50, 200, &a.page_size)) ||
        (r = req_query_id(rc, ctx, "service", &a.service)))
        return r;
    if (mw && *mw && strcmp(mw, "0") != 0 && (r = req_query_int(rc, ctx, "min_weeks", 0, 520, &a.min_weeks)))
        return r;
    a.trust = req_query(rc, "trust");
    a.practice = req_query(rc, "practice");
    a.priority = req_query(rc, "priority");
    a.patient = req_query(rc, "patient");
    a.status = req_query(rc, "status");
    a.census = req_query(rc, "census");
    return app_run(ctx, app_waiting_list, &a, out);
}

int h_pathway_get(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_id(rc, ctx, NULL, app_pathway_get, out);
}

int h_pathway_priority(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_id_body(rc, ctx, app_pathway_priority, out);
}

int h_priority_review_create(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_id_body(rc, ctx, app_priority_review_create, out);
}

int h_priority_reviews(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_list(rc, ctx, app_priority_reviews_list, out);
}

int h_priority_review_answer(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_id_body(rc, ctx, app_priority_review_answer, out);
}

int h_estimated_wait(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_est_args a = {0, req_query(rc, "census")};
    int r = req_path_id(ctx, rc->seg[0], NULL, &a.id);
    return r ? r : app_run(ctx, app_estimated_wait, &a, out);
}
