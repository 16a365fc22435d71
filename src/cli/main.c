/*
 * main.c - the seam command: serve, migrate, demo, token, failsafe, check,
 * copy, import, gen.
 */
#include "app/app.h"
#include "app/import/ptl.h"
#include "common/rc.h"
#include "gen/gen.h"
#include "http/server.h"
#include "store/copy.h"
#include "store/db.h"
#include "store/migrate.h"

#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const usage_main = "usage: seam <command> [options]\n"
                                      "\n"
                                      "commands:\n"
                                      "  serve      run the web server and API\n"
                                      "  migrate    create or upgrade the database schema\n"
                                      "  demo       create a demo database (one ICB, two trusts, twelve practices)\n"
                                      "  token      print a signed bearer token for a user (development issuer)\n"
                                      "  failsafe   escalate overdue handoffs once and print what was escalated\n"
                                      "  check      verify that every handoff has exactly one owner\n"
                                      "  copy       copy a whole database to another (e.g. SQLite to PostgreSQL)\n"
                                      "  import     load a trust's PTL extract (seam import ptl)\n"
                                      "  gen        write a synthetic England (reference data and PTL files)\n"
                                      "\n"
                                      "Run 'seam <command> --help' for a command's options.\n";

static int fail_usage(const char *cmd, const char *usage, const char *msg)
{
    fprintf(stderr, "seam %s: %s\n\n%s", cmd, msg, usage);
    return 2;
}

/* Opens the database or prints why not. */
static db *open_db(const char *cmd, const char *url)
{
    char err[512];
    db *d;
    if (db_open(url, &d, err, sizeof(err)) != 0) {
        fprintf(stderr, "seam %s: %s\n", cmd, err);
        return NULL;
    }
    return d;
}

static int require_schema(const char *cmd, db *d, const char *url)
{
    int v = 0;
    if (migrate_current(d, &v) != 0 || v != migrate_latest()) {
        fprintf(stderr, "seam %s: the database %s has schema version %d, not %d; run: seam migrate --db %s\n", cmd, url,
                v, migrate_latest(), url);
        return 1;
    }
    return 0;
}

static const struct option db_opts[] = {
    {"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};

/* ---------------------------------------------------------------------- */

static const char *const usage_serve =
    "usage: seam serve --db PATH [--listen 127.0.0.1:8080] [--dev] [options]\n"
    "\n"
    "  --db URL              database: a SQLite file path (or sqlite:PATH)\n"
    "  --listen ADDR:PORT    address to listen on (default 127.0.0.1:8080)\n"
    "  --dev                 enable the development sign-in (demo personas); never with real data\n"
    "  --web DIR             pages (default: web)\n"
    "  --nhsuk DIR           NHS.UK frontend files (default: node_modules/nhsuk-frontend/dist)\n"
    "  --threads N           worker threads (default 4)\n"
    "  --failsafe-interval S seconds between failsafe sweeps (default 60, 0 = off)\n"
    "  --quiet               no access log\n";

static int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"listen", required_argument, NULL, 'l'},
                                         {"dev", no_argument, NULL, 'D'},
                                         {"web", required_argument, NULL, 'w'},
                                         {"nhsuk", required_argument, NULL, 'n'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"failsafe-interval", required_argument, NULL, 'f'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    server_config cfg = {.listen = "127.0.0.1:8080",
                         .web_root = "web",
                         .nhsuk_root = "node_modules/nhsuk-frontend/dist",
                         .threads = 4,
                         .failsafe_interval = 60};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'd': cfg.db_url = optarg; break;
        case 'l': cfg.listen = optarg; break;
        case 'D': cfg.dev = 1; break;
        case 'w': cfg.web_root = optarg; break;
        case 'n': cfg.nhsuk_root = optarg; break;
        case 'q': cfg.quiet = 1; break;
        case 't':
            cfg.threads = (int)strtol(optarg, &end, 10);
            if (*end || cfg.threads < 1 || cfg.threads > 256)
                return fail_usage("serve", usage_serve, "--threads must be 1 to 256");
            break;
        case 'f':
            cfg.failsafe_interval = (int)strtol(optarg, &end, 10);
            if (*end || cfg.failsafe_interval < 0)
                return fail_usage("serve", usage_serve, "--failsafe-interval must be a number of seconds");
            break;
        case 'h': fputs(usage_serve, stdout); return 0;
        default: return fail_usage("serve", usage_serve, "unknown option");
        }
    }
    if (optind < argc)
        return fail_usage("serve", usage_serve, "unexpected argument");
    if (cfg.db_url == NULL)
        return fail_usage("serve", usage_serve, "--db is required");
    return server_run(&cfg) == 0 ? 0 : 1;
}

