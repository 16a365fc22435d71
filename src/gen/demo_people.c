/*
 * demo_people.c - the demo ICB's people: its organisations, its services
 * and their staff, patients in the 999 test range, and the personas the
 * sign-in page lists, written in one transaction.
 */
#include "app/app.h"
#include "app/care/care.h"
#include "common/rc.h"
#include "gen/demo_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/equity.h"

static const char *const ethnicities[] = {"White",
                                          "Asian or Asian British",
                                          "Black, Black British, Caribbean or African",
                                          "Mixed or Multiple ethnic groups",
                                          "Other ethnic group",
                                          "Not stated"};

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

/* The ICB, the trusts and the practices. */
static int add_orgs(demo_state *st)
{
    db *d = st->d;
    int rc = add_org(d, ICB, "NHS Seamshire Integrated Care Board", "icb", NULL, "01632 960000");
    for (int i = 0; rc == 0 && i < N_TRUSTS; i++)
        rc = add_org(d, demo__trusts[i].code, demo__trusts[i].name, "trust", NULL, demo__trusts[i].phone);
    for (int i = 0; rc == 0 && i < N_PRACTICES; i++)
        rc =
            add_org(d, demo__practices[i].code, demo__practices[i].name, "practice", demo__practices[i].postcode, NULL);
    return rc;
}

/* The usernames of service s's triager and clinician at trust t (two of
 * them are personas, with names of their own). */
static void name_service_staff(svc_row *row, int t, int s)
{
    if (t == 0 && s == 0) {
        snprintf(row->triager, sizeof(row->triager), "triage.cardio");
        snprintf(row->clinician, sizeof(row->clinician), "clinician.cardio");
    } else if (t == 1 && s == 1) {
        snprintf(row->triager, sizeof(row->triager), "triage.derm.rzb");
        snprintf(row->clinician, sizeof(row->clinician), "clinician.%s.%s", t ? "rzb" : "rza", demo__services[s].slug);
    } else {
        snprintf(row->triager, sizeof(row->triager), "triage.%s.%s", t ? "rzb" : "rza", demo__services[s].slug);
        snprintf(row->clinician, sizeof(row->clinician), "clinician.%s.%s", t ? "rzb" : "rza", demo__services[s].slug);
    }
}

/* Service s at trust t, and its triager and clinician unless they are
 * personas (added later, in the personas' order). */
static int add_service(db *d, int t, int s, svc_row *row)
{
    char gpc[200], ptc[200];
    snprintf(gpc, sizeof(gpc),
             "%s secretaries: 01632 9%d0%d%d (Mon-Fri 08:30-17:00); urgent advice via the"
             " on-call registrar through switchboard %s",
             demo__services[s].name, t + 6, s, t, demo__trusts[t].phone);
    snprintf(ptc, sizeof(ptc), "%s appointments: 01632 9%d1%d%d (Mon-Fri 09:00-16:30)", demo__services[s].name, t + 6,
             s, t);
    db_param p[] = {DBP_TEXT(demo__trusts[t].code),
                    DBP_TEXT(demo__services[s].name),
                    DBP_TEXT(demo__services[s].name),
                    DBP_TEXT(demo__services[s].tfc),
                    DBP_TEXT(gpc),
                    DBP_TEXT(ptc)};
    long long id;
    int rc = db_query_int(d,
                          "INSERT INTO services (trust_code, name, specialty, treatment_function_code, gp_contact,"
                          " patient_contact) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id",
                          6, p, 0, &id);
    if (rc)
        return rc;
    row->id = id;
    row->trust = t;
    row->spec = s;
    name_service_staff(row, t, s);
    int persona_triager = (t == 0 && s == 0) || (t == 1 && s == 1);
    char name[160];
    if (!persona_triager) {
        snprintf(name, sizeof(name), "Dr %s %s (%s triage)", gen__given_m[(t * 8 + s) % 20],
                 gen__family[(t * 8 + s * 3) % 40], demo__services[s].name);
        rc = add_user(d, row->triager, name, "triager", demo__trusts[t].code, id, NULL, 0);
    }
    if (rc == 0 && !(t == 0 && s == 0)) {
        snprintf(name, sizeof(name), "Dr %s %s", gen__given_f[(t * 8 + s) % 20], gen__family[(t * 8 + s * 7 + 5) % 40]);
        rc = add_user(d, row->clinician, name, "clinician", demo__trusts[t].code, id, NULL, 0);
    }
    return rc;
}

