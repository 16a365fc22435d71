/*
 * test_rtt.c - unit tests for src/core/rtt.c.
 *
 * The status table, the (state x event) table and every scenario below
 * are written out from the RTT rules suite (Oct 2022, as in
 * /work/shared/DOMAIN.md) and the NHS Data Dictionary, not from rtt.c.
 * Test names cite the rule they check.
 *
 * Dates worked by hand: from Fri 2026-05-01, 126 days is Fri 2026-09-04
 * and 127 days Sat 2026-09-05 (May 30 + Jun 30 + Jul 31 + Aug 31 = 122,
 * + 5); 52 weeks + 1 day = 365 days is 2027-05-01; 65 weeks + 1 = 456 is
 * 2027-07-31; 78 weeks + 1 = 547 is 2027-10-30; 104 weeks + 1 = 729 is
 * 2028-04-29 (2028-05-01 is 731 days on, 2028 being a leap year).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/rtt.h"
#include "core/seam_time.h"

#define OK       (0)
#define NO       (-1)
#define N_EVENTS (RTT_EV_NEW_REFERRAL + 1)

static int64_t day(int y, int m, int d)
{
    assert_true(seam_date_valid(y, m, d));
    return seam_days_from_civil(y, m, d);
}

static rtt_event ev(rtt_event_kind k, int64_t d)
{
    rtt_event e;
    memset(&e, 0, sizeof e);
    e.kind = k;
    e.day = d;
    return e;
}

static rtt_event dna(int64_t d, int first, int discharged, int two_week_wait)
{
    rtt_event e = ev(RTT_EV_DNA, d);
    e.first_activity = first;
    e.discharged = discharged;
    e.two_week_wait = two_week_wait;
    return e;
}

/* Applies e, which must succeed under want_rule. */
static void apply_ok(rtt_clock *c, rtt_event e, int want_rule)
{
    int rule = -42;
    if (rtt_apply(c, &e, &rule) != 0)
        fail_msg("event %d on day %lld refused in state %d status %s", e.kind, (long long)e.day, c->state, c->status);
    assert_int_equal(rule, want_rule);
}

/* Applies e, which must be refused, leaving the clock and rule untouched. */
static void apply_no(rtt_clock *c, rtt_event e)
{
    rtt_clock before = *c;
    int rule = -42;
    if (rtt_apply(c, &e, &rule) != -1)
        fail_msg("event %d accepted in state %d status %s", e.kind, before.state, before.status);
    assert_int_equal(rule, -42);
    assert_memory_equal(c, &before, sizeof before);
}

static void assert_clock(const rtt_clock *c, rtt_state state, int64_t start, int64_t stop, const char *status,
                         int activities, int period)
{
    assert_int_equal(c->state, state);
    assert_int_equal(c->start_day, start);
    assert_int_equal(c->stop_day, stop);
    assert_string_equal(c->status, status);
    assert_int_equal(c->activities, activities);
    assert_int_equal(c->period, period);
}

/* A clock started by a referral received on start. */
static rtt_clock referred(int64_t start)
{
    rtt_clock c;
    rtt_clock_init(&c);
    apply_ok(&c, ev(RTT_EV_REFERRAL, start), 1);
    return c;
}

/* ---- statuses ---- */

static const struct {
    const char *code;
    rtt_kind kind;
    int open, nullified;
} status_table[] = {
    {"10", RTT_K_RUNNING, 1, 0}, {"11", RTT_K_RUNNING, 1, 0}, {"12", RTT_K_RUNNING, 1, 0}, {"20", RTT_K_RUNNING, 1, 0},
    {"21", RTT_K_RUNNING, 1, 0}, {"30", RTT_K_STOPPED, 0, 0}, {"31", RTT_K_STOPPED, 0, 0}, {"32", RTT_K_STOPPED, 0, 0},
    {"33", RTT_K_STOPPED, 0, 1}, {"34", RTT_K_STOPPED, 0, 0}, {"35", RTT_K_STOPPED, 0, 0}, {"36", RTT_K_STOPPED, 0, 0},
    {"90", RTT_K_NOT_RTT, 0, 0}, {"91", RTT_K_NOT_RTT, 0, 0}, {"92", RTT_K_NOT_RTT, 0, 0}, {"98", RTT_K_NOT_RTT, 0, 0},
    {"99", RTT_K_RUNNING, 1, 0}, /* not yet known: see docs/rtt-rules.md */
};
#define N_STATUS ((int)(sizeof status_table / sizeof status_table[0]))

static void test_status_table(void **state)
{
    for (int i = 0; i < N_STATUS; i++) {
        const char *code = status_table[i].code;
        if (!rtt_status_valid(code))
            fail_msg("%s should be valid", code);
        assert_non_null(rtt_status_label(code));
        if (rtt_status_kind(code) != status_table[i].kind)
            fail_msg("%s kind %d, expected %d", code, rtt_status_kind(code), status_table[i].kind);
        if (rtt_status_open(code) != status_table[i].open)
            fail_msg("%s open %d, expected %d", code, rtt_status_open(code), status_table[i].open);
        assert_int_equal(rtt_status_nullified(code), status_table[i].nullified);
    }
}

/* Exactly the 17 codes are valid: every other two-digit string is not. */
static void test_status_only_listed_codes_valid(void **state)
{
    int valid = 0;
    for (int n = 0; n < 100; n++) {
        char code[3] = {(char)('0' + n / 10), (char)('0' + n % 10), '\0'};
        if (rtt_status_valid(code)) {
            valid++;
            assert_non_null(rtt_status_label(code));
        } else {
            assert_null(rtt_status_label(code));
            assert_int_equal(rtt_status_kind(code), RTT_K_NOT_RTT);
            assert_false(rtt_status_open(code));
            assert_false(rtt_status_nullified(code));
        }
    }
    assert_int_equal(valid, 17);
    const char *bad[] = {"", "1", "100", "010", " 10", "10 ", "3O", "ab"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(rtt_status_valid(bad[i]));
        assert_null(rtt_status_label(bad[i]));
        assert_false(rtt_status_open(bad[i]));
    }
    assert_false(rtt_status_valid(NULL));
    assert_null(rtt_status_label(NULL));
    assert_int_equal(rtt_status_kind(NULL), RTT_K_NOT_RTT);
    assert_false(rtt_status_open(NULL));
    assert_false(rtt_status_nullified(NULL));
}

