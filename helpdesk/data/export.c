/* export.c - writes and reads the export document.  Rows come from
 * store_data.c one at a time (its table list fixes which tables and
 * columns exist); blob bytes are embedded as base64url after the tables.
 * Key order is fixed, so export -> import -> export reproduces the same
 * bytes apart from "exported_at". */
#include "export.h"

#include "blob.h"
#include "clock.h"
#include "codec.h"
#include "store_data.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static int put(FILE *f, const char *s, struct hd_error *err)
{
    if (fputs(s, f) == EOF) {
        hd_error_set(err, HD_E_IO, "cannot write export");
        return -1;
    }
    return 0;
}

static int write_blob(FILE *f, struct hd_store *st, const char *blobs_dir,
                      const char *sha, bool first, struct hd_error *err)
{
    char *data = NULL;
    size_t n = 0;
    int found = hd_blob_read(st, blobs_dir, sha, HD_MAIL_MAX, &data, &n, err);
    if (found < 0)
        return -1;
    if (found != 1) {
        hd_error_set(err, HD_E_IO, "blob %s missing or too big", sha);
        return -1;
    }
    char *b64 = hd_xmalloc(n / 3 * 4 + 8);
    hd_base64url_encode(data, n, b64, n / 3 * 4 + 8);
    json_t *o = json_pack("{s:s, s:s}", "sha256", sha, "data", b64);
    int rc = (first ? 0 : put(f, ",\n", err)) < 0 ||
                     json_dumpf(o, f, JSON_COMPACT | JSON_PRESERVE_ORDER) < 0
                 ? -1
                 : 0;
    json_decref(o);
    if (rc < 0 && err->code == HD_OK)
        hd_error_set(err, HD_E_IO, "cannot export blob %s", sha);
    free(data);
    free(b64);
    return rc;
}

static int write_body(struct hd_store *st, const struct hd_export_opts *o,
                      FILE *f, struct hd_error *err)
{
    char at[32];
    hd_time_format_utc(hd_clock_now(), at);
    json_t *blobs = json_array();
    int rc = fprintf(f, "{\"format\":\"%s\",\"version\":%d,\"schema\":%d,"
                        "\"exported_at\":\"%s\",\"org\":%lld,\n\"tables\":{",
                     HD_EXPORT_FORMAT, HD_EXPORT_VERSION,
                     hd_store_schema_version(st), at,
                     (long long)o->org_id) < 0
                 ? -1
                 : 0;
    for (size_t i = 0; rc == 0 && i < hd_store_export_table_count(); i++) {
        const char *name = hd_store_export_table_name(i);
        int64_t n;
        rc = fprintf(f, "%s\n\"%s\":[\n", i ? "," : "", name) < 0 ? -1 : 0;
        if (rc == 0)
            rc = hd_store_export_table(st, i, o->org_id, f,
                                       strcmp(name, "blob") ? NULL : blobs,
                                       &n, err);
        if (rc == 0)
            rc = put(f, "]", err);
    }
    if (rc == 0)
        rc = put(f, "},\n\"blob_data\":[\n", err);
    for (size_t i = 0; rc == 0 && i < json_array_size(blobs); i++)
        rc = write_blob(f, st, o->blobs_dir,
                        json_string_value(json_object_get(
                            json_array_get(blobs, i), "sha256")),
                        i == 0, err);
    if (rc == 0)
        rc = put(f, "]}\n", err);
    json_decref(blobs);
    if (rc < 0 && err->code == HD_OK)
        hd_error_set(err, HD_E_IO, "cannot write export");
    return rc;
}

