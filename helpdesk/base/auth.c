/* auth.c - password hashing and policy, tokens, CSRF and lockout; see
 * auth.h.  libargon2 is included here and nowhere else. */
#include "auth.h"

#include "codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>
#include <openssl/crypto.h>

#define ARGON2_VERSION 0x13 /* 19, the only version libargon2 writes */
#define LOWER_MAX HD_PASSWORD_MAX

/* ---- argon2id --------------------------------------------------------- */

static int password_length_ok(const char *password, struct hd_error *err)
{
    size_t n = strlen(password);
    if (n > HD_PASSWORD_MAX) {
        hd_error_set(err, HD_E_TOOBIG, "password of %zu bytes; at most %d "
                     "are accepted", n, HD_PASSWORD_MAX);
        return 0;
    }
    return 1;
}

int hd_password_hash(const char *password, const struct hd_argon2_params *p,
                     char out[HD_PASSWORD_HASH_SIZE], struct hd_error *err)
{
    uint8_t salt[HD_ARGON2_SALT_LEN];
    if (!password_length_ok(password, err))
        return -1;
    size_t need = argon2_encodedlen(p->t_cost, p->m_cost_kib, p->parallelism,
                                    HD_ARGON2_SALT_LEN, HD_ARGON2_HASH_LEN,
                                    Argon2_id);
    hd_assert(need <= HD_PASSWORD_HASH_SIZE);
    hd_random_bytes(salt, sizeof salt);
    int rc = argon2id_hash_encoded(p->t_cost, p->m_cost_kib, p->parallelism,
                                   password, strlen(password), salt,
                                   sizeof salt, HD_ARGON2_HASH_LEN, out,
                                   HD_PASSWORD_HASH_SIZE);
    if (rc != ARGON2_OK) {
        hd_error_set(err, HD_E_INTERNAL, "argon2id (t=%u m=%u p=%u): %s",
                     p->t_cost, p->m_cost_kib, p->parallelism,
                     argon2_error_message(rc));
        return -1;
    }
    return 0;
}

int hd_password_verify(const char *password, const char *encoded,
                       struct hd_error *err)
{
    if (!password_length_ok(password, err))
        return -1;
    if (strncmp(encoded, "$argon2id$", 10) != 0) {
        hd_error_set(err, HD_E_PARSE, "stored password hash is not argon2id");
        return -1;
    }
    int rc = argon2id_verify(encoded, password, strlen(password));
    if (rc == ARGON2_OK)
        return 1;
    if (rc == ARGON2_VERIFY_MISMATCH)
        return 0;
    hd_error_set(err, rc == ARGON2_MEMORY_ALLOCATION_ERROR ? HD_E_INTERNAL
                                                           : HD_E_PARSE,
                 "stored password hash unusable: %s",
                 argon2_error_message(rc));
    return -1;
}

bool hd_password_needs_rehash(const char *encoded,
                              const struct hd_argon2_params *p)
{
    unsigned v, m, t, par;
    int end = 0;
    if (sscanf(encoded, "$argon2id$v=%u$m=%u,t=%u,p=%u$%n", &v, &m, &t, &par,
               &end) != 4 ||
        end == 0)
        return true;
    return v != ARGON2_VERSION || m < p->m_cost_kib || t < p->t_cost ||
           par != p->parallelism;
}

/* ---- password policy -------------------------------------------------- */

/* The most common passwords of public breach corpora, lower case.  Short
 * ones matter too: they are matched inside "Summer2024!" and repeats. */
static const char *const common_passwords[] = {
    "123456", "password", "123456789", "12345678", "12345", "qwerty",
    "1234567", "111111", "1234567890", "123123", "abc123", "1234",
    "password1", "iloveyou", "1q2w3e4r", "000000", "qwerty123", "zaq12wsx",
    "dragon", "sunshine", "princess", "letmein", "654321", "monkey",
    "1qaz2wsx", "123321", "qwertyuiop", "superman", "asdfghjkl", "trustno1",
    "football", "baseball", "welcome", "admin", "login", "master", "hello",
    "freedom", "whatever", "qazwsx", "shadow", "michael", "jennifer",
    "charlie", "mustang", "batman", "starwars", "passw0rd", "p@ssw0rd",
    "p@ssword", "access", "flower", "loveme", "zxcvbnm", "666666", "121212",
    "7777777", "555555", "ninja", "azerty", "ashley", "bailey", "helpdesk",
    "support", "changeme", "secret", "administrator", "root", "toor",
    "test", "guest", "default", "qwer1234", "asdf1234", "1q2w3e",
    "zaq1zaq1", "q1w2e3r4", "aa123456", "abcd1234", "987654321", "google",
    "computer", "internet", "samsung", "pokemon", "chocolate", "summer",
    "winter", "spring", "autumn", "matrix", "soccer", "killer", "pepper",
    "cookie", "maggie", "buster", "tigger", "jessica", "daniel", "thomas",
    "hockey", "ranger", "harley", "thunder", "purple", "orange", "silver",
    "diamond", "lovely", "family", "forever", "blessed", "hunter",
    "welcome1", "letmein1", "iloveyou1", "qwertz", "passwort", "motdepasse",
};

