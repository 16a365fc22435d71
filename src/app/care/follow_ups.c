/*
 * care/follow_ups.c - follow-up and recall: the hospital's to book, with
 * a missed appointment the service's to deal with.
 */
#include "app/care/care_internal.h"
#include "app/referrals/referrals.h"
#include "app/frame/access.h"
#include "app/app.h"
#include "app/figures.h"
#include "app/frame/sqlb.h"
#include "common/rc.h"
#include "core/calendar.h"
#include "core/care.h"
#include "core/nhs_number.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int follow_up_load(app_ctx *ctx, long long id, json_t **out)
{
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT x.id, x.kind, x.status, x.referral_id, x.window_start, x.window_end, x.appointment_at,"
                 " x.created_by, x.created_at, x.version, x.icb_code," PS_COLUMNS " FROM follow_ups x" PS_JOINS
                 " WHERE x.id = $?");
    sqlb_param(&b, DBP_INT(id));
    care__visibility(ctx, &b);
    db_rows *r;
    int rc = app__load_one(ctx, &b, &r, "No follow-up %lld is visible to you.", id);
    if (rc)
        return rc;
    json_t *o =
        json_pack("{s:I,s:s,s:s,s:o,s:s,s:s,s:o,s:s,s:s,s:I,s:s,s:o,s:o}", "id", (json_int_t)db_geti(r, 0, 0), "kind",
                  db_get(r, 0, 1), "status", db_get(r, 0, 2), "referral_id",
                  db_isnull(r, 0, 3) ? json_null() : json_integer(db_geti(r, 0, 3)), "window_start", db_get(r, 0, 4),
                  "window_end", db_get(r, 0, 5), "appointment_at", app__str_or_null(db_get(r, 0, 6)), "created_by",
                  db_get(r, 0, 7), "created_at", db_get(r, 0, 8), "version", (json_int_t)db_geti(r, 0, 9), "icb_code",
                  db_get(r, 0, 10), "patient", care__patient_brief(r, 0, 11), "service", care__service_brief(r, 0, 16));
    db_rows_free(r);
    app__task_fields(ctx, o, "follow_up_id", id);
    *out = o;
    return 0;
}

int app_follow_up_create(app_ctx *ctx, const void *arg, json_t **out)
{
    json_t *body = (json_t *)arg;
    if (!care__is_specialist(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Follow-ups are arranged by the hospital team.");
    long long referral_id, months = 0;
    int have, have_months, rc;
    const char *ws = NULL, *we = NULL;
    if ((rc = app__body_int(ctx, body, "referral_id", 1, &referral_id, &have)) ||
        (rc = app__body_int(ctx, body, "pifu_months", 0, &months, &have_months)) ||
        (rc = app__body_str(ctx, body, "window_start", 0, 10, &ws)) ||
        (rc = app__body_str(ctx, body, "window_end", 0, 10, &we)))
        return rc;
    json_t *ref = NULL;
    if ((rc = app__link_or_fail(ctx, APP_LINK_REFERRAL, referral_id, NULL, "referral_id", NULL)))
        return rc;
    rc = refview_load(ctx, referral_id, &ref);
    if (rc == SEAM_ENOTFOUND)
        return app_fail(ctx, rc, "not_found", "referral_id", "No referral %lld is visible to you.", referral_id);
    if (rc)
        return rc;
    char nhs[NHS_NUMBER_LEN], icb[16];
    snprintf(nhs, sizeof(nhs), "%s", json_string_value(json_object_get(json_object_get(ref, "patient"), "nhs_number")));
    snprintf(icb, sizeof(icb), "%s", json_string_value(json_object_get(ref, "icb_code")));
    long long service_id = json_integer_value(json_object_get(json_object_get(ref, "service"), "id"));
    json_decref(ref);
    svc_info svc;
    if ((rc = care__trust_service(ctx, service_id, &svc)))
        return rc;
    seam_time start, end;
    char start_s[SEAM_DATE_LEN], end_s[SEAM_DATE_LEN];
    const char *kind;
    if (have_months) {
        if (ws || we)
            return app_fail(ctx, SEAM_EINVALID, "invalid_value", "pifu_months",
                            "Give either a follow-up window or patient-initiated follow-up months, not both.");
        if (!care_pifu_months_ok(months))
            return app_fail(ctx, SEAM_EINVALID, "invalid_value", "pifu_months",
                            "Patient-initiated follow-up lasts 1 to 24 months.");
        start = ctx->now;
        end = care_pifu_end(ctx->now, (int)months);
        kind = "pifu";
    } else {
        if (ws == NULL || we == NULL)
            return app_fail(ctx, SEAM_EINVALID, "missing_field", ws ? "window_end" : "window_start",
                            "Enter the follow-up window (window_start and window_end), or pifu_months.");
        if (seam_time_parse(ws, &start) != 0 || seam_time_parse(we, &end) != 0 || end < start ||
            end < seam_time_day(ctx->now) * 86400)
            return app_fail(ctx, SEAM_EINVALID, "invalid_value", "window_end",
                            "Enter the window as dates (YYYY-MM-DD), ending today or later and not before it starts.");
        kind = "window";
    }
    seam_date_format(start, start_s);
    seam_date_format(end, end_s);
    seam_time due = care_follow_up_due(end);
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(icb),        DBP_TEXT(kind),    DBP_TEXT(nhs),   DBP_INT(svc.id),
                    DBP_INT(referral_id), DBP_TEXT(start_s), DBP_TEXT(end_s), DBP_TEXT(ctx->user.username),
                    DBP_TEXT(now)};
    long long id;
    if ((rc = app__insert(ctx,
                          "INSERT INTO follow_ups (icb_code, kind, status, patient_nhs_number, service_id, referral_id,"
                          " window_start, window_end, created_by, created_at) VALUES ($1, $2, 'open', $3, $4, $5, $6,"
                          " $7, $8, $9) RETURNING id",
                          9, p, &id)))
        return rc;
    if ((rc = app__task_move(ctx, "follow_up_id", id, care_follow_up_task(have_months), svc.trust, svc.id, due, icb,
                             NULL)) ||
        (rc = app_event_json(ctx, "follow_up.created", "follow_up", id, nhs, icb, NULL, NULL,
                             json_pack("{s:s,s:s,s:s,s:I}", "kind", kind, "window_start", start_s, "window_end", end_s,
                                       "referral_id", (json_int_t)referral_id))))
        return rc;
    rc = follow_up_load(ctx, id, out);
    if (rc == 0)
        ctx->status = 201;
    return rc;
}

int app_follow_ups_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_list_args *a = arg;
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT x.id FROM follow_ups x" PS_JOINS " WHERE 1 = 1");
    care__visibility(ctx, &b);
    if (a->status && *a->status) {
        sqlb_add(&b, " AND x.status = $?");
        sqlb_param(&b, DBP_TEXT(a->status));
    }
    sqlb_add(&b, " ORDER BY CASE WHEN x.status = 'open' THEN 0 ELSE 1 END, x.window_end, x.id");
    app__page_limit(&b, a->page, a->page_size);
    json_t *list = json_array();
    int rc = app__list_loaded(ctx, &b, follow_up_load, "follow_up", list);
    return app__page_reply(rc, list, "follow_ups", a->page, a->page_size, -1, out);
}

