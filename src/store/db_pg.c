/*
 * db_pg.c - the PostgreSQL backend (libpq), for deployments that outgrow
 * one machine.
 *
 * The SQL text is the same as on SQLite.  Integer parameters are sent
 * typed (int8); text parameters are sent untyped so the server infers
 * them from context, as it does for a literal.  Parameters a statement
 * does not use are declared text so the server does not ask their type.
 *
 * A lost connection is reported as SEAM_EUNAVAIL (HTTP 503) and
 * re-established on the connection's next use.
 */
#include "common/rc.h"
#include "store/db_backend.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INT8OID       20
#define TEXTOID       25
#define PG_MAX_PARAMS 64

/* Prepared statements, per connection, keyed by SQL text and parameter
 * types: a statement is planned once, not on every execution (the
 * referral view joins thirteen tables; planning it costs more than
 * running it). */
#define PG_CACHE 256

typedef struct pg_stmt {
    char *key; /* types signature + "\n" + SQL */
    char name[16];
} pg_stmt;

typedef struct pg_impl {
    PGconn *conn;
    char *url;
    pg_stmt cache[PG_CACHE];
    int next; /* round-robin eviction */
    int serial;
} pg_impl;

static void cache_clear(pg_impl *pg)
{
    for (int i = 0; i < PG_CACHE; i++) {
        free(pg->cache[i].key);
        pg->cache[i].key = NULL;
    }
    pg->next = 0;
}

static void set_err(db *d, const char *msg)
{
    snprintf(d->errmsg, sizeof(d->errmsg), "%s", msg ? msg : "unknown PostgreSQL error");
    size_t n = strlen(d->errmsg);
    while (n > 0 && (d->errmsg[n - 1] == '\n' || d->errmsg[n - 1] == ' '))
        d->errmsg[--n] = '\0';
}

/* Makes sure the connection is up; reconnects a broken one.  A broken
 * connection inside a transaction loses that transaction. */
static int pg_ready(db *d)
{
    pg_impl *pg = d->impl;
    if (PQstatus(pg->conn) == CONNECTION_OK)
        return 0;
    PQreset(pg->conn);
    cache_clear(pg); /* prepared statements die with the session */
    if (PQstatus(pg->conn) != CONNECTION_OK) {
        set_err(d, PQerrorMessage(pg->conn));
        return SEAM_EUNAVAIL;
    }
    PQclear(PQexec(
        pg->conn,
        "SET client_min_messages = warning; SET plan_cache_mode = force_generic_plan; SET application_name = 'seam'"));
    return 0;
}

static int pg_result_rc(db *d, PGresult *res)
{
    pg_impl *pg = d->impl;
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return 0;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    set_err(d, res ? PQresultErrorMessage(res) : PQerrorMessage(pg->conn));
    if (PQstatus(pg->conn) != CONNECTION_OK || state == NULL) {
        d->in_tx = 0; /* the server has rolled it back */
        return SEAM_EUNAVAIL;
    }
    if (strncmp(state, "23", 2) == 0)
        return SEAM_ECONFLICT; /* integrity constraint violation */
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
        return SEAM_ECONFLICT; /* serialization failure, deadlock */
    if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0 || strcmp(state, "53300") == 0)
        return SEAM_EUNAVAIL;
    if (strcmp(state, "54000") == 0 || strcmp(state, "54001") == 0)
        return SEAM_ETOOBIG;
    return SEAM_EIO;
}

/* Marks which $n the statement uses (1-based, up to max). */
static void params_used(const char *sql, int max, unsigned char *used)
{
    memset(used, 0, (size_t)max + 1);
    int in_str = 0;
    for (const char *s = sql; *s; s++) {
        if (*s == '\'')
            in_str = !in_str;
        if (in_str || *s != '$' || s[1] < '0' || s[1] > '9')
            continue;
        int n = 0;
        const char *t = s + 1;
        while (*t >= '0' && *t <= '9')
            n = n * 10 + (*t++ - '0');
        if (n >= 1 && n <= max)
            used[n] = 1;
        s = t - 1;
    }
}

/* The values and types of n parameters: integers typed int8 (as text in
 * ints), text untyped where the statement uses it so the server infers
 * it, and declared text where unused so the server does not ask. */
