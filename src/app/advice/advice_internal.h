/*
 * advice/advice_internal.h - what the files of the advice room share, and
 * nothing else includes.
 *
 *   view.c         reading: the one SELECT, an advice request as JSON, its
 *                  thread and attachments; get and list
 *   transition.c   the frame of every action on a request: load what the
 *                  caller may see, check holder, side and version; move the
 *                  state, the task and write the event, once
 *   thread.c       the conversation: open, create, message, close, withdraw
 *   convert.c      a request converted into a referral
 *   attachments.c  files added to an open request, and read back
 *
 * The rules (states, who holds each and by when, what each side may do,
 * the referral a conversion becomes) are in src/core/advice.c.
 */
#ifndef SEAM_ADVICE_INTERNAL_H
#define SEAM_ADVICE_INTERNAL_H

#include "app/advice/advice.h"
#include "app/frame/frame.h"
#include "core/advice.h"

#define ADVICE_TEXT_MAX 20000

/* --- view.c --- */

/* Loads one advice request the caller may see (without its thread).
 * SEAM_ENOTFOUND is recorded on ctx. */
int advice__load(app_ctx *ctx, long long id, json_t **out);

/* Adds "messages" (the thread) and "attachments" to an advice JSON. */
int advice__add_thread(app_ctx *ctx, json_t *adv);

/* advice__load then advice__add_thread: the request as an answer shows it.
 * On failure *out is left NULL. */
int advice__show(app_ctx *ctx, long long id, json_t **out);

/* --- transition.c --- */

/* An advice request being acted on, as advice__begin found it. */
typedef struct advice_cur {
    json_t *json; /* as advice__load gave it; owned, freed by advice__end */
    long long id;
    advice_status status;
    advice_priority prio;
    long long version;
    int consent;
    advice_side side; /* ADV_SIDE_GP or ADV_SIDE_SPECIALIST */
    const char *nhs;
    const char *practice;
    char icb[16];
    svc_info svc;
} advice_cur;

/* Who writes a message into a thread. */
typedef struct advice_author {
    const char *username;
    const char *role;
    const char *org;
} advice_author;

/*
 * Starts an action on advice request id: loads it if the caller may see
 * it (404), checks the caller's side holds it (403 not_held), that their
 * role is on a side (403), that the body's optional "version" is current
 * (409 stale_version), and loads its service.  Always call advice__end
 * on c afterwards, whatever this returned.
 */
int advice__begin(app_ctx *ctx, long long id, json_t *body, advice_cur *c);

/*
 * Applies action act: checks the state machine (409 illegal_transition),
 * updates the row guarded by the version (409 stale_version when someone
 * else got there first), moves the task to the new state's owner and
 * records the event "advice.<action>" with detail (may be NULL, borrowed).
 * extra_set is appended to the UPDATE's SET, its parameters $4.. taken
 * from extra (n_extra of them, at most 9); $2 there is now.
 */
int advice__apply(app_ctx *ctx, advice_cur *c, advice_action act, const char *extra_set, int n_extra,
                  const db_param *extra, json_t *detail);

/* The request as it is now (advice__show), the answer of an action. */
int advice__answer(app_ctx *ctx, advice_cur *c, json_t **out);

/* Frees what advice__begin loaded. */
void advice__end(advice_cur *c);

/* Moves an advice request's task to the owner of status st (closes it for
 * a terminal state), filling snapshot's "owner" and "due_at". */
int advice__task(app_ctx *ctx, long long id, advice_status st, advice_priority prio, const svc_info *svc,
                 const char *practice, const char *icb, json_t *snapshot);

/* Appends a message of kind ("question", "response", "reply", "advice")
 * to request id's thread; any text part may be NULL. */
int advice__message_add(app_ctx *ctx, long long id, const char *icb, const advice_author *by, const char *kind,
                        const char *text, const char *answer, const char *what, const char *worse);

/* The caller as the author of a message. */
static inline advice_author advice__caller(const app_ctx *ctx)
{
    return (advice_author){ctx->user.username, ctx->user.role, ctx->user.org_code};
}

#endif
