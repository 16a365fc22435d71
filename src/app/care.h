/*
 * care.h - complete care: test results, letters, fit notes, follow-up and
 * recall, the GP inbox.  Internal to src/app; the use cases themselves are
 * declared in app.h.
 */
#ifndef SEAM_CARE_H
#define SEAM_CARE_H

#include "app/referral_view.h"

/* Makes a due letter (clinic or discharge) with its task, owned by the
 * service's clinician.  *id_out may be NULL. */
int app__letter_due(app_ctx *ctx, const char *kind, const char *nhs, const char *icb, const svc_info *svc,
                    long long referral_id, seam_time event_at, long long *id_out);

#endif
