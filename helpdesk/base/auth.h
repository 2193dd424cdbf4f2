/* auth.h - who may log in: password hashing and policy, session and
 * reset tokens, CSRF tokens, and the lockout policy.  Pure functions over
 * data the caller loads and stores (the store keeps hashes, counters and
 * lockout state; the web layer keeps cookies).  TOTP lives in totp.h, IP
 * allow-lists in cidr.h.
 *
 * Passwords are hashed with argon2id (libargon2) and stored as the
 * encoded string "$argon2id$v=19$m=...,t=...,p=...$salt$hash", which
 * carries its parameters, so they can be raised later and old hashes
 * upgraded at the next successful login (hd_password_needs_rehash). */
#ifndef HD_AUTH_H
#define HD_AUTH_H

#include "crypt.h"
#include "hd.h"

/* OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane). */
#define HD_ARGON2_T_COST 2
#define HD_ARGON2_M_COST_KIB 19456
#define HD_ARGON2_PARALLELISM 1
#define HD_ARGON2_SALT_LEN 16
#define HD_ARGON2_HASH_LEN 32
#define HD_PASSWORD_HASH_SIZE 128 /* encoded string + NUL, with room */
#define HD_PASSWORD_MIN 12        /* characters (UTF-8 code points) */
#define HD_PASSWORD_MAX 1024      /* bytes; longer is refused unhashed */

struct hd_argon2_params {
    uint32_t t_cost;      /* passes */
    uint32_t m_cost_kib;  /* memory in KiB */
    uint32_t parallelism; /* lanes */
};
#define HD_ARGON2_PARAMS_DEFAULT                                             \
    ((struct hd_argon2_params){HD_ARGON2_T_COST, HD_ARGON2_M_COST_KIB,       \
                               HD_ARGON2_PARALLELISM})

/* Hashes password with a fresh random salt into out.  -1 with
 * HD_E_TOOBIG for a password over HD_PASSWORD_MAX, HD_E_INTERNAL if
 * libargon2 refuses the parameters. */
HD_NODISCARD int hd_password_hash(const char *password,
                                  const struct hd_argon2_params *p,
                                  char out[HD_PASSWORD_HASH_SIZE],
                                  struct hd_error *err);
/* Returns 1 if password matches the encoded hash, 0 if it does not, -1
 * with HD_E_PARSE if 'encoded' is not an argon2id hash (or the password
 * is over HD_PASSWORD_MAX, HD_E_TOOBIG). */
HD_NODISCARD int hd_password_verify(const char *password,
                                    const char *encoded,
                                    struct hd_error *err);
/* True when encoded was made with weaker parameters than p (lower t or m,
 * different p), another variant or version, or cannot be read. */
bool hd_password_needs_rehash(const char *encoded,
                              const struct hd_argon2_params *p);
/* Checks a new password: at least HD_PASSWORD_MIN characters, at most
 * HD_PASSWORD_MAX bytes, not one character repeated, not a keyboard or
 * alphabet run ("123456789012"), not the email address or its local part,
 * and not one of the ~100 most common passwords (ignoring case, digits
 * and symbols around it, and repetition: "Password2024!" and
 * "monkeymonkey" are refused).  email may be NULL.  -1 with HD_E_INVAL and
 * a message fit for the user. */
HD_NODISCARD int hd_password_policy_check(const char *password,
                                          const char *email,
                                          struct hd_error *err);

/* Opaque random tokens (sessions, password resets, API keys): 256 bits
 * as unpadded base64url, 43 characters.  Store only hd_token_hash(). */
#define HD_TOKEN_BYTES 32
#define HD_TOKEN_SIZE 44 /* 43 + NUL */
void hd_token_new(char out[HD_TOKEN_SIZE]);
/* SHA-256 hex of the token text, for storage and lookup. */
void hd_token_hash(const char *token, char out[HD_SHA256_HEX_SIZE]);
/* Constant-time equality of two strings; the lengths may leak. */
bool hd_token_equal(const char *a, const char *b);

/* CSRF token bound to a session: base64url(HMAC-SHA256(key, "csrf:" ||
 * session_id)).  The label keeps these MACs apart from any other use of
 * the instance key. */
#define HD_CSRF_SIZE 44
void hd_csrf_token(const uint8_t key[HD_KEY_LEN], const char *session_id,
                   char out[HD_CSRF_SIZE]);
/* True if token is the CSRF token of session_id (constant time). */
bool hd_csrf_check(const uint8_t key[HD_KEY_LEN], const char *session_id,
                   const char *token);

/* Lockout after repeated failures, with a growing lock.
 *
 * max_failures failures, each less than window_secs after the first of
 * the run, lock the account for base_lock_secs * growth^k (capped at
 * max_lock_secs), where k counts the earlier lockouts; k is forgotten after
 * forget_secs without failures, or on a successful login.  The state is
 * plain data the store keeps per account; the functions take the time,
 * so they are deterministic. */
struct hd_lockout_policy {
    int max_failures;       /* failures that lock (>= 1) */
    int64_t window_secs;    /* run of failures counted within this */
    int64_t base_lock_secs; /* first lock */
    int64_t max_lock_secs;  /* cap on any lock */
    int growth;             /* factor per further lockout (>= 1) */
    int64_t forget_secs;    /* quiet time after which lockouts reset */
};
#define HD_LOCKOUT_POLICY_DEFAULT                                            \
    ((struct hd_lockout_policy){5, 600, 60, 3600, 2, 86400})

struct hd_lockout_state {
    int failures;         /* failures in the current run */
    int64_t run_start;    /* time of the first failure of the run */
    int64_t last_failure; /* time of the newest failure, 0 if none */
    int lockouts;         /* lockouts so far (drives the back-off) */
    int64_t locked_until; /* 0 or end of the current/last lock */
};

/* Length of the k-th lockout (k = 0 for the first). */
int64_t hd_lockout_duration(const struct hd_lockout_policy *p, int k);
/* True if the account is locked at now; *until_r (may be NULL) gets the
 * end of the lock. */
bool hd_lockout_locked(const struct hd_lockout_policy *p,
                       const struct hd_lockout_state *s, int64_t now,
                       int64_t *until_r);
/* Records a failed login at now.  Returns true if this failure locked the
 * account.  Failures while already locked are not counted (the caller
 * should not have checked the password), so they cannot extend the lock
 * for the real owner indefinitely. */
bool hd_lockout_fail(const struct hd_lockout_policy *p,
                     struct hd_lockout_state *s, int64_t now);
/* Records a successful login: the run and the lockout count reset. */
void hd_lockout_success(struct hd_lockout_state *s);

#endif
