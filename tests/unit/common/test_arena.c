/*
 * test_arena.c - the request pool (src/common/arena.c): every allocation
 * aligned for any type, small ones packed into blocks, large ones and many
 * small ones past a block's end still whole and distinct, copies and
 * printf in the arena, and cleanups run once each, newest first, when the
 * arena ends.  Runs under ASAN too: an overflow or a leak fails it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/arena.h"

#include <stdlib.h>
#include <string.h>

static void test_allocations_are_aligned(void **state)
{
    arena *a = arena_new(256);
    assert_non_null(a);
    for (size_t n = 1; n < 200; n += 7) {
        void *p = arena_alloc(a, n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        memset(p, 0xab, n);
    }
    long double *ld = arena_alloc(a, sizeof(long double) * 3);
    ld[2] = 1.5L;
    assert_true(ld[2] == 1.5L);
    arena_destroy(a);
}

static void test_zero_and_null(void **state)
{
    arena *a = arena_new(0);
    assert_null(arena_alloc(a, 0));
    assert_null(arena_alloc(a, SIZE_MAX));
    assert_null(arena_strdup(a, NULL));
    assert_int_equal(arena_used(a), 0);
    arena_destroy(a);
    arena_destroy(NULL);
}

static void test_growth_past_a_block(void **state)
{
    arena *a = arena_new(128);
    char *small = arena_alloc(a, 16);
    memset(small, 's', 16);
    /* Larger than a block: a block of its own, whole. */
    char *big = arena_alloc(a, 10000);
    assert_non_null(big);
    memset(big, 'b', 10000);
    /* The current block still serves small requests after the large one. */
    char *small2 = arena_alloc(a, 16);
    memset(small2, 't', 16);
    assert_true(small2 == small + 16 || small2 > small);
    for (int i = 0; i < 16; i++) {
        assert_int_equal(small[i], 's');
        assert_int_equal(small2[i], 't');
    }
    for (int i = 0; i < 10000; i++)
        assert_int_equal(big[i], 'b');
    /* A request just over what is left opens a new block. */
    char *c = arena_alloc(a, 100);
    memset(c, 'c', 100);
    assert_int_equal(small[15], 's');
    arena_destroy(a);
}

static void test_many_small_allocations_are_distinct(void **state)
{
    enum { N = 20000 };
    arena *a = arena_new(1024);
    int **ps = malloc(sizeof(int *) * N);
    for (int i = 0; i < N; i++) {
        ps[i] = arena_alloc(a, sizeof(int) * (size_t)(1 + i % 5));
        assert_non_null(ps[i]);
        for (int k = 0; k < 1 + i % 5; k++)
            ps[i][k] = i;
    }
    for (int i = 0; i < N; i++)
        for (int k = 0; k < 1 + i % 5; k++)
            assert_int_equal(ps[i][k], i);
    assert_true(arena_used(a) >= (size_t)N * sizeof(int));
    free(ps);
    arena_destroy(a);
}

static void test_calloc_zeroes(void **state)
{
    arena *a = arena_new(64);
    unsigned char *p = arena_alloc(a, 48);
    memset(p, 0xff, 48);
    arena_destroy(a);
    a = arena_new(64);
    p = arena_calloc(a, 48);
    for (int i = 0; i < 48; i++)
        assert_int_equal(p[i], 0);
    arena_destroy(a);
}

static void test_strdup_and_printf(void **state)
{
    arena *a = arena_new(32);
    char *s = arena_strdup(a, "referral");
    assert_string_equal(s, "referral");
    assert_string_equal(arena_strdup(a, ""), "");
    char *p = arena_printf(a, "There is no %s %lld.", s, 12LL);
    assert_string_equal(p, "There is no referral 12.");
    /* Longer than a block. */
    char *l = arena_printf(a, "%0500d|%s", 7, "end");
    assert_int_equal(strlen(l), 504);
    assert_string_equal(l + 500, "|end");
    assert_int_equal(l[499], '7');
    assert_string_equal(p, "There is no referral 12.");
    arena_destroy(a);
}

static char order[16];
static int calls;

static void note(void *arg)
{
    order[calls++] = *(const char *)arg;
}

static void test_cleanups_run_once_newest_first(void **state)
{
    static const char names[] = "abcde";
    arena *a = arena_new(64);
    calls = 0;
    memset(order, 0, sizeof(order));
    for (int i = 0; i < 5; i++) {
        assert_int_equal(arena_on_destroy(a, note, (void *)&names[i]), 0);
        arena_alloc(a, 40); /* cleanups spread over several blocks */
    }
    assert_int_equal(calls, 0);
    arena_destroy(a);
    assert_int_equal(calls, 5);
    assert_string_equal(order, "edcba");
}

/* A cleanup owns a malloc'd buffer: ASAN reports a leak if it never runs. */
static void test_cleanups_release_what_they_own(void **state)
{
    arena *a = arena_new(0);
    char *buf = malloc(100);
    memcpy(buf, "owned", 6);
    assert_int_equal(arena_on_destroy(a, free, buf), 0);
    char **grown = arena_calloc(a, sizeof(char *));
    *grown = malloc(10);
    assert_int_equal(arena_on_destroy(a, free, *grown), 0);
    arena_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allocations_are_aligned),
        cmocka_unit_test(test_zero_and_null),
        cmocka_unit_test(test_growth_past_a_block),
        cmocka_unit_test(test_many_small_allocations_are_distinct),
        cmocka_unit_test(test_calloc_zeroes),
        cmocka_unit_test(test_strdup_and_printf),
        cmocka_unit_test(test_cleanups_run_once_newest_first),
        cmocka_unit_test(test_cleanups_release_what_they_own),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
