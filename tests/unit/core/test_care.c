/*
 * test_care.c - unit tests for src/core/care.c.
 *
 * The expected table below is written out from the diagram in care.h,
 * independently of the table in care.c, and every one of the 4 x 4
 * (state, action) pairs is checked against it.
 *
 * Working days after Thu 2026-12-24 (Christmas Fri 25th, weekend, substitute
 * Boxing Day Mon 28th, New Year Fri 1st, weekend):
 *   1 Tue 29, 2 Wed 30, 3 Thu 31, 4 Mon 4 Jan, 5 Tue 5, 6 Wed 6, 7 Thu 7,
 *   8 Fri 8, 9 Mon 11, 10 Tue 12 January 2027.
 * Working days after Fri 2026-01-09 (no holidays):
 *   1 Mon 12, 2 Tue 13, 3 Wed 14, 7 Tue 20, 10 Fri 23 January.
 * Working days after Sat 2026-01-10: 1 Mon 12, 3 Wed 14.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>

#include "core/calendar.h"
#include "core/care.h"
#include "core/handoff.h"

#define NO (-1) /* illegal transition */

/* Columns in result_action order: review, handover, accept, decline. */
static const int expected[RES_STATUS_COUNT][RES_ACTION_COUNT] = {
    /* to_review */
    {RES_REVIEWED, RES_HANDOVER_REQUESTED, NO, NO},
    /* handover_requested */
    {NO, NO, RES_GP_TO_REVIEW, RES_TO_REVIEW},
    /* gp_to_review */
    {RES_REVIEWED, NO, NO, NO},
    /* reviewed */
    {NO, NO, NO, NO},
};

/* 1 where the practice holds the result: only once a hand-over is asked. */
static const int held_by_practice[RES_STATUS_COUNT] = {0, 1, 1, 0};

static const char *const status_names[RES_STATUS_COUNT] = {
    "to_review",
    "handover_requested",
    "gp_to_review",
    "reviewed",
};
static const char *const action_names[RES_ACTION_COUNT] = {"review", "handover", "accept", "decline"};

