/*
 * test_auth.c - the development issuer's bearer tokens (src/app/auth.c):
 * a token it signs verifies and names its user; expiry, a changed byte in
 * any part, another key, another algorithm, a wrong shape or a token too
 * long are refused; so are a payload swapped under the signature, a
 * signature cut short, padded or not base64url, and a well-signed token
 * with a missing part or a part that is not base64url.  (There is no
 * not-before: the issuer writes no nbf, and iat is not checked.)
 * On an in-memory SQLite database with the schema.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/app.h"
#include "common/rc.h"
#include "store/db.h"
#include "store/migrate.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define B64V sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define NOW  ((seam_time)1790000000)

typedef struct fixture {
    db *d;
    unsigned char pk[32];
    app_user u;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    char err[200];
    assert_int_equal(db_open(":memory:", &f->d, err, sizeof(err)), 0);
    assert_int_equal(migrate_up(f->d, NULL), 0);
    assert_int_equal(auth_issuer_ensure(f->d), 0);
    assert_int_equal(auth_issuer_public_key(f->d, f->pk), 0);
    snprintf(f->u.username, sizeof(f->u.username), "gp.patel");
    snprintf(f->u.display_name, sizeof(f->u.display_name), "Dr Asha Patel");
    snprintf(f->u.role, sizeof(f->u.role), "gp");
    snprintf(f->u.org_code, sizeof(f->u.org_code), "Y01001");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    db_close(f->d);
    free(f);
    return 0;
}

static char *issue(fixture *f, long ttl)
{
    char *tok = NULL;
    assert_int_equal(auth_token_issue(f->d, &f->u, NOW, ttl, &tok), 0);
    assert_non_null(tok);
    return tok;
}

static int verify(fixture *f, const char *tok, seam_time now, char user[64])
{
    user[0] = '\0';
    return auth_token_verify(f->pk, tok, now, user, 64);
}

static void test_signed_token_verifies_and_names_its_user(void **state)
{
    fixture *f = *state;
    char *tok = issue(f, 3600);
    char user[64];
    assert_int_equal(verify(f, tok, NOW + 10, user), 0);
    assert_string_equal(user, "gp.patel");
    /* Three parts, base64url without padding. */
    int dots = 0;
    for (const char *p = tok; *p; p++) {
        dots += *p == '.';
        assert_true(*p != '=' && *p != '+' && *p != '/');
    }
    assert_int_equal(dots, 2);
    free(tok);
}

static void test_expired_token_is_refused_at_and_after_exp(void **state)
{
    fixture *f = *state;
    char *tok = issue(f, 60);
    char user[64];
    assert_int_equal(verify(f, tok, NOW + 59, user), 0);
    assert_int_equal(verify(f, tok, NOW + 60, user), SEAM_EUNAUTH); /* exp is exclusive */
    assert_int_equal(verify(f, tok, NOW + 86400, user), SEAM_EUNAUTH);
    free(tok);
}

/* Changing any one character of any part breaks the signature. */
static void test_any_changed_character_is_refused(void **state)
{
    fixture *f = *state;
    char *tok = issue(f, 3600);
    size_t len = strlen(tok);
    char user[64];
    for (size_t i = 0; i < len; i++) {
        if (tok[i] == '.')
            continue;
        char keep = tok[i];
        tok[i] = keep == 'g' ? 'A' : 'g'; /* the top bit of the 6: never a padding bit */
        assert_int_not_equal(verify(f, tok, NOW, user), 0);
        tok[i] = keep;
    }
    assert_int_equal(verify(f, tok, NOW, user), 0);
    free(tok);
}

static void test_another_issuers_key_is_refused(void **state)
{
    fixture *f = *state;
    char *tok = issue(f, 3600);
    unsigned char other[32], sk[64];
    crypto_sign_keypair(other, sk);
    char user[64];
    assert_int_equal(auth_token_verify(other, tok, NOW, user, sizeof(user)), SEAM_EUNAUTH);
    free(tok);
}

/* A token signed with the right key but naming another algorithm, or
 * with claims that are not JSON or lack sub/exp, is refused. */
