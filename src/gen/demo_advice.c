/*
 * demo_advice.c - advice and guidance exchanges through the real use
 * cases: asked by a GP, answered, discussed or converted to a referral
 * (which then goes on to be booked and seen).
 */
#include "app/app.h"
#include "app/care/care.h"
#include "common/rc.h"
#include "gen/demo_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const questions[N_SERVICES] = {
    "Atypical chest pain, normal ECG and troponin; is CT coronary angiography indicated or can I manage with"
    " risk factor control?",
    "Recurrent facial rash, photos attached; would you treat as rosacea or refer for patch testing?",
    "Persistently raised ALT (2x ULN) with normal ultrasound; which further tests before referral?",
    "Small asymptomatic umbilical hernia in a frail 84-year-old; is surgical review worthwhile?",
    "Positive ANA 1:160 with arthralgia but no synovitis; does this need rheumatology review?",
    "Knee pain with MRI showing degenerate meniscal tear; physiotherapy first or surgical opinion?",
    "PSA 4.8 in a 71-year-old with LUTS; repeat in 6 weeks or refer now?",
    "Mild obstructive spirometry in an ex-smoker; inhaler choice and is specialist review needed?",
};

/* One exchange on its way. */
typedef struct exchange {
    app_ctx *ctx;
    const gen_options *opt;
    svc_row *svc;
    char gp[32];
    long long id;
    seam_time t;
    int consent;
    const char *status;
} exchange;

/* The next move of an exchange in x->status: who makes it, with which use
 * case and body, and the status after it.  0, or 1 when the exchange has
 * no next move. */
static int next_move(exchange *x, int step, int stall, const char **who, app_fn *fn, json_t **b)
{
    if (strcmp(x->status, "awaiting_response") == 0) {
        x->t = demo__after_working_days(x->t, stall ? demo__rnd_int(4, 15) : demo__rnd_int(0, 3));
        *who = x->svc->triager;
        int roll = demo__rnd_int(1, 100);
        if (roll <= 25 && step == 0) {
            *fn = app_advice_message;
            *b = json_pack("{s:s}", "text", "Could you send the most recent bloods and current medication?");
            x->status = "awaiting_gp";
        } else if (roll <= 40 && x->consent) {
            *fn = app_advice_convert;
            *b = json_pack("{s:s}", "comment", "Needs to be seen in clinic; converted to a referral.");
            x->status = "converted";
        } else {
            *fn = app_advice_close;
            *b = json_pack("{s:s,s:s,s:s}", "answer",
                           "This can be managed in primary care; the findings are reassuring.", "what_to_do",
                           "Optimise risk factors and review in 3 months with repeat bloods.", "if_worse",
                           "Re-refer urgently if symptoms progress or new red flags appear.");
            x->status = "advice_given";
        }
    } else if (strcmp(x->status, "awaiting_gp") == 0) {
        x->t = demo__after_working_days(x->t, stall ? demo__rnd_int(8, 20) : demo__rnd_int(0, 4));
        *who = x->gp;
        *fn = app_advice_message;
        *b = json_pack("{s:s}", "text", "Bloods attached: HbA1c 44, eGFR 78, lipids as per letter. On ramipril 5mg.");
        x->status = "awaiting_response";
    } else if (strcmp(x->status, "advice_given") == 0) {
        x->t = demo__after_working_days(x->t, stall ? demo__rnd_int(8, 20) : demo__rnd_int(0, 5));
        *who = x->gp;
        *fn = app_advice_close;
        *b = json_object();
        x->status = "closed";
    } else
        return 1;
    return 0;
}

/* The referral an exchange was converted to goes on to be booked, seen
 * (with a letter) and discharged. */
static int see_converted(exchange *x, long long ref_id)
{
    app_ctx *ctx = x->ctx;
    seam_time now = x->opt->now, t;
    char booking[32], iso[SEAM_ISO_LEN];
    demo__booking_of(x->svc, booking);
    t = demo__after_working_days(x->t, demo__rnd_int(0, 4));
    if (t >= now)
        return 0;
    ctx->now = t;
    seam_time appt = demo__working_time(t + (seam_time)demo__rnd_int(5, 40) * 86400);
    seam_time_format(appt - appt % 900, iso);
    int rc = demo__act(ctx, booking, ref_id, "book", json_pack("{s:s}", "appointment_at", iso));
    if (rc)
        return rc;
    seam_time_parse(iso, &t);
    if (t >= now)
        return 0;
    ctx->now = t;
    if ((rc = demo__act(ctx, x->svc->clinician, ref_id, "attend", json_object())) ||
        (rc = demo__write_letter(ctx, x->opt, x->svc, ref_id, t, x->gp)))
        return rc;
    t = demo__after_working_days(t, demo__rnd_int(0, 5));
    if (t >= now)
        return 0;
    ctx->now = t;
    return demo__act(ctx, x->svc->clinician, ref_id, "discharge",
                     json_pack("{s:s}", "comment", "Seen in clinic after advice and guidance; discharged."));
}

/* The GP asks.  0 with x->id set, or rc. */
static int ask(exchange *x, const char *nhs)
{
    int rc = demo__act_as(x->ctx, x->gp);
    if (rc)
        return rc;
    json_t *body = json_pack("{s:s,s:I,s:s,s:s,s:b}", "patient_nhs_number", nhs, "service_id", (json_int_t)x->svc->id,
                             "priority", demo__chance(15) ? "urgent" : "routine", "question", questions[x->svc->spec],
                             "consent_to_convert", x->consent);
    json_t *out = NULL;
    rc = demo__run(x->ctx, app_advice_create, body, &out);
    json_decref(body);
    if (rc == 0)
        x->id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    return rc;
}

int demo__advice(app_ctx *ctx, const gen_options *opt, const char *nhs, int practice, svc_row *svc)
{
    exchange x = {.ctx = ctx, .opt = opt, .svc = svc, .status = "awaiting_response"};
    x.t = demo__working_time(opt->now - (seam_time)demo__rnd_int(0, 300) * 86400);
    if (x.t >= opt->now)
        return 0;
    demo__gp_of(practice, x.gp);
    x.consent = demo__chance(70);
    ctx->now = x.t;
    int rc = ask(&x, nhs);
    for (int step = 0; rc == 0 && step < 6; step++) {
        int stall = demo__chance(8);
        const char *who = NULL;
        app_fn fn = NULL;
        json_t *b = NULL, *out = NULL;
        if (next_move(&x, step, stall, &who, &fn, &b))
            return 0;
        if (x.t >= opt->now) {
            json_decref(b);
            return 0;
        }
        ctx->now = x.t;
        if ((rc = demo__act_as(ctx, who))) {
            json_decref(b);
            return rc;
        }
        app_id_body a = {x.id, NULL, b};
        rc = demo__run(ctx, fn, &a, &out);
        long long ref_id = fn == app_advice_convert && rc == 0
                               ? json_integer_value(json_object_get(json_object_get(out, "referral"), "id"))
                               : 0;
        json_decref(out);
        json_decref(b);
        if (rc == 0 && ref_id)
            return see_converted(&x, ref_id);
    }
    return rc;
}
