/*
 * demo.c - the demo ICB.  Deterministic for a given seed and "now".  This
 * file is the driver (gen_demo: a table of steps), the fixed organisations
 * and services, the random stream and the helpers that act as a persona;
 * demo_internal.h names the other files.
 */
#include "app/app.h"
#include "app/care/care.h"
#include "common/rc.h"
#include "core/calendar.h"
#include "gen/demo_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const demo_trust demo__trusts[N_TRUSTS] = {
    {"RZA", "Northgate Hospitals NHS Foundation Trust", "01632 960100"},
    {"RZB", "Southmere University Hospitals NHS Trust", "01632 960200"},
};

const demo_service demo__services[N_SERVICES] = {
    {"Cardiology", "cardiology", "320"},
    {"Dermatology", "dermatology", "330"},
    {"Gastroenterology", "gastroenterology", "301"},
    {"General Surgery", "general-surgery", "100"},
    {"Rheumatology", "rheumatology", "410"},
    {"Trauma and Orthopaedics", "orthopaedics", "110"},
    {"Urology", "urology", "101"},
    {"Respiratory Medicine", "respiratory", "340"},
};

const demo_practice demo__practices[N_PRACTICES] = {
    {"Z00001", "Riverside Surgery", "SE1 7AA", 3},           {"Z00002", "Hillview Medical Centre", "SE9 2BB", 7},
    {"Z00003", "Canal Street Practice", "SE8 3CC", 2},       {"Z00004", "Oakwood Family Practice", "BR3 4DD", 8},
    {"Z00005", "Market Square Health Centre", "SE6 5EE", 4}, {"Z00006", "Parkside Group Practice", "SE13 6FF", 5},
    {"Z00007", "The Old Mill Surgery", "BR1 7GG", 9},        {"Z00008", "Eastgate Medical Practice", "SE14 8HH", 2},
    {"Z00009", "Station Road Surgery", "SE4 9JJ", 6},        {"Z00010", "Meadowbank Health", "BR2 1KK", 8},
    {"Z00011", "Northfields Medical Centre", "SE10 2LL", 3}, {"Z00012", "Greenway Practice", "SE12 3MM", 5},
};

const char *const demo__reasons[N_SERVICES][3] = {
    {"Exertional chest pain", "Palpitations with presyncope", "New murmur, breathless on exertion"},
    {"Changing pigmented lesion", "Severe eczema not controlled", "Psoriasis, failed topical therapy"},
    {"Iron deficiency anaemia", "Change in bowel habit over 6 weeks", "Dysphagia to solids"},
    {"Symptomatic inguinal hernia", "Gallstones with recurrent pain", "Breast lump"},
    {"Inflammatory arthritis, raised CRP", "Suspected polymyalgia", "Possible connective tissue disease"},
    {"Knee osteoarthritis, failed conservative care", "Hip pain limiting mobility", "Shoulder impingement"},
    {"Raised PSA", "Visible haematuria", "Recurrent UTI in men"},
    {"Persistent cough and weight loss", "Poorly controlled asthma", "Suspected COPD, spirometry abnormal"},
};

/* xorshift64*: deterministic and good enough for synthetic data. */
static unsigned long long rng_state;

void demo__seed(unsigned long long seed)
{
    rng_state = seed;
}

static unsigned long long rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}
int demo__rnd_int(int lo, int hi)
{
    return lo + (int)(rnd() % (unsigned long long)(hi - lo + 1));
}
int demo__chance(int percent)
{
    return demo__rnd_int(1, 100) <= percent;
}

/* Loads a user into ctx or fails loudly (a generator bug). */
int demo__act_as(app_ctx *ctx, const char *username)
{
    int rc = app_user_load(ctx->db, username, &ctx->user);
    if (rc)
        fprintf(stderr, "seam demo: no user %s\n", username);
    return rc;
}

/* A time on a working day between 08:00 and 18:00. */
seam_time demo__working_time(seam_time day_start)
{
    seam_time t = cal_add_working_days(seam_time_day(day_start) * 86400, 0);
    return t + 8 * 3600 + demo__rnd_int(0, 10 * 3600 - 1);
}

seam_time demo__after_working_days(seam_time t, int n)
{
    return demo__working_time(cal_add_working_days(t, n));
}

int demo__run(app_ctx *ctx, app_fn fn, const void *arg, json_t **out)
{
    ctx->err_code[0] = '\0';
    int rc = app_run(ctx, fn, arg, out);
    if (rc)
        fprintf(stderr, "seam demo: %s: %s\n", ctx->err_code, ctx->err_msg);
    return rc;
}

int demo__act(app_ctx *ctx, const char *user, long long id, const char *action, json_t *body)
{
    int rc = demo__act_as(ctx, user);
    if (rc == 0) {
        app_id_body a = {id, action, body};
        json_t *out = NULL;
        rc = demo__run(ctx, app_referral_act, &a, &out);
        json_decref(out);
    }
    json_decref(body);
    return rc;
}

