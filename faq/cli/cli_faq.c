/* cli_faq.c - the FAQ and announcement commands: files in the format of
 * faq/lib/article.h in and out, the Terms text, announcements with their
 * lead-time rules (faq/lib/announce.h). */
#include "cli_faq.h"

#include "announce.h"
#include "audit.h"
#include "article.h"
#include "clock.h"
#include "log.h"
#include "render.h"
#include "store_faq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_all(const char *path, struct hd_arena *a, char **text_r,
                    size_t *len_r, struct hd_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        hd_error_set(err, HD_E_NOTFOUND, "cannot open %s", path);
        return -1;
    }
    char *buf = hd_arena_alloc(a, FAQ_FILE_MAX + 2);
    size_t n = fread(buf, 1, FAQ_FILE_MAX + 1, f);
    fclose(f);
    if (n > FAQ_FILE_MAX) {
        hd_error_set(err, HD_E_TOOBIG, "%s is over %d bytes", path,
                     FAQ_FILE_MAX);
        return -1;
    }
    buf[n] = '\0';
    *text_r = buf;
    *len_r = n;
    return 0;
}

static json_t *article_json(const struct hd_faq_article *a)
{
    return json_pack("{s:s, s:s?, s:b, s:b, s:s?, s:s?}", "slug", a->slug,
                     "category", a->category_slug, "internal", a->internal,
                     "draft", a->draft, "title_ja", a->title_ja, "title_en",
                     a->title_en);
}

static json_t *doc_json(const struct faq_doc *d)
{
    return json_pack("{s:s, s:s, s:s?, s:b, s:b, s:s, s:I}", "slug", d->slug,
                     "lang", d->lang, "category", d->category, "internal",
                     d->internal, "draft", d->draft, "title", d->title,
                     "body_bytes", (json_int_t)strlen(d->body_md));
}

/* Saves d and its audit row in one transaction. */
static int faq_save_audited(struct hd_cli *cli, const struct faq_doc *d,
                            const struct hd_faq_article *old, bool *created_r,
                            struct hd_error *err)
{
    struct hd_store *st = hd_instance_store(cli->inst);
    struct hd_arena *a = cli->arena;
    if (hd_store_begin(st, err) < 0)
        return -1;
    if (faq_doc_save_tx(st, d, created_r, a, err) < 0 ||
        hd_audit_cli(st, a, hd_arena_printf(a, "faq:%s", d->slug),
                     *created_r ? "faq.add" : "faq.edit",
                     old ? hd_audit_json(a, article_json(old)) : NULL,
                     hd_audit_json(a, doc_json(d)), err) < 0) {
        hd_store_rollback(st);
        return -1;
    }
    return hd_store_commit(st, err);
}

static int faq_put(struct hd_cli *cli, const char *path, bool must_exist)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = hd_instance_store(cli->inst);
    char *text;
    size_t len;
    struct faq_doc d;
    struct hd_faq_article old;
    if (read_all(path, cli->arena, &text, &len, &err) < 0 ||
        faq_doc_parse(path, text, len, cli->arena, &d, &err) < 0)
        return hd_cli_fail(&err);
    int found = hd_store_faq_article_get(st, d.slug, cli->arena, &old, &err);
    if (found < 0)
        return hd_cli_fail(&err);
    if (must_exist && !found) {
        hd_error_set(&err, HD_E_NOTFOUND, "no article %s", d.slug);
        return hd_cli_fail(&err);
    }
    bool created;
    if (faq_save_audited(cli, &d, found ? &old : NULL, &created, &err) < 0)
        return hd_cli_fail(&err);
    printf("%s %s.%s\n", created ? "created" : "updated", d.slug, d.lang);
    return HD_EXIT_OK;
}

