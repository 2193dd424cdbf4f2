/* test_filetype.c - detection by the bytes, whatever the name says
 * (PDF, PNG, ZIP, ELF, PE, text, empty, a 64 KiB cut), libmagic's guesses
 * without a magic number (a DOS .COM, a script without "#!") never
 * refused, the whole-word type lists of the policy, and the download rule
 * of attach.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "attstore.h"
#include "config.h"
#include "filetype.h"

#define CASE_FAIL(i, ...)                                                    \
    do {                                                                     \
        print_error("case %zu: ", (size_t)(i));                              \
        print_error(__VA_ARGS__);                                            \
        print_error("\n");                                                   \
        fail();                                                              \
    } while (0)

#define SAMPLE_MAX 1024

/* A 32-bit PE: MZ stub pointing at "PE\0\0", a COFF header for i386 and
 * an optional header of the declared size. */
static size_t make_pe(unsigned char *b)
{
    memset(b, 0, 512);
    b[0] = 'M', b[1] = 'Z';
    b[0x3c] = 0x40;
    memcpy(b + 0x40, "PE\0\0", 4);
    b[0x44] = 0x4c, b[0x45] = 0x01;  /* machine i386 */
    b[0x46] = 1;                     /* one section */
    b[0x54] = 0xe0;                  /* optional header size */
    b[0x56] = 0x02, b[0x57] = 0x01;  /* executable, 32-bit */
    b[0x58] = 0x0b, b[0x59] = 0x01;  /* PE32 magic */
    return 512;
}

/* A 64-bit little-endian ELF header, type ET_EXEC, x86-64. */
static size_t make_elf(unsigned char *b)
{
    memset(b, 0, 64);
    memcpy(b, "\177ELF\2\1\1", 7);
    b[16] = 2;    /* ET_EXEC */
    b[18] = 0x3e; /* x86-64 */
    b[20] = 1;    /* version */
    b[52] = 64;   /* header size */
    return 64;
}

/* n bytes of xorshift noise after first: libmagic's msdos rules call
 * such a buffer "DOS executable (COM)" when first is a plausible opening
 * instruction (0x8c mov, 0xb8 mov ax, 0xeb jmp short); file(1) agrees on
 * these seeds. */
static size_t make_noise(unsigned char *b, size_t n, unsigned char first,
                         uint32_t seed)
{
    b[0] = first;
    for (size_t i = 1; i < n; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        b[i] = (unsigned char)(seed >> 24);
    }
    return n;
}

/* A DOS MZ executable: the header and a little code, no PE. */
static size_t make_mz(unsigned char *b)
{
    memset(b, 0, 512);
    b[0] = 'M', b[1] = 'Z';
    b[2] = 0x90, b[4] = 0x01; /* bytes on the last page, pages */
    b[8] = 0x02;              /* header paragraphs */
    b[0x18] = 0x1c;           /* relocation table right after */
    memcpy(b + 0x20, "\xba\x10\x00\x0e\x1f\xb4\x09\xcd\x21", 9);
    return 512;
}

static size_t make_text(unsigned char *b, const char *s)
{
    size_t n = strlen(s);
    memcpy(b, s, n);
    return n;
}

/* The decision of the default policy on each buffer, the name and the
 * declared type saying "PDF": a guess is no reason to refuse, a
 * signature is. */
static void test_decide(void **state)
{
    (void)state;
    enum { NOISE_8C, NOISE_B8, NOISE_EB, PE, MZ, ELF, PDF, TEXT, PY, SH };
    static const struct {
        int kind;
        const char *want_state, *want_type;
    } cases[] = {
        {NOISE_8C, "stored", MG_FILETYPE_UNKNOWN},
        {NOISE_B8, "stored", MG_FILETYPE_UNKNOWN},
        {NOISE_EB, "stored", MG_FILETYPE_UNKNOWN},
        {PE, "refused", "application/vnd.microsoft.portable-executable"},
        {MZ, "refused", "application/x-dosexec"},
        {ELF, "refused", "application/x-executable"},
        {PDF, "stored", "application/pdf"},
        {TEXT, "stored", "text/plain"},
        {PY, "stored", "text/plain"},
        {SH, "stored", "text/x-shellscript"},
    };
    struct hd_config *cfg = hd_config_new();
    unsigned char *b = malloc(SAMPLE_MAX * 4);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = 0;
        switch (cases[i].kind) {
        case NOISE_8C: n = make_noise(b, 4096, 0x8c, 29); break;
        case NOISE_B8: n = make_noise(b, 4096, 0xb8, 7); break;
        case NOISE_EB: n = make_noise(b, 4096, 0xeb, 3); break;
        case PE: n = make_pe(b); break;
        case MZ: n = make_mz(b); break;
        case ELF: n = make_elf(b); break;
        case PDF:
            n = make_text(b, "%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n");
            break;
        case TEXT: n = make_text(b, "Hello, the printer is on fire.\n"); break;
        case PY:
            n = make_text(b, "import os\n\ndef f():\n    return 1\n");
            break;
        case SH: n = make_text(b, "#!/bin/sh\necho hello\n"); break;
        }
        struct mg_attachment at = {
            .filename = "report.pdf", .content_type = "application/pdf",
            .size = n, .raw = (const char *)b, .raw_len = n,
            .transfer = MG_TE_IDENTITY,
        };
        struct mg_att_policy p;
        mg_att_policy_decide(cfg, &at, &p);
        if (strcmp(p.state, cases[i].want_state) != 0 ||
            strcmp(p.detected, cases[i].want_type) != 0)
            CASE_FAIL(i, "got %s (%s, %s), want %s (%s)", p.state,
                      p.detected, p.why ? p.why : "-", cases[i].want_state,
                      cases[i].want_type);
    }
    free(b);
    hd_config_free(&cfg);
    mg_filetype_close();
}

