/*
 * demo.c - the demo ICB.  Deterministic for a given seed and "now".
 */
#include "app/app.h"
#include "app/care.h"
#include "app/import/ptl.h"
#include "common/rc.h"
#include "core/calendar.h"
#include "core/equity.h"
#include "core/nhs_number.h"
#include "gen/gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ICB         "QZZ"
#define N_TRUSTS    2
#define N_SERVICES  8
#define N_PRACTICES 12

static const struct {
    const char *code, *name, *phone;
} trusts[N_TRUSTS] = {
    {"RZA", "Northgate Hospitals NHS Foundation Trust", "01632 960100"},
    {"RZB", "Southmere University Hospitals NHS Trust", "01632 960200"},
};

static const struct {
    const char *name, *slug, *tfc;
} services[N_SERVICES] = {
    {"Cardiology", "cardiology", "320"},
    {"Dermatology", "dermatology", "330"},
    {"Gastroenterology", "gastroenterology", "301"},
    {"General Surgery", "general-surgery", "100"},
    {"Rheumatology", "rheumatology", "410"},
    {"Trauma and Orthopaedics", "orthopaedics", "110"},
    {"Urology", "urology", "101"},
    {"Respiratory Medicine", "respiratory", "340"},
};

static const struct {
    const char *code, *name, *postcode;
    int imd_centre; /* typical deprivation decile of the list */
} practices[N_PRACTICES] = {
    {"Z00001", "Riverside Surgery", "SE1 7AA", 3},           {"Z00002", "Hillview Medical Centre", "SE9 2BB", 7},
    {"Z00003", "Canal Street Practice", "SE8 3CC", 2},       {"Z00004", "Oakwood Family Practice", "BR3 4DD", 8},
    {"Z00005", "Market Square Health Centre", "SE6 5EE", 4}, {"Z00006", "Parkside Group Practice", "SE13 6FF", 5},
    {"Z00007", "The Old Mill Surgery", "BR1 7GG", 9},        {"Z00008", "Eastgate Medical Practice", "SE14 8HH", 2},
    {"Z00009", "Station Road Surgery", "SE4 9JJ", 6},        {"Z00010", "Meadowbank Health", "BR2 1KK", 8},
    {"Z00011", "Northfields Medical Centre", "SE10 2LL", 3}, {"Z00012", "Greenway Practice", "SE12 3MM", 5},
};

static const char *const given_f[] = {"Olivia", "Amelia", "Aisha",   "Fatima",   "Grace",    "Chloe", "Priya",
                                      "Zainab", "Sophie", "Mary",    "Margaret", "Funmi",    "Mei",   "Hannah",
                                      "Ewa",    "Ruth",   "Jessica", "Nadia",    "Precious", "Irene"};
static const char *const given_m[] = {"Oliver",  "Mohammed", "George", "Arjun",   "Jack",  "Kwame", "Daniel",
                                      "Tomasz",  "Harry",    "Yusuf",  "David",   "John",  "Wei",   "Samuel",
                                      "Ibrahim", "Peter",    "Rahul",  "Michael", "Emeka", "Alan"};
static const char *const family[] = {
    "Smith",   "Jones",   "Patel", "Khan",     "Williams", "Brown",    "Taylor", "Ahmed",  "Okafor", "Nowak",
    "Wilson",  "Evans",   "Begum", "Thomas",   "Johnson",  "Roberts",  "Ali",    "Walker", "Wright", "Chen",
    "Mensah",  "Hussain", "Green", "Hall",     "Wood",     "Adeyemi",  "Clarke", "Singh",  "Murphy", "Hughes",
    "Edwards", "Kaur",    "Lewis", "Campbell", "Osei",     "Kowalski", "Shah",   "Baker",  "Morgan", "Young"};
static const char *const ethnicities[] = {"White",
                                          "Asian or Asian British",
                                          "Black, Black British, Caribbean or African",
                                          "Mixed or Multiple ethnic groups",
                                          "Other ethnic group",
                                          "Not stated"};

static const char *const reasons[N_SERVICES][3] = {
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
static unsigned long long rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}
static int rnd_int(int lo, int hi) /* inclusive */
{
    return lo + (int)(rnd() % (unsigned long long)(hi - lo + 1));
}
static int chance(int percent)
{
    return rnd_int(1, 100) <= percent;
}

static int exec(db *d, const char *sql, int n, const db_param *p)
{
    int rc = db_exec(d, sql, n, p);
    if (rc)
        fprintf(stderr, "seam demo: %s\n", db_errmsg(d));
    return rc;
}

static int add_org(db *d, const char *code, const char *name, const char *kind, const char *postcode, const char *phone)
{
    db_param p[] = {DBP_TEXT(code), DBP_TEXT(name), DBP_TEXT(kind), DBP_TEXT(ICB), DBP_TEXT(postcode), DBP_TEXT(phone)};
    return exec(d, "INSERT INTO organisations (code, name, kind, icb_code, postcode, phone) VALUES ($1,$2,$3,$4,$5,$6)",
                6, p);
}

/* Makes username a member of service, as the administrator would. */
static int add_membership(db *d, const char *username, long long service)
{
    db_param p[] = {DBP_TEXT(username), DBP_INT(service)};
    return exec(d, "INSERT INTO user_services (username, service_id, added_by) VALUES ($1, $2, 'seam demo')", 2, p);
}

static int add_user(db *d, const char *username, const char *name, const char *role, const char *org, long long service,
                    const char *nhs, int persona)
{
    db_param p[] = {
        DBP_TEXT(username), DBP_TEXT(name),  DBP_TEXT(role), DBP_TEXT(org), service ? DBP_INT(service) : DBP_NULL,
        DBP_TEXT(nhs),      DBP_INT(persona)};
    int rc = exec(d,
                  "INSERT INTO users (username, display_name, role, org_code, service_id, nhs_number, persona)"
                  " VALUES ($1,$2,$3,$4,$5,$6,$7)",
                  7, p);
    /* Triagers and clinicians work in their own service (user_services). */
    if (rc == 0 && service && scope_role_is_service_bound(role))
        rc = add_membership(d, username, service);
    return rc;
}

