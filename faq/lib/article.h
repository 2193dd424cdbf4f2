/* article.h - FAQ articles as files and as records: the Markdown file
 * format used by `helpdesk faq import|export` and saving an article (its
 * category, visibility, status and one language's text) in the store.
 *
 * File format: one file per article and language, SLUG.ja.md or
 * SLUG.en.md, starting with front matter between two "---" lines:
 *     ---
 *     title: 請求書の再発行
 *     category: billing
 *     category_title: 請求・お支払い      (optional; names the category)
 *     visibility: internal                (optional; default public)
 *     status: draft                       (optional; default published)
 *     ---
 *     Markdown body...
 * Import is idempotent: the same slug updates the article. */
#ifndef FAQ_ARTICLE_H
#define FAQ_ARTICLE_H

#include "arena.h"
#include "buf.h"
#include "hd.h"
#include "store_faq.h"

#define FAQ_FILE_MAX (HD_FAQ_BODY_MAX + 4096) /* largest article file */

struct faq_doc {
    const char *slug, *lang;
    const char *title, *category, *category_title;
    bool internal, draft;
    const char *body_md;
};

/* Parses one file's text; slug and lang come from its name
 * ("SLUG.LANG.md", directories stripped). */
HD_NODISCARD int faq_doc_parse(const char *name, const char *text,
                               size_t len, struct hd_arena *a,
                               struct faq_doc *d, struct hd_error *err);
/* Writes d in the file format. */
HD_NODISCARD int faq_doc_format(const struct faq_doc *d, struct hd_buf *out,
                                struct hd_error *err);

/* Saves d (creating the category and the article as needed) in one
 * transaction.  *created_r (may be NULL): the article was new. */
HD_NODISCARD int faq_doc_save(struct hd_store *st, const struct faq_doc *d,
                              bool *created_r, struct hd_error *err);

/* The same inside the caller's transaction; render scratch from a. */
HD_NODISCARD int faq_doc_save_tx(struct hd_store *st, const struct faq_doc *d,
                                 bool *created_r, struct hd_arena *a,
                                 struct hd_error *err);

struct faq_import_stats {
    size_t files, created, updated;
};

/* Imports every *.ja.md / *.en.md file in dir (sorted by name), all or
 * nothing, in one transaction. */
HD_NODISCARD int faq_import_dir(struct hd_store *st, const char *dir,
                                struct faq_import_stats *stats,
                                struct hd_error *err);
/* The same inside the caller's transaction. */
HD_NODISCARD int faq_import_dir_tx(struct hd_store *st, const char *dir,
                                   struct faq_import_stats *stats,
                                   struct hd_error *err);
/* Writes every article and language as SLUG.LANG.md into dir. */
HD_NODISCARD int faq_export_dir(struct hd_store *st, const char *dir,
                                size_t *files_r, struct hd_error *err);

#endif
