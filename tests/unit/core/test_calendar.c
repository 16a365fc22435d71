/*
 * test_calendar.c - unit tests for src/core/calendar.c.
 *
 * Dates are England and Wales bank holidays as published on GOV.UK
 * (https://www.gov.uk/bank-holidays), checked by hand against a calendar.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/calendar.h"

extern const short cal__holidays[][3];
extern const int cal__holiday_count;

/* The instant y-m-d hh:mm:ss UTC. */
static seam_time at(int y, int m, int d, int hh, int mm, int ss)
{
    assert_true(seam_date_valid(y, m, d));
    return seam_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

static int64_t day_of(int y, int m, int d)
{
    return seam_days_from_civil(y, m, d);
}

/* Asserts that t is y-m-d at the given clock time, with a readable message. */
static void assert_instant(seam_time t, int y, int m, int d, int hh, int mm, int ss)
{
    seam_time want = at(y, m, d, hh, mm, ss);
    if (t != want) {
        char got[SEAM_ISO_LEN], exp[SEAM_ISO_LEN];
        seam_time_format(t, got);
        seam_time_format(want, exp);
        fail_msg("got %s, expected %s", got, exp);
    }
}

static void test_known_bank_holidays(void **state)
{
    static const int days[][3] = {
        {2026, 12, 25}, {2026, 12, 28}, /* Christmas; Boxing Day substitute */
        {2022, 9, 19},                  /* State Funeral of Queen Elizabeth II */
        {2023, 5, 8},                   /* Coronation of King Charles III */
        {2020, 5, 8},                   /* VE day (early May moved) */
        {2022, 6, 2},   {2022, 6, 3},   /* Platinum Jubilee */
        {2026, 4, 3},   {2026, 4, 6},   /* Good Friday, Easter Monday */
        {2020, 1, 1},   {2030, 12, 26}, /* first and last rows */
        {2021, 12, 27}, {2021, 12, 28}, /* both substitutes */
    };
    for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
        if (!cal_is_bank_holiday(days[i][0], days[i][1], days[i][2]))
            fail_msg("%d-%02d-%02d should be a bank holiday", days[i][0], days[i][1], days[i][2]);
        assert_false(cal_is_working_day(day_of(days[i][0], days[i][1], days[i][2])));
    }
}

static void test_not_bank_holidays(void **state)
{
    static const int days[][3] = {
        {2026, 12, 24}, {2026, 12, 26},               /* Boxing Day itself is a Saturday */
        {2026, 12, 29}, {2022, 9, 20},  {2020, 5, 4}, /* 2020's early May moved to 8th */
        {2023, 5, 9},   {2026, 4, 2},   {2026, 4, 7}, {2019, 12, 25}, {2031, 12, 25}, /* outside the data */
        {2020, 1, 2},   {2030, 12, 27},
    };
    for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++)
        if (cal_is_bank_holiday(days[i][0], days[i][1], days[i][2]))
            fail_msg("%d-%02d-%02d should not be a bank holiday", days[i][0], days[i][1], days[i][2]);
}

static void test_weekends_are_not_working_days(void **state)
{
    assert_false(cal_is_working_day(day_of(2026, 1, 10)));  /* Sat */
    assert_false(cal_is_working_day(day_of(2026, 1, 11)));  /* Sun */
    assert_true(cal_is_working_day(day_of(2026, 1, 9)));    /* Fri */
    assert_true(cal_is_working_day(day_of(2026, 1, 12)));   /* Mon */
    assert_false(cal_is_working_day(day_of(2026, 12, 26))); /* Sat, Boxing Day */
    assert_true(cal_is_working_day(day_of(2026, 12, 29)));
    /* Outside the data only weekends count. */
    assert_true(cal_is_working_day(day_of(2031, 12, 25)));  /* Thu */
    assert_false(cal_is_working_day(day_of(2031, 12, 27))); /* Sat */
    assert_true(cal_is_working_day(day_of(1970, 1, 1)));    /* Thu */
    assert_false(cal_is_working_day(day_of(1969, 12, 28))); /* Sun, negative day */
    /* A whole week: exactly five working days when no holiday falls in it. */
    int n = 0;
    for (int64_t d = day_of(2026, 2, 2); d < day_of(2026, 2, 9); d++)
        n += cal_is_working_day(d);
    assert_int_equal(n, 5);
}

