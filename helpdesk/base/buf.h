/* buf.h - a growing byte buffer with a ceiling fixed at init.  Growth past
 * the ceiling fails with HD_E_TOOBIG and leaves the buffer unchanged.  The
 * data is always NUL-terminated (the NUL is not counted in len). */
#ifndef HD_BUF_H
#define HD_BUF_H

#include "hd.h"

struct hd_buf {
    char *data; /* owned; NULL until the first append */
    size_t len; /* bytes used, excluding the terminating NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* ceiling for len */
};

void hd_buf_init(struct hd_buf *b, size_t max);
void hd_buf_deinit(struct hd_buf *b);
void hd_buf_reset(struct hd_buf *b); /* len = 0, keeps memory */
HD_NODISCARD int hd_buf_append(struct hd_buf *b, const void *p, size_t n,
                               struct hd_error *err);
HD_NODISCARD int hd_buf_puts(struct hd_buf *b, const char *s,
                             struct hd_error *err);
HD_NODISCARD int hd_buf_printf(struct hd_buf *b, struct hd_error *err,
                               const char *fmt, ...) HD_PRINTF(3, 4);
/* Never NULL: "" for an empty buffer. */
const char *hd_buf_cstr(const struct hd_buf *b);
/* Hands the data to the caller (free() it); the buffer is left empty. */
char *hd_buf_steal(struct hd_buf *b, size_t *len_r);

#endif
