/*
 * care/letters.c - clinic and discharge letters: due after every
 * attendance and discharge, sent to the GP, acted on, and the GP actions
 * they carry (declined ones are handed off in gp_actions.c).
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

int app__letter_due(app_ctx *ctx, const char *kind, const char *nhs, const char *icb, const svc_info *svc,
                    long long referral_id, seam_time event_at, long long *id_out)
{
    int discharge = strcmp(kind, "discharge") == 0;
    /* Discharge summary within 24 hours; clinic letter within the service's
     * target in working days (the contract allows 10; Seam's default is 7). */
    seam_time due = care_letter_due(discharge, event_at, svc->letter_days);
    char ev[SEAM_ISO_LEN], due_s[SEAM_ISO_LEN], now[SEAM_ISO_LEN];
    seam_time_format(event_at, ev);
    seam_time_format(due, due_s);
    seam_time_format(ctx->now, now);
    db_param p[] = {
        DBP_TEXT(icb), DBP_TEXT(kind),  DBP_TEXT(nhs), DBP_INT(svc->id), referral_id ? DBP_INT(referral_id) : DBP_NULL,
        DBP_TEXT(ev),  DBP_TEXT(due_s), DBP_TEXT(now)};
    long long id;
    int rc = app__insert(ctx,
                         "INSERT INTO letters (icb_code, kind, status, patient_nhs_number, service_id, referral_id,"
                         " event_at, due_at, created_at) VALUES ($1, $2, 'due', $3, $4, $5, $6, $7, $8) RETURNING id",
                         8, p, &id);
    if (rc)
        return rc;
    if ((rc = app__task_move(ctx, "letter_id", id, care_letter_task(discharge), svc->trust, svc->id, due, icb, NULL)) ||
        (rc = app_event_json(ctx, "letter.due", "letter", id, nhs, icb, NULL, NULL,
                             json_pack("{s:s,s:s,s:o}", "kind", kind, "due_at", due_s, "referral_id",
                                       referral_id ? json_integer(referral_id) : json_null()))))
        return rc;
    if (id_out)
        *id_out = id;
    return 0;
}

#define LETTER_COLUMNS                                                                                                 \
    " x.id, x.kind, x.status, x.referral_id, x.event_at, x.due_at, x.sent_at, x.author, x.diagnosis,"                  \
    " x.medication_changes, x.days_medication_supplied, x.hospital_actions, x.read_at, x.read_by, x.version,"          \
    " x.icb_code," PS_COLUMNS

