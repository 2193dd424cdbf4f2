/* report_html.c - the checklist as a standalone HTML document (report.h).
 * Values only ever go through put_text(), the shared escaper (codec.h):
 * & < > " ' become entities, control bytes other than tab and newline
 * are dropped.  Markup is literal text of this file. */
#include "report.h"

#include "codec.h"

#include <string.h>

static int put_text(struct hd_buf *b, const char *s, struct hd_error *err)
{
    return hd_html_esc_buf(b, s, strlen(s), HD_HTML_ESC_NOCTL, err);
}

static const char head[] =
    "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
    "'none'; style-src 'unsafe-inline'\">\n<title>";
static const char style[] =
    "</title>\n<style>body{font-family:sans-serif;margin:2em}"
    "table{border-collapse:collapse}td,th{border:1px solid #999;"
    "padding:.3em;vertical-align:top}.ng{background:#fdd}"
    ".operator{background:#eef}.unknown{background:#ffd}</style>\n"
    "</head>\n<body>\n<h1>";

static int put_row(struct hd_buf *b, const json_t *row, struct hd_error *err)
{
    static const char *const cols[] = {"item", "answer", "evidence",
                                       "status"};
    const char *status =
        json_string_value(json_object_get(row, "status"));
    if (strcmp(status, "ok") != 0 && strcmp(status, "ng") != 0 &&
        strcmp(status, "operator") != 0)
        status = "unknown";
    if (hd_buf_printf(b, err, "<tr class=\"%s\"><td>%lld</td>", status,
                      (long long)json_integer_value(
                          json_object_get(row, "no"))) < 0)
        return -1;
    for (size_t i = 0; i < HD_ARRAY_LEN(cols); i++) {
        const char *v = json_string_value(json_object_get(row, cols[i]));
        if (hd_buf_puts(b, "<td>", err) < 0 ||
            put_text(b, v ? v : "", err) < 0 ||
            hd_buf_puts(b, "</td>", err) < 0)
            return -1;
    }
    return hd_buf_puts(b, "</tr>\n", err);
}

static int put_summary(struct hd_buf *b, const json_t *rows, bool ja,
                       struct hd_error *err)
{
    struct hd_report_counts n;
    hd_report_summary(rows, &n);
    return hd_buf_printf(b, err,
                         ja ? "<p class=\"summary\">OK %d / NG %d / 運用者の"
                              "回答 %d / 不明 %d</p>\n"
                            : "<p class=\"summary\">ok %d / ng %d / "
                              "operator %d / not known %d</p>\n",
                         n.ok, n.ng, n.operator_, n.unknown);
}

static bool is_ng(const json_t *row)
{
    const char *s = json_string_value(json_object_get(row, "status"));
    return s != NULL && strcmp(s, "ng") == 0;
}

int hd_report_checklist_html(const json_t *rows, const char *lang,
                             const char *title, struct hd_buf *out,
                             struct hd_error *err)
{
    bool ja = lang != NULL && strcmp(lang, "ja") == 0;
    if (hd_buf_printf(out, err, head, ja ? "ja" : "en") < 0 ||
        put_text(out, title, err) < 0 || hd_buf_puts(out, style, err) < 0 ||
        put_text(out, title, err) < 0 || hd_buf_puts(out, "</h1>\n", err) < 0 ||
        put_summary(out, rows, ja, err) < 0 ||
        hd_buf_puts(out, ja ? "<table>\n<tr><th>No.</th><th>項目</th>"
                              "<th>回答</th><th>根拠</th><th>状態</th></tr>\n"
                            : "<table>\n<tr><th>No.</th><th>Item</th>"
                              "<th>Answer</th><th>Evidence</th><th>Status"
                              "</th></tr>\n", err) < 0)
        return -1;
    size_t i;
    const json_t *row;
    /* "ng" rows first: they are what the reader must act on. */
    for (int pass = 0; pass < 2; pass++)
        json_array_foreach(rows, i, row)
            if (is_ng(row) == (pass == 0) && put_row(out, row, err) < 0)
                return -1;
    return hd_buf_puts(out, "</table>\n</body>\n</html>\n", err);
}
