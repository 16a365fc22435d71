/*
 * sqlb.h - a bounded builder for SQL text with numbered parameters, for
 * queries whose filters depend on the request.  Internal to src/app.
 */
#ifndef SEAM_SQLB_H
#define SEAM_SQLB_H

#include "store/db.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SQLB_MAX_SQL    8192
#define SQLB_MAX_PARAMS 24

typedef struct sqlb {
    char sql[SQLB_MAX_SQL];
    size_t len;
    db_param p[SQLB_MAX_PARAMS];
    int n;
    int overflow;
} sqlb;

static inline void sqlb_init(sqlb *b)
{
    b->len = 0;
    b->sql[0] = '\0';
    b->n = 0;
    b->overflow = 0;
}

/* Appends text; "$?" in s is replaced by the next parameter's number,
 * which must then be given with sqlb_param. */
static inline void sqlb_add(sqlb *b, const char *s)
{
    for (; *s; s++) {
        if (s[0] == '$' && s[1] == '?') {
            int w = snprintf(b->sql + b->len, SQLB_MAX_SQL - b->len, "$%d", b->n + 1);
            if (w < 0 || (size_t)w >= SQLB_MAX_SQL - b->len) {
                b->sql[b->len] = '\0'; /* drop the truncated number */
                b->overflow = 1;
                return;
            }
            b->len += (size_t)w;
            s++;
            continue;
        }
        if (b->len + 1 >= SQLB_MAX_SQL) {
            b->overflow = 1;
            return;
        }
        b->sql[b->len++] = *s;
        b->sql[b->len] = '\0';
    }
}

static inline void sqlb_param(sqlb *b, db_param p)
{
    if (b->n >= SQLB_MAX_PARAMS) {
        b->overflow = 1;
        return;
    }
    b->p[b->n++] = p;
}

/* Appends w's text and parameters to b, keeping w's parameter numbers:
 * b must have no parameters of its own yet (a SELECT head before a shared
 * WHERE).  Sets overflow rather than writing past the end. */
static inline void sqlb_append(sqlb *b, const sqlb *w)
{
    if (b->n != 0 || b->len + w->len + 1 > SQLB_MAX_SQL || w->overflow) {
        b->overflow = 1;
        return;
    }
    memcpy(b->sql + b->len, w->sql, w->len + 1);
    b->len += w->len;
    memcpy(b->p, w->p, sizeof(w->p));
    b->n = w->n;
}

#endif
