/*
 * waiting/pathway.c - one RTT pathway as an organisation may see it: its
 * JSON (clock, breaches, priority, open review), who may see it, its
 * priority reviews, and GET /pathways/{id}.  Also the day helpers every
 * room of the waiting list uses.
 */
#include "app/waiting/waiting_internal.h"
#include "app/frame/frame.h"
#include "app/waiting/rtt_periods.h"
#include "common/rc.h"
#include "core/priority.h"
#include "core/waits.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

void waiting__day_format(int64_t day, char buf[SEAM_DATE_LEN])
{
    seam_date_format((seam_time)day * 86400, buf);
}

/* A date parameter (YYYY-MM-DD) as a day number; 0 ok, -1 bad. */
int waiting__day_parse(const char *s, int64_t *out)
{
    seam_time t;
    if (s == NULL || strlen(s) != 10 || seam_time_parse(s, &t) != 0)
        return -1;
    *out = seam_time_day(t);
    return 0;
}

/* The census day of a query: census= or today. */
int waiting__census(app_ctx *ctx, const char *census, int64_t *out)
{
    if (census == NULL || *census == '\0') {
        *out = seam_time_day(ctx->now);
        return 0;
    }
    if (waiting__day_parse(census, out) != 0)
        return app_fail(ctx, SEAM_EBADREQ, "bad_parameter", "census", "census must be a date such as 2026-11-25.");
    return 0;
}

/* The clinical priority of row i (PW_COLUMNS) at census, or null: its
 * review is overdue on an open pathway whose review date has passed. */
static json_t *priority_json(const db_rows *r, int i, int open, int64_t census)
{
    const char *prio = db_get(r, i, C_PRIO);
    prio_code pc;
    if (prio == NULL || prio_parse(prio, &pc) != 0)
        return json_null();
    const char *review = db_get(r, i, C_REVIEW_DATE);
    int64_t rday;
    int overdue = review && waiting__day_parse(review, &rday) == 0 && prio_review_overdue(open, rday, census);
    json_t *by = db_isnull(r, i, C_PRIO_BY) ? json_null()
                                            : json_pack("{s:s,s:s?}", "username", db_get(r, i, C_PRIO_BY),
                                                        "display_name", db_get(r, i, C_PRIO_BY_NAME));
    return json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:b}", "code", prio_name(pc), "label", prio_label(pc), "treat_by",
                     app__str_or_null(db_get(r, i, C_TREAT_BY)), "review_date", app__str_or_null(review), "set_at",
                     app__str_or_null(db_get(r, i, C_PRIO_AT)), "set_by", by, "reason",
                     app__str_or_null(db_get(r, i, C_PRIO_REASON)), "review_overdue", overdue);
}

