/*
 * frame/task.c - moving a subject's open task: close it, open the next.
 */
#include "app/frame/frame.h"
#include "common/rc.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/handoff.h"

int app__task_move(app_ctx *ctx, const char *subject_col, long long subject_id, const handoff_rule *rule,
                   const char *org, long long service_id, seam_time due, const char *icb, json_t *snapshot)
{
    static const char *const subjects[] = {"referral_id", "advice_id",    "order_id", "result_id",
                                           "letter_id",   "follow_up_id", "review_id"};
    const char *col = NULL;
    for (size_t i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++)
        if (strcmp(subjects[i], subject_col) == 0)
            col = subjects[i];
    assert(col != NULL);
    if (col == NULL)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Unknown task subject %s.", subject_col);
    char now[SEAM_ISO_LEN], due_s[SEAM_ISO_LEN], sql[512];
    seam_time_format(ctx->now, now);
    snprintf(sql, sizeof(sql),
             "UPDATE tasks SET state = 'done', closed_at = $1, closed_by = $2 WHERE %s = $3 AND state = 'open'", col);
    db_param close_p[] = {DBP_TEXT(now), DBP_TEXT(ctx->user.username), DBP_INT(subject_id)};
    int rc = db_exec(ctx->db, sql, 3, close_p);
    if (rc)
        return app_db_fail(ctx, rc);
    if (rule == NULL) {
        if (snapshot) {
            json_object_set_new(snapshot, "owner", json_null());
            json_object_set_new(snapshot, "due_at", json_null());
        }
        return 0;
    }
    seam_time_format(due, due_s);
    /* The task also carries the patient and service it concerns, read from
     * its subject, so worklists need not know every kind of subject. */
    static const struct {
        const char *col, *table;
    } src[] = {{"referral_id", "referrals"},     {"advice_id", "advice_requests"}, {"order_id", "result_orders"},
               {"result_id", "results"},         {"letter_id", "letters"},         {"follow_up_id", "follow_ups"},
               {"review_id", "priority_reviews"}};
    const char *table = NULL;
    for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++)
        if (strcmp(src[i].col, col) == 0)
            table = src[i].table;
    snprintf(sql, sizeof(sql),
             "INSERT INTO tasks (icb_code, %s, kind, owner_org, owner_service_id, owner_role, due_at, created_at,"
             " patient_nhs_number, service_id)"
             " SELECT $1, $2, $3, $4, CAST($5 AS INTEGER), $6, $7, $8, x.patient_nhs_number, x.service_id FROM %s x"
             " WHERE x.id = $2",
             col, table);
    db_param p[] = {DBP_TEXT(icb),
                    DBP_INT(subject_id),
                    DBP_TEXT(rule->task_kind),
                    DBP_TEXT(org),
                    rule->side == HANDOFF_PRACTICE ? DBP_NULL : DBP_INT(service_id),
                    DBP_TEXT(rule->role),
                    DBP_TEXT(due_s),
                    DBP_TEXT(now)};
    rc = db_exec(ctx->db, sql, 8, p);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_changes(ctx->db) != 1)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "The task's subject %s %lld does not exist.", col, subject_id);
    if (snapshot) {
        json_object_set_new(snapshot, "owner",
                            json_pack("{s:s,s:o,s:s,s:s}", "organisation", org, "service",
                                      rule->side == HANDOFF_PRACTICE ? json_null() : json_integer(service_id), "role",
                                      rule->role, "task", rule->task_kind));
        json_object_set_new(snapshot, "due_at", json_string(due_s));
    }
    return 0;
}

const char *app__escalated_to(int level)
{
    return level <= 0 ? NULL : handoff_level_name(level);
}

/* The empty task fields: no open task. */
static void task_none(json_t *o)
{
    json_object_set_new(o, "owner", json_null());
    json_object_set_new(o, "due_at", json_null());
    json_object_set_new(o, "overdue", json_false());
    json_object_set_new(o, "escalation_level", json_integer(0));
    json_object_set_new(o, "escalated_to", json_null());
}

void app__task_json(const app_ctx *ctx, json_t *o, const db_rows *r, int i, int c)
{
    /* c: t.id, kind, owner_org, org name, owner_service_id, service name, owner_role, due_at, escalation_level */
    if (db_isnull(r, i, c)) {
        task_none(o);
        return;
    }
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    json_t *svc = db_isnull(r, i, c + 4)
                      ? json_null()
                      : json_pack("{s:I,s:s}", "id", (json_int_t)db_geti(r, i, c + 4), "name", db_get(r, i, c + 5));
    json_object_set_new(o, "owner",
                        json_pack("{s:{s:s,s:s},s:o,s:s,s:s}", "organisation", "code", db_get(r, i, c + 2), "name",
                                  db_get(r, i, c + 3), "service", svc, "role", db_get(r, i, c + 6), "task",
                                  db_get(r, i, c + 1)));
    json_object_set_new(o, "due_at", json_string(db_get(r, i, c + 7)));
    json_object_set_new(o, "overdue", json_boolean(strcmp(db_get(r, i, c + 7), now) < 0));
    int level = (int)db_geti(r, i, c + 8);
    json_object_set_new(o, "escalation_level", json_integer(level));
    json_object_set_new(o, "escalated_to", app__str_or_null(app__escalated_to(level)));
}

int app__task_fields_where(app_ctx *ctx, json_t *o, const char *where, int n, const db_param *p)
{
    char sql[512];
    int w = snprintf(sql, sizeof(sql),
                     "SELECT" APP_TASK_COLUMNS " FROM tasks t" APP_TASK_OWNER_JOINS " WHERE %s AND t.state = 'open'",
                     where);
    if (w < 0 || (size_t)w >= sizeof(sql)) {
        task_none(o);
        return SEAM_EINTERNAL;
    }
    db_rows *r = NULL;
    int rc = db_query(ctx->db, sql, n, p, &r);
    if (rc != 0 || db_nrows(r) == 0)
        task_none(o);
    else
        app__task_json(ctx, o, r, 0, 0);
    db_rows_free(r);
    return rc;
}

void app__task_fields(app_ctx *ctx, json_t *o, const char *col, long long id)
{
    char where[64];
    snprintf(where, sizeof(where), "t.%s = $1", col);
    db_param p[] = {DBP_INT(id)};
    (void)app__task_fields_where(ctx, o, where, 1, p);
}
