/*
 * test_frame.c - the request frame (src/app/frame/) on a real, migrated,
 * in-memory SQLite database: app_run commits a use case's changes with its
 * events or rolls every one of them back; an Idempotency-Key replays the
 * stored answer of the same request without running it again and refuses
 * the same key for a different request; the body readers answer 422 for a
 * missing or too long field (naming it) and 400 for a wrong type; the
 * shared pieces (load one visible or 404, paging, the guarded change, the
 * task fields, the subject of an object) behave as frame.h says.
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
    int calls; /* how many times a use case body ran */
} fixture;

static fixture the;

static int setup(void **state)
{
    fixture *f = &the;
    memset(f, 0, sizeof(*f));
    char err[200];
    int applied = 0;
    assert_int_equal(db_open(":memory:", &f->d, err, sizeof(err)), 0);
    assert_int_equal(migrate_up(f->d, &applied), 0);
    assert_int_equal(db_exec_script(f->d, "INSERT INTO organisations (code, name, kind, icb_code)"
                                          " VALUES ('QXX', 'ICB', 'icb', 'QXX');"),
                     0);
    f->ctx.db = f->d;
    snprintf(f->ctx.user.username, sizeof(f->ctx.user.username), "clinician.test");
    snprintf(f->ctx.user.role, sizeof(f->ctx.user.role), "admin");
    snprintf(f->ctx.user.icb_code, sizeof(f->ctx.user.icb_code), "QXX");
    assert_int_equal(seam_time_parse("2026-12-02T10:00:00Z", &f->ctx.now), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    db_close(f->d);
    return 0;
}

static long long count(db *d, const char *sql)
{
    long long n = -1;
    assert_int_equal(db_query_int(d, sql, 0, NULL, -1, &n), 0);
    return n;
}

/* A use case that adds a trust and an event; arg non-NULL makes it fail
 * afterwards with that sentence. */
static int add_trust(app_ctx *ctx, const void *arg, json_t **out)
{
    fixture *f = &the;
    f->calls++;
    int rc = db_exec_script(ctx->db, "INSERT INTO organisations (code, name, kind, icb_code)"
                                     " VALUES ('RZA', 'Northgate', 'trust', 'QXX');");
    if (rc)
        return app_db_fail(ctx, rc);
    if ((rc = app_event(ctx, "organisation.created", "organisation", 1, NULL, "QXX", NULL, NULL, NULL)))
        return rc;
    if (arg)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "name", "%s", (const char *)arg);
    ctx->status = 201;
    *out = json_pack("{s:s,s:i}", "code", "RZA", "call", f->calls);
    return 0;
}

static void test_run_commits_on_success(void **state)
{
    fixture *f = *state;
    json_t *out = NULL;
    assert_int_equal(app_run(&f->ctx, add_trust, NULL, &out), 0);
    assert_non_null(out);
    assert_int_equal(f->ctx.status, 201);
    assert_int_equal(f->ctx.replayed, 0);
    assert_int_equal(count(f->d, "SELECT count(*) FROM organisations WHERE code = 'RZA'"), 1);
    assert_int_equal(count(f->d, "SELECT count(*) FROM events WHERE action = 'organisation.created'"), 1);
    json_decref(out);
}

static void test_run_rolls_back_everything_on_failure(void **state)
{
    fixture *f = *state;
    json_t *out = NULL;
    assert_int_equal(app_run(&f->ctx, add_trust, "Enter a name.", &out), SEAM_EINVALID);
    assert_null(out);
    assert_string_equal(f->ctx.err_code, "invalid_value");
    assert_string_equal(f->ctx.err_field, "name");
    assert_string_equal(f->ctx.err_msg, "Enter a name.");
    /* Neither the row nor its event survived. */
    assert_int_equal(count(f->d, "SELECT count(*) FROM organisations WHERE code = 'RZA'"), 0);
    assert_int_equal(count(f->d, "SELECT count(*) FROM events"), 0);
    /* The next request starts clean. */
    assert_int_equal(app_run(&f->ctx, add_trust, NULL, &out), 0);
    assert_string_equal(f->ctx.err_code, "");
    json_decref(out);
}

