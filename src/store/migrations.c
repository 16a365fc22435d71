/*
 * migrations.c - the schema, as numbered migrations: each one's SQL (shared
 * by every backend; an auto-numbered key is written {{ID}} and expanded
 * per backend by migrate.c) and, where the SQL cannot make some data, a
 * function run after it in the same transaction.  Every patient-scoped
 * table carries icb_code, the distribution key for a sharded national
 * deployment.  A migration once released never changes; a change is a new
 * one at the end.
 */
#include "common/rc.h"
#include "core/care.h"
#include "core/seam_time.h"
#include "store/migrations.h"

#include <stdio.h>

static const char *const migration_1 =
    "CREATE TABLE organisations ("
    " code TEXT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('icb','trust','practice')),"
    " icb_code TEXT NOT NULL,"
    " postcode TEXT,"
    " phone TEXT);"
    "CREATE TABLE services ("
    " id {{ID}},"
    " trust_code TEXT NOT NULL REFERENCES organisations(code),"
    " name TEXT NOT NULL,"
    " specialty TEXT NOT NULL,"
    " treatment_function_code TEXT NOT NULL,"
    " accepts_referrals INTEGER NOT NULL DEFAULT 1,"
    " accepts_advice INTEGER NOT NULL DEFAULT 1,"
    " triage_days_routine INTEGER NOT NULL DEFAULT 5,"
    " triage_days_urgent INTEGER NOT NULL DEFAULT 2,"
    " triage_days_2ww INTEGER NOT NULL DEFAULT 1,"
    " booking_days_routine INTEGER NOT NULL DEFAULT 10,"
    " booking_days_urgent INTEGER NOT NULL DEFAULT 5,"
    " booking_days_2ww INTEGER NOT NULL DEFAULT 2,"
    " outcome_days INTEGER NOT NULL DEFAULT 7,"
    " review_days INTEGER NOT NULL DEFAULT 10,"
    " gp_contact TEXT,"
    " patient_contact TEXT,"
    " UNIQUE (trust_code, name));"
    "CREATE TABLE users ("
    " username TEXT PRIMARY KEY,"
    " display_name TEXT NOT NULL,"
    " role TEXT NOT NULL CHECK (role IN ('gp','practice_admin','clinician','triager','booking',"
    "   'interface_lead','icb_analyst','patient','admin')),"
    " org_code TEXT NOT NULL REFERENCES organisations(code),"
    " service_id INTEGER REFERENCES services(id),"
    " nhs_number TEXT,"
    " active INTEGER NOT NULL DEFAULT 1,"
    " persona INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE patients ("
    " nhs_number TEXT PRIMARY KEY,"
    " icb_code TEXT NOT NULL,"
    " given_name TEXT NOT NULL,"
    " family_name TEXT NOT NULL,"
    " birth_date TEXT NOT NULL,"
    " sex TEXT NOT NULL,"
    " postcode TEXT,"
    " lsoa TEXT,"
    " imd_decile INTEGER,"
    " ethnicity TEXT,"
    " practice_code TEXT NOT NULL REFERENCES organisations(code));"
    "CREATE INDEX patients_practice ON patients (practice_code, family_name);"
    "CREATE TABLE referrals ("
    " id {{ID}},"
    " icb_code TEXT NOT NULL,"
    " patient_nhs_number TEXT NOT NULL REFERENCES patients(nhs_number),"
    " requester_username TEXT NOT NULL,"
    " requester_org TEXT NOT NULL,"
    " service_id INTEGER NOT NULL REFERENCES services(id),"
    " original_service_id INTEGER REFERENCES services(id),"
    " onward_from INTEGER,"
    " priority TEXT NOT NULL CHECK (priority IN ('routine','urgent','two_week_wait')),"
    " status TEXT NOT NULL,"
    " reason TEXT NOT NULL,"
    " clinical_summary TEXT NOT NULL,"
    " clock_start TEXT NOT NULL,"
    " triage_comment TEXT,"
    " return_reason TEXT,"
    " return_advice TEXT,"
    " returned_at TEXT,"
    " returned_by TEXT,"
    " appointment_at TEXT,"
    " withdraw_reason TEXT,"
    " status_since TEXT NOT NULL,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL,"
    " version INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX referrals_service ON referrals (service_id, status);"
    "CREATE INDEX referrals_patient ON referrals (patient_nhs_number);"
    "CREATE INDEX referrals_icb ON referrals (icb_code, status);"
    "CREATE TABLE tasks ("
    " id {{ID}},"
    " icb_code TEXT NOT NULL,"
    " referral_id INTEGER REFERENCES referrals(id),"
    " advice_id INTEGER,"
    " kind TEXT NOT NULL,"
    " owner_org TEXT NOT NULL REFERENCES organisations(code),"
    " owner_service_id INTEGER REFERENCES services(id),"
    " owner_role TEXT NOT NULL,"
    " due_at TEXT NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','done')),"
    " escalation_level INTEGER NOT NULL DEFAULT 0,"
    " created_at TEXT NOT NULL,"
    " closed_at TEXT,"
    " closed_by TEXT);"
    /* Exactly one open task per subject (referral, advice request, ...):
     * the one owner at every moment.  Each task names exactly one subject;
     * app__task_move is the one writer.  New kinds of subject add a column
     * and an index like these. */
    "CREATE UNIQUE INDEX tasks_one_open ON tasks (referral_id) WHERE state = 'open';"
    "CREATE UNIQUE INDEX tasks_one_open_advice ON tasks (advice_id) WHERE state = 'open';"
    "CREATE INDEX tasks_owner ON tasks (owner_org, owner_role, state, due_at);"
    "CREATE INDEX tasks_due ON tasks (state, due_at);"
    "CREATE TABLE events ("
    " id {{ID}},"
    " icb_code TEXT,"
    " at TEXT NOT NULL,"
    " actor TEXT NOT NULL,"
    " actor_role TEXT NOT NULL,"
    " actor_org TEXT,"
    " on_behalf_of TEXT,"
    " action TEXT NOT NULL,"
    " object_type TEXT NOT NULL,"
    " object_id TEXT,"
    " patient_nhs_number TEXT,"
    " before_json TEXT,"
    " after_json TEXT,"
    " detail TEXT);"
    "CREATE INDEX events_object ON events (object_type, object_id, id);"
    "CREATE INDEX events_patient ON events (patient_nhs_number, id);"
    "CREATE TABLE idempotency ("
    " username TEXT NOT NULL,"
    " idem_key TEXT NOT NULL,"
    " request_hash TEXT NOT NULL,"
    " status INTEGER NOT NULL,"
    " body TEXT NOT NULL,"
    " created_at TEXT NOT NULL,"
    " PRIMARY KEY (username, idem_key));"
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

