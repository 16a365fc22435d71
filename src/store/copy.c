/*
 * copy.c - seam copy: SQLite to PostgreSQL (or any backend to any other).
 */
#include "store/copy.h"
#include "common/rc.h"
#include "store/db_backend.h"
#include "store/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tables in dependency order, with their columns.  Keep in step with
 * migrate.c: the count check after the copy catches a missed table, and
 * tests/api/copy.test.mjs compares whole rows. */
static const struct {
    const char *table;
    const char *columns;
    int ncols;
    const char *order;
    int identity; /* has an auto-numbered id to move on afterwards */
} tables[] = {
    {"organisations", "code, name, kind, icb_code, postcode, phone", 6, "code", 0},
    {"services",
     "id, trust_code, name, specialty, treatment_function_code, accepts_referrals, accepts_advice,"
     " triage_days_routine, triage_days_urgent, triage_days_2ww, booking_days_routine, booking_days_urgent,"
     " booking_days_2ww, outcome_days, review_days, gp_contact, patient_contact, advice_days_routine, "
     "advice_days_urgent, letter_days, declined_action_days",
     21, "id", 1},
    {"users", "username, display_name, role, org_code, service_id, nhs_number, active, persona", 8, "username", 0},
    {"user_services", "username, service_id, added_at, added_by", 4, "username, service_id", 0},
    {"patients",
     "nhs_number, icb_code, given_name, family_name, birth_date, sex, postcode, lsoa, imd_decile, ethnicity,"
     " practice_code",
     11, "nhs_number", 0},
    {"referrals",
     "id, icb_code, patient_nhs_number, requester_username, requester_org, service_id, original_service_id,"
     " onward_from, priority, status, reason, clinical_summary, clock_start, triage_comment, return_reason,"
     " return_advice, returned_at, returned_by, appointment_at, withdraw_reason, status_since, created_at,"
     " updated_at, version, pathway_id, same_condition, advice_id, return_reason_code",
     28, "id", 1},
    {"advice_requests",
     "id, icb_code, patient_nhs_number, requester_username, requester_org, service_id, priority, question,"
     " consent_to_convert, status, from_referral_id, converted_referral_id, responder_username, outcome_answer,"
     " outcome_what_to_do, outcome_if_worse, outcome_by, outcome_at, first_response_at, requested_at, status_since,"
     " created_at, updated_at, version",
     24, "id", 1},
    {"advice_messages",
     "id, icb_code, advice_id, at, author, author_role, author_org, kind, text, answer, what_to_do, if_worse", 12, "id",
     1},
    {"attachments",
     "id, icb_code, advice_id, filename, content_type, size_bytes, sha256, data, uploaded_by, uploaded_at", 10, "id",
     1},
    {"result_orders",
     "id, icb_code, patient_nhs_number, service_id, referral_id, test, urgency, ordered_by, ordered_at, expected_by,"
     " status, result_id",
     12, "id", 1},
    {"results",
     "id, icb_code, order_id, patient_nhs_number, service_id, summary, abnormal, received_at, received_by, status,"
     " reviewed_by, reviewed_at, action_taken, patient_told, handover_reason, handover_by, handover_at,"
     " handover_decision, handover_decline_reason, handover_decided_by, handover_decided_at, version",
     22, "id", 1},
    {"unmatched_results", "id, trust_code, received_at, received_by, order_ref, payload", 6, "id", 1},
    {"letters",
     "id, icb_code, kind, status, patient_nhs_number, service_id, referral_id, event_at, due_at, sent_at, author,"
     " diagnosis, medication_changes, days_medication_supplied, hospital_actions, read_at, read_by, created_at,"
     " version",
     19, "id", 1},
    {"letter_actions",
     "letter_id, n, text, reason, status, decline_reason, decided_by, decided_at, outcome, outcome_note, resolved_by,"
     " resolved_at",
     12, "letter_id, n", 0},
    {"fit_notes",
     "id, icb_code, patient_nhs_number, service_id, letter_id, issued_by, issued_at, from_date, to_date, condition,"
     " setting",
     11, "id", 1},
    {"follow_ups",
     "id, icb_code, kind, status, patient_nhs_number, service_id, referral_id, window_start, window_end,"
     " appointment_at, created_by, created_at, version",
     13, "id", 1},
    {"ptl_imports",
     "id, trust_code, filename, sha256, started_at, finished_at, status, rows_read, inserted, updated, unchanged,"
     " rejected, patients_created, imported_by",
     14, "id", 1},
    {"pathways",
     "id, icb_code, patient_nhs_number, trust_code, service_id, ppi, ppi_issuer, referral_id,"
     " treatment_function_code, referral_priority, referral_received, clock_start, clock_start_day, clock_stop,"
     " clock_stop_day, rtt_status, open, waiting_list_type, priority, priority_set_at, priority_set_by,"
     " priority_reason, treat_by, review_date, last_activity, next_activity, imd_decile, ethnic_group, sex,"
     " birth_day, source, import_id, created_at, updated_at, version",
     35, "id", 1},
    {"rtt_periods",
     "id, icb_code, pathway_id, period, service_id, start_date, start_day, start_status, start_rule, stop_date,"
     " stop_day, stop_status, nullified, nullified_reason, current, created_at, updated_at",
     17, "id", 1},
    {"priority_reviews",
     "id, icb_code, pathway_id, patient_nhs_number, service_id, status, reason, requested_by, requested_org,"
     " requested_at, due_at, outcome, answer, from_priority, to_priority, answered_by, answered_at, read_at, version",
     19, "id", 1},
    {"priority_changes",
     "id, icb_code, pathway_id, at, by_username, from_priority, to_priority, reason, treat_by, review_date,"
     " review_id",
     11, "id", 1},
    {"tasks",
     "id, icb_code, referral_id, advice_id, kind, owner_org, owner_service_id, owner_role, due_at, state, "
     "escalation_level,"
     " created_at, closed_at, closed_by, patient_nhs_number, service_id, order_id, result_id, letter_id, follow_up_id,"
     " review_id, gp_action_letter_id, gp_action_n",
     23, "id", 1},
    {"events",
     "id, icb_code, at, actor, actor_role, actor_org, on_behalf_of, action, object_type, object_id,"
     " patient_nhs_number, before_json, after_json, detail",
     14, "id", 1},
    {"idempotency", "username, idem_key, request_hash, status, body, created_at", 6, "username, idem_key", 0},
    {"settings", "key, value", 2, "key", 0},
};

