/*
 * test_db_scan.c - db_scan streams rows to a callback (src/store), on an
 * in-memory SQLite database: every row once, typed cells, NULLs, early
 * stop, parameters, and a bad query reported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/rc.h"
#include "store/db.h"

#include <string.h>

typedef struct seen {
    long long n, sum, nulls;
    char last[32];
    long long stop_after;
} seen;

static int collect(void *arg, const db_cursor *c)
{
    seen *s = arg;
    s->n++;
    if (db_cur_isnull(c, 0)) {
        s->nulls++;
        assert_null(db_cur_text(c, 0));
        assert_int_equal(db_cur_int(c, 0), 0);
    } else {
        s->sum += db_cur_int(c, 0);
    }
    const char *t = db_cur_text(c, 1);
    if (t)
        strncpy(s->last, t, sizeof(s->last) - 1);
    return s->stop_after && s->n >= s->stop_after ? 42 : 0;
}

static db *open_filled(void)
{
    db *d = NULL;
    char err[200];
    assert_int_equal(db_open(":memory:", &d, err, sizeof(err)), 0);
    assert_int_equal(db_exec_script(d, "CREATE TABLE t (v INTEGER, s TEXT);"
                                       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
                                       " INSERT INTO t SELECT i, 'row ' || i FROM n;"
                                       "INSERT INTO t VALUES (NULL, 'no value');"),
                     0);
    return d;
}

static void test_every_row_once_with_typed_cells(void **state)
{
    db *d = open_filled();
    seen s = {0};
    assert_int_equal(db_scan(d, "SELECT v, s FROM t ORDER BY rowid", 0, NULL, collect, &s), 0);
    assert_int_equal(s.n, 1001);
    assert_int_equal(s.sum, 1000 * 1001 / 2);
    assert_int_equal(s.nulls, 1);
    assert_string_equal(s.last, "no value");
    db_close(d);
}

static void test_parameters_bind(void **state)
{
    db *d = open_filled();
    seen s = {0};
    db_param p[] = {DBP_INT(10), DBP_TEXT("row 5")};
    assert_int_equal(db_scan(d, "SELECT v, s FROM t WHERE v <= $1 AND s <> $2", 2, p, collect, &s), 0);
    assert_int_equal(s.n, 9);
    assert_int_equal(s.sum, 55 - 5);
    db_close(d);
}

static void test_callback_stops_the_scan(void **state)
{
    db *d = open_filled();
    seen s = {.stop_after = 3};
    assert_int_equal(db_scan(d, "SELECT v, s FROM t ORDER BY v", 0, NULL, collect, &s), 42);
    assert_int_equal(s.n, 3);
    /* The statement was released: the connection still works. */
    long long n;
    assert_int_equal(db_query_int(d, "SELECT count(*) FROM t", 0, NULL, 0, &n), 0);
    assert_int_equal(n, 1001);
    db_close(d);
}

static void test_bad_query_is_an_error(void **state)
{
    db *d = open_filled();
    seen s = {0};
    assert_true(db_scan(d, "SELECT nope FROM t", 0, NULL, collect, &s) < 0);
    assert_int_equal(s.n, 0);
    db_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_once_with_typed_cells),
        cmocka_unit_test(test_parameters_bind),
        cmocka_unit_test(test_callback_stops_the_scan),
        cmocka_unit_test(test_bad_query_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
