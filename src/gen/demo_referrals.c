/*
 * demo_referrals.c - one referral driven through the real use cases from
 * creation along its pathway (triage, booking, attendance, discharge) up to
 * "now": one step per state, each drawing its delays and outcomes from the
 * demo's random stream.
 */
#include "app/app.h"
#include "app/care/care.h"
#include "common/rc.h"
#include "gen/demo_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One referral on its way: who it concerns, where it is and when. */
typedef struct flow {
    app_ctx *ctx;
    const gen_options *opt;
    const char *nhs;
    char gp[32];
    svc_row *svcs, *svc;
    int n_svcs;
    long long id;
    seam_time t;
    const char *status;
    int redirected, returned;
} flow;

/* What a step returns besides an error: go on, or the referral is done
 * (closed, or nothing more happens before now). */
enum { FLOW_ON = 0, FLOW_DONE = 1 };

/* Moves the flow's time on; FLOW_DONE when that is not before now. */
static int wait_until(flow *f, seam_time t)
{
    f->t = t;
    if (t >= f->opt->now)
        return FLOW_DONE;
    f->ctx->now = t;
    return FLOW_ON;
}

/* The GP writes the referral.  0 with f->id set, or rc. */
static int create(flow *f, const char *prio)
{
    app_ctx *ctx = f->ctx;
    int rc = demo__act_as(ctx, f->gp);
    if (rc)
        return rc;
    char summary[512];
    snprintf(summary, sizeof(summary),
             "History: symptoms for %d weeks. Examination and baseline bloods done in practice (attached results"
             " reviewed). Current medication reviewed. Patient aware of referral and its priority.",
             demo__rnd_int(2, 30));
    json_t *body = json_pack("{s:s,s:I,s:s,s:s,s:s}", "patient_nhs_number", f->nhs, "service_id",
                             (json_int_t)f->svc->id, "priority", prio, "reason",
                             demo__reasons[f->svc->spec][demo__rnd_int(0, 2)], "clinical_summary", summary);
    json_t *out = NULL;
    rc = demo__run(ctx, app_referral_create, body, &out);
    json_decref(body);
    if (rc)
        return rc;
    f->id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    return 0;
}

/* Triage: returned to the GP, redirected to the other trust, withdrawn by
 * the GP, or (most often) accepted. */
static int awaiting_triage(flow *f, int stall)
{
    if (wait_until(f, demo__after_working_days(f->t, stall ? demo__rnd_int(3, 20) : demo__rnd_int(0, 3))))
        return FLOW_DONE;
    int roll = demo__rnd_int(1, 100), rc;
    if (roll <= 10 && !f->returned) {
        rc = demo__act(f->ctx, f->svc->triager, f->id, "triage",
                       json_pack("{s:s,s:s,s:s}", "decision", "return", "comment",
                                 "Does not meet the referral criteria yet.", "advice",
                                 "Please arrange a 24-hour ECG / relevant first-line tests and start"
                                 " treatment as per local pathway; re-refer with results if symptoms persist."));
        f->status = "returned";
        f->returned = 1;
    } else if (roll <= 17 && !f->redirected) {
        /* Redirect to the same specialty at the other trust. */
        int other = -1;
        for (int k = 0; k < f->n_svcs; k++)
            if (f->svcs[k].spec == f->svc->spec && f->svcs[k].trust != f->svc->trust)
                other = k;
        rc =
            demo__act(f->ctx, f->svc->triager, f->id, "triage",
                      json_pack("{s:s,s:I,s:s}", "decision", "redirect", "to_service_id", (json_int_t)f->svcs[other].id,
                                "comment", "Sub-specialty clinic is at the other trust; redirected directly."));
        f->svc = &f->svcs[other];
        f->redirected = 1;
    } else if (roll <= 20) {
        rc = demo__act(f->ctx, f->gp, f->id, "withdraw",
                       json_pack("{s:s}", "reason",
                                 "Symptoms resolved; patient no longer"
                                 " wishes to be seen."));
        return rc ? rc : FLOW_DONE;
    } else {
        rc = demo__act(f->ctx, f->svc->triager, f->id, "triage",
                       json_pack("{s:s,s:s}", "decision", "accept", "comment", "Appropriate referral, accepted."));
        f->status = "awaiting_booking";
    }
    return rc;
}

/* Returned: the GP resubmits with the tests done, or closes it. */
static int returned(flow *f, int stall)
{
    if (wait_until(f, demo__after_working_days(f->t, stall ? demo__rnd_int(10, 25) : demo__rnd_int(1, 8))))
        return FLOW_DONE;
    if (demo__chance(55)) {
        f->status = "awaiting_triage";
        return demo__act(f->ctx, f->gp, f->id, "resubmit",
                         json_pack("{s:s}", "comment", "Tests done as advised; results attached, symptoms persist."));
    }
    int rc = demo__act(f->ctx, f->gp, f->id, "close",
                       json_pack("{s:s}", "comment", "Managing in primary care following the advice."));
    return rc ? rc : FLOW_DONE;
}

