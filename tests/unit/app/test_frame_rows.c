/*
 * test_frame_rows.c - unit tests for src/app/frame_rows.c on an in-memory
 * SQLite database: a page of a list (total, page, order, one read event a
 * row shown), one visible row or SEAM_ENOTFOUND, and an open task's fields
 * from its row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/frame/frame.h"
#include "common/rc.h"
#include "store/db.h"
#include "store/migrate.h"

#include <stdio.h>
#include <string.h>

typedef struct fixture {
    db *d;
    app_ctx ctx;
} fixture;

static int setup(void **state)
{
    static fixture f;
    memset(&f, 0, sizeof(f));
    char err[256];
    int applied;
    assert_int_equal(db_open(":memory:", &f.d, err, sizeof(err)), 0);
    assert_int_equal(migrate_up(f.d, &applied), 0);
    assert_int_equal(db_exec(f.d, "CREATE TABLE things (id INTEGER PRIMARY KEY, nhs TEXT, name TEXT)", 0, NULL), 0);
    for (int i = 1; i <= 7; i++) {
        char nhs[16], name[16];
        snprintf(nhs, sizeof(nhs), "99900000%02d", i);
        snprintf(name, sizeof(name), "thing %d", i);
        db_param p[] = {DBP_INT(i), DBP_TEXT(nhs), DBP_TEXT(name)};
        assert_int_equal(db_exec(f.d, "INSERT INTO things (id, nhs, name) VALUES ($1, $2, $3)", 3, p), 0);
    }
    f.ctx.db = f.d;
    snprintf(f.ctx.user.username, sizeof(f.ctx.user.username), "tester");
    snprintf(f.ctx.user.role, sizeof(f.ctx.user.role), "admin");
    f.ctx.now = 1767225600; /* 2026-01-01T00:00:00Z */
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    db_close(f->d);
    return 0;
}

static json_t *thing_json(app_ctx *ctx, const db_rows *r, int i)
{
    (void)ctx;
    return json_pack("{s:I,s:s}", "id", (json_int_t)db_geti(r, i, 0), "name", db_get(r, i, 2));
}

static long long events(fixture *f, const char *action)
{
    long long n = -1;
    db_param p[] = {DBP_TEXT(action)};
    assert_int_equal(db_query_int(f->d, "SELECT count(*) FROM events WHERE action = $1", 1, p, 0, &n), 0);
    return n;
}

static void test_list_pages_and_audits(void **state)
{
    fixture *f = *state;
    sqlb w;
    sqlb_init(&w);
    sqlb_add(&w, " FROM things t WHERE t.id > $?");
    sqlb_param(&w, DBP_INT(1)); /* things 2..7: six */
    app_list_query q = {
        " t.id, t.nhs, t.name", &w, " ORDER BY t.id DESC", thing_json, "things", "read.thing_list", "thing", 0, 1};
    app_list_args a = {.page = 2, .page_size = 4};
    json_t *out = NULL;
    assert_int_equal(app__list(&f->ctx, &q, &a, &out), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 6);
    assert_int_equal(json_integer_value(json_object_get(out, "page")), 2);
    assert_int_equal(json_integer_value(json_object_get(out, "page_size")), 4);
    json_t *list = json_object_get(out, "things");
    assert_int_equal(json_array_size(list), 2); /* 3 and 2 */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "id")), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 1), "id")), 2);
    json_decref(out);
    /* One read event per row shown, naming its object and patient. */
    assert_int_equal(events(f, "read.thing_list"), 2);
    long long n = 0;
    assert_int_equal(db_query_int(f->d,
                                  "SELECT count(*) FROM events WHERE action = 'read.thing_list' AND object_type ="
                                  " 'thing' AND ((object_id = '3' AND patient_nhs_number = '9990000003') OR"
                                  " (object_id = '2' AND patient_nhs_number = '9990000002'))",
                                  0, NULL, 0, &n),
                     0);
    assert_int_equal(n, 2);
}