/* ---------------------------------------------------------------------- */

static const char *const usage_migrate = "usage: seam migrate --db PATH\n"
                                         "\n"
                                         "Creates the schema in a new database, or applies the migrations a\n"
                                         "database has not had yet.  Safe to run again.\n";

static int cmd_migrate(int argc, char **argv)
{
    const char *url = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", db_opts, NULL)) != -1) {
        if (c == 'd')
            url = optarg;
        else if (c == 'h') {
            fputs(usage_migrate, stdout);
            return 0;
        } else
            return fail_usage("migrate", usage_migrate, "unknown option");
    }
    if (optind < argc)
        return fail_usage("migrate", usage_migrate, "unexpected argument");
    if (url == NULL)
        return fail_usage("migrate", usage_migrate, "--db is required");
    db *d = open_db("migrate", url);
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

/* ---------------------------------------------------------------------- */

static const char *const usage_demo =
    "usage: seam demo --db PATH [--list-users] [--patients N] [--referrals N] [--seed N]\n"
    "\n"
    "Creates a demo database: one ICB, two trusts with eight services each, twelve\n"
    "practices, patients in the 999 test range and twelve months of referrals.\n"
    "With --list-users, prints the demo personas of an existing database instead:\n"
    "username, role, organisation code and display name, tab-separated.\n";

static int cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"list-users", no_argument, NULL, 'u'},
                                         {"patients", required_argument, NULL, 'p'},
                                         {"referrals", required_argument, NULL, 'r'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *url = NULL;
    int list = 0;
    gen_options opt = {.patients = 2400, .referrals = 4000, .seed = 20261125ULL, .now = (seam_time)time(NULL)};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'd': url = optarg; break;
        case 'u': list = 1; break;
        case 'p':
            opt.patients = (int)strtol(optarg, &end, 10);
            if (*end || opt.patients < 12 || opt.patients > 1000000)
                return fail_usage("demo", usage_demo, "--patients must be 12 to 1000000");
            break;
        case 'r':
            opt.referrals = (int)strtol(optarg, &end, 10);
            if (*end || opt.referrals < 0 || opt.referrals > 10000000)
                return fail_usage("demo", usage_demo, "--referrals must be 0 to 10000000");
            break;
        case 's':
            opt.seed = strtoull(optarg, &end, 10);
            if (*end)
                return fail_usage("demo", usage_demo, "--seed must be a number");
            break;
        case 'h': fputs(usage_demo, stdout); return 0;
        default: return fail_usage("demo", usage_demo, "unknown option");
        }
    }
    if (optind < argc)
        return fail_usage("demo", usage_demo, "unexpected argument");
    if (url == NULL)
        return fail_usage("demo", usage_demo, "--db is required");
    if (list && access(strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url, F_OK) != 0 &&
        strncmp(url, "postgres", 8) != 0) {
        fprintf(stderr, "seam demo: %s does not exist; create it with: seam demo --db %s\n", url, url);
        return 1;
    }
    db *d = open_db("demo", url);
    if (d == NULL)
        return 1;
    int rc;
    if (list) {
        rc = require_schema("demo", d, url);
        if (rc == 0 && gen_list_personas(d, stdout) != 0) {
            fprintf(stderr, "seam demo: %s\n", db_errmsg(d));
            rc = 1;
        }
        db_close(d);
        return rc ? 1 : 0;
    }
    rc = migrate_up(d, NULL);
    if (rc == 0)
        rc = gen_demo(d, &opt, stderr);
    if (rc) {
        fprintf(stderr, "seam demo: %s\n", db_errmsg(d));
        db_close(d);
        return 1;
    }
    db_close(d);
    fprintf(stderr, "seam demo: %s is ready; sign in as one of: seam demo --db %s --list-users\n", url, url);
    return 0;
}

