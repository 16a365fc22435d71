/*
 * app.c - the use-case frame: errors, users, the transaction and
 * idempotency wrapper, and the audit event writer.
 */
#include "app/app.h"
#include "common/rc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int app_fail(app_ctx *ctx, int rc, const char *code, const char *field, const char *fmt, ...)
{
    va_list ap;
    snprintf(ctx->err_code, sizeof(ctx->err_code), "%s", code ? code : seam_rc_name(rc));
    snprintf(ctx->err_field, sizeof(ctx->err_field), "%s", field ? field : "");
    va_start(ap, fmt);
    vsnprintf(ctx->err_msg, sizeof(ctx->err_msg), fmt, ap);
    va_end(ap);
    return rc;
}

int app_db_fail(app_ctx *ctx, int rc)
{
    if (rc == SEAM_EUNAVAIL)
        return app_fail(ctx, rc, "unavailable", NULL,
                        "The database is busy or unreachable; nothing was changed. Try again.");
    if (rc == SEAM_ECONFLICT)
        return app_fail(ctx, rc, "conflict", NULL, "The change conflicts with another change; nothing was changed.");
    if (rc == SEAM_ENOMEM)
        return app_fail(ctx, rc, "out_of_memory", NULL, "The server ran out of memory.");
    return app_fail(ctx, rc, "storage_error", NULL, "The database reported an error: %s", db_errmsg(ctx->db));
}

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

int app_user_load(db *d, const char *username, app_user *u)
{
    db_rows *r;
    db_param p[] = {DBP_TEXT(username)};
    int rc = db_query(d,
                      "SELECT u.username, u.display_name, u.role, u.org_code, o.name, o.kind, o.icb_code,"
                      " u.service_id, s.name, u.nhs_number"
                      " FROM users u JOIN organisations o ON o.code = u.org_code"
                      " LEFT JOIN services s ON s.id = u.service_id"
                      " WHERE u.username = $1 AND u.active = 1",
                      1, p, &r);
    if (rc)
        return rc;
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return SEAM_ENOTFOUND;
    }
    memset(u, 0, sizeof(*u));
    copy(u->username, sizeof(u->username), db_get(r, 0, 0));
    copy(u->display_name, sizeof(u->display_name), db_get(r, 0, 1));
    copy(u->role, sizeof(u->role), db_get(r, 0, 2));
    copy(u->org_code, sizeof(u->org_code), db_get(r, 0, 3));
    copy(u->org_name, sizeof(u->org_name), db_get(r, 0, 4));
    copy(u->org_kind, sizeof(u->org_kind), db_get(r, 0, 5));
    copy(u->icb_code, sizeof(u->icb_code), db_get(r, 0, 6));
    u->service_id = db_geti(r, 0, 7);
    copy(u->service_name, sizeof(u->service_name), db_get(r, 0, 8));
    copy(u->nhs_number, sizeof(u->nhs_number), db_get(r, 0, 9));
    db_rows_free(r);
    /* The services they work in: bounded, so a longer list loads its first ones. */
    _Static_assert(SCOPE_MAX_SERVICES == 32, "the LIMIT below is SCOPE_MAX_SERVICES");
    rc = db_query(d, "SELECT service_id FROM user_services WHERE username = $1 ORDER BY service_id LIMIT 32", 1, p, &r);
    if (rc)
        return rc;
    for (int i = 0; i < db_nrows(r); i++)
        (void)scope_add(&u->services, db_geti(r, i, 0));
    db_rows_free(r);
    return 0;
}

void app_user_system(app_user *u)
{
    memset(u, 0, sizeof(*u));
    copy(u->username, sizeof(u->username), "seam-failsafe");
    copy(u->display_name, sizeof(u->display_name), "Seam failsafe");
    copy(u->role, sizeof(u->role), "system");
}

int app_role_is_practice(const char *role)
{
    return strcmp(role, "gp") == 0 || strcmp(role, "practice_admin") == 0;
}

int app_role_is_trust(const char *role)
{
    return strcmp(role, "clinician") == 0 || strcmp(role, "triager") == 0 || strcmp(role, "booking") == 0 ||
           strcmp(role, "interface_lead") == 0;
}

int app_event(app_ctx *ctx, const char *action, const char *object_type, long long object_id, const char *patient,
              const char *icb, json_t *before, json_t *after, const char *detail)
{
    char oid[32];
    snprintf(oid, sizeof(oid), "%lld", object_id);
    return app_event_keyed(ctx, action, object_type, oid, patient, icb, before, after, detail);
}

