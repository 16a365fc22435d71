/*
 * server.c - transport: routing, authentication, JSON decoding, error
 * mapping and static files.  No SQL and no rules live here: handlers
 * parse the request, call one use case (src/app) and encode its answer.
 */
#include "http/server.h"
#include "app/app.h"
#include "common/rc.h"
#include "core/referral.h"
#include "store/db.h"
#include "store/migrate.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BODY_MAX            (1024 * 1024)
#define ATTACHMENT_BODY_MAX (5 * 1024 * 1024)
#define JSON_DEPTH_MAX      32
#define IDEM_KEY_MAX        200
#define TOKEN_TTL           (12 * 3600)

static const server_config *g_cfg;
static unsigned char g_pk[32];
static __thread db *tls_db;

typedef struct http_req {
    char *body;
    size_t len;
    size_t cap;
    size_t max;
    int too_big;
    struct timespec start;
} http_req;

typedef struct route_ctx {
    struct MHD_Connection *conn;
    const char *method;
    const char *url;
    http_req *req;
    json_t *body;       /* parsed body, or NULL */
    char seg[4][96];    /* the {} parts of the path */
    int status;         /* for the access log */
    char csv_name[128]; /* non-empty: send the answer as CSV (app_measures_rtt_csv) under this name */
} route_ctx;

typedef int (*route_fn)(route_ctx *rc, app_ctx *ctx, json_t **out);

/* ----------------------------------------------------------------------
 * Responses
 */

static enum MHD_Result send_json(struct MHD_Connection *conn, int status, json_t *body, int replayed)
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

static json_t *error_json(int rc, const char *code, const char *message, const char *field)
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

static enum MHD_Result send_error(route_ctx *rc, int err, const char *code, const char *message, const char *field)
{
    json_t *body = error_json(err, code, message, field);
    rc->status = seam_rc_http_status(err);
    enum MHD_Result ret = send_json(rc->conn, rc->status, body, 0);
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
        json_t *e = error_json(SEAM_EINTERNAL, "internal_error", "The stored file could not be read.", NULL);
        enum MHD_Result r = send_json(conn, 500, e, 0);
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

/* ----------------------------------------------------------------------
 * Request helpers
 */

static db *thread_db(char *err, size_t errlen)
{
    if (tls_db)
        return tls_db;
    if (db_open(g_cfg->db_url, &tls_db, err, errlen) != 0)
        tls_db = NULL;
    return tls_db;
}

static const char *query_arg(route_ctx *rc, const char *name)
{
    return MHD_lookup_connection_value(rc->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* Parses a positive integer query parameter within [1, max]. */
static int query_int(route_ctx *rc, app_ctx *ctx, const char *name, int dflt, int max, int *out)
{
    const char *v = query_arg(rc, name);
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

static int parse_id(app_ctx *ctx, const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long n = strtoll(s, &end, 10);
    if (errno || *end != '\0' || n < 1 || *s == '+' || *s == '-')
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no referral %.40s.", s);
    *out = n;
    return 0;
}

static int list_args(route_ctx *rc, app_ctx *ctx, app_list_args *a)
{
    memset(a, 0, sizeof(*a));
    a->accepts_referrals = -1;
    int rcode;
    if ((rcode = query_int(rc, ctx, "page", 1, 1000000, &a->page)) ||
        (rcode = query_int(rc, ctx, "page_size", 50, 100, &a->page_size)))
        return rcode;
    a->q = query_arg(rc, "q");
    a->status = query_arg(rc, "status");

    a->practice = query_arg(rc, "practice");
    a->patient = query_arg(rc, "patient");
    const char *ref = query_arg(rc, "referral");
    if (ref && *ref) {
        char *end;
        long long n = strtoll(ref, &end, 10);
        if (*end != '\0' || n < 1)
            return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "referral", "referral must be a referral id.");
        a->referral = n;
    }
    const char *svc = query_arg(rc, "service");
    if (svc && *svc) {
        char *end;
        long long n = strtoll(svc, &end, 10);
        if (*end != '\0' || n < 1)
            return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "service", "service must be a service id.");
        a->service = n;
    }
    if (a->q && strlen(a->q) > 100)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "q", "q is longer than 100 characters.");
    return 0;
}

/* ----------------------------------------------------------------------
 * Handlers: parse, call one use case
 */

static int h_me(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return app_run(ctx, app_me, NULL, out);
}

static int h_services(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_list_args a;
    memset(&a, 0, sizeof(a));
    const char *acc = query_arg(rc, "accepts_referrals");
    a.accepts_referrals = acc == NULL ? -1 : strcmp(acc, "true") == 0 ? 1 : strcmp(acc, "false") == 0 ? 0 : -2;
    if (a.accepts_referrals == -2)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "accepts_referrals",
                        "accepts_referrals must be true or false.");
    return app_run(ctx, app_services_list, &a, out);
}

static int h_patients(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_list_args a;
    int r = list_args(rc, ctx, &a);
    return r ? r : app_run(ctx, app_patients_search, &a, out);
}

static int h_patient(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return app_run(ctx, app_patient_get, rc->seg[0], out);
}

static int h_referral_create(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    if (rc->body == NULL)
        return app_fail(ctx, SEAM_EBADREQ, "bad_json", NULL, "The request needs a JSON object body.");
    return app_run(ctx, app_referral_create, rc->body, out);
}

static int h_referrals(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_list_args a;
    int r = list_args(rc, ctx, &a);
    ref_status st;
    if (r == 0 && a.status && *a.status && strcmp(a.status, "open") != 0 && ref_status_parse(a.status, &st) != 0)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "status",
                        "status must be open or a referral status such as awaiting_triage.");
    return r ? r : app_run(ctx, app_referral_list, &a, out);
}

