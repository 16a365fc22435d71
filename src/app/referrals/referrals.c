/*
 * referrals.c - the referral use cases: create, read, list, act (triage,
 * book, attend, discharge, withdraw, resubmit, close), history.
 *
 * Every state change closes the referral's open task and opens the next
 * one (src/core/handoff.c says who and by when), writes the referral, and
 * records an event with before and after, all in the caller's
 * transaction (app_run).
 */
#include "app/frame/access.h"
#include "app/app.h"
#include "app/care/care.h"
#include "app/referrals/referrals.h"
#include "app/advice/advice.h"
#include "app/waiting/waiting.h"
#include "app/frame/sqlb.h"
#include "common/rc.h"
#include "core/calendar.h"
#include "core/handoff.h"
#include "core/nhs_number.h"
#include "core/referral.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REASON_MAX  500
#define SUMMARY_MAX 20000
#define COMMENT_MAX 4000

/* Closes the open task of a referral and opens the one for status. */
static int task_move(app_ctx *ctx, long long ref_id, ref_status status, ref_priority prio, const svc_info *svc,
                     const char *practice, const char *icb, seam_time appointment, json_t *snapshot)
{
    handoff_rule rule;
    if (handoff_for_status(status, &rule) != 0)
        return app__task_move(ctx, "referral_id", ref_id, NULL, NULL, 0, 0, icb, snapshot);
    seam_time due = handoff_due(status, prio, &svc->t, ctx->now, appointment);
    const char *org = rule.side == HANDOFF_PRACTICE ? practice : svc->trust;
    return app__task_move(ctx, "referral_id", ref_id, &rule, org, svc->id, due, icb, snapshot);
}

static json_t *snapshot(const char *status, const char *priority, long long service_id)
{
    return json_pack("{s:s,s:s,s:I}", "status", status, "priority", priority, "service_id", (json_int_t)service_id);
}

/* Loads one referral visible to the caller, as JSON.  SEAM_ENOTFOUND
 * (recorded on ctx) when absent or not visible. */
static int load_visible(app_ctx *ctx, long long id, json_t **out)
{
    int rc = refview_load(ctx, id, out);
    if (rc == SEAM_ENOTFOUND)
        return app_fail(ctx, rc, "not_found", NULL, "No referral %lld is visible to you.", id);
    return rc;
}

