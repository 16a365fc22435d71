/*
 * rtt_periods.c - the RTT periods of a pathway as history (see
 * rtt_periods.h and docs/waiting-list.md, "RTT periods").
 */
#include "app/waiting/rtt_periods.h"
#include "app/waiting/waiting_internal.h"
#include "app/frame/frame.h"
#include "common/rc.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int stopped(const rtt_clock *c)
{
    return c->state == RTT_STOPPED || c->state == RTT_NULLIFIED;
}

/* The pathway.clock event of a change to period n of pw_id: what happened
 * (event), the rule, the clock's status and its start and stop dates. */
static int clock_event(app_ctx *ctx, long long pw_id, long long n, const char *event, int rule, const char *status,
                       const char *start, const char *stop, const char *reason)
{
    db_rows *r;
    db_param p[] = {DBP_INT(pw_id)};
    int rc = db_query(ctx->db, "SELECT patient_nhs_number, icb_code FROM pathways WHERE id = $1", 1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Pathway %lld vanished.", pw_id);
    }
    json_t *after = json_pack("{s:I,s:s,s:i,s:s,s:s,s:o}", "period", (json_int_t)n, "event", event, "rule", rule,
                              "status", status, "clock_start", start, "clock_stop", app__str_or_null(stop));
    rc = app_event(ctx, "pathway.clock", "pathway", pw_id, db_get(r, 0, 0), db_get(r, 0, 1), NULL, after, reason);
    json_decref(after);
    db_rows_free(r);
    return rc;
}

/* The number of the current period of pw_id, or 0 if it has none. */
static int current_period(app_ctx *ctx, long long pw_id, long long *n)
{
    db_param p[] = {DBP_INT(pw_id)};
    int rc = db_query_int(ctx->db, "SELECT period FROM rtt_periods WHERE pathway_id = $1 AND current = 1", 1, p, 0, n);
    return rc ? app_db_fail(ctx, rc) : 0;
}

int app__period_open(app_ctx *ctx, long long pw_id, const rtt_clock *c, int rule, const char *event)
{
    char now[SEAM_ISO_LEN], start[SEAM_DATE_LEN], stop[SEAM_DATE_LEN];
    seam_time_format(ctx->now, now);
    waiting__day_format(c->start_day, start);
    int ended = stopped(c);
    if (ended)
        waiting__day_format(c->stop_day, stop);
    /* History first: the period that was current stays as it is. */
    db_param cp[] = {DBP_TEXT(now), DBP_INT(pw_id)};
    int rc = db_exec(
        ctx->db, "UPDATE rtt_periods SET current = 0, updated_at = $1 WHERE pathway_id = $2 AND current = 1", 2, cp);
    if (rc)
        return app_db_fail(ctx, rc);
    int nullified = c->state == RTT_NULLIFIED;
    db_param ip[] = {DBP_INT(pw_id),
                     DBP_TEXT(start),
                     DBP_INT(c->start_day),
                     DBP_TEXT(c->status),
                     rule > 0 ? DBP_INT(rule) : DBP_NULL,
                     DBP_TEXT(ended ? stop : NULL),
                     ended ? DBP_INT(c->stop_day) : DBP_NULL,
                     DBP_TEXT(ended ? c->status : NULL),
                     DBP_INT(nullified),
                     DBP_TEXT(now)};
    rc = db_exec(ctx->db,
                 "INSERT INTO rtt_periods (icb_code, pathway_id, period, service_id, start_date, start_day,"
                 " start_status, start_rule, stop_date, stop_day, stop_status, nullified, current, created_at,"
                 " updated_at) SELECT pw.icb_code, pw.id, COALESCE((SELECT max(x.period) FROM rtt_periods x"
                 " WHERE x.pathway_id = pw.id), 0) + 1, pw.service_id, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10"
                 " FROM pathways pw WHERE pw.id = $1",
                 10, ip);
    if (rc)
        return app_db_fail(ctx, rc);
    long long n = 0;
    if ((rc = current_period(ctx, pw_id, &n)))
        return rc;
    return clock_event(ctx, pw_id, n, event, rule, c->status, start, ended ? stop : NULL, NULL);
}

int app__period_update(app_ctx *ctx, long long pw_id, const rtt_clock *c, int rule, const char *event,
                       const char *reason)
{
    long long n = 0;
    int rc = current_period(ctx, pw_id, &n);
    if (rc)
        return rc;
    if (n == 0)
        return app__period_open(ctx, pw_id, c, rule, event);
    char now[SEAM_ISO_LEN], start[SEAM_DATE_LEN], stop[SEAM_DATE_LEN];
    seam_time_format(ctx->now, now);
    waiting__day_format(c->start_day, start);
    int ended = stopped(c), nullified = c->state == RTT_NULLIFIED;
    if (ended)
        waiting__day_format(c->stop_day, stop);
    db_param p[] = {DBP_TEXT(ended ? stop : NULL),
                    ended ? DBP_INT(c->stop_day) : DBP_NULL,
                    DBP_TEXT(ended ? c->status : NULL),
                    DBP_INT(nullified),
                    DBP_TEXT(nullified ? (reason ? reason : "First appointment missed (33).") : NULL),
                    DBP_TEXT(now),
                    DBP_INT(pw_id)};
    rc = db_exec(ctx->db,
                 "UPDATE rtt_periods SET stop_date = $1, stop_day = $2, stop_status = $3, nullified = $4,"
                 " nullified_reason = $5, updated_at = $6 WHERE pathway_id = $7 AND current = 1",
                 7, p);
    if (rc)
        return app_db_fail(ctx, rc);
    return clock_event(ctx, pw_id, n, event, rule, c->status, start, ended ? stop : NULL, reason);
}

