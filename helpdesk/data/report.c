/* report.c - the frame of the service checklist (report.h): facts
 * gathered once, the three kinds of answer (computed against a stated
 * threshold, the operator's text, not known) and which function answers
 * each row.  The rows themselves are report_ops.c's and report_sec.c's;
 * a checklist costs a fixed number of queries however large the instance
 * is. */
#include "report_int.h"

#include "backup.h"
#include "checklist.h"
#include "store_api.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void report_judge(struct report_ctx *c, struct report_row *r, bool good,
                  const char *answer, const char *evidence,
                  const char *threshold)
{
    r->answer = answer;
    r->threshold = threshold;
    r->evidence = PF(c, "%s; threshold: %s", "%s。基準: %s", evidence,
                     threshold);
    r->status = good ? "ok" : "ng";
}

void report_unknown(struct report_ctx *c, struct report_row *r,
                    const char *evidence)
{
    r->answer = TX(c, "not known", "不明");
    r->evidence = evidence;
    r->status = "unknown";
    r->threshold = "";
}

const char *report_when(struct report_ctx *c, int64_t t)
{
    if (t == 0)
        return TX(c, "never", "なし");
    char buf[32];
    hd_time_format_local(t, buf);
    return hd_arena_strdup(c->a, buf);
}

const char *report_cfg(struct report_ctx *c, enum hd_cfg_key key)
{
    return hd_config_get(c->cfg, key);
}

const char *report_span(struct report_ctx *c, int64_t secs)
{
    if (secs >= 2 * 86400)
        return PF(c, "%lld days", "%lld日", (long long)(secs / 86400));
    if (secs >= 2 * 3600)
        return PF(c, "%lld hours", "%lld時間", (long long)(secs / 3600));
    return PF(c, "%lld minutes", "%lld分", (long long)(secs / 60));
}

const char *report_newest_gen(struct report_ctx *c, int64_t *at_r)
{
    size_t n = c->gens ? json_array_size(c->gens) : 0;
    *at_r = 0;
    if (n == 0)
        return NULL;
    json_t *g = json_array_get(c->gens, n - 1);
    const char *at = json_string_value(json_object_get(g, "created_at"));
    struct hd_error ignored = HD_ERROR_INIT;
    if (at != NULL && hd_time_parse(at, at_r, &ignored) < 0)
        *at_r = 0;
    return json_string_value(json_object_get(g, "name"));
}

/* ---- rows the operator answers ---------------------------------------- */

/* The setting that answers each row the operator answers. */
static const struct {
    int no;
    enum hd_cfg_key key;
} operator_keys[] = {
    {1, HD_CFG_REPORT_ROW1},   {2, HD_CFG_REPORT_ROW2},
    {3, HD_CFG_REPORT_ROW3},   {4, HD_CFG_REPORT_ROW4},
    {5, HD_CFG_REPORT_ROW5},   {6, HD_CFG_REPORT_ROW6},
    {7, HD_CFG_REPORT_ROW7},   {8, HD_CFG_REPORT_ROW8},
    {10, HD_CFG_REPORT_ROW10}, {12, HD_CFG_REPORT_ROW12},
    {17, HD_CFG_REPORT_ROW17}, {18, HD_CFG_REPORT_ROW18},
    {34, HD_CFG_REPORT_ROW34}, {36, HD_CFG_REPORT_ROW36},
    {43, HD_CFG_REPORT_ROW43}, {44, HD_CFG_REPORT_ROW44},
    {54, HD_CFG_REPORT_ROW54}, {55, HD_CFG_REPORT_ROW55},
    {65, HD_CFG_REPORT_ROW65},
};

static enum hd_cfg_key operator_key(int no)
{
    for (size_t i = 0; i < HD_ARRAY_LEN(operator_keys); i++)
        if (operator_keys[i].no == no)
            return operator_keys[i].key;
    hd_panic(__FILE__, __LINE__, "checklist row %d has no setting", no);
}

