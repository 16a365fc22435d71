/*
 * handlers/directory.c - who is signed in, services, organisations and
 * patients.
 */
#include "common/names.h"
#include "common/rc.h"
#include "http/handlers.h"

#include <string.h>

int h_me(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return app_run(ctx, app_me, NULL, out);
}

int h_services(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    static const char *const booleans[] = {"false", "true"};
    static const names_table boolean_names = NAMES_TABLE(booleans);
    app_list_args a;
    memset(&a, 0, sizeof(a));
    const char *acc = req_query(rc, "accepts_referrals");
    a.accepts_referrals = acc == NULL ? -1 : names_find(&boolean_names, acc);
    if (acc && a.accepts_referrals < 0)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "accepts_referrals",
                        "accepts_referrals must be true or false.");
    return app_run(ctx, app_services_list, &a, out);
}

int h_organisations(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return app_run(ctx, app_organisations_list, req_query(rc, "kind"), out);
}

int h_patients(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return req_call_list(rc, ctx, app_patients_search, out);
}

int h_patient(route_ctx *rc, app_ctx *ctx, json_t **out)
{
    return app_run(ctx, app_patient_get, rc->seg[0], out);
}
