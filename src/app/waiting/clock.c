/*
 * waiting/clock.c - referrals made in Seam and their RTT clock: the
 * pathway follows the referral (app__pathway_on_referral), is placed on
 * the waiting list of the trust of its service, and its periods are kept
 * in rtt_periods.c.  What a referral or one of its actions means for the
 * clock is core's (rtt_start_for_referral, rtt_referral_plan_for in
 * core/rtt.c); this file loads the pathway, reads what the body adds
 * (rtt_outcome, rebooked_on) and writes.
 */
#include "app/waiting/waiting_internal.h"
#include "app/frame/frame.h"
#include "app/waiting/waiting.h"
#include "app/waiting/rtt_periods.h"
#include "common/rc.h"
#include "core/calendar.h"
#include "core/equity.h"
#include "core/rtt.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Writes clock c to pathway pw_id, with its last activity (NULL: kept)
 * and, when touch_next, its next activity (NULL: none). */
static int pw_write_clock(app_ctx *ctx, long long pw_id, const rtt_clock *c, const char *last, const char *next,
                          int touch_next)
{
    char start[SEAM_DATE_LEN], stop[SEAM_DATE_LEN], now[SEAM_ISO_LEN];
    int stopped = c->state == RTT_STOPPED || c->state == RTT_NULLIFIED;
    waiting__day_format(c->start_day, start);
    if (stopped)
        waiting__day_format(c->stop_day, stop);
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(start),
                    DBP_INT(c->start_day),
                    DBP_TEXT(stopped ? stop : NULL),
                    stopped ? DBP_INT(c->stop_day) : DBP_NULL,
                    DBP_TEXT(c->status),
                    DBP_INT(c->state == RTT_RUNNING),
                    DBP_TEXT(last),
                    DBP_TEXT(next),
                    DBP_INT(touch_next),
                    DBP_TEXT(now),
                    DBP_INT(pw_id)};
    int rc = db_exec(ctx->db,
                     "UPDATE pathways SET clock_start = $1, clock_start_day = $2, clock_stop = $3, clock_stop_day = $4,"
                     " rtt_status = $5, open = $6, last_activity = COALESCE($7, last_activity),"
                     " next_activity = CASE WHEN $9 = 1 THEN $8 ELSE next_activity END, updated_at = $10,"
                     " version = version + 1 WHERE id = $11",
                     11, p);
    return rc ? app_db_fail(ctx, rc) : 0;
}

/* Marks a pathway transferred to another provider (21): off this trust's
 * list, its clock still running elsewhere. */
static int pw_transfer_out(app_ctx *ctx, long long pw_id)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param tp[] = {DBP_TEXT(now), DBP_INT(pw_id)};
    int rc = db_exec(ctx->db,
                     "UPDATE pathways SET rtt_status = '21', open = 0, updated_at = $1, version = version + 1"
                     " WHERE id = $2",
                     2, tp);
    if (rc)
        return app_db_fail(ctx, rc);
    if ((rc = app__period_transfer_out(ctx, pw_id, seam_time_day(ctx->now))))
        return rc;
    return app__reviews_withdraw(ctx, pw_id, "The patient's pathway moved to another provider.");
}

/* Writes row 0 of pw_place's query as the pathway (trust, ppi) with clock
 * c: a new row, or the one that is off the list put back on it. */