/* ---------------------------------------------------------------------- */

static const char *const usage_token = "usage: seam token --db PATH [--ttl SECONDS] USERNAME\n"
                                       "\n"
                                       "Prints a bearer token for USERNAME signed by the database's development\n"
                                       "issuer (default lifetime 12 hours).\n";

static int cmd_token(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"ttl", required_argument, NULL, 't'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *url = NULL;
    long ttl = 12 * 3600;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;
        if (c == 'd')
            url = optarg;
        else if (c == 't') {
            ttl = strtol(optarg, &end, 10);
            if (*end || ttl < 1 || ttl > 30L * 86400)
                return fail_usage("token", usage_token, "--ttl must be 1 to 2592000 seconds");
        } else if (c == 'h') {
            fputs(usage_token, stdout);
            return 0;
        } else
            return fail_usage("token", usage_token, "unknown option");
    }
    if (url == NULL)
        return fail_usage("token", usage_token, "--db is required");
    if (optind + 1 != argc)
        return fail_usage("token", usage_token, "give exactly one USERNAME");
    if (sodium_init() < 0)
        return 1;
    db *d = open_db("token", url);
    if (d == NULL)
        return 1;
    if (require_schema("token", d, url)) {
        db_close(d);
        return 1;
    }
    app_user u;
    int rc = app_user_load(d, argv[optind], &u);
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

/* ---------------------------------------------------------------------- */

static const char *const usage_failsafe =
    "usage: seam failsafe --db PATH [--now ISO8601] [--json]\n"
    "\n"
    "Escalates every open handoff past its due time, once: level 1 the owner's\n"
    "worklist, level 2 the trust's interface lead (2 working days late), level 3\n"
    "the ICB (5 working days late).  Each escalation is recorded as an event.\n"
    "--now evaluates at another instant (e.g. 2026-12-01T09:00:00Z).\n";

