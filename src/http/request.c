/*
 * request.c - replies (JSON, errors, CSV, stored files), the parsers the
 * handlers share, and the checks that run before a handler: sign-in,
 * JSON body and Idempotency-Key.
 */
#include "http/request.h"
#include "common/rc.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ----------------------------------------------------------------------
 * Replies
 */

enum MHD_Result req_send_json(struct MHD_Connection *conn, int status, json_t *body, int replayed)
{
    char *text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(12));
    if (text == NULL)
        text = strdup("{\"error\":{\"code\":\"out_of_memory\",\"message\":\"Out of memory.\"}}");
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (replayed)
        MHD_add_response_header(r, "Idempotent-Replayed", "true");
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

json_t *req_error_json(int rc, const char *code, const char *message, const char *field)
{
    json_t *e = json_pack("{s:s,s:s}", "code", code && *code ? code : seam_rc_name(rc), "message", message);
    if (field && *field)
        json_object_set_new(e, "field", json_string(field));
    return json_pack("{s:o}", "error", e);
}

static enum MHD_Result send_csv(struct MHD_Connection *conn, json_t *measures, const char *filename)
{
    char *text = app_measures_rtt_csv(measures);
    if (text == NULL)
        text = strdup("");
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    char disp[160];
    snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", filename);
    MHD_add_response_header(r, "Content-Type", "text/csv; charset=utf-8");
    MHD_add_response_header(r, "Content-Disposition", disp);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    enum MHD_Result ret = MHD_queue_response(conn, 200, r);
    MHD_destroy_response(r);
    return ret;
}

enum MHD_Result req_send_error(route_ctx *rc, int err, const char *code, const char *message, const char *field)
{
    json_t *body = req_error_json(err, code, message, field);
    rc->status = seam_rc_http_status(err);
    enum MHD_Result ret = req_send_json(rc->conn, rc->status, body, 0);
    json_decref(body);
    return ret;
}

/* Sends a stored file ({"filename","content_type","data_base64"}) as bytes,
 * as a download, never rendered in the page's origin. */
