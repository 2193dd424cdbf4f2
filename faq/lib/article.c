/* article.c - see article.h. */
#include "article.h"

#include "render.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unistr.h>

#define FAQ_FRONT_LINE_MAX 1024
#define FAQ_DIR_MAX_FILES 100000

static const char *lang_from_name(const char *base, size_t *slug_len)
{
    size_t n = strlen(base);
    static const char *const langs[] = {"ja", "en"};
    for (size_t i = 0; i < HD_ARRAY_LEN(langs); i++) {
        char suffix[8];
        snprintf(suffix, sizeof suffix, ".%s.md", langs[i]);
        size_t sl = strlen(suffix);
        if (n > sl && strcmp(base + n - sl, suffix) == 0) {
            *slug_len = n - sl;
            return langs[i];
        }
    }
    return NULL;
}

static int front_line(struct faq_doc *d, const char *line, size_t n,
                      struct hd_arena *a, struct hd_error *err)
{
    const char *colon = memchr(line, ':', n);
    if (colon == NULL) {
        hd_error_set(err, HD_E_PARSE, "front matter line without ':': %.*s",
                     (int)(n > 60 ? 60 : n), line);
        return -1;
    }
    size_t kl = (size_t)(colon - line);
    const char *v = colon + 1;
    while (v < line + n && (*v == ' ' || *v == '\t'))
        v++;
    size_t vl = (size_t)(line + n - v);
    while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\r'))
        vl--;
    char *val = hd_arena_strndup(a, v, vl);
    if (kl == 5 && memcmp(line, "title", 5) == 0)
        d->title = val;
    else if (kl == 8 && memcmp(line, "category", 8) == 0)
        d->category = val;
    else if (kl == 14 && memcmp(line, "category_title", 14) == 0)
        d->category_title = val;
    else if (kl == 10 && memcmp(line, "visibility", 10) == 0)
        d->internal = strcmp(val, "internal") == 0;
    else if (kl == 6 && memcmp(line, "status", 6) == 0)
        d->draft = strcmp(val, "draft") == 0;
    else {
        hd_error_set(err, HD_E_PARSE, "unknown front matter key '%.*s'",
                     (int)(kl > 40 ? 40 : kl), line);
        return -1;
    }
    return 0;
}

static int parse_front(struct faq_doc *d, const char *text, size_t len,
                       struct hd_arena *a, struct hd_error *err)
{
    if (len < 4 || memcmp(text, "---\n", 4) != 0) {
        hd_error_set(err, HD_E_PARSE, "missing front matter ('---' line)");
        return -1;
    }
    const char *p = text + 4, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n > FAQ_FRONT_LINE_MAX) {
            hd_error_set(err, HD_E_PARSE, "front matter line over %d bytes",
                         FAQ_FRONT_LINE_MAX);
            return -1;
        }
        if (n >= 3 && memcmp(p, "---", 3) == 0) {
            const char *body = nl ? nl + 1 : end;
            d->body_md = hd_arena_strndup(a, body, (size_t)(end - body));
            return 0;
        }
        if (n > 0 && front_line(d, p, n, a, err) < 0)
            return -1;
        p = nl ? nl + 1 : end;
    }
    hd_error_set(err, HD_E_PARSE, "front matter not closed by '---'");
    return -1;
}

int faq_doc_parse(const char *name, const char *text, size_t len,
                  struct hd_arena *a, struct faq_doc *d,
                  struct hd_error *err)
{
    memset(d, 0, sizeof *d);
    const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
    size_t sl;
    d->lang = lang_from_name(base, &sl);
    if (d->lang == NULL) {
        hd_error_set(err, HD_E_INVAL, "%s: name is not SLUG.ja.md or "
                     "SLUG.en.md", base);
        return -1;
    }
    d->slug = hd_arena_strndup(a, base, sl);
    if (!faq_slug_valid(d->slug)) {
        hd_error_set(err, HD_E_INVAL, "%s: slug must be 1-%d of a-z 0-9 -",
                     base, HD_FAQ_SLUG_MAX);
        return -1;
    }
    if (len > FAQ_FILE_MAX || memchr(text, '\0', len) != NULL ||
        u8_check((const uint8_t *)text, len) != NULL) {
        hd_error_set(err, HD_E_INVAL, "%s: not UTF-8 text of at most %d "
                     "bytes", base, FAQ_FILE_MAX);
        return -1;
    }
    if (parse_front(d, text, len, a, err) < 0)
        return -1;
    if (d->title == NULL || *d->title == '\0') {
        hd_error_set(err, HD_E_INVAL, "%s: front matter needs a title", base);
        return -1;
    }
    return 0;
}