int demo__run_as(app_ctx *ctx, const char *user, app_fn fn, const void *arg, json_t **out)
{
    int rc = demo__act_as(ctx, user);
    return rc ? rc : demo__run(ctx, fn, arg, out);
}

void demo__gp_of(int practice, char gp[32])
{
    snprintf(gp, 32, "%s", practice == 0 ? "gp.patel" : practice == 1 ? "gp.okafor" : "");
    if (!gp[0])
        snprintf(gp, 32, "gp.%s", demo__practices[practice].code);
    for (char *c = gp; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
}

void demo__booking_of(const svc_row *svc, char booking[32])
{
    snprintf(booking, 32, "booking.%s", svc->trust == 0 ? "rza" : "rzb");
}

/* Twelve months of referrals through the real use cases. */
static int simulate_referrals(demo_state *st)
{
    int rc = 0;
    for (int i = 0; rc == 0 && i < st->opt->referrals; i++) {
        /* The patient persona always has referrals to show. */
        int pi = i < 3 ? 0 : demo__rnd_int(0, st->opt->patients - 1);
        int si = i < 3 ? i * 3 % st->n_svcs : demo__rnd_int(0, st->n_svcs - 1);
        rc = demo__referral(&st->ctx, st->opt, st->nhs_list[pi], st->patient_practice[pi], st->svcs, st->n_svcs, si);
        if (st->log && (i + 1) % 1000 == 0)
            fprintf(st->log, "seam demo: %d referrals\n", i + 1);
    }
    return rc;
}

/* Advice and guidance: about one request for every six referrals. */
static int simulate_advice(demo_state *st)
{
    int rc = 0;
    for (int i = 0; rc == 0 && i < st->opt->referrals / 6; i++) {
        int pi = i < 2 ? 0 : demo__rnd_int(0, st->opt->patients - 1);
        rc = demo__advice(&st->ctx, st->opt, st->nhs_list[pi], st->patient_practice[pi],
                          &st->svcs[i < 2 ? 0 : demo__rnd_int(0, st->n_svcs - 1)]);
    }
    return rc;
}

/* Escalates whatever is overdue today. */
static int run_failsafe(demo_state *st)
{
    st->ctx.now = st->opt->now;
    app_user_system(&st->ctx.user);
    json_t *out = NULL;
    int rc = app_run(&st->ctx, app_failsafe, NULL, &out);
    if (rc == 0 && st->log)
        fprintf(st->log, "seam demo: failsafe escalated %zu overdue task(s)\n",
                json_array_size(json_object_get(out, "escalated")));
    json_decref(out);
    return rc;
}

/* One line of counts by status, e.g. of referrals. */
static void log_by_status(db *d, FILE *log, const char *what, const char *sql)
{
    db_rows *r;
    if (db_query(d, sql, 0, NULL, &r) != 0)
        return;
    fprintf(log, "seam demo: %s by status:", what);
    for (int i = 0; i < db_nrows(r); i++)
        fprintf(log, " %s %s;", db_get(r, i, 0), db_get(r, i, 1));
    fprintf(log, "\n");
    db_rows_free(r);
}

/* The steps of the demo, in order; the first failure ends it. */
static const struct {
    int (*run)(demo_state *st);
} steps[] = {{demo__people}, {simulate_referrals}, {simulate_advice}};

int gen_demo(db *d, const gen_options *opt, FILE *log)
{
    int rc = gen__require_empty(d, "the database already has data; give a new file to seam demo");
    if (rc)
        return rc;
    demo__seed(opt->seed ? opt->seed : 0x5EA4ULL);
    /* Generation is replayable: trade durability for speed while it runs. */
    db_set_durable(d, 0);
    demo_state *st = calloc(1, sizeof(*st));
    if (st == NULL)
        return SEAM_ENOMEM;
    st->d = st->ctx.db = d;
    st->opt = opt;
    st->log = log;
    for (size_t i = 0; rc == 0 && i < sizeof(steps) / sizeof(steps[0]); i++)
        rc = steps[i].run(st);
    free(st->patient_practice);
    free(st->nhs_list);
    if (rc) {
        free(st);
        return rc;
    }
    rc = run_failsafe(st);
    free(st);
    if (rc == 0)
        rc = demo__ptl(d, opt, log);
    db_set_durable(d, 1);
    if (rc == 0 && log) {
        log_by_status(d, log, "referrals", "SELECT status, count(*) FROM referrals GROUP BY status ORDER BY status");
        log_by_status(d, log, "advice requests",
                      "SELECT status, count(*) FROM advice_requests GROUP BY status ORDER BY status");
    }
    return rc;
}

int gen_list_personas(db *d, FILE *out)
{
    db_rows *r;
    int rc = db_query(d, "SELECT username, role, org_code, display_name FROM users WHERE persona > 0 ORDER BY persona",
                      0, NULL, &r);
    if (rc)
        return rc;
    for (int i = 0; i < db_nrows(r); i++)
        fprintf(out, "%s\t%s\t%s\t%s\n", db_get(r, i, 0), db_get(r, i, 1), db_get(r, i, 2), db_get(r, i, 3));
    db_rows_free(r);
    return 0;
}
