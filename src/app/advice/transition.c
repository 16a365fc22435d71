/*
 * advice/transition.c - the frame of every action on an advice request,
 * written once: load what the caller may see, check that their side holds
 * it and the version they saw; then move the state, the task and write
 * the event.  The rules it applies are core/advice.c's.
 */
#include "app/advice/advice_internal.h"
#include "common/rc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int advice__message_add(app_ctx *ctx, long long id, const char *icb, const advice_author *by, const char *kind,
                        const char *text, const char *answer, const char *what, const char *worse)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(icb),      DBP_INT(id),       DBP_TEXT(now),  DBP_TEXT(by->username),
                    DBP_TEXT(by->role), DBP_TEXT(by->org), DBP_TEXT(kind), DBP_TEXT(text),
                    DBP_TEXT(answer),   DBP_TEXT(what),    DBP_TEXT(worse)};
    int rc =
        db_exec(ctx->db,
                "INSERT INTO advice_messages (icb_code, advice_id, at, author, author_role, author_org, kind, text,"
                " answer, what_to_do, if_worse) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                11, p);
    return rc ? app_db_fail(ctx, rc) : 0;
}

int advice__task(app_ctx *ctx, long long id, advice_status st, advice_priority prio, const svc_info *svc,
                 const char *practice, const char *icb, json_t *snapshot)
{
    handoff_rule rule;
    if (advice_handoff(st, &rule) != 0)
        return app__task_move(ctx, "advice_id", id, NULL, NULL, 0, 0, icb, snapshot);
    seam_time due = advice_due(st, prio, &svc->at, ctx->now);
    const char *org = rule.side == HANDOFF_PRACTICE ? practice : svc->trust;
    return app__task_move(ctx, "advice_id", id, &rule, org, svc->id, due, icb, snapshot);
}

/* A string inside the request's JSON, by a path of up to three keys. */
static const char *jstr(const json_t *o, const char *k1, const char *k2, const char *k3)
{
    o = json_object_get(o, k1);
    if (k2)
        o = json_object_get(o, k2);
    if (k3)
        o = json_object_get(o, k3);
    return json_string_value(o);
}

int advice__begin(app_ctx *ctx, long long id, json_t *body, advice_cur *c)
{
    memset(c, 0, sizeof(*c));
    int rc = advice__load(ctx, id, &c->json);
    if (rc)
        return rc;
    c->id = id;
    advice_status_parse(jstr(c->json, "status", NULL, NULL), &c->status);
    advice_priority_parse(jstr(c->json, "priority", NULL, NULL), &c->prio);
    c->version = json_integer_value(json_object_get(c->json, "version"));
    c->consent = json_is_true(json_object_get(c->json, "consent_to_convert"));
    c->nhs = jstr(c->json, "patient", "nhs_number", NULL);
    c->practice = jstr(c->json, "patient", "practice", "code");
    snprintf(c->icb, sizeof(c->icb), "%s", jstr(c->json, "icb_code", NULL, NULL));
    long long service = json_integer_value(json_object_get(json_object_get(c->json, "service"), "id"));
    if ((rc = app__held_or_fail(ctx, jstr(c->json, "service", "trust", "code"), c->practice, service, "advice request",
                                c->id)))
        return rc;
    c->side = advice_side_of_role(ctx->user.role);
    if (c->side == ADV_SIDE_NONE)
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Your role (%s) cannot act on advice requests.",
                        ctx->user.role);
    long long want;
    int have;
    if ((rc = app__body_int(ctx, body, "version", 0, &want, &have)))
        return rc;
    if (have && want != c->version)
        return app_fail(ctx, SEAM_ECONFLICT, "stale_version", "version",
                        "Advice request %lld has changed since you loaded it; reload and try again.", c->id);
    rc = app__svc_load(ctx, service, &c->svc);
    return rc == SEAM_ENOTFOUND ? app_fail(ctx, rc, "not_found", NULL, "The service no longer exists.") : rc;
}

int advice__apply(app_ctx *ctx, advice_cur *c, advice_action act, const char *extra_set, int n_extra,
                  const db_param *extra, json_t *detail)
{
    advice_status to;
    if (advice_transition(c->status, act, &to) != 0)
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                        "An advice request that is %s cannot take that action (%s).", advice_status_name(c->status),
                        advice_action_name(act));
    char now[SEAM_ISO_LEN], sql[640];
    seam_time_format(ctx->now, now);
    snprintf(sql, sizeof(sql),
             "UPDATE advice_requests SET status = $1, status_since = $2, updated_at = $2, version = version + 1%s"
             " WHERE id = $3 AND version = %lld",
             extra_set ? extra_set : "", c->version);
    db_param p[12] = {DBP_TEXT(advice_status_name(to)), DBP_TEXT(now), DBP_INT(c->id)};
    for (int i = 0; i < n_extra && i < 9; i++)
        p[3 + i] = extra[i];
    int rc = db_exec(ctx->db, sql, 3 + n_extra, p);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_changes(ctx->db) != 1)
        return app_fail(ctx, SEAM_ECONFLICT, "stale_version", NULL,
                        "Advice request %lld was changed by someone else at the same moment; reload and try again.",
                        c->id);
    json_t *before = json_pack("{s:s,s:O,s:O}", "status", advice_status_name(c->status), "owner",
                               json_object_get(c->json, "owner"), "due_at", json_object_get(c->json, "due_at"));
    json_t *after = json_pack("{s:s}", "status", advice_status_name(to));
    rc = advice__task(ctx, c->id, to, c->prio, &c->svc, c->practice, c->icb, after);
    if (rc == 0) {
        char action[64];
        snprintf(action, sizeof(action), "advice.%s", advice_action_name(act));
        char *dt = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
        rc = app_event(ctx, action, "advice", c->id, c->nhs, c->icb, before, after, dt);
        free(dt);
    }
    json_decref(before);
    json_decref(after);
    c->status = to;
    return rc;
}

int advice__answer(app_ctx *ctx, advice_cur *c, json_t **out)
{
    advice__end(c);
    return advice__show(ctx, c->id, out);
}

void advice__end(advice_cur *c)
{
    json_decref(c->json);
    c->json = NULL;
}
