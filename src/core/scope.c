/*
 * scope.c - which services a member of staff works in (scope.h).
 */
#include "core/scope.h"

#include <assert.h>
#include <string.h>

int scope_role_is_service_bound(const char *role)
{
    return role != NULL && (strcmp(role, "triager") == 0 || strcmp(role, "clinician") == 0);
}

int scope_has(const scope_set *s, long long service)
{
    if (s == NULL || service <= 0)
        return 0;
    assert(s->n >= 0 && s->n <= SCOPE_MAX_SERVICES);
    int lo = 0, hi = s->n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (s->ids[mid] == service)
            return 1;
        if (s->ids[mid] < service)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

int scope_add(scope_set *s, long long service)
{
    if (service <= 0)
        return -1;
    if (scope_has(s, service))
        return 0;
    if (s->n >= SCOPE_MAX_SERVICES)
        return -1;
    int i = s->n;
    while (i > 0 && s->ids[i - 1] > service) {
        s->ids[i] = s->ids[i - 1];
        i--;
    }
    s->ids[i] = service;
    s->n++;
    return 0;
}

int scope_allows(const char *role, const scope_set *s, long long service)
{
    if (!scope_role_is_service_bound(role))
        return 1;
    return scope_has(s, service);
}