/* The audit log is append-only: the database itself refuses changes. */
static const char *const migration_2_sqlite = "CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
                                              " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
                                              "CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
                                              " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;";

static const char *const migration_2_postgres =
    "CREATE FUNCTION seam_events_append_only() RETURNS trigger LANGUAGE plpgsql AS"
    " $f$ BEGIN RAISE EXCEPTION 'events are append-only'; END; $f$;"
    "CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events"
    " FOR EACH ROW EXECUTE FUNCTION seam_events_append_only();";

/* Advice and guidance, onward referral, return reason codes. */
static const char *const migration_3 =
    "ALTER TABLE services ADD COLUMN advice_days_routine INTEGER NOT NULL DEFAULT 5;"
    "ALTER TABLE services ADD COLUMN advice_days_urgent INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE referrals ADD COLUMN pathway_id TEXT;"
    "ALTER TABLE referrals ADD COLUMN same_condition INTEGER;"
    "ALTER TABLE referrals ADD COLUMN advice_id INTEGER;"
    "ALTER TABLE referrals ADD COLUMN return_reason_code TEXT;"
    "CREATE TABLE advice_requests ("
    " id {{ID}},"
    " icb_code TEXT NOT NULL,"
    " patient_nhs_number TEXT NOT NULL REFERENCES patients(nhs_number),"
    " requester_username TEXT NOT NULL,"
    " requester_org TEXT NOT NULL,"
    " service_id INTEGER NOT NULL REFERENCES services(id),"
    " priority TEXT NOT NULL CHECK (priority IN ('routine','urgent')),"
    " question TEXT NOT NULL,"
    " consent_to_convert INTEGER NOT NULL,"
    " status TEXT NOT NULL,"
    " from_referral_id INTEGER REFERENCES referrals(id),"
    " converted_referral_id INTEGER REFERENCES referrals(id),"
    " responder_username TEXT,"
    " outcome_answer TEXT,"
    " outcome_what_to_do TEXT,"
    " outcome_if_worse TEXT,"
    " outcome_by TEXT,"
    " outcome_at TEXT,"
    " first_response_at TEXT,"
    " requested_at TEXT NOT NULL,"
    " status_since TEXT NOT NULL,"
    " created_at TEXT NOT NULL,"
    " updated_at TEXT NOT NULL,"
    " version INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX advice_service ON advice_requests (service_id, status);"
    "CREATE INDEX advice_patient ON advice_requests (patient_nhs_number);"
    "CREATE TABLE advice_messages ("
    " id {{ID}},"
    " icb_code TEXT NOT NULL,"
    " advice_id INTEGER NOT NULL REFERENCES advice_requests(id),"
    " at TEXT NOT NULL,"
    " author TEXT NOT NULL,"
    " author_role TEXT NOT NULL,"
    " author_org TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " text TEXT,"
    " answer TEXT,"
    " what_to_do TEXT,"
    " if_worse TEXT);"
    "CREATE INDEX advice_messages_thread ON advice_messages (advice_id, id);"
    "CREATE TABLE attachments ("
    " id {{ID}},"
    " icb_code TEXT NOT NULL,"
    " advice_id INTEGER NOT NULL REFERENCES advice_requests(id),"
    " filename TEXT NOT NULL,"
    " content_type TEXT NOT NULL,"
    " size_bytes INTEGER NOT NULL,"
    " sha256 TEXT NOT NULL,"
    " data TEXT NOT NULL,"
    " uploaded_by TEXT NOT NULL,"
    " uploaded_at TEXT NOT NULL);"
    "CREATE INDEX attachments_advice ON attachments (advice_id, id);"
    "UPDATE referrals SET pathway_id = (SELECT s.trust_code FROM services s WHERE s.id = referrals.service_id)"
    " || '-' || CAST(id AS TEXT) WHERE pathway_id IS NULL;";

