/*
 * token.c - seam token: a bearer token signed by the development issuer.
 */
#include "cli/cli.h"
#include "common/rc.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char *const usage_token = "usage: seam token --db PATH [--ttl SECONDS] USERNAME\n"
                                       "\n"
                                       "Prints a bearer token for USERNAME signed by the database's development\n"
                                       "issuer (default lifetime 12 hours).\n";

static const struct option token_opts[] = {{"db", required_argument, NULL, 'd'},
                                           {"ttl", required_argument, NULL, 't'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};

typedef struct token_args {
    const char *url;
    long long ttl;
} token_args;

static const char *token_opt(int c, const char *arg, void *state)
{
    token_args *a = state;
    if (c == 'd')
        a->url = arg;
    else if (c == 't') {
        if (cli_number(arg, 1, 30L * 86400, &a->ttl))
            return "--ttl must be 1 to 2592000 seconds";
    } else
        return "unknown option";
    return NULL;
}

/* Loads the user and signs; prints why not.  Closes d. */
static int sign(db *d, const char *url, const char *username, long ttl)
{
    if (cli_require_schema("token", d, url)) {
        db_close(d);
        return 1;
    }
    app_user u;
    int rc = app_user_load(d, username, &u);
    if (rc) {
        fprintf(stderr, "seam token: %s\n",
                rc == SEAM_ENOTFOUND ? "no such active user (see seam demo --db PATH --list-users)" : db_errmsg(d));
        db_close(d);
        return 1;
    }
    char *tok = NULL;
    rc = auth_issuer_ensure(d);
    if (rc == 0)
        rc = auth_token_issue(d, &u, (seam_time)time(NULL), ttl, &tok);
    db_close(d);
    if (rc) {
        fprintf(stderr, "seam token: could not sign a token\n");
        return 1;
    }
    printf("%s\n", tok);
    free(tok);
    return 0;
}

int cli_token(int argc, char **argv)
{
    static const cli_spec spec = {"token", usage_token, token_opts, 1};
    token_args a = {NULL, 12 * 3600};
    int st = cli_options(&spec, argc, argv, token_opt, &a);
    if (st >= 0)
        return st;
    if (a.url == NULL)
        return cli_fail_usage("token", usage_token, "--db is required");
    if (optind + 1 != argc)
        return cli_fail_usage("token", usage_token, "give exactly one USERNAME");
    if (sodium_init() < 0)
        return 1;
    db *d = cli_open_db("token", a.url);
    if (d == NULL)
        return 1;
    return sign(d, a.url, argv[optind], (long)a.ttl);
}