static void test_status_labels(void **state)
{
    assert_string_equal(rtt_status_label("10"), "First activity");
    assert_string_equal(rtt_status_label("20"), "Subsequent activity");
    assert_string_equal(rtt_status_label("30"), "Start of first definitive treatment");
    assert_string_equal(rtt_status_label("33"), "Did not attend the first appointment");
    assert_string_equal(rtt_status_label("36"), "Patient died before treatment");
    assert_string_equal(rtt_status_label("99"), "Not yet known");
    for (int i = 0; i < N_STATUS; i++)
        for (int j = i + 1; j < N_STATUS; j++)
            assert_string_not_equal(rtt_status_label(status_table[i].code), rtt_status_label(status_table[j].code));
}

/* ---- waiting time ---- */

/* 126 days is still within 18 weeks; 127 is over. */
static void test_weeks_126_not_over_18_127_is(void **state)
{
    int64_t s = day(2026, 5, 1);
    assert_int_equal(rtt_days_waited(s, day(2026, 9, 4)), 126);
    assert_int_equal(rtt_days_waited(s, day(2026, 9, 5)), 127);
    assert_false(rtt_over_weeks(s, day(2026, 9, 4), 18));
    assert_true(rtt_over_weeks(s, day(2026, 9, 5), 18));
    assert_int_equal(rtt_weeks_waited(s, day(2026, 9, 4)), 18);
    assert_int_equal(rtt_weeks_waited(s, day(2026, 9, 5)), 18);
}

/* Weeks are whole: 0-6 days is 0 weeks, 7-13 is 1, ... */
static void test_weeks_waited_floor(void **state)
{
    int64_t s = day(2026, 1, 1);
    const int days[] = {0, 1, 6, 7, 8, 13, 14, 125, 126, 127, 133, 364, 365};
    const int weeks[] = {0, 0, 0, 1, 1, 1, 2, 17, 18, 18, 19, 52, 52};
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        assert_int_equal(rtt_days_waited(s, s + days[i]), days[i]);
        assert_int_equal(rtt_weeks_waited(s, s + days[i]), weeks[i]);
    }
    /* A census before the start is no wait at all. */
    assert_int_equal(rtt_days_waited(s, s - 10), 0);
    assert_int_equal(rtt_weeks_waited(s, s - 10), 0);
    assert_false(rtt_over_weeks(s, s - 10, 0));
    /* 0 weeks: any day waited is over. */
    assert_false(rtt_over_weeks(s, s, 0));
    assert_true(rtt_over_weeks(s, s + 1, 0));
    /* 52 weeks = 364 days. */
    assert_false(rtt_over_weeks(s, s + 364, 52));
    assert_true(rtt_over_weeks(s, s + 365, 52));
}

static void test_breach_days(void **state)
{
    int64_t s = day(2026, 5, 1);
    assert_int_equal(rtt_breach_day(s, 18), day(2026, 9, 5));
    assert_int_equal(rtt_breach_day(s, 52), day(2027, 5, 1));
    assert_int_equal(rtt_breach_day(s, 65), day(2027, 7, 31));
    assert_int_equal(rtt_breach_day(s, 78), day(2027, 10, 30));
    assert_int_equal(rtt_breach_day(s, 104), day(2028, 4, 29));
    /* The breach day is the first day over, for every band. */
    const int bands[] = {0, 1, 18, 52, 65, 78, 104};
    for (size_t i = 0; i < sizeof bands / sizeof bands[0]; i++) {
        int64_t b = rtt_breach_day(s, bands[i]);
        assert_true(rtt_over_weeks(s, b, bands[i]));
        assert_false(rtt_over_weeks(s, b - 1, bands[i]));
    }
}

/* ---- the clock ---- */

static void test_init(void **state)
{
    rtt_clock c;
    memset(&c, 0x5a, sizeof c);
    rtt_clock_init(&c);
    assert_clock(&c, RTT_NONE, RTT_NO_DAY, RTT_NO_DAY, "", 0, 0);
    rtt_clock_init(NULL); /* no crash */
}

/* Rule 1: the clock starts on the day the provider receives the referral. */
static void test_rule1_referral_starts_clock_on_receipt(void **state)
{
    rtt_clock c = referred(day(2026, 3, 2));
    assert_clock(&c, RTT_RUNNING, day(2026, 3, 2), RTT_NO_DAY, "10", 1, 1);
    assert_true(rtt_status_open(c.status));
}

/* Rule 2: an agreed self-referral pathway starts a clock. */
static void test_rule2_self_referral_starts_clock(void **state)
{
    rtt_clock c;
    rtt_clock_init(&c);
    apply_ok(&c, ev(RTT_EV_SELF_REFERRAL, day(2026, 3, 2)), 2);
    assert_clock(&c, RTT_RUNNING, day(2026, 3, 2), RTT_NO_DAY, "10", 1, 1);
}

/* Data Dictionary: the receipt of the referral is the period's first
 * activity (10); the first outpatient appointment, and every activity
 * after it, is a subsequent activity (20); the clock runs. */
static void test_first_activity_10_then_20(void **state)
{
    int64_t s = day(2026, 3, 2);
    rtt_clock c = referred(s);
    assert_clock(&c, RTT_RUNNING, s, RTT_NO_DAY, "10", 1, 1);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 20), 0); /* the first outpatient appointment */
    assert_clock(&c, RTT_RUNNING, s, RTT_NO_DAY, "20", 2, 1);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 40), 0);
    assert_clock(&c, RTT_RUNNING, s, RTT_NO_DAY, "20", 3, 1);
}

/* Inter-provider transfer: 21, the original start (and period) kept. */
static void test_transfer_keeps_start(void **state)
{
    int64_t s = day(2026, 1, 12);
    rtt_clock c = referred(s);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 14), 0);
    apply_ok(&c, ev(RTT_EV_TRANSFER, s + 30), 0);
    assert_clock(&c, RTT_RUNNING, s, RTT_NO_DAY, "21", 2, 1);
    assert_true(rtt_status_open(c.status));
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 50), 0);
    assert_clock(&c, RTT_RUNNING, s, RTT_NO_DAY, "20", 3, 1);
    /* Transferred before any appointment (an interface service referring on):
     * the receipt was the period's first activity, so the first appointment
     * at the new provider is a subsequent one. */
    c = referred(s);
    apply_ok(&c, ev(RTT_EV_TRANSFER, s + 5), 0);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 25), 0);
    assert_clock(&c, RTT_RUNNING, s, RTT_NO_DAY, "20", 2, 1);
}