static int faq_list(struct hd_cli *cli)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_faq_filter f = {.order = HD_FAQ_BY_CATEGORY};
    struct hd_faq_article *as;
    size_t n;
    if (hd_store_faq_article_list(hd_instance_store(cli->inst), &f,
                                  cli->arena, &as, &n, &err) < 0)
        return hd_cli_fail(&err);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        if (cli->json) {
            json_array_append_new(
                arr, json_pack("{s:s, s:s?, s:b, s:b, s:I, s:s?, s:s?}",
                               "slug", as[i].slug, "category",
                               as[i].category_slug, "internal",
                               as[i].internal, "draft", as[i].draft, "views",
                               (json_int_t)as[i].views, "title_ja",
                               as[i].title_ja, "title_en", as[i].title_en));
            continue;
        }
        printf("%-32s %-12s %-8s %-9s %s\n", as[i].slug,
               as[i].category_slug ? as[i].category_slug : "-",
               as[i].internal ? "internal" : "public",
               as[i].draft ? "draft" : "published",
               as[i].title_ja ? as[i].title_ja
                              : (as[i].title_en ? as[i].title_en : ""));
    }
    if (cli->json)
        hd_cli_print_json(arr);
    else
        json_decref(arr);
    return HD_EXIT_OK;
}

static int faq_dir(struct hd_cli *cli, const char *sub, const char *dir)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_store *st = hd_instance_store(cli->inst);
    if (strcmp(sub, "import") == 0) {
        struct faq_import_stats s;
        if (hd_store_begin(st, &err) < 0)
            return hd_cli_fail(&err);
        if (faq_import_dir_tx(st, dir, &s, &err) < 0 ||
            hd_audit_cli(st, cli->arena,
                         hd_arena_printf(cli->arena, "faq:import:%s", dir),
                         "faq.import", NULL,
                         hd_audit_json(cli->arena,
                                       json_pack("{s:I, s:I, s:I}", "files",
                                                 (json_int_t)s.files,
                                                 "created",
                                                 (json_int_t)s.created,
                                                 "updated",
                                                 (json_int_t)s.updated)),
                         &err) < 0) {
            hd_store_rollback(st);
            return hd_cli_fail(&err);
        }
        if (hd_store_commit(st, &err) < 0)
            return hd_cli_fail(&err);
        printf("imported %zu files: %zu articles created, %zu updated\n",
               s.files, s.created, s.updated);
        return HD_EXIT_OK;
    }
    size_t files;
    if (faq_export_dir(st, dir, &files, &err) < 0)
        return hd_cli_fail(&err);
    printf("exported %zu files to %s\n", files, dir);
    return HD_EXIT_OK;
}

static int faq_terms(struct hd_cli *cli, const char *lang, const char *path)
{
    struct hd_error err = HD_ERROR_INIT;
    char *text;
    size_t len;
    if (strcmp(lang, "ja") != 0 && strcmp(lang, "en") != 0)
        return hd_cli_usage("faq terms: LANG is ja or en");
    if (read_all(path, cli->arena, &text, &len, &err) < 0 ||
        hd_store_site_text_set(hd_instance_store(cli->inst), "terms", lang,
                               text, &err) < 0)
        return hd_cli_fail(&err);
    printf("terms (%s) updated\n", lang);
    return HD_EXIT_OK;
}

/* Deletes an article and writes its audit row in one transaction; 1
 * deleted, 0 no such article, -1 error. */
static int faq_delete_audited(struct hd_cli *cli, const char *slug,
                              struct hd_error *err)
{
    struct hd_store *st = hd_instance_store(cli->inst);
    struct hd_faq_article old;
    if (hd_store_begin(st, err) < 0)
        return -1;
    int found = hd_store_faq_article_get(st, slug, cli->arena, &old, err);
    if (found == 1)
        found = hd_store_faq_article_delete(st, slug, err);
    if (found == 1 &&
        hd_audit_cli(st, cli->arena,
                     hd_arena_printf(cli->arena, "faq:%s", slug),
                     "faq.delete",
                     hd_audit_json(cli->arena, article_json(&old)), NULL,
                     err) < 0)
        found = -1;
    if (found <= 0) {
        hd_store_rollback(st);
        return found;
    }
    return hd_store_commit(st, err) < 0 ? -1 : 1;
}

