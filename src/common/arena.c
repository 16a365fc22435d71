/*
 * arena.c - a pool of memory with cleanups (arena.h).
 *
 * Blocks form a list, the newest first; allocations are carved from the
 * newest block, and a request too large for a block gets a block of its
 * own, put behind the current one so that the current block's free space
 * is not lost.  Cleanups are nodes allocated from the arena itself, in a
 * list the newest first, which is the order they run in.
 */
#include "common/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN         _Alignof(max_align_t)
#define ARENA_DEFAULT_BLOCK 4096

typedef struct arena_block {
    struct arena_block *next;
    size_t size; /* bytes of data */
    size_t used;
    _Alignas(max_align_t) unsigned char data[];
} arena_block;

typedef struct arena_cleanup {
    struct arena_cleanup *next;
    arena_cleanup_fn fn;
    void *arg;
} arena_cleanup;

struct arena {
    arena_block *blocks;
    arena_cleanup *cleanups;
    size_t block_size;
    size_t handed_out;
};

static arena_block *block_new(size_t size)
{
    if (size > SIZE_MAX - sizeof(arena_block))
        return NULL;
    arena_block *b = malloc(sizeof(arena_block) + size);
    if (b == NULL)
        return NULL;
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

arena *arena_new(size_t block_size)
{
    arena *a = calloc(1, sizeof(*a));
    if (a == NULL)
        return NULL;
    a->block_size = block_size ? block_size : ARENA_DEFAULT_BLOCK;
    return a;
}

void arena_destroy(arena *a)
{
    if (a == NULL)
        return;
    /* Cleanup nodes live in the blocks: run them all before freeing any. */
    for (arena_cleanup *c = a->cleanups; c; c = c->next)
        c->fn(c->arg);
    a->cleanups = NULL;
    arena_block *b = a->blocks;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

static size_t round_up(size_t n)
{
    return (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
}

void *arena_alloc(arena *a, size_t n)
{
    if (n == 0 || n > SIZE_MAX - ARENA_ALIGN)
        return NULL;
    n = round_up(n);
    arena_block *b = a->blocks;
    if (b && b->size - b->used >= n) {
        void *p = b->data + b->used;
        b->used += n;
        a->handed_out += n;
        return p;
    }
    if (n > a->block_size / 4) {
        /* Large: a block of its own, behind the current one. */
        arena_block *big = block_new(n);
        if (big == NULL)
            return NULL;
        big->used = n;
        if (b) {
            big->next = b->next;
            b->next = big;
        } else
            a->blocks = big;
        a->handed_out += n;
        return big->data;
    }
    arena_block *nb = block_new(a->block_size);
    if (nb == NULL)
        return NULL;
    nb->next = a->blocks;
    a->blocks = nb;
    nb->used = n;
    a->handed_out += n;
    return nb->data;
}

void *arena_calloc(arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = arena_alloc(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *p = n < 0 ? NULL : arena_alloc(a, (size_t)n + 1);
    if (p)
        vsnprintf(p, (size_t)n + 1, fmt, again);
    va_end(again);
    return p;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

int arena_on_destroy(arena *a, arena_cleanup_fn fn, void *arg)
{
    arena_cleanup *c = arena_alloc(a, sizeof(*c));
    if (c == NULL) {
        fn(arg);
        return -1;
    }
    c->fn = fn;
    c->arg = arg;
    c->next = a->cleanups;
    a->cleanups = c;
    return 0;
}

size_t arena_used(const arena *a)
{
    return a->handed_out;
}
