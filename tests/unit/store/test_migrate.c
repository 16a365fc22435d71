/*
 * test_migrate.c - upgrading a database from an older schema (src/store/
 * migrate.c), on an in-memory SQLite database: migration 6 gives every GP
 * action declined before the upgrade its owner (the hospital's task, due as
 * core/care rules) and records it in the audit log; later migrations keep
 * it; a database is never migrated past the target asked for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/rc.h"
#include "core/calendar.h"
#include "core/care.h"
#include "core/seam_time.h"
#include "store/db.h"
#include "store/migrate.h"

#include <string.h>

static db *at_version_5(void)
{
    db *d = NULL;
    char err[200];
    int applied = 0, v = 0;
    assert_int_equal(db_open(":memory:", &d, err, sizeof(err)), 0);
    assert_int_equal(migrate_to(d, 5, &applied), 0);
    assert_int_equal(applied, 5);
    assert_int_equal(migrate_current(d, &v), 0);
    assert_int_equal(v, 5);
    /* A trust, a practice, a service, a patient and a clinic letter with
     * three GP actions: one declined (nobody owned it before migration 6),
     * one accepted, one pending. */
    assert_int_equal(
        db_exec_script(
            d, "INSERT INTO organisations (code, name, kind, icb_code) VALUES ('QXX', 'ICB', 'icb', 'QXX'),"
               " ('RZA', 'Northgate Hospitals', 'trust', 'QXX'), ('A81001', 'Riverside Surgery', 'practice', 'QXX');"
               "INSERT INTO services (id, trust_code, name, specialty, treatment_function_code)"
               " VALUES (7, 'RZA', 'Cardiology', 'Cardiology', '320');"
               "INSERT INTO patients (nhs_number, icb_code, given_name, family_name, birth_date, sex, practice_code)"
               " VALUES ('9990001219', 'QXX', 'Daniel', 'ALI', '1970-01-01', 'male', 'A81001');"
               "INSERT INTO letters (id, icb_code, kind, status, patient_nhs_number, service_id, event_at, due_at,"
               " created_at) VALUES (31, 'QXX', 'clinic', 'sent', '9990001219', 7, '2026-11-02T09:00:00Z',"
               " '2026-11-11T09:00:00Z', '2026-11-02T09:00:00Z');"
               "INSERT INTO letter_actions (letter_id, n, text, reason, status, decline_reason, decided_by,"
               " decided_at) VALUES (31, 1, 'Arrange a 24-hour ECG', 'Palpitations', 'declined',"
               " 'Not commissioned in primary care', 'gp.patel', '2026-11-06T10:00:00Z'),"
               " (31, 2, 'Check thyroid function', 'Exclude thyrotoxicosis', 'accepted', NULL, 'gp.patel',"
               " '2026-11-06T10:00:00Z'),"
               " (31, 3, 'Repeat blood pressure', 'Borderline', 'pending', NULL, NULL, NULL);"),
        0);
    return d;
}

static void test_migrate_to_stops_at_the_target(void **state)
{
    db *d = at_version_5();
    long long n = -1;
    assert_int_equal(db_query_int(d, "SELECT count(*) FROM schema_migrations WHERE version > 5", 0, NULL, 0, &n), 0);
    assert_int_equal(n, 0);
    db_close(d);
}

static void test_declined_action_gets_its_owner_on_upgrade(void **state)
{
    db *d = at_version_5();
    int applied = 0, v = 0;
    assert_int_equal(migrate_up(d, &applied), 0);
    assert_int_equal(applied, migrate_latest() - 5);
    assert_int_equal(migrate_current(d, &v), 0);
    assert_int_equal(v, migrate_latest());

    db_rows *r;
    assert_int_equal(db_query(d,
                              "SELECT gp_action_letter_id, gp_action_n, kind, owner_org, owner_service_id, owner_role,"
                              " due_at, state, patient_nhs_number, created_at FROM tasks",
                              0, NULL, &r),
                     0);
    assert_int_equal(db_nrows(r), 1); /* the declined action only */
    assert_int_equal(db_geti(r, 0, 0), 31);
    assert_int_equal(db_geti(r, 0, 1), 1);
    handoff_rule rule;
    care_gp_action_declined_rule(&rule);
    assert_string_equal(db_get(r, 0, 2), rule.task_kind);
    assert_string_equal(db_get(r, 0, 3), "RZA");
    assert_int_equal(db_geti(r, 0, 4), 7);
    assert_string_equal(db_get(r, 0, 5), "clinician");
    /* Due five working days after the decline (the service's default target). */
    seam_time declined, due;
    assert_int_equal(seam_time_parse("2026-11-06T10:00:00Z", &declined), 0);
    char want[SEAM_ISO_LEN];
    seam_time_format(cal_add_working_days(declined, 5), want);
    assert_string_equal(db_get(r, 0, 6), want);
    assert_int_equal(seam_time_parse(db_get(r, 0, 6), &due), 0);
    assert_true(due > declined);
    assert_string_equal(db_get(r, 0, 7), "open");
    assert_string_equal(db_get(r, 0, 8), "9990001219");
    assert_string_equal(db_get(r, 0, 9), "2026-11-06T10:00:00Z");
    db_rows_free(r);

    assert_int_equal(db_query(d, "SELECT actor, action, object_type, object_id, patient_nhs_number, detail FROM events",
                              0, NULL, &r),
                     0);
    assert_int_equal(db_nrows(r), 1);
    assert_string_equal(db_get(r, 0, 0), "system");
    assert_string_equal(db_get(r, 0, 1), "migration.gp_action_task_opened");
    assert_string_equal(db_get(r, 0, 2), "letter");
    assert_string_equal(db_get(r, 0, 3), "31");
    assert_string_equal(db_get(r, 0, 4), "9990001219");
    assert_non_null(strstr(db_get(r, 0, 5), want));
    db_rows_free(r);

    /* Running it again changes nothing. */
    assert_int_equal(migrate_up(d, &applied), 0);
    assert_int_equal(applied, 0);
    long long n = 0;
    assert_int_equal(db_query_int(d, "SELECT count(*) FROM tasks", 0, NULL, 0, &n), 0);
    assert_int_equal(n, 1);
    db_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrate_to_stops_at_the_target),
        cmocka_unit_test(test_declined_action_gets_its_owner_on_upgrade),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