static int h_referral(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_id_body a = {0};
    int r = parse_id(ctx, rc->seg[0], &a.id);
    return r ? r : app_run(ctx, app_referral_get, &a, out);
}

static int h_referral_history(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_id_body a = {0};
    int r = parse_id(ctx, rc->seg[0], &a.id);
    return r ? r : app_run(ctx, app_referral_history, &a, out);
}

static int h_referral_act(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    static const char *const actions[] = {
        "triage", "book", "attend", "discharge", "withdraw", "resubmit", "close", "convert_to_advice", "dna"};
    app_id_body a = {0};
    int r = parse_id(ctx, rc->seg[0], &a.id);
    if (r)
        return r;
    for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
        if (strcmp(rc->seg[1], actions[i]) == 0)
            a.action = actions[i];
    if (a.action == NULL && strcmp(rc->seg[1], "history") == 0)
        return app_fail(ctx, SEAM_EMETHOD, "method_not_allowed", NULL, "Only GET is allowed on a referral's history.");
    if (a.action == NULL)
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no referral action %.40s.", rc->seg[1]);
    a.body = rc->body;
    return app_run(ctx, app_referral_act, &a, out);
}

static int h_advice_create(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    if (rc->body == NULL)
        return app_fail(ctx, SEAM_EBADREQ, "bad_json", NULL, "The request needs a JSON object body.");
    return app_run(ctx, app_advice_create, rc->body, out);
}

static int h_advice_list(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_list_args a;
    int r = list_args(rc, ctx, &a);
    return r ? r : app_run(ctx, app_advice_list, &a, out);
}

static int advice_id(app_ctx *ctx, const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long n = strtoll(s, &end, 10);
    if (errno || *end != '\0' || n < 1 || *s == '+' || *s == '-')
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no advice request %.40s.", s);
    *out = n;
    return 0;
}

static int h_advice_get(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_id_body a = {0};
    int r = advice_id(ctx, rc->seg[0], &a.id);
    return r ? r : app_run(ctx, app_advice_get, &a, out);
}

static int h_advice_act(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    static const struct {
        const char *name;
        app_fn fn;
    } acts[] = {{"messages", app_advice_message},
                {"close", app_advice_close},
                {"convert", app_advice_convert},
                {"withdraw", app_advice_withdraw}};
    app_id_body a = {0};
    int r = advice_id(ctx, rc->seg[0], &a.id);
    if (r)
        return r;
    a.body = rc->body;
    for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
        if (strcmp(rc->seg[1], acts[i].name) == 0)
            return app_run(ctx, acts[i].fn, &a, out);
    return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no advice action %.40s.", rc->seg[1]);
}

static int h_advice_attach(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_attachment a = {0};
    int r = advice_id(ctx, rc->seg[0], &a.advice_id);
    if (r)
        return r;
    const char *ct = MHD_lookup_connection_value(rc->conn, MHD_HEADER_KIND, "Content-Type");
    char type[100] = "";
    if (ct) {
        size_t n = strcspn(ct, ";");
        while (n > 0 && ct[n - 1] == ' ')
            n--;
        if (n < sizeof(type)) {
            memcpy(type, ct, n);
            type[n] = '\0';
            for (char *c = type; *c; c++)
                *c = (char)tolower((unsigned char)*c);
        }
    }
    const char *name = query_arg(rc, "filename");
    if (name == NULL || *name == '\0' || strlen(name) > 200 || strchr(name, '/') || strchr(name, '\\'))
        return app_fail(ctx, SEAM_EINVALID, "missing_field", "filename",
                        "Give the file's name (?filename=..., up to 200 characters, no slashes).");
    a.filename = name;
    a.content_type = type;
    a.data = rc->req->body ? rc->req->body : "";
    a.len = rc->req->len;
    return app_run(ctx, app_advice_attach, &a, out);
}

static int h_advice_attachment(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_attachment a = {0};
    int r = advice_id(ctx, rc->seg[0], &a.advice_id);
    if (r == 0)
        r = advice_id(ctx, rc->seg[1], &a.attachment_id);
    return r ? r : app_run(ctx, app_advice_attachment_get, &a, out);
}

static int h_measures_interface(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_measures_args a = {query_arg(rc, "trust"), query_arg(rc, "from"), query_arg(rc, "to")};
    return app_run(ctx, app_measures_interface, &a, out);
}

/* Complete care. */
static int body_required(route_ctx *rc, app_ctx *ctx)
{
    return rc->body ? 0 : app_fail(ctx, SEAM_EBADREQ, "bad_json", NULL, "The request needs a JSON object body.");
}

static int id_of(app_ctx *ctx, const char *s, long long *out)
{
    char *end;
    errno = 0;
    long long n = strtoll(s, &end, 10);
    if (errno || *end != '\0' || n < 1 || *s == '+' || *s == '-')
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no such record (%.40s).", s);
    *out = n;
    return 0;
}

#define BODY_HANDLER(name, fn)                                                                                         \
    static int name(route_ctx *rc, app_ctx *ctx, json_t **out)                                                         \
    {                                                                                                                  \
        int r = body_required(rc, ctx);                                                                                \
        return r ? r : app_run(ctx, fn, rc->body, out);                                                                \
    }
BODY_HANDLER(h_order_create, app_order_create)
BODY_HANDLER(h_discharge_create, app_discharge_create)
BODY_HANDLER(h_letter_create, app_letter_create)
BODY_HANDLER(h_fit_note_create, app_fit_note_create)
BODY_HANDLER(h_follow_up_create, app_follow_up_create)