static seam_time at(int y, int m, int d, int hh, int mm, int ss)
{
    assert_true(seam_date_valid(y, m, d));
    return seam_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

static void assert_instant(seam_time t, seam_time want)
{
    if (t != want) {
        char got[SEAM_ISO_LEN], exp[SEAM_ISO_LEN];
        seam_time_format(t, got);
        seam_time_format(want, exp);
        fail_msg("got %s, expected %s", got, exp);
    }
}

static void test_every_transition(void **state)
{
    int legal = 0;

    for (int s = 0; s < RES_STATUS_COUNT; s++) {
        for (int a = 0; a < RES_ACTION_COUNT; a++) {
            result_status to = RES_STATUS_COUNT; /* sentinel */
            int rc = result_transition((result_status)s, (result_action)a, &to);
            if (expected[s][a] == NO) {
                if (rc != -1)
                    fail_msg("%s --%s--> should be illegal", status_names[s], action_names[a]);
                assert_int_equal(to, RES_STATUS_COUNT); /* untouched */
            } else {
                if (rc != 0)
                    fail_msg("%s --%s--> should be legal", status_names[s], action_names[a]);
                if ((int)to != expected[s][a])
                    fail_msg("%s --%s--> gave %s, expected %s", status_names[s], action_names[a],
                             result_status_name(to), status_names[expected[s][a]]);
                legal++;
            }
            /* A NULL target gives the same answer. */
            assert_int_equal(result_transition((result_status)s, (result_action)a, NULL), rc);
        }
    }
    assert_int_equal(legal, 5);
}

static void test_transition_out_of_range(void **state)
{
    result_status to = RES_GP_TO_REVIEW;

    assert_int_equal(result_transition(RES_STATUS_COUNT, RES_ACT_REVIEW, &to), -1);
    assert_int_equal(result_transition((result_status)-1, RES_ACT_REVIEW, &to), -1);
    assert_int_equal(result_transition(RES_TO_REVIEW, RES_ACTION_COUNT, &to), -1);
    assert_int_equal(result_transition(RES_TO_REVIEW, (result_action)-1, &to), -1);
    assert_int_equal(result_transition(RES_STATUS_COUNT, RES_ACTION_COUNT, NULL), -1);
    assert_int_equal(to, RES_GP_TO_REVIEW);
}

/* Every state can be reached from to_review, and every state can still
 * reach reviewed. */
static void test_reachability(void **state)
{
    int reached[RES_STATUS_COUNT] = {0};
    int ends[RES_STATUS_COUNT] = {0};
    int changed = 1;

    reached[RES_TO_REVIEW] = 1;
    while (changed) {
        changed = 0;
        for (int s = 0; s < RES_STATUS_COUNT; s++) {
            if (!reached[s])
                continue;
            for (int a = 0; a < RES_ACTION_COUNT; a++) {
                result_status to;
                if (result_transition((result_status)s, (result_action)a, &to) == 0 && !reached[to]) {
                    reached[to] = 1;
                    changed = 1;
                }
            }
        }
    }
    for (int s = 0; s < RES_STATUS_COUNT; s++)
        if (!reached[s])
            fail_msg("%s is unreachable", status_names[s]);

    ends[RES_REVIEWED] = 1;
    changed = 1;
    while (changed) {
        changed = 0;
        for (int s = 0; s < RES_STATUS_COUNT; s++) {
            if (ends[s])
                continue;
            for (int a = 0; a < RES_ACTION_COUNT; a++) {
                result_status to;
                if (result_transition((result_status)s, (result_action)a, &to) == 0 && ends[to]) {
                    ends[s] = 1;
                    changed = 1;
                }
            }
        }
    }
    for (int s = 0; s < RES_STATUS_COUNT; s++)
        if (!ends[s])
            fail_msg("%s can never be reviewed", status_names[s]);
}

/* reviewed allows nothing, and it is the only state with no way out. */
static void test_terminal_states(void **state)
{
    for (int a = 0; a < RES_ACTION_COUNT; a++) {
        result_status to = RES_STATUS_COUNT;
        if (result_transition(RES_REVIEWED, (result_action)a, &to) != -1)
            fail_msg("terminal reviewed allows %s", action_names[a]);
        assert_int_equal(to, RES_STATUS_COUNT);
    }
    for (int s = 0; s < RES_STATUS_COUNT; s++) {
        int any = 0;
        for (int a = 0; a < RES_ACTION_COUNT; a++)
            any |= result_transition((result_status)s, (result_action)a, NULL) == 0;
        assert_int_equal(any, s != RES_REVIEWED);
    }
}

/* Only the GP accepting moves a result to gp_to_review; the ordering
 * service cannot push it there directly. */
static void test_gp_only_by_accept(void **state)
{
    for (int s = 0; s < RES_STATUS_COUNT; s++) {
        for (int a = 0; a < RES_ACTION_COUNT; a++) {
            result_status to;
            if (result_transition((result_status)s, (result_action)a, &to) == 0 && to == RES_GP_TO_REVIEW) {
                assert_int_equal(s, RES_HANDOVER_REQUESTED);
                assert_int_equal(a, RES_ACT_ACCEPT);
            }
        }
    }
}

static void test_held_by_practice(void **state)
{
    for (int s = 0; s < RES_STATUS_COUNT; s++)
        if (!!result_held_by_practice((result_status)s) != held_by_practice[s])
            fail_msg("%s held by practice: got %d, expected %d", status_names[s],
                     result_held_by_practice((result_status)s), held_by_practice[s]);
    assert_false(result_held_by_practice(RES_STATUS_COUNT));
    assert_false(result_held_by_practice((result_status)-1));
}

static void test_status_names_round_trip(void **state)
{
    for (int s = 0; s < RES_STATUS_COUNT; s++) {
        result_status back = RES_STATUS_COUNT;
        assert_non_null(result_status_name((result_status)s));
        assert_string_equal(result_status_name((result_status)s), status_names[s]);
        assert_int_equal(result_status_parse(status_names[s], &back), 0);
        assert_int_equal(back, s);
    }
    assert_null(result_status_name(RES_STATUS_COUNT));
    assert_null(result_status_name((result_status)-1));
}

static void test_action_names_round_trip(void **state)
{
    for (int a = 0; a < RES_ACTION_COUNT; a++) {
        result_action back = RES_ACTION_COUNT;
        assert_non_null(result_action_name((result_action)a));
        assert_string_equal(result_action_name((result_action)a), action_names[a]);
        assert_int_equal(result_action_parse(action_names[a], &back), 0);
        assert_int_equal(back, a);
    }
    assert_null(result_action_name(RES_ACTION_COUNT));
    assert_null(result_action_name((result_action)-1));
}

static void test_unknown_names_rejected(void **state)
{
    static const char *const bad[] = {
        "",          "TO_REVIEW", "To_review",        "to review",   "to-review", " reviewed",
        "reviewed ", "REVIEWED",  "handover_request", "handed_over", "gp_review", "Review",
        "ACCEPT",    "accepted",  "declined",         "hand_over",   "reviewx",   "unknown",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        result_status s = RES_GP_TO_REVIEW;
        result_action a = RES_ACT_DECLINE;
        if (result_status_parse(bad[i], &s) != -1)
            fail_msg("status \"%s\" accepted", bad[i]);
        if (result_action_parse(bad[i], &a) != -1)
            fail_msg("action \"%s\" accepted", bad[i]);
        /* Outputs untouched on failure. */
        assert_int_equal(s, RES_GP_TO_REVIEW);
        assert_int_equal(a, RES_ACT_DECLINE);
    }
    /* A state is not an action, nor an action a state. */
    for (int s = 0; s < RES_STATUS_COUNT; s++) {
        result_action a = RES_ACT_DECLINE;
        assert_int_equal(result_action_parse(status_names[s], &a), -1);
        assert_int_equal(a, RES_ACT_DECLINE);
    }
    for (int a = 0; a < RES_ACTION_COUNT; a++) {
        result_status s = RES_GP_TO_REVIEW;
        assert_int_equal(result_status_parse(action_names[a], &s), -1);
        assert_int_equal(s, RES_GP_TO_REVIEW);
    }
}

static void test_parse_null(void **state)
{
    result_status s = RES_GP_TO_REVIEW;
    result_action a = RES_ACT_DECLINE;

    assert_int_equal(result_status_parse(NULL, &s), -1);
    assert_int_equal(result_action_parse(NULL, &a), -1);
    assert_int_equal(s, RES_GP_TO_REVIEW);
    assert_int_equal(a, RES_ACT_DECLINE);
    /* A NULL output is refused, not written through. */
    assert_int_equal(result_status_parse("reviewed", NULL), -1);
    assert_int_equal(result_action_parse("accept", NULL), -1);
    assert_int_equal(result_status_parse(NULL, NULL), -1);
    assert_int_equal(result_action_parse(NULL, NULL), -1);
}

static void test_names_distinct(void **state)
{
    for (int i = 0; i < RES_STATUS_COUNT; i++)
        for (int j = i + 1; j < RES_STATUS_COUNT; j++)
            assert_string_not_equal(result_status_name((result_status)i), result_status_name((result_status)j));
    for (int i = 0; i < RES_ACTION_COUNT; i++)
        for (int j = i + 1; j < RES_ACTION_COUNT; j++)
            assert_string_not_equal(result_action_name((result_action)i), result_action_name((result_action)j));
}

/* Thu 24 Dec 2026: Christmas, a weekend, substitute Boxing Day and New Year. */
static void test_order_expected(void **state)
{
    seam_time xmas = at(2026, 12, 24, 10, 0, 0), fri = at(2026, 1, 9, 15, 30, 0);

    assert_instant(care_order_expected(xmas, 1), at(2026, 12, 30, 10, 0, 0));
    assert_instant(care_order_expected(xmas, 0), at(2027, 1, 12, 10, 0, 0));
    assert_instant(care_order_expected(xmas, 2), at(2026, 12, 30, 10, 0, 0)); /* any true value */
    assert_instant(care_order_expected(fri, 1), at(2026, 1, 13, 15, 30, 0));
    assert_instant(care_order_expected(fri, 0), at(2026, 1, 23, 15, 30, 0));
}

static void test_result_review_due(void **state)
{
    seam_time xmas = at(2026, 12, 24, 10, 0, 0), fri = at(2026, 1, 9, 15, 30, 0), sat = at(2026, 1, 10, 8, 0, 0);

    /* 1 working day if abnormal or urgent (or both), else 3. */
    assert_instant(care_result_review_due(xmas, 1, 0), at(2026, 12, 29, 10, 0, 0));
    assert_instant(care_result_review_due(xmas, 0, 1), at(2026, 12, 29, 10, 0, 0));
    assert_instant(care_result_review_due(xmas, 1, 1), at(2026, 12, 29, 10, 0, 0));
    assert_instant(care_result_review_due(xmas, 0, 0), at(2026, 12, 31, 10, 0, 0));
    assert_instant(care_result_review_due(xmas, 3, 0), at(2026, 12, 29, 10, 0, 0));
    assert_instant(care_result_review_due(fri, 1, 0), at(2026, 1, 12, 15, 30, 0));
    assert_instant(care_result_review_due(fri, 0, 0), at(2026, 1, 14, 15, 30, 0));
    /* A result arriving on a Saturday: the first working day is Monday. */
    assert_instant(care_result_review_due(sat, 0, 1), at(2026, 1, 12, 8, 0, 0));
    assert_instant(care_result_review_due(sat, 0, 0), at(2026, 1, 14, 8, 0, 0));
}

static void test_handover_due(void **state)
{
    assert_instant(care_handover_due(at(2026, 12, 24, 10, 0, 0)), at(2026, 12, 30, 10, 0, 0));
    assert_instant(care_handover_due(at(2026, 1, 9, 15, 30, 0)), at(2026, 1, 13, 15, 30, 0));
    /* Good Friday 3 and Easter Monday 6 April 2026. */
    assert_instant(care_handover_due(at(2026, 4, 2, 9, 0, 0)), at(2026, 4, 8, 9, 0, 0));
}

static void test_letter_due(void **state)
{
    seam_time xmas = at(2026, 12, 24, 10, 0, 0), fri = at(2026, 1, 9, 15, 30, 0), sat = at(2026, 1, 10, 8, 0, 0);

    /* A discharge summary: exactly 24 hours, holidays and weekends count,
     * and letter_days does not matter. */
    assert_instant(care_letter_due(1, xmas, 7), at(2026, 12, 25, 10, 0, 0));
    assert_instant(care_letter_due(1, xmas, 0), at(2026, 12, 25, 10, 0, 0));
    assert_instant(care_letter_due(1, xmas, 30), xmas + 86400);
    assert_instant(care_letter_due(1, sat, 7), at(2026, 1, 11, 8, 0, 0));
    assert_instant(care_letter_due(2, fri, 7), at(2026, 1, 10, 15, 30, 0)); /* any true value */

    /* A clinic letter: letter_days working days, 7 when not set. */
    assert_instant(care_letter_due(0, xmas, 7), at(2027, 1, 7, 10, 0, 0));
    assert_instant(care_letter_due(0, xmas, 0), at(2027, 1, 7, 10, 0, 0));
    assert_instant(care_letter_due(0, xmas, -1), at(2027, 1, 7, 10, 0, 0));
    assert_instant(care_letter_due(0, xmas, 1), at(2026, 12, 29, 10, 0, 0));
    assert_instant(care_letter_due(0, xmas, 3), at(2026, 12, 31, 10, 0, 0));
    assert_instant(care_letter_due(0, xmas, 10), at(2027, 1, 12, 10, 0, 0));
    assert_instant(care_letter_due(0, fri, 7), at(2026, 1, 20, 15, 30, 0));
    assert_instant(care_letter_due(0, fri, 0), at(2026, 1, 20, 15, 30, 0));
    assert_instant(care_letter_due(0, fri, 1), at(2026, 1, 12, 15, 30, 0));
}

static void test_gp_actions_due(void **state)
{
    assert_instant(care_gp_actions_due(at(2026, 12, 24, 10, 0, 0)), at(2027, 1, 12, 10, 0, 0));
    assert_instant(care_gp_actions_due(at(2026, 1, 9, 15, 30, 0)), at(2026, 1, 23, 15, 30, 0));
    assert_instant(care_gp_actions_due(at(2026, 1, 10, 8, 0, 0)), at(2026, 1, 23, 8, 0, 0));
}

/* Every due time agrees with the calendar and lies after its start. */
static void test_due_rules_match_calendar(void **state)
{
    for (int day = 0; day < 60; day++) {
        seam_time t = at(2026, 12, 1, 13, 45, 7) + (seam_time)day * 86400;
        assert_int_equal(care_order_expected(t, 1), cal_add_working_days(t, 2));
        assert_int_equal(care_order_expected(t, 0), cal_add_working_days(t, 10));
        assert_int_equal(care_result_review_due(t, 1, 0), cal_add_working_days(t, 1));
        assert_int_equal(care_result_review_due(t, 0, 0), cal_add_working_days(t, 3));
        assert_int_equal(care_handover_due(t), cal_add_working_days(t, 2));
        assert_int_equal(care_letter_due(0, t, 5), cal_add_working_days(t, 5));
        assert_int_equal(care_letter_due(1, t, 5), t + 86400);
        assert_int_equal(care_gp_actions_due(t), cal_add_working_days(t, 10));
        assert_true(care_result_review_due(t, 1, 1) > t);
        assert_true(care_result_review_due(t, 1, 1) < care_result_review_due(t, 0, 0));
        assert_true(care_order_expected(t, 1) < care_order_expected(t, 0));
        /* Same clock time of day. */
        assert_int_equal(care_gp_actions_due(t) % 86400, t % 86400);
    }
}

/* A declined GP action is the letter's service's, for a clinician, due in
 * the service's working-day target (5 when unset) after the decline. */
static void test_gp_action_declined_handoff(void **state)
{
    handoff_rule r;
    care_gp_action_declined_rule(&r);
    assert_string_equal(r.task_kind, "gp_action_declined");
    assert_int_equal(r.side, HANDOFF_SERVICE);
    assert_string_equal(r.role, "clinician");
    /* Thu 24 Dec 2026: 5 working days is Tue 5 January 2027. */
    assert_instant(care_gp_action_declined_due(at(2026, 12, 24, 10, 0, 0), 5), at(2027, 1, 5, 10, 0, 0));
    assert_instant(care_gp_action_declined_due(at(2026, 12, 24, 10, 0, 0), 0), at(2027, 1, 5, 10, 0, 0));
    assert_instant(care_gp_action_declined_due(at(2026, 12, 24, 10, 0, 0), -3), at(2027, 1, 5, 10, 0, 0));
    assert_instant(care_gp_action_declined_due(at(2026, 12, 24, 10, 0, 0), 1), at(2026, 12, 29, 10, 0, 0));
    assert_instant(care_gp_action_declined_due(at(2026, 1, 9, 15, 30, 0), 10), at(2026, 1, 23, 15, 30, 0));
    /* A decline on a Saturday counts from Monday. */
    assert_instant(care_gp_action_declined_due(at(2026, 1, 10, 8, 0, 0), 1), at(2026, 1, 12, 8, 0, 0));
    for (int day = 0; day < 60; day++) {
        seam_time t = at(2026, 12, 1, 13, 45, 7) + (seam_time)day * 86400;
        assert_int_equal(care_gp_action_declined_due(t, 5), cal_add_working_days(t, 5));
        assert_int_equal(care_gp_action_declined_due(t, 3), cal_add_working_days(t, 3));
    }
}

/* The states of a GP action, what each needs, and what the GP sees. */
static void test_gp_action_states(void **state)
{
    static const char *const names[] = {"pending", "accepted", "declined", "resolved"};
    for (int i = 0; i < 4; i++)
        assert_string_equal(care_gp_action_state(i), names[i]);
    assert_null(care_gp_action_state(4));
    assert_null(care_gp_action_state(-1));
    /* The practice holds a pending action; the hospital a declined one. */
    assert_true(care_gp_action_needs_owner("pending"));
    assert_false(care_gp_action_needs_owner("declined"));
    assert_false(care_gp_action_needs_owner("resolved"));
    assert_true(care_gp_action_declined_needs_owner("declined"));
    assert_false(care_gp_action_declined_needs_owner("pending"));
    assert_false(care_gp_action_declined_needs_owner("accepted"));
    assert_false(care_gp_action_declined_needs_owner("resolved"));
    assert_false(care_gp_action_declined_needs_owner("with_hospital"));
    assert_false(care_gp_action_declined_needs_owner(NULL));
    assert_string_equal(care_gp_action_shown("pending"), "pending");
    assert_string_equal(care_gp_action_shown("accepted"), "accepted");
    assert_string_equal(care_gp_action_shown("declined"), "with_hospital");
    assert_string_equal(care_gp_action_shown("resolved"), "resolved");
    assert_null(care_gp_action_shown("lost"));
    assert_null(care_gp_action_shown(NULL));
}

/* Only a declined action is resolved, with a known outcome; agreeing
 * otherwise needs a note. */
static void test_gp_action_resolve(void **state)
{
    care_gp_outcome o;
    assert_int_equal(care_gp_outcome_parse("arranged_by_hospital", &o), 0);
    assert_int_equal(o, CARE_GP_ARRANGED_BY_HOSPITAL);
    assert_int_equal(care_gp_outcome_parse("agreed_otherwise", &o), 0);
    assert_int_equal(o, CARE_GP_AGREED_OTHERWISE);
    assert_int_equal(care_gp_outcome_parse("done", &o), -1);
    assert_int_equal(care_gp_outcome_parse(NULL, &o), -1);
    assert_int_equal(care_gp_outcome_parse("agreed_otherwise", NULL), -1);
    assert_string_equal(care_gp_outcome_name(CARE_GP_ARRANGED_BY_HOSPITAL), "arranged_by_hospital");
    assert_string_equal(care_gp_outcome_name(CARE_GP_AGREED_OTHERWISE), "agreed_otherwise");
    assert_null(care_gp_outcome_name(CARE_GP_OUTCOME_COUNT));

    assert_int_equal(care_gp_action_resolve("declined", CARE_GP_ARRANGED_BY_HOSPITAL, 0), CARE_RESOLVE_OK);
    assert_int_equal(care_gp_action_resolve("declined", CARE_GP_ARRANGED_BY_HOSPITAL, 1), CARE_RESOLVE_OK);
    assert_int_equal(care_gp_action_resolve("declined", CARE_GP_AGREED_OTHERWISE, 1), CARE_RESOLVE_OK);
    assert_int_equal(care_gp_action_resolve("declined", CARE_GP_AGREED_OTHERWISE, 0), CARE_RESOLVE_NOTE_REQUIRED);
    assert_int_equal(care_gp_action_resolve("resolved", CARE_GP_ARRANGED_BY_HOSPITAL, 1),
                     CARE_RESOLVE_ALREADY_RESOLVED);
    assert_int_equal(care_gp_action_resolve("pending", CARE_GP_ARRANGED_BY_HOSPITAL, 1), CARE_RESOLVE_NOT_DECLINED);
    assert_int_equal(care_gp_action_resolve("accepted", CARE_GP_AGREED_OTHERWISE, 1), CARE_RESOLVE_NOT_DECLINED);
    assert_int_equal(care_gp_action_resolve(NULL, CARE_GP_AGREED_OTHERWISE, 1), CARE_RESOLVE_NOT_DECLINED);
    assert_int_equal(care_gp_action_resolve("declined", CARE_GP_OUTCOME_COUNT, 1), CARE_RESOLVE_BAD_OUTCOME);
}

static void test_discharge_medication(void **state)
{
    assert_false(care_discharge_medication_ok(6, 0));
    assert_true(care_discharge_medication_ok(6, 1));
    assert_true(care_discharge_medication_ok(7, 0));
    assert_true(care_discharge_medication_ok(7, 1));
    assert_true(care_discharge_medication_ok(8, 0));
    assert_true(care_discharge_medication_ok(28, 0));
    assert_true(care_discharge_medication_ok(LLONG_MAX, 0));
    assert_false(care_discharge_medication_ok(0, 0));
    assert_true(care_discharge_medication_ok(0, 1));
    assert_true(care_discharge_medication_ok(1, 2)); /* any true value */
    assert_false(care_discharge_medication_ok(1, 0));
    /* A negative supply is nonsense, explained or not. */
    assert_false(care_discharge_medication_ok(-1, 0));
    assert_false(care_discharge_medication_ok(-1, 1));
    assert_false(care_discharge_medication_ok(-7, 1));
    assert_false(care_discharge_medication_ok(LLONG_MIN, 1));
    /* The answer is exactly 0 or 1. */
    for (long long d = -2; d <= 10; d++)
        for (int e = 0; e <= 1; e++) {
            int ok = care_discharge_medication_ok(d, e);
            assert_true(ok == 0 || ok == 1);
            assert_int_equal(ok, d >= 0 && (d >= 7 || e));
        }
}

static void test_pifu_end(void **state)
{
    seam_time start = at(2026, 1, 9, 10, 0, 0);

    assert_instant(care_pifu_end(start, 1), at(2026, 2, 8, 10, 0, 0));
    assert_instant(care_pifu_end(start, 6), at(2026, 7, 8, 10, 0, 0));
    assert_instant(care_pifu_end(start, 0), start);
    assert_int_equal(care_pifu_end(start, 6) - start, 180LL * 86400);
    /* 30-day months, not calendar months, and weekends/holidays count. */
    assert_instant(care_pifu_end(at(2028, 2, 15, 0, 0, 0), 1), at(2028, 3, 16, 0, 0, 0));
    assert_instant(care_pifu_end(at(2026, 12, 24, 10, 0, 0), 1), at(2027, 1, 23, 10, 0, 0));
    assert_instant(care_pifu_end(at(2026, 12, 24, 10, 0, 0), 12), at(2027, 12, 19, 10, 0, 0));
}

/* Every complete-care task names a kind, a side and a role; the sides are
 * the ones the worklists and the ownership check expect. */
static void test_task_rules(void **state)
{
    static const struct {
        care_task t;
        const char *kind;
        handoff_side side;
        const char *role;
    } want[] = {
        {CARE_TASK_EXPECTED_RESULT, "expected_result", HANDOFF_SERVICE, "clinician"},
        {CARE_TASK_REVIEW_RESULT, "review_result", HANDOFF_SERVICE, "clinician"},
        {CARE_TASK_GP_REVIEW_RESULT, "review_result", HANDOFF_PRACTICE, "gp"},
        {CARE_TASK_RESULT_HANDOVER, "result_handover", HANDOFF_PRACTICE, "gp"},
        {CARE_TASK_CLINIC_LETTER, "clinic_letter", HANDOFF_SERVICE, "clinician"},
        {CARE_TASK_DISCHARGE_SUMMARY, "discharge_summary", HANDOFF_SERVICE, "clinician"},
        {CARE_TASK_GP_ACTIONS, "gp_actions", HANDOFF_PRACTICE, "gp"},
        {CARE_TASK_FOLLOW_UP, "follow_up", HANDOFF_SERVICE, "booking"},
        {CARE_TASK_PIFU_REVIEW, "pifu_review", HANDOFF_SERVICE, "clinician"},
        {CARE_TASK_GP_ACTION_DECLINED, "gp_action_declined", HANDOFF_SERVICE, "clinician"},
    };
    assert_int_equal(sizeof(want) / sizeof(want[0]), CARE_TASK_COUNT);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const handoff_rule *r = care_task_rule(want[i].t);
        assert_non_null(r);
        assert_string_equal(r->task_kind, want[i].kind);
        assert_int_equal(r->side, want[i].side);
        assert_string_equal(r->role, want[i].role);
    }
    assert_null(care_task_rule(CARE_TASK_COUNT));
    assert_null(care_task_rule((care_task)-1));
    /* The declined-action rule is the same one the table holds. */
    handoff_rule d;
    care_gp_action_declined_rule(&d);
    assert_string_equal(d.task_kind, "gp_action_declined");
    assert_ptr_equal(care_letter_task(1), care_task_rule(CARE_TASK_DISCHARGE_SUMMARY));
    assert_ptr_equal(care_letter_task(0), care_task_rule(CARE_TASK_CLINIC_LETTER));
    assert_ptr_equal(care_letter_task(5), care_task_rule(CARE_TASK_DISCHARGE_SUMMARY)); /* any true value */
    assert_ptr_equal(care_follow_up_task(1), care_task_rule(CARE_TASK_PIFU_REVIEW));
    assert_ptr_equal(care_follow_up_task(0), care_task_rule(CARE_TASK_FOLLOW_UP));
}

