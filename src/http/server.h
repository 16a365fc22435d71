/*
 * server.h - the HTTP server: libmicrohttpd in a thread pool, JSON API
 * under /api/v1, static pages from web/ and the NHS.UK frontend.
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
    int failsafe_interval; /* seconds between failsafe sweeps; 0 = off */
    int quiet;             /* no access log */
} server_config;

/* Runs until SIGINT or SIGTERM.  Returns 0 on a clean stop, or prints
 * why it could not start to stderr and returns a negative seam_rc. */
int server_run(const server_config *cfg);

#endif
