/*
 * cli.c - what the subcommands share (cli.h).
 */
#include "cli/cli.h"
#include "store/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_fail_usage(const char *cmd, const char *usage, const char *msg)
{
    fprintf(stderr, "seam %s: %s\n\n%s", cmd, msg, usage);
    return 2;
}

int cli_options(const cli_spec *s, int argc, char **argv, cli_opt_fn on_opt, void *state)
{
    int c;
    while ((c = getopt_long(argc, argv, "", s->opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(s->usage, stdout);
            return 0;
        }
        if (c == '?' || c == ':')
            return cli_fail_usage(s->name, s->usage, "unknown option");
        const char *msg = on_opt(c, optarg, state);
        if (msg)
            return cli_fail_usage(s->name, s->usage, msg);
    }
    if (s->operands == 0 && optind < argc)
        return cli_fail_usage(s->name, s->usage, "unexpected argument");
    return -1;
}

int cli_number(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    long long n = strtoll(s, &end, 10);
    if (*end || n < lo || n > hi)
        return -1;
    *out = n;
    return 0;
}

int cli_db_exists(const char *url, int mode)
{
    if (strncmp(url, "postgres", 8) == 0)
        return 1;
    return access(strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url, mode) == 0;
}

db *cli_open_db(const char *cmd, const char *url)
{
    char err[512];
    db *d;
    if (db_open(url, &d, err, sizeof(err)) != 0) {
        fprintf(stderr, "seam %s: %s\n", cmd, err);
        return NULL;
    }
    return d;
}

int cli_require_schema(const char *cmd, db *d, const char *url)
{
    int v = 0;
    if (migrate_current(d, &v) != 0 || v != migrate_latest()) {
        fprintf(stderr, "seam %s: the database %s has schema version %d, not %d; run: seam migrate --db %s\n", cmd, url,
                v, migrate_latest(), url);
        return 1;
    }
    return 0;
}

void cli_system_ctx(app_ctx *ctx, db *d, seam_time now)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->db = d;
    ctx->now = now;
    app_user_system(&ctx->user);
}

void cli_print_json(const json_t *out)
{
    char *s = json_dumps(out, JSON_INDENT(2));
    printf("%s\n", s);
    free(s);
}
