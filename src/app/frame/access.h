/*
 * access.h - who may act on an object, and links between objects.
 * Internal to src/app.
 *
 * Seeing is not holding.  app__visibility decides what a caller may see
 * (and answers 404 for anything else); these decide what the caller's side
 * holds and so may act on.  A trust that made an onward referral sees it,
 * but the receiving trust holds it.  A link from one object to another
 * (fit note -> letter, letter -> referral, order -> referral, onward ->
 * referral, follow-up -> referral) must point at the same patient's object,
 * held by the caller's side.
 */
#ifndef SEAM_ACCESS_H
#define SEAM_ACCESS_H

#include "app/app.h"
#include "app/frame/sqlb.h"

/* Whether the caller works in service: always for roles that are not
 * service-bound, else when service is one of the caller's services
 * (core/scope.h). */
int app__serves(const app_ctx *ctx, long long service);

/* Appends the caller's service scope over service_column: one or more SQL
 * expressions separated by ';', the row in scope when any of them is one
 * of the caller's services (" AND ((e1) IN (...) OR (e2) IN (...))";
 * " AND 1 = 0" for a triager or clinician with no service), or nothing for
 * roles that are not service-bound.  Every "$?" in an expression is bound
 * to the caller's organisation code (one parameter per expression), and
 * "{{SERVICES}}" in one is replaced by the list of services (at most once). */
void app__service_scope(const app_ctx *ctx, sqlb *b, const char *service_column);

/* Whether the caller's side holds an object about a patient registered at
 * practice, at service of trust: trust staff when trust is their
 * organisation (and, for triagers and clinicians, service is one of
 * theirs), practice staff when practice is, admin and the system always,
 * anyone else (patients, ICB analysts) never. */
int app__holds(const app_ctx *ctx, const char *trust, const char *practice, long long service);

/* As app__holds, for an object the caller has already been allowed to see:
 * 0 when held, else 403 not_held recorded on ctx with a sentence naming
 * the object (what, id) and saying whose it is to act on (403 forbidden for
 * roles that act on nothing: patients, ICB analysts).  For triagers and
 * clinicians, another service's object at their trust is not held either. */
int app__held_or_fail(app_ctx *ctx, const char *trust, const char *practice, long long service, const char *what,
                      long long id);

/* The kinds of object a link may point at. */
typedef enum app_link_kind {
    APP_LINK_REFERRAL,
    APP_LINK_LETTER,
    APP_LINK_ORDER,
} app_link_kind;

/*
 * Checks a link, given in the body's field, to the object (kind, id): it
 * exists, is about patient nhs (any patient when nhs is NULL or empty) and
 * is held by the caller's side (app__holds).  Returns 0, copying the
 * object's patient into nhs_out (NHS_NUMBER_LEN bytes) when not NULL; or
 * 422 invalid_link naming field, with the same sentence whether the object
 * is absent, another patient's or another organisation's, so a refusal
 * discloses nothing.  Reads only.
 */
int app__link_or_fail(app_ctx *ctx, app_link_kind kind, long long id, const char *nhs, const char *field,
                      char *nhs_out);

#endif