static int pw_place_row(app_ctx *ctx, db_rows *r, long long ref_id, const char *ppi, const rtt_clock *c)
{
    int rc;
    char now[SEAM_ISO_LEN], today[SEAM_DATE_LEN], start[SEAM_DATE_LEN];
    seam_time_format(ctx->now, now);
    seam_date_format(ctx->now, today);
    waiting__day_format(c->start_day, start);
    int64_t birth_day = 0;
    int have_birth = waiting__day_parse(db_get(r, 0, 10), &birth_day) == 0;
    db_param ip[] = {DBP_TEXT(db_get(r, 0, 0)),
                     DBP_TEXT(db_get(r, 0, 1)),
                     DBP_TEXT(db_get(r, 0, 3)),
                     DBP_INT(db_geti(r, 0, 2)),
                     DBP_TEXT(ppi),
                     DBP_INT(ref_id),
                     DBP_TEXT(db_get(r, 0, 4)),
                     DBP_TEXT(db_get(r, 0, 5)),
                     DBP_TEXT(today),
                     DBP_TEXT(start),
                     DBP_INT(c->start_day),
                     DBP_TEXT(c->status),
                     db_isnull(r, 0, 7) ? DBP_NULL : DBP_INT(db_geti(r, 0, 7)),
                     DBP_TEXT(eq_ethnic_group_from_name(db_get(r, 0, 8))),
                     DBP_TEXT(eq_sex_from_code(db_get(r, 0, 9))),
                     have_birth ? DBP_INT(birth_day) : DBP_NULL,
                     DBP_TEXT(now),
                     db_isnull(r, 0, 11) ? DBP_NULL : DBP_INT(db_geti(r, 0, 11))};
    if (db_isnull(r, 0, 11))
        rc = db_exec(ctx->db,
                     "INSERT INTO pathways (icb_code, patient_nhs_number, trust_code, service_id, ppi, ppi_issuer,"
                     " referral_id, treatment_function_code, referral_priority, referral_received, clock_start,"
                     " clock_start_day, rtt_status, open, imd_decile, ethnic_group, sex, birth_day, source, created_at,"
                     " updated_at) VALUES ($1, $2, $3, $4, $5, $3, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14, $15,"
                     " $16, 'seam', $17, $17)",
                     17, ip);
    else
        rc = db_exec(ctx->db,
                     "UPDATE pathways SET service_id = $4, referral_id = $6, treatment_function_code = $7,"
                     " referral_priority = $8, referral_received = $9, clock_start = $10, clock_start_day = $11,"
                     " rtt_status = $12, open = 1, clock_stop = NULL, clock_stop_day = NULL, last_activity = NULL,"
                     " next_activity = NULL, updated_at = $17, version = version + 1"
                     " WHERE id = $18",
                     18, ip);
    return rc;
}

/*
 * Puts referral ref_id's clock c on the waiting list of the trust of its
 * current service, under PPI ppi.  A pathway is one row per (trust, PPI):
 * when the trust already runs that pathway for another referral (two
 * services, one condition) the clock is that row's and nothing changes;
 * a row that is off the list gets a new period with this clock, its
 * earlier periods kept (rtt_periods).  rule and event name the start.
 */
static int pw_place(app_ctx *ctx, long long ref_id, const char *ppi, const rtt_clock *c, int rule, const char *event)
{
    db_rows *r;
    db_param p[] = {DBP_INT(ref_id), DBP_TEXT(ppi)};
    int rc = db_query(ctx->db,
                      "SELECT r.icb_code, r.patient_nhs_number, r.service_id, s.trust_code, s.treatment_function_code,"
                      " r.priority, r.created_at, p.imd_decile, p.ethnicity, p.sex, p.birth_date,"
                      " (SELECT x.id FROM pathways x WHERE x.trust_code = s.trust_code AND x.ppi = $2),"
                      " (SELECT x.open FROM pathways x WHERE x.trust_code = s.trust_code AND x.ppi = $2)"
                      " FROM referrals r JOIN services s ON s.id = r.service_id"
                      " JOIN patients p ON p.nhs_number = r.patient_nhs_number WHERE r.id = $1",
                      2, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Referral %lld vanished.", ref_id);
    }
    if (!db_isnull(r, 0, 11) && db_geti(r, 0, 12) == 1) {
        db_rows_free(r);
        return 0;
    }
    rc = pw_place_row(ctx, r, ref_id, ppi, c);
    long long pw_id = db_isnull(r, 0, 11) ? 0 : db_geti(r, 0, 11);
    char trust[16];
    snprintf(trust, sizeof(trust), "%s", db_get(r, 0, 3));
    db_rows_free(r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (pw_id == 0) {
        db_param kp[] = {DBP_TEXT(trust), DBP_TEXT(ppi)};
        if ((rc =
                 db_query_int(ctx->db, "SELECT id FROM pathways WHERE trust_code = $1 AND ppi = $2", 2, kp, 0, &pw_id)))
            return app_db_fail(ctx, rc);
    }
    return app__period_open(ctx, pw_id, c, rule, event);
}

/* An onward referral for the same condition within the trust: the source
 * pathway src moves to the new referral's service, its clock running on. */
static int pw_follow_onward(app_ctx *ctx, long long ref_id, long long src)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param up[] = {DBP_INT(ref_id), DBP_TEXT(now), DBP_INT(src)};
    int rc = db_exec(ctx->db,
                     "UPDATE pathways SET service_id = (SELECT service_id FROM referrals WHERE id = $1),"
                     " treatment_function_code = (SELECT s.treatment_function_code FROM referrals x JOIN"
                     " services s ON s.id = x.service_id WHERE x.id = $1), referral_id = $1, updated_at = $2,"
                     " version = version + 1 WHERE id = $3",
                     3, up);
    if (rc)
        return app_db_fail(ctx, rc);
    return app__period_follow_service(ctx, src);
}

