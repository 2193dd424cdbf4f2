/* test_parse.c - the mail parser against the corpus in tests/data/mail
 * (NNNN-name.eml + NNNN-name.json, written by gen/gen_corpus.py), plus
 * truncations of every message in exact-size buffers, a 20 MB attachment
 * made at test time, and table tests of folding, dates and headers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "arena.h"
#include "mailjson.h"
#include "parse.h"

#define CORPUS_MIN 80
#define PATH_MAX_LEN 1024
#define TRUNCATIONS 48
#define BIG_ATTACHMENT (20u * 1024 * 1024)

static char *read_file(const char *path, size_t *len_r)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc(n > 0 ? (size_t)n : 1); /* exact size: ASan sees overreads */
    if (n > 0 && fread(b, 1, (size_t)n, f) != (size_t)n)
        n = -1;
    fclose(f);
    *len_r = n > 0 ? (size_t)n : 0;
    return b;
}

static const char *corpus_dir(char *buf, size_t n)
{
    const char *d = getenv("HD_TEST_DATA");
    snprintf(buf, n, "%s/mail", d ? d : "tests/data");
    return buf;
}

/* The parser's JSON plus the extras the corpus may ask about. */
static json_t *parsed_json(const struct mg_mail *m, struct hd_arena *a)
{
    json_t *j = mg_mail_to_json(m);
    struct mg_fold *f;
    size_t nf = mg_text_fold(m->text, m->text_len, a, &f);
    size_t q = nf ? f[0].start : m->text_len;
    while (q > 0 && (m->text[q - 1] == '\n' || m->text[q - 1] == ' '))
        q--;
    json_object_set_new(j, "text_before_quote", json_stringn(m->text, q));
    json_object_set_new(j, "loop", json_boolean(m->loop));
    json_object_set_new(j, "message_id_synthetic",
                        json_boolean(m->message_id_synthetic));
    json_object_set_new(j, "has_problem", json_boolean(m->parse_problem != NULL));
    json_object_set_new(j, "bounce_original_message_id",
                        m->bounce_original_message_id
                            ? json_string(m->bounce_original_message_id)
                            : json_null());
    return j;
}

static int check_substrings(const char *name, const char *key, json_t *want,
                            const char *have, bool present)
{
    size_t i;
    json_t *v;
    int bad = 0;
    json_array_foreach(want, i, v) {
        bool found = have && strstr(have, json_string_value(v));
        if (found != present) {
            print_error("%s: %s \"%s\" (have: %s)\n", name, key,
                        json_string_value(v), have ? have : "(null)");
            bad++;
        }
    }
    return bad;
}

static int check_case(const char *name, json_t *want, json_t *have)
{
    const char *key;
    json_t *w;
    int bad = 0;
    json_object_foreach(want, key, w) {
        const char *text = json_string_value(json_object_get(have, "text"));
        const char *html = json_string_value(json_object_get(have, "html"));
        if (strcmp(key, "text_contains") == 0)
            bad += check_substrings(name, key, w, text, true);
        else if (strcmp(key, "text_not_contains") == 0)
            bad += check_substrings(name, key, w, text, false);
        else if (strcmp(key, "html_contains") == 0)
            bad += check_substrings(name, key, w, html, true);
        else if (strcmp(key, "html_not_contains") == 0)
            bad += check_substrings(name, key, w, html, false);
        else if (!json_equal(w, json_object_get(have, key))) {
            char *ws = json_dumps(w, JSON_ENCODE_ANY | JSON_COMPACT);
            char *hs = json_dumps(json_object_get(have, key),
                                  JSON_ENCODE_ANY | JSON_COMPACT);
            print_error("%s: %s\n  want %s\n  have %s\n", name, key, ws,
                        hs ? hs : "(missing)");
            free(ws);
            free(hs);
            bad++;
        }
    }
    return bad;
}

/* Every prefix class of the message, each in its own exact-size buffer:
 * the parser must return 0 and never read past the end. */
