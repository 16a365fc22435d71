/*
 * advice/attachments.c - files added to an open advice request (PDF, JPEG,
 * PNG or plain text, at most 5 MB, stored with their SHA-256), and read
 * back by anyone who may see the request.
 */
#include "app/advice/advice_internal.h"
#include "common/rc.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define ATTACHMENT_MAX (5 * 1024 * 1024)

/* Allowed attachment types. */
static int type_allowed(const char *ct)
{
    static const char *const types[] = {"application/pdf", "image/jpeg", "image/png", "text/plain"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(ct, types[i]) == 0)
            return 1;
    return 0;
}

int app_advice_attach(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_attachment *a = arg;
    advice_cur c;
    int rc = advice__begin(ctx, a->advice_id, NULL, &c);
    if (rc)
        goto out;
    if (!advice_status_is_open(c.status)) {
        rc = app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                      "Files can only be added while the advice request is open.");
        goto out;
    }
    if (a->len == 0) {
        rc = app_fail(ctx, SEAM_EINVALID, "missing_field", "file", "Choose a file to attach; this one is empty.");
        goto out;
    }
    if (a->len > ATTACHMENT_MAX) {
        rc = app_fail(ctx, SEAM_ETOOBIG, "too_large", "file", "Files must be 5 MB or smaller.");
        goto out;
    }
    if (!type_allowed(a->content_type)) {
        rc = app_fail(ctx, SEAM_EMEDIA, "unsupported_media_type", "file",
                      "The file must be a PDF, JPEG, PNG or plain text file.");
        goto out;
    }
    unsigned char hash[crypto_hash_sha256_BYTES];
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    crypto_hash_sha256(hash, (const unsigned char *)a->data, a->len);
    sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
    size_t b64len = sodium_base64_encoded_len(a->len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64len);
    if (b64 == NULL) {
        rc = app_fail(ctx, SEAM_ENOMEM, NULL, NULL, "Out of memory.");
        goto out;
    }
    sodium_bin2base64(b64, b64len, (const unsigned char *)a->data, a->len, sodium_base64_VARIANT_ORIGINAL);
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(c.icb),
                    DBP_INT(c.id),
                    DBP_TEXT(a->filename),
                    DBP_TEXT(a->content_type),
                    DBP_INT((long long)a->len),
                    DBP_TEXT(hex),
                    DBP_TEXT(b64),
                    DBP_TEXT(ctx->user.username),
                    DBP_TEXT(now)};
    long long id;
    rc = db_query_int(ctx->db,
                      "INSERT INTO attachments (icb_code, advice_id, filename, content_type, size_bytes, sha256, data,"
                      " uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                      9, p, 0, &id);
    free(b64);
    if (rc) {
        rc = app_db_fail(ctx, rc);
        goto out;
    }
    json_t *detail = json_pack("{s:I,s:s,s:s,s:I,s:s}", "attachment_id", (json_int_t)id, "filename", a->filename,
                               "content_type", a->content_type, "size", (json_int_t)a->len, "sha256", hex);
    char *dt = json_dumps(detail, JSON_COMPACT);
    rc = app_event(ctx, "advice.attachment_added", "advice", c.id, c.nhs, c.icb, NULL, NULL, dt);
    free(dt);
    if (rc == 0) {
        *out = detail;
        json_object_set_new(*out, "id", json_integer(id));
        json_object_set_new(*out, "size", json_integer((json_int_t)a->len));
        ctx->status = 201;
    } else {
        json_decref(detail);
    }
out:
    advice__end(&c);
    return rc;
}

int app_advice_attachment_get(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_attachment *a = arg;
    json_t *adv = NULL;
    int rc = advice__load(ctx, a->advice_id, &adv);
    if (rc)
        return rc;
    db_rows *r;
    db_param p[] = {DBP_INT(a->attachment_id), DBP_INT(a->advice_id)};
    rc = db_query(ctx->db,
                  "SELECT filename, content_type, size_bytes, sha256, data FROM attachments WHERE id = $1 AND"
                  " advice_id = $2",
                  2, p, &r);
    if (rc) {
        json_decref(adv);
        return app_db_fail(ctx, rc);
    }
    if (db_nrows(r) == 0) {
        db_rows_free(r);
        json_decref(adv);
        return app_fail(ctx, SEAM_ENOTFOUND, "not_found", NULL, "There is no such attachment.");
    }
    *out = json_pack("{s:s,s:s,s:I,s:s,s:s}", "filename", db_get(r, 0, 0), "content_type", db_get(r, 0, 1), "size",
                     (json_int_t)db_geti(r, 0, 2), "sha256", db_get(r, 0, 3), "data_base64", db_get(r, 0, 4));
    db_rows_free(r);
    const char *nhs = json_string_value(json_object_get(json_object_get(adv, "patient"), "nhs_number"));
    rc = app_event(ctx, "read.attachment", "advice", a->advice_id, nhs, ctx->user.icb_code, NULL, NULL, NULL);
    json_decref(adv);
    return rc;
}
