/* reply_addr.h - the per-ticket, per-agent reply address: made for the
 * Reply-To of mail to an agent, checked when mail reaches it.  Owns the
 * address's form, its MAC and the reply key; knows nothing about
 * tickets, users or mail intake (mailgw/route/replymail.c decides what
 * a verified address may do).
 *
 *   LOCAL+tNUMBER.uUSER.MAC@DOMAIN     e.g. support+t10001.u7.3f9c...@x
 *
 * LOCAL and DOMAIN are mail.reply_local_part and mail.reply_domain (each
 * empty: that part of mail.from_address).  NUMBER is the ticket's
 * number, USER the agent's user id, MAC the first HD_REPLY_MAC_BYTES of
 * HMAC-SHA256(reply key, "helpdesk reply v1\n" "tNUMBER.uUSER") in
 * lower-case hex.  80 bits: a guess can only be tried by sending a mail,
 * so 2^80 tries are out of reach, and the address stays well inside the
 * 64 octets RFC 5321 allows a local part.  Hex because some MTAs fold the
 * case of local parts: the check folds it too.  The MAC is compared with
 * CRYPTO_memcmp (constant time).
 *
 * The key: DIR/reply.key, 32 random bytes, mode 0600, made by init or
 * on first use (hd_secret_load_or_create, like audit.key).  Deleting it retires every
 * address given out so far (mail to them is refused); a new one is made
 * at the next mail. */
#ifndef HD_REPLY_ADDR_H
#define HD_REPLY_ADDR_H

#include "arena.h"
#include "config.h"
#include "crypt.h"
#include "hd.h"

#define HD_REPLY_MAC_BYTES 10  /* 80 bits of HMAC-SHA256 */
#define HD_REPLY_ADDR_MAX 320  /* longest address we make or read */
#define HD_REPLY_KEY_FILE "reply.key"

struct hd_reply_key {
    uint8_t key[HD_KEY_LEN];
};

/* What an address is to the reply check. */
enum hd_reply_verdict {
    HD_REPLY_NOT_OURS, /* not LOCAL+t<digit>...@DOMAIN: ordinary mail */
    HD_REPLY_MALFORMED, /* claims to be one, but its form is wrong */
    HD_REPLY_BAD_MAC,   /* well formed, the MAC does not match the key */
    HD_REPLY_VALID,     /* ours: *number_r and *user_r are set */
};

/* Loads DIR/reply.key, creating it when missing.  0 or -1.  Wipe the key
 * with hd_reply_key_wipe(). */
HD_NODISCARD int hd_reply_key_load(const char *instance_dir,
                                   struct hd_reply_key *k,
                                   struct hd_error *err);
void hd_reply_key_wipe(struct hd_reply_key *k);

/* LOCAL and DOMAIN under cfg (arena strings); false when
 * mail.reply_by_mail is off. */
bool hd_reply_site(const struct hd_config *cfg, struct hd_arena *a,
                   const char **local_r, const char **domain_r);

/* The address for (number, user_id) in the arena. */
const char *hd_reply_addr_make(const struct hd_reply_key *k,
                               const char *local, const char *domain,
                               int64_t number, int64_t user_id,
                               struct hd_arena *a);

/* Checks addr ("<...>" allowed around it) against local, domain and k. */
enum hd_reply_verdict hd_reply_addr_check(const struct hd_reply_key *k,
                                          const char *local,
                                          const char *domain,
                                          const char *addr,
                                          int64_t *number_r,
                                          int64_t *user_r);

/* True when addr has the reply form for local and domain, whatever its
 * MAC: no key needed (HD_REPLY_NOT_OURS is false). */
bool hd_reply_addr_claims(const char *local, const char *domain,
                          const char *addr);

/* addr with the MAC of any reply form in it ("+tN.uN.MAC@") replaced by
 * "*", for logs and protocol replies that echo a recipient: a logged
 * address must not be a usable one.  Other addresses are copied as they
 * are (cut to out_size). */
void hd_reply_addr_redact(const char *addr, char *out, size_t out_size);

/* For mail to user_id about ticket number under the instance at dir with
 * cfg: the address in *addr_r (arena), or NULL when reply by mail is off.
 * 0 or -1 (the key cannot be read or made). */
HD_NODISCARD int hd_reply_addr_for(const char *instance_dir,
                                   const struct hd_config *cfg,
                                   int64_t number, int64_t user_id,
                                   struct hd_arena *a, const char **addr_r,
                                   struct hd_error *err);

#endif
