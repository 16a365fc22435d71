/*
 * db_backend.h - the inside of the portable SQL layer: the connection
 * (struct db), the table of backend operations each backend fills in, the
 * streaming cursor, and the helpers backends share.  Included only by
 * the .c files of src/store; everything else sees db.h, where db is
 * opaque.
 *
 * Savepoints are not an operation yet: nothing nests a transaction today
 * (every use case is one db_begin .. db_commit).  When something needs
 * them, add savepoint/release/rollback_to here, each backend's SQL being
 * the same ("SAVEPOINT name" runs on both).
 */
#ifndef SEAM_STORE_DB_BACKEND_H
#define SEAM_STORE_DB_BACKEND_H

#include "store/db.h"

/* The backend interface: one static table per backend. */
typedef struct db_ops {
    const char *name;
    int (*exec)(db *d, const char *sql, int n, const db_param *p);
    int (*query)(db *d, const char *sql, int n, const db_param *p, db_rows **out);
    int (*exec_script)(db *d, const char *sql);
    void (*close)(db *d);
    int (*scan)(db *d, const char *sql, int n, const db_param *p, db_scan_fn fn, void *arg);
    /* db_bulk_begin, db_bulk_end and db_set_durable (db.h): settings of
     * the connection, which differ by backend.  (db_analyze needs no op:
     * "ANALYZE table" is the same on both.) */
    int (*bulk_begin)(db *d);
    int (*bulk_end)(db *d);
    int (*set_durable)(db *d, int durable);
} db_ops;

/* A cursor is the backend's current row. */
struct db_cursor {
    long long (*geti)(const db_cursor *c, int col);
    const char *(*gett)(const db_cursor *c, int col);
    int (*isnull)(const db_cursor *c, int col);
    void *h;
    int row;
};

struct db {
    const db_ops *ops;
    db_dialect dialect;
    void *impl;
    long long changes;
    int in_tx;
    char errmsg[512];
};

/* Result construction shared by backends. */
db_rows *db__rows_new(int ncols);
int db__rows_add(db_rows *r, const char *const *cells, const size_t *lens);
int db__open_sqlite(const char *path, db **out, char *err, size_t errlen);
int db__open_pg(const char *url, db **out, char *err, size_t errlen);

#endif
