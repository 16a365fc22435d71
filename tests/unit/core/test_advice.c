/*
 * test_advice.c - unit tests for src/core/advice.c.
 *
 * The expected table below is written out from the diagram in advice.h,
 * independently of the table in advice.c, and every one of the 6 x 7
 * (state, action) pairs is checked against it.
 *
 * Working days after Thu 2026-12-24 (Christmas Fri 25th, weekend, substitute
 * Boxing Day Mon 28th, New Year Fri 1st, weekend):
 *   1 Tue 29, 2 Wed 30, 3 Thu 31, 4 Mon 4 Jan, 5 Tue 5, 6 Wed 6, 7 Thu 7,
 *   8 Fri 8, 9 Mon 11, 10 Tue 12 January 2027.
 * Working days after Fri 2026-01-09 (no holidays):
 *   1 Mon 12, 5 Fri 16, 10 Fri 23 January.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/advice.h"
#include "core/calendar.h"

#define NO (-1) /* illegal transition */

/* Columns in advice_action order: respond, reply, give_advice, close,
 * convert_provider, convert_gp, withdraw. */
static const int expected[ADV_STATUS_COUNT][ADV_ACTION_COUNT] = {
    /* awaiting_response */
    {ADV_AWAITING_GP, NO, ADV_ADVICE_GIVEN, NO, ADV_CONVERTED, ADV_CONVERTED, ADV_WITHDRAWN},
    /* awaiting_gp */
    {NO, ADV_AWAITING_RESPONSE, ADV_ADVICE_GIVEN, ADV_CLOSED, ADV_CONVERTED, ADV_CONVERTED, ADV_WITHDRAWN},
    /* advice_given */
    {NO, ADV_AWAITING_RESPONSE, NO, ADV_CLOSED, NO, ADV_CONVERTED, NO},
    /* closed */
    {NO, NO, NO, NO, NO, NO, NO},
    /* converted */
    {NO, NO, NO, NO, NO, NO, NO},
    /* withdrawn */
    {NO, NO, NO, NO, NO, NO, NO},
};

static const char *const status_names[ADV_STATUS_COUNT] = {
    "awaiting_response", "awaiting_gp", "advice_given", "closed", "converted", "withdrawn",
};
static const char *const action_names[ADV_ACTION_COUNT] = {
    "respond", "reply", "give_advice", "close", "convert_provider", "convert_gp", "withdraw",
};
static const char *const priority_names[ADV_PRIORITY_COUNT] = {"routine", "urgent"};

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

    for (int s = 0; s < ADV_STATUS_COUNT; s++) {
        for (int a = 0; a < ADV_ACTION_COUNT; a++) {
            advice_status to = ADV_STATUS_COUNT; /* sentinel */
            int rc = advice_transition((advice_status)s, (advice_action)a, &to);
            if (expected[s][a] == NO) {
                if (rc != -1)
                    fail_msg("%s --%s--> should be illegal", status_names[s], action_names[a]);
                assert_int_equal(to, ADV_STATUS_COUNT); /* untouched */
            } else {
                if (rc != 0)
                    fail_msg("%s --%s--> should be legal", status_names[s], action_names[a]);
                if ((int)to != expected[s][a])
                    fail_msg("%s --%s--> gave %s, expected %s", status_names[s], action_names[a],
                             advice_status_name(to), status_names[expected[s][a]]);
                legal++;
            }
            /* A NULL target gives the same answer. */
            assert_int_equal(advice_transition((advice_status)s, (advice_action)a, NULL), rc);
        }
    }
    assert_int_equal(legal, 14);
}

static void test_transition_out_of_range(void **state)
{
    advice_status to = ADV_CLOSED;

    assert_int_equal(advice_transition(ADV_STATUS_COUNT, ADV_ACT_WITHDRAW, &to), -1);
    assert_int_equal(advice_transition((advice_status)-1, ADV_ACT_WITHDRAW, &to), -1);
    assert_int_equal(advice_transition(ADV_AWAITING_RESPONSE, ADV_ACTION_COUNT, &to), -1);
    assert_int_equal(advice_transition(ADV_AWAITING_RESPONSE, (advice_action)-1, &to), -1);
    assert_int_equal(to, ADV_CLOSED);
}

