/*
 * frame/user.c - who is calling: loading a user with their organisation
 * and services, the system actor, and the role families.
 */
#include "app/app.h"
#include "common/rc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
