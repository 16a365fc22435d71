/*
 * calendar.h - the England and Wales working-day calendar, pure.
 *
 * Working days are Monday to Friday, excluding bank holidays of England
 * and Wales.  The holiday list is data (data/bank-holidays-england-and-
 * wales.csv) compiled into the binary; years outside the covered range
 * count weekends only and cal_year_covered() says so.
 */
#ifndef SEAM_CALENDAR_H
#define SEAM_CALENDAR_H

#include "seam_time.h"

/* 1 if y-m-d is an England and Wales bank holiday. */
int cal_is_bank_holiday(int y, int m, int d);
/* 1 if the day number is a working day. */
int cal_is_working_day(int64_t day);
/* 1 if the holiday data covers year y (2020..2030). */
int cal_year_covered(int year);
/* Number of bank holidays known. */
int cal_holiday_count(void);

/*
 * Returns the instant at the same UTC clock time as t on the n-th working
 * day after t's date (n >= 0).  n = 0 returns t itself if t falls on a
 * working day, otherwise the same clock time on the next working day.
 * Example: Friday 10:00 + 1 = Monday 10:00 (Tuesday if Monday is a bank
 * holiday).
 */
seam_time cal_add_working_days(seam_time t, int n);

/*
 * Counts working days d with from_day < d <= to_day (day numbers of a
 * and b).  0 when b is on or before a's day.  So a task due Friday and
 * checked the following Tuesday is 2 working days late.
 */
int cal_working_days_between(seam_time a, seam_time b);

/* Seconds of [a, b) that fall on working days; 0 when b <= a. */
int64_t cal_working_seconds_between(seam_time a, seam_time b);

#endif
