/*
 * nhs_number.c - NHS number validation by Modulus 11.
 *
 * Accepted forms: "9434765919", "943 476 5919", "943-476-5919".  Exactly
 * one kind of separator per number: "943 476-5919" is rejected, as is any
 * leading or trailing space, so a value that passes is unambiguous.
 */
#include "nhs_number.h"

#include <string.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int nhs_number_check_digit(const char *d)
{
    int sum = 0, check;

    if (d == NULL)
        return -1;
    for (int i = 0; i < 9; i++) {
        if (!is_digit(d[i])) /* also stops at a NUL before nine digits */
            return -1;
        sum += (d[i] - '0') * (10 - i);
    }
    check = 11 - sum % 11;
    if (check == 11)
        return 0;
    if (check == 10)
        return -1;
    return check;
}

/*
 * Extracts the ten digits of s into digits (NUL-terminated) if s has one
 * of the accepted shapes.  Returns 0, or -1 for any other shape.
 */
static int extract_digits(const char *s, char digits[NHS_NUMBER_LEN])
{
    size_t len = strlen(s);

    if (len == 10) {
        for (size_t i = 0; i < 10; i++)
            if (!is_digit(s[i]))
                return -1;
        memcpy(digits, s, 10);
    } else if (len == 12) {
        char sep = s[3];
        if ((sep != ' ' && sep != '-') || s[7] != sep)
            return -1;
        for (size_t i = 0, j = 0; i < 12; i++) {
            if (i == 3 || i == 7)
                continue;
            if (!is_digit(s[i]))
                return -1;
            digits[j++] = s[i];
        }
    } else {
        return -1;
    }
    digits[10] = '\0';
    return 0;
}

/* Validates s; out receives the digits on success and "" on failure. */
int nhs_number_normalise(const char *s, char out[NHS_NUMBER_LEN])
{
    char digits[NHS_NUMBER_LEN];
    int check;

    if (out != NULL)
        out[0] = '\0';
    if (s == NULL || extract_digits(s, digits) != 0)
        return -1;
    check = nhs_number_check_digit(digits);
    if (check < 0 || check != digits[9] - '0')
        return -1;
    if (out != NULL)
        memcpy(out, digits, NHS_NUMBER_LEN);
    return 0;
}

int nhs_number_valid(const char *s)
{
    char digits[NHS_NUMBER_LEN];
    return nhs_number_normalise(s, digits) == 0;
}

/* Checks only the shape (ten digits) and the 999 prefix, not the check
 * digit: the caller is expected to have validated the number. */
int nhs_number_is_test_range(const char *ten_digits)
{
    if (ten_digits == NULL || strlen(ten_digits) != 10)
        return 0;
    for (int i = 0; i < 10; i++)
        if (!is_digit(ten_digits[i]))
            return 0;
    return memcmp(ten_digits, "999", 3) == 0;
}