int app__period_transfer_out(app_ctx *ctx, long long pw_id, int64_t day)
{
    long long n = 0;
    int rc = current_period(ctx, pw_id, &n);
    if (rc || n == 0)
        return rc;
    char now[SEAM_ISO_LEN], d[SEAM_DATE_LEN];
    seam_time_format(ctx->now, now);
    waiting__day_format(day, d);
    db_param p[] = {DBP_TEXT(d), DBP_INT(day), DBP_TEXT(now), DBP_INT(pw_id)};
    rc = db_exec(ctx->db,
                 "UPDATE rtt_periods SET stop_date = $1, stop_day = $2, stop_status = '21', updated_at = $3"
                 " WHERE pathway_id = $4 AND current = 1 AND stop_day IS NULL",
                 4, p);
    if (rc)
        return app_db_fail(ctx, rc);
    db_rows *r;
    db_param sp[] = {DBP_INT(pw_id)};
    if ((rc = db_query(ctx->db, "SELECT start_date FROM rtt_periods WHERE pathway_id = $1 AND current = 1", 1, sp, &r)))
        return app_db_fail(ctx, rc);
    char start[SEAM_DATE_LEN];
    snprintf(start, sizeof(start), "%s", db_nrows(r) ? db_get(r, 0, 0) : d);
    db_rows_free(r);
    return clock_event(ctx, pw_id, n, "transfer_out", 0, "21", start, d,
                       "Transferred to another provider: off this list, the clock runs on there.");
}

int app__period_follow_service(app_ctx *ctx, long long pw_id)
{
    db_param p[] = {DBP_INT(pw_id)};
    int rc = db_exec(ctx->db,
                     "UPDATE rtt_periods SET service_id = (SELECT service_id FROM pathways WHERE id = $1)"
                     " WHERE pathway_id = $1 AND current = 1",
                     1, p);
    return rc ? app_db_fail(ctx, rc) : 0;
}

static json_t *status_json(const char *code)
{
    if (code == NULL)
        return json_null();
    return json_pack("{s:s,s:s?}", "code", code, "label", rtt_status_label(code));
}

