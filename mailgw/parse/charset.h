/* charset.h - byte strings in any mail charset to valid UTF-8.
 *
 * Owns label normalisation (Shift_JIS -> CP932, EUC-JP -> EUC-JP-MS,
 * ISO-2022-JP* through CP932 so NEC/IBM rows of CP50220/50221 survive,
 * GB2312 -> GBK, ISO-8859-1 -> Windows-1252), conversion through iconv with
 * U+FFFD for every invalid byte, and guessing the charset of unlabelled 8-bit
 * text.  Knows nothing about MIME or headers.  Output never contains NUL or
 * invalid UTF-8, so it can go straight into JSON or HTML. */
#ifndef MG_CHARSET_H
#define MG_CHARSET_H

#include "arena.h"
#include "hd.h"

/* Longest charset label we look at; longer labels are "unknown". */
#define MG_CHARSET_LABEL_MAX 64

/* True if s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
bool mg_utf8_valid(const char *s, size_t n);

/* Converts s[0..n) labelled 'label' to UTF-8 in the arena.  Returns 0, or -1
 * if the label names no charset we can convert (the caller then guesses with
 * mg_charset_guess()).  Invalid input bytes become U+FFFD; NUL and other
 * C0 controls except TAB, LF, CR become U+FFFD as well.  *out_r is
 * NUL-terminated and lives as long as the arena. */
HD_NODISCARD int mg_charset_to_utf8(const char *label, const char *s,
                                    size_t n, struct hd_arena *a,
                                    char **out_r, size_t *outlen_r);

/* Guesses the charset of unlabelled bytes: "UTF-8" for ASCII or valid
 * UTF-8, "ISO-2022-JP" when escape sequences say so, a Latin charset when
 * every 8-bit byte stands alone among ASCII and is a letter there (no
 * Japanese text looks so), CP932 or EUC-JP-MS by which decodes more
 * plausibly as Japanese, else libuchardet's answer, else "WINDOWS-1252".
 * Returns a static string. */
const char *mg_charset_guess(const char *s, size_t n);

/* Unlabelled 8-bit header text (a raw Subject, From or file name) is
 * written in the charset its mailer labels the body with, more often
 * than anything a guess over a few bytes can tell: the parser sets the
 * message's first declared charset here for the duration of one parse
 * (NULL clears it; the label is copied; per thread).
 * mg_charset_guess_header() takes that label when it is neither UTF-8,
 * ASCII nor Japanese and it decodes the bytes without error, unless the
 * bytes read as Japanese in pairs (a Japanese help desk must never lose
 * Shift_JIS or EUC-JP); else it is mg_charset_guess(). */
void mg_charset_hint_set(const char *label);
const char *mg_charset_guess_header(const char *s, size_t n);

/* mg_charset_to_utf8() with a guess when the label is NULL, unknown or
 * contradicted by the bytes (a "us-ascii" label on 8-bit data).  Never
 * fails. */
void mg_charset_decode(const char *label, const char *s, size_t n,
                       struct hd_arena *a, char **out_r, size_t *outlen_r);

/* Converts into a caller buffer of 'cap' bytes (for libetpan's charconv
 * hook).  Returns 0, -1 for an unknown label, -2 if cap is too small. */
int mg_charset_convert_into(const char *label, const char *s, size_t n,
                            char *out, size_t cap, size_t *outlen_r);

#endif
