/* filetype.c - see filetype.h.  libmagic's answer is kept only when the
 * bytes back it: some of its rules are guesses without a magic number (a
 * DOS .COM program is recognised by its first instruction, a Python
 * script by words like "import"), and one in a hundred random files
 * starts like a .COM program.  A type that decides refusals must rest on
 * a signature a loader needs: MZ, ELF, Mach-O, "#!". */
#include "filetype.h"

#include <ctype.h>
#include <magic.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* No decompression: a zip or gzip is judged as what it is, and a
 * compression bomb cannot cost us time here.  MAGIC_ERROR makes a damaged
 * magic database an error instead of a silent "data". */
#define FILETYPE_FLAGS (MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t cookie;

static int open_locked(struct hd_error *err)
{
    if (cookie != NULL)
        return 0;
    cookie = magic_open(FILETYPE_FLAGS);
    if (cookie == NULL) {
        hd_error_set(err, HD_E_INTERNAL, "libmagic: cannot open a handle");
        return -1;
    }
    if (magic_load(cookie, NULL) != 0) {
        hd_error_set(err, HD_E_INTERNAL, "libmagic: cannot load database: %s",
                     magic_error(cookie) ? magic_error(cookie) : "?");
        magic_close(cookie);
        cookie = NULL;
        return -1;
    }
    return 0;
}

/* Keeps "type/subtype" only, lower-cased; anything else is unknown. */
static void normalise(const char *r, char out[MG_FILETYPE_MAX])
{
    size_t i = 0;
    for (; r[i] && r[i] != ';' && !isspace((unsigned char)r[i]) &&
           i + 1 < MG_FILETYPE_MAX;
         i++)
        out[i] = (char)tolower((unsigned char)r[i]);
    out[i] = '\0';
    if (i == 0 || strchr(out, '/') == NULL)
        snprintf(out, MG_FILETYPE_MAX, "%s", MG_FILETYPE_UNKNOWN);
}

/* What a loader or a kernel needs at offset 0 to run the file. */
enum evidence { EV_MZ, EV_ELF, EV_MACHO, EV_SHEBANG };

static bool has_evidence(const unsigned char *p, size_t n, enum evidence e)
{
    static const char *const macho[] = {"\xfe\xed\xfa\xce", "\xfe\xed\xfa\xcf",
                                        "\xce\xfa\xed\xfe", "\xcf\xfa\xed\xfe",
                                        "\xca\xfe\xba\xbe" /* universal */};
    switch (e) {
    case EV_MZ:
        return n >= 2 && (memcmp(p, "MZ", 2) == 0 || memcmp(p, "ZM", 2) == 0);
    case EV_ELF: return n >= 4 && memcmp(p, "\177ELF", 4) == 0;
    case EV_MACHO:
        for (size_t i = 0; n >= 4 && i < HD_ARRAY_LEN(macho); i++)
            if (memcmp(p, macho[i], 4) == 0)
                return true;
        return false;
    case EV_SHEBANG: return n >= 2 && memcmp(p, "#!", 2) == 0;
    }
    return false;
}

/* Types that mean "runs as a program", and the signature without which
 * libmagic's saying so is a guess.  Other types stand as libmagic says. */
#define TEXT "text/plain"
static const struct {
    const char *type;
    enum evidence needs;
    const char *guessed; /* what we say when the signature is missing */
} confirm[] = {
    {"application/x-dosexec", EV_MZ, MG_FILETYPE_UNKNOWN},
    {"application/vnd.microsoft.portable-executable", EV_MZ,
     MG_FILETYPE_UNKNOWN},
    {"application/x-msdownload", EV_MZ, MG_FILETYPE_UNKNOWN},
    {"application/x-executable", EV_ELF, MG_FILETYPE_UNKNOWN},
    {"application/x-sharedlib", EV_ELF, MG_FILETYPE_UNKNOWN},
    {"application/x-pie-executable", EV_ELF, MG_FILETYPE_UNKNOWN},
    {"application/x-mach-binary", EV_MACHO, MG_FILETYPE_UNKNOWN},
    {"text/x-shellscript", EV_SHEBANG, TEXT},
    {"text/x-script.python", EV_SHEBANG, TEXT},
    {"text/x-perl", EV_SHEBANG, TEXT},
};

/* The entry of confirm[] that type lacks the evidence for, or -1. */
static int guessed(const void *p, size_t n, const char *type)
{
    for (size_t i = 0; i < HD_ARRAY_LEN(confirm); i++)
        if (strcmp(confirm[i].type, type) == 0)
            return has_evidence(p, n, confirm[i].needs) ? -1 : (int)i;
    return -1;
}

bool mg_filetype_weak(const void *p, size_t n, const char *type)
{
    return guessed(p, n, type) >= 0;
}

int mg_filetype_detect(const void *p, size_t n, char out[MG_FILETYPE_MAX],
                       struct hd_error *err)
{
    int rc = -1;
    snprintf(out, MG_FILETYPE_MAX, "%s", MG_FILETYPE_UNKNOWN);
    pthread_mutex_lock(&lock);
    if (open_locked(err) < 0)
        goto out;
    const char *r = magic_buffer(cookie, n > 0 ? p : "",
                                 n < MG_FILETYPE_SNIFF_MAX
                                     ? n
                                     : MG_FILETYPE_SNIFF_MAX);
    if (r == NULL) {
        const char *why = magic_error(cookie);
        hd_error_set(err, HD_E_INTERNAL, "libmagic: %s", why ? why : "?");
        goto out;
    }
    normalise(r, out);
    int g = guessed(p, n, out);
    if (g >= 0)
        snprintf(out, MG_FILETYPE_MAX, "%s", confirm[g].guessed);
    rc = 0;
out:
    pthread_mutex_unlock(&lock);
    return rc;
}

void mg_filetype_close(void)
{
    pthread_mutex_lock(&lock);
    if (cookie != NULL)
        magic_close(cookie);
    cookie = NULL;
    pthread_mutex_unlock(&lock);
}

bool mg_filetype_in_list(const char *list, const char *type)
{
    size_t tl = strlen(type);
    if (list == NULL || tl == 0)
        return false;
    for (const char *p = strstr(list, type); p; p = strstr(p + 1, type))
        if ((p == list || isspace((unsigned char)p[-1])) &&
            (p[tl] == '\0' || isspace((unsigned char)p[tl])))
            return true;
    return false;
}