/* Rule 4: first definitive treatment stops the clock (30) on its date. */
static void test_rule4_treatment_stops_30(void **state)
{
    int64_t s = day(2026, 2, 2);
    rtt_clock c = referred(s);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 21), 0);
    apply_ok(&c, ev(RTT_EV_TREATMENT, s + 100), 4);
    assert_clock(&c, RTT_STOPPED, s, s + 100, "30", 2, 1);
    assert_false(rtt_status_open(c.status));
    assert_int_equal(rtt_days_waited(c.start_day, c.stop_day), 100);
}

/* Rule 4: a diagnostic-only or pre-op admission does not stop the clock. */
static void test_rule4_diagnostic_admission_does_not_stop(void **state)
{
    int64_t s = day(2026, 2, 2);
    rtt_clock c = referred(s);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 10), 0);
    apply_ok(&c, ev(RTT_EV_DIAGNOSTIC_ADMISSION, s + 30), 4);
    assert_clock(&c, RTT_RUNNING, s, RTT_NO_DAY, "20", 3, 1);
    apply_ok(&c, ev(RTT_EV_DIAGNOSTIC_ADMISSION, s + 40), 4);
    assert_int_equal(c.state, RTT_RUNNING);
    apply_ok(&c, ev(RTT_EV_TREATMENT, s + 60), 4);
    assert_clock(&c, RTT_STOPPED, s, s + 60, "30", 4, 1);
}

/* Rule 5: active monitoring stops the clock: 31 patient-initiated, 32 clinician. */
static void test_rule5_active_monitoring_stops_31_32(void **state)
{
    int64_t s = day(2026, 2, 2);
    rtt_clock c = referred(s);
    rtt_event e = ev(RTT_EV_ACTIVE_MONITORING, s + 35);
    e.patient_initiated = 1;
    apply_ok(&c, e, 5);
    assert_clock(&c, RTT_STOPPED, s, s + 35, "31", 1, 1);
    c = referred(s);
    e.patient_initiated = 0;
    apply_ok(&c, e, 5);
    assert_clock(&c, RTT_STOPPED, s, s + 35, "32", 1, 1);
}

/* Rule 5: return to primary care and a decision not to treat stop the clock (34). */
static void test_rule5_return_to_primary_and_not_to_treat_stop_34(void **state)
{
    int64_t s = day(2026, 2, 2);
    rtt_clock c = referred(s);
    apply_ok(&c, ev(RTT_EV_RETURN_TO_PRIMARY, s + 3), 5);
    assert_clock(&c, RTT_STOPPED, s, s + 3, "34", 1, 1);
    c = referred(s);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 7), 0);
    apply_ok(&c, ev(RTT_EV_NOT_TO_TREAT, s + 7), 5); /* same day as the clinic */
    assert_clock(&c, RTT_STOPPED, s, s + 7, "34", 2, 1);
    assert_false(rtt_status_nullified(c.status));
}

/* Rule 5: the patient declines treatment: 35. */
static void test_rule5_declined_stops_35(void **state)
{
    int64_t s = day(2026, 2, 2);
    rtt_clock c = referred(s);
    apply_ok(&c, ev(RTT_EV_DECLINED, s + 50), 5);
    assert_clock(&c, RTT_STOPPED, s, s + 50, "35", 1, 1);
}

/* Data Dictionary 36: died before treatment; nothing can restart the clock. */
static void test_died_stops_36_for_good(void **state)
{
    int64_t s = day(2026, 2, 2);
    rtt_clock c = referred(s);
    apply_ok(&c, ev(RTT_EV_DIED, s + 80), 0);
    assert_clock(&c, RTT_STOPPED, s, s + 80, "36", 1, 1);
    for (int k = 0; k < N_EVENTS; k++)
        apply_no(&c, ev((rtt_event_kind)k, s + 90));
}

/* Rule 5: a DNA of the first appointment on a routine or urgent referral
 * nullifies the clock (33): in no measure, discharged or not. */
static void test_rule5_first_dna_nullifies_33(void **state)
{
    int64_t s = day(2026, 4, 1);
    for (int discharged = 0; discharged <= 1; discharged++) {
        rtt_clock c = referred(s);
        apply_ok(&c, dna(s + 28, 1, discharged, 0), 5);
        assert_clock(&c, RTT_NULLIFIED, s, s + 28, "33", 1, 1);
        assert_true(rtt_status_nullified(c.status));
        assert_false(rtt_status_open(c.status));
    }
}

/* Rule 5: for a two-week-wait referral a first DNA does not end the period
 * unless the patient is discharged; then it is a clock stop (34), not a
 * nullification. */
static void test_rule5_two_week_wait_first_dna(void **state)
{
    int64_t s = day(2026, 4, 1);
    rtt_clock c = referred(s);
    apply_ok(&c, dna(s + 10, 1, 0, 1), 5);
    assert_clock(&c, RTT_RUNNING, s, RTT_NO_DAY, "10", 1, 1);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 13), 0); /* rebooked and seen */
    assert_clock(&c, RTT_RUNNING, s, RTT_NO_DAY, "20", 2, 1);

    c = referred(s);
    apply_ok(&c, dna(s + 10, 1, 1, 1), 5);
    assert_clock(&c, RTT_STOPPED, s, s + 10, "34", 1, 1);
    assert_false(rtt_status_nullified(c.status));
}

/* Rule 5: a DNA of a later appointment stops the clock only with a
 * discharge to the GP; rebooked, the clock keeps running. */
static void test_rule5_later_dna(void **state)
{
    int64_t s = day(2026, 4, 1);
    rtt_clock c = referred(s);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 14), 0);
    apply_ok(&c, dna(s + 42, 0, 0, 0), 5);
    assert_clock(&c, RTT_RUNNING, s, RTT_NO_DAY, "20", 2, 1);
    apply_ok(&c, dna(s + 56, 0, 1, 0), 5);
    assert_clock(&c, RTT_STOPPED, s, s + 56, "34", 2, 1);
    /* The same on a two-week-wait referral. */
    c = referred(s);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 7), 0);
    apply_ok(&c, dna(s + 20, 0, 0, 1), 5);
    assert_int_equal(c.state, RTT_RUNNING);
    apply_ok(&c, dna(s + 30, 0, 1, 1), 5);
    assert_clock(&c, RTT_STOPPED, s, s + 30, "34", 2, 1);
}

/* Rule 5: a later missed appointment followed by a discharge stops the
 * clock on the day of the discharge (the decision told to the patient),
 * not the day of the miss; a first-appointment DNA is nullified on the day
 * of the miss.  A miss after the recording day, or before the start, is
 * refused. */
