/* test_compose.c - the mail header encoder and the text message builder:
 * injection refused, RFC 2047 round trips through libetpan's decoder,
 * folding limits, bodies that decode back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libetpan/libetpan.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "compose.h"

/* Removes folding (CRLF followed by WSP) and the final CRLF. */
static char *unfold(const char *s)
{
    size_t n = strlen(s);
    char *o = malloc(n + 1), *p = o;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r' && s[i + 1] == '\n') {
            i++;
            continue;
        }
        *p++ = s[i];
    }
    *p = '\0';
    return o;
}

static void assert_lines_max(const char *s, size_t max, size_t idx)
{
    const char *l = s;
    for (const char *e; (e = strstr(l, "\r\n")) != NULL; l = e + 2)
        if ((size_t)(e - l) > max)
            fail_msg("case %zu: line of %zu chars: %.*s", idx,
                     (size_t)(e - l), (int)(e - l), l);
}

/* Decodes "Name: value" with libetpan as a reader would. */
static char *decode_value(const char *hdr)
{
    char *u = unfold(hdr);
    const char *v = strchr(u, ':') + 1;
    size_t idx = 0;
    char *out = NULL;
    int r = mailmime_encoded_phrase_parse("utf-8", v, strlen(v), &idx,
                                          "utf-8", &out);
    free(u);
    if (r != MAILIMF_NO_ERROR)
        return NULL;
    return out;
}

static const struct {
    const char *name, *value;
} roundtrip[] = {
    {"Subject", "plain ascii"},
    {"Subject", "プリンターが燃えています（至急）"},
    {"Subject", "Re: [#42] 障害報告：サーバー室の空調が停止し、"
                "複数のラックで温度警告が出ています。至急対応をお願いします"},
    {"X-Very-Long-Header-Name-That-Leaves-Little-Room-On-Line", "日本語"},
    {"Subject", "mixed ASCII and 日本語 and émoji 🎉 here"},
};

static void test_roundtrip(void **state)
{
    (void)state;
    for (size_t i = 0; i < HD_ARRAY_LEN(roundtrip); i++) {
        struct hd_buf b;
        struct hd_error err = HD_ERROR_INIT;
        hd_buf_init(&b, 65536);
        if (hd_header_encode(&b, roundtrip[i].name, roundtrip[i].value,
                             &err) < 0)
            fail_msg("case %zu: %s", i, err.msg);
        assert_lines_max(b.data, HD_HEADER_LINE_MAX, i);
        char *d = decode_value(b.data);
        if (d == NULL || strcmp(d, roundtrip[i].value) != 0)
            fail_msg("case %zu: decoded '%s' from %s", i, d ? d : "(null)",
                     b.data);
        free(d);
        hd_buf_deinit(&b);
    }
}

static void test_ascii_fold(void **state)
{
    (void)state;
    char v[600];
    size_t n = 0;
    for (int i = 0; n + 20 < sizeof v; i++) /* items are < 20 bytes */
        n += (size_t)snprintf(v + n, sizeof v - n, "<m%d@x.test> ", i);
    v[n - 1] = '\0';
    struct hd_buf b;
    struct hd_error err = HD_ERROR_INIT;
    hd_buf_init(&b, 65536);
    assert_int_equal(hd_header_encode(&b, "References", v, &err), 0);
    assert_lines_max(b.data, HD_HEADER_LINE_MAX, 0);
    char *u = unfold(b.data);
    assert_string_equal(u + strlen("References: "), v);
    free(u);
    hd_buf_deinit(&b);
}

static const struct {
    const char *name, *value;
    enum hd_errcode code;
} refused[] = {
    {"Subject", "hi\r\nBcc: victim@example.org", HD_E_INVAL},
    {"Subject", "hi\nBcc: victim@example.org", HD_E_INVAL},
    {"Subject", "hi\rthere", HD_E_INVAL},
    {"Subject", "nul\x01byte", HD_E_INVAL},
    {"Subject", "bad utf8 \xe3\x81", HD_E_INVAL},
    {"Subject", "overlong \xc0\xaf", HD_E_INVAL},
    {"Bad:Name", "x", HD_E_INVAL},
    {"Bad Name", "x", HD_E_INVAL},
    {"", "x", HD_E_INVAL},
    {"X-Ok", "日本語\r\nBcc: x", HD_E_INVAL},
};

