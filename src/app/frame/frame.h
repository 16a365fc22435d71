/*
 * frame/frame.h - what every use case shares: the visibility rule, body
 * readers, services and their targets, moving a task.  Internal to src/app:
 * each feature room (referrals/, advice/, care/, waiting/, measures/)
 * includes this, app/app.h and the small published headers of the rooms it
 * meets, never another room's internals.
 */
#ifndef SEAM_FRAME_H
#define SEAM_FRAME_H

#include "app/app.h"
#include "app/frame/access.h"
#include "app/frame/sqlb.h"
#include "core/advice.h"
#include "core/handoff.h"

/*
 * Appends who may see a row about patient p at service s: a practice its
 * registered patients, a trust what trust_clause says (" AND ...", its
 * "$?" all bound to the trust's code) and, for triagers and clinicians,
 * only rows whose service_column is one of their services (NULL: the row
 * is not service-bound; its "$?" too are the trust's code; see
 * app__service_scope), a patient themself, an ICB analyst rows whose
 * icb_column is their ICB, admin and the system everything; anyone else
 * nothing.  The one rule behind every list and read.
 */
void app__visibility(app_ctx *ctx, sqlb *b, const char *trust_clause, const char *icb_column,
                     const char *service_column);

/* A JSON string, or null for SQL NULL. */
static inline json_t *app__str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Body field readers shared by use cases (referrals.c). */
int app__body_str(app_ctx *ctx, json_t *body, const char *name, int required, size_t max, const char **out);
/* As app__body_str, with the sentence to show when a required field is
 * missing (NULL: the default for the field). */
int app__body_text(app_ctx *ctx, json_t *body, const char *name, const char *prompt, int required, size_t max,
                   const char **out);
int app__body_int(app_ctx *ctx, json_t *body, const char *name, int required, long long *out, int *present);

/* Reads a required or optional JSON boolean.  Missing -> 422 when
 * required; not a boolean -> 400. */
int app__body_bool(app_ctx *ctx, json_t *body, const char *name, int required, int *out, int *present);

/* A service: its trust, ICB and targets. */
typedef struct svc_info {
    long long id;
    char trust[16];
    char icb[16];
    char name[160];
    int accepts_referrals;
    int accepts_advice;
    int letter_days; /* clinic letter target, working days */
    service_targets t;
    advice_targets at;
} svc_info;

/* Loads a service.  SEAM_ENOTFOUND (not recorded on ctx) if absent. */
int app__svc_load(app_ctx *ctx, long long id, svc_info *s);

/* Opens a task for a referral (referral_id) or an advice request
 * (advice_id); closes the subject's open task first.  rule NULL only
 * closes.  Fills snapshot's "owner" and "due_at" when given. */
int app__task_move(app_ctx *ctx, const char *subject_col, long long subject_id, const handoff_rule *rule,
                   const char *org, long long service_id, seam_time due, const char *icb, json_t *snapshot);

/* The escalation level name a task at level has reached. */
const char *app__escalated_to(int level);

#endif