int app_referral_create(app_ctx *ctx, const void *arg, json_t **out)
{
    json_t *body = (json_t *)arg;
    const char *nhs_in = NULL, *prio_s, *reason, *summary;
    long long service_id, onward_from = 0;
    int have_service, have_onward, same_condition = 0, have_same, rc;
    int onward = app_role_is_trust(ctx->user.role) && strcmp(ctx->user.role, "clinician") == 0;
    onward = onward || strcmp(ctx->user.role, "triager") == 0;

    if (!app_role_is_practice(ctx->user.role) && !onward)
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                        "Only a GP or practice administrator can make a referral, or a hospital clinician an onward"
                        " referral; your role is %s.",
                        ctx->user.role);
    if ((rc = app__body_int(ctx, body, "onward_from", 0, &onward_from, &have_onward)))
        return rc;
    if (!onward && have_onward)
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", "onward_from",
                        "Onward referrals are made by the hospital team treating the patient, not by the practice.");
    if (onward && !have_onward)
        return app_fail(ctx, SEAM_EINVALID, "missing_field", "onward_from",
                        "Select the referral this onward referral comes from.");
    if ((rc = app__body_str(ctx, body, "patient_nhs_number", !onward, 32, &nhs_in)) ||
        (rc = app__body_int(ctx, body, "service_id", 1, &service_id, &have_service)) ||
        (rc = app__body_str(ctx, body, "priority", 1, 32, &prio_s)) ||
        (rc = app__body_str(ctx, body, "reason", 1, REASON_MAX, &reason)) ||
        (rc = app__body_str(ctx, body, "clinical_summary", 1, SUMMARY_MAX, &summary)))
        return rc;
    if (onward && (rc = app__body_bool(ctx, body, "same_condition", 1, &same_condition, &have_same)))
        return rc;
    ref_priority prio;
    char nhs[NHS_NUMBER_LEN] = "";
    if (nhs_in && nhs_number_normalise(nhs_in, nhs) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_nhs_number", "patient_nhs_number",
                        "%s is not a valid NHS number (10 digits with a correct check digit).", nhs_in);
    if (ref_priority_parse(prio_s, &prio) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "priority",
                        "Select a priority: routine, urgent or two-week wait (two_week_wait).");

    char icb[16], practice[16], today[SEAM_DATE_LEN], clock[SEAM_DATE_LEN], pathway[48] = "";
    seam_date_format(ctx->now, today);
    snprintf(clock, sizeof(clock), "%s", today);
    if (onward) {
        /* The patient is the source referral's, which the caller's trust
         * must hold (not only see: it may be one it referred onward). */
        json_t *src = NULL;
        if ((rc = app__link_or_fail(ctx, APP_LINK_REFERRAL, onward_from, nhs, "onward_from", NULL)))
            return rc;
        rc = refview_load(ctx, onward_from, &src);
        if (rc == SEAM_ENOTFOUND)
            return app_fail(ctx, rc, "not_found", "onward_from", "No referral %lld is visible to you.", onward_from);
        if (rc)
            return rc;
        json_t *pt = json_object_get(src, "patient");
        snprintf(nhs, sizeof(nhs), "%s", json_string_value(json_object_get(pt, "nhs_number")));
        snprintf(icb, sizeof(icb), "%s", json_string_value(json_object_get(src, "icb_code")));
        snprintf(practice, sizeof(practice), "%s",
                 json_string_value(json_object_get(json_object_get(pt, "practice"), "code")));
        if (same_condition) {
            /* Same condition: the clock and pathway carry on, as in an inter-provider transfer. */
            snprintf(clock, sizeof(clock), "%s", json_string_value(json_object_get(src, "clock_start")));
            const char *pw = json_string_value(json_object_get(src, "pathway_id"));
            snprintf(pathway, sizeof(pathway), "%s", pw ? pw : "");
        }
        json_decref(src);
    } else {
        /* The patient must be registered at the caller's practice. */
        db_rows *r;
        db_param pp[] = {DBP_TEXT(nhs), DBP_TEXT(ctx->user.org_code)};
        rc = db_query(ctx->db, "SELECT icb_code FROM patients WHERE nhs_number = $1 AND practice_code = $2", 2, pp, &r);
        if (rc)
            return app_db_fail(ctx, rc);
        if (db_nrows(r) == 0) {
            db_rows_free(r);
            return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "patient_nhs_number",
                            "No patient with NHS number %s is registered at your practice.", nhs);
        }
        snprintf(icb, sizeof(icb), "%s", db_get(r, 0, 0));
        snprintf(practice, sizeof(practice), "%s", ctx->user.org_code);
        db_rows_free(r);
    }

    svc_info svc;
    rc = app__svc_load(ctx, service_id, &svc);
    if (rc == SEAM_ENOTFOUND)
        return app_fail(ctx, rc, "not_found", "service_id", "There is no service %lld.", service_id);
    if (rc)
        return rc;
    if (!svc.accepts_referrals)
        return app_fail(ctx, SEAM_EINVALID, "service_not_accepting", "service_id",
                        "%s does not accept referrals; use its advice and guidance route.", svc.name);

    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param ip[] = {DBP_TEXT(icb),
                     DBP_TEXT(nhs),
                     DBP_TEXT(ctx->user.username),
                     DBP_TEXT(ctx->user.org_code),
                     DBP_INT(svc.id),
                     DBP_TEXT(ref_priority_name(prio)),
                     DBP_TEXT(reason),
                     DBP_TEXT(summary),
                     DBP_TEXT(clock),
                     DBP_TEXT(now),
                     onward ? DBP_INT(onward_from) : DBP_NULL,
                     onward ? DBP_INT(same_condition) : DBP_NULL};
    long long id;
    rc = db_query_int(ctx->db,
                      "INSERT INTO referrals (icb_code, patient_nhs_number, requester_username, requester_org,"
                      " service_id, priority, status, reason, clinical_summary, clock_start, status_since,"
                      " created_at, updated_at, onward_from, same_condition)"
                      " VALUES ($1, $2, $3, $4, $5, $6, 'awaiting_triage', $7, $8, $9, $10, $10, $10, $11, $12)"
                      " RETURNING id",
                      12, ip, 0, &id);
    if (rc)
        return app_db_fail(ctx, rc);
    if (!pathway[0])
        snprintf(pathway, sizeof(pathway), "%s-%lld", svc.trust, id);
    db_param pw[] = {DBP_TEXT(pathway), DBP_INT(id)};
    if ((rc = db_exec(ctx->db, "UPDATE referrals SET pathway_id = $1 WHERE id = $2", 2, pw)))
        return app_db_fail(ctx, rc);
    json_t *after = snapshot("awaiting_triage", ref_priority_name(prio), svc.id);
    rc = task_move(ctx, id, REF_AWAITING_TRIAGE, prio, &svc, practice, icb, 0, after);
    if (rc == 0) {
        json_t *detail = json_pack("{s:s}", "reason", reason);
        if (onward) {
            json_object_set_new(detail, "onward_from", json_integer(onward_from));
            json_object_set_new(detail, "same_condition", json_boolean(same_condition));
        }
        char *dt = json_dumps(detail, JSON_COMPACT);
        rc = app_event(ctx, onward ? "referral.onward_created" : "referral.created", "referral", id, nhs, icb, NULL,
                       after, dt);
        free(dt);
        json_decref(detail);
    }
    json_decref(after);
    if (rc == 0)
        rc = app__pathway_on_referral(ctx, id, "created", NULL);
    if (rc)
        return rc;
    rc = load_visible(ctx, id, out);
    if (rc == 0)
        ctx->status = 201;
    return rc;
}

