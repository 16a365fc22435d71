/*
 * waiting/priority.c - clinical priority and its history, and priority
 * reviews asked by GPs (a handoff to the service, like every task), which
 * are withdrawn when the patient leaves the list.
 */
#include "app/waiting/waiting_internal.h"
#include "app/waiting/waiting.h"
#include "common/rc.h"
#include "core/priority.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Sets a pathway's priority and records the change; review_id 0 if none. */
static int priority_set(app_ctx *ctx, long long id, const char *icb, const char *nhs, const char *from, prio_code pc,
                        const char *reason, const char *review_date, long long review_id)
{
    int64_t today = seam_time_day(ctx->now);
    char treat[SEAM_DATE_LEN] = "", review[SEAM_DATE_LEN] = "", now[SEAM_ISO_LEN];
    int64_t tb = prio_treat_by(pc, today);
    if (tb >= 0)
        waiting__day_format(tb, treat);
    if (review_date)
        snprintf(review, sizeof(review), "%s", review_date);
    else
        waiting__day_format(prio_review_day(pc, today), review);
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(prio_name(pc)),
                    DBP_TEXT(now),
                    DBP_TEXT(ctx->user.username),
                    DBP_TEXT(reason),
                    DBP_TEXT(treat[0] ? treat : NULL),
                    DBP_TEXT(review),
                    DBP_INT(id)};
    int rc = db_exec(ctx->db,
                     "UPDATE pathways SET priority = $1, priority_set_at = $2, priority_set_by = $3,"
                     " priority_reason = $4, treat_by = $5, review_date = $6, updated_at = $2, version = version + 1"
                     " WHERE id = $7",
                     7, p);
    if (rc)
        return app_db_fail(ctx, rc);
    db_param c[] = {DBP_TEXT(icb),    DBP_INT(id),
                    DBP_TEXT(now),    DBP_TEXT(ctx->user.username),
                    DBP_TEXT(from),   DBP_TEXT(prio_name(pc)),
                    DBP_TEXT(reason), DBP_TEXT(treat[0] ? treat : NULL),
                    DBP_TEXT(review), review_id ? DBP_INT(review_id) : DBP_NULL};
    rc = db_exec(ctx->db,
                 "INSERT INTO priority_changes (icb_code, pathway_id, at, by_username, from_priority, to_priority,"
                 " reason, treat_by, review_date, review_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
                 10, c);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *before = json_pack("{s:o}", "priority", app__str_or_null(from));
    json_t *after = json_pack("{s:s,s:o,s:s}", "priority", prio_name(pc), "treat_by",
                              treat[0] ? json_string(treat) : json_null(), "review_date", review);
    rc = app_event(ctx, "pathway.priority_changed", "pathway", id, nhs, icb, before, after, reason);
    json_decref(before);
    json_decref(after);
    return rc;
}

/* The caller may change priority at this pathway's trust (and service). */
static int may_prioritise(app_ctx *ctx, const char *trust, long long service_id)
{
    const char *role = ctx->user.role;
    if (strcmp(role, "clinician") != 0 && strcmp(role, "triager") != 0)
        return 0;
    if (strcmp(ctx->user.org_code, trust) != 0)
        return 0;
    return app__serves(ctx, service_id);
}