static void test_year_coverage(void **state)
{
    for (int y = 2020; y <= 2030; y++)
        assert_true(cal_year_covered(y));
    assert_false(cal_year_covered(2019));
    assert_false(cal_year_covered(2031));
    assert_false(cal_year_covered(0));
    assert_false(cal_year_covered(-2026));
}

static void test_holiday_count(void **state)
{
    assert_int_equal(cal_holiday_count(), 91);
}

/* The generated table must be sorted (binary search relies on it), hold
 * real dates, and every observed holiday falls on a weekday. */
static void test_holiday_table_is_sorted_and_valid(void **state)
{
    int per_year[2031 - 2020] = {0};

    for (int i = 0; i < cal__holiday_count; i++) {
        const short *h = cal__holidays[i];
        assert_true(seam_date_valid(h[0], h[1], h[2]));
        assert_true(seam_weekday(seam_days_from_civil(h[0], h[1], h[2])) < 5);
        assert_in_range(h[0], 2020, 2030);
        per_year[h[0] - 2020]++;
        if (i > 0)
            assert_true(seam_days_from_civil(h[0], h[1], h[2]) > seam_days_from_civil(cal__holidays[i - 1][0],
                                                                                      cal__holidays[i - 1][1],
                                                                                      cal__holidays[i - 1][2]));
        /* Every row is found by the search. */
        assert_true(cal_is_bank_holiday(h[0], h[1], h[2]));
    }
    /* At least the usual eight in every covered year. */
    for (int y = 0; y < 2031 - 2020; y++)
        assert_true(per_year[y] >= 8);
    assert_int_equal(per_year[2022 - 2020], 10); /* jubilee x2, funeral, no 2nd May move */
    assert_int_equal(per_year[2023 - 2020], 9);  /* coronation */
}

static void test_add_across_easter(void **state)
{
    /* Thu 2026-04-02 + 1 skips Good Friday, the weekend and Easter Monday. */
    assert_instant(cal_add_working_days(at(2026, 4, 2, 10, 0, 0), 1), 2026, 4, 7, 10, 0, 0);
    assert_instant(cal_add_working_days(at(2026, 4, 2, 10, 0, 0), 2), 2026, 4, 8, 10, 0, 0);
    /* 2027: Good Friday 26 March, Easter Monday 29 March. */
    assert_instant(cal_add_working_days(at(2027, 3, 25, 9, 0, 0), 1), 2027, 3, 30, 9, 0, 0);
}

static void test_add_across_christmas(void **state)
{
    seam_time eve = at(2026, 12, 24, 16, 45, 30);
    assert_instant(cal_add_working_days(eve, 1), 2026, 12, 29, 16, 45, 30);
    assert_instant(cal_add_working_days(eve, 3), 2026, 12, 31, 16, 45, 30);
    assert_instant(cal_add_working_days(eve, 4), 2027, 1, 4, 16, 45, 30); /* New Year Fri */
    assert_instant(cal_add_working_days(eve, 5), 2027, 1, 5, 16, 45, 30);
}

static void test_add_friday_plus_one_is_monday(void **state)
{
    assert_instant(cal_add_working_days(at(2026, 1, 9, 10, 0, 0), 1), 2026, 1, 12, 10, 0, 0);
    /* ... or Tuesday when Monday is a bank holiday (spring bank holiday). */
    assert_instant(cal_add_working_days(at(2026, 5, 22, 10, 0, 0), 1), 2026, 5, 26, 10, 0, 0);
    /* ... the State Funeral Monday. */
    assert_instant(cal_add_working_days(at(2022, 9, 16, 8, 0, 0), 1), 2022, 9, 20, 8, 0, 0);
    /* Mon + 5 is the next Monday. */
    assert_instant(cal_add_working_days(at(2026, 1, 5, 12, 0, 0), 5), 2026, 1, 12, 12, 0, 0);
}

