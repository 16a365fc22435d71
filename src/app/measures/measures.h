/*
 * measures/measures.h - the scope of a measures request, shared by the
 * interface, complete-care and RTT measures.
 */
#ifndef SEAM_MEASURES_H
#define SEAM_MEASURES_H

#include "app/frame/frame.h"

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

#endif
