/*
 * check.c - the invariant that every handoff has exactly one owner, checked
 * against the database (seam check, and the failsafe each minute).
 *
 * The rule is core's table (core/ownership.h): for each entry, one portable
 * SQL text per way the invariant can break, built from the entry's table
 * and column names (static data, never input) with the states and task
 * kinds as parameters.  Each query is one statement, so each violation is
 * judged on one snapshot even while the server writes.
 */
#include "app/app.h"
#include "app/frame/sqlb.h"
#include "common/rc.h"
#include "core/ownership.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends the condition that task t names object x. */
static void add_match(sqlb *b, const ownership_kind *k)
{
    char s[256];
    snprintf(s, sizeof(s), "t.%s = x.%s", k->subject[0], k->key[0]);
    sqlb_add(b, s);
    if (k->subject[1]) {
        snprintf(s, sizeof(s), " AND t.%s = x.%s", k->subject[1], k->key[1]);
        sqlb_add(b, s);
    }
}

/* Appends the condition that t is an open task of entry k: open, naming a
 * subject in k's column, and of k's task kind (or of no kind another entry
 * on that column claims). */
static void add_task_filter(sqlb *b, const ownership_kind *k)
{
    char s[160];
    snprintf(s, sizeof(s), "t.state = 'open' AND t.%s IS NOT NULL", k->subject[0]);
    sqlb_add(b, s);
    if (k->task_kind) {
        sqlb_add(b, " AND t.kind = $?");
        sqlb_param(b, DBP_TEXT(k->task_kind));
        return;
    }
    for (size_t i = 0; i < ownership_count(); i++) {
        const ownership_kind *o = ownership_at(i);
        if (o != k && o->task_kind && strcmp(o->subject[0], k->subject[0]) == 0) {
            sqlb_add(b, " AND t.kind <> $?");
            sqlb_param(b, DBP_TEXT(o->task_kind));
        }
    }
}

/* Appends the condition that object x is in a state that needs an owner
 * (false when no state does). */
static void add_owned(sqlb *b, const ownership_kind *k)
{
    char s[96];
    int n = 0;
    for (int i = 0; k->state(i) != NULL; i++) {
        if (!k->needs_owner(k->state(i)))
            continue;
        if (n++ == 0) {
            snprintf(s, sizeof(s), "x.%s IN ($?", k->state_col);
            sqlb_add(b, s);
        } else {
            sqlb_add(b, ", $?");
        }
        sqlb_param(b, DBP_TEXT(k->state(i)));
    }
    sqlb_add(b, n ? ")" : "1 = 0");
}

/* Appends the object's key columns as two result columns. */
static void add_keys(sqlb *b, const char *alias, const char *const cols[2])
{
    char s[160];
    if (cols[1])
        snprintf(s, sizeof(s), "%s.%s, %s.%s", alias, cols[0], alias, cols[1]);
    else
        snprintf(s, sizeof(s), "%s.%s, NULL", alias, cols[0]);
    sqlb_add(b, s);
}

/* Appends a result column: the state of the object task t names. */
static void add_state_of_subject(sqlb *b, const ownership_kind *k)
{
    char s[160];
    snprintf(s, sizeof(s), "(SELECT x.%s FROM %s x WHERE ", k->state_col, k->table);
    sqlb_add(b, s);
    add_match(b, k);
    snprintf(s, sizeof(s), " ORDER BY x.%s LIMIT 1)", k->state_col);
    sqlb_add(b, s);
}

/* Appends one violation to list: kind, the object's key (named by the
 * entry's key columns), state, patient, task and what is wrong. */
static void violation(json_t *list, const ownership_kind *k, const char *problem, const db_rows *r, int i, int key_col,
                      const char *state, const char *patient, long long task, const char *fmt, ...)
    __attribute__((format(printf, 10, 11)));