static void test_idempotency_replays_the_stored_answer(void **state)
{
    fixture *f = *state;
    json_t *first = NULL, *again = NULL;
    f->ctx.idem_key = "key-1";
    f->ctx.request_hash = "hash-1";
    assert_int_equal(app_run(&f->ctx, add_trust, NULL, &first), 0);
    assert_int_equal(f->calls, 1);
    assert_int_equal(f->ctx.replayed, 0);
    assert_int_equal(count(f->d, "SELECT count(*) FROM idempotency WHERE idem_key = 'key-1'"), 1);
    f->ctx.status = 0;
    assert_int_equal(app_run(&f->ctx, add_trust, NULL, &again), 0);
    assert_int_equal(f->calls, 1); /* not run again */
    assert_int_equal(f->ctx.replayed, 1);
    assert_int_equal(f->ctx.status, 201); /* the stored status */
    assert_true(json_equal(first, again));
    assert_int_equal(count(f->d, "SELECT count(*) FROM organisations WHERE code = 'RZA'"), 1);
    json_decref(first);
    json_decref(again);
}

static void test_idempotency_key_reused_for_another_request_is_409(void **state)
{
    fixture *f = *state;
    json_t *out = NULL;
    f->ctx.idem_key = "key-2";
    f->ctx.request_hash = "hash-a";
    assert_int_equal(app_run(&f->ctx, add_trust, NULL, &out), 0);
    json_decref(out);
    out = NULL;
    f->ctx.request_hash = "hash-b";
    assert_int_equal(app_run(&f->ctx, add_trust, NULL, &out), SEAM_ECONFLICT);
    assert_null(out);
    assert_string_equal(f->ctx.err_code, "idempotency_key_conflict");
    assert_int_equal(f->calls, 1);
    /* Another user's same key is theirs: it runs. */
    snprintf(f->ctx.user.username, sizeof(f->ctx.user.username), "someone.else");
    assert_int_equal(db_exec_script(f->d, "DELETE FROM organisations WHERE code = 'RZA';"), 0);
    assert_int_equal(app_run(&f->ctx, add_trust, NULL, &out), 0);
    assert_int_equal(f->calls, 2);
    assert_int_equal(f->ctx.replayed, 0);
    json_decref(out);
}

static void test_idempotency_stores_no_failure(void **state)
{
    fixture *f = *state;
    json_t *out = NULL;
    f->ctx.idem_key = "key-3";
    f->ctx.request_hash = "hash-3";
    assert_int_equal(app_run(&f->ctx, add_trust, "Enter a name.", &out), SEAM_EINVALID);
    assert_int_equal(count(f->d, "SELECT count(*) FROM idempotency"), 0);
    /* A retry of the failed request runs. */
    assert_int_equal(app_run(&f->ctx, add_trust, NULL, &out), 0);
    assert_int_equal(f->calls, 2);
    assert_int_equal(f->ctx.replayed, 0);
    json_decref(out);
}

static void test_body_text(void **state)
{
    fixture *f = *state;
    app_ctx *ctx = &f->ctx;
    json_t *body = json_pack("{s:s,s:i,s:s,s:s}", "reason", "Chest pain", "count", 3, "blank", " \t\n", "name",
                             "\xc3\xa9\xc3\xa9\xc3\xa9"); /* three characters, six bytes */
    const char *s = "x";
    assert_int_equal(app__body_str(ctx, body, "reason", 1, 100, &s), 0);
    assert_string_equal(s, "Chest pain");
    /* Missing and required: 422 naming the field, with its prompt. */
    assert_int_equal(app__body_str(ctx, body, "priority", 1, 10, &s), SEAM_EINVALID);
    assert_null(s);
    assert_string_equal(ctx->err_code, "missing_field");
    assert_string_equal(ctx->err_field, "priority");
    assert_string_equal(ctx->err_msg, "Select a priority.");
    assert_int_equal(app__body_text(ctx, body, "other", "Enter the other thing", 1, 10, &s), SEAM_EINVALID);
    assert_string_equal(ctx->err_msg, "Enter the other thing.");
    assert_int_equal(app__body_str(ctx, body, "unprompted", 1, 10, &s), SEAM_EINVALID);
    assert_string_equal(ctx->err_msg, "unprompted is required.");
    /* Missing and optional: NULL. Blank is missing. */
    assert_int_equal(app__body_str(ctx, body, "other", 0, 10, &s), 0);
    assert_null(s);
    assert_int_equal(app__body_str(ctx, body, "blank", 0, 10, &s), 0);
    assert_null(s);
    assert_int_equal(app__body_str(ctx, body, "blank", 1, 10, &s), SEAM_EINVALID);
    assert_string_equal(ctx->err_field, "blank");
    /* Wrong type: 400. */
    assert_int_equal(app__body_str(ctx, body, "count", 1, 10, &s), SEAM_EBADREQ);
    assert_string_equal(ctx->err_code, "bad_request");
    assert_string_equal(ctx->err_field, "count");
    /* Too long: 422, counted in characters, not bytes. */
    assert_int_equal(app__body_str(ctx, body, "reason", 1, 9, &s), SEAM_EINVALID);
    assert_string_equal(ctx->err_code, "field_too_long");
    assert_string_equal(ctx->err_field, "reason");
    assert_int_equal(app__body_str(ctx, body, "reason", 1, 10, &s), 0);
    assert_int_equal(app__body_str(ctx, body, "name", 1, 3, &s), 0);
    assert_int_equal(app__body_str(ctx, body, "name", 1, 2, &s), SEAM_EINVALID);
    /* No body at all is a body without the field. */
    assert_int_equal(app__body_str(ctx, NULL, "reason", 0, 10, &s), 0);
    assert_null(s);
    json_decref(body);
}