/* What the product itself can say beside the operator's answer. */
static const char *operator_hint(struct report_ctx *c, int no)
{
    switch (no) {
    case 10:
        return TX(c, "maintenance announcements need 3 business days' lead "
                     "(a forced one is audited)",
                  "計画停止のお知らせは3営業日前まで (強制時は監査ログに記録)");
    case 12:
        return TX(c, "service-end announcements need 1 month's lead",
                  "サービス終了のお知らせは1ヶ月前まで");
    case 17:
        return PF(c, "database schema %d of %d (migrations run in order "
                     "when a program opens the instance)",
                  "スキーマ %d / %d (起動時に順に移行)",
                  hd_store_schema_version(c->st), hd_store_schema_latest());
    case 34:
        return TX(c, "one database: the search index follows every write by "
                     "trigger; attachments go with their last reference",
                  "単一DB: 検索索引はトリガで追従。添付は最後の参照とともに"
                  "削除");
    case 36:
        return PF(c, "times are stored in UTC, shown in %s",
                  "時刻はUTCで保存し %s で表示",
                  report_cfg(c, HD_CFG_INSTANCE_TIMEZONE));
    case 43:
        return PF(c, "this instance's profile is %s; programs refuse a "
                     "database stamped with another profile",
                  "このインスタンスのプロファイルは %s。別プロファイルのDBは"
                  "開けない", hd_instance_profile(c->inst));
    case 65:
        return PF(c, "helpdesk %s, schema %d; how it was built and tested is "
                     "not recorded in the instance",
                  "helpdesk %s (スキーマ %d)。開発・試験の工程はインスタンス"
                  "には記録されない", HD_VERSION, hd_store_schema_latest());
    default:
        if (no <= 8)
            return PF(c, "Terms page: ja %lld characters, en %lld (helpdesk "
                         "faq terms)",
                      "利用規約ページ: 日本語 %lld 文字、英語 %lld 文字 "
                      "(helpdesk faq terms)",
                      (long long)c->f.terms_ja, (long long)c->f.terms_en);
        return NULL;
    }
}

/* Who last changed helpdesk.conf and when: the file's owner and time. */
static const char *conf_stamp(struct report_ctx *c)
{
    const char *path =
        hd_arena_printf(c->a, "%s/helpdesk.conf", hd_instance_dir(c->inst));
    struct stat sb;
    if (stat(path, &sb) != 0)
        return TX(c, "helpdesk.conf", "helpdesk.conf");
    const struct passwd *pw = getpwuid(sb.st_uid);
    const char *who = pw ? hd_arena_strdup(c->a, pw->pw_name)
                         : hd_arena_printf(c->a, "uid %lu",
                                           (unsigned long)sb.st_uid);
    return PF(c, "helpdesk.conf, last changed %s, owned by %s",
              "helpdesk.conf (最終更新 %s、所有者 %s)",
              report_when(c, (int64_t)sb.st_mtime), who);
}

void report_operator_row(struct report_ctx *c, int no, struct report_row *r)
{
    enum hd_cfg_key key = operator_key(no);
    const char *text = report_cfg(c, key);
    const char *hint = operator_hint(c, no);
    if (text[0] == '\0') {
        const char *how = PF(c, "the instance cannot know; the operator "
                                "answers in %s of helpdesk.conf",
                             "インスタンスには判断できない。運用者が "
                             "helpdesk.conf の %s に記入",
                             hd_config_key_name(key));
        report_unknown(c, r, hint ? PF(c, "%s; %s", "%s。%s", how, hint)
                                  : how);
        return;
    }
    const char *by = PF(c, "the operator's answer (%s in %s)",
                        "運用者の回答 (%2$s の %1$s)",
                        hd_config_key_name(key), conf_stamp(c));
    r->answer = text;
    r->evidence = hint ? PF(c, "%s; %s", "%s。%s", by, hint) : by;
    r->status = "operator";
    r->threshold = "";
}

/* ---- the table ---------------------------------------------------------- */

typedef void (*row_fn)(struct report_ctx *c, int no, struct report_row *r);

static bool is_operator_row(int no)
{
    for (size_t i = 0; i < HD_ARRAY_LEN(operator_keys); i++)
        if (operator_keys[i].no == no)
            return true;
    return false;
}

/* Which function answers row no. */
static row_fn row_function(int no)
{
    static const struct {
        int from, to;
        row_fn fn;
    } ranges[] = {
        {9, 13, report_availability_rows},
        {14, 16, report_backup_rows},
        {19, 19, report_availability_rows},
        {20, 20, report_log_rows},
        {21, 21, report_support_rows},
        {22, 25, report_log_rows},
        {26, 29, report_support_rows},
        {30, 30, report_security_rows},
        {31, 32, report_backup_rows},
        {33, 35, report_data_rows},
        {37, 37, report_data_rows},
        {38, 38, report_backup_rows},
        {39, 39, report_security_rows},
        {40, 42, report_data_rows},
        {45, 46, report_security_rows},
        {47, 47, report_log_rows},
        {48, 52, report_security_rows},
        {53, 53, report_backup_rows},
        {56, 64, report_security_rows},
    };
    if (is_operator_row(no))
        return report_operator_row;
    for (size_t i = 0; i < HD_ARRAY_LEN(ranges); i++)
        if (no >= ranges[i].from && no <= ranges[i].to)
            return ranges[i].fn;
    hd_assert(!"every checklist row has a function");
    return NULL;
}