int hd_cli_cmd_faq(struct hd_cli *cli, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (hd_cli_wants_help(argc, argv) || *sub == '\0') {
        printf("usage: helpdesk faq add FILE | edit FILE | list [--json] | "
               "delete SLUG\n       helpdesk faq import DIR | export DIR | "
               "terms ja|en FILE\nFILE is SLUG.ja.md or SLUG.en.md with "
               "front matter (title, category, visibility, status).\n");
        return *sub ? HD_EXIT_OK : HD_EXIT_USAGE;
    }
    bool one = strcmp(sub, "add") == 0 || strcmp(sub, "edit") == 0 ||
               strcmp(sub, "delete") == 0 || strcmp(sub, "import") == 0 ||
               strcmp(sub, "export") == 0;
    if (one && argc < 3)
        return hd_cli_usage("faq %s: missing argument", sub);
    if (strcmp(sub, "terms") == 0 && argc < 4)
        return hd_cli_usage("faq terms ja|en FILE");
    if (!one && strcmp(sub, "list") != 0 && strcmp(sub, "terms") != 0)
        return hd_cli_usage("faq: unknown subcommand %s", sub);
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    if (strcmp(sub, "add") == 0 || strcmp(sub, "edit") == 0)
        return faq_put(cli, argv[2], strcmp(sub, "edit") == 0);
    if (strcmp(sub, "list") == 0)
        return faq_list(cli);
    if (strcmp(sub, "terms") == 0)
        return faq_terms(cli, argv[2], argv[3]);
    if (strcmp(sub, "delete") == 0) {
        struct hd_error err = HD_ERROR_INIT;
        int found = faq_delete_audited(cli, argv[2], &err);
        if (found < 0)
            return hd_cli_fail(&err);
        if (found == 0) {
            hd_error_set(&err, HD_E_NOTFOUND, "no article %s", argv[2]);
            return hd_cli_fail(&err);
        }
        printf("deleted %s\n", argv[2]);
        return HD_EXIT_OK;
    }
    return faq_dir(cli, sub, argv[2]);
}

static int opt_time(int argc, char **argv, const char *name, int64_t *t_r,
                    struct hd_error *err)
{
    const char *v = hd_cli_opt(argc, argv, name);
    *t_r = 0;
    return v == NULL ? 0 : hd_time_parse(v, t_r, err);
}

static int announce_add(struct hd_cli *cli, int argc, char **argv)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_announcement an = {
        .kind = hd_cli_opt(argc, argv, "--kind"),
        .title_ja = hd_cli_opt(argc, argv, "--title-ja"),
        .title_en = hd_cli_opt(argc, argv, "--title-en"),
        .body_ja = hd_cli_opt(argc, argv, "--body-ja"),
        .body_en = hd_cli_opt(argc, argv, "--body-en"),
        .published_at = hd_clock_now(),
    };
    if (an.kind == NULL || an.title_ja == NULL || an.title_en == NULL)
        return hd_cli_usage("announce add --kind K --title-ja T --title-en T");
    bool force = hd_cli_flag(argc, argv, "--force"), forced;
    int64_t id;
    if (opt_time(argc, argv, "--start", &an.starts_at, &err) < 0 ||
        opt_time(argc, argv, "--end", &an.ends_at, &err) < 0 ||
        faq_announce_check(&an, an.published_at, force, &forced, &err) < 0)
        return hd_cli_fail(&err);
    an.forced = forced;
    struct hd_store *st = hd_instance_store(cli->inst);
    if (hd_store_begin(st, &err) < 0)
        return hd_cli_fail(&err);
    if (hd_store_announce_add(st, &an, &id, &err) < 0 ||
        hd_audit_cli(st, cli->arena,
                     hd_arena_printf(cli->arena, "announcement:%lld",
                                     (long long)id),
                     "announce.add", NULL,
                     hd_audit_json(cli->arena,
                                   json_pack("{s:s, s:s, s:s, s:I, s:I, s:b}",
                                             "kind", an.kind, "title_ja",
                                             an.title_ja, "title_en",
                                             an.title_en, "starts_at",
                                             (json_int_t)an.starts_at,
                                             "ends_at", (json_int_t)an.ends_at,
                                             "forced", an.forced)),
                     &err) < 0) {
        hd_store_rollback(st);
        return hd_cli_fail(&err);
    }
    if (hd_store_commit(st, &err) < 0)
        return hd_cli_fail(&err);
    if (forced)
        hd_warn("faq", "announce_forced",
                "id=%lld kind=%s lead-time rule overridden with --force",
                (long long)id, an.kind);
    printf("announcement %lld (%s)%s\n", (long long)id, an.kind,
           forced ? " published with --force" : "");
    return HD_EXIT_OK;
}

