/*
 * waiting/clock.c - referrals made in Seam and their RTT clock: the
 * pathway follows the referral (app__pathway_on_referral), is placed on
 * the waiting list of the trust of its service, and its periods are kept
 * in rtt_periods.c.
 */
#include "app/waiting/waiting_internal.h"
#include "app/frame/access.h"
#include "app/app.h"
#include "app/csv.h"
#include "app/figures.h"
#include "app/frame/frame.h"
#include "app/waiting/waiting.h"
#include "app/waiting/rtt_periods.h"
#include "app/frame/sqlb.h"
#include "common/rc.h"
#include "core/calendar.h"
#include "core/equity.h"
#include "core/handoff.h"
#include "core/priority.h"
#include "core/rtt.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Creates the pathway of a new referral (rule 1), or carries the clock on
 * for an onward referral about the same condition (a transfer). */
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
    char ppi[64], now[SEAM_ISO_LEN];
    snprintf(ppi, sizeof(ppi), "%s", db_get(r, 0, 1) ? db_get(r, 0, 1) : "");
    seam_time_format(ctx->now, now);
    int64_t start_day;
    if (waiting__day_parse(db_get(r, 0, 0), &start_day) != 0)
        start_day = seam_time_day(ctx->now);
    int transfer = !db_isnull(r, 0, 2) && db_geti(r, 0, 3) == 1;
    rtt_clock c;
    rtt_clock_init(&c);
    int64_t today = seam_time_day(ctx->now);
    if (transfer && !db_isnull(r, 0, 5) && db_geti(r, 0, 7) == 1) {
        long long src = db_geti(r, 0, 5);
        if (strcmp(db_get(r, 0, 6), db_get(r, 0, 4)) == 0) {
            /* Within the same trust the pathway moves to the new service. */
            db_param up[] = {DBP_INT(ref_id), DBP_TEXT(now), DBP_INT(src)};
            rc = db_exec(ctx->db,
                         "UPDATE pathways SET service_id = (SELECT service_id FROM referrals WHERE id = $1),"
                         " treatment_function_code = (SELECT s.treatment_function_code FROM referrals x JOIN"
                         " services s ON s.id = x.service_id WHERE x.id = $1), referral_id = $1, updated_at = $2,"
                         " version = version + 1 WHERE id = $3",
                         3, up);
            db_rows_free(r);
            if (rc)
                return app_db_fail(ctx, rc);
            return app__period_follow_service(ctx, src);
        }
        /* To another provider: the clock carries on there (21). */
        db_rows_free(r);
        if ((rc = pw_transfer_out(ctx, src)))
            return rc;
        rtt_event ev = {.kind = RTT_EV_REFERRAL, .day = start_day};
        rtt_event tr = {.kind = RTT_EV_TRANSFER, .day = today};
        rtt_apply(&c, &ev, NULL);
        if (rtt_apply(&c, &tr, NULL) != 0)
            snprintf(c.status, sizeof(c.status), "21");
        return pw_place(ctx, ref_id, ppi, &c, 0, "transfer_in");
    }
    if (transfer && !db_isnull(r, 0, 5) && !db_isnull(r, 0, 9)) {
        /* Rule 3c: a consultant's referral for the same condition after
         * the pathway's period ended: a new period from today, 12, after
         * the stopped one (which stays in the history). */
        c.state = rtt_status_nullified(db_get(r, 0, 10)) ? RTT_NULLIFIED : RTT_STOPPED;
        c.start_day = db_geti(r, 0, 8);
        c.stop_day = db_geti(r, 0, 9);
        snprintf(c.status, sizeof(c.status), "%s", db_get(r, 0, 10));
        c.activities = 1;
        c.period = 1;
        db_rows_free(r);
        rtt_event nr = {.kind = RTT_EV_NEW_REFERRAL, .day = today, .consultant = 1};
        int rule = 0;
        if (rtt_apply(&c, &nr, &rule) == 0)
            return pw_place(ctx, ref_id, ppi, &c, rule, "onward_referral");
        rtt_clock_init(&c); /* not a restart the rules allow (death): a clock of its own */
    } else {
        db_rows_free(r);
    }
    /* A new referral (rule 1), its clock from the date received. */
    rtt_event ev = {.kind = RTT_EV_REFERRAL, .day = transfer ? today : start_day};
    int rule = 0;
    rtt_apply(&c, &ev, &rule);
    return pw_place(ctx, ref_id, ppi, &c, rule, "referral_received");
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

