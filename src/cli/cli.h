/*
 * cli.h - what the subcommands of the seam command share: the option loop
 * (--help, unknown options, stray operands), opening the database, the
 * schema check and a context that runs use cases as the system.
 *
 * Exit statuses: 0 done, 1 the work failed, 2 a usage error (the message,
 * a blank line and the usage on standard error).
 */
#ifndef SEAM_CLI_H
#define SEAM_CLI_H

#include "app/app.h"
#include "store/db.h"

#include <getopt.h>

/* The subcommands, one a file in src/cli/ (main.c lists them). */
int cli_serve(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_token(int argc, char **argv);
int cli_failsafe(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_copy(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_gen(int argc, char **argv);

/* One subcommand's command line. */
typedef struct cli_spec {
    const char *name;          /* as in "seam NAME: message" */
    const char *usage;         /* printed by --help and after a usage error */
    const struct option *opts; /* getopt_long options, {NULL} last; 'h' is --help */
    int operands;              /* 0: an operand is a usage error; else the caller checks them */
} cli_spec;

/* Called for each option other than --help with getopt's code and
 * argument; returns NULL to go on, or the message of a usage error. */
typedef const char *(*cli_opt_fn)(int c, const char *arg, void *state);

/* Parses argv (argv[0] is the subcommand) with getopt_long.  Returns -1
 * when the options were read (operands start at optind), or the exit
 * status the subcommand returns at once: 0 after printing the usage for
 * --help, 2 after a usage error. */
int cli_options(const cli_spec *s, int argc, char **argv, cli_opt_fn on_opt, void *state);

/* Prints "seam CMD: MSG", a blank line and the usage to standard error; returns 2. */
int cli_fail_usage(const char *cmd, const char *usage, const char *msg);

/* Reads s as a whole decimal number from lo to hi into *out; returns 0,
 * or -1 when s is not such a number. */
int cli_number(const char *s, long long lo, long long hi, long long *out);

/* Whether url names a database that exists: a SQLite file accessible
 * with mode (R_OK, F_OK); a PostgreSQL URL always counts as existing. */
int cli_db_exists(const char *url, int mode);

/* Opens the database, or prints "seam CMD: why" and returns NULL. */
db *cli_open_db(const char *cmd, const char *url);

/* 0 when the schema is the latest, else prints how to migrate and returns 1. */
int cli_require_schema(const char *cmd, db *d, const char *url);

/* Prints out as indented JSON and a newline on standard output. */
void cli_print_json(const json_t *out);

/* A context that runs use cases as the system user, at now, on d. */
void cli_system_ctx(app_ctx *ctx, db *d, seam_time now);

#endif
