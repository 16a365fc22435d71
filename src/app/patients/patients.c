/*
 * patients/patients.c - finding and reading patients, within what the caller
 * may see; the patient a practice's request is about (patients.h).
 *
 * A GP or practice administrator sees the practice's registered patients;
 * trust staff see patients with a referral to one of the trust's
 * services; an ICB analyst sees the ICB's population; a patient sees
 * themself.  Every disclosure is audited.
 */
#include "app/patients/patients.h"
#include "app/frame/rows.h"
#include "common/rc.h"
#include "core/nhs_number.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define PATIENT_COLUMNS                                                                                                \
    " p.nhs_number, p.given_name, p.family_name, p.birth_date, p.sex, p.postcode, p.practice_code, o.name,"            \
    " p.imd_decile, p.ethnicity"

static void visibility(app_ctx *ctx, sqlb *b)
{
    app__visibility(ctx, b,
                    " AND EXISTS (SELECT 1 FROM referrals r JOIN services s ON s.id = r.service_id"
                    " WHERE r.patient_nhs_number = p.nhs_number AND s.trust_code = $?)",
                    "p.icb_code",
                    /* triagers and clinicians: a referral to one of their services */
                    "(SELECT min(r.service_id) FROM referrals r WHERE r.patient_nhs_number = p.nhs_number"
                    " AND r.service_id IN ({{SERVICES}}))");
}

static json_t *patient_json(app_ctx *ctx, const db_rows *r, int i)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s?,s:{s:s,s:s},s:o,s:s?}", "nhs_number", db_get(r, i, 0), "given_name",
                     db_get(r, i, 1), "family_name", db_get(r, i, 2), "birth_date", db_get(r, i, 3), "sex",
                     db_get(r, i, 4), "postcode", db_get(r, i, 5), "practice", "code", db_get(r, i, 6), "name",
                     db_get(r, i, 7), "imd_decile", db_isnull(r, i, 8) ? json_null() : json_integer(db_geti(r, i, 8)),
                     "ethnicity", db_get(r, i, 9));
}

/* Appends what the search text q matches: an NHS number starting with its
 * digits when it is digits (spaces and dashes aside), else a family name
 * starting with it, case-insensitive, with LIKE wildcards in it taken
 * literally.  like (80 bytes) holds the bound pattern and must outlive w. */
static void search_filter(sqlb *w, const char *q, char like[80])
{
    char digits[16] = "";
    size_t n = 0;
    int all_digits = 1;
    for (const char *s = q; *s; s++) {
        if (isdigit((unsigned char)*s)) {
            if (n + 1 < sizeof(digits))
                digits[n++] = *s;
        } else if (*s != ' ' && *s != '-') {
            all_digits = 0;
        }
    }
    digits[n] = '\0';
    if (all_digits && n > 0) {
        snprintf(like, 80, "%s%%", digits);
        sqlb_add(w, " AND p.nhs_number LIKE $?");
    } else {
        size_t k = 0;
        for (const char *s = q; *s && k + 3 < 80; s++) {
            if (*s == '%' || *s == '_' || *s == '\\')
                like[k++] = '\\';
            like[k++] = (char)tolower((unsigned char)*s);
        }
        like[k++] = '%';
        like[k] = '\0';
        sqlb_add(w, " AND lower(p.family_name) LIKE $? ESCAPE '\\'");
    }
    sqlb_param(w, DBP_TEXT(like));
}

int app_patients_search(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_list_args *a = arg;
    sqlb w;
    sqlb_init(&w);
    sqlb_add(&w, " FROM patients p JOIN organisations o ON o.code = p.practice_code WHERE 1 = 1");
    visibility(ctx, &w);
    char like[80];
    if (a->q && *a->q)
        search_filter(&w, a->q, like);
    app_list_query q = {
        .columns = PATIENT_COLUMNS,
        .from_where = &w,
        .order_by = " ORDER BY p.family_name, p.given_name, p.nhs_number",
        .row_json = patient_json,
        .key = "patients",
        .read_action = "read.patient_search",
        .object_type = "patient",
        .id_col = -1,
        .patient_col = 0,
    };
    return app__list(ctx, &q, a, out);
}

int app_patient_get(app_ctx *ctx, const void *arg, json_t **out)
{
    const char *in = arg;
    char nhs[NHS_NUMBER_LEN];
    if (nhs_number_normalise(in, nhs) != 0)
        return app_fail(ctx, SEAM_EINVALID, "invalid_nhs_number", "nhs_number",
                        "%s is not a valid NHS number (10 digits with a correct check digit).", in);
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT" PATIENT_COLUMNS " FROM patients p JOIN organisations o ON o.code = p.practice_code"
                 " WHERE p.nhs_number = $?");
    sqlb_param(&b, DBP_TEXT(nhs));
    visibility(ctx, &b);
    int rc = app__one(ctx, &b, patient_json, out);
    if (rc == SEAM_ENOTFOUND)
        return app_fail(ctx, rc, "not_found", NULL, "No patient %s is visible to you.", nhs);
    if (rc)
        return rc;
    return app_event(ctx, "read.patient", "patient", 0, nhs, ctx->user.icb_code, NULL, NULL, NULL);
}

int app__practice_patient(app_ctx *ctx, const char *nhs, const char *field, char icb[16])
{
    db_rows *r;
    db_param p[] = {DBP_TEXT(nhs), DBP_TEXT(ctx->user.org_code)};
    int rc = db_query(ctx->db, "SELECT icb_code FROM patients WHERE nhs_number = $1 AND practice_code = $2", 2, p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", field,
                        "No patient with NHS number %s is registered at your practice.", nhs);
    }
    snprintf(icb, 16, "%s", db_get(r, 0, 0));
    db_rows_free(r);
    return 0;
}