#define GET_HANDLER(name, fn)                                                                                          \
    static int name(route_ctx *rc, app_ctx *ctx, json_t **out)                                                         \
    {                                                                                                                  \
        app_id_body a = {0};                                                                                           \
        int r = id_of(ctx, rc->seg[0], &a.id);                                                                         \
        return r ? r : app_run(ctx, fn, &a, out);                                                                      \
    }
GET_HANDLER(h_order_get, app_order_get)
GET_HANDLER(h_result_get, app_result_get)
GET_HANDLER(h_letter_get, app_letter_get)
GET_HANDLER(h_follow_up_get, app_follow_up_get)

#define ACT_HANDLER(name, fn)                                                                                          \
    static int name(route_ctx *rc, app_ctx *ctx, json_t **out)                                                         \
    {                                                                                                                  \
        app_id_body a = {0};                                                                                           \
        int r = id_of(ctx, rc->seg[0], &a.id);                                                                         \
        a.action = rc->seg[1];                                                                                         \
        a.body = rc->body;                                                                                             \
        return r ? r : app_run(ctx, fn, &a, out);                                                                      \
    }
ACT_HANDLER(h_result_act, app_result_act)
ACT_HANDLER(h_letter_act, app_letter_act)
ACT_HANDLER(h_follow_up_act, app_follow_up_act)

/* The shared waiting list. */
static int query_id(route_ctx *rc, app_ctx *ctx, const char *name, long long *out)
{
    const char *v = query_arg(rc, name);
    *out = 0;
    if (v == NULL || *v == '\0')
        return 0;
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || *end != '\0' || n < 1)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", name, "%s must be an id (a whole number).", name);
    *out = n;
    return 0;
}

static int h_waiting_list(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_wl_args a;
    memset(&a, 0, sizeof(a));
    int r;
    const char *mw = query_arg(rc, "min_weeks");
    if ((r = query_int(rc, ctx, "page", 1, 1000000, &a.page)) ||
        (r = query_int(rc, ctx, "page_size", 50, 200, &a.page_size)) || (r = query_id(rc, ctx, "service", &a.service)))
        return r;
    if (mw && *mw && strcmp(mw, "0") != 0 && (r = query_int(rc, ctx, "min_weeks", 0, 520, &a.min_weeks)))
        return r;
    a.trust = query_arg(rc, "trust");
    a.practice = query_arg(rc, "practice");
    a.priority = query_arg(rc, "priority");
    a.patient = query_arg(rc, "patient");
    a.status = query_arg(rc, "status");
    a.census = query_arg(rc, "census");
    return app_run(ctx, app_waiting_list, &a, out);
}

GET_HANDLER(h_pathway_get, app_pathway_get)
static int h_estimated_wait(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_est_args a = {0, query_arg(rc, "census")};
    int r = id_of(ctx, rc->seg[0], &a.id);
    return r ? r : app_run(ctx, app_estimated_wait, &a, out);
}

static int h_organisations(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return app_run(ctx, app_organisations_list, query_arg(rc, "kind"), out);
}

/* POST /things/{id}/...: an id in the path and a JSON body. */
#define ID_BODY_HANDLER(name, fn)                                                                                      \
    static int name(route_ctx *rc, app_ctx *ctx, json_t **out)                                                         \
    {                                                                                                                  \
        app_id_body a = {0};                                                                                           \
        int r = body_required(rc, ctx);                                                                                \
        if (r == 0)                                                                                                    \
            r = id_of(ctx, rc->seg[0], &a.id);                                                                         \
        a.body = rc->body;                                                                                             \
        return r ? r : app_run(ctx, fn, &a, out);                                                                      \
    }
ID_BODY_HANDLER(h_pathway_priority, app_pathway_priority)
ID_BODY_HANDLER(h_priority_review_create, app_priority_review_create)
ID_BODY_HANDLER(h_priority_review_answer, app_priority_review_answer)

static int h_priority_reviews(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_list_args a;
    int r = list_args(rc, ctx, &a);
    return r ? r : app_run(ctx, app_priority_reviews_list, &a, out);
}

static int h_measures_rtt(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_rtt_args a = {query_arg(rc, "trust"), 0, query_arg(rc, "practice"), query_arg(rc, "icb"), query_arg(rc, "by"),
                      query_arg(rc, "census")};
    int r = query_id(rc, ctx, "service", &a.service);
    if (r)
        return r;
    const char *fmt = query_arg(rc, "format");
    const char *accept = MHD_lookup_connection_value(rc->conn, MHD_HEADER_KIND, "Accept");
    if (fmt && *fmt && strcmp(fmt, "csv") != 0 && strcmp(fmt, "json") != 0)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "format", "format must be json or csv.");
    int csv = (fmt && strcmp(fmt, "csv") == 0) || (!fmt && accept && strstr(accept, "text/csv"));
    if ((r = app_run(ctx, app_measures_rtt, &a, out)) || !csv)
        return r;
    /* rtt-<scope>-by-<dimension>-<census date>.csv */
    json_t *code = json_object_get(json_object_get(*out, "scope"), "code");
    char scope[32] = "england";
    if (json_is_string(code))
        snprintf(scope, sizeof(scope), "%s", json_string_value(code));
    else if (json_is_integer(code))
        snprintf(scope, sizeof(scope), "service-%lld", (long long)json_integer_value(code));
    snprintf(rc->csv_name, sizeof(rc->csv_name), "rtt-%s-by-%s-%s.csv", scope,
             json_string_value(json_object_get(*out, "by")), json_string_value(json_object_get(*out, "census_date")));
    return 0;
}

static int h_result_handover_decide(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_id_body a = {0};
    int r = id_of(ctx, rc->seg[0], &a.id);
    if (r)
        return r;
    if (strcmp(rc->seg[1], "accept") != 0 && strcmp(rc->seg[1], "decline") != 0)
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "Answer a hand-over with accept or decline.");
    a.action = rc->seg[1];
    a.body = rc->body;
    return app_run(ctx, app_result_act, &a, out);
}