int faq_doc_format(const struct faq_doc *d, struct hd_buf *out,
                   struct hd_error *err)
{
    if (hd_buf_printf(out, err, "---\ntitle: %s\n", d->title) < 0 ||
        (d->category &&
         hd_buf_printf(out, err, "category: %s\n", d->category) < 0) ||
        (d->category_title &&
         hd_buf_printf(out, err, "category_title: %s\n",
                       d->category_title) < 0) ||
        (d->internal && hd_buf_puts(out, "visibility: internal\n", err) < 0) ||
        (d->draft && hd_buf_puts(out, "status: draft\n", err) < 0) ||
        hd_buf_puts(out, "---\n", err) < 0 ||
        hd_buf_puts(out, d->body_md, err) < 0)
        return -1;
    return 0;
}

static int save_in_tx(struct hd_store *st, const struct faq_doc *d,
                      bool *created_r, struct hd_arena *a,
                      struct hd_error *err)
{
    int64_t cat = 0, id;
    if (d->category != NULL && *d->category != '\0') {
        bool ja = strcmp(d->lang, "ja") == 0;
        if (hd_store_faq_category_ensure(
                st, d->category, ja ? d->category_title : NULL,
                ja ? NULL : d->category_title, &cat, err) < 0)
            return -1;
    }
    if (hd_store_faq_article_put(st, d->slug, cat, d->internal, d->draft,
                                 &id, created_r, err) < 0)
        return -1;
    struct hd_faq_text t = {
        .lang = d->lang,
        .title = d->title,
        .body_md = d->body_md,
        .body_text = faq_render_text(d->body_md, a),
    };
    return hd_store_faq_text_put(st, id, &t, err);
}

int faq_doc_save_tx(struct hd_store *st, const struct faq_doc *d,
                    bool *created_r, struct hd_arena *a, struct hd_error *err)
{
    return save_in_tx(st, d, created_r, a, err);
}

int faq_doc_save(struct hd_store *st, const struct faq_doc *d,
                 bool *created_r, struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    int rc = -1;
    if (hd_store_begin(st, err) < 0)
        goto out;
    if (save_in_tx(st, d, created_r, a, err) < 0) {
        hd_store_rollback(st);
        goto out;
    }
    rc = hd_store_commit(st, err);
out:
    hd_arena_free(&a);
    return rc;
}

