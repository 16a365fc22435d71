/*
 * static.h - static files: the pages under web_root and the NHS.UK
 * frontend (and Chart.js beside it) under nhsuk_root.
 */
#ifndef SEAM_HTTP_STATIC_H
#define SEAM_HTTP_STATIC_H

#include "http/request.h"

/* Answers a GET or HEAD of rc->url with a file, a page with its partials
 * expanded, or the 404 page; any other method is a 405. */
enum MHD_Result static_serve(route_ctx *rc, const char *web_root, const char *nhsuk_root);

#endif