static void test_body_int_and_bool(void **state)
{
    fixture *f = *state;
    app_ctx *ctx = &f->ctx;
    json_t *body = json_pack("{s:I,s:s,s:b,s:i,s:n}", "id", (json_int_t)12345678901LL, "text", "12", "flag", 1, "num",
                             1, "nothing");
    long long v = 0;
    int b = 0, present = 1;
    assert_int_equal(app__body_int(ctx, body, "id", 1, &v, &present), 0);
    assert_int_equal(v, 12345678901LL);
    assert_true(present);
    assert_int_equal(app__body_int(ctx, body, "text", 1, &v, &present), SEAM_EBADREQ);
    assert_string_equal(ctx->err_field, "text");
    assert_int_equal(app__body_int(ctx, body, "nothing", 0, &v, &present), 0);
    assert_false(present);
    assert_int_equal(app__body_int(ctx, body, "missing", 1, &v, &present), SEAM_EINVALID);
    assert_string_equal(ctx->err_code, "missing_field");
    assert_int_equal(app__body_bool(ctx, body, "flag", 1, &b, &present), 0);
    assert_true(b);
    assert_true(present);
    assert_int_equal(app__body_bool(ctx, body, "num", 1, &b, &present), SEAM_EBADREQ); /* 1 is not true */
    assert_int_equal(app__body_bool(ctx, body, "missing", 1, &b, &present), SEAM_EINVALID);
    assert_string_equal(ctx->err_msg, "Answer missing: true or false.");
    assert_int_equal(app__body_bool(ctx, body, "missing", 0, &b, &present), 0);
    assert_false(present);
    json_decref(body);
}

static void test_load_one_is_visible_or_404(void **state)
{
    fixture *f = *state;
    sqlb b;
    db_rows *r = (db_rows *)1;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT code, name FROM organisations WHERE code = $?");
    sqlb_param(&b, DBP_TEXT("QXX"));
    assert_int_equal(app__load_one(&f->ctx, &b, &r, "No organisation %s is visible to you.", "QXX"), 0);
    assert_non_null(r);
    assert_string_equal(db_get(r, 0, 1), "ICB");
    db_rows_free(r);
    b.p[0] = DBP_TEXT("NOPE");
    assert_int_equal(app__load_one(&f->ctx, &b, &r, "No letter %lld is visible to you.", 12LL), SEAM_ENOTFOUND);
    assert_null(r);
    assert_string_equal(f->ctx.err_code, "not_found");
    assert_string_equal(f->ctx.err_msg, "No letter 12 is visible to you.");
    b.overflow = 1;
    assert_int_equal(app__load_one(&f->ctx, &b, &r, "No letter %lld is visible to you.", 12LL), SEAM_EINTERNAL);
    assert_null(r);
}

