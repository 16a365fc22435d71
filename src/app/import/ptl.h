/*
 * ptl.h - loading a trust's patient tracking list (PTL) extract.
 *
 * A PTL is a CSV file with a header row and one row per RTT period at the
 * trust, in WLMDS field names (docs/import.md lists every column).  Rows
 * become pathways (source 'import') keyed by (trust_code, ppi); loading the
 * same file again changes nothing, and a changed row is updated in place.
 * The file is read as a stream in constant memory and written in batches,
 * one transaction each, so a crash loses at most the open batch and never
 * half a row.  Each import is one ptl_imports row and one audit event.
 */
#ifndef SEAM_IMPORT_PTL_H
#define SEAM_IMPORT_PTL_H

#include "core/seam_time.h"
#include "store/db.h"

#include <stdio.h>

typedef struct ptl_report {
    long long rows_read, inserted, updated, unchanged, rejected, patients_created;
    long long import_id; /* the ptl_imports row, 0 if none was made */
    double seconds;
    char sha256[65]; /* of every byte read, lower-case hex; "" if the file was not read to its end */
    char error[320]; /* why the import failed, when ptl_import returns non-zero */
} ptl_report;

typedef struct ptl_options {
    const char *trust;       /* ODS code of the trust whose PTL this is */
    const char *filename;    /* recorded on the ptl_imports row */
    const char *imported_by; /* actor of the audit event; default "seam-import" */
    seam_time now;           /* "today" for date checks; 0 = the clock */
    FILE *rejects;           /* one report per rejected field; NULL = stderr */
    int rejects_csv;         /* 1: rejects as CSV "line,field,reason,raw" with a header row */
    FILE *progress;          /* progress reports; NULL = silent */
    int progress_tty;        /* 1: a bar redrawn with \r; 0: a plain line now and then */
    long long progress_rows; /* plain lines: one every this many rows (default 1000000), or every 5 s */
    int batch;               /* rows per transaction, default 5000 */
} ptl_options;

/*
 * Imports the CSV read from in.  Returns 0 when the file was read to its
 * end (rep->rejected says how many rows were refused; every other row is
 * stored), or a negative seam_rc when the file could not be imported
 * (unknown trust, bad header, unreadable file, database failure), with
 * rep->error saying why.  A file refused at the header loads nothing; a
 * failure later keeps the batches already committed (re-running the import
 * completes it, as imports are idempotent).  The caller owns in.
 */
int ptl_import(db *d, FILE *in, const ptl_options *o, ptl_report *rep);

#endif
