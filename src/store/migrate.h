/*
 * migrate.h - numbered schema migrations, recorded in schema_migrations.
 */
#ifndef SEAM_MIGRATE_H
#define SEAM_MIGRATE_H

#include "store/db.h"

/* Applies every migration not yet recorded, each in its own transaction.
 * Writes how many were applied to *applied (may be NULL).  Returns 0 or a
 * negative seam_rc with db_errmsg() set. */
int migrate_up(db *d, int *applied);
/* As migrate_up, stopping after version target (tests of an upgrade from an
 * older schema). */
int migrate_to(db *d, int target, int *applied);
/* The newest migration number this build knows. */
int migrate_latest(void);
/* The newest migration applied to d (0 for an empty database). */
int migrate_current(db *d, int *version);

/* Settings: small key/value pairs (e.g. the development token issuer's
 * key).  get returns 0 and a malloc'd copy in *out, or SEAM_ENOTFOUND. */
int store_setting_get(db *d, const char *key, char **out);
int store_setting_set(db *d, const char *key, const char *value);

#endif
