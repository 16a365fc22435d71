/*
 * demo_internal.h - what the files of the demo ICB share: its fixed
 * organisations and services, the one random stream (every file draws
 * from it in the order the generator runs, so a seed makes one database),
 * and the helpers that drive the real use cases as a persona.
 *
 * Reading order: demo.c (the driver), demo_people.c (organisations,
 * services, staff, patients, personas), demo_referrals.c (a referral's
 * pathway), demo_care.c (letters, results, follow-ups), demo_advice.c
 * (advice and guidance), demo_ptl.c (the trusts' PTLs).
 */
#ifndef SEAM_GEN_DEMO_INTERNAL_H
#define SEAM_GEN_DEMO_INTERNAL_H

#include "app/app.h"
#include "core/nhs_number.h"
#include "gen/gen.h"

#define ICB         "QZZ"
#define N_TRUSTS    2
#define N_SERVICES  8
#define N_PRACTICES 12

typedef struct demo_trust {
    const char *code, *name, *phone;
} demo_trust;
extern const demo_trust demo__trusts[N_TRUSTS];

typedef struct demo_service {
    const char *name, *slug, *tfc;
} demo_service;
extern const demo_service demo__services[N_SERVICES];

typedef struct demo_practice {
    const char *code, *name, *postcode;
    int imd_centre; /* typical deprivation decile of the list */
} demo_practice;
extern const demo_practice demo__practices[N_PRACTICES];

/* Reasons for referral, three per service. */
extern const char *const demo__reasons[N_SERVICES][3];

/* A service as the simulation uses it: its id and its two staff. */
typedef struct svc_row {
    long long id;
    int trust;
    int spec;
    char triager[64], clinician[64];
} svc_row;

/* The run: filled by demo__people, used by the simulations. */
typedef struct demo_state {
    db *d;
    const gen_options *opt;
    FILE *log;
    svc_row svcs[N_TRUSTS * N_SERVICES];
    int n_svcs;
    char first_nhs[NHS_NUMBER_LEN]; /* the patient persona */
    char (*nhs_list)[NHS_NUMBER_LEN];
    int *patient_practice;
    app_ctx ctx;
} demo_state;

/* demo.c: the random stream (xorshift64*). */
void demo__seed(unsigned long long seed);
int demo__rnd_int(int lo, int hi); /* inclusive */
int demo__chance(int percent);

/* demo.c: time.  A time on a working day between 08:00 and 18:00, and one
 * n working days after t. */
seam_time demo__working_time(seam_time day_start);
seam_time demo__after_working_days(seam_time t, int n);

/* demo.c: acting as a persona.  Each fails loudly (a generator bug). */
int demo__act_as(app_ctx *ctx, const char *username);
int demo__run(app_ctx *ctx, app_fn fn, const void *arg, json_t **out);
int demo__run_as(app_ctx *ctx, const char *user, app_fn fn, const void *arg, json_t **out);
/* A referral action as user; takes body. */
int demo__act(app_ctx *ctx, const char *user, long long id, const char *action, json_t *body);
/* The usernames of a practice's GP and of a service's booking team. */
void demo__gp_of(int practice, char gp[32]);
void demo__booking_of(const svc_row *svc, char booking[32]);

/* demo_people.c: organisations, services and staff, patients and personas,
 * in one transaction.  0 or rc. */
int demo__people(demo_state *st);
/* demo_referrals.c: one referral from creation through its pathway. */
int demo__referral(app_ctx *ctx, const gen_options *opt, const char *nhs, int practice, svc_row *svcs, int n_svcs,
                   int s_idx);
/* demo_care.c: after an attendance. */
int demo__write_letter(app_ctx *ctx, const gen_options *opt, const svc_row *svc, long long referral_id,
                       seam_time attended, const char *gp);
int demo__simulate_result(app_ctx *ctx, const gen_options *opt, const svc_row *svc, long long referral_id,
                          const char *nhs, seam_time t, const char *gp);
int demo__simulate_follow_up(app_ctx *ctx, const gen_options *opt, const svc_row *svc, long long referral_id,
                             seam_time t, const char *gp);
/* demo_advice.c: one advice and guidance exchange. */
int demo__advice(app_ctx *ctx, const gen_options *opt, const char *nhs, int practice, svc_row *svc);
/* demo_ptl.c: each trust's PTL, loaded through the real importer. */
int demo__ptl(db *d, const gen_options *opt, FILE *log);

#endif
