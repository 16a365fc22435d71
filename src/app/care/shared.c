/*
 * care/shared.c - the pieces every room of complete care uses: who may see
 * an object, brief patient and service JSON, the caller's trust service
 * and patient.
 */
#include "app/care/care_internal.h"
#include "app/frame/access.h"
#include "app/app.h"
#include "app/figures.h"
#include "app/frame/sqlb.h"
#include "common/rc.h"
#include "core/calendar.h"
#include "core/care.h"
#include "core/nhs_number.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int care__is_specialist(const char *role)
{
    return strcmp(role, "clinician") == 0 || strcmp(role, "triager") == 0;
}

/* Who may see an object about patient p at service s. */
void care__visibility(app_ctx *ctx, sqlb *b)
{
    app__visibility(ctx, b, " AND s.trust_code = $?", "p.icb_code", "s.id");
}

json_t *care__patient_brief(const db_rows *r, int i, int c)
{
    /* c: nhs_number, given_name, family_name, practice code, practice name */
    return json_pack("{s:s,s:s,s:s,s:{s:s,s:s}}", "nhs_number", db_get(r, i, c), "given_name", db_get(r, i, c + 1),
                     "family_name", db_get(r, i, c + 2), "practice", "code", db_get(r, i, c + 3), "name",
                     db_get(r, i, c + 4));
}

json_t *care__service_brief(const db_rows *r, int i, int c)
{
    /* c: id, name, trust code, trust name */
    return json_pack("{s:I,s:s,s:{s:s,s:s}}", "id", (json_int_t)db_geti(r, i, c), "name", db_get(r, i, c + 1), "trust",
                     "code", db_get(r, i, c + 2), "name", db_get(r, i, c + 3));
}

/* Checks the caller is hospital staff at the service's trust; loads it. */
int care__trust_service(app_ctx *ctx, long long service_id, svc_info *svc)
{
    int rc = app__svc_load(ctx, service_id, svc);
    if (rc == SEAM_ENOTFOUND ||
        (rc == 0 && (strcmp(svc->trust, ctx->user.org_code) != 0 || !app__serves(ctx, svc->id))))
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "service_id", "There is no service %lld at your trust.",
                        service_id);
    return rc;
}

/* The patient, who must have a referral to the caller's trust. */
int care__trust_patient(app_ctx *ctx, json_t *body, char nhs[NHS_NUMBER_LEN], char icb[16])
{
    const char *in;
    int rc = app__body_str(ctx, body, "patient_nhs_number", 1, 32, &in);
    if (rc)
        return rc;
    if (nhs_number_normalise(in, nhs) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_nhs_number", "patient_nhs_number",
                        "%s is not a valid NHS number (10 digits with a correct check digit).", in);
    db_rows *r;
    db_param p[] = {DBP_TEXT(nhs), DBP_TEXT(ctx->user.org_code)};
    rc = db_query(ctx->db,
                  "SELECT pt.icb_code FROM patients pt WHERE pt.nhs_number = $1 AND EXISTS (SELECT 1 FROM referrals r"
                  " JOIN services s ON s.id = r.service_id WHERE r.patient_nhs_number = pt.nhs_number AND"
                  " (s.trust_code = $2 OR r.requester_org = $2))",
                  2, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", "patient_nhs_number",
                        "No patient %s is under the care of your trust.", nhs);
    }
    snprintf(icb, 16, "%s", db_get(r, 0, 0));
    db_rows_free(r);
    return 0;
}

int care__body_service(app_ctx *ctx, json_t *body, svc_info *svc)
{
    long long id = ctx->user.service_id;
    int have, rc = app__body_int(ctx, body, "service_id", ctx->user.service_id == 0, &id, &have);
    if (rc)
        return rc;
    return care__trust_service(ctx, id, svc);
}