int app__pathway_on_referral(app_ctx *ctx, long long ref_id, const char *what, json_t *body)
{
    if (strcmp(what, "created") == 0)
        return pw_create(ctx, ref_id);
    db_rows *r;
    db_param p[] = {DBP_INT(ref_id)};
    int rc =
        db_query(ctx->db,
                 "SELECT pw.id, pw.clock_start_day, pw.clock_stop_day, pw.rtt_status, pw.open, pw.last_activity,"
                 " r.priority, r.service_id, s.trust_code, s.treatment_function_code, r.appointment_at, pw.trust_code,"
                 " pw.ppi, pw.next_activity FROM pathways pw JOIN referrals r ON r.id = pw.referral_id"
                 " JOIN services s ON s.id = r.service_id WHERE pw.referral_id = $1"
                 /* after a transfer the referral has a row at each trust: the current one */
                 " ORDER BY CASE WHEN pw.trust_code = s.trust_code THEN 0 ELSE 1 END, pw.open DESC, pw.id DESC"
                 " LIMIT 1",
                 1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        /* A referral from before the waiting list existed: nothing to move. */
        db_rows_free(r);
        return 0;
    }
    long long pw_id = db_geti(r, 0, 0);
    int64_t today = seam_time_day(ctx->now);
    char now[SEAM_ISO_LEN], today_s[SEAM_DATE_LEN];
    seam_time_format(ctx->now, now);
    waiting__day_format(today, today_s);
    const char *status = db_get(r, 0, 3);
    rtt_clock c;
    rtt_clock_init(&c);
    c.start_day = db_geti(r, 0, 1);
    c.state = db_geti(r, 0, 4) ? RTT_RUNNING : rtt_status_nullified(status) ? RTT_NULLIFIED : RTT_STOPPED;
    c.stop_day = db_isnull(r, 0, 2) ? RTT_NO_DAY : db_geti(r, 0, 2);
    if (c.state != RTT_RUNNING && c.stop_day == RTT_NO_DAY) {
        /* Transferred out (21, off this list): this trust no longer runs it. */
        db_rows_free(r);
        return 0;
    }
    snprintf(c.status, sizeof(c.status), "%s", status);
    /* The receipt is the period's first activity; 20 means an appointment since. */
    int attended = strcmp(status, "20") == 0 || !db_isnull(r, 0, 5);
    c.activities = attended ? 2 : 1;
    c.period = 1;
    int two_ww = strcmp(db_get(r, 0, 6), "two_week_wait") == 0;
    /* The missed appointment is the one booked (next_activity), at the latest today. */
    int64_t missed = today;
    if (!db_isnull(r, 0, 13) && waiting__day_parse(db_get(r, 0, 13), &missed) == 0 && missed > today)
        missed = today;
    rtt_event ev = {.kind = RTT_EV_ACTIVITY, .day = today, .two_week_wait = two_ww};
    int apply = 1, touch_next = 0;
    const char *last = NULL, *next = NULL;
    char appt[SEAM_DATE_LEN] = "";
    int64_t rebook_day = today;
    if ((strcmp(what, "redirect") == 0 || strcmp(what, "accept") == 0) && c.state == RTT_RUNNING &&
        strcmp(db_get(r, 0, 8), db_get(r, 0, 11)) != 0) {
        /* Redirected to another provider: a transfer, the clock carries on there. */
        char ppi[64];
        snprintf(ppi, sizeof(ppi), "%s", db_get(r, 0, 12));
        db_rows_free(r);
        if ((rc = pw_transfer_out(ctx, pw_id)))
            return rc;
        rtt_event tr = {.kind = RTT_EV_TRANSFER, .day = today};
        if (rtt_apply(&c, &tr, NULL) != 0)
            snprintf(c.status, sizeof(c.status), "21");
        return pw_place(ctx, ref_id, ppi, &c, 0, "transfer_in");
    } else if (strcmp(what, "redirect") == 0 || strcmp(what, "accept") == 0) {
        /* The clock runs on; the pathway follows the referral's service and priority. */
        db_param up[] = {DBP_INT(db_geti(r, 0, 7)),
                         DBP_TEXT(db_get(r, 0, 8)),
                         DBP_TEXT(db_get(r, 0, 9)),
                         DBP_TEXT(db_get(r, 0, 6)),
                         DBP_TEXT(now),
                         DBP_INT(pw_id)};
        rc = db_exec(ctx->db,
                     "UPDATE pathways SET service_id = $1, trust_code = $2, treatment_function_code = $3,"
                     " referral_priority = $4, updated_at = $5, version = version + 1 WHERE id = $6",
                     6, up);
        db_rows_free(r);
        if (rc)
            return app_db_fail(ctx, rc);
        return app__period_follow_service(ctx, pw_id);
    } else if (strcmp(what, "book") == 0) {
        apply = 0;
        touch_next = 1;
        if (!db_isnull(r, 0, 10))
            snprintf(appt, sizeof(appt), "%.10s", db_get(r, 0, 10));
        next = appt[0] ? appt : NULL;
    } else if (strcmp(what, "attend") == 0) {
        /* The day the patient was seen (checked by the referral), not the day it is recorded. */
        const char *att_s = json_string_value(json_object_get(body, "attended_at"));
        seam_time att;
        if (att_s && seam_time_parse(att_s, &att) == 0 && seam_time_day(att) <= today) {
            ev.day = seam_time_day(att);
            waiting__day_format(ev.day, today_s);
        }
        ev.kind = RTT_EV_ACTIVITY;
        last = today_s;
        touch_next = 1;
    } else if (strcmp(what, "return") == 0 || strcmp(what, "convert_to_advice") == 0 || strcmp(what, "withdraw") == 0) {
        ev.kind = RTT_EV_RETURN_TO_PRIMARY;
        touch_next = 1;
    } else if (strcmp(what, "resubmit") == 0) {
        /* Rule 3c: the GP's new referral, received today: 10. */
        ev.kind = RTT_EV_NEW_REFERRAL;
        ev.consultant = 0;
    } else if (strcmp(what, "discharge") == 0) {
        const char *outcome = NULL;
        db_rows_free(r);
        if ((rc = app__body_str(ctx, body, "rtt_outcome", 0, 32, &outcome)))
            return rc;
        if (rtt_outcome_event(outcome, &ev.kind, &ev.patient_initiated) != 0)
            return app_fail(ctx, SEAM_EINVALID, "invalid_value", "rtt_outcome",
                            "rtt_outcome must be treated, active_monitoring_patient, active_monitoring_clinician,"
                            " declined, not_to_treat or return_to_primary.");
        touch_next = 1;
        goto apply;
    } else if (strcmp(what, "dna_rebook") == 0 || strcmp(what, "dna_discharge") == 0) {
        ev.kind = RTT_EV_DNA;
        ev.first_activity = !attended;
        ev.discharged = strcmp(what, "dna_discharge") == 0;
        ev.missed_day = missed;
        touch_next = 1;
        if (!ev.discharged && (rc = rebooked_on(ctx, body, today, missed, &rebook_day))) {
            db_rows_free(r);
            return rc;
        }
    } else {
        apply = 0;
    }
    db_rows_free(r);
apply:
    if (apply) {
        int period = c.period, rule = 0;
        if (rtt_apply(&c, &ev, &rule) != 0)
            return 0; /* not a clock event in this state (e.g. already stopped): the clock stands */
        rc = c.period != period ? app__period_open(ctx, pw_id, &c, rule, what)
                                : app__period_update(ctx, pw_id, &c, rule, what, NULL);
        if (rc)
            return rc;
    }
    if (apply && ev.kind == RTT_EV_DNA && c.state == RTT_NULLIFIED && strcmp(what, "dna_rebook") == 0) {
        /* Rule 3e: the new clock starts when the patient rebooks, not when
         * the miss is recorded. */
        rtt_event rb = {.kind = RTT_EV_REBOOK_AFTER_DNA, .day = rebook_day, .two_week_wait = two_ww};
        int rule = 0;
        if (rtt_apply(&c, &rb, &rule) != 0)
            return app_fail(ctx, SEAM_EINVALID, "invalid_value", "rebooked_on",
                            "rebooked_on cannot be before the missed appointment.");
        if ((rc = app__period_open(ctx, pw_id, &c, rule, "rebooked")))
            return rc;
    }
    if ((rc = pw_write_clock(ctx, pw_id, &c, last, next, touch_next)))
        return rc;
    return c.state == RTT_RUNNING ? 0 : app__reviews_withdraw(ctx, pw_id, "The patient is no longer waiting.");
}
