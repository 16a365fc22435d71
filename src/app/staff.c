/*
 * staff.c - the administrator's view of staff and the services they work
 * in.  Triagers and clinicians see and act on only their services' work
 * (core/scope.h, access.c); this is where those memberships are kept.
 * Every change is audited as user.services_changed with the set before
 * and after.
 */
#include "app/app.h"
#include "common/rc.h"
#include "core/scope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STAFF_MAX 5000 /* rows one list answers; an organisation has far fewer */

static int admin_only(app_ctx *ctx)
{
    if (strcmp(ctx->user.role, "admin") == 0)
        return 0;
    return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                    "Only the administrator manages staff and their services; your role is %s.", ctx->user.role);
}

/* A member of staff (u.username, display_name, role, org code, org name,
 * org kind, active at columns c..c+6) with no services yet. */
static json_t *staff_json(const db_rows *r, int i)
{
    const char *role = db_get(r, i, 2);
    int bound = scope_role_is_service_bound(role);
    return json_pack("{s:s,s:s,s:s,s:{s:s,s:s,s:s},s:b,s:b,s:s,s:[]}", "username", db_get(r, i, 0), "display_name",
                     db_get(r, i, 1), "role", role, "organisation", "code", db_get(r, i, 3), "name", db_get(r, i, 4),
                     "kind", db_get(r, i, 5), "active", (int)db_geti(r, i, 6), "service_bound", bound, "scope",
                     bound                                   ? "services"
                     : strcmp(db_get(r, i, 5), "trust") == 0 ? "trust"
                                                             : "organisation",
                     "services");
}

#define STAFF_SELECT                                                                                                   \
    "SELECT u.username, u.display_name, u.role, u.org_code, o.name, o.kind, u.active"                                  \
    " FROM users u JOIN organisations o ON o.code = u.org_code"

/* Adds each membership (username, service id, service name rows) to the
 * staff member of that username in by_name. */
static void add_memberships(json_t *by_name, const db_rows *r)
{
    for (int i = 0; i < db_nrows(r); i++) {
        json_t *u = json_object_get(by_name, db_get(r, i, 0));
        if (u)
            json_array_append_new(json_object_get(u, "services"),
                                  json_pack("{s:I,s:s}", "id", (json_int_t)db_geti(r, i, 1), "name", db_get(r, i, 2)));
    }
}

int app_staff_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const char *org = arg && *(const char *)arg ? arg : NULL;
    int rc = admin_only(ctx);
    if (rc)
        return rc;
    if (org) {
        long long n;
        db_param op[] = {DBP_TEXT(org)};
        if ((rc = db_query_int(ctx->db, "SELECT count(*) FROM organisations WHERE code = $1", 1, op, 0, &n)))
            return app_db_fail(ctx, rc);
        if (n == 0)
            return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "org", "There is no organisation %s.", org);
    }
    db_rows *r;
    db_param p[] = {DBP_TEXT(org), DBP_INT(STAFF_MAX)};
    rc = db_query(ctx->db,
                  STAFF_SELECT " WHERE u.role <> 'patient' AND (CAST($1 AS TEXT) IS NULL OR u.org_code = $1)"
                               " ORDER BY u.org_code, u.role, u.username LIMIT $2",
                  2, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *list = json_array(), *by_name = json_object();
    for (int i = 0; i < db_nrows(r); i++) {
        json_t *u = staff_json(r, i);
        json_array_append(list, u);
        json_object_set_new(by_name, db_get(r, i, 0), u);
    }
    db_rows_free(r);
    rc = db_query(ctx->db,
                  "SELECT us.username, s.id, s.name FROM user_services us JOIN users u ON u.username = us.username"
                  " JOIN services s ON s.id = us.service_id WHERE (CAST($1 AS TEXT) IS NULL OR u.org_code = $1)"
                  " ORDER BY us.username, s.name, s.id",
                  1, p, &r);
    if (rc == 0) {
        add_memberships(by_name, r);
        db_rows_free(r);
    }
    json_decref(by_name);
    if (rc) {
        json_decref(list);
        return app_db_fail(ctx, rc);
    }
    *out = json_pack("{s:o,s:I}", "users", list, "total", (json_int_t)json_array_size(list));
    return 0;
}

/* One member of staff with their services and, at a trust, the services
 * they could be given (available_services).  SEAM_ENOTFOUND recorded. */
static int staff_load(app_ctx *ctx, const char *username, json_t **out)
{
    db_rows *r;
    db_param p[] = {DBP_TEXT(username)};
    int rc = db_query(ctx->db, STAFF_SELECT " WHERE u.username = $1 AND u.role <> 'patient'", 1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no member of staff %.64s.", username);
    }
    json_t *u = staff_json(r, 0), *by_name = json_object();
    db_rows_free(r);
    json_object_set(by_name, username, u);
    rc = db_query(ctx->db,
                  "SELECT us.username, s.id, s.name FROM user_services us JOIN services s ON s.id = us.service_id"
                  " WHERE us.username = $1 ORDER BY s.name, s.id",
                  1, p, &r);
    if (rc == 0) {
        add_memberships(by_name, r);
        db_rows_free(r);
        rc = db_query(ctx->db,
                      "SELECT s.id, s.name FROM services s JOIN users u ON u.org_code = s.trust_code"
                      " WHERE u.username = $1 ORDER BY s.name, s.id",
                      1, p, &r);
    }
    json_decref(by_name);
    if (rc) {
        json_decref(u);
        return app_db_fail(ctx, rc);
    }
    json_t *avail = json_array();
    for (int i = 0; i < db_nrows(r); i++)
        json_array_append_new(avail,
                              json_pack("{s:I,s:s}", "id", (json_int_t)db_geti(r, i, 0), "name", db_get(r, i, 1)));
    db_rows_free(r);
    json_object_set_new(u, "available_services", avail);
    *out = u;
    return 0;
}

