/*
 * test_nhs_number.c - unit tests for src/core/nhs_number.c.
 *
 * Worked examples (Modulus 11, weights 10..2):
 *   943476591: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299, 299 % 11 = 2,
 *              check 9, so 9434765919 is valid.
 *   100000001: 1*10+1*2 = 12, 12 % 11 = 1, check 10: no valid number.
 *   100000006: 1*10+6*2 = 22, 22 % 11 = 0, check 11 means 0: 1000000060.
 *   999000001: 9*10+9*9+9*8+1*2 = 245, 245 % 11 = 3, check 8: 9990000018.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/nhs_number.h"

static void test_check_digit_known(void **state)
{
    assert_int_equal(nhs_number_check_digit("943476591"), 9);
    assert_int_equal(nhs_number_check_digit("999000001"), 8);
    /* Only the first nine characters are read. */
    assert_int_equal(nhs_number_check_digit("9434765919"), 9);
}

static void test_check_digit_eleven_means_zero(void **state)
{
    assert_int_equal(nhs_number_check_digit("100000006"), 0);
    assert_int_equal(nhs_number_check_digit("000000000"), 0);
    assert_true(nhs_number_valid("1000000060"));
    assert_false(nhs_number_valid("1000000061"));
}

static void test_check_digit_ten_means_invalid(void **state)
{
    char num[11];

    assert_int_equal(nhs_number_check_digit("100000001"), -1);
    /* No completion of the nine digits is a valid number. */
    for (char c = '0'; c <= '9'; c++) {
        memcpy(num, "100000001", 9);
        num[9] = c;
        num[10] = '\0';
        assert_false(nhs_number_valid(num));
    }
}

static void test_check_digit_bad_input(void **state)
{
    assert_int_equal(nhs_number_check_digit(NULL), -1);
    assert_int_equal(nhs_number_check_digit(""), -1);
    assert_int_equal(nhs_number_check_digit("94347659"), -1); /* eight digits */
    assert_int_equal(nhs_number_check_digit("94347659a"), -1);
    assert_int_equal(nhs_number_check_digit("943 476 5"), -1);
}

static void test_valid_forms(void **state)
{
    static const char *const good[] = {"9434765919", "943 476 5919", "943-476-5919"};
    char out[NHS_NUMBER_LEN];

    for (size_t i = 0; i < 3; i++) {
        memset(out, 'x', sizeof(out));
        assert_int_equal(nhs_number_normalise(good[i], out), 0);
        assert_string_equal(out, "9434765919");
        assert_true(nhs_number_valid(good[i]));
    }
}

static void test_rejected_forms(void **state)
{
    static const char *const bad[] = {
        "9434765918",     /* wrong check digit */
        "9434765910",     /* wrong check digit */
        "943476591",      /* nine digits */
        "94347659190",    /* eleven digits */
        "",               /* empty */
        "943476591A",     /* letter */
        "ABCDEFGHIJ",     /* letters */
        "943 476-5919",   /* mixed separators */
        "943-476 5919",   /* mixed separators */
        "943  476 5919",  /* double space */
        "9434 765 919",   /* wrong grouping */
        "94 3476 5919",   /* wrong grouping */
        "943 4765919",    /* one separator only */
        "943476 5919",    /* one separator only */
        "943 476 591 9",  /* extra group */
        "943.476.5919",   /* other separator */
        "943_476_5919",   /* other separator */
        "943\t476\t5919", /* tab */
        " 9434765919",    /* leading space */
        "9434765919 ",    /* trailing space */
        "+943476591",     /* sign */
        "-943476591",     /* sign */
        "943 476 591A",   /* letter in grouped form */
        "943 476 5918",   /* grouped, wrong check digit */
        "1000000010",     /* check digit would be 10 */
    };
    char out[NHS_NUMBER_LEN];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(out, 'x', sizeof(out));
        if (nhs_number_normalise(bad[i], out) != -1)
            fail_msg("\"%s\" should be rejected", bad[i]);
        /* out is "" on failure. */
        assert_string_equal(out, "");
        assert_false(nhs_number_valid(bad[i]));
    }
}