/* Complete care: results, letters, fit notes, follow-ups.  Tasks gain the
 * new subjects and carry the patient and service they concern, so
 * worklists and the failsafe need not know every kind of subject. */
static const char *const migration_4 =
    "ALTER TABLE services ADD COLUMN letter_days INTEGER NOT NULL DEFAULT 7;"
    "ALTER TABLE tasks ADD COLUMN patient_nhs_number TEXT;"
    "ALTER TABLE tasks ADD COLUMN service_id INTEGER;"
    "ALTER TABLE tasks ADD COLUMN order_id INTEGER;"
    "ALTER TABLE tasks ADD COLUMN result_id INTEGER;"
    "ALTER TABLE tasks ADD COLUMN letter_id INTEGER;"
    "ALTER TABLE tasks ADD COLUMN follow_up_id INTEGER;"
    "UPDATE tasks SET patient_nhs_number = (SELECT r.patient_nhs_number FROM referrals r WHERE r.id ="
    " tasks.referral_id), service_id = (SELECT r.service_id FROM referrals r WHERE r.id = tasks.referral_id)"
    " WHERE referral_id IS NOT NULL;"
    "UPDATE tasks SET patient_nhs_number = (SELECT a.patient_nhs_number FROM advice_requests a WHERE a.id ="
    " tasks.advice_id), service_id = (SELECT a.service_id FROM advice_requests a WHERE a.id = tasks.advice_id)"
    " WHERE advice_id IS NOT NULL;"
    "CREATE UNIQUE INDEX tasks_one_open_order ON tasks (order_id) WHERE state = 'open';"
    "CREATE UNIQUE INDEX tasks_one_open_result ON tasks (result_id) WHERE state = 'open';"
    "CREATE UNIQUE INDEX tasks_one_open_letter ON tasks (letter_id) WHERE state = 'open';"
    "CREATE UNIQUE INDEX tasks_one_open_follow_up ON tasks (follow_up_id) WHERE state = 'open';"
    "CREATE TABLE result_orders ("
    " id {{ID}}, icb_code TEXT NOT NULL,"
    " patient_nhs_number TEXT NOT NULL REFERENCES patients(nhs_number),"
    " service_id INTEGER NOT NULL REFERENCES services(id), referral_id INTEGER REFERENCES referrals(id),"
    " test TEXT NOT NULL, urgency TEXT NOT NULL CHECK (urgency IN ('routine','urgent')),"
    " ordered_by TEXT NOT NULL, ordered_at TEXT NOT NULL, expected_by TEXT NOT NULL,"
    " status TEXT NOT NULL, result_id INTEGER);"
    "CREATE TABLE results ("
    " id {{ID}}, icb_code TEXT NOT NULL, order_id INTEGER NOT NULL REFERENCES result_orders(id),"
    " patient_nhs_number TEXT NOT NULL, service_id INTEGER NOT NULL REFERENCES services(id),"
    " summary TEXT NOT NULL, abnormal INTEGER NOT NULL, received_at TEXT NOT NULL, received_by TEXT NOT NULL,"
    " status TEXT NOT NULL, reviewed_by TEXT, reviewed_at TEXT, action_taken TEXT, patient_told INTEGER,"
    " handover_reason TEXT, handover_by TEXT, handover_at TEXT, handover_decision TEXT,"
    " handover_decline_reason TEXT, handover_decided_by TEXT, handover_decided_at TEXT,"
    " version INTEGER NOT NULL DEFAULT 1);"
    "CREATE TABLE unmatched_results ("
    " id {{ID}}, trust_code TEXT NOT NULL, received_at TEXT NOT NULL, received_by TEXT NOT NULL,"
    " order_ref TEXT, payload TEXT NOT NULL);"
    "CREATE TABLE letters ("
    " id {{ID}}, icb_code TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('clinic','discharge')),"
    " status TEXT NOT NULL, patient_nhs_number TEXT NOT NULL REFERENCES patients(nhs_number),"
    " service_id INTEGER NOT NULL REFERENCES services(id), referral_id INTEGER REFERENCES referrals(id),"
    " event_at TEXT NOT NULL, due_at TEXT NOT NULL, sent_at TEXT, author TEXT,"
    " diagnosis TEXT, medication_changes TEXT, days_medication_supplied INTEGER, hospital_actions TEXT,"
    " read_at TEXT, read_by TEXT, created_at TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX letters_patient ON letters (patient_nhs_number);"
    "CREATE TABLE letter_actions ("
    " letter_id INTEGER NOT NULL REFERENCES letters(id), n INTEGER NOT NULL, text TEXT NOT NULL,"
    " reason TEXT NOT NULL, status TEXT NOT NULL, decline_reason TEXT, decided_by TEXT, decided_at TEXT,"
    " PRIMARY KEY (letter_id, n));"
    "CREATE TABLE fit_notes ("
    " id {{ID}}, icb_code TEXT NOT NULL, patient_nhs_number TEXT NOT NULL REFERENCES patients(nhs_number),"
    " service_id INTEGER NOT NULL REFERENCES services(id), letter_id INTEGER REFERENCES letters(id),"
    " issued_by TEXT NOT NULL, issued_at TEXT NOT NULL, from_date TEXT NOT NULL, to_date TEXT NOT NULL,"
    " condition TEXT NOT NULL, setting TEXT NOT NULL CHECK (setting IN ('clinic','discharge')));"
    "CREATE TABLE follow_ups ("
    " id {{ID}}, icb_code TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('window','pifu')),"
    " status TEXT NOT NULL, patient_nhs_number TEXT NOT NULL REFERENCES patients(nhs_number),"
    " service_id INTEGER NOT NULL REFERENCES services(id), referral_id INTEGER REFERENCES referrals(id),"
    " window_start TEXT NOT NULL, window_end TEXT NOT NULL, appointment_at TEXT, created_by TEXT NOT NULL,"
    " created_at TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1);";

