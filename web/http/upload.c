/* upload.c - see upload.h.  The post processor (server.c) hands parts
 * over in pieces; a file part's first MG_FILETYPE_SNIFF_MAX bytes are
 * kept for libmagic while every byte goes on to its blob writer. */
#include "upload.h"

#include "attstore.h"
#include "blob.h"
#include "desk.h"
#include "filetype.h"
#include "log.h"
#include "web_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void web_uploads_init(struct web_uploads *u, const struct hd_config *cfg,
                      const char *blobs_dir, struct hd_buf *form)
{
    memset(u, 0, sizeof *u);
    u->cfg = cfg;
    u->blobs_dir = blobs_dir;
    u->form = form;
}

/* Appends p[0..n) percent-encoded (every byte but unreserved ones). */
static int form_enc(struct hd_buf *b, const char *p, size_t n)
{
    struct hd_error err = HD_ERROR_INIT;
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        char e[3] = {'%', hex[c >> 4], hex[c & 15]};
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                     (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                     c == '.' || c == '~';
        if (hd_buf_append(b, plain ? (const char *)&p[i] : e, plain ? 1 : 3,
                          &err) < 0)
            return -1;
    }
    return 0;
}

static int text_piece(struct web_uploads *u, const char *key,
                      const char *data, uint64_t off, size_t size)
{
    struct hd_error err = HD_ERROR_INIT;
    if (off == 0 || !u->text_open) {
        if ((u->form->len > 0 && hd_buf_append(u->form, "&", 1, &err) < 0) ||
            form_enc(u->form, key, strlen(key)) < 0 ||
            hd_buf_append(u->form, "=", 1, &err) < 0)
            return -1;
        u->text_open = true;
    }
    return form_enc(u->form, data, size);
}

static void drop(struct web_upload *f, enum web_upload_refusal why,
                 const char *text)
{
    hd_blob_writer_abort(&f->w);
    f->refused = why;
    f->why = text;
}

/* The open file is complete: its type decides whether it may stay. */
static void close_file(struct web_uploads *u)
{
    if (!u->open)
        return;
    u->open = false;
    struct web_upload *f = &u->files[u->n - 1];
    struct hd_error err = HD_ERROR_INIT;
    if (mg_filetype_detect(u->sniff, u->sniff_len, f->detected, &err) < 0)
        hd_warn("upload", "detect_failed", "error=\"%s\"", err.msg);
    free(u->sniff);
    u->sniff = NULL;
    u->sniff_len = 0;
    if (f->refused != WEB_UPLOAD_OK)
        return;
    struct mg_att_policy p;
    mg_att_policy_check(u->cfg, f->size, f->detected, f->declared, &p);
    if (strcmp(p.state, "stored") != 0)
        drop(f, strcmp(p.state, "oversize") == 0 ? WEB_UPLOAD_SIZE
                                                 : WEB_UPLOAD_TYPE,
             p.why);
}

static void open_file(struct web_uploads *u, const char *key,
                      const char *filename, const char *content_type)
{
    if (u->n == u->cap) {
        u->cap = u->cap ? 2 * u->cap : 4;
        u->files = hd_xrealloc(u->files, u->cap * sizeof *u->files);
    }
    struct web_upload *f = &u->files[u->n++];
    memset(f, 0, sizeof *f);
    f->field = hd_xstrdup(key);
    f->filename = hd_xstrdup(filename);
    f->declared = hd_xstrdup(content_type ? content_type
                                          : MG_FILETYPE_UNKNOWN);
    snprintf(f->detected, sizeof f->detected, "%s", MG_FILETYPE_UNKNOWN);
    u->open = true;
    u->sniff = hd_xmalloc(MG_FILETYPE_SNIFF_MAX);
    if (u->n > WEB_UPLOAD_FILES_MAX) {
        f->refused = WEB_UPLOAD_COUNT;
        f->why = "too many files";
        return;
    }
    struct hd_error err = HD_ERROR_INIT;
    if (hd_blob_writer_open(NULL, u->blobs_dir, &f->w, &err) < 0) {
        hd_err("upload", "open_failed", "error=\"%s\"", err.msg);
        u->failed = true;
        drop(f, WEB_UPLOAD_SIZE, "cannot store");
    }
}

