/*
 * waiting/rtt_periods.h - every RTT period of a pathway, kept as history (table
 * rtt_periods, migration 8).  A pathway has at most one current period;
 * starting a new one closes the current one first and never overwrites
 * it.  The pathway's clock columns (clock_start, clock_stop, rtt_status,
 * open) are a cache of the current period.  Each change the app makes is
 * one "pathway.clock" audit event.  See docs/waiting-list.md.
 */
#ifndef SEAM_APP_WAITING_RTT_PERIODS_H
#define SEAM_APP_WAITING_RTT_PERIODS_H

#include "app/app.h"
#include "core/rtt.h"

/*
 * Starts a new period of pathway pw_id from clock c (its start day and
 * status; its stop too, if c has already stopped): the current period,
 * if any, stops being current first.  rule is the rule that started it
 * (1, 2, 3; 0 if none, as for a transfer in) and event names what
 * happened ("created", "resubmit", "rebooked", ...).  Writes a
 * pathway.clock event.  0, or an app error.
 */
int app__period_open(app_ctx *ctx, long long pw_id, const rtt_clock *c, int rule, const char *event);

/*
 * Records clock c on the current period of pw_id: its stop day and status
 * when c has stopped (nullified when c is NULLIFIED, with reason), and a
 * pathway.clock event naming event and rule.  Opens a first period from c
 * if the pathway has none.  0, or an app error.
 */
int app__period_update(app_ctx *ctx, long long pw_id, const rtt_clock *c, int rule, const char *event,
                       const char *reason);

/* Ends the current period of pw_id at this provider on day with status 21
 * (transferred to another provider: off this list, not a clock stop). */
int app__period_transfer_out(app_ctx *ctx, long long pw_id, int64_t day);

/* The current period of pw_id follows the pathway to its service (a
 * redirect or onward referral within the trust). */
int app__period_follow_service(app_ctx *ctx, long long pw_id);

/* The periods of pw_id, oldest first, each with its pathway.clock events:
 * a new JSON array in *out.  0, or an app error. */
int app__periods_json(app_ctx *ctx, long long pw_id, json_t **out);

/*
 * For a PTL import (no request context): makes the periods of pw_id agree
 * with the pathway row just written.  A row whose clock start moved on to
 * or after the current period's stop starts a new period; otherwise the
 * current period takes the row's start and stop (the trust's PAS is the
 * master of imported pathways).  now is the ISO time written.  0 or a
 * database rc.
 */
int app__period_sync(db *d, long long pw_id, const char *now);

/* The SQL condition "period rp of pathway pw was waiting on census day",
 * with the day written into buf as a number: started on or before it, and
 * stopped after it or still running on an open pathway.  A period
 * nullified later was waiting then and counts. */
void app__period_waiting_sql(char *buf, size_t n, int64_t census);

#endif
