/*
 * demo_care.c - care after an attendance, through the real use cases: the
 * clinic letter (and a GP action it asks, which the GP answers), a test
 * result and its review, and a follow-up.
 */
#include "app/app.h"
#include "app/care/care.h"
#include "common/rc.h"
#include "gen/demo_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The clinic letter after an attendance: usually on time, sometimes late,
 * sometimes with an action asked of the GP, which the GP answers. */
int demo__write_letter(app_ctx *ctx, const gen_options *opt, const svc_row *svc, long long referral_id,
                       seam_time attended, const char *gp)
{
    seam_time now = opt->now;
    seam_time t = demo__after_working_days(attended, demo__chance(12) ? demo__rnd_int(8, 16) : demo__rnd_int(0, 6));
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
    if ((rc = demo__act_as(ctx, svc->clinician)))
        return rc;
    int with_action = demo__chance(30);
    json_t *body =
        json_pack("{s:s,s:s,s:s}", "diagnosis", demo__reasons[svc->spec][demo__rnd_int(0, 2)], "hospital_actions",
                  "Results reviewed in clinic; plan agreed with the patient. The clinic will arrange any"
                  " further tests it needs.",
                  "medication_changes", "No changes.");
    if (with_action)
        json_object_set_new(body, "gp_actions",
                            json_pack("[{s:s,s:s}]", "text", "Please recheck U&E in 2 weeks after the dose change.",
                                      "reason", "Monitoring of a long-term medicine the practice prescribes."));
    app_id_body a = {letter_id, "send", body};
    json_t *out = NULL;
    rc = demo__run(ctx, app_letter_act, &a, &out);
    json_decref(out);
    json_decref(body);
    if (rc)
        return rc;
    t = demo__after_working_days(t, demo__chance(8) ? demo__rnd_int(10, 20) : demo__rnd_int(0, 5));
    if (t >= now)
        return 0;
    ctx->now = t;
    if ((rc = demo__act_as(ctx, gp)))
        return rc;
    if (with_action) {
        int accept = demo__chance(75);
        json_t *b = accept ? json_object()
                           : json_pack("{s:s}", "reason", "Monitoring belongs with the clinic that changed the dose.");
        app_gp_action ga = {letter_id, 1, accept ? "accept" : "decline", b};
        out = NULL;
        rc = demo__run(ctx, app_letter_gp_action, &ga, &out);
        json_decref(out);
        json_decref(b);
        if (rc)
            return rc;
        /* A declined action is the clinic's: usually arranged within the
         * target, a few still open (some overdue) on the worklist. */
        seam_time rt = demo__after_working_days(t, demo__rnd_int(1, 8));
        if (!accept && rt < now && demo__chance(85)) {
            ctx->now = rt;
            if ((rc = demo__act_as(ctx, svc->clinician)))
                return rc;
            json_t *rb = json_pack("{s:s,s:s}", "outcome", "arranged_by_hospital", "note",
                                   "Booked in the clinic's own monitoring list.");
            app_gp_action ra = {letter_id, 1, "resolve", rb};
            out = NULL;
            rc = demo__run(ctx, app_letter_gp_action_resolve, &ra, &out);
            json_decref(out);
            json_decref(rb);
            if (rc)
                return rc;
            ctx->now = t;
            if ((rc = demo__act_as(ctx, gp)))
                return rc;
        }
    }
    if (demo__chance(85)) {
        app_id_body r = {letter_id, "read", NULL};
        out = NULL;
        rc = demo__run(ctx, app_letter_act, &r, &out);
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
/* A test ordered in clinic: its result comes back to the clinic, which
 * reviews it, now and then asking the GP to take it on. */
int demo__simulate_result(app_ctx *ctx, const gen_options *opt, const svc_row *svc, long long referral_id,
                          const char *nhs, seam_time t, const char *gp)
{
    seam_time now = opt->now;
    if (!demo__chance(30) || t >= now)
        return 0;
    ctx->now = t;
    json_t *body = json_pack("{s:s,s:I,s:s,s:s,s:I}", "patient_nhs_number", nhs, "service_id", (json_int_t)svc->id,
                             "test", tests_by_specialty[svc->spec], "urgency", demo__chance(20) ? "urgent" : "routine",
                             "referral_id", (json_int_t)referral_id);
    json_t *out = NULL;
    int rc = demo__run_as(ctx, svc->clinician, app_order_create, body, &out);
    json_decref(body);
    long long order_id = rc ? 0 : json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    if (rc)
        return rc;
    t = demo__after_working_days(t, demo__rnd_int(1, 8));
    if (t >= now)
        return 0;
    ctx->now = t;
    body = json_pack("{s:I,s:s,s:b}", "order_id", (json_int_t)order_id, "summary",
                     "Report attached to the electronic record; see the conclusion.", "abnormal", demo__chance(25));
    out = NULL;
    rc = demo__run_as(ctx, svc->clinician, app_result_receive, body, &out);
    json_decref(body);
    long long result_id = rc ? 0 : json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    if (rc)
        return rc;
    t = demo__after_working_days(t, demo__chance(10) ? demo__rnd_int(4, 10) : demo__rnd_int(0, 2));
    if (t >= now)
        return 0;
    ctx->now = t;
    const char *reviewer = svc->clinician;
    if (demo__chance(12)) {
        json_t *b = json_pack("{s:s}", "reason", "Result relates to long-term monitoring the practice already does.");
        app_id_body h = {result_id, "handover", b};
        out = NULL;
        rc = demo__run_as(ctx, svc->clinician, app_result_act, &h, &out);
        json_decref(out);
        json_decref(b);
        if (rc)
            return rc;
        t = demo__after_working_days(t, demo__rnd_int(0, 3));
        if (t >= now)
            return 0;
        ctx->now = t;
        int accept = demo__chance(60);
        b = accept ? json_object() : json_pack("{s:s}", "reason", "The clinic ordered it and should act on it.");
        app_id_body d = {result_id, accept ? "accept" : "decline", b};
        out = NULL;
        rc = demo__run_as(ctx, gp, app_result_act, &d, &out);
        json_decref(out);
        json_decref(b);
        if (rc)
            return rc;
        if (accept)
            reviewer = gp;
        t = demo__after_working_days(t, demo__rnd_int(0, 2));
        if (t >= now)
            return 0;
        ctx->now = t;
    }
    json_t *b = json_pack("{s:s,s:b}", "action_taken", "Reviewed; plan unchanged and documented.", "patient_told", 1);
    app_id_body rv = {result_id, "review", b};
    out = NULL;
    rc = demo__run_as(ctx, reviewer, app_result_act, &rv, &out);
    json_decref(out);
    json_decref(b);
    return rc;
}

/* A follow-up the clinic arranges after an attendance. */
int demo__simulate_follow_up(app_ctx *ctx, const gen_options *opt, const svc_row *svc, long long referral_id,
                             seam_time t, const char *gp)
{
    seam_time now = opt->now;
    int pifu = demo__chance(30);
    if (!demo__chance(15) || t >= now)
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
    int rc = demo__run_as(ctx, svc->clinician, app_follow_up_create, body, &out);
    json_decref(body);
    long long fid = rc ? 0 : json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    if (rc)
        return rc;
    if (pifu) {
        seam_time end = t + 180 * 86400LL;
        if (end >= now)
            return 0;
        ctx->now = demo__after_working_days(end, demo__rnd_int(0, 3));
        if (ctx->now >= now)
            return 0;
        app_id_body d = {fid, "discharge", NULL};
        out = NULL;
        rc = demo__run_as(ctx, svc->clinician, app_follow_up_act, &d, &out);
        json_decref(out);
        /* The discharge letter that ends patient-initiated follow-up. */
        return rc ? rc : demo__write_letter(ctx, opt, svc, referral_id, ctx->now, gp);
    }
    t = demo__after_working_days(t, demo__chance(10) ? demo__rnd_int(30, 50) : demo__rnd_int(2, 15));
    if (t >= now)
        return 0;
    ctx->now = t;
    char iso[SEAM_ISO_LEN], booking[32];
    demo__booking_of(svc, booking);
    seam_time appt = demo__working_time(t + 28 * 86400);
    seam_time_format(appt - appt % 900, iso);
    json_t *b = json_pack("{s:s}", "appointment_at", iso);
    app_id_body bk = {fid, "book", b};
    out = NULL;
    rc = demo__run_as(ctx, booking, app_follow_up_act, &bk, &out);
    json_decref(out);
    json_decref(b);
    return rc;
}
