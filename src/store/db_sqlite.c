/*
 * db_sqlite.c - the SQLite backend (the embedded default).
 *
 * WAL mode with synchronous=FULL: an acknowledged commit survives a crash
 * or power cut.  Parameters $1..$n are bound by name, so a statement may
 * use them in any order and more than once.
 */
#include "common/rc.h"
#include "store/db_backend.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prepared statements, per connection, keyed by SQL text: a statement is
 * parsed and planned once. */
#define SQLITE_CACHE 128

typedef struct sqlite_impl {
    sqlite3 *h;
    struct {
        char *sql;
        sqlite3_stmt *st;
        int *pmap; /* pmap[i]: the bind index of $i+1, 0 if unused */
        int npmap;
    } cache[SQLITE_CACHE];
    int next;
} sqlite_impl;

#define HANDLE(d) (((sqlite_impl *)(d)->impl)->h)

static int sqlite_rc(db *d, sqlite3 *h, int src)
{
    snprintf(d->errmsg, sizeof(d->errmsg), "%s", sqlite3_errmsg(h));
    switch (src & 0xff) {
    case SQLITE_CONSTRAINT: return SEAM_ECONFLICT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return SEAM_EUNAVAIL;
    case SQLITE_NOMEM: return SEAM_ENOMEM;
    case SQLITE_TOOBIG: return SEAM_ETOOBIG;
    default: return SEAM_EIO;
    }
}

/* Returns a statement to the cache for its next use. */
static void sqlite_release(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static int sqlite_prepare(db *d, const char *sql, int n, const db_param *p, sqlite3_stmt **out)
{
    sqlite_impl *im = d->impl;
    sqlite3 *h = im->h;
    sqlite3_stmt *st = NULL;
    int src, slot = -1;
    for (int i = 0; i < SQLITE_CACHE; i++)
        if (im->cache[i].sql && strcmp(im->cache[i].sql, sql) == 0) {
            st = im->cache[i].st;
            slot = i;
            break;
        }
    if (st == NULL) {
        src = sqlite3_prepare_v3(h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
        if (src != SQLITE_OK)
            return sqlite_rc(d, h, src);
        char *copy = strdup(sql);
        if (copy == NULL) {
            sqlite3_finalize(st);
            return SEAM_ENOMEM;
        }
        /* Which bind index each $n has, found once: binding by name on
         * every execution costs more than the statement itself. */
        int count = sqlite3_bind_parameter_count(st), npmap = 0;
        for (int j = 1; j <= count; j++) {
            const char *name = sqlite3_bind_parameter_name(st, j);
            long k = name && name[0] == '$' ? strtol(name + 1, NULL, 10) : 0;
            if (k > npmap)
                npmap = (int)k;
        }
        int *pmap = calloc((size_t)npmap + 1, sizeof(int));
        if (pmap == NULL) {
            free(copy);
            sqlite3_finalize(st);
            return SEAM_ENOMEM;
        }
        for (int j = 1; j <= count; j++) {
            const char *name = sqlite3_bind_parameter_name(st, j);
            long k = name && name[0] == '$' ? strtol(name + 1, NULL, 10) : 0;
            if (k >= 1)
                pmap[k - 1] = j;
        }
        slot = im->next;
        im->next = (im->next + 1) % SQLITE_CACHE;
        if (im->cache[slot].sql) {
            sqlite3_finalize(im->cache[slot].st);
            free(im->cache[slot].sql);
            free(im->cache[slot].pmap);
        }
        im->cache[slot].sql = copy;
        im->cache[slot].st = st;
        im->cache[slot].pmap = pmap;
        im->cache[slot].npmap = npmap;
    }
    const int *pmap = im->cache[slot].pmap;
    int npmap = im->cache[slot].npmap;
    for (int i = 0; i < n; i++) {
        int idx = i < npmap ? pmap[i] : 0;
        if (idx == 0)
            continue; /* parameter not used by this statement */
        switch (p[i].type) {
        case DB_NULL: src = sqlite3_bind_null(st, idx); break;
        case DB_INT: src = sqlite3_bind_int64(st, idx, p[i].i); break;
        /* SQLITE_STATIC: the caller's text outlives the statement's use,
         * as every call steps and resets it before returning. */
        case DB_TEXT: src = sqlite3_bind_text(st, idx, p[i].s, -1, SQLITE_STATIC); break;
        }
        if (src != SQLITE_OK) {
            int rc = sqlite_rc(d, h, src);
            sqlite_release(st);
            return rc;
        }
    }
    *out = st;
    return 0;
}

static int sqlite_exec(db *d, const char *sql, int n, const db_param *p)
{
    sqlite3_stmt *st;
    int rc = sqlite_prepare(d, sql, n, p, &st);
    if (rc)
        return rc;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW)
        ;
    if (src != SQLITE_DONE)
        rc = sqlite_rc(d, HANDLE(d), src);
    else
        d->changes = sqlite3_changes(HANDLE(d));
    sqlite_release(st);
    return rc;
}

static int sqlite_query(db *d, const char *sql, int n, const db_param *p, db_rows **out)
{
    sqlite3_stmt *st;
    int rc = sqlite_prepare(d, sql, n, p, &st);
    if (rc)
        return rc;
    int ncols = sqlite3_column_count(st);
    db_rows *rows = db__rows_new(ncols);
    if (rows == NULL) {
        sqlite_release(st);
        return SEAM_ENOMEM;
    }
    const char **cells = calloc((size_t)(ncols ? ncols : 1), sizeof(char *));
    size_t *lens = calloc((size_t)(ncols ? ncols : 1), sizeof(size_t));
    if (cells == NULL || lens == NULL) {
        rc = SEAM_ENOMEM;
        goto out;
    }
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < ncols; c++) {
            if (sqlite3_column_type(st, c) == SQLITE_NULL) {
                cells[c] = NULL;
                lens[c] = 0;
            } else {
                cells[c] = (const char *)sqlite3_column_text(st, c);
                lens[c] = (size_t)sqlite3_column_bytes(st, c);
            }
        }
        rc = db__rows_add(rows, cells, lens);
        if (rc)
            goto out;
    }
    if (src != SQLITE_DONE)
        rc = sqlite_rc(d, HANDLE(d), src);
    else
        d->changes = sqlite3_changes(HANDLE(d));