int app_referral_get(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    int rc = load_visible(ctx, a->id, out);
    if (rc)
        return rc;
    return app_event_read(ctx, "referral", a->id, *out);
}

int app_referral_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_list_args *a = arg;
    int rc = refview_list(ctx, a, out);
    if (rc)
        return rc;
    /* Audit: one read event per patient disclosed on this page. */
    json_t *list = json_object_get(*out, "referrals");
    size_t i;
    json_t *ref;
    json_array_foreach(list, i, ref)
    {
        const char *nhs = json_string_value(json_object_get(json_object_get(ref, "patient"), "nhs_number"));
        rc = app_event(ctx, "read.referral_list", "referral", json_integer_value(json_object_get(ref, "id")), nhs,
                       ctx->user.icb_code, NULL, NULL, NULL);
        if (rc)
            return rc;
    }
    return 0;
}

/* The reasons a referral may be returned for (return.reason_code). */
static int return_reason_known(const char *code)
{
    static const char *const codes[] = {"more_information_needed", "tests_first",      "manage_in_primary_care",
                                        "needs_other_service",     "criteria_not_met", "other"};
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (strcmp(codes[i], code) == 0)
            return 1;
    return 0;
}

/* Which roles may take each action (beyond being able to see the referral). */
static int action_allowed(const char *action, const char *role)
{
    static const struct {
        const char *action;
        const char *roles;
    } table[] = {
        {"triage", " triager clinician "},
        {"book", " booking triager clinician "},
        {"attend", " clinician triager booking "},
        {"discharge", " clinician triager "},
        {"withdraw", " gp practice_admin clinician triager "},
        {"resubmit", " gp "},
        {"close", " gp "},
        {"convert_to_advice", " gp "},
        {"dna", " booking clinician triager "},
    };
    char needle[40];
    snprintf(needle, sizeof(needle), " %s ", role);
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(table[i].action, action) == 0)
            return strstr(table[i].roles, needle) != NULL;
    return 0;
}

