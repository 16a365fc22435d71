/*
 * app.h - use cases.  One function per command or query; each checks
 * access, runs in one transaction with its audit events, and returns JSON.
 *
 * Conventions: a use case returns 0 and sets *out (a new jansson
 * reference the caller owns), or a negative seam_rc after app_fail() has
 * set the machine code, message and field on the context.  A failed use
 * case has rolled back: it changed nothing.
 */
#ifndef SEAM_APP_H
#define SEAM_APP_H

#include "core/scope.h"
#include "core/seam_time.h"
#include "store/db.h"

#include <jansson.h>

typedef struct app_user {
    char username[64];
    char display_name[128];
    char role[32];
    char org_code[16];
    char org_name[160];
    char org_kind[16];
    char icb_code[16];
    long long service_id; /* 0 when the user belongs to no one service */
    char service_name[160];
    char nhs_number[16]; /* patients only */
    scope_set services;  /* the services a triager or clinician works in (user_services) */
} app_user;

typedef struct app_ctx {
    db *db;
    app_user user;
    seam_time now;
    const char *idem_key;     /* Idempotency-Key of a POST, or NULL */
    const char *request_hash; /* hash of method, path and body for the key */
    int status;               /* HTTP status of a success: 200 or 201 */
    int replayed;             /* 1 when the answer came from the idempotency store */
    char err_code[48];
    char err_field[48];
    char err_msg[320];
} app_ctx;

/* Records an error on ctx and returns rc.  fmt is a printf format for
 * the message; field may be NULL. */
