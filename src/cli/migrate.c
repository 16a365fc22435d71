/*
 * migrate.c - seam migrate: create or upgrade the schema.
 */
#include "cli/cli.h"
#include "store/migrate.h"

#include <stdio.h>

static const char *const usage_migrate = "usage: seam migrate --db PATH\n"
                                         "\n"
                                         "Creates the schema in a new database, or applies the migrations a\n"
                                         "database has not had yet.  Safe to run again.\n";

static const struct option migrate_opts[] = {
    {"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};

static const char *migrate_opt(int c, const char *arg, void *state)
{
    if (c != 'd')
        return "unknown option";
    *(const char **)state = arg;
    return NULL;
}

int cli_migrate(int argc, char **argv)
{
    static const cli_spec spec = {"migrate", usage_migrate, migrate_opts, 0};
    const char *url = NULL;
    int st = cli_options(&spec, argc, argv, migrate_opt, &url);
    if (st >= 0)
        return st;
    if (url == NULL)
        return cli_fail_usage("migrate", usage_migrate, "--db is required");
    db *d = cli_open_db("migrate", url);
    if (d == NULL)
        return 1;
    int applied = 0;
    int rc = migrate_up(d, &applied);
    if (rc == 0)
        rc = auth_issuer_ensure(d);
    if (rc) {
        fprintf(stderr, "seam migrate: %s\n", db_errmsg(d));
        db_close(d);
        return 1;
    }
    printf("seam migrate: %s is at schema version %d (%d migration%s applied)\n", url, migrate_latest(), applied,
           applied == 1 ? "" : "s");
    db_close(d);
    return 0;
}
