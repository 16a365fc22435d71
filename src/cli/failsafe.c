/*
 * failsafe.c - seam failsafe: escalate overdue handoffs once and print
 * what was escalated.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char *const usage_failsafe =
    "usage: seam failsafe --db PATH [--now ISO8601] [--json]\n"
    "\n"
    "Escalates every open handoff past its due time, once: level 1 the owner's\n"
    "worklist, level 2 the trust's interface lead (2 working days late), level 3\n"
    "the ICB (5 working days late).  Each escalation is recorded as an event.\n"
    "--now evaluates at another instant (e.g. 2026-12-01T09:00:00Z).\n";

static const struct option failsafe_opts[] = {{"db", required_argument, NULL, 'd'},
                                              {"now", required_argument, NULL, 'n'},
                                              {"json", no_argument, NULL, 'j'},
                                              {"help", no_argument, NULL, 'h'},
                                              {NULL, 0, NULL, 0}};

typedef struct failsafe_args {
    const char *url;
    int as_json;
    seam_time now;
} failsafe_args;

static const char *failsafe_opt(int c, const char *arg, void *state)
{
    failsafe_args *a = state;
    if (c == 'd')
        a->url = arg;
    else if (c == 'n') {
        if (seam_time_parse(arg, &a->now) != 0)
            return "--now must be an ISO 8601 time such as 2026-12-01T09:00:00Z";
    } else if (c == 'j')
        a->as_json = 1;
    else
        return "unknown option";
    return NULL;
}

/* One line for each escalation, then the count. */
static void print_escalated(const json_t *out)
{
    json_t *list = json_object_get(out, "escalated");
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

int cli_failsafe(int argc, char **argv)
{
    static const cli_spec spec = {"failsafe", usage_failsafe, failsafe_opts, 0};
    failsafe_args a = {NULL, 0, (seam_time)time(NULL)};
    int st = cli_options(&spec, argc, argv, failsafe_opt, &a);
    if (st >= 0)
        return st;
    if (a.url == NULL)
        return cli_fail_usage("failsafe", usage_failsafe, "--db is required");
    db *d = cli_open_db("failsafe", a.url);
    if (d == NULL)
        return 1;
    if (cli_require_schema("failsafe", d, a.url)) {
        db_close(d);
        return 1;
    }
    app_ctx ctx;
    cli_system_ctx(&ctx, d, a.now);
    json_t *out = NULL;
    int rc = app_run(&ctx, app_failsafe, NULL, &out);
    db_close(d);
    if (rc) {
        fprintf(stderr, "seam failsafe: %s\n", ctx.err_msg);
        return 1;
    }
    if (a.as_json)
        cli_print_json(out);
    else
        print_escalated(out);
    json_decref(out);
    return 0;
}