static int cmd_failsafe(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"now", required_argument, NULL, 'n'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *url = NULL;
    int as_json = 0;
    seam_time now = (seam_time)time(NULL);
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            url = optarg;
        else if (c == 'n') {
            if (seam_time_parse(optarg, &now) != 0)
                return fail_usage("failsafe", usage_failsafe,
                                  "--now must be an ISO 8601 time such as 2026-12-01T09:00:00Z");
        } else if (c == 'j')
            as_json = 1;
        else if (c == 'h') {
            fputs(usage_failsafe, stdout);
            return 0;
        } else
            return fail_usage("failsafe", usage_failsafe, "unknown option");
    }
    if (optind < argc)
        return fail_usage("failsafe", usage_failsafe, "unexpected argument");
    if (url == NULL)
        return fail_usage("failsafe", usage_failsafe, "--db is required");
    db *d = open_db("failsafe", url);
    if (d == NULL)
        return 1;
    if (require_schema("failsafe", d, url)) {
        db_close(d);
        return 1;
    }
    app_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.db = d;
    ctx.now = now;
    app_user_system(&ctx.user);
    json_t *out = NULL;
    int rc = app_run(&ctx, app_failsafe, NULL, &out);
    db_close(d);
    if (rc) {
        fprintf(stderr, "seam failsafe: %s\n", ctx.err_msg);
        return 1;
    }
    json_t *list = json_object_get(out, "escalated");
    if (as_json) {
        char *s = json_dumps(out, JSON_INDENT(2));
        printf("%s\n", s);
        free(s);
    } else {
        size_t i;
        json_t *e;
        json_array_foreach(list, i, e)
        {
            const char *subject = json_string_value(json_object_get(e, "subject"));
            printf("escalated task %lld (%s %lld, %s, owner %s %s, due %s) from level %lld to %lld: %s %s\n",
                   (long long)json_integer_value(json_object_get(e, "task")), subject,
                   (long long)json_integer_value(json_object_get(e, subject)),
                   json_string_value(json_object_get(e, "kind")), json_string_value(json_object_get(e, "owner_org")),
                   json_string_value(json_object_get(e, "owner_role")), json_string_value(json_object_get(e, "due_at")),
                   (long long)json_integer_value(json_object_get(e, "from")),
                   (long long)json_integer_value(json_object_get(e, "to")),
                   json_string_value(json_object_get(e, "escalated_to")),
                   json_string_value(json_object_get(e, "escalated_to_org")));
        }
        printf("seam failsafe: %lld overdue task(s) checked, %zu escalated\n",
               (long long)json_integer_value(json_object_get(out, "overdue_checked")), json_array_size(list));
    }
    json_decref(out);
    return 0;
}

/* ---------------------------------------------------------------------- */

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

static int cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *url = NULL;
    int as_json = 0, c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            url = optarg;
        else if (c == 'j')
            as_json = 1;
        else if (c == 'h') {
            fputs(usage_check, stdout);
            return 0;
        } else
            return fail_usage("check", usage_check, "unknown option");
    }
    if (optind < argc)
        return fail_usage("check", usage_check, "unexpected argument");
    if (url == NULL)
        return fail_usage("check", usage_check, "--db is required");
    if (strncmp(url, "postgres", 8) != 0 && access(strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url, R_OK) != 0) {
        fprintf(stderr, "seam check: %s does not exist\n", url);
        return 2;
    }
    db *d = open_db("check", url);
    if (d == NULL)
        return 2;
    if (require_schema("check", d, url)) {
        db_close(d);
        return 2;
    }
    app_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.db = d;
    ctx.now = (seam_time)time(NULL);
    app_user_system(&ctx.user);
    json_t *out = NULL;
    int rc = app_check(&ctx, NULL, &out);
    db_close(d);
    if (rc) {
        fprintf(stderr, "seam check: %s\n", ctx.err_msg);
        return 2;
    }
    json_t *list = json_object_get(out, "violations");
    size_t n = json_array_size(list);
    if (as_json) {
        char *s = json_dumps(out, JSON_INDENT(2));
        printf("%s\n", s);
        free(s);
    } else {
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
               (long long)json_integer_value(json_object_get(out, "open_tasks")), n);
    }
    json_decref(out);
    return n ? 1 : 0;
}

/* ---------------------------------------------------------------------- */

static const char *const usage_copy = "usage: seam copy --from URL --to URL [--replace]\n"
                                      "\n"
                                      "Copies a whole Seam database, audit events included, and verifies that every\n"
                                      "table has the same number of rows.  URLs are SQLite paths (or sqlite:PATH) or\n"
                                      "postgresql://user@host:port/dbname.  The target is migrated first.  A target\n"
                                      "that already holds data is refused unless --replace is given, which deletes\n"
                                      "the target's data in the same transaction as the copy.\n";