int app_fail(app_ctx *ctx, int rc, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Maps a storage error to an app error with a sentence. */
int app_db_fail(app_ctx *ctx, int rc);

/* Loads a user (with organisation, service and the services they are a
 * member of, at most SCOPE_MAX_SERVICES) by username.
 * SEAM_ENOTFOUND if absent or inactive. */
int app_user_load(db *d, const char *username, app_user *u);

/* Role helpers. */
int app_role_is_practice(const char *role); /* gp, practice_admin */
int app_role_is_trust(const char *role);    /* clinician, triager, booking, interface_lead */

/* A use case body: runs inside the transaction opened by app_run. */
typedef int (*app_fn)(app_ctx *ctx, const void *arg, json_t **out);

/*
 * Runs fn in one transaction.  With ctx->idem_key set, a stored answer for
 * (user, key) is returned instead (ctx->replayed = 1; a different request
 * hash is a 409), and a new answer is stored in the same transaction as
 * the change.  status_out receives the HTTP status to send.
 */
int app_run(app_ctx *ctx, app_fn fn, const void *arg, json_t **out);

/* Appends an event (audit record) in the current transaction. */
int app_event(app_ctx *ctx, const char *action, const char *object_type, long long object_id, const char *patient,
              const char *icb, json_t *before, json_t *after, const char *detail);

/* As app_event, for an object whose key is text (a user: the username). */
int app_event_keyed(app_ctx *ctx, const char *action, const char *object_type, const char *object_key,
                    const char *patient, const char *icb, json_t *before, json_t *after, const char *detail);

/* Records the read of one object shown as obj, whose "patient" says whose
 * data it is: the "read.<object_type>" audit event every get writes before
 * the data is sent. */
int app_event_read(app_ctx *ctx, const char *object_type, long long id, const json_t *obj);

/* --- use cases (arguments as parsed by the HTTP layer) --- */

typedef struct app_id_body {
    long long id;
    const char *action; /* for app_referral_act */
    json_t *body;       /* may be NULL */
} app_id_body;

typedef struct app_list_args {
    const char *q;
    const char *status;
    long long service;
    const char *practice;
    const char *patient;
    int page;
    int page_size;
    int accepts_referrals; /* services: -1 any */
    long long referral;    /* letters: one referral's */
} app_list_args;

int app_me(app_ctx *ctx, const void *arg, json_t **out);
int app_services_list(app_ctx *ctx, const void *arg, json_t **out);
int app_patients_search(app_ctx *ctx, const void *arg, json_t **out);
int app_patient_get(app_ctx *ctx, const void *arg, json_t **out);      /* arg: const char * */
int app_referral_create(app_ctx *ctx, const void *arg, json_t **out);  /* arg: json_t * body */
int app_referral_get(app_ctx *ctx, const void *arg, json_t **out);     /* arg: app_id_body */
int app_referral_list(app_ctx *ctx, const void *arg, json_t **out);    /* arg: app_list_args */
int app_referral_act(app_ctx *ctx, const void *arg, json_t **out);     /* arg: app_id_body */
int app_referral_history(app_ctx *ctx, const void *arg, json_t **out); /* arg: app_id_body */
int app_worklist(app_ctx *ctx, const void *arg, json_t **out);         /* arg: app_list_args */

/* An attachment upload or download (app_advice_attach / _attachment_get). */
typedef struct app_attachment {
    long long advice_id;
    long long attachment_id;
    const char *filename;
    const char *content_type;
    const char *data;
    size_t len;
} app_attachment;

int app_advice_create(app_ctx *ctx, const void *arg, json_t **out);   /* arg: json_t * body */
int app_advice_get(app_ctx *ctx, const void *arg, json_t **out);      /* arg: app_id_body */
int app_advice_list(app_ctx *ctx, const void *arg, json_t **out);     /* arg: app_list_args */
int app_advice_message(app_ctx *ctx, const void *arg, json_t **out);  /* arg: app_id_body */
int app_advice_close(app_ctx *ctx, const void *arg, json_t **out);    /* arg: app_id_body */
int app_advice_convert(app_ctx *ctx, const void *arg, json_t **out);  /* arg: app_id_body */
int app_advice_withdraw(app_ctx *ctx, const void *arg, json_t **out); /* arg: app_id_body */
int app_advice_attach(app_ctx *ctx, const void *arg, json_t **out);   /* arg: app_attachment */
/* *out has data_base64 with the file; the HTTP layer sends the bytes. */
int app_advice_attachment_get(app_ctx *ctx, const void *arg, json_t **out); /* arg: app_attachment */

/* Interface measures per service of a trust (docs/api.md, Measures). */
typedef struct app_measures_args {
    const char *trust;
    const char *from; /* YYYY-MM-DD or NULL */
    const char *to;
} app_measures_args;
int app_measures_interface(app_ctx *ctx, const void *arg, json_t **out);

/* Complete care (care/).  Arguments: json_t * body, or app_id_body. */
int app_order_create(app_ctx *ctx, const void *arg, json_t **out);
int app_order_get(app_ctx *ctx, const void *arg, json_t **out);
int app_result_receive(app_ctx *ctx, const void *arg, json_t **out);
int app_result_report_unmatched(app_ctx *ctx, const void *arg, json_t **out);
int app_results_unmatched(app_ctx *ctx, const void *arg, json_t **out);
int app_results_list(app_ctx *ctx, const void *arg, json_t **out); /* app_list_args */
int app_result_get(app_ctx *ctx, const void *arg, json_t **out);
/* app_id_body.action: "review", "handover", "accept", "decline". */
int app_result_act(app_ctx *ctx, const void *arg, json_t **out);
int app_discharge_create(app_ctx *ctx, const void *arg, json_t **out);
int app_letter_create(app_ctx *ctx, const void *arg, json_t **out);
int app_letters_list(app_ctx *ctx, const void *arg, json_t **out); /* app_list_args (status, q = kind) */
int app_letter_get(app_ctx *ctx, const void *arg, json_t **out);
/* app_id_body.action: "send", "read"; for GP actions see app_letter_gp_action. */
int app_letter_act(app_ctx *ctx, const void *arg, json_t **out);
typedef struct app_gp_action {
    long long letter_id;
    int n;
    const char *decision; /* "accept" | "decline" | "resolve" */
    json_t *body;
} app_gp_action;
int app_letter_gp_action(app_ctx *ctx, const void *arg, json_t **out);
/* A clinician records what was done about a declined GP action (care/gp_actions.c). */
int app_letter_gp_action_resolve(app_ctx *ctx, const void *arg, json_t **out);
int app_fit_note_create(app_ctx *ctx, const void *arg, json_t **out);
int app_fit_notes_list(app_ctx *ctx, const void *arg, json_t **out); /* app_list_args (patient) */
int app_follow_up_create(app_ctx *ctx, const void *arg, json_t **out);
int app_follow_ups_list(app_ctx *ctx, const void *arg, json_t **out); /* app_list_args (status) */
int app_follow_up_get(app_ctx *ctx, const void *arg, json_t **out);
/* app_id_body.action: "book", "discharge". */
int app_follow_up_act(app_ctx *ctx, const void *arg, json_t **out);
int app_inbox(app_ctx *ctx, const void *arg, json_t **out);
int app_measures_complete_care(app_ctx *ctx, const void *arg, json_t **out); /* app_measures_args */

/* The shared waiting list (waiting/; docs/waiting-list.md). */
typedef struct app_wl_args {
    const char *trust;
    long long service;
    const char *practice;
    const char *priority; /* P1a..P6, "none" */
    int min_weeks;
    const char *patient;
    const char *status; /* open (default), closed, all */
    const char *census; /* YYYY-MM-DD or NULL for today */
    int page;
    int page_size;
} app_wl_args;
int app_waiting_list(app_ctx *ctx, const void *arg, json_t **out);           /* app_wl_args */
int app_pathway_get(app_ctx *ctx, const void *arg, json_t **out);            /* app_id_body */
int app_pathway_priority(app_ctx *ctx, const void *arg, json_t **out);       /* app_id_body */
int app_priority_review_create(app_ctx *ctx, const void *arg, json_t **out); /* app_id_body (pathway id) */
int app_priority_reviews_list(app_ctx *ctx, const void *arg, json_t **out);  /* app_list_args (status) */
int app_priority_review_answer(app_ctx *ctx, const void *arg, json_t **out); /* app_id_body */
typedef struct app_est_args {
    long long id;       /* the service */
    const char *census; /* YYYY-MM-DD or NULL for today */
} app_est_args;
int app_estimated_wait(app_ctx *ctx, const void *arg, json_t **out); /* app_est_args */
/* Organisations of the caller's ICB by kind ("practice", "trust"), for choosing a scope. */
int app_organisations_list(app_ctx *ctx, const void *arg, json_t **out); /* const char *kind */
typedef struct app_rtt_args {
    const char *trust;
    long long service;
    const char *practice;
    const char *icb;
    const char *by;
    const char *census;
} app_rtt_args;
int app_measures_rtt(app_ctx *ctx, const void *arg, json_t **out); /* app_rtt_args */
/* The measures as CSV (header, one row per group, a total row); malloc'd. */
char *app_measures_rtt_csv(const json_t *measures);

/*
 * The failsafe: escalates every open task past its due time to the level
 * it has reached at ctx->now, recording one event per escalation.  *out
 * is {"escalated":[{task, referral, kind, owner_org, due_at, from, to}], "checked": N,
 * "invariant_violations": [...]}: it also runs app_check and logs every
 * violation (standard error and a failsafe.invariant_violation event).
 * Runs as the system actor.
 */
int app_failsafe(app_ctx *ctx, const void *arg, json_t **out);

/*
 * The ownership check (check.c, core/ownership.h): every object in a state
 * that needs an owner has exactly one open task with an owner and a due
 * time, nothing else has one, and every open task names exactly one
 * subject that exists.  Reads only; runs with or without a transaction.
 * *out is {"violations":[{kind, <key>, state, patient, task, problem,
 * message}], "owned": N, "open_tasks": M}; problems are no_open_task,
 * several_open_tasks, task_incomplete, task_on_closed,
 * task_subject_missing, task_no_subject and task_several_subjects.
 */
int app_check(app_ctx *ctx, const void *arg, json_t **out);
/* One violation as a line: "referral 12 (booked, patient 9990000018):
 * no_open_task: is booked, ...".  Always NUL-terminates buf. */
void app_check_describe(const json_t *v, char *buf, size_t len);

/* Staff and the services they work in (staff.c): the administrator only
 * (403 otherwise). */
int app_staff_list(app_ctx *ctx, const void *arg, json_t **out); /* const char *org code, or NULL for all */
int app_staff_get(app_ctx *ctx, const void *arg, json_t **out);  /* const char *username */
typedef struct app_staff_services_args {
    const char *username;
    json_t *body; /* {"services": [service ids]} */
} app_staff_services_args;
/* Replaces the member of staff's services: each must be a service of
 * their organisation (422 invalid_service naming it); audited as
 * user.services_changed with before and after when the set changes. */
int app_staff_services_set(app_ctx *ctx, const void *arg, json_t **out);

/* The system actor used by the failsafe and the demo generator. */
void app_user_system(app_user *u);

/* Development token issuer (Ed25519 JWT). */
int auth_issuer_ensure(db *d);
/* Signs a token for u valid for ttl seconds from now; *out is malloc'd. */
int auth_token_issue(db *d, const app_user *u, seam_time now, long ttl, char **out);
/* Verifies a token's signature and expiry; fills username (64 bytes). */
int auth_token_verify(const unsigned char *pk, const char *token, seam_time now, char *username, size_t ulen);
/* Loads the issuer public key (32 bytes). */
int auth_issuer_public_key(db *d, unsigned char pk[32]);

#endif
