/*
 * handlers/measures.c - interface, complete-care and RTT measures (the
 * RTT ones also as CSV).
 */
#include "common/names.h"
#include "common/rc.h"
#include "http/handlers.h"

#include <stdio.h>
#include <string.h>

int h_measures_interface(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_measures_args a = {req_query(rc, "trust"), req_query(rc, "from"), req_query(rc, "to")};
    return app_run(ctx, app_measures_interface, &a, out);
}

int h_measures_complete_care(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_measures_args a = {req_query(rc, "trust"), req_query(rc, "from"), req_query(rc, "to")};
    return app_run(ctx, app_measures_complete_care, &a, out);
}

/* JSON, or CSV when ?format=csv or (with no format) Accept names text/csv;
 * a CSV answer is named rtt-<scope>-by-<dimension>-<census date>.csv. */
int h_measures_rtt(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    app_rtt_args a = {req_query(rc, "trust"), 0, req_query(rc, "practice"), req_query(rc, "icb"), req_query(rc, "by"),
                      req_query(rc, "census")};
    int r = req_query_id(rc, ctx, "service", &a.service);
    if (r)
        return r;
    static const char *const formats[] = {"json", "csv"};
    static const names_table format_names = NAMES_TABLE(formats);
    const char *fmt = req_query(rc, "format");
    const char *accept = req_header(rc, "Accept");
    if (fmt && *fmt && names_find(&format_names, fmt) < 0)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "format", "format must be json or csv.");
    int csv = (fmt && strcmp(fmt, "csv") == 0) || (!fmt && accept && strstr(accept, "text/csv"));
    if ((r = app_run(ctx, app_measures_rtt, &a, out)) || !csv)
        return r;
    json_t *code = json_object_get(json_object_get(*out, "scope"), "code");
    char scope[32] = "england";
    if (json_is_string(code))
        snprintf(scope, sizeof(scope), "%s", json_string_value(code));
    else if (json_is_integer(code))
        snprintf(scope, sizeof(scope), "service-%lld", (long long)json_integer_value(code));
    snprintf(rc->csv_name, sizeof(rc->csv_name), "rtt-%s-by-%s-%s.csv", scope,
             json_string_value(json_object_get(*out, "by")), json_string_value(json_object_get(*out, "census_date")));
    return 0;
}
