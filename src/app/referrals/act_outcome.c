/*
 * referrals/act_outcome.c - how a referral ends or goes round again: the
 * service discharges, the GP or the service withdraws, the GP resubmits a
 * returned referral with an answer or closes it.
 */
#include "app/referrals/referrals_internal.h"

const ref_act_def ref__act_discharge = {.past = "discharged", .done = "discharged"};

/* The reason for withdrawing, required. */
static int read_withdraw(app_ctx *ctx, ref_act *a)
{
    return app__body_text(ctx, a->body, "reason", "Enter the reason for withdrawing the referral", 1, REF_REASON_MAX,
                          &a->reason);
}

const ref_act_def ref__act_withdraw = {
    .past = "withdrawn", .done = "withdrawn", .read = read_withdraw, .set = ", withdraw_reason = $11"};

/* The GP's answer to the specialist's advice, and an optional new summary. */
static int read_resubmit(app_ctx *ctx, ref_act *a)
{
    int rc = app__body_text(ctx, a->body, "comment", "Enter your answer to the specialist's advice", 1, REF_COMMENT_MAX,
                            &a->comment);
    return rc ? rc : app__body_str(ctx, a->body, "clinical_summary", 0, REF_SUMMARY_MAX, &a->summary);
}

const ref_act_def ref__act_resubmit = {.past = "resubmitted",
                                       .done = "resubmitted",
                                       .read = read_resubmit,
                                       .set = ", clinical_summary = COALESCE($12, clinical_summary)"};

const ref_act_def ref__act_close = {.past = "closed", .done = "closed"};
