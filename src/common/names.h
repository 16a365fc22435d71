/*
 * names.h - one lookup for every table of names: an enum's names in value
 * order, or rows (commands, actions, file types) whose first member is the
 * name.  Absent names are -1; there is no other answer to check.
 */
#ifndef SEAM_NAMES_H
#define SEAM_NAMES_H

#include <stddef.h>

/* A table of names: names[i] is the name of value i. */
typedef struct names_table {
    const char *const *names;
    size_t count;
} names_table;

/* The table of a static array of names. */
#define NAMES_TABLE(array)                                                                                             \
    {                                                                                                                  \
        (array), sizeof(array) / sizeof((array)[0])                                                                    \
    }

/* The value (index) of name in t, or -1 when it is not there or name is NULL. */
int names_find(const names_table *t, const char *name);

/* The name of value in t, or NULL when value is out of range. */
const char *names_of(const names_table *t, int value);

/* The index of name among count rows of stride bytes whose first member
 * is a const char * name, or -1 (also for a NULL name). */
int names_find_row(const void *rows, size_t count, size_t stride, const char *name);

#endif
