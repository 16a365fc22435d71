/*
 * measures/scope.c - what the measures share: the scope and period of a
 * request, the trust's services as rows of counts, lists of values and
 * their centiles, and the shape of the answer.
 */
#include "app/measures/measures.h"
#include "app/figures.h"
#include "common/rc.h"
#include "core/waits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int app__measures_scope(app_ctx *ctx, const app_measures_args *a, const char *what, measures_scope *m)
{
    const char *role = ctx->user.role;
    const char *trust = a->trust && *a->trust ? a->trust : NULL;
    if (app_role_is_trust(role)) {
        if (trust && strcmp(trust, ctx->user.org_code) != 0)
            return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "trust", "Your measures are your own trust's.");
        trust = ctx->user.org_code;
    } else if (strcmp(role, "icb_analyst") == 0 || strcmp(role, "admin") == 0) {
        if (trust == NULL)
            return app_fail(ctx, SEAM_EINVALID, "missing_field", "trust", "Select a trust (trust=ODS code).");
    } else {
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                        "%s measures are for trust staff, interface leads and the ICB.", what);
    }
    seam_time from, to;
    if (a->to && *a->to) {
        if (seam_time_parse(a->to, &to) != 0)
            return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "to", "to must be a date such as 2026-11-30.");
        if (strlen(a->to) == 10)
            to += 86400; /* a date means the whole day */
    } else {
        to = (seam_time_day(ctx->now) + 1) * 86400; /* the end of today */
    }
    if (a->from && *a->from) {
        if (seam_time_parse(a->from, &from) != 0)
            return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "from", "from must be a date such as 2026-01-01.");
    } else {
        from = to - 365 * 86400LL;
    }
    if (to <= from)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "from", "from must be before to.");
    seam_time_format(from, m->from_s);
    seam_time_format(to, m->to_s);
    /* Shown as dates: the first and the last day counted. */
    seam_date_format(from, m->from_d);
    seam_date_format(to - 1, m->to_d);

    db_rows *r;
    db_param tp[] = {DBP_TEXT(trust), DBP_TEXT(ctx->user.icb_code), DBP_TEXT(role)};
    int rc = db_query(ctx->db,
                      "SELECT o.code, o.name FROM organisations o WHERE o.code = $1 AND o.kind = 'trust'"
                      " AND ($3 <> 'icb_analyst' OR o.icb_code = $2)",
                      3, tp, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "trust", "There is no trust %s in your ICB.", trust);
    }
    snprintf(m->trust, sizeof(m->trust), "%s", db_get(r, 0, 0));
    m->trust_json = json_pack("{s:s,s:s}", "code", db_get(r, 0, 0), "name", db_get(r, 0, 1));
    db_rows_free(r);
    return 0;
}

int measures__values_add(measures_values *v, double x)
{
    if (v->n == v->cap) {
        size_t ncap = v->cap ? v->cap * 2 : 64;
        double *nv = realloc(v->v, ncap * sizeof(double));
        if (nv == NULL)
            return SEAM_ENOMEM;
        v->v = nv;
        v->cap = ncap;
    }
    v->v[v->n++] = x;
    return 0;
}

int measures__values_row(void *arg, const db_cursor *c)
{
    return measures__values_add(arg, (double)db_cur_int(c, 0));
}

json_t *measures__values_centile(measures_values *v, double p, double unit)
{
    if (v->n == 0)
        return json_null();
    qsort(v->v, v->n, sizeof(double), fig_cmp_double);
    return json_real(fig_round1(waits_centile(v->v, v->n, p) / unit));
}

void measures__values_free(measures_values *v)
{
    free(v->v);
    v->v = NULL;
    v->n = v->cap = 0;
}

int measures__services(app_ctx *ctx, const char *trust, size_t size, void **rows, int *n)
{
    db_rows *r;
    db_param sp[] = {DBP_TEXT(trust)};
    int rc = db_query(ctx->db, "SELECT id, name FROM services WHERE trust_code = $1 ORDER BY name", 1, sp, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    *n = db_nrows(r);
    char *all = calloc((size_t)*n + 1, size);
    for (int i = 0; all && i < *n; i++) {
        measures_service *s = (measures_service *)(all + (size_t)i * size);
        s->id = db_geti(r, i, 0);
        snprintf(s->name, sizeof(s->name), "%s", db_get(r, i, 1));
    }
    db_rows_free(r);
    if (all == NULL)
        return app_fail(ctx, SEAM_ENOMEM, NULL, NULL, "Out of memory.");
    *rows = all;
    return 0;
}

void *measures__service_find(void *rows, int n, size_t size, long long id)
{
    for (int i = 0; i < n; i++) {
        measures_service *s = (measures_service *)((char *)rows + (size_t)i * size);
        if (s->id == id)
            return s;
    }
    return NULL;
}

json_t *measures__row_object(const measures_service *s, int with_service)
{
    json_t *o = json_object();
    if (with_service)
        json_object_set_new(o, "service", json_pack("{s:I,s:s}", "id", (json_int_t)s->id, "name", s->name));
    return o;
}

json_t *measures__report(measures_scope *m, json_t *services, json_t *total)
{
    json_t *o = json_pack("{s:o,s:s,s:s,s:o,s:o}", "trust", m->trust_json, "from", m->from_d, "to", m->to_d, "services",
                          services, "total", total);
    m->trust_json = NULL;
    return o;
}
