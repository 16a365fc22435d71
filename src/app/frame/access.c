/*
 * access.c - who holds an object, and links between objects (access.h).
 */
#include "app/frame/access.h"
#include "common/rc.h"
#include "core/nhs_number.h"

#include <stdio.h>
#include <string.h>

int app__serves(const app_ctx *ctx, long long service)
{
    return scope_allows(ctx->user.role, &ctx->user.services, service);
}

void app__service_scope(const app_ctx *ctx, sqlb *b, const char *service_column)
{
    const scope_set *s = &ctx->user.services;
    if (service_column == NULL || !scope_role_is_service_bound(ctx->user.role))
        return;
    if (s->n == 0) {
        sqlb_add(b, " AND 1 = 0");
        return;
    }
    /* Service ids are integers read from the database: written inline, so
     * a member of many services needs no more parameters than one. */
    char list[SCOPE_MAX_SERVICES * 22 + 8];
    size_t len = 0;
    for (int i = 0; i < s->n && len < sizeof(list); i++) {
        int w = snprintf(list + len, sizeof(list) - len, "%s%lld", i ? ", " : "", s->ids[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    /* Each ';'-separated expression in turn: the row is in scope when any is one of the services. */
    sqlb_add(b, " AND (");
    for (const char *e = service_column; *e;) {
        size_t n = strcspn(e, ";");
        char expr[512];
        snprintf(expr, sizeof(expr), "%.*s", (int)(n < sizeof(expr) - 1 ? n : sizeof(expr) - 1), e);
        if (n >= sizeof(expr))
            b->overflow = 1; /* never cut an expression short */
        sqlb_add(b, e == service_column ? "(" : " OR (");
        /* {{SERVICES}} in an expression is the list too (a subquery's own filter). */
        char *at = strstr(expr, "{{SERVICES}}");
        if (at) {
            *at = '\0';
            sqlb_add(b, expr);
            sqlb_add(b, list);
            sqlb_add(b, at + strlen("{{SERVICES}}"));
        } else {
            sqlb_add(b, expr);
        }
        if (strstr(expr, "$?") || (at && strstr(at + 1, "$?")))
            sqlb_param(b, DBP_TEXT(ctx->user.org_code));
        sqlb_add(b, ") IN (");
        sqlb_add(b, list);
        sqlb_add(b, ")");
        e += n;
        if (*e == ';')
            e++;
    }
    sqlb_add(b, ")");
}

int app__holds(const app_ctx *ctx, const char *trust, const char *practice, long long service)
{
    const char *role = ctx->user.role;
    if (app_role_is_trust(role))
        return trust != NULL && strcmp(trust, ctx->user.org_code) == 0 && app__serves(ctx, service);
    if (app_role_is_practice(role))
        return practice != NULL && strcmp(practice, ctx->user.org_code) == 0;
    return strcmp(role, "admin") == 0 || strcmp(role, "system") == 0;
}

int app__held_or_fail(app_ctx *ctx, const char *trust, const char *practice, long long service, const char *what,
                      long long id)
{
    if (app__holds(ctx, trust, practice, service))
        return 0;
    /* Another service's work at the caller's own trust that they may see
     * (an onward referral their service made) is not theirs to act on. */
    if (app_role_is_trust(ctx->user.role) && trust != NULL && strcmp(trust, ctx->user.org_code) == 0)
        return app_fail(ctx, SEAM_EFORBIDDEN, "not_held", NULL,
                        "This %s (%lld) is held by another service: you can see it, but only the staff of the service"
                        " holding it can act on it.",
                        what, id);
    /* Roles that act on nothing (patients, ICB analysts) are refused for their role, as before. */
    if (!app_role_is_trust(ctx->user.role) && !app_role_is_practice(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Your role (%s) cannot act on this %s.",
                        ctx->user.role, what);
    if (app_role_is_trust(ctx->user.role) && trust != NULL)
        return app_fail(ctx, SEAM_EFORBIDDEN, "not_held", NULL,
                        "This %s (%lld) is held by another trust (%s): you can see it, but only the trust holding it"
                        " can act on it.",
                        what, id, trust);
    return app_fail(ctx, SEAM_EFORBIDDEN, "not_held", NULL,
                    "This %s (%lld) is not held by your organisation: you can see it, but you cannot act on it.", what,
                    id);
}

int app__link_or_fail(app_ctx *ctx, app_link_kind kind, long long id, const char *nhs, const char *field, char *nhs_out)
{
    static const struct {
        const char *table, *name;
    } kinds[] = {
        [APP_LINK_REFERRAL] = {"referrals", "referral"},
        [APP_LINK_LETTER] = {"letters", "letter"},
        [APP_LINK_ORDER] = {"result_orders", "test order"},
    };
    if ((unsigned)kind >= sizeof(kinds) / sizeof(kinds[0]))
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Unknown link kind %d.", (int)kind);
    /* Every linked table names its patient and its service. */
    char sql[320];
    snprintf(sql, sizeof(sql),
             "SELECT x.patient_nhs_number, s.trust_code, p.practice_code, s.id FROM %s x"
             " JOIN services s ON s.id = x.service_id JOIN patients p ON p.nhs_number = x.patient_nhs_number"
             " WHERE x.id = $1",
             kinds[kind].table);
    db_rows *r;
    db_param p[] = {DBP_INT(id)};
    int rc = db_query(ctx->db, sql, 1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    int ok = db_nrows(r) == 1 && (nhs == NULL || nhs[0] == '\0' || strcmp(db_get(r, 0, 0), nhs) == 0) &&
             app__holds(ctx, db_get(r, 0, 1), db_get(r, 0, 2), db_geti(r, 0, 3));
    if (ok && nhs_out)
        snprintf(nhs_out, NHS_NUMBER_LEN, "%s", db_get(r, 0, 0));
    db_rows_free(r);
    if (!ok)
        return app_fail(ctx, SEAM_EINVALID, "invalid_link", field,
                        "There is no %s %lld of this patient that your organisation holds: link only to the"
                        " patient's own %s at your organisation.",
                        kinds[kind].name, id, kinds[kind].name);
    return 0;
}

void app__visibility(app_ctx *ctx, sqlb *b, const char *trust_clause, const char *icb_column,
                     const char *service_column)
{
    const char *role = ctx->user.role;
    if (app_role_is_practice(role)) {
        sqlb_add(b, " AND p.practice_code = $?");
        sqlb_param(b, DBP_TEXT(ctx->user.org_code));
    } else if (app_role_is_trust(role)) {
        /* Every "$?" in one sqlb_add takes the same number: one parameter. */
        sqlb_add(b, trust_clause);
        sqlb_param(b, DBP_TEXT(ctx->user.org_code));
        app__service_scope(ctx, b, service_column);
    } else if (strcmp(role, "patient") == 0) {
        sqlb_add(b, " AND p.nhs_number = $?");
        sqlb_param(b, DBP_TEXT(ctx->user.nhs_number));
    } else if (strcmp(role, "icb_analyst") == 0) {
        sqlb_add(b, " AND ");
        sqlb_add(b, icb_column);
        sqlb_add(b, " = $?");
        sqlb_param(b, DBP_TEXT(ctx->user.icb_code));
    } else if (strcmp(role, "admin") == 0 || strcmp(role, "system") == 0) {
        /* sees everything; every read is audited */
    } else {
        sqlb_add(b, " AND 1 = 0");
    }
}
