/*
 * test_sqlb.c - the bounded SQL builder (src/app/sqlb.h): "$?" numbering,
 * parameters kept in order, a WHERE reused after a SELECT head, and every
 * way past a bound (text, parameters, append) flagged as overflow with the
 * text still terminated inside the buffer, never written past it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/frame/sqlb.h"

#include <stdlib.h>
#include <string.h>

static void test_placeholders_are_numbered_in_order(void **state)
{
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT 1 FROM t WHERE a = $?");
    sqlb_param(&b, DBP_INT(7));
    sqlb_add(&b, " AND (b = $? OR c = $?)"); /* one parameter used twice */
    sqlb_param(&b, DBP_TEXT("x"));
    assert_string_equal(b.sql, "SELECT 1 FROM t WHERE a = $1 AND (b = $2 OR c = $2)");
    assert_int_equal(b.n, 2);
    assert_int_equal(b.len, strlen(b.sql));
    assert_false(b.overflow);
    assert_int_equal(b.p[0].i, 7);
    assert_string_equal(b.p[1].s, "x");
}

static void test_a_lone_dollar_is_left_alone(void **state)
{
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT '$' || $? || '$'");
    assert_string_equal(b.sql, "SELECT '$' || $1 || '$'");
}

static void test_append_keeps_the_where_numbers(void **state)
{
    sqlb w, b;
    sqlb_init(&w);
    sqlb_add(&w, " WHERE a = $?");
    sqlb_param(&w, DBP_INT(1));
    sqlb_add(&w, " AND b = $?");
    sqlb_param(&w, DBP_INT(2));
    sqlb_init(&b);
    sqlb_add(&b, "SELECT count(*) FROM t");
    sqlb_append(&b, &w);
    assert_false(b.overflow);
    assert_string_equal(b.sql, "SELECT count(*) FROM t WHERE a = $1 AND b = $2");
    assert_int_equal(b.n, 2);
    sqlb_add(&b, " LIMIT $?");
    assert_string_equal(b.sql + strlen(b.sql) - 9, " LIMIT $3");
}

static void test_append_after_own_parameters_is_refused(void **state)
{
    sqlb w, b;
    sqlb_init(&w);
    sqlb_add(&w, " WHERE a = $?");
    sqlb_param(&w, DBP_INT(1));
    sqlb_init(&b);
    sqlb_add(&b, "SELECT $?");
    sqlb_param(&b, DBP_INT(9));
    sqlb_append(&b, &w); /* both would be $1 */
    assert_true(b.overflow);
}

static void test_text_past_the_bound_overflows_without_writing_past_it(void **state)
{
    sqlb *b = malloc(sizeof(*b));
    sqlb_init(b);
    char chunk[1001];
    memset(chunk, 'x', 1000);
    chunk[1000] = '\0';
    for (int i = 0; i < SQLB_MAX_SQL / 1000 + 2; i++)
        sqlb_add(b, chunk);
    assert_true(b->overflow);
    assert_true(b->len < SQLB_MAX_SQL);
    assert_int_equal(strlen(b->sql), b->len);
    free(b);
}

static void test_a_placeholder_at_the_bound_overflows(void **state)
{
    sqlb b;
    sqlb_init(&b);
    char fill[SQLB_MAX_SQL];
    memset(fill, 'y', SQLB_MAX_SQL - 3);
    fill[SQLB_MAX_SQL - 3] = '\0'; /* room for two more bytes and the NUL */
    sqlb_add(&b, fill);
    assert_false(b.overflow);
    sqlb_param(&b, DBP_INT(1));
    for (int i = 0; i < 9; i++)
        sqlb_param(&b, DBP_INT(i));
    sqlb_add(&b, "$?"); /* "$11" needs three */
    assert_true(b.overflow);
    assert_int_equal(strlen(b.sql), b.len);
    assert_true(b.len < SQLB_MAX_SQL);
}

static void test_too_many_parameters_overflow(void **state)
{
    sqlb b;
    sqlb_init(&b);
    for (int i = 0; i < SQLB_MAX_PARAMS; i++)
        sqlb_param(&b, DBP_INT(i));
    assert_false(b.overflow);
    assert_int_equal(b.n, SQLB_MAX_PARAMS);
    sqlb_param(&b, DBP_INT(99));
    assert_true(b.overflow);
    assert_int_equal(b.n, SQLB_MAX_PARAMS);
}

static void test_appending_an_overflowed_where_overflows(void **state)
{
    sqlb w, b;
    sqlb_init(&w);
    for (int i = 0; i <= SQLB_MAX_PARAMS; i++)
        sqlb_param(&w, DBP_INT(i));
    sqlb_init(&b);
    sqlb_add(&b, "SELECT 1");
    sqlb_append(&b, &w);
    assert_true(b.overflow);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_placeholders_are_numbered_in_order),
        cmocka_unit_test(test_a_lone_dollar_is_left_alone),
        cmocka_unit_test(test_append_keeps_the_where_numbers),
        cmocka_unit_test(test_append_after_own_parameters_is_refused),
        cmocka_unit_test(test_text_past_the_bound_overflows_without_writing_past_it),
        cmocka_unit_test(test_a_placeholder_at_the_bound_overflows),
        cmocka_unit_test(test_too_many_parameters_overflow),
        cmocka_unit_test(test_appending_an_overflowed_where_overflows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