static int h_letter_gp_action(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_gp_action a = {0};
    long long n;
    int r = id_of(ctx, rc->seg[0], &a.letter_id);
    if (r == 0)
        r = id_of(ctx, rc->seg[1], &n);
    if (r)
        return r;
    if (strcmp(rc->seg[2], "accept") != 0 && strcmp(rc->seg[2], "decline") != 0 && strcmp(rc->seg[2], "resolve") != 0)
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL,
                        "Answer a GP action with accept or decline; resolve a declined one.");
    if (n < 1 || n > 1000)
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no GP action %lld.", n);
    a.n = (int)n;
    a.decision = rc->seg[2];
    a.body = rc->body;
    return app_run(ctx, strcmp(a.decision, "resolve") == 0 ? app_letter_gp_action_resolve : app_letter_gp_action, &a,
                   out);
}

/* A result for an unknown order is refused, and kept for the trust. */
static int h_result_receive(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    int r = body_required(rc, ctx);
    if (r)
        return r;
    r = app_run(ctx, app_result_receive, rc->body, out);
    if (r && strcmp(ctx->err_code, "unknown_order") == 0) {
        app_ctx report = *ctx;
        report.idem_key = NULL;
        json_t *ignored = NULL;
        if (app_run(&report, app_result_report_unmatched, rc->body, &ignored) != 0)
            fprintf(stderr, "seam: could not keep an unmatched result: %s\n", report.err_msg);
        json_decref(ignored);
    }
    return r;
}

static int h_results_unmatched(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return app_run(ctx, app_results_unmatched, NULL, out);
}

#define LIST_HANDLER(name, fn)                                                                                         \
    static int name(route_ctx *rc, app_ctx *ctx, json_t **out)                                                         \
    {                                                                                                                  \
        app_list_args a;                                                                                               \
        int r = list_args(rc, ctx, &a);                                                                                \
        if (r == 0 && query_arg(rc, "kind"))                                                                           \
            a.q = query_arg(rc, "kind");                                                                               \
        return r ? r : app_run(ctx, fn, &a, out);                                                                      \
    }
LIST_HANDLER(h_results_list, app_results_list)
LIST_HANDLER(h_letters_list, app_letters_list)
LIST_HANDLER(h_fit_notes_list, app_fit_notes_list)
LIST_HANDLER(h_follow_ups_list, app_follow_ups_list)

static int h_inbox(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return app_run(ctx, app_inbox, NULL, out);
}

static int h_measures_complete_care(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_measures_args a = {query_arg(rc, "trust"), query_arg(rc, "from"), query_arg(rc, "to")};
    return app_run(ctx, app_measures_complete_care, &a, out);
}

static int h_worklist(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_list_args a;
    int r = list_args(rc, ctx, &a);
    return r ? r : app_run(ctx, app_worklist, &a, out);
}

/* Staff and their services (the administrator's). */
static int h_users(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return app_run(ctx, app_staff_list, query_arg(rc, "org"), out);
}

static int h_user(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return app_run(ctx, app_staff_get, rc->seg[0], out);
}

static int h_user_services(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_staff_services_args a = {rc->seg[0], rc->body};
    int r = body_required(rc, ctx);
    return r ? r : app_run(ctx, app_staff_services_set, &a, out);
}

static int h_dev_personas(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    db_rows *r;
    int e = db_query(ctx->db,
                     "SELECT u.username, u.role, u.display_name, u.org_code, o.name, s.name"
                     " FROM users u JOIN organisations o ON o.code = u.org_code"
                     " LEFT JOIN services s ON s.id = u.service_id"
                     " WHERE u.persona > 0 AND u.active = 1 ORDER BY u.persona, u.username",
                     0, NULL, &r);
    if (e)
        return app_db_fail(ctx, e);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r); i++)
        json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:{s:s,s:s},s:s?}", "username", db_get(r, i, 0), "role",
                                              db_get(r, i, 1), "display_name", db_get(r, i, 2), "organisation", "code",
                                              db_get(r, i, 3), "name", db_get(r, i, 4), "service", db_get(r, i, 5)));
    db_rows_free(r);
    *out = json_pack("{s:o,s:s}", "personas", list, "notice",
                     "Development sign-in: demo personas only. Never enable --dev with real patient data.");
    return 0;
}

static int h_dev_token(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    json_t *u = rc->body ? json_object_get(rc->body, "username") : NULL;
    if (!json_is_string(u))
        return app_fail(ctx, SEAM_EINVALID, "missing_field", "username", "username is required.");
    app_user user;
    int e = app_user_load(ctx->db, json_string_value(u), &user);
    if (e == SEAM_ENOTFOUND)
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "username", "There is no user %s.", json_string_value(u));
    if (e)
        return app_db_fail(ctx, e);
    char *tok;
    e = auth_token_issue(ctx->db, &user, ctx->now, TOKEN_TTL, &tok);
    if (e)
        return app_fail(ctx, e, NULL, NULL, "Could not sign a token.");
    char exp[SEAM_ISO_LEN];
    seam_time_format(ctx->now + TOKEN_TTL, exp);
    *out =
        json_pack("{s:s,s:s,s:s,s:s}", "token", tok, "expires_at", exp, "username", user.username, "role", user.role);
    free(tok);
    return 0;
}

static int h_health(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    long long n;
    int e = db_query_int(ctx->db, "SELECT count(*) FROM schema_migrations", 0, NULL, 0, &n);
    if (e)
        return app_db_fail(ctx, e);
    *out = json_pack("{s:s,s:I}", "status", "ok", "schema_version", (json_int_t)n);
    return 0;
}

