/* cli_demo.c - `helpdesk demo`: realistic data for a dev or test
 * instance (refused on prod).  Deterministic: the same seed gives the
 * same tickets, so screenshots and benchmarks can be compared. */
#include "cli_int.h"

#include "article.h"
#include "clock.h"
#include "sla.h"

#include <argon2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEMO_TICKETS_DEFAULT 300
#define DEMO_TICKETS_MAX 1000000
#define DEMO_PASSWORD "demo-password-2026"
#define DEMO_MESSAGES_MAX 10000000 /* --messages, all tickets together */

static const struct {
    const char *name, *tier, *domain;
} orgs[] = {
    {"株式会社サクラ商事", "premium", "sakura-shoji.example.jp"},
    {"富士ロジスティクス株式会社", "enterprise", "fuji-logi.example.jp"},
    {"みなと会計事務所", "basic", "minato-kaikei.example.jp"},
    {"Northwind Traders", "standard", "northwind.example.com"},
    {"Contoso Ltd", "enterprise", "contoso.example.com"},
    {"Fabrikam Inc", "standard", "fabrikam.example.com"},
};

static const char *const ja_names[] = {"山田 太郎", "佐藤 花子", "鈴木 一郎",
                                       "高橋 美咲", "田中 健太", "伊藤 由美",
                                       "渡辺 翔", "中村 さくら"};
static const char *const ja_local[] = {"yamada", "sato", "suzuki", "takahashi",
                                       "tanaka", "ito", "watanabe", "nakamura"};
static const char *const en_names[] = {"Alice Johnson", "Bob Smith",
                                       "Carol White", "David Brown",
                                       "Emma Davis", "Frank Miller"};
static const char *const en_local[] = {"alice", "bob", "carol",
                                       "david", "emma", "frank"};

static const struct demo_subject {
    const char *subject, *body;
    bool incident;
} ja_subjects[] = {
    {"【障害】管理画面にログインできません",
     "お世話になっております。\n本日9時頃から管理画面にログインできません。"
     "エラー画面が表示されます。至急ご確認をお願いします。",
     true},
    {"【緊急】API が 503 を返します",
     "API 呼び出しがすべて 503 エラーになっています。本番環境が停止しています。",
     true},
    {"請求書の再発行について",
     "先月分の請求書を紛失してしまいました。再発行をお願いできますでしょうか。",
     false},
    {"解約手続きについて",
     "来月末で解約を検討しています。手続きの方法を教えてください。", false},
    {"ユーザー追加の方法を教えてください",
     "新しく入社した社員のアカウントを追加したいのですが、手順を教えてください。",
     false},
    {"サーバーに繋がらない",
     "社内からサービスに繋がらない状態です。ネットワーク側の問題でしょうか。",
     true},
    {"CSV エクスポートの文字化け",
     "エクスポートした CSV を Excel で開くと文字化けします。", false},
    {"二段階認証の端末変更",
     "スマートフォンを機種変更したため、二段階認証のコードが受け取れません。",
     false},
};

static const struct demo_subject en_subjects[] = {
    {"Outage: dashboard not loading",
     "Since 14:00 our dashboard shows a blank page. All our users are "
     "affected. Please treat this as urgent.",
     true},
    {"Invoice for October",
     "Could you send us a copy of the October invoice? Our accounting team "
     "needs it.",
     false},
    {"How do I export my data?",
     "We would like to export all tickets to JSON for an audit. Is there a "
     "way to do this?",
     false},
    {"Urgent: emails are not being sent",
     "Outgoing notifications stopped an hour ago. Our service is down for "
     "customers.",
     true},
    {"Question about API rate limits",
     "What are the rate limits for the REST API? We plan a nightly sync.",
     false},
    {"Password reset link expired",
     "The password reset link I received says it has expired.", false},
};

static uint64_t rng_state = 0x2026112614000000ull;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static int demo_people(struct hd_store *st, int64_t *queue_ids,
                       int64_t *user_ids, struct hd_error *err)
{
    static const struct {
        const char *name, *address, *desc;
    } queues[] = {
        {"incident", "incident@example.com", "障害窓口 / Incidents (24/7)"},
        {"support", "support@example.com", "一般問い合わせ / General"},
        {"billing", "billing@example.com", "請求 / Billing"},
    };
    static const struct {
        const char *email, *name, *role;
    } users[] = {
        {"admin@example.com", "管理者 / Admin", "admin"},
        {"agent1@example.com", "木村 悠斗", "agent"},
        {"agent2@example.com", "Grace Lee", "agent"},
        {"viewer@example.com", "閲覧者 / Viewer", "viewer"},
    };
    unsigned char salt[16] = "helpdesk-demo-01";
    char hash[128];
    if (argon2id_hash_encoded(2, 19456, 1, DEMO_PASSWORD,
                              strlen(DEMO_PASSWORD), salt, sizeof salt, 32,
                              hash, sizeof hash) != ARGON2_OK) {
        hd_error_set(err, HD_E_CRYPTO, "password hashing failed");
        return -1;
    }
    for (size_t i = 0; i < HD_ARRAY_LEN(queues); i++) {
        /* init made the default queue: the demo gives it its address. */
        int f = hd_store_queue_adopt(st, queues[i].name, queues[i].address,
                                     queues[i].desc, &queue_ids[i], err);
        if (f < 0 || (f == 0 && hd_store_queue_add(st, queues[i].name,
                                                   queues[i].address,
                                                   queues[i].desc,
                                                   &queue_ids[i], err) < 0))
            return -1;
    }
    for (size_t i = 0; i < HD_ARRAY_LEN(users); i++) {
        if (hd_store_user_add(st, users[i].email, users[i].name,
                              users[i].role, hash, &user_ids[i], err) < 0)
            return -1;
        for (size_t q = 0; q < HD_ARRAY_LEN(queues); q++)
            if (hd_store_user_grant_queue(st, user_ids[i], queue_ids[q],
                                          err) < 0)
                return -1;
    }
    for (size_t i = 0; i < HD_ARRAY_LEN(orgs); i++) {
        int64_t id;
        if (hd_store_org_add(st, orgs[i].name, orgs[i].tier, &id, err) < 0 ||
            hd_store_org_add_domain(st, id, orgs[i].domain, err) < 0)
            return -1;
    }
    return 0;
}