/* Every trust's services; then synthetic GPs for the practices without a
 * persona GP, and Southmere's booking team. */
static int add_services_and_staff(demo_state *st)
{
    int rc = 0;
    for (int t = 0; rc == 0 && t < N_TRUSTS; t++)
        for (int s = 0; rc == 0 && s < N_SERVICES; s++) {
            rc = add_service(st->d, t, s, &st->svcs[st->n_svcs]);
            if (rc == 0)
                st->n_svcs++;
        }
    for (int i = 2; rc == 0 && i < N_PRACTICES; i++) {
        char u[32], name[96];
        snprintf(u, sizeof(u), "gp.z%05d", i + 1);
        snprintf(name, sizeof(name), "Dr %s %s", gen__given_f[i % 20], gen__family[(i * 5) % 40]);
        rc = add_user(st->d, u, name, "gp", demo__practices[i].code, 0, NULL, 0);
    }
    if (rc == 0)
        rc = add_user(st->d, "booking.rzb", "Southmere booking team", "booking", "RZB", 0, NULL, 0);
    return rc;
}

/* Patient i, registered at practice pr, with NHS number digits. */
static int add_patient(db *d, const char *digits, int pr)
{
    int female = demo__chance(51);
    int age = demo__rnd_int(0, 95);
    int year = 2026 - age;
    char birth[24], lsoa[16]; /* room for any int year, to please -Wformat-truncation */
    snprintf(birth, sizeof(birth), "%04d-%02d-%02d", year, demo__rnd_int(1, 12), demo__rnd_int(1, 28));
    int imd = demo__practices[pr].imd_centre + demo__rnd_int(-2, 2);
    imd = imd < 1 ? 1 : imd > 10 ? 10 : imd;
    snprintf(lsoa, sizeof(lsoa), "E0100%04d", demo__rnd_int(1000, 9999));
    int e = demo__rnd_int(1, 100);
    /* Deprived practices here have more diverse lists, as in many cities. */
    const char *eth = e <= (demo__practices[pr].imd_centre <= 4 ? 45 : 75) ? ethnicities[0]
                      : e <= 80                                            ? ethnicities[1]
                      : e <= 90                                            ? ethnicities[2]
                      : e <= 94                                            ? ethnicities[3]
                      : e <= 97                                            ? ethnicities[4]
                                                                           : ethnicities[5];
    db_param p[] = {DBP_TEXT(digits),
                    DBP_TEXT(ICB),
                    DBP_TEXT(female ? gen__given_f[demo__rnd_int(0, 19)] : gen__given_m[demo__rnd_int(0, 19)]),
                    DBP_TEXT(gen__family[demo__rnd_int(0, 39)]),
                    DBP_TEXT(birth),
                    DBP_TEXT(female ? "female" : "male"),
                    DBP_TEXT(demo__practices[pr].postcode),
                    DBP_TEXT(lsoa),
                    DBP_INT(imd),
                    DBP_TEXT(eth),
                    DBP_TEXT(demo__practices[pr].code)};
    return exec(d,
                "INSERT INTO patients (nhs_number, icb_code, given_name, family_name, birth_date, sex, postcode,"
                " lsoa, imd_decile, ethnicity, practice_code) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
                11, p);
}

