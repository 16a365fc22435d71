/*
 * measures/measures.h - what the measures room (src/app/measures/) shares
 * with itself and publishes to the waiting-list room: the scope of a
 * measures request, the trust's services as rows of counts, and a growing
 * list of values to take centiles of.  The use cases are declared in
 * app.h: app_measures_interface (interface.c), app_measures_complete_care
 * (complete_care.c); the RTT measures live with the waiting list
 * (waiting/rtt_measures.c).
 */
#ifndef SEAM_MEASURES_H
#define SEAM_MEASURES_H

#include "app/frame/frame.h"

#include <stddef.h>

/* The trust and period a measures request is about, checked against the
 * caller's role (trust staff: their own trust; ICB analyst and admin: any
 * trust of the ICB, named).  what names the measures in a refusal. */
typedef struct measures_scope {
    char trust[16];
    char from_s[SEAM_ISO_LEN], to_s[SEAM_ISO_LEN];   /* [from, to) as instants */
    char from_d[SEAM_DATE_LEN], to_d[SEAM_DATE_LEN]; /* first and last day counted */
    json_t *trust_json;                              /* {"code","name"}; the caller owns it */
} measures_scope;
int app__measures_scope(app_ctx *ctx, const app_measures_args *a, const char *what, measures_scope *m);

/* A growing list of values (hours, days) to take centiles of. */
typedef struct measures_values {
    double *v;
    size_t n, cap;
} measures_values;

/* Appends x; 0 or SEAM_ENOMEM (v unchanged). */
int measures__values_add(measures_values *v, double x);

/* A db_scan row function appending column 0 (an integer) to the
 * measures_values arg; SEAM_ENOMEM stops the scan. */
int measures__values_row(void *arg, const db_cursor *c);

/* The p-th centile (nearest rank) of v divided by unit, to one decimal
 * place, or null when v is empty.  Sorts v. */
json_t *measures__values_centile(measures_values *v, double p, double unit);

/* Frees v's values and empties it. */
void measures__values_free(measures_values *v);

/* The head of one service's row of counts: a measure's row type starts
 * with it, so that one loader serves every measure. */
typedef struct measures_service {
    long long id;
    char name[160];
} measures_service;

/* The services of trust by name, as n rows of size bytes each (every
 * count zero, each starting with a measures_service) plus one more for
 * the total: a new array in *rows, freed by the caller.  0, or an app
 * error. */
int measures__services(app_ctx *ctx, const char *trust, size_t size, void **rows, int *n);

/* The row of rows[0..n) (size bytes each) for service id, or NULL. */
void *measures__service_find(void *rows, int n, size_t size, long long id);

/* A new JSON object for a row of figures: {"service": {"id", "name"}}
 * when with_service, else {} (the total). */
json_t *measures__row_object(const measures_service *s, int with_service);

/* The answer of a per-service measure: {"trust", "from", "to",
 * "services", "total"}; steals m's trust_json, services and total. */
json_t *measures__report(measures_scope *m, json_t *services, json_t *total);

#endif