int app_staff_get(app_ctx *ctx, const void *arg, json_t **out)
{
    int rc = admin_only(ctx);
    return rc ? rc : staff_load(ctx, arg, out);
}

/* The ids of a staff member's services as a JSON array, in id order. */
static json_t *service_ids(const json_t *staff)
{
    scope_set s;
    memset(&s, 0, sizeof(s));
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(staff, "services"), i, v)(void)
        scope_add(&s, json_integer_value(json_object_get(v, "id")));
    json_t *a = json_array();
    for (int k = 0; k < s.n; k++)
        json_array_append_new(a, json_integer(s.ids[k]));
    return a;
}

/* The body's "services": a list of at most SCOPE_MAX_SERVICES ids, each a
 * service of the member of staff's organisation org (named org_name);
 * 0 with *want set, or the refusal recorded on ctx. */
static int services_wanted(app_ctx *ctx, json_t *body, const char *org, const char *org_name, scope_set *want)
{
    json_t *list = body ? json_object_get(body, "services") : NULL;
    memset(want, 0, sizeof(*want));
    if (list == NULL || json_is_null(list))
        return app_fail(ctx, SEAM_EINVALID, "missing_field", "services",
                        "services is required: the list of service ids (an empty list for none).");
    if (!json_is_array(list))
        return app_fail(ctx, SEAM_EBADREQ, "bad_request", "services", "services must be a list of service ids.");
    if (json_array_size(list) > SCOPE_MAX_SERVICES)
        return app_fail(ctx, SEAM_EINVALID, "too_many_services", "services",
                        "A member of staff can belong to at most %d services.", SCOPE_MAX_SERVICES);
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        if (!json_is_integer(v))
            return app_fail(ctx, SEAM_EBADREQ, "bad_request", "services", "services must be a list of service ids.");
        long long id = json_integer_value(v);
        /* Each service must be one of the member of staff's own organisation. */
        long long n = 0;
        db_param p[] = {DBP_INT(id), DBP_TEXT(org)};
        int rc;
        if (id > 0 && (rc = db_query_int(ctx->db, "SELECT count(*) FROM services WHERE id = $1 AND trust_code = $2", 2,
                                         p, 0, &n)))
            return app_db_fail(ctx, rc);
        if (n == 0 || scope_add(want, id) != 0)
            return app_fail(ctx, SEAM_EINVALID, "invalid_service", "services",
                            "Service %lld is not a service of %s (%s): give only services of the staff member's own"
                            " organisation.",
                            id, org_name, org);
    }
    return 0;
}

/* Replaces username's services with want. */
static int services_store(app_ctx *ctx, const char *username, const scope_set *want)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param dp[] = {DBP_TEXT(username)};
    int rc = db_exec(ctx->db, "DELETE FROM user_services WHERE username = $1", 1, dp);
    for (int k = 0; rc == 0 && k < want->n; k++) {
        db_param ip[] = {DBP_TEXT(username), DBP_INT(want->ids[k]), DBP_TEXT(now), DBP_TEXT(ctx->user.username)};
        rc = db_exec(ctx->db,
                     "INSERT INTO user_services (username, service_id, added_at, added_by) VALUES ($1, $2, $3, $4)", 4,
                     ip);
    }
    return rc ? app_db_fail(ctx, rc) : 0;
}

int app_staff_services_set(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_staff_services_args *a = arg;
    int rc = admin_only(ctx);
    if (rc)
        return rc;
    json_t *cur = NULL;
    if ((rc = staff_load(ctx, a->username, &cur)))
        return rc;
    const json_t *org = json_object_get(cur, "organisation");
    scope_set want;
    if ((rc = services_wanted(ctx, a->body, json_string_value(json_object_get(org, "code")),
                              json_string_value(json_object_get(org, "name")), &want)) ||
        (rc = services_store(ctx, a->username, &want))) {
        json_decref(cur);
        return rc;
    }
    json_t *before = json_pack("{s:o}", "services", service_ids(cur));
    json_t *after_ids = json_array();
    for (int k = 0; k < want.n; k++)
        json_array_append_new(after_ids, json_integer(want.ids[k]));
    json_t *after = json_pack("{s:o}", "services", after_ids);
    if (!json_equal(json_object_get(before, "services"), after_ids))
        rc = app_event_keyed(ctx, "user.services_changed", "user", a->username, NULL, NULL, before, after, NULL);
    json_decref(before);
    json_decref(after);
    json_decref(cur);
    return rc ? rc : staff_load(ctx, a->username, out);
}
