/*
 * test_router.c - route matching (src/http/router.c): "{}" takes one
 * non-empty segment of bounded length, the first matching route wins, a
 * known path with another method is told apart from an unknown one, dev
 * routes exist only with --dev, and a route's allowed roles refuse others
 * with the use case's own 403 message.  Also the JSON depth guard.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/rc.h"
#include "http/handlers.h"
#include "http/router.h"

#include <string.h>

static char seg[REQ_SEGMENTS][REQ_SEGMENT_MAX];

static void test_literal_paths_match_exactly(void **state)
{
    assert_true(router_match("/api/v1/me", "/api/v1/me", seg));
    assert_false(router_match("/api/v1/me", "/api/v1/me/", seg));
    assert_false(router_match("/api/v1/me", "/api/v1/m", seg));
    assert_false(router_match("/api/v1/me", "/api/v1/mf", seg));
}

static void test_braces_take_one_segment(void **state)
{
    assert_true(router_match("/api/v1/letters/{}/gp-actions/{}/{}", "/api/v1/letters/12/gp-actions/3/accept", seg));
    assert_string_equal(seg[0], "12");
    assert_string_equal(seg[1], "3");
    assert_string_equal(seg[2], "accept");
    assert_false(router_match("/api/v1/referrals/{}", "/api/v1/referrals/", seg));    /* empty */
    assert_false(router_match("/api/v1/referrals/{}", "/api/v1/referrals/1/2", seg)); /* two */
}

static void test_a_long_segment_does_not_match(void **state)
{
    char path[300] = "/api/v1/patients/";
    size_t n = strlen(path);
    memset(path + n, '9', REQ_SEGMENT_MAX);
    path[n + REQ_SEGMENT_MAX] = '\0';
    assert_false(router_match("/api/v1/patients/{}", path, seg));
    path[n + REQ_SEGMENT_MAX - 1] = '\0'; /* 95 characters fit */
    assert_true(router_match("/api/v1/patients/{}", path, seg));
}

static const http_route *find(const char *method, const char *url, int dev, int *known)
{
    static route_ctx rc;
    memset(&rc, 0, sizeof(rc));
    rc.method = method;
    rc.url = url;
    return router_find(&rc, dev, known);
}

static void test_the_first_matching_route_wins(void **state)
{
    int known;
    const http_route *r = find("POST", "/api/v1/results/orders", 0, &known);
    assert_non_null(r);
    assert_ptr_equal(r->fn, h_order_create);
    r = find("GET", "/api/v1/referrals/7/history", 0, &known);
    assert_ptr_equal(r->fn, h_referral_history);
    r = find("POST", "/api/v1/advice/7/attachments", 0, &known);
    assert_ptr_equal(r->fn, h_advice_attach);
    assert_true(r->flags & ROUTE_RAW);
    r = find("POST", "/api/v1/advice/7/close", 0, &known);
    assert_ptr_equal(r->fn, h_advice_act);
}

static void test_known_path_other_method(void **state)
{
    int known;
    assert_null(find("DELETE", "/api/v1/referrals/7", 0, &known));
    assert_true(known);
    assert_null(find("GET", "/api/v1/nowhere", 0, &known));
    assert_false(known);
}

static void test_dev_routes_need_dev(void **state)
{
    int known;
    assert_null(find("GET", "/api/v1/dev/personas", 0, &known));
    assert_false(known);
    const http_route *r = find("GET", "/api/v1/dev/personas", 1, &known);
    assert_non_null(r);
    assert_true(r->flags & ROUTE_NOAUTH);
}

static int allow(const char *method, const char *url, const char *role, app_ctx *ctx)
{
    int known;
    memset(ctx, 0, sizeof(*ctx));
    snprintf(ctx->user.role, sizeof(ctx->user.role), "%s", role);
    return router_allow(find(method, url, 0, &known), ctx);
}

static void test_allowed_roles(void **state)
{
    app_ctx ctx;
    assert_int_equal(allow("GET", "/api/v1/inbox", "gp", &ctx), 0);
    assert_int_equal(allow("GET", "/api/v1/inbox", "clinician", &ctx), SEAM_EFORBIDDEN);
    assert_string_equal(ctx.err_code, "forbidden");
    assert_string_equal(ctx.err_msg, "The inbox is the GP practice's.");
    assert_int_equal(allow("GET", "/api/v1/users", "admin", &ctx), 0);
    assert_int_equal(allow("GET", "/api/v1/users/someone", "gp", &ctx), SEAM_EFORBIDDEN);
    assert_string_equal(ctx.err_msg, "Only the administrator manages staff and their services; your role is gp.");
    assert_int_equal(allow("GET", "/api/v1/results/unmatched", "admin", &ctx), 0);
    assert_int_equal(allow("GET", "/api/v1/results/unmatched", "gp", &ctx), SEAM_EFORBIDDEN);
    assert_int_equal(allow("GET", "/api/v1/referrals", "patient", &ctx), 0); /* left to the use case */
}

static void test_json_depth(void **state)
{
    const char *s = "{\"a\":[{\"b\":\"[[[{{\"}]}";
    assert_int_equal(req_json_depth(s, strlen(s)), 3);
    assert_int_equal(req_json_depth("\"\\\"[\"", 5), 0);
    assert_int_equal(req_json_depth("", 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_paths_match_exactly),
        cmocka_unit_test(test_braces_take_one_segment),
        cmocka_unit_test(test_a_long_segment_does_not_match),
        cmocka_unit_test(test_the_first_matching_route_wins),
        cmocka_unit_test(test_known_path_other_method),
        cmocka_unit_test(test_dev_routes_need_dev),
        cmocka_unit_test(test_allowed_roles),
        cmocka_unit_test(test_json_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
