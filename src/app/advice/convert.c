/*
 * advice/convert.c - an advice request converted into a referral, in
 * named steps: the checks; the referral it becomes (its status and
 * priority are core/advice.c's rule, its clinical summary the whole
 * thread, its clock the original request date); then the request moves
 * to converted.  By the specialist only with the GP's consent; by the GP
 * always (they disagree with the advice and refer, in one step).
 */
#include "app/advice/advice_internal.h"
#include "app/referrals/referrals.h"
#include "app/waiting/waiting.h"
#include "common/rc.h"
#include "core/referral.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The checks before anything is written: the state machine, the GP's
 * consent, the optional note ("comment" from the specialist, "reason"
 * from the GP, borrowed from body) and a service that takes referrals. */
static int convert_check(app_ctx *ctx, const advice_cur *c, json_t *body, advice_action *act, const char **note)
{
    int rc;
    advice_action_for(c->side, ADV_VERB_CONVERT, act);
    if (advice_transition(c->status, *act, NULL) != 0)
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                        "An advice request that is %s cannot be converted into a referral.",
                        advice_status_name(c->status));
    if (advice_convert_allowed(*act, c->consent) != 0)
        return app_fail(ctx, SEAM_ECONFLICT, "consent_required", NULL,
                        "The GP did not agree to this request being converted into a referral. Give advice, or ask"
                        " the GP to refer.");
    if ((rc = app__body_str(ctx, body, c->side == ADV_SIDE_SPECIALIST ? "comment" : "reason", 0, 500, note)))
        return rc;
    if (!c->svc.accepts_referrals)
        return app_fail(ctx, SEAM_EINVALID, "service_not_accepting", NULL, "%s does not accept referrals.",
                        c->svc.name);
    return 0;
}

/* A growing text: *buf of *cap bytes holding *len. */
static int text_append(char **buf, size_t *cap, size_t *len, const char *who, const char *part)
{
    size_t need = *len + strlen(part) + strlen(who) + 8;
    if (need >= *cap) {
        size_t ncap = need * 2;
        char *nb = realloc(*buf, ncap);
        if (nb == NULL)
            return -1;
        *buf = nb;
        *cap = ncap;
    }
    *len += (size_t)snprintf(*buf + *len, *cap - *len, "\n\n%s: %s", who, part);
    return 0;
}

/* The referral's clinical summary: the whole conversation, so the clinic
 * sees what was asked, answered and why it needs to be seen.  Reads the
 * thread into c->json.  *out is malloc'd; the caller frees it. */
static int convert_summary(app_ctx *ctx, advice_cur *c, char **out)
{
    int rc = advice__add_thread(ctx, c->json);
    if (rc)
        return rc;
    size_t cap = 2048, len = 0;
    char *text = malloc(cap);
    if (text == NULL)
        return app_fail(ctx, SEAM_ENOMEM, NULL, NULL, "Out of memory.");
    len += (size_t)snprintf(text, cap, "From advice and guidance request %lld.", c->id);
    static const char *const fields[] = {"text", "answer", "what_to_do", "if_worse"};
    size_t mi;
    json_t *m;
    json_array_foreach(json_object_get(c->json, "messages"), mi, m)
    {
        const char *who = json_string_value(json_object_get(json_object_get(m, "author"), "display_name"));
        for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
            const char *part = json_string_value(json_object_get(m, fields[k]));
            if (part != NULL && text_append(&text, &cap, &len, who ? who : "?", part) != 0) {
                free(text);
                return app_fail(ctx, SEAM_ENOMEM, NULL, NULL, "Out of memory.");
            }
        }
    }
    *out = text;
    return 0;
}

/* Writes the referral row: the requester's, with the original request
 * date as its clock start (the patient keeps their place in the queue),
 * linked back to the advice request; and its pathway id. */
