/*
 * referral_view.h - reading referrals as the API shows them: one SELECT
 * with everything a referral's JSON needs, filtered by what the caller
 * may see.  Internal to src/app.
 */
#ifndef SEAM_REFERRAL_VIEW_H
#define SEAM_REFERRAL_VIEW_H

#include "app/app.h"
#include "app/sqlb.h"
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

/* Appends the caller's visibility rule (" AND ...") over aliases r (referral),
 * p (patient), s (current service). */
void refview_visibility(app_ctx *ctx, sqlb *b);

/* One referral as JSON, or SEAM_ENOTFOUND (not recorded on ctx). */
int refview_load(app_ctx *ctx, long long id, json_t **out);

/* A page of visible referrals: {"referrals":[...],"page","page_size","total"}. */
int refview_list(app_ctx *ctx, const app_list_args *a, json_t **out);

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

/* Reads a required or optional JSON boolean.  Missing -> 422 when
 * required; not a boolean -> 400. */
int app__body_bool(app_ctx *ctx, json_t *body, const char *name, int required, int *out, int *present);

/* Opens a task for a referral (referral_id) or an advice request
 * (advice_id); closes the subject's open task first.  rule NULL only
 * closes.  Fills snapshot's "owner" and "due_at" when given. */
int app__task_move(app_ctx *ctx, const char *subject_col, long long subject_id, const handoff_rule *rule,
                   const char *org, long long service_id, seam_time due, const char *icb, json_t *snapshot);

/* Opens an advice request (awaiting_response) with its first message and
 * task, and records the event.  requested_at NULL means now. */
int app__advice_open(app_ctx *ctx, const char *nhs, const char *icb, const char *practice, const svc_info *svc,
                     advice_priority prio, const char *question, int consent, long long from_referral,
                     const char *requested_at, const char *requester, const char *requester_org, long long *id_out);

/* The trust and period a measures request is about, checked against the
 * caller's role (trust staff: their own trust; ICB analyst and admin: any
 * trust of the ICB, named).  what names the measures in a refusal. */
typedef struct measures_scope {
    char trust[16];
    char from_s[SEAM_ISO_LEN], to_s[SEAM_ISO_LEN];   /* [from, to) as instants */
    char from_d[SEAM_DATE_LEN], to_d[SEAM_DATE_LEN]; /* first and last day counted */
    json_t *trust_json;                              /* {"code","name"}; the caller owns it */
} measures_scope;
int app__measures_scope(app_ctx *ctx, const app_measures_args *a, const char *what, measures_scope *m);

/* Moves the RTT pathway of referral ref_id after what happened to it:
 * "created" or a referral action name ("book", "attend", "return", ...);
 * body is the action's (for "discharge": rtt_outcome).  waiting/clock.c. */
int app__pathway_on_referral(app_ctx *ctx, long long ref_id, const char *what, json_t *body);

/* Withdraws the open priority reviews of a pathway that has left the
 * waiting list, closing their tasks, with why as the answer. */
int app__reviews_withdraw(app_ctx *ctx, long long pathway_id, const char *why);

/* The escalation level name a task at level has reached. */
const char *refview_escalated_to(int level);

#endif