static enum MHD_Result send_file_json(struct MHD_Connection *conn, json_t *f)
{
    const char *b64 = json_string_value(json_object_get(f, "data_base64"));
    size_t b64len = b64 ? strlen(b64) : 0, len = 0;
    unsigned char *bytes = malloc(b64len / 4 * 3 + 3);
    if (bytes == NULL ||
        sodium_base642bin(bytes, b64len / 4 * 3 + 3, b64, b64len, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL)) {
        free(bytes);
        json_t *e = req_error_json(SEAM_EINTERNAL, "internal_error", "The stored file could not be read.", NULL);
        enum MHD_Result r = req_send_json(conn, 500, e, 0);
        json_decref(e);
        return r;
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(len, bytes, MHD_RESPMEM_MUST_FREE);
    char disp[300], safe[200];
    const char *name = json_string_value(json_object_get(f, "filename"));
    size_t k = 0;
    for (const char *c = name ? name : "file"; *c && k + 1 < sizeof(safe); c++)
        safe[k++] = (*c == '"' || *c == '\\' || (unsigned char)*c < 32) ? '_' : *c;
    safe[k] = '\0';
    snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", safe);
    MHD_add_response_header(r, "Content-Type", json_string_value(json_object_get(f, "content_type")));
    MHD_add_response_header(r, "Content-Disposition", disp);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
    enum MHD_Result ret = MHD_queue_response(conn, 200, r);
    MHD_destroy_response(r);
    return ret;
}

enum MHD_Result req_reply(route_ctx *rc, const app_ctx *ctx, int e, json_t *out, int binary)
{
    if (e) {
        json_t *body =
            req_error_json(e, ctx->err_code, ctx->err_msg[0] ? ctx->err_msg : "The request failed.", ctx->err_field);
        rc->status = seam_rc_http_status(e);
        enum MHD_Result ret = req_send_json(rc->conn, rc->status, body, 0);
        json_decref(body);
        return ret;
    }
    rc->status = 200;
    if (binary)
        return send_file_json(rc->conn, out);
    if (rc->csv_name[0])
        return send_csv(rc->conn, out, rc->csv_name);
    rc->status = ctx->status ? ctx->status : 200;
    return req_send_json(rc->conn, rc->status, out, ctx->replayed);
}

/* ----------------------------------------------------------------------
 * The request and its body, as it arrives
 */

static void free_body(void *arg)
{
    http_req *req = arg;
    free(req->body);
    req->body = NULL;
}

static void json_release(void *j)
{
    json_decref(j);
}

http_req *req_new(void)
{
    arena *a = arena_new(0);
    http_req *req = a ? arena_calloc(a, sizeof(*req)) : NULL;
    if (req == NULL || arena_on_destroy(a, free_body, req) != 0) {
        arena_destroy(a);
        return NULL;
    }
    req->arena = a;
    return req;
}

void req_end(http_req *req)
{
    if (req)
        arena_destroy(req->arena);
}

json_t *req_own_json(route_ctx *rc, json_t *j)
{
    if (j)
        arena_on_destroy(rc->arena, json_release, j);
    return j;
}

size_t req_body_max(const char *url)
{
    size_t n = strlen(url);
    return strncmp(url, "/api/v1/advice/", 15) == 0 && n > 12 && strcmp(url + n - 12, "/attachments") == 0
               ? REQ_ATTACHMENT_BODY_MAX
               : REQ_BODY_MAX;
}

void req_body_begin(http_req *req, const char *url, const char *content_length)
{
    req->max = req_body_max(url);
    if (content_length && strtoull(content_length, NULL, 10) > req->max)
        req->too_big = 1;
}

int req_body_append(http_req *req, const char *data, size_t n)
{
    if (req->too_big)
        return 0;
    if (req->len + n > req->max) {
        req->too_big = 1;
        return 0;
    }
    if (req->len + n + 1 > req->cap) {
        size_t ncap = (req->len + n + 1) * 2;
        if (ncap > req->max + 1)
            ncap = req->max + 1;
        char *nb = realloc(req->body, ncap);
        if (nb == NULL)
            return -1;
        req->body = nb;
        req->cap = ncap;
    }
    memcpy(req->body + req->len, data, n);
    req->len += n;
    req->body[req->len] = '\0';
    return 0;
}

/* ----------------------------------------------------------------------
 * Parsers
 */

const char *req_query(route_ctx *rc, const char *name)
{
    return MHD_lookup_connection_value(rc->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(route_ctx *rc, const char *name)
{
    return MHD_lookup_connection_value(rc->conn, MHD_HEADER_KIND, name);
}

int req_query_int(route_ctx *rc, app_ctx *ctx, const char *name, int dflt, int max, int *out)
{
    const char *v = req_query(rc, name);
    *out = dflt;
    if (v == NULL || *v == '\0')
        return 0;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end != '\0' || n < 1 || n > max)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", name, "%s must be a whole number from 1 to %d.", name, max);
    *out = (int)n;
    return 0;
}

int req_parse_id(const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long n = strtoll(s, &end, 10);
    if (*end != '\0' || n < 1)
        return REQ_ID_BAD;
    *out = n;
    if (errno == ERANGE)
        return REQ_ID_RANGE;
    return *s == '+' ? REQ_ID_SIGNED : REQ_ID_OK;
}

int req_query_id(route_ctx *rc, app_ctx *ctx, const char *name, long long *out)
{
    const char *v = req_query(rc, name);
    *out = 0;
    if (v == NULL || *v == '\0')
        return 0;
    long long n = 0;
    int r = req_parse_id(v, &n);
    if (r == REQ_ID_BAD || r == REQ_ID_RANGE)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", name, "%s must be an id (a whole number).", name);
    *out = n;
    return 0;
}

int req_path_id(app_ctx *ctx, const char *s, const char *noun, long long *out)
{
    if (req_parse_id(s, out) != REQ_ID_OK) {
        if (noun == NULL)
            return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no such record (%.40s).", s);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no %s %.40s.", noun, s);
    }
    return 0;
}

/* A list filter by id (referral=, service=): positive, or a 400 with msg.
 * Unlike req_query_id it accepts an out-of-range number (as the largest
 * id) as it always has. */
static int list_filter_id(route_ctx *rc, app_ctx *ctx, const char *name, const char *msg, long long *out)
{
    const char *v = req_query(rc, name);
    if (v == NULL || *v == '\0')
        return 0;
    if (req_parse_id(v, out) == REQ_ID_BAD)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", name, "%s", msg);
    return 0;
}

int req_list_args(route_ctx *rc, app_ctx *ctx, app_list_args *a)
{
    memset(a, 0, sizeof(*a));
    a->accepts_referrals = -1;
    int rcode;
    if ((rcode = req_query_int(rc, ctx, "page", 1, 1000000, &a->page)) ||
        (rcode = req_query_int(rc, ctx, "page_size", 50, 100, &a->page_size)))
        return rcode;
    a->q = req_query(rc, "q");
    a->status = req_query(rc, "status");
    a->practice = req_query(rc, "practice");
    a->patient = req_query(rc, "patient");
    if ((rcode = list_filter_id(rc, ctx, "referral", "referral must be a referral id.", &a->referral)) ||
        (rcode = list_filter_id(rc, ctx, "service", "service must be a service id.", &a->service)))
        return rcode;
    if (a->q && strlen(a->q) > 100)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "q", "q is longer than 100 characters.");
    return 0;
}

