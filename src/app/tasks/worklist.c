/*
 * tasks/worklist.c - the caller's open tasks, most urgent first: whose
 * they are (worklist_filter), one page of them, each as JSON with its
 * subject under its own name, each read audited.
 */
#include "app/frame/frame.h"
#include "app/tasks/tasks_internal.h"
#include "common/rc.h"

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

/* The caller's open tasks: FROM and WHERE, shared by the count and the page. */
static void worklist_where(app_ctx *ctx, sqlb *w)
{
    sqlb_init(w);
    /* A task is about a referral or an advice request: one of r, ad. */
    sqlb_add(w, " FROM tasks t LEFT JOIN referrals r ON r.id = t.referral_id"
                " LEFT JOIN advice_requests ad ON ad.id = t.advice_id"
                " LEFT JOIN priority_reviews rv ON rv.id = t.review_id"
                " LEFT JOIN letter_actions la ON la.letter_id = t.gp_action_letter_id AND la.n = t.gp_action_n"
                " JOIN patients p ON p.nhs_number = t.patient_nhs_number"
                " JOIN services s ON s.id = t.service_id"
                " JOIN organisations tr ON tr.code = s.trust_code"
                " JOIN organisations oo ON oo.code = t.owner_org"
                " LEFT JOIN services tsv ON tsv.id = t.owner_service_id"
                " WHERE t.state = 'open'");
    worklist_filter(ctx, w);
}

/* The page of tasks: overdue first, then most escalated, then earliest
 * due.  Priority is already in the due time: urgent and two-week-wait
 * targets are tighter. */
static void worklist_page(sqlb *q, const sqlb *w, const app_list_args *a, const char *now)
{
    sqlb_init(q);
    sqlb_add(q, "SELECT t.id, t.kind, t.owner_org, oo.name, t.owner_service_id, tsv.name, t.owner_role, t.due_at,"
                " t.escalation_level," TASK_SUBJECT_ID_SQL ","
                " COALESCE(r.status, ad.status, la.status), COALESCE(r.priority, ad.priority), p.nhs_number,"
                " p.given_name, p.family_name, s.id, s.name, s.trust_code, tr.name, r.clock_start,"
                " COALESCE(r.reason, substr(ad.question, 1, 200), substr(rv.reason, 1, 200), substr(la.text, 1, "
                "200))," TASK_SUBJECT_KIND_SQL ", rv.pathway_id, t.gp_action_n, la.decline_reason");
    sqlb_append(q, w);
    sqlb_add(q, " ORDER BY CASE WHEN t.due_at < $? THEN 0 ELSE 1 END, t.escalation_level DESC, t.due_at, t.id");
    sqlb_param(q, DBP_TEXT(now));
    sqlb_add(q, " LIMIT $?");
    sqlb_param(q, DBP_INT(a->page_size));
    sqlb_add(q, " OFFSET $?");
    sqlb_param(q, DBP_INT((long long)(a->page - 1) * a->page_size));
}

/* Row i of the page as a task, its subject under its own name ("referral"
 * and "advice" are always present). */
static json_t *worklist_task(db_rows *r, int i, const char *now)
{
    int level = (int)db_geti(r, i, 8);
    json_t *svc = db_isnull(r, i, 4)
                      ? json_null()
                      : json_pack("{s:I,s:s}", "id", (json_int_t)db_geti(r, i, 4), "name", db_get(r, i, 5));
    const char *kind = db_get(r, i, 21);
    int is_advice = strcmp(kind, "advice") == 0;
    json_t *subject = json_pack("{s:I,s:s?,s:s?,s:s?,s:s?,s:{s:s,s:s,s:s},s:{s:I,s:s,s:{s:s,s:s}}}", "id",
                                (json_int_t)db_geti(r, i, 9), "status", db_get(r, i, 10), "priority", db_get(r, i, 11),
                                "clock_start", db_get(r, i, 19), is_advice ? "question" : "reason", db_get(r, i, 20),
                                "patient", "nhs_number", db_get(r, i, 12), "given_name", db_get(r, i, 13),
                                "family_name", db_get(r, i, 14), "service", "id", (json_int_t)db_geti(r, i, 15), "name",
                                db_get(r, i, 16), "trust", "code", db_get(r, i, 17), "name", db_get(r, i, 18));
    json_t *task =
        json_pack("{s:I,s:s,s:s,s:{s:{s:s,s:s},s:o,s:s,s:s},s:s,s:b,s:i,s:o}", "id", (json_int_t)db_geti(r, i, 0),
                  "kind", db_get(r, i, 1), "subject", kind, "owner", "organisation", "code", db_get(r, i, 2), "name",
                  db_get(r, i, 3), "service", svc, "role", db_get(r, i, 6), "task", db_get(r, i, 1), "due_at",
                  db_get(r, i, 7), "overdue", strcmp(db_get(r, i, 7), now) < 0, "escalation_level", level,
                  "escalated_to", app__str_or_null(app__escalated_to(level)));
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
    return task;
}

int app_worklist(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_list_args *a = arg;
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    sqlb w, q;
    worklist_where(ctx, &w);
    sqlb_init(&q);
    sqlb_add(&q, "SELECT count(*)");
    sqlb_append(&q, &w);
    long long total;
    if (q.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    int rc = db_query_int(ctx->db, q.sql, q.n, q.p, 0, &total);
    if (rc)
        return app_db_fail(ctx, rc);
    worklist_page(&q, &w, a, now);
    if (q.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    db_rows *r;
    if ((rc = db_query(ctx->db, q.sql, q.n, q.p, &r)))
        return app_db_fail(ctx, rc);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        json_array_append_new(list, worklist_task(r, i, now));
        rc = app_event(ctx, "read.worklist", db_get(r, i, 21), db_geti(r, i, 9), db_get(r, i, 12), ctx->user.icb_code,
                       NULL, NULL, NULL);
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