static const char *const replies[] = {
    "お問い合わせありがとうございます。担当者が確認しております。",
    "Thank you for the details. We are looking into it and will get back "
    "to you shortly.",
    "追加の情報ありがとうございます。引き続き調査いたします。",
    "Could you send us a screenshot of the error and the time it happened?",
};

/* The conversation after the first mail: 'extra' messages alternating
 * between the agent's answer and the customer's reply. */
static int demo_followups(struct hd_store *st, struct hd_arena *a, int i,
                          const struct hd_message *first,
                          const int64_t *user_ids, long extra,
                          struct hd_error *err)
{
    for (long k = 0; k < extra; k++) {
        bool out = k % 2 == 0;
        struct hd_message m = *first;
        m.kind = out ? HD_MSG_OUTBOUND : HD_MSG_INBOUND;
        m.author_user_id = out ? user_ids[1] : 0;
        m.author_contact_id = out ? 0 : first->author_contact_id;
        m.from_addr = out ? "support@example.com" : first->from_addr;
        m.from_name = out ? "Support" : first->from_name;
        m.to_addrs = out ? first->from_addr : "support@example.com";
        m.body_text = replies[rnd(HD_ARRAY_LEN(replies))];
        m.message_id = hd_arena_printf(a, "demo-%d-%ld@example.com", i, k);
        m.in_reply_to = first->message_id;
        m.body_hash = hd_arena_printf(a, "demo-%d-%ld", i, k);
        int64_t mid;
        if (hd_store_message_insert(st, &m, &mid, err) < 0)
            return -1;
    }
    return 0;
}

/* The ticket's SLA clocks as intake would start them, then moved along
 * to where the ticket stands: answered when an agent replied, paused
 * when pending, judged when resolved or closed. */
static int demo_clocks(const struct hd_sla *sla, struct hd_store *st,
                       struct hd_arena *a, int64_t tid, bool answered,
                       struct hd_error *err)
{
    struct hd_ticket t;
    int f = hd_store_ticket_get(st, tid, 0, a, &t, err);
    if (f <= 0) {
        if (f == 0)
            hd_error_set(err, HD_E_INTERNAL, "demo ticket %lld vanished",
                         (long long)tid);
        return -1;
    }
    int64_t now = hd_clock_now();
    if (hd_sla_start(sla, st, &t, err) < 0 ||
        (answered && hd_sla_first_response(sla, st, &t, now, err) < 0))
        return -1;
    if (t.status == HD_STATUS_PENDING || t.status == HD_STATUS_RESOLVED ||
        t.status == HD_STATUS_CLOSED)
        return hd_sla_on_status(sla, st, &t, HD_STATUS_OPEN, t.status, now,
                                err);
    return 0;
}

