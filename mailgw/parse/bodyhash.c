/* bodyhash.c - see bodyhash.h.  One pass, any chunking: a run of line
 * ends is held back until the next byte says whether it was the end of
 * the body (dropped) or not (handed out as that many LFs). */
#include "bodyhash.h"

#include <openssl/evp.h>
#include <string.h>

#define LF_RUN 64 /* LFs handed out per span */

static const char lfs[LF_RUN + 1] =
    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n";

void mg_body_canon_init(struct mg_body_canon *bc, const char *body,
                        size_t n, bool mapped)
{
    *bc = (struct mg_body_canon){.p = NULL};
    mg_raw_pass_init(&bc->rp, body, n, mapped);
}

/* What is held back (LFs, then a lone CR), one span a call. */
static bool release_held(struct mg_body_canon *bc, const char **p_r,
                         size_t *n_r)
{
    if (bc->nl > 0) {
        size_t k = bc->nl < LF_RUN ? bc->nl : LF_RUN;
        bc->nl -= k;
        *p_r = lfs;
        *n_r = k;
        return true;
    }
    bc->release = false;
    if (!bc->cr)
        return false;
    bc->cr = false;
    *p_r = "\r";
    *n_r = 1;
    return true;
}

/* The input is over: a held lone CR is content; held line ends are not,
 * one LF ends what was handed out. */
static bool finish(struct mg_body_canon *bc, const char **p_r, size_t *n_r)
{
    if (bc->cr) {
        bc->release = true;
        return mg_body_canon_next(bc, p_r, n_r);
    }
    if (bc->done || !bc->any)
        return false;
    bc->done = true;
    *p_r = "\n";
    *n_r = 1;
    return true;
}

bool mg_body_canon_next(struct mg_body_canon *bc, const char **p_r,
                        size_t *n_r)
{
    for (;;) {
        if (bc->release && release_held(bc, p_r, n_r)) {
            bc->any = true;
            return true;
        }
        if (bc->i == bc->n) {
            if (!bc->eof && mg_raw_pass_next(&bc->rp, &bc->p, &bc->n)) {
                bc->i = 0;
                continue;
            }
            bc->eof = true;
            return finish(bc, p_r, n_r);
        }
        char c = bc->p[bc->i];
        if (c == '\n') { /* LF, or the LF of CR LF */
            bc->cr = false;
            bc->nl++;
            bc->i++;
        } else if (c == '\r' && !bc->cr) {
            bc->cr = true;
            bc->i++;
        } else if (bc->nl > 0 || bc->cr) {
            bc->release = true; /* not the end: what is held is content */
        } else {
            size_t j = bc->i;
            while (j < bc->n && bc->p[j] != '\r' && bc->p[j] != '\n')
                j++;
            *p_r = bc->p + bc->i;
            *n_r = j - bc->i;
            bc->i = j;
            bc->any = true;
            return true;
        }
    }
}

void mg_body_hash_hex(const char *body, size_t n, bool mapped, char out[65])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char dg[32];
    struct mg_body_canon bc;
    const char *p;
    size_t pn;
    hd_assert(md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1);
    mg_body_canon_init(&bc, body, n, mapped);
    while (mg_body_canon_next(&bc, &p, &pn))
        hd_assert(EVP_DigestUpdate(md, p, pn) == 1);
    hd_assert(EVP_DigestFinal_ex(md, dg, NULL) == 1);
    EVP_MD_CTX_free(md);
    for (int i = 0; i < 32; i++) {
        out[2 * i] = "0123456789abcdef"[dg[i] >> 4];
        out[2 * i + 1] = "0123456789abcdef"[dg[i] & 15];
    }
    out[64] = '\0';
}