static void test_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < HD_ARRAY_LEN(refused); i++) {
        struct hd_buf b;
        struct hd_error err = HD_ERROR_INIT;
        hd_buf_init(&b, 65536);
        assert_int_equal(hd_buf_puts(&b, "Kept: yes\r\n", &err), 0);
        if (hd_header_encode(&b, refused[i].name, refused[i].value, &err) !=
            -1)
            fail_msg("case %zu: accepted: %s", i, b.data);
        if (err.code != refused[i].code)
            fail_msg("case %zu: code %d", i, err.code);
        if (strcmp(b.data, "Kept: yes\r\n") != 0)
            fail_msg("case %zu: buffer changed: %s", i, b.data);
        hd_buf_deinit(&b);
    }
}

static const struct {
    struct hd_addr a;
    const char *want; /* NULL: refused */
} addrs[] = {
    {{NULL, "ann@example.org"}, "To: ann@example.org\r\n"},
    {{"Ann Smith", "ann@example.org"}, "To: Ann Smith <ann@example.org>\r\n"},
    {{"Smith, Ann \"AS\"", "ann@example.org"},
     "To: \"Smith, Ann \\\"AS\\\"\" <ann@example.org>\r\n"},
    {{"山田 太郎", "yamada@example.jp"},
     "To: =?UTF-8?B?5bGx55SwIOWkqumDjg==?= <yamada@example.jp>\r\n"},
    {{NULL, "ann@example.org>\r\nBcc: x@y"}, NULL},
    {{NULL, "no-at-sign"}, NULL},
    {{NULL, "a b@example.org"}, NULL},
    {{"Evil\r\nBcc: x@y", "ann@example.org"}, NULL},
};

static void test_addrs(void **state)
{
    (void)state;
    for (size_t i = 0; i < HD_ARRAY_LEN(addrs); i++) {
        struct hd_buf b;
        struct hd_error err = HD_ERROR_INIT;
        hd_buf_init(&b, 65536);
        int r = hd_header_addrs(&b, "To", &addrs[i].a, 1, &err);
        if (addrs[i].want == NULL) {
            if (r != -1 || b.len != 0)
                fail_msg("case %zu: accepted: %s", i, hd_buf_cstr(&b));
        } else if (r != 0 || strcmp(b.data, addrs[i].want) != 0) {
            fail_msg("case %zu: got '%s' (%s)", i, hd_buf_cstr(&b), err.msg);
        }
        hd_buf_deinit(&b);
    }
}

static char *header_of(const char *msg, const char *name)
{
    char key[80];
    snprintf(key, sizeof key, "\r\n%s:", name);
    const char *p = strstr(msg, key);
    if (p == NULL)
        return NULL;
    p += 2;
    const char *e = p;
    while ((e = strstr(e, "\r\n")) != NULL && (e[2] == ' ' || e[2] == '\t'))
        e += 2;
    return strndup(p, (size_t)(e - p) + 2);
}

static void test_build(void **state)
{
    (void)state;
    struct hd_error zerr = HD_ERROR_INIT;
    assert_int_equal(hd_clock_set_zone("Asia/Tokyo", &zerr), 0);
    hd_clock_freeze(1798294104); /* 2026-12-26T14:08:24Z */
    struct hd_addr to[] = {{"山田 太郎", "yamada@example.jp"},
                           {NULL, "ops@example.jp"}};
    const char *extra[] = {"X-Ticket", "42"};
    const char *body = "こんにちは。\n.line starting with a dot\n"
                       "trailing space \nend=of\n";
    struct hd_out_msg m = {
        .from = {"サポート", "support@support.test"},
        .to = to, .nto = 2,
        .subject = "Re: [#42] プリンター",
        .message_id = "<t42.1@support.test>",
        .in_reply_to = "<a1@example.jp>",
        .references = "<a0@example.jp> <a1@example.jp>",
        .auto_submitted = "auto-replied",
        .x_loop = "support@support.test",
        .extra = extra, .nextra = 1,
        .body = body, .body_len = strlen(body),
    };
    for (int cte = 0; cte < 2; cte++) {
        struct hd_buf b;
        struct hd_error err = HD_ERROR_INIT;
        hd_buf_init(&b, 1 << 20);
        m.cte = (enum hd_cte)cte;
        if (hd_build_message(&m, &b, &err) < 0)
            fail_msg("cte %d: %s", cte, err.msg);
        assert_lines_max(b.data, 78, (size_t)cte);
        assert_non_null(strstr(b.data, "\r\nDate: Sat, 26 Dec 2026 "
                                       "23:08:24 +0900\r\n"));
        assert_non_null(strstr(b.data, "\r\nAuto-Submitted: auto-replied\r\n"));
        assert_non_null(strstr(b.data, "\r\nX-Ticket: 42\r\n"));
        assert_non_null(strstr(b.data, "\r\nContent-Type: text/plain; "
                                       "charset=UTF-8\r\n"));
        char *s = header_of(b.data, "Subject");
        char *d = decode_value(s);
        assert_string_equal(d, "Re: [#42] プリンター");
        free(d);
        free(s);
        /* Decode the body with libetpan and compare with CRLF text. */
        const char *bd = strstr(b.data, "\r\n\r\n") + 4;
        char *dec = NULL;
        size_t idx = 0, dlen = 0;
        int enc = cte ? MAILMIME_MECHANISM_QUOTED_PRINTABLE
                      : MAILMIME_MECHANISM_BASE64;
        assert_int_equal(mailmime_part_parse(bd, strlen(bd), &idx, enc, &dec,
                                             &dlen), MAILIMF_NO_ERROR);
        const char *want = "こんにちは。\r\n.line starting with a dot\r\n"
                           "trailing space \r\nend=of\r\n";
        if (dlen != strlen(want) || memcmp(dec, want, dlen) != 0)
            fail_msg("cte %d: body decoded to '%.*s'", cte, (int)dlen, dec);
        mailmime_decoded_part_free(dec);
        hd_buf_deinit(&b);
    }
    hd_clock_freeze(-1);
}