/* Every state can be reached from awaiting_response, and every open state
 * can still reach a terminal one. */
static void test_reachability(void **state)
{
    int reached[ADV_STATUS_COUNT] = {0};
    int changed = 1;

    reached[ADV_AWAITING_RESPONSE] = 1;
    while (changed) {
        changed = 0;
        for (int s = 0; s < ADV_STATUS_COUNT; s++) {
            if (!reached[s])
                continue;
            for (int a = 0; a < ADV_ACTION_COUNT; a++) {
                advice_status to;
                if (advice_transition((advice_status)s, (advice_action)a, &to) == 0 && !reached[to]) {
                    reached[to] = 1;
                    changed = 1;
                }
            }
        }
    }
    for (int s = 0; s < ADV_STATUS_COUNT; s++)
        if (!reached[s])
            fail_msg("%s is unreachable", status_names[s]);

    for (int s = 0; s < ADV_STATUS_COUNT; s++) {
        int ends = 0;
        if (!advice_status_is_open((advice_status)s))
            continue;
        for (int a = 0; a < ADV_ACTION_COUNT; a++) {
            advice_status to;
            if (advice_transition((advice_status)s, (advice_action)a, &to) == 0 && !advice_status_is_open(to))
                ends = 1;
        }
        if (!ends)
            fail_msg("%s cannot be finished in one step", status_names[s]);
    }
}

/* closed, converted and withdrawn allow nothing. */
static void test_terminal_states_have_no_way_out(void **state)
{
    static const advice_status terminal[] = {ADV_CLOSED, ADV_CONVERTED, ADV_WITHDRAWN};
    for (size_t i = 0; i < sizeof(terminal) / sizeof(terminal[0]); i++) {
        for (int a = 0; a < ADV_ACTION_COUNT; a++) {
            advice_status to = ADV_STATUS_COUNT;
            if (advice_transition(terminal[i], (advice_action)a, &to) != -1)
                fail_msg("terminal %s allows %s", status_names[terminal[i]], action_names[a]);
            assert_int_equal(to, ADV_STATUS_COUNT);
        }
    }
    /* And every state with no way out is one of them (not open). */
    for (int s = 0; s < ADV_STATUS_COUNT; s++) {
        int any = 0;
        for (int a = 0; a < ADV_ACTION_COUNT; a++)
            any |= advice_transition((advice_status)s, (advice_action)a, NULL) == 0;
        assert_int_equal(any, advice_status_is_open((advice_status)s));
    }
}

static void test_is_open(void **state)
{
    assert_true(advice_status_is_open(ADV_AWAITING_RESPONSE));
    assert_true(advice_status_is_open(ADV_AWAITING_GP));
    assert_true(advice_status_is_open(ADV_ADVICE_GIVEN));
    assert_false(advice_status_is_open(ADV_CLOSED));
    assert_false(advice_status_is_open(ADV_CONVERTED));
    assert_false(advice_status_is_open(ADV_WITHDRAWN));
    assert_false(advice_status_is_open(ADV_STATUS_COUNT));
    assert_false(advice_status_is_open((advice_status)-1));
}

static void test_status_names_round_trip(void **state)
{
    for (int s = 0; s < ADV_STATUS_COUNT; s++) {
        advice_status back = ADV_STATUS_COUNT;
        assert_non_null(advice_status_name((advice_status)s));
        assert_string_equal(advice_status_name((advice_status)s), status_names[s]);
        assert_int_equal(advice_status_parse(status_names[s], &back), 0);
        assert_int_equal(back, s);
    }
    assert_null(advice_status_name(ADV_STATUS_COUNT));
    assert_null(advice_status_name((advice_status)-1));
}