/* Creates the pathway of a new referral, or carries the clock on for an
 * onward referral about the same condition: how is core's
 * (rtt_start_for_referral); this loads the referral and the source's
 * pathway and writes. */
static int pw_create(app_ctx *ctx, long long ref_id)
{
    db_rows *r;
    db_param p[] = {DBP_INT(ref_id)};
    int rc = db_query(ctx->db,
                      "SELECT r.clock_start, r.pathway_id, r.onward_from, r.same_condition, s.trust_code,"
                      " src.id, src.trust_code, src.open, src.clock_start_day, src.clock_stop_day, src.rtt_status"
                      " FROM referrals r JOIN services s ON s.id = r.service_id"
                      " LEFT JOIN pathways src ON src.referral_id = r.onward_from"
                      " WHERE r.id = $1 ORDER BY src.open DESC, src.id DESC LIMIT 1",
                      1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Referral %lld vanished.", ref_id);
    }
    char ppi[64];
    snprintf(ppi, sizeof(ppi), "%s", db_get(r, 0, 1) ? db_get(r, 0, 1) : "");
    rtt_clock source;
    int has_source = !db_isnull(r, 0, 5) &&
                     rtt_clock_restore(&source, db_geti(r, 0, 8), db_isnull(r, 0, 9) ? RTT_NO_DAY : db_geti(r, 0, 9),
                                       db_get(r, 0, 10), db_geti(r, 0, 7) == 1, 0) == 0;
    rtt_start_facts f = {.same_condition = !db_isnull(r, 0, 2) && db_geti(r, 0, 3) == 1,
                         .source = has_source ? &source : NULL,
                         .source_same_provider = has_source && strcmp(db_get(r, 0, 6), db_get(r, 0, 4)) == 0,
                         .today = seam_time_day(ctx->now)};
    if (waiting__day_parse(db_get(r, 0, 0), &f.received_day) != 0)
        f.received_day = f.today;
    long long src = has_source ? db_geti(r, 0, 5) : 0;
    db_rows_free(r);
    rtt_start_plan pl;
    rtt_start_for_referral(&f, &pl);
    if (pl.move == RTT_START_FOLLOW)
        return pw_follow_onward(ctx, ref_id, src);
    if (pl.move == RTT_START_TRANSFER && (rc = pw_transfer_out(ctx, src)))
        return rc;
    return pw_place(ctx, ref_id, ppi, &pl.clock, pl.rule, pl.event);
}

/* The date of a rebooking after a missed first appointment: rebooked_on
 * in the body (default today), not in the future and not before the
 * missed appointment (missed_day). */
static int rebooked_on(app_ctx *ctx, json_t *body, int64_t today, int64_t missed_day, int64_t *out)
{
    const char *s = NULL;
    int rc = app__body_str(ctx, body, "rebooked_on", 0, 10, &s);
    if (rc)
        return rc;
    *out = today;
    if (s == NULL)
        return 0;
    if (waiting__day_parse(s, out) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "rebooked_on",
                        "rebooked_on must be the date the new appointment was agreed, such as 2026-11-25.");
    if (*out > today)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "rebooked_on",
                        "rebooked_on cannot be in the future: record the rebooking when it is agreed.");
    if (*out < missed_day) {
        char d[SEAM_DATE_LEN];
        waiting__day_format(missed_day, d);
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "rebooked_on",
                        "rebooked_on cannot be before the missed appointment on %s.", d);
    }
    return 0;
}

/* A referral's pathway as the clock needs it, copied out of its row. */
typedef struct pw_state {
    long long id, service_id;
    rtt_clock c;
    char priority[16], svc_trust[16], tfc[16], pw_trust[16], ppi[64], appt[SEAM_DATE_LEN];
    int have_tfc;       /* treatment_function_code is not NULL */
    int64_t booked_day; /* the next activity: the booked appointment, RTT_NO_DAY if none */
} pw_state;

