/*
 * router.c - the table of API routes and how a path finds one.
 */
#include "http/router.h"
#include "common/rc.h"
#include "http/handlers.h"

#include <stdio.h>
#include <string.h>

static int role_is_admin(const char *role)
{
    return strcmp(role, "admin") == 0;
}

static int role_is_trust_or_admin(const char *role)
{
    return app_role_is_trust(role) || role_is_admin(role);
}

static const char admin_only[] = "Only the administrator manages staff and their services; your role is %s.";

/* Order matters where two patterns match one path: the first wins. */
static const http_route routes[] = {
    {"GET", "/api/v1/health", h_health, ROUTE_NOAUTH, NULL, NULL},
    {"GET", "/api/v1/dev/personas", h_dev_personas, ROUTE_DEV | ROUTE_NOAUTH, NULL, NULL},
    {"POST", "/api/v1/dev/token", h_dev_token, ROUTE_DEV | ROUTE_NOAUTH, NULL, NULL},
    {"GET", "/api/v1/me", h_me, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/services", h_services, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/patients", h_patients, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/patients/{}", h_patient, ROUTE_AUTH, NULL, NULL},
    {"POST", "/api/v1/referrals", h_referral_create, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/referrals", h_referrals, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/referrals/{}", h_referral, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/referrals/{}/history", h_referral_history, ROUTE_AUTH, NULL, NULL},
    {"POST", "/api/v1/referrals/{}/{}", h_referral_act, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/worklist", h_worklist, ROUTE_AUTH, NULL, NULL},
    {"POST", "/api/v1/advice", h_advice_create, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/advice", h_advice_list, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/advice/{}", h_advice_get, ROUTE_AUTH, NULL, NULL},
    {"POST", "/api/v1/advice/{}/attachments", h_advice_attach, ROUTE_AUTH | ROUTE_RAW, NULL, NULL},
    {"GET", "/api/v1/advice/{}/attachments/{}", h_advice_attachment, ROUTE_AUTH | ROUTE_BINARY, NULL, NULL},
    {"POST", "/api/v1/advice/{}/{}", h_advice_act, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/measures/interface", h_measures_interface, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/measures/complete-care", h_measures_complete_care, ROUTE_AUTH, NULL, NULL},
    {"POST", "/api/v1/results/orders", h_order_create, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/results/orders/{}", h_order_get, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/results/unmatched", h_results_unmatched, ROUTE_AUTH, role_is_trust_or_admin,
     "Unmatched results are the trust's to resolve."},
    {"POST", "/api/v1/results", h_result_receive, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/results", h_results_list, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/results/{}", h_result_get, ROUTE_AUTH, NULL, NULL},
    {"POST", "/api/v1/results/{}/handover/{}", h_result_handover_decide, ROUTE_AUTH, NULL, NULL},
    {"POST", "/api/v1/results/{}/{}", h_result_act, ROUTE_AUTH, NULL, NULL},
    {"POST", "/api/v1/discharges", h_discharge_create, ROUTE_AUTH, NULL, NULL},
    {"POST", "/api/v1/letters", h_letter_create, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/letters", h_letters_list, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/letters/{}", h_letter_get, ROUTE_AUTH, NULL, NULL},
    {"POST", "/api/v1/letters/{}/gp-actions/{}/{}", h_letter_gp_action, ROUTE_AUTH, NULL, NULL},
    {"POST", "/api/v1/letters/{}/{}", h_letter_act, ROUTE_AUTH, NULL, NULL},
    {"POST", "/api/v1/fit-notes", h_fit_note_create, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/fit-notes", h_fit_notes_list, ROUTE_AUTH, NULL, NULL},
    {"POST", "/api/v1/follow-ups", h_follow_up_create, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/follow-ups", h_follow_ups_list, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/follow-ups/{}", h_follow_up_get, ROUTE_AUTH, NULL, NULL},
    {"POST", "/api/v1/follow-ups/{}/{}", h_follow_up_act, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/inbox", h_inbox, ROUTE_AUTH, app_role_is_practice, "The inbox is the GP practice's."},
    {"GET", "/api/v1/waiting-list", h_waiting_list, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/pathways/{}", h_pathway_get, ROUTE_AUTH, NULL, NULL},
    {"POST", "/api/v1/pathways/{}/priority", h_pathway_priority, ROUTE_AUTH, NULL, NULL},
    {"POST", "/api/v1/pathways/{}/priority-review", h_priority_review_create, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/priority-reviews", h_priority_reviews, ROUTE_AUTH, NULL, NULL},
    {"POST", "/api/v1/priority-reviews/{}/answer", h_priority_review_answer, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/measures/rtt", h_measures_rtt, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/services/{}/estimated-wait", h_estimated_wait, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/organisations", h_organisations, ROUTE_AUTH, NULL, NULL},
    {"GET", "/api/v1/users", h_users, ROUTE_AUTH, role_is_admin, admin_only},
    {"GET", "/api/v1/users/{}", h_user, ROUTE_AUTH, role_is_admin, admin_only},
    /* The body is checked before the role here, so the use case keeps the check. */
    {"PUT", "/api/v1/users/{}/services", h_user_services, ROUTE_AUTH, NULL, NULL},
};

int router_match(const char *pattern, const char *path, char seg[REQ_SEGMENTS][REQ_SEGMENT_MAX])
{
    int nseg = 0;
    while (*pattern && *path) {
        if (pattern[0] == '{' && pattern[1] == '}') {
            size_t n = strcspn(path, "/");
            if (n == 0 || n >= REQ_SEGMENT_MAX || nseg >= REQ_SEGMENTS)
                return 0;
            memcpy(seg[nseg], path, n);
            seg[nseg][n] = '\0';
            nseg++;
            path += n;
            pattern += 2;
        } else if (*pattern++ != *path++) {
            return 0;
        }
    }
    return *pattern == '\0' && *path == '\0';
}

const http_route *router_find(route_ctx *rc, int dev, int *path_known)
{
    *path_known = 0;
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (!router_match(routes[i].pattern, rc->url, rc->seg))
            continue;
        if ((routes[i].flags & ROUTE_DEV) && !dev)
            continue;
        *path_known = 1;
        if (strcmp(routes[i].method, rc->method) == 0)
            return &routes[i];
    }
    return NULL;
}

int router_allow(const http_route *r, app_ctx *ctx)
{
    if (r->allow == NULL || r->allow(ctx->user.role))
        return 0;
    /* The refusal names the role where it says %s. */
    const char *at = strstr(r->refusal, "%s");
    char msg[300];
    if (at)
        snprintf(msg, sizeof(msg), "%.*s%s%s", (int)(at - r->refusal), r->refusal, ctx->user.role, at + 2);
    else
        snprintf(msg, sizeof(msg), "%s", r->refusal);
    return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "%s", msg);
}
