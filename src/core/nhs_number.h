/*
 * nhs_number.h - NHS number validation (Modulus 11), pure.
 *
 * Ten digits; weights 10..2 on digits 1..9; check = 11 - (sum mod 11);
 * 11 means 0 and 10 means the number is invalid.  943 476 5919 is valid.
 */
#ifndef SEAM_NHS_NUMBER_H
#define SEAM_NHS_NUMBER_H

#define NHS_NUMBER_LEN 11 /* ten digits + NUL */

/*
 * Copies the ten digits of s into out, accepting the digits alone or
 * grouped 3-3-4 by single spaces or hyphens ("943 476 5919",
 * "943-476-5919").  Returns 0 if s is a valid NHS number, -1 otherwise
 * (wrong length, non-digit, bad check digit); out is then "".
 */
int nhs_number_normalise(const char *s, char out[NHS_NUMBER_LEN]);

/* 1 if s is a valid NHS number in any form accepted above. */
int nhs_number_valid(const char *s);

/* The check digit (0..9) for the nine digits d[0..8] ('0'..'9'), or -1
 * if no check digit exists (remainder gives 10) or d has a non-digit. */
int nhs_number_check_digit(const char *d);

/* 1 if the (valid) number is in the 999 test range used for demo data. */
int nhs_number_is_test_range(const char *ten_digits);

#endif
