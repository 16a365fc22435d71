/*
 * test_waits.c - unit tests for src/core/waits.c: the RTT thresholds as
 * cut-offs, the summary of a list counted by days, and the estimated wait
 * (window, the 20-stop minimum, nearest-rank centiles).
 *
 * Day numbers: census 20000 is 2024-10-04; 20000 - 126 = 19874 is exactly
 * 18 weeks before it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/waits.h"

#define CENSUS 20000

static void test_thresholds(void **state)
{
    (void)state;
    assert_int_equal(WAITS_STANDARD_WEEKS, 18);
    assert_int_equal(WAITS_LONG_WEEKS, 52);
    static const int want[] = {18, 52, 65, 78, 104};
    for (int k = 0; k < WAITS_N_BREACH; k++)
        assert_int_equal(waits_breach_weeks[k], want[k]);
}

static void test_days_over(void **state)
{
    (void)state;
    assert_false(waits_days_over(0, 18));
    assert_false(waits_days_over(126, 18)); /* exactly 18 weeks is not over */
    assert_true(waits_days_over(127, 18));
    assert_false(waits_days_over(364, 52));
    assert_true(waits_days_over(365, 52));
    assert_true(waits_days_over(1, 0));
    assert_false(waits_days_over(0, 0));
}

static void test_over_cutoff(void **state)
{
    (void)state;
    int64_t cut = waits_over_start_before(CENSUS, 18);
    assert_int_equal(cut, CENSUS - 126);
    /* started exactly 18 weeks ago: not over; a day earlier: over */
    assert_false(CENSUS - 126 < cut);
    assert_true(CENSUS - 127 < cut);
    /* the cut-off agrees with the test on days */
    for (int64_t s = CENSUS - 400; s <= CENSUS; s++) {
        assert_int_equal(s < waits_over_start_before(CENSUS, 18), waits_days_over(CENSUS - s, 18));
        assert_int_equal(s < waits_over_start_before(CENSUS, 52), waits_days_over(CENSUS - s, 52));
    }
}

static void test_at_least_cutoff(void **state)
{
    (void)state;
    int64_t by = waits_at_least_start_by(CENSUS, 18);
    assert_int_equal(by, CENSUS - 126);
    assert_true(CENSUS - 126 <= by);  /* 18 whole weeks: in */
    assert_false(CENSUS - 125 <= by); /* 17 weeks 6 days: out */
    assert_int_equal(waits_at_least_start_by(CENSUS, 0), CENSUS);
}

static void test_summarise_empty(void **state)
{
    (void)state;
    long long n[200] = {0};
    waits_summary s;
    waits_summarise(n, 200, &s);
    assert_int_equal(s.waiting, 0);
    assert_int_equal(s.over_standard, 0);
    assert_int_equal(s.over_long, 0);
    assert_int_equal(s.median_days, -1);
}

static void test_summarise_edges(void **state)
{
    (void)state;
    long long n[400] = {0};
    n[126] = 3; /* exactly 18 weeks: not over */
    n[127] = 2;
    n[364] = 1; /* exactly 52 weeks: over 18, not over 52 */
    n[365] = 1;
    n[399] = 1; /* the last bucket counts like any other */
    waits_summary s;
    waits_summarise(n, 400, &s);
    assert_int_equal(s.waiting, 8);
    assert_int_equal(s.over_standard, 5);
    assert_int_equal(s.over_long, 2);
    /* 8 waits: the lower median is the 4th smallest, 127 days */
    assert_int_equal(s.median_days, 127);
}

static void test_summarise_lower_median(void **state)
{
    (void)state;
    long long n[10] = {0};
    n[2] = 1;
    waits_summary s;
    waits_summarise(n, 10, &s);
    assert_int_equal(s.median_days, 2);
    n[8] = 1; /* two waits: the lower one */
    waits_summarise(n, 10, &s);
    assert_int_equal(s.median_days, 2);
    n[9] = 1; /* three: the middle one */
    waits_summarise(n, 10, &s);
    assert_int_equal(s.median_days, 8);
}

static void test_estimate_window(void **state)
{
    (void)state;
    assert_int_equal(WAITS_ESTIMATE_WEEKS, 26);
    assert_int_equal(waits_estimate_from(CENSUS), CENSUS - 182);
}

static void test_centile_nearest_rank(void **state)
{
    (void)state;
    double v[25];
    for (int i = 0; i < 25; i++)
        v[i] = i + 1;
    /* 20 values: the 50th is the 10th, the 92nd the ceil(18.4) = 19th */
    assert_true(waits_centile(v, 20, 50) == 10);
    assert_true(waits_centile(v, 20, 92) == 19);
    /* 25 values: the 50th is the ceil(12.5) = 13th, the 92nd the 23rd */
    assert_true(waits_centile(v, 25, 50) == 13);
    assert_true(waits_centile(v, 25, 92) == 23);
    /* one value is every centile; the 0th is the smallest */
    assert_true(waits_centile(v, 1, 50) == 1);
    assert_true(waits_centile(v, 25, 0) == 1);
    assert_true(waits_centile(v, 25, 100) == 25);
}

static void test_estimate_19_stops_is_not_enough(void **state)
{
    (void)state;
    double stops[19], now[3] = {30, 10, 20};
    for (int i = 0; i < 19; i++)
        stops[i] = 100 - i;
    waits_estimate e;
    waits_estimate_of(stops, 19, now, 3, &e);
    assert_false(e.enough);
    /* those waiting now have a median whatever the stops */
    assert_true(e.any_waiting);
    assert_true(e.median_waiting_days == 20);
}

static void test_estimate_20_stops(void **state)
{
    (void)state;
    double stops[20];
    for (int i = 0; i < 20; i++)
        stops[i] = 7 * (20 - i); /* unsorted: 140, 133, ... 7 */
    waits_estimate e;
    waits_estimate_of(stops, 20, NULL, 0, &e);
    assert_int_equal(WAITS_ESTIMATE_MIN_STOPS, 20);
    assert_true(e.enough);
    assert_true(e.median_days == 70); /* the 10th smallest */
    assert_true(e.p92_days == 133);   /* the 19th */
    assert_false(e.any_waiting);
    /* sorted in place */
    for (int i = 1; i < 20; i++)
        assert_true(stops[i - 1] <= stops[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thresholds),
        cmocka_unit_test(test_days_over),
        cmocka_unit_test(test_over_cutoff),
        cmocka_unit_test(test_at_least_cutoff),
        cmocka_unit_test(test_summarise_empty),
        cmocka_unit_test(test_summarise_edges),
        cmocka_unit_test(test_summarise_lower_median),
        cmocka_unit_test(test_estimate_window),
        cmocka_unit_test(test_centile_nearest_rank),
        cmocka_unit_test(test_estimate_19_stops_is_not_enough),
        cmocka_unit_test(test_estimate_20_stops),
    };
    return cmocka_run_group_tests_name("core/waits", tests, NULL, NULL);
}
