/*
 * referrals/act.c - the frame of every action on a referral: load the
 * referral visible to the caller, check that the caller's organisation
 * holds it, that the role may take the action and that the version is
 * current; turn the URL's action (and the body's decision) into a
 * ref_action, check the transition (core/referral.c), let the action read
 * its fields, write the referral, move its task (core/handoff.c), record
 * the event, move the RTT pathway (waiting/clock.c), and run what follows
 * the action.  The actions themselves are in act_triage.c, act_clinic.c
 * and act_outcome.c, one small table entry each.
 */
#include "app/referrals/referrals_internal.h"
#include "app/waiting/waiting.h"
#include "common/rc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The actions, by ref_action. */
static const ref_act_def *const defs[REF_ACTION_COUNT] = {
    [REF_ACT_ACCEPT] = &ref__act_accept,         [REF_ACT_RETURN] = &ref__act_return,
    [REF_ACT_REDIRECT] = &ref__act_redirect,     [REF_ACT_BOOK] = &ref__act_book,
    [REF_ACT_ATTEND] = &ref__act_attend,         [REF_ACT_DISCHARGE] = &ref__act_discharge,
    [REF_ACT_WITHDRAW] = &ref__act_withdraw,     [REF_ACT_RESUBMIT] = &ref__act_resubmit,
    [REF_ACT_CLOSE] = &ref__act_close,           [REF_ACT_CONVERT_TO_ADVICE] = &ref__act_convert,
    [REF_ACT_DNA_REBOOK] = &ref__act_dna_rebook, [REF_ACT_DNA_DISCHARGE] = &ref__act_dna_discharge,
};

/* A decision in the body and the action it names. */
typedef struct ref_decision {
    const char *name;
    ref_action act;
} ref_decision;

static const ref_decision triage_decisions[] = {{"accept", REF_ACT_ACCEPT},
                                                {"return", REF_ACT_RETURN},
                                                {"redirect", REF_ACT_REDIRECT},
                                                {"convert_to_advice", REF_ACT_CONVERT_TO_ADVICE},
                                                {NULL, 0}};
/* A missed appointment is the service's to deal with. */
static const ref_decision dna_decisions[] = {
    {"rebook", REF_ACT_DNA_REBOOK}, {"discharge", REF_ACT_DNA_DISCHARGE}, {NULL, 0}};

/* An action as the URL names it, and which roles may take it (beyond
 * being able to see the referral).  With decisions, the body's decision
 * chooses the action (prompt: the sentence for a missing one, NULL the
 * default; wrong: the one for an unknown one); else it is act. */
typedef struct ref_verb {
    const char *name;
    const char *roles;
    ref_action act;
    const ref_decision *decisions;
    const char *prompt, *wrong;
} ref_verb;

static const ref_verb verbs[] = {
    {"triage", " triager clinician ", 0, triage_decisions, NULL,
     "Select a triage decision: accept, return, redirect or convert_to_advice."},
    {"book", " booking triager clinician ", REF_ACT_BOOK, NULL, NULL, NULL},
    {"attend", " clinician triager booking ", REF_ACT_ATTEND, NULL, NULL, NULL},
    {"discharge", " clinician triager ", REF_ACT_DISCHARGE, NULL, NULL, NULL},
    {"withdraw", " gp practice_admin clinician triager ", REF_ACT_WITHDRAW, NULL, NULL, NULL},
    {"resubmit", " gp ", REF_ACT_RESUBMIT, NULL, NULL, NULL},
    {"close", " gp ", REF_ACT_CLOSE, NULL, NULL, NULL},
    {"convert_to_advice", " gp ", REF_ACT_CONVERT_TO_ADVICE, NULL, NULL, NULL},
    {"dna", " booking clinician triager ", 0, dna_decisions, "Select rebook or discharge",
     "Select what happens after the missed appointment: rebook or discharge."},
};

static int verb_allowed(const ref_verb *v, const char *role)
{
    char needle[40];
    snprintf(needle, sizeof(needle), " %s ", role);
    return v != NULL && strstr(v->roles, needle) != NULL;
}

static const ref_verb *verb_find(const char *name)
{
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
        if (strcmp(verbs[i].name, name) == 0)
            return &verbs[i];
    return NULL;
}

