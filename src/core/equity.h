/*
 * equity.h - the groups in which waiting times are compared, pure.
 *
 * A dimension (IMD decile or quintile, ethnicity, age band, sex) splits
 * people into a fixed, ordered list of groups; the last group of every
 * dimension is the "unknown" (or "not_stated") one, so every person falls
 * in exactly one group of every dimension.  Codes are stable machine
 * strings (used in URLs and CSV); labels are for people.
 *
 *   imd_decile    1 .. 10, unknown          (1 = most deprived)
 *   imd_quintile  1 .. 5, unknown           (1 = deciles 1-2, ..., 5 = deciles 9-10)
 *   ethnicity     white, mixed, asian, black, other, not_stated
 *   age_band      0-17, 18-39, 40-64, 65-79, 80+, unknown   (age at the census day)
 *   sex           female, male, other, unknown
 */
#ifndef SEAM_EQUITY_H
#define SEAM_EQUITY_H

#include <stdint.h>

typedef enum eq_dim { EQ_IMD_DECILE, EQ_IMD_QUINTILE, EQ_ETHNICITY, EQ_AGE_BAND, EQ_SEX, EQ_DIM_COUNT } eq_dim;

/* "imd_decile", "imd_quintile", "ethnicity", "age_band", "sex" (exact):
 * 0 and *out set, or -1 (unknown or NULL) leaving *out untouched. */
int eq_dim_parse(const char *s, eq_dim *out);
/* The name eq_dim_parse accepts, or NULL out of range. */
const char *eq_dim_name(eq_dim d);
/* Number of groups of d, including the trailing unknown group; 0 out of range. */
int eq_groups(eq_dim d);
/* The code of group g of d (see the table above), or NULL out of range. */
const char *eq_group_code(eq_dim d, int g);
/* The label of group g of d ("1 (most deprived)", "Asian or Asian British",
 * "Aged 0 to 17", "Female", "Not known", ...), or NULL out of range. */
const char *eq_group_label(eq_dim d, int g);

/*
 * The group index of one person in d, or -1 if d is out of range.
 * imd_decile: 1..10, anything else unknown.  ethnic_group: one of the short
 * codes above (case-insensitive), anything else or NULL not_stated.  sex:
 * "female", "male", "other" (case-insensitive), anything else unknown.
 * birth_day: days since 1970-01-01, INT64_MIN if unknown; a census day
 * before the birth day gives unknown.  The age is whole years at
 * census_day: it goes up on the birthday, and a 29 February birthday is
 * reached on 1 March in non-leap years.
 */
int eq_group_of(eq_dim d, int imd_decile, const char *ethnic_group, const char *sex, int64_t birth_day,
                int64_t census_day);

/* The ethnic group code of an NHS Data Dictionary ethnic category letter
 * (case-insensitive, one letter): A B C white; D E F G mixed; H J K L
 * asian; M N P black; R S other; Z, "99", "", NULL and anything else
 * not_stated.  Returns a static string. */
const char *eq_ethnic_group_from_category(const char *code);
/* The ethnic group code of a group name as stored in patients.ethnicity
 * ("White", "Mixed or Multiple ethnic groups", "Asian or Asian British",
 * "Black, Black British, Caribbean or African", "Other ethnic group",
 * "Not stated") or of a short code itself, case-insensitive; anything
 * else or NULL not_stated.  Returns a static string. */
const char *eq_ethnic_group_from_name(const char *name);
/* The sex code of a Data Dictionary person stated gender code: "1" male,
 * "2" female, "9" (indeterminate) other, "X", "0" and anything else
 * unknown; the words "male", "female", "other", "unknown" are accepted
 * too (case-insensitive).  Returns a static string. */
const char *eq_sex_from_code(const char *code);

#endif
