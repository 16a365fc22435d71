/*
 * rc.h - the one error type of Seam.
 *
 * Every fallible function returns a seam_rc: 0 is success, errors are
 * negative.  One table (rc.c) maps each code to an HTTP status, a
 * machine-readable name and a FHIR OperationOutcome issue code.
 */
#ifndef SEAM_RC_H
#define SEAM_RC_H

typedef enum seam_rc {
    SEAM_OK = 0,
    SEAM_EBADREQ = -1,    /* 400: malformed request (syntax, wrong types) */
    SEAM_EUNAUTH = -2,    /* 401: no or bad credentials */
    SEAM_EFORBIDDEN = -3, /* 403: authenticated but role may not do this */
    SEAM_ENOTFOUND = -4,  /* 404: absent, or not visible to the caller */
    SEAM_ECONFLICT = -5,  /* 409: illegal transition or concurrent change */
    SEAM_ETOOBIG = -6,    /* 413: body or field over its limit */
    SEAM_EINVALID = -7,   /* 422: well-formed but semantically invalid */
    SEAM_ENOMEM = -8,     /* 500: out of memory */
    SEAM_EIO = -9,        /* 500: storage or system error */
    SEAM_EUNAVAIL = -10,  /* 503: backend unavailable, retry later */
    SEAM_EMETHOD = -11,   /* 405: method not allowed on this path */
    SEAM_EINTERNAL = -12, /* 500: a bug */
    SEAM_EMEDIA = -13,    /* 415: unsupported media type */
} seam_rc;

/* Returns a short constant name such as "not_found". Never NULL. */
const char *seam_rc_name(int rc);
/* Returns the HTTP status for rc (200 for SEAM_OK). */
int seam_rc_http_status(int rc);
/* Returns the FHIR OperationOutcome issue.code for rc. */
const char *seam_rc_fhir_code(int rc);

#endif
