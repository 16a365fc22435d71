/*
 * copy.h - copying a whole Seam database between backends.
 */
#ifndef SEAM_COPY_H
#define SEAM_COPY_H

#include "store/db.h"

#include <stdio.h>

/*
 * Copies every table (events included) from `from` to `to` in one
 * transaction on the target, then verifies the row counts match.  The
 * target is migrated first.  A target that already holds data is refused
 * (SEAM_ECONFLICT) unless replace is set, in which case its data is
 * removed first, in the same transaction.  Progress goes to log.  On
 * failure the target is left as it was and db_errmsg(to) or
 * db_errmsg(from) says why.
 */
int store_copy(db *from, db *to, int replace, FILE *log);

#endif
