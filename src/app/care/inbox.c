/*
 * care/inbox.c - the GP inbox: what the GP must do, separate from copies
 * for information.
 */
#include "app/care/care_internal.h"
#include "app/frame/access.h"
#include "app/app.h"
#include "app/figures.h"
#include "app/frame/sqlb.h"
#include "common/rc.h"
#include "core/calendar.h"
#include "core/care.h"
#include "core/nhs_number.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Where each inbox item comes from.  sql selects id, at, nhs_number,
 * given_name, family_name and summary of the caller's practice's items
 * ($1: the practice's code; $2: the earliest time, days before now, for
 * information copies; "" keeps everything).
 *
 * link is the web page showing the item's object: the web reads it from
 * the item (web/js/pages/inbox.js), so it stays in the answer, though the
 * item's type and id say the same thing (app should not know page URLs;
 * the web may build them from type and id instead).
 */
typedef struct inbox_source {
    int info;         /* 0: an action for the GP; 1: a copy for information */
    const char *type; /* the item's type */
    const char *link; /* the page of the item's object, followed by its id */
    int days;         /* information: how far back to look (0: no limit) */
    const char *sql;
} inbox_source;

#define PAT " p.nhs_number, p.given_name, p.family_name"

static const inbox_source sources[] = {
    {0, "letter_gp_action", "/letter.html?id=", 0,
     "SELECT l.id, l.sent_at," PAT ", 'Action ' || CAST(la.n AS TEXT) || ': ' || la.text"
     " FROM letter_actions la JOIN letters l ON l.id = la.letter_id"
     " JOIN patients p ON p.nhs_number = l.patient_nhs_number"
     " WHERE p.practice_code = $1 AND la.status = 'pending' AND l.status <> 'due' AND $2 <> ''"
     " ORDER BY l.sent_at, la.n"},
    {0, "result_handover", "/result.html?id=", 0,
     "SELECT x.id, x.handover_at," PAT ", 'Asked to take on: ' || o.test || ' (' ||"
     " x.handover_reason || ')' FROM results x JOIN result_orders o ON o.id = x.order_id"
     " JOIN patients p ON p.nhs_number = x.patient_nhs_number"
     " WHERE p.practice_code = $1 AND x.status = 'handover_requested' AND $2 <> '' ORDER BY x.id"},
    {0, "result_review", "/result.html?id=", 0,
     "SELECT x.id, x.handover_decided_at," PAT ", 'Review result: ' || o.test FROM results x"
     " JOIN result_orders o ON o.id = x.order_id JOIN patients p ON p.nhs_number ="
     " x.patient_nhs_number WHERE p.practice_code = $1 AND x.status = 'gp_to_review' AND $2 <> ''"
     " ORDER BY x.id"},
    {0, "returned_referral", "/referral.html?id=", 0,
     "SELECT r.id, r.returned_at," PAT ", 'Returned with advice: ' || r.reason FROM referrals r"
     " JOIN patients p ON p.nhs_number = r.patient_nhs_number"
     " WHERE p.practice_code = $1 AND r.status = 'returned' AND $2 <> '' ORDER BY r.returned_at"},
    {0, "advice_reply", "/advice.html?id=", 0,
     "SELECT a.id, a.status_since," PAT ", 'Specialist wrote back' FROM advice_requests a"
     " JOIN patients p ON p.nhs_number = a.patient_nhs_number"
     " WHERE p.practice_code = $1 AND a.status = 'awaiting_gp' AND $2 <> '' ORDER BY a.status_since"},
    {0, "read_advice", "/advice.html?id=", 0,
     "SELECT a.id, a.status_since," PAT ", 'Advice given: ' || COALESCE(a.outcome_answer, '')"
     " FROM advice_requests a JOIN patients p ON p.nhs_number = a.patient_nhs_number"
     " WHERE p.practice_code = $1 AND a.status = 'advice_given' AND $2 <> ''"
     " ORDER BY a.status_since"},
    {1, "letter", "/letter.html?id=", 0,
     "SELECT l.id, l.sent_at," PAT ", CASE l.kind WHEN 'discharge' THEN 'Discharge summary'"
     " ELSE 'Clinic letter' END || ': ' || COALESCE(l.diagnosis, '') FROM letters l"
     " JOIN patients p ON p.nhs_number = l.patient_nhs_number"
     " WHERE p.practice_code = $1 AND l.status = 'sent' AND $2 <> '' ORDER BY l.sent_at DESC"},
    {1, "gp_action_resolved", "/letter.html?id=", 30,
     "SELECT l.id, la.resolved_at," PAT ", 'Declined action ' || CAST(la.n AS TEXT) || ' resolved"
     " by the hospital: ' || CASE la.outcome WHEN 'arranged_by_hospital' THEN"
     " 'arranged by the hospital' ELSE 'agreed otherwise' END || ' (' || la.text || ')'"
     " FROM letter_actions la JOIN letters l ON l.id = la.letter_id"
     " JOIN patients p ON p.nhs_number = l.patient_nhs_number WHERE p.practice_code = $1"
     " AND la.status = 'resolved' AND la.resolved_at >= $2 ORDER BY la.resolved_at DESC"},
    {1, "dna", "/referral.html?id=", 30,
     "SELECT r.id, e.at," PAT ", CASE e.action WHEN 'referral.dna_rebooked' THEN"
     " 'Missed appointment: the hospital is rebooking' ELSE"
     " 'Missed appointment: discharged by the hospital' END FROM events e"
     " JOIN referrals r ON e.object_type = 'referral' AND e.object_id = CAST(r.id AS TEXT)"
     " JOIN patients p ON p.nhs_number = r.patient_nhs_number WHERE p.practice_code = $1"
     " AND e.action IN ('referral.dna_rebooked', 'referral.dna_discharged') AND e.at >= $2"
     " ORDER BY e.at DESC"},
    {1, "redirect", "/referral.html?id=", 30,
     "SELECT r.id, e.at," PAT ", 'Redirected to ' || s.name FROM events e"
     " JOIN referrals r ON e.object_type = 'referral' AND e.object_id = CAST(r.id AS TEXT)"
     " JOIN services s ON s.id = r.service_id JOIN patients p ON p.nhs_number ="
     " r.patient_nhs_number WHERE p.practice_code = $1 AND e.action = 'referral.redirected'"
     " AND e.at >= $2 ORDER BY e.at DESC"},
    {1, "onward_referral", "/referral.html?id=", 30,
     "SELECT r.id, r.created_at," PAT ", 'Onward referral to ' || s.name FROM referrals r"
     " JOIN services s ON s.id = r.service_id JOIN patients p ON p.nhs_number ="
     " r.patient_nhs_number WHERE p.practice_code = $1 AND r.onward_from IS NOT NULL"
     " AND r.created_at >= $2 ORDER BY r.created_at DESC"},
    {1, "priority_review", "/pathway.html?id=", 30,
     "SELECT rv.pathway_id, rv.answered_at," PAT ", 'Priority review answered: ' ||"
     " CASE rv.outcome WHEN 'reprioritised' THEN 'now ' || COALESCE(rv.to_priority, '')"
     " ELSE 'priority unchanged' END || ' (' || s.name || ')' FROM priority_reviews rv"
     " JOIN services s ON s.id = rv.service_id JOIN patients p ON p.nhs_number ="
     " rv.patient_nhs_number WHERE rv.requested_org = $1 AND p.practice_code = $1"
     " AND rv.status = 'answered' AND rv.answered_at >= $2 ORDER BY rv.answered_at DESC"},
};