static int announce_list(struct hd_cli *cli)
{
    struct hd_error err = HD_ERROR_INIT;
    struct hd_announcement *as;
    size_t n;
    if (hd_store_announce_list(hd_instance_store(cli->inst), 0, cli->arena,
                               &as, &n, &err) < 0)
        return hd_cli_fail(&err);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        if (cli->json) {
            json_array_append_new(
                arr, json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:b}",
                               "id", (json_int_t)as[i].id, "kind", as[i].kind,
                               "title_ja", as[i].title_ja, "title_en",
                               as[i].title_en, "starts_at",
                               hd_cli_json_time(as[i].starts_at), "ends_at",
                               hd_cli_json_time(as[i].ends_at), "ended_at",
                               hd_cli_json_time(as[i].ended_at), "forced",
                               as[i].forced));
            continue;
        }
        printf("%-5lld %-12s %-6s %s\n", (long long)as[i].id, as[i].kind,
               as[i].ended_at ? "ended" : "active", as[i].title_ja);
    }
    if (cli->json)
        hd_cli_print_json(arr);
    else
        json_decref(arr);
    return HD_EXIT_OK;
}

/* Ends an announcement and writes its audit row in one transaction; 1
 * ended, 0 no active announcement with that id, -1 error. */
static int announce_end_audited(struct hd_cli *cli, int64_t id,
                                struct hd_error *err)
{
    struct hd_store *st = hd_instance_store(cli->inst);
    int64_t now = hd_clock_now();
    if (hd_store_begin(st, err) < 0)
        return -1;
    int ended = hd_store_announce_end(st, id, now, err);
    if (ended == 1 &&
        hd_audit_cli(st, cli->arena,
                     hd_arena_printf(cli->arena, "announcement:%lld",
                                     (long long)id),
                     "announce.end", "{\"ended_at\":null}",
                     hd_audit_json(cli->arena, json_pack("{s:I}", "ended_at",
                                                         (json_int_t)now)),
                     err) < 0)
        ended = -1;
    if (ended <= 0) {
        hd_store_rollback(st);
        return ended;
    }
    return hd_store_commit(st, err) < 0 ? -1 : 1;
}

int hd_cli_cmd_announce(struct hd_cli *cli, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (hd_cli_wants_help(argc, argv) || *sub == '\0') {
        printf("usage: helpdesk announce add --kind maintenance|service-end|"
               "status --title-ja T --title-en T\n         [--body-ja MD] "
               "[--body-en MD] [--start TIME] [--end TIME] [--force]\n"
               "       helpdesk announce list [--json] | end ID\n");
        return *sub ? HD_EXIT_OK : HD_EXIT_USAGE;
    }
    if (strcmp(sub, "end") == 0 && argc < 3)
        return hd_cli_usage("announce end ID");
    if (strcmp(sub, "add") != 0 && strcmp(sub, "list") != 0 &&
        strcmp(sub, "end") != 0)
        return hd_cli_usage("announce: expected add, list or end");
    int rc = hd_cli_open(cli);
    if (rc != 0)
        return rc;
    if (strcmp(sub, "add") == 0)
        return announce_add(cli, argc, argv);
    if (strcmp(sub, "list") == 0)
        return announce_list(cli);
    struct hd_error err = HD_ERROR_INIT;
    int ended = announce_end_audited(cli, strtoll(argv[2], NULL, 10), &err);
    if (ended < 0)
        return hd_cli_fail(&err);
    if (ended == 0) {
        hd_error_set(&err, HD_E_NOTFOUND, "no active announcement %s",
                     argv[2]);
        return hd_cli_fail(&err);
    }
    printf("announcement %s ended\n", argv[2]);
    return HD_EXIT_OK;
}
