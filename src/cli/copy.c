/*
 * copy.c - seam copy: copy a whole database to another.
 */
#include "cli/cli.h"
#include "store/copy.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const usage_copy = "usage: seam copy --from URL --to URL [--replace]\n"
                                      "\n"
                                      "Copies a whole Seam database, audit events included, and verifies that every\n"
                                      "table has the same number of rows.  URLs are SQLite paths (or sqlite:PATH) or\n"
                                      "postgresql://user@host:port/dbname.  The target is migrated first.  A target\n"
                                      "that already holds data is refused unless --replace is given, which deletes\n"
                                      "the target's data in the same transaction as the copy.\n";

static const struct option copy_opts[] = {{"from", required_argument, NULL, 'f'},
                                          {"to", required_argument, NULL, 't'},
                                          {"replace", no_argument, NULL, 'r'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};

typedef struct copy_args {
    const char *from, *to;
    int replace;
} copy_args;

static const char *copy_opt(int c, const char *arg, void *state)
{
    copy_args *a = state;
    if (c == 'f')
        a->from = arg;
    else if (c == 't')
        a->to = arg;
    else if (c == 'r')
        a->replace = 1;
    else
        return "unknown option";
    return NULL;
}

int cli_copy(int argc, char **argv)
{
    static const cli_spec spec = {"copy", usage_copy, copy_opts, 0};
    copy_args a = {NULL, NULL, 0};
    int st = cli_options(&spec, argc, argv, copy_opt, &a);
    if (st >= 0)
        return st;
    if (a.from == NULL || a.to == NULL)
        return cli_fail_usage("copy", usage_copy, "--from and --to are required");
    if (strcmp(a.from, a.to) == 0)
        return cli_fail_usage("copy", usage_copy, "--from and --to must be different databases");
    if (!cli_db_exists(a.from, R_OK)) {
        fprintf(stderr, "seam copy: %s does not exist\n", a.from);
        return 1;
    }
    db *from = cli_open_db("copy", a.from);
    if (from == NULL)
        return 1;
    db *to = cli_open_db("copy", a.to);
    if (to == NULL) {
        db_close(from);
        return 1;
    }
    int rc = store_copy(from, to, a.replace, stderr);
    if (rc)
        fprintf(stderr, "seam copy: %s\n", db_errmsg(to)[0] ? db_errmsg(to) : db_errmsg(from));
    db_close(from);
    db_close(to);
    return rc ? 1 : 0;
}
