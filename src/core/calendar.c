/*
 * calendar.c - working days in England and Wales.
 *
 * The bank holidays are generated from data/bank-holidays-england-and-
 * wales.csv into build/gen/bank_holidays.c as {year, month, day} rows in
 * ascending order.  The covered years are those from the first row to the
 * last, so extending the CSV extends the coverage with no code change.
 */
#include "calendar.h"

#include <assert.h>

#define SECS_PER_DAY 86400

extern const short cal__holidays[][3];
extern const int cal__holiday_count;

/* Orders y-m-d against holiday row i: negative, 0 or positive. */
static int cmp_row(int y, int m, int d, int i)
{
    const short *h = cal__holidays[i];
    if (y != h[0])
        return y < h[0] ? -1 : 1;
    if (m != h[1])
        return m < h[1] ? -1 : 1;
    if (d != h[2])
        return d < h[2] ? -1 : 1;
    return 0;
}

/* Binary search of the sorted holiday table. */
int cal_is_bank_holiday(int y, int m, int d)
{
    int lo = 0, hi = cal__holiday_count - 1;

    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = cmp_row(y, m, d, mid);
        if (c == 0)
            return 1;
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return 0;
}

int cal_is_working_day(int64_t day)
{
    int y, m, d;

    if (seam_weekday(day) >= 5)
        return 0;
    seam_civil_from_days(day, &y, &m, &d);
    return !cal_is_bank_holiday(y, m, d);
}

int cal_year_covered(int year)
{
    if (cal__holiday_count <= 0)
        return 0;
    return year >= cal__holidays[0][0] && year <= cal__holidays[cal__holiday_count - 1][0];
}

int cal_holiday_count(void)
{
    return cal__holiday_count;
}

/*
 * Walks forward one day at a time; with at most a few consecutive
 * non-working days the cost is about 1.4 steps per working day.  A
 * negative n is a caller bug (asserted) and is treated as 0.
 */
seam_time cal_add_working_days(seam_time t, int n)
{
    int64_t day = seam_time_day(t);
    seam_time clock = t - day * SECS_PER_DAY;

    assert(n >= 0);
    if (n <= 0) {
        if (cal_is_working_day(day))
            return t;
        while (!cal_is_working_day(day))
            day++;
        return day * SECS_PER_DAY + clock;
    }
    while (n > 0) {
        day++;
        if (cal_is_working_day(day))
            n--;
    }
    return day * SECS_PER_DAY + clock;
}

/*
 * Weekdays (Monday..Friday) among day numbers <= x, counted from the
 * Monday 1969-12-29 (day -3); only differences of this are meaningful.
 */
static int64_t weekdays_upto(int64_t x)
{
    int64_t rel = x + 3 + 1; /* days in [-3, x] */
    int64_t weeks = rel / 7, rest = rel % 7;

    if (rest < 0) {
        rest += 7;
        weeks--;
    }
    return weeks * 5 + (rest < 5 ? rest : 5);
}

/*
 * Weekdays in (from, to] by arithmetic, minus the holidays in that range
 * that fall on a weekday (the table holds observed days, which always are;
 * the check keeps a weekend row in bad data from being subtracted from
 * days that were never counted).
 */
int cal_working_days_between(seam_time a, seam_time b)
{
    int64_t from = seam_time_day(a), to = seam_time_day(b), count;

    if (to <= from)
        return 0;
    count = weekdays_upto(to) - weekdays_upto(from);
    for (int i = 0; i < cal__holiday_count; i++) {
        const short *h = cal__holidays[i];
        int64_t hd = seam_days_from_civil(h[0], h[1], h[2]);
        if (hd > from && hd <= to && seam_weekday(hd) < 5)
            count--;
    }
    assert(count >= 0);
    return count > INT32_MAX ? INT32_MAX : (int)count;
}

/*
 * Seconds of the interval [a, b) that fall on working days (whole 24-hour
 * working days count).  0 when b <= a.  Used for "working hours" response
 * times: an advice request asked on Friday 16:00 and answered on Monday
 * 10:00 took 18 working hours.
 */
int64_t cal_working_seconds_between(seam_time a, seam_time b)
{
    if (b <= a)
        return 0;
    int64_t total = 0;
    int64_t day = seam_time_day(a), last = seam_time_day(b);
    for (; day <= last; day++) {
        if (!cal_is_working_day(day))
            continue;
        seam_time start = day * 86400, end = start + 86400;
        if (start < a)
            start = a;
        if (end > b)
            end = b;
        if (end > start)
            total += end - start;
    }
    return total;
}
