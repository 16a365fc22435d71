/*
 * england.c - a synthetic England for scale tests: ICBs, practices,
 * trusts and services in the database, and one PTL extract (CSV, the
 * columns of docs/import.md) per trust on disk.
 *
 * Everything is a pure function of the seed: a patient's demographics come
 * from a hash of the seed and the patient's number, so a patient on two
 * trusts' lists is the same person in both files.  NHS numbers are valid
 * (Modulus 11) but synthetic; at this scale they cannot all be in the 999
 * test range, so they must never be mixed with real data.
 *
 * Waits follow a log-normal shape (median about 14.5 weeks, about 2.5% over
 * 52 weeks, none over 104), a little longer for more deprived patients and
 * for some ethnic groups, and longer in some specialties and trusts.
 */
#include "app/app.h"
#include "common/rc.h"
#include "core/nhs_number.h"
#include "gen/gen.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ----------------------------------------------------------- England */

static const char *const place_a[] = {"Ash", "Bram", "Cal", "Dun",  "Elm",   "Fern", "Glen",
                                      "Har", "Ivy",  "Kes", "Lang", "Mar",   "Nor",  "Oak",
                                      "Pen", "Quen", "Rav", "Sal",  "Thorn", "Up",   "Wyn"};
static const char *const place_b[] = {"mere", "ford", "wick", "dale", "ton", "bury", "field", "ham", "ley", "worth"};

/* Treatment functions with their share of the national waiting list
 * (per mille, roughly) and a wait factor. */
static const struct {
    const char *tfc, *name;
    int weight;
    double wait;
} specialties[] = {
    {"110", "Trauma and Orthopaedics", 110, 1.20},
    {"130", "Ophthalmology", 95, 1.05},
    {"120", "Ear, Nose and Throat", 80, 1.15},
    {"502", "Gynaecology", 75, 1.15},
    {"100", "General Surgery", 70, 1.05},
    {"330", "Dermatology", 60, 0.95},
    {"101", "Urology", 55, 1.00},
    {"301", "Gastroenterology", 55, 1.00},
    {"320", "Cardiology", 50, 0.85},
    {"140", "Oral Surgery", 45, 1.10},
    {"300", "General Internal Medicine", 40, 0.80},
    {"340", "Respiratory Medicine", 35, 0.85},
    {"400", "Neurology", 35, 1.00},
    {"160", "Plastic Surgery", 25, 1.10},
    {"410", "Rheumatology", 25, 0.90},
    {"150", "Neurosurgery", 20, 1.15},
    {"430", "Elderly Medicine", 15, 0.75},
    {"107", "Vascular Surgery", 15, 0.95},
    {"103", "Breast Surgery", 15, 0.70},
    {"302", "Endocrinology", 15, 0.90},
    {"303", "Clinical Haematology", 10, 0.80},
    {"361", "Nephrology", 10, 0.80},
    {"170", "Cardiothoracic Surgery", 10, 1.00},
    {"108", "Spinal Surgery", 10, 1.25},
};
#define N_SPECIALTIES ((int)(sizeof(specialties) / sizeof(specialties[0])))

typedef struct eng_icb {
    char code[8], name[80];
    int imd_mean;  /* typical decile */
    int diversity; /* % not White in its most diverse practices */
} eng_icb;

typedef struct eng_practice {
    char code[12];
    int icb;
    int imd_centre;
    int white_pct;
    long long first_patient; /* patients [first, next practice's first) */
    char postcode[9];
} eng_practice;

typedef struct eng_trust {
    char code[4], name[96];
    int icb;
    double wait;
    int nsvc;
    int svc[N_SPECIALTIES]; /* specialty index of each service */
    int weight_total;
} eng_trust;

typedef struct england {
    int n_icb, n_practice, n_trust;
    eng_icb *icbs;
    eng_practice *practices;
    eng_trust *trusts;
    long long n_patients;
    long long *icb_first; /* first patient of each ICB, n_icb + 1 entries */
    long long open_per_trust;
    unsigned long long seed;
} england;

static void england_free(england *e)
{
    free(e->icbs);
    free(e->practices);
    free(e->trusts);
    free(e->icb_first);
}

/* The shape of England for n open pathways: 42 ICBs, about 150 practices
 * per ICB and 200 trusts at full size; fewer for small runs. */
