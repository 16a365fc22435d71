/*
 * test_equity.c - unit tests for src/core/equity.c.
 *
 * Every code and label is written out here from the contract
 * (docs/waiting-list.md, GET /measures/rtt), not copied from equity.c.
 * Ages are worked by hand, e.g. born 2008-02-29: 17 on 2026-02-28, 18 on
 * 2026-03-01 (2026 is not a leap year); born 2004-02-29: 18 on 2022-03-01,
 * 20 on 2024-02-29 (leap year).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/equity.h"
#include "core/seam_time.h"

#define UNK_AGE  5
#define UNK_DEC  10
#define UNK_QUIN 5

static const char *const dim_names[EQ_DIM_COUNT] = {"imd_decile", "imd_quintile", "ethnicity", "age_band", "sex"};
static const int group_counts[EQ_DIM_COUNT] = {11, 6, 6, 6, 4};

static const char *const decile_codes[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "unknown"};
static const char *const quintile_codes[] = {"1", "2", "3", "4", "5", "unknown"};
static const char *const ethnic_codes[] = {"white", "mixed", "asian", "black", "other", "not_stated"};
static const char *const ethnic_labels[] = {"White",
                                            "Mixed or Multiple ethnic groups",
                                            "Asian or Asian British",
                                            "Black, Black British, Caribbean or African",
                                            "Other ethnic group",
                                            "Not stated"};
static const char *const age_codes[] = {"0-17", "18-39", "40-64", "65-79", "80+", "unknown"};
static const char *const age_labels[] = {"Aged 0 to 17",  "Aged 18 to 39",    "Aged 40 to 64",
                                         "Aged 65 to 79", "Aged 80 and over", "Not known"};
static const char *const sex_codes[] = {"female", "male", "other", "unknown"};
static const char *const sex_labels[] = {"Female", "Male", "Other", "Not known"};

static int64_t day(int y, int m, int d)
{
    assert_true(seam_date_valid(y, m, d));
    return seam_days_from_civil(y, m, d);
}

static int age_group(int64_t birth, int64_t census)
{
    return eq_group_of(EQ_AGE_BAND, 0, NULL, NULL, birth, census);
}

static void test_dim_parse_and_name(void **state)
{
    for (int d = 0; d < EQ_DIM_COUNT; d++) {
        eq_dim got = EQ_DIM_COUNT;
        assert_int_equal(eq_dim_parse(dim_names[d], &got), 0);
        assert_int_equal(got, d);
        assert_string_equal(eq_dim_name((eq_dim)d), dim_names[d]);
    }
    const char *bad[] = {"", "IMD_DECILE", "imd", "decile", "gender", "age", "imd_decile ", "ethnic_group"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        eq_dim got = EQ_SEX;
        assert_int_equal(eq_dim_parse(bad[i], &got), -1);
        assert_int_equal(got, EQ_SEX); /* untouched */
    }
    eq_dim got;
    assert_int_equal(eq_dim_parse(NULL, &got), -1);
    assert_int_equal(eq_dim_parse("sex", NULL), -1);
    assert_null(eq_dim_name(EQ_DIM_COUNT));
    assert_null(eq_dim_name((eq_dim)-1));
}

static void test_group_counts(void **state)
{
    for (int d = 0; d < EQ_DIM_COUNT; d++)
        assert_int_equal(eq_groups((eq_dim)d), group_counts[d]);
    assert_int_equal(eq_groups(EQ_DIM_COUNT), 0);
    assert_int_equal(eq_groups((eq_dim)-1), 0);
}

static void check_codes(eq_dim d, const char *const *codes, int n)
{
    assert_int_equal(eq_groups(d), n);
    for (int g = 0; g < n; g++)
        assert_string_equal(eq_group_code(d, g), codes[g]);
    assert_null(eq_group_code(d, n));
    assert_null(eq_group_code(d, -1));
    assert_null(eq_group_label(d, n));
    assert_null(eq_group_label(d, -1));
}

static void test_group_codes_in_order(void **state)
{
    check_codes(EQ_IMD_DECILE, decile_codes, 11);
    check_codes(EQ_IMD_QUINTILE, quintile_codes, 6);
    check_codes(EQ_ETHNICITY, ethnic_codes, 6);
    check_codes(EQ_AGE_BAND, age_codes, 6);
    check_codes(EQ_SEX, sex_codes, 4);
    assert_null(eq_group_code(EQ_DIM_COUNT, 0));
    assert_null(eq_group_label(EQ_DIM_COUNT, 0));
}

