/*
 * frame/service.c - a service, its trust and its targets.
 */
#include "app/frame/frame.h"
#include "common/rc.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int app__svc_load(app_ctx *ctx, long long id, svc_info *s)
{
    db_rows *r;
    db_param p[] = {DBP_INT(id)};
    int rc = db_query(ctx->db,
                      "SELECT s.id, s.trust_code, o.icb_code, s.name, s.accepts_referrals,"
                      " s.triage_days_routine, s.triage_days_urgent, s.triage_days_2ww,"
                      " s.booking_days_routine, s.booking_days_urgent, s.booking_days_2ww,"
                      " s.outcome_days, s.review_days, s.accepts_advice, s.advice_days_routine, s.advice_days_urgent,"
                      " s.letter_days"
                      " FROM services s JOIN organisations o ON o.code = s.trust_code WHERE s.id = $1",
                      1, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return SEAM_ENOTFOUND;
    }
    s->id = db_geti(r, 0, 0);
    snprintf(s->trust, sizeof(s->trust), "%s", db_get(r, 0, 1));
    snprintf(s->icb, sizeof(s->icb), "%s", db_get(r, 0, 2));
    snprintf(s->name, sizeof(s->name), "%s", db_get(r, 0, 3));
    s->accepts_referrals = (int)db_geti(r, 0, 4);
    for (int i = 0; i < REF_PRIORITY_COUNT; i++) {
        s->t.triage_days[i] = (int)db_geti(r, 0, 5 + i);
        s->t.booking_days[i] = (int)db_geti(r, 0, 8 + i);
    }
    s->t.outcome_days = (int)db_geti(r, 0, 11);
    s->t.review_days = (int)db_geti(r, 0, 12);
    s->accepts_advice = (int)db_geti(r, 0, 13);
    s->at.response_days[ADV_PRIO_ROUTINE] = (int)db_geti(r, 0, 14);
    s->at.response_days[ADV_PRIO_URGENT] = (int)db_geti(r, 0, 15);
    s->at.gp_days = s->t.review_days;
    s->letter_days = (int)db_geti(r, 0, 16);
    db_rows_free(r);
    return 0;
}
