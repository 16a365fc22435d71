/*
 * advice/attachments.c - files added to an open advice request (PDF, JPEG,
 * PNG or plain text, at most 5 MB, stored with their SHA-256), and read
 * back by anyone who may see the request.
 */
#include "app/advice/advice_internal.h"
#include "app/frame/rows.h"
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

/* What a file must be: added while the request is open, not empty, at
 * most 5 MB, of an allowed type. */
static int attachment_check(app_ctx *ctx, const advice_cur *c, const app_attachment *a)
{
    if (!advice_status_is_open(c->status))
        return app_fail(ctx, SEAM_ECONFLICT, "illegal_transition", NULL,
                        "Files can only be added while the advice request is open.");
    if (a->len == 0)
        return app_fail(ctx, SEAM_EINVALID, "missing_field", "file", "Choose a file to attach; this one is empty.");
    if (a->len > ATTACHMENT_MAX)
        return app_fail(ctx, SEAM_ETOOBIG, "too_large", "file", "Files must be 5 MB or smaller.");
    if (!type_allowed(a->content_type))
        return app_fail(ctx, SEAM_EMEDIA, "unsupported_media_type", "file",
                        "The file must be a PDF, JPEG, PNG or plain text file.");
    return 0;
}

/* Stores the file (base64) with its SHA-256, hex in hex (65 bytes). */
static int attachment_store(app_ctx *ctx, const advice_cur *c, const app_attachment *a, char *hex, long long *id)
{
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, (const unsigned char *)a->data, a->len);
    sodium_bin2hex(hex, crypto_hash_sha256_BYTES * 2 + 1, hash, sizeof(hash));
    size_t b64len = sodium_base64_encoded_len(a->len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64len);
    if (b64 == NULL)
        return app_fail(ctx, SEAM_ENOMEM, NULL, NULL, "Out of memory.");
    sodium_bin2base64(b64, b64len, (const unsigned char *)a->data, a->len, sodium_base64_VARIANT_ORIGINAL);
    char now[SEAM_ISO_LEN];
    seam_time_format(ctx->now, now);
    db_param p[] = {DBP_TEXT(c->icb),
                    DBP_INT(c->id),
                    DBP_TEXT(a->filename),
                    DBP_TEXT(a->content_type),
                    DBP_INT((long long)a->len),
                    DBP_TEXT(hex),
                    DBP_TEXT(b64),
                    DBP_TEXT(ctx->user.username),
                    DBP_TEXT(now)};
    int rc = db_query_int(ctx->db,
                          "INSERT INTO attachments (icb_code, advice_id, filename, content_type, size_bytes, sha256,"
                          " data, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                          9, p, 0, id);
    free(b64);
    return rc ? app_db_fail(ctx, rc) : 0;
}

/* Adds a file to an open request; the answer describes it (201). */
int app_advice_attach(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_attachment *a = arg;
    advice_cur c;
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    long long id;
    int rc = advice__begin(ctx, a->advice_id, NULL, &c);
    if (rc == 0)
        rc = attachment_check(ctx, &c, a);
    if (rc == 0)
        rc = attachment_store(ctx, &c, a, hex, &id);
    if (rc) {
        advice__end(&c);
        return rc;
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
    advice__end(&c);
    return rc;
}

static json_t *attachment_json(app_ctx *ctx, const db_rows *r, int i)
{
    return json_pack("{s:s,s:s,s:I,s:s,s:s}", "filename", db_get(r, i, 0), "content_type", db_get(r, i, 1), "size",
                     (json_int_t)db_geti(r, i, 2), "sha256", db_get(r, i, 3), "data_base64", db_get(r, i, 4));
}

/* An attachment of a request the caller may see (404 for the request
 * first, then for the file), its read audited against the request. */
int app_advice_attachment_get(app_ctx *ctx, const void *arg, json_t **out)
{
    const app_attachment *a = arg;
    json_t *adv = NULL;
    int rc = advice__load(ctx, a->advice_id, &adv);
    if (rc)
        return rc;
    sqlb b;
    sqlb_init(&b);
    sqlb_add(&b, "SELECT filename, content_type, size_bytes, sha256, data FROM attachments WHERE id = $?");
    sqlb_param(&b, DBP_INT(a->attachment_id));
    sqlb_add(&b, " AND advice_id = $?");
    sqlb_param(&b, DBP_INT(a->advice_id));
    rc = app__one(ctx, &b, attachment_json, out);
    if (rc == SEAM_ENOTFOUND)
        rc = app_fail(ctx, rc, "not_found", NULL, "There is no such attachment.");
    if (rc == 0) {
        const char *nhs = json_string_value(json_object_get(json_object_get(adv, "patient"), "nhs_number"));
        rc = app_event(ctx, "read.attachment", "advice", a->advice_id, nhs, ctx->user.icb_code, NULL, NULL, NULL);
    }
    json_decref(adv);
    return rc;
}