static void test_list_without_audit_and_beyond_the_end(void **state)
{
    fixture *f = *state;
    sqlb w;
    sqlb_init(&w);
    sqlb_add(&w, " FROM things t WHERE 1 = 1");
    app_list_query q = {" t.id, t.nhs, t.name", &w, " ORDER BY t.id", thing_json, "things", NULL, NULL, -1, 1};
    app_list_args a = {.page = 3, .page_size = 5};
    json_t *out = NULL;
    long long before = events(f, "read.thing_list");
    assert_int_equal(app__list(&f->ctx, &q, &a, &out), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 7);
    assert_int_equal(json_array_size(json_object_get(out, "things")), 0);
    json_decref(out);
    assert_int_equal(events(f, "read.thing_list"), before);
}

/* A text-keyed object (id_col -1) is recorded with object id 0. */
static void test_list_text_keyed(void **state)
{
    fixture *f = *state;
    sqlb w;
    sqlb_init(&w);
    sqlb_add(&w, " FROM things t WHERE t.id = 5");
    app_list_query q = {
        " t.id, t.nhs, t.name", &w, " ORDER BY t.id", thing_json, "things", "read.thing_search", "thing", -1, 1};
    app_list_args a = {.page = 1, .page_size = 10};
    json_t *out = NULL;
    assert_int_equal(app__list(&f->ctx, &q, &a, &out), 0);
    json_decref(out);
    long long n = 0;
    assert_int_equal(db_query_int(f->d,
                                  "SELECT count(*) FROM events WHERE action = 'read.thing_search' AND object_id = '0'"
                                  " AND patient_nhs_number = '9990000005'",
                                  0, NULL, 0, &n),
                     0);
    assert_int_equal(n, 1);
}

static void test_list_overflow_is_500(void **state)
{
    fixture *f = *state;
    sqlb w;
    sqlb_init(&w);
    sqlb_add(&w, " FROM things t WHERE 1 = 1");
    w.overflow = 1;
    app_list_query q = {" t.id, t.nhs, t.name", &w, " ORDER BY t.id", thing_json, "things", NULL, NULL, 0, 1};
    app_list_args a = {.page = 1, .page_size = 10};
    json_t *out = NULL;
    assert_int_equal(app__list(&f->ctx, &q, &a, &out), SEAM_EINTERNAL);
    assert_null(out);
    assert_string_equal(f->ctx.err_msg, "Query too long.");
}

static void test_one(void **state)
{
    fixture *f = *state;
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT t.id, t.nhs, t.name FROM things t WHERE t.id = $?");
    sqlb_param(&b, DBP_INT(4));
    json_t *out = NULL;
    assert_int_equal(app__one(&f->ctx, &b, thing_json, &out), 0);
    assert_string_equal(json_string_value(json_object_get(out, "name")), "thing 4");
    json_decref(out);
    /* Absent: SEAM_ENOTFOUND, nothing recorded, *out untouched. */
    f->ctx.err_code[0] = '\0';
    sqlb_init(&b);
    sqlb_add(&b, "SELECT t.id, t.nhs, t.name FROM things t WHERE t.id = $?");
    sqlb_param(&b, DBP_INT(40));
    out = NULL;
    assert_int_equal(app__one(&f->ctx, &b, thing_json, &out), SEAM_ENOTFOUND);
    assert_null(out);
    assert_string_equal(f->ctx.err_code, "");
    /* Overflowed builder: 500. */
    b.overflow = 1;
    assert_int_equal(app__one(&f->ctx, &b, thing_json, &out), SEAM_EINTERNAL);
    assert_null(out);
}

/* A visibility rule that hides things with an even id. */
static void odd_only(app_ctx *ctx, sqlb *b)
{
    (void)ctx;
    sqlb_add(b, " AND t.id % 2 = $?");
    sqlb_param(b, DBP_INT(1));
}