/* advice.h has no action parser: names only. */
static void test_action_names(void **state)
{
    for (int a = 0; a < ADV_ACTION_COUNT; a++) {
        assert_non_null(advice_action_name((advice_action)a));
        assert_string_equal(advice_action_name((advice_action)a), action_names[a]);
    }
    assert_null(advice_action_name(ADV_ACTION_COUNT));
    assert_null(advice_action_name((advice_action)-1));
}

static void test_priority_names_round_trip(void **state)
{
    for (int p = 0; p < ADV_PRIORITY_COUNT; p++) {
        advice_priority back = ADV_PRIORITY_COUNT;
        assert_non_null(advice_priority_name((advice_priority)p));
        assert_string_equal(advice_priority_name((advice_priority)p), priority_names[p]);
        assert_int_equal(advice_priority_parse(priority_names[p], &back), 0);
        assert_int_equal(back, p);
    }
    assert_null(advice_priority_name(ADV_PRIORITY_COUNT));
    assert_null(advice_priority_name((advice_priority)-1));
}

static void test_unknown_names_rejected(void **state)
{
    static const char *const bad[] = {
        "",
        "AWAITING_RESPONSE",
        "Awaiting_response",
        "awaiting response",
        "awaiting-response",
        " closed",
        "closed ",
        "CLOSED",
        "converted_to_advice",
        "convert",
        "Routine",
        "URGENT",
        "urgen",
        "two_week_wait",
        "respond",
        "withdrawnx",
        "unknown",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        advice_status s = ADV_CLOSED;
        advice_priority p = ADV_PRIO_URGENT;
        if (advice_status_parse(bad[i], &s) != -1)
            fail_msg("status \"%s\" accepted", bad[i]);
        if (advice_priority_parse(bad[i], &p) != -1)
            fail_msg("priority \"%s\" accepted", bad[i]);
        /* Outputs untouched on failure. */
        assert_int_equal(s, ADV_CLOSED);
        assert_int_equal(p, ADV_PRIO_URGENT);
    }
}

static void test_parse_null(void **state)
{
    advice_status s = ADV_CLOSED;
    advice_priority p = ADV_PRIO_URGENT;

    assert_int_equal(advice_status_parse(NULL, &s), -1);
    assert_int_equal(advice_priority_parse(NULL, &p), -1);
    assert_int_equal(s, ADV_CLOSED);
    assert_int_equal(p, ADV_PRIO_URGENT);
    /* A NULL output is refused, not written through (as ref_*_parse). */
    assert_int_equal(advice_status_parse("closed", NULL), -1);
    assert_int_equal(advice_priority_parse("urgent", NULL), -1);
}

static void test_names_distinct(void **state)
{
    for (int i = 0; i < ADV_STATUS_COUNT; i++)
        for (int j = i + 1; j < ADV_STATUS_COUNT; j++)
            assert_string_not_equal(advice_status_name((advice_status)i), advice_status_name((advice_status)j));
    for (int i = 0; i < ADV_ACTION_COUNT; i++)
        for (int j = i + 1; j < ADV_ACTION_COUNT; j++)
            assert_string_not_equal(advice_action_name((advice_action)i), advice_action_name((advice_action)j));
}

static void test_convert_allowed(void **state)
{
    /* The provider needs the GP's consent. */
    assert_int_equal(advice_convert_allowed(ADV_ACT_CONVERT_PROVIDER, 0), -1);
    assert_int_equal(advice_convert_allowed(ADV_ACT_CONVERT_PROVIDER, 1), 0);
    assert_int_equal(advice_convert_allowed(ADV_ACT_CONVERT_PROVIDER, 2), 0); /* any true value */
    /* The GP may always convert their own request. */
    assert_int_equal(advice_convert_allowed(ADV_ACT_CONVERT_GP, 0), 0);
    assert_int_equal(advice_convert_allowed(ADV_ACT_CONVERT_GP, 1), 0);
    /* Anything that is not a conversion is not an allowed conversion. */
    for (int a = 0; a < ADV_ACTION_COUNT; a++) {
        if (a == ADV_ACT_CONVERT_PROVIDER || a == ADV_ACT_CONVERT_GP)
            continue;
        assert_int_equal(advice_convert_allowed((advice_action)a, 0), -1);
        assert_int_equal(advice_convert_allowed((advice_action)a, 1), -1);
    }
    assert_int_equal(advice_convert_allowed(ADV_ACTION_COUNT, 1), -1);
    assert_int_equal(advice_convert_allowed((advice_action)-1, 1), -1);
}

