/*
 * referrals/act_clinic.c - the appointment: book it, record that the
 * patient attended, or that they did not (then the service rebooks or
 * discharges).
 */
#include "app/care/care.h"
#include "app/referrals/referrals_internal.h"
#include "common/rc.h"

/* The appointment: a time within the next two years (an hour's grace). */
static int read_book(app_ctx *ctx, ref_act *a)
{
    const char *appt_s = NULL;
    int rc = app__body_str(ctx, a->body, "appointment_at", 1, 40, &appt_s);
    if (rc)
        return rc;
    if (seam_time_parse(appt_s, &a->appt) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "appointment_at",
                        "Enter the appointment as a date and time, such as 2026-12-01T09:30:00Z.");
    if (a->appt < ctx->now - 3600)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "appointment_at",
                        "The appointment must be in the future.");
    if (a->appt > ctx->now + 2 * 366 * 86400LL)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "appointment_at",
                        "The appointment must be within the next two years.");
    seam_time_format(a->appt, a->appt_iso);
    return 0;
}

static void detail_book(const ref_act *a, json_t *detail)
{
    json_object_set_new(detail, "appointment_at", json_string(a->appt_iso));
}

const ref_act_def ref__act_book = {
    .past = "booked", .done = "booked", .read = read_book, .set = ", appointment_at = $10", .detail = detail_book};

/* An optional comment and the time the patient was seen (default now):
 * never before the booked appointment's day, never in the future. */
static int read_attend(app_ctx *ctx, ref_act *a)
{
    const char *att_s = NULL, *appt_cur = json_string_value(json_object_get(a->cur, "appointment_at"));
    seam_time booked = 0;
    int rc;
    if ((rc = ref__read_comment(ctx, a)) || (rc = app__body_str(ctx, a->body, "attended_at", 0, 40, &att_s)))
        return rc;
    if (att_s && seam_time_parse(att_s, &a->attended) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "attended_at",
                        "Enter when the patient was seen as a date and time, such as 2026-12-01T09:30:00Z.");
    if (appt_cur && seam_time_parse(appt_cur, &booked) != 0)
        booked = 0;
    switch (ref_attendance_check(a->attended, booked, ctx->now)) {
    case REF_ATTEND_OK: break;
    case REF_ATTEND_IN_FUTURE:
        return app_fail(ctx, SEAM_EINVALID, "attended_in_future", "attended_at",
                        "The attendance cannot be in the future: enter when the patient was seen.");
    case REF_ATTEND_BEFORE_APPOINTMENT:
        return app_fail(ctx, SEAM_EINVALID, "attended_before_appointment", "attended_at",
                        "The attendance cannot be before the booked appointment (%.10s): enter when the patient"
                        " was seen, or rebook the appointment.",
                        appt_cur);
    }
    return 0;
}

static void detail_attend(const ref_act *a, json_t *detail)
{
    char att_iso[SEAM_ISO_LEN];
    seam_time_format(a->attended, att_iso);
    json_object_set_new(detail, "attended_at", json_string(att_iso));
}

/* A clinic letter to the GP is due after every attendance (from when the
 * patient was seen), and after a discharge for a missed appointment. */
static int after_letter_due(app_ctx *ctx, ref_act *a)
{
    seam_time at = a->act == REF_ACT_ATTEND ? a->attended : ctx->now;
    return app__letter_due(ctx, "clinic", a->nhs, a->icb, &a->svc, a->id, at, NULL);
}

const ref_act_def ref__act_attend = {.past = "attended",
                                     .done = "marked attended",
                                     .read = read_attend,
                                     .detail = detail_attend,
                                     .after = after_letter_due};

const ref_act_def ref__act_dna_rebook = {
    .past = "dna_rebooked", .done = "rebooked after a missed appointment", .set = ", appointment_at = NULL"};

const ref_act_def ref__act_dna_discharge = {
    .past = "dna_discharged", .done = "discharged after a missed appointment", .after = after_letter_due};
