/*
 * test_handoff.c - unit tests for src/core/handoff.c.
 *
 * Working days after Thu 2026-04-02 (Good Friday 3rd, Easter Monday 6th):
 *   1 Tue 7, 2 Wed 8, 3 Thu 9, 4 Fri 10, 5 Mon 13, 6 Tue 14, 7 Wed 15,
 *   8 Thu 16, 9 Fri 17, 10 Mon 20 April.
 * Working days after Wed 2026-12-23 (Christmas Fri 25th, substitute
 * Boxing Day Mon 28th, New Year Fri 1st):
 *   1 Thu 24, 2 Tue 29, 3 Wed 30, 4 Thu 31, 5 Mon 4 Jan, 6 Tue 5,
 *   7 Wed 6, 8 Thu 7, 9 Fri 8, 10 Mon 11 January.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/calendar.h"
#include "core/handoff.h"

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

static void check_rule(ref_status s, const char *kind, handoff_side side, const char *role)
{
    handoff_rule r = {NULL, HANDOFF_PRACTICE, NULL};
    assert_int_equal(handoff_for_status(s, &r), 0);
    assert_non_null(r.task_kind);
    assert_string_equal(r.task_kind, kind);
    assert_int_equal(r.side, side);
    assert_non_null(r.role);
    assert_string_equal(r.role, role);
}

static void test_rule_for_each_open_state(void **state)
{
    check_rule(REF_AWAITING_TRIAGE, "triage", HANDOFF_SERVICE, "triager");
    check_rule(REF_AWAITING_BOOKING, "booking", HANDOFF_SERVICE, "booking");
    check_rule(REF_BOOKED, "attendance", HANDOFF_SERVICE, "clinician");
    check_rule(REF_ATTENDED, "outcome", HANDOFF_SERVICE, "clinician");
    check_rule(REF_RETURNED, "review_return", HANDOFF_PRACTICE, "gp");
}

static void test_terminal_states_have_no_rule(void **state)
{
    static const ref_status terminal[] = {REF_DISCHARGED,          REF_WITHDRAWN,    REF_CLOSED,
                                          REF_CONVERTED_TO_ADVICE, REF_STATUS_COUNT, (ref_status)-1};
    for (size_t i = 0; i < sizeof(terminal) / sizeof(terminal[0]); i++) {
        handoff_rule r = {"untouched", HANDOFF_PRACTICE, "untouched"};
        assert_int_equal(handoff_for_status(terminal[i], &r), -1);
        assert_string_equal(r.task_kind, "untouched");
        assert_string_equal(r.role, "untouched");
        assert_int_equal(r.side, HANDOFF_PRACTICE);
    }
}

/* Exactly the open states have a rule. */
static void test_rule_iff_open(void **state)
{
    for (int s = 0; s < REF_STATUS_COUNT; s++)
        assert_int_equal(handoff_for_status((ref_status)s, NULL) == 0, ref_status_is_open((ref_status)s));
}

static void test_default_targets(void **state)
{
    service_targets t;

    memset(&t, 0x55, sizeof(t));
    handoff_default_targets(&t);
    assert_int_equal(t.triage_days[REF_PRIO_ROUTINE], 5);
    assert_int_equal(t.triage_days[REF_PRIO_URGENT], 2);
    assert_int_equal(t.triage_days[REF_PRIO_TWO_WEEK_WAIT], 1);
    assert_int_equal(t.booking_days[REF_PRIO_ROUTINE], 10);
    assert_int_equal(t.booking_days[REF_PRIO_URGENT], 5);
    assert_int_equal(t.booking_days[REF_PRIO_TWO_WEEK_WAIT], 2);
    assert_int_equal(t.outcome_days, 7);
    assert_int_equal(t.review_days, 10);
}