static void test_paging(void **state)
{
    fixture *f = *state;
    sqlb w, q;
    sqlb_init(&w);
    sqlb_add(&w, " FROM organisations WHERE icb_code = $?");
    sqlb_param(&w, DBP_TEXT("QXX"));
    long long total = -1;
    assert_int_equal(app__page_count(&f->ctx, "SELECT count(*)", &w, &total), 0);
    assert_int_equal(total, 1);
    sqlb_init(&q);
    sqlb_add(&q, "SELECT code");
    sqlb_append(&q, &w);
    app__page_limit(&q, 3, 25);
    assert_string_equal(q.sql, "SELECT code FROM organisations WHERE icb_code = $1 LIMIT $2 OFFSET $3");
    assert_int_equal(q.n, 3);
    assert_int_equal(q.p[1].i, 25);
    assert_int_equal(q.p[2].i, 50);
    json_t *out = NULL;
    assert_int_equal(app__page_reply(0, json_array(), "items", 3, 25, -1, &out), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "page")), 3);
    assert_int_equal(json_integer_value(json_object_get(out, "page_size")), 25);
    assert_null(json_object_get(out, "total"));
    assert_true(json_is_array(json_object_get(out, "items")));
    json_decref(out);
    out = NULL;
    assert_int_equal(app__page_reply(0, json_array(), "items", 1, 10, 7, &out), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 7);
    json_decref(out);
    out = NULL;
    assert_int_equal(app__page_reply(SEAM_EIO, json_array(), "items", 1, 10, 7, &out), SEAM_EIO); /* list freed */
    assert_null(out);
}

static void test_change_is_guarded_by_version(void **state)
{
    fixture *f = *state;
    assert_int_equal(
        db_exec_script(f->d,
                       "INSERT INTO organisations (code, name, kind, icb_code)"
                       " VALUES ('RZA', 'Northgate', 'trust', 'QXX'), ('A81001', 'Riverside', 'practice', 'QXX');"
                       "INSERT INTO services (id, trust_code, name, specialty, treatment_function_code)"
                       " VALUES (7, 'RZA', 'Cardiology', 'Cardiology', '320');"
                       "INSERT INTO patients (nhs_number, icb_code, given_name, family_name, birth_date, sex,"
                       " practice_code) VALUES ('9990001219', 'QXX', 'Daniel', 'ALI', '1970-01-01', 'male',"
                       " 'A81001');"
                       "INSERT INTO letters (id, icb_code, kind, status, patient_nhs_number, service_id, event_at,"
                       " due_at, created_at) VALUES (31, 'QXX', 'clinic', 'due', '9990001219', 7,"
                       " '2026-11-02T09:00:00Z', '2026-11-11T09:00:00Z', '2026-11-02T09:00:00Z');"),
        0);
    long long v = count(f->d, "SELECT version FROM letters WHERE id = 31");
    sqlb b;
    app__change_begin(&b, "letters");
    app__change_set(&b, "author", DBP_TEXT("clinician.test"));
    app__change_set(&b, "diagnosis", DBP_TEXT("Angina"));
    assert_int_equal(app__change_end(&f->ctx, &b, 31, v, " AND status = 'due'", "Letter %d changed; reload.", 31), 0);
    assert_string_equal(b.sql, "UPDATE letters SET version = version + 1, author = $1, diagnosis = $2"
                               " WHERE id = $3 AND version = $4 AND status = 'due'");
    assert_int_equal(count(f->d, "SELECT version FROM letters WHERE id = 31"), v + 1);
    /* The version it was loaded at is stale now. */
    app__change_begin(&b, "letters");
    app__change_set(&b, "diagnosis", DBP_TEXT("Not angina"));
    assert_int_equal(app__change_end(&f->ctx, &b, 31, v, NULL, "Letter %d changed; reload.", 31), SEAM_ECONFLICT);
    assert_string_equal(f->ctx.err_code, "stale_version");
    assert_string_equal(f->ctx.err_msg, "Letter 31 changed; reload.");
    /* Without a version only the guard decides. */
    app__change_begin(&b, "letters");
    app__change_set(&b, "status", DBP_TEXT("sent"));
    assert_int_equal(app__change_end(&f->ctx, &b, 31, -1, " AND status = 'due'", "gone"), 0);
    app__change_begin(&b, "letters");
    app__change_set(&b, "status", DBP_TEXT("sent"));
    assert_int_equal(app__change_end(&f->ctx, &b, 31, -1, " AND status = 'due'", "gone"), SEAM_ECONFLICT);
    /* The body's version, when given, must be the current one. */
    json_t *body = json_pack("{s:i}", "version", 1);
    assert_int_equal(app__version_or_fail(&f->ctx, body, 1, "Letter", 31), 0);
    assert_int_equal(app__version_or_fail(&f->ctx, body, 2, "Letter", 31), SEAM_ECONFLICT);
    assert_string_equal(f->ctx.err_field, "version");
    assert_int_equal(app__version_or_fail(&f->ctx, NULL, 2, "Letter", 31), 0);
    json_decref(body);
    /* No open task: the empty task fields. */
    json_t *o = json_object();
    app__task_fields(&f->ctx, o, "letter_id", 31);
    assert_true(json_is_null(json_object_get(o, "owner")));
    assert_true(json_is_null(json_object_get(o, "due_at")));
    assert_true(json_is_false(json_object_get(o, "overdue")));
    assert_int_equal(json_integer_value(json_object_get(o, "escalation_level")), 0);
    assert_true(json_is_null(json_object_get(o, "escalated_to")));
    /* An open task: its owner, due time and escalation. */
    assert_int_equal(db_exec_script(f->d, "INSERT INTO tasks (icb_code, letter_id, kind, owner_org, owner_service_id,"
                                          " owner_role, due_at, created_at, escalation_level) VALUES ('QXX', 31,"
                                          " 'clinic_letter', 'RZA', 7, 'clinician', '2026-11-11T09:00:00Z',"
                                          " '2026-11-02T09:00:00Z', 2);"),
                     0);
    app__task_fields(&f->ctx, o, "letter_id", 31);
    json_t *owner = json_object_get(o, "owner");
    assert_string_equal(json_string_value(json_object_get(json_object_get(owner, "organisation"), "name")),
                        "Northgate");
    assert_string_equal(json_string_value(json_object_get(json_object_get(owner, "service"), "name")), "Cardiology");
    assert_string_equal(json_string_value(json_object_get(owner, "role")), "clinician");
    assert_string_equal(json_string_value(json_object_get(owner, "task")), "clinic_letter");
    assert_string_equal(json_string_value(json_object_get(o, "due_at")), "2026-11-11T09:00:00Z");
    assert_true(json_is_true(json_object_get(o, "overdue")));
    assert_int_equal(json_integer_value(json_object_get(o, "escalation_level")), 2);
    assert_string_equal(json_string_value(json_object_get(o, "escalated_to")), "interface_lead");
    json_decref(o);
}

