/*
 * waiting/rtt_csv.c - the RTT measures (GET /measures/rtt?format=csv) as
 * CSV: a header, one line per group, and a total line.
 */
#include "app/app.h"
#include "app/csv.h"

char *app_measures_rtt_csv(const json_t *m)
{
    static const char *const cols[] = {"waiting",      "over_18_weeks", "pct_over_18_weeks",
                                       "median_weeks", "over_52_weeks", "pct_over_52_weeks"};
    enum { NCOLS = sizeof(cols) / sizeof(cols[0]) };
    csv_text c;
    if (csv_open(&c) != 0)
        return NULL;
    csv_write_cell(c.f, "group", 0);
    csv_write_cell(c.f, "label", 0);
    for (int k = 0; k < NCOLS; k++)
        csv_write_cell(c.f, cols[k], k == NCOLS - 1);
    json_t *groups = json_object_get(m, "groups");
    for (size_t i = 0; i <= json_array_size(groups); i++) {
        int total = i == json_array_size(groups);
        json_t *g = total ? json_object_get(m, "total") : json_array_get(groups, i);
        csv_write_cell(c.f, total ? "total" : json_string_value(json_object_get(g, "group")), 0);
        csv_write_cell(c.f, total ? "All" : json_string_value(json_object_get(g, "label")), 0);
        for (int k = 0; k < NCOLS; k++)
            csv_write_figure(c.f, json_object_get(g, cols[k]), k == NCOLS - 1);
    }
    return csv_close(&c);
}
