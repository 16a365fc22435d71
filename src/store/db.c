/*
 * db.c - backend-independent parts of the SQL layer: URL dispatch,
 * transactions and materialised rows.
 */
#include "store/db_backend.h"
#include "common/rc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct db_rows {
    int ncols;
    int nrows;
    int cap;
    char **cells; /* nrows * ncols, NULL for SQL NULL */
};

int db_open(const char *url, db **out, char *err, size_t errlen)
{
    *out = NULL;
    if (url == NULL || *url == '\0') {
        snprintf(err, errlen, "no database given (use --db PATH)");
        return SEAM_EBADREQ;
    }
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
        return db__open_pg(url, out, err, errlen);
    }
    if (strncmp(url, "sqlite:", 7) == 0)
        url += 7;
    return db__open_sqlite(url, out, err, errlen);
}

void db_close(db *d)
{
    if (d)
        d->ops->close(d);
}

db_dialect db_dialect_of(const db *d)
{
    return d->dialect;
}

int db_exec(db *d, const char *sql, int n, const db_param *p)
{
    return d->ops->exec(d, sql, n, p);
}

int db_query(db *d, const char *sql, int n, const db_param *p, db_rows **out)
{
    *out = NULL;
    return d->ops->query(d, sql, n, p, out);
}

int db_scan(db *d, const char *sql, int n, const db_param *p, db_scan_fn fn, void *arg)
{
    return d->ops->scan(d, sql, n, p, fn, arg);
}

long long db_cur_int(const db_cursor *c, int col)
{
    return c->geti(c, col);
}

const char *db_cur_text(const db_cursor *c, int col)
{
    return c->gett(c, col);
}

int db_cur_isnull(const db_cursor *c, int col)
{
    return c->isnull(c, col);
}

int db_exec_script(db *d, const char *sql)
{
    return d->ops->exec_script(d, sql);
}

long long db_changes(db *d)
{
    return d->changes;
}

const char *db_errmsg(db *d)
{
    return d->errmsg;
}

void db_set_error(db *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->errmsg, sizeof(d->errmsg), fmt, ap);
    va_end(ap);
}

int db_bulk_begin(db *d)
{
    return d->ops->bulk_begin(d);
}

int db_bulk_end(db *d)
{
    return d->ops->bulk_end(d);
}

int db_analyze(db *d, const char *table)
{
    if (table == NULL || *table == '\0' || strspn(table, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(table)) {
        db_set_error(d, "not a table name: %s", table ? table : "(none)");
        return SEAM_EBADREQ;
    }
    char sql[160];
    if ((size_t)snprintf(sql, sizeof(sql), "ANALYZE %s", table) >= sizeof(sql)) {
        db_set_error(d, "not a table name: %.64s...", table);
        return SEAM_EBADREQ;
    }
    return db_exec(d, sql, 0, NULL);
}

int db_set_durable(db *d, int durable)
{
    return d->ops->set_durable(d, durable);
}

int db_begin(db *d)
{
    int rc = db_exec(d, d->dialect == DB_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN", 0, NULL);
    if (rc == 0)
        d->in_tx = 1;
    return rc;
}

int db_commit(db *d)
{
    int rc = db_exec(d, "COMMIT", 0, NULL);
    if (rc == 0)
        d->in_tx = 0;
    return rc;
}

int db_rollback(db *d)
{
    if (!d->in_tx)
        return 0;
    d->in_tx = 0;
    return db_exec(d, "ROLLBACK", 0, NULL);
}

db_rows *db__rows_new(int ncols)
{
    db_rows *r = calloc(1, sizeof(*r));
    if (r)
        r->ncols = ncols;
    return r;
}

int db__rows_add(db_rows *r, const char *const *cells, const size_t *lens)
{
    if (r->nrows == r->cap) {
        int ncap = r->cap ? r->cap * 2 : 16;
        char **nc = realloc(r->cells, (size_t)ncap * (size_t)(r->ncols ? r->ncols : 1) * sizeof(char *));
        if (nc == NULL)
            return SEAM_ENOMEM;
        r->cells = nc;
        r->cap = ncap;
    }
    for (int c = 0; c < r->ncols; c++) {
        char *v = NULL;
        if (cells[c]) {
            v = malloc(lens[c] + 1);
            if (v == NULL) {
                for (int k = 0; k < c; k++)
                    free(r->cells[r->nrows * r->ncols + k]);
                return SEAM_ENOMEM;
            }
            memcpy(v, cells[c], lens[c]);
            v[lens[c]] = '\0';
        }
        r->cells[r->nrows * r->ncols + c] = v;
    }
    r->nrows++;
    return 0;
}

int db_nrows(const db_rows *r)
{
    return r ? r->nrows : 0;
}

int db_ncols(const db_rows *r)
{
    return r ? r->ncols : 0;
}

const char *db_get(const db_rows *r, int row, int col)
{
    if (r == NULL || row < 0 || row >= r->nrows || col < 0 || col >= r->ncols)
        return NULL;
    return r->cells[row * r->ncols + col];
}

long long db_geti(const db_rows *r, int row, int col)
{
    const char *v = db_get(r, row, col);
    return v ? strtoll(v, NULL, 10) : 0;
}

int db_isnull(const db_rows *r, int row, int col)
{
    return db_get(r, row, col) == NULL;
}

void db_rows_free(db_rows *r)
{
    if (r == NULL)
        return;
    for (int i = 0; i < r->nrows * r->ncols; i++)
        free(r->cells[i]);
    free(r->cells);
    free(r);
}

int db_query_int(db *d, const char *sql, int n, const db_param *p, long long dflt, long long *out)
{
    db_rows *r;
    int rc = db_query(d, sql, n, p, &r);
    if (rc)
        return rc;
    *out = db_nrows(r) > 0 && !db_isnull(r, 0, 0) ? db_geti(r, 0, 0) : dflt;
    db_rows_free(r);
    return 0;
}