static void file_piece(struct web_uploads *u, const char *data, size_t size)
{
    struct web_upload *f = &u->files[u->n - 1];
    size_t k = MG_FILETYPE_SNIFF_MAX - u->sniff_len;
    k = size < k ? size : k;
    memcpy(u->sniff + u->sniff_len, data, k);
    u->sniff_len += k;
    f->size += (int64_t)size;
    if (f->refused != WEB_UPLOAD_OK)
        return;
    long long max = hd_config_get_int(u->cfg, HD_CFG_MAIL_MAX_ATTACHMENT_BYTES);
    if ((long long)f->size > max) {
        drop(f, WEB_UPLOAD_SIZE, "over the size limit");
        u->too_big = true;
        return;
    }
    struct hd_error err = HD_ERROR_INIT;
    if (hd_blob_writer_append(f->w, data, size, &err) < 0) {
        hd_err("upload", "write_failed", "error=\"%s\"", err.msg);
        u->failed = true;
        drop(f, WEB_UPLOAD_SIZE, "cannot store");
    }
}

int web_uploads_feed(struct web_uploads *u, const char *key,
                     const char *filename, const char *content_type,
                     const char *data, uint64_t off, size_t size)
{
    if (key == NULL)
        key = "";
    if (filename == NULL) {
        close_file(u);
        return text_piece(u, key, data, off, size);
    }
    u->text_open = false;
    if (off == 0 || !u->open) {
        close_file(u);
        if (filename[0] == '\0')
            return 0; /* a file input left empty */
        open_file(u, key, filename, content_type);
    }
    if (u->open && size > 0)
        file_piece(u, data, size);
    return 0;
}

void web_uploads_finish(struct web_uploads *u)
{
    close_file(u);
}

static const char *refusal(struct web_req *r, const struct web_upload *f)
{
    const char *l = r->lang;
    if (f->refused == WEB_UPLOAD_COUNT)
        return web_t(l, M_UPLOAD_COUNT);
    if (f->refused == WEB_UPLOAD_TYPE)
        return hd_arena_printf(r->a, "%s%s%s%s%s", web_t(l, M_UPLOAD_FILE),
                               f->filename, web_t(l, M_UPLOAD_TYPE),
                               f->detected, web_t(l, M_UPLOAD_NOT_ALLOWED));
    long long max = hd_config_get_int(r->app->cfg,
                                      HD_CFG_MAIL_MAX_ATTACHMENT_BYTES);
    return hd_arena_printf(r->a, "%s%s%s%lld%s", web_t(l, M_UPLOAD_FILE),
                           f->filename, web_t(l, M_UPLOAD_SIZE), max,
                           web_t(l, M_UPLOAD_NOTHING));
}

bool web_uploads_take(struct web_req *r, struct hd_desk_file **fs_r,
                      size_t *n_r, const char **why_r)
{
    struct web_uploads *u = r->uploads;
    *fs_r = NULL;
    *n_r = 0;
    *why_r = NULL;
    if (u == NULL || u->n == 0)
        return true;
    for (size_t i = 0; i < u->n; i++)
        if (u->files[i].refused != WEB_UPLOAD_OK) {
            *why_r = refusal(r, &u->files[i]);
            hd_info("upload", "refused",
                    "field=%s size=%lld detected=%s why=\"%s\"",
                    u->files[i].field[0] ? "file" : "-",
                    (long long)u->files[i].size, u->files[i].detected,
                    u->files[i].why);
            return false;
        }
    struct hd_desk_file *fs = hd_arena_alloc(r->a, u->n * sizeof *fs);
    for (size_t i = 0; i < u->n; i++) {
        fs[i].filename = hd_arena_strdup(r->a, u->files[i].filename);
        fs[i].content_type = hd_arena_strdup(r->a, u->files[i].declared);
        fs[i].detected_type = hd_arena_strdup(r->a, u->files[i].detected);
        fs[i].w = u->files[i].w;
        u->files[i].w = NULL; /* the desk commits it; what it leaves in
                                 fs[i].w is aborted at the end */
    }
    u->taken = fs;
    *fs_r = fs;
    *n_r = u->n;
    return true;
}

const char *web_uploads_too_big(struct web_req *r)
{
    struct web_uploads *u = r->uploads;
    for (size_t i = 0; u != NULL && i < u->n; i++)
        if (u->files[i].refused == WEB_UPLOAD_SIZE)
            return refusal(r, &u->files[i]);
    return NULL;
}

const char *web_uploads_quota(struct web_req *r)
{
    return web_t(r->lang, M_UPLOAD_QUOTA);
}

void web_uploads_deinit(struct web_uploads *u)
{
    for (size_t i = 0; i < u->n; i++) {
        hd_blob_writer_abort(&u->files[i].w);
        if (u->taken != NULL)
            hd_blob_writer_abort(&u->taken[i].w);
        free(u->files[i].field);
        free(u->files[i].filename);
        free(u->files[i].declared);
    }
    free(u->files);
    free(u->sniff);
    memset(u, 0, sizeof *u);
}
