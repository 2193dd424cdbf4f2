/* csat.c - see csat.h. */
#include "csat.h"

#include "auth.h"
#include "codec.h"
#include "crypt.h"
#include "outbound.h"

#include <stdio.h>
#include <string.h>

#define CSAT_KEY "csat.secret"

static int key_get(struct hd_store *st, struct hd_arena *a, const char **k_r,
                   struct hd_error *err)
{
    char *v = NULL;
    int found = hd_store_meta_get(st, CSAT_KEY, a, &v, err);
    if (found < 0)
        return -1;
    if (found == 1 && strlen(v) >= 32) {
        *k_r = v;
        return 0;
    }
    char tok[HD_TOKEN_SIZE];
    hd_token_new(tok);
    *k_r = hd_arena_strdup(a, tok);
    hd_memzero_explicit(tok, sizeof tok);
    return hd_store_meta_set(st, CSAT_KEY, *k_r, err);
}

int hd_csat_sign(struct hd_store *st, int64_t number,
                 char sig[HD_CSAT_SIG_LEN + 1], struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    const char *key;
    int rc = key_get(st, a, &key, err);
    if (rc == 0) {
        char msg[40];
        uint8_t mac[HD_SHA256_LEN];
        int n = snprintf(msg, sizeof msg, "csat:%lld", (long long)number);
        hd_hmac_sha256(key, strlen(key), msg, (size_t)n, mac);
        hd_hex_encode(mac, HD_CSAT_SIG_LEN / 2, sig, HD_CSAT_SIG_LEN + 1);
    }
    hd_arena_free(&a);
    return rc;
}

int hd_csat_check(struct hd_store *st, int64_t number, const char *sig,
                  struct hd_error *err)
{
    char want[HD_CSAT_SIG_LEN + 1];
    if (sig == NULL || strlen(sig) != HD_CSAT_SIG_LEN)
        return 0;
    if (hd_csat_sign(st, number, want, err) < 0)
        return -1;
    unsigned diff = 0;
    for (size_t i = 0; i < HD_CSAT_SIG_LEN; i++)
        diff |= (unsigned)(want[i] ^ sig[i]);
    return diff == 0;
}

int hd_csat_mail(struct hd_instance *inst, struct hd_store *st,
                 const struct hd_ticket *t, struct hd_arena *a,
                 struct hd_error *err)
{
    const struct hd_config *cfg = hd_instance_config(inst);
    const char *base = hd_config_get(cfg, HD_CFG_INSTANCE_PUBLIC_URL);
    char sig[HD_CSAT_SIG_LEN + 1];
    if (t->requester_address == NULL || *base == '\0' ||
        !hd_config_get_bool(cfg, HD_CFG_MAIL_CSAT_MAIL))
        return 0;
    if (hd_csat_sign(st, t->number, sig, err) < 0)
        return -1;
    bool ja = t->lang == NULL || strcmp(t->lang, "en") != 0;
    const char *link = hd_arena_printf(a, "%s/r/%lld-%s", base,
                                       (long long)t->number, sig);
    const char *body =
        ja ? hd_arena_printf(a,
                             "お問い合わせ「%s」は解決済みとなりました。\n\n"
                             "対応はいかがでしたか。次のリンクから評価を"
                             "お聞かせください（良い／悪い、コメント）。\n"
                             "%s\n\n"
                             "まだ解決していない場合は、このメールにご返信"
                             "ください。\n",
                             t->subject, link)
           : hd_arena_printf(a,
                             "Your request \"%s\" is solved.\n\n"
                             "How did we do? Rate our answer (good or bad, "
                             "with a comment if you like):\n%s\n\n"
                             "If it is not solved, just reply to this "
                             "mail.\n",
                             t->subject, link);
    struct hd_outbound o = {
        .t = t, .kind = "resolved", .to_addr = t->requester_address,
        .to_name = t->requester_name,
        .subject = ja ? hd_arena_printf(a, "解決しました: %s", t->subject)
                      : hd_arena_printf(a, "Solved: %s", t->subject),
        .body = body, .automatic = true,
    };
    return hd_outbound_queue(inst, st, &o, a, NULL, err);
}