static int letter_load(app_ctx *ctx, long long id, json_t **out)
{
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT" LETTER_COLUMNS " FROM letters x" PS_JOINS " WHERE x.id = $?");
    sqlb_param(&b, DBP_INT(id));
    care__visibility(ctx, &b);
    if (!app_role_is_trust(ctx->user.role))
        sqlb_add(&b, " AND x.status <> 'due'"); /* outside the trust a letter exists once sent */
    db_rows *r;
    int rc = app__load_one(ctx, &b, &r, "No letter %lld is visible to you.", id);
    if (rc)
        return rc;
    const char *sent = db_get(r, 0, 6), *due = db_get(r, 0, 5);
    json_t *o = json_pack(
        "{s:I,s:s,s:s,s:o,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:s,s:o,s:o}", "id",
        (json_int_t)db_geti(r, 0, 0), "kind", db_get(r, 0, 1), "status", db_get(r, 0, 2), "referral_id",
        db_isnull(r, 0, 3) ? json_null() : json_integer(db_geti(r, 0, 3)), "event_at", db_get(r, 0, 4), "due_at", due,
        "sent_at", app__str_or_null(sent), "late", sent ? json_boolean(strcmp(sent, due) > 0) : json_null(), "author",
        app__str_or_null(db_get(r, 0, 7)), "diagnosis", app__str_or_null(db_get(r, 0, 8)), "medication_changes",
        app__str_or_null(db_get(r, 0, 9)), "days_medication_supplied",
        db_isnull(r, 0, 10) ? json_null() : json_integer(db_geti(r, 0, 10)), "hospital_actions",
        app__str_or_null(db_get(r, 0, 11)), "read_at", app__str_or_null(db_get(r, 0, 12)), "read_by",
        app__str_or_null(db_get(r, 0, 13)), "version", (json_int_t)db_geti(r, 0, 14), "icb_code", db_get(r, 0, 15),
        "patient", care__patient_brief(r, 0, 16), "service", care__service_brief(r, 0, 21));
    db_rows_free(r);
    json_t *acts = NULL;
    if ((rc = app__gp_actions_json(ctx, id, &acts))) {
        json_decref(o);
        return rc;
    }
    json_object_set_new(o, "gp_actions", acts);
    db_param p[] = {DBP_INT(id)};
    if ((rc = db_query(ctx->db,
                       "SELECT id, from_date, to_date, condition, setting, issued_by, issued_at FROM fit_notes"
                       " WHERE letter_id = $1 ORDER BY id DESC LIMIT 1",
                       1, p, &r))) {
        json_decref(o);
        return app_db_fail(ctx, rc);
    }
    json_object_set_new(o, "fit_note",
                        db_nrows(r) == 0
                            ? json_null()
                            : json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)db_geti(r, 0, 0), "from",
                                        db_get(r, 0, 1), "to", db_get(r, 0, 2), "condition", db_get(r, 0, 3), "setting",
                                        db_get(r, 0, 4), "issued_by", db_get(r, 0, 5), "issued_at", db_get(r, 0, 6)));
    db_rows_free(r);
    /* The letter's own due time stays; the open task (the clinician's
     * letter to write, or the GP's actions to answer) has its own. */
    json_t *letter_due = json_incref(json_object_get(o, "due_at"));
    app__task_fields(ctx, o, "letter_id", id);
    json_object_set(o, "task_due_at", json_object_get(o, "due_at"));
    json_object_set_new(o, "due_at", letter_due);
    *out = o;
    return 0;
}

int app__letter_load(app_ctx *ctx, long long id, json_t **out)
{
    return letter_load(ctx, id, out);
}

int app_discharge_create(app_ctx *ctx, const void *arg, json_t **out)
{
    json_t *body = (json_t *)arg;
    if (!care__is_specialist(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Discharges are recorded by the hospital team.");
    char nhs[NHS_NUMBER_LEN], icb[16];
    svc_info svc;
    const char *at_s;
    long long referral_id = 0;
    int have_ref, rc;
    seam_time at;
    if ((rc = care__trust_patient(ctx, body, nhs, icb)) || (rc = care__body_service(ctx, body, &svc)) ||
        (rc = app__body_str(ctx, body, "discharged_at", 1, 40, &at_s)) ||
        (rc = app__body_int(ctx, body, "referral_id", 0, &referral_id, &have_ref)))
        return rc;
    if (seam_time_parse(at_s, &at) != 0 || at > ctx->now + 3600)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "discharged_at",
                        "Enter when the patient was discharged, such as 2026-11-25T14:00:00Z (not in the future).");
    if (have_ref && (rc = app__link_or_fail(ctx, APP_LINK_REFERRAL, referral_id, nhs, "referral_id", NULL)))
        return rc;
    long long id;
    if ((rc = app__letter_due(ctx, "discharge", nhs, icb, &svc, have_ref ? referral_id : 0, at, &id)))
        return rc;
    rc = letter_load(ctx, id, out);
    if (rc == 0)
        ctx->status = 201;
    return rc;
}

/* Stores the GP actions the body's "gp_actions" asks of the GP (at most
 * MAX_GP_ACTIONS, each with text and reason), numbered from 1; *n gets
 * how many. */
static int letter_gp_actions_insert(app_ctx *ctx, long long id, json_t *body, size_t *n)
{
    json_t *actions = json_object_get(body, "gp_actions");
    *n = 0;
    if (actions && !json_is_null(actions) && !json_is_array(actions))
        return app_fail(ctx, SEAM_EBADREQ, "bad_request", "gp_actions", "gp_actions must be a list.");
    if (json_array_size(actions) > MAX_GP_ACTIONS)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "gp_actions", "At most %d GP actions.", MAX_GP_ACTIONS);
    for (size_t i = 0; i < json_array_size(actions); i++) {
        json_t *ac = json_array_get(actions, i);
        const char *text, *reason;
        int rc;
        if (!json_is_object(ac))
            return app_fail(ctx, SEAM_EBADREQ, "bad_request", "gp_actions", "Each GP action is an object.");
        if ((rc = app__body_text(ctx, ac, "text", "Enter what the GP is asked to do", 1, 2000, &text)) ||
            (rc = app__body_text(ctx, ac, "reason", "Give the reason for each action asked of the GP", 1, 2000,
                                 &reason)))
            return rc;
        db_param ap[] = {DBP_INT(id), DBP_INT((long long)i + 1), DBP_TEXT(text), DBP_TEXT(reason)};
        if ((rc = db_exec(ctx->db,
                          "INSERT INTO letter_actions (letter_id, n, text, reason, status) VALUES ($1, $2, $3, $4,"
                          " 'pending')",
                          4, ap)))
            return app_db_fail(ctx, rc);
    }
    *n = json_array_size(actions);
    return 0;
}

