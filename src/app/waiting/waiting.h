/*
 * waiting/waiting.h - what the waiting-list room publishes to the other
 * rooms of src/app: referral actions move the RTT pathway; a pathway that
 * leaves the list withdraws its priority reviews.
 */
#ifndef SEAM_WAITING_H
#define SEAM_WAITING_H

#include "app/frame/frame.h"

/* Moves the RTT pathway of referral ref_id after what happened to it:
 * "created" or a referral action name ("book", "attend", "return", ...);
 * body is the action's (for "discharge": rtt_outcome).  waiting/clock.c. */
int app__pathway_on_referral(app_ctx *ctx, long long ref_id, const char *what, json_t *body);

/* Withdraws the open priority reviews of a pathway that has left the
 * waiting list, closing their tasks, with why as the answer. */
int app__reviews_withdraw(app_ctx *ctx, long long pathway_id, const char *why);

#endif
