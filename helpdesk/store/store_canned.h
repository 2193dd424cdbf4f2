/* store_canned.h - canned responses as stored (schema 0013).  Checking
 * the fields and expanding the placeholders is canned.h's; this file only
 * stores and finds. */
#ifndef HD_STORE_CANNED_H
#define HD_STORE_CANNED_H

#include "store.h"

struct hd_canned_row {
    int64_t id;
    const char *name, *lang, *body;
    const char *shortcut, *category; /* NULL or "" when not set */
    const char *created_by, *updated_by;
    int64_t created_at, updated_at;
};

/* Every canned response, those in lang_first (may be NULL) first, then by
 * language and name.  Rows and strings in a. */
HD_NODISCARD int hd_store_canned_list(struct hd_store *st,
                                      const char *lang_first,
                                      struct hd_arena *a,
                                      struct hd_canned_row **rs_r,
                                      size_t *n_r, struct hd_error *err);
/* 1 found (fills *r_, strings in a) / 0 absent / -1 error. */
HD_NODISCARD int hd_store_canned_get(struct hd_store *st, int64_t id,
                                     struct hd_arena *a,
                                     struct hd_canned_row *r_,
                                     struct hd_error *err);
/* Inserts r (id and times ignored; created_by also becomes updated_by,
 * both times hd_clock_now()).  A second (name, lang) is HD_E_EXISTS. */
HD_NODISCARD int hd_store_canned_add(struct hd_store *st,
                                     const struct hd_canned_row *r,
                                     int64_t *id_r, struct hd_error *err);
/* Replaces name, lang, body, shortcut, category of r->id and records
 * updated_by and the time: 1 updated / 0 no such row / -1. */
HD_NODISCARD int hd_store_canned_update(struct hd_store *st,
                                        const struct hd_canned_row *r,
                                        struct hd_error *err);
/* 1 deleted / 0 no such row / -1. */
HD_NODISCARD int hd_store_canned_delete(struct hd_store *st, int64_t id,
                                        struct hd_error *err);

#endif
