/*
 * test_referral.c - unit tests for src/core/referral.c.
 *
 * The expected table below is written out from the diagram in
 * referral.h, independently of the table in referral.c, and every one of
 * the 9 x 10 (state, action) pairs is checked against it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/referral.h"
#include "core/seam_time.h"

#define NO (-1) /* illegal transition */

/* Columns in ref_action order: accept, return, redirect, book, attend,
 * discharge, withdraw, resubmit, close, convert_to_advice, dna_rebook,
 * dna_discharge. */
static const int expected[REF_STATUS_COUNT][REF_ACTION_COUNT] = {
    /* awaiting_triage */
    {REF_AWAITING_BOOKING, REF_RETURNED, REF_AWAITING_TRIAGE, NO, NO, NO, REF_WITHDRAWN, NO, NO,
     REF_CONVERTED_TO_ADVICE, NO, NO},
    /* awaiting_booking */
    {NO, NO, NO, REF_BOOKED, NO, NO, REF_WITHDRAWN, NO, NO, NO, NO, NO},
    /* returned */
    {NO, NO, NO, NO, NO, NO, REF_WITHDRAWN, REF_AWAITING_TRIAGE, REF_CLOSED, REF_CONVERTED_TO_ADVICE, NO, NO},
    /* booked: a missed appointment is rebooked or discharged by the service */
    {NO, NO, NO, NO, REF_ATTENDED, NO, REF_WITHDRAWN, NO, NO, NO, REF_AWAITING_BOOKING, REF_DISCHARGED},
    /* attended */
    {NO, NO, NO, NO, NO, REF_DISCHARGED, REF_WITHDRAWN, NO, NO, NO, NO, NO},
    /* discharged */
    {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO},
    /* withdrawn */
    {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO},
    /* closed */
    {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO},
    /* converted_to_advice */
    {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO},
};

static const char *const status_names[REF_STATUS_COUNT] = {
    "awaiting_triage", "awaiting_booking",    "returned", "booked", "attended", "discharged", "withdrawn",
    "closed",          "converted_to_advice",
};
static const char *const action_names[REF_ACTION_COUNT] = {
    "accept",   "return", "redirect",          "book",       "attend",        "discharge", "withdraw",
    "resubmit", "close",  "convert_to_advice", "dna_rebook", "dna_discharge",
};
static const char *const priority_names[REF_PRIORITY_COUNT] = {"routine", "urgent", "two_week_wait"};

static void test_every_transition(void **state)
{
    int legal = 0;

    for (int s = 0; s < REF_STATUS_COUNT; s++) {
        for (int a = 0; a < REF_ACTION_COUNT; a++) {
            ref_status to = REF_STATUS_COUNT; /* sentinel */
            int rc = ref_transition((ref_status)s, (ref_action)a, &to);
            if (expected[s][a] == NO) {
                if (rc != -1)
                    fail_msg("%s --%s--> should be illegal", status_names[s], action_names[a]);
                assert_int_equal(to, REF_STATUS_COUNT); /* untouched */
            } else {
                if (rc != 0)
                    fail_msg("%s --%s--> should be legal", status_names[s], action_names[a]);
                if ((int)to != expected[s][a])
                    fail_msg("%s --%s--> gave %s, expected %s", status_names[s], action_names[a], ref_status_name(to),
                             status_names[expected[s][a]]);
                legal++;
            }
        }
    }
    assert_int_equal(legal, 17);
}