static int cmd_copy(int argc, char **argv)
{
    static const struct option opts[] = {{"from", required_argument, NULL, 'f'},
                                         {"to", required_argument, NULL, 't'},
                                         {"replace", no_argument, NULL, 'r'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *from_url = NULL, *to_url = NULL;
    int replace = 0, c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'f')
            from_url = optarg;
        else if (c == 't')
            to_url = optarg;
        else if (c == 'r')
            replace = 1;
        else if (c == 'h') {
            fputs(usage_copy, stdout);
            return 0;
        } else
            return fail_usage("copy", usage_copy, "unknown option");
    }
    if (optind < argc)
        return fail_usage("copy", usage_copy, "unexpected argument");
    if (from_url == NULL || to_url == NULL)
        return fail_usage("copy", usage_copy, "--from and --to are required");
    if (strcmp(from_url, to_url) == 0)
        return fail_usage("copy", usage_copy, "--from and --to must be different databases");
    if (strncmp(from_url, "postgres", 8) != 0 &&
        access(strncmp(from_url, "sqlite:", 7) == 0 ? from_url + 7 : from_url, R_OK) != 0) {
        fprintf(stderr, "seam copy: %s does not exist\n", from_url);
        return 1;
    }
    db *from = open_db("copy", from_url);
    if (from == NULL)
        return 1;
    db *to = open_db("copy", to_url);
    if (to == NULL) {
        db_close(from);
        return 1;
    }
    int rc = store_copy(from, to, replace, stderr);
    if (rc)
        fprintf(stderr, "seam copy: %s\n", db_errmsg(to)[0] ? db_errmsg(to) : db_errmsg(from));
    db_close(from);
    db_close(to);
    return rc ? 1 : 0;
}

/* ---------------------------------------------------------------------- */

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

static int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"trust", required_argument, NULL, 't'},
                                         {"rejects", required_argument, NULL, 'r'},
                                         {"batch", required_argument, NULL, 'b'},
                                         {"progress-rows", required_argument, NULL, 'p'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage_import, stdout);
        return 0;
    }
    if (argc < 2 || strcmp(argv[1], "ptl") != 0)
        return fail_usage("import", usage_import, "say what to import: seam import ptl ...");
    argc--;
    argv++;
    const char *url = NULL, *rejects = NULL;
    ptl_options o = {.batch = 5000};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'd': url = optarg; break;
        case 't': o.trust = optarg; break;
        case 'r': rejects = optarg; break;
        case 'b':
            o.batch = (int)strtol(optarg, &end, 10);
            if (*end || o.batch < 1 || o.batch > 1000000)
                return fail_usage("import", usage_import, "--batch must be 1 to 1000000");
            break;
        case 'p':
            o.progress_rows = strtoll(optarg, &end, 10);
            if (*end || o.progress_rows < 1)
                return fail_usage("import", usage_import, "--progress-rows must be a positive number");
            break;
        case 'h': fputs(usage_import, stdout); return 0;
        default: return fail_usage("import", usage_import, "unknown option");
        }
    }
    if (url == NULL || o.trust == NULL)
        return fail_usage("import", usage_import, "--db and --trust are required");
    if (optind + 1 != argc)
        return fail_usage("import", usage_import, "give exactly one FILE.csv (or - for standard input)");
    const char *path = argv[optind];
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (in == NULL) {
        fprintf(stderr, "seam import ptl: cannot read %s: %s\n", path, strerror(errno));
        return 1;
    }
    FILE *rej = NULL;
    if (rejects) {
        rej = fopen(rejects, "w");
        if (rej == NULL) {
            fprintf(stderr, "seam import ptl: cannot write %s: %s\n", rejects, strerror(errno));
            if (in != stdin)
                fclose(in);
            return 1;
        }
        fputs("line,field,reason,raw\n", rej);
        o.rejects = rej;
        o.rejects_csv = 1;
    }
    db *d = open_db("import ptl", url);
    if (d == NULL || require_schema("import ptl", d, url)) {
        db_close(d);
        if (in != stdin)
            fclose(in);
        if (rej)
            fclose(rej);
        return 1;
    }
    o.filename = strcmp(path, "-") == 0 ? "(standard input)" : path;
    o.progress = stderr;
    o.progress_tty = isatty(fileno(stderr));
    ptl_report rep;
    int rc = ptl_import(d, in, &o, &rep);
    db_close(d);
    if (in != stdin)
        fclose(in);
    if (rej && fclose(rej) != 0)
        fprintf(stderr, "seam import ptl: could not finish writing %s\n", rejects);
    if (rc) {
        fprintf(stderr, "seam import ptl: %s\n", rep.error);
        if (rep.import_id)
            fprintf(stderr, "seam import ptl: import %lld failed after %lld rows\n", rep.import_id, rep.rows_read);
        return 1;
    }
    fprintf(stderr,
            "seam import ptl: import %lld of %s for %s: %lld rows read, %lld inserted, %lld updated, %lld unchanged,"
            " %lld rejected, %lld patients created in %.1f s (%.0f rows/s); sha256 %s\n",
            rep.import_id, o.filename, o.trust, rep.rows_read, rep.inserted, rep.updated, rep.unchanged, rep.rejected,
            rep.patients_created, rep.seconds, rep.seconds > 0 ? (double)rep.rows_read / rep.seconds : 0.0, rep.sha256);
    return rep.rejected ? 3 : 0;
}