/* Loads a user into ctx or fails loudly (a generator bug). */
static int act_as(app_ctx *ctx, const char *username)
{
    int rc = app_user_load(ctx->db, username, &ctx->user);
    if (rc)
        fprintf(stderr, "seam demo: no user %s\n", username);
    return rc;
}

/* A time on a working day between 08:00 and 18:00. */
static seam_time working_time(seam_time day_start)
{
    seam_time t = cal_add_working_days(seam_time_day(day_start) * 86400, 0);
    return t + 8 * 3600 + rnd_int(0, 10 * 3600 - 1);
}

static seam_time after_working_days(seam_time t, int n)
{
    return working_time(cal_add_working_days(t, n));
}

static int run(app_ctx *ctx, app_fn fn, const void *arg, json_t **out)
{
    ctx->err_code[0] = '\0';
    int rc = app_run(ctx, fn, arg, out);
    if (rc)
        fprintf(stderr, "seam demo: %s: %s\n", ctx->err_code, ctx->err_msg);
    return rc;
}

static int act(app_ctx *ctx, const char *user, long long id, const char *action, json_t *body)
{
    int rc = act_as(ctx, user);
    if (rc == 0) {
        app_id_body a = {id, action, body};
        json_t *out = NULL;
        rc = run(ctx, app_referral_act, &a, &out);
        json_decref(out);
    }
    json_decref(body);
    return rc;
}

typedef struct svc_row {
    long long id;
    int trust;
    int spec;
    char triager[64], clinician[64];
} svc_row;

/* The clinic letter after an attendance: usually on time, sometimes late,
 * sometimes with an action asked of the GP, which the GP answers. */
static int write_letter(app_ctx *ctx, const gen_options *opt, const svc_row *svc, long long referral_id,
                        seam_time attended, const char *gp)
{
    seam_time now = opt->now;
    seam_time t = after_working_days(attended, chance(12) ? rnd_int(8, 16) : rnd_int(0, 6));
    if (t >= now)
        return 0;
    long long letter_id;
    db_param p[] = {DBP_INT(referral_id)};
    int rc = db_query_int(ctx->db,
                          "SELECT id FROM letters WHERE referral_id = $1 AND status = 'due' ORDER BY id DESC LIMIT 1",
                          1, p, 0, &letter_id);
    if (rc || letter_id == 0)
        return rc;
    ctx->now = t;
    if ((rc = act_as(ctx, svc->clinician)))
        return rc;
    int with_action = chance(30);
    json_t *body = json_pack("{s:s,s:s,s:s}", "diagnosis", reasons[svc->spec][rnd_int(0, 2)], "hospital_actions",
                             "Results reviewed in clinic; plan agreed with the patient. The clinic will arrange any"
                             " further tests it needs.",
                             "medication_changes", "No changes.");
    if (with_action)
        json_object_set_new(body, "gp_actions",
                            json_pack("[{s:s,s:s}]", "text", "Please recheck U&E in 2 weeks after the dose change.",
                                      "reason", "Monitoring of a long-term medicine the practice prescribes."));
    app_id_body a = {letter_id, "send", body};
    json_t *out = NULL;
    rc = run(ctx, app_letter_act, &a, &out);
    json_decref(out);
    json_decref(body);
    if (rc)
        return rc;
    t = after_working_days(t, chance(8) ? rnd_int(10, 20) : rnd_int(0, 5));
    if (t >= now)
        return 0;
    ctx->now = t;
    if ((rc = act_as(ctx, gp)))
        return rc;
    if (with_action) {
        int accept = chance(75);
        json_t *b = accept ? json_object()
                           : json_pack("{s:s}", "reason", "Monitoring belongs with the clinic that changed the dose.");
        app_gp_action ga = {letter_id, 1, accept ? "accept" : "decline", b};
        out = NULL;
        rc = run(ctx, app_letter_gp_action, &ga, &out);
        json_decref(out);
        json_decref(b);
        if (rc)
            return rc;
        /* A declined action is the clinic's: usually arranged within the
         * target, a few still open (some overdue) on the worklist. */
        seam_time rt = after_working_days(t, rnd_int(1, 8));
        if (!accept && rt < now && chance(85)) {
            ctx->now = rt;
            if ((rc = act_as(ctx, svc->clinician)))
                return rc;
            json_t *rb = json_pack("{s:s,s:s}", "outcome", "arranged_by_hospital", "note",
                                   "Booked in the clinic's own monitoring list.");
            app_gp_action ra = {letter_id, 1, "resolve", rb};
            out = NULL;
            rc = run(ctx, app_letter_gp_action_resolve, &ra, &out);
            json_decref(out);
            json_decref(rb);
            if (rc)
                return rc;
            ctx->now = t;
            if ((rc = act_as(ctx, gp)))
                return rc;
        }
    }
    if (chance(85)) {
        app_id_body r = {letter_id, "read", NULL};
        out = NULL;
        rc = run(ctx, app_letter_act, &r, &out);
        json_decref(out);
    }
    return rc;
}

static const char *const tests_by_specialty[N_SERVICES] = {
    "Echocardiogram",      "Skin biopsy histology",
    "Faecal calprotectin", "CT abdomen and pelvis",
    "Anti-CCP antibodies", "MRI knee",
    "Repeat PSA",          "Full lung function tests",
};

static int run_as(app_ctx *ctx, const char *user, app_fn fn, const void *arg, json_t **out)
{
    int rc = act_as(ctx, user);
    return rc ? rc : run(ctx, fn, arg, out);
}

/* A test ordered in clinic: its result comes back to the clinic, which
 * reviews it, now and then asking the GP to take it on. */
