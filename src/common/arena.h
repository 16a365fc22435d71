/*
 * arena.h - a pool of memory with one ending: what is allocated from an
 * arena is never freed piecemeal but all at once by arena_destroy, which
 * first runs the cleanups registered on it (a JSON value to release, a
 * malloc'd buffer to free), newest first.  One arena per HTTP request
 * (src/http/server.c): the request's body, its parsed arguments and its
 * JSON all end when the request does.
 *
 * An arena is used by one thread at a time.
 */
#ifndef SEAM_ARENA_H
#define SEAM_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena;

/* A cleanup: called once with its argument when the arena is destroyed. */
typedef void (*arena_cleanup_fn)(void *arg);

/* A new arena whose blocks hold block_size bytes (0: 4096).  NULL when
 * out of memory. */
arena *arena_new(size_t block_size);

/* Runs every cleanup, newest first, then frees every block.  NULL is a no-op. */
void arena_destroy(arena *a);

/* n bytes aligned for any type (max_align_t); a request larger than a
 * block gets a block of its own.  NULL when out of memory (or n is 0). */
void *arena_alloc(arena *a, size_t n);

/* arena_alloc, zeroed. */
void *arena_calloc(arena *a, size_t n);

/* A copy of s in the arena; NULL for NULL or when out of memory. */
char *arena_strdup(arena *a, const char *s);

/* printf into the arena; NULL when out of memory or the format fails. */
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Registers fn(arg) to run when the arena is destroyed.  Returns 0; when
 * out of memory runs fn(arg) at once and returns -1, so that arg is
 * released either way. */
int arena_on_destroy(arena *a, arena_cleanup_fn fn, void *arg);

/* Bytes handed out so far (for tests and statistics). */
size_t arena_used(const arena *a);

#endif
