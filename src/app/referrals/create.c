/*
 * referrals/create.c - making a referral: a GP's (or practice
 * administrator's) to a service, or a hospital clinician's onward referral
 * from one the trust holds.  Steps: read the body, find the patient, load
 * the service, insert, open the triage task and record the event, start
 * the RTT pathway.
 */
#include "app/referrals/referrals_internal.h"
#include "app/waiting/waiting.h"
#include "common/rc.h"
#include "core/calendar.h"
#include "core/nhs_number.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A referral being made, from step to step. */
typedef struct ref_new {
    int onward; /* an onward referral, from onward_from */
    long long onward_from, service_id, id;
    int same_condition;
    const char *nhs_in, *prio_s, *reason, *summary;
    ref_priority prio;
    char nhs[NHS_NUMBER_LEN], icb[16], practice[16], clock[SEAM_DATE_LEN], pathway[48];
    svc_info svc;
} ref_new;

/* Who may refer, and the body's fields, checked. */
static int create_read(app_ctx *ctx, json_t *body, ref_new *n)
{
    int have_service, have_onward, have_same, rc;
    n->onward = app_role_is_trust(ctx->user.role) && strcmp(ctx->user.role, "clinician") == 0;
    n->onward = n->onward || strcmp(ctx->user.role, "triager") == 0;
    if (!app_role_is_practice(ctx->user.role) && !n->onward)
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                        "Only a GP or practice administrator can make a referral, or a hospital clinician an onward"
                        " referral; your role is %s.",
                        ctx->user.role);
    if ((rc = app__body_int(ctx, body, "onward_from", 0, &n->onward_from, &have_onward)))
        return rc;
    if (!n->onward && have_onward)
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", "onward_from",
                        "Onward referrals are made by the hospital team treating the patient, not by the practice.");
    if (n->onward && !have_onward)
        return app_fail(ctx, SEAM_EINVALID, "missing_field", "onward_from",
                        "Select the referral this onward referral comes from.");
    if ((rc = app__body_str(ctx, body, "patient_nhs_number", !n->onward, 32, &n->nhs_in)) ||
        (rc = app__body_int(ctx, body, "service_id", 1, &n->service_id, &have_service)) ||
        (rc = app__body_str(ctx, body, "priority", 1, 32, &n->prio_s)) ||
        (rc = app__body_str(ctx, body, "reason", 1, REF_REASON_MAX, &n->reason)) ||
        (rc = app__body_str(ctx, body, "clinical_summary", 1, REF_SUMMARY_MAX, &n->summary)))
        return rc;
    if (n->onward && (rc = app__body_bool(ctx, body, "same_condition", 1, &n->same_condition, &have_same)))
        return rc;
    if (n->nhs_in && nhs_number_normalise(n->nhs_in, n->nhs) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_nhs_number", "patient_nhs_number",
                        "%s is not a valid NHS number (10 digits with a correct check digit).", n->nhs_in);
    if (ref_priority_parse(n->prio_s, &n->prio) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "priority",
                        "Select a priority: routine, urgent or two-week wait (two_week_wait).");
    return 0;
}

/* An onward referral's patient is the source referral's, which the
 * caller's trust must hold (not only see: it may be one it referred
 * onward).  The same condition carries the clock and pathway on, as in an
 * inter-provider transfer. */
static int create_patient_onward(app_ctx *ctx, ref_new *n)
{
    json_t *src = NULL;
    int rc = app__link_or_fail(ctx, APP_LINK_REFERRAL, n->onward_from, n->nhs, "onward_from", NULL);
    if (rc)
        return rc;
    rc = refview_load(ctx, n->onward_from, &src);
    if (rc == SEAM_ENOTFOUND)
        return app_fail(ctx, rc, "not_found", "onward_from", "No referral %lld is visible to you.", n->onward_from);
    if (rc)
        return rc;
    json_t *pt = json_object_get(src, "patient");
    snprintf(n->nhs, sizeof(n->nhs), "%s", json_string_value(json_object_get(pt, "nhs_number")));
    snprintf(n->icb, sizeof(n->icb), "%s", json_string_value(json_object_get(src, "icb_code")));
    snprintf(n->practice, sizeof(n->practice), "%s",
             json_string_value(json_object_get(json_object_get(pt, "practice"), "code")));
    if (n->same_condition) {
        snprintf(n->clock, sizeof(n->clock), "%s", json_string_value(json_object_get(src, "clock_start")));
        const char *pw = json_string_value(json_object_get(src, "pathway_id"));
        snprintf(n->pathway, sizeof(n->pathway), "%s", pw ? pw : "");
    }
    json_decref(src);
    return 0;
}

/* A practice refers its own patients: the patient must be registered at
 * the caller's practice. */
