/*
 * care_internal.h - what the rooms of complete care (src/app/care/) share.
 * Complete care is the hospital's part of the work after a referral, owned
 * and due like any handoff: a test it ordered is its to review (never the
 * GP's unless the GP accepts it), a letter is due after every attendance
 * and discharge, follow-ups are the hospital's to book, and a missed
 * appointment is the service's to deal with.  The GP's inbox separates
 * what the GP must do from copies for information.  Internal to
 * src/app/care; the use cases are declared in app.h, and what the rest of
 * src/app calls in app/care.h.
 */
#ifndef SEAM_APP_CARE_INTERNAL_H
#define SEAM_APP_CARE_INTERNAL_H

#include "app/app.h"
#include "app/care/care.h"
#include "app/frame/frame.h"
#include "core/handoff.h"
#include "core/nhs_number.h"

#define TEXT_MAX       20000
#define MAX_GP_ACTIONS 20

/* The patient and service columns of an object x (PS_COLUMNS, 9 of them)
 * and the joins that bring them (PS_JOINS). */
#define PS_COLUMNS                                                                                                     \
    " p.nhs_number, p.given_name, p.family_name, p.practice_code, pr.name, s.id, s.name, s.trust_code, tr.name"
#define PS_JOINS                                                                                                       \
    " JOIN patients p ON p.nhs_number = x.patient_nhs_number JOIN organisations pr ON pr.code = p.practice_code"       \
    " JOIN services s ON s.id = x.service_id JOIN organisations tr ON tr.code = s.trust_code"

/* A clinician or triager (hospital specialist staff). */
int care__is_specialist(const char *role);

/* Who may see an object about patient p at service s. */
void care__visibility(app_ctx *ctx, sqlb *b);

/* GP action n of a letter's JSON (its "gp_actions" entry), borrowed;
 * NULL when the letter has none. */
json_t *care__gp_action_of(const json_t *letter, int n);

/* Moves GP action n of letter_id out of state from: runs "UPDATE
 * letter_actions SET <set>" where set uses $1..$4 (p, four parameters),
 * for that action while it is still in from.  0 with *changed (rows
 * changed: 0 when it had already moved), or the error recorded on ctx. */
int care__gp_action_update(app_ctx *ctx, long long letter_id, int n, const char *from, const char *set,
                           const db_param p[4], long long *changed);

/* The patient at columns c.. of row i (nhs_number, given_name,
 * family_name, practice code, practice name) as JSON. */
json_t *care__patient_brief(const db_rows *r, int i, int c);

/* The service at columns c.. of row i (id, name, trust code, trust name)
 * as JSON. */
json_t *care__service_brief(const db_rows *r, int i, int c);

/* Checks the caller is hospital staff at the service's trust; loads it
 * (404 recorded on ctx otherwise). */
int care__trust_service(app_ctx *ctx, long long service_id, svc_info *svc);

/* The body's patient_nhs_number, who must have a referral to the caller's
 * trust: its normalised number and ICB. */
int care__trust_patient(app_ctx *ctx, json_t *body, char nhs[NHS_NUMBER_LEN], char icb[16]);

/* The body's service_id (the caller's service when absent), checked with
 * care__trust_service. */
int care__body_service(app_ctx *ctx, json_t *body, svc_info *svc);

#endif