int app_referral_act(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    json_t *body = a->body;
    json_t *cur = NULL;
    int rc = load_visible(ctx, a->id, &cur);
    if (rc)
        return rc;

    const char *status_s = json_string_value(json_object_get(cur, "status"));
    const char *prio_s = json_string_value(json_object_get(cur, "priority"));
    const char *nhs = json_string_value(json_object_get(json_object_get(cur, "patient"), "nhs_number"));
    const char *practice =
        json_string_value(json_object_get(json_object_get(json_object_get(cur, "patient"), "practice"), "code"));
    long long service_id = json_integer_value(json_object_get(json_object_get(cur, "service"), "id"));
    long long version = json_integer_value(json_object_get(cur, "version"));
    char icb[16];
    snprintf(icb, sizeof(icb), "%s", json_string_value(json_object_get(cur, "icb_code")));

    /* Seeing is not holding: a trust that referred onward sees the referral,
     * the receiving trust acts on it. */
    const char *trust =
        json_string_value(json_object_get(json_object_get(json_object_get(cur, "service"), "trust"), "code"));
    if ((rc = app__held_or_fail(ctx, trust, practice, service_id, "referral", a->id)))
        goto out;
    if (!action_allowed(a->action, ctx->user.role)) {
        rc = app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Your role (%s) cannot %s a referral.", ctx->user.role,
                      a->action);
        goto out;
    }
    long long want_version;
    int have_version;
    if ((rc = app__body_int(ctx, body, "version", 0, &want_version, &have_version)))
        goto out;
    if (have_version && want_version != version) {
        rc = app_fail(ctx, SEAM_ECONFLICT, "stale_version", "version",
                      "Referral %lld has changed since you loaded it (version %lld, now %lld); reload and try again.",
                      a->id, want_version, version);
        goto out;
    }

    ref_action act;
    const char *decision = NULL;
    if (strcmp(a->action, "triage") == 0) {
        if ((rc = app__body_str(ctx, body, "decision", 1, 32, &decision)))
            goto out;
        if (strcmp(decision, "accept") == 0)
            act = REF_ACT_ACCEPT;
        else if (strcmp(decision, "return") == 0)
            act = REF_ACT_RETURN;
        else if (strcmp(decision, "redirect") == 0)
            act = REF_ACT_REDIRECT;
        else if (strcmp(decision, "convert_to_advice") == 0)
            act = REF_ACT_CONVERT_TO_ADVICE;
        else {
            rc = app_fail(ctx, SEAM_EINVALID, "invalid_value", "decision",
                          "Select a triage decision: accept, return, redirect or convert_to_advice.");
            goto out;
        }
    } else if (strcmp(a->action, "dna") == 0) {
        /* A missed appointment is the service's to deal with. */
        if ((rc = app__body_text(ctx, body, "decision", "Select rebook or discharge", 1, 32, &decision)))
            goto out;
        if (strcmp(decision, "rebook") == 0)
            act = REF_ACT_DNA_REBOOK;
        else if (strcmp(decision, "discharge") == 0)
            act = REF_ACT_DNA_DISCHARGE;
        else {
            rc = app_fail(ctx, SEAM_EINVALID, "invalid_value", "decision",
                          "Select what happens after the missed appointment: rebook or discharge.");
            goto out;
        }
    } else if (ref_action_parse(a->action, &act) != 0) {
        rc = app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "Unknown action %s.", a->action);
        goto out;
    }

    ref_status from, to;
    ref_priority prio;
    if (ref_status_parse(status_s, &from) != 0 || ref_priority_parse(prio_s, &prio) != 0) {
        rc = app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Referral %lld has an unknown state.", a->id);
        goto out;
    }
    if (ref_transition(from, act, &to) != 0) {
        rc = app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL, "A referral that is %s cannot be %s.", status_s,
                      act == REF_ACT_ACCEPT              ? "accepted"
                      : act == REF_ACT_RETURN            ? "returned"
                      : act == REF_ACT_REDIRECT          ? "redirected"
                      : act == REF_ACT_BOOK              ? "booked"
                      : act == REF_ACT_ATTEND            ? "marked attended"
                      : act == REF_ACT_DISCHARGE         ? "discharged"
                      : act == REF_ACT_WITHDRAW          ? "withdrawn"
                      : act == REF_ACT_RESUBMIT          ? "resubmitted"
                      : act == REF_ACT_CONVERT_TO_ADVICE ? "converted to advice"
                      : act == REF_ACT_DNA_REBOOK        ? "rebooked after a missed appointment"
                      : act == REF_ACT_DNA_DISCHARGE     ? "discharged after a missed appointment"
                                                         : "closed");
        goto out;
    }

    /* Fields each action needs. */
    const char *reason_code = NULL, *question = NULL;
    int consent = 1, have_consent = 0; /* it was a referral: by default it may become one again */
    const char *comment = NULL, *advice = NULL, *appt_s = NULL, *reason = NULL, *summary = NULL, *newprio_s = NULL;
    long long to_service = 0;
    int have_to = 0;
    seam_time appt = 0, attended = ctx->now;
    svc_info svc;
    ref_priority newprio = prio;
    switch (act) {
    case REF_ACT_ACCEPT:
        if ((rc = app__body_str(ctx, body, "comment", 0, COMMENT_MAX, &comment)) ||
            (rc = app__body_str(ctx, body, "priority", 0, 32, &newprio_s)))
            goto out;
        break;
    case REF_ACT_RETURN:
        if ((rc = app__body_text(ctx, body, "comment", "Enter the reason for returning the referral", 1, COMMENT_MAX,
                                 &comment)) ||
            (rc = app__body_str(ctx, body, "advice", 1, COMMENT_MAX, &advice)) ||
            (rc = app__body_str(ctx, body, "reason_code", 0, 40, &reason_code)))
            goto out;
        if (reason_code == NULL)
            reason_code = "other";
        else if (!return_reason_known(reason_code)) {
            rc = app_fail(ctx, SEAM_EINVALID, "invalid_value", "reason_code",
                          "Select a reason: more_information_needed, tests_first, manage_in_primary_care,"
                          " needs_other_service, criteria_not_met or other.");
            goto out;
        }
        break;
    case REF_ACT_CONVERT_TO_ADVICE:
        if ((rc = app__body_str(ctx, body, "comment", 0, COMMENT_MAX, &comment)) ||
            (rc = app__body_str(ctx, body, "question", 0, SUMMARY_MAX, &question)) ||
            (rc = app__body_bool(ctx, body, "consent_to_convert", 0, &consent, &have_consent)))
            goto out;
        /* The specialist converts at triage; the GP converts a returned referral. */
        if ((from == REF_AWAITING_TRIAGE) != (strcmp(a->action, "triage") == 0)) {
            rc = app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL, "%s",
                          from == REF_RETURNED ? "A returned referral is turned into advice by its GP."
                                               : "Convert to advice is a triage decision.");
            goto out;
        }
        break;
    case REF_ACT_REDIRECT:
        if ((rc = app__body_int(ctx, body, "to_service_id", 1, &to_service, &have_to)) ||
            (rc = app__body_str(ctx, body, "comment", 0, COMMENT_MAX, &comment)) ||
            (rc = app__body_str(ctx, body, "priority", 0, 32, &newprio_s)))
            goto out;
        if (to_service == service_id) {
            rc = app_fail(ctx, SEAM_EINVALID, "invalid_value", "to_service_id",
                          "The referral is already with this service; choose another service to redirect to.");
            goto out;
        }
        break;
    case REF_ACT_BOOK:
        if ((rc = app__body_str(ctx, body, "appointment_at", 1, 40, &appt_s)))
            goto out;
        if (seam_time_parse(appt_s, &appt) != 0) {
            rc = app_fail(ctx, SEAM_EINVALID, "invalid_value", "appointment_at",
                          "Enter the appointment as a date and time, such as 2026-12-01T09:30:00Z.");
            goto out;
        }
        if (appt < ctx->now - 3600) {
            rc = app_fail(ctx, SEAM_EINVALID, "invalid_value", "appointment_at",
                          "The appointment must be in the future.");
            goto out;
        }
        if (appt > ctx->now + 2 * 366 * 86400LL) {
            rc = app_fail(ctx, SEAM_EINVALID, "invalid_value", "appointment_at",
                          "The appointment must be within the next two years.");
            goto out;
        }
        break;
    case REF_ACT_ATTEND: {
        /* The time the patient was seen (default now): never before the
         * booked appointment's day, never in the future. */
        const char *att_s = NULL, *appt_cur = json_string_value(json_object_get(cur, "appointment_at"));
        seam_time booked = 0;
        if ((rc = app__body_str(ctx, body, "comment", 0, COMMENT_MAX, &comment)) ||
            (rc = app__body_str(ctx, body, "attended_at", 0, 40, &att_s)))
            goto out;
        if (att_s && seam_time_parse(att_s, &attended) != 0) {
            rc = app_fail(ctx, SEAM_EINVALID, "invalid_value", "attended_at",
                          "Enter when the patient was seen as a date and time, such as 2026-12-01T09:30:00Z.");
            goto out;
        }
        if (appt_cur && seam_time_parse(appt_cur, &booked) != 0)
            booked = 0;
        switch (ref_attendance_check(attended, booked, ctx->now)) {
        case REF_ATTEND_OK: break;
        case REF_ATTEND_IN_FUTURE:
            rc = app_fail(ctx, SEAM_EINVALID, "attended_in_future", "attended_at",
                          "The attendance cannot be in the future: enter when the patient was seen.");
            goto out;
        case REF_ATTEND_BEFORE_APPOINTMENT:
            rc = app_fail(ctx, SEAM_EINVALID, "attended_before_appointment", "attended_at",
                          "The attendance cannot be before the booked appointment (%.10s): enter when the patient"
                          " was seen, or rebook the appointment.",
                          appt_cur);
            goto out;
        }
        break;
    }
    case REF_ACT_WITHDRAW:
        if ((rc = app__body_text(ctx, body, "reason", "Enter the reason for withdrawing the referral", 1, REASON_MAX,
                                 &reason)))
            goto out;
        break;
    case REF_ACT_RESUBMIT:
        if ((rc = app__body_text(ctx, body, "comment", "Enter your answer to the specialist's advice", 1, COMMENT_MAX,
                                 &comment)) ||
            (rc = app__body_str(ctx, body, "clinical_summary", 0, SUMMARY_MAX, &summary)))
            goto out;
        break;
    default:
        if ((rc = app__body_str(ctx, body, "comment", 0, COMMENT_MAX, &comment)))
            goto out;
        break;
    }
    if (newprio_s && ref_priority_parse(newprio_s, &newprio) != 0) {
        rc = app_fail(ctx, SEAM_EINVALID, "invalid_value", "priority",
                      "Select a priority: routine, urgent or two-week wait (two_week_wait).");
        goto out;
    }
    long long target_service = act == REF_ACT_REDIRECT ? to_service : service_id;
    rc = app__svc_load(ctx, target_service, &svc);
    if (rc == SEAM_ENOTFOUND) {
        rc = app_fail(ctx, rc, "not_found", act == REF_ACT_REDIRECT ? "to_service_id" : NULL,
                      "There is no service %lld.", target_service);
        goto out;
    }
    if (rc)
        goto out;
    if (act == REF_ACT_REDIRECT && !svc.accepts_referrals) {
        rc = app_fail(ctx, SEAM_EINVALID, "service_not_accepting", "to_service_id", "%s does not accept referrals.",
                      svc.name);
        goto out;
    }

    char now[SEAM_ISO_LEN], appt_iso[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    if (act == REF_ACT_BOOK)
        seam_time_format(appt, appt_iso);
    db_param p[] = {
        DBP_TEXT(ref_status_name(to)),                   /* $1 */
        DBP_TEXT(now),                                   /* $2 */
        DBP_INT(a->id),                                  /* $3 */
        DBP_INT(version),                                /* $4 */
        DBP_TEXT(ref_priority_name(newprio)),            /* $5 */
        DBP_TEXT(comment),                               /* $6 */
        DBP_TEXT(advice),                                /* $7 */
        DBP_TEXT(ctx->user.username),                    /* $8 */
        DBP_INT(target_service),                         /* $9 */
        DBP_TEXT(act == REF_ACT_BOOK ? appt_iso : NULL), /* $10 */
        DBP_TEXT(reason),                                /* $11 */
        DBP_TEXT(summary),                               /* $12 */
        DBP_TEXT(reason_code),                           /* $13 */
    };
    const char *set;
    switch (act) {
    case REF_ACT_ACCEPT: set = ", priority = $5, triage_comment = $6"; break;
    case REF_ACT_RETURN:
        set = ", return_reason = $6, return_advice = $7, returned_at = $2, returned_by = $8, triage_comment = $6,"
              " return_reason_code = $13";
        break;
    case REF_ACT_REDIRECT:
        set = ", original_service_id = COALESCE(original_service_id, service_id), service_id = $9,"
              " priority = $5, triage_comment = $6";
        break;
    case REF_ACT_BOOK: set = ", appointment_at = $10"; break;
    case REF_ACT_WITHDRAW: set = ", withdraw_reason = $11"; break;
    case REF_ACT_RESUBMIT: set = ", clinical_summary = COALESCE($12, clinical_summary)"; break;
    case REF_ACT_DNA_REBOOK: set = ", appointment_at = NULL"; break;
    default: set = ""; break;
    }
    char sql[512];
    snprintf(sql, sizeof(sql),
             "UPDATE referrals SET status = $1, status_since = $2, updated_at = $2, version = version + 1%s"
             " WHERE id = $3 AND version = $4",
             set);
    rc = db_exec(ctx->db, sql, 13, p);
    if (rc) {
        rc = app_db_fail(ctx, rc);
        goto out;
    }
    if (db_changes(ctx->db) != 1) {
        rc = app_fail(ctx, SEAM_ECONFLICT, "stale_version", NULL,
                      "Referral %lld was changed by someone else at the same moment; reload and try again.", a->id);
        goto out;
    }

    json_t *before = snapshot(status_s, prio_s, service_id);
    json_object_set(before, "owner", json_object_get(cur, "owner"));
    json_object_set(before, "due_at", json_object_get(cur, "due_at"));
    json_t *after = snapshot(ref_status_name(to), ref_priority_name(newprio), target_service);
    rc = task_move(ctx, a->id, to, newprio, &svc, practice, icb, appt, after);
    if (rc == 0) {
        json_t *detail = json_object();
        if (decision)
            json_object_set_new(detail, "decision", json_string(decision));
        if (comment)
            json_object_set_new(detail, "comment", json_string(comment));
        if (advice)
            json_object_set_new(detail, "advice", json_string(advice));
        if (act == REF_ACT_RETURN && reason_code)
            json_object_set_new(detail, "reason_code", json_string(reason_code));
        if (reason)
            json_object_set_new(detail, "reason", json_string(reason));
        if (act == REF_ACT_BOOK)
            json_object_set_new(detail, "appointment_at", json_string(appt_iso));
        if (act == REF_ACT_ATTEND) {
            char att_iso[SEAM_ISO_LEN];
            seam_time_format(attended, att_iso);
            json_object_set_new(detail, "attended_at", json_string(att_iso));
        }
        if (act == REF_ACT_REDIRECT) {
            json_object_set_new(detail, "from_service",
                                json_object_get(cur, "service") ? json_incref(json_object_get(cur, "service"))
                                                                : json_null());
            json_object_set_new(
                detail, "to_service",
                json_pack("{s:I,s:s,s:s}", "id", (json_int_t)svc.id, "name", svc.name, "trust", svc.trust));
        }
        if (summary)
            json_object_set_new(detail, "clinical_summary_updated", json_true());
        if (newprio != prio)
            json_object_set_new(detail, "priority_changed",
                                json_pack("{s:s,s:s}", "from", prio_s, "to", ref_priority_name(newprio)));
        char *dt = json_dumps(detail, JSON_COMPACT);
        char action[64];
        static const char *const past[REF_ACTION_COUNT] = {
            "accepted",     "returned",      "redirected",  "booked", "attended",
            "discharged",   "withdrawn",     "resubmitted", "closed", "converted_to_advice",
            "dna_rebooked", "dna_discharged"};
        snprintf(action, sizeof(action), "referral.%s", past[act]);
        rc = app_event(ctx, action, "referral", a->id, nhs, icb, before, after, dt);
        free(dt);
        json_decref(detail);
    }
    json_decref(before);
    json_decref(after);
    if (rc == 0)
        rc = app__pathway_on_referral(ctx, a->id, ref_action_name(act), body);
    if (rc)
        goto out;
    if (act == REF_ACT_ATTEND || act == REF_ACT_DNA_DISCHARGE) {
        /* After every attendance, and a discharge after a missed
         * appointment, a clinic letter to the GP is due. */
        if ((rc = app__letter_due(ctx, "clinic", nhs, icb, &svc, a->id, act == REF_ACT_ATTEND ? attended : ctx->now,
                                  NULL)))
            goto out;
    }
    if (act == REF_ACT_CONVERT_TO_ADVICE) {
        /* The referral becomes an advice request to the same service, with
         * its history: the thread starts from the referral's content. */
        char q[SUMMARY_MAX + REASON_MAX + 8];
        if (question == NULL) {
            snprintf(q, sizeof(q), "%s\n\n%s", json_string_value(json_object_get(cur, "reason")),
                     json_string_value(json_object_get(cur, "clinical_summary")));
            question = q;
        }
        json_t *req = json_object_get(cur, "requester");
        long long adv_id;
        rc = app__advice_open(
            ctx, nhs, icb, practice, &svc, prio == REF_PRIO_ROUTINE ? ADV_PRIO_ROUTINE : ADV_PRIO_URGENT, question,
            consent, a->id, json_string_value(json_object_get(cur, "created_at")),
            json_string_value(json_object_get(req, "username")),
            json_string_value(json_object_get(json_object_get(req, "organisation"), "code")), &adv_id);
        if (rc)
            goto out;
        db_param lp[] = {DBP_INT(adv_id), DBP_INT(a->id)};
        if ((rc = db_exec(ctx->db, "UPDATE referrals SET advice_id = $1 WHERE id = $2", 2, lp))) {
            rc = app_db_fail(ctx, rc);
            goto out;
        }
    }
    /* The caller may no longer see it after a redirect to another trust:
     * answer with what was done rather than a 404. */
    rc = refview_load(ctx, a->id, out);
    if (rc == SEAM_ENOTFOUND) {
        *out = json_pack("{s:I,s:s,s:b,s:s}", "id", (json_int_t)a->id, "status", ref_status_name(to), "visible", 0,
                         "message", "The referral now belongs to another service.");
        rc = 0;
    }
out:
    json_decref(cur);
    return rc;
}

