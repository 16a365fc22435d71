/*
 * names.c - one lookup for every table of names (names.h).
 */
#include "common/names.h"

#include <string.h>

int names_find_row(const void *rows, size_t count, size_t stride, const char *name)
{
    if (name == NULL)
        return -1;
    const char *row = rows;
    for (size_t i = 0; i < count; i++, row += stride) {
        const char *candidate;
        memcpy(&candidate, row, sizeof(candidate));
        if (candidate && strcmp(candidate, name) == 0)
            return (int)i;
    }
    return -1;
}

int names_find(const names_table *t, const char *name)
{
    return names_find_row(t->names, t->count, sizeof(t->names[0]), name);
}

const char *names_of(const names_table *t, int value)
{
    return value >= 0 && (size_t)value < t->count ? t->names[value] : NULL;
}
