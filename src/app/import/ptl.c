/*
 * ptl.c - loading a trust's PTL extract (docs/import.md): the driver.
 *
 * Reading order: this file (the run: the trust, the record of the import,
 * batches, statistics, progress, the audit event), then ptl_row.c (the
 * columns, the header, the reference caches and the checks of a row) over
 * csv_read.c (the CSV reader), then ptl_write.c (the writes of a row).
 *
 * Memory is constant: one input buffer, one row of bounded fields, the
 * caches, and a fixed-size table that remembers the line of recently
 * written pathways so a repeated PPI can name its first line.
 */
#include "app/import/ptl_internal.h"
#include "common/rc.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double elapsed(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/*
 * PostgreSQL plans each cached statement once, from the statistics of the
 * moment: planned against a near-empty table, the pathway lookup scans the
 * whole table and the import slows to a crawl as it grows.  Refreshing the
 * statistics (which also re-plans) each time the rows written double keeps
 * the lookups on their indexes at a logarithmic cost.
 */
static int analyze(ptl_run *r)
{
    long long written = r->rep->inserted + r->rep->patients_created;
    if (db_dialect_of(r->d) != DB_POSTGRES || written < r->next_analyze)
        return 0;
    r->next_analyze = written * 2;
    int rc = db_analyze(r->d, "pathways");
    if (rc == 0)
        rc = db_analyze(r->d, "patients");
    return rc;
}

/* ------------------------------------------------------------ progress */

static void human_duration(double s, char *out, size_t n)
{
    long t = s < 0 ? 0 : (long)(s + 0.5);
    if (t >= 3600)
        snprintf(out, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(out, n, "%ld:%02ld", t / 60, t % 60);
}

static void progress(ptl_run *r, int final)
{
    FILE *f = r->o->progress;
    if (f == NULL)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double since = elapsed(&r->last_report, &now), total = elapsed(&r->t0, &now);
    long long rows = r->rep->rows_read, bytes = r->csv->bytes;
    double rate = total > 0 ? (double)rows / total : 0;
    if (r->o->progress_tty) {
        if (!final && since < 0.2)
            return;
        char eta[32] = "?";
        int pct = 0;
        if (r->total_bytes > 0) {
            pct = (int)(100.0 * (double)bytes / (double)r->total_bytes);
            if (bytes > 0)
                human_duration(total * (double)(r->total_bytes - bytes) / (double)bytes, eta, sizeof(eta));
        }
        char bar[31];
        int filled = pct * 30 / 100;
        for (int i = 0; i < 30; i++)
            bar[i] = i < filled ? '#' : '.';
        bar[30] = '\0';
        fprintf(f, "\r[%s] %3d%%  %lld rows  %.0f rows/s  ETA %s   ", bar, pct, rows, rate, eta);
        if (final)
            fputc('\n', f);
    } else {
        long long every = r->o->progress_rows > 0 ? r->o->progress_rows : 1000000;
        if (!final && since < 5.0 && rows - r->last_rows < every)
            return;
        if (final)
            return; /* the summary follows */
        if (r->total_bytes > 0)
            fprintf(f, "seam import ptl: %lld rows read (%.0f%% of %s), %.0f rows/s, %lld rejected\n", rows,
                    100.0 * (double)bytes / (double)r->total_bytes, r->o->filename, rate, r->rep->rejected);
        else
            fprintf(f, "seam import ptl: %lld rows read (%lld bytes), %.0f rows/s, %lld rejected\n", rows, bytes, rate,
                    r->rep->rejected);
        r->last_rows = rows;
    }
    fflush(f);
    r->last_report = now;
}

/* ------------------------------------------------------------- import */

static int update_import(ptl_run *r, const char *status)
{
    ptl_report *rep = r->rep;
    char finished[SEAM_ISO_LEN];
    seam_time_format((seam_time)time(NULL), finished);
    int ended = strcmp(status, "running") != 0;
    db_param p[] = {DBP_TEXT(status),           ended ? DBP_TEXT(finished) : DBP_NULL,
                    DBP_INT(rep->rows_read),    DBP_INT(rep->inserted),
                    DBP_INT(rep->updated),      DBP_INT(rep->unchanged),
                    DBP_INT(rep->rejected),     DBP_INT(rep->patients_created),
                    ptl__opt_text(rep->sha256), DBP_INT(rep->import_id)};
    return db_exec(r->d,
                   "UPDATE ptl_imports SET status = $1, finished_at = $2, rows_read = $3, inserted = $4, updated = $5,"
                   " unchanged = $6, rejected = $7, patients_created = $8, sha256 = $9 WHERE id = $10",
                   10, p);
}

/* The one audit event of an import. */
static int audit(ptl_run *r, const char *status)
{
    ptl_report *rep = r->rep;
    const char *user = getenv("USER");
    json_t *j =
        json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:s?,s:s?}", "status", status, "trust", r->o->trust, "filename",
                  r->o->filename, "rows_read", (json_int_t)rep->rows_read, "inserted", (json_int_t)rep->inserted,
                  "updated", (json_int_t)rep->updated, "unchanged", (json_int_t)rep->unchanged, "rejected",
                  (json_int_t)rep->rejected, "patients_created", (json_int_t)rep->patients_created, "sha256",
                  rep->sha256[0] ? rep->sha256 : NULL, "os_user", user);
    char *detail = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    char oid[32];
    snprintf(oid, sizeof(oid), "%lld", rep->import_id);
    db_param p[] = {ptl__opt_text(r->trust_icb), DBP_TEXT(r->now_iso), DBP_TEXT(r->by),
                    DBP_TEXT(r->o->trust),       DBP_TEXT(oid),        DBP_TEXT(detail)};
    int rc = db_exec(r->d,
                     "INSERT INTO events (icb_code, at, actor, actor_role, actor_org, action, object_type, object_id,"
                     " detail) VALUES ($1, $2, $3, 'system', $4, 'import.ptl', 'ptl_import', $5, $6)",
                     6, p);
    free(detail);
    return rc;
}