out:
    free(cells);
    free(lens);
    sqlite_release(st);
    if (rc)
        db_rows_free(rows);
    else
        *out = rows;
    return rc;
}

static long long sqlite_cur_int(const db_cursor *c, int col)
{
    return (long long)sqlite3_column_int64(c->h, col);
}

static const char *sqlite_cur_text(const db_cursor *c, int col)
{
    return (const char *)sqlite3_column_text(c->h, col);
}

static int sqlite_cur_isnull(const db_cursor *c, int col)
{
    return sqlite3_column_type(c->h, col) == SQLITE_NULL;
}

static int sqlite_scan(db *d, const char *sql, int n, const db_param *p, db_scan_fn fn, void *arg)
{
    sqlite3_stmt *st;
    int rc = sqlite_prepare(d, sql, n, p, &st);
    if (rc)
        return rc;
    db_cursor cur = {sqlite_cur_int, sqlite_cur_text, sqlite_cur_isnull, st, 0};
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rc = fn(arg, &cur)) != 0)
            break;
        cur.row++;
    }
    if (rc == 0 && src != SQLITE_DONE)
        rc = sqlite_rc(d, HANDLE(d), src);
    sqlite_release(st);
    return rc;
}

static int sqlite_exec_script(db *d, const char *sql)
{
    char *msg = NULL;
    int src = sqlite3_exec(HANDLE(d), sql, NULL, NULL, &msg);
    if (src != SQLITE_OK) {
        snprintf(d->errmsg, sizeof(d->errmsg), "%s", msg ? msg : sqlite3_errstr(src));
        sqlite3_free(msg);
        return src == SQLITE_CONSTRAINT ? SEAM_ECONFLICT : SEAM_EIO;
    }
    return 0;
}

static void sqlite_close(db *d)
{
    sqlite_impl *im = d->impl;
    for (int i = 0; i < SQLITE_CACHE; i++) {
        if (im->cache[i].sql) {
            sqlite3_finalize(im->cache[i].st);
            free(im->cache[i].sql);
            free(im->cache[i].pmap);
        }
    }
    sqlite3_close_v2(im->h);
    free(im);
    free(d);
}

/*
 * Bulk loading: a big cache keeps the indexes in memory, temporary storage
 * in memory, and no foreign key checks, as the loader has checked every
 * reference a row makes.  The settings are runs of their own: a failed
 * one leaves the others, so the first failure is returned after all ran.
 */
static int sqlite_pragmas(db *d, const char *const *sql, int n)
{
    int rc = 0;
    for (int i = 0; i < n; i++) {
        int r = sqlite_exec(d, sql[i], 0, NULL);
        if (rc == 0)
            rc = r;
    }
    return rc;
}

static int sqlite_bulk_begin(db *d)
{
    static const char *const on[] = {"PRAGMA cache_size = -262144", "PRAGMA temp_store = MEMORY",
                                     "PRAGMA foreign_keys = OFF"};
    return sqlite_pragmas(d, on, 3);
}

/* Back to db_open's settings (SQLite's default cache, foreign keys on). */
static int sqlite_bulk_end(db *d)
{
    static const char *const off[] = {"PRAGMA cache_size = -2000", "PRAGMA temp_store = DEFAULT",
                                      "PRAGMA foreign_keys = ON"};
    return sqlite_pragmas(d, off, 3);
}

static int sqlite_set_durable(db *d, int durable)
{
    return sqlite_exec(d, durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF", 0, NULL);
}

static const db_ops sqlite_ops = {
    .name = "sqlite",
    .exec = sqlite_exec,
    .query = sqlite_query,
    .exec_script = sqlite_exec_script,
    .close = sqlite_close,
    .scan = sqlite_scan,
    .bulk_begin = sqlite_bulk_begin,
    .bulk_end = sqlite_bulk_end,
    .set_durable = sqlite_set_durable,
};

int db__open_sqlite(const char *path, db **out, char *err, size_t errlen)
{
    sqlite3 *h = NULL;
    int src = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
    if (src != SQLITE_OK) {
        snprintf(err, errlen, "cannot open SQLite database %s: %s", path, h ? sqlite3_errmsg(h) : sqlite3_errstr(src));
        sqlite3_close_v2(h);
        return SEAM_EIO;
    }
    sqlite3_busy_timeout(h, 15000);
    char *msg = NULL;
    src =
        sqlite3_exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", NULL, NULL, &msg);
    if (src != SQLITE_OK) {
        snprintf(err, errlen, "cannot use %s as a SQLite database: %s", path, msg ? msg : sqlite3_errstr(src));
        sqlite3_free(msg);
        sqlite3_close_v2(h);
        return SEAM_EIO;
    }
    db *d = calloc(1, sizeof(*d));
    sqlite_impl *im = calloc(1, sizeof(*im));
    if (d == NULL || im == NULL) {
        free(d);
        free(im);
        sqlite3_close_v2(h);
        return SEAM_ENOMEM;
    }
    im->h = h;
    d->ops = &sqlite_ops;
    d->dialect = DB_SQLITE;
    d->impl = im;
    *out = d;
    return 0;
}