static void test_group_labels(void **state)
{
    assert_string_equal(eq_group_label(EQ_IMD_DECILE, 0), "1 (most deprived)");
    assert_string_equal(eq_group_label(EQ_IMD_DECILE, 1), "2");
    assert_string_equal(eq_group_label(EQ_IMD_DECILE, 8), "9");
    assert_string_equal(eq_group_label(EQ_IMD_DECILE, 9), "10 (least deprived)");
    assert_string_equal(eq_group_label(EQ_IMD_DECILE, 10), "Not known");
    assert_string_equal(eq_group_label(EQ_IMD_QUINTILE, 0), "1 (most deprived)");
    assert_string_equal(eq_group_label(EQ_IMD_QUINTILE, 2), "3");
    assert_string_equal(eq_group_label(EQ_IMD_QUINTILE, 4), "5 (least deprived)");
    assert_string_equal(eq_group_label(EQ_IMD_QUINTILE, 5), "Not known");
    for (int g = 0; g < 6; g++) {
        assert_string_equal(eq_group_label(EQ_ETHNICITY, g), ethnic_labels[g]);
        assert_string_equal(eq_group_label(EQ_AGE_BAND, g), age_labels[g]);
    }
    for (int g = 0; g < 4; g++)
        assert_string_equal(eq_group_label(EQ_SEX, g), sex_labels[g]);
}

/* Codes are distinct within a dimension, so a code names one group. */
static void test_codes_distinct(void **state)
{
    for (int d = 0; d < EQ_DIM_COUNT; d++)
        for (int a = 0; a < eq_groups((eq_dim)d); a++)
            for (int b = a + 1; b < eq_groups((eq_dim)d); b++) {
                assert_string_not_equal(eq_group_code((eq_dim)d, a), eq_group_code((eq_dim)d, b));
                assert_string_not_equal(eq_group_label((eq_dim)d, a), eq_group_label((eq_dim)d, b));
            }
}

static void test_imd_groups(void **state)
{
    const int quintile_of[11] = {-1, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4};
    for (int dec = 1; dec <= 10; dec++) {
        int g = eq_group_of(EQ_IMD_DECILE, dec, NULL, NULL, INT64_MIN, 0);
        assert_int_equal(g, dec - 1);
        char want[3];
        want[0] = dec == 10 ? '1' : (char)('0' + dec);
        want[1] = dec == 10 ? '0' : '\0';
        want[2] = '\0';
        assert_string_equal(eq_group_code(EQ_IMD_DECILE, g), want);
        assert_int_equal(eq_group_of(EQ_IMD_QUINTILE, dec, NULL, NULL, INT64_MIN, 0), quintile_of[dec]);
    }
    const int unknown[] = {0, -1, 11, 99, -2147483647};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        assert_int_equal(eq_group_of(EQ_IMD_DECILE, unknown[i], "white", "male", 0, 0), UNK_DEC);
        assert_int_equal(eq_group_of(EQ_IMD_QUINTILE, unknown[i], "white", "male", 0, 0), UNK_QUIN);
    }
    assert_string_equal(eq_group_code(EQ_IMD_QUINTILE, eq_group_of(EQ_IMD_QUINTILE, 7, NULL, NULL, 0, 0)), "4");
    assert_string_equal(eq_group_code(EQ_IMD_QUINTILE, eq_group_of(EQ_IMD_QUINTILE, 2, NULL, NULL, 0, 0)), "1");
}

static void test_ethnicity_and_sex_groups(void **state)
{
    for (int g = 0; g < 6; g++)
        assert_int_equal(eq_group_of(EQ_ETHNICITY, 3, ethnic_codes[g], "female", 0, 0), g);
    assert_int_equal(eq_group_of(EQ_ETHNICITY, 3, "ASIAN", NULL, 0, 0), 2);
    assert_int_equal(eq_group_of(EQ_ETHNICITY, 3, NULL, NULL, 0, 0), 5);
    assert_int_equal(eq_group_of(EQ_ETHNICITY, 3, "", NULL, 0, 0), 5);
    assert_int_equal(eq_group_of(EQ_ETHNICITY, 3, "White", NULL, 0, 0), 0); /* case-insensitive code */
    assert_int_equal(eq_group_of(EQ_ETHNICITY, 3, "A", NULL, 0, 0), 5);     /* a category letter is not a group */
    assert_int_equal(eq_group_of(EQ_ETHNICITY, 3, "whites", NULL, 0, 0), 5);

    assert_int_equal(eq_group_of(EQ_SEX, 0, NULL, "female", 0, 0), 0);
    assert_int_equal(eq_group_of(EQ_SEX, 0, NULL, "male", 0, 0), 1);
    assert_int_equal(eq_group_of(EQ_SEX, 0, NULL, "other", 0, 0), 2);
    assert_int_equal(eq_group_of(EQ_SEX, 0, NULL, "Female", 0, 0), 0);
    assert_int_equal(eq_group_of(EQ_SEX, 0, NULL, "unknown", 0, 0), 3);
    assert_int_equal(eq_group_of(EQ_SEX, 0, NULL, NULL, 0, 0), 3);
    assert_int_equal(eq_group_of(EQ_SEX, 0, NULL, "1", 0, 0), 3); /* codes go through eq_sex_from_code first */
    assert_int_equal(eq_group_of(EQ_SEX, 0, NULL, "fem", 0, 0), 3);
    assert_int_equal(eq_group_of(EQ_DIM_COUNT, 1, "white", "male", 0, 0), -1);
    assert_int_equal(eq_group_of((eq_dim)-1, 1, "white", "male", 0, 0), -1);
}

