/*
 * test_scope.c - unit tests for src/core/scope.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/scope.h"

static void test_service_bound_roles(void **state)
{
    (void)state;
    assert_true(scope_role_is_service_bound("triager"));
    assert_true(scope_role_is_service_bound("clinician"));
    const char *others[] = {"booking", "interface_lead", "gp", "practice_admin", "icb_analyst", "patient",
                            "admin",   "system",         "",   "Clinician"};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        assert_false(scope_role_is_service_bound(others[i]));
    assert_false(scope_role_is_service_bound(NULL));
}

static void test_empty_set(void **state)
{
    (void)state;
    scope_set s;
    memset(&s, 0, sizeof(s));
    assert_false(scope_has(&s, 1));
    assert_false(scope_has(NULL, 1));
    /* A triager or clinician with no membership works in no service. */
    assert_false(scope_allows("clinician", &s, 1));
    assert_false(scope_allows("triager", &s, 7));
    /* Trust-wide roles are never bound by the set. */
    assert_true(scope_allows("booking", &s, 7));
    assert_true(scope_allows("interface_lead", &s, 7));
    assert_true(scope_allows("admin", &s, 7));
}

static void test_add_sorted_unique(void **state)
{
    (void)state;
    scope_set s;
    memset(&s, 0, sizeof(s));
    assert_int_equal(scope_add(&s, 9), 0);
    assert_int_equal(scope_add(&s, 3), 0);
    assert_int_equal(scope_add(&s, 5), 0);
    assert_int_equal(scope_add(&s, 3), 0); /* already there */
    assert_int_equal(s.n, 3);
    assert_int_equal(s.ids[0], 3);
    assert_int_equal(s.ids[1], 5);
    assert_int_equal(s.ids[2], 9);
    assert_true(scope_has(&s, 3));
    assert_true(scope_has(&s, 5));
    assert_true(scope_has(&s, 9));
    assert_false(scope_has(&s, 4));
    assert_false(scope_has(&s, 10));
    assert_true(scope_allows("clinician", &s, 5));
    assert_false(scope_allows("clinician", &s, 6));
}

static void test_bad_ids(void **state)
{
    (void)state;
    scope_set s;
    memset(&s, 0, sizeof(s));
    assert_int_equal(scope_add(&s, 0), -1);
    assert_int_equal(scope_add(&s, -4), -1);
    assert_int_equal(s.n, 0);
    assert_int_equal(scope_add(&s, 1), 0);
    /* An object with no service (0) is never in anyone's services. */
    assert_false(scope_has(&s, 0));
    assert_false(scope_allows("triager", &s, 0));
}

static void test_bounded(void **state)
{
    (void)state;
    scope_set s;
    memset(&s, 0, sizeof(s));
    for (long long i = SCOPE_MAX_SERVICES; i >= 1; i--)
        assert_int_equal(scope_add(&s, i * 10), 0);
    assert_int_equal(s.n, SCOPE_MAX_SERVICES);
    /* Full: one more is refused and the set is unchanged. */
    assert_int_equal(scope_add(&s, 5), -1);
    assert_int_equal(s.n, SCOPE_MAX_SERVICES);
    assert_false(scope_has(&s, 5));
    /* Adding one already there still succeeds. */
    assert_int_equal(scope_add(&s, 10), 0);
    for (int i = 0; i < SCOPE_MAX_SERVICES; i++) {
        assert_int_equal(s.ids[i], (long long)(i + 1) * 10);
        assert_true(scope_has(&s, (long long)(i + 1) * 10));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_service_bound_roles),
        cmocka_unit_test(test_empty_set),
        cmocka_unit_test(test_add_sorted_unique),
        cmocka_unit_test(test_bad_ids),
        cmocka_unit_test(test_bounded),
    };
    return cmocka_run_group_tests_name("core/scope", tests, NULL, NULL);
}