static void test_one_by_id(void **state)
{
    fixture *f = *state;
    json_t *out = NULL;
    assert_int_equal(
        app__one_by_id(&f->ctx, "SELECT t.id, t.nhs, t.name FROM things t", "t.id", 5, odd_only, thing_json, &out), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "id")), 5);
    json_decref(out);
    out = NULL;
    assert_int_equal(
        app__one_by_id(&f->ctx, "SELECT t.id, t.nhs, t.name FROM things t", "t.id", 6, odd_only, thing_json, &out),
        SEAM_ENOTFOUND);
    assert_null(out);
}

static void test_rows(void **state)
{
    fixture *f = *state;
    json_t *out = NULL;
    db_param p[] = {DBP_INT(4)};
    assert_int_equal(
        app__rows(&f->ctx, "SELECT id, nhs, name FROM things WHERE id <= $1 ORDER BY id", 1, p, thing_json, &out), 0);
    assert_int_equal(json_array_size(out), 4);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(out, 3), "id")), 4);
    json_decref(out);
    out = NULL;
    assert_int_equal(app__rows(&f->ctx, "SELECT id, nhs, name FROM things WHERE id > 100", 0, NULL, thing_json, &out),
                     0);
    assert_int_equal(json_array_size(out), 0);
    json_decref(out);
    out = NULL;
    assert_int_not_equal(app__rows(&f->ctx, "SELECT nothing FROM nowhere", 0, NULL, thing_json, &out), 0);
    assert_null(out);
}

static void test_task_fields(void **state)
{
    fixture *f = *state;
    db_rows *r;
    /* APP_TASK_COLUMNS: task id, kind, owner_org, org name, service id,
     * service name, role, due, level; the first row has an open task overdue
     * at level 2, the second none. */
    assert_int_equal(db_query(f->d,
                              "SELECT 41, 'triage', 'RX1', 'Trust One', 7, 'Cardiology', 'triager',"
                              " '2025-12-31T09:00:00Z', 2"
                              " UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL",
                              0, NULL, &r),
                     0);
    json_t *o = json_object();
    app__task_json(&f->ctx, o, r, 0, 0);
    json_t *owner = json_object_get(o, "owner");
    assert_string_equal(json_string_value(json_object_get(owner, "task")), "triage");
    assert_string_equal(json_string_value(json_object_get(owner, "role")), "triager");
    assert_string_equal(json_string_value(json_object_get(json_object_get(owner, "organisation"), "code")), "RX1");
    assert_string_equal(json_string_value(json_object_get(json_object_get(owner, "organisation"), "name")),
                        "Trust One");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(owner, "service"), "id")), 7);
    assert_string_equal(json_string_value(json_object_get(o, "due_at")), "2025-12-31T09:00:00Z");
    assert_true(json_is_true(json_object_get(o, "overdue")));
    assert_int_equal(json_integer_value(json_object_get(o, "escalation_level")), 2);
    assert_true(json_is_string(json_object_get(o, "escalated_to")));
    json_decref(o);

    o = json_object();
    app__task_json(&f->ctx, o, r, 1, 0);
    assert_true(json_is_null(json_object_get(o, "owner")));
    assert_true(json_is_null(json_object_get(o, "due_at")));
    assert_true(json_is_false(json_object_get(o, "overdue")));
    assert_int_equal(json_integer_value(json_object_get(o, "escalation_level")), 0);
    assert_true(json_is_null(json_object_get(o, "escalated_to")));
    json_decref(o);
    db_rows_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_pages_and_audits),
        cmocka_unit_test(test_list_without_audit_and_beyond_the_end),
        cmocka_unit_test(test_list_text_keyed),
        cmocka_unit_test(test_list_overflow_is_500),
        cmocka_unit_test(test_one),
        cmocka_unit_test(test_one_by_id),
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_task_fields),
    };
    return cmocka_run_group_tests_name("app/frame_rows", tests, setup, teardown);
}
