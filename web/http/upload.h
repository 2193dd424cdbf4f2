/* upload.h - a multipart/form-data request body, taken apart as it
 * arrives: the one place such bodies are read.
 *
 * Text fields are re-encoded as application/x-www-form-urlencoded into
 * the request's body buffer, so handlers read them (and check CSRF) with
 * web_form_field() exactly as for an urlencoded form.  File fields stream
 * into unfinished blob writers (blob.h, temporary files): never the whole
 * file in memory.  Each file is checked on its way in against the inbound
 * mail policy (mg_att_policy_check: mail.max_attachment_bytes, the type
 * libmagic detects in its leading bytes, the deny and allow lists); a
 * file over the size limit marks the request too big (413) at once and
 * its bytes are dropped.  Nothing becomes a blob until a handler hands
 * the accepted files to the desk, which commits them; whatever is left is
 * aborted when the request ends (web_uploads_deinit). */
#ifndef WEB_UPLOAD_H
#define WEB_UPLOAD_H

#include "buf.h"
#include "config.h"
#include "hd.h"

#define WEB_UPLOAD_FILES_MAX 20 /* files in one request */
#define WEB_UPLOAD_TYPE_MAX 128 /* detected type, with NUL */

enum web_upload_refusal {
    WEB_UPLOAD_OK = 0,
    WEB_UPLOAD_TYPE,  /* a type the policy refuses (a program) */
    WEB_UPLOAD_SIZE,  /* over mail.max_attachment_bytes */
    WEB_UPLOAD_COUNT, /* more than WEB_UPLOAD_FILES_MAX files */
};

struct web_upload {
    char *field, *filename, *declared; /* heap; UTF-8 as sent */
    char detected[WEB_UPLOAD_TYPE_MAX];
    int64_t size;
    enum web_upload_refusal refused;
    const char *why; /* the policy's reason (English, for logs) */
    struct hd_blob_writer *w; /* NULL once refused, taken or aborted */
};

struct web_uploads {
    const struct hd_config *cfg;
    const char *blobs_dir;
    struct hd_buf *form;       /* text fields go here, urlencoded */
    struct web_upload *files;  /* every file part with a name, in order */
    size_t n, cap;
    bool open;                 /* the last file part may get more bytes */
    bool text_open;            /* the last part is a text field */
    char *sniff;               /* the open file's leading bytes */
    size_t sniff_len;
    bool too_big;              /* a file over the limit: answer 413 */
    bool failed;               /* a blob write failed: answer 500 */
    struct hd_desk_file *taken; /* handed to a handler: their writers are
                                   the desk's to commit, the rest ours */
};

void web_uploads_init(struct web_uploads *u, const struct hd_config *cfg,
                      const char *blobs_dir, struct hd_buf *form);
/* One piece of a part as the post processor hands it over: off 0 starts
 * a part.  filename NULL: a text field.  Returns 0, or -1 when the
 * request cannot go on (out of memory for the form). */
int web_uploads_feed(struct web_uploads *u, const char *key,
                     const char *filename, const char *content_type,
                     const char *data, uint64_t off, size_t size);
/* The body ended: the last file is checked. */
void web_uploads_finish(struct web_uploads *u);
struct web_req;
struct hd_desk_file;

/* The request's files for the desk (desk.h; an array in r->a, *n_r of
 * them, none for a request without files), or false with *why_r saying,
 * in r->lang, which file was refused and why (nothing is kept then). */
bool web_uploads_take(struct web_req *r, struct hd_desk_file **fs_r,
                      size_t *n_r, const char **why_r);
/* Why a request is too big (413): the file over the limit, in r->lang. */
const char *web_uploads_too_big(struct web_req *r);
/* The desk's refusal of files for quota (HD_E_TOOBIG), in r->lang. */
const char *web_uploads_quota(struct web_req *r);

/* Aborts every writer still held and frees the list. */
void web_uploads_deinit(struct web_uploads *u);

#endif
