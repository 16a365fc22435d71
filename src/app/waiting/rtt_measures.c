/*
 * waiting/rtt_measures.c - GET /measures/rtt: % over 18 weeks and median
 * wait by group (the RTT and inequality measures); as CSV in rtt_csv.c.
 */
#include "app/waiting/waiting_internal.h"
#include "app/figures.h"
#include "app/frame/frame.h"
#include "app/waiting/rtt_periods.h"
#include "common/rc.h"
#include "core/equity.h"
#include "core/waits.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DAYS 1500 /* waits beyond ~4 years share the last bucket */

#define MAX_AGE_DAYS 45000 /* about 123 years */

/* The measures' one pass: each row gives its clock start and a key, the
 * group index (SQL computes it for text attributes, so the pass does no
 * string work), an IMD decile mapped through imd_map, or a birth day
 * whose age band is memoised by age in days. */
typedef struct rtt_hist {
    eq_dim dim;
    int64_t census;
    int ngroups;
    signed char imd_map[11];
    signed char first[256];       /* text attributes: group by first letter, then checked */
    signed char *age_memo;        /* MAX_AGE_DAYS entries, -1 = not yet known */
    long long (*n)[MAX_DAYS + 1]; /* n[group][days waited] */
} rtt_hist;

static int hist_row(void *arg, const db_cursor *c)
{
    rtt_hist *h = arg;
    int64_t days = h->census - db_cur_int(c, 0);
    if (days < 0)
        return 0; /* a clock starting after the census date is not yet waiting */
    if (days > MAX_DAYS)
        days = MAX_DAYS;
    int g = h->ngroups - 1;
    if (!db_cur_isnull(c, 1)) {
        long long k = db_cur_int(c, 1);
        if (h->dim == EQ_IMD_DECILE || h->dim == EQ_IMD_QUINTILE) {
            g = k >= 0 && k <= 10 ? h->imd_map[k] : h->ngroups - 1;
        } else if (h->dim == EQ_AGE_BAND) {
            int64_t age = h->census - k;
            if (age >= 0 && age < MAX_AGE_DAYS) {
                if (h->age_memo[age] < 0)
                    h->age_memo[age] = (signed char)eq_group_of(EQ_AGE_BAND, 0, NULL, NULL, k, h->census);
                g = h->age_memo[age];
            } else {
                g = eq_group_of(EQ_AGE_BAND, 0, NULL, NULL, k, h->census);
            }
        } else {
            const char *t = db_cur_text(c, 1);
            int f = h->first[(unsigned char)t[0]];
            if (f >= 0 && strcmp(t, eq_group_code(h->dim, f)) == 0)
                g = f;
            else if (f == -2)
                for (int j = 0; j + 1 < h->ngroups; j++)
                    if (strcmp(t, eq_group_code(h->dim, j)) == 0) {
                        g = j;
                        break;
                    }
        }
    }
    if (g < 0 || g >= h->ngroups)
        g = h->ngroups - 1;
    h->n[g][days]++;
    return 0;
}

/* The column giving a row's key for dim (see rtt_hist). */
static const char *hist_key_column(eq_dim dim)
{
    switch (dim) {
    case EQ_IMD_DECILE:
    case EQ_IMD_QUINTILE: return "pw.imd_decile";
    case EQ_AGE_BAND: return "pw.birth_day";
    case EQ_ETHNICITY: return "pw.ethnic_group";
    default: return "pw.sex";
    }
}

/* The figures of one histogram row as JSON fields set on o. */
static void hist_stats(const long long *n, json_t *o)
{
    waits_summary s;
    waits_summarise(n, MAX_DAYS + 1, &s);
    json_object_set_new(o, "waiting", json_integer(s.waiting));
    json_object_set_new(o, "over_18_weeks", json_integer(s.over_standard));
    json_object_set_new(o, "pct_over_18_weeks", fig_pct(s.over_standard, s.waiting));
    json_object_set_new(o, "median_weeks",
                        s.median_days < 0 ? json_null() : json_real(fig_round1(s.median_days / 7.0)));
    json_object_set_new(o, "over_52_weeks", json_integer(s.over_long));
    json_object_set_new(o, "pct_over_52_weeks", fig_pct(s.over_long, s.waiting));
}