int req_body_required(route_ctx *rc, app_ctx *ctx)
{
    return rc->body ? 0 : app_fail(ctx, SEAM_EBADREQ, "bad_json", NULL, "The request needs a JSON object body.");
}

int req_call_body(route_ctx *rc, app_ctx *ctx, app_fn fn, json_t **out)
{
    int r = req_body_required(rc, ctx);
    return r ? r : app_run(ctx, fn, rc->body, out);
}

int req_call_list(route_ctx *rc, app_ctx *ctx, app_fn fn, json_t **out)
{
    app_list_args a;
    int r = req_list_args(rc, ctx, &a);
    return r ? r : app_run(ctx, fn, &a, out);
}

int req_call_id(route_ctx *rc, app_ctx *ctx, const char *noun, app_fn fn, json_t **out)
{
    app_id_body a = {0};
    int r = req_path_id(ctx, rc->seg[0], noun, &a.id);
    return r ? r : app_run(ctx, fn, &a, out);
}

int req_call_id_action(route_ctx *rc, app_ctx *ctx, app_fn fn, json_t **out)
{
    app_id_body a = {0};
    int r = req_path_id(ctx, rc->seg[0], NULL, &a.id);
    a.action = rc->seg[1];
    a.body = rc->body;
    return r ? r : app_run(ctx, fn, &a, out);
}

int req_call_id_body(route_ctx *rc, app_ctx *ctx, app_fn fn, json_t **out)
{
    app_id_body a = {0};
    int r = req_body_required(rc, ctx);
    if (r == 0)
        r = req_path_id(ctx, rc->seg[0], NULL, &a.id);
    a.body = rc->body;
    return r ? r : app_run(ctx, fn, &a, out);
}

int req_call_list_kind(route_ctx *rc, app_ctx *ctx, app_fn fn, json_t **out)
{
    app_list_args a;
    int r = req_list_args(rc, ctx, &a);
    if (r == 0 && req_query(rc, "kind"))
        a.q = req_query(rc, "kind");
    return r ? r : app_run(ctx, fn, &a, out);
}

int req_json_depth(const char *s, size_t n)
{
    int depth = 0, max = 0, in_str = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > max)
                max = depth;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return max;
}

