/* error.c - struct hd_error, panics and allocation that cannot fail. */
#include "hd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hd_error_set(struct hd_error *err, enum hd_errcode code,
                  const char *fmt, ...)
{
    if (err == NULL)
        return;
    va_list ap;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

void hd_error_clear(struct hd_error *err)
{
    err->code = HD_OK;
    err->msg[0] = '\0';
}

bool hd_error_is_temporary(const struct hd_error *err)
{
    switch (err->code) {
    case HD_E_BUSY:
    case HD_E_NOSPACE:
    case HD_E_TEMP:
        return true;
    default:
        return false;
    }
}

const char *hd_errcode_name(enum hd_errcode code)
{
    static const char *const names[] = {
        [HD_OK] = "ok",           [HD_E_INVAL] = "invalid",
        [HD_E_NOTFOUND] = "not_found", [HD_E_EXISTS] = "exists",
        [HD_E_TOOBIG] = "too_big",  [HD_E_PERM] = "forbidden",
        [HD_E_CONFIG] = "config",   [HD_E_PROFILE] = "profile",
        [HD_E_PARSE] = "parse",     [HD_E_CRYPTO] = "crypto",
        [HD_E_IO] = "io",           [HD_E_BUSY] = "busy",
        [HD_E_NOSPACE] = "no_space", [HD_E_TEMP] = "temporary",
        [HD_E_INTERNAL] = "internal",
    };
    if ((size_t)code < HD_ARRAY_LEN(names) && names[code] != NULL)
        return names[code];
    return "unknown";
}

void hd_panic(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "helpdesk: fatal at %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void *hd_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        hd_panic(__FILE__, __LINE__, "out of memory (%zu bytes)", n);
    return p;
}

void *hd_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        hd_panic(__FILE__, __LINE__, "out of memory (%zu x %zu)", n, size);
    return p;
}

void *hd_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        hd_panic(__FILE__, __LINE__, "out of memory (%zu bytes)", n);
    return q;
}

char *hd_xstrdup(const char *s)
{
    return hd_xstrndup(s, strlen(s));
}

char *hd_xstrndup(const char *s, size_t n)
{
    char *p = hd_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void hd_memzero_explicit(void *p, size_t n)
{
    explicit_bzero(p, n);
}