/* ----------------------------------------------------------------------
 * Routes are data.
 */

enum { AUTH = 1, DEV = 2, NOAUTH = 4, RAW = 8, BINARY = 16 };

static const struct route {
    const char *method;
    const char *pattern;
    route_fn fn;
    int flags;
} routes[] = {
    {"GET", "/api/v1/health", h_health, NOAUTH},
    {"GET", "/api/v1/dev/personas", h_dev_personas, DEV | NOAUTH},
    {"POST", "/api/v1/dev/token", h_dev_token, DEV | NOAUTH},
    {"GET", "/api/v1/me", h_me, AUTH},
    {"GET", "/api/v1/services", h_services, AUTH},
    {"GET", "/api/v1/patients", h_patients, AUTH},
    {"GET", "/api/v1/patients/{}", h_patient, AUTH},
    {"POST", "/api/v1/referrals", h_referral_create, AUTH},
    {"GET", "/api/v1/referrals", h_referrals, AUTH},
    {"GET", "/api/v1/referrals/{}", h_referral, AUTH},
    {"GET", "/api/v1/referrals/{}/history", h_referral_history, AUTH},
    {"POST", "/api/v1/referrals/{}/{}", h_referral_act, AUTH},
    {"GET", "/api/v1/worklist", h_worklist, AUTH},
    {"POST", "/api/v1/advice", h_advice_create, AUTH},
    {"GET", "/api/v1/advice", h_advice_list, AUTH},
    {"GET", "/api/v1/advice/{}", h_advice_get, AUTH},
    {"POST", "/api/v1/advice/{}/attachments", h_advice_attach, AUTH | RAW},
    {"GET", "/api/v1/advice/{}/attachments/{}", h_advice_attachment, AUTH | BINARY},
    {"POST", "/api/v1/advice/{}/{}", h_advice_act, AUTH},
    {"GET", "/api/v1/measures/interface", h_measures_interface, AUTH},
    {"GET", "/api/v1/measures/complete-care", h_measures_complete_care, AUTH},
    {"POST", "/api/v1/results/orders", h_order_create, AUTH},
    {"GET", "/api/v1/results/orders/{}", h_order_get, AUTH},
    {"GET", "/api/v1/results/unmatched", h_results_unmatched, AUTH},
    {"POST", "/api/v1/results", h_result_receive, AUTH},
    {"GET", "/api/v1/results", h_results_list, AUTH},
    {"GET", "/api/v1/results/{}", h_result_get, AUTH},
    {"POST", "/api/v1/results/{}/handover/{}", h_result_handover_decide, AUTH},
    {"POST", "/api/v1/results/{}/{}", h_result_act, AUTH},
    {"POST", "/api/v1/discharges", h_discharge_create, AUTH},
    {"POST", "/api/v1/letters", h_letter_create, AUTH},
    {"GET", "/api/v1/letters", h_letters_list, AUTH},
    {"GET", "/api/v1/letters/{}", h_letter_get, AUTH},
    {"POST", "/api/v1/letters/{}/gp-actions/{}/{}", h_letter_gp_action, AUTH},
    {"POST", "/api/v1/letters/{}/{}", h_letter_act, AUTH},
    {"POST", "/api/v1/fit-notes", h_fit_note_create, AUTH},
    {"GET", "/api/v1/fit-notes", h_fit_notes_list, AUTH},
    {"POST", "/api/v1/follow-ups", h_follow_up_create, AUTH},
    {"GET", "/api/v1/follow-ups", h_follow_ups_list, AUTH},
    {"GET", "/api/v1/follow-ups/{}", h_follow_up_get, AUTH},
    {"POST", "/api/v1/follow-ups/{}/{}", h_follow_up_act, AUTH},
    {"GET", "/api/v1/inbox", h_inbox, AUTH},
    {"GET", "/api/v1/waiting-list", h_waiting_list, AUTH},
    {"GET", "/api/v1/pathways/{}", h_pathway_get, AUTH},
    {"POST", "/api/v1/pathways/{}/priority", h_pathway_priority, AUTH},
    {"POST", "/api/v1/pathways/{}/priority-review", h_priority_review_create, AUTH},
    {"GET", "/api/v1/priority-reviews", h_priority_reviews, AUTH},
    {"POST", "/api/v1/priority-reviews/{}/answer", h_priority_review_answer, AUTH},
    {"GET", "/api/v1/measures/rtt", h_measures_rtt, AUTH},
    {"GET", "/api/v1/services/{}/estimated-wait", h_estimated_wait, AUTH},
    {"GET", "/api/v1/organisations", h_organisations, AUTH},
    {"GET", "/api/v1/users", h_users, AUTH},
    {"GET", "/api/v1/users/{}", h_user, AUTH},
    {"PUT", "/api/v1/users/{}/services", h_user_services, AUTH},
};

/* Matches path against pattern; "{}" takes one non-empty segment. */
static int route_match(const char *pattern, const char *path, route_ctx *rc)
{
    int nseg = 0;
    while (*pattern && *path) {
        if (pattern[0] == '{' && pattern[1] == '}') {
            size_t n = strcspn(path, "/");
            if (n == 0 || n >= sizeof(rc->seg[0]) || nseg >= 4)
                return 0;
            memcpy(rc->seg[nseg], path, n);
            rc->seg[nseg][n] = '\0';
            nseg++;
            path += n;
            pattern += 2;
        } else if (*pattern++ != *path++) {
            return 0;
        }
    }
    return *pattern == '\0' && *path == '\0';
}

/* Returns the deepest nesting of arrays and objects in a JSON text. */
static int json_depth(const char *s, size_t n)
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

