/*
 * referrals/referrals_internal.h - what the files of the referrals room
 * share, and nothing outside it includes: loading a referral for a use
 * case, moving its task, and the action frame (act.c) with the table of
 * actions that act_triage.c, act_clinic.c and act_outcome.c fill.
 */
#ifndef SEAM_REFERRALS_INTERNAL_H
#define SEAM_REFERRALS_INTERNAL_H

#include "app/frame/frame.h"
#include "app/referrals/referrals.h"
#include "core/referral.h"

#define REF_REASON_MAX  500
#define REF_SUMMARY_MAX 20000
#define REF_COMMENT_MAX 4000

/* Loads one referral visible to the caller, as JSON.  SEAM_ENOTFOUND
 * (recorded on ctx) when absent or not visible.  common.c. */
int ref__load_visible(app_ctx *ctx, long long id, json_t **out);

/* Closes the open task of referral ref_id and opens the one for status
 * (core/handoff.c says who and by when); fills snapshot's owner and due_at. */
int ref__task_move(app_ctx *ctx, long long ref_id, ref_status status, ref_priority prio, const svc_info *svc,
                   const char *practice, const char *icb, seam_time appointment, json_t *snapshot);

/* {"status","priority","service_id"}: the before and after of an event. */
json_t *ref__snapshot(const char *status, const char *priority, long long service_id);

/* One action on one referral, as the frame (act.c) carries it from step
 * to step.  Strings point into cur or the request body: they live as long
 * as the action. */
typedef struct ref_act {
    long long id;
    json_t *cur;      /* the referral as the caller sees it before the action */
    json_t *body;     /* the request body (borrowed) */
    const char *verb; /* the action named in the URL: "triage", "book", "dna", ... */
    /* Facts of the referral before the action. */
    const char *status_s, *prio_s, *nhs, *practice;
    long long service_id, version;
    char icb[16];
    ref_status from, to;
    ref_priority prio, newprio;
    ref_action act;
    const char *decision; /* triage and dna: the body's decision */
    /* Fields the action reads (NULL or 0 when it reads none). */
    const char *comment, *advice, *reason, *summary, *reason_code, *question, *newprio_s;
    int consent;              /* convert_to_advice: the advice may become a referral again */
    long long target_service; /* the service after the action (redirect: another) */
    seam_time appt;           /* book: the appointment */
    char appt_iso[SEAM_ISO_LEN];
    seam_time attended; /* attend: when the patient was seen */
    svc_info svc;       /* target_service, loaded */
} ref_act;

/* One referral action: how it reads its fields, what it writes, what it
 * records and what follows.  Hooks may be NULL (read: an optional comment). */
typedef struct ref_act_def {
    const char *past; /* the event: referral.<past> */
    const char *done; /* "A referral that is <status> cannot be <done>." */
    int (*read)(app_ctx *ctx, ref_act *a);
    const char *set;                                  /* the action's columns in the UPDATE (act.c's $5..$13) */
    void (*detail)(const ref_act *a, json_t *detail); /* the action's part of the event detail */
    int (*after)(app_ctx *ctx, ref_act *a);           /* after the write, the event and the pathway */
} ref_act_def;

/* Reads an optional comment: the fields of an action that needs no more. */
int ref__read_comment(app_ctx *ctx, ref_act *a);

/* act_triage.c */
extern const ref_act_def ref__act_accept, ref__act_return, ref__act_redirect, ref__act_convert;
/* act_clinic.c */
extern const ref_act_def ref__act_book, ref__act_attend, ref__act_dna_rebook, ref__act_dna_discharge;
/* act_outcome.c */
extern const ref_act_def ref__act_discharge, ref__act_withdraw, ref__act_resubmit, ref__act_close;

#endif