/* Appends the items of source src to list, recording that each was read. */
static int inbox_add(app_ctx *ctx, json_t *list, const inbox_source *src)
{
    char since[SEAM_ISO_LEN];
    seam_time_format(ctx->now - (seam_time)src->days * 86400, since);
    db_rows *r;
    db_param p[] = {DBP_TEXT(ctx->user.org_code), DBP_TEXT(since)};
    int rc = db_query(ctx->db, src->sql, 2, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        char href[64];
        snprintf(href, sizeof(href), "%s%lld", src->link, db_geti(r, i, 0));
        json_array_append_new(list,
                              json_pack("{s:s,s:I,s:s,s:{s:s,s:s,s:s},s:s,s:s}", "type", src->type, "id",
                                        (json_int_t)db_geti(r, i, 0), "at", db_get(r, i, 1), "patient", "nhs_number",
                                        db_get(r, i, 2), "given_name", db_get(r, i, 3), "family_name", db_get(r, i, 4),
                                        "summary", db_get(r, i, 5), "link", href));
        rc = app_event(ctx, "read.inbox", src->type, db_geti(r, i, 0), db_get(r, i, 2), ctx->user.icb_code, NULL, NULL,
                       NULL);
    }
    db_rows_free(r);
    return rc;
}

int app_inbox(app_ctx *ctx, const void *arg, json_t **out)
{
    if (!app_role_is_practice(ctx->user.role))
        return app_fail(ctx, SEAM_EFORBIDDEN, "forbidden", NULL, "The inbox is the GP practice's.");
    /* What the GP must act on, then copies for information only. */
    json_t *lists[2] = {json_array(), json_array()};
    int rc = 0;
    for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]) && rc == 0; i++)
        rc = inbox_add(ctx, lists[sources[i].info], &sources[i]);
    if (rc) {
        json_decref(lists[0]);
        json_decref(lists[1]);
        return rc;
    }
    *out = json_pack("{s:o,s:o}", "actions", lists[0], "information", lists[1]);
    return 0;
}