static void test_due_across_easter(void **state)
{
    service_targets t;
    seam_time since = at(2026, 4, 2, 10, 0, 0);
    seam_time appt = at(2026, 5, 22, 14, 0, 0); /* Fri before spring bank holiday */

    handoff_default_targets(&t);
    assert_instant(handoff_due(REF_AWAITING_TRIAGE, REF_PRIO_ROUTINE, &t, since, appt), at(2026, 4, 13, 10, 0, 0));
    assert_instant(handoff_due(REF_AWAITING_TRIAGE, REF_PRIO_URGENT, &t, since, appt), at(2026, 4, 8, 10, 0, 0));
    assert_instant(handoff_due(REF_AWAITING_TRIAGE, REF_PRIO_TWO_WEEK_WAIT, &t, since, appt), at(2026, 4, 7, 10, 0, 0));
    assert_instant(handoff_due(REF_AWAITING_BOOKING, REF_PRIO_ROUTINE, &t, since, appt), at(2026, 4, 20, 10, 0, 0));
    assert_instant(handoff_due(REF_AWAITING_BOOKING, REF_PRIO_URGENT, &t, since, appt), at(2026, 4, 13, 10, 0, 0));
    assert_instant(handoff_due(REF_AWAITING_BOOKING, REF_PRIO_TWO_WEEK_WAIT, &t, since, appt),
                   at(2026, 4, 8, 10, 0, 0));
    for (int p = 0; p < REF_PRIORITY_COUNT; p++) {
        /* Booked: one working day after the appointment, whatever since is. */
        assert_instant(handoff_due(REF_BOOKED, (ref_priority)p, &t, since, appt), at(2026, 5, 26, 14, 0, 0));
        assert_instant(handoff_due(REF_ATTENDED, (ref_priority)p, &t, since, appt), at(2026, 4, 15, 10, 0, 0));
        assert_instant(handoff_due(REF_RETURNED, (ref_priority)p, &t, since, appt), at(2026, 4, 20, 10, 0, 0));
    }
}

static void test_due_across_christmas(void **state)
{
    service_targets t;
    seam_time since = at(2026, 12, 23, 9, 0, 0);
    seam_time appt = at(2026, 12, 24, 11, 30, 0);

    handoff_default_targets(&t);
    assert_instant(handoff_due(REF_AWAITING_TRIAGE, REF_PRIO_ROUTINE, &t, since, 0), at(2027, 1, 4, 9, 0, 0));
    assert_instant(handoff_due(REF_AWAITING_TRIAGE, REF_PRIO_URGENT, &t, since, 0), at(2026, 12, 29, 9, 0, 0));
    assert_instant(handoff_due(REF_AWAITING_TRIAGE, REF_PRIO_TWO_WEEK_WAIT, &t, since, 0), at(2026, 12, 24, 9, 0, 0));
    assert_instant(handoff_due(REF_AWAITING_BOOKING, REF_PRIO_ROUTINE, &t, since, 0), at(2027, 1, 11, 9, 0, 0));
    assert_instant(handoff_due(REF_AWAITING_BOOKING, REF_PRIO_URGENT, &t, since, 0), at(2027, 1, 4, 9, 0, 0));
    assert_instant(handoff_due(REF_AWAITING_BOOKING, REF_PRIO_TWO_WEEK_WAIT, &t, since, 0), at(2026, 12, 29, 9, 0, 0));
    assert_instant(handoff_due(REF_BOOKED, REF_PRIO_URGENT, &t, since, appt), at(2026, 12, 29, 11, 30, 0));
    assert_instant(handoff_due(REF_ATTENDED, REF_PRIO_URGENT, &t, since, appt), at(2027, 1, 6, 9, 0, 0));
    assert_instant(handoff_due(REF_RETURNED, REF_PRIO_TWO_WEEK_WAIT, &t, since, appt), at(2027, 1, 11, 9, 0, 0));
}