static void test_subject_of(void **state)
{
    json_t *o = json_pack("{s:I,s:i,s:s,s:s,s:{s:s,s:{s:s}},s:{s:i,s:{s:s}}}", "id", (json_int_t)31, "version", 4,
                          "status", "due", "icb_code", "QXX", "patient", "nhs_number", "9990001219", "practice", "code",
                          "A81001", "service", "id", 7, "trust", "code", "RZA");
    app_subject s;
    app__subject_of(o, &s);
    assert_int_equal(s.id, 31);
    assert_int_equal(s.version, 4);
    assert_string_equal(s.status, "due");
    assert_string_equal(s.nhs, "9990001219");
    assert_string_equal(s.practice, "A81001");
    assert_string_equal(s.trust, "RZA");
    assert_int_equal(s.service_id, 7);
    assert_string_equal(s.icb, "QXX");
    json_decref(o);
    /* An object without them reads as empty, never as a crash. */
    json_t *empty = json_object();
    app__subject_of(empty, &s);
    assert_null(s.nhs);
    assert_string_equal(s.icb, "");
    json_decref(empty);
}

/* An organisation as an object with a patient-less JSON, for the list
 * and get helpers. */
static json_t *org_row(app_ctx *ctx, const db_rows *r, int i)
{
    return json_pack("{s:s,s:s}", "code", db_get(r, i, 0), "name", db_get(r, i, 1));
}

static int org_load(app_ctx *ctx, long long id, json_t **out)
{
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT code, name FROM organisations WHERE rowid = $?");
    sqlb_param(&b, DBP_INT(id));
    db_rows *r;
    int rc = app__load_one(ctx, &b, &r, "No organisation %lld is visible to you.", id);
    if (rc)
        return rc;
    *out = org_row(ctx, r, 0);
    db_rows_free(r);
    return 0;
}