/* ----------------------------------------------------------------------
 * Checks before the handler
 */

int req_authenticate(route_ctx *rc, app_ctx *ctx, const unsigned char pk[32], enum MHD_Result *ret)
{
    const char *auth = req_header(rc, "Authorization");
    char username[64];
    if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0) {
        *ret = req_send_error(rc, SEAM_EUNAUTH, "unauthorized", "Sign in: send Authorization: Bearer <token>.", NULL);
        return -1;
    }
    if (auth_token_verify(pk, auth + 7, ctx->now, username, sizeof(username)) != 0) {
        *ret = req_send_error(rc, SEAM_EUNAUTH, "unauthorized", "The token is invalid or has expired; sign in again.",
                              NULL);
        return -1;
    }
    int e = app_user_load(ctx->db, username, &ctx->user);
    if (e == SEAM_EUNAVAIL) /* a dropped idle connection: reconnect once (a read, safe to repeat) */
        e = app_user_load(ctx->db, username, &ctx->user);
    if (e == SEAM_ENOTFOUND) {
        *ret = req_send_error(rc, SEAM_EUNAUTH, "unauthorized", "The signed-in user no longer exists or is inactive.",
                              NULL);
        return -1;
    }
    if (e) {
        *ret =
            req_send_error(rc, SEAM_EUNAVAIL, "unavailable", "The database is unavailable; try again shortly.", NULL);
        return -1;
    }
    return 0;
}

int req_body_parse(const char *text, size_t len, json_t **out, char *msg, size_t msglen)
{
    *out = NULL;
    if (req_json_depth(text, len) > REQ_JSON_DEPTH_MAX) {
        snprintf(msg, msglen, "The JSON body is nested too deeply.");
        return SEAM_EBADREQ;
    }
    json_error_t jerr;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (j == NULL) {
        snprintf(msg, msglen, "The body is not valid JSON: %s (line %d, column %d).", jerr.text, jerr.line,
                 jerr.column);
        return SEAM_EBADREQ;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        snprintf(msg, msglen, "The body must be a JSON object.");
        return SEAM_EBADREQ;
    }
    *out = j;
    return 0;
}

int req_parse_body(route_ctx *rc, enum MHD_Result *ret)
{
    char msg[300];
    if (req_body_parse(rc->req->body, rc->req->len, &rc->body, msg, sizeof(msg)) != 0) {
        *ret = req_send_error(rc, SEAM_EBADREQ, "bad_json", msg, NULL);
        return -1;
    }
    req_own_json(rc, rc->body);
    return 0;
}

/* SHA-256 of method, path and body, in hex: what an Idempotency-Key promises. */
static void request_hash(const char *method, const char *url, const http_req *req, char out[65])
{
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)method, strlen(method));
    crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)url, strlen(url));
    crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
    if (req->len)
        crypto_hash_sha256_update(&st, (const unsigned char *)req->body, req->len);
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

int req_idempotency(route_ctx *rc, app_ctx *ctx, enum MHD_Result *ret)
{
    const char *key = req_header(rc, "Idempotency-Key");
    if (key == NULL)
        return 0;
    size_t n = strlen(key);
    int ok = n > 0 && n <= REQ_IDEM_KEY_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = key[i] > 32 && key[i] < 127;
    if (!ok) {
        *ret = req_send_error(rc, SEAM_EBADREQ, "bad_request",
                              "Idempotency-Key must be 1 to 200 visible ASCII characters.", NULL);
        return -1;
    }
    char *hash = arena_alloc(rc->arena, 65);
    if (hash == NULL) {
        *ret = req_send_error(rc, SEAM_ENOMEM, "out_of_memory", "Out of memory.", NULL);
        return -1;
    }
    request_hash(rc->method, rc->url, rc->req, hash);
    ctx->idem_key = key;
    ctx->request_hash = hash;
    return 0;
}
