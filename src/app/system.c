/*
 * system.c - the server's questions about its own database (health,
 * schema version, demo personas), kept here so src/http runs no SQL.
 */
#include "app/system.h"
#include "common/rc.h"
#include "store/migrate.h"

int app_system_health(app_ctx *ctx, json_t **out)
{
    long long n;
    int e = db_query_int(ctx->db, "SELECT count(*) FROM schema_migrations", 0, NULL, 0, &n);
    if (e)
        return app_db_fail(ctx, e);
    *out = json_pack("{s:s,s:I}", "status", "ok", "schema_version", (json_int_t)n);
    return 0;
}

int app_system_dev_personas(app_ctx *ctx, json_t **out)
{
    db_rows *r;
    int e = db_query(ctx->db,
                     "SELECT u.username, u.role, u.display_name, u.org_code, o.name, s.name"
                     " FROM users u JOIN organisations o ON o.code = u.org_code"
                     " LEFT JOIN services s ON s.id = u.service_id"
                     " WHERE u.persona > 0 AND u.active = 1 ORDER BY u.persona, u.username",
                     0, NULL, &r);
    if (e)
        return app_db_fail(ctx, e);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r); i++)
        json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:{s:s,s:s},s:s?}", "username", db_get(r, i, 0), "role",
                                              db_get(r, i, 1), "display_name", db_get(r, i, 2), "organisation", "code",
                                              db_get(r, i, 3), "name", db_get(r, i, 4), "service", db_get(r, i, 5)));
    db_rows_free(r);
    *out = json_pack("{s:o,s:s}", "personas", list, "notice",
                     "Development sign-in: demo personas only. Never enable --dev with real patient data.");
    return 0;
}

int app_system_schema_current(db *d, int *current, int *latest)
{
    *current = 0;
    *latest = migrate_latest();
    if (migrate_current(d, current) != 0 || *current != *latest)
        return SEAM_ECONFLICT;
    return 0;
}