static void check_handoff(advice_status s, const char *kind, handoff_side side, const char *role)
{
    handoff_rule r = {NULL, side == HANDOFF_SERVICE ? HANDOFF_PRACTICE : HANDOFF_SERVICE, NULL};
    assert_int_equal(advice_handoff(s, &r), 0);
    assert_non_null(r.task_kind);
    assert_string_equal(r.task_kind, kind);
    assert_int_equal(r.side, side);
    assert_non_null(r.role);
    assert_string_equal(r.role, role);
    assert_int_equal(advice_handoff(s, NULL), 0);
}

static void test_handoff_open_states(void **state)
{
    check_handoff(ADV_AWAITING_RESPONSE, "advice_response", HANDOFF_SERVICE, "triager");
    check_handoff(ADV_AWAITING_GP, "advice_reply", HANDOFF_PRACTICE, "gp");
    check_handoff(ADV_ADVICE_GIVEN, "read_advice", HANDOFF_PRACTICE, "gp");
}

static void test_handoff_terminal_states(void **state)
{
    static const advice_status none[] = {ADV_CLOSED, ADV_CONVERTED, ADV_WITHDRAWN, ADV_STATUS_COUNT, (advice_status)-1};
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        handoff_rule r = {"untouched", HANDOFF_PRACTICE, "untouched"};
        assert_int_equal(advice_handoff(none[i], &r), -1);
        assert_int_equal(advice_handoff(none[i], NULL), -1);
        assert_string_equal(r.task_kind, "untouched");
        assert_string_equal(r.role, "untouched");
        assert_int_equal(r.side, HANDOFF_PRACTICE);
    }
    /* Exactly the open states have a handoff. */
    for (int s = 0; s < ADV_STATUS_COUNT; s++)
        assert_int_equal(advice_handoff((advice_status)s, NULL) == 0, advice_status_is_open((advice_status)s));
}

static void test_default_targets(void **state)
{
    advice_targets t;

    memset(&t, 0x55, sizeof(t));
    advice_default_targets(&t);
    assert_int_equal(t.response_days[ADV_PRIO_ROUTINE], 5);
    assert_int_equal(t.response_days[ADV_PRIO_URGENT], 1);
    assert_int_equal(t.gp_days, 10);
}

/* Thu 24 Dec 2026: Christmas, a weekend, substitute Boxing Day and New Year. */
static void test_due_across_christmas(void **state)
{
    advice_targets t;
    seam_time since = at(2026, 12, 24, 10, 0, 0);

    advice_default_targets(&t);
    assert_instant(advice_due(ADV_AWAITING_RESPONSE, ADV_PRIO_URGENT, &t, since), at(2026, 12, 29, 10, 0, 0));
    assert_instant(advice_due(ADV_AWAITING_RESPONSE, ADV_PRIO_ROUTINE, &t, since), at(2027, 1, 5, 10, 0, 0));
    for (int p = 0; p < ADV_PRIORITY_COUNT; p++) {
        /* The GP's clock does not depend on the priority. */
        assert_instant(advice_due(ADV_AWAITING_GP, (advice_priority)p, &t, since), at(2027, 1, 12, 10, 0, 0));
        assert_instant(advice_due(ADV_ADVICE_GIVEN, (advice_priority)p, &t, since), at(2027, 1, 12, 10, 0, 0));
    }
}