/* Keyboard rows, forwards and backwards: any 12-character slice is as
 * guessable as "123456". */
static const char *const keyboard_runs[] = {
    "qwertyuiopasdfghjklzxcvbnm", "mnbvcxzlkjhgfdsapoiuytrewq",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qwertzuiopasdfghjklyxcvbnm", "azertyuiopqsdfghjklmwxcvbn",
    "1234567890qwertyuiop", "!@#$%^&*()",
};

static bool is_ascii_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* s (length n) is one or more copies of word. */
static bool repeats_word(const char *s, size_t n, const char *word)
{
    size_t w = strlen(word);
    if (n == 0 || n % w != 0)
        return false;
    for (size_t i = 0; i < n; i += w)
        if (memcmp(s + i, word, w) != 0)
            return false;
    return true;
}

static bool is_common(const char *s, size_t n)
{
    for (size_t i = 0; i < HD_ARRAY_LEN(common_passwords); i++)
        if (repeats_word(s, n, common_passwords[i]))
            return true;
    return false;
}

/* Every character one above (or every one below) the previous, digits
 * wrapping: "abcdefghijkl", "901234567890", "zyxwvutsrqpo". */
static bool is_sequence(const char *s, size_t n)
{
    for (int dir = -1; dir <= 1; dir += 2) {
        size_t i = 1;
        for (; i < n; i++) {
            char a = s[i - 1], b = s[i];
            bool digits = a >= '0' && a <= '9' && b >= '0' && b <= '9';
            int diff = digits ? ((b - a) % 10 + 10) % 10 : b - a;
            if (diff != (digits && dir < 0 ? 9 : dir))
                break;
        }
        if (i == n)
            return true;
    }
    return false;
}

