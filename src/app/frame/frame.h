/*
 * frame/frame.h - what every use case shares: the visibility rule, body
 * readers, services and their targets, moving a task and showing it,
 * loading one visible object, paging, the frame of an action (load, hold,
 * guarded change, event).  Internal to src/app:
 * each feature room (referrals/, advice/, care/, waiting/, measures/)
 * includes this, app/app.h and the small published headers of the rooms it
 * meets, never another room's internals.
 */
#ifndef SEAM_FRAME_H
#define SEAM_FRAME_H

#include "app/app.h"
#include "app/frame/access.h"
#include "app/frame/rows.h"
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

/* --- a task as JSON (frame/task.c) --------------------------------------
 *
 * Every object with an owner shows its open task the same way: "owner"
 * ({organisation: {code, name}, service: {id, name} | null, role, task}),
 * "due_at", "overdue", "escalation_level" and "escalated_to"; all null (0,
 * false) when it has no open task.
 */

/* The task columns, in the order app__task_json reads them, over tasks t
 * (LEFT JOINed on its subject and t.state = 'open') and the joins of
 * APP_TASK_OWNER_JOINS. */
#define APP_TASK_COLUMNS                                                                                               \
    " t.id, t.kind, t.owner_org, oo.name, t.owner_service_id, tsv.name, t.owner_role, t.due_at, t.escalation_level"
#define APP_TASK_NCOLUMNS 9
#define APP_TASK_OWNER_JOINS                                                                                           \
    " LEFT JOIN organisations oo ON oo.code = t.owner_org LEFT JOIN services tsv ON tsv.id = t.owner_service_id"

/* Sets the task fields on o from the APP_TASK_COLUMNS at column c of row i
 * (t.id NULL: no open task). */
void app__task_json(const app_ctx *ctx, json_t *o, const db_rows *r, int i, int c);

/* Sets the task fields on o from the open task picked by where (SQL over
 * tasks t, with its n parameters p, "$1".. numbered), read with a query of
 * its own.  No task, or a failed query, gives the empty fields; returns
 * the query's result (a storage rc, not recorded on ctx). */
int app__task_fields_where(app_ctx *ctx, json_t *o, const char *where, int n, const db_param *p);

/* As app__task_fields_where for the subject tasks.<col> = id. */
void app__task_fields(app_ctx *ctx, json_t *o, const char *col, long long id);

/* --- one object, visible or 404 (frame/load.c) -------------------------- */

