/* test_filetype.c - detection by the bytes, whatever the name says
 * (PDF, PNG, ZIP, ELF, PE, text, empty, a 64 KiB cut), the whole-word
 * type lists of the policy, and the download rule of attach.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "attach.h"
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
        cmocka_unit_test(test_in_list),
        cmocka_unit_test(test_downloadable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
