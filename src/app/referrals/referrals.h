/*
 * referrals/referrals.h - reading referrals as the API shows them: one
 * SELECT with everything a referral's JSON needs, filtered by what the
 * caller may see.  Published to the other rooms of src/app.
 */
#ifndef SEAM_REFERRALS_H
#define SEAM_REFERRALS_H

#include "app/frame/frame.h"

/* Appends the caller's visibility rule (" AND ...") over aliases r (referral),
 * p (patient), s (current service). */
void refview_visibility(app_ctx *ctx, sqlb *b);

/* One referral as JSON, or SEAM_ENOTFOUND (not recorded on ctx). */
int refview_load(app_ctx *ctx, long long id, json_t **out);

/* A page of visible referrals: {"referrals":[...],"page","page_size","total"}. */
int refview_list(app_ctx *ctx, const app_list_args *a, json_t **out);

#endif
