/* reply_addr.c - see reply_addr.h. */
#include "reply_addr.h"

#include "codec.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Domain separation: the key signs nothing else, but a label keeps a
 * future second use of it from colliding with this one. */
#define MAC_LABEL "helpdesk reply v1\n"
#define MAC_HEX (HD_REPLY_MAC_BYTES * 2)
#define ID_DIGITS_MAX 18 /* int64 without overflow */

int hd_reply_key_load(const char *instance_dir, struct hd_reply_key *k,
                      struct hd_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", instance_dir, HD_REPLY_KEY_FILE);
    return hd_secret_load_or_create(path, k->key, HD_KEY_LEN, err);
}

void hd_reply_key_wipe(struct hd_reply_key *k)
{
    hd_memzero_explicit(k->key, sizeof k->key);
}

bool hd_reply_site(const struct hd_config *cfg, struct hd_arena *a,
                   const char **local_r, const char **domain_r)
{
    if (!hd_config_get_bool(cfg, HD_CFG_MAIL_REPLY_BY_MAIL))
        return false;
    const char *from = hd_config_get(cfg, HD_CFG_MAIL_FROM_ADDRESS);
    const char *at = strrchr(from, '@');
    const char *local = hd_config_get(cfg, HD_CFG_MAIL_REPLY_LOCAL_PART);
    const char *domain = hd_config_get(cfg, HD_CFG_MAIL_REPLY_DOMAIN);
    if (*local == '\0')
        local = at ? hd_arena_strndup(a, from, (size_t)(at - from)) : from;
    if (*domain == '\0')
        domain = at ? at + 1 : "helpdesk.invalid";
    *local_r = local;
    *domain_r = domain;
    return *local != '\0' && *domain != '\0';
}

/* The lower-case hex MAC of "tNUMBER.uUSER". */
static void mac_hex(const struct hd_reply_key *k, int64_t number,
                    int64_t user_id, char out[MAC_HEX + 1])
{
    char msg[96];
    uint8_t mac[HD_SHA256_LEN];
    int n = snprintf(msg, sizeof msg, MAC_LABEL "t%lld.u%lld",
                     (long long)number, (long long)user_id);
    hd_hmac_sha256(k->key, HD_KEY_LEN, msg, (size_t)n, mac);
    hd_hex_encode(mac, HD_REPLY_MAC_BYTES, out, MAC_HEX + 1);
}

const char *hd_reply_addr_make(const struct hd_reply_key *k,
                               const char *local, const char *domain,
                               int64_t number, int64_t user_id,
                               struct hd_arena *a)
{
    char mac[MAC_HEX + 1];
    mac_hex(k, number, user_id, mac);
    return hd_arena_printf(a, "%s+t%lld.u%lld.%s@%s", local,
                           (long long)number, (long long)user_id, mac,
                           domain);
}

/* addr without <> and surrounding spaces, split at its last '@': the
 * local part's length in *ln and the domain in *dom.  false when there
 * is no '@'. */
static bool split_addr(const char *addr, const char **lp, size_t *ln,
                       const char **dom, size_t *dn)
{
    while (*addr == ' ' || *addr == '<')
        addr++;
    size_t n = strlen(addr);
    while (n > 0 && (addr[n - 1] == ' ' || addr[n - 1] == '>'))
        n--;
    const char *at = NULL;
    for (size_t i = 0; i < n; i++)
        if (addr[i] == '@')
            at = addr + i;
    if (at == NULL)
        return false;
    *lp = addr;
    *ln = (size_t)(at - addr);
    *dom = at + 1;
    *dn = n - *ln - 1;
    return true;
}

/* The suffix after LOCAL in the local part ("+t..."), or NULL when addr
 * does not claim to be a reply address; *sn its length. */