/* Fri 9 Jan 2026: an ordinary weekend. */
static void test_due_across_weekend(void **state)
{
    seam_time since = at(2026, 1, 9, 15, 30, 0);

    assert_instant(advice_due(ADV_AWAITING_RESPONSE, ADV_PRIO_URGENT, NULL, since), at(2026, 1, 12, 15, 30, 0));
    assert_instant(advice_due(ADV_AWAITING_RESPONSE, ADV_PRIO_ROUTINE, NULL, since), at(2026, 1, 16, 15, 30, 0));
    assert_instant(advice_due(ADV_AWAITING_GP, ADV_PRIO_URGENT, NULL, since), at(2026, 1, 23, 15, 30, 0));
    assert_instant(advice_due(ADV_ADVICE_GIVEN, ADV_PRIO_ROUTINE, NULL, since), at(2026, 1, 23, 15, 30, 0));
}

static void test_due_uses_given_targets(void **state)
{
    advice_targets t;
    seam_time mon = at(2026, 1, 5, 8, 0, 0), sat = at(2026, 1, 10, 8, 0, 0);

    advice_default_targets(&t);
    t.response_days[ADV_PRIO_ROUTINE] = 3;
    t.response_days[ADV_PRIO_URGENT] = 2;
    t.gp_days = 4;
    assert_instant(advice_due(ADV_AWAITING_RESPONSE, ADV_PRIO_ROUTINE, &t, mon), at(2026, 1, 8, 8, 0, 0));
    assert_instant(advice_due(ADV_AWAITING_RESPONSE, ADV_PRIO_URGENT, &t, mon), at(2026, 1, 7, 8, 0, 0));
    assert_instant(advice_due(ADV_AWAITING_GP, ADV_PRIO_URGENT, &t, mon), at(2026, 1, 9, 8, 0, 0));
    assert_instant(advice_due(ADV_ADVICE_GIVEN, ADV_PRIO_ROUTINE, &t, mon), at(2026, 1, 9, 8, 0, 0));
    /* A zero target entered on a Saturday is due on Monday. */
    t.response_days[ADV_PRIO_URGENT] = 0;
    assert_instant(advice_due(ADV_AWAITING_RESPONSE, ADV_PRIO_URGENT, &t, sat), at(2026, 1, 12, 8, 0, 0));
}

static void test_due_null_targets_are_defaults(void **state)
{
    advice_targets t;
    seam_time since = at(2026, 12, 24, 10, 0, 0);

    advice_default_targets(&t);
    for (int s = 0; s < ADV_STATUS_COUNT; s++)
        for (int p = 0; p < ADV_PRIORITY_COUNT; p++)
            assert_int_equal(advice_due((advice_status)s, (advice_priority)p, NULL, since),
                             advice_due((advice_status)s, (advice_priority)p, &t, since));
    /* And the defaults are 5 / 1 / 10 working days. */
    assert_instant(advice_due(ADV_AWAITING_RESPONSE, ADV_PRIO_ROUTINE, NULL, since), cal_add_working_days(since, 5));
    assert_instant(advice_due(ADV_AWAITING_RESPONSE, ADV_PRIO_URGENT, NULL, since), cal_add_working_days(since, 1));
    assert_instant(advice_due(ADV_AWAITING_GP, ADV_PRIO_ROUTINE, NULL, since), cal_add_working_days(since, 10));
    assert_instant(advice_due(ADV_ADVICE_GIVEN, ADV_PRIO_URGENT, NULL, since), cal_add_working_days(since, 10));
}

static void test_due_terminal_is_zero(void **state)
{
    seam_time since = at(2026, 12, 24, 10, 0, 0);

    for (int p = 0; p < ADV_PRIORITY_COUNT; p++) {
        assert_int_equal(advice_due(ADV_CLOSED, (advice_priority)p, NULL, since), 0);
        assert_int_equal(advice_due(ADV_CONVERTED, (advice_priority)p, NULL, since), 0);
        assert_int_equal(advice_due(ADV_WITHDRAWN, (advice_priority)p, NULL, since), 0);
        assert_int_equal(advice_due(ADV_STATUS_COUNT, (advice_priority)p, NULL, since), 0);
    }
    /* Every open state has a due time after since. */
    for (int s = 0; s < ADV_STATUS_COUNT; s++)
        if (advice_status_is_open((advice_status)s))
            assert_true(advice_due((advice_status)s, ADV_PRIO_URGENT, NULL, since) > since);
}