static void test_rule5_dna_stop_dates(void **state)
{
    int64_t s = day(2026, 4, 1);
    rtt_clock c = referred(s);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 14), 0);
    rtt_event e = dna(s + 60, 0, 1, 0); /* discharged on day 60 ... */
    e.missed_day = s + 50;              /* ... after missing the appointment on day 50 */
    apply_ok(&c, e, 5);
    assert_clock(&c, RTT_STOPPED, s, s + 60, "34", 2, 1);
    assert_int_equal(rtt_days_waited(c.start_day, c.stop_day), 60);

    c = referred(s);
    e = dna(s + 35, 1, 0, 0); /* recorded on day 35 ... */
    e.missed_day = s + 28;    /* ... the first appointment was on day 28 */
    apply_ok(&c, e, 5);
    assert_clock(&c, RTT_NULLIFIED, s, s + 28, "33", 1, 1);
    /* 3e: the new clock may start on the day of the miss, not before. */
    apply_no(&c, ev(RTT_EV_REBOOK_AFTER_DNA, s + 27));
    apply_ok(&c, ev(RTT_EV_REBOOK_AFTER_DNA, s + 30), 3);
    assert_clock(&c, RTT_RUNNING, s + 30, RTT_NO_DAY, "10", 1, 2);

    c = referred(s);
    e = dna(s + 35, 1, 0, 0);
    e.missed_day = s + 36; /* a miss after the day it is recorded */
    apply_no(&c, e);
    e.missed_day = s - 1; /* before the clock started */
    apply_no(&c, e);
}

/* The discharge outcomes of the API and the stops they make: 31 for a
 * wait the patient chose, 32 for one the clinician chose. */
static void test_outcome_events(void **state)
{
    static const struct {
        const char *name;
        rtt_event_kind kind;
        int patient;
        const char *status;
    } want[] = {
        {"treated", RTT_EV_TREATMENT, 0, "30"},
        {"active_monitoring_patient", RTT_EV_ACTIVE_MONITORING, 1, "31"},
        {"active_monitoring_clinician", RTT_EV_ACTIVE_MONITORING, 0, "32"},
        {"active_monitoring", RTT_EV_ACTIVE_MONITORING, 0, "32"},
        {"declined", RTT_EV_DECLINED, 0, "35"},
        {"not_to_treat", RTT_EV_NOT_TO_TREAT, 0, "34"},
        {"return_to_primary", RTT_EV_RETURN_TO_PRIMARY, 0, "34"},
        {NULL, RTT_EV_RETURN_TO_PRIMARY, 0, "34"},
    };
    int64_t s = day(2026, 4, 1);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        rtt_event_kind k = RTT_EV_CANCELLATION;
        int patient = -1;
        assert_int_equal(rtt_outcome_event(want[i].name, &k, &patient), 0);
        assert_int_equal(k, want[i].kind);
        assert_int_equal(patient, want[i].patient);
        rtt_clock c = referred(s);
        rtt_event e = ev(k, s + 40);
        e.patient_initiated = patient;
        assert_int_equal(rtt_apply(&c, &e, NULL), 0);
        assert_string_equal(c.status, want[i].status);
    }
    rtt_event_kind k = RTT_EV_CANCELLATION;
    int patient = -1;
    assert_int_equal(rtt_outcome_event("active_monitoring_by_patient", &k, &patient), -1);
    assert_int_equal(rtt_outcome_event("", &k, &patient), -1);
    assert_int_equal(k, RTT_EV_CANCELLATION);
    assert_int_equal(patient, -1);
}

/* Rule 5: cancellations by either side never stop the clock. */
static void test_rule5_cancellations_never_stop(void **state)
{
    int64_t s = day(2026, 4, 1);
    rtt_clock c = referred(s);
    for (int i = 1; i <= 20; i++)
        apply_ok(&c, ev(RTT_EV_CANCELLATION, s + i), 5);
    assert_clock(&c, RTT_RUNNING, s, RTT_NO_DAY, "10", 1, 1);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 30), 0);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 40), 0);
    apply_ok(&c, ev(RTT_EV_CANCELLATION, s + 50), 5);
    assert_clock(&c, RTT_RUNNING, s, RTT_NO_DAY, "20", 3, 1);
    assert_true(rtt_over_weeks(c.start_day, s + 200, 18)); /* still counting */
}

/* Rule 3e: rebooking after a nullifying first DNA starts a new clock at
 * the rebooking date. */
static void test_rule3e_rebook_after_first_dna(void **state)
{
    int64_t s = day(2026, 4, 1);
    rtt_clock c = referred(s);
    apply_ok(&c, dna(s + 28, 1, 0, 0), 5);
    apply_ok(&c, ev(RTT_EV_REBOOK_AFTER_DNA, s + 31), 3);
    assert_clock(&c, RTT_RUNNING, s + 31, RTT_NO_DAY, "10", 1, 2);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 45), 0);
    assert_clock(&c, RTT_RUNNING, s + 31, RTT_NO_DAY, "20", 2, 2);
    assert_int_equal(rtt_days_waited(c.start_day, s + 45), 14);
    /* Rebooking on the day of the DNA is allowed; before it is not. */
    c = referred(s);
    apply_ok(&c, dna(s + 28, 1, 1, 0), 5);
    apply_no(&c, ev(RTT_EV_REBOOK_AFTER_DNA, s + 27));
    apply_ok(&c, ev(RTT_EV_REBOOK_AFTER_DNA, s + 28), 3);
    assert_int_equal(c.start_day, s + 28);
    /* No rebooking after a DNA that did not nullify. */
    c = referred(s);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 7), 0);
    apply_ok(&c, dna(s + 20, 0, 1, 0), 5);
    apply_no(&c, ev(RTT_EV_REBOOK_AFTER_DNA, s + 25));
}

/* Rule 3d: a decision to treat after active monitoring starts a new clock (11). */
static void test_rule3d_decision_to_treat_after_monitoring_11(void **state)
{
    int64_t s = day(2026, 1, 5);
    rtt_clock c = referred(s);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 20), 0);
    apply_ok(&c, ev(RTT_EV_ACTIVE_MONITORING, s + 20), 5);
    apply_ok(&c, ev(RTT_EV_START_AFTER_MONITORING, s + 200), 3);
    assert_clock(&c, RTT_RUNNING, s + 200, RTT_NO_DAY, "11", 1, 2);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 220), 0);
    assert_string_equal(c.status, "20");
    apply_ok(&c, ev(RTT_EV_TREATMENT, s + 260), 4);
    assert_clock(&c, RTT_STOPPED, s + 200, s + 260, "30", 2, 2);
}

