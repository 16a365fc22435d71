/*
 * test_seam_time.c - unit tests for src/core/seam_time.c.
 *
 * Expected instants were computed independently (Python calendar.timegm)
 * so the tests do not check the code against itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/seam_time.h"

/* Parses s, failing the test if it does not parse. */
static seam_time must_parse(const char *s)
{
    seam_time t = 0;
    if (seam_time_parse(s, &t) != 0)
        fail_msg("expected \"%s\" to parse", s);
    return t;
}

static void test_parse_known_instants(void **state)
{
    assert_int_equal(must_parse("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(must_parse("2026-01-01T00:00:00Z"), 1767225600);
    assert_int_equal(must_parse("2026-11-25T14:59:54Z"), 1795618794);
    assert_int_equal(must_parse("2024-02-29T12:00:00Z"), 1709208000);
    assert_int_equal(must_parse("2000-01-01T00:00:00Z"), 946684800);
    assert_int_equal(must_parse("9999-12-31T23:59:59Z"), 253402300799LL);
    assert_int_equal(must_parse("0001-01-01T00:00:00Z"), -62135596800LL);
}

static void test_parse_date_only_is_midnight_utc(void **state)
{
    assert_int_equal(must_parse("2026-01-01"), 1767225600);
    assert_int_equal(must_parse("1970-01-01"), 0);
    assert_int_equal(must_parse("1969-12-31"), -86400);
}

static void test_parse_without_seconds(void **state)
{
    assert_int_equal(must_parse("2026-11-25T14:59Z"), 1795618794 - 54);
}

static void test_parse_offsets(void **state)
{
    /* 10:00 at +01:00 is 09:00 UTC. */
    assert_int_equal(must_parse("2026-06-01T10:00:00+01:00"), must_parse("2026-06-01T09:00:00Z"));
    assert_int_equal(must_parse("2026-06-01T10:00:00-05:30"), must_parse("2026-06-01T15:30:00Z"));
    assert_int_equal(must_parse("2026-06-01T10:00+00:00"), must_parse("2026-06-01T10:00Z"));
    assert_int_equal(must_parse("2026-06-01T10:00:00-00:00"), must_parse("2026-06-01T10:00:00Z"));
    /* An offset can move the instant to another UTC day and year. */
    assert_int_equal(must_parse("2026-01-01T00:30:00+01:00"), must_parse("2025-12-31T23:30:00Z"));
    assert_int_equal(must_parse("2025-12-31T23:30:00-01:00"), must_parse("2026-01-01T00:30:00Z"));
    assert_int_equal(must_parse("2026-06-01T10:00:00+23:59"), must_parse("2026-05-31T10:01:00Z"));
}

static void test_parse_fractional_seconds_ignored(void **state)
{
    seam_time whole = must_parse("2026-11-25T14:59:54Z");
    assert_int_equal(must_parse("2026-11-25T14:59:54.5Z"), whole);
    assert_int_equal(must_parse("2026-11-25T14:59:54.999999999Z"), whole); /* truncated */
    assert_int_equal(must_parse("2026-11-25T14:59:54.0+00:00"), whole);
    assert_int_equal(must_parse("2026-11-25T15:59:54.123+01:00"), whole);
}

static void test_parse_rejects_invalid(void **state)
{
    static const char *const bad[] = {
        "",
        "garbage",
        "2026-02-30",
        "2026-02-29", /* 2026 is not a leap year */
        "2026-13-01",
        "2026-00-10",
        "2026-01-00",
        "2026-01-32",
        "2026-04-31",
        "2026-01-01T25:00Z",
        "2026-01-01T24:00:00Z",
        "2026-01-01T23:60Z",
        "2026-01-01T23:59:60Z", /* leap seconds are not accepted */
        "2026-01-01T10:00:00",  /* no zone */
        "2026-01-01T10:00",     /* no zone */
        "2026-01-01 10:00:00Z", /* space, not T */
        "2026-01-01t10:00:00z", /* lower case */
        "2026-01-01T10Z",
        "2026-01-01T10:0Z",
        "2026-01-01T10:00:0Z",
        "2026-01-01T10:00:00.Z", /* empty fraction */
        "2026-01-01T10:00.5Z",   /* fraction without seconds */
        "2026-01-01T10:00:00+1:00",
        "2026-01-01T10:00:00+0100",
        "2026-01-01T10:00:00+01",
        "2026-01-01T10:00:00+24:00",
        "2026-01-01T10:00:00+01:60",
        "2026-01-01T10:00:00Zjunk",
        "2026-01-01x",
        "2026-01-01T",
        " 2026-01-01",
        "2026-01-01 ",
        "2026-1-01",
        "26-01-01",
        "+2026-01-01",
        "-2026-01-01",
        "20260101",
        "2026/01/01",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        seam_time t = 12345;
        if (seam_time_parse(bad[i], &t) != -1)
            fail_msg("\"%s\" should be rejected", bad[i]);
        /* *out is left untouched on failure. */
        assert_int_equal(t, 12345);
    }
}

static void test_parse_null_arguments(void **state)
{
    seam_time t = 7;
    assert_int_equal(seam_time_parse(NULL, &t), -1);
    assert_int_equal(t, 7);
    assert_int_equal(seam_time_parse("2026-01-01", NULL), -1);
}

static void test_leap_years(void **state)
{
    assert_true(seam_date_valid(2024, 2, 29));
    assert_true(seam_date_valid(2000, 2, 29));  /* divisible by 400 */
    assert_false(seam_date_valid(2100, 2, 29)); /* divisible by 100 only */
    assert_false(seam_date_valid(1900, 2, 29));
    assert_false(seam_date_valid(2023, 2, 29));
    assert_true(seam_date_valid(2023, 2, 28));
    must_parse("2024-02-29");
    must_parse("2000-02-29T00:00:00Z");
    seam_time t = 1;
    assert_int_equal(seam_time_parse("2100-02-29", &t), -1);
    assert_int_equal(seam_time_parse("1900-02-29T00:00:00Z", &t), -1);
    /* 2024-02-29 is followed by 2024-03-01. */
    assert_int_equal(seam_days_from_civil(2024, 3, 1) - seam_days_from_civil(2024, 2, 29), 1);
    assert_int_equal(seam_days_from_civil(2025, 1, 1) - seam_days_from_civil(2024, 1, 1), 366);
    assert_int_equal(seam_days_from_civil(2101, 1, 1) - seam_days_from_civil(2100, 1, 1), 365);
}

static void test_date_valid_month_lengths(void **state)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; m++) {
        assert_true(seam_date_valid(2026, m, 1));
        assert_true(seam_date_valid(2026, m, dim[m - 1]));
        assert_false(seam_date_valid(2026, m, dim[m - 1] + 1));
        assert_false(seam_date_valid(2026, m, 0));
    }
    assert_false(seam_date_valid(2026, 0, 1));
    assert_false(seam_date_valid(2026, 13, 1));
    assert_false(seam_date_valid(2026, -1, 1));
}