/* The shared waiting list: RTT pathways (from Seam's own referrals and
 * from trusts' PTL imports), clinical priority and its history, priority
 * reviews asked by GPs (a task subject), and the record of each import.
 * Patient demographics used by the inequality measures are copied onto
 * the pathway when it is written, so national measures scan one index. */
static const char *const migration_5 =
    "ALTER TABLE tasks ADD COLUMN review_id INTEGER;"
    "CREATE UNIQUE INDEX tasks_one_open_review ON tasks (review_id) WHERE state = 'open';"
    "CREATE TABLE ptl_imports ("
    " id {{ID}}, trust_code TEXT NOT NULL REFERENCES organisations(code), filename TEXT NOT NULL,"
    " sha256 TEXT, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL,"
    " rows_read INTEGER NOT NULL DEFAULT 0, inserted INTEGER NOT NULL DEFAULT 0,"
    " updated INTEGER NOT NULL DEFAULT 0, unchanged INTEGER NOT NULL DEFAULT 0,"
    " rejected INTEGER NOT NULL DEFAULT 0, patients_created INTEGER NOT NULL DEFAULT 0,"
    " imported_by TEXT NOT NULL);"
    "CREATE TABLE pathways ("
    " id {{ID}}, icb_code TEXT NOT NULL,"
    " patient_nhs_number TEXT NOT NULL REFERENCES patients(nhs_number),"
    " trust_code TEXT NOT NULL REFERENCES organisations(code),"
    " service_id INTEGER NOT NULL REFERENCES services(id),"
    " ppi TEXT NOT NULL, ppi_issuer TEXT NOT NULL,"
    " referral_id INTEGER REFERENCES referrals(id),"
    " treatment_function_code TEXT NOT NULL,"
    " referral_priority TEXT,"
    " referral_received TEXT NOT NULL,"
    " clock_start TEXT NOT NULL, clock_start_day INTEGER NOT NULL,"
    " clock_stop TEXT, clock_stop_day INTEGER,"
    " rtt_status TEXT NOT NULL,"
    " open INTEGER NOT NULL,"
    " waiting_list_type TEXT,"
    " priority TEXT, priority_set_at TEXT, priority_set_by TEXT, priority_reason TEXT,"
    " treat_by TEXT, review_date TEXT,"
    " last_activity TEXT, next_activity TEXT,"
    " imd_decile INTEGER, ethnic_group TEXT, sex TEXT, birth_day INTEGER,"
    " source TEXT NOT NULL CHECK (source IN ('seam','import')), import_id INTEGER,"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1,"
    /* a nullified clock (33) is never on the list: the measures rely on it */
    " CHECK (open = 0 OR rtt_status <> '33'),"
    " UNIQUE (trust_code, ppi));"
    /* priority: a trust's or ICB's list summary reads the index alone */
    "CREATE INDEX pathways_trust ON pathways (trust_code, open, clock_start_day, priority);"
    "CREATE INDEX pathways_service ON pathways (service_id, open, clock_start_day);"
    "CREATE INDEX pathways_icb ON pathways (icb_code, open, clock_start_day, priority);"
    /* A practice's waiting list: its patients' NHS numbers from the one
     * index, then each one's open pathways from the other, no table reads
     * until the page's own rows (p99 of 35 ms down to 8 ms at England scale). */
    "CREATE INDEX pathways_patient ON pathways (patient_nhs_number, open, clock_start_day, priority);"
    "DROP INDEX patients_practice;"
    "CREATE INDEX patients_practice ON patients (practice_code, family_name, nhs_number);"
    "CREATE INDEX pathways_referral ON pathways (referral_id);"
    "CREATE INDEX pathways_measures ON pathways (open, clock_start_day, imd_decile, ethnic_group, sex, birth_day,"
    " rtt_status);"
    "CREATE TABLE priority_changes ("
    " id {{ID}}, icb_code TEXT NOT NULL, pathway_id INTEGER NOT NULL REFERENCES pathways(id),"
    " at TEXT NOT NULL, by_username TEXT NOT NULL, from_priority TEXT, to_priority TEXT NOT NULL,"
    " reason TEXT NOT NULL, treat_by TEXT, review_date TEXT, review_id INTEGER);"
    "CREATE INDEX priority_changes_pathway ON priority_changes (pathway_id, id);"
    "CREATE TABLE priority_reviews ("
    " id {{ID}}, icb_code TEXT NOT NULL, pathway_id INTEGER NOT NULL REFERENCES pathways(id),"
    " patient_nhs_number TEXT NOT NULL, service_id INTEGER NOT NULL REFERENCES services(id),"
    " status TEXT NOT NULL CHECK (status IN ('open','answered','withdrawn')),"
    " reason TEXT NOT NULL, requested_by TEXT NOT NULL, requested_org TEXT NOT NULL,"
    " requested_at TEXT NOT NULL, due_at TEXT NOT NULL,"
    " outcome TEXT CHECK (outcome IN ('reprioritised','unchanged')), answer TEXT,"
    " from_priority TEXT, to_priority TEXT, answered_by TEXT, answered_at TEXT, read_at TEXT,"
    " version INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX priority_reviews_pathway ON priority_reviews (pathway_id, id);"
    "CREATE INDEX priority_reviews_org ON priority_reviews (requested_org, status);";