static char *sign_raw(fixture *f, const char *header, const char *claims)
{
    char *skb = NULL;
    assert_int_equal(store_setting_get(f->d, "dev_issuer_sk", &skb), 0);
    unsigned char sk[64];
    size_t got = 0;
    assert_int_equal(sodium_base642bin(sk, sizeof(sk), skb, strlen(skb), NULL, &got, NULL, B64V), 0);
    free(skb);
    size_t cap = 4 * (strlen(header) + strlen(claims)) + 256;
    char *tok = malloc(cap);
    sodium_bin2base64(tok, cap, (const unsigned char *)header, strlen(header), B64V);
    size_t n = strlen(tok);
    tok[n++] = '.';
    sodium_bin2base64(tok + n, cap - n, (const unsigned char *)claims, strlen(claims), B64V);
    n = strlen(tok);
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const unsigned char *)tok, n, sk);
    tok[n++] = '.';
    sodium_bin2base64(tok + n, cap - n, sig, sizeof(sig), B64V);
    return tok;
}

static void test_well_signed_but_wrong_content_is_refused(void **state)
{
    fixture *f = *state;
    char user[64];
    char *ok = sign_raw(f, "{\"alg\":\"EdDSA\"}", "{\"sub\":\"x\",\"exp\":1790000100}");
    assert_int_equal(verify(f, ok, NOW, user), 0);
    assert_string_equal(user, "x");
    free(ok);
    const char *bad[][2] = {
        {"{\"alg\":\"none\"}", "{\"sub\":\"x\",\"exp\":1790000100}"},
        {"{\"alg\":\"HS256\"}", "{\"sub\":\"x\",\"exp\":1790000100}"},
        {"{}", "{\"sub\":\"x\",\"exp\":1790000100}"},
        {"not json", "{\"sub\":\"x\",\"exp\":1790000100}"},
        {"{\"alg\":\"EdDSA\"}", "not json"},
        {"{\"alg\":\"EdDSA\"}", "{\"exp\":1790000100}"},
        {"{\"alg\":\"EdDSA\"}", "{\"sub\":\"x\"}"},
        {"{\"alg\":\"EdDSA\"}", "{\"sub\":7,\"exp\":1790000100}"},
        {"{\"alg\":\"EdDSA\"}", "{\"sub\":\"x\",\"exp\":\"1790000100\"}"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *tok = sign_raw(f, bad[i][0], bad[i][1]);
        assert_int_equal(verify(f, tok, NOW, user), SEAM_EUNAUTH);
        free(tok);
    }
}

static void test_wrong_shapes_are_refused(void **state)
{
    fixture *f = *state;
    char user[64];
    char *tok = issue(f, 3600);
    const char *shapes[] = {"", ".", "..", "a.b", "a.b.c", "a.b.c.d", "!!!.???.***"};
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
        assert_int_equal(verify(f, shapes[i], NOW, user), SEAM_EUNAUTH);
    assert_int_equal(auth_token_verify(f->pk, NULL, NOW, user, sizeof(user)), SEAM_EUNAUTH);
    /* A fourth part after a good token. */
    size_t len = strlen(tok);
    char *longer = malloc(len + 3);
    memcpy(longer, tok, len);
    memcpy(longer + len, ".x", 3);
    assert_int_equal(verify(f, longer, NOW, user), SEAM_EUNAUTH);
    free(longer);
    free(tok);
    /* Over 4096 bytes is refused before any decoding. */
    char *huge = malloc(5000);
    memset(huge, 'A', 4999);
    huge[4999] = '\0';
    huge[100] = '.';
    huge[200] = '.';
    assert_int_equal(verify(f, huge, NOW, user), SEAM_EUNAUTH);
    free(huge);
}

/* Signs the text "h.c" as it is (h and c need not be valid base64url). */
static char *sign_text(fixture *f, const char *h, const char *c)
{
    char *skb = NULL;
    assert_int_equal(store_setting_get(f->d, "dev_issuer_sk", &skb), 0);
    unsigned char sk[64];
    size_t got = 0;
    assert_int_equal(sodium_base642bin(sk, sizeof(sk), skb, strlen(skb), NULL, &got, NULL, B64V), 0);
    free(skb);
    size_t cap = strlen(h) + strlen(c) + 128;
    char *tok = malloc(cap);
    snprintf(tok, cap, "%s.%s", h, c);
    size_t n = strlen(tok);
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const unsigned char *)tok, n, sk);
    tok[n++] = '.';
    sodium_bin2base64(tok + n, cap - n, sig, sizeof(sig), B64V);
    return tok;
}