/* Sends a due letter with its content (the caller holds the letter). */
static int letter_send(app_ctx *ctx, long long id, json_t *body, json_t *cur)
{
    const char *diagnosis, *meds, *hosp;
    long long days = 0;
    int have_days, rc;
    size_t n;
    int discharge = strcmp(json_string_value(json_object_get(cur, "kind")), "discharge") == 0;
    if ((rc = app__body_text(ctx, body, "diagnosis", "Enter the diagnosis", 1, TEXT_MAX, &diagnosis)) ||
        (rc = app__body_str(ctx, body, "medication_changes", 0, TEXT_MAX, &meds)) ||
        (rc = app__body_text(ctx, body, "hospital_actions", "Enter what the hospital will do next", 1, TEXT_MAX,
                             &hosp)) ||
        (rc = app__body_int(ctx, body, "days_medication_supplied", discharge, &days, &have_days)))
        return rc;
    if (have_days && days < 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "days_medication_supplied",
                        "Days of medication supplied cannot be negative.");
    if (discharge && !care_discharge_medication_ok(days, meds != NULL))
        return app_fail(ctx, SEAM_EINVALID, "missing_field", "medication_changes",
                        "Fewer than 7 days of medication were supplied: say why in the medication changes.");
    if ((rc = letter_gp_actions_insert(ctx, id, body, &n)))
        return rc;
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    app_subject s;
    app__subject_of(cur, &s);
    sqlb b;
    app__change_begin(&b, "letters");
    sqlb_add(&b, ", status = 'sent'");
    app__change_set(&b, "sent_at", DBP_TEXT(now));
    app__change_set(&b, "author", DBP_TEXT(ctx->user.username));
    app__change_set(&b, "diagnosis", DBP_TEXT(diagnosis));
    app__change_set(&b, "medication_changes", DBP_TEXT(meds));
    app__change_set(&b, "days_medication_supplied", have_days ? DBP_INT(days) : DBP_NULL);
    app__change_set(&b, "hospital_actions", DBP_TEXT(hosp));
    if ((rc = app__change_end(ctx, &b, id, s.version, " AND status = 'due'",
                              "The letter changed at the same moment; reload.")) ||
        (rc = app__task_move(ctx, "letter_id", id, n ? care_task_rule(CARE_TASK_GP_ACTIONS) : NULL, s.practice,
                             s.service_id, care_gp_actions_due(ctx->now), s.icb, NULL)))
        return rc;
    const char *due = json_string_value(json_object_get(cur, "due_at"));
    return app_event_json(
        ctx, "letter.sent", "letter", id, s.nhs, s.icb, NULL, NULL,
        json_pack("{s:b,s:i,s:s}", "late", strcmp(now, due) > 0, "gp_actions", (int)n, "due_at", due));
}

