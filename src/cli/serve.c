/*
 * serve.c - seam serve: the web server and API.
 */
#include "cli/cli.h"
#include "http/server.h"

#include <limits.h>
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

static const char *serve_opt(int c, const char *arg, void *state)
{
    server_config *cfg = state;
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
        cfg->failsafe_interval = (int)n;
        break;
    default: return "unknown option";
    }
    return NULL;
}

int cli_serve(int argc, char **argv)
{
    static const cli_spec spec = {"serve", usage_serve, serve_opts, 0};
    server_config cfg = {.listen = "127.0.0.1:8080",
                         .web_root = "web",
                         .nhsuk_root = "node_modules/nhsuk-frontend/dist",
                         .threads = 4,
                         .failsafe_interval = 60};
    int st = cli_options(&spec, argc, argv, serve_opt, &cfg);
    if (st >= 0)
        return st;
    if (cfg.db_url == NULL)
        return cli_fail_usage("serve", usage_serve, "--db is required");
    return server_run(&cfg) == 0 ? 0 : 1;
}