/* The value of RFC 2231 parameter name in the mail text u: its
 * sections name*0*, name*1*, ... joined, the charset prefix dropped and
 * %XX decoded. */
static char *param_2231(const char *u, const char *name)
{
    char *out = calloc(1, 4096), *o = out;
    for (int sec = 0;; sec++) {
        char key[64];
        snprintf(key, sizeof key, "%s*%d*=", name, sec);
        const char *p = strstr(u, key);
        if (p == NULL)
            break;
        p += strlen(key);
        if (sec == 0 && strncmp(p, "UTF-8''", 7) == 0)
            p += 7;
        for (; *p && *p != ';' && *p != '\r' && *p != ' '; p++) {
            unsigned v;
            if (*p == '%' && sscanf(p + 1, "%2x", &v) == 1) {
                *o++ = (char)v;
                p += 2;
            } else {
                *o++ = *p;
            }
        }
    }
    return out;
}

/* A reply with files: multipart/mixed, the text first, each file base64
 * under its detected type with its (Japanese, long, hostile) name as an
 * RFC 2231 parameter that decodes back; a type that is no MIME type is
 * sent as application/octet-stream; control bytes of a name become '_'. */
static void test_parts(void **state)
{
    (void)state;
    struct hd_addr to = {NULL, "c@example.jp"};
    unsigned char bin[3000];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (unsigned char)(i * 7 + 3);
    const char *longname = "請求書_2026年12月分_株式会社サンプル_経理部御中"
                           "_再発行_最終版.pdf";
    struct hd_out_part parts[] = {
        {longname, "application/pdf", bin, sizeof bin},
        {"a\r\nBcc: x@evil.test", "text/plain\r\nX-Evil: 1", "hi", 2},
    };
    struct hd_out_msg m = {
        .from = {NULL, "support@support.test"}, .to = &to, .nto = 1,
        .subject = "files", .message_id = "<p1@support.test>",
        .body = "see attached\n", .body_len = 13,
        .parts = parts, .nparts = 2,
    };
    struct hd_buf b;
    struct hd_error err = HD_ERROR_INIT;
    hd_buf_init(&b, 1 << 20);
    if (hd_build_message(&m, &b, &err) < 0)
        fail_msg("%s", err.msg);
    assert_lines_max(b.data, 78, 9);
    assert_null(strstr(b.data, "\r\nBcc:"));
    assert_null(strstr(b.data, "X-Evil"));
    char *u = unfold(b.data);
    assert_non_null(strstr(u, "Content-Type: multipart/mixed; boundary=\"=_hd_"));
    assert_non_null(strstr(u, "Content-Type: application/pdf;"));
    assert_non_null(strstr(u, "Content-Type: application/octet-stream;"));
    assert_non_null(strstr(u, "filename*1*="));  /* a long name in sections */
    char *fn = param_2231(b.data, "filename");
    assert_string_equal(fn, longname);
    free(fn);
    char *second = strstr(strstr(b.data, "application/octet-stream;"),
                          "filename");
    fn = param_2231(second, "filename");
    assert_string_equal(fn, "a__Bcc: x@evil.test");
    free(fn);
    free(u);
    /* libetpan finds the three parts and the PDF decodes to its bytes. */
    size_t idx = 0;
    struct mailmime *mime = NULL;
    assert_int_equal(mailmime_parse(b.data, b.len, &idx, &mime),
                     MAILIMF_NO_ERROR);
    struct mailmime *body = mime->mm_data.mm_message.mm_msg_mime;
    assert_int_equal(body->mm_type, MAILMIME_MULTIPLE);
    assert_int_equal(clist_count(body->mm_data.mm_multipart.mm_mp_list), 3);
    struct mailmime *pdf = clist_nth_data(body->mm_data.mm_multipart.mm_mp_list,
                                          1);
    struct mailmime_data *d = pdf->mm_data.mm_single;
    char *dec = NULL;
    size_t di = 0, dlen = 0;
    assert_int_equal(mailmime_part_parse(d->dt_data.dt_text.dt_data,
                                         d->dt_data.dt_text.dt_length, &di,
                                         MAILMIME_MECHANISM_BASE64, &dec,
                                         &dlen),
                     MAILIMF_NO_ERROR);
    assert_int_equal(dlen, sizeof bin);
    assert_memory_equal(dec, bin, sizeof bin);
    mailmime_decoded_part_free(dec);
    mailmime_free(mime);
    hd_buf_deinit(&b);
}