static int england_plan(england *e, long long n, unsigned long long seed)
{
    memset(e, 0, sizeof(*e));
    e->seed = seed;
    long long icbs = n / 180000, trusts = n / 38000;
    e->n_icb = (int)(icbs < 2 ? 2 : icbs > 42 ? 42 : icbs);
    e->n_trust = (int)(trusts < 2 ? 2 : trusts > 200 ? 200 : trusts);
    e->n_practice = e->n_icb * 150;
    /* Distinct patients: about 6 million for 7.6 million pathways. */
    e->n_patients = n * 2;
    e->icbs = calloc((size_t)e->n_icb, sizeof(*e->icbs));
    e->practices = calloc((size_t)e->n_practice, sizeof(*e->practices));
    e->trusts = calloc((size_t)e->n_trust, sizeof(*e->trusts));
    e->icb_first = calloc((size_t)e->n_icb + 1, sizeof(*e->icb_first));
    if (!e->icbs || !e->practices || !e->trusts || !e->icb_first)
        return SEAM_ENOMEM;
    gen_rng r;
    gen__seed(&r, seed, 1);
    for (int i = 0; i < e->n_icb; i++) {
        eng_icb *c = &e->icbs[i];
        snprintf(c->code, sizeof(c->code), "Q%c%c", 'A' + i / 10, '0' + i % 10);
        snprintf(c->name, sizeof(c->name), "NHS %s%s Integrated Care Board",
                 place_a[i % (int)(sizeof(place_a) / sizeof(place_a[0]))],
                 place_b[(i * 7 + i / 21) % (int)(sizeof(place_b) / sizeof(place_b[0]))]);
        c->imd_mean = gen__int(&r, 3, 8);
        c->diversity = c->imd_mean <= 4 ? gen__int(&r, 30, 60) : gen__int(&r, 5, 30);
    }
    /* Practices: 150 per ICB; list sizes vary about threefold. */
    long long weight_total = 0;
    int *weights = calloc((size_t)e->n_practice, sizeof(int));
    if (weights == NULL)
        return SEAM_ENOMEM;
    for (int i = 0; i < e->n_practice; i++) {
        eng_practice *p = &e->practices[i];
        p->icb = i / 150;
        snprintf(p->code, sizeof(p->code), "P%05d", (i + 1) % 100000);
        const eng_icb *c = &e->icbs[p->icb];
        p->imd_centre = c->imd_mean + gen__int(&r, -3, 3);
        p->imd_centre = p->imd_centre < 1 ? 1 : p->imd_centre > 10 ? 10 : p->imd_centre;
        /* More deprived practices have more diverse lists, as in many cities. */
        int not_white = c->diversity * (11 - p->imd_centre) / 10 + gen__int(&r, -5, 5);
        not_white = not_white < 2 ? 2 : not_white > 75 ? 75 : not_white;
        p->white_pct = 100 - not_white;
        snprintf(p->postcode, sizeof(p->postcode), "%c%c%d %d%c%c", 'A' + p->icb % 26, 'A' + (p->icb / 26) % 26,
                 i % 30 + 1, i % 10, 'A' + i % 26, 'A' + (i / 26) % 26);
        weights[i] = gen__int(&r, 50, 150);
        weight_total += weights[i];
    }
    long long at = 0;
    for (int i = 0; i < e->n_practice; i++) {
        e->practices[i].first_patient = at;
        if (i % 150 == 0)
            e->icb_first[i / 150] = at;
        at += e->n_patients * weights[i] / weight_total;
    }
    e->n_patients = at;
    e->icb_first[e->n_icb] = at;
    free(weights);
    /* Trusts: spread over the ICBs; each has most specialties. */
    for (int t = 0; t < e->n_trust; t++) {
        eng_trust *tr = &e->trusts[t];
        tr->icb = t % e->n_icb;
        snprintf(tr->code, sizeof(tr->code), "R%c%c", 'A' + t / 10, '0' + t % 10);
        snprintf(tr->name, sizeof(tr->name), "%s%s %s NHS %sTrust", place_a[(t * 5 + 3) % 21],
                 place_b[(t * 3 + 1) % 10], t % 3 ? "Hospitals" : "University Hospitals", t % 2 ? "Foundation " : "");
        tr->wait = exp(0.15 * gen__normal(&r));
        for (int s = 0; s < N_SPECIALTIES; s++)
            if (s < 12 || gen__int(&r, 1, 100) <= 65) {
                tr->svc[tr->nsvc++] = s;
                tr->weight_total += specialties[s].weight;
            }
    }
    e->open_per_trust = n / e->n_trust;
    return 0;
}