static void test_due_uses_given_targets(void **state)
{
    service_targets t;
    seam_time mon = at(2026, 1, 5, 8, 0, 0), sat = at(2026, 1, 10, 8, 0, 0);

    handoff_default_targets(&t);
    t.triage_days[REF_PRIO_URGENT] = 3;
    t.booking_days[REF_PRIO_ROUTINE] = 1;
    t.outcome_days = 2;
    t.review_days = 4;
    t.triage_days[REF_PRIO_TWO_WEEK_WAIT] = 0;
    assert_instant(handoff_due(REF_AWAITING_TRIAGE, REF_PRIO_URGENT, &t, mon, 0), at(2026, 1, 8, 8, 0, 0));
    assert_instant(handoff_due(REF_AWAITING_BOOKING, REF_PRIO_ROUTINE, &t, mon, 0), at(2026, 1, 6, 8, 0, 0));
    assert_instant(handoff_due(REF_ATTENDED, REF_PRIO_ROUTINE, &t, mon, 0), at(2026, 1, 7, 8, 0, 0));
    assert_instant(handoff_due(REF_RETURNED, REF_PRIO_ROUTINE, &t, mon, 0), at(2026, 1, 9, 8, 0, 0));
    /* A zero target entered on a Saturday is due on Monday. */
    assert_instant(handoff_due(REF_AWAITING_TRIAGE, REF_PRIO_TWO_WEEK_WAIT, &t, sat, 0), at(2026, 1, 12, 8, 0, 0));
    /* Unchanged entries keep their defaults. */
    assert_instant(handoff_due(REF_AWAITING_TRIAGE, REF_PRIO_ROUTINE, &t, mon, 0), at(2026, 1, 12, 8, 0, 0));
}

static void test_due_null_targets_are_defaults(void **state)
{
    service_targets t;
    seam_time since = at(2026, 4, 2, 10, 0, 0), appt = at(2026, 5, 22, 14, 0, 0);

    handoff_default_targets(&t);
    for (int s = 0; s < REF_STATUS_COUNT; s++)
        for (int p = 0; p < REF_PRIORITY_COUNT; p++)
            assert_int_equal(handoff_due((ref_status)s, (ref_priority)p, NULL, since, appt),
                             handoff_due((ref_status)s, (ref_priority)p, &t, since, appt));
}

static void test_due_terminal_is_zero(void **state)
{
    service_targets t;
    seam_time since = at(2026, 4, 2, 10, 0, 0);

    handoff_default_targets(&t);
    assert_int_equal(handoff_due(REF_DISCHARGED, REF_PRIO_ROUTINE, &t, since, since), 0);
    assert_int_equal(handoff_due(REF_WITHDRAWN, REF_PRIO_URGENT, &t, since, since), 0);
    assert_int_equal(handoff_due(REF_CLOSED, REF_PRIO_TWO_WEEK_WAIT, &t, since, since), 0);
    assert_int_equal(handoff_due(REF_CONVERTED_TO_ADVICE, REF_PRIO_URGENT, &t, since, since), 0);
    /* Every open state has a due time after since. */
    for (int s = 0; s < REF_STATUS_COUNT; s++)
        if (ref_status_is_open((ref_status)s))
            assert_true(handoff_due((ref_status)s, REF_PRIO_ROUTINE, &t, since, since) > since);
}

static void test_escalation_boundaries(void **state)
{
    seam_time due = at(2026, 1, 9, 17, 0, 0); /* Friday */

    assert_int_equal(handoff_escalation_level(due, due - 86400), HANDOFF_LEVEL_NONE);
    assert_int_equal(handoff_escalation_level(due, due - 1), HANDOFF_LEVEL_NONE);
    assert_int_equal(handoff_escalation_level(due, due), HANDOFF_LEVEL_NONE);
    assert_int_equal(handoff_escalation_level(due, due + 1), HANDOFF_LEVEL_OWNER);
    assert_int_equal(handoff_escalation_level(due, at(2026, 1, 9, 23, 59, 59)), HANDOFF_LEVEL_OWNER);
    /* The weekend adds no working days. */
    assert_int_equal(handoff_escalation_level(due, at(2026, 1, 11, 23, 0, 0)), HANDOFF_LEVEL_OWNER);
    /* Monday: 1 working day late. */
    assert_int_equal(handoff_escalation_level(due, at(2026, 1, 12, 17, 0, 0)), HANDOFF_LEVEL_OWNER);
    /* Tuesday: 2 working days late, from the first second of the day. */
    assert_int_equal(handoff_escalation_level(due, at(2026, 1, 13, 0, 0, 0)), HANDOFF_LEVEL_INTERFACE);
    assert_int_equal(handoff_escalation_level(due, at(2026, 1, 15, 23, 59, 59)), HANDOFF_LEVEL_INTERFACE); /* 4 */
    /* Friday: 5 working days late. */
    assert_int_equal(handoff_escalation_level(due, at(2026, 1, 16, 0, 0, 0)), HANDOFF_LEVEL_ICB);
    assert_int_equal(handoff_escalation_level(due, at(2026, 6, 1, 0, 0, 0)), HANDOFF_LEVEL_ICB);
}