int app_letter_create(app_ctx *ctx, const void *arg, json_t **out)
{
    json_t *body = (json_t *)arg;
    if (!care__is_specialist(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Letters are written by the hospital team.");
    char nhs[NHS_NUMBER_LEN], icb[16];
    svc_info svc;
    const char *kind, *ev_s;
    long long referral_id = 0;
    int have_ref, rc;
    seam_time ev;
    if ((rc = app__body_str(ctx, body, "kind", 1, 16, &kind)) || (rc = care__trust_patient(ctx, body, nhs, icb)) ||
        (rc = care__body_service(ctx, body, &svc)) || (rc = app__body_str(ctx, body, "event_at", 1, 40, &ev_s)) ||
        (rc = app__body_int(ctx, body, "referral_id", 0, &referral_id, &have_ref)))
        return rc;
    if (strcmp(kind, "clinic") != 0 && strcmp(kind, "discharge") != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "kind", "Select the kind of letter: clinic or discharge.");
    if (seam_time_parse(ev_s, &ev) != 0 || ev > ctx->now + 3600)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "event_at",
                        "Enter when the appointment or discharge happened (not in the future).");
    if (have_ref && (rc = app__link_or_fail(ctx, APP_LINK_REFERRAL, referral_id, nhs, "referral_id", NULL)))
        return rc;
    long long id;
    json_t *cur = NULL;
    if ((rc = app__letter_due(ctx, kind, nhs, icb, &svc, have_ref ? referral_id : 0, ev, &id)) ||
        (rc = letter_load(ctx, id, &cur)) || (rc = letter_send(ctx, id, body, cur))) {
        json_decref(cur);
        return rc;
    }
    json_decref(cur);
    rc = letter_load(ctx, id, out);
    if (rc == 0)
        ctx->status = 201;
    return rc;
}

int app_letters_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_list_args *a = arg;
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT x.id FROM letters x" PS_JOINS " WHERE 1 = 1");
    care__visibility(ctx, &b);
    if (!app_role_is_trust(ctx->user.role))
        sqlb_add(&b, " AND x.status <> 'due'");
    if (a->status && *a->status) {
        sqlb_add(&b, " AND x.status = $?");
        sqlb_param(&b, DBP_TEXT(a->status));
    }
    if (a->q && *a->q) {
        sqlb_add(&b, " AND x.kind = $?");
        sqlb_param(&b, DBP_TEXT(a->q));
    }
    if (a->patient && *a->patient) {
        sqlb_add(&b, " AND x.patient_nhs_number = $?");
        sqlb_param(&b, DBP_TEXT(a->patient));
    }
    if (a->referral > 0) {
        sqlb_add(&b, " AND x.referral_id = $?");
        sqlb_param(&b, DBP_INT(a->referral));
    }
    /* Letters to write first, earliest due; then the newest sent. */
    sqlb_add(&b, " ORDER BY CASE WHEN x.status = 'due' THEN 0 ELSE 1 END,"
                 " CASE WHEN x.status = 'due' THEN x.due_at END, x.sent_at DESC, x.id DESC");
    app__page_limit(&b, a->page, a->page_size);
    json_t *list = json_array();
    int rc = app__list_loaded(ctx, &b, letter_load, "letter", list);
    return app__page_reply(rc, list, "letters", a->page, a->page_size, -1, out);
}

int app_letter_get(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    return app__get_one(ctx, letter_load, "letter", a->id, out);
}

/* Marks a sent letter read (the caller's practice holds it). */
static int letter_read(app_ctx *ctx, const app_subject *s)
{
    if (strcmp(s->status, "sent") != 0)
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL, "This letter is %s.", s->status);
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    sqlb b;
    app__change_begin(&b, "letters");
    sqlb_add(&b, ", status = 'read'");
    app__change_set(&b, "read_at", DBP_TEXT(now));
    app__change_set(&b, "read_by", DBP_TEXT(ctx->user.username));
    int rc =
        app__change_end(ctx, &b, s->id, -1, " AND status = 'sent'", "The letter changed at the same moment; reload.");
    return rc ? rc : app_event_json(ctx, "letter.read", "letter", s->id, s->nhs, s->icb, NULL, NULL, NULL);
}

