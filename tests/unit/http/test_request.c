/*
 * test_request.c - what src/http/request.c enforces before a handler runs:
 * the body's size limit (announced and streamed), the JSON body (an object,
 * nested at most REQ_JSON_DEPTH_MAX deep, well-formed, no duplicate keys)
 * and the one id parser (overflow, sign, trailing characters) with the
 * answers its callers give.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/rc.h"
#include "http/request.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void test_attachments_may_be_larger(void **state)
{
    assert_int_equal(req_body_max("/api/v1/referrals"), REQ_BODY_MAX);
    assert_int_equal(req_body_max("/api/v1/advice/7/attachments"), REQ_ATTACHMENT_BODY_MAX);
    assert_int_equal(req_body_max("/api/v1/advice/7/close"), REQ_BODY_MAX);
    assert_int_equal(req_body_max("/api/v1/attachments"), REQ_BODY_MAX);
}

static void test_an_announced_oversized_body_is_refused_before_reading(void **state)
{
    http_req req;
    memset(&req, 0, sizeof(req));
    req_body_begin(&req, "/api/v1/referrals", "1048576");
    assert_false(req.too_big);
    memset(&req, 0, sizeof(req));
    req_body_begin(&req, "/api/v1/referrals", "1048577");
    assert_true(req.too_big);
    memset(&req, 0, sizeof(req));
    req_body_begin(&req, "/api/v1/advice/1/attachments", "1048577");
    assert_false(req.too_big);
    memset(&req, 0, sizeof(req));
    req_body_begin(&req, "/api/v1/referrals", NULL);
    assert_false(req.too_big);
}

static void test_a_streamed_body_stops_at_its_limit(void **state)
{
    http_req req;
    memset(&req, 0, sizeof(req));
    req_body_begin(&req, "/api/v1/referrals", NULL);
    assert_int_equal(req_body_append(&req, "{\"a\":", 5), 0);
    assert_int_equal(req_body_append(&req, "1}", 2), 0);
    assert_int_equal(req.len, 7);
    assert_string_equal(req.body, "{\"a\":1}");
    /* Fill up to exactly the limit: still accepted. */
    size_t rest = REQ_BODY_MAX - req.len;
    char *chunk = malloc(rest + 1);
    memset(chunk, ' ', rest + 1);
    assert_int_equal(req_body_append(&req, chunk, rest), 0);
    assert_false(req.too_big);
    assert_int_equal(req.len, REQ_BODY_MAX);
    assert_int_equal(req.body[req.len], '\0');
    /* One byte more: too big, and nothing more is kept. */
    assert_int_equal(req_body_append(&req, chunk, 1), 0);
    assert_true(req.too_big);
    assert_int_equal(req.len, REQ_BODY_MAX);
    assert_int_equal(req_body_append(&req, chunk, rest), 0);
    assert_int_equal(req.len, REQ_BODY_MAX);
    assert_true(req.cap <= REQ_BODY_MAX + 1);
    free(chunk);
    free(req.body);
}

static int parse(const char *text, json_t **out, char msg[300])
{
    msg[0] = '\0';
    return req_body_parse(text, strlen(text), out, msg, 300);
}

static void test_a_json_object_parses(void **state)
{
    json_t *j;
    char msg[300];
    assert_int_equal(parse("{\"a\":[1,{\"b\":\"}]\"}]}", &j, msg), 0);
    assert_non_null(j);
    assert_true(json_is_object(j));
    json_decref(j);
}

/* Builds n nested arrays inside an object: depth n + 1. */
static char *nested(int n)
{
    char *s = malloc((size_t)n * 2 + 16);
    size_t k = 0;
    memcpy(s, "{\"a\":", 5);
    k = 5;
    for (int i = 0; i < n; i++)
        s[k++] = '[';
    for (int i = 0; i < n; i++)
        s[k++] = ']';
    s[k++] = '}';
    s[k] = '\0';
    return s;
}

static void test_json_nesting_is_bounded(void **state)
{
    json_t *j;
    char msg[300];
    char *ok = nested(REQ_JSON_DEPTH_MAX - 1);
    assert_int_equal(parse(ok, &j, msg), 0);
    json_decref(j);
    free(ok);
    char *deep = nested(REQ_JSON_DEPTH_MAX);
    assert_int_equal(parse(deep, &j, msg), SEAM_EBADREQ);
    assert_null(j);
    assert_string_equal(msg, "The JSON body is nested too deeply.");
    free(deep);
    /* Brackets inside strings do not count. */
    assert_int_equal(parse("{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}", &j, msg), 0);
    json_decref(j);
}

