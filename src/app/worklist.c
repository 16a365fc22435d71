/*
 * worklist.c - the caller's open tasks (most urgent first) and the
 * failsafe sweep that escalates overdue ones.
 */
#include "app/frame/access.h"
#include "app/app.h"
#include "app/frame/frame.h"
#include "app/waiting/waiting.h"
#include "app/frame/sqlb.h"
#include "common/rc.h"
#include "core/handoff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends which tasks are the caller's to act on. */
static void worklist_filter(app_ctx *ctx, sqlb *b)
{
    const app_user *u = &ctx->user;
    const char *role = u->role;
    if (strcmp(role, "triager") == 0 || strcmp(role, "clinician") == 0 || strcmp(role, "booking") == 0) {
        if (strcmp(role, "clinician") == 0)
            sqlb_add(b, " AND t.owner_role = 'clinician'");
        else if (strcmp(role, "triager") == 0)
            sqlb_add(b, " AND t.owner_role = 'triager'");
        else
            sqlb_add(b, " AND t.owner_role = 'booking'");
        sqlb_add(b, " AND t.owner_org = $?");
        sqlb_param(b, DBP_TEXT(u->org_code));
        if (scope_role_is_service_bound(role))
            app__service_scope(ctx, b, "t.owner_service_id"); /* their services' tasks only */
        else if (u->service_id) {
            sqlb_add(b, " AND t.owner_service_id = $?");
            sqlb_param(b, DBP_INT(u->service_id));
        }
    } else if (app_role_is_practice(role)) {
        sqlb_add(b, " AND t.owner_org = $? AND t.owner_role = 'gp'");
        sqlb_param(b, DBP_TEXT(u->org_code));
    } else if (strcmp(role, "interface_lead") == 0) {
        sqlb_add(b, " AND s.trust_code = $? AND t.escalation_level >= 2");
        sqlb_param(b, DBP_TEXT(u->org_code));
    } else if (strcmp(role, "icb_analyst") == 0) {
        sqlb_add(b, " AND t.icb_code = $? AND t.escalation_level >= 3");
        sqlb_param(b, DBP_TEXT(u->icb_code));
    } else if (strcmp(role, "admin") == 0) {
        sqlb_add(b, " AND t.escalation_level >= 1");
    } else {
        sqlb_add(b, " AND 1 = 0");
    }
}