/* A result is the ordering service's, the GP's only once asked or
 * accepted, and nobody's once reviewed; the due time follows the state. */
static void test_result_task(void **state)
{
    seam_time xmas = at(2026, 12, 24, 10, 0, 0);
    handoff_rule r;
    seam_time due;
    assert_int_equal(care_result_task(RES_TO_REVIEW, xmas, 1, 0, &r, &due), 0);
    assert_string_equal(r.task_kind, "review_result");
    assert_int_equal(r.side, HANDOFF_SERVICE);
    assert_string_equal(r.role, "clinician");
    assert_instant(due, care_result_review_due(xmas, 1, 0));
    assert_int_equal(care_result_task(RES_TO_REVIEW, xmas, 0, 0, &r, &due), 0);
    assert_instant(due, at(2026, 12, 31, 10, 0, 0));
    assert_int_equal(care_result_task(RES_HANDOVER_REQUESTED, xmas, 1, 1, &r, &due), 0);
    assert_string_equal(r.task_kind, "result_handover");
    assert_int_equal(r.side, HANDOFF_PRACTICE);
    assert_string_equal(r.role, "gp");
    assert_instant(due, care_handover_due(xmas)); /* not sooner for an abnormal result */
    assert_int_equal(care_result_task(RES_GP_TO_REVIEW, xmas, 0, 1, &r, &due), 0);
    assert_string_equal(r.task_kind, "review_result");
    assert_int_equal(r.side, HANDOFF_PRACTICE);
    assert_string_equal(r.role, "gp");
    assert_instant(due, care_result_review_due(xmas, 0, 1));
    assert_int_equal(care_result_task(RES_REVIEWED, xmas, 0, 0, &r, &due), -1);
    assert_int_equal(care_result_task(RES_STATUS_COUNT, xmas, 0, 0, &r, &due), -1);
    /* A state has a task exactly when a result in it needs an owner. */
    for (int s = 0; s < RES_STATUS_COUNT; s++)
        assert_int_equal(care_result_task((result_status)s, xmas, 0, 0, &r, &due) == 0,
                         result_needs_owner((result_status)s));
}

