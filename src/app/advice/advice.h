/*
 * advice/advice.h - what the advice room publishes to the other rooms of
 * src/app (a referral converted to advice and guidance opens a request).
 */
#ifndef SEAM_ADVICE_ROOM_H
#define SEAM_ADVICE_ROOM_H

#include "app/frame/frame.h"

/* Opens an advice request (awaiting_response) with its first message and
 * task, and records the event.  requested_at NULL means now. */
int app__advice_open(app_ctx *ctx, const char *nhs, const char *icb, const char *practice, const svc_info *svc,
                     advice_priority prio, const char *question, int consent, long long from_referral,
                     const char *requested_at, const char *requester, const char *requester_org, long long *id_out);

#endif
