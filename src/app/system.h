/*
 * system.h - what the server asks of the database about itself: its
 * health, whether its schema is current, and the demo personas of the
 * development sign-in.
 */
#ifndef SEAM_APP_SYSTEM_H
#define SEAM_APP_SYSTEM_H

#include "app/app.h"

/* {"status":"ok","schema_version":N}.  Not a use case: runs outside
 * app_run, with no user.  On failure records the error on ctx. */
int app_system_health(app_ctx *ctx, json_t **out);

/* {"personas":[...],"notice":...}: the active demo users, in persona
 * order, for the development sign-in page.  Runs outside app_run. */
int app_system_dev_personas(app_ctx *ctx, json_t **out);

/* 0 if d's schema is at the latest migration; else SEAM_ECONFLICT with
 * *current and *latest set (*current is 0 when it cannot be read). */
int app_system_schema_current(db *d, int *current, int *latest);

#endif
