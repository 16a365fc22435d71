/*
 * request.h - one API request as the handlers see it, and the replies
 * the transport sends: JSON, errors, CSV and stored files.  Also the
 * small parsers every handler shares (query parameters, path ids, list
 * arguments) and the request-level checks (sign-in, JSON body,
 * Idempotency-Key) that run before a handler.
 */
#ifndef SEAM_HTTP_REQUEST_H
#define SEAM_HTTP_REQUEST_H

#include "app/app.h"
#include "common/arena.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>
#include <time.h>

#define REQ_BODY_MAX            (1024 * 1024)
#define REQ_ATTACHMENT_BODY_MAX (5 * 1024 * 1024)
#define REQ_JSON_DEPTH_MAX      32
#define REQ_IDEM_KEY_MAX        200
#define REQ_SEGMENTS            4
#define REQ_SEGMENT_MAX         96

/* One request from its first byte to its reply: its arena owns it, its
 * body, its route_ctx, the JSON parsed from it and what its handler
 * allocates, all ended at once by req_end.  The body is accumulated by
 * server.c up to max. */
typedef struct http_req {
    arena *arena;
    char *body; /* malloc'd as it grows; freed by a cleanup on the arena */
    size_t len;
    size_t cap;
    size_t max;
    int too_big;
    struct timespec start;
} http_req;

/* A new request with its arena; NULL when out of memory. */
http_req *req_new(void);

/* Ends a request: runs its arena's cleanups and frees it all.  NULL is a no-op. */
void req_end(http_req *req);

/* The most bytes a request to url may carry (attachments more than JSON). */
size_t req_body_max(const char *url);

/* Starts a body: its maximum for url, and too_big at once when the
 * announced Content-Length (NULL if none) is over it. */
void req_body_begin(http_req *req, const char *url, const char *content_length);

/* Appends n bytes to the body, kept NUL-terminated.  A body that would
 * pass max marks the request too_big and keeps nothing more.  Returns 0,
 * or -1 out of memory. */
int req_body_append(http_req *req, const char *data, size_t n);

/* One API request on its way through the router to a handler. */
typedef struct route_ctx {
    struct MHD_Connection *conn;
    const char *method;
    const char *url;
    http_req *req;
    arena *arena;                            /* the request's (req->arena): allocate here, never free */
    json_t *body;                            /* parsed body, or NULL; owned by the arena */
    char seg[REQ_SEGMENTS][REQ_SEGMENT_MAX]; /* the {} parts of the path */
    int status;                              /* for the access log */
    char csv_name[128]; /* non-empty: send the answer as CSV (app_measures_rtt_csv) under this name */
} route_ctx;

/* Gives j (may be NULL) to the request's arena, which releases it when the
 * request ends; returns j. */
json_t *req_own_json(route_ctx *rc, json_t *j);

/* Sends body (borrowed) as JSON with status. */
enum MHD_Result req_send_json(struct MHD_Connection *conn, int status, json_t *body, int replayed);

/* Builds {"error":{code,message,field?}}; code defaults to rc's name.  The caller frees it. */
json_t *req_error_json(int rc, const char *code, const char *message, const char *field);

/* Sends an error for err (its HTTP status from the seam_rc table) and records the status on rc. */
enum MHD_Result req_send_error(route_ctx *rc, int err, const char *code, const char *message, const char *field);

/* Sends the answer of a use case: an error from ctx when e is non-zero, else
 * out as JSON, CSV (rc->csv_name) or a stored file (binary).  Borrows out. */
enum MHD_Result req_reply(route_ctx *rc, const app_ctx *ctx, int e, json_t *out, int binary);

/* A query parameter, or NULL. */
const char *req_query(route_ctx *rc, const char *name);

/* A request header, or NULL. */
const char *req_header(route_ctx *rc, const char *name);