static void parse_truncations(const char *raw, size_t len)
{
    size_t step = len / TRUNCATIONS ? len / TRUNCATIONS : 1;
    for (size_t cut = 0; cut < len; cut += step) {
        char *b = malloc(cut ? cut : 1);
        memcpy(b, raw, cut);
        struct hd_arena *a = hd_arena_new();
        struct mg_mail *m;
        struct hd_error err = HD_ERROR_INIT;
        assert_int_equal(mg_parse_message(b, cut, a, &m, &err), 0);
        json_decref(mg_mail_to_json(m));
        hd_arena_free(&a);
        free(b);
    }
}

static int run_one(const char *dir, const char *base)
{
    char path[PATH_MAX_LEN];
    size_t len, jlen;
    snprintf(path, sizeof path, "%s/%s.eml", dir, base);
    char *raw = read_file(path, &len);
    snprintf(path, sizeof path, "%s/%s.json", dir, base);
    char *js = read_file(path, &jlen);
    assert_non_null(raw);
    assert_non_null(js);
    json_error_t jerr;
    json_t *want = json_loadb(js, jlen, 0, &jerr);
    if (!want)
        fail_msg("%s.json: %s", base, jerr.text);
    struct hd_arena *a = hd_arena_new();
    struct mg_mail *m;
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(mg_parse_message(raw, len, a, &m, &err), 0);
    json_t *have = parsed_json(m, a);
    int bad = check_case(base, want, have);
    json_decref(have);
    json_decref(want);
    hd_arena_free(&a);
    parse_truncations(raw, len);
    free(raw);
    free(js);
    return bad;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static void test_corpus(void **state)
{
    (void)state;
    char dir[PATH_MAX_LEN];
    corpus_dir(dir, sizeof dir);
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *names[1024];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 1024) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".eml") == 0)
            names[n++] = strndup(e->d_name, l - 4);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    assert_true(n >= CORPUS_MIN);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        bad += run_one(dir, names[i]);
        free(names[i]);
    }
    if (bad)
        fail_msg("%d corpus mismatches", bad);
}

/* A 20 MB attachment: size and sha256 must match the bytes encoded, and
 * the streaming reader must give back exactly those bytes. */