int app_worklist(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_list_args *a = arg;
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    sqlb w;
    sqlb_init(&w);
    /* A task is about a referral or an advice request: one of r, ad. */
    sqlb_add(&w, " FROM tasks t LEFT JOIN referrals r ON r.id = t.referral_id"
                 " LEFT JOIN advice_requests ad ON ad.id = t.advice_id"
                 " LEFT JOIN priority_reviews rv ON rv.id = t.review_id"
                 " LEFT JOIN letter_actions la ON la.letter_id = t.gp_action_letter_id AND la.n = t.gp_action_n"
                 " JOIN patients p ON p.nhs_number = t.patient_nhs_number"
                 " JOIN services s ON s.id = t.service_id"
                 " JOIN organisations tr ON tr.code = s.trust_code"
                 " JOIN organisations oo ON oo.code = t.owner_org"
                 " LEFT JOIN services tsv ON tsv.id = t.owner_service_id"
                 " WHERE t.state = 'open'");
    worklist_filter(ctx, &w);
    sqlb q;
    sqlb_init(&q);
    sqlb_add(&q, "SELECT count(*)");
    sqlb_append(&q, &w);
    long long total;
    if (q.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    int rc = db_query_int(ctx->db, q.sql, q.n, q.p, 0, &total);
    if (rc)
        return app_db_fail(ctx, rc);

    sqlb_init(&q);
    sqlb_add(&q, "SELECT t.id, t.kind, t.owner_org, oo.name, t.owner_service_id, tsv.name, t.owner_role, t.due_at,"
                 " t.escalation_level,"
                 " COALESCE(t.referral_id, t.advice_id, t.order_id, t.result_id, t.letter_id, t.follow_up_id,"
                 " t.review_id, t.gp_action_letter_id),"
                 " COALESCE(r.status, ad.status, la.status), COALESCE(r.priority, ad.priority), p.nhs_number,"
                 " p.given_name, p.family_name, s.id, s.name, s.trust_code, tr.name, r.clock_start,"
                 " COALESCE(r.reason, substr(ad.question, 1, 200), substr(rv.reason, 1, 200), substr(la.text, 1, 200)),"
                 " CASE WHEN t.referral_id IS NOT NULL THEN 'referral' WHEN t.advice_id IS NOT NULL THEN 'advice'"
                 " WHEN t.order_id IS NOT NULL THEN 'order' WHEN t.result_id IS NOT NULL THEN 'result'"
                 " WHEN t.letter_id IS NOT NULL THEN 'letter' WHEN t.follow_up_id IS NOT NULL THEN 'follow_up'"
                 " WHEN t.gp_action_letter_id IS NOT NULL THEN 'gp_action'"
                 " ELSE 'priority_review' END, rv.pathway_id, t.gp_action_n, la.decline_reason");
    sqlb_append(&q, &w);
    /* Overdue first, then most escalated, then earliest due.  Priority is
     * already in the due time: urgent and two-week-wait targets are tighter. */
    sqlb_add(&q, " ORDER BY CASE WHEN t.due_at < $? THEN 0 ELSE 1 END, t.escalation_level DESC, t.due_at, t.id");
    sqlb_param(&q, DBP_TEXT(now));
    sqlb_add(&q, " LIMIT $?");
    sqlb_param(&q, DBP_INT(a->page_size));
    sqlb_add(&q, " OFFSET $?");
    sqlb_param(&q, DBP_INT((long long)(a->page - 1) * a->page_size));
    if (q.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    db_rows *r;
    rc = db_query(ctx->db, q.sql, q.n, q.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        int level = (int)db_geti(r, i, 8);
        json_t *svc = db_isnull(r, i, 4)
                          ? json_null()
                          : json_pack("{s:I,s:s}", "id", (json_int_t)db_geti(r, i, 4), "name", db_get(r, i, 5));
        const char *esc = app__escalated_to(level);
        const char *kind = db_get(r, i, 21);
        int is_advice = strcmp(kind, "advice") == 0;
        json_t *subject =
            json_pack("{s:I,s:s?,s:s?,s:s?,s:s?,s:{s:s,s:s,s:s},s:{s:I,s:s,s:{s:s,s:s}}}", "id",
                      (json_int_t)db_geti(r, i, 9), "status", db_get(r, i, 10), "priority", db_get(r, i, 11),
                      "clock_start", db_get(r, i, 19), is_advice ? "question" : "reason", db_get(r, i, 20), "patient",
                      "nhs_number", db_get(r, i, 12), "given_name", db_get(r, i, 13), "family_name", db_get(r, i, 14),
                      "service", "id", (json_int_t)db_geti(r, i, 15), "name", db_get(r, i, 16), "trust", "code",
                      db_get(r, i, 17), "name", db_get(r, i, 18));
        json_t *task = json_pack(
            "{s:I,s:s,s:s,s:{s:{s:s,s:s},s:o,s:s,s:s},s:s,s:b,s:i,s:o}", "id", (json_int_t)db_geti(r, i, 0), "kind",
            db_get(r, i, 1), "subject", kind, "owner", "organisation", "code", db_get(r, i, 2), "name", db_get(r, i, 3),
            "service", svc, "role", db_get(r, i, 6), "task", db_get(r, i, 1), "due_at", db_get(r, i, 7), "overdue",
            strcmp(db_get(r, i, 7), now) < 0, "escalation_level", level, "escalated_to", app__str_or_null(esc));
        /* The subject under its own name; "referral" and "advice" are always present. */
        json_object_set_new(task, "referral", json_null());
        json_object_set_new(task, "advice", json_null());
        if (!db_isnull(r, i, 22))
            json_object_set_new(subject, "pathway_id", json_integer(db_geti(r, i, 22)));
        if (!db_isnull(r, i, 23)) {
            /* A declined GP action: its letter, its number and the GP's reason. */
            json_object_set_new(subject, "letter_id", json_integer(db_geti(r, i, 9)));
            json_object_set_new(subject, "n", json_integer(db_geti(r, i, 23)));
            json_object_set_new(subject, "decline_reason", app__str_or_null(db_get(r, i, 24)));
        }
        json_object_set_new(task, kind, subject);
        json_array_append_new(list, task);
        rc = app_event(ctx, "read.worklist", kind, db_geti(r, i, 9), db_get(r, i, 12), ctx->user.icb_code, NULL, NULL,
                       NULL);
    }
    db_rows_free(r);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o,s:i,s:i,s:I}", "tasks", list, "page", a->page, "page_size", a->page_size, "total",
                     (json_int_t)total);
    return 0;
}