static int convert_insert(app_ctx *ctx, const advice_cur *c, ref_status rst, ref_priority rprio, const char *note,
                          const char *summary, long long *ref_id)
{
    seam_time req_t;
    seam_time_parse(json_string_value(json_object_get(c->json, "requested_at")), &req_t);
    char clock[SEAM_DATE_LEN], now[SEAM_ISO_LEN], reason[520];
    seam_date_format(req_t, clock);
    seam_time_format(ctx->now, now);
    snprintf(reason, sizeof(reason), "%s", note ? note : "Converted from advice and guidance");
    json_t *requester = json_object_get(c->json, "requester");
    db_param ip[] = {DBP_TEXT(c->icb),
                     DBP_TEXT(c->nhs),
                     DBP_TEXT(json_string_value(json_object_get(requester, "username"))),
                     DBP_TEXT(json_string_value(json_object_get(json_object_get(requester, "organisation"), "code"))),
                     DBP_INT(c->svc.id),
                     DBP_TEXT(ref_priority_name(rprio)),
                     DBP_TEXT(ref_status_name(rst)),
                     DBP_TEXT(reason),
                     DBP_TEXT(summary),
                     DBP_TEXT(clock),
                     DBP_TEXT(now),
                     DBP_INT(c->id),
                     DBP_TEXT(c->svc.trust)};
    int rc = db_query_int(ctx->db,
                          "INSERT INTO referrals (icb_code, patient_nhs_number, requester_username, requester_org,"
                          " service_id, priority, status, reason, clinical_summary, clock_start, status_since,"
                          " created_at, updated_at, advice_id)"
                          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11, $12) RETURNING id",
                          12, ip, 0, ref_id);
    if (rc)
        return app_db_fail(ctx, rc);
    char pathway[48];
    snprintf(pathway, sizeof(pathway), "%s-%lld", c->svc.trust, *ref_id);
    db_param pw[] = {DBP_TEXT(pathway), DBP_INT(*ref_id)};
    if ((rc = db_exec(ctx->db, "UPDATE referrals SET pathway_id = $1 WHERE id = $2", 2, pw)))
        return app_db_fail(ctx, rc);
    return 0;
}

/* The referral a conversion by act becomes, written with its task, its
 * event and its RTT clock (started on the request date). */
static int convert_referral(app_ctx *ctx, advice_cur *c, advice_action act, const char *note, long long *ref_id)
{
    ref_status rst;
    ref_priority rprio;
    advice_conversion(act, c->prio, &rst, &rprio);
    char *summary = NULL;
    int rc = convert_summary(ctx, c, &summary);
    if (rc)
        return rc;
    rc = convert_insert(ctx, c, rst, rprio, note, summary, ref_id);
    free(summary);
    if (rc)
        return rc;
    handoff_rule rule;
    handoff_for_status(rst, &rule);
    json_t *rafter =
        json_pack("{s:s,s:s,s:I,s:I}", "status", ref_status_name(rst), "priority", ref_priority_name(rprio),
                  "service_id", (json_int_t)c->svc.id, "advice_id", (json_int_t)c->id);
    rc = app__task_move(ctx, "referral_id", *ref_id, &rule, c->svc.trust, c->svc.id,
                        handoff_due(rst, rprio, &c->svc.t, ctx->now, 0), c->icb, rafter);
    if (rc == 0)
        rc = app_event(ctx, "referral.created_from_advice", "referral", *ref_id, c->nhs, c->icb, NULL, rafter, NULL);
    json_decref(rafter);
    if (rc == 0)
        rc = app__pathway_on_referral(ctx, *ref_id, "created", NULL);
    return rc;
}

int app_advice_convert(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    advice_cur c;
    advice_action act;
    const char *note;
    long long ref_id;
    json_t *adv = NULL, *referral = NULL;
    int rc = advice__begin(ctx, a->id, a->body, &c);
    if (rc == 0)
        rc = convert_check(ctx, &c, a->body, &act, &note);
    if (rc == 0)
        rc = convert_referral(ctx, &c, act, note, &ref_id);
    if (rc == 0) {
        json_t *detail = json_pack("{s:I,s:s}", "referral_id", (json_int_t)ref_id, "by",
                                   c.side == ADV_SIDE_SPECIALIST ? "provider" : "gp");
        db_param ex[] = {DBP_INT(ref_id)};
        rc = advice__apply(ctx, &c, act, ", converted_referral_id = $4", 1, ex, detail);
        json_decref(detail);
    }
    if (rc == 0)
        rc = advice__answer(ctx, &c, &adv);
    if (rc == 0 && (rc = refview_load(ctx, ref_id, &referral)) == SEAM_ENOTFOUND)
        rc = app_fail(ctx, rc, "not_found", NULL, "The new referral is not visible.");
    if (rc == 0)
        *out = json_pack("{s:o,s:o}", "advice", adv, "referral", referral);
    else
        json_decref(adv);
    advice__end(&c);
    return rc;
}