/* Rule 3b: a substantively new treatment after the first starts a new clock (12). */
static void test_rule3b_new_treatment_12(void **state)
{
    int64_t s = day(2026, 1, 5);
    rtt_clock c = referred(s);
    apply_ok(&c, ev(RTT_EV_TREATMENT, s + 70), 4);
    apply_ok(&c, ev(RTT_EV_NEW_TREATMENT, s + 150), 3);
    assert_clock(&c, RTT_RUNNING, s + 150, RTT_NO_DAY, "12", 1, 2);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 160), 0);
    assert_string_equal(c.status, "20");
}

/* Rule 3a: fit and ready for the second side of a bilateral procedure. */
static void test_rule3a_bilateral_second_side(void **state)
{
    int64_t s = day(2026, 1, 5);
    rtt_clock c = referred(s);
    apply_ok(&c, ev(RTT_EV_TREATMENT, s + 90), 4);
    apply_ok(&c, ev(RTT_EV_BILATERAL_SECOND, s + 180), 3);
    assert_clock(&c, RTT_RUNNING, s + 180, RTT_NO_DAY, "10", 1, 2);
    apply_ok(&c, ev(RTT_EV_TREATMENT, s + 250), 4);
    assert_clock(&c, RTT_STOPPED, s + 180, s + 250, "30", 1, 2);
    /* A third period: the bilateral rule can follow again. */
    apply_ok(&c, ev(RTT_EV_NEW_TREATMENT, s + 300), 3);
    assert_int_equal(c.period, 3);
}

/* Rule 3c: a new referral after a period ended (any stop but death, or a
 * nullified clock): 12 when a consultant refers on the pathway, 10 when
 * the referrer (a GP resubmitting) does; either way its own start. */
static void test_rule3c_new_referral(void **state)
{
    int64_t s = day(2026, 1, 5);
    rtt_clock c = referred(s);
    apply_ok(&c, ev(RTT_EV_RETURN_TO_PRIMARY, s + 10), 5);
    rtt_event e = ev(RTT_EV_NEW_REFERRAL, s + 100);
    e.consultant = 1;
    apply_ok(&c, e, 3);
    assert_clock(&c, RTT_RUNNING, s + 100, RTT_NO_DAY, "12", 1, 2);
    c = referred(s);
    apply_ok(&c, ev(RTT_EV_RETURN_TO_PRIMARY, s + 10), 5);
    apply_ok(&c, ev(RTT_EV_NEW_REFERRAL, s + 30), 3);
    assert_clock(&c, RTT_RUNNING, s + 30, RTT_NO_DAY, "10", 1, 2);
    c = referred(s);
    apply_ok(&c, dna(s + 10, 1, 1, 0), 5);
    apply_ok(&c, ev(RTT_EV_NEW_REFERRAL, s + 40), 3);
    assert_int_equal(c.start_day, s + 40);
    c = referred(s);
    apply_ok(&c, ev(RTT_EV_DECLINED, s + 10), 5);
    apply_ok(&c, ev(RTT_EV_NEW_REFERRAL, s + 10), 3);
}

/* Every (state, event) pair against a table written from the rules. */
enum { S_NONE, S_RUNNING, S_TREATED, S_MONITORED, S_RETURNED, S_DECLINED, S_DIED, S_NULLIFIED, S_COUNT };

static const int legal[S_COUNT][N_EVENTS] = {
    /*                 REF SELF ACT TRAN TREAT DIAG AM  RTP NTT DECL DIED DNA CANC REBK 3d  3b  3a  3c */
    [S_NONE] = {OK, OK, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO},
    [S_RUNNING] = {NO, NO, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, NO, NO, NO, NO, NO},
    [S_TREATED] = {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, OK, OK, OK},
    [S_MONITORED] = {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, OK, NO, NO, OK},
    [S_RETURNED] = {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, OK},
    [S_DECLINED] = {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, OK},
    [S_DIED] = {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO},
    [S_NULLIFIED] = {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, OK, NO, NO, NO, OK},
};

static rtt_clock in_state(int st, int64_t s)
{
    rtt_clock c;
    rtt_clock_init(&c);
    if (st == S_NONE)
        return c;
    c = referred(s);
    switch (st) {
    case S_TREATED: apply_ok(&c, ev(RTT_EV_TREATMENT, s + 10), 4); break;
    case S_MONITORED: apply_ok(&c, ev(RTT_EV_ACTIVE_MONITORING, s + 10), 5); break;
    case S_RETURNED: apply_ok(&c, ev(RTT_EV_RETURN_TO_PRIMARY, s + 10), 5); break;
    case S_DECLINED: apply_ok(&c, ev(RTT_EV_DECLINED, s + 10), 5); break;
    case S_DIED: apply_ok(&c, ev(RTT_EV_DIED, s + 10), 0); break;
    case S_NULLIFIED: apply_ok(&c, dna(s + 10, 1, 0, 0), 5); break;
    default: break;
    }
    return c;
}

static void test_every_state_event_pair(void **state)
{
    int64_t s = day(2026, 6, 1);
    int accepted = 0;
    for (int st = 0; st < S_COUNT; st++) {
        for (int k = 0; k < N_EVENTS; k++) {
            rtt_clock c = in_state(st, s);
            rtt_clock before = c;
            rtt_event e = ev((rtt_event_kind)k, s + 20);
            int rule = -42;
            int rc = rtt_apply(&c, &e, &rule);
            if (rc != legal[st][k])
                fail_msg("state %d event %d: got %d, expected %d", st, k, rc, legal[st][k]);
            if (rc == NO) {
                assert_memory_equal(&c, &before, sizeof c);
                assert_int_equal(rule, -42);
            } else {
                accepted++;
                assert_in_range(rule, 0, 5);
            }
        }
    }
    assert_int_equal(accepted, 2 + 11 + 3 + 2 + 1 + 1 + 0 + 2);
}

/* Nothing happens on a clock before it started, and no new clock starts
 * before the old one stopped. */
static void test_events_before_start_refused(void **state)
{
    int64_t s = day(2026, 6, 1);
    rtt_clock c = referred(s);
    apply_no(&c, ev(RTT_EV_ACTIVITY, s - 1));
    apply_no(&c, ev(RTT_EV_TREATMENT, s - 1));
    apply_no(&c, dna(s - 1, 1, 0, 0));
    apply_ok(&c, ev(RTT_EV_TREATMENT, s), 4); /* same day is fine */
    assert_int_equal(rtt_days_waited(c.start_day, c.stop_day), 0);
    apply_no(&c, ev(RTT_EV_NEW_TREATMENT, s - 1));
    c = in_state(S_MONITORED, s);
    apply_no(&c, ev(RTT_EV_START_AFTER_MONITORING, s + 9));
    apply_ok(&c, ev(RTT_EV_START_AFTER_MONITORING, s + 10), 3);
}

