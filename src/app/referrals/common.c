/*
 * referrals/common.c - what every referral use case needs: the referral
 * as the caller sees it, its task, the snapshot its events carry.
 */
#include "app/referrals/referrals_internal.h"
#include "common/rc.h"
#include "core/handoff.h"

int ref__load_visible(app_ctx *ctx, long long id, json_t **out)
{
    int rc = refview_load(ctx, id, out);
    if (rc == SEAM_ENOTFOUND)
        return app_fail(ctx, rc, "not_found", NULL, "No referral %lld is visible to you.", id);
    return rc;
}

int ref__task_move(app_ctx *ctx, long long ref_id, ref_status status, ref_priority prio, const svc_info *svc,
                   const char *practice, const char *icb, seam_time appointment, json_t *snapshot)
{
    handoff_rule rule;
    if (handoff_for_status(status, &rule) != 0)
        return app__task_move(ctx, "referral_id", ref_id, NULL, NULL, 0, 0, icb, snapshot);
    seam_time due = handoff_due(status, prio, &svc->t, ctx->now, appointment);
    const char *org = rule.side == HANDOFF_PRACTICE ? practice : svc->trust;
    return app__task_move(ctx, "referral_id", ref_id, &rule, org, svc->id, due, icb, snapshot);
}

json_t *ref__snapshot(const char *status, const char *priority, long long service_id)
{
    return json_pack("{s:s,s:s,s:I}", "status", status, "priority", priority, "service_id", (json_int_t)service_id);
}

int ref__read_comment(app_ctx *ctx, ref_act *a)
{
    return app__body_str(ctx, a->body, "comment", 0, REF_COMMENT_MAX, &a->comment);
}