int hd_export_write(struct hd_store *st, const struct hd_export_opts *o,
                    const char *out_path, struct hd_error *err)
{
    if (strcmp(out_path, "-") == 0)
        return write_body(st, o, stdout, err) < 0 || fflush(stdout) != 0
                   ? -1
                   : 0;
    size_t n = strlen(out_path) + 16;
    char *tmp = hd_xmalloc(n);
    snprintf(tmp, n, "%s.tmp", out_path);
    /* 0600: the document holds every customer's data. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    int rc = -1;
    if (f == NULL)
        hd_error_set(err, HD_E_IO, "cannot create %s", tmp);
    else {
        rc = write_body(st, o, f, err);
        if ((fflush(f) != 0 || fsync(fileno(f)) < 0) && rc == 0) {
            hd_error_set(err, HD_E_NOSPACE, "cannot write %s", tmp);
            rc = -1;
        }
        fclose(f);
        if (rc == 0 && rename(tmp, out_path) < 0) {
            hd_error_set(err, HD_E_IO, "cannot rename to %s", out_path);
            rc = -1;
        }
        if (rc < 0)
            unlink(tmp);
    }
    free(tmp);
    return rc;
}

static json_t *load_doc(const char *in_path, struct hd_error *err)
{
    struct stat sb;
    json_error_t je;
    if (stat(in_path, &sb) < 0) {
        hd_error_set(err, HD_E_NOTFOUND, "cannot read %s", in_path);
        return NULL;
    }
    if ((uint64_t)sb.st_size > HD_IMPORT_MAX) {
        hd_error_set(err, HD_E_TOOBIG, "%s is over %llu bytes", in_path,
                     (unsigned long long)HD_IMPORT_MAX);
        return NULL;
    }
    json_t *d = json_load_file(in_path, JSON_REJECT_DUPLICATES, &je);
    if (d == NULL) {
        hd_error_set(err, HD_E_PARSE, "%s: not a complete JSON document "
                     "(line %d: %.120s)", in_path, je.line, je.text);
        return NULL;
    }
    const char *fmt = json_string_value(json_object_get(d, "format"));
    if (fmt == NULL || strcmp(fmt, HD_EXPORT_FORMAT) != 0 ||
        json_integer_value(json_object_get(d, "version")) !=
            HD_EXPORT_VERSION ||
        !json_is_object(json_object_get(d, "tables"))) {
        hd_error_set(err, HD_E_PARSE, "%s is not a %s version %d document",
                     in_path, HD_EXPORT_FORMAT, HD_EXPORT_VERSION);
        json_decref(d);
        return NULL;
    }
    return d;
}

static int import_blobs(struct hd_store *st, const char *blobs_dir,
                        json_t *list,
                        struct hd_error *err)
{
    json_t *b;
    size_t i;
    json_array_foreach(list, i, b)
    {
        const char *sha = json_string_value(json_object_get(b, "sha256"));
        const char *data = json_string_value(json_object_get(b, "data"));
        size_t cap = data ? strlen(data) / 4 * 3 + 4 : 0, n = 0;
        char got[65];
        if (sha == NULL || data == NULL || cap > HD_MAIL_MAX) {
            hd_error_set(err, HD_E_PARSE, "blob_data[%zu] malformed", i);
            return -1;
        }
        uint8_t *buf = hd_xmalloc(cap);
        int rc = hd_base64url_decode(data, buf, cap, &n, err);
        if (rc == 0)
            rc = hd_blob_put(st, blobs_dir, buf, n, got, err);
        free(buf);
        if (rc == 0 && strcmp(got, sha) != 0) {
            hd_error_set(err, HD_E_PARSE, "blob_data[%zu]: bytes do not "
                         "match sha256 %.16s...", i, sha);
            rc = -1;
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int import_tables(struct hd_store *st, json_t *tables,
                         struct hd_error *err)
{
    for (size_t i = 0; i < hd_store_export_table_count(); i++) {
        json_t *rows = json_object_get(tables,
                                       hd_store_export_table_name(i)), *r;
        size_t k;
        if (rows != NULL && !json_is_array(rows)) {
            hd_error_set(err, HD_E_PARSE, "tables.%s is not an array",
                         hd_store_export_table_name(i));
            return -1;
        }
        json_array_foreach(rows, k, r)
        {
            if (hd_store_import_row(st, i, r, err) < 0)
                return -1;
        }
    }
    return 0;
}

int hd_import_read(struct hd_store *st, const char *blobs_dir,
                   const char *in_path, struct hd_error *err)
{
    json_t *d = load_doc(in_path, err);
    if (d == NULL)
        return -1;
    int rc = hd_store_begin(st, err);
    if (rc == 0) {
        int empty = hd_store_drop_fresh_queue(st, err) < 0
                        ? -1
                        : hd_store_is_empty(st, err);
        if (empty == 0)
            hd_error_set(err, HD_E_EXISTS, "the instance is not empty: "
                         "import only into a new instance");
        rc = empty == 1 ? 0 : -1;
        if (rc == 0)
            rc = import_tables(st, json_object_get(d, "tables"), err);
        if (rc == 0)
            rc = import_blobs(st, blobs_dir, json_object_get(d, "blob_data"),
                              err);
        if (rc == 0)
            rc = hd_store_commit(st, err);
        else
            hd_store_rollback(st);
    }
    json_decref(d);
    return rc;
}