static bool is_keyboard_run(const char *s)
{
    for (size_t i = 0; i < HD_ARRAY_LEN(keyboard_runs); i++)
        if (strstr(keyboard_runs[i], s) != NULL)
            return true;
    return false;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* Refuses passwords derived from the account's email address. */
static int check_email(const char *lower, const char *core, size_t core_n,
                       const char *email, struct hd_error *err)
{
    char mail[HD_ADDRESS_MAX + 1];
    size_t n = strlen(email), local;
    if (n == 0 || n > HD_ADDRESS_MAX)
        return 0;
    for (size_t i = 0; i <= n; i++)
        mail[i] = (char)(email[i] >= 'A' && email[i] <= 'Z'
                             ? email[i] - 'A' + 'a' : email[i]);
    local = strcspn(mail, "@");
    if (strcmp(lower, mail) == 0 ||
        (local == strlen(lower) && memcmp(lower, mail, local) == 0) ||
        (local == core_n && memcmp(core, mail, local) == 0)) {
        hd_error_set(err, HD_E_INVAL, "the password must not be your email "
                     "address or its name part");
        return -1;
    }
    return 0;
}

int hd_password_policy_check(const char *password, const char *email,
                             struct hd_error *err)
{
    char lower[LOWER_MAX + 1];
    size_t n = strlen(password), chars = utf8_chars(password);
    if (n > HD_PASSWORD_MAX) {
        hd_error_set(err, HD_E_INVAL, "the password is %zu bytes long; at "
                     "most %d are allowed", n, HD_PASSWORD_MAX);
        return -1;
    }
    if (chars < HD_PASSWORD_MIN) {
        hd_error_set(err, HD_E_INVAL, "the password has %zu characters; at "
                     "least %d are required", chars, HD_PASSWORD_MIN);
        return -1;
    }
    for (size_t i = 0; i <= n; i++)
        lower[i] = (char)(password[i] >= 'A' && password[i] <= 'Z'
                              ? password[i] - 'A' + 'a' : password[i]);
    /* The core: the password without the digits and symbols people add
     * around a word to pass composition rules ("!Password2024"). */
    size_t b = 0, e = n;
    while (b < e && !is_ascii_alpha(lower[b]) && (unsigned char)lower[b] < 0x80)
        b++;
    while (e > b && !is_ascii_alpha(lower[e - 1]) &&
           (unsigned char)lower[e - 1] < 0x80)
        e--;
    int rc = -1;
    if (strspn(lower, (char[]){lower[0], '\0'}) == n)
        hd_error_set(err, HD_E_INVAL, "the password repeats one character");
    else if (is_sequence(lower, n) || is_keyboard_run(lower))
        hd_error_set(err, HD_E_INVAL, "the password is a run of keys or "
                     "letters; choose something less predictable");
    else if (is_common(lower, n) || is_common(lower + b, e - b))
        hd_error_set(err, HD_E_INVAL, "the password is one of the most "
                     "commonly used ones; choose another");
    else if (email == NULL || check_email(lower, lower + b, e - b, email,
                                          err) == 0)
        rc = 0;
    hd_memzero_explicit(lower, sizeof lower);
    return rc;
}

/* ---- tokens and CSRF -------------------------------------------------- */

void hd_token_new(char out[HD_TOKEN_SIZE])
{
    uint8_t raw[HD_TOKEN_BYTES];
    hd_random_bytes(raw, sizeof raw);
    hd_base64url_encode(raw, sizeof raw, out, HD_TOKEN_SIZE);
    hd_memzero_explicit(raw, sizeof raw);
}

void hd_token_hash(const char *token, char out[HD_SHA256_HEX_SIZE])
{
    hd_sha256_hex(token, strlen(token), out);
}

bool hd_token_equal(const char *a, const char *b)
{
    size_t n = strlen(a);
    return n == strlen(b) && CRYPTO_memcmp(a, b, n) == 0;
}

void hd_csrf_token(const uint8_t key[HD_KEY_LEN], const char *session_id,
                   char out[HD_CSRF_SIZE])
{
    static const char label[] = "csrf:";
    uint8_t mac[HD_SHA256_LEN];
    size_t n = strlen(session_id);
    char *msg = hd_xmalloc(sizeof label + n);
    memcpy(msg, label, sizeof label - 1);
    memcpy(msg + sizeof label - 1, session_id, n);
    hd_hmac_sha256(key, HD_KEY_LEN, msg, sizeof label - 1 + n, mac);
    hd_base64url_encode(mac, sizeof mac, out, HD_CSRF_SIZE);
    hd_memzero_explicit(msg, sizeof label - 1 + n);
    free(msg);
}

bool hd_csrf_check(const uint8_t key[HD_KEY_LEN], const char *session_id,
                   const char *token)
{
    char want[HD_CSRF_SIZE];
    hd_csrf_token(key, session_id, want);
    return hd_token_equal(token, want);
}

/* ---- lockout ---------------------------------------------------------- */

int64_t hd_lockout_duration(const struct hd_lockout_policy *p, int k)
{
    int64_t d = p->base_lock_secs;
    for (int i = 0; i < k && d < p->max_lock_secs; i++)
        d *= p->growth;
    return d < p->max_lock_secs ? d : p->max_lock_secs;
}

bool hd_lockout_locked(const struct hd_lockout_policy *p,
                       const struct hd_lockout_state *s, int64_t now,
                       int64_t *until_r)
{
    (void)p;
    bool locked = now < s->locked_until;
    if (until_r != NULL)
        *until_r = locked ? s->locked_until : 0;
    return locked;
}

bool hd_lockout_fail(const struct hd_lockout_policy *p,
                     struct hd_lockout_state *s, int64_t now)
{
    hd_assert(p->max_failures >= 1 && p->growth >= 1);
    if (hd_lockout_locked(p, s, now, NULL))
        return false;
    if (s->last_failure != 0 && now - s->last_failure >= p->forget_secs)
        s->lockouts = 0;
    if (s->failures == 0 || now - s->run_start >= p->window_secs) {
        s->failures = 0;
        s->run_start = now;
    }
    s->failures++;
    s->last_failure = now;
    if (s->failures < p->max_failures)
        return false;
    s->locked_until = now + hd_lockout_duration(p, s->lockouts);
    s->lockouts++;
    s->failures = 0;
    return true;
}

void hd_lockout_success(struct hd_lockout_state *s)
{
    s->failures = 0;
    s->run_start = 0;
    s->lockouts = 0;
    s->locked_until = 0;
}