int app_pathway_priority(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    const char *prio_s, *reason, *review_date = NULL;
    db_rows *r;
    int rc = waiting__load_rows(ctx, a->id, &r);
    if (rc)
        return rc;
    char trust[16], nhs[16], icb[16], from[8] = "";
    long long svc = db_geti(r, 0, C_SVC);
    int open = (int)db_geti(r, 0, C_OPEN);
    snprintf(trust, sizeof(trust), "%s", db_get(r, 0, C_TRUST));
    snprintf(nhs, sizeof(nhs), "%s", db_get(r, 0, C_NHS));
    snprintf(icb, sizeof(icb), "%s", db_get(r, 0, C_ICB));
    if (!db_isnull(r, 0, C_PRIO))
        snprintf(from, sizeof(from), "%s", db_get(r, 0, C_PRIO));
    rc = app__held_or_fail(ctx, trust, db_get(r, 0, C_PRACTICE), db_geti(r, 0, C_SVC), "pathway", a->id);
    db_rows_free(r);
    if (rc)
        return rc;
    if (!may_prioritise(ctx, trust, svc))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                        "Clinical priority is set by the treating service's clinicians; a GP can ask for a review.");
    if ((rc = app__body_str(ctx, a->body, "priority", 1, 8, &prio_s)) ||
        (rc = app__body_text(ctx, a->body, "reason", "Enter the reason for the priority", 1, REASON_MAX, &reason)) ||
        (rc = app__body_str(ctx, a->body, "review_date", 0, 10, &review_date)))
        return rc;
    prio_code pc;
    if (prio_parse(prio_s, &pc) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "priority",
                        "Select a clinical priority: P1a, P1b, P2, P3, P4 or P6.");
    int64_t rd;
    if (review_date && (waiting__day_parse(review_date, &rd) != 0 || rd < seam_time_day(ctx->now)))
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "review_date",
                        "The review date must be a date such as 2027-01-31, today or later.");
    if (!open)
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                        "Pathway %lld is no longer on the waiting list.", a->id);
    if ((rc = priority_set(ctx, a->id, icb, nhs, from[0] ? from : NULL, pc, reason, review_date, 0)))
        return rc;
    if ((rc = waiting__load_rows(ctx, a->id, &r)))
        return rc;
    *out = waiting__pathway_json(r, 0, seam_time_day(ctx->now));
    db_rows_free(r);
    return 0;
}

/* ---------------------------------------------------------------------
 * Priority reviews: the GP asks, the service answers
 */

static int review_load(app_ctx *ctx, long long id, json_t **out)
{
    sqlb w;
    sqlb_init(&w);
    sqlb_add(&w, RV_FROM " WHERE rv.id = $?");
    sqlb_param(&w, DBP_INT(id));
    waiting__visibility(ctx, &w);
    json_t *list = NULL;
    int rc = waiting__reviews_of(ctx, &w, &list);
    if (rc)
        return rc;
    if (json_array_size(list) == 0) {
        json_decref(list);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no priority review %lld that you can see.",
                        id);
    }
    *out = json_incref(json_array_get(list, 0));
    json_decref(list);
    return 0;
}

int app_priority_review_create(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    db_rows *r;
    int rc = waiting__load_rows(ctx, a->id, &r);
    if (rc)
        return rc;
    char trust[16], nhs[16], icb[16];
    long long svc_id = db_geti(r, 0, C_SVC);
    int open = (int)db_geti(r, 0, C_OPEN), has_open = !db_isnull(r, 0, C_RV_ID);
    snprintf(trust, sizeof(trust), "%s", db_get(r, 0, C_TRUST));
    snprintf(nhs, sizeof(nhs), "%s", db_get(r, 0, C_NHS));
    snprintf(icb, sizeof(icb), "%s", db_get(r, 0, C_ICB));
    rc = app__held_or_fail(ctx, trust, db_get(r, 0, C_PRACTICE), db_geti(r, 0, C_SVC), "pathway", a->id);
    db_rows_free(r);
    if (rc)
        return rc;
    if (!app_role_is_practice(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                        "A priority review is asked for by the patient's GP practice.");
    const char *reason;
    if ((rc = app__body_text(ctx, a->body, "reason", "Enter what has changed for the patient", 1, REASON_MAX, &reason)))
        return rc;
    if (!open)
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                        "Pathway %lld is no longer on the waiting list.", a->id);
    if (has_open)
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                        "A priority review is already open for this pathway; the service will answer it.");
    svc_info svc;
    if ((rc = app__svc_load(ctx, svc_id, &svc)))
        return rc == SEAM_ENOTFOUND ? app_fail(ctx, rc, "not_found", NULL, "The pathway's service is gone.") : rc;
    seam_time due = prio_review_request_due(ctx->now);
    char now[SEAM_ISO_LEN], due_s[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    seam_time_format(due, due_s);
    db_param p[] = {DBP_TEXT(icb),
                    DBP_INT(a->id),
                    DBP_TEXT(nhs),
                    DBP_INT(svc_id),
                    DBP_TEXT(reason),
                    DBP_TEXT(ctx->user.username),
                    DBP_TEXT(ctx->user.org_code),
                    DBP_TEXT(now),
                    DBP_TEXT(due_s)};
    long long id;
    rc = db_query_int(ctx->db,
                      "INSERT INTO priority_reviews (icb_code, pathway_id, patient_nhs_number, service_id, status,"
                      " reason, requested_by, requested_org, requested_at, due_at)"
                      " VALUES ($1,$2,$3,$4,'open',$5,$6,$7,$8,$9) RETURNING id",
                      9, p, 0, &id);
    if (rc)
        return app_db_fail(ctx, rc == SEAM_ECONFLICT ? SEAM_ECONFLICT : rc);
    static const handoff_rule rule = {"priority_review", HANDOFF_SERVICE, "clinician"};
    json_t *after = json_pack("{s:I,s:s}", "pathway_id", (json_int_t)a->id, "reason", reason);
    rc = app__task_move(ctx, "review_id", id, &rule, trust, svc_id, due, icb, after);
    if (rc == 0)
        rc = app_event(ctx, "priority_review.requested", "priority_review", id, nhs, icb, NULL, after, NULL);
    json_decref(after);
    if (rc)
        return rc;
    if ((rc = review_load(ctx, id, out)))
        return rc;
    ctx->status = 201;
    return 0;
}