/* Loads the pathway of referral ref_id (after a transfer the referral has
 * a row at each trust: the current one).  *found 0 when there is none
 * (a referral from before the waiting list existed) or this trust no
 * longer runs it (transferred out: 21, off the list): nothing to move. */
static int pw_load(app_ctx *ctx, long long ref_id, pw_state *s, int *found)
{
    db_rows *r;
    db_param p[] = {DBP_INT(ref_id)};
    *found = 0;
    int rc =
        db_query(ctx->db,
                 "SELECT pw.id, pw.clock_start_day, pw.clock_stop_day, pw.rtt_status, pw.open, pw.last_activity,"
                 " r.priority, r.service_id, s.trust_code, s.treatment_function_code, r.appointment_at, pw.trust_code,"
                 " pw.ppi, pw.next_activity FROM pathways pw JOIN referrals r ON r.id = pw.referral_id"
                 " JOIN services s ON s.id = r.service_id WHERE pw.referral_id = $1"
                 " ORDER BY CASE WHEN pw.trust_code = s.trust_code THEN 0 ELSE 1 END, pw.open DESC, pw.id DESC"
                 " LIMIT 1",
                 1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    *found = db_nrows(r) > 0 &&
             rtt_clock_restore(&s->c, db_geti(r, 0, 1), db_isnull(r, 0, 2) ? RTT_NO_DAY : db_geti(r, 0, 2),
                               db_get(r, 0, 3), db_geti(r, 0, 4) != 0, !db_isnull(r, 0, 5)) == 0;
    if (*found) {
        s->id = db_geti(r, 0, 0);
        s->service_id = db_geti(r, 0, 7);
        snprintf(s->priority, sizeof(s->priority), "%s", db_get(r, 0, 6));
        snprintf(s->svc_trust, sizeof(s->svc_trust), "%s", db_get(r, 0, 8));
        s->have_tfc = !db_isnull(r, 0, 9);
        snprintf(s->tfc, sizeof(s->tfc), "%s", s->have_tfc ? db_get(r, 0, 9) : "");
        snprintf(s->appt, sizeof(s->appt), "%.10s", db_isnull(r, 0, 10) ? "" : db_get(r, 0, 10));
        snprintf(s->pw_trust, sizeof(s->pw_trust), "%s", db_get(r, 0, 11));
        snprintf(s->ppi, sizeof(s->ppi), "%s", db_get(r, 0, 12));
        if (db_isnull(r, 0, 13) || waiting__day_parse(db_get(r, 0, 13), &s->booked_day) != 0)
            s->booked_day = RTT_NO_DAY;
    }
    db_rows_free(r);
    return 0;
}

/* Accepted or redirected within the trust: the clock runs on; the pathway
 * follows the referral's service and priority. */
static int pw_follow(app_ctx *ctx, const pw_state *s)
{
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param up[] = {DBP_INT(s->service_id), DBP_TEXT(s->svc_trust), DBP_TEXT(s->have_tfc ? s->tfc : NULL),
                     DBP_TEXT(s->priority),  DBP_TEXT(now),          DBP_INT(s->id)};
    int rc = db_exec(ctx->db,
                     "UPDATE pathways SET service_id = $1, trust_code = $2, treatment_function_code = $3,"
                     " referral_priority = $4, updated_at = $5, version = version + 1 WHERE id = $6",
                     6, up);
    if (rc)
        return app_db_fail(ctx, rc);
    return app__period_follow_service(ctx, s->id);
}

/* Accepted or redirected to another provider: a transfer, the clock
 * carries on there. */
static int pw_transfer(app_ctx *ctx, long long ref_id, pw_state *s, const rtt_event *tr)
{
    int rc = pw_transfer_out(ctx, s->id);
    if (rc)
        return rc;
    if (rtt_apply(&s->c, tr, NULL) != 0)
        snprintf(s->c.status, sizeof(s->c.status), "21");
    return pw_place(ctx, ref_id, s->ppi, &s->c, 0, "transfer_in");
}

/* The action's clock event: applied (what names the period's event), and
 * after a first-appointment DNA that nullified the clock and a rebooking,
 * the new clock from the rebooking day (rule 3e).  *stands 1 when the
 * event is not a clock event in this state (e.g. already stopped). */
static int pw_apply(app_ctx *ctx, pw_state *s, const rtt_referral_plan *pl, const char *what, int64_t rebook_day,
                    int *stands)
{
    int period = s->c.period, rule = 0, rc;
    *stands = rtt_apply(&s->c, &pl->ev, &rule) != 0;
    if (*stands)
        return 0;
    rc = s->c.period != period ? app__period_open(ctx, s->id, &s->c, rule, what)
                               : app__period_update(ctx, s->id, &s->c, rule, what, NULL);
    if (rc || !(pl->rebook && s->c.state == RTT_NULLIFIED))
        return rc;
    rtt_event rb = {.kind = RTT_EV_REBOOK_AFTER_DNA, .day = rebook_day, .two_week_wait = pl->ev.two_week_wait};
    if (rtt_apply(&s->c, &rb, &rule) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_value", "rebooked_on",
                        "rebooked_on cannot be before the missed appointment.");
    return app__period_open(ctx, s->id, &s->c, rule, "rebooked");
}

/* What the body adds to the plan: a discharge's rtt_outcome, the day a
 * missed appointment was rebooked. */
static int pw_plan_body(app_ctx *ctx, json_t *body, rtt_referral_plan *pl, int64_t *rebook_day)
{
    int rc;
    *rebook_day = pl->ev.day;
    if (pl->outcome) {
        const char *outcome = NULL;
        if ((rc = app__body_str(ctx, body, "rtt_outcome", 0, 32, &outcome)))
            return rc;
        if (rtt_outcome_event(outcome, &pl->ev.kind, &pl->ev.patient_initiated) != 0)
            return app_fail(ctx, SEAM_EINVALID, "invalid_value", "rtt_outcome",
                            "rtt_outcome must be treated, active_monitoring_patient, active_monitoring_clinician,"
                            " declined, not_to_treat or return_to_primary.");
    }
    if (pl->rebook)
        return rebooked_on(ctx, body, pl->ev.day, pl->ev.missed_day, rebook_day);
    return 0;
}

/* Moves the pathway of a referral after one of its actions: what the
 * action means for the clock is core's (rtt_referral_plan_for); this
 * loads, writes and records. */
int app__pathway_on_referral(app_ctx *ctx, long long ref_id, const char *what, json_t *body)
{
    if (strcmp(what, "created") == 0)
        return pw_create(ctx, ref_id);
    pw_state s;
    int found, stands = 0;
    int rc = pw_load(ctx, ref_id, &s, &found);
    if (rc || !found)
        return rc;
    /* The day the patient was seen (checked by the referral), not the day it is recorded. */
    const char *att_s = json_string_value(json_object_get(body, "attended_at"));
    seam_time att;
    rtt_referral_facts f = {.action = what,
                            .clock = &s.c,
                            .other_provider = strcmp(s.svc_trust, s.pw_trust) != 0,
                            .two_week_wait = strcmp(s.priority, "two_week_wait") == 0,
                            .today = seam_time_day(ctx->now),
                            .attended_day =
                                att_s && seam_time_parse(att_s, &att) == 0 ? seam_time_day(att) : RTT_NO_DAY,
                            .booked_day = s.booked_day};
    rtt_referral_plan pl;
    rtt_referral_plan_for(&f, &pl);
    if (pl.move == RTT_REF_TRANSFER)
        return pw_transfer(ctx, ref_id, &s, &pl.ev);
    if (pl.move == RTT_REF_FOLLOW)
        return pw_follow(ctx, &s);
    int64_t rebook_day;
    if ((rc = pw_plan_body(ctx, body, &pl, &rebook_day)))
        return rc;
    if (pl.apply && ((rc = pw_apply(ctx, &s, &pl, what, rebook_day, &stands)) || stands))
        return rc;
    char last[SEAM_DATE_LEN];
    waiting__day_format(pl.ev.day, last);
    if ((rc = pw_write_clock(ctx, s.id, &s.c, pl.last_activity ? last : NULL,
                             pl.next_appointment && s.appt[0] ? s.appt : NULL, pl.touch_next)))
        return rc;
    return s.c.state == RTT_RUNNING ? 0 : app__reviews_withdraw(ctx, s.id, "The patient is no longer waiting.");
}