/* Finds the practice of patient i (binary search over first_patient). */
static int practice_of(const england *e, long long i)
{
    int lo = 0, hi = e->n_practice - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (e->practices[mid].first_patient <= i)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* The synthetic NHS number of patient i: eight digits from i, a ninth
 * chosen so a Modulus 11 check digit exists, and the check digit. */
static void nhs_of(long long i, char out[NHS_NUMBER_LEN])
{
    char d[11];
    snprintf(d, sizeof(d), "%08lld", 50000000LL + i % 50000000LL);
    for (int ninth = 0; ninth < 10; ninth++) {
        d[8] = (char)('0' + ninth);
        int c = nhs_number_check_digit(d);
        if (c >= 0) {
            d[9] = (char)('0' + c);
            d[10] = '\0';
            memcpy(out, d, NHS_NUMBER_LEN);
            return;
        }
    }
}

/* Everything about patient i that a PTL row carries. */
static void patient_of(const england *e, long long i, int64_t today, gen_ptl_row *p, char lsoa[12], int *practice)
{
    gen_rng r;
    gen__seed(&r, e->seed, 0x100000000ULL + (unsigned long long)i);
    int pr = practice_of(e, i);
    const eng_practice *pp = &e->practices[pr];
    *practice = pr;
    nhs_of(i, p->nhs);
    p->female = gen__int(&r, 1, 100) <= 51;
    p->given = p->female ? gen__given_f[gen__int(&r, 0, 19)] : gen__given_m[gen__int(&r, 0, 19)];
    p->family = gen__family[gen__int(&r, 0, 39)];
    /* People on waiting lists are older than the population. */
    int age = (int)(55 + 20 * gen__normal(&r));
    age = age < 0 ? gen__int(&r, 0, 17) : age > 100 ? 100 : age;
    p->birth_day = today - age * 365 - gen__int(&r, 0, 364);
    int imd = pp->imd_centre + gen__int(&r, -2, 2);
    p->imd = imd < 1 ? 1 : imd > 10 ? 10 : imd;
    int x = gen__int(&r, 1, 100);
    static const char *const white[] = {"A", "A", "A", "B", "C"}, *const asian[] = {"H", "J", "K", "L"},
                             *const black[] = {"M", "N", "P"}, *const mixed[] = {"D", "E", "F", "G"};
    int rest = 100 - pp->white_pct;
    if (x <= pp->white_pct)
        p->ethnic_category = white[gen__int(&r, 0, 4)];
    else if (x <= pp->white_pct + rest * 45 / 100)
        p->ethnic_category = asian[gen__int(&r, 0, 3)];
    else if (x <= pp->white_pct + rest * 70 / 100)
        p->ethnic_category = black[gen__int(&r, 0, 2)];
    else if (x <= pp->white_pct + rest * 85 / 100)
        p->ethnic_category = mixed[gen__int(&r, 0, 3)];
    else if (x <= pp->white_pct + rest * 95 / 100)
        p->ethnic_category = gen__int(&r, 0, 1) ? "R" : "S";
    else
        p->ethnic_category = "Z";
    snprintf(lsoa, 12, "E0%07d", (int)(i % 33000) + 1000000);
    p->lsoa = lsoa;
    p->postcode = pp->postcode;
    p->practice = pp->code;
}

static const char *group_of(const char *category)
{
    switch (category[0]) {
    case 'A':
    case 'B':
    case 'C': return "white";
    case 'D':
    case 'E':
    case 'F':
    case 'G': return "mixed";
    case 'H':
    case 'J':
    case 'K':
    case 'L': return "asian";
    case 'M':
    case 'N':
    case 'P': return "black";
    case 'R':
    case 'S': return "other";
    default: return "not_stated";
    }
}

/* Writes trust t's PTL: its open pathways and, about 15% more, the clock
 * stops of its last 26 weeks.  Returns 0 or -1 on a write error. */
static int write_trust_ptl(const england *e, int t, FILE *f, int64_t today, long long *rows)
{
    const eng_trust *tr = &e->trusts[t];
    gen_out *o = malloc(sizeof(*o));
    if (o == NULL)
        return -1;
    gen__out_init(o, f);
    gen__out_str(o, gen__ptl_header);
    gen_rng r;
    gen__seed(&r, e->seed, 0x200000000ULL + (unsigned long long)t);
    long long open = e->open_per_trust, stops = open * 15 / 100;
    long long local_first = e->icb_first[tr->icb], local_n = e->icb_first[tr->icb + 1] - local_first;
    for (long long k = 0; k < open + stops; k++) {
        /* Most patients live in the trust's ICB. */
        long long pi = gen__int(&r, 1, 100) <= 88
                           ? local_first + (long long)(gen__next(&r) % (unsigned long long)local_n)
                           : (long long)(gen__next(&r) % (unsigned long long)e->n_patients);
        gen_ptl_row p;
        memset(&p, 0, sizeof(p));
        char lsoa[12];
        int practice;
        patient_of(e, pi, today, &p, lsoa, &practice);
        int w = gen__int(&r, 1, tr->weight_total), s = 0;
        for (int j = 0; j < tr->nsvc; j++) {
            w -= specialties[tr->svc[j]].weight;
            if (w <= 0) {
                s = tr->svc[j];
                break;
            }
        }
        p.trust = tr->code;
        p.tfc = specialties[s].tfc;
        p.ppi_seq = k + 1;
        p.stopped = k >= open;
        double factor = tr->wait * specialties[s].wait;
        p.wait_days = p.stopped ? gen__stop_wait_days(&r, factor)
                                : gen__wait_days(&r, p.imd, group_of(p.ethnic_category), factor);
        gen__ptl_row(o, &r, &p, today);
    }
    gen__out_flush(o);
    int bad = o->error;
    free(o);
    *rows += open + stops;
    return bad ? -1 : 0;
}

static int exec_log(db *d, const char *sql, int n, const db_param *p)
{
    int rc = db_exec(d, sql, n, p);
    if (rc)
        fprintf(stderr, "seam gen: %s\n", db_errmsg(d));
    return rc;
}

static int add_org(db *d, const char *code, const char *name, const char *kind, const char *icb, const char *postcode)
{
    db_param p[] = {DBP_TEXT(code), DBP_TEXT(name), DBP_TEXT(kind), DBP_TEXT(icb), DBP_TEXT(postcode)};
    return exec_log(d, "INSERT INTO organisations (code, name, kind, icb_code, postcode) VALUES ($1, $2, $3, $4, $5)",
                    5, p);
}

static int add_user(db *d, const char *username, const char *name, const char *role, const char *org, long long service)
{
    db_param p[] = {DBP_TEXT(username), DBP_TEXT(name), DBP_TEXT(role), DBP_TEXT(org),
                    service ? DBP_INT(service) : DBP_NULL};
    return exec_log(d,
                    "INSERT INTO users (username, display_name, role, org_code, service_id, persona)"
                    " VALUES ($1, $2, $3, $4, $5, 1)",
                    5, p);
}

static int write_reference(db *d, const england *e)
{
    int rc = db_begin(d);
    for (int i = 0; rc == 0 && i < e->n_icb; i++)
        rc = add_org(d, e->icbs[i].code, e->icbs[i].name, "icb", e->icbs[i].code, NULL);
    for (int i = 0; rc == 0 && i < e->n_practice; i++) {
        const eng_practice *p = &e->practices[i];
        char name[96];
        snprintf(name, sizeof(name), "%s %s", gen__family[(i * 7) % 40],
                 i % 3 == 0   ? "Medical Centre"
                 : i % 3 == 1 ? "Surgery"
                              : "Family Practice");
        rc = add_org(d, p->code, name, "practice", e->icbs[p->icb].code, p->postcode);
    }
    long long first_service = 0;
    for (int t = 0; rc == 0 && t < e->n_trust; t++) {
        const eng_trust *tr = &e->trusts[t];
        rc = add_org(d, tr->code, tr->name, "trust", e->icbs[tr->icb].code, NULL);
        for (int j = 0; rc == 0 && j < tr->nsvc; j++) {
            const char *nm = specialties[tr->svc[j]].name;
            db_param p[] = {DBP_TEXT(tr->code), DBP_TEXT(nm), DBP_TEXT(nm), DBP_TEXT(specialties[tr->svc[j]].tfc)};
            long long id;
            rc = db_query_int(d,
                              "INSERT INTO services (trust_code, name, specialty, treatment_function_code)"
                              " VALUES ($1, $2, $3, $4) RETURNING id",
                              4, p, 0, &id);
            if (t == 0 && j == 0)
                first_service = id;
        }
    }
    /* Users for the benchmark: a GP of the first practice, the first
     * trust's booking team and a clinician, the first ICB's analyst, an
     * administrator. */
    if (rc == 0)
        rc = add_user(d, "gp.bench", "Dr Bench (GP)", "gp", e->practices[0].code, 0);
    if (rc == 0)
        rc = add_user(d, "booking.bench", "Bench booking team", "booking", e->trusts[0].code, 0);
    if (rc == 0)
        rc = add_user(d, "clinician.bench", "Dr Bench (clinician)", "clinician", e->trusts[0].code, first_service);
    if (rc == 0)
        rc = add_user(d, "analyst.bench", "Bench ICB analyst", "icb_analyst", e->icbs[0].code, 0);
    if (rc == 0)
        rc = add_user(d, "admin", "Seam administrator", "admin", e->icbs[0].code, 0);
    if (rc == 0)
        rc = auth_issuer_ensure(d);
    if (rc == 0)
        rc = db_commit(d);
    else
        db_rollback(d);
    return rc;
}

int gen_england(db *d, const gen_england_options *o, FILE *log)
{
    int rc = gen__require_empty(d, "the database already has data; give a new database to seam gen");
    if (rc)
        return rc;
    if ((rc = gen__dates_init()))
        return rc;
    england e;
    if ((rc = england_plan(&e, o->open_pathways, o->seed ? o->seed : 20261125ULL))) {
        england_free(&e);
        return rc;
    }
    int only = -1;
    if (o->ptl_csv) {
        for (int t = 0; t < e.n_trust; t++)
            if (o->trust && strcmp(o->trust, e.trusts[t].code) == 0)
                only = t;
        if (only < 0) {
            db_set_error(d, "no trust %s at this scale (trusts are RA0 to %s)", o->trust ? o->trust : "(none given)",
                         e.trusts[e.n_trust - 1].code);
            england_free(&e);
            return SEAM_ENOTFOUND;
        }
    }
    rc = write_reference(d, &e);
    if (rc) {
        england_free(&e);
        return rc;
    }
    if (log)
        fprintf(log,
                "seam gen: %d ICBs, %d practices, %d trusts; users gp.bench (%s), booking.bench and"
                " clinician.bench (%s), analyst.bench (%s), admin\n",
                e.n_icb, e.n_practice, e.n_trust, e.practices[0].code, e.trusts[0].code, e.icbs[0].code);
    int64_t today = seam_time_day(o->now);
    long long rows = 0;
    if (o->ptl_csv) {
        FILE *f = fopen(o->ptl_csv, "w");
        if (f == NULL) {
            db_set_error(d, "cannot write %s: %s", o->ptl_csv, strerror(errno));
            rc = SEAM_EIO;
        } else {
            if (write_trust_ptl(&e, only, f, today, &rows) != 0)
                rc = SEAM_EIO;
            if (fclose(f) != 0)
                rc = SEAM_EIO;
            if (rc)
                db_set_error(d, "could not write %s", o->ptl_csv);
        }
    }
    if (rc == 0 && o->ptl_dir) {
        mkdir(o->ptl_dir, 0777);
        for (int t = 0; rc == 0 && t < e.n_trust; t++) {
            char path[400];
            snprintf(path, sizeof(path), "%s/%s.csv", o->ptl_dir, e.trusts[t].code);
            FILE *f = fopen(path, "w");
            if (f == NULL) {
                db_set_error(d, "cannot write %s: %s", path, strerror(errno));
                rc = SEAM_EIO;
                break;
            }
            if (write_trust_ptl(&e, t, f, today, &rows) != 0 || fclose(f) != 0) {
                db_set_error(d, "could not write %s", path);
                rc = SEAM_EIO;
            }
            if (log && (t + 1) % 20 == 0)
                fprintf(log, "seam gen: %d of %d trusts' PTLs written (%lld rows)\n", t + 1, e.n_trust, rows);
        }
    }
    if (rc == 0 && log && rows)
        fprintf(log, "seam gen: %lld PTL rows written (%lld open pathways per trust, plus 15%% clock stops)\n", rows,
                e.open_per_trust);
    england_free(&e);
    return rc;
}
