/*
 * advice/thread.c - the conversation of advice and guidance: a GP's
 * question to a specialist opens a request; each side writes in turn;
 * the specialist closes it with structured advice, or the GP closes it
 * having read the answer, or withdraws the question.  Every open request
 * has exactly one owner and a due time (src/core/advice.c), like a
 * referral.
 */
#include "app/advice/advice_internal.h"
#include "app/patients/patients.h"
#include "common/rc.h"
#include "core/nhs_number.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUESTION_MAX 20000

#define body_text_required(ctx, body, name, prompt, out)                                                               \
    app__body_text(ctx, body, name, prompt, 1, ADVICE_TEXT_MAX, out)

int app__advice_open(app_ctx *ctx, const char *nhs, const char *icb, const char *practice, const svc_info *svc,
                     advice_priority prio, const char *question, int consent, long long from_referral,
                     const char *requested_at, const char *requester, const char *requester_org, long long *id_out)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(icb),
                    DBP_TEXT(nhs),
                    DBP_TEXT(requester),
                    DBP_TEXT(requester_org),
                    DBP_INT(svc->id),
                    DBP_TEXT(advice_priority_name(prio)),
                    DBP_TEXT(question),
                    DBP_INT(consent ? 1 : 0),
                    from_referral ? DBP_INT(from_referral) : DBP_NULL,
                    DBP_TEXT(requested_at ? requested_at : now),
                    DBP_TEXT(now)};
    long long id;
    int rc =
        db_query_int(ctx->db,
                     "INSERT INTO advice_requests (icb_code, patient_nhs_number, requester_username, requester_org,"
                     " service_id, priority, question, consent_to_convert, status, from_referral_id, requested_at,"
                     " status_since, created_at, updated_at)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'awaiting_response', $9, $10, $11, $11, $11)"
                     " RETURNING id",
                     11, p, 0, &id);
    if (rc)
        return app_db_fail(ctx, rc);
    /* The thread starts with the question, written by the requester (a
     * referral sent back as advice: in the name of its requester, by the
     * role that turned it into advice). */
    advice_author by = {requester, from_referral ? ctx->user.role : "gp", requester_org};
    if ((rc = advice__message_add(ctx, id, icb, &by, "question", question, NULL, NULL, NULL)))
        return rc;
    json_t *after =
        json_pack("{s:s,s:s,s:I,s:b}", "status", "awaiting_response", "priority", advice_priority_name(prio),
                  "service_id", (json_int_t)svc->id, "consent_to_convert", consent);
    rc = advice__task(ctx, id, ADV_AWAITING_RESPONSE, prio, svc, practice, icb, after);
    if (rc == 0) {
        json_t *detail = from_referral ? json_pack("{s:I}", "from_referral_id", (json_int_t)from_referral) : NULL;
        char *dt = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
        rc = app_event(ctx, "advice.requested", "advice", id, nhs, icb, NULL, after, dt);
        free(dt);
        json_decref(detail);
    }
    json_decref(after);
    if (rc == 0)
        *id_out = id;
    return rc;
}

