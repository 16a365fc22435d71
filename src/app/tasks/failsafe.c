/*
 * tasks/failsafe.c - the failsafe sweep: pathways that left the waiting
 * list end their priority reviews, every open task past its due time is
 * escalated to the level core/handoff.c gives, and the ownership check
 * (check.c) runs and logs what it finds.
 */
#include "app/frame/frame.h"
#include "app/tasks/tasks_internal.h"
#include "app/waiting/waiting.h"
#include "common/rc.h"
#include "core/handoff.h"

#include <stdio.h>
#include <stdlib.h>

/* Logs one violation the check found: a line on standard error every
 * sweep, and a failsafe.invariant_violation event once a day (the same
 * object and finding; since is a day ago). */
static int failsafe_violation(app_ctx *ctx, json_t *v, const char *since)
{
    char line[1024], oid[32];
    app_check_describe(v, line, sizeof(line));
    fprintf(stderr, "failsafe: invariant violation: %s\n", line);
    const char *kind = json_string_value(json_object_get(v, "kind"));
    json_t *key = json_object_get(v, "id");
    if (key == NULL)
        key = json_object_get(v, "letter_id");
    long long id = json_integer_value(key);
    snprintf(oid, sizeof(oid), "%lld", id);
    char *detail = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    long long seen = 0;
    db_param p[] = {DBP_TEXT(kind), DBP_TEXT(oid), DBP_TEXT(detail), DBP_TEXT(since)};
    int rc = db_query_int(ctx->db,
                          "SELECT count(*) FROM events WHERE object_type = $1 AND object_id = $2"
                          " AND action = 'failsafe.invariant_violation' AND detail = $3 AND at >= $4",
                          4, p, 0, &seen);
    if (rc)
        rc = app_db_fail(ctx, rc);
    else if (seen == 0)
        rc = app_event(ctx, "failsafe.invariant_violation", kind, id, json_string_value(json_object_get(v, "patient")),
                       NULL, NULL, NULL, detail);
    free(detail);
    return rc;
}

/*
 * Runs the ownership check (check.c) inside the sweep's transaction and
 * logs every violation it meets (failsafe_violation).  A check that cannot
 * run is logged and rolled back to its savepoint, so it never stops the
 * escalations.  *out is the list of violations (empty when the check
 * could not run).
 */
static int failsafe_check(app_ctx *ctx, json_t **out)
{
    json_t *res = NULL;
    int rc = db_exec(ctx->db, "SAVEPOINT seam_check", 0, NULL);
    if (rc)
        return app_db_fail(ctx, rc);
    if (app_check(ctx, NULL, &res) != 0) {
        fprintf(stderr, "failsafe: the ownership check could not run: %s\n", ctx->err_msg);
        ctx->err_code[0] = ctx->err_field[0] = ctx->err_msg[0] = '\0';
        if ((rc = db_exec(ctx->db, "ROLLBACK TO SAVEPOINT seam_check", 0, NULL)))
            return app_db_fail(ctx, rc);
        *out = json_array();
        return 0;
    }
    if ((rc = db_exec(ctx->db, "RELEASE SAVEPOINT seam_check", 0, NULL))) {
        json_decref(res);
        return app_db_fail(ctx, rc);
    }
    json_t *list = json_incref(json_object_get(res, "violations"));
    json_decref(res);
    char since[SEAM_ISO_LEN];
    seam_time_format(ctx->now - 86400, since);
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        if ((rc = failsafe_violation(ctx, v, since))) {
            json_decref(list);
            return rc;
        }
    }
    *out = list;
    return 0;
}

/* A PTL import can take a pathway off the list while a GP's priority
 * review is open: the review ends, with the reason, rather than
 * escalating about a patient who no longer waits. */
