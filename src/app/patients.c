/*
 * patients.c - finding and reading patients, within what the caller may see.
 *
 * A GP or practice administrator sees the practice's registered patients;
 * trust staff see patients with a referral to one of the trust's
 * services; an ICB analyst sees the ICB's population; a patient sees
 * themself.  Every disclosure is audited.
 */
#include "app/app.h"
#include "app/frame/frame.h"
#include "app/frame/sqlb.h"
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

static json_t *patient_json(const db_rows *r, int i)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s?,s:{s:s,s:s},s:o,s:s?}", "nhs_number", db_get(r, i, 0), "given_name",
                     db_get(r, i, 1), "family_name", db_get(r, i, 2), "birth_date", db_get(r, i, 3), "sex",
                     db_get(r, i, 4), "postcode", db_get(r, i, 5), "practice", "code", db_get(r, i, 6), "name",
                     db_get(r, i, 7), "imd_decile", db_isnull(r, i, 8) ? json_null() : json_integer(db_geti(r, i, 8)),
                     "ethnicity", db_get(r, i, 9));
}

int app_patients_search(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_list_args *a = arg;
    sqlb w;
    sqlb_init(&w);
    sqlb_add(&w, " FROM patients p JOIN organisations o ON o.code = p.practice_code WHERE 1 = 1");
    visibility(ctx, &w);
    char digits[16] = "", like[80];
    if (a->q && *a->q) {
        size_t n = 0;
        int all_digits = 1;
        for (const char *s = a->q; *s; s++) {
            if (isdigit((unsigned char)*s)) {
                if (n + 1 < sizeof(digits))
                    digits[n++] = *s;
            } else if (*s != ' ' && *s != '-') {
                all_digits = 0;
            }
        }
        digits[n] = '\0';
        if (all_digits && n > 0) {
            snprintf(like, sizeof(like), "%s%%", digits);
            sqlb_add(&w, " AND p.nhs_number LIKE $?");
        } else {
            /* The start of the family name, case-insensitive, with LIKE
             * wildcards in the input taken literally. */
            size_t k = 0;
            for (const char *s = a->q; *s && k + 3 < sizeof(like); s++) {
                if (*s == '%' || *s == '_' || *s == '\\')
                    like[k++] = '\\';
                like[k++] = (char)tolower((unsigned char)*s);
            }
            like[k++] = '%';
            like[k] = '\0';
            sqlb_add(&w, " AND lower(p.family_name) LIKE $? ESCAPE '\\'");
        }
        sqlb_param(&w, DBP_TEXT(like));
    }
    sqlb q;
    sqlb_init(&q);
    sqlb_add(&q, "SELECT count(*)");
    sqlb_append(&q, &w);
    long long total;
    if (q.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    int rc = db_query_int(ctx->db, q.sql, q.n, q.p, 0, &total);
    if (rc)
        return app_db_fail(ctx, rc);
    sqlb_init(&q);
    sqlb_add(&q, "SELECT" PATIENT_COLUMNS);
    sqlb_append(&q, &w);
    sqlb_add(&q, " ORDER BY p.family_name, p.given_name, p.nhs_number LIMIT $?");
    sqlb_param(&q, DBP_INT(a->page_size));
    sqlb_add(&q, " OFFSET $?");
    sqlb_param(&q, DBP_INT((long long)(a->page - 1) * a->page_size));
    if (q.overflow)
        return app_fail(ctx, SEAM_EINTERNAL, NULL, NULL, "Query too long.");
    db_rows *r;
    rc = db_query(ctx->db, q.sql, q.n, q.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    json_t *list = json_array();
    for (int i = 0; i < db_nrows(r) && rc == 0; i++) {
        json_array_append_new(list, patient_json(r, i));
        rc = app_event(ctx, "read.patient_search", "patient", 0, db_get(r, i, 0), ctx->user.icb_code, NULL, NULL, NULL);
    }
    db_rows_free(r);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:o,s:i,s:i,s:I}", "patients", list, "page", a->page, "page_size", a->page_size, "total",
                     (json_int_t)total);
    return 0;
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
    db_rows *r;
    int rc = db_query(ctx->db, b.sql, b.n, b.p, &r);
    if (rc)
        return app_db_fail(ctx, rc);
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "No patient %s is visible to you.", nhs);
    }
    *out = patient_json(r, 0);
    db_rows_free(r);
    return app_event(ctx, "read.patient", "patient", 0, nhs, ctx->user.icb_code, NULL, NULL, NULL);
}