/* Ends an import that could not finish: the open batch is rolled back, the
 * import is marked failed with what was committed, and audited. */
static void abandon(ptl_run *r, int db_failed)
{
    if (db_failed && r->rep->error[0] == '\0')
        ptl__fail(r, "the database failed at line %lld: %s", r->csv->start_line, db_errmsg(r->d));
    db_rollback(r->d);
    if (r->rep->import_id == 0)
        return;
    if (db_begin(r->d) == 0) {
        if (update_import(r, "failed") == 0 && audit(r, "failed") == 0)
            db_commit(r->d);
        else
            db_rollback(r->d);
    }
}

/* The run's settings and clocks, and the CSV reader over in.  Returns 0,
 * or a negative seam_rc (with rep->error) and nothing to clean up. */
static int start_run(ptl_run *r, db *d, FILE *in, const ptl_options *o, ptl_report *rep)
{
    memset(rep, 0, sizeof(*rep));
    memset(r, 0, sizeof(*r));
    r->d = d;
    r->o = o;
    r->rep = rep;
    r->rej = o->rejects ? o->rejects : stderr;
    r->by = o->imported_by && *o->imported_by ? o->imported_by : "seam-import";
    seam_time now = o->now ? o->now : (seam_time)time(NULL);
    seam_time_format(now, r->now_iso);
    seam_date_format(now, r->today_iso);
    r->today = seam_time_day(now);
    r->next_analyze = 1000;
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    r->last_report = r->t0;
    if (sodium_init() < 0) {
        ptl__fail(r, "libsodium could not start");
        return SEAM_EINTERNAL;
    }
    r->csv = calloc(1, sizeof(*r->csv));
    if (r->csv == NULL) {
        ptl__fail(r, "out of memory");
        return SEAM_ENOMEM;
    }
    csv_reader_init(r->csv, in);
    struct stat sb;
    if (fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode))
        r->total_bytes = (long long)sb.st_size;
    return 0;
}

/* The trust (and its ICB) and the reference caches; then bulk-load mode
 * and the ptl_imports row of this run.  Returns 0 or a negative seam_rc
 * with rep->error; nothing is recorded on failure. */
