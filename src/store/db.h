/*
 * db.h - the portable SQL layer.
 *
 * One SQL text runs on every backend: parameters are written $1, $2, ...
 * and bound by number.  A db is one connection, used by one thread at a
 * time.  Query results are materialised as text (like a PGresult): the
 * caller reads cells by row and column and frees the rows once.
 *
 * Backends sit behind a table of function pointers (db_ops) chosen by the
 * URL given to db_open(): "sqlite:PATH" or a plain path for SQLite,
 * "postgresql://..." (or "postgres://...") for PostgreSQL.  The table, the
 * connection's insides and the cursor live in store/db_backend.h, seen
 * only by src/store: here db, db_rows and db_cursor are opaque.
 */
#ifndef SEAM_DB_H
#define SEAM_DB_H

#include <stddef.h>

typedef struct db db;
typedef struct db_rows db_rows;

typedef enum db_type { DB_NULL = 0, DB_INT, DB_TEXT } db_type;

typedef struct db_param {
    db_type type;
    long long i;
    const char *s;
} db_param;

#define DBP_INT(x) ((db_param){DB_INT, (long long)(x), NULL})
/* A text parameter; NULL binds SQL NULL. */
static inline db_param db_text_param(const char *s)
{
    db_param p = {s ? DB_TEXT : DB_NULL, 0, s};
    return p;
}
#define DBP_TEXT(x) db_text_param(x)
#define DBP_NULL    ((db_param){DB_NULL, 0, NULL})

/* Which dialect a connection speaks, for the few places SQL differs. */
typedef enum db_dialect { DB_SQLITE = 1, DB_POSTGRES = 2 } db_dialect;

/*
 * Opens a connection to url.  On failure returns a negative seam_rc and
 * writes a sentence into err (errlen bytes); *out is then NULL.
 */
int db_open(const char *url, db **out, char *err, size_t errlen);
void db_close(db *d);
db_dialect db_dialect_of(const db *d);

/* Runs a statement that returns no rows.  Returns 0 or a negative
 * seam_rc (SEAM_ECONFLICT for a constraint violation, SEAM_EUNAVAIL when
 * the database is busy or gone); db_errmsg() then says why. */
int db_exec(db *d, const char *sql, int n, const db_param *p);
/* Runs a query; on success *out holds every row (free with db_rows_free). */
int db_query(db *d, const char *sql, int n, const db_param *p, db_rows **out);
/* Runs several statements with no parameters (migrations). */
int db_exec_script(db *d, const char *sql);
/* Rows changed by the last db_exec. */
long long db_changes(db *d);
const char *db_errmsg(db *d);

/* Transactions.  db_begin takes the write lock at once (BEGIN IMMEDIATE on
 * SQLite) so that two writers never deadlock half-way. */
int db_begin(db *d);
int db_commit(db *d);
int db_rollback(db *d);

int db_nrows(const db_rows *r);
int db_ncols(const db_rows *r);
/* The cell as text, or NULL for SQL NULL. */
const char *db_get(const db_rows *r, int row, int col);
/* The cell as an integer (0 for NULL or non-numeric). */
long long db_geti(const db_rows *r, int row, int col);
int db_isnull(const db_rows *r, int row, int col);
void db_rows_free(db_rows *r);

/* Convenience: first column of the first row as an integer, or dflt when
 * there is no row.  Returns 0 or a negative seam_rc. */
int db_query_int(db *d, const char *sql, int n, const db_param *p, long long dflt, long long *out);

/*
 * Streams the rows of a query to fn one at a time, for scans too large to
 * materialise (the national waiting-list measures).  fn reads cells with
 * db_cur_int / db_cur_text, which are valid only during the call, and
 * returns 0 to go on or non-zero to stop (db_scan then returns that).
 * SQLite steps the statement; PostgreSQL reads one result at a time.
 */
typedef struct db_cursor db_cursor;
typedef int (*db_scan_fn)(void *arg, const db_cursor *c);
int db_scan(db *d, const char *sql, int n, const db_param *p, db_scan_fn fn, void *arg);
long long db_cur_int(const db_cursor *c, int col);    /* 0 for NULL */
const char *db_cur_text(const db_cursor *c, int col); /* NULL for NULL */
int db_cur_isnull(const db_cursor *c, int col);

/*
 * Bulk loading (the PTL import).  db_bulk_begin sets the connection up for
 * a long run of inserts whose references the caller has checked itself:
 * on SQLite a large page cache, temporary storage in memory and no
 * foreign key checks; on PostgreSQL nothing changes (it checks foreign keys
 * anyway).  db_bulk_end puts the connection back as db_open left it; it
 * may be called without a db_bulk_begin.  Both return 0 or a negative
 * seam_rc.
 */
int db_bulk_begin(db *d);
int db_bulk_end(db *d);

/* Refreshes the planner's statistics of table (ANALYZE), a plain name of
 * letters, digits and underscores (SEAM_EBADREQ otherwise). */
int db_analyze(db *d, const char *table);

/* Trades durability for speed (durable = 0) while replayable data is
 * generated, or restores it (durable = 1): SQLite's synchronous setting,
 * PostgreSQL's synchronous_commit. */
int db_set_durable(db *d, int durable);

/* Sets the message db_errmsg() returns, for a caller that refuses a
 * database for its own reason (printf-style). */
void db_set_error(db *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
