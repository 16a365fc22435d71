/*
 * gen.c - what the demo ICB (demo*.c) and the synthetic England
 * (england.c) share: deterministic randomness, the shape of waits, a
 * buffered CSV writer, and PTL rows in the columns of docs/import.md.
 */
#include "common/rc.h"
#include "gen/gen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------- names */

const char *const gen__given_f[20] = {"Olivia", "Amelia", "Aisha",   "Fatima",   "Grace",    "Chloe", "Priya",
                                      "Zainab", "Sophie", "Mary",    "Margaret", "Funmi",    "Mei",   "Hannah",
                                      "Ewa",    "Ruth",   "Jessica", "Nadia",    "Precious", "Irene"};
const char *const gen__given_m[20] = {"Oliver",  "Mohammed", "George", "Arjun",   "Jack",  "Kwame", "Daniel",
                                      "Tomasz",  "Harry",    "Yusuf",  "David",   "John",  "Wei",   "Samuel",
                                      "Ibrahim", "Peter",    "Rahul",  "Michael", "Emeka", "Alan"};
const char *const gen__family[40] = {
    "Smith",   "Jones",   "Patel", "Khan",     "Williams", "Brown",    "Taylor", "Ahmed",  "Okafor", "Nowak",
    "Wilson",  "Evans",   "Begum", "Thomas",   "Johnson",  "Roberts",  "Ali",    "Walker", "Wright", "Chen",
    "Mensah",  "Hussain", "Green", "Hall",     "Wood",     "Adeyemi",  "Clarke", "Singh",  "Murphy", "Hughes",
    "Edwards", "Kaur",    "Lewis", "Campbell", "Osei",     "Kowalski", "Shah",   "Baker",  "Morgan", "Young"};

/* ----------------------------------------------------------- randomness */

