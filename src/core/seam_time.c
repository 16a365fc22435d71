/*
 * seam_time.c - instants and civil dates without the C library's time
 * zone machinery: no locale, no TZ, no global state.
 *
 * Day numbers use the proleptic Gregorian calendar (Howard Hinnant's
 * days_from_civil / civil_from_days algorithms), so they are exact for
 * any year an int can hold.
 */
#include "seam_time.h"

#include <stddef.h>

#define SECS_PER_DAY 86400

/* The range seam_time_format can write in four-digit years. */
#define ISO_MIN_DAY (-719528) /* 0000-01-01 */
#define ISO_MAX_DAY (2932896) /* 9999-12-31 */

/* Floor division for a positive divisor. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b) != 0 && (a < 0))
        q--;
    return q;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && is_leap(y))
        return 29;
    return dim[m - 1];
}

int seam_date_valid(int y, int m, int d)
{
    if (m < 1 || m > 12)
        return 0;
    return d >= 1 && d <= days_in_month(y, m);
}

/*
 * Days since 1970-01-01 of y-m-d.  The month and day are not checked;
 * callers validate with seam_date_valid first.
 */
int64_t seam_days_from_civil(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = floor_div(yy, 400);
    int64_t yoe = yy - era * 400;                        /* [0, 399] */
    int64_t mp = (m + 9) % 12;                           /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + d - 1;            /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

/* The civil date of a day number; exact inverse of seam_days_from_civil. */
void seam_civil_from_days(int64_t days, int *y, int *m, int *d)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097; /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                      /* [0, 11] */
    int64_t dd = doy - (153 * mp + 2) / 5 + 1;
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

/* 1970-01-01 was a Thursday, which is 3 when Monday is 0. */
int seam_weekday(int64_t days)
{
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

int64_t seam_time_day(seam_time t)
{
    return floor_div(t, SECS_PER_DAY);
}

/*
 * Reads exactly n decimal digits at *p into *val and advances *p.
 * Returns 0, or -1 (p unmoved) if any of the n characters is not a digit.
 */
static int read_digits(const char **p, int n, int *val)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *val = v;
    return 0;
}

/* Consumes the character c at *p; returns 0, or -1 if *p is not c. */
static int expect(const char **p, char c)
{
    if (**p != c)
        return -1;
    (*p)++;
    return 0;
}

/*
 * Grammar accepted (nothing else, no surrounding space, case-sensitive):
 *   date      = YYYY "-" MM "-" DD
 *   date-time = date "T" hh ":" mm [ ":" ss [ "." 1*DIGIT ] ] zone
 *   zone      = "Z" / ( "+" / "-" ) hh ":" mm
 * Leap seconds (ss = 60) are rejected.  Fractions are truncated.
 */
int seam_time_parse(const char *s, seam_time *out)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    int64_t offset = 0;
    const char *p = s;

    if (s == NULL || out == NULL)
        return -1;
    if (read_digits(&p, 4, &y) || expect(&p, '-') || read_digits(&p, 2, &mo) || expect(&p, '-') ||
        read_digits(&p, 2, &d))
        return -1;
    if (!seam_date_valid(y, mo, d))
        return -1;
    if (*p == '\0') {
        *out = seam_days_from_civil(y, mo, d) * SECS_PER_DAY;
        return 0;
    }
    if (expect(&p, 'T') || read_digits(&p, 2, &h) || expect(&p, ':') || read_digits(&p, 2, &mi))
        return -1;
    if (*p == ':') {
        p++;
        if (read_digits(&p, 2, &sec))
            return -1;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9')
                return -1;
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    if (h > 23 || mi > 59 || sec > 59)
        return -1;

    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, oh, om;
        p++;
        if (read_digits(&p, 2, &oh) || expect(&p, ':') || read_digits(&p, 2, &om))
            return -1;
        if (oh > 23 || om > 59)
            return -1;
        offset = sign * (int64_t)(oh * 3600 + om * 60);
    } else {
        return -1;
    }
    if (*p != '\0')
        return -1;

    /* Local clock time minus its offset from UTC is the UTC instant. */
    *out = seam_days_from_civil(y, mo, d) * SECS_PER_DAY + h * 3600 + mi * 60 + sec - offset;
    return 0;
}

/*
 * Writes v (0 <= v < 10^width) as exactly width decimal digits at p.
 * Used instead of snprintf so the fixed widths are evident to the reader
 * and to the compiler's truncation analysis.
 */
static char *put_digits(char *p, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

/* Writes "YYYY-MM-DD" (no NUL) at p for a day in the ISO range. */
static char *put_date(char *p, int64_t day)
{
    int y, m, d;

    seam_civil_from_days(day, &y, &m, &d);
    p = put_digits(p, y, 4);
    *p++ = '-';
    p = put_digits(p, m, 2);
    *p++ = '-';
    return put_digits(p, d, 2);
}

/*
 * Instants before 0000-01-01 or after 9999-12-31T23:59:59Z cannot be
 * written in the fixed-width form; they are clamped to those bounds so
 * the output always fits and always sorts correctly.
 */
void seam_time_format(seam_time t, char buf[SEAM_ISO_LEN])
{
    int64_t day = seam_time_day(t), secs;
    char *p;

    if (day < ISO_MIN_DAY) {
        day = ISO_MIN_DAY;
        secs = 0;
    } else if (day > ISO_MAX_DAY) {
        day = ISO_MAX_DAY;
        secs = SECS_PER_DAY - 1;
    } else {
        secs = t - day * SECS_PER_DAY;
    }
    p = put_date(buf, day);
    *p++ = 'T';
    p = put_digits(p, (int)(secs / 3600), 2);
    *p++ = ':';
    p = put_digits(p, (int)(secs / 60 % 60), 2);
    *p++ = ':';
    p = put_digits(p, (int)(secs % 60), 2);
    *p++ = 'Z';
    *p = '\0';
}

/* The UTC date of t, clamped like seam_time_format. */
void seam_date_format(seam_time t, char buf[SEAM_DATE_LEN])
{
    int64_t day = seam_time_day(t);

    if (day < ISO_MIN_DAY)
        day = ISO_MIN_DAY;
    else if (day > ISO_MAX_DAY)
        day = ISO_MAX_DAY;
    *put_date(buf, day) = '\0';
}