/* The facts of the referral the action starts from. */
static void act_facts(ref_act *a)
{
    json_t *cur = a->cur, *pt = json_object_get(cur, "patient");
    a->status_s = json_string_value(json_object_get(cur, "status"));
    a->prio_s = json_string_value(json_object_get(cur, "priority"));
    a->nhs = json_string_value(json_object_get(pt, "nhs_number"));
    a->practice = json_string_value(json_object_get(json_object_get(pt, "practice"), "code"));
    a->service_id = json_integer_value(json_object_get(json_object_get(cur, "service"), "id"));
    a->target_service = a->service_id;
    a->version = json_integer_value(json_object_get(cur, "version"));
    snprintf(a->icb, sizeof(a->icb), "%s", json_string_value(json_object_get(cur, "icb_code")));
}

/* Holder, role and version.  Seeing is not holding: a trust that referred
 * onward sees the referral, the receiving trust acts on it. */
static int act_check(app_ctx *ctx, ref_act *a, const ref_verb *v)
{
    const char *trust =
        json_string_value(json_object_get(json_object_get(json_object_get(a->cur, "service"), "trust"), "code"));
    int rc = app__held_or_fail(ctx, trust, a->practice, a->service_id, "referral", a->id);
    if (rc)
        return rc;
    if (!verb_allowed(v, ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Your role (%s) cannot %s a referral.", ctx->user.role,
                        a->verb);
    long long want;
    int have;
    if ((rc = app__body_int(ctx, a->body, "version", 0, &want, &have)))
        return rc;
    if (have && want != a->version)
        return app_fail(ctx, SEAM_ECONFLICT, "stale_version", "version",
                        "Referral %lld has changed since you loaded it (version %lld, now %lld); reload and try again.",
                        a->id, want, a->version);
    return 0;
}

/* The action: the verb's, or the one its decision names. */
static int act_decide(app_ctx *ctx, ref_act *a, const ref_verb *v)
{
    if (v->decisions == NULL) {
        a->act = v->act;
        return 0;
    }
    int rc = v->prompt ? app__body_text(ctx, a->body, "decision", v->prompt, 1, 32, &a->decision)
                       : app__body_str(ctx, a->body, "decision", 1, 32, &a->decision);
    if (rc)
        return rc;
    for (const ref_decision *d = v->decisions; d->name; d++)
        if (strcmp(d->name, a->decision) == 0) {
            a->act = d->act;
            return 0;
        }
    return app_fail(ctx, SEAM_EINVALID, "invalid_value", "decision", "%s", v->wrong);
}

/* Where the action takes the referral (core/referral.c). */
static int act_transition(app_ctx *ctx, ref_act *a)
{
    if (ref_status_parse(a->status_s, &a->from) != 0 || ref_priority_parse(a->prio_s, &a->prio) != 0)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Referral %lld has an unknown state.", a->id);
    if (ref_transition(a->from, a->act, &a->to) != 0)
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL, "A referral that is %s cannot be %s.",
                        a->status_s, defs[a->act]->done);
    a->newprio = a->prio;
    return 0;
}

/* The action's fields, a new priority if given, and the target service. */
static int act_read(app_ctx *ctx, ref_act *a)
{
    const ref_act_def *d = defs[a->act];
    int rc = d->read ? d->read(ctx, a) : ref__read_comment(ctx, a);
    if (rc)
        return rc;
    if (a->newprio_s && ref_priority_parse(a->newprio_s, &a->newprio) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "priority",
                        "Select a priority: routine, urgent or two-week wait (two_week_wait).");
    int redirect = a->act == REF_ACT_REDIRECT;
    rc = app__svc_load(ctx, a->target_service, &a->svc);
    if (rc == SEAM_ENOTFOUND)
        return app_fail(ctx, rc, "not_found", redirect ? "to_service_id" : NULL, "There is no service %lld.",
                        a->target_service);
    if (rc)
        return rc;
    if (redirect && !a->svc.accepts_referrals)
        return app_fail(ctx, SEAM_EINVALID, "service_not_accepting", "to_service_id", "%s does not accept referrals.",
                        a->svc.name);
    return 0;
}

/* Writes the referral: its new status and the action's columns, if the
 * version is still the one loaded. */
