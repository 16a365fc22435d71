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

int csv_next(csv_reader *r)
{
    enum { START, UNQUOTED, QUOTED, QUOTE } st;
    for (;;) {
        st = START;
        r->nfields = 0;
        r->flen[0] = 0;
        r->toolong[0] = 0;
        r->unterminated = 0;
        r->stray_quote = 0;
        r->rawlen = 0;
        r->start_line = r->line;
        int any = 0; /* bytes of this record seen, newline aside */
        for (;;) {
            if (r->pos == r->len && !csv_fill(r)) {
                if (r->error)
                    return -1;
                if (!any && r->nfields == 0)
                    return 0;
                if (st == QUOTED)
                    r->unterminated = 1;
                csv_end_field(r);
                goto record;
            }
            int c = r->buf[r->pos++];
            r->bytes++;
            if (c == '\n') {
                r->line++;
                if (st == QUOTED) {
                    csv_put(r, c);
                    if (r->rawlen < CSV_RAW_MAX)
                        r->raw[r->rawlen++] = (char)c;
                    continue;
                }
                csv_end_field(r);
                goto record;
            }
            if (c == '\r' && st != QUOTED)
                continue;
            any = 1;
            if (r->rawlen < CSV_RAW_MAX)
                r->raw[r->rawlen++] = (char)c;
            switch (st) {
            case START:
                if (c == '"')
                    st = QUOTED;
                else if (c == ',')
                    csv_end_field(r);
                else {
                    csv_put(r, c);
                    st = UNQUOTED;
                }
                break;
            case UNQUOTED:
                if (c == ',') {
                    csv_end_field(r);
                    st = START;
                } else
                    csv_put(r, c);
                break;
            case QUOTED:
                if (c == '"')
                    st = QUOTE;
                else
                    csv_put(r, c);
                break;
            case QUOTE:
                if (c == '"') {
                    csv_put(r, c);
                    st = QUOTED;
                } else if (c == ',') {
                    csv_end_field(r);
                    st = START;
                } else {
                    r->stray_quote = 1;
                    csv_put(r, c);
                    st = UNQUOTED;
                }
                break;
            }
        }
    record:
        r->raw[r->rawlen] = '\0';
        if (r->nfields == 1 && r->flen[0] == 0 && !any)
            continue; /* an empty line */
        return 1;
    }
}