/* Band edges: the day before and the day of the 18th, 40th, 65th and 80th birthdays. */
static void test_age_band_edges(void **state)
{
    int64_t census = day(2026, 11, 25);
    assert_int_equal(age_group(census, census), 0); /* born today */
    assert_int_equal(age_group(day(2008, 11, 26), census), 0);
    assert_int_equal(age_group(day(2008, 11, 25), census), 1);
    assert_int_equal(age_group(day(1986, 11, 26), census), 1);
    assert_int_equal(age_group(day(1986, 11, 25), census), 2);
    assert_int_equal(age_group(day(1961, 11, 26), census), 2);
    assert_int_equal(age_group(day(1961, 11, 25), census), 3);
    assert_int_equal(age_group(day(1946, 11, 26), census), 3);
    assert_int_equal(age_group(day(1946, 11, 25), census), 4);
    assert_int_equal(age_group(day(1900, 1, 1), census), 4);
    /* Month before / after the birthday month in the same year. */
    assert_int_equal(age_group(day(2008, 12, 1), census), 0);
    assert_int_equal(age_group(day(2008, 10, 31), census), 1);
    /* Born before 1970: negative day numbers. */
    assert_int_equal(age_group(day(1950, 6, 1), day(1968, 5, 31)), 0);
    assert_int_equal(age_group(day(1950, 6, 1), day(1968, 6, 1)), 1);
}

static void test_age_unknown(void **state)
{
    int64_t census = day(2026, 11, 25);
    assert_int_equal(age_group(INT64_MIN, census), UNK_AGE);
    assert_int_equal(age_group(census + 1, census), UNK_AGE); /* born after the census */
    assert_string_equal(eq_group_code(EQ_AGE_BAND, age_group(INT64_MIN, census)), "unknown");
}

/* 29 February birthdays are reached on 1 March in non-leap years. */
static void test_age_leap_day_birthday(void **state)
{
    int64_t born = day(2008, 2, 29);
    assert_int_equal(age_group(born, day(2026, 2, 28)), 0); /* still 17 */
    assert_int_equal(age_group(born, day(2026, 3, 1)), 1);  /* 18 */
    born = day(1986, 2, 28);                                /* not a leap-day birthday */
    assert_int_equal(age_group(day(1986, 3, 1), day(2026, 2, 28)), 1);
    assert_int_equal(age_group(born, day(2026, 2, 28)), 2);
    /* Leap-day birthday reached on the day in a leap year: born 1984-02-29 is 40 on 2024-02-29. */
    assert_int_equal(age_group(day(1984, 2, 29), day(2024, 2, 28)), 1);
    assert_int_equal(age_group(day(1984, 2, 29), day(2024, 2, 29)), 2);
    /* Born 1960-02-29: 64 on 2025-02-28, 65 on 2025-03-01. */
    assert_int_equal(age_group(day(1960, 2, 29), day(2025, 2, 28)), 2);
    assert_int_equal(age_group(day(1960, 2, 29), day(2025, 3, 1)), 3);
}

static void test_ethnic_group_from_category(void **state)
{
    const char *const letters = "ABCDEFGHJKLMNPRS";
    const char *const want[] = {"white", "white", "white", "mixed", "mixed", "mixed", "mixed", "asian",
                                "asian", "asian", "asian", "black", "black", "black", "other", "other"};
    for (int i = 0; letters[i] != '\0'; i++) {
        char up[2] = {letters[i], '\0'};
        char low[2] = {(char)(letters[i] - 'A' + 'a'), '\0'};
        assert_string_equal(eq_ethnic_group_from_category(up), want[i]);
        assert_string_equal(eq_ethnic_group_from_category(low), want[i]);
    }
    const char *stated_not[] = {"Z", "z", "99", "", "I", "O", "Q", "T", "X", "AB", "A ", "1", "white"};
    for (size_t i = 0; i < sizeof stated_not / sizeof stated_not[0]; i++)
        assert_string_equal(eq_ethnic_group_from_category(stated_not[i]), "not_stated");
    assert_string_equal(eq_ethnic_group_from_category(NULL), "not_stated");
}