static void test_follow_up_due_and_pifu_months(void **state)
{
    /* The end of the window's last day, whatever the time given. */
    assert_instant(care_follow_up_due(at(2026, 12, 24, 0, 0, 0)), at(2026, 12, 24, 23, 59, 59));
    assert_instant(care_follow_up_due(at(2026, 12, 24, 10, 30, 0)), at(2026, 12, 24, 23, 59, 59));
    assert_instant(care_follow_up_due(at(2026, 12, 31, 23, 59, 59)), at(2026, 12, 31, 23, 59, 59));
    assert_false(care_pifu_months_ok(0));
    assert_true(care_pifu_months_ok(1));
    assert_true(care_pifu_months_ok(24));
    assert_false(care_pifu_months_ok(25));
    assert_false(care_pifu_months_ok(-1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_transition),
        cmocka_unit_test(test_transition_out_of_range),
        cmocka_unit_test(test_reachability),
        cmocka_unit_test(test_terminal_states),
        cmocka_unit_test(test_gp_only_by_accept),
        cmocka_unit_test(test_held_by_practice),
        cmocka_unit_test(test_status_names_round_trip),
        cmocka_unit_test(test_action_names_round_trip),
        cmocka_unit_test(test_unknown_names_rejected),
        cmocka_unit_test(test_parse_null),
        cmocka_unit_test(test_names_distinct),
        cmocka_unit_test(test_order_expected),
        cmocka_unit_test(test_result_review_due),
        cmocka_unit_test(test_handover_due),
        cmocka_unit_test(test_letter_due),
        cmocka_unit_test(test_gp_actions_due),
        cmocka_unit_test(test_due_rules_match_calendar),
        cmocka_unit_test(test_gp_action_declined_handoff),
        cmocka_unit_test(test_gp_action_states),
        cmocka_unit_test(test_gp_action_resolve),
        cmocka_unit_test(test_discharge_medication),
        cmocka_unit_test(test_pifu_end),
        cmocka_unit_test(test_task_rules),
        cmocka_unit_test(test_result_task),
        cmocka_unit_test(test_follow_up_due_and_pifu_months),
    };
    return cmocka_run_group_tests_name("core/care", tests, NULL, NULL);
}