static void test_add_zero(void **state)
{
    /* On a working day: t itself, to the second. */
    seam_time t = at(2026, 1, 7, 13, 14, 15);
    assert_int_equal(cal_add_working_days(t, 0), t);
    /* On a weekend: same clock time on the next working day. */
    assert_instant(cal_add_working_days(at(2026, 1, 10, 23, 59, 59), 0), 2026, 1, 12, 23, 59, 59);
    assert_instant(cal_add_working_days(at(2026, 1, 11, 0, 0, 0), 0), 2026, 1, 12, 0, 0, 0);
    /* Saturday of Easter: Sunday and Easter Monday are skipped too. */
    assert_instant(cal_add_working_days(at(2026, 4, 4, 15, 30, 0), 0), 2026, 4, 7, 15, 30, 0);
    /* On a bank holiday. */
    assert_instant(cal_add_working_days(at(2026, 12, 25, 9, 0, 0), 0), 2026, 12, 29, 9, 0, 0);
}

static void test_add_from_weekend(void **state)
{
    /* n counts working days after t's date: Saturday + 1 is Monday. */
    assert_instant(cal_add_working_days(at(2026, 1, 10, 10, 0, 0), 1), 2026, 1, 12, 10, 0, 0);
    assert_instant(cal_add_working_days(at(2026, 1, 10, 10, 0, 0), 2), 2026, 1, 13, 10, 0, 0);
    assert_instant(cal_add_working_days(at(2026, 1, 11, 10, 0, 0), 1), 2026, 1, 12, 10, 0, 0);
}

static void test_add_outside_coverage(void **state)
{
    /* 2031 has no data: Christmas Day (Thu) counts as a working day. */
    assert_instant(cal_add_working_days(at(2031, 12, 24, 10, 0, 0), 1), 2031, 12, 25, 10, 0, 0);
    /* Before 1970 (negative instants) weekends still apply. */
    assert_instant(cal_add_working_days(at(1969, 12, 26, 6, 0, 0), 1), 1969, 12, 29, 6, 0, 0);
}

static void test_between_cases(void **state)
{
    seam_time fri = at(2026, 1, 9, 10, 0, 0);
    assert_int_equal(cal_working_days_between(fri, at(2026, 1, 13, 10, 0, 0)), 2); /* Tue */
    assert_int_equal(cal_working_days_between(fri, fri), 0);
    assert_int_equal(cal_working_days_between(fri, at(2026, 1, 9, 23, 59, 59)), 0);
    assert_int_equal(cal_working_days_between(fri, at(2026, 1, 10, 10, 0, 0)), 0); /* Sat */
    assert_int_equal(cal_working_days_between(fri, at(2026, 1, 11, 23, 0, 0)), 0); /* Sun */
    assert_int_equal(cal_working_days_between(fri, at(2026, 1, 12, 0, 0, 1)), 1);  /* Mon */
    /* Only the dates count, not the clock times. */
    assert_int_equal(cal_working_days_between(at(2026, 1, 9, 23, 0, 0), at(2026, 1, 12, 0, 1, 0)), 1);
    /* b before a. */
    assert_int_equal(cal_working_days_between(at(2026, 1, 13, 10, 0, 0), fri), 0);
    assert_int_equal(cal_working_days_between(at(2027, 1, 1, 0, 0, 0), at(2026, 1, 1, 0, 0, 0)), 0);
    /* Across Christmas and New Year: 29, 30, 31 Dec, 4 Jan. */
    assert_int_equal(cal_working_days_between(at(2026, 12, 24, 12, 0, 0), at(2027, 1, 4, 12, 0, 0)), 4);
    /* Across Easter 2026: only Tue 7 April. */
    assert_int_equal(cal_working_days_between(at(2026, 4, 2, 9, 0, 0), at(2026, 4, 7, 9, 0, 0)), 1);
    /* Whole year 2026: 261 weekdays less 8 bank holidays. */
    assert_int_equal(cal_working_days_between(at(2025, 12, 31, 0, 0, 0), at(2026, 12, 31, 0, 0, 0)), 253);
    /* Whole year 2022 (ten holidays): 260 weekdays less 10. */
    assert_int_equal(cal_working_days_between(at(2021, 12, 31, 0, 0, 0), at(2022, 12, 31, 0, 0, 0)), 250);
    /* Negative day numbers: Fri 1969-12-26 to Fri 1970-01-02 is five. */
    assert_int_equal(cal_working_days_between(at(1969, 12, 26, 0, 0, 0), at(1970, 1, 2, 0, 0, 0)), 5);
}