static void test_big_attachment(void **state)
{
    (void)state;
    unsigned char *data = malloc(BIG_ATTACHMENT);
    unsigned x = 12345;
    for (size_t i = 0; i < BIG_ATTACHMENT; i++)
        data[i] = (unsigned char)((x = x * 1103515245u + 12345u) >> 16);
    size_t b64cap = 4 * (BIG_ATTACHMENT / 3 + 1) + 4 * (BIG_ATTACHMENT / 57 + 1) + 1024;
    char *raw = malloc(b64cap + 1024);
    int h = snprintf(raw, 1024, "From: a@b.example\r\nSubject: big\r\n"
                     "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n"
                     "Content-Type: application/octet-stream\r\n"
                     "Content-Transfer-Encoding: base64\r\n"
                     "Content-Disposition: attachment; filename=big.bin\r\n\r\n");
    size_t len = (size_t)h;
    for (size_t i = 0; i < BIG_ATTACHMENT; i += 57) {
        size_t n = BIG_ATTACHMENT - i < 57 ? BIG_ATTACHMENT - i : 57;
        len += (size_t)EVP_EncodeBlock((unsigned char *)raw + len, data + i, (int)n);
        raw[len++] = '\r', raw[len++] = '\n';
    }
    memcpy(raw + len, "--B--\r\n", 7);
    len += 7;
    unsigned char md[32];
    char hex[65];
    EVP_Digest(data, BIG_ATTACHMENT, md, NULL, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    struct hd_arena *a = hd_arena_new();
    struct mg_mail *m;
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(mg_parse_message(raw, len, a, &m, &err), 0);
    assert_int_equal(m->n_attachments, 1);
    assert_int_equal(m->attachments[0].size, BIG_ATTACHMENT);
    assert_string_equal(m->attachments[0].sha256, hex);
    struct mg_att_reader *r = malloc(sizeof *r);
    const char *p;
    size_t n, off = 0;
    mg_att_reader_init(r, &m->attachments[0]);
    while (mg_att_reader_next(r, &p, &n)) {
        assert_true(off + n <= BIG_ATTACHMENT);
        assert_memory_equal(p, data + off, n);
        off += n;
    }
    assert_int_equal(off, BIG_ATTACHMENT);
    free(r);
    hd_arena_free(&a);
    free(raw);
    free(data);
}

static void test_limits(void **state)
{
    (void)state;
    struct hd_arena *a = hd_arena_new();
    struct mg_mail *m;
    struct hd_error err = HD_ERROR_INIT;
    assert_int_equal(mg_parse_message(NULL, 0, a, &m, &err), -1);
    assert_int_equal(err.code, HD_E_INVAL);
    assert_int_equal(mg_parse_message("x", (size_t)HD_MAIL_MAX + 1, a, &m, &err), -1);
    assert_int_equal(err.code, HD_E_TOOBIG);
    hd_arena_free(&a);
}

static void test_dates(void **state)
{
    (void)state;
    static const struct { const char *in; int64_t want; } cases[] = {
        {"Fri, 25 Dec 2026 18:59:00 +0900", 1798192740},
        {"25 Dec 2026 09:59:00 Z", 1798192740},
        {"Thu, 1 Jan 1970 00:00:01 +0000", 1},
        {"Mon, 29 Feb 2027 10:00:00 +0000", 1803895200}, /* lenient day */
        {"", 0},
        {"32 Dec 2026 10:00 +0000", 0},
        {"Fri, 25 Dec 2026 25:00:00 +0000", 0},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++)
        if (mg_parse_date(cases[i].in) != cases[i].want)
            fail_msg("case %zu: \"%s\" -> %lld, want %lld", i, cases[i].in,
                     (long long)mg_parse_date(cases[i].in),
                     (long long)cases[i].want);
}

static void test_fold(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t n;
        size_t start0;
        int kind0;
    } cases[] = {
        {"Hi\n> old\n> older\nnew", 1, 3, MG_FOLD_QUOTE},
        {"Hi\n\nOn Mon, Bob wrote:\n> old\n", 1, 4, MG_FOLD_QUOTE},
        {"Hi\n-- \nBob\n", 1, 3, MG_FOLD_SIGNATURE},
        {"Hi\n-----Original Message-----\nFrom: x\n", 1, 3, MG_FOLD_QUOTE},
        {"了解\nサポートさんは書きました:\n> 前\n", 1, 7, MG_FOLD_QUOTE},
        {"nothing to fold\n", 0, 0, 0},
    };
    for (size_t i = 0; i < HD_ARRAY_LEN(cases); i++) {
        struct hd_arena *a = hd_arena_new();
        struct mg_fold *f;
        size_t n = mg_text_fold(cases[i].text, strlen(cases[i].text), a, &f);
        if (n < cases[i].n || (n && (f[0].start != cases[i].start0
                                     || (int)f[0].kind != cases[i].kind0)))
            fail_msg("case %zu: %zu ranges, first at %zu", i, n,
                     n ? f[0].start : 0);
        hd_arena_free(&a);
    }
}

static void test_header_lookup(void **state)
{
    (void)state;
    static const char raw[] = "From: a@b.example\r\nX-Priority: 1 (Highest)\r\n"
                              "Importance: high\r\nSubject: =?UTF-8?B?w6k=?=\r\n"
                              "\r\nbody";
    struct hd_arena *a = hd_arena_new();
    struct mg_mail *m;
    struct hd_error err = HD_ERROR_INIT;
    char *b = malloc(sizeof raw - 1);
    memcpy(b, raw, sizeof raw - 1);
    assert_int_equal(mg_parse_message(b, sizeof raw - 1, a, &m, &err), 0);
    assert_string_equal(mg_mail_header(m, "x-priority"), "1 (Highest)");
    assert_string_equal(mg_mail_header(m, "IMPORTANCE"), "high");
    assert_string_equal(mg_mail_header(m, "Subject"), "é");
    assert_null(mg_mail_header(m, "Priority"));
    hd_arena_free(&a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),    cmocka_unit_test(test_big_attachment),
        cmocka_unit_test(test_limits),    cmocka_unit_test(test_dates),
        cmocka_unit_test(test_fold),      cmocka_unit_test(test_header_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