int app_referral_history(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    json_t *cur = NULL;
    int rc = load_visible(ctx, a->id, &cur);
    if (rc)
        return rc;
    const char *nhs = json_string_value(json_object_get(json_object_get(cur, "patient"), "nhs_number"));
    char oid[32];
    snprintf(oid, sizeof(oid), "%lld", a->id);
    db_rows *r;
    db_param p[] = {DBP_TEXT(oid)};
    rc = db_query(ctx->db,
                  "SELECT e.id, e.at, e.action, e.actor, COALESCE(u.display_name, e.actor), e.actor_role,"
                  " e.actor_org, o.name, e.before_json, e.after_json, e.detail"
                  " FROM events e LEFT JOIN users u ON u.username = e.actor"
                  " LEFT JOIN organisations o ON o.code = e.actor_org"
                  " WHERE e.object_type = 'referral' AND e.object_id = $1 AND e.action NOT LIKE 'read.%'"
                  " ORDER BY e.id",
                  1, p, &r);
    if (rc) {
        json_decref(cur);
        return app_db_fail(ctx, rc);
    }
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r); i++) {
        json_t *before = db_get(r, i, 8) ? json_loads(db_get(r, i, 8), 0, NULL) : NULL;
        json_t *after = db_get(r, i, 9) ? json_loads(db_get(r, i, 9), 0, NULL) : NULL;
        json_t *detail = db_get(r, i, 10) ? json_loads(db_get(r, i, 10), 0, NULL) : NULL;
        json_t *org =
            db_get(r, i, 6) ? json_pack("{s:s,s:s?}", "code", db_get(r, i, 6), "name", db_get(r, i, 7)) : json_null();
        json_array_append_new(list,
                              json_pack("{s:I,s:s,s:s,s:{s:s,s:s,s:s,s:o},s:o,s:o,s:o}", "id",
                                        (json_int_t)db_geti(r, i, 0), "at", db_get(r, i, 1), "action", db_get(r, i, 2),
                                        "actor", "username", db_get(r, i, 3), "display_name", db_get(r, i, 4), "role",
                                        db_get(r, i, 5), "organisation", org, "before", before ? before : json_null(),
                                        "after", after ? after : json_null(), "detail", detail ? detail : json_null()));
    }
    db_rows_free(r);
    *out = json_pack("{s:I,s:o}", "referral_id", (json_int_t)a->id, "events", list);
    rc = app_event(ctx, "read.history", "referral", a->id, nhs, ctx->user.icb_code, NULL, NULL, NULL);
    json_decref(cur);
    return rc;
}
