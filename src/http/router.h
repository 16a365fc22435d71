/*
 * router.h - the API's routes as data: method, path pattern, handler,
 * flags and the roles allowed, checked before the handler runs.
 */
#ifndef SEAM_HTTP_ROUTER_H
#define SEAM_HTTP_ROUTER_H

#include "http/request.h"

/* A handler: parses rc, calls one use case, and leaves its answer in *out
 * (or an error on ctx, returning a negative seam_rc). */
typedef int (*route_fn)(route_ctx *rc, app_ctx *ctx, json_t **out);

/* Whether a role may use a route. */
typedef int (*route_role_fn)(const char *role);

enum {
    ROUTE_AUTH = 1,   /* a signed-in user */
    ROUTE_DEV = 2,    /* exists only with --dev */
    ROUTE_NOAUTH = 4, /* no sign-in */
    ROUTE_RAW = 8,    /* the body is bytes, not JSON */
    ROUTE_BINARY = 16 /* the answer is a stored file */
};

typedef struct http_route {
    const char *method;
    const char *pattern; /* "{}" takes one non-empty segment */
    route_fn fn;
    int flags;
    route_role_fn allow; /* NULL: every signed-in role (the use case may refuse) */
    const char *refusal; /* the 403 message when allow refuses; one %s takes the role */
} http_route;

/* Matches path against pattern, filling seg[] with the "{}" parts.
 * Returns 1 on a match. */
int router_match(const char *pattern, const char *path, char seg[REQ_SEGMENTS][REQ_SEGMENT_MAX]);

/* The route for rc's method and path (dev routes only when dev is set),
 * with rc->seg filled; NULL if none, with *path_known set when another
 * method would have matched. */
const http_route *router_find(route_ctx *rc, int dev, int *path_known);

/* 0 if ctx's user may use r; else a 403 recorded on ctx (negative seam_rc). */
int router_allow(const http_route *r, app_ctx *ctx);

#endif
