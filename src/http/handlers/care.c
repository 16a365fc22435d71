/*
 * handlers/care.c - complete care: orders and results, discharges,
 * letters and their GP actions, fit notes, follow-ups and the inbox.
 */
#include "common/names.h"
#include "common/rc.h"
#include "http/handlers.h"

#include <stdio.h>
#include <string.h>

int h_order_create(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_body(rc, ctx, app_order_create, out);
}

int h_order_get(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_id(rc, ctx, NULL, app_order_get, out);
}

/* A result for an unknown order is refused, and kept for the trust. */
int h_result_receive(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    int r = req_body_required(rc, ctx);
    if (r)
        return r;
    r = app_run(ctx, app_result_receive, rc->body, out);
    if (r && strcmp(ctx->err_code, "unknown_order") == 0) {
        app_ctx report = *ctx;
        report.idem_key = NULL;
        json_t *ignored = NULL;
        if (app_run(&report, app_result_report_unmatched, rc->body, &ignored) != 0)
            fprintf(stderr, "seam: could not keep an unmatched result: %s\n", report.err_msg);
        req_own_json(rc, ignored);
    }
    return r;
}

int h_results_unmatched(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return app_run(ctx, app_results_unmatched, NULL, out);
}

int h_results_list(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_list_kind(rc, ctx, app_results_list, out);
}

int h_result_get(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_id(rc, ctx, NULL, app_result_get, out);
}

int h_result_act(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_id_action(rc, ctx, app_result_act, out);
}

static const char *const handover_decisions[] = {"accept", "decline"};
static const names_table handover_decision_names = NAMES_TABLE(handover_decisions);

/* What a GP may do with a letter's GP action (resolve: a declined one). */
static const char *const gp_decisions[] = {"accept", "decline", "resolve"};
static const names_table gp_decision_names = NAMES_TABLE(gp_decisions);

/* POST /results/{id}/handover/{accept|decline}. */
int h_result_handover_decide(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_id_body a = {0};
    int r = req_path_id(ctx, rc->seg[0], NULL, &a.id);
    if (r)
        return r;
    if (names_find(&handover_decision_names, rc->seg[1]) < 0)
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "Answer a hand-over with accept or decline.");
    a.action = rc->seg[1];
    a.body = rc->body;
    return app_run(ctx, app_result_act, &a, out);
}

int h_discharge_create(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_body(rc, ctx, app_discharge_create, out);
}

int h_letter_create(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_body(rc, ctx, app_letter_create, out);
}

int h_letters_list(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_list_kind(rc, ctx, app_letters_list, out);
}

int h_letter_get(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_id(rc, ctx, NULL, app_letter_get, out);
}

int h_letter_act(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_id_action(rc, ctx, app_letter_act, out);
}

/* POST /letters/{id}/gp-actions/{n}/{accept|decline|resolve}. */
int h_letter_gp_action(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_gp_action a = {0};
    long long n;
    int r = req_path_id(ctx, rc->seg[0], NULL, &a.letter_id);
    if (r == 0)
        r = req_path_id(ctx, rc->seg[1], NULL, &n);
    if (r)
        return r;
    if (names_find(&gp_decision_names, rc->seg[2]) < 0)
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL,
                        "Answer a GP action with accept or decline; resolve a declined one.");
    if (n < 1 || n > 1000)
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no GP action %lld.", n);
    a.n = (int)n;
    a.decision = rc->seg[2];
    a.body = rc->body;
    return app_run(ctx, strcmp(a.decision, "resolve") == 0 ? app_letter_gp_action_resolve : app_letter_gp_action, &a,
                   out);
}

int h_fit_note_create(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_body(rc, ctx, app_fit_note_create, out);
}

int h_fit_notes_list(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_list_kind(rc, ctx, app_fit_notes_list, out);
}

int h_follow_up_create(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_body(rc, ctx, app_follow_up_create, out);
}

int h_follow_ups_list(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_list_kind(rc, ctx, app_follow_ups_list, out);
}

int h_follow_up_get(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_id(rc, ctx, NULL, app_follow_up_get, out);
}

int h_follow_up_act(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_id_action(rc, ctx, app_follow_up_act, out);
}

int h_inbox(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return app_run(ctx, app_inbox, NULL, out);
}