static void test_null(void **state)
{
    char out[NHS_NUMBER_LEN] = "x";

    assert_int_equal(nhs_number_normalise(NULL, out), -1);
    assert_string_equal(out, "");
    assert_false(nhs_number_valid(NULL));
    assert_false(nhs_number_is_test_range(NULL));
    /* A NULL out still validates. */
    assert_int_equal(nhs_number_normalise("9434765919", NULL), 0);
    assert_int_equal(nhs_number_normalise("9434765918", NULL), -1);
}

/* Modulus 11 catches every single-digit error in a valid number. */
static void test_single_digit_errors_detected(void **state)
{
    static const char *const valid[] = {"9434765919", "1000000060", "9990000018"};
    char num[NHS_NUMBER_LEN];

    for (size_t v = 0; v < 3; v++) {
        assert_true(nhs_number_valid(valid[v]));
        for (int pos = 0; pos < 10; pos++) {
            for (char c = '0'; c <= '9'; c++) {
                memcpy(num, valid[v], NHS_NUMBER_LEN);
                if (num[pos] == c)
                    continue;
                num[pos] = c;
                if (nhs_number_valid(num))
                    fail_msg("%s (from %s) should be invalid", num, valid[v]);
            }
        }
    }
}

/* Every nine-digit prefix has exactly one valid completion, or none when
 * its check digit would be 10. */
static void test_exactly_one_completion(void **state)
{
    char num[NHS_NUMBER_LEN];
    int with_none = 0;

    for (long prefix = 400000000; prefix < 400000000 + 2000; prefix++) {
        int valid = 0, last = -1;
        long p = prefix;
        for (int i = 8; i >= 0; i--, p /= 10)
            num[i] = (char)('0' + p % 10);
        for (char c = '0'; c <= '9'; c++) {
            num[9] = c;
            num[10] = '\0';
            if (nhs_number_valid(num)) {
                valid++;
                last = c - '0';
            }
        }
        int check = nhs_number_check_digit(num);
        if (check < 0) {
            assert_int_equal(valid, 0);
            with_none++;
        } else {
            assert_int_equal(valid, 1);
            assert_int_equal(last, check);
        }
    }
    /* About one prefix in eleven has no valid number. */
    assert_in_range(with_none, 2000 / 11 - 30, 2000 / 11 + 30);
}

static void test_all_zero_passes_modulus_11(void **state)
{
    /* The algorithm alone accepts these; callers needing issued numbers
     * only must check ranges separately. */
    assert_true(nhs_number_valid("0000000000"));
}

static void test_test_range(void **state)
{
    assert_true(nhs_number_valid("9990000018"));
    assert_true(nhs_number_is_test_range("9990000018"));
    assert_false(nhs_number_is_test_range("9434765919"));
    assert_false(nhs_number_is_test_range("9990000018 "));
    assert_false(nhs_number_is_test_range("999 000 0018")); /* ten digits only */
    assert_false(nhs_number_is_test_range("999000001"));
    assert_false(nhs_number_is_test_range("99900000189"));
    assert_false(nhs_number_is_test_range("999"));
    assert_false(nhs_number_is_test_range(""));
    assert_false(nhs_number_is_test_range("99a0000018"));
    assert_false(nhs_number_is_test_range("9890000018"));
    assert_false(nhs_number_is_test_range("9980000018")); /* 998 is not 999 */
    assert_false(nhs_number_is_test_range("0999000001"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_digit_known),
        cmocka_unit_test(test_check_digit_eleven_means_zero),
        cmocka_unit_test(test_check_digit_ten_means_invalid),
        cmocka_unit_test(test_check_digit_bad_input),
        cmocka_unit_test(test_valid_forms),
        cmocka_unit_test(test_rejected_forms),
        cmocka_unit_test(test_null),
        cmocka_unit_test(test_single_digit_errors_detected),
        cmocka_unit_test(test_exactly_one_completion),
        cmocka_unit_test(test_all_zero_passes_modulus_11),
        cmocka_unit_test(test_test_range),
    };
    return cmocka_run_group_tests_name("core/nhs_number", tests, NULL, NULL);
}
