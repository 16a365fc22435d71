/*
 * csv.h - writing CSV (RFC 4180): a field is quoted when it holds a comma,
 * a quote or a line break, and a quote inside it is doubled.  The one rule
 * for every CSV Seam writes.  Internal to src/app.
 */
#ifndef SEAM_CSV_H
#define SEAM_CSV_H

#include <stdio.h>
#include <string.h>

static inline void csv_write_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

#endif
