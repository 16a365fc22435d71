/*
 * test_csv_read.c - the streaming CSV reader (src/app/import/csv_read.c) on
 * RFC 4180 inputs and the ways real extracts go wrong: quoted commas,
 * doubled quotes and line breaks, CRLF, blank lines, a missing final
 * newline, empty fields, a field past the bound, more columns than kept,
 * an unterminated quote, text after a closing quote, records across the
 * reader's buffer boundary, line numbers and the SHA-256 of the input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/import/csv_read.h"

#include <stdlib.h>
#include <string.h>

/* A reader over a string (fmemopen) with its own storage. */
typedef struct src {
    FILE *f;
    csv_reader *r;
} src;

static src open_str(const char *s, size_t len)
{
    src x;
    x.f = fmemopen((void *)s, len, "r");
    assert_non_null(x.f);
    x.r = malloc(sizeof(*x.r));
    csv_reader_init(x.r, x.f);
    return x;
}

static void close_src(src *x)
{
    fclose(x->f);
    free(x->r);
}

#define OPEN(s) open_str((s), strlen(s))

static void test_plain_and_quoted_fields(void **state)
{
    src x = OPEN("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n");
    assert_int_equal(csv_next(x.r), 1);
    assert_int_equal(x.r->nfields, 3);
    assert_string_equal(x.r->field[0], "a");
    assert_string_equal(x.r->field[2], "c");
    assert_int_equal(x.r->start_line, 1);
    assert_int_equal(csv_next(x.r), 1);
    assert_int_equal(x.r->nfields, 3);
    assert_string_equal(x.r->field[0], "x, y");
    assert_string_equal(x.r->field[1], "say \"hi\"");
    assert_string_equal(x.r->field[2], "two\nlines");
    assert_int_equal(x.r->start_line, 2);
    assert_false(x.r->stray_quote);
    assert_false(x.r->unterminated);
    assert_int_equal(csv_next(x.r), 0);
    assert_int_equal(x.r->line, 4); /* the quoted line break counts */
    close_src(&x);
}

static void test_crlf_blank_lines_and_no_final_newline(void **state)
{
    src x = OPEN("h1,h2\r\n\r\n\n1,2\r\n3,4");
    assert_int_equal(csv_next(x.r), 1);
    assert_string_equal(x.r->field[1], "h2"); /* no \r kept */
    assert_int_equal(csv_next(x.r), 1);
    assert_string_equal(x.r->field[0], "1");
    assert_string_equal(x.r->field[1], "2");
    assert_int_equal(x.r->start_line, 4);
    assert_int_equal(csv_next(x.r), 1);
    assert_string_equal(x.r->field[1], "4");
    assert_int_equal(x.r->start_line, 5);
    assert_int_equal(csv_next(x.r), 0);
    assert_int_equal(csv_next(x.r), 0); /* stays at the end */
    close_src(&x);
}

static void test_empty_fields_are_kept(void **state)
{
    src x = OPEN(",,\n\"\",x,\n");
    assert_int_equal(csv_next(x.r), 1);
    assert_int_equal(x.r->nfields, 3);
    for (int i = 0; i < 3; i++)
        assert_string_equal(x.r->field[i], "");
    assert_int_equal(csv_next(x.r), 1);
    assert_int_equal(x.r->nfields, 3);
    assert_string_equal(x.r->field[1], "x");
    close_src(&x);
}

static void test_a_field_past_the_bound_is_cut_and_flagged(void **state)
{
    size_t n = CSV_FIELD_MAX + 50;
    char *s = malloc(n + 16);
    memset(s, 'z', n);
    memcpy(s + n, ",ok\n", 5);
    src x = open_str(s, strlen(s));
    assert_int_equal(csv_next(x.r), 1);
    assert_int_equal(x.r->nfields, 2);
    assert_true(x.r->toolong[0]);
    assert_int_equal(strlen(x.r->field[0]), CSV_FIELD_MAX);
    assert_false(x.r->toolong[1]);
    assert_string_equal(x.r->field[1], "ok");
    assert_true(x.r->rawlen <= CSV_RAW_MAX);
    close_src(&x);
    free(s);
}

