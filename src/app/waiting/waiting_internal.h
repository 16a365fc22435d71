/*
 * waiting_internal.h - what the rooms of the shared waiting list
 * (src/app/waiting/) share: RTT pathways as each organisation may see
 * them, clinical priority and its history, priority reviews asked by GPs
 * (a handoff to the service, like every task), the RTT and inequality
 * measures, and estimated waits.  Pathways of referrals made in Seam
 * follow the referral (clock.c); others come from trusts' PTL imports
 * (ptl.c).  See docs/waiting-list.md.  Internal to src/app/waiting; the
 * use cases are declared in app.h.
 */
#ifndef SEAM_APP_WAITING_INTERNAL_H
#define SEAM_APP_WAITING_INTERNAL_H

#include "app/app.h"
#include "app/frame/sqlb.h"
#include "core/calendar.h"

#include <stdint.h>

#define REASON_MAX 2000

/* ---------------------------------------------------------------------
 * One pathway row: its columns and joins, and the index of each column
 */

#define PW_COLS_HEAD                                                                                                   \
    " pw.id, pw.ppi, pw.source, pw.referral_id, p.nhs_number, p.given_name, p.family_name, p.birth_date,"              \
    " p.practice_code, po.name, pw.trust_code, tr.name, s.id, s.name, s.specialty, pw.treatment_function_code,"        \
    " pw.referral_priority, pw.referral_received,"
#define PW_COLS_CLOCK " pw.clock_start, pw.clock_start_day, pw.clock_stop, pw.clock_stop_day, pw.rtt_status, pw.open,"
/* At a past census (rp: the period waiting then, if any): a pathway on
 * the list as it stood shows that period's start, no stop, and its status
 * now if that period still runs (else the status it started with). */
#define PW_COLS_CLOCK_PAST                                                                                             \
    " COALESCE(rp.start_date, pw.clock_start), COALESCE(rp.start_day, pw.clock_start_day),"                            \
    " CASE WHEN rp.id IS NULL THEN pw.clock_stop END, CASE WHEN rp.id IS NULL THEN pw.clock_stop_day END,"             \
    " CASE WHEN rp.id IS NULL OR (rp.current = 1 AND rp.stop_day IS NULL) THEN pw.rtt_status"                          \
    " ELSE rp.start_status END, CASE WHEN rp.id IS NULL THEN 0 ELSE 1 END,"
#define PW_COLS_TAIL                                                                                                   \
    " pw.waiting_list_type, pw.priority, pw.priority_set_at,"                                                          \
    " pw.priority_set_by, pu.display_name, pw.priority_reason, pw.treat_by, pw.review_date, pw.last_activity,"         \
    " pw.next_activity, pw.version, rv.id, rv.requested_at, rv.due_at, rv.reason, pw.icb_code, s.patient_contact"
#define PW_COLUMNS PW_COLS_HEAD PW_COLS_CLOCK PW_COLS_TAIL
#define PW_FROM                                                                                                        \
    " FROM pathways pw JOIN patients p ON p.nhs_number = pw.patient_nhs_number"                                        \
    " JOIN organisations po ON po.code = p.practice_code"                                                              \
    " JOIN organisations tr ON tr.code = pw.trust_code"                                                                \
    " JOIN services s ON s.id = pw.service_id"                                                                         \
    " LEFT JOIN users pu ON pu.username = pw.priority_set_by"                                                          \
    " LEFT JOIN priority_reviews rv ON rv.pathway_id = pw.id AND rv.status = 'open'"

enum {
    C_ID,
    C_PPI,
    C_SOURCE,
    C_REFERRAL,
    C_NHS,
    C_GIVEN,
    C_FAMILY,
    C_BIRTH,
    C_PRACTICE,
    C_PRACTICE_NAME,
    C_TRUST,
    C_TRUST_NAME,
    C_SVC,
    C_SVC_NAME,
    C_SPECIALTY,
    C_TFC,
    C_REF_PRIO,
    C_RECEIVED,
    C_START,
    C_START_DAY,
    C_STOP,
    C_STOP_DAY,
    C_STATUS,
    C_OPEN,
    C_WLT,
    C_PRIO,
    C_PRIO_AT,
    C_PRIO_BY,
    C_PRIO_BY_NAME,
    C_PRIO_REASON,
    C_TREAT_BY,
    C_REVIEW_DATE,
    C_LAST,
    C_NEXT,
    C_VERSION,
    C_RV_ID,
    C_RV_AT,
    C_RV_DUE,
    C_RV_REASON,
    C_ICB,
    C_PATIENT_CONTACT,
};

/* One priority review row: its columns and joins. */
#define RV_COLUMNS                                                                                                     \
    " rv.id, rv.pathway_id, rv.status, rv.reason, rv.requested_by, ru.display_name, rv.requested_org, ro.name,"        \
    " rv.requested_at, rv.due_at, rv.outcome, rv.answer, rv.from_priority, rv.to_priority, rv.answered_by,"            \
    " au.display_name, rv.answered_at, p.nhs_number, p.given_name, p.family_name, s.id, s.name, s.trust_code,"         \
    " tr.name, rv.icb_code, rv.version"
#define RV_FROM                                                                                                        \
    " FROM priority_reviews rv JOIN pathways pw ON pw.id = rv.pathway_id"                                              \
    " JOIN patients p ON p.nhs_number = rv.patient_nhs_number JOIN services s ON s.id = rv.service_id"                 \
    " JOIN organisations tr ON tr.code = s.trust_code JOIN organisations ro ON ro.code = rv.requested_org"             \
    " LEFT JOIN users ru ON ru.username = rv.requested_by LEFT JOIN users au ON au.username = rv.answered_by"

/* Day number day as YYYY-MM-DD. */
void waiting__day_format(int64_t day, char buf[SEAM_DATE_LEN]);

/* A date parameter (YYYY-MM-DD) as a day number; 0 ok, -1 bad. */
int waiting__day_parse(const char *s, int64_t *out);

/* The census day of a query: census= or today (400 recorded on ctx when
 * census is not a date). */
int waiting__census(app_ctx *ctx, const char *census, int64_t *out);

/* Row i of PW_COLUMNS as the pathway's JSON at census day census. */
json_t *waiting__pathway_json(const db_rows *r, int i, int64_t census);

/* Who may see a pathway: the patient's practice, the trust holding it,
 * the patient, the ICB of the patient's population, admin. */
void waiting__visibility(app_ctx *ctx, sqlb *b);

/* Runs query q into *r: an app error when q overflowed or the database
 * failed. */
int waiting__query(app_ctx *ctx, const sqlb *q, db_rows **r);

/* Loads one visible pathway row (PW_COLUMNS); SEAM_ENOTFOUND if none. */
int waiting__load_rows(app_ctx *ctx, long long id, db_rows **out);

/* The priority reviews of RV_FROM with w's WHERE clause, as a JSON
 * array. */
int waiting__reviews_of(app_ctx *ctx, sqlb *w, json_t **out);

#endif