static unsigned long long splitmix(unsigned long long x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

unsigned long long gen__next(gen_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 2685821657736338717ULL;
}

void gen__seed(gen_rng *r, unsigned long long seed, unsigned long long stream)
{
    r->s = splitmix(seed ^ splitmix(stream)) | 1;
}

int gen__int(gen_rng *r, int lo, int hi)
{
    return lo + (int)(gen__next(r) % (unsigned long long)(hi - lo + 1));
}

double gen__unit(gen_rng *r)
{
    return (double)(gen__next(r) >> 11) * (1.0 / 9007199254740992.0);
}

double gen__normal(gen_rng *r)
{
    double u = gen__unit(r), v = gen__unit(r);
    if (u < 1e-300)
        u = 1e-300;
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* ----------------------------------------------------------- waits */

int gen__wait_days(gen_rng *r, int imd, const char *ethnic_group, double factor)
{
    double f = factor;
    if (imd >= 1 && imd <= 10)
        f *= 1.0 + 0.018 * (5.5 - imd); /* decile 1 about 8% longer, decile 10 about 8% shorter */
    if (ethnic_group) {
        if (strcmp(ethnic_group, "black") == 0)
            f *= 1.06;
        else if (strcmp(ethnic_group, "asian") == 0)
            f *= 1.04;
        else if (strcmp(ethnic_group, "mixed") == 0)
            f *= 1.03;
    }
    for (;;) {
        double weeks = 14.5 * f * exp(0.652 * gen__normal(r));
        int days = (int)(weeks * 7.0);
        if (days >= 0 && days <= 104 * 7)
            return days;
    }
}

int gen__stop_wait_days(gen_rng *r, double factor)
{
    for (;;) {
        double weeks = 10.0 * factor * exp(0.7 * gen__normal(r));
        int days = (int)(weeks * 7.0);
        if (days >= 0 && days <= 104 * 7)
            return days;
    }
}

const char *gen__clinical_priority(gen_rng *r)
{
    int x = gen__int(r, 1, 1000);
    return x <= 5 ? "P1b" : x <= 110 ? "P2" : x <= 430 ? "P3" : x <= 800 ? "P4" : x <= 830 ? "P6" : "";
}

/* ----------------------------------------------------------- CSV output */

/* Dates as text, formatted once: day numbers from 1900 to 2100. */
#define DAY0   (-25567) /* 1900-01-01 */
#define N_DAYS 73049
static char (*date_text)[11];

int gen__dates_init(void)
{
    if (date_text)
        return 0;
    date_text = malloc((size_t)N_DAYS * sizeof(*date_text));
    if (date_text == NULL)
        return SEAM_ENOMEM;
    for (int i = 0; i < N_DAYS; i++) {
        int y, m, d;
        seam_civil_from_days(DAY0 + i, &y, &m, &d);
        snprintf(date_text[i], sizeof(date_text[i]), "%04d-%02d-%02d", y, m, d);
    }
    return 0;
}

void gen__out_init(gen_out *o, FILE *f)
{
    o->f = f;
    o->len = 0;
    o->error = 0;
}

void gen__out_flush(gen_out *o)
{
    if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->error = 1;
    o->len = 0;
}

void gen__out_str(gen_out *o, const char *s)
{
    size_t n = strlen(s);
    if (o->len + n + 1 > sizeof(o->buf))
        gen__out_flush(o);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

void gen__out_char(gen_out *o, char c)
{
    if (o->len + 1 > sizeof(o->buf))
        gen__out_flush(o);
    o->buf[o->len++] = c;
}

void gen__out_int(gen_out *o, long long v)
{
    char tmp[24];
    int n = 0;
    unsigned long long u = v < 0 ? (unsigned long long)(-v) : (unsigned long long)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[n++] = '-';
    if (o->len + (size_t)n + 1 > sizeof(o->buf))
        gen__out_flush(o);
    while (n)
        o->buf[o->len++] = tmp[--n];
}

/* Zero-padded to width digits. */
static void out_padded(gen_out *o, long long v, int width)
{
    char tmp[24];
    for (int i = width - 1; i >= 0; i--) {
        tmp[i] = (char)('0' + v % 10);
        v /= 10;
    }
    tmp[width] = '\0';
    gen__out_str(o, tmp);
}

void gen__out_date(gen_out *o, int64_t day)
{
    if (date_text == NULL && gen__dates_init() != 0) {
        char tmp[SEAM_DATE_LEN];
        int y, m, d;
        seam_civil_from_days(day, &y, &m, &d);
        snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m, d);
        gen__out_str(o, tmp);
        return;
    }
    if (day >= DAY0 && day < DAY0 + N_DAYS) {
        if (o->len + 11 > sizeof(o->buf))
            gen__out_flush(o);
        memcpy(o->buf + o->len, date_text[day - DAY0], 10);
        o->len += 10;
    }
}

const char *const gen__ptl_header =
    "nhs_number,patient_pathway_identifier,organisation_code_patient_pathway_identifier_issuer,"
    "organisation_code_provider,activity_treatment_function_code,referral_request_received_date,"
    "referral_to_treatment_period_start_date,referral_to_treatment_period_end_date,"
    "referral_to_treatment_period_status,last_activity_date,next_activity_date,clinical_priority,"
    "priority_type_code,waiting_list_type,person_given_name,person_family_name,person_birth_date,"
    "person_stated_gender_code,ethnic_category,postcode,lsoa,index_of_multiple_deprivation_decile,"
    "general_medical_practice_code\n";

/* The clock of one PTL row: open rows wait wait_days; stopped rows
 * stopped in the last 26 weeks.  -1 is a blank date. */
typedef struct row_clock {
    int64_t received, start, stop, last, next;
    const char *status;
} row_clock;

static void row_clock_of(gen_rng *r, const gen_ptl_row *p, int64_t today, row_clock *c)
{
    c->stop = -1;
    if (p->stopped) {
        c->stop = today - gen__int(r, 0, 181);
        c->start = c->stop - p->wait_days;
        c->status = gen__int(r, 1, 100) <= 70 ? "30" : "34";
    } else {
        c->start = today - p->wait_days;
        int x = gen__int(r, 1, 100);
        c->status = p->wait_days < 21 && x <= 70 ? "10" : x <= 8 ? "10" : x <= 11 ? "21" : x <= 13 ? "12" : "20";
    }
    c->received = c->start - (gen__int(r, 1, 100) <= 5 ? gen__int(r, 1, 14) : 0);
    c->last = c->next = -1;
    if (strcmp(c->status, "10") != 0) {
        int64_t end = c->stop >= 0 ? c->stop : today;
        c->last = c->start + (end > c->start ? gen__int(r, 0, (int)(end - c->start)) : 0);
    }
    if (c->stop < 0 && gen__int(r, 1, 100) <= 55)
        c->next = today + gen__int(r, -3, 70);
}

/* A field and the comma after it. */
static void out_field(gen_out *o, const char *s)
{
    gen__out_str(o, s);
    gen__out_char(o, ',');
}

/* A date field, blank for -1. */
static void out_date_field(gen_out *o, int64_t day)
{
    if (day >= 0)
        gen__out_date(o, day);
    gen__out_char(o, ',');
}

void gen__ptl_row(gen_out *o, gen_rng *r, const gen_ptl_row *p, int64_t today)
{
    row_clock c;
    row_clock_of(r, p, today, &c);
    /* Drawn in this order, after the clock: the same seed, the same file. */
    const char *priority = c.stop < 0 ? gen__clinical_priority(r) : "";
    int pt = gen__int(r, 1, 100);
    const char *wl_type = gen__int(r, 1, 100) <= 70 ? "ORTT" : "IRTT";
    char priority_type[2] = {pt <= 80 ? '1' : pt <= 95 ? '2' : '3', '\0'};

    out_field(o, p->nhs);
    gen__out_str(o, p->trust);
    gen__out_str(o, "-PTL-");
    out_padded(o, p->ppi_seq, 9);
    gen__out_char(o, ',');
    out_field(o, p->trust);
    out_field(o, p->trust);
    out_field(o, p->tfc);
    out_date_field(o, c.received);
    out_date_field(o, c.start);
    out_date_field(o, c.stop);
    out_field(o, c.status);
    out_date_field(o, c.last);
    out_date_field(o, c.next);
    out_field(o, priority);
    out_field(o, priority_type);
    out_field(o, wl_type);
    out_field(o, p->given);
    out_field(o, p->family);
    gen__out_date(o, p->birth_day);
    gen__out_char(o, ',');
    out_field(o, p->female ? "2" : "1");
    out_field(o, p->ethnic_category);
    out_field(o, p->postcode);
    out_field(o, p->lsoa);
    if (p->imd)
        gen__out_int(o, p->imd);
    gen__out_char(o, ',');
    gen__out_str(o, p->practice);
    gen__out_char(o, '\n');
}

/* ----------------------------------------------------------- refusal */

int gen__require_empty(db *d, const char *why)
{
    long long n;
    int rc = db_query_int(d, "SELECT count(*) FROM organisations", 0, NULL, 0, &n);
    if (rc)
        return rc;
    if (n > 0) {
        db_set_error(d, "%s", why);
        return SEAM_ECONFLICT;
    }
    return 0;
}