#define N_TABLES ((int)(sizeof(tables) / sizeof(tables[0])))
#define BATCH    2000

static int empty_target(db *to)
{
    if (db_dialect_of(to) == DB_POSTGRES)
        return db_exec_script(
            to, "TRUNCATE organisations, services, users, user_services, patients, referrals, advice_requests,"
                " advice_messages, attachments, result_orders, results, unmatched_results,"
                " letters, letter_actions, fit_notes, follow_ups, ptl_imports, pathways,"
                " rtt_periods, priority_reviews, priority_changes, tasks, events, idempotency, settings");
    /* SQLite: the audit log refuses DELETE; lift the guard for this
     * transaction only (DDL is transactional in SQLite). */
    return db_exec_script(
        to, "DROP TRIGGER events_no_delete;"
            "DELETE FROM idempotency; DELETE FROM events; DELETE FROM tasks; DELETE FROM priority_changes;"
            "DELETE FROM priority_reviews; DELETE FROM rtt_periods; DELETE FROM pathways; DELETE FROM ptl_imports;"
            "DELETE FROM attachments;"
            "DELETE FROM advice_messages; DELETE FROM unmatched_results; DELETE FROM fit_notes;"
            "DELETE FROM letter_actions; DELETE FROM follow_ups; DELETE FROM letters;"
            "DELETE FROM results; DELETE FROM result_orders; DELETE FROM advice_requests;"
            "DELETE FROM referrals; DELETE FROM user_services; DELETE FROM users; DELETE FROM patients;"
            "DELETE FROM services; DELETE FROM organisations; DELETE FROM settings;"
            "CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
            " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;");
}