static void test_malformed_json_is_refused_with_where(void **state)
{
    json_t *j;
    char msg[300];
    const char *bad[] = {"", "{", "{\"a\":}", "{\"a\":1,}", "{'a':1}", "{\"a\":1} x", "nul"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(parse(bad[i], &j, msg), SEAM_EBADREQ);
        assert_null(j);
        assert_non_null(strstr(msg, "The body is not valid JSON: "));
        assert_non_null(strstr(msg, "(line "));
    }
    assert_int_equal(parse("{\"a\":1,\"a\":2}", &j, msg), SEAM_EBADREQ); /* duplicate keys */
    assert_non_null(strstr(msg, "not valid JSON"));
}

static void test_a_body_must_be_an_object(void **state)
{
    json_t *j;
    char msg[300];
    const char *arrays[] = {"[]", "[1,2]", "[{}]"};
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
        assert_int_equal(parse(arrays[i], &j, msg), SEAM_EBADREQ);
        assert_null(j);
        assert_string_equal(msg, "The body must be a JSON object.");
    }
    /* A bare value is not a JSON text the parser accepts at all. */
    const char *scalars[] = {"1", "\"x\"", "true", "null"};
    for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
        assert_int_equal(parse(scalars[i], &j, msg), SEAM_EBADREQ);
        assert_null(j);
        assert_non_null(strstr(msg, "The body is not valid JSON: "));
    }
}

static void test_the_id_parser(void **state)
{
    long long n = -7;
    assert_int_equal(req_parse_id("1", &n), REQ_ID_OK);
    assert_int_equal(n, 1);
    assert_int_equal(req_parse_id("9223372036854775807", &n), REQ_ID_OK);
    assert_int_equal(n, LLONG_MAX);
    n = -7;
    const char *bad[] = {"", "0", "-1", "-0", "12x", "x12", "1.5", "0x10", "1 ", "-9223372036854775809"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(req_parse_id(bad[i], &n), REQ_ID_BAD);
    assert_int_equal(n, -7); /* untouched */
    assert_int_equal(req_parse_id("9223372036854775808", &n), REQ_ID_RANGE);
    assert_int_equal(n, LLONG_MAX);
    assert_int_equal(req_parse_id("99999999999999999999999", &n), REQ_ID_RANGE);
    assert_int_equal(req_parse_id("+5", &n), REQ_ID_SIGNED);
    assert_int_equal(n, 5);
}

static void test_a_bad_path_id_is_a_404_naming_it(void **state)
{
    app_ctx ctx;
    long long id = 0;
    memset(&ctx, 0, sizeof(ctx));
    assert_int_equal(req_path_id(&ctx, "42", "referral", &id), 0);
    assert_int_equal(id, 42);
    const char *bad[] = {"12x", "0", "-3", "+3", "9223372036854775808"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&ctx, 0, sizeof(ctx));
        assert_int_equal(req_path_id(&ctx, bad[i], "referral", &id), SEAM_ENOTFOUND);
        assert_string_equal(ctx.err_code, "not_found");
    }
    memset(&ctx, 0, sizeof(ctx));
    req_path_id(&ctx, "12x", "referral", &id);
    assert_string_equal(ctx.err_msg, "There is no referral 12x.");
    memset(&ctx, 0, sizeof(ctx));
    req_path_id(&ctx, "12x", NULL, &id);
    assert_string_equal(ctx.err_msg, "There is no such record (12x).");
}

static void test_json_depth_counts_outside_strings(void **state)
{
    assert_int_equal(req_json_depth("[[[]]]", 6), 3);
    assert_int_equal(req_json_depth("[[[]]]", 2), 2); /* only the first n bytes */
    assert_int_equal(req_json_depth("{\"\\\\\":[1]}", 10), 2);
    assert_int_equal(req_json_depth("]]]", 3), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attachments_may_be_larger),
        cmocka_unit_test(test_an_announced_oversized_body_is_refused_before_reading),
        cmocka_unit_test(test_a_streamed_body_stops_at_its_limit),
        cmocka_unit_test(test_a_json_object_parses),
        cmocka_unit_test(test_json_nesting_is_bounded),
        cmocka_unit_test(test_malformed_json_is_refused_with_where),
        cmocka_unit_test(test_a_body_must_be_an_object),
        cmocka_unit_test(test_the_id_parser),
        cmocka_unit_test(test_a_bad_path_id_is_a_404_naming_it),
        cmocka_unit_test(test_json_depth_counts_outside_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