json_t *waiting__pathway_json(const db_rows *r, int i, int64_t census)
{
    int open = (int)db_geti(r, i, C_OPEN);
    int64_t start = db_geti(r, i, C_START_DAY);
    int64_t end = db_isnull(r, i, C_STOP_DAY) ? census : db_geti(r, i, C_STOP_DAY);
    const char *status = db_get(r, i, C_STATUS);
    const char *label = rtt_status_label(status);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(db_geti(r, i, C_ID)));
    json_object_set_new(o, "ppi", json_string(db_get(r, i, C_PPI)));
    json_object_set_new(o, "source", json_string(db_get(r, i, C_SOURCE)));
    json_object_set_new(o, "referral_id",
                        db_isnull(r, i, C_REFERRAL) ? json_null() : json_integer(db_geti(r, i, C_REFERRAL)));
    json_object_set_new(o, "patient",
                        json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s}}", "nhs_number", db_get(r, i, C_NHS), "given_name",
                                  db_get(r, i, C_GIVEN), "family_name", db_get(r, i, C_FAMILY), "birth_date",
                                  db_get(r, i, C_BIRTH), "practice", "code", db_get(r, i, C_PRACTICE), "name",
                                  db_get(r, i, C_PRACTICE_NAME)));
    json_object_set_new(o, "trust",
                        json_pack("{s:s,s:s}", "code", db_get(r, i, C_TRUST), "name", db_get(r, i, C_TRUST_NAME)));
    json_object_set_new(o, "service",
                        json_pack("{s:I,s:s,s:s,s:s,s:s?}", "id", (json_int_t)db_geti(r, i, C_SVC), "name",
                                  db_get(r, i, C_SVC_NAME), "specialty", db_get(r, i, C_SPECIALTY),
                                  "treatment_function_code", db_get(r, i, C_TFC), "patient_contact",
                                  db_get(r, i, C_PATIENT_CONTACT)));
    json_object_set_new(o, "referral_priority", app__str_or_null(db_get(r, i, C_REF_PRIO)));
    json_object_set_new(o, "referral_received", json_string(db_get(r, i, C_RECEIVED)));
    json_object_set_new(o, "clock_start", json_string(db_get(r, i, C_START)));
    json_object_set_new(o, "clock_stop", app__str_or_null(db_get(r, i, C_STOP)));
    json_object_set_new(o, "rtt_status", json_pack("{s:s,s:s?}", "code", status, "label", label));
    json_object_set_new(o, "open", json_boolean(open));
    int64_t days = rtt_days_waited(start, end);
    json_object_set_new(o, "days_waited", json_integer(days));
    json_object_set_new(o, "weeks_waited", json_integer(rtt_weeks_waited(start, end)));
    json_object_set_new(o, "over_18_weeks", json_boolean(rtt_over_weeks(start, end, WAITS_STANDARD_WEEKS)));
    json_t *breach = json_object(), *next = json_null();
    for (int k = 0; k < WAITS_N_BREACH; k++) {
        char key[8], d[SEAM_DATE_LEN];
        int64_t bd = rtt_breach_day(start, waits_breach_weeks[k]);
        snprintf(key, sizeof(key), "%d", waits_breach_weeks[k]);
        waiting__day_format(bd, d);
        json_object_set_new(breach, key, json_string(d));
        if (open && json_is_null(next) && bd > census)
            next = json_pack("{s:i,s:s}", "weeks", waits_breach_weeks[k], "date", d);
    }
    json_object_set_new(o, "breach_dates", breach);
    json_object_set_new(o, "next_breach", next);
    json_object_set_new(o, "priority", priority_json(r, i, open, census));
    json_object_set_new(o, "last_activity", app__str_or_null(db_get(r, i, C_LAST)));
    json_object_set_new(o, "next_activity", app__str_or_null(db_get(r, i, C_NEXT)));
    json_object_set_new(o, "waiting_list_type", app__str_or_null(db_get(r, i, C_WLT)));
    json_object_set_new(o, "open_review",
                        db_isnull(r, i, C_RV_ID)
                            ? json_null()
                            : json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)db_geti(r, i, C_RV_ID), "requested_at",
                                        db_get(r, i, C_RV_AT), "due_at", db_get(r, i, C_RV_DUE), "reason",
                                        db_get(r, i, C_RV_REASON)));
    json_object_set_new(o, "version", json_integer(db_geti(r, i, C_VERSION)));
    return o;
}

/* Who may see a pathway: the patient's practice, the trust holding it,
 * the patient, the ICB of the patient's population, admin. */
void waiting__visibility(app_ctx *ctx, sqlb *b)
{
    app__visibility(ctx, b, " AND pw.trust_code = $?", "pw.icb_code", "pw.service_id");
}

int waiting__query(app_ctx *ctx, const sqlb *q, db_rows **r)
{
    if (q->overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    int rc = db_query(ctx->db, q->sql, q->n, q->p, r);
    return rc ? app_db_fail(ctx, rc) : 0;
}

/* Loads one visible pathway row (PW_COLUMNS); SEAM_ENOTFOUND if none. */
int waiting__load_rows(app_ctx *ctx, long long id, db_rows **out)
{
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT" PW_COLUMNS PW_FROM " WHERE pw.id = $?");
    sqlb_param(&b, DBP_INT(id));
    waiting__visibility(ctx, &b);
    int rc = waiting__query(ctx, &b, out);
    if (rc)
        return rc;
    if (db_nrows(*out) == 0) {
        db_rows_free(*out);
        *out = NULL;
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no pathway %lld that you can see.", id);
    }
    return 0;
}

static json_t *review_json(const db_rows *r, int i)
{
    json_t *answered_by = db_isnull(r, i, 14)
                              ? json_null()
                              : json_pack("{s:s,s:s?}", "username", db_get(r, i, 14), "display_name", db_get(r, i, 15));
    return json_pack("{s:I,s:I,s:s,s:s,s:{s:s,s:s?},s:{s:s,s:s},s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:{s:s,s:s,s:s},"
                     "s:{s:I,s:s},s:{s:s,s:s}}",
                     "id", (json_int_t)db_geti(r, i, 0), "pathway_id", (json_int_t)db_geti(r, i, 1), "status",
                     db_get(r, i, 2), "reason", db_get(r, i, 3), "requested_by", "username", db_get(r, i, 4),
                     "display_name", db_get(r, i, 5), "requested_org", "code", db_get(r, i, 6), "name", db_get(r, i, 7),
                     "requested_at", db_get(r, i, 8), "due_at", db_get(r, i, 9), "outcome",
                     app__str_or_null(db_get(r, i, 10)), "answer", app__str_or_null(db_get(r, i, 11)), "from_priority",
                     app__str_or_null(db_get(r, i, 12)), "to_priority", app__str_or_null(db_get(r, i, 13)),
                     "answered_by", answered_by, "answered_at", app__str_or_null(db_get(r, i, 16)), "patient",
                     "nhs_number", db_get(r, i, 17), "given_name", db_get(r, i, 18), "family_name", db_get(r, i, 19),
                     "service", "id", (json_int_t)db_geti(r, i, 20), "name", db_get(r, i, 21), "trust", "code",
                     db_get(r, i, 22), "name", db_get(r, i, 23));
}

int waiting__reviews_of(app_ctx *ctx, sqlb *w, json_t **out)
{
    sqlb q;
    sqlb_init(&q);
    sqlb_add(&q, "SELECT" RV_COLUMNS);
    sqlb_append(&q, w);
    sqlb_add(&q, " ORDER BY rv.requested_at DESC, rv.id DESC LIMIT 200");
    db_rows *r;
    int rc = waiting__query(ctx, &q, &r);
    if (rc)
        return rc;
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        json_array_append_new(list, review_json(r, i));
        rc = app_event(ctx, "read.priority_review", "priority_review", db_geti(r, i, 0), db_get(r, i, 17),
                       db_get(r, i, 24), NULL, NULL, NULL);
    }
    db_rows_free(r);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return 0;
}