/* A whole-number query parameter within [1, max]; dflt when absent. */
int req_query_int(route_ctx *rc, app_ctx *ctx, const char *name, int dflt, int max, int *out);

/* What req_parse_id found. */
enum { REQ_ID_OK = 0, REQ_ID_BAD = -1, REQ_ID_RANGE = -2, REQ_ID_SIGNED = -3 };

/* The one parser of an id: a whole decimal number of at least 1.  Returns
 * REQ_ID_OK with *out set; REQ_ID_BAD (not a number, trailing characters,
 * zero or negative; *out untouched); REQ_ID_RANGE (past the largest id;
 * *out is LLONG_MAX); REQ_ID_SIGNED (written with a leading '+'; *out set).
 * Each caller decides which of the last two it accepts. */
int req_parse_id(const char *s, long long *out);

/* An id query parameter (0 when absent); "+5" is 5, too large is a 400. */
int req_query_id(route_ctx *rc, app_ctx *ctx, const char *name, long long *out);

/* The one parser of an id in the path.  A malformed id is a 404 naming
 * noun ("There is no referral 12x."), or, when noun is NULL, "There is no
 * such record (12x)." */
int req_path_id(app_ctx *ctx, const char *s, const char *noun, long long *out);

/* page, page_size, q, status, practice, patient, referral and service. */
int req_list_args(route_ctx *rc, app_ctx *ctx, app_list_args *a);

/* 400 bad_json unless the request carried a JSON object. */
int req_body_required(route_ctx *rc, app_ctx *ctx);

/* The shapes most handlers take, so each handler is one named line:
 *   req_call_body      POST /things                 the body to fn
 *   req_call_list      GET  /things                 app_list_args
 *   req_call_id        GET  /things/{id}            app_id_body {id}; a bad id is a 404 naming noun
 *   req_call_id_action POST /things/{id}/{action}   app_id_body {id, action, body}
 *   req_call_id_body   POST /things/{id}/...        app_id_body {id, body}; body required
 *   req_call_list_kind GET  /things?kind=...        app_list_args, kind as q
 * Other ids in the path are records ("There is no such record (x)."). */
int req_call_body(route_ctx *rc, app_ctx *ctx, app_fn fn, json_t **out);
int req_call_list(route_ctx *rc, app_ctx *ctx, app_fn fn, json_t **out);
int req_call_id(route_ctx *rc, app_ctx *ctx, const char *noun, app_fn fn, json_t **out);
int req_call_id_action(route_ctx *rc, app_ctx *ctx, app_fn fn, json_t **out);
int req_call_id_body(route_ctx *rc, app_ctx *ctx, app_fn fn, json_t **out);
int req_call_list_kind(route_ctx *rc, app_ctx *ctx, app_fn fn, json_t **out);

/* Returns the deepest nesting of arrays and objects in a JSON text. */
int req_json_depth(const char *s, size_t n);

/* Verifies the bearer token against pk and loads the user into ctx.  On
 * failure sends the answer and returns -1 with *ret set. */
int req_authenticate(route_ctx *rc, app_ctx *ctx, const unsigned char pk[32], enum MHD_Result *ret);

/* Parses text as a JSON object nested at most REQ_JSON_DEPTH_MAX deep.
 * Returns 0 with *out the caller's, or SEAM_EBADREQ with *out NULL and the
 * reason in msg. */
int req_body_parse(const char *text, size_t len, json_t **out, char *msg, size_t msglen);

/* Parses a POST or PUT body into rc->body (a JSON object of bounded depth,
 * owned by the arena).  On failure sends the answer and returns -1 with
 * *ret set. */
int req_parse_body(route_ctx *rc, enum MHD_Result *ret);

/* Takes the Idempotency-Key of a POST into ctx, with the request's hash
 * (in the arena).  On failure sends the answer and returns -1. */
int req_idempotency(route_ctx *rc, app_ctx *ctx, enum MHD_Result *ret);

#endif
