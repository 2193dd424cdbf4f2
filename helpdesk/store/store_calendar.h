/* store_calendar.h - closures of the business calendar in the database
 * (table calendar_closure, schema/0003_calendar.sql).  The calendar reads
 * them with hd_calendar_load(); the CLI imports iCalendar files into them
 * inside one transaction. */
#ifndef HD_STORE_CALENDAR_H
#define HD_STORE_CALENDAR_H

#include "arena.h"
#include "date.h"
#include "hd.h"

struct hd_store;

struct hd_closure {
    int64_t id;
    struct hd_date first; /* first closed day */
    struct hd_date last;  /* last closed day (inclusive) */
    const char *name;     /* told to customers */
    const char *source;   /* "manual", "ics:<file name>", ... */
    int64_t created_at;   /* UTC seconds; set by add */
};

/* Inserts a closure (c->id and c->created_at are ignored; created_at is
 * hd_clock_now()).  -1 with HD_E_INVAL for invalid or reversed dates. */
HD_NODISCARD int hd_store_closure_add(struct hd_store *st,
                                      const struct hd_closure *c,
                                      int64_t *id_r, struct hd_error *err);
/* All closures ordered by first day, then id; strings in arena a. */
HD_NODISCARD int hd_store_closure_list(struct hd_store *st,
                                       struct hd_arena *a,
                                       struct hd_closure **cs_r, size_t *n_r,
                                       struct hd_error *err);
/* 1 deleted, 0 no such id, -1 error. */
HD_NODISCARD int hd_store_closure_delete(struct hd_store *st, int64_t id,
                                         struct hd_error *err);

#endif
