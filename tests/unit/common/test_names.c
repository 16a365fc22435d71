/*
 * test_names.c - the one lookup for name tables (src/common/names.c):
 * names to values and back, rows keyed by their first member, and -1 or
 * NULL for what is not there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/names.h"

static const char *const colours[] = {"red", "green", "blue"};
static const names_table colour_names = NAMES_TABLE(colours);

static void test_names_and_values(void **state)
{
    assert_int_equal(names_find(&colour_names, "red"), 0);
    assert_int_equal(names_find(&colour_names, "blue"), 2);
    assert_int_equal(names_find(&colour_names, "Blue"), -1);
    assert_int_equal(names_find(&colour_names, "bluer"), -1);
    assert_int_equal(names_find(&colour_names, ""), -1);
    assert_int_equal(names_find(&colour_names, NULL), -1);
    assert_string_equal(names_of(&colour_names, 1), "green");
    assert_null(names_of(&colour_names, 3));
    assert_null(names_of(&colour_names, -1));
    for (int v = 0; v < 3; v++)
        assert_int_equal(names_find(&colour_names, names_of(&colour_names, v)), v);
}

static void test_rows_keyed_by_their_first_member(void **state)
{
    static const struct {
        const char *name;
        int weight;
        const char *help;
    } rows[] = {{"serve", 1, "a"}, {"migrate", 2, "b"}, {"gen", 3, "c"}};
    assert_int_equal(names_find_row(rows, 3, sizeof(rows[0]), "migrate"), 1);
    assert_int_equal(names_find_row(rows, 3, sizeof(rows[0]), "gen"), 2);
    assert_int_equal(names_find_row(rows, 3, sizeof(rows[0]), "b"), -1); /* only the first member */
    assert_int_equal(names_find_row(rows, 2, sizeof(rows[0]), "gen"), -1);
    assert_int_equal(names_find_row(rows, 3, sizeof(rows[0]), NULL), -1);
    assert_int_equal(names_find_row(rows, 0, sizeof(rows[0]), "serve"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_values),
        cmocka_unit_test(test_rows_keyed_by_their_first_member),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
