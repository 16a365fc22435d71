/*
 * seam_time.h - instants and dates, pure.
 *
 * An instant is seconds since 1970-01-01T00:00:00Z (UTC).  Stored and sent
 * as ISO 8601 text "YYYY-MM-DDTHH:MM:SSZ", which sorts as it compares.
 * A day number is days since 1970-01-01 (can be negative).
 */
#ifndef SEAM_TIME_H
#define SEAM_TIME_H

#include <stdint.h>

typedef int64_t seam_time;

#define SEAM_ISO_LEN  21 /* "2026-11-25T14:59:54Z" + NUL */
#define SEAM_DATE_LEN 11 /* "2026-11-25" + NUL */

/* Parses "YYYY-MM-DD" (midnight UTC), "YYYY-MM-DDTHH:MM[:SS]Z" or with a
 * "+HH:MM"/"-HH:MM" offset, or with fractional seconds (ignored).
 * Rejects out-of-range fields (month 13, 30 February, hour 24...).
 * Returns 0 and sets *out, or -1 leaving *out untouched. */
int seam_time_parse(const char *s, seam_time *out);

/* Writes "YYYY-MM-DDTHH:MM:SSZ" into buf (SEAM_ISO_LEN bytes). */
void seam_time_format(seam_time t, char buf[SEAM_ISO_LEN]);

/* Writes "YYYY-MM-DD" (the UTC date of t) into buf. */
void seam_date_format(seam_time t, char buf[SEAM_DATE_LEN]);

/* Day number of the civil date y-m-d (proleptic Gregorian). */
int64_t seam_days_from_civil(int y, int m, int d);
/* Inverse of seam_days_from_civil. */
void seam_civil_from_days(int64_t days, int *y, int *m, int *d);
/* 0 = Monday ... 6 = Sunday. */
int seam_weekday(int64_t days);
/* 1 if y-m-d is a real calendar date. */
int seam_date_valid(int y, int m, int d);

/* Day number of the instant t (floor division). */
int64_t seam_time_day(seam_time t);

#endif
