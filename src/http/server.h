/*
 * server.h - the HTTP server: libmicrohttpd in a thread pool, JSON API
 * under /api/v1, static pages from web/ and the NHS.UK frontend.  It only
 * serves: what else runs beside it (the failsafe timer) and when it stops
 * are seam serve's (src/cli/serve.c).
 */
#ifndef SEAM_SERVER_H
#define SEAM_SERVER_H

typedef struct server_config {
    const char *db_url;
    const char *listen;     /* "127.0.0.1:8080" */
    const char *web_root;   /* directory of the pages */
    const char *nhsuk_root; /* node_modules/nhsuk-frontend/dist */
    int dev;                /* enable the development sign-in */
    int threads;
    int quiet; /* no access log */
} server_config;

typedef struct server server;

/* Checks the database (schema, token issuer) and starts serving on worker
 * threads; cfg is borrowed until server_stop.  SIGINT and SIGTERM are
 * blocked in the calling thread first, so no worker takes them: the caller
 * waits for them with sigwait.  Returns 0 with *out set, or prints why it
 * could not start to stderr and returns a negative seam_rc. */
int server_start(const server_config *cfg, server **out);

/* Stops serving (waiting for the requests under way) and frees s. */
void server_stop(server *s);

#endif