static void test_null_and_bad_arguments(void **state)
{
    rtt_clock c = referred(day(2026, 6, 1));
    rtt_clock before = c;
    rtt_event e = ev(RTT_EV_ACTIVITY, day(2026, 6, 2));
    int rule = -42;
    assert_int_equal(rtt_apply(NULL, &e, &rule), -1);
    assert_int_equal(rtt_apply(&c, NULL, &rule), -1);
    assert_int_equal(rule, -42);
    e.kind = (rtt_event_kind)N_EVENTS;
    assert_int_equal(rtt_apply(&c, &e, &rule), -1);
    e.kind = (rtt_event_kind)-1;
    assert_int_equal(rtt_apply(&c, &e, &rule), -1);
    assert_memory_equal(&c, &before, sizeof c);
    e.kind = RTT_EV_ACTIVITY;
    assert_int_equal(rtt_apply(&c, &e, NULL), 0); /* rule is optional */
    assert_string_equal(c.status, "20");
}

/* A whole pathway: GP referral to an interface service, onward transfer,
 * clinic, a cancelled and a rebooked-after-DNA follow-up, diagnostics,
 * treatment at 160 days (over 18 weeks, under 52). */
static void test_whole_pathway(void **state)
{
    int64_t s = day(2026, 1, 5);
    rtt_clock c = referred(s);
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 12), 0);     /* interface triage clinic */
    apply_ok(&c, ev(RTT_EV_TRANSFER, s + 15), 0);     /* onward to the trust */
    apply_ok(&c, ev(RTT_EV_CANCELLATION, s + 40), 5); /* hospital cancels */
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 55), 0);     /* consultant clinic */
    apply_ok(&c, dna(s + 80, 0, 0, 0), 5);            /* missed follow-up, rebooked */
    apply_ok(&c, ev(RTT_EV_ACTIVITY, s + 95), 0);
    apply_ok(&c, ev(RTT_EV_DIAGNOSTIC_ADMISSION, s + 120), 4);
    assert_clock(&c, RTT_RUNNING, s, RTT_NO_DAY, "20", 5, 1);
    assert_true(rtt_over_weeks(c.start_day, s + 127, 18));
    apply_ok(&c, ev(RTT_EV_TREATMENT, s + 160), 4);
    assert_clock(&c, RTT_STOPPED, s, s + 160, "30", 5, 1);
    assert_int_equal(rtt_weeks_waited(c.start_day, c.stop_day), 22);
    assert_true(rtt_over_weeks(c.start_day, c.stop_day, 18));
    assert_false(rtt_over_weeks(c.start_day, c.stop_day, 52));
}

/* ---- A referral's pathway: the clock as stored, and what each referral
 * action does to it (rtt_clock_restore, rtt_referral_plan_for). ---- */

static void test_clock_restore(void **state)
{
    (void)state;
    int64_t s = day(2026, 5, 1);
    rtt_clock c;
    /* On the list, receipt only: first activity held. */
    assert_int_equal(rtt_clock_restore(&c, s, RTT_NO_DAY, "10", 1, 0), 0);
    assert_clock(&c, RTT_RUNNING, s, RTT_NO_DAY, "10", 1, 1);
    /* 20, or an activity recorded since: an appointment was held. */
    assert_int_equal(rtt_clock_restore(&c, s, RTT_NO_DAY, "20", 1, 0), 0);
    assert_int_equal(c.activities, 2);
    assert_int_equal(rtt_clock_restore(&c, s, RTT_NO_DAY, "10", 1, 1), 0);
    assert_int_equal(c.activities, 2);
    /* Off the list: stopped, or nullified for 33. */
    assert_int_equal(rtt_clock_restore(&c, s, s + 40, "34", 0, 1), 0);
    assert_clock(&c, RTT_STOPPED, s, s + 40, "34", 2, 1);
    assert_int_equal(rtt_clock_restore(&c, s, s + 40, "33", 0, 0), 0);
    assert_clock(&c, RTT_NULLIFIED, s, s + 40, "33", 1, 1);
    /* Off the list with no stop: transferred out (21), not this provider's. */
    assert_int_equal(rtt_clock_restore(&c, s, RTT_NO_DAY, "21", 0, 0), -1);
}

/* The facts of an action on a running clock received on day s. */
static rtt_referral_facts facts(const char *action, const rtt_clock *c, int64_t today)
{
    rtt_referral_facts f;
    memset(&f, 0, sizeof f);
    f.action = action;
    f.clock = c;
    f.today = today;
    f.attended_day = RTT_NO_DAY;
    f.booked_day = RTT_NO_DAY;
    return f;
}

static rtt_referral_plan plan(const rtt_referral_facts *f)
{
    rtt_referral_plan p;
    assert_int_equal(rtt_referral_plan_for(f, &p), 0);
    return p;
}

static void test_referral_accept_redirect_follow_or_transfer(void **state)
{
    (void)state;
    int64_t s = day(2026, 5, 1), t = s + 10;
    rtt_clock c;
    rtt_clock_restore(&c, s, RTT_NO_DAY, "10", 1, 0);
    const char *acts[] = {"accept", "redirect"};
    for (int i = 0; i < 2; i++) {
        rtt_referral_facts f = facts(acts[i], &c, t);
        rtt_referral_plan p = plan(&f);
        assert_int_equal(p.move, RTT_REF_FOLLOW);
        assert_false(p.apply);
        assert_false(p.touch_next);
        f.other_provider = 1; /* inter-provider transfer: 21, start kept */
        p = plan(&f);
        assert_int_equal(p.move, RTT_REF_TRANSFER);
        assert_true(p.apply);
        assert_int_equal(p.ev.kind, RTT_EV_TRANSFER);
        assert_int_equal(p.ev.day, t);
        rtt_clock d = c;
        apply_ok(&d, p.ev, 0);
        assert_clock(&d, RTT_RUNNING, s, RTT_NO_DAY, "21", 1, 1);
    }
    /* No clock running here: the pathway follows, nothing transfers. */
    rtt_clock_restore(&c, s, s + 5, "34", 0, 0);
    rtt_referral_facts f = facts("redirect", &c, t);
    f.other_provider = 1;
    assert_int_equal(plan(&f).move, RTT_REF_FOLLOW);
}

