/*
 * waiting/estimate.c - GET /services/{id}/estimated-wait: how long the
 * service's recent clock stops waited.
 */
#include "app/waiting/waiting_internal.h"
#include "app/figures.h"
#include "app/measures/measures.h"
#include "common/rc.h"
#include "core/waits.h"

#include <stdint.h>

/* days as weeks to one decimal, or null when not set. */
static json_t *weeks_or_null(int set, double days)
{
    return set ? json_real(fig_round1(days / 7.0)) : json_null();
}

/* The service id as {"id", "name", "trust": {"code", "name"}} in *out;
 * 404 when there is none. */
static int service_json(app_ctx *ctx, long long id, json_t **out)
{
    db_rows *r;
    db_param sp[] = {DBP_INT(id)};
    int rc = db_query(ctx->db,
                      "SELECT s.id, s.name, s.trust_code, o.name FROM services s JOIN organisations o ON o.code ="
                      " s.trust_code WHERE s.id = $1",
                      1, sp, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no service %lld.", id);
    }
    *out = json_pack("{s:I,s:s,s:{s:s,s:s}}", "id", (json_int_t)db_geti(r, 0, 0), "name", db_get(r, 0, 1), "trust",
                     "code", db_get(r, 0, 2), "name", db_get(r, 0, 3));
    db_rows_free(r);
    return 0;
}

/* The waits of service id in days: of its clock stops on days (from,
 * today] in *stops, and of its open pathways on today in *now.  Completed
 * waits are the clock stops of every period in the window, earlier
 * periods of a pathway included (rtt_periods), except nullified clocks (a
 * missed first appointment) and transfers out (21), which are not waits.
 * 0 or an app error (both lists freed). */
static int waits_of(app_ctx *ctx, long long id, int64_t from, int64_t today, measures_values *stops,
                    measures_values *now)
{
    db_param p[] = {DBP_INT(id), DBP_INT(from), DBP_INT(today)};
    int rc = db_scan(ctx->db,
                     "SELECT stop_day - start_day FROM rtt_periods WHERE service_id = $1 AND stop_day > $2"
                     " AND stop_day <= $3 AND nullified = 0 AND stop_status NOT IN ('21', '33')",
                     3, p, measures__values_row, stops);
    db_param np[] = {DBP_INT(id), DBP_INT(today)};
    if (rc == 0)
        rc = db_scan(ctx->db,
                     "SELECT $2 - clock_start_day FROM pathways WHERE service_id = $1 AND open = 1 AND clock_start_day"
                     " <= $2",
                     2, np, measures__values_row, now);
    if (rc == 0)
        return 0;
    measures__values_free(stops);
    measures__values_free(now);
    return rc == SEAM_ENOMEM ? app_fail(ctx, rc, NULL, NULL, "Out of memory.") : app_db_fail(ctx, rc);
}

int app_estimated_wait(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_est_args *a = arg;
    int64_t today;
    int rc = waiting__census(ctx, a->census, &today);
    if (rc)
        return rc;
    json_t *svc = NULL;
    if ((rc = service_json(ctx, a->id, &svc)))
        return rc;
    int64_t from = waits_estimate_from(today);
    measures_values stops = {0}, now = {0};
    if ((rc = waits_of(ctx, a->id, from, today, &stops, &now))) {
        json_decref(svc);
        return rc;
    }
    waits_estimate e;
    waits_estimate_of(stops.v, stops.n, now.v, now.n, &e);
    char fd[SEAM_DATE_LEN], td[SEAM_DATE_LEN];
    waiting__day_format(from + 1, fd);
    waiting__day_format(today, td);
    *out = json_pack("{s:o,s:s,s:s,s:I,s:o,s:o,s:I,s:o,s:b}", "service", svc, "from", fd, "to", td, "clock_stops",
                     (json_int_t)stops.n, "median_weeks", weeks_or_null(e.enough, e.median_days), "p92_weeks",
                     weeks_or_null(e.enough, e.p92_days), "waiting_now", (json_int_t)now.n, "median_waiting_weeks",
                     weeks_or_null(e.any_waiting, e.median_waiting_days), "enough_data", e.enough);
    measures__values_free(&stops);
    measures__values_free(&now);
    return 0;
}