/* An out-of-range priority is not read out of bounds: treated as routine. */
static void test_due_bad_priority_is_routine(void **state)
{
    seam_time since = at(2026, 1, 9, 15, 30, 0);
    seam_time routine = advice_due(ADV_AWAITING_RESPONSE, ADV_PRIO_ROUTINE, NULL, since);

    assert_int_equal(advice_due(ADV_AWAITING_RESPONSE, ADV_PRIORITY_COUNT, NULL, since), routine);
    assert_int_equal(advice_due(ADV_AWAITING_RESPONSE, (advice_priority)-1, NULL, since), routine);
}

/* Roles and sides: the GP asks and replies, the triager or clinician of
 * the service answers, nobody else acts on advice. */
static void test_side_of_role(void **state)
{
    assert_int_equal(advice_side_of_role("gp"), ADV_SIDE_GP);
    assert_int_equal(advice_side_of_role("triager"), ADV_SIDE_SPECIALIST);
    assert_int_equal(advice_side_of_role("clinician"), ADV_SIDE_SPECIALIST);
    static const char *const none[] = {
        "practice_admin", "booking", "interface_lead", "icb_analyst", "patient", "admin", "system", "", "GP", "gp ",
        "triagers"};
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
        assert_int_equal(advice_side_of_role(none[i]), ADV_SIDE_NONE);
    assert_int_equal(advice_side_of_role(NULL), ADV_SIDE_NONE);
}

static void test_may_ask(void **state)
{
    assert_true(advice_may_ask("gp"));
    assert_false(advice_may_ask("practice_admin"));
    assert_false(advice_may_ask("triager"));
    assert_false(advice_may_ask("clinician"));
    assert_false(advice_may_ask("admin"));
    assert_false(advice_may_ask(""));
    assert_false(advice_may_ask(NULL));
}

/* Every (side, verb) pair, written out from advice.h. */
static void test_action_for(void **state)
{
    static const int want[2][ADV_VERB_COUNT] = {
        /* GP: message, close, convert, withdraw */
        [ADV_SIDE_GP] = {ADV_ACT_REPLY, ADV_ACT_CLOSE, ADV_ACT_CONVERT_GP, ADV_ACT_WITHDRAW},
        [ADV_SIDE_SPECIALIST] = {ADV_ACT_RESPOND, ADV_ACT_GIVE_ADVICE, ADV_ACT_CONVERT_PROVIDER, NO},
    };
    for (int side = 0; side < 2; side++)
        for (int v = 0; v < ADV_VERB_COUNT; v++) {
            advice_action a = ADV_ACTION_COUNT;
            int rc = advice_action_for((advice_side)side, (advice_verb)v, &a);
            if (want[side][v] == NO) {
                assert_int_equal(rc, -1);
                assert_int_equal(a, ADV_ACTION_COUNT); /* untouched */
            } else {
                assert_int_equal(rc, 0);
                assert_int_equal(a, want[side][v]);
                assert_int_equal(advice_action_for((advice_side)side, (advice_verb)v, NULL), 0);
            }
        }
    for (int v = 0; v < ADV_VERB_COUNT; v++)
        assert_int_equal(advice_action_for(ADV_SIDE_NONE, (advice_verb)v, NULL), -1);
    assert_int_equal(advice_action_for(ADV_SIDE_GP, ADV_VERB_COUNT, NULL), -1);
    assert_int_equal(advice_action_for((advice_side)2, ADV_VERB_MESSAGE, NULL), -1);
}

/* Each side's actions are its own: no action is reachable by both. */
static void test_action_for_sides_disjoint(void **state)
{
    for (int v = 0; v < ADV_VERB_COUNT; v++) {
        advice_action g, s;
        if (advice_action_for(ADV_SIDE_GP, (advice_verb)v, &g) == 0 &&
            advice_action_for(ADV_SIDE_SPECIALIST, (advice_verb)v, &s) == 0)
            assert_int_not_equal(g, s);
    }
}

