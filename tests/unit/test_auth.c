/*
 * test_auth.c - the development issuer's bearer tokens (src/app/auth.c):
 * a token it signs verifies and names its user; expiry, a changed byte in
 * any part, another key, another algorithm, a wrong shape or a token too
 * long are refused.  On an in-memory SQLite database with the schema.
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_signed_token_verifies_and_names_its_user, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expired_token_is_refused_at_and_after_exp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_any_changed_character_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_another_issuers_key_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_well_signed_but_wrong_content_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_shapes_are_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
