/*
 * test_priority.c - unit tests for src/core/priority.c.
 *
 * Intervals are from docs/rtt-rules.md (FSSA guide: P1a 24 hours, P1b 72
 * hours, P2 4 weeks, P3 3 months = 12 weeks, P4 over 3 months; P6 the
 * patient chose to postpone), written out here as dates.
 *
 * Working days (England and Wales):
 *   after Fri 2026-01-09: 1 Mon 12, 2 Tue 13 January.
 *   after Sat 2026-01-10: 1 Mon 12, 2 Tue 13.
 *   after Thu 2026-12-24 (Christmas Fri 25th, substitute Boxing Day Mon
 *   28th): 1 Tue 29, 2 Wed 30 December.
 *   after Thu 2026-04-02 (Good Friday 3rd, Easter Monday 6th): 1 Tue 7,
 *   2 Wed 8 April.
 *   after Mon 2026-03-02: 1 Tue 3, 2 Wed 4 March.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/priority.h"
#include "core/seam_time.h"

static const char *const names[PRIO_COUNT] = {"P1a", "P1b", "P2", "P3", "P4", "P6"};
static const char *const labels[PRIO_COUNT] = {"Within 24 hours", "Within 72 hours",    "Within 4 weeks",
                                               "Within 3 months", "More than 3 months", "Patient chose to postpone"};

static int64_t day(int y, int m, int d)
{
    assert_true(seam_date_valid(y, m, d));
    return seam_days_from_civil(y, m, d);
}

static seam_time at(int y, int m, int d, int hh, int mm)
{
    return day(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

static void assert_instant(seam_time t, seam_time want)
{
    if (t != want) {
        char got[SEAM_ISO_LEN], exp[SEAM_ISO_LEN];
        seam_time_format(t, got);
        seam_time_format(want, exp);
        fail_msg("got %s, expected %s", got, exp);
    }
}

static void test_parse_names(void **state)
{
    for (int p = 0; p < PRIO_COUNT; p++) {
        prio_code got = PRIO_COUNT;
        assert_int_equal(prio_parse(names[p], &got), 0);
        assert_int_equal(got, p);
        assert_string_equal(prio_name((prio_code)p), names[p]);
        assert_string_equal(prio_label((prio_code)p), labels[p]);
    }
}

static void test_parse_case_insensitive(void **state)
{
    const char *in[] = {"p1a", "P1A", "p1B", "p2", "p3", "p4", "p6"};
    const prio_code want[] = {PRIO_P1A, PRIO_P1A, PRIO_P1B, PRIO_P2, PRIO_P3, PRIO_P4, PRIO_P6};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        prio_code got = PRIO_COUNT;
        assert_int_equal(prio_parse(in[i], &got), 0);
        assert_int_equal(got, want[i]);
    }
}

static void test_parse_rejects(void **state)
{
    const char *bad[] = {"", "P1", "P5", "P7", "P0", "1a", "P1c", "P1a ", " P2", "P 2", "P22", "none", "routine"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        prio_code got = PRIO_P4;
        if (prio_parse(bad[i], &got) != -1)
            fail_msg("\"%s\" accepted", bad[i]);
        assert_int_equal(got, PRIO_P4); /* untouched */
    }
    prio_code got;
    assert_int_equal(prio_parse(NULL, &got), -1);
    assert_int_equal(prio_parse("P2", NULL), -1);
    assert_null(prio_name(PRIO_COUNT));
    assert_null(prio_name((prio_code)-1));
    assert_null(prio_label(PRIO_COUNT));
    assert_null(prio_label((prio_code)-1));
}

/* FSSA: P1a 24 hours, P1b 72 hours, P2 4 weeks, P3 3 months (12 weeks);
 * P4 and P6 have no treat-by date. */