static void test_detect(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        size_t len; /* 0: strlen */
        const char *want;
    } cases[] = {
        {"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", 0,
         "application/pdf"},
        {"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0", 29,
         "image/png"},
        {"Hello, this is a plain note.\n", 0, "text/plain"},
        {"\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf\n", 0,
         "text/plain"},
        {"", 0, "application/x-empty"},
    };
    char out[MG_FILETYPE_MAX];
    struct hd_error err = HD_ERROR_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = cases[i].len ? cases[i].len : strlen(cases[i].bytes);
        if (mg_filetype_detect(cases[i].bytes, n, out, &err) < 0)
            CASE_FAIL(i, "detect failed: %s", err.msg);
        if (strcmp(out, cases[i].want) != 0)
            CASE_FAIL(i, "got %s, want %s", out, cases[i].want);
    }
    unsigned char b[SAMPLE_MAX];
    assert_int_equal(mg_filetype_detect(b, make_pe(b), out, &err), 0);
    assert_string_equal(out, "application/vnd.microsoft.portable-executable");
    assert_int_equal(mg_filetype_detect(b, make_elf(b), out, &err), 0);
    assert_string_equal(out, "application/x-executable");
    mg_filetype_close();
}

/* Only the first MG_FILETYPE_SNIFF_MAX bytes count: text followed, past
 * the cut, by an ELF header is still text. */
static void test_sniff_cut(void **state)
{
    (void)state;
    size_t n = MG_FILETYPE_SNIFF_MAX + 64;
    char *b = malloc(n), out[MG_FILETYPE_MAX];
    struct hd_error err = HD_ERROR_INIT;
    memset(b, 'a', MG_FILETYPE_SNIFF_MAX);
    make_elf((unsigned char *)b + MG_FILETYPE_SNIFF_MAX);
    assert_int_equal(mg_filetype_detect(b, n, out, &err), 0);
    assert_string_equal(out, "text/plain");
    free(b);
    mg_filetype_close();
}

static void test_in_list(void **state)
{
    (void)state;
    static const struct {
        const char *list, *type;
        bool want;
    } cases[] = {
        {"application/x-dosexec application/x-executable",
         "application/x-executable", true},
        {"application/x-dosexec application/x-executable",
         "application/x-dosexec", true},
        {"application/x-executable-ish", "application/x-executable", false},
        {"xapplication/pdf", "application/pdf", false},
        {"image/png  application/pdf", "application/pdf", true},
        {"", "application/pdf", false},
        {"application/pdf", "", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (mg_filetype_in_list(cases[i].list, cases[i].type) !=
            cases[i].want)
            CASE_FAIL(i, "[%s] in [%s]: want %d", cases[i].type,
                      cases[i].list, cases[i].want);
}

static void test_downloadable(void **state)
{
    (void)state;
    static const struct {
        const char *state, *scan;
        bool want;
    } cases[] = {
        {"stored", "clean", true},      {"stored", "unscanned", false},
        {"stored", "infected", false},  {"quarantined", "infected", false},
        {"held", "unscanned", false},   {"refused", "unscanned", false},
        {"purged", "clean", false},     {"oversize", "unscanned", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct hd_attachment at = {.state = cases[i].state,
                                   .scan_state = cases[i].scan};
        if (hd_attachment_downloadable(&at) != cases[i].want)
            CASE_FAIL(i, "%s/%s: want %d", cases[i].state, cases[i].scan,
                      cases[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_sniff_cut),
        cmocka_unit_test(test_decide),
        cmocka_unit_test(test_in_list),
        cmocka_unit_test(test_downloadable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