static void violation(json_t *list, const ownership_kind *k, const char *problem, const db_rows *r, int i, int key_col,
                      const char *state, const char *patient, long long task, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    json_t *v = json_pack("{s:s,s:s,s:s?,s:s?,s:o,s:s}", "kind", k->kind, "problem", problem, "state", state, "patient",
                          patient, "task", task ? json_integer(task) : json_null(), "message", msg);
    for (int c = 0; c < 2 && k->key[c]; c++)
        json_object_set_new(v, k->key[c],
                            db_isnull(r, i, key_col + c) ? json_null() : json_integer(db_geti(r, i, key_col + c)));
    json_array_append_new(list, v);
}

/* (1) and (2): objects in a state that needs an owner with no open task,
 * or with more than one. */
static int check_owned(app_ctx *ctx, const ownership_kind *k, json_t *list, long long *owned)
{
    char s[400];
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT count(*) FROM ");
    sqlb_add(&b, k->table);
    sqlb_add(&b, " x WHERE ");
    add_owned(&b, k);
    long long n = 0;
    int rc = b.overflow ? SEAM_EINTERNAL : db_query_int(ctx->db, b.sql, b.n, b.p, 0, &n);
    if (rc)
        return app_db_fail(ctx, rc);
    *owned += n;

    sqlb_init(&b);
    sqlb_add(&b, "SELECT * FROM (SELECT ");
    add_keys(&b, "x", k->key);
    if (k->patient_table)
        snprintf(s, sizeof(s), ", x.%s, (SELECT pp.patient_nhs_number FROM %s pp WHERE pp.id = x.%s),", k->state_col,
                 k->patient_table, k->key[0]);
    else
        snprintf(s, sizeof(s), ", x.%s, x.patient_nhs_number,", k->state_col);
    sqlb_add(&b, s);
    sqlb_add(&b, " (SELECT count(*) FROM tasks t WHERE ");
    add_task_filter(&b, k);
    sqlb_add(&b, " AND ");
    add_match(&b, k);
    sqlb_add(&b, ") AS open_n, (SELECT min(t.id) FROM tasks t WHERE ");
    add_task_filter(&b, k);
    sqlb_add(&b, " AND ");
    add_match(&b, k);
    snprintf(s, sizeof(s), ") AS open_task FROM %s x WHERE ", k->table);
    sqlb_add(&b, s);
    add_owned(&b, k);
    snprintf(s, sizeof(s), ") q WHERE q.open_n <> 1 ORDER BY 1, 2");
    sqlb_add(&b, s);
    db_rows *r;
    rc = b.overflow ? SEAM_EINTERNAL : db_query(ctx->db, b.sql, b.n, b.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    for (int i = 0; i < db_nrows(r); i++) {
        long long tasks = db_geti(r, i, 4);
        if (tasks == 0)
            violation(list, k, "no_open_task", r, i, 0, db_get(r, i, 2), db_get(r, i, 3), 0,
                      "is %s, which needs an owner, but has no open task: nobody owns it", db_get(r, i, 2));
        else
            violation(list, k, "several_open_tasks", r, i, 0, db_get(r, i, 2), db_get(r, i, 3), db_geti(r, i, 5),
                      "is %s and has %lld open tasks: more than one owner", db_get(r, i, 2), tasks);
    }
    db_rows_free(r);
    return 0;
}

/* The open tasks of entry k that meet `where` (SQL over t, may use $?
 * parameters added after the call), with columns: task id, subject key
 * (2), task kind, patient, subject state, owner org, owner role, due at,
 * owner org exists. */
static void task_query(sqlb *b, const ownership_kind *k)
{
    sqlb_add(b, "SELECT t.id, ");
    add_keys(b, "t", k->subject);
    sqlb_add(b, ", t.kind, t.patient_nhs_number, ");
    add_state_of_subject(b, k);
    sqlb_add(b, ", t.owner_org, t.owner_role, t.due_at,"
                " (SELECT count(*) FROM organisations o WHERE o.code = t.owner_org) FROM tasks t WHERE ");
    add_task_filter(b, k);
}

/* (3), (4) and the missing subject of (5): open tasks of entry k with no
 * owner or due time, on an object that needs no owner, or on no object. */
static int check_tasks(app_ctx *ctx, const ownership_kind *k, json_t *list)
{
    char s[300];
    sqlb b;
    db_rows *r;
    int rc;

    /* (3) an owner organisation that exists, a role and a due time. */
    sqlb_init(&b);
    task_query(&b, k);
    sqlb_add(&b, " AND (t.owner_org IS NULL OR t.owner_org = '' OR t.owner_role IS NULL OR t.owner_role = ''"
                 " OR t.due_at IS NULL OR t.due_at NOT LIKE '____-__-__T__:__:__%'"
                 " OR NOT EXISTS (SELECT 1 FROM organisations o WHERE o.code = t.owner_org)) ORDER BY t.id");
    rc = b.overflow ? SEAM_EINTERNAL : db_query(ctx->db, b.sql, b.n, b.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    for (int i = 0; i < db_nrows(r); i++) {
        const char *org = db_get(r, i, 6), *role = db_get(r, i, 7), *due = db_get(r, i, 8);
        const char *what = org == NULL || *org == '\0'     ? "no owner organisation"
                           : db_geti(r, i, 9) == 0         ? "an owner organisation that does not exist"
                           : role == NULL || *role == '\0' ? "no owner role"
                                                           : "no valid due time";
        violation(list, k, "task_incomplete", r, i, 1, db_get(r, i, 5), db_get(r, i, 4), db_geti(r, i, 0),
                  "open task %lld (%s) has %s (organisation '%s', role '%s', due '%s')", db_geti(r, i, 0),
                  db_get(r, i, 3), what, org ? org : "", role ? role : "", due ? due : "");
    }
    db_rows_free(r);

    /* (4) the object exists but is in no state that needs an owner. */
    sqlb_init(&b);
    task_query(&b, k);
    snprintf(s, sizeof(s), " AND EXISTS (SELECT 1 FROM %s x WHERE ", k->table);
    sqlb_add(&b, s);
    add_match(&b, k);
    snprintf(s, sizeof(s), ") AND NOT EXISTS (SELECT 1 FROM %s x WHERE ", k->table);
    sqlb_add(&b, s);
    add_match(&b, k);
    sqlb_add(&b, " AND ");
    add_owned(&b, k);
    sqlb_add(&b, ") ORDER BY t.id");
    rc = b.overflow ? SEAM_EINTERNAL : db_query(ctx->db, b.sql, b.n, b.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    for (int i = 0; i < db_nrows(r); i++)
        violation(list, k, "task_on_closed", r, i, 1, db_get(r, i, 5), db_get(r, i, 4), db_geti(r, i, 0),
                  "is %s, which needs no owner, but open task %lld (%s) still holds it", db_get(r, i, 5),
                  db_geti(r, i, 0), db_get(r, i, 3));
    db_rows_free(r);

    /* (5) the subject the task names does not exist. */
    sqlb_init(&b);
    task_query(&b, k);
    snprintf(s, sizeof(s), " AND NOT EXISTS (SELECT 1 FROM %s x WHERE ", k->table);
    sqlb_add(&b, s);
    add_match(&b, k);
    sqlb_add(&b, ") ORDER BY t.id");
    rc = b.overflow ? SEAM_EINTERNAL : db_query(ctx->db, b.sql, b.n, b.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    for (int i = 0; i < db_nrows(r); i++)
        violation(list, k, "task_subject_missing", r, i, 1, NULL, db_get(r, i, 4), db_geti(r, i, 0),
                  "open task %lld (%s) names %s %s, which does not exist", db_geti(r, i, 0), db_get(r, i, 3),
                  k->subject[0], db_get(r, i, 1));
    db_rows_free(r);
    return 0;
}

/* (5) open tasks that name no subject, or more than one: counted over
 * every distinct subject column of the table.  Also counts open tasks. */
static int check_subjects(app_ctx *ctx, json_t *list, long long *open_tasks)
{
    char s[200];
    int rc = db_query_int(ctx->db, "SELECT count(*) FROM tasks WHERE state = 'open'", 0, NULL, 0, open_tasks);
    if (rc)
        return app_db_fail(ctx, rc);
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT * FROM (SELECT t.id, t.kind, t.patient_nhs_number, 0");
    for (size_t i = 0; i < ownership_count(); i++) {
        const ownership_kind *k = ownership_at(i);
        int seen = 0;
        for (size_t j = 0; j < i; j++)
            seen |= strcmp(ownership_at(j)->subject[0], k->subject[0]) == 0;
        if (seen)
            continue;
        snprintf(s, sizeof(s), " + CASE WHEN t.%s IS NOT NULL THEN 1 ELSE 0 END", k->subject[0]);
        sqlb_add(&b, s);
    }
    sqlb_add(&b, " AS n FROM tasks t WHERE t.state = 'open') q WHERE q.n <> 1 ORDER BY q.id");
    db_rows *r;
    rc = b.overflow ? SEAM_EINTERNAL : db_query(ctx->db, b.sql, 0, NULL, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    for (int i = 0; i < db_nrows(r); i++) {
        int none = db_geti(r, i, 3) == 0;
        snprintf(s, sizeof(s), "open task %lld (%s) names %s", db_geti(r, i, 0), db_get(r, i, 1),
                 none ? "no subject" : "more than one subject");
        json_array_append_new(list, json_pack("{s:s,s:s,s:n,s:s?,s:I,s:I,s:s}", "kind", "task", "problem",
                                              none ? "task_no_subject" : "task_several_subjects", "state", "patient",
                                              db_get(r, i, 2), "task", (json_int_t)db_geti(r, i, 0), "id",
                                              (json_int_t)db_geti(r, i, 0), "message", s));
    }
    db_rows_free(r);
    return 0;
}

int app_check(app_ctx *ctx, const void *arg, json_t **out)
{
    (void)arg;
    json_t *list = json_array();
    long long owned = 0, open_tasks = 0;
    int rc = check_subjects(ctx, list, &open_tasks);
    for (size_t i = 0; i < ownership_count() && rc == 0; i++) {
        const ownership_kind *k = ownership_at(i);
        rc = check_owned(ctx, k, list, &owned);
        if (rc == 0)
            rc = check_tasks(ctx, k, list);
    }
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o,s:I,s:I}", "violations", list, "owned", (json_int_t)owned, "open_tasks",
                     (json_int_t)open_tasks);
    return 0;
}

void app_check_describe(const json_t *v, char *buf, size_t len)
{
    const char *kind = json_string_value(json_object_get(v, "kind"));
    const char *state = json_string_value(json_object_get(v, "state"));
    const char *patient = json_string_value(json_object_get(v, "patient"));
    char key[64] = "", what[128];
    const char *k;
    json_t *x;
    /* The object's key in the order the entry names it: id, or letter_id and n. */
    json_object_foreach((json_t *)v, k, x)
    {
        if (!json_is_integer(x) || strcmp(k, "task") == 0)
            continue;
        size_t n = strlen(key);
        if (strcmp(k, "id") == 0)
            snprintf(key + n, sizeof(key) - n, "%s%lld", n ? ", " : "", (long long)json_integer_value(x));
        else
            snprintf(key + n, sizeof(key) - n, "%s%s %lld", n ? ", " : "", k, (long long)json_integer_value(x));
    }
    snprintf(what, sizeof(what), "%s%s%s%s", state ? state : "", state && patient ? ", " : "",
             patient ? "patient " : "", patient ? patient : "");
    snprintf(buf, len, "%s %s%s%s%s: %s: %s", kind ? kind : "?", key, *what ? " (" : "", what, *what ? ")" : "",
             json_string_value(json_object_get(v, "problem")), json_string_value(json_object_get(v, "message")));
}