static int64_t last_seen(struct report_ctx *c, const char *program)
{
    int64_t at = 0;
    struct hd_error ignored = HD_ERROR_INIT;
    if (hd_store_api_heartbeat_at(c->st, program, &at, &ignored) != 1)
        return 0;
    return at;
}

static int audit_rows(struct report_ctx *c, const char *action, int n,
                      struct hd_report_audit **rows_r, size_t *n_r,
                      struct hd_error *err)
{
    return hd_store_report_audit_last(c->st, action, n, c->a, rows_r, n_r,
                                      err);
}

static int gather(struct report_ctx *c, struct hd_error *err)
{
    int64_t from = c->now - (int64_t)HD_REPORT_DAYS * 86400;
    int64_t unused = c->now - 86400 * hd_config_get_int(
                                          c->cfg, HD_CFG_REPORT_UNUSED_DAYS);
    int64_t qid;
    int found;
    if (hd_store_report_facts(c->st, c->now, unused, c->a, &c->f, err) < 0 ||
        hd_uptime_report(c->st, from, c->now, c->now, c->a, &c->up, err) <
            0 ||
        hd_uptime_record_start(c->st, c->a, &c->record_start, err) < 0 ||
        audit_rows(c, "erase", HD_REPORT_ERASURES, &c->erasures,
                   &c->n_erasures, err) < 0 ||
        audit_rows(c, "export", 1, &c->exports, &c->n_exports, err) < 0 ||
        audit_rows(c, "user.review", 1, &c->reviews, &c->n_reviews, err) <
            0 ||
        audit_rows(c, "user.oncall", 1, &c->oncall_set, &c->n_oncall_set,
                   err) < 0 ||
        (found = hd_store_report_queue_at(
             c->st, report_cfg(c, HD_CFG_SUPPORT_INCIDENT_ADDRESS), &qid,
             err)) < 0)
        return -1;
    c->incident_queue = found == 1;
    c->beat_worker = last_seen(c, "worker");
    c->beat_web = last_seen(c, "web");
    c->beat_mailgw = last_seen(c, "mailgw");
    hd_clock_sync_state(&c->clock);
    struct hd_error e2 = HD_ERROR_INIT;
    c->gens = hd_backup_list(c->inst, &e2);
    if (c->gens == NULL)
        c->gens_problem = hd_arena_strdup(c->a, e2.msg);
    return 0;
}

int hd_report_checklist(struct hd_instance *inst, struct hd_store *st,
                        const char *lang, hd_report_ping_fn clamd_ping,
                        json_t **out, struct hd_error *err)
{
    struct report_ctx c = {.inst = inst, .st = st,
                           .cfg = hd_instance_config(inst),
                           .a = hd_arena_new(), .now = hd_clock_now(),
                           .ja = lang != NULL && strcmp(lang, "ja") == 0,
                           .clamd_ping = clamd_ping};
    int rc = -1;
    if (gather(&c, err) < 0)
        goto out;
    json_t *rows = json_array();
    for (int no = 1; no <= HD_CHECKLIST_ROWS; no++) {
        struct report_row r = {0};
        row_function(no)(&c, no, &r);
        hd_assert(r.answer && r.evidence && r.status && r.threshold);
        json_array_append_new(
            rows, json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}", "no", no,
                            "item", hd_checklist_item(no, c.ja ? "ja" : "en"),
                            "answer", r.answer, "evidence", r.evidence,
                            "status", r.status, "threshold", r.threshold));
    }
    *out = rows;
    rc = 0;
out:
    json_decref(c.gens);
    hd_arena_free(&c.a);
    return rc;
}

void hd_report_summary(const json_t *rows, struct hd_report_counts *n)
{
    memset(n, 0, sizeof *n);
    size_t i;
    const json_t *row;
    json_array_foreach(rows, i, row) {
        const char *s = json_string_value(json_object_get(row, "status"));
        if (s == NULL || strcmp(s, "unknown") == 0)
            n->unknown++;
        else if (strcmp(s, "ok") == 0)
            n->ok++;
        else if (strcmp(s, "ng") == 0)
            n->ng++;
        else
            n->operator_++;
    }
}