int app__periods_json(app_ctx *ctx, long long pw_id, json_t **out)
{
    db_rows *r;
    db_param p[] = {DBP_INT(pw_id)};
    int rc = db_query(ctx->db,
                      "SELECT period, start_date, start_day, start_status, start_rule, stop_date, stop_day,"
                      " stop_status, nullified, nullified_reason, current, service_id, created_at, updated_at"
                      " FROM rtt_periods WHERE pathway_id = $1 ORDER BY period",
                      1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *periods = json_array();
    for (int i = 0; i < db_nrows(r); i++) {
        int has_stop = !db_isnull(r, i, 6);
        const char *stop_status = db_get(r, i, 7);
        /* A completed wait: a clock stop that is neither nullified nor a
         * transfer out (21, the wait goes on elsewhere). */
        int wait = has_stop && !db_geti(r, i, 8) && stop_status && strcmp(stop_status, "21") != 0;
        json_t *o = json_pack("{s:I,s:s,s:o,s:o,s:o,s:o,s:b,s:o,s:b,s:I,s:o,s:s,s:s,s:o}", "period",
                              (json_int_t)db_geti(r, i, 0), "clock_start", db_get(r, i, 1), "start_status",
                              status_json(db_get(r, i, 3)), "start_rule",
                              db_isnull(r, i, 4) ? json_null() : json_integer(db_geti(r, i, 4)), "clock_stop",
                              app__str_or_null(db_get(r, i, 5)), "stop_status", status_json(stop_status), "nullified",
                              (int)db_geti(r, i, 8), "nullified_reason", app__str_or_null(db_get(r, i, 9)), "current",
                              (int)db_geti(r, i, 10), "service_id", (json_int_t)db_geti(r, i, 11), "days_waited",
                              wait ? json_integer(rtt_days_waited(db_geti(r, i, 2), db_geti(r, i, 6))) : json_null(),
                              "created_at", db_get(r, i, 12), "updated_at", db_get(r, i, 13), "events", json_array());
        json_array_append_new(periods, o);
    }
    db_rows_free(r);

    /* The clock events of the pathway, each filed under its period. */
    char oid[32];
    snprintf(oid, sizeof(oid), "%lld", pw_id);
    db_param ep[] = {DBP_TEXT(oid)};
    rc = db_query(ctx->db,
                  "SELECT e.at, e.actor, e.after_json, e.detail FROM events e WHERE e.object_type = 'pathway'"
                  " AND e.object_id = $1 AND e.action = 'pathway.clock' ORDER BY e.id",
                  1, ep, &r);
    if (rc) {
        json_decref(periods);
        return app_db_fail(ctx, rc);
    }
    for (int i = 0; i < db_nrows(r); i++) {
        json_t *after = json_loads(db_get(r, i, 2) ? db_get(r, i, 2) : "null", 0, NULL);
        json_int_t n = json_integer_value(json_object_get(after, "period"));
        size_t k;
        json_t *per;
        json_array_foreach(periods, k, per)
        {
            if (json_integer_value(json_object_get(per, "period")) != n)
                continue;
            json_t *e = json_pack("{s:s,s:s,s:O?,s:O?,s:O?,s:O?,s:O?,s:o}", "at", db_get(r, i, 0), "by",
                                  db_get(r, i, 1), "event", json_object_get(after, "event"), "rule",
                                  json_object_get(after, "rule"), "status", json_object_get(after, "status"),
                                  "clock_start", json_object_get(after, "clock_start"), "clock_stop",
                                  json_object_get(after, "clock_stop"), "reason", app__str_or_null(db_get(r, i, 3)));
            if (e)
                json_array_append_new(json_object_get(per, "events"), e);
            break;
        }
        json_decref(after);
    }
    db_rows_free(r);
    *out = periods;
    return 0;
}

int app__period_sync(db *d, long long pw_id, const char *now)
{
    db_param p[] = {DBP_INT(pw_id), DBP_TEXT(now)};
    /* A clock start on or after the current period's stop is a new period:
     * the stopped one stays in the history. */
    int rc = db_exec(d,
                     "UPDATE rtt_periods SET current = 0, updated_at = $2 WHERE pathway_id = $1 AND current = 1"
                     " AND stop_day IS NOT NULL AND stop_status <> '21'"
                     " AND (SELECT clock_start_day FROM pathways WHERE id = $1) >= stop_day"
                     " AND (SELECT clock_start_day FROM pathways WHERE id = $1) <> start_day",
                     2, p);
    if (rc)
        return rc;
    rc = db_exec(d,
                 "INSERT INTO rtt_periods (icb_code, pathway_id, period, service_id, start_date, start_day,"
                 " start_status, stop_date, stop_day, stop_status, nullified, nullified_reason, current,"
                 " created_at, updated_at) SELECT pw.icb_code, pw.id, COALESCE((SELECT max(x.period) FROM"
                 " rtt_periods x WHERE x.pathway_id = pw.id), 0) + 1, pw.service_id, pw.clock_start,"
                 " pw.clock_start_day, CASE WHEN pw.rtt_status IN ('11', '12') THEN pw.rtt_status ELSE '10' END,"
                 " pw.clock_stop, pw.clock_stop_day,"
                 " CASE WHEN pw.clock_stop_day IS NOT NULL OR pw.open = 0 THEN pw.rtt_status END,"
                 " CASE WHEN pw.rtt_status = '33' AND pw.clock_stop_day IS NOT NULL THEN 1 ELSE 0 END,"
                 " CASE WHEN pw.rtt_status = '33' AND pw.clock_stop_day IS NOT NULL THEN"
                 " 'First appointment missed (33).' END, 1, $2, $2 FROM pathways pw WHERE pw.id = $1"
                 " AND NOT EXISTS (SELECT 1 FROM rtt_periods x WHERE x.pathway_id = pw.id AND x.current = 1)",
                 2, p);
    if (rc || db_changes(d) == 1)
        return rc;
    /* The same period, as the trust's PAS now has it. */
    return db_exec(d,
                   "UPDATE rtt_periods SET service_id = (SELECT service_id FROM pathways WHERE id = $1),"
                   " start_date = (SELECT clock_start FROM pathways WHERE id = $1),"
                   " start_day = (SELECT clock_start_day FROM pathways WHERE id = $1),"
                   " stop_date = (SELECT clock_stop FROM pathways WHERE id = $1),"
                   " stop_day = (SELECT clock_stop_day FROM pathways WHERE id = $1),"
                   " stop_status = (SELECT CASE WHEN clock_stop_day IS NOT NULL OR open = 0 THEN rtt_status END"
                   " FROM pathways WHERE id = $1),"
                   " nullified = (SELECT CASE WHEN rtt_status = '33' AND clock_stop_day IS NOT NULL THEN 1 ELSE 0"
                   " END FROM pathways WHERE id = $1),"
                   " nullified_reason = (SELECT CASE WHEN rtt_status = '33' AND clock_stop_day IS NOT NULL THEN"
                   " 'First appointment missed (33).' END FROM pathways WHERE id = $1),"
                   " updated_at = $2 WHERE pathway_id = $1 AND current = 1",
                   2, p);
}

void app__period_waiting_sql(char *buf, size_t n, int64_t census)
{
    snprintf(buf, n,
             "rp.pathway_id = pw.id AND rp.start_day <= %lld AND (rp.stop_day > %lld OR (rp.stop_day IS NULL"
             " AND rp.current = 1 AND pw.open = 1))",
             (long long)census, (long long)census);
}
