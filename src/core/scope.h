/*
 * scope.h - which services a member of staff works in, pure.
 *
 * Triagers and clinicians are service-bound: they see and act on only the
 * work of the services they are members of (user_services, kept by the
 * administrator).  Every other role is not: booking staff and the
 * interface lead work trust-wide, practices, patients, ICB analysts and
 * admin are scoped otherwise (app__visibility).  A service-bound member
 * with no membership works in no service and so sees nothing
 * service-bound.  The SQL that applies this lives in src/app (access.c).
 */
#ifndef SEAM_SCOPE_H
#define SEAM_SCOPE_H

/* The most services one member of staff may belong to. */
#define SCOPE_MAX_SERVICES 32

/* A bounded, sorted set of service ids without duplicates. */
typedef struct scope_set {
    long long ids[SCOPE_MAX_SERVICES];
    int n;
} scope_set;

/* 1 for the roles whose work is bound to their services (triager,
 * clinician), else 0 (NULL included). */
int scope_role_is_service_bound(const char *role);

/* 1 when service is in the set, else 0.  Service ids are positive: 0 or a
 * negative id is never in a set. */
int scope_has(const scope_set *s, long long service);

/* Adds service to the set, keeping it sorted.  0 when added or already
 * there; -1 when the id is not positive or the set is full (unchanged). */
int scope_add(scope_set *s, long long service);

/* Whether a member of staff in role with the services in s may see and act
 * on work of service: always for roles that are not service-bound, else
 * only when service is in s. */
int scope_allows(const char *role, const scope_set *s, long long service);

#endif