static int simulate_result(app_ctx *ctx, const gen_options *opt, const svc_row *svc, long long referral_id,
                           const char *nhs, seam_time t, const char *gp)
{
    seam_time now = opt->now;
    if (!chance(30) || t >= now)
        return 0;
    ctx->now = t;
    json_t *body = json_pack("{s:s,s:I,s:s,s:s,s:I}", "patient_nhs_number", nhs, "service_id", (json_int_t)svc->id,
                             "test", tests_by_specialty[svc->spec], "urgency", chance(20) ? "urgent" : "routine",
                             "referral_id", (json_int_t)referral_id);
    json_t *out = NULL;
    int rc = run_as(ctx, svc->clinician, app_order_create, body, &out);
    json_decref(body);
    long long order_id = rc ? 0 : json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    if (rc)
        return rc;
    t = after_working_days(t, rnd_int(1, 8));
    if (t >= now)
        return 0;
    ctx->now = t;
    body = json_pack("{s:I,s:s,s:b}", "order_id", (json_int_t)order_id, "summary",
                     "Report attached to the electronic record; see the conclusion.", "abnormal", chance(25));
    out = NULL;
    rc = run_as(ctx, svc->clinician, app_result_receive, body, &out);
    json_decref(body);
    long long result_id = rc ? 0 : json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    if (rc)
        return rc;
    t = after_working_days(t, chance(10) ? rnd_int(4, 10) : rnd_int(0, 2));
    if (t >= now)
        return 0;
    ctx->now = t;
    const char *reviewer = svc->clinician;
    if (chance(12)) {
        json_t *b = json_pack("{s:s}", "reason", "Result relates to long-term monitoring the practice already does.");
        app_id_body h = {result_id, "handover", b};
        out = NULL;
        rc = run_as(ctx, svc->clinician, app_result_act, &h, &out);
        json_decref(out);
        json_decref(b);
        if (rc)
            return rc;
        t = after_working_days(t, rnd_int(0, 3));
        if (t >= now)
            return 0;
        ctx->now = t;
        int accept = chance(60);
        b = accept ? json_object() : json_pack("{s:s}", "reason", "The clinic ordered it and should act on it.");
        app_id_body d = {result_id, accept ? "accept" : "decline", b};
        out = NULL;
        rc = run_as(ctx, gp, app_result_act, &d, &out);
        json_decref(out);
        json_decref(b);
        if (rc)
            return rc;
        if (accept)
            reviewer = gp;
        t = after_working_days(t, rnd_int(0, 2));
        if (t >= now)
            return 0;
        ctx->now = t;
    }
    json_t *b = json_pack("{s:s,s:b}", "action_taken", "Reviewed; plan unchanged and documented.", "patient_told", 1);
    app_id_body rv = {result_id, "review", b};
    out = NULL;
    rc = run_as(ctx, reviewer, app_result_act, &rv, &out);
    json_decref(out);
    json_decref(b);
    return rc;
}

/* A follow-up the clinic arranges after an attendance. */
static int simulate_follow_up(app_ctx *ctx, const gen_options *opt, const svc_row *svc, long long referral_id,
                              seam_time t, const char *gp)
{
    seam_time now = opt->now;
    int pifu = chance(30);
    if (!chance(15) || t >= now)
        return 0;
    ctx->now = t;
    json_t *body;
    if (pifu) {
        body = json_pack("{s:I,s:i}", "referral_id", (json_int_t)referral_id, "pifu_months", 6);
    } else {
        char ws[SEAM_DATE_LEN], we[SEAM_DATE_LEN];
        seam_date_format(t + 28 * 86400, ws);
        seam_date_format(t + 56 * 86400, we);
        body = json_pack("{s:I,s:s,s:s}", "referral_id", (json_int_t)referral_id, "window_start", ws, "window_end", we);
    }
    json_t *out = NULL;
    int rc = run_as(ctx, svc->clinician, app_follow_up_create, body, &out);
    json_decref(body);
    long long fid = rc ? 0 : json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    if (rc)
        return rc;
    if (pifu) {
        seam_time end = t + 180 * 86400LL;
        if (end >= now)
            return 0;
        ctx->now = after_working_days(end, rnd_int(0, 3));
        if (ctx->now >= now)
            return 0;
        app_id_body d = {fid, "discharge", NULL};
        out = NULL;
        rc = run_as(ctx, svc->clinician, app_follow_up_act, &d, &out);
        json_decref(out);
        /* The discharge letter that ends patient-initiated follow-up. */
        return rc ? rc : write_letter(ctx, opt, svc, referral_id, ctx->now, gp);
    }
    t = after_working_days(t, chance(10) ? rnd_int(30, 50) : rnd_int(2, 15));
    if (t >= now)
        return 0;
    ctx->now = t;
    char iso[SEAM_ISO_LEN], booking[32];
    snprintf(booking, sizeof(booking), "booking.%s", svc->trust == 0 ? "rza" : "rzb");
    seam_time appt = working_time(t + 28 * 86400);
    seam_time_format(appt - appt % 900, iso);
    json_t *b = json_pack("{s:s}", "appointment_at", iso);
    app_id_body bk = {fid, "book", b};
    out = NULL;
    rc = run_as(ctx, booking, app_follow_up_act, &bk, &out);
    json_decref(out);
    json_decref(b);
    return rc;
}