int app_priority_reviews_list(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_list_args *a = arg;
    const char *role = ctx->user.role;
    sqlb w;
    sqlb_init(&w);
    sqlb_add(&w, RV_FROM " WHERE 1 = 1");
    if (app_role_is_practice(role)) {
        sqlb_add(&w, " AND rv.requested_org = $?");
        sqlb_param(&w, DBP_TEXT(ctx->user.org_code));
    } else if (app_role_is_trust(role)) {
        sqlb_add(&w, " AND s.trust_code = $?");
        sqlb_param(&w, DBP_TEXT(ctx->user.org_code));
        app__service_scope(ctx, &w, "rv.service_id");
    } else if (strcmp(role, "icb_analyst") == 0) {
        sqlb_add(&w, " AND rv.icb_code = $?");
        sqlb_param(&w, DBP_TEXT(ctx->user.icb_code));
    } else if (strcmp(role, "admin") != 0) {
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "Priority reviews are for practices and trusts.");
    }
    const char *status = a->status && *a->status ? a->status : "all";
    if (strcmp(status, "open") == 0 || strcmp(status, "answered") == 0) {
        sqlb_add(&w, " AND rv.status = $?");
        sqlb_param(&w, DBP_TEXT(status));
    } else if (strcmp(status, "all") != 0) {
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "status", "status must be open, answered or all.");
    }
    json_t *items = NULL;
    int rc = waiting__reviews_of(ctx, &w, &items);
    if (rc)
        return rc;
    *out = json_pack("{s:o,s:I}", "items", items, "total", (json_int_t)json_array_size(items));
    return 0;
}

/* The new priority of a review answered "reprioritised": prio_s, a code
 * other than the pathway's priority now (from, "" if none), in *pc. */
static int new_priority(app_ctx *ctx, const char *prio_s, const char *from, prio_code *pc)
{
    if (prio_s == NULL)
        return app_fail(ctx, SEAM_EINVALID, "missing_field", "priority", "Select the new clinical priority.");
    if (prio_parse(prio_s, pc) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "priority",
                        "Select a clinical priority: P1a, P1b, P2, P3, P4 or P6.");
    if (from[0] && strcmp(prio_name(*pc), from) == 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "priority",
                        "The priority is already %s; answer \"unchanged\" to keep it.", from);
    return 0;
}

/* Records the answer on open review id (409 when it is no longer open):
 * the priority from and to (NULL: none). */
static int mark_answered(app_ctx *ctx, long long id, const char *outcome, const char *reason, const char *from,
                         const char *to)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(outcome), DBP_TEXT(reason), DBP_TEXT(from), DBP_TEXT(to), DBP_TEXT(ctx->user.username),
                    DBP_TEXT(now),     DBP_INT(id)};
    int rc = db_exec(ctx->db,
                     "UPDATE priority_reviews SET status = 'answered', outcome = $1, answer = $2, from_priority = $3,"
                     " to_priority = $4, answered_by = $5, answered_at = $6, version = version + 1"
                     " WHERE id = $7 AND status = 'open'",
                     7, p);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_changes(ctx->db) != 1)
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL, "Priority review %lld is already answered.",
                        id);
    return 0;
}