/* Booking: an appointment 5 to 60 days on, on the quarter hour. */
static int awaiting_booking(flow *f, int stall)
{
    if (wait_until(f, demo__after_working_days(f->t, stall ? demo__rnd_int(8, 30) : demo__rnd_int(0, 6))))
        return FLOW_DONE;
    seam_time appt = demo__working_time(f->t + (seam_time)demo__rnd_int(5, 60) * 86400);
    char iso[SEAM_ISO_LEN], booking[32];
    seam_time_format(appt - appt % 900, iso);
    demo__booking_of(f->svc, booking);
    int rc = demo__act(f->ctx, booking, f->id, "book", json_pack("{s:s}", "appointment_at", iso));
    f->status = "booked";
    seam_time_parse(iso, &f->t);
    return rc;
}

/* The appointment: now and then missed (rebooked, or discharged with a
 * letter; never the GP's to chase), else attended, with a letter, perhaps a
 * test and a follow-up. */
static int booked(flow *f, int stall)
{
    app_ctx *ctx = f->ctx;
    if (wait_until(f, stall ? demo__after_working_days(f->t, demo__rnd_int(2, 10)) : f->t))
        return FLOW_DONE;
    int rc;
    if (demo__chance(6)) {
        char booking[32];
        demo__booking_of(f->svc, booking);
        int rebook = demo__chance(70);
        rc = demo__act(ctx, rebook ? booking : f->svc->clinician, f->id, "dna",
                       json_pack("{s:s,s:s}", "decision", rebook ? "rebook" : "discharge", "comment",
                                 rebook ? "Did not attend; offering another appointment."
                                        : "Did not attend twice and did not respond; discharged with a letter."));
        if (rc == 0 && !rebook)
            rc = demo__write_letter(ctx, f->opt, f->svc, f->id, f->t, f->gp);
        if (rc || !rebook)
            return rc ? rc : FLOW_DONE;
        f->status = "awaiting_booking";
        return FLOW_ON;
    }
    rc = demo__act(ctx, f->svc->clinician, f->id, "attend", json_object());
    if (rc == 0)
        rc = demo__write_letter(ctx, f->opt, f->svc, f->id, f->t, f->gp);
    if (rc == 0)
        rc = demo__simulate_result(ctx, f->opt, f->svc, f->id, f->nhs, f->t, f->gp);
    if (rc == 0)
        rc = demo__simulate_follow_up(ctx, f->opt, f->svc, f->id, f->t, f->gp);
    ctx->now = f->t;
    f->status = "attended";
    return rc;
}

/* After the attendance: discharged to the GP with a letter. */
static int attended(flow *f, int stall)
{
    if (wait_until(f, demo__after_working_days(f->t, stall ? demo__rnd_int(8, 25) : demo__rnd_int(0, 5))))
        return FLOW_DONE;
    int rc = demo__act(f->ctx, f->svc->clinician, f->id, "discharge",
                       json_pack("{s:s}", "comment", "Treatment plan agreed; discharged to GP care with a letter."));
    return rc ? rc : FLOW_DONE;
}

/* The step for each state a referral waits in; any other state ends it. */
static const struct {
    const char *status;
    int (*step)(flow *f, int stall);
} steps[] = {
    {"awaiting_triage", awaiting_triage},
    {"returned", returned},
    {"awaiting_booking", awaiting_booking},
    {"booked", booked},
    {"attended", attended},
};

int demo__referral(app_ctx *ctx, const gen_options *opt, const char *nhs, int practice, svc_row *svcs, int n_svcs,
                   int s_idx)
{
    flow f = {.ctx = ctx, .opt = opt, .nhs = nhs, .svcs = svcs, .n_svcs = n_svcs, .status = "awaiting_triage"};
    f.t = demo__working_time(opt->now - (seam_time)demo__rnd_int(0, 365) * 86400);
    if (f.t >= opt->now)
        return 0;
    demo__gp_of(practice, f.gp);
    const char *prio = demo__chance(12) ? "two_week_wait" : demo__chance(22) ? "urgent" : "routine";
    f.svc = &svcs[s_idx];
    ctx->now = f.t;
    int rc = create(&f, prio);
    while (rc == 0) {
        int stall = demo__chance(7);
        size_t k = 0;
        while (k < sizeof(steps) / sizeof(steps[0]) && strcmp(steps[k].status, f.status) != 0)
            k++;
        if (k == sizeof(steps) / sizeof(steps[0]))
            return 0;
        rc = steps[k].step(&f, stall);
    }
    return rc == FLOW_DONE ? 0 : rc;
}
