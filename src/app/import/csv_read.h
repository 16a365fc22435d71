/*
 * csv_read.h - reading CSV (RFC 4180) as a stream: quoted fields with
 * doubled quotes and line breaks, CRLF or LF, every field bounded (a
 * longer one is kept cut and flagged), the raw start of each record kept
 * for reports, the physical line where each record began, and a SHA-256 of
 * every byte read.  Memory is the reader itself, whatever the input's
 * size.  Internal to src/app (the PTL import).
 */
#ifndef SEAM_IMPORT_CSV_READ_H
#define SEAM_IMPORT_CSV_READ_H

#include <sodium.h>
#include <stdio.h>

#define CSV_FIELD_MAX 255 /* bytes kept per field; longer is "too long" */
#define CSV_MAX_COLS  64  /* fields kept per row; more are counted, not kept */
#define CSV_RAW_MAX   480 /* bytes of the raw row kept for reports */
#define CSV_BUF       (1 << 16)

typedef struct csv_reader {
    FILE *in;
    unsigned char buf[CSV_BUF];
    size_t len, pos;
    int eof, error;
    long long bytes;      /* consumed so far */
    long long line;       /* physical line of the next byte (1-based) */
    long long start_line; /* where the current record began */
    crypto_hash_sha256_state sha;
    /* the current record */
    int nfields; /* fields seen (may exceed CSV_MAX_COLS) */
    char field[CSV_MAX_COLS][CSV_FIELD_MAX + 1];
    size_t flen[CSV_MAX_COLS];
    unsigned char toolong[CSV_MAX_COLS];
    int unterminated; /* a quoted field ran to the end of the file */
    int stray_quote;  /* text after a closing quote */
    char raw[CSV_RAW_MAX + 4];
    size_t rawlen;
} csv_reader;

/* Starts reading in (which the caller keeps and closes) at line 1. */
void csv_reader_init(csv_reader *r, FILE *in);

/*
 * Reads the next record.  Returns 1 with the fields in r->field (r->nfields
 * of them, of which the first CSV_MAX_COLS are kept), 0 at the end of the
 * input, or -1 on a read error.  Lines holding nothing at all are skipped.
 * A field longer than CSV_FIELD_MAX bytes is cut there and toolong set;
 * unterminated says a quoted field ran to the end of the input, and
 * stray_quote that text followed a closing quote.
 */
int csv_next(csv_reader *r);

/* The SHA-256 of every byte read so far, as 64 lower-case hex digits;
 * ends the hash, so call it once, after the last csv_next. */
void csv_reader_sha256(csv_reader *r, char hex[65]);

#endif
