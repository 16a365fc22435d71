/*
 * server.c - the libmicrohttpd glue: start and stop, one database
 * connection per thread, request bodies accumulated within their limits,
 * and dispatch: an API path goes through the router (sign-in, JSON body,
 * Idempotency-Key, allowed roles) to its handler, anything else to the
 * static files.  No SQL and no rules live in src/http.
 */
#include "http/server.h"
#include "app/app.h"
#include "app/system.h"
#include "common/rc.h"
#include "http/request.h"
#include "http/router.h"
#include "http/static.h"
#include "store/db.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const server_config *g_cfg;
static unsigned char g_pk[32];
static __thread db *tls_db;

/* This thread's connection, opened on first use and kept. */
static db *thread_db(char *err, size_t errlen)
{
    if (tls_db)
        return tls_db;
    if (db_open(g_cfg->db_url, &tls_db, err, errlen) != 0)
        tls_db = NULL;
    return tls_db;
}

/* One API request: find the route, run the checks that come before any
 * handler (in the order the API promises), call it and reply. */
static enum MHD_Result handle_api(route_ctx *rc)
{
    int path_known;
    const http_route *route = router_find(rc, g_cfg->dev, &path_known);
    if (route == NULL) {
        if (path_known)
            return req_send_error(rc, SEAM_EMETHOD, "method_not_allowed", "This method is not allowed on this path.",
                                  NULL);
        return req_send_error(rc, SEAM_ENOTFOUND, "not_found", "There is no such API endpoint.", NULL);
    }
    if (rc->req->too_big)
        return req_send_error(rc, SEAM_ETOOBIG, "too_large",
                              rc->req->max > REQ_BODY_MAX ? "Files must be 5 MB or smaller."
                                                          : "The request body is larger than 1 MiB.",
                              NULL);

    app_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.now = (seam_time)time(NULL);
    char err[256];
    ctx.db = thread_db(err, sizeof(err));
    if (ctx.db == NULL)
        return req_send_error(rc, SEAM_EUNAVAIL, "unavailable", "The database is unavailable; try again shortly.",
                              NULL);

    enum MHD_Result ret;
    if (!(route->flags & ROUTE_NOAUTH) && req_authenticate(rc, &ctx, g_pk, &ret) != 0)
        return ret;
    /* Body: JSON object, bounded depth (raw routes take bytes as they are). */
    if ((strcmp(rc->method, "POST") == 0 || strcmp(rc->method, "PUT") == 0) && rc->req->len > 0 &&
        !(route->flags & ROUTE_RAW) && req_parse_body(rc, &ret) != 0)
        return ret;
    if (strcmp(rc->method, "POST") == 0 && req_idempotency(rc, &ctx, &ret) != 0)
        return ret;

    json_t *out = NULL;
    int e = router_allow(route, &ctx);
    if (e == 0)
        e = route->fn(rc, &ctx, &out);
    return req_reply(rc, &ctx, e, req_own_json(rc, out), route->flags & ROUTE_BINARY);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    http_req *req = *con_cls;
    if (req == NULL) {
        req = req_new();
        if (req == NULL)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &req->start);
        *con_cls = req;
        req_body_begin(req, url, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length"));
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (req_body_append(req, upload_data, *upload_data_size) != 0)
            return MHD_NO;
        *upload_data_size = 0;
        return MHD_YES;
    }
    route_ctx *rc = arena_calloc(req->arena, sizeof(*rc));
    if (rc == NULL)
        return MHD_NO;
    rc->conn = conn;
    rc->method = method;
    rc->url = url;
    rc->req = req;
    rc->arena = req->arena;
    enum MHD_Result ret = strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0
                              ? handle_api(rc)
                              : static_serve(rc, g_cfg->web_root, g_cfg->nhsuk_root);
    if (!g_cfg->quiet) {
        struct timespec end;
        clock_gettime(CLOCK_MONOTONIC, &end);
        double ms = (double)(end.tv_sec - req->start.tv_sec) * 1e3 + (double)(end.tv_nsec - req->start.tv_nsec) / 1e6;
        fprintf(stderr, "%s %s %d %.1fms\n", method, url, rc->status, ms);
    }
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    req_end(*con_cls);
    *con_cls = NULL;
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

struct server {
    struct MHD_Daemon *daemon;
};

int server_start(const server_config *cfg, server **out)
{
    *out = NULL;
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
    int current, latest;
    if (app_system_schema_current(d, &current, &latest) != 0) {
        fprintf(stderr, "seam serve: the database %s is at schema version %d, not %d; run: seam migrate --db %s\n",
                cfg->db_url, current, latest, cfg->db_url);
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

    server *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return SEAM_ENOMEM;
    s->daemon =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_POLL, 0, NULL, NULL, on_request,
                         NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
                         (unsigned int)(cfg->threads > 0 ? cfg->threads : 4), MHD_OPTION_CONNECTION_TIMEOUT,
                         (unsigned int)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1024,
                         MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)256, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                         (size_t)(256 * 1024), MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
    if (s->daemon == NULL) {
        fprintf(stderr, "seam serve: cannot listen on %s (in use, or not an address of this machine)\n", cfg->listen);
        free(s);
        return SEAM_EIO;
    }
    fprintf(stderr, "seam: serving http://%s/ (database %s%s)\n", cfg->listen, cfg->db_url,
            cfg->dev ? ", development sign-in ON" : "");
    *out = s;
    return 0;
}

void server_stop(server *s)
{
    if (s == NULL)
        return;
    MHD_stop_daemon(s->daemon);
    free(s);
}
