/* export.h - the portable JSON export of an instance and its import into
 * an empty one.  The document format is docs/export-format.md
 * ("format": "helpdesk-export", "version": 1).  Export streams one row
 * at a time; import is one transaction: all of it or nothing. */
#ifndef HD_EXPORT_H
#define HD_EXPORT_H

#include "hd.h"
#include "store.h"

#define HD_EXPORT_FORMAT "helpdesk-export"
#define HD_EXPORT_VERSION 1
#define HD_IMPORT_MAX (4ull * 1024 * 1024 * 1024) /* largest import file */

struct hd_export_opts {
    int64_t org_id;        /* 0: everything; else one organisation */
    const char *blobs_dir; /* DIR/blobs, where file blobs are read */
};

/* Writes the document to out_path ("-": stdout) through a temporary file
 * renamed at the end. */
HD_NODISCARD int hd_export_write(struct hd_store *st,
                                 const struct hd_export_opts *o,
                                 const char *out_path, struct hd_error *err);

/* Reads a document and loads it into st, which must be empty
 * (HD_E_EXISTS otherwise).  Blob bytes are stored as new blobs are (small
 * ones in the database, others under blobs_dir) and checked against their
 * names.  Malformed, truncated or foreign input
 * fails with HD_E_PARSE and leaves the database unchanged. */
HD_NODISCARD int hd_import_read(struct hd_store *st, const char *blobs_dir,
                                const char *in_path, struct hd_error *err);

#endif
