/*
 * import.c - seam import ptl: load a trust's PTL extract.
 */
#include "app/import/ptl.h"
#include "cli/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const usage_import =
    "usage: seam import ptl --db URL --trust ODS [--rejects FILE] [--batch N] [--progress-rows N] FILE.csv\n"
    "\n"
    "Loads a trust's patient tracking list (PTL) extract: a CSV file with a header\n"
    "row of WLMDS column names (docs/import.md).  FILE may be - for standard input.\n"
    "Rows are keyed by (trust, patient pathway identifier): loading a file again\n"
    "changes nothing, and changed rows are updated.  A refused row is reported as\n"
    "'line N: field: reason' on standard error (or, with --rejects, as CSV with the\n"
    "columns line,field,reason,raw) and the other rows are still loaded.\n"
    "\n"
    "  --db URL            database (SQLite path or postgresql://...)\n"
    "  --trust ODS         the trust whose PTL this is (organisation_code_provider)\n"
    "  --rejects FILE      write refused rows to FILE as CSV instead of standard error\n"
    "  --batch N           rows per transaction (default 5000)\n"
    "  --progress-rows N   without a terminal, a progress line every N rows (default\n"
    "                      1000000) or every 5 seconds\n"
    "\n"
    "Exit status: 0 every row loaded; 3 some rows refused (the rest loaded); 1 the\n"
    "file could not be imported (unknown trust, unreadable file, missing column).\n";

static const struct option import_opts[] = {{"db", required_argument, NULL, 'd'},
                                            {"trust", required_argument, NULL, 't'},
                                            {"rejects", required_argument, NULL, 'r'},
                                            {"batch", required_argument, NULL, 'b'},
                                            {"progress-rows", required_argument, NULL, 'p'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};

typedef struct import_args {
    const char *url, *rejects;
    ptl_options o;
} import_args;

static const char *import_opt(int c, const char *arg, void *state)
{
    import_args *a = state;
    long long n;
    switch (c) {
    case 'd': a->url = arg; break;
    case 't': a->o.trust = arg; break;
    case 'r': a->rejects = arg; break;
    case 'b':
        if (cli_number(arg, 1, 1000000, &n))
            return "--batch must be 1 to 1000000";
        a->o.batch = (int)n;
        break;
    case 'p':
        if (cli_number(arg, 1, LLONG_MAX, &a->o.progress_rows))
            return "--progress-rows must be a positive number";
        break;
    default: return "unknown option";
    }
    return NULL;
}

/* The files of one import: the extract and, with --rejects, the CSV of refused rows. */
typedef struct import_files {
    FILE *in, *rej;
} import_files;

static void close_files(import_files *f, const char *rejects)
{
    if (f->in && f->in != stdin)
        fclose(f->in);
    if (f->rej && fclose(f->rej) != 0 && rejects)
        fprintf(stderr, "seam import ptl: could not finish writing %s\n", rejects);
    f->in = f->rej = NULL;
}

/* Opens the extract (- is standard input) and the rejects file; prints why not. */
static int open_files(import_args *a, const char *path, import_files *f)
{
    f->in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    f->rej = NULL;
    if (f->in == NULL) {
        fprintf(stderr, "seam import ptl: cannot read %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (a->rejects) {
        f->rej = fopen(a->rejects, "w");
        if (f->rej == NULL) {
            fprintf(stderr, "seam import ptl: cannot write %s: %s\n", a->rejects, strerror(errno));
            close_files(f, NULL);
            return 1;
        }
        fputs("line,field,reason,raw\n", f->rej);
        a->o.rejects = f->rej;
        a->o.rejects_csv = 1;
    }
    return 0;
}

/* The summary line on success, or why the import failed; the exit status. */
static int report(const ptl_options *o, const ptl_report *rep, int rc)
{
    if (rc) {
        fprintf(stderr, "seam import ptl: %s\n", rep->error);
        if (rep->import_id)
            fprintf(stderr, "seam import ptl: import %lld failed after %lld rows\n", rep->import_id, rep->rows_read);
        return 1;
    }
    fprintf(stderr,
            "seam import ptl: import %lld of %s for %s: %lld rows read, %lld inserted, %lld updated, %lld unchanged,"
            " %lld rejected, %lld patients created in %.1f s (%.0f rows/s); sha256 %s\n",
            rep->import_id, o->filename, o->trust, rep->rows_read, rep->inserted, rep->updated, rep->unchanged,
            rep->rejected, rep->patients_created, rep->seconds,
            rep->seconds > 0 ? (double)rep->rows_read / rep->seconds : 0.0, rep->sha256);
    return rep->rejected ? 3 : 0;
}

int cli_import(int argc, char **argv)
{
    static const cli_spec spec = {"import", usage_import, import_opts, 1};
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage_import, stdout);
        return 0;
    }
    if (argc < 2 || strcmp(argv[1], "ptl") != 0)
        return cli_fail_usage("import", usage_import, "say what to import: seam import ptl ...");
    import_args a = {.o = {.batch = 5000}};
    int st = cli_options(&spec, argc - 1, argv + 1, import_opt, &a);
    if (st >= 0)
        return st;
    if (a.url == NULL || a.o.trust == NULL)
        return cli_fail_usage("import", usage_import, "--db and --trust are required");
    if (optind + 2 != argc)
        return cli_fail_usage("import", usage_import, "give exactly one FILE.csv (or - for standard input)");
    const char *path = argv[optind + 1];
    import_files f;
    if (open_files(&a, path, &f))
        return 1;
    db *d = cli_open_db("import ptl", a.url);
    if (d == NULL || cli_require_schema("import ptl", d, a.url)) {
        db_close(d);
        close_files(&f, NULL);
        return 1;
    }
    a.o.filename = strcmp(path, "-") == 0 ? "(standard input)" : path;
    a.o.progress = stderr;
    a.o.progress_tty = isatty(fileno(stderr));
    ptl_report rep;
    int rc = ptl_import(d, f.in, &a.o, &rep);
    db_close(d);
    close_files(&f, a.rejects);
    return report(&a.o, &rep, rc);
}