static int copy_table(db *from, db *to, int t, long long *copied)
{
    if (tables[t].ncols > 48)
        return SEAM_EINTERNAL;
    char insert[2048], select[2048];
    size_t len =
        (size_t)snprintf(insert, sizeof(insert), "INSERT INTO %s (%s) VALUES (", tables[t].table, tables[t].columns);
    for (int c = 0; c < tables[t].ncols; c++)
        len += (size_t)snprintf(insert + len, sizeof(insert) - len, "%s$%d", c ? ", " : "", c + 1);
    snprintf(insert + len, sizeof(insert) - len, ")");
    db_param p[48];
    *copied = 0;
    /* Read in pages (keyset on the ordering column where it is single). */
    for (long long offset = 0;; offset += BATCH) {
        snprintf(select, sizeof(select), "SELECT %s FROM %s ORDER BY %s LIMIT %d OFFSET %lld", tables[t].columns,
                 tables[t].table, tables[t].order, BATCH, offset);
        db_rows *r;
        int rc = db_query(from, select, 0, NULL, &r);
        if (rc)
            return rc;
        int n = db_nrows(r);
        for (int i = 0; i < n && rc == 0; i++) {
            for (int c = 0; c < tables[t].ncols; c++)
                p[c] = DBP_TEXT(db_get(r, i, c));
            rc = db_exec(to, insert, tables[t].ncols, p);
        }
        db_rows_free(r);
        if (rc)
            return rc;
        *copied += n;
        if (n < BATCH)
            return 0;
    }
}

int store_copy(db *from, db *to, int replace, FILE *log)
{
    int v = 0, rc;
    if ((rc = migrate_current(from, &v)))
        return rc;
    if (v != migrate_latest()) {
        snprintf(from->errmsg, sizeof(from->errmsg),
                 "the source is at schema version %d, not %d; run seam migrate on it first", v, migrate_latest());
        return SEAM_ECONFLICT;
    }
    if ((rc = migrate_up(to, NULL)))
        return rc;
    long long existing = 0;
    for (int t = 0; t < N_TABLES; t++) {
        char sql[128];
        long long n;
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[t].table);
        if ((rc = db_query_int(to, sql, 0, NULL, 0, &n)))
            return rc;
        existing += n;
    }
    if (existing > 0 && !replace) {
        snprintf(to->errmsg, sizeof(to->errmsg),
                 "the target already holds %lld rows; copy into an empty database, or add --replace to delete"
                 " the target's data first",
                 existing);
        return SEAM_ECONFLICT;
    }
    if ((rc = db_begin(to)))
        return rc;
    if (existing > 0 && (rc = empty_target(to)))
        goto fail;
    for (int t = 0; t < N_TABLES; t++) {
        long long copied;
        if ((rc = copy_table(from, to, t, &copied)))
            goto fail;
        if (tables[t].identity && db_dialect_of(to) == DB_POSTGRES) {
            char sql[256];
            snprintf(sql, sizeof(sql),
                     "SELECT setval(pg_get_serial_sequence('%s', 'id'), COALESCE((SELECT max(id) FROM %s), 0) + 1,"
                     " false)",
                     tables[t].table, tables[t].table);
            db_rows *r;
            if ((rc = db_query(to, sql, 0, NULL, &r)))
                goto fail;
            db_rows_free(r);
        }
        if (log)
            fprintf(log, "seam copy: %-14s %lld rows\n", tables[t].table, copied);
    }
    /* Verify before committing: every table has the same number of rows. */
    for (int t = 0; t < N_TABLES; t++) {
        char sql[128];
        long long a, b;
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[t].table);
        if ((rc = db_query_int(from, sql, 0, NULL, 0, &a)) || (rc = db_query_int(to, sql, 0, NULL, 0, &b)))
            goto fail;
        if (a != b) {
            snprintf(to->errmsg, sizeof(to->errmsg),
                     "verification failed: %s has %lld rows in the source and %lld"
                     " in the target; nothing was copied",
                     tables[t].table, a, b);
            rc = SEAM_EIO;
            goto fail;
        }
    }
    if ((rc = db_commit(to)))
        goto fail;
    if (log)
        fprintf(log, "seam copy: verified: every table has the same row count in source and target\n");
    return 0;
fail : {
    char msg[400];
    snprintf(msg, sizeof(msg), "%.399s", to->errmsg);
    db_rollback(to);
    snprintf(to->errmsg, sizeof(to->errmsg), "%s", msg);
}
    return rc;
}