static enum MHD_Result handle_api(route_ctx *rc)
{
    const struct route *route = NULL;
    int path_known = 0;
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (!route_match(routes[i].pattern, rc->url, rc))
            continue;
        if ((routes[i].flags & DEV) && !g_cfg->dev)
            continue;
        path_known = 1;
        if (strcmp(routes[i].method, rc->method) == 0) {
            route = &routes[i];
            break;
        }
    }
    if (route == NULL) {
        if (path_known)
            return send_error(rc, SEAM_EMETHOD, "method_not_allowed", "This method is not allowed on this path.", NULL);
        return send_error(rc, SEAM_ENOTFOUND, "not_found", "There is no such API endpoint.", NULL);
    }
    if (rc->req->too_big)
        return send_error(rc, SEAM_ETOOBIG, "too_large",
                          rc->req->max > BODY_MAX ? "Files must be 5 MB or smaller."
                                                  : "The request body is larger than 1 MiB.",
                          NULL);

    app_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.now = (seam_time)time(NULL);
    char err[256];
    ctx.db = thread_db(err, sizeof(err));
    if (ctx.db == NULL)
        return send_error(rc, SEAM_EUNAVAIL, "unavailable", "The database is unavailable; try again shortly.", NULL);

    if (!(route->flags & NOAUTH)) {
        const char *auth = MHD_lookup_connection_value(rc->conn, MHD_HEADER_KIND, "Authorization");
        char username[64];
        if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
            return send_error(rc, SEAM_EUNAUTH, "unauthorized", "Sign in: send Authorization: Bearer <token>.", NULL);
        if (auth_token_verify(g_pk, auth + 7, ctx.now, username, sizeof(username)) != 0)
            return send_error(rc, SEAM_EUNAUTH, "unauthorized", "The token is invalid or has expired; sign in again.",
                              NULL);
        int e = app_user_load(ctx.db, username, &ctx.user);
        if (e == SEAM_EUNAVAIL) /* a dropped idle connection: reconnect once (a read, safe to repeat) */
            e = app_user_load(ctx.db, username, &ctx.user);
        if (e == SEAM_ENOTFOUND)
            return send_error(rc, SEAM_EUNAUTH, "unauthorized", "The signed-in user no longer exists or is inactive.",
                              NULL);
        if (e)
            return send_error(rc, SEAM_EUNAVAIL, "unavailable", "The database is unavailable; try again shortly.",
                              NULL);
    }

    /* Body: JSON object, bounded depth (raw routes take bytes as they are). */
    if ((strcmp(rc->method, "POST") == 0 || strcmp(rc->method, "PUT") == 0) && rc->req->len > 0 &&
        !(route->flags & RAW)) {
        if (json_depth(rc->req->body, rc->req->len) > JSON_DEPTH_MAX)
            return send_error(rc, SEAM_EBADREQ, "bad_json", "The JSON body is nested too deeply.", NULL);
        json_error_t jerr;
        rc->body = json_loadb(rc->req->body, rc->req->len, JSON_REJECT_DUPLICATES, &jerr);
        if (rc->body == NULL) {
            char msg[300];
            snprintf(msg, sizeof(msg), "The body is not valid JSON: %s (line %d, column %d).", jerr.text, jerr.line,
                     jerr.column);
            return send_error(rc, SEAM_EBADREQ, "bad_json", msg, NULL);
        }
        if (!json_is_object(rc->body)) {
            json_decref(rc->body);
            rc->body = NULL;
            return send_error(rc, SEAM_EBADREQ, "bad_json", "The body must be a JSON object.", NULL);
        }
    }

    char hash[65];
    if (strcmp(rc->method, "POST") == 0) {
        const char *key = MHD_lookup_connection_value(rc->conn, MHD_HEADER_KIND, "Idempotency-Key");
        if (key) {
            size_t n = strlen(key);
            int ok = n > 0 && n <= IDEM_KEY_MAX;
            for (size_t i = 0; ok && i < n; i++)
                ok = key[i] > 32 && key[i] < 127;
            if (!ok) {
                json_decref(rc->body);
                return send_error(rc, SEAM_EBADREQ, "bad_request",
                                  "Idempotency-Key must be 1 to 200 visible ASCII characters.", NULL);
            }
            request_hash(rc->method, rc->url, rc->req, hash);
            ctx.idem_key = key;
            ctx.request_hash = hash;
        }
    }

    json_t *out = NULL;
    int e = route->fn(rc, &ctx, &out);
    enum MHD_Result ret;
    if (e) {
        json_t *body = error_json(e, ctx.err_code, ctx.err_msg[0] ? ctx.err_msg : "The request failed.", ctx.err_field);
        rc->status = seam_rc_http_status(e);
        ret = send_json(rc->conn, rc->status, body, 0);
        json_decref(body);
    } else if (route->flags & BINARY) {
        rc->status = 200;
        ret = send_file_json(rc->conn, out);
    } else if (rc->csv_name[0]) {
        rc->status = 200;
        ret = send_csv(rc->conn, out, rc->csv_name);
    } else {
        rc->status = ctx.status ? ctx.status : 200;
        ret = send_json(rc->conn, rc->status, out, ctx.replayed);
    }
    json_decref(out);
    json_decref(rc->body);
    rc->body = NULL;
    return ret;
}

/* ----------------------------------------------------------------------
 * Static files
 */

static const char *content_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".webmanifest", "application/manifest+json"},
    };
    const char *dot = strrchr(path, '.');
    if (dot)
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
            if (strcmp(dot, types[i].ext) == 0)
                return types[i].type;
    return "application/octet-stream";
}

/* Reads a page (fd, size bytes) and replaces each "<!--#include NAME-->"
 * with web/partials/NAME.html (NAME: lower-case letters).  Returns a
 * malloc'd buffer and its length, or NULL. */
