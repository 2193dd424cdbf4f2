/* filetype.h - what an attachment really is, by its bytes (libmagic), not
 * by the name or Content-Type the sender gave it.  The only module that
 * includes magic.h.
 *
 * One magic handle per process, opened on first use and guarded by a
 * mutex (libmagic handles are not thread-safe).  The answer is advisory:
 * it decides the type policy, it is never shown as the truth about a
 * file. */
#ifndef MG_FILETYPE_H
#define MG_FILETYPE_H

#include "hd.h"

#define MG_FILETYPE_SNIFF_MAX (64u * 1024) /* leading bytes examined */
#define MG_FILETYPE_MAX 128                /* longest type kept, with NUL */
#define MG_FILETYPE_UNKNOWN "application/octet-stream"

/* Detects the MIME type ("type/subtype", lower case) of the first
 * MG_FILETYPE_SNIFF_MAX bytes of p[0..n) into out.  A program type that
 * libmagic only guessed (mg_filetype_weak) comes out as MG_FILETYPE_UNKNOWN
 * ("text/plain" for a script), so random bytes are never refused as a
 * program.
 * Returns 0, or -1 with HD_E_INTERNAL when libmagic cannot be loaded or
 * fails on the buffer; out is MG_FILETYPE_UNKNOWN then. */
HD_NODISCARD int mg_filetype_detect(const void *p, size_t n,
                                    char out[MG_FILETYPE_MAX],
                                    struct hd_error *err);

/* True when type says "program" (a DOS, PE, ELF or Mach-O executable, a
 * script) but p[0..n) lacks the signature such a file starts with:
 * libmagic's heuristic rules (a DOS .COM by its first instruction, a
 * script by its words) guessed it, and a guess is no reason to refuse. */
bool mg_filetype_weak(const void *p, size_t n, const char *type);

/* Closes the process's handle (tests, leak checkers); a later detect
 * opens it again. */
void mg_filetype_close(void);

/* True when type appears as a whole word in the space-separated list. */
bool mg_filetype_in_list(const char *list, const char *type);

#endif