static int demo_ticket(struct hd_store *st, const struct hd_sla *sla,
                       struct hd_arena *a, int i, const int64_t *queue_ids,
                       const int64_t *user_ids, long extra,
                       struct hd_error *err)
{
    bool ja = rnd(100) < 65;
    size_t oi = ja ? rnd(3) : 3 + rnd(3);
    const struct demo_subject *s =
        ja ? &ja_subjects[rnd(HD_ARRAY_LEN(ja_subjects))]
           : &en_subjects[rnd(HD_ARRAY_LEN(en_subjects))];
    unsigned who = ja ? rnd(HD_ARRAY_LEN(ja_names))
                      : rnd(HD_ARRAY_LEN(en_names));
    const char *addr = hd_arena_printf(
        a, "%s@%s", ja ? ja_local[who] : en_local[who], orgs[oi].domain);
    int64_t contact, tid, number, mid;
    if (hd_store_contact_ensure(st, addr, ja ? ja_names[who] : en_names[who],
                                &contact, NULL, err) < 0)
        return -1;
    struct hd_contact c;
    if (hd_store_contact_get(st, contact, a, &c, err) < 0)
        return -1;
    struct hd_ticket_new tn = {
        .subject = s->subject,
        .priority = s->incident ? HD_PRIO_HIGH : (enum hd_priority)rnd(3),
        .category = s->incident ? HD_CAT_INCIDENT : HD_CAT_GENERAL,
        .queue_id = s->incident ? queue_ids[0]
                                : queue_ids[1 + (strstr(s->subject, "請求") ||
                                                 strstr(s->subject, "nvoice"))],
        .org_id = c.org_id,
        .requester_id = contact,
        .assignee_id = rnd(3) == 0 ? 0 : user_ids[1 + rnd(2)],
        .lang = ja ? "ja" : "en",
    };
    /* Seven in ten tickets have moved on from new, as in a live queue. */
    static const enum hd_status states[] = {
        HD_STATUS_OPEN, HD_STATUS_PENDING, HD_STATUS_RESOLVED,
        HD_STATUS_CLOSED};
    unsigned r = rnd(10);
    tn.status = r >= 3 ? states[r % 4] : HD_STATUS_NEW;
    if (hd_store_ticket_insert(st, &tn, "demo", &tid, &number, err) < 0 ||
        demo_clocks(sla, st, a, tid, extra > 0, err) < 0)
        return -1;
    struct hd_message m = {
        .ticket_id = tid,
        .kind = HD_MSG_INBOUND,
        .author_contact_id = contact,
        .from_addr = addr,
        .from_name = c.name,
        .to_addrs = s->incident ? "incident@example.com" : "support@example.com",
        .subject = s->subject,
        .message_id = hd_arena_printf(a, "demo-%d-%llu@%s", i,
                                      (unsigned long long)rng_state,
                                      orgs[oi].domain),
        .body_text = s->body,
        .body_hash = hd_arena_printf(a, "demo-%d", i),
        .lang = tn.lang,
    };
    return hd_store_message_insert(st, &m, &mid, err) < 0 ||
                   demo_followups(st, a, i, &m, user_ids, extra, err) < 0
               ? -1
               : 0;
}

int hd_cli_cmd_demo(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    if (hd_cli_wants_help(argc, argv)) {
        printf("usage: helpdesk demo [--tickets N] [--messages M] "
               "[--faq DIR]\nFills a dev or test "
               "instance with organisations, agents (password %s), queues "
               "and tickets in Japanese and English; M messages in all "
               "(default: one per ticket).\n",
               DEMO_PASSWORD);
        return HD_EXIT_OK;
    }
    const char *nv = hd_cli_opt(argc, argv, "--tickets");
    long n = nv ? strtol(nv, NULL, 10) : DEMO_TICKETS_DEFAULT;
    if (n < 0 || n > DEMO_TICKETS_MAX)
        return hd_cli_usage("--tickets must be 0..%d", DEMO_TICKETS_MAX);
    const char *mv = hd_cli_opt(argc, argv, "--messages");
    long nm = mv ? strtol(mv, NULL, 10) : n;
    if (nm < n || nm > DEMO_MESSAGES_MAX || (n == 0 && nm > 0))
        return hd_cli_usage("--messages must be %ld..%d", n,
                            DEMO_MESSAGES_MAX);
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    if (strcmp(hd_instance_profile(cli->inst), "prod") == 0) {
        hd_error_set(&err, HD_E_PROFILE,
                     "refusing demo data in a prod instance");
        return hd_cli_fail(&err);
    }
    struct hd_store *st = hd_instance_store(cli->inst);
    int64_t queue_ids[3], user_ids[4];
    if (hd_store_begin(st, &err) < 0)
        return hd_cli_fail(&err);
    struct hd_sla *sla = NULL;
    if (demo_people(st, queue_ids, user_ids, &err) < 0 ||
        hd_sla_new(cli->inst, st, &sla, &err) < 0)
        goto fail;
    for (long i = 0; i < n; i++) {
        struct hd_arena *a = hd_arena_new();
        /* spread the messages beyond the first evenly over the tickets */
        long extra = (nm - n) / n + (i < (nm - n) % n);
        rc = demo_ticket(st, sla, a, (int)i, queue_ids, user_ids, extra,
                         &err);
        hd_arena_free(&a);
        if (rc < 0)
            goto fail;
    }
    hd_sla_free(&sla);
    if (hd_store_commit(st, &err) < 0)
        return hd_cli_fail(&err);
    printf("demo data: 6 organisations, 4 users (password %s), 3 queues, "
           "%ld tickets, %ld messages\n",
           DEMO_PASSWORD, n, nm);
    /* The demo FAQ: --faq DIR, else the installed copy. */
    const char *faq = hd_cli_opt(argc, argv, "--faq");
    if (faq == NULL)
        faq = HD_DEMO_FAQ_DIR;
    struct faq_import_stats fs = {0};
    if (access(faq, R_OK) == 0) {
        if (faq_import_dir(st, faq, &fs, &err) < 0)
            return hd_cli_fail(&err);
        printf("demo FAQ: %zu articles created from %s\n", fs.created, faq);
    }
    return HD_EXIT_OK;
fail:
    hd_sla_free(&sla);
    hd_store_rollback(st);
    return hd_cli_fail(&err);
}