/*
 * Runs the ownership check (check.c) inside the sweep's transaction and
 * logs every violation it meets: a line on standard error each sweep, and
 * a failsafe.invariant_violation event once a day per violation (the same
 * object and finding).  A check that cannot run is logged and rolled back
 * to its savepoint, so it never stops the escalations.  *out is the list
 * of violations (empty when the check could not run).
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
    char since[SEAM_ISO_LEN], line[1024], oid[32];
    seam_time_format(ctx->now - 86400, since);
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
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
        rc = db_query_int(ctx->db,
                          "SELECT count(*) FROM events WHERE object_type = $1 AND object_id = $2"
                          " AND action = 'failsafe.invariant_violation' AND detail = $3 AND at >= $4",
                          4, p, 0, &seen);
        if (rc)
            rc = app_db_fail(ctx, rc);
        else if (seen == 0)
            rc = app_event(ctx, "failsafe.invariant_violation", kind, id,
                           json_string_value(json_object_get(v, "patient")), NULL, NULL, NULL, detail);
        free(detail);
        if (rc) {
            json_decref(list);
            return rc;
        }
    }
    *out = list;
    return 0;
}

int app_failsafe(app_ctx *ctx, const void *arg, json_t **out)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_rows *r;
    /* A PTL import can take a pathway off the list while a GP's priority
     * review is open: the review ends, with the reason, rather than
     * escalating about a patient who no longer waits. */
    int rc = db_query(ctx->db,
                      "SELECT DISTINCT rv.pathway_id FROM priority_reviews rv JOIN pathways pw ON pw.id = rv.pathway_id"
                      " WHERE rv.status = 'open' AND pw.open = 0",
                      0, NULL, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    for (int i = 0; i < db_nrows(r) && rc == 0; i++)
        rc = app__reviews_withdraw(ctx, db_geti(r, i, 0), "The patient is no longer on the waiting list.");
    db_rows_free(r);
    if (rc)
        return rc;
    db_param p[] = {DBP_TEXT(now)};
    rc = db_query(ctx->db,
                  "SELECT t.id,"
                  " COALESCE(t.referral_id, t.advice_id, t.order_id, t.result_id, t.letter_id, t.follow_up_id,"
                  " t.review_id, t.gp_action_letter_id),"
                  " t.kind, t.owner_org, t.owner_role, t.due_at, t.escalation_level, t.icb_code,"
                  " t.patient_nhs_number, s.trust_code,"
                  " CASE WHEN t.referral_id IS NOT NULL THEN 'referral' WHEN t.advice_id IS NOT NULL THEN 'advice'"
                  " WHEN t.order_id IS NOT NULL THEN 'order' WHEN t.result_id IS NOT NULL THEN 'result'"
                  " WHEN t.letter_id IS NOT NULL THEN 'letter' WHEN t.follow_up_id IS NOT NULL THEN 'follow_up'"
                  " WHEN t.gp_action_letter_id IS NOT NULL THEN 'gp_action'"
                  " ELSE 'priority_review' END, t.gp_action_n"
                  " FROM tasks t JOIN services s ON s.id = t.service_id"
                  " WHERE t.state = 'open' AND t.due_at < $1 ORDER BY t.due_at, t.id",
                  1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        seam_time due;
        if (seam_time_parse(db_get(r, i, 5), &due) != 0)
            continue;
        int from = (int)db_geti(r, i, 6);
        int to = handoff_escalation_level(due, ctx->now);
        if (to <= from)
            continue;
        db_param up[] = {DBP_INT(to), DBP_INT(db_geti(r, i, 0))};
        rc = db_exec(ctx->db, "UPDATE tasks SET escalation_level = $1 WHERE id = $2 AND escalation_level < $1", 2, up);
        if (rc) {
            rc = app_db_fail(ctx, rc);
            break;
        }
        /* Who it now rests with, beyond the owner. */
        const char *to_org = to >= HANDOFF_LEVEL_ICB         ? db_get(r, i, 7)
                             : to >= HANDOFF_LEVEL_INTERFACE ? db_get(r, i, 9)
                                                             : db_get(r, i, 3);
        const char *subject = db_get(r, i, 10);
        json_t *item =
            json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:i,s:i,s:s,s:s}", "task", (json_int_t)db_geti(r, i, 0), "subject",
                      subject, subject, (json_int_t)db_geti(r, i, 1), "kind", db_get(r, i, 2), "owner_org",
                      db_get(r, i, 3), "owner_role", db_get(r, i, 4), "due_at", db_get(r, i, 5), "from", from, "to", to,
                      "escalated_to", handoff_level_name(to), "escalated_to_org", to_org);
        if (!db_isnull(r, i, 11))
            json_object_set_new(item, "n", json_integer(db_geti(r, i, 11)));
        json_t *before = json_pack("{s:i}", "escalation_level", from);
        json_t *after = json_pack("{s:i,s:s,s:s}", "escalation_level", to, "escalated_to", handoff_level_name(to),
                                  "escalated_to_org", to_org);
        char *dt = json_dumps(item, JSON_COMPACT);
        rc = app_event(ctx, "task.escalated", subject, db_geti(r, i, 1), db_get(r, i, 8), db_get(r, i, 7), before,
                       after, dt);
        free(dt);
        json_decref(before);
        json_decref(after);
        json_array_append_new(list, item);
    }
    int checked = db_nrows(r);
    db_rows_free(r);
    json_t *violations = NULL;
    if (rc == 0)
        rc = failsafe_check(ctx, &violations);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:s,s:i,s:o,s:o}", "now", now, "overdue_checked", checked, "escalated", list,
                     "invariant_violations", violations);
    return 0;
}