int app_pathway_get(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_id_body *a = arg;
    int64_t census = seam_time_day(ctx->now);
    db_rows *r;
    int rc = waiting__load_rows(ctx, a->id, &r);
    if (rc)
        return rc;
    json_t *o = waiting__pathway_json(r, 0, census);
    char nhs[16], icb[16];
    long long svc = db_geti(r, 0, C_SVC);
    snprintf(nhs, sizeof(nhs), "%s", db_get(r, 0, C_NHS));
    snprintf(icb, sizeof(icb), "%s", db_get(r, 0, C_ICB));
    db_rows_free(r);

    db_param hp[] = {DBP_INT(a->id)};
    rc = db_query(ctx->db,
                  "SELECT c.at, c.by_username, u.display_name, c.from_priority, c.to_priority, c.reason, c.treat_by,"
                  " c.review_date, c.review_id FROM priority_changes c LEFT JOIN users u ON u.username = c.by_username"
                  " WHERE c.pathway_id = $1 ORDER BY c.id",
                  1, hp, &r);
    if (rc) {
        json_decref(o);
        return app_db_fail(ctx, rc);
    }
    json_t *hist = json_array();
    for (int i = 0; i < db_nrows(r); i++)
        json_array_append_new(hist, json_pack("{s:s,s:{s:s,s:s?},s:o,s:s,s:s,s:o,s:o,s:o}", "at", db_get(r, i, 0), "by",
                                              "username", db_get(r, i, 1), "display_name", db_get(r, i, 2), "from",
                                              app__str_or_null(db_get(r, i, 3)), "to", db_get(r, i, 4), "reason",
                                              db_get(r, i, 5), "treat_by", app__str_or_null(db_get(r, i, 6)),
                                              "review_date", app__str_or_null(db_get(r, i, 7)), "review_id",
                                              db_isnull(r, i, 8) ? json_null() : json_integer(db_geti(r, i, 8))));
    db_rows_free(r);
    json_object_set_new(o, "priority_history", hist);

    sqlb w;
    sqlb_init(&w);
    sqlb_add(&w, RV_FROM " WHERE rv.pathway_id = $?");
    sqlb_param(&w, DBP_INT(a->id));
    json_t *reviews = NULL;
    if ((rc = waiting__reviews_of(ctx, &w, &reviews))) {
        json_decref(o);
        return rc;
    }
    json_object_set_new(o, "reviews", reviews);
    json_t *periods = NULL;
    if ((rc = app__periods_json(ctx, a->id, &periods))) {
        json_decref(o);
        return rc;
    }
    json_object_set_new(o, "periods", periods);
    app_est_args sa = {.id = svc};
    json_t *est = NULL;
    if ((rc = app_estimated_wait(ctx, &sa, &est))) {
        json_decref(o);
        return rc;
    }
    json_object_set_new(o, "estimated_wait", est);
    if ((rc = app_event(ctx, "read.pathway", "pathway", a->id, nhs, icb, NULL, NULL, NULL))) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}