/* A declined GP action is a handoff the hospital owns (the letter's
 * service, a clinician, due in the service's working-day target) until a
 * clinician records what was done: the target on services, the task's two
 * subject columns (a letter and the action's number) with their "one open
 * task" index, and the resolution on the action. */
static const char *const migration_6 =
    "ALTER TABLE services ADD COLUMN declined_action_days INTEGER NOT NULL DEFAULT 5;"
    "ALTER TABLE tasks ADD COLUMN gp_action_letter_id INTEGER;"
    "ALTER TABLE tasks ADD COLUMN gp_action_n INTEGER;"
    "CREATE UNIQUE INDEX tasks_one_open_gp_action ON tasks (gp_action_letter_id, gp_action_n) WHERE state = 'open';"
    "ALTER TABLE letter_actions ADD COLUMN outcome TEXT;"
    "ALTER TABLE letter_actions ADD COLUMN outcome_note TEXT;"
    "ALTER TABLE letter_actions ADD COLUMN resolved_by TEXT;"
    "ALTER TABLE letter_actions ADD COLUMN resolved_at TEXT;";
/* Staff work within their services: the services each triager and
 * clinician belongs to, kept by the administrator (PUT /users/{username}/
 * services).  Existing triagers and clinicians keep the one service their
 * user row names.  Independent of every other migration after 5. */
