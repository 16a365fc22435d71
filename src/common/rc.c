#include "rc.h"

static const struct {
    int rc;
    int status;
    const char *name;
    const char *fhir;
} rc_table[] = {
    {SEAM_OK, 200, "ok", "informational"},
    {SEAM_EBADREQ, 400, "bad_request", "structure"},
    {SEAM_EUNAUTH, 401, "unauthorized", "login"},
    {SEAM_EFORBIDDEN, 403, "forbidden", "forbidden"},
    {SEAM_ENOTFOUND, 404, "not_found", "not-found"},
    {SEAM_ECONFLICT, 409, "conflict", "conflict"},
    {SEAM_ETOOBIG, 413, "too_large", "too-costly"},
    {SEAM_EINVALID, 422, "invalid", "invalid"},
    {SEAM_ENOMEM, 500, "out_of_memory", "exception"},
    {SEAM_EIO, 500, "storage_error", "exception"},
    {SEAM_EUNAVAIL, 503, "unavailable", "transient"},
    {SEAM_EMETHOD, 405, "method_not_allowed", "not-supported"},
    {SEAM_EINTERNAL, 500, "internal_error", "exception"},
    {SEAM_EMEDIA, 415, "unsupported_media_type", "not-supported"},
};

static int rc_index(int rc)
{
    for (unsigned i = 0; i < sizeof(rc_table) / sizeof(rc_table[0]); i++)
        if (rc_table[i].rc == rc)
            return (int)i;
    return -1;
}

const char *seam_rc_name(int rc)
{
    int i = rc_index(rc);
    return i < 0 ? "internal_error" : rc_table[i].name;
}

int seam_rc_http_status(int rc)
{
    int i = rc_index(rc);
    return i < 0 ? 500 : rc_table[i].status;
}

const char *seam_rc_fhir_code(int rc)
{
    int i = rc_index(rc);
    return i < 0 ? "exception" : rc_table[i].fhir;
}
