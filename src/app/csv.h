/*
 * csv.h - writing CSV (RFC 4180): a field is quoted when it holds a comma,
 * a quote or a line break, and a quote inside it is doubled; fields are
 * separated by commas and lines end in CRLF.  The one writer for every
 * CSV Seam writes (the PTL import's rejects, the RTT measures).  Internal
 * to src/app; the reader is csv_read.h.
 */
#ifndef SEAM_CSV_H
#define SEAM_CSV_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes s as one field, quoted if it needs to be. */
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

/* Writes s as one field of a line, then a comma, or the line's end when
 * last. */
static inline void csv_write_cell(FILE *f, const char *s, int last)
{
    csv_write_field(f, s);
    fputs(last ? "\r\n" : ",", f);
}

/* Writes a JSON figure as a cell: an integer as it is, a real to one
 * decimal place (as the measures give them), anything else (null) empty. */
static inline void csv_write_figure(FILE *f, const json_t *v, int last)
{
    char num[32] = "";
    if (json_is_integer(v))
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(num, sizeof(num), "%.1f", json_real_value(v));
    csv_write_cell(f, num, last);
}

/* A CSV text written in memory: csv_open, the csv_write_ functions on
 * c.f, then csv_close for the text. */
typedef struct csv_text {
    FILE *f;
    char *buf;
    size_t len;
} csv_text;

/* 0, or -1 when out of memory. */
static inline int csv_open(csv_text *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    return c->f ? 0 : -1;
}

/* The text written (malloc'd; the caller frees it), or NULL when out of
 * memory. */
static inline char *csv_close(csv_text *c)
{
    if (fclose(c->f) != 0) {
        free(c->buf);
        return NULL;
    }
    return c->buf;
}

#endif