static void test_referral_book_sets_next_activity_only(void **state)
{
    (void)state;
    int64_t s = day(2026, 5, 1);
    rtt_clock c;
    rtt_clock_restore(&c, s, RTT_NO_DAY, "10", 1, 0);
    rtt_referral_facts f = facts("book", &c, s + 3);
    rtt_referral_plan p = plan(&f);
    assert_int_equal(p.move, RTT_REF_CLOCK);
    assert_false(p.apply);
    assert_true(p.touch_next);
    assert_true(p.next_appointment);
    assert_false(p.last_activity);
}

static void test_referral_attend_is_activity_on_day_seen(void **state)
{
    (void)state;
    int64_t s = day(2026, 5, 1), t = s + 30;
    rtt_clock c;
    rtt_clock_restore(&c, s, RTT_NO_DAY, "10", 1, 0);
    rtt_referral_facts f = facts("attend", &c, t);
    rtt_referral_plan p = plan(&f);
    assert_true(p.apply);
    assert_int_equal(p.ev.kind, RTT_EV_ACTIVITY);
    assert_int_equal(p.ev.day, t);
    assert_true(p.last_activity);
    assert_true(p.touch_next);
    assert_false(p.next_appointment);
    f.attended_day = t - 2; /* seen two days before it was recorded */
    assert_int_equal(plan(&f).ev.day, t - 2);
    f.attended_day = t + 1; /* never after today */
    assert_int_equal(plan(&f).ev.day, t);
    rtt_clock d = c;
    f.attended_day = t - 2;
    apply_ok(&d, plan(&f).ev, 0);
    assert_clock(&d, RTT_RUNNING, s, RTT_NO_DAY, "20", 2, 1);
}

static void test_referral_return_convert_withdraw_stop_34(void **state)
{
    (void)state;
    int64_t s = day(2026, 5, 1), t = s + 12;
    rtt_clock c;
    rtt_clock_restore(&c, s, RTT_NO_DAY, "10", 1, 0);
    const char *acts[] = {"return", "convert_to_advice", "withdraw"};
    for (int i = 0; i < 3; i++) {
        rtt_referral_facts f = facts(acts[i], &c, t);
        rtt_referral_plan p = plan(&f);
        assert_true(p.apply);
        assert_int_equal(p.ev.kind, RTT_EV_RETURN_TO_PRIMARY);
        assert_int_equal(p.ev.day, t);
        assert_true(p.touch_next);
        rtt_clock d = c;
        apply_ok(&d, p.ev, 5);
        assert_clock(&d, RTT_STOPPED, s, t, "34", 1, 1);
    }
}

static void test_referral_resubmit_is_gp_new_referral_3c(void **state)
{
    (void)state;
    int64_t s = day(2026, 5, 1), t = s + 20;
    rtt_clock c;
    rtt_clock_restore(&c, s, s + 12, "34", 0, 0);
    rtt_referral_facts f = facts("resubmit", &c, t);
    rtt_referral_plan p = plan(&f);
    assert_true(p.apply);
    assert_int_equal(p.ev.kind, RTT_EV_NEW_REFERRAL);
    assert_false(p.ev.consultant);
    assert_false(p.touch_next);
    apply_ok(&c, p.ev, 3);
    assert_clock(&c, RTT_RUNNING, t, RTT_NO_DAY, "10", 1, 2);
}

static void test_referral_discharge_takes_outcome(void **state)
{
    (void)state;
    int64_t s = day(2026, 5, 1), t = s + 50;
    rtt_clock c;
    rtt_clock_restore(&c, s, RTT_NO_DAY, "20", 1, 1);
    rtt_referral_facts f = facts("discharge", &c, t);
    rtt_referral_plan p = plan(&f);
    assert_true(p.apply);
    assert_true(p.outcome);
    assert_true(p.touch_next);
    assert_int_equal(p.ev.kind, RTT_EV_RETURN_TO_PRIMARY); /* no outcome given: return to primary, 34 */
    assert_int_equal(rtt_outcome_event("treated", &p.ev.kind, &p.ev.patient_initiated), 0);
    apply_ok(&c, p.ev, 4);
    assert_clock(&c, RTT_STOPPED, s, t, "30", 2, 1);
}

static void test_referral_dna_first_and_later(void **state)
{
    (void)state;
    int64_t s = day(2026, 5, 1), t = s + 40;
    rtt_clock c;
    rtt_clock_restore(&c, s, RTT_NO_DAY, "10", 1, 0);
    rtt_referral_facts f = facts("dna_rebook", &c, t);
    f.booked_day = t - 3;
    rtt_referral_plan p = plan(&f);
    assert_true(p.apply);
    assert_int_equal(p.ev.kind, RTT_EV_DNA);
    assert_true(p.ev.first_activity);
    assert_false(p.ev.discharged);
    assert_true(p.rebook);
    assert_true(p.touch_next);
    assert_int_equal(p.ev.missed_day, t - 3);
    rtt_clock d = c;
    apply_ok(&d, p.ev, 5); /* a routine first DNA nullifies on the missed day */
    assert_clock(&d, RTT_NULLIFIED, s, t - 3, "33", 1, 1);
    /* No booking known, or one after today: missed today. */
    f.booked_day = RTT_NO_DAY;
    assert_int_equal(plan(&f).ev.missed_day, t);
    f.booked_day = t + 4;
    assert_int_equal(plan(&f).ev.missed_day, t);
    /* Two-week wait: the flag travels with the event. */
    f.two_week_wait = 1;
    assert_true(plan(&f).ev.two_week_wait);
    /* A later DNA with discharge stops on the discharge day (34). */
    rtt_clock_restore(&c, s, RTT_NO_DAY, "20", 1, 1);
    f = facts("dna_discharge", &c, t);
    f.booked_day = t - 1;
    p = plan(&f);
    assert_false(p.ev.first_activity);
    assert_true(p.ev.discharged);
    assert_false(p.rebook);
    apply_ok(&c, p.ev, 5);
    assert_clock(&c, RTT_STOPPED, s, t, "34", 2, 1);
}

static void test_referral_close_and_unknown_touch_nothing(void **state)
{
    (void)state;
    int64_t s = day(2026, 5, 1);
    rtt_clock c;
    rtt_clock_restore(&c, s, s + 3, "34", 0, 0);
    const char *acts[] = {"close", "no_such_action"};
    for (int i = 0; i < 2; i++) {
        rtt_referral_facts f = facts(acts[i], &c, s + 9);
        rtt_referral_plan p = plan(&f);
        assert_int_equal(p.move, RTT_REF_CLOCK);
        assert_false(p.apply);
        assert_false(p.touch_next);
        assert_false(p.last_activity);
    }
    rtt_referral_plan p;
    assert_int_equal(rtt_referral_plan_for(NULL, &p), -1);
    assert_int_equal(rtt_referral_plan_for(NULL, NULL), -1);
}