/* Patients in the 999 test range, spread over the practices in turn. */
static int add_patients(demo_state *st)
{
    int n = st->opt->patients;
    long long prefix = 999000001;
    st->patient_practice = calloc((size_t)n, sizeof(int));
    st->nhs_list = calloc((size_t)n, NHS_NUMBER_LEN);
    if (!st->patient_practice || !st->nhs_list)
        return SEAM_ENOMEM;
    int rc = 0;
    for (int i = 0; rc == 0 && i < n; i++) {
        char digits[24];
        int check;
        do {
            snprintf(digits, sizeof(digits), "%09lld", prefix++ % 1000000000LL);
            check = nhs_number_check_digit(digits);
        } while (check < 0);
        digits[9] = (char)('0' + check);
        digits[10] = '\0';
        int pr = i % N_PRACTICES;
        rc = add_patient(st->d, digits, pr);
        memcpy(st->nhs_list[i], digits, NHS_NUMBER_LEN);
        st->patient_practice[i] = pr;
        if (i == 0)
            memcpy(st->first_nhs, digits, NHS_NUMBER_LEN);
    }
    return rc;
}

/* The personas, in the order the sign-in page lists them. */
static const struct {
    const char *username, *name, *role, *org;
    int svc; /* index into demo_state.svcs, or -1 */
} personas[] = {
    {"gp.patel", "Dr Anjali Patel", "gp", "Z00001", -1},
    {"gp.okafor", "Dr Chidi Okafor", "gp", "Z00002", -1},
    {"admin.riverside", "Sam Riley (practice administrator)", "practice_admin", "Z00001", -1},
    {"triage.cardio", "Dr Amelia Hart (consultant cardiologist)", "triager", "RZA", 0},
    {"clinician.cardio", "Dr Ben Carter (cardiology registrar)", "clinician", "RZA", 0},
    {"triage.derm.rzb", "Dr Leila Haddad (consultant dermatologist)", "triager", "RZB", N_SERVICES + 1},
    {"booking.rza", "Jo Marsh (booking clerk)", "booking", "RZA", -1},
    {"lead.rza", "Dr Ruth Osei (interface lead)", "interface_lead", "RZA", -1},
    {"analyst.icb", "Tom Fraser (ICB analyst)", "icb_analyst", ICB, -1},
    {"admin", "Seam administrator", "admin", ICB, -1},
    {"patient.demo", "Demo patient", "patient", "Z00001", -1},
};

static int add_personas(demo_state *st)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof(personas) / sizeof(personas[0]); i++) {
        int patient = strcmp(personas[i].role, "patient") == 0;
        rc = add_user(st->d, personas[i].username, personas[i].name, personas[i].role, personas[i].org,
                      personas[i].svc >= 0 ? st->svcs[personas[i].svc].id : 0, patient ? st->first_nhs : NULL,
                      (int)i + 1);
        /* One clinician works in two services, so the multi-service case
         * shows: the registrar also covers Respiratory Medicine at Northgate. */
        if (rc == 0 && strcmp(personas[i].username, "clinician.cardio") == 0)
            rc = add_membership(st->d, "clinician.cardio", st->svcs[N_SERVICES - 1].id);
    }
    if (rc == 0) {
        /* The patient persona's display name is the patient's own. */
        db_param p[] = {DBP_TEXT(st->first_nhs)};
        rc = exec(st->d,
                  "UPDATE users SET display_name = (SELECT given_name || ' ' || family_name FROM patients"
                  " WHERE nhs_number = $1) WHERE username = 'patient.demo'",
                  1, p);
    }
    return rc;
}

int demo__people(demo_state *st)
{
    int rc = db_begin(st->d);
    if (rc)
        return rc;
    if ((rc = add_orgs(st)) == 0 && (rc = add_services_and_staff(st)) == 0 && (rc = add_patients(st)) == 0 &&
        (rc = add_personas(st)) == 0 && (rc = auth_issuer_ensure(st->d)) == 0)
        rc = db_commit(st->d);
    else
        db_rollback(st->d);
    if (rc == 0 && st->log)
        fprintf(st->log, "seam demo: 1 ICB, %d trusts, %d services, %d practices, %d patients\n", N_TRUSTS, st->n_svcs,
                N_PRACTICES, st->opt->patients);
    return rc;
}