static void test_epoch_and_negative(void **state)
{
    char buf[SEAM_ISO_LEN], date[SEAM_DATE_LEN];
    int y, m, d;

    seam_time_format(0, buf);
    assert_string_equal(buf, "1970-01-01T00:00:00Z");
    seam_time_format(-1, buf);
    assert_string_equal(buf, "1969-12-31T23:59:59Z");
    seam_date_format(-1, date);
    assert_string_equal(date, "1969-12-31");
    assert_int_equal(must_parse("1969-12-31T23:59:59Z"), -1);

    /* Day numbers floor towards minus infinity. */
    assert_int_equal(seam_time_day(0), 0);
    assert_int_equal(seam_time_day(86399), 0);
    assert_int_equal(seam_time_day(86400), 1);
    assert_int_equal(seam_time_day(-1), -1);
    assert_int_equal(seam_time_day(-86400), -1);
    assert_int_equal(seam_time_day(-86401), -2);

    seam_civil_from_days(-1, &y, &m, &d);
    assert_int_equal(y, 1969);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
    seam_civil_from_days(0, &y, &m, &d);
    assert_int_equal(y, 1970);
    assert_int_equal(m, 1);
    assert_int_equal(d, 1);
    assert_int_equal(seam_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(seam_days_from_civil(1, 1, 1), -719162);
}

static void test_format_known(void **state)
{
    char buf[SEAM_ISO_LEN], date[SEAM_DATE_LEN];

    seam_time_format(1795618794, buf);
    assert_string_equal(buf, "2026-11-25T14:59:54Z");
    assert_int_equal(strlen(buf), SEAM_ISO_LEN - 1);
    seam_date_format(1795618794, date);
    assert_string_equal(date, "2026-11-25");
    assert_int_equal(strlen(date), SEAM_DATE_LEN - 1);
    seam_time_format(253402300799LL, buf);
    assert_string_equal(buf, "9999-12-31T23:59:59Z");
    seam_time_format(-62135596800LL, buf);
    assert_string_equal(buf, "0001-01-01T00:00:00Z");
}

static void test_format_clamps_out_of_range(void **state)
{
    char buf[SEAM_ISO_LEN], date[SEAM_DATE_LEN];

    seam_time_format(253402300800LL, buf); /* 10000-01-01 */
    assert_string_equal(buf, "9999-12-31T23:59:59Z");
    seam_time_format(INT64_MAX, buf);
    assert_string_equal(buf, "9999-12-31T23:59:59Z");
    seam_time_format(INT64_MIN, buf);
    assert_string_equal(buf, "0000-01-01T00:00:00Z");
    seam_date_format(INT64_MAX, date);
    assert_string_equal(date, "9999-12-31");
    seam_date_format(INT64_MIN, date);
    assert_string_equal(date, "0000-01-01");
}

static void test_round_trip_instants(void **state)
{
    static const seam_time ts[] = {
        0,
        1,
        -1,
        59,
        3599,
        86399,
        86400,
        -86400,
        -86401,
        951782400 /* 2000-02-29 */,
        1709208000,
        1795618794,
        4102444799LL /* 2099-12-31T23:59:59 */,
        253402300799LL,
        -62135596800LL,
        -62167219200LL /* 0000-01-01 */,
    };
    char buf[SEAM_ISO_LEN];

    for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
        seam_time_format(ts[i], buf);
        assert_int_equal(must_parse(buf), ts[i]);
    }
    /* A sweep with a step that is not a multiple of a day or week. */
    for (seam_time t = -62167219200LL; t < 253402300799LL; t += 86400LL * 997 + 3671) {
        seam_time_format(t, buf);
        assert_int_equal(must_parse(buf), t);
    }
}

