/*
 * referral_view.h - reading referrals as the API shows them: one SELECT
 * with everything a referral's JSON needs, filtered by what the caller
 * may see.  Internal to src/app.
 */
#ifndef SEAM_REFERRAL_VIEW_H
#define SEAM_REFERRAL_VIEW_H

#include "app/app.h"
#include "app/sqlb.h"

/* Appends the caller's visibility rule (" AND ...") over aliases r (referral),
 * p (patient), s (current service). */
void refview_visibility(app_ctx *ctx, sqlb *b);

/* One referral as JSON, or SEAM_ENOTFOUND (not recorded on ctx). */
int refview_load(app_ctx *ctx, long long id, json_t **out);

/* A page of visible referrals: {"referrals":[...],"page","page_size","total"}. */
int refview_list(app_ctx *ctx, const app_list_args *a, json_t **out);

/* Body field readers shared by use cases (referrals.c). */
int app__body_str(app_ctx *ctx, json_t *body, const char *name, int required, size_t max, const char **out);
int app__body_int(app_ctx *ctx, json_t *body, const char *name, int required, long long *out, int *present);

/* The escalation level name a task at level has reached. */
const char *refview_escalated_to(int level);

#endif
