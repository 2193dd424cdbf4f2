/* filetype.c - see filetype.h. */
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