static const char *const migration_7 = "CREATE TABLE user_services ("
                                       " username TEXT NOT NULL REFERENCES users(username),"
                                       " service_id INTEGER NOT NULL REFERENCES services(id),"
                                       " added_at TEXT, added_by TEXT,"
                                       " PRIMARY KEY (username, service_id));"
                                       "CREATE INDEX user_services_service ON user_services (service_id);"
                                       "INSERT INTO user_services (username, service_id, added_by)"
                                       " SELECT username, service_id, 'migration 7' FROM users"
                                       " WHERE service_id IS NOT NULL AND role IN ('triager','clinician');";
/* Every RTT period of a pathway, kept as history: a new period closes the
 * current one (current = 0) and never overwrites it.  At most one current
 * period per pathway.  The pathway's clock columns stay a cache of the
 * current period.  Backfilled with one period per existing pathway (its
 * start status 10 unless the row says 11 or 12; a stop where the row has
 * one; a row taken off the list without a stop date, such as a transfer
 * out (21), keeps its status with no date).  Depends on migration 5 only. */
static const char *const migration_8 =
    "CREATE TABLE rtt_periods ("
    " id {{ID}}, icb_code TEXT NOT NULL,"
    " pathway_id INTEGER NOT NULL REFERENCES pathways(id),"
    " period INTEGER NOT NULL CHECK (period >= 1),"
    " service_id INTEGER NOT NULL REFERENCES services(id),"
    " start_date TEXT NOT NULL, start_day INTEGER NOT NULL, start_status TEXT NOT NULL, start_rule INTEGER,"
    " stop_date TEXT, stop_day INTEGER, stop_status TEXT,"
    " nullified INTEGER NOT NULL DEFAULT 0 CHECK (nullified IN (0, 1)), nullified_reason TEXT,"
    " current INTEGER NOT NULL DEFAULT 1 CHECK (current IN (0, 1)),"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
    " CHECK (nullified = 0 OR stop_status = '33'),"
    " CHECK (stop_day IS NULL OR stop_status IS NOT NULL),"
    " CHECK (stop_day IS NULL OR stop_day >= start_day),"
    " UNIQUE (pathway_id, period));"
    "CREATE UNIQUE INDEX rtt_periods_one_current ON rtt_periods (pathway_id) WHERE current = 1;"
    "CREATE INDEX rtt_periods_stops ON rtt_periods (service_id, stop_day);"
    "INSERT INTO rtt_periods (icb_code, pathway_id, period, service_id, start_date, start_day, start_status,"
    " start_rule, stop_date, stop_day, stop_status, nullified, nullified_reason, current, created_at, updated_at)"
    " SELECT icb_code, id, 1, service_id, clock_start, clock_start_day,"
    " CASE WHEN rtt_status IN ('11', '12') THEN rtt_status ELSE '10' END, NULL,"
    " clock_stop, clock_stop_day,"
    " CASE WHEN clock_stop_day IS NOT NULL OR open = 0 THEN rtt_status END,"
    " CASE WHEN rtt_status = '33' AND clock_stop_day IS NOT NULL THEN 1 ELSE 0 END,"
    " CASE WHEN rtt_status = '33' AND clock_stop_day IS NOT NULL THEN 'First appointment missed (33).' END,"
    " 1, created_at, updated_at FROM pathways;";