/* Drives one referral from creation through the pathway until now. */
static int simulate(app_ctx *ctx, const gen_options *opt, const char *nhs, int practice, svc_row *svcs, int n_svcs,
                    int s_idx)
{
    seam_time now = opt->now;
    seam_time t = working_time(now - (seam_time)rnd_int(0, 365) * 86400);
    if (t >= now)
        return 0;
    char gp[32];
    snprintf(gp, sizeof(gp), "%s", practice == 0 ? "gp.patel" : practice == 1 ? "gp.okafor" : "");
    if (!gp[0])
        snprintf(gp, sizeof(gp), "gp.%s", practices[practice].code);
    for (char *c = gp; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    const char *prio = chance(12) ? "two_week_wait" : chance(22) ? "urgent" : "routine";
    svc_row *svc = &svcs[s_idx];
    ctx->now = t;
    int rc = act_as(ctx, gp);
    if (rc)
        return rc;
    char summary[512];
    snprintf(summary, sizeof(summary),
             "History: symptoms for %d weeks. Examination and baseline bloods done in practice (attached results"
             " reviewed). Current medication reviewed. Patient aware of referral and its priority.",
             rnd_int(2, 30));
    json_t *body =
        json_pack("{s:s,s:I,s:s,s:s,s:s}", "patient_nhs_number", nhs, "service_id", (json_int_t)svc->id, "priority",
                  prio, "reason", reasons[svc->spec][rnd_int(0, 2)], "clinical_summary", summary);
    json_t *out = NULL;
    rc = run(ctx, app_referral_create, body, &out);
    json_decref(body);
    if (rc)
        return rc;
    long long id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);

    int redirected = 0, returned = 0;
    const char *status = "awaiting_triage";
    char booking[32];
    for (;;) {
        snprintf(booking, sizeof(booking), "booking.%s", svc->trust == 0 ? "rza" : "rzb");
        int stall = chance(7);
        if (strcmp(status, "awaiting_triage") == 0) {
            t = after_working_days(t, stall ? rnd_int(3, 20) : rnd_int(0, 3));
            if (t >= now)
                return 0;
            ctx->now = t;
            int roll = rnd_int(1, 100);
            if (roll <= 10 && !returned) {
                rc = act(ctx, svc->triager, id, "triage",
                         json_pack("{s:s,s:s,s:s}", "decision", "return", "comment",
                                   "Does not meet the referral criteria yet.", "advice",
                                   "Please arrange a 24-hour ECG / relevant first-line tests and start"
                                   " treatment as per local pathway; re-refer with results if symptoms persist."));
                status = "returned";
                returned = 1;
            } else if (roll <= 17 && !redirected) {
                /* Redirect to the same specialty at the other trust. */
                int other = -1;
                for (int k = 0; k < n_svcs; k++)
                    if (svcs[k].spec == svc->spec && svcs[k].trust != svc->trust)
                        other = k;
                rc = act(ctx, svc->triager, id, "triage",
                         json_pack("{s:s,s:I,s:s}", "decision", "redirect", "to_service_id", (json_int_t)svcs[other].id,
                                   "comment", "Sub-specialty clinic is at the other trust; redirected directly."));
                svc = &svcs[other];
                redirected = 1;
            } else if (roll <= 20) {
                rc = act(ctx, gp, id, "withdraw",
                         json_pack("{s:s}", "reason",
                                   "Symptoms resolved; patient no longer"
                                   " wishes to be seen."));
                return rc;
            } else {
                rc = act(ctx, svc->triager, id, "triage",
                         json_pack("{s:s,s:s}", "decision", "accept", "comment", "Appropriate referral, accepted."));
                status = "awaiting_booking";
            }
        } else if (strcmp(status, "returned") == 0) {
            t = after_working_days(t, stall ? rnd_int(10, 25) : rnd_int(1, 8));
            if (t >= now)
                return 0;
            ctx->now = t;
            if (chance(55)) {
                rc = act(ctx, gp, id, "resubmit",
                         json_pack("{s:s}", "comment", "Tests done as advised; results attached, symptoms persist."));
                status = "awaiting_triage";
            } else {
                rc = act(ctx, gp, id, "close",
                         json_pack("{s:s}", "comment", "Managing in primary care following the advice."));
                return rc;
            }
        } else if (strcmp(status, "awaiting_booking") == 0) {
            t = after_working_days(t, stall ? rnd_int(8, 30) : rnd_int(0, 6));
            if (t >= now)
                return 0;
            ctx->now = t;
            seam_time appt = working_time(t + (seam_time)rnd_int(5, 60) * 86400);
            char iso[SEAM_ISO_LEN];
            seam_time_format(appt - appt % 900, iso);
            rc = act(ctx, booking, id, "book", json_pack("{s:s}", "appointment_at", iso));
            status = "booked";
            seam_time_parse(iso, &t);
        } else if (strcmp(status, "booked") == 0) {
            if (stall)
                t = after_working_days(t, rnd_int(2, 10));
            if (t >= now)
                return 0;
            ctx->now = t;
            if (chance(6)) {
                /* A missed appointment: the service rebooks or discharges; never the GP's to chase. */
                snprintf(booking, sizeof(booking), "booking.%s", svc->trust == 0 ? "rza" : "rzb");
                int rebook = chance(70);
                rc = act(ctx, rebook ? booking : svc->clinician, id, "dna",
                         json_pack("{s:s,s:s}", "decision", rebook ? "rebook" : "discharge", "comment",
                                   rebook ? "Did not attend; offering another appointment."
                                          : "Did not attend twice and did not respond; discharged with a letter."));
                if (rc == 0 && !rebook)
                    rc = write_letter(ctx, opt, svc, id, t, gp);
                if (rc || !rebook)
                    return rc;
                status = "awaiting_booking";
                continue;
            }
            rc = act(ctx, svc->clinician, id, "attend", json_object());
            if (rc == 0)
                rc = write_letter(ctx, opt, svc, id, t, gp);
            if (rc == 0)
                rc = simulate_result(ctx, opt, svc, id, nhs, t, gp);
            if (rc == 0)
                rc = simulate_follow_up(ctx, opt, svc, id, t, gp);
            ctx->now = t;
            status = "attended";
        } else if (strcmp(status, "attended") == 0) {
            t = after_working_days(t, stall ? rnd_int(8, 25) : rnd_int(0, 5));
            if (t >= now)
                return 0;
            ctx->now = t;
            rc = act(ctx, svc->clinician, id, "discharge",
                     json_pack("{s:s}", "comment", "Treatment plan agreed; discharged to GP care with a letter."));
            return rc;
        } else {
            return 0;
        }
        if (rc)
            return rc;
    }
}

