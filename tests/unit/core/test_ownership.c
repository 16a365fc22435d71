/*
 * test_ownership.c - unit tests for src/core/ownership.c: which objects
 * need exactly one open task, in which states.
 *
 * The expected states below are written out from the lifecycles in
 * referral.h, handoff.h, advice.h, care.h and priority.h, independently of
 * the table, and every state of every kind is checked against them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/advice.h"
#include "core/handoff.h"
#include "core/ownership.h"
#include "core/referral.h"

typedef struct expect {
    const char *kind;
    const char *task_kind; /* the entry's task kind, NULL for every task on its column */
    const char *owned[6];  /* states that need an owner, NULL-terminated */
    const char *closed[6]; /* states that must have no open task */
} expect;

static const expect expected[] = {
    {"referral",
     NULL,
     {"awaiting_triage", "awaiting_booking", "returned", "booked", "attended", NULL},
     {"discharged", "withdrawn", "closed", "converted_to_advice", NULL}},
    {"advice",
     NULL,
     {"awaiting_response", "awaiting_gp", "advice_given", NULL},
     {"closed", "converted", "withdrawn", NULL}},
    {"order", NULL, {"awaiting_result", NULL}, {"resulted", NULL}},
    {"result", NULL, {"to_review", "handover_requested", "gp_to_review", NULL}, {"reviewed", NULL}},
    {"letter", NULL, {"due", NULL}, {"sent", "read", NULL}},
    /* A GP action is held in two ways: pending, by its letter's one
     * practice task; declined (the hospital keeps it), by its own clinician
     * task until a clinician records what was done. */
    {"gp_action", "gp_actions", {"pending", NULL}, {"accepted", "declined", "resolved", NULL}},
    {"gp_action", "gp_action_declined", {"declined", NULL}, {"pending", "accepted", "resolved", NULL}},
    {"follow_up", NULL, {"open", NULL}, {"booked", "discharged", NULL}},
    {"priority_review", NULL, {"open", NULL}, {"answered", "withdrawn", NULL}},
};
#define N_EXPECTED (sizeof(expected) / sizeof(expected[0]))

static int same(const char *a, const char *b)
{
    return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

static const ownership_kind *entry_of(const char *kind, const char *task_kind)
{
    for (size_t i = 0; i < ownership_count(); i++)
        if (strcmp(ownership_at(i)->kind, kind) == 0 && same(ownership_at(i)->task_kind, task_kind))
            return ownership_at(i);
    return NULL;
}

/* 1 when some expectation of `kind` has `s` among its owned states. */
static int owned_by_kind(const char *kind, const char *s)
{
    for (size_t i = 0; i < N_EXPECTED; i++)
        if (strcmp(expected[i].kind, kind) == 0)
            for (const char *const *o = expected[i].owned; *o; o++)
                if (strcmp(*o, s) == 0)
                    return 1;
    return 0;
}

static int listed(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

/* Every kind the issue names is in the table, and nothing else. */
static void test_every_kind_is_present(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXPECTED; i++)
        if (entry_of(expected[i].kind, expected[i].task_kind) == NULL)
            fail_msg("no entry for %s (%s tasks)", expected[i].kind,
                     expected[i].task_kind ? expected[i].task_kind : "all");
    assert_int_equal(ownership_count(), N_EXPECTED);
    for (size_t i = 0; i < ownership_count(); i++) {
        int known = 0;
        for (size_t j = 0; j < N_EXPECTED; j++)
            known |= strcmp(ownership_at(i)->kind, expected[j].kind) == 0 &&
                     same(ownership_at(i)->task_kind, expected[j].task_kind);
        if (!known)
            fail_msg("entry %s is not expected here", ownership_at(i)->kind);
    }
    assert_null(ownership_at(ownership_count()));
}

/* Owned states need an owner, closed ones do not, and each entry lists
 * exactly the states of its lifecycle. */
static void test_states_of_each_kind(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXPECTED; i++) {
        const expect *e = &expected[i];
        const ownership_kind *k = entry_of(e->kind, e->task_kind);
        assert_non_null(k);
        for (const char *const *s = e->owned; *s; s++) {
            if (!k->needs_owner(*s) || !ownership_needs_owner(e->kind, *s))
                fail_msg("%s in %s needs an owner", e->kind, *s);
        }
        /* Closed through this entry; needing no owner at all unless
         * another entry of the kind holds the state. */
        for (const char *const *s = e->closed; *s; s++) {
            if (k->needs_owner(*s) || ownership_needs_owner(e->kind, *s) != owned_by_kind(e->kind, *s))
                fail_msg("%s in %s must have no owner here", e->kind, *s);
        }
        int n = 0;
        for (const char *s; (s = k->state(n)) != NULL; n++)
            if (!listed(e->owned, s) && !listed(e->closed, s))
                fail_msg("%s has an unexpected state %s", e->kind, s);
        int want = 0;
        for (const char *const *s = e->owned; *s; s++)
            want++;
        for (const char *const *s = e->closed; *s; s++)
            want++;
        assert_int_equal(n, want);
        assert_null(k->state(-1));
    }
}

