/*
 * gp_actions.c - a GP action the GP declines stays with the hospital, as
 * an owned handoff (core/care.h): a task "gp_action_declined" for a
 * clinician of the letter's service, due in the service's
 * declined_action_days working days, on the worklist and escalated by the
 * failsafe like every task, closed only when a clinician of that service's
 * trust records what was done (arranged by the hospital, or agreed
 * otherwise with a note).  The task names its subject by two columns, the
 * letter and the action's number, so it has its own writer here beside
 * app__task_move.
 */
#include "app/frame/access.h"
#include "app/app.h"
#include "app/care/care_internal.h"
#include "common/rc.h"
#include "core/care.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTE_MAX 2000

/* Closes the open task of GP action (letter_id, n), if any. */
static int declined_task_close(app_ctx *ctx, long long letter_id, int n)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(now), DBP_TEXT(ctx->user.username), DBP_INT(letter_id), DBP_INT(n)};
    int rc = db_exec(ctx->db,
                     "UPDATE tasks SET state = 'done', closed_at = $1, closed_by = $2"
                     " WHERE gp_action_letter_id = $3 AND gp_action_n = $4 AND state = 'open'",
                     4, p);
    return rc ? app_db_fail(ctx, rc) : 0;
}

int care__gp_action_update(app_ctx *ctx, long long letter_id, int n, const char *from, const char *set,
                           const db_param p[4], long long *changed)
{
    char sql[512];
    int w =
        snprintf(sql, sizeof(sql), "UPDATE letter_actions SET %s WHERE letter_id = $5 AND n = $6 AND status = $7", set);
    if (w < 0 || (size_t)w >= sizeof(sql))
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    db_param all[] = {p[0], p[1], p[2], p[3], DBP_INT(letter_id), DBP_INT(n), DBP_TEXT(from)};
    int rc = db_exec(ctx->db, sql, 7, all);
    if (rc)
        return app_db_fail(ctx, rc);
    *changed = db_changes(ctx->db);
    return 0;
}

int app__gp_action_declined(app_ctx *ctx, long long letter_id, int n, const json_t *letter, json_t **handoff)
{
    long long service_id = json_integer_value(json_object_get(json_object_get(letter, "service"), "id"));
    const char *icb = json_string_value(json_object_get(letter, "icb_code"));
    db_rows *r;
    db_param sp[] = {DBP_INT(service_id)};
    int rc = db_query(ctx->db, "SELECT trust_code, declined_action_days FROM services WHERE id = $1", 1, sp, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) != 1) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "The letter's service %lld does not exist.", service_id);
    }
    char trust[16];
    snprintf(trust, sizeof(trust), "%s", db_get(r, 0, 0));
    int days = (int)db_geti(r, 0, 1);
    db_rows_free(r);

    handoff_rule rule;
    care_gp_action_declined_rule(&rule);
    seam_time due = care_gp_action_declined_due(ctx->now, days);
    char now[SEAM_ISO_LEN], due_s[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    seam_time_format(due, due_s);
    if ((rc = declined_task_close(ctx, letter_id, n)))
        return rc;
    db_param p[] = {DBP_TEXT(icb),   DBP_INT(letter_id),  DBP_INT(n),          DBP_TEXT(rule.task_kind),
                    DBP_TEXT(trust), DBP_INT(service_id), DBP_TEXT(rule.role), DBP_TEXT(due_s),
                    DBP_TEXT(now)};
    rc = db_exec(ctx->db,
                 "INSERT INTO tasks (icb_code, gp_action_letter_id, gp_action_n, kind, owner_org, owner_service_id,"
                 " owner_role, due_at, created_at, patient_nhs_number, service_id)"
                 " SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, l.patient_nhs_number, l.service_id FROM letters l"
                 " WHERE l.id = $2",
                 9, p);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_changes(ctx->db) != 1)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "The letter %lld does not exist.", letter_id);
    if (handoff)
        *handoff = json_pack("{s:{s:s,s:I,s:s,s:s},s:s}", "owner", "organisation", trust, "service",
                             (json_int_t)service_id, "role", rule.role, "task", rule.task_kind, "due_at", due_s);
    return 0;
}

int app__gp_actions_json(app_ctx *ctx, long long letter_id, json_t **out)
{
    db_rows *r;
    db_param p[] = {DBP_INT(letter_id)};
    int rc = db_query(ctx->db,
                      "SELECT n, text, reason, status, decline_reason, decided_by, decided_at, outcome, outcome_note,"
                      " resolved_by, resolved_at FROM letter_actions WHERE letter_id = $1 ORDER BY n",
                      1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *acts = json_array();
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        const char *status = db_get(r, i, 3);
        const char *shown = care_gp_action_shown(status);
        json_t *a = json_pack("{s:i,s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "n", (int)db_geti(r, i, 0), "text", db_get(r, i, 1),
                              "reason", db_get(r, i, 2), "status", status, "state", shown ? shown : status,
                              "decline_reason", app__str_or_null(db_get(r, i, 4)), "decided_by",
                              app__str_or_null(db_get(r, i, 5)), "decided_at", app__str_or_null(db_get(r, i, 6)));
        if (strcmp(status, "declined") == 0 || strcmp(status, "resolved") == 0) {
            json_object_set_new(a, "resolution",
                                db_isnull(r, i, 7) ? json_null()
                                                   : json_pack("{s:s,s:o,s:s,s:s}", "outcome", db_get(r, i, 7), "note",
                                                               app__str_or_null(db_get(r, i, 8)), "by", db_get(r, i, 9),
                                                               "at", db_get(r, i, 10)));
            db_param tp[] = {DBP_INT(letter_id), DBP_INT(db_geti(r, i, 0))};
            if ((rc = app__task_fields_where(ctx, a, "t.gp_action_letter_id = $1 AND t.gp_action_n = $2", 2, tp)))
                rc = app_db_fail(ctx, rc);
        }
        json_array_append_new(acts, a);
    }
    db_rows_free(r);
    if (rc) {
        json_decref(acts);
        return rc;
    }
    *out = acts;
    return 0;
}

