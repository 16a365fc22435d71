/*
 * migrations.h - the list of numbered migrations (migrations.c), read by
 * the runner in migrate.c.  Internal to src/store.
 */
#ifndef SEAM_STORE_MIGRATIONS_H
#define SEAM_STORE_MIGRATIONS_H

#include "store/db.h"

typedef struct migration {
    int version;
    const char *name;
    const char *sqlite_sql;
    const char *postgres_sql;
    int (*after)(db *d, const char *now); /* data the SQL cannot make, in the same transaction, or NULL */
} migration;

/* Every migration, oldest first; versions are 1, 2, 3, ... in order. */
extern const migration store__migrations[];
extern const int store__n_migrations;

#endif
