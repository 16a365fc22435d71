/*
 * frame/rows.h - reading rows into answers: a page of a list with its total
 * and its read audit (app__list), one visible row (app__one, app__one_by_id),
 * a query into a JSON array (app__rows).  Internal to src/app; included by
 * frame/frame.h.  (frame/load.c and frame/page.c hold the loaders the care
 * room uses; these are the ones advice and patients use.)
 */
#ifndef SEAM_FRAME_ROWS_H
#define SEAM_FRAME_ROWS_H

#include "app/app.h"
#include "app/frame/sqlb.h"

/* One row of a list as JSON (a new reference). */
typedef json_t *(*app_row_json)(app_ctx *ctx, const db_rows *r, int i);

/* A list query over the shared FROM ... WHERE ... of a request. */
typedef struct app_list_query {
    const char *columns;    /* what follows SELECT: " a.id, a.status, ..." */
    const sqlb *from_where; /* " FROM ... WHERE ..." with its parameters */
    const char *order_by;   /* " ORDER BY ..." (no parameters) */
    app_row_json row_json;
    const char *key;         /* the answer's list: "advice", "patients" */
    const char *read_action; /* the audit event each row shown writes ("read.advice_list"); NULL: none */
    const char *object_type; /* of that event */
    int id_col;              /* the row's object id column; -1: 0 (an object with a text key) */
    int patient_col;         /* the row's patient NHS number column */
} app_list_query;

/*
 * Runs a list: "SELECT count(*)" over from_where for the total, then the
 * columns over from_where, ordered, for page a->page (from 1) of
 * a->page_size rows; each row shown is turned into JSON and its read
 * recorded.  *out is {key: [...], "page", "page_size", "total"}.  A query
 * longer than the builder holds is 500 "Query too long.".
 */
int app__list(app_ctx *ctx, const app_list_query *q, const app_list_args *a, json_t **out);

/*
 * Runs b, a SELECT of the one row (at most) the caller may see, and turns
 * that row into JSON with row_json: 0 and *out set; SEAM_ENOTFOUND, not
 * recorded on ctx (the caller says what is not visible), when there is no
 * row; a storage error recorded on ctx; 500 "Query too long." when b
 * overflowed.  The one load-one-visible-or-404.
 */
int app__one(app_ctx *ctx, const sqlb *b, app_row_json row_json, json_t **out);

/* A visibility rule: appends " AND ..." over the query's aliases. */
typedef void (*app_visibility_fn)(app_ctx *ctx, sqlb *b);

/* app__one over select_from (" SELECT ... FROM ...") + " WHERE id_column =
 * id" + the caller's visibility.  SEAM_ENOTFOUND is not recorded. */
int app__one_by_id(app_ctx *ctx, const char *select_from, const char *id_column, long long id,
                   app_visibility_fn visibility, app_row_json row_json, json_t **out);

/* Runs sql (n parameters p) and turns every row into JSON with row_json:
 * 0 and *out a new array, or the storage error recorded on ctx. */
int app__rows(app_ctx *ctx, const char *sql, int n, const db_param *p, app_row_json row_json, json_t **out);

#endif
