/* buf.c - see buf.h. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hd_buf_init(struct hd_buf *b, size_t max)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->max = max;
}

void hd_buf_deinit(struct hd_buf *b)
{
    free(b->data);
    hd_buf_init(b, b->max);
}

void hd_buf_reset(struct hd_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

static int reserve(struct hd_buf *b, size_t extra, struct hd_error *err)
{
    if (extra > b->max - b->len) {
        hd_error_set(err, HD_E_TOOBIG, "data exceeds the limit of %zu bytes",
                     b->max);
        return -1;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    b->data = hd_xrealloc(b->data, cap);
    b->cap = cap;
    return 0;
}

int hd_buf_append(struct hd_buf *b, const void *p, size_t n,
                  struct hd_error *err)
{
    if (reserve(b, n, err) < 0)
        return -1;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int hd_buf_puts(struct hd_buf *b, const char *s, struct hd_error *err)
{
    return hd_buf_append(b, s, strlen(s), err);
}

int hd_buf_printf(struct hd_buf *b, struct hd_error *err, const char *fmt,
                  ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n, err) < 0) {
        va_end(ap2);
        if (n < 0)
            hd_error_set(err, HD_E_INVAL, "bad format");
        return -1;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
    return 0;
}

const char *hd_buf_cstr(const struct hd_buf *b)
{
    return b->data != NULL ? b->data : "";
}

char *hd_buf_steal(struct hd_buf *b, size_t *len_r)
{
    char *p = b->data;
    if (len_r != NULL)
        *len_r = b->len;
    if (p == NULL)
        p = hd_xstrdup("");
    hd_buf_init(b, b->max);
    return p;
}