/* ISO-2022-JP bodies for old clients; ① has no JIS X 0208 form, so that
 * message falls back to UTF-8. */
static void test_iso2022jp(void **state)
{
    (void)state;
    static const struct {
        const char *body, *charset, *fragment;
    } cases[] = {
        {"お問い合わせありがとうございます。\n", "ISO-2022-JP",
         "\x1b$B"}, /* JIS X 0208 escape in the 7bit body */
        {"手順①を実行してください。\n", "UTF-8", "base64"},
        {"plain ascii\n", "ISO-2022-JP", "plain ascii\r\n"},
    };
    struct hd_addr to = {NULL, "a@example.jp"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct hd_out_msg m = {.from = {NULL, "s@support.test"}, .to = &to,
                               .nto = 1, .subject = "件名",
                               .body = cases[i].body,
                               .body_len = strlen(cases[i].body),
                               .iso2022jp = true};
        struct hd_buf b;
        struct hd_error err = HD_ERROR_INIT;
        char want[64];
        hd_buf_init(&b, 1 << 20);
        if (hd_build_message(&m, &b, &err) < 0)
            fail_msg("case %zu: %s", i, err.msg);
        snprintf(want, sizeof want, "charset=%s\r\n", cases[i].charset);
        if (strstr(hd_buf_cstr(&b), want) == NULL ||
            strstr(hd_buf_cstr(&b), cases[i].fragment) == NULL)
            fail_msg("case %zu: want %s and %s in:\n%s", i, want,
                     cases[i].fragment, hd_buf_cstr(&b));
        /* Exactly one set of MIME headers, whichever path was taken. */
        const char *first = strstr(hd_buf_cstr(&b), "MIME-Version");
        if (first == NULL || strstr(first + 1, "MIME-Version") != NULL)
            fail_msg("case %zu: MIME-Version count", i);
        hd_buf_deinit(&b);
    }
}

static void test_build_refuses(void **state)
{
    (void)state;
    struct hd_addr to = {NULL, "a@example.org"};
    struct hd_out_msg m = {.from = {NULL, "s@support.test"}, .to = &to,
                           .nto = 1, .subject = "x\r\nBcc: evil@example.org",
                           .body = "hi", .body_len = 2};
    struct hd_buf b;
    struct hd_error err = HD_ERROR_INIT;
    hd_buf_init(&b, 1 << 20);
    assert_int_equal(hd_build_message(&m, &b, &err), -1);
    assert_int_equal(err.code, HD_E_INVAL);
    assert_int_equal(b.len, 0);
    m.subject = "ok";
    m.body = "bad \xff utf8";
    m.body_len = strlen(m.body);
    assert_int_equal(hd_build_message(&m, &b, &err), -1);
    m.body = "ok";
    m.body_len = 2;
    m.nto = 0;
    assert_int_equal(hd_build_message(&m, &b, &err), -1);
    m.nto = 1;
    assert_int_equal(hd_build_message(&m, &b, &err), 0);
    assert_non_null(strstr(b.data, "\r\nMessage-ID: <"));
    assert_non_null(strstr(b.data, "@support.test>\r\n"));
    hd_buf_deinit(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_ascii_fold),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_addrs),
        cmocka_unit_test(test_build),
        cmocka_unit_test(test_build_refuses),
        cmocka_unit_test(test_iso2022jp),
        cmocka_unit_test(test_parts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