static int open_import(ptl_run *r)
{
    db_rows *q;
    db_param tp[] = {DBP_TEXT(r->o->trust)};
    int rc = db_query(r->d, "SELECT icb_code FROM organisations WHERE code = $1 AND kind = 'trust'", 1, tp, &q);
    if (rc) {
        ptl__fail(r, "the database failed: %s", db_errmsg(r->d));
        return rc;
    }
    if (db_nrows(q) == 0) {
        db_rows_free(q);
        ptl__fail(r, "no trust %s is known to Seam (organisations of kind 'trust')", r->o->trust ? r->o->trust : "");
        return SEAM_ENOTFOUND;
    }
    snprintf(r->trust_icb, sizeof(r->trust_icb), "%s", db_get(q, 0, 0));
    db_rows_free(q);
    if ((rc = ptl__load_caches(r))) {
        ptl__fail(r, "the database failed: %s", db_errmsg(r->d));
        return rc;
    }
    /* No foreign key checks (on SQLite), as every reference a row makes
     * (the trust, the service, the patient, the practice) is checked by
     * the import itself. */
    db_bulk_begin(r->d);
    db_param ip[] = {DBP_TEXT(r->o->trust), DBP_TEXT(r->o->filename ? r->o->filename : "-"), DBP_TEXT(r->now_iso),
                     DBP_TEXT(r->by)};
    if ((rc = db_query_int(r->d,
                           "INSERT INTO ptl_imports (trust_code, filename, started_at, status, imported_by)"
                           " VALUES ($1, $2, $3, 'running', $4) RETURNING id",
                           4, ip, 0, &r->rep->import_id)))
        ptl__fail(r, "the database failed: %s", db_errmsg(r->d));
    return rc;
}

/* Ends a batch when it is full, or early on PostgreSQL when the statistics
 * are due for a refresh (see analyze): the counts, a commit, the refresh
 * and the next transaction.  Returns 0 or a database rc. */
static int end_batch(ptl_run *r, int batch)
{
    ptl_report *rep = r->rep;
    if (++r->batch_rows < batch &&
        !(db_dialect_of(r->d) == DB_POSTGRES && rep->inserted + rep->patients_created >= r->next_analyze))
        return 0;
    r->batch_rows = 0;
    int rc;
    if ((rc = update_import(r, "running")) || (rc = db_commit(r->d)) || (rc = analyze(r)) || (rc = db_begin(r->d)))
        return rc;
    return 0;
}

/* Reads and writes every row after the header, in batches.  Returns 0 at
 * the end of the file, or a negative seam_rc once the import has been
 * abandoned. */
static int import_rows(ptl_run *r)
{
    ptl_report *rep = r->rep;
    const ptl_options *o = r->o;
    int batch = o->batch > 0 ? o->batch : 5000;
    int rc = db_begin(r->d);
    if (rc) {
        abandon(r, 1);
        return rc;
    }
    for (;;) {
        int got = csv_next(r->csv);
        if (got < 0) {
            ptl__fail(r, "could not read %s after line %lld", o->filename, r->csv->line);
            abandon(r, 0);
            return SEAM_EIO;
        }
        if (got == 0)
            return 0;
        rep->rows_read++;
        if ((rc = ptl__process_row(r)) == 0) {
            if (r->row_rejected)
                rep->rejected++;
            rc = end_batch(r, batch);
        }
        if (rc) {
            abandon(r, 1);
            return rc;
        }
        if ((rep->rows_read & 1023) == 0 ||
            (o->progress_rows > 0 && o->progress_rows < 1024 && rep->rows_read - r->last_rows >= o->progress_rows))
            progress(r, 0);
    }
}

/* The end of a whole file: its hash, the record marked done, the audit
 * event, the commit and the last progress report. */
static int finish_import(ptl_run *r)
{
    int rc;
    csv_reader_sha256(r->csv, r->rep->sha256);
    if ((rc = update_import(r, "done")) || (rc = audit(r, "done")) || (rc = db_commit(r->d))) {
        abandon(r, 1);
        return rc;
    }
    progress(r, 1);
    return 0;
}

int ptl_import(db *d, FILE *in, const ptl_options *o, ptl_report *rep)
{
    ptl_run run;
    ptl_run *r = &run;
    int rc = start_run(r, d, in, o, rep);
    if (rc)
        return rc;
    if ((rc = open_import(r)) == 0) {
        if ((rc = ptl__read_header(r)))
            abandon(r, 0);
        else if ((rc = import_rows(r)) == 0)
            rc = finish_import(r);
    }
    db_bulk_end(d);
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    rep->seconds = elapsed(&r->t0, &t1);
    free(r->svcs);
    free(r->practices);
    free(r->seen);
    free(r->csv);
    return rc;
}
