/*
 * care.h - complete care: test results, letters, fit notes, follow-up and
 * recall, the GP inbox.  Internal to src/app; the use cases themselves are
 * declared in app.h.
 */
#ifndef SEAM_CARE_H
#define SEAM_CARE_H

#include "app/frame/frame.h"

/* Makes a due letter (clinic or discharge) with its task, owned by the
 * service's clinician.  *id_out may be NULL. */
int app__letter_due(app_ctx *ctx, const char *kind, const char *nhs, const char *icb, const svc_info *svc,
                    long long referral_id, seam_time event_at, long long *id_out);

/* Loads one letter visible to the caller, as its JSON (404 recorded on
 * ctx when not visible). */
int app__letter_load(app_ctx *ctx, long long id, json_t **out);

/* gp_actions.c: a declined GP action's handoff.  Opens the task of action
 * n of letter (its JSON) for a clinician of the letter's service, due in
 * the service's declined-action target; *handoff (may be NULL) gets its
 * owner and due time, for the event. */
int app__gp_action_declined(app_ctx *ctx, long long letter_id, int n, const json_t *letter, json_t **handoff);
/* The letter's GP actions as JSON: each with its state as shown (pending,
 * accepted, with_hospital, resolved), the resolution, and the open task
 * of a declined one (owner, due_at). */
int app__gp_actions_json(app_ctx *ctx, long long letter_id, json_t **out);

#endif