int app_letter_act(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    int send = strcmp(a->action, "send") == 0, read = strcmp(a->action, "read") == 0;
    /* Who may do it at all comes first: a GP never sends letters. */
    if (send && !care__is_specialist(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Letters are written by the hospital team.");
    if (read && !app_role_is_practice(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Letters are marked read by the practice.");
    json_t *cur = NULL;
    app_subject s;
    int rc = app__act_load(ctx, letter_load, a->id, "letter", &cur, &s);
    if (rc)
        return rc;
    if (send && strcmp(s.status, "due") != 0)
        rc = app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL, "This letter has already been sent.");
    else if (send)
        rc = letter_send(ctx, a->id, a->body, cur);
    else if (read)
        rc = letter_read(ctx, &s);
    else
        rc = app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no letter action %s.", a->action);
    json_decref(cur);
    if (rc == 0)
        rc = letter_load(ctx, a->id, out);
    return rc;
}

json_t *care__gp_action_of(const json_t *cur, int n)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(cur, "gp_actions"), i, x)
    {
        if (json_integer_value(json_object_get(x, "n")) == n)
            return x;
    }
    return NULL;
}

/* Records the GP's answer to action a->n: accepted, or declined with the
 * reason; closes the letter's task when none is left pending. */
static int gp_action_answer(app_ctx *ctx, const app_gp_action *a, int accept, const char *reason, const char *icb)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(accept ? "accepted" : "declined"), DBP_TEXT(reason), DBP_TEXT(ctx->user.username),
                    DBP_TEXT(now)};
    long long changed, pending;
    int rc = care__gp_action_update(ctx, a->letter_id, a->n, "pending",
                                    "status = $1, decline_reason = $2, decided_by = $3, decided_at = $4", p, &changed);
    if (rc)
        return rc;
    db_param lp[] = {DBP_INT(a->letter_id)};
    if ((rc = db_query_int(ctx->db, "SELECT count(*) FROM letter_actions WHERE letter_id = $1 AND status = 'pending'",
                           1, lp, 0, &pending)))
        return app_db_fail(ctx, rc);
    return pending == 0 ? app__task_move(ctx, "letter_id", a->letter_id, NULL, NULL, 0, 0, icb, NULL) : 0;
}

int app_letter_gp_action(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_gp_action *a = arg;
    json_t *cur = NULL;
    app_subject s;
    int rc = app__act_load(ctx, letter_load, a->letter_id, "letter", &cur, &s);
    if (rc)
        return rc;
    const char *reason = NULL;
    int accept = strcmp(a->decision, "accept") == 0;
    json_t *act = care__gp_action_of(cur, a->n), *handoff = NULL;
    if (strcmp(ctx->user.role, "gp") != 0)
        rc = app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "GP actions are accepted or declined by a GP.");
    else if (act == NULL)
        rc = app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "This letter has no GP action %d.", a->n);
    else if (strcmp(json_string_value(json_object_get(act, "status")), "pending") != 0)
        rc = app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL, "This action has already been %s.",
                      json_string_value(json_object_get(act, "status")));
    else if (!accept)
        rc = app__body_text(ctx, a->body, "reason", "Enter why you are declining this action", 1, 2000, &reason);
    /* A declined action stays with the hospital: an owned, due handoff. */
    if (rc == 0 && (rc = gp_action_answer(ctx, a, accept, reason, s.icb)) == 0 && !accept)
        rc = app__gp_action_declined(ctx, a->letter_id, a->n, cur, &handoff);
    if (rc == 0)
        rc = app_event_json(ctx, accept ? "letter.gp_action_accepted" : "letter.gp_action_declined", "letter",
                            a->letter_id, s.nhs, s.icb, NULL, NULL,
                            json_pack("{s:i,s:s?,s:o?}", "n", a->n, "reason", reason, "handoff", handoff));
    if (rc == 0)
        rc = letter_load(ctx, a->letter_id, out);
    json_decref(cur);
    return rc;
}
