/* hd.h - types every module shares: errors, limits, assertions.
 *
 * Functions that can fail return int: 0 on success, -1 on failure with the
 * detail in a caller-owned struct hd_error.  Lookups that may find nothing
 * return 1 (found), 0 (absent) or -1 (error).  Broken invariants are bugs:
 * hd_assert() aborts with a message instead of returning an error. */
#ifndef HD_H
#define HD_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HD_VERSION "0.1.0"

#define HD_NODISCARD __attribute__((warn_unused_result))
#define HD_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Limits enforced at the edges, before anything is buffered. */
#define HD_MAIL_MAX (64u * 1024 * 1024)     /* one raw message */
#define HD_SUBJECT_MAX 998                  /* RFC 5322 line limit */
#define HD_ADDRESS_MAX 320                  /* RFC 5321 path limit */
#define HD_NAME_MAX 200
#define HD_CONFIG_LINE_MAX 4096

enum hd_errcode {
    HD_OK = 0,
    HD_E_INVAL,    /* bad input from the caller or the user */
    HD_E_NOTFOUND, /* the thing named does not exist */
    HD_E_EXISTS,   /* would duplicate something unique */
    HD_E_TOOBIG,   /* over a configured or built-in limit */
    HD_E_PERM,     /* not allowed */
    HD_E_CONFIG,   /* configuration file or option wrong */
    HD_E_PROFILE,  /* instance profile does not match the program's */
    HD_E_PARSE,    /* input could not be understood */
    HD_E_CRYPTO,   /* key, tag or signature check failed */
    HD_E_IO,       /* permanent I/O failure */
    HD_E_BUSY,     /* temporary: database locked beyond the bound */
    HD_E_NOSPACE,  /* temporary: disk full */
    HD_E_TEMP,     /* temporary: anything else worth retrying */
    HD_E_INTERNAL, /* a library reported something unexpected */
};

struct hd_error {
    enum hd_errcode code;
    char msg[256]; /* plain text for logs and API bodies, never HTML */
};

#define HD_ERROR_INIT {HD_OK, {0}}

void hd_error_set(struct hd_error *err, enum hd_errcode code,
                  const char *fmt, ...) HD_PRINTF(3, 4);
void hd_error_clear(struct hd_error *err);
/* True for codes a retry may cure (the mail gateway exits 75 on these). */
bool hd_error_is_temporary(const struct hd_error *err);
/* Short stable name of a code, e.g. "invalid", "busy". */
const char *hd_errcode_name(enum hd_errcode code);

_Noreturn void hd_panic(const char *file, int line, const char *fmt, ...)
    HD_PRINTF(3, 4);
#define hd_assert(cond)                                                      \
    do {                                                                     \
        if (!(cond))                                                         \
            hd_panic(__FILE__, __LINE__, "assertion failed: %s", #cond);     \
    } while (0)

/* Allocation that cannot fail: out-of-memory aborts (limits are enforced
 * before allocating, so running out means something else is wrong). */
void *hd_xmalloc(size_t n);
void *hd_xcalloc(size_t n, size_t size);
void *hd_xrealloc(void *p, size_t n);
char *hd_xstrdup(const char *s);
char *hd_xstrndup(const char *s, size_t n);

/* Wipes secrets; the compiler may not elide it. */
void hd_memzero_explicit(void *p, size_t n);

#define HD_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