/* After migration 6's schema: a GP action declined before the upgrade was
 * owned by nobody (the defect migration 6 mends).  Each one still declined
 * becomes the hospital's task exactly as a decline does today (core/care:
 * the letter's service, role clinician, due the service's working-day
 * target after the decline), so the failsafe escalates what is already
 * late; each is recorded in the audit log. */
static int migration_6_after(db *d, const char *now)
{
    db_rows *r;
    int rc = db_query(d,
                      "SELECT a.letter_id, a.n, a.decided_at, l.icb_code, l.service_id, s.trust_code,"
                      " s.declined_action_days, l.patient_nhs_number FROM letter_actions a"
                      " JOIN letters l ON l.id = a.letter_id JOIN services s ON s.id = l.service_id"
                      " WHERE a.status = 'declined' ORDER BY a.letter_id, a.n",
                      0, NULL, &r);
    if (rc)
        return rc;
    handoff_rule rule;
    care_gp_action_declined_rule(&rule);
    for (int i = 0; rc == 0 && i < db_nrows(r); i++) {
        seam_time declined;
        if (db_isnull(r, i, 2) || seam_time_parse(db_get(r, i, 2), &declined) != 0)
            seam_time_parse(now, &declined);
        char due[SEAM_ISO_LEN], decided[SEAM_ISO_LEN], detail[160];
        seam_time_format(care_gp_action_declined_due(declined, (int)db_geti(r, i, 6)), due);
        seam_time_format(declined, decided);
        db_param p[] = {
            DBP_TEXT(db_get(r, i, 3)), DBP_INT(db_geti(r, i, 0)), DBP_INT(db_geti(r, i, 1)), DBP_TEXT(rule.task_kind),
            DBP_TEXT(db_get(r, i, 5)), DBP_INT(db_geti(r, i, 4)), DBP_TEXT(rule.role),       DBP_TEXT(due),
            DBP_TEXT(decided),         DBP_TEXT(db_get(r, i, 7))};
        rc = db_exec(d,
                     "INSERT INTO tasks (icb_code, gp_action_letter_id, gp_action_n, kind, owner_org,"
                     " owner_service_id, owner_role, due_at, created_at, patient_nhs_number, service_id)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $6)",
                     10, p);
        if (rc)
            break;
        snprintf(detail, sizeof(detail), "{\"n\":%lld,\"owner_org\":\"%s\",\"due_at\":\"%s\"}", db_geti(r, i, 1),
                 db_get(r, i, 5), due);
        char id[24];
        snprintf(id, sizeof(id), "%lld", db_geti(r, i, 0));
        db_param e[] = {DBP_TEXT(db_get(r, i, 3)), DBP_TEXT(now), DBP_TEXT(id), DBP_TEXT(db_get(r, i, 7)),
                        DBP_TEXT(detail)};
        rc = db_exec(d,
                     "INSERT INTO events (icb_code, at, actor, actor_role, action, object_type, object_id,"
                     " patient_nhs_number, detail) VALUES ($1, $2, 'system', 'system',"
                     " 'migration.gp_action_task_opened', 'letter', $3, $4, $5)",
                     5, e);
    }
    db_rows_free(r);
    return rc;
}

const migration store__migrations[] = {
    {1, "core schema: organisations, services, users, patients, referrals, tasks, events", migration_1, migration_1,
     NULL},
    {2, "append-only audit log", migration_2_sqlite, migration_2_postgres, NULL},
    {3, "advice and guidance, onward referral, return reason codes", migration_3, migration_3, NULL},
    {4, "complete care: results, letters, fit notes, follow-ups", migration_4, migration_4, NULL},
    {5, "shared waiting list: pathways, clinical priority, priority reviews, PTL imports", migration_5, migration_5,
     NULL},
    {6, "declined GP actions: an owned hospital handoff until resolved", migration_6, migration_6, migration_6_after},
    {7, "staff work within their services: user_services", migration_7, migration_7, NULL},
    {8, "RTT periods kept as history, one current period per pathway", migration_8, migration_8, NULL},
};

const int store__n_migrations = (int)(sizeof(store__migrations) / sizeof(store__migrations[0]));