/* Claims replaced by other well-formed claims (another user, a later
 * expiry) under the original signature are refused. */
static void test_a_tampered_payload_is_refused(void **state)
{
    fixture *f = *state;
    char *tok = issue(f, 60);
    char *dot1 = strchr(tok, '.'), *dot2 = strchr(dot1 + 1, '.');
    const char *claims[] = {"{\"sub\":\"admin\",\"exp\":1790000060}", "{\"sub\":\"gp.patel\",\"exp\":4000000000}"};
    char user[64];
    for (size_t i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
        char c64[256];
        sodium_bin2base64(c64, sizeof(c64), (const unsigned char *)claims[i], strlen(claims[i]), B64V);
        char forged[1024];
        snprintf(forged, sizeof(forged), "%.*s.%s%s", (int)(dot1 - tok), tok, c64, dot2);
        assert_int_equal(verify(f, forged, NOW, user), SEAM_EUNAUTH);
        assert_string_equal(user, "");
    }
    free(tok);
}

/* A signature cut short, lengthened, emptied, or not base64url. */
static void test_a_bad_signature_is_refused(void **state)
{
    fixture *f = *state;
    char *tok = issue(f, 3600);
    size_t len = strlen(tok);
    char *sig = strrchr(tok, '.') + 1;
    size_t slen = strlen(sig);
    char user[64];
    char buf[2048];
    snprintf(buf, sizeof(buf), "%.*s", (int)(len - 4), tok); /* three bytes short */
    assert_int_equal(verify(f, buf, NOW, user), SEAM_EUNAUTH);
    snprintf(buf, sizeof(buf), "%sAAAA", tok); /* three bytes long */
    assert_int_equal(verify(f, buf, NOW, user), SEAM_EUNAUTH);
    snprintf(buf, sizeof(buf), "%.*s", (int)(len - slen), tok); /* empty */
    assert_int_equal(verify(f, buf, NOW, user), SEAM_EUNAUTH);
    snprintf(buf, sizeof(buf), "%.*s%.*s==", (int)(len - slen), tok, (int)slen, sig); /* padded */
    assert_int_equal(verify(f, buf, NOW, user), SEAM_EUNAUTH);
    snprintf(buf, sizeof(buf), "%s", tok);
    buf[len - slen + 5] = '+'; /* the standard alphabet, not base64url */
    assert_int_equal(verify(f, buf, NOW, user), SEAM_EUNAUTH);
    buf[len - slen + 5] = '*';
    assert_int_equal(verify(f, buf, NOW, user), SEAM_EUNAUTH);
    /* Another token's signature. */
    char *other = issue(f, 7200);
    snprintf(buf, sizeof(buf), "%.*s%s", (int)(len - slen), tok, strrchr(other, '.') + 1);
    assert_int_equal(verify(f, buf, NOW, user), SEAM_EUNAUTH);
    free(other);
    free(tok);
}

/* Well signed, but a part is missing or is not base64url. */
static void test_missing_parts_and_bad_base64_are_refused(void **state)
{
    fixture *f = *state;
    char user[64];
    char h64[128], c64[256];
    const char *h = "{\"alg\":\"EdDSA\"}", *c = "{\"sub\":\"x\",\"exp\":1790000100}";
    sodium_bin2base64(h64, sizeof(h64), (const unsigned char *)h, strlen(h), B64V);
    sodium_bin2base64(c64, sizeof(c64), (const unsigned char *)c, strlen(c), B64V);
    char *ok = sign_text(f, h64, c64);
    assert_int_equal(verify(f, ok, NOW, user), 0);
    free(ok);
    const char *parts[][2] = {{"", c64}, {h64, ""}, {"", ""}, {"!!!!", c64}, {h64, "$$$$"}, {"e30=", c64}, {h64, "A"}};
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        char *tok = sign_text(f, parts[i][0], parts[i][1]);
        assert_int_equal(verify(f, tok, NOW, user), SEAM_EUNAUTH);
        free(tok);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_signed_token_verifies_and_names_its_user, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expired_token_is_refused_at_and_after_exp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_any_changed_character_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_another_issuers_key_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_well_signed_but_wrong_content_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_shapes_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_tampered_payload_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_bad_signature_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_parts_and_bad_base64_are_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
