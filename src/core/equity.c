/*
 * equity.c - equity dimensions and groups (see equity.h).  Each dimension
 * is one static table of codes and labels; the unknown group is last.
 */
#include "equity.h"
#include "seam_time.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#define MAX_GROUPS 11

typedef struct eq_table {
    const char *name;
    int n;
    const char *codes[MAX_GROUPS];
    const char *labels[MAX_GROUPS];
} eq_table;

static const eq_table tables[EQ_DIM_COUNT] = {
    [EQ_IMD_DECILE] = {"imd_decile",
                       11,
                       {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "unknown"},
                       {"1 (most deprived)", "2", "3", "4", "5", "6", "7", "8", "9", "10 (least deprived)",
                        "Not known"}},
    [EQ_IMD_QUINTILE] = {"imd_quintile",
                         6,
                         {"1", "2", "3", "4", "5", "unknown"},
                         {"1 (most deprived)", "2", "3", "4", "5 (least deprived)", "Not known"}},
    [EQ_ETHNICITY] = {"ethnicity",
                      6,
                      {"white", "mixed", "asian", "black", "other", "not_stated"},
                      {"White", "Mixed or Multiple ethnic groups", "Asian or Asian British",
                       "Black, Black British, Caribbean or African", "Other ethnic group", "Not stated"}},
    [EQ_AGE_BAND] = {"age_band",
                     6,
                     {"0-17", "18-39", "40-64", "65-79", "80+", "unknown"},
                     {"Aged 0 to 17", "Aged 18 to 39", "Aged 40 to 64", "Aged 65 to 79", "Aged 80 and over",
                      "Not known"}},
    [EQ_SEX] = {"sex", 4, {"female", "male", "other", "unknown"}, {"Female", "Male", "Other", "Not known"}},
};

/* Lower bound (inclusive) of each age band but the unknown one. */
static const int age_floor[] = {0, 18, 40, 65, 80};
#define AGE_BANDS ((int)(sizeof age_floor / sizeof age_floor[0]))

int eq_dim_parse(const char *s, eq_dim *out)
{
    if (s == NULL || out == NULL)
        return -1;
    for (int d = 0; d < EQ_DIM_COUNT; d++) {
        if (strcmp(tables[d].name, s) == 0) {
            *out = (eq_dim)d;
            return 0;
        }
    }
    return -1;
}

const char *eq_dim_name(eq_dim d)
{
    return (unsigned)d < EQ_DIM_COUNT ? tables[d].name : NULL;
}

int eq_groups(eq_dim d)
{
    return (unsigned)d < EQ_DIM_COUNT ? tables[d].n : 0;
}

const char *eq_group_code(eq_dim d, int g)
{
    if ((unsigned)d >= EQ_DIM_COUNT || g < 0 || g >= tables[d].n)
        return NULL;
    return tables[d].codes[g];
}

const char *eq_group_label(eq_dim d, int g)
{
    if ((unsigned)d >= EQ_DIM_COUNT || g < 0 || g >= tables[d].n)
        return NULL;
    return tables[d].labels[g];
}

/* Index of s among the codes of d, case-insensitive, or the unknown group. */
static int code_index(eq_dim d, const char *s)
{
    const eq_table *t = &tables[d];
    if (s != NULL)
        for (int g = 0; g < t->n - 1; g++)
            if (strcasecmp(t->codes[g], s) == 0)
                return g;
    return t->n - 1;
}

/* Whole years from birth_day to census_day, or -1 if unknown or negative.
 * Comparing (month, day) pairs gives the 1 March rule for 29 February
 * birthdays: in a non-leap year 28 February is before (2, 29) and
 * 1 March is not. */
static int age_at(int64_t birth_day, int64_t census_day)
{
    if (birth_day == INT64_MIN || census_day < birth_day)
        return -1;
    int by, bm, bd, cy, cm, cd;
    seam_civil_from_days(birth_day, &by, &bm, &bd);
    seam_civil_from_days(census_day, &cy, &cm, &cd);
    int age = cy - by;
    if (cm < bm || (cm == bm && cd < bd))
        age--;
    return age;
}

int eq_group_of(eq_dim d, int imd_decile, const char *ethnic_group, const char *sex, int64_t birth_day,
                int64_t census_day)
{
    switch (d) {
    case EQ_IMD_DECILE: return imd_decile >= 1 && imd_decile <= 10 ? imd_decile - 1 : 10;
    case EQ_IMD_QUINTILE: return imd_decile >= 1 && imd_decile <= 10 ? (imd_decile - 1) / 2 : 5;
    case EQ_ETHNICITY: return code_index(EQ_ETHNICITY, ethnic_group);
    case EQ_SEX: return code_index(EQ_SEX, sex);
    case EQ_AGE_BAND: {
        int age = age_at(birth_day, census_day);
        if (age < 0)
            return AGE_BANDS;
        int g = 0;
        while (g + 1 < AGE_BANDS && age >= age_floor[g + 1])
            g++;
        return g;
    }
    default: return -1;
    }
}

const char *eq_ethnic_group_from_category(const char *code)
{
    if (code == NULL || code[0] == '\0' || code[1] != '\0')
        return "not_stated";
    switch (code[0]) {
    case 'A':
    case 'a':
    case 'B':
    case 'b':
    case 'C':
    case 'c': return "white";
    case 'D':
    case 'd':
    case 'E':
    case 'e':
    case 'F':
    case 'f':
    case 'G':
    case 'g': return "mixed";
    case 'H':
    case 'h':
    case 'J':
    case 'j':
    case 'K':
    case 'k':
    case 'L':
    case 'l': return "asian";
    case 'M':
    case 'm':
    case 'N':
    case 'n':
    case 'P':
    case 'p': return "black";
    case 'R':
    case 'r':
    case 'S':
    case 's': return "other";
    default: return "not_stated";
    }
}

const char *eq_ethnic_group_from_name(const char *name)
{
    const eq_table *t = &tables[EQ_ETHNICITY];
    if (name != NULL)
        for (int g = 0; g < t->n; g++)
            if (strcasecmp(t->labels[g], name) == 0 || strcasecmp(t->codes[g], name) == 0)
                return t->codes[g];
    return t->codes[t->n - 1];
}

const char *eq_sex_from_code(const char *code)
{
    if (code == NULL)
        return "unknown";
    if (strcmp(code, "1") == 0 || strcasecmp(code, "male") == 0)
        return "male";
    if (strcmp(code, "2") == 0 || strcasecmp(code, "female") == 0)
        return "female";
    if (strcmp(code, "9") == 0 || strcasecmp(code, "other") == 0)
        return "other";
    return "unknown";
}
