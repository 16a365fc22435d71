/*
 * handlers/referrals.c - referrals and the triage worklist.
 */
#include "common/names.h"
#include "common/rc.h"
#include "core/referral.h"
#include "http/handlers.h"

#include <string.h>

int h_referral_create(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_body(rc, ctx, app_referral_create, out);
}

int h_referrals(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_list_args a;
    int r = req_list_args(rc, ctx, &a);
    ref_status st;
    if (r == 0 && a.status && *a.status && strcmp(a.status, "open") != 0 && ref_status_parse(a.status, &st) != 0)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "status",
                        "status must be open or a referral status such as awaiting_triage.");
    return r ? r : app_run(ctx, app_referral_list, &a, out);
}

int h_referral(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_id(rc, ctx, "referral", app_referral_get, out);
}

int h_referral_history(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_id(rc, ctx, "referral", app_referral_history, out);
}

/* POST /referrals/{id}/{action}: the action must be one the use case knows. */
int h_referral_act(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    static const char *const actions[] = {
        "triage", "book", "attend", "discharge", "withdraw", "resubmit", "close", "convert_to_advice", "dna"};
    static const names_table action_names = NAMES_TABLE(actions);
    app_id_body a = {0};
    int r = req_path_id(ctx, rc->seg[0], "referral", &a.id);
    if (r)
        return r;
    a.action = names_of(&action_names, names_find(&action_names, rc->seg[1]));
    if (a.action == NULL && strcmp(rc->seg[1], "history") == 0)
        return app_fail(ctx, SEAM_EMETHOD, "method_not_allowed", NULL, "Only GET is allowed on a referral's history.");
    if (a.action == NULL)
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no referral action %.40s.", rc->seg[1]);
    a.body = rc->body;
    return app_run(ctx, app_referral_act, &a, out);
}

int h_worklist(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_list(rc, ctx, app_worklist, out);
}
