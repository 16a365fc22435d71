/*
 * demo.c - seam demo: a demo database, or its personas (--list-users).
 */
#include "cli/cli.h"
#include "gen/gen.h"
#include "store/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static const char *const usage_demo =
    "usage: seam demo --db PATH [--list-users] [--patients N] [--referrals N] [--seed N]\n"
    "\n"
    "Creates a demo database: one ICB, two trusts with eight services each, twelve\n"
    "practices, patients in the 999 test range and twelve months of referrals.\n"
    "With --list-users, prints the demo personas of an existing database instead:\n"
    "username, role, organisation code and display name, tab-separated.\n";

static const struct option demo_opts[] = {{"db", required_argument, NULL, 'd'},
                                          {"list-users", no_argument, NULL, 'u'},
                                          {"patients", required_argument, NULL, 'p'},
                                          {"referrals", required_argument, NULL, 'r'},
                                          {"seed", required_argument, NULL, 's'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};

typedef struct demo_args {
    const char *url;
    int list;
    gen_options opt;
} demo_args;

static const char *demo_opt(int c, const char *arg, void *state)
{
    demo_args *a = state;
    long long n;
    char *end;
    switch (c) {
    case 'd': a->url = arg; break;
    case 'u': a->list = 1; break;
    case 'p':
        if (cli_number(arg, 12, 1000000, &n))
            return "--patients must be 12 to 1000000";
        a->opt.patients = (int)n;
        break;
    case 'r':
        if (cli_number(arg, 0, 10000000, &n))
            return "--referrals must be 0 to 10000000";
        a->opt.referrals = (int)n;
        break;
    case 's':
        a->opt.seed = strtoull(arg, &end, 10);
        if (*end)
            return "--seed must be a number";
        break;
    default: return "unknown option";
    }
    return NULL;
}

/* Prints the personas of an existing database. */
static int list_users(db *d, const char *url)
{
    int rc = cli_require_schema("demo", d, url);
    if (rc == 0 && gen_list_personas(d, stdout) != 0) {
        fprintf(stderr, "seam demo: %s\n", db_errmsg(d));
        rc = 1;
    }
    db_close(d);
    return rc ? 1 : 0;
}

int cli_demo(int argc, char **argv)
{
    static const cli_spec spec = {"demo", usage_demo, demo_opts, 0};
    demo_args a = {.opt = {.patients = 2400, .referrals = 4000, .seed = 20261125ULL, .now = (seam_time)time(NULL)}};
    int st = cli_options(&spec, argc, argv, demo_opt, &a);
    if (st >= 0)
        return st;
    if (a.url == NULL)
        return cli_fail_usage("demo", usage_demo, "--db is required");
    if (a.list && !cli_db_exists(a.url, F_OK)) {
        fprintf(stderr, "seam demo: %s does not exist; create it with: seam demo --db %s\n", a.url, a.url);
        return 1;
    }
    db *d = cli_open_db("demo", a.url);
    if (d == NULL)
        return 1;
    if (a.list)
        return list_users(d, a.url);
    int rc = migrate_up(d, NULL);
    if (rc == 0)
        rc = gen_demo(d, &a.opt, stderr);
    if (rc) {
        fprintf(stderr, "seam demo: %s\n", db_errmsg(d));
        db_close(d);
        return 1;
    }
    db_close(d);
    fprintf(stderr, "seam demo: %s is ready; sign in as one of: seam demo --db %s --list-users\n", a.url, a.url);
    return 0;
}