int app_advice_create(app_ctx *ctx, const void *arg, json_t **out)
{
    json_t *body = (json_t *)arg;
    const char *nhs_in, *prio_s, *question;
    long long service_id;
    int have, consent, have_consent, rc;
    if (!advice_may_ask(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                        "Only a GP can ask for advice and guidance; your role is %s.", ctx->user.role);
    if ((rc = app__body_str(ctx, body, "patient_nhs_number", 1, 32, &nhs_in)) ||
        (rc = app__body_int(ctx, body, "service_id", 1, &service_id, &have)) ||
        (rc = app__body_str(ctx, body, "priority", 1, 32, &prio_s)) ||
        (rc = app__body_str(ctx, body, "question", 1, QUESTION_MAX, &question)) ||
        (rc = app__body_bool(ctx, body, "consent_to_convert", 1, &consent, &have_consent)))
        return rc;
    char nhs[NHS_NUMBER_LEN];
    if (nhs_number_normalise(nhs_in, nhs) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_nhs_number", "patient_nhs_number",
                        "%s is not a valid NHS number (10 digits with a correct check digit).", nhs_in);
    advice_priority prio;
    if (advice_priority_parse(prio_s, &prio) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "priority",
                        "Select a priority for advice: routine or urgent (suspected cancer needs a referral).");
    char icb[16];
    if ((rc = app__practice_patient(ctx, nhs, "patient_nhs_number", icb)))
        return rc;
    svc_info svc;
    rc = app__svc_load(ctx, service_id, &svc);
    if (rc == SEAM_ENOTFOUND)
        return app_fail(ctx, rc, "not_found", "service_id", "There is no service %lld.", service_id);
    if (rc)
        return rc;
    if (!svc.accepts_advice)
        return app_fail(ctx, SEAM_EINVALID, "service_not_accepting", "service_id",
                        "%s does not give advice and guidance through Seam.", svc.name);
    long long id;
    rc = app__advice_open(ctx, nhs, icb, ctx->user.org_code, &svc, prio, question, consent, 0, NULL, ctx->user.username,
                          ctx->user.org_code, &id);
    if (rc)
        return rc;
    rc = advice__show(ctx, id, out);
    if (rc == 0)
        ctx->status = 201;
    return rc;
}

/* A message in the thread: the specialist's response (which may carry
 * structured advice) or the GP's reply. */
int app_advice_message(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    advice_cur c;
    int rc = advice__begin(ctx, a->id, a->body, &c);
    const char *text = NULL, *answer = NULL, *what = NULL, *worse = NULL;
    if (rc)
        goto out;
    if ((rc = app__body_str(ctx, a->body, "text", 0, ADVICE_TEXT_MAX, &text)) ||
        (rc = app__body_str(ctx, a->body, "answer", 0, ADVICE_TEXT_MAX, &answer)) ||
        (rc = app__body_str(ctx, a->body, "what_to_do", 0, ADVICE_TEXT_MAX, &what)) ||
        (rc = app__body_str(ctx, a->body, "if_worse", 0, ADVICE_TEXT_MAX, &worse)))
        goto out;
    int specialist = advice_side_gives_advice(c.side);
    if (!specialist && (answer || what || worse)) {
        rc = app_fail(ctx, SEAM_EINVALID, "invalid_value", "answer", "Only the specialist gives structured advice.");
        goto out;
    }
    if (text == NULL && answer == NULL) {
        rc = app_fail(ctx, SEAM_EINVALID, "missing_field", "text", "Enter your message.");
        goto out;
    }
    advice_action act;
    advice_action_for(c.side, ADV_VERB_MESSAGE, &act);
    db_param ex[] = {DBP_TEXT(ctx->user.username)};
    rc = advice__apply(ctx, &c, act,
                       specialist ? ", responder_username = COALESCE(responder_username, $4),"
                                    " first_response_at = COALESCE(first_response_at, $2)"
                                  : NULL,
                       specialist ? 1 : 0, ex, NULL);
    advice_author by = advice__caller(ctx);
    if (rc == 0)
        rc = advice__message_add(ctx, c.id, c.icb, &by, specialist ? "response" : "reply", text, answer, what, worse);
    if (rc == 0)
        rc = advice__answer(ctx, &c, out);
out:
    advice__end(&c);
    return rc;
}

/* Closing: the specialist with structured advice (give_advice), the GP
 * once they have read it (close). */
int app_advice_close(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    advice_cur c;
    int rc = advice__begin(ctx, a->id, a->body, &c);
    if (rc)
        goto out;
    advice_action act;
    advice_action_for(c.side, ADV_VERB_CLOSE, &act);
    if (act == ADV_ACT_GIVE_ADVICE) {
        const char *answer, *what, *worse;
        if ((rc = body_text_required(ctx, a->body, "answer", "Enter your answer to the GP's question", &answer)) ||
            (rc = body_text_required(ctx, a->body, "what_to_do", "Enter what the GP should do", &what)) ||
            (rc = body_text_required(ctx, a->body, "if_worse", "Enter what to do if the patient gets worse", &worse)))
            goto out;
        db_param ex[] = {DBP_TEXT(answer), DBP_TEXT(what), DBP_TEXT(worse), DBP_TEXT(ctx->user.username)};
        rc = advice__apply(ctx, &c, act,
                           ", outcome_answer = $4, outcome_what_to_do = $5, outcome_if_worse = $6, outcome_by = $7,"
                           " outcome_at = $2, responder_username = COALESCE(responder_username, $7),"
                           " first_response_at = COALESCE(first_response_at, $2)",
                           4, ex, NULL);
        advice_author by = advice__caller(ctx);
        if (rc == 0)
            rc = advice__message_add(ctx, c.id, c.icb, &by, "advice", NULL, answer, what, worse);
    } else {
        rc = advice__apply(ctx, &c, act, NULL, 0, NULL, NULL);
    }
    if (rc == 0)
        rc = advice__answer(ctx, &c, out);
out:
    advice__end(&c);
    return rc;
}

/* The GP takes the question back, with a reason written into the thread. */
int app_advice_withdraw(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    advice_cur c;
    advice_action act;
    const char *reason;
    int rc = advice__begin(ctx, a->id, a->body, &c);
    if (rc)
        goto out;
    if (advice_action_for(c.side, ADV_VERB_WITHDRAW, &act) != 0) {
        rc = app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Only the GP who asked can withdraw an advice request.");
        goto out;
    }
    if ((rc = body_text_required(ctx, a->body, "reason", "Enter the reason for withdrawing the request", &reason)))
        goto out;
    json_t *detail = json_pack("{s:s}", "reason", reason);
    rc = advice__apply(ctx, &c, act, NULL, 0, NULL, detail);
    json_decref(detail);
    advice_author by = advice__caller(ctx);
    if (rc == 0)
        rc = advice__message_add(ctx, c.id, c.icb, &by, "reply", reason, NULL, NULL, NULL);
    if (rc == 0)
        rc = advice__answer(ctx, &c, out);
out:
    advice__end(&c);
    return rc;
}