static void test_start_new_referral_rule1(void **state)
{
    (void)state;
    int64_t s = day(2026, 5, 1);
    rtt_start_facts f = {.received_day = s, .today = s + 2};
    rtt_start_plan p;
    assert_int_equal(rtt_start_for_referral(&f, &p), 0);
    assert_int_equal(p.move, RTT_START_NEW);
    assert_int_equal(p.rule, 1);
    assert_string_equal(p.event, "referral_received");
    assert_clock(&p.clock, RTT_RUNNING, s, RTT_NO_DAY, "10", 1, 1);
    /* An onward referral for the same condition with no source clock here: from today. */
    f.same_condition = 1;
    assert_int_equal(rtt_start_for_referral(&f, &p), 0);
    assert_int_equal(p.move, RTT_START_NEW);
    assert_clock(&p.clock, RTT_RUNNING, s + 2, RTT_NO_DAY, "10", 1, 1);
    assert_int_equal(rtt_start_for_referral(NULL, &p), -1);
}

static void test_start_onward_running_follows_or_transfers(void **state)
{
    (void)state;
    int64_t s = day(2026, 5, 1), t = s + 30;
    rtt_clock src;
    rtt_clock_restore(&src, s, RTT_NO_DAY, "20", 1, 1);
    rtt_start_facts f = {.same_condition = 1, .source = &src, .source_same_provider = 1, .received_day = s, .today = t};
    rtt_start_plan p;
    assert_int_equal(rtt_start_for_referral(&f, &p), 0);
    assert_int_equal(p.move, RTT_START_FOLLOW);
    /* To another provider: transfer, 21, the original start kept. */
    f.source_same_provider = 0;
    assert_int_equal(rtt_start_for_referral(&f, &p), 0);
    assert_int_equal(p.move, RTT_START_TRANSFER);
    assert_int_equal(p.rule, 0);
    assert_string_equal(p.event, "transfer_in");
    assert_clock(&p.clock, RTT_RUNNING, s, RTT_NO_DAY, "21", 1, 1);
    /* Not the same condition: a clock of its own from the day received. */
    f.same_condition = 0;
    assert_int_equal(rtt_start_for_referral(&f, &p), 0);
    assert_int_equal(p.move, RTT_START_NEW);
    assert_clock(&p.clock, RTT_RUNNING, s, RTT_NO_DAY, "10", 1, 1);
}

static void test_start_onward_after_stop_rule3c(void **state)
{
    (void)state;
    int64_t s = day(2026, 5, 1), t = s + 60;
    rtt_clock src;
    rtt_clock_restore(&src, s, s + 40, "32", 0, 0);
    rtt_start_facts f = {.same_condition = 1, .source = &src, .received_day = s, .today = t};
    rtt_start_plan p;
    assert_int_equal(rtt_start_for_referral(&f, &p), 0);
    assert_int_equal(p.move, RTT_START_NEW);
    assert_int_equal(p.rule, 3);
    assert_string_equal(p.event, "onward_referral");
    assert_clock(&p.clock, RTT_RUNNING, t, RTT_NO_DAY, "12", 1, 2);
    /* After death no restart: a clock of its own from today. */
    rtt_clock_restore(&src, s, s + 40, "36", 0, 0);
    assert_int_equal(rtt_start_for_referral(&f, &p), 0);
    assert_int_equal(p.rule, 1);
    assert_string_equal(p.event, "referral_received");
    assert_clock(&p.clock, RTT_RUNNING, t, RTT_NO_DAY, "10", 1, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_table),
        cmocka_unit_test(test_status_only_listed_codes_valid),
        cmocka_unit_test(test_status_labels),
        cmocka_unit_test(test_weeks_126_not_over_18_127_is),
        cmocka_unit_test(test_weeks_waited_floor),
        cmocka_unit_test(test_breach_days),
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_rule1_referral_starts_clock_on_receipt),
        cmocka_unit_test(test_rule2_self_referral_starts_clock),
        cmocka_unit_test(test_first_activity_10_then_20),
        cmocka_unit_test(test_transfer_keeps_start),
        cmocka_unit_test(test_rule4_treatment_stops_30),
        cmocka_unit_test(test_rule4_diagnostic_admission_does_not_stop),
        cmocka_unit_test(test_rule5_active_monitoring_stops_31_32),
        cmocka_unit_test(test_rule5_return_to_primary_and_not_to_treat_stop_34),
        cmocka_unit_test(test_rule5_declined_stops_35),
        cmocka_unit_test(test_died_stops_36_for_good),
        cmocka_unit_test(test_rule5_first_dna_nullifies_33),
        cmocka_unit_test(test_rule5_two_week_wait_first_dna),
        cmocka_unit_test(test_rule5_later_dna),
        cmocka_unit_test(test_rule5_cancellations_never_stop),
        cmocka_unit_test(test_rule5_dna_stop_dates),
        cmocka_unit_test(test_outcome_events),
        cmocka_unit_test(test_rule3e_rebook_after_first_dna),
        cmocka_unit_test(test_rule3d_decision_to_treat_after_monitoring_11),
        cmocka_unit_test(test_rule3b_new_treatment_12),
        cmocka_unit_test(test_rule3a_bilateral_second_side),
        cmocka_unit_test(test_rule3c_new_referral),
        cmocka_unit_test(test_every_state_event_pair),
        cmocka_unit_test(test_events_before_start_refused),
        cmocka_unit_test(test_null_and_bad_arguments),
        cmocka_unit_test(test_whole_pathway),
        cmocka_unit_test(test_clock_restore),
        cmocka_unit_test(test_referral_accept_redirect_follow_or_transfer),
        cmocka_unit_test(test_referral_book_sets_next_activity_only),
        cmocka_unit_test(test_referral_attend_is_activity_on_day_seen),
        cmocka_unit_test(test_referral_return_convert_withdraw_stop_34),
        cmocka_unit_test(test_referral_resubmit_is_gp_new_referral_3c),
        cmocka_unit_test(test_referral_discharge_takes_outcome),
        cmocka_unit_test(test_referral_dna_first_and_later),
        cmocka_unit_test(test_referral_close_and_unknown_touch_nothing),
        cmocka_unit_test(test_start_new_referral_rule1),
        cmocka_unit_test(test_start_onward_running_follows_or_transfers),
        cmocka_unit_test(test_start_onward_after_stop_rule3c),
    };
    return cmocka_run_group_tests_name("core/rtt", tests, NULL, NULL);
}