static char *expand_includes(int fd, size_t size, size_t *out_len)
{
    if (size > 1024 * 1024)
        return NULL;
    char *src = malloc(size + 1);
    if (src == NULL)
        return NULL;
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, src + got, size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    src[got] = '\0';
    size_t cap = got + 16384, len = 0;
    char *out = malloc(cap);
    if (out == NULL) {
        free(src);
        return NULL;
    }
    static const char open_tag[] = "<!--#include ";
    const char *p = src;
    while (*p) {
        const char *m = strstr(p, open_tag);
        const char *end = m ? strstr(m, "-->") : NULL;
        size_t lit = m && end ? (size_t)(m - p) : strlen(p);
        char part[160] = "";
        size_t plen = 0;
        char *text = NULL;
        if (m && end) {
            const char *name = m + sizeof(open_tag) - 1;
            size_t nlen = (size_t)(end - name);
            int ok = nlen > 0 && nlen < 32;
            for (size_t i = 0; ok && i < nlen; i++)
                ok = name[i] >= 'a' && name[i] <= 'z';
            if (ok) {
                snprintf(part, sizeof(part), "%s/partials/%.*s.html", g_cfg->web_root, (int)nlen, name);
                FILE *f = fopen(part, "rb");
                if (f) {
                    text = malloc(65536);
                    plen = text ? fread(text, 1, 65536, f) : 0;
                    fclose(f);
                }
            }
        }
        if (len + lit + plen + 1 > cap) {
            size_t ncap = (len + lit + plen + 1) * 2;
            char *nb = realloc(out, ncap);
            if (nb == NULL) {
                free(text);
                free(out);
                free(src);
                return NULL;
            }
            out = nb;
            cap = ncap;
        }
        memcpy(out + len, p, lit);
        len += lit;
        if (!(m && end))
            break;
        if (text) {
            memcpy(out + len, text, plen);
            len += plen;
            free(text);
        }
        p = end + 3;
    }
    out[len] = '\0';
    free(src);
    *out_len = len;
    return out;
}

static enum MHD_Result handle_static(route_ctx *rc)
{
    if (strcmp(rc->method, "GET") != 0 && strcmp(rc->method, "HEAD") != 0)
        return send_error(rc, SEAM_EMETHOD, "method_not_allowed", "Only GET is allowed here.", NULL);
    const char *url = rc->url;
    const char *root = g_cfg->web_root;
    char assets[600];
    if (strncmp(url, "/nhsuk/", 7) == 0) {
        root = g_cfg->nhsuk_root;
        url += 6;
    } else if (strncmp(url, "/vendor/chart.js/", 17) == 0) {
        /* Chart.js for the measures charts, beside nhsuk-frontend in node_modules. */
        snprintf(assets, sizeof(assets), "%s/../../chart.js/dist", g_cfg->nhsuk_root);
        root = assets;
        url += 16;
    } else if (strncmp(url, "/assets/", 8) == 0) {
        /* The NHS.UK stylesheet refers to its icons as /assets/... */
        snprintf(assets, sizeof(assets), "%s/nhsuk", g_cfg->nhsuk_root);
        root = assets;
    }
    if (strcmp(url, "/") == 0)
        url = "/index.html";
    /* Only plain relative names: no "..", no hidden files, no odd bytes. */
    int ok = url[0] == '/' && strlen(url) < 512 && strstr(url, "..") == NULL && strstr(url, "//") == NULL &&
             strstr(url, "/.") == NULL;
    for (const char *s = url; ok && *s; s++)
        ok = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '/' ||
             *s == '.' || *s == '-' || *s == '_';
    char path[1024];
    int fd = -1;
    struct stat st;
    if (ok && snprintf(path, sizeof(path), "%s%s", root, url) < (int)sizeof(path))
        fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        static const char page[] = "<!doctype html><title>Page not found - Seam</title>"
                                   "<h1>Page not found</h1><p><a href=\"/\">Go to the Seam home page</a></p>";
        struct MHD_Response *r =
            MHD_create_response_from_buffer(sizeof(page) - 1, (void *)page, MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
        rc->status = 404;
        enum MHD_Result ret = MHD_queue_response(rc->conn, 404, r);
        MHD_destroy_response(r);
        return ret;
    }
    struct MHD_Response *r = NULL;
    size_t plen = strlen(path);
    if (root == g_cfg->web_root && plen > 5 && strcmp(path + plen - 5, ".html") == 0) {
        /* Pages share their head links, header and footer (web/partials). */
        size_t len = 0;
        char *page = expand_includes(fd, (size_t)st.st_size, &len);
        close(fd);
        if (page == NULL)
            return send_error(rc, SEAM_EINTERNAL, "internal_error", "The page could not be read.", NULL);
        r = MHD_create_response_from_buffer(len, page, MHD_RESPMEM_MUST_FREE);
    } else {
        r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    }
    MHD_add_response_header(r, "Content-Type", content_type(path));
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                            " font-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'");
    MHD_add_response_header(r, "Cache-Control", root == g_cfg->web_root ? "no-cache" : "public, max-age=3600");
    rc->status = 200;
    enum MHD_Result ret = MHD_queue_response(rc->conn, 200, r);
    MHD_destroy_response(r);
    return ret;
}

