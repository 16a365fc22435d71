/*
 * referrals/act_triage.c - the triage decisions: accept, return to the
 * GP, redirect to another service, convert to an advice request (which a
 * GP may also do with a returned referral).
 */
#include "app/advice/advice.h"
#include "app/referrals/referrals_internal.h"
#include "common/rc.h"

#include <stdio.h>
#include <string.h>

/* An optional comment and a new priority. */
static int read_accept(app_ctx *ctx, ref_act *a)
{
    int rc = ref__read_comment(ctx, a);
    return rc ? rc : app__body_str(ctx, a->body, "priority", 0, 32, &a->newprio_s);
}

const ref_act_def ref__act_accept = {
    .past = "accepted", .done = "accepted", .read = read_accept, .set = ", priority = $5, triage_comment = $6"};

/* The reasons a referral may be returned for (return.reason_code). */
static int return_reason_known(const char *code)
{
    static const char *const codes[] = {"more_information_needed", "tests_first",      "manage_in_primary_care",
                                        "needs_other_service",     "criteria_not_met", "other"};
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (strcmp(codes[i], code) == 0)
            return 1;
    return 0;
}

/* Why (comment), the advice to the GP, and a reason code (default other). */
static int read_return(app_ctx *ctx, ref_act *a)
{
    int rc;
    if ((rc = app__body_text(ctx, a->body, "comment", "Enter the reason for returning the referral", 1, REF_COMMENT_MAX,
                             &a->comment)) ||
        (rc = app__body_str(ctx, a->body, "advice", 1, REF_COMMENT_MAX, &a->advice)) ||
        (rc = app__body_str(ctx, a->body, "reason_code", 0, 40, &a->reason_code)))
        return rc;
    if (a->reason_code == NULL)
        a->reason_code = "other";
    else if (!return_reason_known(a->reason_code))
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "reason_code",
                        "Select a reason: more_information_needed, tests_first, manage_in_primary_care,"
                        " needs_other_service, criteria_not_met or other.");
    return 0;
}

/* What a return writes: the reason (comment), the advice, who and when. */
#define RETURN_SET                                                                                                     \
    ", return_reason = $6, return_advice = $7, returned_at = $2, returned_by = $8, triage_comment = $6,"               \
    " return_reason_code = $13"

const ref_act_def ref__act_return = {.past = "returned", .done = "returned", .read = read_return, .set = RETURN_SET};

/* The other service, an optional comment and a new priority. */
static int read_redirect(app_ctx *ctx, ref_act *a)
{
    int have_to, rc;
    if ((rc = app__body_int(ctx, a->body, "to_service_id", 1, &a->target_service, &have_to)) ||
        (rc = ref__read_comment(ctx, a)) || (rc = app__body_str(ctx, a->body, "priority", 0, 32, &a->newprio_s)))
        return rc;
    if (a->target_service == a->service_id)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "to_service_id",
                        "The referral is already with this service; choose another service to redirect to.");
    return 0;
}

static void detail_redirect(const ref_act *a, json_t *detail)
{
    json_t *from = json_object_get(a->cur, "service");
    json_object_set_new(detail, "from_service", from ? json_incref(from) : json_null());
    json_object_set_new(
        detail, "to_service",
        json_pack("{s:I,s:s,s:s}", "id", (json_int_t)a->svc.id, "name", a->svc.name, "trust", a->svc.trust));
}

/* What a redirect writes: the new service (the first one kept), priority, comment. */
#define REDIRECT_SET                                                                                                   \
    ", original_service_id = COALESCE(original_service_id, service_id), service_id = $9, priority = $5,"               \
    " triage_comment = $6"

const ref_act_def ref__act_redirect = {
    .past = "redirected", .done = "redirected", .read = read_redirect, .set = REDIRECT_SET, .detail = detail_redirect};

/* An optional comment, question and consent.  The specialist converts at
 * triage; the GP converts a returned referral. */
static int read_convert(app_ctx *ctx, ref_act *a)
{
    int have_consent, rc;
    if ((rc = ref__read_comment(ctx, a)) ||
        (rc = app__body_str(ctx, a->body, "question", 0, REF_SUMMARY_MAX, &a->question)) ||
        (rc = app__body_bool(ctx, a->body, "consent_to_convert", 0, &a->consent, &have_consent)))
        return rc;
    if ((a->from == REF_AWAITING_TRIAGE) != (strcmp(a->verb, "triage") == 0))
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL, "%s",
                        a->from == REF_RETURNED ? "A returned referral is turned into advice by its GP."
                                                : "Convert to advice is a triage decision.");
    return 0;
}

/* The referral becomes an advice request to the same service, with its
 * history: the thread starts from the referral's content. */
static int after_convert(app_ctx *ctx, ref_act *a)
{
    char q[REF_SUMMARY_MAX + REF_REASON_MAX + 8];
    const char *question = a->question;
    if (question == NULL) {
        snprintf(q, sizeof(q), "%s\n\n%s", json_string_value(json_object_get(a->cur, "reason")),
                 json_string_value(json_object_get(a->cur, "clinical_summary")));
        question = q;
    }
    json_t *req = json_object_get(a->cur, "requester");
    long long adv_id;
    int rc = app__advice_open(
        ctx, a->nhs, a->icb, a->practice, &a->svc, a->prio == REF_PRIO_ROUTINE ? ADV_PRIO_ROUTINE : ADV_PRIO_URGENT,
        question, a->consent, a->id, json_string_value(json_object_get(a->cur, "created_at")),
        json_string_value(json_object_get(req, "username")),
        json_string_value(json_object_get(json_object_get(req, "organisation"), "code")), &adv_id);
    if (rc)
        return rc;
    db_param lp[] = {DBP_INT(adv_id), DBP_INT(a->id)};
    if ((rc = db_exec(ctx->db, "UPDATE referrals SET advice_id = $1 WHERE id = $2", 2, lp)))
        return app_db_fail(ctx, rc);
    return 0;
}

const ref_act_def ref__act_convert = {
    .past = "converted_to_advice", .done = "converted to advice", .read = read_convert, .after = after_convert};