static void test_ethnic_group_from_name(void **state)
{
    for (int g = 0; g < 6; g++) {
        assert_string_equal(eq_ethnic_group_from_name(ethnic_labels[g]), ethnic_codes[g]);
        assert_string_equal(eq_ethnic_group_from_name(ethnic_codes[g]), ethnic_codes[g]);
    }
    assert_string_equal(eq_ethnic_group_from_name("ASIAN OR ASIAN BRITISH"), "asian");
    assert_string_equal(eq_ethnic_group_from_name("black, black british, caribbean or african"), "black");
    assert_string_equal(eq_ethnic_group_from_name("Mixed"), "mixed");
    assert_string_equal(eq_ethnic_group_from_name("Asian"), "asian");
    assert_string_equal(eq_ethnic_group_from_name(NULL), "not_stated");
    assert_string_equal(eq_ethnic_group_from_name(""), "not_stated");
    assert_string_equal(eq_ethnic_group_from_name("Martian"), "not_stated");
    assert_string_equal(eq_ethnic_group_from_name("White British"), "not_stated");
}

static void test_sex_from_code(void **state)
{
    assert_string_equal(eq_sex_from_code("1"), "male");
    assert_string_equal(eq_sex_from_code("2"), "female");
    assert_string_equal(eq_sex_from_code("9"), "other");
    assert_string_equal(eq_sex_from_code("X"), "unknown");
    assert_string_equal(eq_sex_from_code("x"), "unknown");
    assert_string_equal(eq_sex_from_code("0"), "unknown");
    assert_string_equal(eq_sex_from_code("3"), "unknown");
    assert_string_equal(eq_sex_from_code("12"), "unknown");
    assert_string_equal(eq_sex_from_code(""), "unknown");
    assert_string_equal(eq_sex_from_code(NULL), "unknown");
    assert_string_equal(eq_sex_from_code("MALE"), "male");
    assert_string_equal(eq_sex_from_code("Female"), "female");
    assert_string_equal(eq_sex_from_code("other"), "other");
    assert_string_equal(eq_sex_from_code("Unknown"), "unknown");
    assert_string_equal(eq_sex_from_code("m"), "unknown");
    /* Every answer is a group of the sex dimension. */
    const char *in[] = {"1", "2", "9", "X", NULL};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        int g = eq_group_of(EQ_SEX, 0, NULL, eq_sex_from_code(in[i]), 0, 0);
        assert_string_equal(eq_group_code(EQ_SEX, g), eq_sex_from_code(in[i]));
    }
}

/* Everyone is in exactly one group: eq_group_of is always a valid index. */
static void test_every_person_in_a_group(void **state)
{
    const char *eth[] = {NULL, "white", "black", "zzz"};
    const char *sex[] = {NULL, "male", "female", "other", "?"};
    int64_t births[] = {INT64_MIN, day(1930, 1, 1), day(2000, 2, 29), day(2030, 1, 1)};
    for (int d = 0; d < EQ_DIM_COUNT; d++)
        for (int dec = -1; dec <= 11; dec++)
            for (size_t e = 0; e < 4; e++)
                for (size_t s = 0; s < 5; s++)
                    for (size_t b = 0; b < 4; b++) {
                        int g = eq_group_of((eq_dim)d, dec, eth[e], sex[s], births[b], day(2026, 11, 25));
                        assert_in_range(g, 0, eq_groups((eq_dim)d) - 1);
                    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dim_parse_and_name),
        cmocka_unit_test(test_group_counts),
        cmocka_unit_test(test_group_codes_in_order),
        cmocka_unit_test(test_group_labels),
        cmocka_unit_test(test_codes_distinct),
        cmocka_unit_test(test_imd_groups),
        cmocka_unit_test(test_ethnicity_and_sex_groups),
        cmocka_unit_test(test_age_band_edges),
        cmocka_unit_test(test_age_unknown),
        cmocka_unit_test(test_age_leap_day_birthday),
        cmocka_unit_test(test_ethnic_group_from_category),
        cmocka_unit_test(test_ethnic_group_from_name),
        cmocka_unit_test(test_sex_from_code),
        cmocka_unit_test(test_every_person_in_a_group),
    };
    return cmocka_run_group_tests_name("core/equity", tests, NULL, NULL);
}