static void test_round_trip_days(void **state)
{
    int y, m, d;

    for (int64_t day = -800000; day <= 3000000; day += 37) {
        seam_civil_from_days(day, &y, &m, &d);
        assert_true(seam_date_valid(y, m, d));
        assert_int_equal(seam_days_from_civil(y, m, d), day);
    }
    /* Every day of a leap year (2024) and a century non-leap year (2100). */
    static const int years[] = {2024, 2100};
    for (size_t i = 0; i < 2; i++) {
        int64_t first = seam_days_from_civil(years[i], 1, 1);
        int64_t end = seam_days_from_civil(years[i] + 1, 1, 1);
        assert_int_equal(end - first, years[i] == 2024 ? 366 : 365);
        for (int64_t day = first; day < end; day++) {
            seam_civil_from_days(day, &y, &m, &d);
            assert_int_equal(y, years[i]);
            assert_int_equal(seam_days_from_civil(y, m, d), day);
        }
    }
}

static void test_weekday(void **state)
{
    assert_int_equal(seam_weekday(0), 3);                                  /* 1970-01-01 Thu */
    assert_int_equal(seam_weekday(seam_days_from_civil(2026, 4, 2)), 3);   /* Thu */
    assert_int_equal(seam_weekday(seam_days_from_civil(2026, 12, 25)), 4); /* Fri */
    assert_int_equal(seam_weekday(seam_days_from_civil(2000, 1, 1)), 5);   /* Sat */
    assert_int_equal(seam_weekday(seam_days_from_civil(1969, 12, 28)), 6); /* Sun */
    assert_int_equal(seam_weekday(seam_days_from_civil(1900, 1, 1)), 0);   /* Mon */
    assert_int_equal(seam_weekday(seam_days_from_civil(2100, 12, 31)), 4); /* Fri */
    assert_int_equal(seam_weekday(seam_days_from_civil(2024, 2, 29)), 3);  /* Thu */
    /* Consecutive days cycle through 0..6, including across day 0. */
    for (int64_t day = -20; day < 20; day++)
        assert_int_equal(seam_weekday(day + 1), (seam_weekday(day) + 1) % 7);
}

static void test_iso_text_sorts_as_instants(void **state)
{
    static const seam_time ts[] = {-62167219200LL, -86401,        -1, 0, 1, 59, 60, 86399, 86400, 1709208000,
                                   1795618794,     253402300799LL};
    char a[SEAM_ISO_LEN], b[SEAM_ISO_LEN];

    for (size_t i = 0; i + 1 < sizeof(ts) / sizeof(ts[0]); i++) {
        seam_time_format(ts[i], a);
        seam_time_format(ts[i + 1], b);
        assert_true(strcmp(a, b) < 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_known_instants),
        cmocka_unit_test(test_parse_date_only_is_midnight_utc),
        cmocka_unit_test(test_parse_without_seconds),
        cmocka_unit_test(test_parse_offsets),
        cmocka_unit_test(test_parse_fractional_seconds_ignored),
        cmocka_unit_test(test_parse_rejects_invalid),
        cmocka_unit_test(test_parse_null_arguments),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_date_valid_month_lengths),
        cmocka_unit_test(test_epoch_and_negative),
        cmocka_unit_test(test_format_known),
        cmocka_unit_test(test_format_clamps_out_of_range),
        cmocka_unit_test(test_round_trip_instants),
        cmocka_unit_test(test_round_trip_days),
        cmocka_unit_test(test_weekday),
        cmocka_unit_test(test_iso_text_sorts_as_instants),
    };
    return cmocka_run_group_tests_name("core/seam_time", tests, NULL, NULL);
}