static int act_write(app_ctx *ctx, ref_act *a)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {
        DBP_TEXT(ref_status_name(a->to)),              /* $1 */
        DBP_TEXT(now),                                 /* $2 */
        DBP_INT(a->id),                                /* $3 */
        DBP_INT(a->version),                           /* $4 */
        DBP_TEXT(ref_priority_name(a->newprio)),       /* $5 */
        DBP_TEXT(a->comment),                          /* $6 */
        DBP_TEXT(a->advice),                           /* $7 */
        DBP_TEXT(ctx->user.username),                  /* $8 */
        DBP_INT(a->target_service),                    /* $9 */
        DBP_TEXT(a->appt_iso[0] ? a->appt_iso : NULL), /* $10 */
        DBP_TEXT(a->reason),                           /* $11 */
        DBP_TEXT(a->summary),                          /* $12 */
        DBP_TEXT(a->reason_code),                      /* $13 */
    };
    const char *set = defs[a->act]->set;
    char sql[512];
    snprintf(sql, sizeof(sql),
             "UPDATE referrals SET status = $1, status_since = $2, updated_at = $2, version = version + 1%s"
             " WHERE id = $3 AND version = $4",
             set ? set : "");
    int rc = db_exec(ctx->db, sql, 13, p);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_changes(ctx->db) != 1)
        return app_fail(ctx, SEAM_ECONFLICT, "stale_version", NULL,
                        "Referral %lld was changed by someone else at the same moment; reload and try again.", a->id);
    return 0;
}

/* The event's detail: what the caller said, and what changed. */
static json_t *act_detail(const ref_act *a)
{
    json_t *detail = json_object();
    if (a->decision)
        json_object_set_new(detail, "decision", json_string(a->decision));
    if (a->comment)
        json_object_set_new(detail, "comment", json_string(a->comment));
    if (a->advice)
        json_object_set_new(detail, "advice", json_string(a->advice));
    if (a->reason_code)
        json_object_set_new(detail, "reason_code", json_string(a->reason_code));
    if (a->reason)
        json_object_set_new(detail, "reason", json_string(a->reason));
    if (defs[a->act]->detail)
        defs[a->act]->detail(a, detail);
    if (a->summary)
        json_object_set_new(detail, "clinical_summary_updated", json_true());
    if (a->newprio != a->prio)
        json_object_set_new(detail, "priority_changed",
                            json_pack("{s:s,s:s}", "from", a->prio_s, "to", ref_priority_name(a->newprio)));
    return detail;
}

/* Moves the task and records referral.<past> with before and after. */
static int act_record(app_ctx *ctx, ref_act *a)
{
    json_t *before = ref__snapshot(a->status_s, a->prio_s, a->service_id);
    json_object_set(before, "owner", json_object_get(a->cur, "owner"));
    json_object_set(before, "due_at", json_object_get(a->cur, "due_at"));
    json_t *after = ref__snapshot(ref_status_name(a->to), ref_priority_name(a->newprio), a->target_service);
    int rc = ref__task_move(ctx, a->id, a->to, a->newprio, &a->svc, a->practice, a->icb, a->appt, after);
    if (rc == 0) {
        json_t *detail = act_detail(a);
        char *dt = json_dumps(detail, JSON_COMPACT);
        char action[64];
        snprintf(action, sizeof(action), "referral.%s", defs[a->act]->past);
        rc = app_event(ctx, action, "referral", a->id, a->nhs, a->icb, before, after, dt);
        free(dt);
        json_decref(detail);
    }
    json_decref(before);
    json_decref(after);
    return rc;
}

/* The referral as it now is.  The caller may no longer see it after a
 * redirect to another trust: answer with what was done rather than a 404. */
static int act_reply(app_ctx *ctx, const ref_act *a, json_t **out)
{
    int rc = refview_load(ctx, a->id, out);
    if (rc == SEAM_ENOTFOUND) {
        *out = json_pack("{s:I,s:s,s:b,s:s}", "id", (json_int_t)a->id, "status", ref_status_name(a->to), "visible", 0,
                         "message", "The referral now belongs to another service.");
        rc = 0;
    }
    return rc;
}

int app_referral_act(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *in = arg;
    ref_act a;
    memset(&a, 0, sizeof(a));
    a.id = in->id;
    a.body = in->body;
    a.verb = in->action;
    a.consent = 1; /* it was a referral: by default it may become one again */
    a.attended = ctx->now;
    int rc = ref__load_visible(ctx, a.id, &a.cur);
    if (rc)
        return rc;
    act_facts(&a);
    const ref_verb *v = verb_find(a.verb);
    if ((rc = act_check(ctx, &a, v)) == 0 && (rc = act_decide(ctx, &a, v)) == 0 &&
        (rc = act_transition(ctx, &a)) == 0 && (rc = act_read(ctx, &a)) == 0 && (rc = act_write(ctx, &a)) == 0 &&
        (rc = act_record(ctx, &a)) == 0 &&
        (rc = app__pathway_on_referral(ctx, a.id, ref_action_name(a.act), a.body)) == 0 &&
        (rc = defs[a.act]->after ? defs[a.act]->after(ctx, &a) : 0) == 0)
        rc = act_reply(ctx, &a, out);
    json_decref(a.cur);
    return rc;
}
