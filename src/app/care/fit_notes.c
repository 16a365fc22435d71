/*
 * care/fit_notes.c - fit notes the hospital issues, and their list.
 */
#include "app/care/care_internal.h"
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

int app_fit_note_create(app_ctx *ctx, const void *arg, json_t **out)
{
    json_t *body = (json_t *)arg;
    if (!care__is_specialist(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                        "Fit notes here are the ones the hospital issues; your role is %s.", ctx->user.role);
    char nhs[NHS_NUMBER_LEN], icb[16];
    svc_info svc;
    const char *from_s, *to_s, *cond, *setting;
    long long letter_id = 0;
    int have_letter, rc;
    seam_time from, to;
    if ((rc = care__trust_patient(ctx, body, nhs, icb)) || (rc = care__body_service(ctx, body, &svc)) ||
        (rc = app__body_text(ctx, body, "from", "Enter the first day of the fit note", 1, 10, &from_s)) ||
        (rc = app__body_text(ctx, body, "to", "Enter the last day of the fit note", 1, 10, &to_s)) ||
        (rc = app__body_text(ctx, body, "condition", "Enter the condition", 1, 500, &cond)) ||
        (rc = app__body_str(ctx, body, "setting", 1, 16, &setting)) ||
        (rc = app__body_int(ctx, body, "letter_id", 0, &letter_id, &have_letter)))
        return rc;
    if (seam_time_parse(from_s, &from) != 0 || seam_time_parse(to_s, &to) != 0 || to < from)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "to",
                        "Enter the dates as YYYY-MM-DD, with the last day on or after the first.");
    if (strcmp(setting, "clinic") != 0 && strcmp(setting, "discharge") != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "setting",
                        "Select where it was issued: clinic or discharge.");
    /* The letter must be this patient's, at the caller's trust: a fit note
     * on another patient's letter would tell them and their GP this
     * patient's condition. */
    if (have_letter && (rc = app__link_or_fail(ctx, APP_LINK_LETTER, letter_id, nhs, "letter_id", NULL)))
        return rc;
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(icb),
                    DBP_TEXT(nhs),
                    DBP_INT(svc.id),
                    have_letter ? DBP_INT(letter_id) : DBP_NULL,
                    DBP_TEXT(ctx->user.username),
                    DBP_TEXT(now),
                    DBP_TEXT(from_s),
                    DBP_TEXT(to_s),
                    DBP_TEXT(cond),
                    DBP_TEXT(setting)};
    long long id;
    if ((rc = app__insert(ctx,
                          "INSERT INTO fit_notes (icb_code, patient_nhs_number, service_id, letter_id, issued_by,"
                          " issued_at, from_date, to_date, condition, setting) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
                          " $9, $10) RETURNING id",
                          10, p, &id)))
        return rc;
    if ((rc = app_event_json(ctx, "fit_note.issued", "fit_note", id, nhs, icb, NULL, NULL,
                             json_pack("{s:s,s:s,s:s}", "from", from_s, "to", to_s, "setting", setting))))
        return rc;
    *out = json_pack("{s:I,s:s,s:I,s:o,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)id, "patient_nhs_number", nhs,
                     "service_id", (json_int_t)svc.id, "letter_id", have_letter ? json_integer(letter_id) : json_null(),
                     "from", from_s, "to", to_s, "condition", cond, "setting", setting, "issued_by", ctx->user.username,
                     "issued_at", now);
    ctx->status = 201;
    return 0;
}

/* A fit note's row of app_fit_notes_list's query as JSON. */
static json_t *fit_note_json(app_ctx *ctx, const db_rows *r, int i)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "id", (json_int_t)db_geti(r, i, 0), "from",
                     db_get(r, i, 1), "to", db_get(r, i, 2), "condition", db_get(r, i, 3), "setting", db_get(r, i, 4),
                     "issued_by", db_get(r, i, 5), "issued_at", db_get(r, i, 6), "letter_id",
                     db_isnull(r, i, 7) ? json_null() : json_integer(db_geti(r, i, 7)), "patient",
                     care__patient_brief(r, i, 8), "service", care__service_brief(r, i, 13));
}

int app_fit_notes_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_list_args *a = arg;
    sqlb b;
    sqlb_init(&b);
    sqlb_add(
        &b,
        "SELECT x.id, x.from_date, x.to_date, x.condition, x.setting, x.issued_by, x.issued_at, x.letter_id," PS_COLUMNS
        " FROM fit_notes x" PS_JOINS " WHERE 1 = 1");
    care__visibility(ctx, &b);
    if (a->patient && *a->patient) {
        sqlb_add(&b, " AND x.patient_nhs_number = $?");
        sqlb_param(&b, DBP_TEXT(a->patient));
    }
    sqlb_add(&b, " ORDER BY x.id DESC LIMIT 200");
    json_t *list = json_array();
    int rc = app__list_rows(ctx, &b, fit_note_json, "read.fit_note", "fit_note", 0, 8, list);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o}", "fit_notes", list);
    return 0;
}