/* The scope of an RTT measures request: its kind ("national",
 * "practice", "trust", "icb", "service"), code and name, and the filter
 * it adds to the pathways (w, "AND ..." clauses). */
typedef struct rtt_scope {
    const char *kind, *code;
    char name[200];
    sqlb w;
} rtt_scope;

/* Picks the scope's kind and code from the arguments (one at most) or,
 * with none, the caller's own organisation (England for the ICB and
 * admin).  0, or an app error. */
static int scope_pick(app_ctx *ctx, const app_rtt_args *a, rtt_scope *s)
{
    const char *role = ctx->user.role;
    int nscopes = (a->trust && *a->trust) + (a->service > 0) + (a->practice && *a->practice) + (a->icb && *a->icb);
    if (nscopes > 1)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", NULL,
                        "Choose one scope: trust, service, practice or icb (or none for England).");
    int analyst = strcmp(role, "icb_analyst") == 0, admin = strcmp(role, "admin") == 0;
    if (!app_role_is_practice(role) && !app_role_is_trust(role) && !analyst && !admin)
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                        "Waiting-list measures are for practices, trusts and the ICB.");
    s->kind = "national";
    s->code = NULL;
    snprintf(s->name, sizeof(s->name), "England");
    if (nscopes == 0) {
        if (app_role_is_practice(role) || app_role_is_trust(role)) {
            s->kind = app_role_is_practice(role) ? "practice" : "trust";
            s->code = ctx->user.org_code;
        }
    } else if (a->trust && *a->trust) {
        s->kind = "trust";
        s->code = a->trust;
    } else if (a->practice && *a->practice) {
        s->kind = "practice";
        s->code = a->practice;
    } else if (a->icb && *a->icb) {
        s->kind = "icb";
        s->code = a->icb;
    } else {
        s->kind = "service";
    }
    return 0;
}

/* A service scope: the service must exist and, for trust staff, be their
 * trust's; practices cannot measure a service. */
static int scope_service(app_ctx *ctx, long long service, rtt_scope *s)
{
    const char *role = ctx->user.role;
    db_rows *r;
    db_param sp[] = {DBP_INT(service)};
    int rc = db_query(ctx->db,
                      "SELECT s.name, s.trust_code, o.name, o.icb_code FROM services s JOIN organisations o"
                      " ON o.code = s.trust_code WHERE s.id = $1",
                      1, sp, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0 || (app_role_is_trust(role) && strcmp(db_get(r, 0, 1), ctx->user.org_code) != 0) ||
        app_role_is_practice(role)) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "service", "There is no service %lld you can measure.",
                        service);
    }
    snprintf(s->name, sizeof(s->name), "%s, %s", db_get(r, 0, 0), db_get(r, 0, 2));
    db_rows_free(r);
    sqlb_add(&s->w, " AND pw.service_id = $?");
    sqlb_param(&s->w, DBP_INT(service));
    return 0;
}

/* An organisation scope (practice, trust, icb): it must exist and be the
 * caller's own (practice and trust staff) or of the caller's ICB (an
 * analyst, for a practice or an ICB). */