static int create_patient_practice(app_ctx *ctx, ref_new *n)
{
    db_rows *r;
    db_param pp[] = {DBP_TEXT(n->nhs), DBP_TEXT(ctx->user.org_code)};
    int rc = db_query(ctx->db, "SELECT icb_code FROM patients WHERE nhs_number = $1 AND practice_code = $2", 2, pp, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "patient_nhs_number",
                        "No patient with NHS number %s is registered at your practice.", n->nhs);
    }
    snprintf(n->icb, sizeof(n->icb), "%s", db_get(r, 0, 0));
    snprintf(n->practice, sizeof(n->practice), "%s", ctx->user.org_code);
    db_rows_free(r);
    return 0;
}

/* The service referred to, which must accept referrals. */
static int create_service(app_ctx *ctx, ref_new *n)
{
    int rc = app__svc_load(ctx, n->service_id, &n->svc);
    if (rc == SEAM_ENOTFOUND)
        return app_fail(ctx, rc, "not_found", "service_id", "There is no service %lld.", n->service_id);
    if (rc)
        return rc;
    if (!n->svc.accepts_referrals)
        return app_fail(ctx, SEAM_EINVALID, "service_not_accepting", "service_id",
                        "%s does not accept referrals; use its advice and guidance route.", n->svc.name);
    return 0;
}

/* Inserts the referral, awaiting triage, and names its pathway (the
 * source's for the same condition, else <trust>-<id>). */
static int create_insert(app_ctx *ctx, ref_new *n)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param ip[] = {DBP_TEXT(n->icb),
                     DBP_TEXT(n->nhs),
                     DBP_TEXT(ctx->user.username),
                     DBP_TEXT(ctx->user.org_code),
                     DBP_INT(n->svc.id),
                     DBP_TEXT(ref_priority_name(n->prio)),
                     DBP_TEXT(n->reason),
                     DBP_TEXT(n->summary),
                     DBP_TEXT(n->clock),
                     DBP_TEXT(now),
                     n->onward ? DBP_INT(n->onward_from) : DBP_NULL,
                     n->onward ? DBP_INT(n->same_condition) : DBP_NULL};
    int rc = db_query_int(ctx->db,
                          "INSERT INTO referrals (icb_code, patient_nhs_number, requester_username, requester_org,"
                          " service_id, priority, status, reason, clinical_summary, clock_start, status_since,"
                          " created_at, updated_at, onward_from, same_condition)"
                          " VALUES ($1, $2, $3, $4, $5, $6, 'awaiting_triage', $7, $8, $9, $10, $10, $10, $11, $12)"
                          " RETURNING id",
                          12, ip, 0, &n->id);
    if (rc)
        return app_db_fail(ctx, rc);
    if (!n->pathway[0])
        snprintf(n->pathway, sizeof(n->pathway), "%s-%lld", n->svc.trust, n->id);
    db_param pw[] = {DBP_TEXT(n->pathway), DBP_INT(n->id)};
    if ((rc = db_exec(ctx->db, "UPDATE referrals SET pathway_id = $1 WHERE id = $2", 2, pw)))
        return app_db_fail(ctx, rc);
    return 0;
}

/* Opens the triage task and records referral.created (or onward_created). */
static int create_record(app_ctx *ctx, const ref_new *n)
{
    json_t *after = ref__snapshot("awaiting_triage", ref_priority_name(n->prio), n->svc.id);
    int rc = ref__task_move(ctx, n->id, REF_AWAITING_TRIAGE, n->prio, &n->svc, n->practice, n->icb, 0, after);
    if (rc == 0) {
        json_t *detail = json_pack("{s:s}", "reason", n->reason);
        if (n->onward) {
            json_object_set_new(detail, "onward_from", json_integer(n->onward_from));
            json_object_set_new(detail, "same_condition", json_boolean(n->same_condition));
        }
        char *dt = json_dumps(detail, JSON_COMPACT);
        rc = app_event(ctx, n->onward ? "referral.onward_created" : "referral.created", "referral", n->id, n->nhs,
                       n->icb, NULL, after, dt);
        free(dt);
        json_decref(detail);
    }
    json_decref(after);
    return rc;
}

int app_referral_create(app_ctx *ctx, const void *arg, json_t **out)
{
    ref_new n;
    memset(&n, 0, sizeof(n));
    seam_date_format(ctx->now, n.clock); /* the clock starts today unless carried on */
    int rc = create_read(ctx, (json_t *)arg, &n);
    if (rc == 0)
        rc = n.onward ? create_patient_onward(ctx, &n) : create_patient_practice(ctx, &n);
    if (rc == 0 && (rc = create_service(ctx, &n)) == 0 && (rc = create_insert(ctx, &n)) == 0 &&
        (rc = create_record(ctx, &n)) == 0 && (rc = app__pathway_on_referral(ctx, n.id, "created", NULL)) == 0 &&
        (rc = ref__load_visible(ctx, n.id, out)) == 0)
        ctx->status = 201;
    return rc;
}