/* The arithmetic count agrees with counting cal_is_working_day day by day. */
static void test_between_matches_day_by_day(void **state)
{
    int64_t lo = day_of(2019, 12, 1), hi = day_of(2031, 2, 1);

    for (int64_t a = lo; a < hi; a += 13) {
        int count = 0;
        for (int64_t b = a; b < a + 60 && b < hi; b++) {
            if (b > a && cal_is_working_day(b))
                count++;
            assert_int_equal(cal_working_days_between(a * 86400 + 3600, b * 86400 + 7200), count);
        }
    }
}

/* For n >= 1, add and between are inverses, and the result is a working day. */
static void test_add_and_between_agree(void **state)
{
    for (int64_t d = day_of(2019, 12, 20); d < day_of(2031, 1, 10); d += 3) {
        seam_time t = d * 86400 + 37800; /* 10:30 */
        seam_time prev = cal_add_working_days(t, 0);
        assert_true(prev >= t);
        assert_true(cal_is_working_day(seam_time_day(prev)));
        for (int n = 1; n <= 12; n++) {
            seam_time r = cal_add_working_days(t, n);
            /* From a non-working day, + 0 and + 1 both land on the next
             * working day (n counts working days after t's date). */
            if (n == 1 && !cal_is_working_day(d))
                assert_int_equal(r, prev);
            else
                assert_true(r > prev);
            assert_int_equal(r % 86400, 37800);
            assert_true(cal_is_working_day(seam_time_day(r)));
            assert_int_equal(cal_working_days_between(t, r), n);
            prev = r;
        }
    }
}

/* Working seconds: whole working days count; weekends and bank holidays do not. */
static void test_working_seconds(void **state)
{
    (void)state;
    /* Friday 2026-11-20 16:00 to Monday 2026-11-23 10:00: 8 h Friday + 10 h Monday. */
    assert_int_equal(cal_working_seconds_between(at(2026, 11, 20, 16, 0, 0), at(2026, 11, 23, 10, 0, 0)), 18 * 3600);
    /* Within one working day. */
    assert_int_equal(cal_working_seconds_between(at(2026, 11, 25, 9, 0, 0), at(2026, 11, 25, 9, 30, 0)), 1800);
    /* Across Christmas 2026: Thu 24th 12:00 to Tue 29th 12:00 = 12 h + 12 h (25, 26, 27, 28 are not working). */
    assert_int_equal(cal_working_seconds_between(at(2026, 12, 24, 12, 0, 0), at(2026, 12, 29, 12, 0, 0)), 24 * 3600);
    /* Entirely inside a weekend. */
    assert_int_equal(cal_working_seconds_between(at(2026, 11, 21, 1, 0, 0), at(2026, 11, 22, 23, 0, 0)), 0);
    /* Empty and reversed intervals. */
    assert_int_equal(cal_working_seconds_between(at(2026, 11, 25, 9, 0, 0), at(2026, 11, 25, 9, 0, 0)), 0);
    assert_int_equal(cal_working_seconds_between(at(2026, 11, 26, 9, 0, 0), at(2026, 11, 25, 9, 0, 0)), 0);
    /* A whole working week is five days. */
    assert_int_equal(cal_working_seconds_between(at(2026, 11, 23, 0, 0, 0), at(2026, 11, 30, 0, 0, 0)), 5 * 86400);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_bank_holidays),
        cmocka_unit_test(test_not_bank_holidays),
        cmocka_unit_test(test_weekends_are_not_working_days),
        cmocka_unit_test(test_year_coverage),
        cmocka_unit_test(test_holiday_count),
        cmocka_unit_test(test_holiday_table_is_sorted_and_valid),
        cmocka_unit_test(test_add_across_easter),
        cmocka_unit_test(test_add_across_christmas),
        cmocka_unit_test(test_add_friday_plus_one_is_monday),
        cmocka_unit_test(test_add_zero),
        cmocka_unit_test(test_add_from_weekend),
        cmocka_unit_test(test_add_outside_coverage),
        cmocka_unit_test(test_between_cases),
        cmocka_unit_test(test_between_matches_day_by_day),
        cmocka_unit_test(test_add_and_between_agree),
        cmocka_unit_test(test_working_seconds),
    };
    return cmocka_run_group_tests_name("core/calendar", tests, NULL, NULL);
}