static void test_treat_by(void **state)
{
    int64_t set = day(2026, 11, 25);
    assert_int_equal(prio_treat_by(PRIO_P1A, set), day(2026, 11, 26));
    assert_int_equal(prio_treat_by(PRIO_P1B, set), day(2026, 11, 28));
    assert_int_equal(prio_treat_by(PRIO_P2, set), day(2026, 12, 23));
    assert_int_equal(prio_treat_by(PRIO_P3, set), day(2027, 2, 17));
    assert_int_equal(prio_treat_by(PRIO_P4, set), -1);
    assert_int_equal(prio_treat_by(PRIO_P6, set), -1);
    assert_int_equal(prio_treat_by(PRIO_COUNT, set), -1);
    /* Across a leap day: 2028-02-01 + 28 = 2028-02-29. */
    assert_int_equal(prio_treat_by(PRIO_P2, day(2028, 2, 1)), day(2028, 2, 29));
}

/* Reviews: P1a/P1b at treat-by, P2 every 4 weeks, P3, P4 and P6 every 12 weeks. */
static void test_review_day(void **state)
{
    int64_t set = day(2026, 11, 25);
    assert_int_equal(prio_review_day(PRIO_P1A, set), day(2026, 11, 26));
    assert_int_equal(prio_review_day(PRIO_P1B, set), day(2026, 11, 28));
    assert_int_equal(prio_review_day(PRIO_P2, set), day(2026, 12, 23));
    assert_int_equal(prio_review_day(PRIO_P3, set), day(2027, 2, 17));
    assert_int_equal(prio_review_day(PRIO_P4, set), day(2027, 2, 17));
    assert_int_equal(prio_review_day(PRIO_P6, set), day(2027, 2, 17));
    assert_int_equal(prio_review_day(PRIO_COUNT, set), -1);
    assert_int_equal(prio_review_day((prio_code)-1, set), -1);
}

/* Every priority is reviewed, never later than its treat-by date, and
 * more urgent priorities are never reviewed later than less urgent ones. */
static void test_review_invariants(void **state)
{
    int64_t set = day(2026, 1, 1);
    for (int p = 0; p < PRIO_COUNT; p++) {
        int64_t r = prio_review_day((prio_code)p, set);
        assert_true(r > set);
        int64_t t = prio_treat_by((prio_code)p, set);
        if (t != -1)
            assert_true(r <= t);
        if (p > 0)
            assert_true(prio_review_day((prio_code)(p - 1), set) <= r);
    }
}

/* A GP's priority-review request is due in 2 working days, same clock time. */
static void test_review_request_due(void **state)
{
    assert_instant(prio_review_request_due(at(2026, 1, 9, 10, 0)), at(2026, 1, 13, 10, 0));
    assert_instant(prio_review_request_due(at(2026, 1, 10, 15, 30)), at(2026, 1, 13, 15, 30));
    assert_instant(prio_review_request_due(at(2026, 12, 24, 9, 0)), at(2026, 12, 30, 9, 0));
    assert_instant(prio_review_request_due(at(2026, 4, 2, 16, 45)), at(2026, 4, 8, 16, 45));
    assert_instant(prio_review_request_due(at(2026, 3, 2, 8, 0)), at(2026, 3, 4, 8, 0));
}

static void test_review_overdue(void **state)
{
    (void)state;
    int64_t review = day(2026, 3, 2);
    assert_false(prio_review_overdue(1, review, review - 1));
    assert_false(prio_review_overdue(1, review, review)); /* due today: not yet overdue */
    assert_true(prio_review_overdue(1, review, review + 1));
    assert_false(prio_review_overdue(0, review, review + 1)); /* off the list: never */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_names),        cmocka_unit_test(test_parse_case_insensitive),
        cmocka_unit_test(test_parse_rejects),      cmocka_unit_test(test_treat_by),
        cmocka_unit_test(test_review_day),         cmocka_unit_test(test_review_invariants),
        cmocka_unit_test(test_review_request_due), cmocka_unit_test(test_review_overdue),
    };
    return cmocka_run_group_tests_name("core/priority", tests, NULL, NULL);
}