static void test_lists_and_gets_record_their_reads(void **state)
{
    fixture *f = *state;
    assert_int_equal(db_exec_script(f->d, "INSERT INTO organisations (code, name, kind, icb_code)"
                                          " VALUES ('RZA', 'Northgate', 'trust', 'QXX');"),
                     0);
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT code, name, rowid FROM organisations ORDER BY code");
    json_t *list = json_array();
    /* One row JSON and one read event per row, with the action given. */
    assert_int_equal(app__list_rows(&f->ctx, &b, org_row, "read.organisation_list", "organisation", 2, 1, list), 0);
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "code")), "QXX");
    assert_int_equal(count(f->d, "SELECT count(*) FROM events WHERE action = 'read.organisation_list'"), 2);
    json_decref(list);
    /* A list of loaded objects: "read.<type>_list" for each. */
    sqlb_init(&b);
    sqlb_add(&b, "SELECT rowid FROM organisations ORDER BY code");
    list = json_array();
    assert_int_equal(app__list_loaded(&f->ctx, &b, org_load, "org", list), 0);
    assert_int_equal(json_array_size(list), 2);
    assert_int_equal(count(f->d, "SELECT count(*) FROM events WHERE action = 'read.org_list'"), 2);
    json_decref(list);
    /* A get: the object and "read.<type>"; a missing one is a 404 and no event. */
    json_t *o = NULL;
    assert_int_equal(app__get_one(&f->ctx, org_load, "org", 1, &o), 0);
    assert_non_null(o);
    assert_int_equal(count(f->d, "SELECT count(*) FROM events WHERE action = 'read.org'"), 1);
    json_decref(o);
    assert_int_equal(app__get_one(&f->ctx, org_load, "org", 99, &o), SEAM_ENOTFOUND);
    assert_null(o);
    assert_string_equal(f->ctx.err_msg, "No organisation 99 is visible to you.");
    assert_int_equal(count(f->d, "SELECT count(*) FROM events WHERE action = 'read.org'"), 1);
    /* An overflowed query is refused before it runs. */
    b.overflow = 1;
    list = json_array();
    assert_int_equal(app__list_rows(&f->ctx, &b, org_row, "read.x", "x", 0, 0, list), SEAM_EINTERNAL);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
}

static void test_event_json_stores_detail_before_and_after(void **state)
{
    fixture *f = *state;
    assert_int_equal(app_event_json(&f->ctx, "thing.moved", "thing", 5, "9990001219", "QXX",
                                    json_pack("{s:s}", "status", "a"), json_pack("{s:s}", "status", "b"),
                                    json_pack("{s:s}", "reason", "because")),
                     0);
    db_rows *r;
    assert_int_equal(db_query(f->d,
                              "SELECT object_id, patient_nhs_number, before_json, after_json, detail, actor FROM events"
                              " WHERE action = 'thing.moved'",
                              0, NULL, &r),
                     0);
    assert_int_equal(db_nrows(r), 1);
    assert_string_equal(db_get(r, 0, 0), "5");
    assert_string_equal(db_get(r, 0, 1), "9990001219");
    assert_string_equal(db_get(r, 0, 2), "{\"status\":\"a\"}");
    assert_string_equal(db_get(r, 0, 3), "{\"status\":\"b\"}");
    assert_string_equal(db_get(r, 0, 4), "{\"reason\":\"because\"}");
    assert_string_equal(db_get(r, 0, 5), "clinician.test");
    db_rows_free(r);
    /* All three may be absent. */
    assert_int_equal(app_event_json(&f->ctx, "thing.seen", "thing", 5, NULL, NULL, NULL, NULL, NULL), 0);
    assert_int_equal(app_event_listed(&f->ctx, "thing", 5, NULL), 0);
    assert_int_equal(count(f->d, "SELECT count(*) FROM events WHERE action = 'read.thing_list'"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_run_commits_on_success, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_rolls_back_everything_on_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idempotency_replays_the_stored_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idempotency_key_reused_for_another_request_is_409, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idempotency_stores_no_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_int_and_bool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_one_is_visible_or_404, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_change_is_guarded_by_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lists_and_gets_record_their_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_json_stores_detail_before_and_after, setup, teardown),
        cmocka_unit_test(test_subject_of),
    };
    return cmocka_run_group_tests_name("app/frame", tests, NULL, NULL);
}