static const char *const questions[N_SERVICES] = {
    "Atypical chest pain, normal ECG and troponin; is CT coronary angiography indicated or can I manage with"
    " risk factor control?",
    "Recurrent facial rash, photos attached; would you treat as rosacea or refer for patch testing?",
    "Persistently raised ALT (2x ULN) with normal ultrasound; which further tests before referral?",
    "Small asymptomatic umbilical hernia in a frail 84-year-old; is surgical review worthwhile?",
    "Positive ANA 1:160 with arthralgia but no synovitis; does this need rheumatology review?",
    "Knee pain with MRI showing degenerate meniscal tear; physiotherapy first or surgical opinion?",
    "PSA 4.8 in a 71-year-old with LUTS; repeat in 6 weeks or refer now?",
    "Mild obstructive spirometry in an ex-smoker; inhaler choice and is specialist review needed?",
};

/* One advice and guidance exchange, driven through the real use cases. */
static int simulate_advice(app_ctx *ctx, const gen_options *opt, const char *nhs, int practice, svc_row *svc)
{
    seam_time now = opt->now;
    seam_time t = working_time(now - (seam_time)rnd_int(0, 300) * 86400);
    if (t >= now)
        return 0;
    char gp[32];
    snprintf(gp, sizeof(gp), "%s", practice == 0 ? "gp.patel" : practice == 1 ? "gp.okafor" : "");
    if (!gp[0])
        snprintf(gp, sizeof(gp), "gp.%s", practices[practice].code);
    for (char *c = gp; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    int consent = chance(70);
    ctx->now = t;
    int rc = act_as(ctx, gp);
    if (rc)
        return rc;
    json_t *body =
        json_pack("{s:s,s:I,s:s,s:s,s:b}", "patient_nhs_number", nhs, "service_id", (json_int_t)svc->id, "priority",
                  chance(15) ? "urgent" : "routine", "question", questions[svc->spec], "consent_to_convert", consent);
    json_t *out = NULL;
    rc = run(ctx, app_advice_create, body, &out);
    json_decref(body);
    if (rc)
        return rc;
    long long id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    const char *status = "awaiting_response";
    for (int step = 0; step < 6; step++) {
        int stall = chance(8);
        app_id_body a = {id, NULL, NULL};
        app_fn fn = NULL;
        json_t *b = NULL;
        const char *who = NULL;
        if (strcmp(status, "awaiting_response") == 0) {
            t = after_working_days(t, stall ? rnd_int(4, 15) : rnd_int(0, 3));
            who = svc->triager;
            int roll = rnd_int(1, 100);
            if (roll <= 25 && step == 0) {
                fn = app_advice_message;
                b = json_pack("{s:s}", "text", "Could you send the most recent bloods and current medication?");
                status = "awaiting_gp";
            } else if (roll <= 40 && consent) {
                fn = app_advice_convert;
                b = json_pack("{s:s}", "comment", "Needs to be seen in clinic; converted to a referral.");
                status = "converted";
            } else {
                fn = app_advice_close;
                b = json_pack("{s:s,s:s,s:s}", "answer",
                              "This can be managed in primary care; the findings are reassuring.", "what_to_do",
                              "Optimise risk factors and review in 3 months with repeat bloods.", "if_worse",
                              "Re-refer urgently if symptoms progress or new red flags appear.");
                status = "advice_given";
            }
        } else if (strcmp(status, "awaiting_gp") == 0) {
            t = after_working_days(t, stall ? rnd_int(8, 20) : rnd_int(0, 4));
            who = gp;
            fn = app_advice_message;
            b = json_pack("{s:s}", "text",
                          "Bloods attached: HbA1c 44, eGFR 78, lipids as per letter. On ramipril 5mg.");
            status = "awaiting_response";
        } else if (strcmp(status, "advice_given") == 0) {
            t = after_working_days(t, stall ? rnd_int(8, 20) : rnd_int(0, 5));
            who = gp;
            fn = app_advice_close;
            b = json_object();
            status = "closed";
        } else {
            return 0;
        }
        if (t >= now) {
            json_decref(b);
            return 0;
        }
        ctx->now = t;
        if ((rc = act_as(ctx, who))) {
            json_decref(b);
            return rc;
        }
        a.body = b;
        out = NULL;
        rc = run(ctx, fn, &a, &out);
        long long ref_id = fn == app_advice_convert && rc == 0
                               ? json_integer_value(json_object_get(json_object_get(out, "referral"), "id"))
                               : 0;
        json_decref(out);
        json_decref(b);
        if (rc)
            return rc;
        if (ref_id) {
            /* The converted referral goes on to be booked and seen. */
            char booking[32], iso[SEAM_ISO_LEN];
            snprintf(booking, sizeof(booking), "booking.%s", svc->trust == 0 ? "rza" : "rzb");
            t = after_working_days(t, rnd_int(0, 4));
            if (t >= now)
                return 0;
            ctx->now = t;
            seam_time appt = working_time(t + (seam_time)rnd_int(5, 40) * 86400);
            seam_time_format(appt - appt % 900, iso);
            if ((rc = act(ctx, booking, ref_id, "book", json_pack("{s:s}", "appointment_at", iso))))
                return rc;
            seam_time_parse(iso, &t);
            if (t >= now)
                return 0;
            ctx->now = t;
            if ((rc = act(ctx, svc->clinician, ref_id, "attend", json_object())) ||
                (rc = write_letter(ctx, opt, svc, ref_id, t, gp)))
                return rc;
            t = after_working_days(t, rnd_int(0, 5));
            if (t >= now)
                return 0;
            ctx->now = t;
            return act(ctx, svc->clinician, ref_id, "discharge",
                       json_pack("{s:s}", "comment", "Seen in clinic after advice and guidance; discharged."));
        }
    }
    return 0;
}

/* Waits are longer in some specialties (by treatment function code). */
static double tfc_wait_factor(const char *tfc)
{
    static const struct {
        const char *tfc;
        double f;
    } f[] = {{"110", 1.2},  {"100", 1.05}, {"101", 1.0},  {"301", 1.0},
             {"330", 0.95}, {"410", 0.9},  {"340", 0.85}, {"320", 0.85}};
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        if (strcmp(f[i].tfc, tfc) == 0)
            return f[i].f;
    return 1.0;
}

/*
 * The trusts' own PTLs: each demo trust sends a waiting list of demo
 * patients (open pathways with clinical priorities on most, and clock
 * stops of the last 26 weeks), loaded through the real importer so GPs
 * see their patients' waits at every trust.  PPIs are "<trust>-PTL-<n>",
 * which never clash with Seam's own "<trust>-<referral id>".
 */
#define DEMO_PTL_OPEN 1400 /* open pathways per trust */

static int demo_ptl(db *d, const gen_options *opt, FILE *log)
{
    db_rows *pts = NULL;
    int rc = db_query(d,
                      "SELECT nhs_number, imd_decile, ethnicity, birth_date, sex, practice_code FROM patients"
                      " ORDER BY nhs_number",
                      0, NULL, &pts);
    if (rc)
        return rc;
    int npts = db_nrows(pts);
    gen_rng r;
    gen__seed(&r, opt->seed, 0x9D7A11ULL);
    int64_t today = seam_time_day(opt->now);
    gen_out *o = malloc(sizeof(*o));
    if (o == NULL || npts == 0) {
        free(o);
        db_rows_free(pts);
        return npts == 0 ? 0 : SEAM_ENOMEM;
    }
    for (int t = 0; rc == 0 && t < N_TRUSTS; t++) {
        FILE *f = tmpfile();
        if (f == NULL) {
            rc = SEAM_EIO;
            break;
        }
        gen__out_init(o, f);
        gen__out_str(o, gen__ptl_header);
        double trust_factor = t == 0 ? 1.05 : 0.95;
        int total = DEMO_PTL_OPEN + DEMO_PTL_OPEN * 15 / 100;
        for (int k = 0; k < total; k++) {
            int i = gen__int(&r, 0, npts - 1);
            int s = gen__int(&r, 0, N_SERVICES - 1);
            gen_ptl_row p;
            memset(&p, 0, sizeof(p));
            snprintf(p.nhs, sizeof(p.nhs), "%s", db_get(pts, i, 0));
            p.imd = db_isnull(pts, i, 1) ? 0 : (int)db_geti(pts, i, 1);
            /* Known patients: the importer takes their demographics from Seam. */
            p.given = p.family = p.ethnic_category = p.postcode = p.lsoa = "";
            p.practice = db_get(pts, i, 5);
            int y, m, dd;
            if (sscanf(db_get(pts, i, 3), "%d-%d-%d", &y, &m, &dd) == 3)
                p.birth_day = seam_days_from_civil(y, m, dd);
            p.female = strcmp(db_get(pts, i, 4), "female") == 0;
            p.trust = trusts[t].code;
            p.tfc = services[s].tfc;
            p.ppi_seq = k + 1;
            p.stopped = k >= DEMO_PTL_OPEN;
            double factor = trust_factor * tfc_wait_factor(p.tfc);
            p.wait_days = p.stopped ? gen__stop_wait_days(&r, factor)
                                    : gen__wait_days(&r, p.imd, eq_ethnic_group_from_name(db_get(pts, i, 2)), factor);
            gen__ptl_row(o, &r, &p, today);
        }
        gen__out_flush(o);
        if (o->error || fflush(f) != 0) {
            fclose(f);
            rc = SEAM_EIO;
            break;
        }
        rewind(f);
        char name[32];
        snprintf(name, sizeof(name), "demo-ptl-%s.csv", trusts[t].code);
        ptl_options po = {.trust = trusts[t].code,
                          .filename = name,
                          .imported_by = "seam-demo",
                          .now = opt->now,
                          .rejects = log ? log : stderr};
        ptl_report rep;
        rc = ptl_import(d, f, &po, &rep);
        fclose(f);
        if (rc)
            db_set_error(d, "the demo PTL of %s did not load: %s", trusts[t].code, rep.error);
        else if (rep.rejected) {
            db_set_error(d, "the demo PTL of %s had %lld refused rows", trusts[t].code, rep.rejected);
            rc = SEAM_EINTERNAL;
        } else if (log)
            fprintf(log, "seam demo: %s's PTL: %lld pathways (%d open) in %.2f s\n", trusts[t].code, rep.inserted,
                    DEMO_PTL_OPEN, rep.seconds);
    }
    free(o);
    db_rows_free(pts);
    return rc;
}

int gen_demo(db *d, const gen_options *opt, FILE *log)
{
    long long n;
    int rc = db_query_int(d, "SELECT count(*) FROM organisations", 0, NULL, 0, &n);
    if (rc)
        return rc;
    if (n > 0) {
        db_set_error(d, "the database already has data; give a new file to seam demo");
        return SEAM_ECONFLICT;
    }
    rng_state = opt->seed ? opt->seed : 0x5EA4ULL;
    /* Generation is replayable: trade durability for speed while it runs. */
    db_set_durable(d, 0);

    if ((rc = db_begin(d)))
        return rc;
    rc = add_org(d, ICB, "NHS Seamshire Integrated Care Board", "icb", NULL, "01632 960000");
    for (int i = 0; rc == 0 && i < N_TRUSTS; i++)
        rc = add_org(d, trusts[i].code, trusts[i].name, "trust", NULL, trusts[i].phone);
    for (int i = 0; rc == 0 && i < N_PRACTICES; i++)
        rc = add_org(d, practices[i].code, practices[i].name, "practice", practices[i].postcode, NULL);

    svc_row svcs[N_TRUSTS * N_SERVICES];
    int n_svcs = 0;
    for (int t = 0; rc == 0 && t < N_TRUSTS; t++) {
        for (int s = 0; rc == 0 && s < N_SERVICES; s++) {
            char gpc[200], ptc[200];
            snprintf(gpc, sizeof(gpc),
                     "%s secretaries: 01632 9%d0%d%d (Mon-Fri 08:30-17:00); urgent advice via the"
                     " on-call registrar through switchboard %s",
                     services[s].name, t + 6, s, t, trusts[t].phone);
            snprintf(ptc, sizeof(ptc), "%s appointments: 01632 9%d1%d%d (Mon-Fri 09:00-16:30)", services[s].name, t + 6,
                     s, t);
            db_param p[] = {DBP_TEXT(trusts[t].code),
                            DBP_TEXT(services[s].name),
                            DBP_TEXT(services[s].name),
                            DBP_TEXT(services[s].tfc),
                            DBP_TEXT(gpc),
                            DBP_TEXT(ptc)};
            long long id;
            rc = db_query_int(d,
                              "INSERT INTO services (trust_code, name, specialty, treatment_function_code, gp_contact,"
                              " patient_contact) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id",
                              6, p, 0, &id);
            if (rc)
                break;
            svc_row *row = &svcs[n_svcs++];
            row->id = id;
            row->trust = t;
            row->spec = s;
            int persona_triager = (t == 0 && s == 0) || (t == 1 && s == 1);
            if (t == 0 && s == 0) {
                snprintf(row->triager, sizeof(row->triager), "triage.cardio");
                snprintf(row->clinician, sizeof(row->clinician), "clinician.cardio");
            } else if (t == 1 && s == 1) {
                snprintf(row->triager, sizeof(row->triager), "triage.derm.rzb");
                snprintf(row->clinician, sizeof(row->clinician), "clinician.%s.%s", t ? "rzb" : "rza",
                         services[s].slug);
            } else {
                snprintf(row->triager, sizeof(row->triager), "triage.%s.%s", t ? "rzb" : "rza", services[s].slug);
                snprintf(row->clinician, sizeof(row->clinician), "clinician.%s.%s", t ? "rzb" : "rza",
                         services[s].slug);
            }
            char name[160];
            if (!persona_triager) {
                snprintf(name, sizeof(name), "Dr %s %s (%s triage)", given_m[(t * 8 + s) % 20],
                         family[(t * 8 + s * 3) % 40], services[s].name);
                rc = add_user(d, row->triager, name, "triager", trusts[t].code, id, NULL, 0);
            }
            if (rc == 0 && !(t == 0 && s == 0)) {
                snprintf(name, sizeof(name), "Dr %s %s", given_f[(t * 8 + s) % 20], family[(t * 8 + s * 7 + 5) % 40]);
                rc = add_user(d, row->clinician, name, "clinician", trusts[t].code, id, NULL, 0);
            }
        }
    }
    /* Synthetic GPs for the practices without a persona GP. */
    for (int i = 2; rc == 0 && i < N_PRACTICES; i++) {
        char u[32], name[96];
        snprintf(u, sizeof(u), "gp.z%05d", i + 1);
        snprintf(name, sizeof(name), "Dr %s %s", given_f[i % 20], family[(i * 5) % 40]);
        rc = add_user(d, u, name, "gp", practices[i].code, 0, NULL, 0);
    }
    if (rc == 0)
        rc = add_user(d, "booking.rzb", "Southmere booking team", "booking", "RZB", 0, NULL, 0);

    /* Patients in the 999 test range. */
    char first_nhs[NHS_NUMBER_LEN] = "";
    long long prefix = 999000001;
    int *patient_practice = calloc((size_t)opt->patients, sizeof(int));
    char(*nhs_list)[NHS_NUMBER_LEN] = calloc((size_t)opt->patients, NHS_NUMBER_LEN);
    if (!patient_practice || !nhs_list)
        rc = SEAM_ENOMEM;
    for (int i = 0; rc == 0 && i < opt->patients; i++) {
        char digits[24];
        int check;
        do {
            snprintf(digits, sizeof(digits), "%09lld", prefix++ % 1000000000LL);
            check = nhs_number_check_digit(digits);
        } while (check < 0);
        digits[9] = (char)('0' + check);
        digits[10] = '\0';
        int pr = i % N_PRACTICES;
        int female = chance(51);
        int age = rnd_int(0, 95);
        int year = 2026 - age;
        char birth[SEAM_DATE_LEN], lsoa[16];
        snprintf(birth, sizeof(birth), "%04d-%02d-%02d", year, rnd_int(1, 12), rnd_int(1, 28));
        int imd = practices[pr].imd_centre + rnd_int(-2, 2);
        imd = imd < 1 ? 1 : imd > 10 ? 10 : imd;
        snprintf(lsoa, sizeof(lsoa), "E0100%04d", rnd_int(1000, 9999));
        int e = rnd_int(1, 100);
        /* Deprived practices here have more diverse lists, as in many cities. */
        const char *eth = e <= (practices[pr].imd_centre <= 4 ? 45 : 75) ? ethnicities[0]
                          : e <= 80                                      ? ethnicities[1]
                          : e <= 90                                      ? ethnicities[2]
                          : e <= 94                                      ? ethnicities[3]
                          : e <= 97                                      ? ethnicities[4]
                                                                         : ethnicities[5];
        db_param p[] = {DBP_TEXT(digits),
                        DBP_TEXT(ICB),
                        DBP_TEXT(female ? given_f[rnd_int(0, 19)] : given_m[rnd_int(0, 19)]),
                        DBP_TEXT(family[rnd_int(0, 39)]),
                        DBP_TEXT(birth),
                        DBP_TEXT(female ? "female" : "male"),
                        DBP_TEXT(practices[pr].postcode),
                        DBP_TEXT(lsoa),
                        DBP_INT(imd),
                        DBP_TEXT(eth),
                        DBP_TEXT(practices[pr].code)};
        rc = exec(d,
                  "INSERT INTO patients (nhs_number, icb_code, given_name, family_name, birth_date, sex, postcode,"
                  " lsoa, imd_decile, ethnicity, practice_code) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
                  11, p);
        memcpy(nhs_list[i], digits, NHS_NUMBER_LEN);
        patient_practice[i] = pr;
        if (i == 0)
            memcpy(first_nhs, digits, NHS_NUMBER_LEN);
    }

    /* The personas, in the order the sign-in page lists them. */
    int order = 1;
    if (rc == 0)
        rc = add_user(d, "gp.patel", "Dr Anjali Patel", "gp", "Z00001", 0, NULL, order++);
    if (rc == 0)
        rc = add_user(d, "gp.okafor", "Dr Chidi Okafor", "gp", "Z00002", 0, NULL, order++);
    if (rc == 0)
        rc = add_user(d, "admin.riverside", "Sam Riley (practice administrator)", "practice_admin", "Z00001", 0, NULL,
                      order++);
    if (rc == 0)
        rc = add_user(d, "triage.cardio", "Dr Amelia Hart (consultant cardiologist)", "triager", "RZA", svcs[0].id,
                      NULL, order++);
    if (rc == 0)
        rc = add_user(d, "clinician.cardio", "Dr Ben Carter (cardiology registrar)", "clinician", "RZA", svcs[0].id,
                      NULL, order++);
    /* One clinician works in two services, so the multi-service case shows:
     * the registrar also covers Respiratory Medicine at Northgate. */
    if (rc == 0)
        rc = add_membership(d, "clinician.cardio", svcs[N_SERVICES - 1].id);
    if (rc == 0)
        rc = add_user(d, "triage.derm.rzb", "Dr Leila Haddad (consultant dermatologist)", "triager", "RZB",
                      svcs[N_SERVICES + 1].id, NULL, order++);
    if (rc == 0)
        rc = add_user(d, "booking.rza", "Jo Marsh (booking clerk)", "booking", "RZA", 0, NULL, order++);
    if (rc == 0)
        rc = add_user(d, "lead.rza", "Dr Ruth Osei (interface lead)", "interface_lead", "RZA", 0, NULL, order++);
    if (rc == 0)
        rc = add_user(d, "analyst.icb", "Tom Fraser (ICB analyst)", "icb_analyst", ICB, 0, NULL, order++);
    if (rc == 0)
        rc = add_user(d, "admin", "Seam administrator", "admin", ICB, 0, NULL, order++);
    if (rc == 0)
        rc = add_user(d, "patient.demo", "Demo patient", "patient", "Z00001", 0, first_nhs, order++);
    if (rc == 0) {
        /* The patient persona's display name is the patient's own. */
        db_param p[] = {DBP_TEXT(first_nhs)};
        rc = exec(d,
                  "UPDATE users SET display_name = (SELECT given_name || ' ' || family_name FROM patients"
                  " WHERE nhs_number = $1) WHERE username = 'patient.demo'",
                  1, p);
    }
    if (rc == 0)
        rc = auth_issuer_ensure(d);
    if (rc == 0)
        rc = db_commit(d);
    else
        db_rollback(d);
    if (rc) {
        free(patient_practice);
        free(nhs_list);
        return rc;
    }
    if (log)
        fprintf(log, "seam demo: 1 ICB, %d trusts, %d services, %d practices, %d patients\n", N_TRUSTS, n_svcs,
                N_PRACTICES, opt->patients);

    /* Twelve months of referrals through the real use cases. */
    app_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.db = d;
    for (int i = 0; rc == 0 && i < opt->referrals; i++) {
        /* The patient persona always has referrals to show. */
        int pi = i < 3 ? 0 : rnd_int(0, opt->patients - 1);
        int si = i < 3 ? i * 3 % n_svcs : rnd_int(0, n_svcs - 1);
        rc = simulate(&ctx, opt, nhs_list[pi], patient_practice[pi], svcs, n_svcs, si);
        if (log && (i + 1) % 1000 == 0)
            fprintf(log, "seam demo: %d referrals\n", i + 1);
    }
    /* Advice and guidance: about one request for every six referrals. */
    for (int i = 0; rc == 0 && i < opt->referrals / 6; i++) {
        int pi = i < 2 ? 0 : rnd_int(0, opt->patients - 1);
        rc = simulate_advice(&ctx, opt, nhs_list[pi], patient_practice[pi], &svcs[i < 2 ? 0 : rnd_int(0, n_svcs - 1)]);
    }
    free(patient_practice);
    free(nhs_list);
    if (rc)
        return rc;

    /* Escalate whatever is overdue today. */
    ctx.now = opt->now;
    app_user_system(&ctx.user);
    json_t *out = NULL;
    rc = app_run(&ctx, app_failsafe, NULL, &out);
    if (rc == 0 && log)
        fprintf(log, "seam demo: failsafe escalated %zu overdue task(s)\n",
                json_array_size(json_object_get(out, "escalated")));
    json_decref(out);
    if (rc == 0)
        rc = demo_ptl(d, opt, log);
    db_set_durable(d, 1);
    if (rc == 0 && log) {
        db_rows *r;
        if (db_query(d, "SELECT status, count(*) FROM referrals GROUP BY status ORDER BY status", 0, NULL, &r) == 0) {
            fprintf(log, "seam demo: referrals by status:");
            for (int i = 0; i < db_nrows(r); i++)
                fprintf(log, " %s %s;", db_get(r, i, 0), db_get(r, i, 1));
            fprintf(log, "\n");
            db_rows_free(r);
        }
        if (db_query(d, "SELECT status, count(*) FROM advice_requests GROUP BY status ORDER BY status", 0, NULL, &r) ==
            0) {
            fprintf(log, "seam demo: advice requests by status:");
            for (int i = 0; i < db_nrows(r); i++)
                fprintf(log, " %s %s;", db_get(r, i, 0), db_get(r, i, 1));
            fprintf(log, "\n");
            db_rows_free(r);
        }
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
