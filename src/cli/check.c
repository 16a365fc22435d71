/*
 * check.c - seam check: verify that every handoff has exactly one owner.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static const char *const usage_check = "usage: seam check --db URL [--json]\n"
                                       "\n"
                                       "Verifies the invariant that every handoff has exactly one owner: each\n"
                                       "referral, advice request, test order, result, letter, GP action, follow-up\n"
                                       "and priority review in a state that needs an owner has exactly one open task\n"
                                       "with an owner and a due time; nothing closed has one; every open task names\n"
                                       "exactly one subject, which exists.  Prints each violation with the object,\n"
                                       "its state and patient, one a line (--json: one JSON document).  Reads only.\n"
                                       "\n"
                                       "Exit status: 0 no violations; 1 violations found; 2 usage or database error.\n";

static const struct option check_opts[] = {{"db", required_argument, NULL, 'd'},
                                           {"json", no_argument, NULL, 'j'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};

typedef struct check_args {
    const char *url;
    int as_json;
} check_args;

static const char *check_opt(int c, const char *arg, void *state)
{
    check_args *a = state;
    if (c == 'd')
        a->url = arg;
    else if (c == 'j')
        a->as_json = 1;
    else
        return "unknown option";
    return NULL;
}

/* One line for each violation, then the counts. */
static void print_violations(const json_t *out)
{
    json_t *list = json_object_get(out, "violations");
    size_t i;
    json_t *v;
    char line[1024];
    json_array_foreach(list, i, v)
    {
        app_check_describe(v, line, sizeof(line));
        printf("%s\n", line);
    }
    printf("seam check: %lld object(s) that need an owner, %lld open task(s), %zu violation(s)\n",
           (long long)json_integer_value(json_object_get(out, "owned")),
           (long long)json_integer_value(json_object_get(out, "open_tasks")), json_array_size(list));
}

int cli_check(int argc, char **argv)
{
    static const cli_spec spec = {"check", usage_check, check_opts, 0};
    check_args a = {NULL, 0};
    int st = cli_options(&spec, argc, argv, check_opt, &a);
    if (st >= 0)
        return st;
    if (a.url == NULL)
        return cli_fail_usage("check", usage_check, "--db is required");
    if (!cli_db_exists(a.url, R_OK)) {
        fprintf(stderr, "seam check: %s does not exist\n", a.url);
        return 2;
    }
    db *d = cli_open_db("check", a.url);
    if (d == NULL)
        return 2;
    if (cli_require_schema("check", d, a.url)) {
        db_close(d);
        return 2;
    }
    app_ctx ctx;
    cli_system_ctx(&ctx, d, (seam_time)time(NULL));
    json_t *out = NULL;
    int rc = app_check(&ctx, NULL, &out);
    db_close(d);
    if (rc) {
        fprintf(stderr, "seam check: %s\n", ctx.err_msg);
        return 2;
    }
    size_t n = json_array_size(json_object_get(out, "violations"));
    if (a.as_json)
        cli_print_json(out);
    else
        print_violations(out);
    json_decref(out);
    return n ? 1 : 0;
}
