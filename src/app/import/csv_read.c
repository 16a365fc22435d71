/*
 * csv_read.c - the streaming CSV reader (csv_read.h).
 */
#include "app/import/csv_read.h"

#include <string.h>

void csv_reader_init(csv_reader *r, FILE *in)
{
    memset(r, 0, sizeof(*r));
    r->in = in;
    r->line = 1;
    crypto_hash_sha256_init(&r->sha);
}

void csv_reader_sha256(csv_reader *r, char hex[65])
{
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&r->sha, hash);
    sodium_bin2hex(hex, 65, hash, sizeof(hash));
}

static int csv_fill(csv_reader *r)
{
    if (r->eof)
        return 0;
    r->len = fread(r->buf, 1, CSV_BUF, r->in);
    r->pos = 0;
    if (r->len == 0) {
        r->eof = 1;
        if (ferror(r->in))
            r->error = 1;
        return 0;
    }
    crypto_hash_sha256_update(&r->sha, r->buf, r->len);
    return 1;
}

static void csv_put(csv_reader *r, int c)
{
    int f = r->nfields;
    if (f >= CSV_MAX_COLS)
        return;
    if (r->flen[f] < CSV_FIELD_MAX)
        r->field[f][r->flen[f]++] = (char)c;
    else
        r->toolong[f] = 1;
}

static void csv_end_field(csv_reader *r)
{
    if (r->nfields < CSV_MAX_COLS)
        r->field[r->nfields][r->flen[r->nfields]] = '\0';
    r->nfields++;
    if (r->nfields < CSV_MAX_COLS) {
        r->flen[r->nfields] = 0;
        r->toolong[r->nfields] = 0;
    }
}

static void csv_raw(csv_reader *r, int c)
{
    if (r->rawlen < CSV_RAW_MAX)
        r->raw[r->rawlen++] = (char)c;
}

/* Where a field stands: at its start, in unquoted text, inside quotes, or
 * just after a quote inside quotes (a doubled quote or the closing one). */
typedef enum csv_state { CSV_START, CSV_UNQUOTED, CSV_QUOTED, CSV_QUOTE } csv_state;

static void csv_begin_record(csv_reader *r)
{
    r->nfields = 0;
    r->flen[0] = 0;
    r->toolong[0] = 0;
    r->unterminated = 0;
    r->stray_quote = 0;
    r->rawlen = 0;
    r->start_line = r->line;
}

/* One byte of a record other than a line break (RFC 4180): returns the
 * state after it. */
static csv_state csv_step(csv_reader *r, csv_state st, int c)
{
    switch (st) {
    case CSV_START:
        if (c == '"')
            return CSV_QUOTED;
        if (c == ',') {
            csv_end_field(r);
            return CSV_START;
        }
        csv_put(r, c);
        return CSV_UNQUOTED;
    case CSV_UNQUOTED:
        if (c == ',') {
            csv_end_field(r);
            return CSV_START;
        }
        csv_put(r, c);
        return CSV_UNQUOTED;
    case CSV_QUOTED:
        if (c == '"')
            return CSV_QUOTE;
        csv_put(r, c);
        return CSV_QUOTED;
    case CSV_QUOTE:
        if (c == '"') {
            csv_put(r, c);
            return CSV_QUOTED;
        }
        if (c == ',') {
            csv_end_field(r);
            return CSV_START;
        }
        r->stray_quote = 1;
        csv_put(r, c);
        return CSV_UNQUOTED;
    }
    return st;
}

/*
 * Reads one physical record, an empty line included: to a line break
 * outside quotes or the end of the input.  Returns 1 (*any says whether
 * it held anything but line breaks), 0 at the end of the input, -1 on a
 * read error.  A carriage return outside quotes is dropped, so CRLF and
 * LF end a record alike.
 */
static int csv_record(csv_reader *r, int *any)
{
    csv_state st = CSV_START;
    csv_begin_record(r);
    *any = 0;
    for (;;) {
        if (r->pos == r->len && !csv_fill(r)) {
            if (r->error)
                return -1;
            if (!*any && r->nfields == 0)
                return 0;
            if (st == CSV_QUOTED)
                r->unterminated = 1;
            break;
        }
        int c = r->buf[r->pos++];
        r->bytes++;
        if (c == '\n') {
            r->line++;
            if (st != CSV_QUOTED)
                break;
            csv_put(r, c);
            csv_raw(r, c);
            continue;
        }
        if (c == '\r' && st != CSV_QUOTED)
            continue;
        *any = 1;
        csv_raw(r, c);
        st = csv_step(r, st, c);
    }
    csv_end_field(r);
    r->raw[r->rawlen] = '\0';
    return 1;
}

int csv_next(csv_reader *r)
{
    for (;;) {
        int any, got = csv_record(r, &any);
        if (got <= 0)
            return got;
        if (r->nfields == 1 && r->flen[0] == 0 && !any)
            continue; /* an empty line */
        return 1;
    }
}
