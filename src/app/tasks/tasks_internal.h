/*
 * tasks/tasks_internal.h - what the worklist and the failsafe, the two
 * readers of every open task, share: how a task names its subject.
 */
#ifndef SEAM_TASKS_INTERNAL_H
#define SEAM_TASKS_INTERNAL_H

/* The id of a task's subject (tasks t): one of its subject columns. */
#define TASK_SUBJECT_ID_SQL                                                                                            \
    " COALESCE(t.referral_id, t.advice_id, t.order_id, t.result_id, t.letter_id, t.follow_up_id,"                      \
    " t.review_id, t.gp_action_letter_id)"

/* The kind of a task's subject (tasks t): "referral", "advice", "order",
 * "result", "letter", "follow_up", "gp_action" or "priority_review". */
#define TASK_SUBJECT_KIND_SQL                                                                                          \
    " CASE WHEN t.referral_id IS NOT NULL THEN 'referral' WHEN t.advice_id IS NOT NULL THEN 'advice'"                  \
    " WHEN t.order_id IS NOT NULL THEN 'order' WHEN t.result_id IS NOT NULL THEN 'result'"                             \
    " WHEN t.letter_id IS NOT NULL THEN 'letter' WHEN t.follow_up_id IS NOT NULL THEN 'follow_up'"                     \
    " WHEN t.gp_action_letter_id IS NOT NULL THEN 'gp_action'"                                                         \
    " ELSE 'priority_review' END"

#endif