static void test_transition_out_of_range(void **state)
{
    ref_status to = REF_CLOSED;

    assert_int_equal(ref_transition(REF_STATUS_COUNT, REF_ACT_WITHDRAW, &to), -1);
    assert_int_equal(ref_transition((ref_status)-1, REF_ACT_WITHDRAW, &to), -1);
    assert_int_equal(ref_transition(REF_AWAITING_TRIAGE, REF_ACTION_COUNT, &to), -1);
    assert_int_equal(ref_transition(REF_AWAITING_TRIAGE, (ref_action)-1, &to), -1);
    assert_int_equal(to, REF_CLOSED);
    /* A NULL target is allowed for a legality check only. */
    assert_int_equal(ref_transition(REF_AWAITING_TRIAGE, REF_ACT_ACCEPT, NULL), 0);
    assert_int_equal(ref_transition(REF_CLOSED, REF_ACT_ACCEPT, NULL), -1);
}

static void test_withdraw_from_every_open_state_only(void **state)
{
    for (int s = 0; s < REF_STATUS_COUNT; s++) {
        ref_status to;
        int rc = ref_transition((ref_status)s, REF_ACT_WITHDRAW, &to);
        if (ref_status_is_open((ref_status)s)) {
            assert_int_equal(rc, 0);
            assert_int_equal(to, REF_WITHDRAWN);
        } else {
            assert_int_equal(rc, -1);
        }
    }
}

/* Every state can be reached from awaiting_triage, and every open state
 * can still reach a terminal one. */
static void test_reachability(void **state)
{
    int reached[REF_STATUS_COUNT] = {0};
    int changed = 1;

    reached[REF_AWAITING_TRIAGE] = 1;
    while (changed) {
        changed = 0;
        for (int s = 0; s < REF_STATUS_COUNT; s++) {
            if (!reached[s])
                continue;
            for (int a = 0; a < REF_ACTION_COUNT; a++) {
                ref_status to;
                if (ref_transition((ref_status)s, (ref_action)a, &to) == 0 && !reached[to]) {
                    reached[to] = 1;
                    changed = 1;
                }
            }
        }
    }
    for (int s = 0; s < REF_STATUS_COUNT; s++)
        if (!reached[s])
            fail_msg("%s is unreachable", status_names[s]);
}

/* Every state that is not open has no legal action at all. */
static void test_terminal_states_have_no_way_out(void **state)
{
    int terminal = 0;

    for (int s = 0; s < REF_STATUS_COUNT; s++) {
        if (ref_status_is_open((ref_status)s))
            continue;
        terminal++;
        for (int a = 0; a < REF_ACTION_COUNT; a++)
            if (ref_transition((ref_status)s, (ref_action)a, NULL) != -1)
                fail_msg("terminal %s allows %s", status_names[s], action_names[a]);
    }
    assert_int_equal(terminal, 4);
}

/* convert_to_advice: the specialist at triage or the GP after a return;
 * nowhere else, and always to converted_to_advice. */
static void test_convert_to_advice(void **state)
{
    ref_status to = REF_STATUS_COUNT;

    assert_int_equal(ref_transition(REF_AWAITING_TRIAGE, REF_ACT_CONVERT_TO_ADVICE, &to), 0);
    assert_int_equal(to, REF_CONVERTED_TO_ADVICE);
    to = REF_STATUS_COUNT;
    assert_int_equal(ref_transition(REF_RETURNED, REF_ACT_CONVERT_TO_ADVICE, &to), 0);
    assert_int_equal(to, REF_CONVERTED_TO_ADVICE);
    for (int s = 0; s < REF_STATUS_COUNT; s++) {
        if (s == REF_AWAITING_TRIAGE || s == REF_RETURNED)
            continue;
        to = REF_STATUS_COUNT;
        assert_int_equal(ref_transition((ref_status)s, REF_ACT_CONVERT_TO_ADVICE, &to), -1);
        assert_int_equal(to, REF_STATUS_COUNT);
    }
    /* Only convert_to_advice leads to converted_to_advice. */
    for (int s = 0; s < REF_STATUS_COUNT; s++)
        for (int a = 0; a < REF_ACTION_COUNT; a++)
            if (a != REF_ACT_CONVERT_TO_ADVICE && ref_transition((ref_status)s, (ref_action)a, &to) == 0)
                assert_int_not_equal(to, REF_CONVERTED_TO_ADVICE);
}