static void test_gives_advice(void **state)
{
    assert_true(advice_side_gives_advice(ADV_SIDE_SPECIALIST));
    assert_false(advice_side_gives_advice(ADV_SIDE_GP));
    assert_false(advice_side_gives_advice(ADV_SIDE_NONE));
}

static void test_conversion(void **state)
{
    ref_status st;
    ref_priority rp;

    assert_int_equal(advice_conversion(ADV_ACT_CONVERT_PROVIDER, ADV_PRIO_ROUTINE, &st, &rp), 0);
    assert_int_equal(st, REF_AWAITING_BOOKING);
    assert_int_equal(rp, REF_PRIO_ROUTINE);
    assert_int_equal(advice_conversion(ADV_ACT_CONVERT_PROVIDER, ADV_PRIO_URGENT, &st, &rp), 0);
    assert_int_equal(st, REF_AWAITING_BOOKING);
    assert_int_equal(rp, REF_PRIO_URGENT);
    assert_int_equal(advice_conversion(ADV_ACT_CONVERT_GP, ADV_PRIO_ROUTINE, &st, &rp), 0);
    assert_int_equal(st, REF_AWAITING_TRIAGE);
    assert_int_equal(rp, REF_PRIO_ROUTINE);
    assert_int_equal(advice_conversion(ADV_ACT_CONVERT_GP, ADV_PRIO_URGENT, &st, NULL), 0);
    assert_int_equal(st, REF_AWAITING_TRIAGE);
    assert_int_equal(advice_conversion(ADV_ACT_CONVERT_GP, ADV_PRIO_URGENT, NULL, &rp), 0);
    assert_int_equal(rp, REF_PRIO_URGENT);
    /* Advice never becomes a two-week-wait referral: that goes as a referral. */
    for (int p = 0; p < ADV_PRIORITY_COUNT; p++) {
        assert_int_equal(advice_conversion(ADV_ACT_CONVERT_GP, (advice_priority)p, NULL, &rp), 0);
        assert_int_not_equal(rp, REF_PRIO_TWO_WEEK_WAIT);
    }
    /* Only the two conversions. */
    for (int a = 0; a < ADV_ACTION_COUNT; a++)
        if (a != ADV_ACT_CONVERT_PROVIDER && a != ADV_ACT_CONVERT_GP)
            assert_int_equal(advice_conversion((advice_action)a, ADV_PRIO_ROUTINE, &st, &rp), -1);
    /* Each referral status the conversion makes is an open referral. */
    assert_true(ref_status_is_open(REF_AWAITING_BOOKING));
    assert_true(ref_status_is_open(REF_AWAITING_TRIAGE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_transition),
        cmocka_unit_test(test_transition_out_of_range),
        cmocka_unit_test(test_reachability),
        cmocka_unit_test(test_terminal_states_have_no_way_out),
        cmocka_unit_test(test_is_open),
        cmocka_unit_test(test_status_names_round_trip),
        cmocka_unit_test(test_action_names),
        cmocka_unit_test(test_priority_names_round_trip),
        cmocka_unit_test(test_unknown_names_rejected),
        cmocka_unit_test(test_parse_null),
        cmocka_unit_test(test_names_distinct),
        cmocka_unit_test(test_convert_allowed),
        cmocka_unit_test(test_handoff_open_states),
        cmocka_unit_test(test_handoff_terminal_states),
        cmocka_unit_test(test_default_targets),
        cmocka_unit_test(test_due_across_christmas),
        cmocka_unit_test(test_due_across_weekend),
        cmocka_unit_test(test_due_uses_given_targets),
        cmocka_unit_test(test_due_null_targets_are_defaults),
        cmocka_unit_test(test_due_terminal_is_zero),
        cmocka_unit_test(test_due_bad_priority_is_routine),
        cmocka_unit_test(test_side_of_role),
        cmocka_unit_test(test_may_ask),
        cmocka_unit_test(test_action_for),
        cmocka_unit_test(test_action_for_sides_disjoint),
        cmocka_unit_test(test_gives_advice),
        cmocka_unit_test(test_conversion),
    };
    return cmocka_run_group_tests_name("core/advice", tests, NULL, NULL);
}
