/*
 * handlers.h - every API handler, one per route (router.c lists them).
 * A handler parses the request, calls one use case and leaves its answer
 * in *out; it runs no SQL and decides no rule.  They live by feature in
 * src/http/handlers/.
 */
#ifndef SEAM_HTTP_HANDLERS_H
#define SEAM_HTTP_HANDLERS_H

#include "http/request.h"

/* handlers/system.c: health and the development sign-in */
int h_health(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_dev_personas(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_dev_token(route_ctx *rc, app_ctx *ctx, json_t **out);

/* handlers/directory.c: who I am, services, organisations, patients */
int h_me(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_services(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_organisations(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_patients(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_patient(route_ctx *rc, app_ctx *ctx, json_t **out);

/* handlers/referrals.c */
int h_referral_create(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_referrals(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_referral(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_referral_history(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_referral_act(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_worklist(route_ctx *rc, app_ctx *ctx, json_t **out);

/* handlers/advice.c */
int h_advice_create(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_advice_list(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_advice_get(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_advice_act(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_advice_attach(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_advice_attachment(route_ctx *rc, app_ctx *ctx, json_t **out);

/* handlers/care.c: orders and results, discharges, letters, fit notes, follow-ups, inbox */
int h_order_create(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_order_get(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_result_receive(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_results_unmatched(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_results_list(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_result_get(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_result_act(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_result_handover_decide(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_discharge_create(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_letter_create(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_letters_list(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_letter_get(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_letter_act(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_letter_gp_action(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_fit_note_create(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_fit_notes_list(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_follow_up_create(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_follow_ups_list(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_follow_up_get(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_follow_up_act(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_inbox(route_ctx *rc, app_ctx *ctx, json_t **out);

/* handlers/waiting.c: the shared waiting list, pathways, priority reviews */
int h_waiting_list(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_pathway_get(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_pathway_priority(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_priority_review_create(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_priority_reviews(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_priority_review_answer(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_estimated_wait(route_ctx *rc, app_ctx *ctx, json_t **out);

/* handlers/measures.c */
int h_measures_interface(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_measures_complete_care(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_measures_rtt(route_ctx *rc, app_ctx *ctx, json_t **out);

/* handlers/admin.c: staff and their services */
int h_users(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_user(route_ctx *rc, app_ctx *ctx, json_t **out);
int h_user_services(route_ctx *rc, app_ctx *ctx, json_t **out);

#endif