static void bind_params(const char *sql, int n, const db_param *p, Oid *types, const char **values, char ints[][24])
{
    unsigned char used[PG_MAX_PARAMS + 1];
    params_used(sql, n, used);
    for (int i = 0; i < n; i++) {
        switch (p[i].type) {
        case DB_INT:
            snprintf(ints[i], 24, "%lld", p[i].i);
            values[i] = ints[i];
            types[i] = INT8OID;
            break;
        case DB_TEXT:
            values[i] = p[i].s;
            types[i] = used[i + 1] ? 0 : TEXTOID;
            break;
        default:
            values[i] = NULL;
            types[i] = used[i + 1] ? 0 : TEXTOID;
            break;
        }
    }
}

/* The prepared statement for sql with these parameter types: from the
 * cache, or prepared now in the next slot (the one there is deallocated).
 * Returns 0 with *out, or rc with the error set. */
static int stmt_for(db *d, const char *sql, int n, const Oid *types, pg_stmt **out)
{
    pg_impl *pg = d->impl;
    char sig[PG_MAX_PARAMS + 2];
    for (int i = 0; i < n; i++)
        sig[i] = types[i] == INT8OID ? 'i' : types[i] == TEXTOID ? 't' : 'u';
    sig[n] = '\n';
    sig[n + 1] = '\0';
    size_t klen = (size_t)n + 1 + strlen(sql);
    for (int i = 0; i < PG_CACHE; i++) {
        pg_stmt *c = &pg->cache[i];
        if (c->key && strlen(c->key) == klen && memcmp(c->key, sig, (size_t)n + 1) == 0 &&
            strcmp(c->key + n + 1, sql) == 0) {
            *out = c;
            return 0;
        }
    }
    pg_stmt *st = &pg->cache[pg->next];
    pg->next = (pg->next + 1) % PG_CACHE;
    if (st->key) {
        char dealloc[48];
        snprintf(dealloc, sizeof(dealloc), "DEALLOCATE %s", st->name);
        PQclear(PQexec(pg->conn, dealloc));
        free(st->key);
        st->key = NULL;
    }
    snprintf(st->name, sizeof(st->name), "s%d", ++pg->serial);
    PGresult *prep = PQprepare(pg->conn, st->name, sql, n, types);
    int rc = pg_result_rc(d, prep);
    PQclear(prep);
    if (rc)
        return rc;
    st->key = malloc(klen + 1);
    if (st->key == NULL)
        return SEAM_ENOMEM;
    memcpy(st->key, sig, (size_t)n + 1);
    memcpy(st->key + n + 1, sql, strlen(sql) + 1);
    *out = st;
    return 0;
}

static PGresult *pg_run(db *d, const char *sql, int n, const db_param *p, int *rc)
{
    pg_impl *pg = d->impl;
    *rc = pg_ready(d);
    if (*rc)
        return NULL;
    if (n > PG_MAX_PARAMS) {
        set_err(d, "too many parameters");
        *rc = SEAM_EINTERNAL;
        return NULL;
    }
    Oid types[PG_MAX_PARAMS];
    const char *values[PG_MAX_PARAMS];
    char ints[PG_MAX_PARAMS][24];
    bind_params(sql, n, p, types, values, ints);
    pg_stmt *st;
    if ((*rc = stmt_for(d, sql, n, types, &st)))
        return NULL;
    PGresult *res = PQexecPrepared(pg->conn, st->name, n, values, NULL, NULL, 0);
    *rc = pg_result_rc(d, res);
    if (*rc) {
        PQclear(res);
        return NULL;
    }
    return res;
}

static int pg_exec(db *d, const char *sql, int n, const db_param *p)
{
    int rc;
    PGresult *res = pg_run(d, sql, n, p, &rc);
    if (res) {
        const char *t = PQcmdTuples(res);
        d->changes = t && *t ? strtoll(t, NULL, 10) : 0;
        PQclear(res);
    }
    return rc;
}