static const char *claimed_suffix(const char *local, const char *domain,
                                  const char *addr, size_t *sn)
{
    const char *lp, *dom;
    size_t ln, dn, l = strlen(local);
    if (!split_addr(addr, &lp, &ln, &dom, &dn) || dn != strlen(domain) ||
        strncasecmp(dom, domain, dn) != 0 || ln < l + 3 ||
        strncasecmp(lp, local, l) != 0 || lp[l] != '+' ||
        tolower((unsigned char)lp[l + 1]) != 't' ||
        !isdigit((unsigned char)lp[l + 2]))
        return NULL;
    *sn = ln - l;
    return lp + l;
}

bool hd_reply_addr_claims(const char *local, const char *domain,
                          const char *addr)
{
    size_t sn;
    return claimed_suffix(local, domain, addr, &sn) != NULL;
}

/* Reads a positive decimal id without leading zeros at *p (moved past
 * it); false when there is none or it is too long. */
static bool read_id(const char **p, const char *end, int64_t *v)
{
    const char *s = *p;
    size_t n = 0;
    while (s + n < end && isdigit((unsigned char)s[n]))
        n++;
    if (n == 0 || n > ID_DIGITS_MAX || s[0] == '0')
        return false;
    *v = strtoll(s, NULL, 10);
    *p = s + n;
    return true;
}

enum hd_reply_verdict hd_reply_addr_check(const struct hd_reply_key *k,
                                          const char *local,
                                          const char *domain,
                                          const char *addr,
                                          int64_t *number_r,
                                          int64_t *user_r)
{
    size_t sn;
    const char *s = claimed_suffix(local, domain, addr, &sn);
    if (s == NULL)
        return HD_REPLY_NOT_OURS;
    const char *end = s + sn, *p = s + 2; /* past "+t" */
    int64_t number, user;
    if (!read_id(&p, end, &number) || end - p < 3 || p[0] != '.' ||
        tolower((unsigned char)p[1]) != 'u')
        return HD_REPLY_MALFORMED;
    p += 2;
    if (!read_id(&p, end, &user) || end - p != MAC_HEX + 1 || *p != '.')
        return HD_REPLY_MALFORMED;
    p++;
    char got[MAC_HEX + 1], want[MAC_HEX + 1];
    for (size_t i = 0; i < MAC_HEX; i++) {
        if (!isxdigit((unsigned char)p[i]))
            return HD_REPLY_MALFORMED;
        got[i] = (char)tolower((unsigned char)p[i]);
    }
    got[MAC_HEX] = '\0';
    mac_hex(k, number, user, want);
    if (CRYPTO_memcmp(got, want, MAC_HEX) != 0)
        return HD_REPLY_BAD_MAC;
    *number_r = number;
    *user_r = user;
    return HD_REPLY_VALID;
}

int hd_reply_addr_for(const char *instance_dir, const struct hd_config *cfg,
                      int64_t number, int64_t user_id, struct hd_arena *a,
                      const char **addr_r, struct hd_error *err)
{
    const char *local, *domain;
    struct hd_reply_key k;
    *addr_r = NULL;
    if (!hd_reply_site(cfg, a, &local, &domain))
        return 0;
    if (hd_reply_key_load(instance_dir, &k, err) < 0)
        return -1;
    *addr_r = hd_reply_addr_make(&k, local, domain, number, user_id, a);
    hd_reply_key_wipe(&k);
    return 0;
}

void hd_reply_addr_redact(const char *addr, char *out, size_t out_size)
{
    snprintf(out, out_size, "%s", addr);
    for (char *p = strstr(out, "+t"); p != NULL; p = strstr(p + 1, "+t")) {
        const char *q = p + 2, *end = out + strlen(out);
        int64_t v;
        if (!read_id(&q, end, &v) || q[0] != '.' ||
            tolower((unsigned char)q[1]) != 'u')
            continue;
        q += 2;
        if (!read_id(&q, end, &v) || *q != '.')
            continue;
        char *mac = (char *)q + 1, *at = strchr(mac, '@');
        if (at == NULL || at == mac)
            continue;
        memmove(mac + 1, at, strlen(at) + 1);
        *mac = '*';
        return;
    }
}