/* ----------------------------------------------------------------------
 * libmicrohttpd glue
 */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    http_req *req = *con_cls;
    if (req == NULL) {
        req = calloc(1, sizeof(*req));
        if (req == NULL)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &req->start);
        *con_cls = req;
        /* Attachments may be larger than JSON bodies. */
        size_t n = strlen(url);
        req->max = strncmp(url, "/api/v1/advice/", 15) == 0 && n > 12 && strcmp(url + n - 12, "/attachments") == 0
                       ? ATTACHMENT_BODY_MAX
                       : BODY_MAX;
        /* Refuse an announced oversized body before reading it. */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > req->max)
            req->too_big = 1;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!req->too_big) {
            if (req->len + *upload_data_size > req->max) {
                req->too_big = 1;
            } else {
                if (req->len + *upload_data_size + 1 > req->cap) {
                    size_t ncap = (req->len + *upload_data_size + 1) * 2;
                    if (ncap > req->max + 1)
                        ncap = req->max + 1;
                    char *nb = realloc(req->body, ncap);
                    if (nb == NULL)
                        return MHD_NO;
                    req->body = nb;
                    req->cap = ncap;
                }
                memcpy(req->body + req->len, upload_data, *upload_data_size);
                req->len += *upload_data_size;
                req->body[req->len] = '\0';
            }
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    route_ctx rc;
    memset(&rc, 0, sizeof(rc));
    rc.conn = conn;
    rc.method = method;
    rc.url = url;
    rc.req = req;
    enum MHD_Result ret =
        strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0 ? handle_api(&rc) : handle_static(&rc);
    if (!g_cfg->quiet) {
        struct timespec end;
        clock_gettime(CLOCK_MONOTONIC, &end);
        double ms = (double)(end.tv_sec - req->start.tv_sec) * 1e3 + (double)(end.tv_nsec - req->start.tv_nsec) / 1e6;
        fprintf(stderr, "%s %s %d %.1fms\n", method, url, rc.status, ms);
    }
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    http_req *req = *con_cls;
    if (req) {
        free(req->body);
        free(req);
        *con_cls = NULL;
    }
}

static volatile sig_atomic_t g_stop;

static void *failsafe_loop(void *arg)
{
    int interval = g_cfg->failsafe_interval;
    db *d = NULL;
    char err[256];
    while (!g_stop) {
        for (int i = 0; i < interval && !g_stop; i++)
            sleep(1);
        if (g_stop)
            break;
        if (d == NULL && db_open(g_cfg->db_url, &d, err, sizeof(err)) != 0) {
            fprintf(stderr, "failsafe: %s\n", err);
            d = NULL;
            continue;
        }
        app_ctx ctx;
        memset(&ctx, 0, sizeof(ctx));
        ctx.db = d;
        ctx.now = (seam_time)time(NULL);
        app_user_system(&ctx.user);
        json_t *out = NULL;
        if (app_run(&ctx, app_failsafe, NULL, &out) != 0)
            fprintf(stderr, "failsafe: %s\n", ctx.err_msg);
        else if (json_array_size(json_object_get(out, "escalated")) > 0)
            fprintf(stderr, "failsafe: escalated %zu overdue task(s)\n",
                    json_array_size(json_object_get(out, "escalated")));
        json_decref(out);
    }
    db_close(d);
    return NULL;
}

static int parse_listen(const char *listen, struct sockaddr_in *sa)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    if (colon == NULL || (size_t)(colon - listen) >= sizeof(host))
        return -1;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end != '\0' || port < 1 || port > 65535)
        return -1;
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (strcmp(host, "localhost") == 0)
        snprintf(host, sizeof(host), "127.0.0.1");
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

int server_run(const server_config *cfg)
{
    g_cfg = cfg;
    if (sodium_init() < 0) {
        fprintf(stderr, "seam serve: libsodium failed to start\n");
        return SEAM_EINTERNAL;
    }
    char err[256];
    db *d;
    if (db_open(cfg->db_url, &d, err, sizeof(err)) != 0) {
        fprintf(stderr, "seam serve: %s\n", err);
        return SEAM_EIO;
    }
    int current = 0;
    if (migrate_current(d, &current) != 0 || current != migrate_latest()) {
        fprintf(stderr, "seam serve: the database %s is at schema version %d, not %d; run: seam migrate --db %s\n",
                cfg->db_url, current, migrate_latest(), cfg->db_url);
        db_close(d);
        return SEAM_ECONFLICT;
    }
    if (auth_issuer_ensure(d) != 0 || auth_issuer_public_key(d, g_pk) != 0) {
        fprintf(stderr, "seam serve: cannot load the token issuer key: %s\n", db_errmsg(d));
        db_close(d);
        return SEAM_EIO;
    }
    db_close(d);

    struct sockaddr_in sa;
    if (parse_listen(cfg->listen, &sa) != 0) {
        fprintf(stderr, "seam serve: --listen must be an IPv4 address and port, such as 127.0.0.1:8080\n");
        return SEAM_EBADREQ;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_Daemon *daemon =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_POLL, 0, NULL, NULL, on_request,
                         NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
                         (unsigned int)(cfg->threads > 0 ? cfg->threads : 4), MHD_OPTION_CONNECTION_TIMEOUT,
                         (unsigned int)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1024,
                         MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)256, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                         (size_t)(256 * 1024), MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
    if (daemon == NULL) {
        fprintf(stderr, "seam serve: cannot listen on %s (in use, or not an address of this machine)\n", cfg->listen);
        return SEAM_EIO;
    }
    fprintf(stderr, "seam: serving http://%s/ (database %s%s)\n", cfg->listen, cfg->db_url,
            cfg->dev ? ", development sign-in ON" : "");
    pthread_t fs;
    int have_fs = cfg->failsafe_interval > 0 && pthread_create(&fs, NULL, failsafe_loop, NULL) == 0;
    int sig;
    sigwait(&set, &sig);
    g_stop = 1;
    fprintf(stderr, "seam: stopping\n");
    MHD_stop_daemon(daemon);
    if (have_fs)
        pthread_join(fs, NULL);
    return 0;
}
