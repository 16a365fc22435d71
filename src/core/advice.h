/*
 * advice.h - advice and guidance (A&G): the state machine of a GP's
 * question to a hospital specialist, who holds it in each state, and the
 * conversion rule.  Pure.
 *
 *   awaiting_response --respond--> awaiting_gp       (specialist writes back)
 *   awaiting_gp       --reply----> awaiting_response (GP answers)
 *   advice_given      --reply----> awaiting_response
 *   awaiting_response | awaiting_gp --give_advice--> advice_given
 *                                                   (specialist closes with advice)
 *   awaiting_gp | advice_given --close--> closed    (GP has read it; done)
 *   awaiting_response | awaiting_gp --convert (provider)--> converted
 *                                   only if the GP consented to conversion
 *   awaiting_response | awaiting_gp | advice_given --convert (GP)--> converted
 *                                   (the GP disagrees and refers, in one step)
 *   awaiting_response | awaiting_gp --withdraw--> withdrawn (GP)
 *
 * closed, converted and withdrawn are terminal.
 *
 * Two sides act: the GP (role gp: asks, replies, closes, withdraws,
 * converts) and the specialist (triager or clinician of the service:
 * responds, gives advice, converts with consent).  Converted, the request
 * becomes a referral awaiting booking (specialist) or triage (GP).
 */
#ifndef SEAM_ADVICE_H
#define SEAM_ADVICE_H

#include "handoff.h"
#include "seam_time.h"

typedef enum advice_status {
    ADV_AWAITING_RESPONSE = 0,
    ADV_AWAITING_GP,
    ADV_ADVICE_GIVEN,
    ADV_CLOSED,
    ADV_CONVERTED,
    ADV_WITHDRAWN,
    ADV_STATUS_COUNT
} advice_status;

typedef enum advice_action {
    ADV_ACT_RESPOND = 0, /* specialist message */
    ADV_ACT_REPLY,       /* GP message */
    ADV_ACT_GIVE_ADVICE, /* specialist closes with structured advice */
    ADV_ACT_CLOSE,       /* GP closes */
    ADV_ACT_CONVERT_PROVIDER,
    ADV_ACT_CONVERT_GP,
    ADV_ACT_WITHDRAW,
    ADV_ACTION_COUNT
} advice_action;

/* A&G priorities: routine or urgent (suspected cancer goes as a referral). */
typedef enum advice_priority { ADV_PRIO_ROUTINE = 0, ADV_PRIO_URGENT, ADV_PRIORITY_COUNT } advice_priority;

/* "awaiting_response", "awaiting_gp", "advice_given", "closed", "converted", "withdrawn". */
const char *advice_status_name(advice_status s);
int advice_status_parse(const char *name, advice_status *out);
/* "respond", "reply", "give_advice", "close", "convert_provider", "convert_gp", "withdraw". */
const char *advice_action_name(advice_action a);
/* "routine", "urgent". */
const char *advice_priority_name(advice_priority p);
int advice_priority_parse(const char *name, advice_priority *out);

int advice_status_is_open(advice_status s);

/* The state after a in state from; 0 and *to set, or -1 if illegal. */
int advice_transition(advice_status from, advice_action a, advice_status *to);

/* The provider may convert only with the GP's consent: returns 0 when the
 * conversion is allowed, -1 when it is not (provider without consent).
 * A GP may always convert their own request. */
int advice_convert_allowed(advice_action a, int consent_to_convert);

/* The two sides of an advice conversation. */
typedef enum advice_side {
    ADV_SIDE_NONE = -1, /* acts on no advice request */
    ADV_SIDE_GP = 0,    /* the practice that asked */
    ADV_SIDE_SPECIALIST /* the service that answers */
} advice_side;

/* The side a role acts for: "gp" the practice, "triager" and "clinician"
 * the specialist; any other role (or NULL) ADV_SIDE_NONE. */
advice_side advice_side_of_role(const char *role);

/* Whether a role may ask for advice and guidance: only a GP.  1 or 0. */
int advice_may_ask(const char *role);

/* What a caller asks of an advice request, whichever side they are. */
typedef enum advice_verb {
    ADV_VERB_MESSAGE = 0, /* write in the thread */
    ADV_VERB_CLOSE,       /* finish it: the specialist with advice, the GP having read it */
    ADV_VERB_CONVERT,     /* turn it into a referral */
    ADV_VERB_WITHDRAW,    /* take the question back */
    ADV_VERB_COUNT
} advice_verb;

/* The action a side's verb is: message -> respond (specialist) or reply
 * (GP); close -> give_advice or close; convert -> convert_provider or
 * convert_gp; withdraw -> withdraw, the GP's alone.  0 and *out set (out
 * may be NULL), or -1 when the side may not (a specialist withdrawing, or
 * ADV_SIDE_NONE). */
int advice_action_for(advice_side side, advice_verb v, advice_action *out);

/* Whether a side may write the structured advice (answer, what to do, if
 * worse) into the thread: the specialist only.  1 or 0. */
int advice_side_gives_advice(advice_side side);

/* The referral a conversion becomes: awaiting_booking when the specialist
 * converts (their decision is the triage), awaiting_triage when the GP
 * does; urgent advice becomes an urgent referral, routine a routine one.
 * 0 and the outputs set (either may be NULL), or -1 when a is not a
 * conversion. */
int advice_conversion(advice_action a, advice_priority p, ref_status *status, ref_priority *prio);

/* Response targets in working days for a service. */
typedef struct advice_targets {
    int response_days[ADV_PRIORITY_COUNT]; /* default 5 (routine), 1 (urgent) */
    int gp_days;                           /* GP reply / read the advice, default 10 */
} advice_targets;

void advice_default_targets(advice_targets *t);

/* Who holds an open advice request: awaiting_response -> the service's
 * "triager" (the consultant answering A&G), task "advice_response";
 * awaiting_gp -> the practice's "gp", task "advice_reply"; advice_given ->
 * the practice's "gp", task "read_advice".  -1 for a terminal state. */
int advice_handoff(advice_status s, handoff_rule *out);

/* When that task is due, counted in working days from since. 0 for a
 * terminal state. */
seam_time advice_due(advice_status s, advice_priority p, const advice_targets *t, seam_time since);

#endif