/* ---------------------------------------------------------------------- */

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

static int cmd_gen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},      {"scale", required_argument, NULL, 's'},
        {"seed", required_argument, NULL, 'S'},    {"ptl-dir", required_argument, NULL, 'D'},
        {"ptl-csv", required_argument, NULL, 'c'}, {"trust", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *url = NULL;
    gen_england_options o = {.seed = 20261125ULL, .now = (seam_time)time(NULL)};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'd': url = optarg; break;
        case 's':
            if (strcmp(optarg, "england") == 0)
                o.open_pathways = 7600000;
            else if (strcmp(optarg, "small") == 0)
                o.open_pathways = 3000;
            else {
                o.open_pathways = strtoll(optarg, &end, 10);
                if (*end || o.open_pathways < 10 || o.open_pathways > 100000000)
                    return fail_usage("gen", usage_gen, "--scale must be england, small or 10 to 100000000");
            }
            break;
        case 'S':
            o.seed = strtoull(optarg, &end, 10);
            if (*end)
                return fail_usage("gen", usage_gen, "--seed must be a number");
            break;
        case 'D': o.ptl_dir = optarg; break;
        case 'c': o.ptl_csv = optarg; break;
        case 't': o.trust = optarg; break;
        case 'h': fputs(usage_gen, stdout); return 0;
        default: return fail_usage("gen", usage_gen, "unknown option");
        }
    }
    if (optind < argc)
        return fail_usage("gen", usage_gen, "unexpected argument");
    if (url == NULL || o.open_pathways == 0)
        return fail_usage("gen", usage_gen, "--db and --scale are required");
    if ((o.ptl_csv == NULL) != (o.trust == NULL))
        return fail_usage("gen", usage_gen, "--ptl-csv and --trust go together");
    if (sodium_init() < 0)
        return 1;
    db *d = open_db("gen", url);
    if (d == NULL)
        return 1;
    int rc = migrate_up(d, NULL);
    if (rc == 0)
        rc = gen_england(d, &o, stderr);
    if (rc) {
        fprintf(stderr, "seam gen: %s\n", db_errmsg(d));
        db_close(d);
        return 1;
    }
    db_close(d);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_main, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return 0;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {{"serve", cmd_serve}, {"migrate", cmd_migrate},   {"demo", cmd_demo},
                {"token", cmd_token}, {"failsafe", cmd_failsafe}, {"check", cmd_check},
                {"copy", cmd_copy},   {"import", cmd_import},     {"gen", cmd_gen}};
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        if (strcmp(cmd, cmds[i].name) == 0)
            return cmds[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "seam: unknown command '%s'\n\n%s", cmd, usage_main);
    return 2;
}