static void test_more_columns_than_kept_are_counted(void **state)
{
    char s[4 * CSV_MAX_COLS + 64];
    size_t n = 0;
    for (int i = 0; i < CSV_MAX_COLS + 5; i++)
        n += (size_t)snprintf(s + n, sizeof(s) - n, "%s", i ? ",v" : "v");
    snprintf(s + n, sizeof(s) - n, "\nnext\n");
    src x = OPEN(s);
    assert_int_equal(csv_next(x.r), 1);
    assert_int_equal(x.r->nfields, CSV_MAX_COLS + 5);
    assert_string_equal(x.r->field[CSV_MAX_COLS - 1], "v");
    assert_int_equal(csv_next(x.r), 1);
    assert_int_equal(x.r->nfields, 1);
    assert_string_equal(x.r->field[0], "next");
    close_src(&x);
}

static void test_unterminated_quote_and_stray_quote_are_flagged(void **state)
{
    src x = OPEN("\"ab\"c,d\n\"never closed,e\n");
    assert_int_equal(csv_next(x.r), 1);
    assert_true(x.r->stray_quote);
    assert_string_equal(x.r->field[0], "abc");
    assert_int_equal(csv_next(x.r), 1);
    assert_true(x.r->unterminated);
    assert_false(x.r->stray_quote);
    assert_int_equal(x.r->nfields, 1);
    assert_string_equal(x.r->field[0], "never closed,e\n");
    assert_int_equal(csv_next(x.r), 0);
    close_src(&x);
}

/* Records that straddle the 64 KiB input buffer read the same as any. */
static void test_records_across_the_buffer_boundary(void **state)
{
    size_t rows = 20000, cap = rows * 24 + 1;
    char *s = malloc(cap);
    size_t len = 0;
    for (size_t i = 0; i < rows; i++)
        len += (size_t)snprintf(s + len, cap - len, "%zu,\"q,%zu\"\r\n", i, i * 7);
    src x = open_str(s, len);
    size_t seen = 0;
    char want[32];
    while (csv_next(x.r) == 1) {
        assert_int_equal(x.r->nfields, 2);
        assert_int_equal(strtol(x.r->field[0], NULL, 10), (long)seen);
        snprintf(want, sizeof(want), "q,%zu", seen * 7);
        assert_string_equal(x.r->field[1], want);
        assert_int_equal(x.r->start_line, (long long)seen + 1);
        seen++;
    }
    assert_int_equal(seen, rows);
    assert_int_equal(x.r->bytes, (long long)len);
    close_src(&x);
    free(s);
}

static void test_sha256_of_every_byte(void **state)
{
    src x = OPEN("abc");
    while (csv_next(x.r) == 1)
        ;
    char hex[65];
    csv_reader_sha256(x.r, hex);
    /* SHA-256("abc"), FIPS 180-2 appendix B.1 */
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    close_src(&x);
}

static void test_empty_input_has_no_records(void **state)
{
    src x = open_str("", 0);
    assert_int_equal(csv_next(x.r), 0);
    close_src(&x);
}

static void test_quoted_commas_and_doubled_quotes_alone_and_mixed(void **state)
{
    src x = OPEN("\"a,b,c\",\"\"\"\",\"x\"\"y\"\"z\",\"\"\"q,\"\"\"\n");
    assert_int_equal(csv_next(x.r), 1);
    assert_int_equal(x.r->nfields, 4);
    assert_string_equal(x.r->field[0], "a,b,c");
    assert_string_equal(x.r->field[1], "\"");
    assert_string_equal(x.r->field[2], "x\"y\"z");
    assert_string_equal(x.r->field[3], "\"q,\"");
    assert_false(x.r->stray_quote);
    close_src(&x);
}

/* Inside quotes a CRLF is data; outside, it ends the record like LF. */
static void test_crlf_inside_quotes_is_kept(void **state)
{
    src x = OPEN("\"one\r\ntwo\",b\r\nnext,row\r\n");
    assert_int_equal(csv_next(x.r), 1);
    assert_int_equal(x.r->nfields, 2);
    assert_string_equal(x.r->field[0], "one\r\ntwo");
    assert_string_equal(x.r->field[1], "b");
    assert_int_equal(x.r->start_line, 1);
    assert_int_equal(csv_next(x.r), 1);
    assert_string_equal(x.r->field[0], "next");
    assert_string_equal(x.r->field[1], "row");
    assert_int_equal(x.r->start_line, 3);
    assert_int_equal(csv_next(x.r), 0);
    close_src(&x);
}

/* A quoted field of several lines: the record starts on its first line and
 * the next record's line counts every break inside. */