static int pg_query(db *d, const char *sql, int n, const db_param *p, db_rows **out)
{
    int rc;
    PGresult *res = pg_run(d, sql, n, p, &rc);
    if (res == NULL)
        return rc;
    int ncols = PQnfields(res), nrows = PQntuples(res);
    db_rows *rows = db__rows_new(ncols);
    const char **cells = calloc((size_t)(ncols ? ncols : 1), sizeof(char *));
    size_t *lens = calloc((size_t)(ncols ? ncols : 1), sizeof(size_t));
    if (rows == NULL || cells == NULL || lens == NULL)
        rc = SEAM_ENOMEM;
    for (int r = 0; rc == 0 && r < nrows; r++) {
        for (int c = 0; c < ncols; c++) {
            cells[c] = PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
            lens[c] = (size_t)PQgetlength(res, r, c);
        }
        rc = db__rows_add(rows, cells, lens);
    }
    const char *t = PQcmdTuples(res);
    d->changes = t && *t ? strtoll(t, NULL, 10) : 0;
    free(cells);
    free(lens);
    PQclear(res);
    if (rc) {
        db_rows_free(rows);
        return rc;
    }
    *out = rows;
    return 0;
}

static long long pg_cur_int(const db_cursor *c, int col)
{
    return PQgetisnull(c->h, c->row, col) ? 0 : strtoll(PQgetvalue(c->h, c->row, col), NULL, 10);
}

static const char *pg_cur_text(const db_cursor *c, int col)
{
    return PQgetisnull(c->h, c->row, col) ? NULL : PQgetvalue(c->h, c->row, col);
}

static int pg_cur_isnull(const db_cursor *c, int col)
{
    return PQgetisnull(c->h, c->row, col);
}

/* The prepared statement's whole result, walked without copying it.  A
 * national deployment on PostgreSQL aggregates in SQL instead (see
 * docs/waiting-list.md). */
static int pg_scan(db *d, const char *sql, int n, const db_param *p, db_scan_fn fn, void *arg)
{
    int rc;
    PGresult *res = pg_run(d, sql, n, p, &rc);
    if (res == NULL)
        return rc;
    db_cursor cur = {pg_cur_int, pg_cur_text, pg_cur_isnull, res, 0};
    int nrows = PQntuples(res);
    for (cur.row = 0; rc == 0 && cur.row < nrows; cur.row++)
        rc = fn(arg, &cur);
    PQclear(res);
    return rc;
}

static int pg_exec_script(db *d, const char *sql)
{
    pg_impl *pg = d->impl;
    int rc = pg_ready(d);
    if (rc)
        return rc;
    PGresult *res = PQexec(pg->conn, sql);
    rc = pg_result_rc(d, res);
    PQclear(res);
    return rc;
}

static void pg_close(db *d)
{
    pg_impl *pg = d->impl;
    PQfinish(pg->conn);
    cache_clear(pg);
    free(pg->url);
    free(pg);
    free(d);
}

/* Bulk loading changes nothing on PostgreSQL: it checks foreign keys
 * anyway, and its caches are the server's. */
static int pg_bulk(db *d)
{
    return 0;
}

static int pg_set_durable(db *d, int durable)
{
    return pg_exec(d, durable ? "SET synchronous_commit = on" : "SET synchronous_commit = off", 0, NULL);
}

static const db_ops pg_ops = {
    .name = "postgresql",
    .exec = pg_exec,
    .query = pg_query,
    .exec_script = pg_exec_script,
    .close = pg_close,
    .scan = pg_scan,
    .bulk_begin = pg_bulk,
    .bulk_end = pg_bulk,
    .set_durable = pg_set_durable,
};

int db__open_pg(const char *url, db **out, char *err, size_t errlen)
{
    PGconn *conn = PQconnectdb(url);
    if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
        snprintf(err, errlen, "cannot connect to PostgreSQL: %s", conn ? PQerrorMessage(conn) : "out of memory");
        size_t n = strlen(err);
        while (n > 0 && err[n - 1] == '\n')
            err[--n] = '\0';
        PQfinish(conn);
        return SEAM_EUNAVAIL;
    }
    PQclear(PQexec(
        conn,
        "SET client_min_messages = warning; SET plan_cache_mode = force_generic_plan; SET application_name = 'seam'"));
    db *d = calloc(1, sizeof(*d));
    pg_impl *pg = calloc(1, sizeof(*pg));
    if (d == NULL || pg == NULL) {
        free(d);
        free(pg);
        PQfinish(conn);
        return SEAM_ENOMEM;
    }
    pg->conn = conn;
    pg->url = strdup(url);
    d->ops = &pg_ops;
    d->dialect = DB_POSTGRES;
    d->impl = pg;
    *out = d;
    return 0;
}