/* As app_fail, with the message's arguments as a va_list. */
int app_failv(app_ctx *ctx, int rc, const char *code, const char *field, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

/* Runs b (a query the room built): 0 with its rows in *out (the caller
 * frees them), or the error recorded on ctx (an overflowed b is a 500). */
int app__query(app_ctx *ctx, const sqlb *b, db_rows **out);

/* Runs an INSERT ... RETURNING id: 0 with *id, or the error recorded. */
int app__insert(app_ctx *ctx, const char *sql, int n, const db_param *p, long long *id);

/* Runs b, the query of one object as the caller may see it (its WHERE has
 * the visibility rule): 0 with its row in *out (the caller frees it), or
 * 404 not_found recorded on ctx with the sentence fmt ("No letter %lld is
 * visible to you.") and *out NULL.  An overflowed b is a 500. */
int app__load_one(app_ctx *ctx, const sqlb *b, db_rows **out, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Loads one object by id as JSON, visible to the caller or 404 (recorded
 * on ctx): what a room's "<object>_load" does. */
typedef int (*app_load_fn)(app_ctx *ctx, long long id, json_t **out);

/* A get: loads object id with load and records its read (app_event_read,
 * "read.<object_type>").  On failure *out is NULL. */
int app__get_one(app_ctx *ctx, app_load_fn load, const char *object_type, long long id, json_t **out);

/* A list of whole objects: runs b (the ids in column 0, visibility and
 * paging in its text), loads each with load, appends it to list and
 * records "read.<object_type>_list" for it.  0, or the first failure (list
 * keeps what was appended; the caller frees it). */
int app__list_loaded(app_ctx *ctx, const sqlb *b, app_load_fn load, const char *object_type, json_t *list);

/* Builds the JSON of the object in row i of r (a new reference). */
typedef json_t *(*app_row_fn)(app_ctx *ctx, const db_rows *r, int i);

/* A list from one query: runs b, appends row's JSON of each row to list
 * and records the read event action ("read.result_list") of object_type
 * for it, its id in column id_col and its patient's NHS number in
 * nhs_col.  0, or the first failure (the caller frees list). */
int app__list_rows(app_ctx *ctx, const sqlb *b, app_row_fn row, const char *action, const char *object_type, int id_col,
                   int nhs_col, json_t *list);

/* --- paging (frame/page.c) ---------------------------------------------- */

/* Appends " LIMIT $? OFFSET $?" for page (from 1) of page_size rows. */
void app__page_limit(sqlb *b, int page, int page_size);

/* The total for a paged list: runs head ("SELECT count(*) FROM ...")
 * followed by where (app__page_limit not yet added; its parameter numbers
 * kept: see sqlb_append).  0 and *total, or an error recorded on ctx. */
int app__page_count(app_ctx *ctx, const char *head, const sqlb *where, long long *total);

/* Ends a paged list use case: when rc is 0, *out is {key: list, page,
 * page_size} and "total" when total >= 0; otherwise list is freed and rc
 * returned.  Takes list. */
int app__page_reply(int rc, json_t *list, const char *key, int page, int page_size, long long total, json_t **out);

/* --- the frame of an action (frame/act.c) -------------------------------
 *
 * An action on an object: app__act_load (load it visible or 404, read its
 * subject, check the caller's side holds it or 403), checks of its own
 * (role, state, body; app__version_or_fail when the body may name the
 * version it saw), app__change_begin/_end (the guarded UPDATE: 409 when
 * the row changed meanwhile), app__task_move (close the open task, open
 * the next owner's), app_event_json (the event with before, after and
 * detail), and the object loaded again as the answer.
 */

/* What every owned object's JSON says about whose it is.  Strings are
 * borrowed from the JSON it was read from; icb is copied. */
typedef struct app_subject {
    long long id;
    long long version;    /* "version" (0 when absent) */
    const char *status;   /* "status" */
    const char *nhs;      /* "patient"."nhs_number" */
    const char *practice; /* "patient"."practice"."code" */
    const char *trust;    /* "service"."trust"."code" */
    long long service_id; /* "service"."id" */
    char icb[16];         /* "icb_code" */
} app_subject;

/* Reads s from obj (an object's JSON as its room shows it). */
void app__subject_of(const json_t *obj, app_subject *s);

/* 0 when the caller's side holds s (app__held_or_fail: its service's trust
 * or its patient's practice), else 403 recorded on ctx naming what. */
int app__subject_held(app_ctx *ctx, const app_subject *s, const char *what);

/* Loads object id with load into *cur and s, and checks the caller's side
 * holds it (app__subject_held, naming what).  On failure *cur is NULL. */
int app__act_load(app_ctx *ctx, app_load_fn load, long long id, const char *what, json_t **cur, app_subject *s);

/* The version the body says the caller saw ("version", optional): 0 when
 * absent or current, else 409 stale_version on field "version" with a
 * sentence naming what ("Referral") and id. */
int app__version_or_fail(app_ctx *ctx, json_t *body, long long current, const char *what, long long id);

/* Starts b as "UPDATE <table> SET version = version + 1"; the caller adds
 * ", col = $?" pieces with their parameters. */
void app__change_begin(sqlb *b, const char *table);

/* Appends ", <column> = $?" with its parameter p to a change. */
void app__change_set(sqlb *b, const char *column, db_param p);

/* Ends and runs the change of row id: " WHERE id = $?", " AND version =
 * $?" when version >= 0, then guard (extra SQL without parameters, such as
 * " AND status = 'due'"; may be NULL).  0 when exactly that row changed;
 * 409 stale_version with the sentence fmt when it did not (someone changed
 * it at the same moment); a storage error or an overflowed b otherwise. */
int app__change_end(app_ctx *ctx, sqlb *b, long long id, long long version, const char *guard, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Appends an event like app_event, taking before, after and detail (any
 * may be NULL): detail is stored as its compact JSON text. */
int app_event_json(app_ctx *ctx, const char *action, const char *object_type, long long id, const char *patient,
                   const char *icb, json_t *before, json_t *after, json_t *detail);

/* Records that a list showed object id about patient (an NHS number, may be
 * NULL): "read.<object_type>_list", at the caller's ICB. */
int app_event_listed(app_ctx *ctx, const char *object_type, long long id, const char *patient);

#endif