int app_follow_up_get(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    return app__get_one(ctx, follow_up_load, "follow_up", a->id, out);
}

/* Who may act on an open follow-up: booking staff and specialists book,
 * specialists discharge; 0 or the refusal recorded on ctx. */
static int follow_up_may(app_ctx *ctx, const char *action, int book, const app_subject *s)
{
    if (!book && strcmp(action, "discharge") != 0)
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no follow-up action %s.", action);
    if (!app_role_is_trust(ctx->user.role) || strcmp(ctx->user.role, "interface_lead") == 0 ||
        (!book && !care__is_specialist(ctx->user.role)))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Your role (%s) cannot %s a follow-up.",
                        ctx->user.role, action);
    if (strcmp(s->status, "open") != 0)
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL, "This follow-up is %s.", s->status);
    return 0;
}

/* The body's appointment_at, a future time, as ISO text in appt_iso. */
static int follow_up_appointment(app_ctx *ctx, json_t *body, char appt_iso[SEAM_ISO_LEN])
{
    const char *appt_s = NULL;
    seam_time appt = 0;
    int rc = app__body_str(ctx, body, "appointment_at", 1, 40, &appt_s);
    if (rc)
        return rc;
    if (seam_time_parse(appt_s, &appt) != 0 || appt < ctx->now - 3600)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "appointment_at",
                        "Enter the appointment as a future date and time, such as 2026-12-01T09:30:00Z.");
    seam_time_format(appt, appt_iso);
    return 0;
}

int app_follow_up_act(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    json_t *cur = NULL;
    app_subject s;
    int rc = app__act_load(ctx, follow_up_load, a->id, "follow-up", &cur, &s);
    if (rc)
        return rc;
    int book = strcmp(a->action, "book") == 0;
    svc_info svc;
    char appt_iso[SEAM_ISO_LEN] = "";
    if ((rc = follow_up_may(ctx, a->action, book, &s)) || (rc = app__svc_load(ctx, s.service_id, &svc)) ||
        (book && (rc = follow_up_appointment(ctx, a->body, appt_iso))))
        goto out;
    sqlb b;
    app__change_begin(&b, "follow_ups");
    app__change_set(&b, "status", DBP_TEXT(book ? "booked" : "discharged"));
    if (book)
        app__change_set(&b, "appointment_at", DBP_TEXT(appt_iso));
    if ((rc = app__change_end(ctx, &b, a->id, -1, " AND status = 'open'",
                              "The follow-up changed at the same moment; reload.")) ||
        (rc = app__task_move(ctx, "follow_up_id", a->id, NULL, NULL, 0, 0, s.icb, NULL)))
        goto out;
    /* Discharge from follow-up ends with a letter to the GP. */
    json_t *ref = json_object_get(cur, "referral_id");
    if (!book && (rc = app__letter_due(ctx, "clinic", s.nhs, s.icb, &svc,
                                       json_is_integer(ref) ? json_integer_value(ref) : 0, ctx->now, NULL)))
        goto out;
    if ((rc = app_event_json(ctx, book ? "follow_up.booked" : "follow_up.discharged", "follow_up", a->id, s.nhs, s.icb,
                             NULL, NULL, book ? json_pack("{s:s}", "appointment_at", appt_iso) : NULL)))
        goto out;
    rc = follow_up_load(ctx, a->id, out);
out:
    json_decref(cur);
    return rc;
}
