/*
 * main.c - the seam command: a table of subcommands, each in its own file
 * in src/cli/ (cli.h), and the usage made from that table.
 */
#include "cli/cli.h"
#include "common/names.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"serve", cli_serve, "run the web server and API"},
    {"migrate", cli_migrate, "create or upgrade the database schema"},
    {"demo", cli_demo, "create a demo database (one ICB, two trusts, twelve practices)"},
    {"token", cli_token, "print a signed bearer token for a user (development issuer)"},
    {"failsafe", cli_failsafe, "escalate overdue handoffs once and print what was escalated"},
    {"check", cli_check, "verify that every handoff has exactly one owner"},
    {"copy", cli_copy, "copy a whole database to another (e.g. SQLite to PostgreSQL)"},
    {"import", cli_import, "load a trust's PTL extract (seam import ptl)"},
    {"gen", cli_gen, "write a synthetic England (reference data and PTL files)"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
    fputs("usage: seam <command> [options]\n\ncommands:\n", f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    fputs("\nRun 'seam <command> --help' for a command's options.\n", f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    int i = names_find_row(commands, NCOMMANDS, sizeof(commands[0]), cmd);
    if (i >= 0)
        return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "seam: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return 2;
}
