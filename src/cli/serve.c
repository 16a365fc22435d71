/*
 * serve.c - seam serve: the web server and API.
 */
#include "cli/cli.h"
#include "cli/failsafe_timer.h"
#include "http/server.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>

static const char *const usage_serve =
    "usage: seam serve --db PATH [--listen 127.0.0.1:8080] [--dev] [options]\n"
    "\n"
    "  --db URL              database: a SQLite file path (or sqlite:PATH)\n"
    "  --listen ADDR:PORT    address to listen on (default 127.0.0.1:8080)\n"
    "  --dev                 enable the development sign-in (demo personas); never with real data\n"
    "  --web DIR             pages (default: web)\n"
    "  --nhsuk DIR           NHS.UK frontend files (default: node_modules/nhsuk-frontend/dist)\n"
    "  --threads N           worker threads (default 4)\n"
    "  --failsafe-interval S seconds between failsafe sweeps (default 60, 0 = off)\n"
    "  --quiet               no access log\n";

static const struct option serve_opts[] = {{"db", required_argument, NULL, 'd'},
                                           {"listen", required_argument, NULL, 'l'},
                                           {"dev", no_argument, NULL, 'D'},
                                           {"web", required_argument, NULL, 'w'},
                                           {"nhsuk", required_argument, NULL, 'n'},
                                           {"threads", required_argument, NULL, 't'},
                                           {"failsafe-interval", required_argument, NULL, 'f'},
                                           {"quiet", no_argument, NULL, 'q'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};

typedef struct serve_args {
    server_config cfg;
    int failsafe_interval; /* seconds between failsafe sweeps; 0 = off */
} serve_args;

static const char *serve_opt(int c, const char *arg, void *state)
{
    serve_args *a = state;
    server_config *cfg = &a->cfg;
    long long n;
    switch (c) {
    case 'd': cfg->db_url = arg; break;
    case 'l': cfg->listen = arg; break;
    case 'D': cfg->dev = 1; break;
    case 'w': cfg->web_root = arg; break;
    case 'n': cfg->nhsuk_root = arg; break;
    case 'q': cfg->quiet = 1; break;
    case 't':
        if (cli_number(arg, 1, 256, &n))
            return "--threads must be 1 to 256";
        cfg->threads = (int)n;
        break;
    case 'f':
        if (cli_number(arg, 0, INT_MAX, &n))
            return "--failsafe-interval must be a number of seconds";
        a->failsafe_interval = (int)n;
        break;
    default: return "unknown option";
    }
    return NULL;
}

/* Serves, with the failsafe timer beside the server, until SIGINT or SIGTERM. */
int cli_serve(int argc, char **argv)
{
    static const cli_spec spec = {"serve", usage_serve, serve_opts, 0};
    serve_args a = {.cfg = {.listen = "127.0.0.1:8080",
                            .web_root = "web",
                            .nhsuk_root = "node_modules/nhsuk-frontend/dist",
                            .threads = 4},
                    .failsafe_interval = 60};
    int st = cli_options(&spec, argc, argv, serve_opt, &a);
    if (st >= 0)
        return st;
    if (a.cfg.db_url == NULL)
        return cli_fail_usage("serve", usage_serve, "--db is required");
    server *srv;
    if (server_start(&a.cfg, &srv) != 0)
        return 1;
    if (a.failsafe_interval > 0)
        failsafe_timer_start(a.cfg.db_url, a.failsafe_interval);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    int sig;
    sigwait(&set, &sig);
    fprintf(stderr, "seam: stopping\n");
    server_stop(srv);
    failsafe_timer_stop();
    return 0;
}