static int scope_org(app_ctx *ctx, rtt_scope *s)
{
    const char *role = ctx->user.role, *kind = s->kind, *code = s->code;
    char icb_of[16] = "";
    db_rows *r;
    db_param op[] = {DBP_TEXT(code), DBP_TEXT(kind)};
    int rc = db_query(ctx->db, "SELECT name, icb_code FROM organisations WHERE code = $1 AND kind = $2", 2, op, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    int ok = db_nrows(r) > 0;
    if (ok) {
        snprintf(s->name, sizeof(s->name), "%s", db_get(r, 0, 0));
        snprintf(icb_of, sizeof(icb_of), "%s", db_get(r, 0, 1));
    }
    db_rows_free(r);
    if (ok && app_role_is_practice(role))
        ok = strcmp(kind, "practice") == 0 && strcmp(code, ctx->user.org_code) == 0;
    if (ok && app_role_is_trust(role))
        ok = strcmp(kind, "trust") == 0 && strcmp(code, ctx->user.org_code) == 0;
    if (ok && strcmp(role, "icb_analyst") == 0 && strcmp(kind, "trust") != 0)
        ok = strcmp(strcmp(kind, "icb") == 0 ? code : icb_of, ctx->user.icb_code) == 0;
    if (!ok)
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", kind, "There is no %s %s you can measure.", kind, code);
    if (strcmp(kind, "trust") == 0)
        sqlb_add(&s->w, " AND pw.trust_code = $?");
    else if (strcmp(kind, "icb") == 0)
        sqlb_add(&s->w, " AND pw.icb_code = $?");
    else
        sqlb_add(&s->w, " AND pp.practice_code = $?");
    sqlb_param(&s->w, DBP_TEXT(code));
    return 0;
}

/* Resolves the scope of a, checked against the caller. */
static int scope_resolve(app_ctx *ctx, const app_rtt_args *a, rtt_scope *s)
{
    sqlb_init(&s->w);
    int rc = scope_pick(ctx, a, s);
    if (rc)
        return rc;
    if (strcmp(s->kind, "service") == 0)
        return scope_service(ctx, a->service, s);
    if (strcmp(s->kind, "national") != 0)
        return scope_org(ctx, s);
    return 0;
}

/* The scope as JSON: {"kind", "code", "name"} (a service's code is its
 * id). */
static json_t *scope_json(const rtt_scope *s, long long service)
{
    json_t *o = json_pack("{s:s,s:o,s:s}", "kind", s->kind, "code", app__str_or_null(s->code), "name", s->name);
    if (strcmp(s->kind, "service") == 0)
        json_object_set_new(o, "code", json_integer(service));
    return o;
}

/* An empty histogram of dim's groups at census; 0 or SEAM_ENOMEM. */
static int hist_init(rtt_hist *h, eq_dim dim, int64_t census)
{
    *h = (rtt_hist){dim, census, eq_groups(dim), {0}, {0}, NULL, NULL};
    for (int d = 0; d <= 10; d++)
        h->imd_map[d] = (signed char)eq_group_of(dim, d, NULL, NULL, INT64_MIN, census);
    memset(h->first, -1, sizeof(h->first));
    if (dim == EQ_ETHNICITY || dim == EQ_SEX)
        for (int g = 0; g + 1 < h->ngroups; g++) {
            unsigned char f = (unsigned char)eq_group_code(dim, g)[0];
            /* two codes sharing a first letter would both go the slow way */
            h->first[f] = h->first[f] == -1 ? (signed char)g : (signed char)-2;
        }
    h->n = calloc((size_t)h->ngroups, sizeof(*h->n));
    h->age_memo = malloc(MAX_AGE_DAYS);
    if (h->n == NULL || h->age_memo == NULL) {
        free(h->n);
        free(h->age_memo);
        return SEAM_ENOMEM;
    }
    memset(h->age_memo, -1, MAX_AGE_DAYS);
    return 0;
}

/* Fills h from the pathways of scope s waiting on h's census.  A
 * practice's patients first (see app_waiting_list); otherwise the
 * scope's own index, or for England the covering pathways_measures.  0 or
 * an app error. */
static int hist_fill(app_ctx *ctx, const rtt_scope *s, rtt_hist *h)
{
    char head[600];
    const char *key = hist_key_column(h->dim);
    int practice = strcmp(s->kind, "practice") == 0;
    if (h->census < seam_time_day(ctx->now)) {
        /* A past census: the list as it stood (as GET /waiting-list). */
        char pred[300];
        app__period_waiting_sql(pred, sizeof(pred), h->census);
        if (practice)
            snprintf(head, sizeof(head),
                     "SELECT rp.start_day, %s FROM patients pp JOIN pathways pw ON pw.patient_nhs_number ="
                     " pp.nhs_number JOIN rtt_periods rp ON %s WHERE 1 = 1",
                     key, pred);
        else
            snprintf(head, sizeof(head),
                     "SELECT rp.start_day, %s FROM pathways pw JOIN rtt_periods rp ON %s WHERE 1 = 1", key, pred);
    } else if (practice)
        snprintf(head, sizeof(head),
                 "SELECT pw.clock_start_day, %s FROM patients pp JOIN pathways pw ON pw.patient_nhs_number ="
                 " pp.nhs_number WHERE +pw.open = 1",
                 key);
    else
        snprintf(head, sizeof(head), "SELECT pw.clock_start_day, %s FROM pathways pw WHERE pw.open = 1", key);
    sqlb q;
    sqlb_init(&q);
    sqlb_add(&q, head);
    sqlb_append(&q, &s->w);
    if (q.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    int rc = db_scan(ctx->db, q.sql, q.n, q.p, hist_row, h);
    return rc ? app_db_fail(ctx, rc) : 0;
}

/* The groups of h as a JSON array, and their total in *total; 0 or
 * SEAM_ENOMEM. */
static int hist_groups(const rtt_hist *h, json_t **groups, json_t **total)
{
    long long *all = calloc(MAX_DAYS + 1, sizeof(long long));
    if (all == NULL)
        return SEAM_ENOMEM;
    *groups = json_array();
    for (int g = 0; g < h->ngroups; g++) {
        json_t *o = json_pack("{s:s,s:s}", "group", eq_group_code(h->dim, g), "label", eq_group_label(h->dim, g));
        hist_stats(h->n[g], o);
        json_array_append_new(*groups, o);
        for (int d = 0; d <= MAX_DAYS; d++)
            all[d] += h->n[g][d];
    }
    *total = json_object();
    hist_stats(all, *total);
    free(all);
    return 0;
}

/* The field f of a and b, two groups: a - b to one decimal, or null when
 * either has none. */
static json_t *gap_of(json_t *a, json_t *b, const char *f)
{
    json_t *x = json_object_get(a, f), *y = json_object_get(b, f);
    return json_is_real(x) && json_is_real(y) ? json_real(fig_round1(json_real_value(x) - json_real_value(y)))
                                              : json_null();
}

/* The deprivation gap, for the IMD dimensions: most deprived (group 0)
 * minus least deprived (the last before "unknown"); null otherwise. */
static json_t *gap_json(eq_dim dim, json_t *groups)
{
    if (dim != EQ_IMD_DECILE && dim != EQ_IMD_QUINTILE)
        return json_null();
    int least = eq_groups(dim) - 2;
    json_t *most_g = json_array_get(groups, 0), *least_g = json_array_get(groups, (size_t)least);
    return json_pack("{s:s,s:s,s:o,s:o}", "most_deprived", eq_group_code(dim, 0), "least_deprived",
                     eq_group_code(dim, least), "pct_over_18_weeks", gap_of(most_g, least_g, "pct_over_18_weeks"),
                     "median_weeks", gap_of(most_g, least_g, "median_weeks"));
}

int app_measures_rtt(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_rtt_args *a = arg;
    int64_t census;
    int rc = waiting__census(ctx, a->census, &census);
    if (rc)
        return rc;
    eq_dim dim = EQ_IMD_DECILE;
    if (a->by && *a->by && eq_dim_parse(a->by, &dim) != 0)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "by",
                        "by must be imd_decile, imd_quintile, ethnicity, age_band or sex.");
    rtt_scope s;
    if ((rc = scope_resolve(ctx, a, &s)))
        return rc;
    rtt_hist h;
    if (hist_init(&h, dim, census) != 0)
        return app_fail(ctx, SEAM_ENOMEM, NULL, NULL, "Out of memory.");
    rc = hist_fill(ctx, &s, &h);
    free(h.age_memo);
    json_t *groups = NULL, *total = NULL;
    if (rc == 0 && hist_groups(&h, &groups, &total) != 0)
        rc = app_fail(ctx, SEAM_ENOMEM, NULL, NULL, "Out of memory.");
    free(h.n);
    if (rc)
        return rc;
    char cd[SEAM_DATE_LEN];
    waiting__day_format(census, cd);
    *out = json_pack("{s:o,s:s,s:s,s:o,s:o,s:o}", "scope", scope_json(&s, a->service), "census_date", cd, "by",
                     eq_dim_name(dim), "total", total, "groups", groups, "gap", gap_json(dim, groups));
    return 0;
}