static void test_embedded_newlines_count_lines(void **state)
{
    src x = OPEN("h\n\"a\n\nb\nc\"\nlast\n");
    assert_int_equal(csv_next(x.r), 1);
    assert_int_equal(csv_next(x.r), 1);
    assert_string_equal(x.r->field[0], "a\n\nb\nc");
    assert_int_equal(x.r->start_line, 2);
    assert_int_equal(csv_next(x.r), 1);
    assert_string_equal(x.r->field[0], "last");
    assert_int_equal(x.r->start_line, 6);
    close_src(&x);
}

/* A quoted field past the bound is cut and flagged like an unquoted one,
 * and the fields after it are read as usual. */
static void test_a_quoted_field_past_the_bound(void **state)
{
    size_t n = CSV_FIELD_MAX + 10;
    char *s = malloc(n + 16);
    s[0] = '"';
    memset(s + 1, 'q', n);
    memcpy(s + 1 + n, "\",ok\n", 6);
    src x = open_str(s, strlen(s));
    assert_int_equal(csv_next(x.r), 1);
    assert_int_equal(x.r->nfields, 2);
    assert_true(x.r->toolong[0]);
    assert_int_equal(strlen(x.r->field[0]), CSV_FIELD_MAX);
    assert_string_equal(x.r->field[1], "ok");
    assert_false(x.r->toolong[1]);
    close_src(&x);
    free(s);
}

/* A line far longer than the raw copy and the input buffer: the raw copy
 * stops at its bound, the fields are all counted, and the next line reads
 * as usual. */
static void test_a_line_longer_than_the_buffer(void **state)
{
    size_t n = CSV_BUF + 1000, len = 0;
    char *s = malloc(n + 32);
    for (; len < n; len++)
        s[len] = len % 2 ? ',' : 'v';
    len += (size_t)snprintf(s + len, 32, "\nafter,it\n");
    src x = open_str(s, len);
    assert_int_equal(csv_next(x.r), 1);
    assert_true(x.r->nfields > CSV_MAX_COLS);
    assert_int_equal(x.r->rawlen, CSV_RAW_MAX);
    assert_int_equal(strlen(x.r->raw), CSV_RAW_MAX);
    assert_int_equal(csv_next(x.r), 1);
    assert_int_equal(x.r->nfields, 2);
    assert_string_equal(x.r->field[1], "it");
    assert_int_equal(x.r->start_line, 2);
    close_src(&x);
    free(s);
}

/* An unterminated quote takes the rest of the file, line breaks and all,
 * as one field; the record starts where the quote was opened. */
static void test_unterminated_quote_runs_to_the_end(void **state)
{
    src x = OPEN("a,b\n1,\"open\n2,3\n4,5\n");
    assert_int_equal(csv_next(x.r), 1);
    assert_false(x.r->unterminated);
    assert_int_equal(csv_next(x.r), 1);
    assert_true(x.r->unterminated);
    assert_int_equal(x.r->start_line, 2);
    assert_int_equal(x.r->nfields, 2);
    assert_string_equal(x.r->field[0], "1");
    assert_string_equal(x.r->field[1], "open\n2,3\n4,5\n");
    assert_int_equal(csv_next(x.r), 0);
    close_src(&x);
}

/* The raw copy is the row as read (quotes and all), without its line end. */
static void test_raw_copy_of_a_row(void **state)
{
    src x = OPEN("x,\"y,z\"\r\n");
    assert_int_equal(csv_next(x.r), 1);
    assert_string_equal(x.r->raw, "x,\"y,z\"");
    close_src(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_quoted_fields),
        cmocka_unit_test(test_crlf_blank_lines_and_no_final_newline),
        cmocka_unit_test(test_empty_fields_are_kept),
        cmocka_unit_test(test_a_field_past_the_bound_is_cut_and_flagged),
        cmocka_unit_test(test_more_columns_than_kept_are_counted),
        cmocka_unit_test(test_unterminated_quote_and_stray_quote_are_flagged),
        cmocka_unit_test(test_records_across_the_buffer_boundary),
        cmocka_unit_test(test_sha256_of_every_byte),
        cmocka_unit_test(test_empty_input_has_no_records),
        cmocka_unit_test(test_quoted_commas_and_doubled_quotes_alone_and_mixed),
        cmocka_unit_test(test_crlf_inside_quotes_is_kept),
        cmocka_unit_test(test_embedded_newlines_count_lines),
        cmocka_unit_test(test_a_quoted_field_past_the_bound),
        cmocka_unit_test(test_a_line_longer_than_the_buffer),
        cmocka_unit_test(test_unterminated_quote_runs_to_the_end),
        cmocka_unit_test(test_raw_copy_of_a_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
