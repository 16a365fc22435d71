/*
 * gen.c - seam gen: a synthetic England (reference data and PTL files).
 */
#include "cli/cli.h"
#include "common/names.h"
#include "gen/gen.h"
#include "store/migrate.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const usage_gen =
    "usage: seam gen --db URL --scale england|small|N [--seed S] [--ptl-dir DIR]\n"
    "                [--ptl-csv FILE --trust ODS]\n"
    "\n"
    "Writes a synthetic England into a new database: ICBs, GP practices, trusts and\n"
    "their services, and the users gp.bench, booking.bench, clinician.bench,\n"
    "analyst.bench and admin (seam token --db URL USER signs them a token).  Writes\n"
    "PTL extracts for its trusts (docs/import.md) to load with seam import ptl.\n"
    "Patients and NHS numbers are synthetic (valid Modulus 11, not the 999 range).\n"
    "\n"
    "  --scale england     7.6 million open pathways, 42 ICBs, 6,300 practices, 200 trusts\n"
    "  --scale small       3,000 open pathways, 2 ICBs, 2 trusts (RA0, RA1): for tests\n"
    "  --scale N           N open pathways (reference data grows with N)\n"
    "  --seed S            another synthetic England (default 20261125)\n"
    "  --ptl-dir DIR       write DIR/<trust>.csv for every trust\n"
    "  --ptl-csv FILE      write one trust's PTL to FILE (with --trust ODS)\n";

static const struct option gen_opts[] = {
    {"db", required_argument, NULL, 'd'},      {"scale", required_argument, NULL, 's'},
    {"seed", required_argument, NULL, 'S'},    {"ptl-dir", required_argument, NULL, 'D'},
    {"ptl-csv", required_argument, NULL, 'c'}, {"trust", required_argument, NULL, 't'},
    {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};

typedef struct gen_args {
    const char *url;
    gen_england_options o;
} gen_args;

/* The named scales and their open pathways. */
static const struct {
    const char *name;
    long long open_pathways;
} scales[] = {{"england", 7600000}, {"small", 3000}};

static const char *gen_opt(int c, const char *arg, void *state)
{
    gen_args *a = state;
    char *end;
    int named;
    switch (c) {
    case 'd': a->url = arg; break;
    case 's':
        named = names_find_row(scales, sizeof(scales) / sizeof(scales[0]), sizeof(scales[0]), arg);
        if (named >= 0)
            a->o.open_pathways = scales[named].open_pathways;
        else if (cli_number(arg, 10, 100000000, &a->o.open_pathways))
            return "--scale must be england, small or 10 to 100000000";
        break;
    case 'S':
        a->o.seed = strtoull(arg, &end, 10);
        if (*end)
            return "--seed must be a number";
        break;
    case 'D': a->o.ptl_dir = arg; break;
    case 'c': a->o.ptl_csv = arg; break;
    case 't': a->o.trust = arg; break;
    default: return "unknown option";
    }
    return NULL;
}

int cli_gen(int argc, char **argv)
{
    static const cli_spec spec = {"gen", usage_gen, gen_opts, 0};
    gen_args a = {.o = {.seed = 20261125ULL, .now = (seam_time)time(NULL)}};
    int st = cli_options(&spec, argc, argv, gen_opt, &a);
    if (st >= 0)
        return st;
    if (a.url == NULL || a.o.open_pathways == 0)
        return cli_fail_usage("gen", usage_gen, "--db and --scale are required");
    if ((a.o.ptl_csv == NULL) != (a.o.trust == NULL))
        return cli_fail_usage("gen", usage_gen, "--ptl-csv and --trust go together");
    if (sodium_init() < 0)
        return 1;
    db *d = cli_open_db("gen", a.url);
    if (d == NULL)
        return 1;
    int rc = migrate_up(d, NULL);
    if (rc == 0)
        rc = gen_england(d, &a.o, stderr);
    if (rc) {
        fprintf(stderr, "seam gen: %s\n", db_errmsg(d));
        db_close(d);
        return 1;
    }
    db_close(d);
    return 0;
}
