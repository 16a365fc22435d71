/*
 * auth.c - signed bearer tokens: compact JWS (JWT) with Ed25519 ("EdDSA").
 *
 * The development issuer's key pair lives in the settings table and is
 * made on first use.  A token carries sub (username), org, role, name,
 * iat, exp and iss, in the shape NHS CIS2 or NHS login would give.
 */
#include "app/app.h"
#include "common/rc.h"
#include "store/migrate.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISSUER "seam-dev-issuer"
#define B64V   sodium_base64_VARIANT_URLSAFE_NO_PADDING

int auth_issuer_ensure(db *d)
{
    char *v = NULL;
    int rc = store_setting_get(d, "dev_issuer_pk", &v);
    free(v);
    if (rc != SEAM_ENOTFOUND)
        return rc;
    if (sodium_init() < 0)
        return SEAM_EINTERNAL;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    char pkb[128], skb[256];
    sodium_bin2base64(pkb, sizeof(pkb), pk, sizeof(pk), B64V);
    sodium_bin2base64(skb, sizeof(skb), sk, sizeof(sk), B64V);
    sodium_memzero(sk, sizeof(sk));
    rc = store_setting_set(d, "dev_issuer_pk", pkb);
    if (rc == 0)
        rc = store_setting_set(d, "dev_issuer_sk", skb);
    sodium_memzero(skb, sizeof(skb));
    return rc;
}

static int load_key(db *d, const char *name, unsigned char *out, size_t len)
{
    char *v = NULL;
    int rc = store_setting_get(d, name, &v);
    if (rc)
        return rc;
    size_t got = 0;
    int bad = sodium_base642bin(out, len, v, strlen(v), NULL, &got, NULL, B64V) != 0 || got != len;
    free(v);
    return bad ? SEAM_EINTERNAL : 0;
}

int auth_issuer_public_key(db *d, unsigned char pk[32])
{
    return load_key(d, "dev_issuer_pk", pk, crypto_sign_PUBLICKEYBYTES);
}

int auth_token_issue(db *d, const app_user *u, seam_time now, long ttl, char **out)
{
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    int rc = load_key(d, "dev_issuer_sk", sk, sizeof(sk));
    if (rc)
        return rc;
    const char *header = "{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}";
    json_t *claims =
        json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:s}", "sub", u->username, "org", u->org_code, "role", u->role, "name",
                  u->display_name, "iat", (json_int_t)now, "exp", (json_int_t)(now + ttl), "iss", ISSUER);
    char *payload = json_dumps(claims, JSON_COMPACT);
    json_decref(claims);
    if (payload == NULL) {
        sodium_memzero(sk, sizeof(sk));
        return SEAM_ENOMEM;
    }
    size_t hl = sodium_base64_encoded_len(strlen(header), B64V);
    size_t pl = sodium_base64_encoded_len(strlen(payload), B64V);
    size_t sl = sodium_base64_encoded_len(crypto_sign_BYTES, B64V);
    char *tok = malloc(hl + pl + sl + 4);
    if (tok == NULL) {
        free(payload);
        sodium_memzero(sk, sizeof(sk));
        return SEAM_ENOMEM;
    }
    sodium_bin2base64(tok, hl, (const unsigned char *)header, strlen(header), B64V);
    size_t n = strlen(tok);
    tok[n++] = '.';
    sodium_bin2base64(tok + n, pl, (const unsigned char *)payload, strlen(payload), B64V);
    n = strlen(tok);
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const unsigned char *)tok, n, sk);
    sodium_memzero(sk, sizeof(sk));
    tok[n++] = '.';
    sodium_bin2base64(tok + n, sl, sig, sizeof(sig), B64V);
    free(payload);
    *out = tok;
    return 0;
}

int auth_token_verify(const unsigned char *pk, const char *token, seam_time now, char *username, size_t ulen)
{
    if (token == NULL || strlen(token) > 4096)
        return SEAM_EUNAUTH;
    const char *dot1 = strchr(token, '.');
    const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (dot1 == NULL || dot2 == NULL || strchr(dot2 + 1, '.'))
        return SEAM_EUNAUTH;
    unsigned char sig[crypto_sign_BYTES];
    size_t got = 0;
    if (sodium_base642bin(sig, sizeof(sig), dot2 + 1, strlen(dot2 + 1), NULL, &got, NULL, B64V) != 0 ||
        got != sizeof(sig))
        return SEAM_EUNAUTH;
    if (crypto_sign_verify_detached(sig, (const unsigned char *)token, (unsigned long long)(dot2 - token), pk) != 0)
        return SEAM_EUNAUTH;
    /* Signed by us: now read the header and claims. */
    unsigned char buf[3072];
    if (sodium_base642bin(buf, sizeof(buf) - 1, token, (size_t)(dot1 - token), NULL, &got, NULL, B64V) != 0)
        return SEAM_EUNAUTH;
    buf[got] = '\0';
    json_t *h = json_loads((const char *)buf, 0, NULL);
    int alg_ok = h && json_is_string(json_object_get(h, "alg")) &&
                 strcmp(json_string_value(json_object_get(h, "alg")), "EdDSA") == 0;
    json_decref(h);
    if (!alg_ok)
        return SEAM_EUNAUTH;
    if (sodium_base642bin(buf, sizeof(buf) - 1, dot1 + 1, (size_t)(dot2 - dot1 - 1), NULL, &got, NULL, B64V) != 0)
        return SEAM_EUNAUTH;
    buf[got] = '\0';
    json_t *c = json_loads((const char *)buf, 0, NULL);
    if (c == NULL)
        return SEAM_EUNAUTH;
    json_t *sub = json_object_get(c, "sub"), *exp = json_object_get(c, "exp");
    int ok = json_is_string(sub) && json_is_integer(exp) && json_integer_value(exp) > now;
    if (ok)
        snprintf(username, ulen, "%s", json_string_value(sub));
    json_decref(c);
    return ok ? 0 : SEAM_EUNAUTH;
}