/* A declined GP action is held by its own clinician task, named by the
 * letter and the action's number; a resolved one by nobody. */
static void test_declined_gp_action(void **state)
{
    (void)state;
    const ownership_kind *k = entry_of("gp_action", "gp_action_declined");
    assert_non_null(k);
    assert_string_equal(k->table, "letter_actions");
    assert_string_equal(k->key[0], "letter_id");
    assert_string_equal(k->key[1], "n");
    assert_string_equal(k->subject[0], "gp_action_letter_id");
    assert_string_equal(k->subject[1], "gp_action_n");
    assert_string_equal(k->patient_table, "letters");
    assert_true(ownership_needs_owner("gp_action", "declined"));
    assert_false(ownership_needs_owner("gp_action", "resolved"));
    assert_false(ownership_needs_owner("gp_action", "accepted"));
    assert_true(ownership_needs_owner("gp_action", "pending"));
}

/* The rule is the handoff rule: a referral or advice request needs an
 * owner exactly when it is open. */
static void test_agrees_with_handoff_rules(void **state)
{
    (void)state;
    for (int s = 0; s < REF_STATUS_COUNT; s++)
        assert_int_equal(ownership_needs_owner("referral", ref_status_name((ref_status)s)),
                         ref_status_is_open((ref_status)s));
    for (int s = 0; s < ADV_STATUS_COUNT; s++)
        assert_int_equal(ownership_needs_owner("advice", advice_status_name((advice_status)s)),
                         advice_status_is_open((advice_status)s));
}

static void test_unknown_names(void **state)
{
    (void)state;
    assert_false(ownership_needs_owner("referral", "lost"));
    assert_false(ownership_needs_owner("referral", ""));
    assert_false(ownership_needs_owner("referral", NULL));
    assert_false(ownership_needs_owner(NULL, "open"));
    assert_false(ownership_needs_owner("pathway", "open"));
    for (size_t i = 0; i < ownership_count(); i++)
        assert_false(ownership_at(i)->needs_owner(NULL));
}

/* Each entry is complete, and no two entries claim the same open task:
 * on one subject column at most one entry takes every kind of task and
 * the others name distinct task kinds. */
static void test_entries_are_complete_and_disjoint(void **state)
{
    (void)state;
    for (size_t i = 0; i < ownership_count(); i++) {
        const ownership_kind *a = ownership_at(i);
        assert_non_null(a->kind);
        assert_non_null(a->table);
        assert_non_null(a->key[0]);
        assert_non_null(a->subject[0]);
        assert_non_null(a->state_col);
        assert_non_null(a->state);
        assert_non_null(a->needs_owner);
        if (a->subject[1] != NULL)
            assert_non_null(a->key[1]);
        if (a->key[1] != NULL && a->subject[1] == NULL)
            assert_non_null(a->task_kind); /* a shared task is told apart by its kind */
        for (size_t j = i + 1; j < ownership_count(); j++) {
            const ownership_kind *b = ownership_at(j);
            if (strcmp(a->subject[0], b->subject[0]) != 0)
                continue;
            if (a->task_kind == NULL && b->task_kind == NULL)
                fail_msg("%s and %s both take every task on %s", a->kind, b->kind, a->subject[0]);
            if (a->task_kind && b->task_kind && strcmp(a->task_kind, b->task_kind) == 0)
                fail_msg("%s and %s both take %s tasks", a->kind, b->kind, a->task_kind);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_kind_is_present),
        cmocka_unit_test(test_states_of_each_kind),
        cmocka_unit_test(test_agrees_with_handoff_rules),
        cmocka_unit_test(test_declined_gp_action),
        cmocka_unit_test(test_unknown_names),
        cmocka_unit_test(test_entries_are_complete_and_disjoint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