static int failsafe_reviews(app_ctx *ctx)
{
    db_rows *r;
    int rc = db_query(ctx->db,
                      "SELECT DISTINCT rv.pathway_id FROM priority_reviews rv JOIN pathways pw ON pw.id = rv.pathway_id"
                      " WHERE rv.status = 'open' AND pw.open = 0",
                      0, NULL, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    for (int i = 0; i < db_nrows(r) && rc == 0; i++)
        rc = app__reviews_withdraw(ctx, db_geti(r, i, 0), "The patient is no longer on the waiting list.");
    db_rows_free(r);
    return rc;
}

/* The overdue open tasks, as failsafe_escalate reads them. */
#define OVERDUE_SQL                                                                                                    \
    "SELECT t.id," TASK_SUBJECT_ID_SQL ","                                                                             \
    " t.kind, t.owner_org, t.owner_role, t.due_at, t.escalation_level, t.icb_code,"                                    \
    " t.patient_nhs_number, s.trust_code," TASK_SUBJECT_KIND_SQL ", t.gp_action_n"                                     \
    " FROM tasks t JOIN services s ON s.id = t.service_id"                                                             \
    " WHERE t.state = 'open' AND t.due_at < $1 ORDER BY t.due_at, t.id"

/* Escalates overdue task row i of r from level from to level to, records
 * task.escalated and appends what was done to list. */
static int failsafe_escalate(app_ctx *ctx, db_rows *r, int i, int from, int to, json_t *list)
{
    db_param up[] = {DBP_INT(to), DBP_INT(db_geti(r, i, 0))};
    int rc = db_exec(ctx->db, "UPDATE tasks SET escalation_level = $1 WHERE id = $2 AND escalation_level < $1", 2, up);
    if (rc)
        return app_db_fail(ctx, rc);
    /* Who it now rests with, beyond the owner. */
    const char *to_org = to >= HANDOFF_LEVEL_ICB         ? db_get(r, i, 7)
                         : to >= HANDOFF_LEVEL_INTERFACE ? db_get(r, i, 9)
                                                         : db_get(r, i, 3);
    const char *subject = db_get(r, i, 10);
    json_t *item =
        json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:i,s:i,s:s,s:s}", "task", (json_int_t)db_geti(r, i, 0), "subject",
                  subject, subject, (json_int_t)db_geti(r, i, 1), "kind", db_get(r, i, 2), "owner_org", db_get(r, i, 3),
                  "owner_role", db_get(r, i, 4), "due_at", db_get(r, i, 5), "from", from, "to", to, "escalated_to",
                  handoff_level_name(to), "escalated_to_org", to_org);
    if (!db_isnull(r, i, 11))
        json_object_set_new(item, "n", json_integer(db_geti(r, i, 11)));
    json_t *before = json_pack("{s:i}", "escalation_level", from);
    json_t *after = json_pack("{s:i,s:s,s:s}", "escalation_level", to, "escalated_to", handoff_level_name(to),
                              "escalated_to_org", to_org);
    char *dt = json_dumps(item, JSON_COMPACT);
    rc = app_event(ctx, "task.escalated", subject, db_geti(r, i, 1), db_get(r, i, 8), db_get(r, i, 7), before, after,
                   dt);
    free(dt);
    json_decref(before);
    json_decref(after);
    json_array_append_new(list, item);
    return rc;
}

/* Escalates every open task past its due time whose level has risen;
 * *checked is how many were overdue. */
static int failsafe_overdue(app_ctx *ctx, const char *now, json_t *list, int *checked)
{
    db_rows *r;
    db_param p[] = {DBP_TEXT(now)};
    int rc = db_query(ctx->db, OVERDUE_SQL, 1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        seam_time due;
        if (seam_time_parse(db_get(r, i, 5), &due) != 0)
            continue;
        int from = (int)db_geti(r, i, 6);
        int to = handoff_escalation_level(due, ctx->now);
        if (to > from)
            rc = failsafe_escalate(ctx, r, i, from, to, list);
    }
    *checked = db_nrows(r);
    db_rows_free(r);
    return rc;
}

int app_failsafe(app_ctx *ctx, const void *arg, json_t **out)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    int rc = failsafe_reviews(ctx), checked = 0;
    if (rc)
        return rc;
    json_t *list = json_array(), *violations = NULL;
    if ((rc = failsafe_overdue(ctx, now, list, &checked)) == 0)
        rc = failsafe_check(ctx, &violations);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:s,s:i,s:o,s:o}", "now", now, "overdue_checked", checked, "escalated", list,
                     "invariant_violations", violations);
    return 0;
}