int app_priority_review_answer(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    json_t *cur = NULL;
    int rc = review_load(ctx, a->id, &cur);
    if (rc)
        return rc;
    long long pathway_id = json_integer_value(json_object_get(cur, "pathway_id"));
    long long svc_id = json_integer_value(json_object_get(json_object_get(cur, "service"), "id"));
    char trust[16], nhs[16], status[16];
    snprintf(trust, sizeof(trust), "%s", json_string_value(json_object_get(json_object_get(cur, "trust"), "code")));
    snprintf(nhs, sizeof(nhs), "%s", json_string_value(json_object_get(json_object_get(cur, "patient"), "nhs_number")));
    snprintf(status, sizeof(status), "%s", json_string_value(json_object_get(cur, "status")));
    json_decref(cur);
    if (!may_prioritise(ctx, trust, svc_id))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL,
                        "A priority review is answered by the treating service's clinicians.");
    const char *outcome, *reason, *prio_s = NULL;
    if ((rc = app__body_text(ctx, a->body, "outcome", "Select whether the priority changes", 1, 32, &outcome)) ||
        (rc = app__body_text(ctx, a->body, "reason", "Enter the reason for your answer", 1, REASON_MAX, &reason)) ||
        (rc = app__body_str(ctx, a->body, "priority", 0, 8, &prio_s)))
        return rc;
    int repri = strcmp(outcome, "reprioritised") == 0;
    if (!repri && strcmp(outcome, "unchanged") != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "outcome", "outcome must be reprioritised or unchanged.");
    if (strcmp(status, "open") != 0)
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL, "Priority review %lld is already answered.",
                        a->id);
    db_rows *r;
    if ((rc = waiting__load_rows(ctx, pathway_id, &r)))
        return rc;
    char from[8] = "", icb[16];
    int pw_open = (int)db_geti(r, 0, C_OPEN);
    if (!db_isnull(r, 0, C_PRIO))
        snprintf(from, sizeof(from), "%s", db_get(r, 0, C_PRIO));
    snprintf(icb, sizeof(icb), "%s", db_get(r, 0, C_ICB));
    db_rows_free(r);
    if (!pw_open)
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                        "Pathway %lld is no longer on the waiting list.", pathway_id);
    prio_code pc = PRIO_P4;
    if (repri && (rc = new_priority(ctx, prio_s, from, &pc)))
        return rc;
    if ((rc = mark_answered(ctx, a->id, outcome, reason, from[0] ? from : NULL,
                            repri ? prio_name(pc) : (from[0] ? from : NULL))))
        return rc;
    if (repri && (rc = priority_set(ctx, pathway_id, icb, nhs, from[0] ? from : NULL, pc, reason, NULL, a->id)))
        return rc;
    if ((rc = app__task_move(ctx, "review_id", a->id, NULL, NULL, 0, 0, icb, NULL)))
        return rc;
    json_t *after = json_pack("{s:s,s:s}", "outcome", outcome, "answer", reason);
    rc = app_event(ctx, "priority_review.answered", "priority_review", a->id, nhs, icb, NULL, after, NULL);
    json_decref(after);
    if (rc)
        return rc;
    return review_load(ctx, a->id, out);
}

int app__reviews_withdraw(app_ctx *ctx, long long pw_id, const char *why)
{
    db_rows *r;
    db_param p[] = {DBP_INT(pw_id)};
    int rc = db_query(ctx->db,
                      "SELECT id, patient_nhs_number, icb_code FROM priority_reviews WHERE pathway_id = $1"
                      " AND status = 'open'",
                      1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        long long id = db_geti(r, i, 0);
        db_param up[] = {DBP_TEXT(why), DBP_TEXT(now), DBP_INT(id)};
        if ((rc = db_exec(ctx->db,
                          "UPDATE priority_reviews SET status = 'withdrawn', answer = $1, answered_at = $2,"
                          " version = version + 1 WHERE id = $3",
                          3, up))) {
            rc = app_db_fail(ctx, rc);
            break;
        }
        if ((rc = app__task_move(ctx, "review_id", id, NULL, NULL, 0, 0, db_get(r, i, 2), NULL)))
            break;
        json_t *after = json_pack("{s:s,s:s}", "status", "withdrawn", "reason", why);
        rc = app_event(ctx, "priority_review.withdrawn", "priority_review", id, db_get(r, i, 1), db_get(r, i, 2), NULL,
                       after, why);
        json_decref(after);
    }
    db_rows_free(r);
    return rc;
}