static void test_escalation_across_bank_holidays(void **state)
{
    seam_time due = at(2026, 12, 24, 10, 0, 0); /* Thursday */

    /* 25th (holiday), weekend and 28th (holiday) add nothing. */
    assert_int_equal(handoff_escalation_level(due, at(2026, 12, 28, 23, 0, 0)), HANDOFF_LEVEL_OWNER);
    assert_int_equal(handoff_escalation_level(due, at(2026, 12, 29, 9, 0, 0)), HANDOFF_LEVEL_OWNER);     /* 1 */
    assert_int_equal(handoff_escalation_level(due, at(2026, 12, 30, 9, 0, 0)), HANDOFF_LEVEL_INTERFACE); /* 2 */
    assert_int_equal(handoff_escalation_level(due, at(2027, 1, 3, 9, 0, 0)),
                     HANDOFF_LEVEL_INTERFACE); /* 3; New Year's Day and weekend */
    assert_int_equal(handoff_escalation_level(due, at(2027, 1, 4, 9, 0, 0)), HANDOFF_LEVEL_INTERFACE); /* 4 */
    assert_int_equal(handoff_escalation_level(due, at(2027, 1, 5, 9, 0, 0)), HANDOFF_LEVEL_ICB);       /* 5 */
}

/* A due time from handoff_due escalates to level 2 exactly two working
 * days later and level 3 five working days later. */
static void test_escalation_of_computed_due(void **state)
{
    service_targets t;
    seam_time since = at(2026, 4, 2, 10, 0, 0);

    handoff_default_targets(&t);
    seam_time due = handoff_due(REF_AWAITING_TRIAGE, REF_PRIO_TWO_WEEK_WAIT, &t, since, 0);
    assert_int_equal(handoff_escalation_level(due, due), HANDOFF_LEVEL_NONE);
    assert_int_equal(handoff_escalation_level(due, due + 1), HANDOFF_LEVEL_OWNER);
    assert_int_equal(handoff_escalation_level(due, cal_add_working_days(due, 1)), HANDOFF_LEVEL_OWNER);
    assert_int_equal(handoff_escalation_level(due, cal_add_working_days(due, 2)), HANDOFF_LEVEL_INTERFACE);
    assert_int_equal(handoff_escalation_level(due, cal_add_working_days(due, 4)), HANDOFF_LEVEL_INTERFACE);
    assert_int_equal(handoff_escalation_level(due, cal_add_working_days(due, 5)), HANDOFF_LEVEL_ICB);
}

static void test_level_names(void **state)
{
    assert_string_equal(handoff_level_name(HANDOFF_LEVEL_NONE), "none");
    assert_string_equal(handoff_level_name(HANDOFF_LEVEL_OWNER), "owner");
    assert_string_equal(handoff_level_name(HANDOFF_LEVEL_INTERFACE), "interface_lead");
    assert_string_equal(handoff_level_name(HANDOFF_LEVEL_ICB), "icb");
    assert_null(handoff_level_name(-1));
    assert_null(handoff_level_name(4));
    assert_int_equal(HANDOFF_LEVEL_NONE, 0);
    assert_int_equal(HANDOFF_LEVEL_OWNER, 1);
    assert_int_equal(HANDOFF_LEVEL_INTERFACE, 2);
    assert_int_equal(HANDOFF_LEVEL_ICB, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_for_each_open_state),
        cmocka_unit_test(test_terminal_states_have_no_rule),
        cmocka_unit_test(test_rule_iff_open),
        cmocka_unit_test(test_default_targets),
        cmocka_unit_test(test_due_across_easter),
        cmocka_unit_test(test_due_across_christmas),
        cmocka_unit_test(test_due_uses_given_targets),
        cmocka_unit_test(test_due_null_targets_are_defaults),
        cmocka_unit_test(test_due_terminal_is_zero),
        cmocka_unit_test(test_escalation_boundaries),
        cmocka_unit_test(test_escalation_across_bank_holidays),
        cmocka_unit_test(test_escalation_of_computed_due),
        cmocka_unit_test(test_level_names),
    };
    return cmocka_run_group_tests_name("core/handoff", tests, NULL, NULL);
}