static void test_is_open(void **state)
{
    assert_true(ref_status_is_open(REF_AWAITING_TRIAGE));
    assert_true(ref_status_is_open(REF_AWAITING_BOOKING));
    assert_true(ref_status_is_open(REF_RETURNED));
    assert_true(ref_status_is_open(REF_BOOKED));
    assert_true(ref_status_is_open(REF_ATTENDED));
    assert_false(ref_status_is_open(REF_DISCHARGED));
    assert_false(ref_status_is_open(REF_WITHDRAWN));
    assert_false(ref_status_is_open(REF_CLOSED));
    assert_false(ref_status_is_open(REF_CONVERTED_TO_ADVICE));
    assert_false(ref_status_is_open(REF_STATUS_COUNT));
    assert_false(ref_status_is_open((ref_status)-1));
}

static void test_status_names_round_trip(void **state)
{
    for (int s = 0; s < REF_STATUS_COUNT; s++) {
        ref_status back = REF_STATUS_COUNT;
        assert_non_null(ref_status_name((ref_status)s));
        assert_string_equal(ref_status_name((ref_status)s), status_names[s]);
        assert_int_equal(ref_status_parse(status_names[s], &back), 0);
        assert_int_equal(back, s);
    }
    assert_null(ref_status_name(REF_STATUS_COUNT));
    assert_null(ref_status_name((ref_status)-1));
}

static void test_action_names_round_trip(void **state)
{
    for (int a = 0; a < REF_ACTION_COUNT; a++) {
        ref_action back = REF_ACTION_COUNT;
        assert_non_null(ref_action_name((ref_action)a));
        assert_string_equal(ref_action_name((ref_action)a), action_names[a]);
        assert_int_equal(ref_action_parse(action_names[a], &back), 0);
        assert_int_equal(back, a);
    }
    assert_null(ref_action_name(REF_ACTION_COUNT));
    assert_null(ref_action_name((ref_action)-1));
}

static void test_priority_names_round_trip(void **state)
{
    for (int p = 0; p < REF_PRIORITY_COUNT; p++) {
        ref_priority back = REF_PRIORITY_COUNT;
        assert_non_null(ref_priority_name((ref_priority)p));
        assert_string_equal(ref_priority_name((ref_priority)p), priority_names[p]);
        assert_int_equal(ref_priority_parse(priority_names[p], &back), 0);
        assert_int_equal(back, p);
    }
    assert_null(ref_priority_name(REF_PRIORITY_COUNT));
    assert_null(ref_priority_name((ref_priority)-1));
}

static void test_unknown_names_rejected(void **state)
{
    static const char *const bad[] = {
        "",
        "AWAITING_TRIAGE",
        "Awaiting_triage",
        "awaiting triage",
        "awaiting-triage",
        " accept",
        "accept ",
        "accepted",
        "ACCEPT",
        "Routine",
        "two-week-wait",
        "2ww",
        "urgen",
        "closedx",
        "unknown",
        "converted",
        "convert",
        "converted-to-advice",
        "Convert_to_advice",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ref_status s = REF_CLOSED;
        ref_action a = REF_ACT_CLOSE;
        ref_priority p = REF_PRIO_URGENT;
        assert_int_equal(ref_status_parse(bad[i], &s), -1);
        assert_int_equal(ref_action_parse(bad[i], &a), -1);
        assert_int_equal(ref_priority_parse(bad[i], &p), -1);
        /* Outputs untouched on failure. */
        assert_int_equal(s, REF_CLOSED);
        assert_int_equal(a, REF_ACT_CLOSE);
        assert_int_equal(p, REF_PRIO_URGENT);
    }
}