/* Whether declined action act of the letter may be resolved with the
 * body's outcome and note: 0 with *outcome and *note set (a blank note is
 * none), or the refusal recorded on ctx. */
static int resolve_check(app_ctx *ctx, const app_gp_action *a, const json_t *act, care_gp_outcome *outcome,
                         const char **note)
{
    const char *status = json_string_value(json_object_get(act, "status"));
    const char *outcome_s;
    int rc;
    if ((rc = app__body_text(ctx, a->body, "outcome", "Select what was done: arranged_by_hospital or agreed_otherwise",
                             1, 40, &outcome_s)) ||
        (rc = app__body_str(ctx, a->body, "note", 0, NOTE_MAX, note)))
        return rc;
    if (*note && (*note)[strspn(*note, " \t\r\n")] == '\0')
        *note = NULL;
    if (care_gp_outcome_parse(outcome_s, outcome) != 0)
        *outcome = CARE_GP_OUTCOME_COUNT;
    switch (care_gp_action_resolve(status, *outcome, *note != NULL)) {
    case CARE_RESOLVE_OK: return 0;
    case CARE_RESOLVE_ALREADY_RESOLVED:
        return app_fail(ctx, SEAM_ECONFLICT, "already_resolved", NULL,
                        "GP action %d of letter %lld has already been resolved (%s).", a->n, a->letter_id,
                        json_string_value(json_object_get(json_object_get(act, "resolution"), "outcome")));
    case CARE_RESOLVE_NOT_DECLINED:
        return app_fail(
            ctx, SEAM_ECONFLICT, "not_declined", NULL,
            "GP action %d of letter %lld is %s: only an action the GP declined is resolved by the hospital.", a->n,
            a->letter_id, status);
    case CARE_RESOLVE_BAD_OUTCOME:
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "outcome",
                        "Select what was done: arranged_by_hospital or agreed_otherwise.");
    case CARE_RESOLVE_NOTE_REQUIRED:
        return app_fail(ctx, SEAM_EINVALID, "missing_field", "note",
                        "Say what was agreed instead, and with whom, in the note.");
    }
    return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Unknown resolution check.");
}

/* Records the resolution and closes the declined action's task. */
static int resolve_store(app_ctx *ctx, const app_gp_action *a, care_gp_outcome outcome, const char *note)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(care_gp_outcome_name(outcome)), DBP_TEXT(note), DBP_TEXT(ctx->user.username),
                    DBP_TEXT(now)};
    long long changed;
    int rc = care__gp_action_update(ctx, a->letter_id, a->n, "declined",
                                    "status = 'resolved', outcome = $1, outcome_note = $2, resolved_by = $3,"
                                    " resolved_at = $4",
                                    p, &changed);
    if (rc)
        return rc;
    if (changed != 1)
        return app_fail(ctx, SEAM_ECONFLICT, "already_resolved", NULL,
                        "GP action %d of letter %lld changed at the same moment; reload.", a->n, a->letter_id);
    return declined_task_close(ctx, a->letter_id, a->n);
}

int app_letter_gp_action_resolve(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_gp_action *a = arg;
    json_t *cur = NULL;
    int rc = app__letter_load(ctx, a->letter_id, &cur);
    if (rc)
        return rc;
    app_subject s;
    app__subject_of(cur, &s);
    care_gp_outcome outcome;
    const char *note = NULL;
    const json_t *act = care__gp_action_of(cur, a->n);
    /* The hospital keeps a declined action: the letter's trust holds it,
     * never the practice. */
    if ((rc = app__held_or_fail(ctx, s.trust, NULL, s.service_id, "declined GP action of letter", a->letter_id)))
        goto out;
    if (strcmp(ctx->user.role, "clinician") != 0)
        rc = app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                      "A declined GP action is resolved by a clinician of the service; your role is %s.",
                      ctx->user.role);
    else if (act == NULL)
        rc = app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "Letter %lld has no GP action %d.", a->letter_id, a->n);
    else if ((rc = resolve_check(ctx, a, act, &outcome, &note)) == 0 &&
             (rc = resolve_store(ctx, a, outcome, note)) == 0)
        rc = app_event_json(ctx, "letter.gp_action_resolved", "letter", a->letter_id, s.nhs, s.icb, NULL, NULL,
                            json_pack("{s:i,s:s,s:s,s:s?}", "n", a->n, "from",
                                      json_string_value(json_object_get(act, "status")), "outcome",
                                      care_gp_outcome_name(outcome), "note", note));
    if (rc == 0)
        rc = app__letter_load(ctx, a->letter_id, out);
out:
    json_decref(cur);
    return rc;
}