static int read_file(const char *path, struct hd_arena *a, char **text_r,
                     size_t *len_r, struct hd_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        hd_error_set(err, HD_E_IO, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *buf = hd_arena_alloc(a, FAQ_FILE_MAX + 2);
    size_t n = fread(buf, 1, FAQ_FILE_MAX + 1, f);
    bool bad = ferror(f);
    fclose(f);
    if (bad || n > FAQ_FILE_MAX) {
        hd_error_set(err, bad ? HD_E_IO : HD_E_TOOBIG,
                     "%s: unreadable or over %d bytes", path, FAQ_FILE_MAX);
        return -1;
    }
    buf[n] = '\0';
    *text_r = buf;
    *len_r = n;
    return 0;
}

static int name_cmp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static int list_md(const char *dir, struct hd_arena *a, char ***names_r,
                   size_t *n_r, struct hd_error *err)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        hd_error_set(err, HD_E_IO, "%s: %s", dir, strerror(errno));
        return -1;
    }
    size_t n = 0, cap = 64;
    char **names = hd_arena_alloc(a, cap * sizeof *names);
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < FAQ_DIR_MAX_FILES) {
        size_t sl;
        if (lang_from_name(e->d_name, &sl) == NULL)
            continue;
        if (n == cap) {
            char **g = hd_arena_alloc(a, 2 * cap * sizeof *g);
            memcpy(g, names, n * sizeof *g);
            names = g;
            cap *= 2;
        }
        names[n++] = hd_arena_strdup(a, e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    *names_r = names;
    *n_r = n;
    return 0;
}

int faq_import_dir(struct hd_store *st, const char *dir,
                   struct faq_import_stats *stats, struct hd_error *err)
{
    if (hd_store_begin(st, err) < 0)
        return -1;
    if (faq_import_dir_tx(st, dir, stats, err) < 0) {
        hd_store_rollback(st);
        return -1;
    }
    return hd_store_commit(st, err);
}

int faq_import_dir_tx(struct hd_store *st, const char *dir,
                      struct faq_import_stats *stats, struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    char **names;
    size_t n;
    int rc = -1;
    memset(stats, 0, sizeof *stats);
    if (list_md(dir, a, &names, &n, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        char *path = hd_arena_printf(a, "%s/%s", dir, names[i]), *text;
        size_t len;
        struct faq_doc d;
        bool created;
        if (read_file(path, a, &text, &len, err) < 0 ||
            faq_doc_parse(names[i], text, len, a, &d, err) < 0 ||
            save_in_tx(st, &d, &created, a, err) < 0)
            goto out;
        stats->files++;
        created ? stats->created++ : stats->updated++;
    }
    rc = 0;
out:
    hd_arena_free(&a);
    return rc;
}

static int write_doc(const char *dir, const struct faq_doc *d,
                     struct hd_arena *a, struct hd_error *err)
{
    struct hd_buf b;
    hd_buf_init(&b, FAQ_FILE_MAX);
    int rc = -1;
    char *path = hd_arena_printf(a, "%s/%s.%s.md", dir, d->slug, d->lang);
    if (faq_doc_format(d, &b, err) < 0)
        goto out;
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(b.data, 1, b.len, f) != b.len) {
        hd_error_set(err, HD_E_IO, "%s: %s", path, strerror(errno));
        if (f != NULL)
            fclose(f);
        goto out;
    }
    if (fclose(f) != 0) {
        hd_error_set(err, HD_E_IO, "%s: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    hd_buf_deinit(&b);
    return rc;
}

int faq_export_dir(struct hd_store *st, const char *dir, size_t *files_r,
                   struct hd_error *err)
{
    struct hd_arena *a = hd_arena_new();
    struct hd_faq_filter f = {.order = HD_FAQ_BY_CATEGORY};
    struct hd_faq_article *as;
    struct hd_faq_category *cs;
    size_t n, nc;
    int rc = -1;
    *files_r = 0;
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        hd_error_set(err, HD_E_IO, "%s: %s", dir, strerror(errno));
        goto out;
    }
    if (hd_store_faq_article_list(st, &f, a, &as, &n, err) < 0 ||
        hd_store_faq_category_list(st, a, &cs, &nc, err) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        static const char *const langs[] = {"ja", "en"};
        for (size_t l = 0; l < HD_ARRAY_LEN(langs); l++) {
            struct hd_faq_text t;
            int found = hd_store_faq_text_get(st, as[i].id, langs[l], a, &t,
                                              err);
            if (found < 0)
                goto out;
            if (found == 0)
                continue;
            struct faq_doc d = {.slug = as[i].slug, .lang = langs[l],
                                .title = t.title,
                                .category = as[i].category_slug,
                                .internal = as[i].internal,
                                .draft = as[i].draft, .body_md = t.body_md};
            for (size_t c = 0; c < nc; c++)
                if (cs[c].id == as[i].category_id)
                    d.category_title = l == 0 ? cs[c].title_ja
                                              : cs[c].title_en;
            if (write_doc(dir, &d, a, err) < 0)
                goto out;
            (*files_r)++;
        }
    }
    rc = 0;
out:
    hd_arena_free(&a);
    return rc;
}