static void test_parse_null(void **state)
{
    ref_status s = REF_CLOSED;
    ref_action a = REF_ACT_CLOSE;
    ref_priority p = REF_PRIO_URGENT;

    assert_int_equal(ref_status_parse(NULL, &s), -1);
    assert_int_equal(ref_action_parse(NULL, &a), -1);
    assert_int_equal(ref_priority_parse(NULL, &p), -1);
    assert_int_equal(s, REF_CLOSED);
    assert_int_equal(a, REF_ACT_CLOSE);
    assert_int_equal(p, REF_PRIO_URGENT);
    assert_int_equal(ref_status_parse("closed", NULL), -1);
    assert_int_equal(ref_action_parse("close", NULL), -1);
    assert_int_equal(ref_priority_parse("urgent", NULL), -1);
}

/* Names are unique across each enum, so parse is unambiguous. */
static void test_names_distinct(void **state)
{
    for (int i = 0; i < REF_STATUS_COUNT; i++)
        for (int j = i + 1; j < REF_STATUS_COUNT; j++)
            assert_string_not_equal(ref_status_name((ref_status)i), ref_status_name((ref_status)j));
    for (int i = 0; i < REF_ACTION_COUNT; i++)
        for (int j = i + 1; j < REF_ACTION_COUNT; j++)
            assert_string_not_equal(ref_action_name((ref_action)i), ref_action_name((ref_action)j));
}

/* Attendance is dated on or after the booked appointment's day and not in
 * the future (two minutes' grace for clocks). */
static void test_attendance_dates(void **state)
{
    (void)state;
    seam_time appt = seam_days_from_civil(2026, 12, 3) * 86400 + 14 * 3600; /* Thu 3 Dec 2026 14:00 */
    seam_time now = seam_days_from_civil(2026, 12, 4) * 86400 + 9 * 3600;   /* Fri 4 Dec 09:00 */
    assert_int_equal(ref_attendance_check(appt, appt, now), REF_ATTEND_OK);
    /* Earlier the same day as the booked time: a clinic running early. */
    assert_int_equal(ref_attendance_check(appt - 14 * 3600, appt, now), REF_ATTEND_OK);
    assert_int_equal(ref_attendance_check(appt - 14 * 3600 - 1, appt, now), REF_ATTEND_BEFORE_APPOINTMENT);
    assert_int_equal(ref_attendance_check(appt - 86400, appt, now), REF_ATTEND_BEFORE_APPOINTMENT);
    assert_int_equal(ref_attendance_check(now, appt, now), REF_ATTEND_OK);
    assert_int_equal(ref_attendance_check(now + 120, appt, now), REF_ATTEND_OK);
    assert_int_equal(ref_attendance_check(now + 121, appt, now), REF_ATTEND_IN_FUTURE);
    assert_int_equal(ref_attendance_check(now + 86400, appt, now), REF_ATTEND_IN_FUTURE);
    /* Recorded before the appointment has come: both wrong, the future first. */
    assert_int_equal(ref_attendance_check(appt, appt, appt - 86400), REF_ATTEND_IN_FUTURE);
    /* No appointment known (0): only the future is refused. */
    assert_int_equal(ref_attendance_check(now - 400 * 86400, 0, now), REF_ATTEND_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_transition),
        cmocka_unit_test(test_transition_out_of_range),
        cmocka_unit_test(test_withdraw_from_every_open_state_only),
        cmocka_unit_test(test_reachability),
        cmocka_unit_test(test_terminal_states_have_no_way_out),
        cmocka_unit_test(test_convert_to_advice),
        cmocka_unit_test(test_is_open),
        cmocka_unit_test(test_status_names_round_trip),
        cmocka_unit_test(test_action_names_round_trip),
        cmocka_unit_test(test_priority_names_round_trip),
        cmocka_unit_test(test_unknown_names_rejected),
        cmocka_unit_test(test_parse_null),
        cmocka_unit_test(test_names_distinct),
        cmocka_unit_test(test_attendance_dates),
    };
    return cmocka_run_group_tests_name("core/referral", tests, NULL, NULL);
}