int app_event_keyed(app_ctx *ctx, const char *action, const char *object_type, const char *oid, const char *patient,
                    const char *icb, json_t *before, json_t *after, const char *detail)
{
    char at[SEAM_ISO_LEN];
    seam_time_format(ctx->now, at);
    char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    db_param p[] = {
        DBP_TEXT(icb && *icb ? icb : NULL),
        DBP_TEXT(at),
        DBP_TEXT(ctx->user.username),
        DBP_TEXT(ctx->user.role),
        DBP_TEXT(ctx->user.org_code[0] ? ctx->user.org_code : NULL),
        DBP_TEXT(action),
        DBP_TEXT(object_type),
        DBP_TEXT(oid),
        DBP_TEXT(patient),
        DBP_TEXT(b),
        DBP_TEXT(a),
        DBP_TEXT(detail),
    };
    int rc = db_exec(ctx->db,
                     "INSERT INTO events (icb_code, at, actor, actor_role, actor_org, action, object_type,"
                     " object_id, patient_nhs_number, before_json, after_json, detail)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                     12, p);
    free(b);
    free(a);
    return rc ? app_db_fail(ctx, rc) : 0;
}

int app_event_read(app_ctx *ctx, const char *object_type, long long id, const json_t *obj)
{
    char action[64];
    snprintf(action, sizeof(action), "read.%s", object_type);
    const char *nhs = json_string_value(json_object_get(json_object_get(obj, "patient"), "nhs_number"));
    return app_event(ctx, action, object_type, id, nhs, ctx->user.icb_code, NULL, NULL, NULL);
}

/* Looks up a stored idempotent answer.  Returns 1 when found (and fills
 * *out / ctx->status), 0 when absent, or a negative rc. */
static int idem_lookup(app_ctx *ctx, json_t **out)
{
    db_rows *r;
    db_param p[] = {DBP_TEXT(ctx->user.username), DBP_TEXT(ctx->idem_key)};
    int rc = db_query(
        ctx->db, "SELECT request_hash, status, body FROM idempotency WHERE username = $1 AND idem_key = $2", 2, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return 0;
    }
    if (strcmp(db_get(r, 0, 0), ctx->request_hash ? ctx->request_hash : "") != 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ECONFLICT, "idempotency_key_conflict", NULL,
                        "This Idempotency-Key was already used for a different request.");
    }
    ctx->status = (int)db_geti(r, 0, 1);
    *out = json_loads(db_get(r, 0, 2), 0, NULL);
    db_rows_free(r);
    if (*out == NULL)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "A stored answer could not be read.");
    ctx->replayed = 1;
    return 1;
}

static int idem_store(app_ctx *ctx, json_t *out)
{
    char at[SEAM_ISO_LEN];
    seam_time_format(ctx->now, at);
    char *body = json_dumps(out, JSON_COMPACT | JSON_REAL_PRECISION(12));
    if (body == NULL)
        return app_fail(ctx, SEAM_ENOMEM, NULL, NULL, "Out of memory.");
    db_param p[] = {
        DBP_TEXT(ctx->user.username), DBP_TEXT(ctx->idem_key), DBP_TEXT(ctx->request_hash ? ctx->request_hash : ""),
        DBP_INT(ctx->status),         DBP_TEXT(body),          DBP_TEXT(at)};
    int rc = db_exec(ctx->db,
                     "INSERT INTO idempotency (username, idem_key, request_hash, status, body, created_at)"
                     " VALUES ($1, $2, $3, $4, $5, $6)",
                     6, p);
    free(body);
    return rc ? app_db_fail(ctx, rc) : 0;
}

static int run_once(app_ctx *ctx, app_fn fn, const void *arg, json_t **out, int *idem_race)
{
    *out = NULL;
    *idem_race = 0;
    ctx->status = 200;
    ctx->replayed = 0;
    ctx->err_code[0] = '\0';
    int rc = db_begin(ctx->db);
    if (rc == SEAM_EUNAVAIL)
        rc = db_begin(ctx->db); /* a dropped idle connection reconnects once */
    if (rc)
        return app_db_fail(ctx, rc);
    if (ctx->idem_key) {
        rc = idem_lookup(ctx, out);
        if (rc != 0) {
            db_rollback(ctx->db);
            return rc < 0 ? rc : 0;
        }
    }
    rc = fn(ctx, arg, out);
    if (rc == 0 && ctx->idem_key) {
        rc = idem_store(ctx, *out);
        *idem_race = rc == SEAM_ECONFLICT;
    }
    if (rc == 0) {
        rc = db_commit(ctx->db);
        if (rc)
            rc = app_db_fail(ctx, rc);
    }
    if (rc) {
        db_rollback(ctx->db);
        json_decref(*out);
        *out = NULL;
        if (ctx->err_code[0] == '\0')
            app_fail(ctx, rc, NULL, NULL, "The request failed.");
    }
    return rc;
}

int app_run(app_ctx *ctx, app_fn fn, const void *arg, json_t **out)
{
    int idem_race;
    int rc = run_once(ctx, fn, arg, out, &idem_race);
    /* Two copies of one idempotent request raced (possible where writers do
     * not queue, as on PostgreSQL): the other committed first and this one
     * rolled back.  Run again: the lookup now finds the stored answer. */
    if (rc && idem_race)
        rc = run_once(ctx, fn, arg, out, &idem_race);
    return rc;
}

