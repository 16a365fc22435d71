/*
 * test_store.c - the store's connection settings (src/store/db.c and the
 * SQLite backend) on a temporary file database: bulk-load mode and its
 * end, ANALYZE of one table, the durability switch, and an error message
 * set by a caller.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/rc.h"
#include "store/db.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char path[64];

static void remove_files(void)
{
    char p[80];
    unlink(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
}

static int setup(void **state)
{
    snprintf(path, sizeof(path), "/tmp/seam-test-store-%ld.db", (long)getpid());
    remove_files();
    db *d = NULL;
    char err[200];
    if (db_open(path, &d, err, sizeof(err)) != 0)
        return -1;
    if (db_exec_script(d, "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                          "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id));"
                          "CREATE INDEX child_parent ON child (parent_id);"
                          "INSERT INTO parent VALUES (1), (2);"
                          "INSERT INTO child (parent_id) VALUES (1), (1), (2);") != 0) {
        db_close(d);
        return -1;
    }
    *state = d;
    return 0;
}

static int teardown(void **state)
{
    db_close(*state);
    remove_files();
    return 0;
}

static long long pragma(db *d, const char *sql)
{
    long long v = -999;
    assert_int_equal(db_query_int(d, sql, 0, NULL, -999, &v), 0);
    return v;
}

static void test_bulk_mode_sets_and_restores_the_connection(void **state)
{
    db *d = *state;
    assert_int_equal(pragma(d, "PRAGMA foreign_keys"), 1);
    assert_int_equal(db_bulk_begin(d), 0);
    assert_int_equal(pragma(d, "PRAGMA foreign_keys"), 0);
    assert_int_equal(pragma(d, "PRAGMA cache_size"), -262144);
    assert_int_equal(pragma(d, "PRAGMA temp_store"), 2); /* MEMORY */
    /* A row that references nothing loads while checks are off. */
    assert_int_equal(db_exec(d, "INSERT INTO child (parent_id) VALUES (99)", 0, NULL), 0);
    assert_int_equal(db_bulk_end(d), 0);
    assert_int_equal(pragma(d, "PRAGMA foreign_keys"), 1);
    assert_int_equal(pragma(d, "PRAGMA cache_size"), -2000);
    assert_int_equal(pragma(d, "PRAGMA temp_store"), 0); /* DEFAULT */
    assert_int_equal(db_exec(d, "INSERT INTO child (parent_id) VALUES (98)", 0, NULL), SEAM_ECONFLICT);
}

static void test_bulk_end_without_begin_is_harmless(void **state)
{
    db *d = *state;
    assert_int_equal(db_bulk_end(d), 0);
    assert_int_equal(pragma(d, "PRAGMA foreign_keys"), 1);
    assert_int_equal(pragma(d, "PRAGMA cache_size"), -2000);
}

static void test_analyze_writes_statistics_of_one_table(void **state)
{
    db *d = *state;
    assert_int_equal(db_analyze(d, "child"), 0);
    long long n = 0;
    assert_int_equal(db_query_int(d, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'child'", 0, NULL, 0, &n), 0);
    assert_true(n > 0);
    assert_int_equal(db_query_int(d, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'parent'", 0, NULL, 0, &n), 0);
    assert_int_equal(n, 0);
}

static void test_analyze_refuses_what_is_not_a_plain_name(void **state)
{
    db *d = *state;
    assert_int_equal(db_analyze(d, "child; DROP TABLE parent"), SEAM_EBADREQ);
    assert_non_null(strstr(db_errmsg(d), "not a table name"));
    assert_int_equal(db_analyze(d, ""), SEAM_EBADREQ);
    assert_int_equal(db_analyze(d, NULL), SEAM_EBADREQ);
    assert_true(db_analyze(d, "no_such_table") < 0);
    long long n = 0;
    assert_int_equal(db_query_int(d, "SELECT count(*) FROM parent", 0, NULL, 0, &n), 0);
    assert_int_equal(n, 2);
}

static void test_durability_switch(void **state)
{
    db *d = *state;
    assert_int_equal(pragma(d, "PRAGMA synchronous"), 2); /* FULL, as db_open sets it */
    assert_int_equal(db_set_durable(d, 0), 0);
    assert_int_equal(pragma(d, "PRAGMA synchronous"), 0); /* OFF */
    assert_int_equal(db_set_durable(d, 1), 0);
    assert_int_equal(pragma(d, "PRAGMA synchronous"), 2);
}

static void test_set_error_is_what_errmsg_says(void **state)
{
    db *d = *state;
    db_set_error(d, "no trust %s at this scale (trusts are RA0 to %s)", "RX9", "RA1");
    assert_string_equal(db_errmsg(d), "no trust RX9 at this scale (trusts are RA0 to RA1)");
    char longer[700];
    memset(longer, 'x', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    db_set_error(d, "%s", longer);
    assert_true(strlen(db_errmsg(d)) < sizeof(longer) - 1); /* cut, never overrun */
    assert_true(strlen(db_errmsg(d)) > 400);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bulk_mode_sets_and_restores_the_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_end_without_begin_is_harmless, setup, teardown),
        cmocka_unit_test_setup_teardown(test_analyze_writes_statistics_of_one_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_analyze_refuses_what_is_not_a_plain_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_durability_switch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_error_is_what_errmsg_says, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