int app_me(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_user *u = &ctx->user;
    json_t *svc =
        u->service_id ? json_pack("{s:I,s:s}", "id", (json_int_t)u->service_id, "name", u->service_name) : json_null();
    *out = json_pack("{s:s,s:s,s:s,s:{s:s,s:s,s:s},s:o,s:s?}", "username", u->username, "display_name", u->display_name,
                     "role", u->role, "organisation", "code", u->org_code, "name", u->org_name, "kind", u->org_kind,
                     "service", svc, "nhs_number", u->nhs_number[0] ? u->nhs_number : NULL);
    if (*out && !u->nhs_number[0])
        json_object_set_new(*out, "nhs_number", json_null());
    if (*out == NULL)
        return app_fail(ctx, SEAM_ENOMEM, NULL, NULL, "Out of memory.");
    /* The services a triager or clinician works in (what they see). */
    db_rows *r;
    db_param p[] = {DBP_TEXT(u->username)};
    int rc = db_query(ctx->db,
                      "SELECT s.id, s.name FROM user_services us JOIN services s ON s.id = us.service_id"
                      " WHERE us.username = $1 ORDER BY s.name, s.id",
                      1, p, &r);
    if (rc) {
        json_decref(*out);
        *out = NULL;
        return app_db_fail(ctx, rc);
    }
    json_t *svcs = json_array();
    for (int i = 0; i < db_nrows(r); i++)
        json_array_append_new(svcs,
                              json_pack("{s:I,s:s}", "id", (json_int_t)db_geti(r, i, 0), "name", db_get(r, i, 1)));
    db_rows_free(r);
    json_object_set_new(*out, "services", svcs);
    return 0;
}

int app_organisations_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const char *kind = arg;
    if (kind && *kind && strcmp(kind, "practice") != 0 && strcmp(kind, "trust") != 0 && strcmp(kind, "icb") != 0)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "kind", "kind must be practice, trust or icb.");
    /* Practices are the caller's ICB's (admin: all); trusts and ICBs all. */
    int all = strcmp(ctx->user.role, "admin") == 0;
    db_rows *r;
    db_param p[] = {DBP_TEXT(kind && *kind ? kind : NULL), DBP_TEXT(ctx->user.icb_code), DBP_INT(all)};
    int rc = db_query(ctx->db,
                      "SELECT code, name, kind, icb_code FROM organisations WHERE ($1 IS NULL OR kind = $1)"
                      " AND (kind <> 'practice' OR icb_code = $2 OR $3 = 1) ORDER BY kind, name LIMIT 20000",
                      3, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r); i++)
        json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s}", "code", db_get(r, i, 0), "name", db_get(r, i, 1),
                                              "kind", db_get(r, i, 2), "icb_code", db_get(r, i, 3)));
    db_rows_free(r);
    *out = json_pack("{s:o}", "organisations", list);
    return 0;
}

int app_services_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_list_args *a = arg;
    db_rows *r;
    db_param p[] = {DBP_INT(a ? a->accepts_referrals : -1)};
    int rc = db_query(ctx->db,
                      "SELECT s.id, s.name, s.specialty, s.treatment_function_code, s.trust_code, o.name,"
                      " s.accepts_referrals, s.triage_days_routine, s.triage_days_urgent, s.triage_days_2ww,"
                      " s.booking_days_routine, s.booking_days_urgent, s.booking_days_2ww, s.outcome_days,"
                      " s.review_days, s.gp_contact, s.patient_contact, s.accepts_advice"
                      " FROM services s JOIN organisations o ON o.code = s.trust_code"
                      " WHERE ($1 < 0 OR s.accepts_referrals = $1)"
                      " ORDER BY o.name, s.name",
                      1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r); i++) {
        json_t *s = json_pack(
            "{s:I,s:s,s:s,s:s,s:{s:s,s:s},s:b,s:b,s:{s:{s:I,s:I,s:I},s:{s:I,s:I,s:I},s:I,s:I},s:s?,s:s?}", "id",
            (json_int_t)db_geti(r, i, 0), "name", db_get(r, i, 1), "specialty", db_get(r, i, 2),
            "treatment_function_code", db_get(r, i, 3), "trust", "code", db_get(r, i, 4), "name", db_get(r, i, 5),
            "accepts_referrals", (int)db_geti(r, i, 6), "accepts_advice", (int)db_geti(r, i, 17), "targets",
            "triage_days", "routine", (json_int_t)db_geti(r, i, 7), "urgent", (json_int_t)db_geti(r, i, 8),
            "two_week_wait", (json_int_t)db_geti(r, i, 9), "booking_days", "routine", (json_int_t)db_geti(r, i, 10),
            "urgent", (json_int_t)db_geti(r, i, 11), "two_week_wait", (json_int_t)db_geti(r, i, 12), "outcome_days",
            (json_int_t)db_geti(r, i, 13), "review_days", (json_int_t)db_geti(r, i, 14), "gp_contact", db_get(r, i, 15),
            "patient_contact", db_get(r, i, 16));
        json_array_append_new(list, s);
    }
    db_rows_free(r);
    *out = json_pack("{s:o}", "services", list);
    return 0;
}
